"""The calculator page: one server-rendered form, its results, errors next to their fields.

The form is a GET, so every state is a URL. The model family's fields come from the registry
(:class:`~bounds.web.cli_bridge.Family`); the budget, survival, comparison and derivation are
CLI runs in one worker job (one time limit for the page), the plot's points a second job.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from bounds.report.html import MATH_CSS
from bounds.web.cli_bridge import CliBridge
from bounds.web.results import cli_job, cli_message, query_lists, status_of
from bounds.web.workers import Overloaded, WorkerPool

__all__ = ["PAGE_FIELDS", "add_routes", "derivation_html", "field_of_message", "survival_svg"]

#: The page's own inputs besides the family's fields: (name, label, CLI option it feeds).
PAGE_FIELDS = (
    ("threshold", "threshold T", "threshold"),
    ("generations", "survival at N", "generations"),
    ("cmp_rho", "comparison: pairwise correlation rho", "rho"),
    ("cmp_mass", "comparison: persistent unsafe mass", "mass"),
)
_MAX_PLOT_N = 10**15
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.globals["math_css"] = Markup(MATH_CSS)  # CSS text: not HTML-escaped inside <style>


def derivation_html(markdown: str) -> Markup:
    """The derivation's Markdown source (LaTeX maths) in a ``<pre>``, escaped.

    The fallback of the page when the worker could not render the derivation as MathML
    (:func:`bounds.report.html.derivation_html`, which needs ``latex2mathml``).

    Examples
    --------
    >>> str(derivation_html("$S(N) < T$"))
    '<pre class="derivation">$S(N) &lt; T$</pre>'
    """
    return Markup('<pre class="derivation">') + escape(markdown) + Markup("</pre>")


def field_of_message(message: str, names: list[str]) -> str | None:
    """The input a CLI message is about: the name it mentions first (``--threshold``, ``epsilon1``).

    Examples
    --------
    >>> field_of_message("spec: epsilon1 must be in [0, 1], got 2", ["ratio", "epsilon1", "epsilon"])
    'epsilon1'
    >>> field_of_message("the input is too large", ["epsilon"]) is None
    True
    """
    found = []
    for name in names:
        match = re.search(
            rf"(?<![\w-])(--)?{re.escape(name.replace('_', '-'))}(?![\w-])|"
            rf"(?<![\w-]){re.escape(name)}(?![\w-])",
            message,
        )
        if match:
            found.append((match.start(), -len(name), name))
    return min(found)[2] if found else None


def survival_svg(points: dict[str, Any], threshold: float, budget: int | None) -> Markup:
    """The survival curve ``S(n)`` as an inline SVG, with the threshold and the budget marked."""
    width, height, left, bottom, top, right = 640, 300, 56, 40, 16, 16
    ns, values = points["n"], points["survival"]
    end = max(ns[-1], 1)

    def x(n: float) -> float:
        return left + (width - left - right) * n / end

    def y(s: float) -> float:
        return top + (height - top - bottom) * (1 - s)

    path = " ".join(f"{x(n):.1f},{y(s):.1f}" for n, s in zip(ns, values, strict=True) if s == s)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="survival S(N) against N" class="plot">',
        f'<rect x="{left}" y="{top}" width="{width - left - right}" height="{height - top - bottom}" '
        'fill="none" stroke="#888"/>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">{tick:g}</text>')
    for tick in (0, end // 2, end):
        parts.append(
            f'<text x="{x(tick):.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11">{tick}</text>'
        )
    parts.append(f'<text x="{width / 2}" y="{height - 6}" text-anchor="middle" font-size="12">generations N</text>')
    parts.append(
        f'<text x="14" y="{height / 2}" font-size="12" transform="rotate(-90 14 {height / 2})" '
        'text-anchor="middle">S(N)</text>'
    )
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{y(threshold):.1f}" y2="{y(threshold):.1f}" '
        f'stroke="#c33" stroke-dasharray="5 4"/><text x="{width - right - 4}" y="{y(threshold) - 5:.1f}" '
        f'text-anchor="end" font-size="11" fill="#c33">T = {threshold:g}</text>'
    )
    if budget is not None and budget <= end:
        parts.append(
            f'<line x1="{x(budget):.1f}" x2="{x(budget):.1f}" y1="{top}" y2="{height - bottom}" '
            f'stroke="#36c" stroke-dasharray="2 3"/><text x="{x(budget) + 4:.1f}" y="{top + 14}" '
            f'font-size="11" fill="#36c">N* = {budget}</text>'
        )
    parts.append(f'<polyline points="{path}" fill="none" stroke="#222" stroke-width="1.6"/></svg>')
    return Markup("".join(parts))


def _state(bridge: CliBridge, query: dict[str, list[str]]) -> tuple[str, dict[str, str]]:
    family = (query.get("model") or ["independent"])[0]
    names = [field.name for field in bridge.families[family].fields] if family in bridge.families else []
    values = {name: (query.get(name) or [""])[0] for name in names + [name for name, _, _ in PAGE_FIELDS]}
    return family, values


def _jobs(bridge: CliBridge, family: str, values: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The CLI jobs of the page, by section; a section without its inputs is left out."""
    model = {
        "model": [family],
        **{
            name: [value]
            for name, value in values.items()
            if value and name not in dict((n, 0) for n, _, _ in PAGE_FIELDS)
        },
    }
    threshold = {"threshold": [values["threshold"]]}
    jobs = {
        "budget": cli_job(bridge, "budget", {**model, **threshold}),
        "derivation": cli_job(bridge, "derive", {**model, **threshold, "format": ["markdown"]}),
    }
    if values["generations"]:
        jobs["survival"] = cli_job(bridge, "survival", {**model, "generations": [values["generations"]]})
    if family == "independent" and values.get("epsilon"):
        extra = {cli: [values[name]] for name, _, cli in PAGE_FIELDS[2:] if values[name]}
        jobs["comparison"] = cli_job(bridge, "compare", {"epsilon": [values["epsilon"]], **threshold, **extra})
    return jobs


