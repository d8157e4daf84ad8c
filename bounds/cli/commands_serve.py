"""``bounds serve``: the web calculator on localhost (needs the ``web`` extra)."""

from __future__ import annotations

import argparse
import socket

from bounds.cli._core import Output, UsageError, command
from bounds.errors import BoundsError

#: Defaults of the per-request limits (seconds of wall time, megabytes per worker, worker processes).
DEFAULT_TIMEOUT, DEFAULT_MEMORY_MB, DEFAULT_WORKERS = 10.0, 2048, 2


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"wall-time limit per request; over it is HTTP 503 (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--memory",
        type=int,
        default=DEFAULT_MEMORY_MB,
        metavar="MB",
        help=f"address-space limit per worker process (default {DEFAULT_MEMORY_MB})",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"worker processes that compute (default {DEFAULT_WORKERS})",
    )


@command("serve", "the web calculator and JSON API on localhost (extra 'web')", _serve_arguments, json_option=False)
def serve_command(args: argparse.Namespace) -> Output:
    if not 0 < args.timeout <= 3600:
        raise UsageError(f"bounds serve: --timeout must be in (0, 3600] seconds, got {args.timeout:g}")
    if not 256 <= args.memory <= 1 << 20:
        raise UsageError(f"bounds serve: --memory must be in [256, 1048576] MB, got {args.memory}")
    if not 1 <= args.workers <= 64:
        raise UsageError(f"bounds serve: --workers must be in [1, 64], got {args.workers}")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"bounds serve: --port must be in [0, 65535], got {args.port}")
    try:
        import uvicorn

        from bounds.web.app import create_app
        from bounds.web.workers import Limits
    except ImportError as error:
        raise BoundsError(
            f'bounds serve needs the web extra ({error.name} is missing): pip install "alignment-bounds[web]"'
        ) from None
    listener = _listener(args.host, args.port)
    app = create_app(Limits(timeout=args.timeout, memory_mb=args.memory, workers=args.workers))
    config = uvicorn.Config(
        app, log_level="info", limit_concurrency=200, h11_max_incomplete_event_size=16 * 1024
    )
    uvicorn.Server(config).run(sockets=[listener])
    return Output({}, "")


def _listener(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything starts: a busy port or a bad host is one clear error."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family)
    except OSError as error:  # in use, no such address, not permitted (< 1024 without privileges)
        reason = error.strerror or str(error)
        raise BoundsError(f"--port/--host: cannot listen on {host}:{port} ({reason}); choose another --port") from None
