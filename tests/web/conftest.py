"""Fixtures of the web tests: one app through the framework's test client, one live server.

Both are module-scoped: starting a worker pool imports the CLI in fresh interpreters (seconds).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient  # noqa: E402

from bounds.web.app import create_app  # noqa: E402
from bounds.web.server import running  # noqa: E402
from bounds.web.workers import Limits  # noqa: E402

#: The live server's per-request limit in the tests: small, so that a runaway is stopped quickly.
LIVE_TIMEOUT = 3.0
#: Enough for every ordinary request (the CLI and its imports take ~300 MB), too little for 1e8 draws.
LIVE_MEMORY_MB = 1024


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Limits(timeout=60, workers=2))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def live_url() -> Iterator[str]:
    with running(create_app(Limits(timeout=LIVE_TIMEOUT, memory_mb=LIVE_MEMORY_MB, workers=2))) as url:
        yield url
