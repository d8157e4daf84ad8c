"""Shared test configuration: hypothesis profiles, precision hygiene, reference data."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import mpmath
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=60, deadline=None)
settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

REFERENCE = Path(__file__).parent / "data" / "reference"


def load_reference(name: str) -> Any:
    """A reference file (computed independently at high precision; copied from ../shared/reference)."""
    return json.loads((REFERENCE / f"{name}.json").read_text())


@pytest.fixture(autouse=True)
def _restore_mpmath_precision() -> Any:
    # mpmath's precision is global: a test that leaks a change would falsify the next one
    saved_mp, saved_iv = mpmath.mp.prec, mpmath.iv.prec
    yield
    assert mpmath.mp.prec == saved_mp, "a test or the code under test leaked mpmath precision"
    assert mpmath.iv.prec == saved_iv, "a test or the code under test leaked mpmath.iv precision"
    mpmath.mp.prec, mpmath.iv.prec = saved_mp, saved_iv


def make_device_node(folder: Path) -> str:
    """A character device to aim outputs at: a private copy of /dev/null (``mknod``) as root.

    Never the system's ``/dev/null`` when running as root: a regression in the refusal of device
    outputs would replace it. Without root, ``/dev/null`` is safe (its folder is not writable).
    """
    if os.geteuid() == 0:
        import stat

        path = folder / "null-device"
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        return str(path)
    return "/dev/null"


@pytest.fixture
def device_node(tmp_path: Path) -> str:
    return make_device_node(tmp_path)
