"""``/docs``: the API reference as one server-rendered page, from the application's own OpenAPI schema.

FastAPI's Swagger page loads its script and stylesheet from a CDN, so on a machine without
network it shows nothing; this page needs no script and nothing from outside. It lists every
path with its summary and query parameters (name, whether required, allowed values, the CLI
option it maps to), from ``app.openapi()`` — the schema ``/openapi.json`` serves — so the
two cannot disagree.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

__all__ = ["add_routes", "reference_html"]

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}"
    "th,td{border-bottom:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}"
    "code{font-family:ui-monospace,monospace;white-space:nowrap}h2{font-size:1.1rem;margin-top:2rem}"
)


def add_routes(app: FastAPI) -> None:
    """Serve :func:`reference_html` of ``app`` on ``/docs`` (create the app with ``docs_url=None``)."""

    @app.get("/docs", include_in_schema=False)
    async def reference() -> HTMLResponse:
        return HTMLResponse(reference_html(app.openapi()))


def reference_html(schema: dict[str, Any]) -> str:
    """The reference page of an OpenAPI schema: one section per path, its query parameters as a table."""
    info = schema.get("info", {})
    sections = [_path_section(path, operations) for path, operations in sorted(schema.get("paths", {}).items())]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(info.get('title', 'API'))} API</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(info.get('title', 'API'))} API</h1><p>{escape(info.get('summary', ''))}</p>"
        '<p>Every endpoint answers GET with JSON; the schema is <a href="/openapi.json"><code>/openapi.json</code></a>.'
        "</p>" + "".join(sections) + "</body></html>"
    )


def _path_section(path: str, operations: dict[str, Any]) -> str:
    parts = []
    for method, operation in operations.items():
        rows = "".join(_parameter_row(parameter) for parameter in operation.get("parameters", []))
        table = (
            "<table><thead><tr><th>parameter</th><th>required</th><th>values</th><th>meaning</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            if rows
            else "<p>No parameters.</p>"
        )
        anchor = escape(path.strip("/").replace("/", "-") or "root")
        parts.append(
            f'<h2 id="{anchor}"><code>{escape(method.upper())} {escape(path)}</code></h2>'
            f"<p>{escape(operation.get('summary', ''))}</p>{table}"
        )
    return "".join(parts)


def _parameter_row(parameter: dict[str, Any]) -> str:
    schema = parameter.get("schema", {})
    allowed = schema.get("enum") or schema.get("items", {}).get("enum")
    kind = schema.get("type", "string")
    values = ", ".join(f"<code>{escape(str(value))}</code>" for value in allowed) if allowed else escape(
        "repeatable" if kind == "array" else kind
    )
    required = "yes" if parameter.get("required") else ""
    # the CLI flag as code, never broken at its hyphens
    meaning = _CLI_FLAG.sub(r"(CLI <code>\1</code>)", escape(parameter.get("description", "")))
    return (
        f"<tr><td><code>{escape(parameter.get('name', ''))}</code></td><td>{required}</td>"
        f"<td>{values}</td><td>{meaning}</td></tr>"
    )


_CLI_FLAG = re.compile(r"\(CLI (--[\w-]+)\)$")
