"""The FastAPI application: the page, the JSON API mirroring the CLI, and the downloads.

Stack: FastAPI on uvicorn with Jinja2 templates. FastAPI because the API is the point: every
``/api/<command>`` is documented on ``/docs`` (from its OpenAPI schema, offline) by the same introspection that
validates it, and async endpoints keep the server responsive while the worker processes
compute; Jinja2 renders the page on the server, so it works without JavaScript.

Every answer comes from the CLI run in a worker (:mod:`bounds.web.workers`): the JSON of
``/api/budget`` is exactly what ``bounds budget --json`` prints, and a bad input is HTTP 400
with the CLI's one-line message. A limit hit (time, memory, all workers busy) is HTTP 503.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

import bounds.cli  # noqa: F401  (registers every command, so the bridge sees the whole CLI)
from bounds.web import api_docs, downloads, page
from bounds.web.cli_bridge import CliBridge
from bounds.web.results import cli_job, cli_response, query_lists, service_error
from bounds.web.workers import Limits, Overloaded, WorkerPool

__all__ = ["MAX_BODY", "MAX_QUERY", "create_app"]

#: Longest query string accepted (characters); a longer one is HTTP 413.
MAX_QUERY = 4096
#: Largest request body accepted (bytes); every endpoint is a GET, so a body is never needed.
MAX_BODY = 1024


def _openapi_parameters(bridge: CliBridge, command: str) -> list[dict[str, Any]]:
    parameters = []
    for option in bridge.options[command].values():
        many = option.kind == "many"
        schema: dict[str, Any] = {"type": "array", "items": {"type": "string"}} if many else {"type": "string"}
        if option.choices:
            (schema["items"] if many else schema)["enum"] = list(option.choices)
        if option.kind == "flag":
            schema = {"type": "boolean"}
        parameters.append(
            {
                "name": option.name,
                "in": "query",
                "required": option.required,
                "description": f"{option.help} (CLI {option.flag})",
                "schema": schema,
            }
        )
    if bridge.model_options[command]:
        parameters.append(
            {
                "name": "model",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "enum": list(bridge.families)},
                "description": "model family; its fields (see /api/families) are further query parameters",
            }
        )
    return parameters


def create_app(limits: Limits | None = None) -> FastAPI:
    """The application, with its own worker pool (started and stopped with the app's lifespan)."""
    bridge = CliBridge()
    pool = WorkerPool(limits)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await pool.start()
        try:
            yield
        finally:
            await pool.close()

    # no Swagger or ReDoc page: they load their scripts from a CDN; /docs is rendered here (bounds.web.api_docs)
    app = FastAPI(
        title="bounds", summary="Certified compounding-alignment-error budgets", description=__doc__, lifespan=lifespan,
        docs_url=None, redoc_url=None,
    )
    app.state.pool, app.state.bridge = pool, bridge

    @app.middleware("http")
    async def limit_size(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if len(request.url.query) > MAX_QUERY:
            message = f"the query string is longer than {MAX_QUERY} characters"
            return JSONResponse(service_error(message, "RequestTooLarge"), 413)
        if "chunked" in request.headers.get("transfer-encoding", "") or (
            length is not None and (not length.isdigit() or int(length) > MAX_BODY)
        ):
            message = f"a request body may have at most {MAX_BODY} bytes"
            return JSONResponse(service_error(message, "RequestTooLarge"), 413)
        return await call_next(request)

    async def run_cli(
        command: str, query: dict[str, list[str]], use_spec: bool = False, output: str | None = None
    ) -> dict[str, Any]:
        """The CLI's result for ``command`` (an input error of the web layer is an exit-2 result too).

        With ``output``, the command also writes that file (``--output``) in the worker's private
        folder and the result carries its bytes.
        """
        job = cli_job(bridge, command, query, use_spec, output)
        return job if "exit" in job else await pool.run(job)

    def api_endpoint(command: str) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                return cli_response(await run_cli(command, query_lists(request)))
            except Overloaded as error:
                return JSONResponse(service_error(str(error), "Overloaded"), status_code=503)

        endpoint.__name__ = f"api_{command}"
        return endpoint

    for command in bridge.options:
        app.add_api_route(
            f"/api/{command}",
            api_endpoint(command),
            methods=["GET"],
            tags=["CLI"],
            summary=f"bounds {command} --json: {bridge.help[command]}",
            openapi_extra={"parameters": _openapi_parameters(bridge, command)},
        )

    @app.get("/api/families", tags=["models"], summary="the registered model families and their spec fields")
    async def families() -> dict[str, Any]:
        return {
            name: {
                "summary": family.summary,
                "fields": [{"name": f.name, "nested": f.nested, "help": f.help} for f in family.fields],
            }
            for name, family in bridge.families.items()
        }

    page.add_routes(app, bridge, pool, run_cli)
    downloads.add_routes(app, bridge, run_cli)
    api_docs.add_routes(app)
    return app
