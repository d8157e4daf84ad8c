"""Sphinx configuration for the bounds documentation (MyST Markdown, numpydoc, autodoc).

Build with ``python -m sphinx -W -b html docs docs/_build/html``. Figures and the
CLI reference are generated at build time from the code (``_generated/``), so
they always show what the installed version computes.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))
sys.path.insert(0, str(DOCS))

from _build_assets import generate  # noqa: E402

import bounds  # noqa: E402

project = "bounds"
author = "the bounds authors"
copyright = "2026, the bounds authors"
release = bounds.__version__
version = release

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "_mathml",  # maths as MathML at build time: the pages load nothing from the network
]
html_math_renderer = "mathml"
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_generated/*.md", "Thumbs.db", ".DS_Store"]

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "none"  # numpydoc's Parameters sections already give the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

html_theme = "alabaster"
html_theme_options = {"description": "Certified compounding-alignment-error budgets", "fixed_sidebar": True}
html_static_path = ["_static"]
# the gallery's report page (written by _build_assets at build time) is copied to the site root
(DOCS / "_generated" / "extra").mkdir(parents=True, exist_ok=True)
html_extra_path = ["_generated/extra"]
html_css_files = ["bounds.css"]
pygments_style = "sphinx"


def _generate_assets(app: object) -> None:
    generate(DOCS / "_generated")


def setup(app):  # noqa: ANN001, ANN201 - Sphinx's extension hook
    app.connect("builder-inited", _generate_assets)
    return {"parallel_read_safe": True}
