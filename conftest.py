"""Skip the doctests of optional modules whose extra is not installed (a minimal CI job).

``pytest --doctest-modules`` imports every module under ``bounds/``; the core must work
without matplotlib and hypothesis, so their modules' examples are collected only when the
``plot`` and ``test`` extras are present.
"""

from __future__ import annotations

import importlib.util

collect_ignore_glob: list[str] = []
if importlib.util.find_spec("matplotlib") is None:
    collect_ignore_glob += ["bounds/report/plot.py", "bounds/cli/commands_plot.py"]
if importlib.util.find_spec("hypothesis") is None:
    collect_ignore_glob += ["bounds/testing/*.py"]
if importlib.util.find_spec("fastapi") is None:
    collect_ignore_glob += ["bounds/web/*.py"]
