"""The ``bounds`` command line.

Each module in this package registers its subcommands with
:func:`bounds.cli._core.command`; importing them here builds the parser.
"""

from __future__ import annotations

import sys

from bounds.cli import (
    commands_basic,  # noqa: F401  (registers budget, survival, compare, demo)
    commands_claim,  # noqa: F401  (registers claim)
    commands_dependence,  # noqa: F401  (registers interval)
    commands_derive,  # noqa: F401  (registers derive)
    commands_evidence,  # noqa: F401  (registers evidence)
    commands_oversight,  # noqa: F401  (registers oversight, control)
    commands_plot,  # noqa: F401  (registers plot)
    commands_report,  # noqa: F401  (registers report)
    commands_serve,  # noqa: F401  (registers serve)
    commands_sweep,  # noqa: F401  (registers sweep)
    commands_timeline,  # noqa: F401  (registers timeline, fit)
    commands_unsafe,  # noqa: F401  (registers describe, trilemma)
)
from bounds.cli._core import run

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``bounds`` console script; returns the exit code."""
    return run(argv if argv is not None else sys.argv[1:])
