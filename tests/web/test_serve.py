"""``bounds serve``: the acceptance run as a user does it, its argument checks, the missing extra."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bounds.web.server import free_port

from .running import cli, cli_json

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--timeout", "0"], "--timeout must be in (0, 3600]"),
        (["--memory", "10"], "--memory must be in [256, 1048576] MB"),
        (["--workers", "0"], "--workers must be in [1, 64]"),
    ],
)
def test_bad_limits_are_one_line_exit_2(argv: list[str], message: str) -> None:
    code, out, err = cli("serve", *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err


def test_a_busy_port_or_a_bad_host_is_one_line_exit_2() -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as busy:  # something already listens here
        port = busy.getsockname()[1]
        code, out, err = cli("serve", "--port", str(port))
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "choose another --port" in err
    code, _, err = cli("serve", "--host", "no-such-host.invalid", "--port", str(free_port()))
    assert code == 2 and err.count("\n") == 1 and "cannot listen on no-such-host.invalid" in err


def test_without_the_extra_it_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn raises ImportError
    code, _, err = cli("serve")
    assert code == 2 and 'pip install "alignment-bounds[web]"' in err


def test_bounds_serve_answers_the_acceptance_urls() -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bounds", "serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # start-up: at most a minute
            try:
                page = httpx.get(f"{base}/?model=independent&epsilon=0.001&threshold=0.605", timeout=60)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                time.sleep(0.1)
        else:
            pytest.fail("bounds serve did not start within a minute")
        assert page.status_code == 200 and "N* = 502" in page.text
        api = httpx.get(f"{base}/api/budget?model=independent&epsilon=0.001&threshold=0.605", timeout=60)
        assert api.json() == cli_json("budget", "--epsilon", "0.001", "--threshold", "0.605")
        assert httpx.get(f"{base}/api/budget?epsilon=nan&threshold=0.605", timeout=60).status_code == 400
    finally:
        server.terminate()
        server.wait(30)
        if server.stderr is not None:
            server.stderr.close()
