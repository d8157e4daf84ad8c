"""Every certificate is a proof: exact or ball, for every example spec and threshold (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

import bounds
from bounds.models import load_spec

SPECS = sorted((Path(__file__).resolve().parents[2] / "examples" / "specs").glob("*.toml"))
THRESHOLDS = ["0.999", "0.9", "0.605", "0.5", "0.1", "1e-10"]


@pytest.mark.parametrize("path", SPECS, ids=[path.stem for path in SPECS])
def test_every_example_spec_is_certified_by_exact_or_ball_arithmetic(path: Path) -> None:
    model = load_spec(path)
    for threshold in THRESHOLDS:
        result = bounds.solve(model, threshold)
        assert result.certified and result.certificate in ("exact", "ball"), (path.name, threshold)
        assert (result.certificate == "exact") == (result.certificate_bits == 0)


def test_unbounded_answers_are_proved_from_a_ball_of_the_limit() -> None:
    # (0.01; 0.5)_infinity = 0.98013 >= 0.9: unbounded, from the q-Pochhammer ball with its tail
    result = bounds.Geometric(epsilon1="0.01", ratio="0.5").budget("0.9")
    assert result.unbounded and result.certificate == "ball"
    # zeta-tail limit of a power law with s > 1
    assert bounds.Power(epsilon1="0.002", exponent="1.5").budget("0.9").certificate == "ball"


def test_no_certificate_in_the_package_says_high_precision() -> None:
    package = Path(bounds.__file__).resolve().parent
    offenders = [path.name for path in package.rglob("*.py") if "high-precision" in path.read_text().lower()]
    assert offenders == []
