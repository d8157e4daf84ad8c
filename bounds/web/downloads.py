"""The documented downloads: the spec (TOML), the JSON result, the derivation (Markdown, LaTeX, PDF).

These are the only responses that carry files, and none is written anywhere on the server: the
PDF is compiled by ``bounds derive --format pdf`` into the worker's private memory-backed folder,
read back and deleted within the job.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from bounds.cli._json import error_payload
from bounds.errors import BoundsError
from bounds.web.cli_bridge import CliBridge
from bounds.web.results import error_body, query_lists, service_error, status_of
from bounds.web.workers import Overloaded

__all__ = ["add_routes"]

_DERIVATIONS = {"md": ("markdown", "text/markdown; charset=utf-8"), "tex": ("latex", "application/x-tex")}


def _attachment(content: bytes | str, media_type: str, filename: str) -> Response:
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def _failure(result: dict[str, Any]) -> Response:
    return JSONResponse(error_body(result), status_code=status_of(result))


def _model_query(query: dict[str, list[str]]) -> dict[str, list[str]]:
    return {"model": ["independent"], **query}


def add_routes(app: FastAPI, bridge: CliBridge, run_cli: Callable[..., Awaitable[dict[str, Any]]]) -> None:
    """``/download/spec.toml``, ``result.json``, ``derivation.md|tex|pdf`` and ``report.html|md``."""

    def guarded(handler: Callable[[dict[str, list[str]]], Awaitable[Response]]) -> Callable[..., Any]:
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(query_lists(request))
            except Overloaded as error:
                return JSONResponse(service_error(str(error), "Overloaded"), status_code=503)

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        return endpoint

    async def spec_toml(query: dict[str, list[str]]) -> Response:
        """The model as a TOML spec file for ``bounds ... --spec`` (the page's model parameters)."""
        query = _model_query(query)
        family = query["model"][0]
        try:
            text, used = bridge.spec(family, query)
        except BoundsError as error:
            return JSONResponse(error_payload(error, 2), status_code=400)
        checked = await run_cli("describe", {key: query[key] for key in used}, use_spec=True)
        if status_of(checked) != 200:
            return _failure(checked)
        return _attachment(text, "application/toml", f"bounds-{family}.toml")

    async def result_json(query: dict[str, list[str]]) -> Response:
        """``bounds budget --json`` for the page's parameters, as a file."""
        result = await run_cli("budget", _page_query(query))
        if status_of(result) != 200:
            return _failure(result)
        return _attachment(result["stdout"], "application/json", "bounds-budget.json")

    async def document(command: str, query: dict[str, list[str]], format_name: str, media_type: str,
                       filename: str) -> Response:
        """``bounds <command> --format <format_name> --json``'s ``document`` as a file."""
        result = await run_cli(command, {**_page_query(query), "format": [format_name]})
        if status_of(result) != 200:
            return _failure(result)
        return _attachment(json.loads(result["stdout"])["document"], media_type, filename)

    def derivation(extension: str) -> Callable[[dict[str, list[str]]], Awaitable[Response]]:
        async def handler(query: dict[str, list[str]]) -> Response:
            if extension == "pdf":
                result = await run_cli("derive", {**_page_query(query), "format": ["pdf"]}, output="derivation.pdf")
                ok = status_of(result) == 200 and result["file"] is not None
                return _attachment(result["file"], "application/pdf", "derivation.pdf") if ok else _failure(result)
            return await document("derive", query, *_DERIVATIONS[extension], f"derivation.{extension}")

        handler.__name__ = f"derivation_{extension}"
        handler.__doc__ = f"``bounds derive --format {_DERIVATIONS.get(extension, ('pdf',))[0]}`` as a file."
        return handler

    def report(extension: str) -> Callable[[dict[str, list[str]]], Awaitable[Response]]:
        format_name, media_type = _REPORTS[extension]

        async def handler(query: dict[str, list[str]]) -> Response:
            return await document("report", query, format_name, media_type, f"report.{extension}")

        handler.__name__ = f"report_{extension}"
        handler.__doc__ = f"``bounds report --format {format_name}`` (one self-contained document) as a file."
        return handler

    app.get("/download/spec.toml", tags=["downloads"])(guarded(spec_toml))
    app.get("/download/result.json", tags=["downloads"])(guarded(result_json))
    for extension in ("md", "tex", "pdf"):
        app.get(f"/download/derivation.{extension}", tags=["downloads"])(guarded(derivation(extension)))
    for extension in _REPORTS:
        app.get(f"/download/report.{extension}", tags=["downloads"])(guarded(report(extension)))


#: ``bounds report`` formats offered for download (the PDF needs pdflatex on the server: not offered)
_REPORTS = {"html": ("html", "text/html; charset=utf-8"), "md": ("markdown", "text/markdown; charset=utf-8")}


def _page_query(query: dict[str, list[str]]) -> dict[str, list[str]]:
    """The page's query without its own inputs that ``budget``/``derive`` do not take."""
    return {
        key: values for key, values in _model_query(query).items() if key not in ("generations", "cmp_rho", "cmp_mass")
    }