async def _results(pool: WorkerPool, jobs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    pending = {name: job for name, job in jobs.items() if "exit" not in job}
    batch = await pool.run({"kind": "batch", "jobs": list(pending.values())}) if pending else {"results": []}
    return {**jobs, **dict(zip(pending, batch["results"], strict=True))}


def _sections(results: dict[str, dict[str, Any]], names: list[str]) -> tuple[dict[str, Any], dict[str, str], int]:
    """Each section's data (or its error message), the errors by field, and the page's status."""
    sections: dict[str, Any] = {}
    errors: dict[str, str] = {}
    status = 200
    aliases = {cli: name for name, _, cli in PAGE_FIELDS if cli != name}
    for name, result in results.items():
        code = status_of(result)
        if code == 200:
            sections[name] = json.loads(result["stdout"])
            continue
        message = cli_message(result, prefix=False)
        sections[name] = {"error": message}
        status = max(status, code)
        field = field_of_message(message, names + list(aliases))
        if field is not None and code == 400:
            errors.setdefault(aliases.get(field, field), message)
    return sections, errors, status


def add_routes(
    app: FastAPI, bridge: CliBridge, pool: WorkerPool, run_cli: Callable[..., Awaitable[dict[str, Any]]]
) -> None:
    """``GET /``: the calculator."""

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index(request: Request) -> HTMLResponse:
        query = query_lists(request)
        family, values = _state(bridge, query)
        context: dict[str, Any] = {
            "bridge": bridge,
            "family": family,
            "values": values,
            "sections": {},
            "errors": {},
            "page_fields": PAGE_FIELDS,
            "query": urlencode([(k, v) for k, vs in query.items() for v in vs]),
            "notice": None,
        }
        status, mathml = 200, None
        if family not in bridge.families:
            context["errors"]["model"] = f"'model' must be one of {', '.join(bridge.families)}, got {family!r}"
            status = 400
        elif any(values.values()):
            try:
                jobs = _jobs(bridge, family, values)
                if "exit" not in jobs["budget"]:  # one worker job for the whole page: one time limit
                    jobs["plot"] = _library_job("curve", bridge, family, values)
                    jobs["mathml"] = _library_job("derivation", bridge, family, values)
                results = await _results(pool, jobs)
                points = results.pop("plot", None)
                mathml = (results.pop("mathml", None) or {}).get("html")
                sections, errors, status = _sections(results, list(values))
                context.update(sections=sections, errors=errors)
                if points and points["n"]:
                    context["plot"] = survival_svg(points, points["threshold"], points["budget"])
            except Overloaded as error:
                context["notice"], status = str(error), 503
        if status == 200 and mathml:
            context["derivation"] = Markup(mathml)  # bounds.report.html escapes every text it puts in
        elif context["sections"].get("derivation", {}).get("document"):
            context["derivation"] = derivation_html(context["sections"]["derivation"]["document"])
        return TEMPLATES.TemplateResponse(request, "index.html", context, status_code=status)


def _library_job(kind: str, bridge: CliBridge, family: str, values: dict[str, str]) -> dict[str, Any]:
    """A job the CLI has no command for, on the page's model: the plot's points or the derivation's HTML.

    The curve job solves the budget itself and plots up to twice it (or to ``N``).
    """
    generations = int(values["generations"]) if values["generations"].isdigit() else 0
    job: dict[str, Any] = {"kind": kind, "threshold": values["threshold"], "generations": generations,
                           "max_end": _MAX_PLOT_N}
    if family == "independent":
        job.update(epsilon=values.get("epsilon") or None, p=values.get("p") or None)
    else:
        job["spec"] = bridge.spec(family, {name: [value] for name, value in values.items() if value})[0]
    return job
