"""From a CLI run to an HTTP answer: status codes, the CLI's one-line message, the JSON bodies."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bounds.cli._json import error_payload
from bounds.errors import BoundsError
from bounds.web.cli_bridge import CliBridge
from bounds.web.jobs import MEMORY_MESSAGE

__all__ = ["cli_job", "cli_message", "cli_response", "error_body", "query_lists", "service_error", "status_of"]


def query_lists(request: Request) -> dict[str, list[str]]:
    """The query string as ``{name: [values...]}`` (a repeated parameter keeps every value)."""
    query: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        query.setdefault(key, []).append(value)
    return query


def cli_job(
    bridge: CliBridge, command: str, query: dict[str, list[str]], use_spec: bool = False, output: str | None = None
) -> dict[str, Any]:
    """The worker job for ``command``, or the exit-2 result when the query itself is wrong."""
    try:
        argv, spec = bridge.argv(command, query, use_spec)
    except BoundsError as error:  # the web layer's own input errors carry the CLI's JSON error object too
        return {"exit": 2, "stdout": "", "stderr": json.dumps(error_payload(error, 2)) + "\n", "file": None}
    if output is not None:
        argv.append("--output={output}")
    return {"kind": "cli", "argv": argv, "spec": spec, "output": output}


def cli_message(result: dict[str, Any], prefix: bool = True) -> str:
    """The CLI's error as one line: the ``message`` of a JSON error object, or the stderr line itself.

    Without ``prefix``, the ``bounds: error:`` in front is left off (for showing next to a field).
    """
    text = result["stderr"].strip()
    try:
        error = json.loads(text)
    except ValueError:
        error = None
    if isinstance(error, dict):
        text = next((str(error[key]) for key in ("message", "error") if isinstance(error.get(key), str)), text)
    line = " ".join(text.split())
    return line if prefix else line.removeprefix("bounds: error: ").removeprefix("bounds: ")


def error_body(result: dict[str, Any]) -> Any:
    """The body of a 400: the CLI's JSON error object when it prints one, else ``{"error": line}``."""
    try:
        error = json.loads(result["stderr"])
    except ValueError:
        error = None
    return error if isinstance(error, dict) else {"error": cli_message(result)}


def service_error(message: str, kind: str) -> dict[str, Any]:
    """A 413 or 503 body in the shape of the CLI's JSON errors (no parameter is at fault, no exit code)."""
    return {"error": message, "type": kind, "parameter": None, "valid": None, "value": None, "exit_code": None}


def status_of(result: dict[str, Any]) -> int:
    """HTTP status for a CLI run: 200 with output, 400 for exit 2, 503 for memory, 500 otherwise."""
    if result["exit"] == 0:
        return 200
    if result["exit"] == 2:
        return 503 if MEMORY_MESSAGE in result["stderr"] else 400
    return 500


def cli_response(result: dict[str, Any]) -> Response:
    status = status_of(result)
    if status == 200:
        return Response(result["stdout"], media_type="application/json")
    return JSONResponse(error_body(result), status_code=status)
