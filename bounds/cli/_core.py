"""The machinery every ``bounds`` subcommand shares.

A subcommand is one function registered with :func:`command`; it receives the
parsed arguments and returns an :class:`Output` (a JSON-ready mapping and the
text for humans). Errors never reach the user as tracebacks: a
:class:`~bounds.errors.BoundsError` becomes one line on stderr and exit code 2, which starts
with the one prefix ``bounds: error:`` (or, with ``--json``, is one JSON object:
:func:`bounds.cli._json.error_payload`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from bounds.cli._progress import elapsed_for
from bounds.errors import BoundsError
from bounds.models.independent import Independent
from bounds.models.registry import load_spec
from bounds.numeric.parse import json_value

__all__ = [
    "COMMANDS",
    "ArgumentParser",
    "Command",
    "Output",
    "TooLargeError",
    "UsageError",
    "add_model_arguments",
    "add_output_options",
    "command",
    "model_from_arguments",
]


class UsageError(BoundsError):
    """The command line itself is wrong (missing or conflicting options)."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (``bounds: error: ...``) and exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


@dataclass(frozen=True)
class Output:
    """What a command produced: ``data`` for ``--json``, ``text`` for a terminal."""

    data: dict[str, Any]
    text: str
    exit_code: int = 0


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], Output]
    json_option: bool = field(default=True)
    #: the command draws its own progress line (``bounds sweep``); the others get a "working, N s" line
    own_progress: bool = field(default=False)


COMMANDS: dict[str, Command] = {}


def command(
    name: str,
    help: str,
    arguments: Callable[[argparse.ArgumentParser], None],
    json_option: bool = True,
    own_progress: bool = False,
) -> Callable[[Callable[[argparse.Namespace], Output]], Callable[[argparse.Namespace], Output]]:
    """Register a subcommand: ``arguments(parser)`` declares its options, the function runs it."""

    def register(run: Callable[[argparse.Namespace], Output]) -> Callable[[argparse.Namespace], Output]:
        if name in COMMANDS:
            raise RuntimeError(f"command {name!r} registered twice")
        COMMANDS[name] = Command(name, help, arguments, run, json_option, own_progress)
        return run

    return register


def add_model_arguments(parser: argparse.ArgumentParser) -> Any:
    """``--epsilon E | --p P | --spec FILE``: exactly one way to say which model.

    Returns the mutually exclusive group, so a command can add alternatives to it.
    """
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--epsilon", metavar="E", help="per-generation failure probability, exact decimal")
    group.add_argument("--p", metavar="P", help="per-generation preservation probability 1 - epsilon")
    group.add_argument("--spec", metavar="FILE", help="TOML file describing the model (see README)")
    return group


def model_from_arguments(args: argparse.Namespace) -> Any:
    """The model named by ``--epsilon``, ``--p`` or ``--spec`` (strings stay exact decimals)."""
    if args.spec is not None:
        return load_spec(args.spec)
    if args.epsilon is not None:
        return Independent(epsilon=args.epsilon)
    return Independent(p=args.p)


def build_parser() -> ArgumentParser:
    from bounds import __version__

    parser = ArgumentParser(
        prog="bounds",
        description="Certified compounding-alignment-error bounds: how many generations of "
        "self-improvement keep the probability that alignment is preserved above a threshold.",
    )
    parser.add_argument("--version", action="version", version=f"bounds {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    subparsers.required = True
    for entry in COMMANDS.values():
        sub = subparsers.add_parser(entry.name, help=entry.help, description=entry.help)
        entry.arguments(sub)
        if entry.json_option:
            add_output_options(sub)
    return parser


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """``--json`` and ``--quiet``, which every command takes."""
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout (errors: on stderr)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress line on stderr for long runs")


def _without_command_prefix(message: str) -> str:
    """``bounds budget: --rho needs ...`` -> ``--rho needs ...``: one prefix, ``bounds: error:``, is enough."""
    names = "|".join(re.escape(name) for name in sorted(COMMANDS, key=len, reverse=True))
    return re.sub(rf"^bounds (?:{names})(?: [a-z]+)?: ", "", message) if names else message


def _report_error(error: BaseException, exit_code: int, as_json: bool) -> int:
    """One line on stderr: ``bounds: error: ...`` or, with ``--json``, the error's JSON object."""
    from bounds.cli._json import error_payload

    payload = error_payload(error, exit_code)
    payload["error"] = _without_command_prefix(payload["error"])
    if as_json:
        print(json.dumps(payload), file=sys.stderr)
    elif exit_code == 2:
        print(f"bounds: error: {payload['error']}", file=sys.stderr)
    else:
        print(
            f"bounds: internal error: {type(error).__name__}: {error} "
            "(a bug in bounds; rerun with BOUNDS_DEBUG=1 for the traceback and please report it)",
            file=sys.stderr,
        )
    return exit_code


class TooLargeError(BoundsError):
    """The input asks for more memory, recursion or numeric range than the computation has."""


def _too_large(error: BaseException) -> TooLargeError:
    """One rule for exhaustion: a clear "too large" error (exit 2), not an internal error.

    Inputs are validated where they are read; this catches what validation cannot foresee
    (an input within every stated range whose computation still overflows a float or exhausts
    memory), naming where it happened so that a narrower check can be added there.
    """
    frames = traceback.extract_tb(error.__traceback__)
    where = next(
        (f"{Path(frame.filename).stem}.{frame.name}" for frame in reversed(frames) if "bounds" in frame.filename),
        "bounds",
    )
    if isinstance(error, MemoryError):
        kind = "needs more memory than is available"
    elif isinstance(error, RecursionError):
        kind = "is nested too deeply"
    else:
        kind = "exceeds the numeric range this computation supports"
    detail = f": {error}" if str(error) else ""
    return TooLargeError(f"the input is too large: it {kind} ({type(error).__name__} in {where}{detail})")


def run(argv: list[str] | None = None) -> int:
    """Parse ``argv``, run the command, print its output; return the exit code.

    ``--json`` anywhere in ``argv`` makes an error a JSON object on stderr, even an error in
    parsing ``argv`` itself.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in argv
    try:
        try:
            with warnings.catch_warnings():
                # numpy's floating-point warnings are not messages for the user: the one-line
                # contract holds for stderr, and every result is checked where it is decided
                warnings.simplefilter("ignore", RuntimeWarning)
                args = build_parser().parse_args(argv)
                entry = COMMANDS[args.command]
                if entry.own_progress:
                    output = entry.run(args)
                else:
                    with elapsed_for(args, f"bounds {args.command}"):
                        output = entry.run(args)
        except (MemoryError, RecursionError, OverflowError, ZeroDivisionError) as error:
            if os.environ.get("BOUNDS_DEBUG"):
                raise
            raise _too_large(error) from None
    except BoundsError as error:
        return _report_error(error, 2, as_json)
    except KeyboardInterrupt:
        print("bounds: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - the CLI promises one line, never a traceback
        if os.environ.get("BOUNDS_DEBUG"):
            raise
        return _report_error(error, 1, as_json)
    try:
        if getattr(args, "json", False):
            print(json.dumps(json_value(output.data), indent=2))
        elif output.text:
            print(output.text)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader (head, less) went away: not an error of ours; silence the flush at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return output.exit_code
