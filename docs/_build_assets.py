"""Figures, the CLI reference and the model parameter tables, generated from the code when the docs are built.

Everything here calls the public API, so the pictures and the option lists in
the documentation are what the library computes and accepts today.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np


def _figures(folder: Path) -> None:
    from bounds import Independent
    from bounds.report.plot import heatmap_figure, save_figure, survival_figure

    # the running example, with the interval any dependence allows given only the marginal rate:
    # max(0, 1 - N eps) <= S(N) <= 1 - eps (Frechet / Boole), and S(0) = 1
    counts = np.arange(0, 20_101)  # the axis ends at four times the largest budget, 4 x 5025
    epsilon = 0.001
    lower = np.maximum(0.0, 1 - counts * epsilon)
    upper = np.where(counts == 0, 1.0, 1 - epsilon)
    models = [Independent(epsilon="0.001"), Independent(epsilon="0.0001")]
    figure = survival_figure(
        models,
        "0.605",
        labels=["independent, ε = 0.001", "independent, ε = 0.0001"],
        band=(counts, lower, upper),
        band_label="any dependence, marginal ε = 0.001",
    )
    save_figure(figure, folder / "survival.png", dpi=110)
    save_figure(heatmap_figure(mark=[("0.001", "0.605")]), folder / "heatmap.png", dpi=110)
    _timeline_figures(folder)


def _timeline_figures(folder: Path) -> None:
    # the seed of docs/timeline.md: first interval 12 months, acceleration 0.8, start quantiles 0.3 / 0.6
    from bounds import Independent
    from bounds.report.plot import save_figure
    from bounds.report.timeline_plot import date_distribution_figure, timeline_figure
    from bounds.timeline import GeometricCadence, StartDistribution, horizon

    model, cadence = Independent(epsilon="0.001"), GeometricCadence(first="12", ratio="0.8")
    start = StartDistribution.from_text("2027-12:0.3,2028-12:0.6")
    save_figure(timeline_figure(model, cadence, "0.605", start=start), folder / "timeline.png", dpi=110)
    months = horizon(model, cadence, "0.605").months
    save_figure(date_distribution_figure(start, months), folder / "timeline_dates.png", dpi=110)


#: Where the gallery's report is written; conf.py copies this folder into the site root.
EXTRA = "extra"
REPORT_PAGE = "gallery-report.html"


def _gallery_report(folder: Path) -> None:
    """The gallery's last section: the report of the running example where ``bounds.build_report``
    exists (one self-contained HTML file, linked and embedded), and its derivation in any case."""
    import bounds
    from bounds import Independent, derive

    lines = []
    build_report = getattr(bounds, "build_report", None)
    if build_report is not None:
        report = build_report(Independent(epsilon="0.001"), "0.605")
        (folder / EXTRA).mkdir(exist_ok=True)
        (folder / EXTRA / REPORT_PAGE).write_text(report.to_html(), encoding="utf-8")
        lines += [
            "## A report",
            "",
            f"`bounds.build_report(Independent(epsilon=\"0.001\"), \"0.605\").to_html()` "
            f'(`bounds report`): one self-contained page, <a href="{REPORT_PAGE}">opened on its own</a>.',
            "",
            f'<iframe src="{REPORT_PAGE}" title="report" style="width:100%;height:900px;border:1px solid #ccc">'
            "</iframe>",
            "",
        ]
    markdown = derive(Independent(epsilon="0.001"), "0.605").to_markdown()
    lines += [
        "## A derivation",
        "",
        '`bounds.derive(Independent(epsilon="0.001"), "0.605").to_markdown()`, included unchanged: from',
        "the assumption to the certificate, every number as it was read. `bounds derive --format pdf`",
        "writes the same derivation as a PDF.",
        "",
    ]
    lines += [f"##{line}" if line.startswith("#") else line for line in markdown.splitlines()]
    (folder / "gallery_report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _help_sections(parser: argparse.ArgumentParser, name: str, level: int) -> list[str]:
    lines = [f"{'#' * level} `{name}`", "", "```text", parser.format_help().rstrip(), "```", ""]
    for action in parser._actions:  # argparse keeps subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub_parser in action.choices.items():
                lines += _help_sections(sub_parser, f"{name} {sub_name}", level + 1)
    return lines


def _cli_reference(folder: Path) -> None:
    import os

    from bounds.cli._core import build_parser

    os.environ["COLUMNS"] = "100"  # argparse wraps help text to the terminal width: fix it
    parser = build_parser()
    parser.prog = "bounds"
    text = "\n".join(_help_sections(parser, "bounds", 2))
    (folder / "cli_reference.md").write_text(text + "\n", encoding="utf-8")


def _directive(qualified: str, obj: object) -> str:
    if isinstance(obj, type) and issubclass(obj, BaseException):
        return f".. autoexception:: {qualified}"
    if isinstance(obj, type):
        return f".. autoclass:: {qualified}"
    if callable(obj):
        return f".. autofunction:: {qualified}"
    return f".. autodata:: {qualified}"


def _api_more(folder: Path) -> None:
    """Every registered model class and public name that docs/api.md does not document by hand.

    New model families and new top-level functions appear in the API reference without edits
    to the docs; api.md documents the rest in a chosen order.
    """
    import re

    import bounds
    from bounds.models import registry

    documented = set(
        re.findall(r"[A-Za-z_][A-Za-z0-9_]*", (folder.parent / "api.md").read_text(encoding="utf-8"))
    )
    models = []
    for name in registry.registered():
        cls = getattr(registry._CONSTRUCTORS[name], "__self__", None)
        if isinstance(cls, type) and cls.__name__ not in documented:
            models.append((name, f"{cls.__module__}.{cls.__qualname__}", cls))
    others = [
        (f"bounds.{name}", getattr(bounds, name))
        for name in bounds.__all__
        if name not in documented
        and not name.startswith("_")
        and name not in {cls.__name__ for *_, cls in models}
    ]
    lines = []
    if models:
        lines += [
            "## Model families",
            "",
            'Every model registered for specs (`model = "..."`).',
            "",
            "```{eval-rst}",
        ]
        lines += [f"{_directive(path, cls)}" for _, path, cls in models]
        lines += ["```", ""]
    if others:
        lines += ["## More of the public API", "", "```{eval-rst}"]
        lines += [_directive(path, obj) for path, obj in others]
        lines += ["```", ""]
    (folder / "api_more.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _model_parameters(folder: Path) -> None:
    """A table per registered family from its declared parameters (the code validates the same declarations)."""
    import inspect
    import re

    import bounds.oversight  # noqa: F401 - registers the oversight families
    from bounds.models import registry
    from bounds.models.parameters import parameters_table

    lines = []
    for name in registry.registered():
        cls = registry.family(name)
        summary = " ".join((inspect.getdoc(cls) or "").split("\n\n", 1)[0].split())
        summary = re.sub(r":\w+:`~?([^`]*)`", r"`\1`", summary)  # reST roles as code
        lines += [f"### `{name}`", "", f"`{cls.__name__}`: {summary}", "", parameters_table(cls), ""]
    (folder / "model_parameters.md").write_text("\n".join(lines), encoding="utf-8")


def generate(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    _cli_reference(folder)
    _model_parameters(folder)
    _api_more(folder)
    _figures(folder)
    _gallery_report(folder)
