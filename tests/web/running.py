"""Helpers shared by the web tests: the CLI's own answer to compare with."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

from bounds.cli import main


def cli(*argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of the CLI run in this process."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def cli_json(*argv: str) -> Any:
    code, out, err = cli(*argv, "--json")
    assert code == 0, err
    return json.loads(out)


def cli_error(*argv: str) -> str:
    """The CLI's one-line error message for ``argv`` (which must fail with exit 2)."""
    code, out, err = cli(*argv)
    assert code == 2 and out == "", (code, out, err)
    return err.strip()


def cli_error_body(*argv: str) -> Any:
    """What ``/api/...`` must answer with for a bad input: the CLI's ``--json`` error.

    A JSON object when the CLI prints one on stderr, else ``{"error": <the one line>}``.
    """
    code, out, err = cli(*argv, "--json")
    assert code == 2 and out == "", (code, out, err)
    try:
        body = json.loads(err)
    except ValueError:
        return {"error": err.strip()}
    assert isinstance(body, dict)
    return body
