"""Run the app on a free localhost port in a background thread (for tests, benchmarks, notebooks)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

__all__ = ["free_port", "running"]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@contextmanager
def running(app: FastAPI, host: str = "127.0.0.1", startup_seconds: float = 120) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a thread; yields its base URL, stops it on exit.

    The wait for start-up (the workers import the CLI) is bounded by ``startup_seconds``.
    """
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=free_port(host), log_level="warning", limit_concurrency=200)
    )
    thread = threading.Thread(target=server.run, name="bounds-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_seconds
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the web server did not start")
        time.sleep(0.05)
    try:
        yield f"http://{host}:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(30)
