"""Schedule families on the ball kernel: certification time per family and budget size, and series
against the direct products they replace.

``ratio`` is ``baseline_seconds / seconds`` (the harness's convention). Rows:

* ``certify <family> N*~1eK``: ``model.budget(0.5)`` (float search plus ball certificate) for a
  model built to have ``N*`` near ``10**K``, against ``Independent(epsilon).budget(0.5)`` with the
  same ``N*`` in the same run; the notes give the time relative to the family's ``N* ~ 1e6`` row
  (no hump: nothing near ``1e4`` should be far slower than ``1e6``).
* ``expression us/generation``: certification time of an expression schedule divided by ``N*``,
  against a bare Python loop of ``N*`` float multiplications.
* the q-Pochhammer limit and the power-law sum against direct products, as before.

Each measurement also checks its answer, so that ``--quick`` tests the harness without timing.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction
from typing import Any

import numpy as np

from bounds import Expression, Geometric, Independent, Logistic, Power, Rates, TwoRate
from bounds.numeric.contexts import BallContext


def _best(function: Any, repeats: int) -> tuple[Any, float]:
    best, value = math.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        value = function()
        best = min(best, time.perf_counter() - start)
    return value, best


def _row(name: str, seconds: float, baseline: str, baseline_seconds: float, notes: str) -> dict[str, Any]:
    return {"name": name, "seconds": seconds, "baseline": baseline, "baseline_seconds": baseline_seconds,
            "ratio": baseline_seconds / seconds, "notes": notes}


def _decimal(value: float) -> str:
    return f"{value:.3g}"


def _families(n: int) -> dict[str, Any]:
    """A model of each family whose budget at T = 0.5 is near ``n``."""
    c = math.log(2) / n
    families = {
        "geometric": Geometric(epsilon1=_decimal(c), ratio=1 - Fraction(1, 10 * n)),
        "power": Power(epsilon1=_decimal(math.log(2) / (2 * math.sqrt(n))), exponent="0.5"),
        "two-rate": TwoRate(epsilon_key=_decimal(2 * c / 1.1), epsilon_other=_decimal(c / 1.1), key_every=10),
        "rates": Rates(["0.001", "0.0005", _decimal(c)]),
        "logistic": Logistic(epsilon_max=_decimal(c), steepness="0.1", midpoint=50),
    }
    if n <= 10**6:
        families["expression"] = Expression(f"{_decimal(c)} * (1 + 0.5**i)", horizon=2 * n + 10)
    return families


def run(quick: bool) -> list[dict[str, Any]]:
    results = []
    repeats = 1 if quick else 3
    exponents = (2, 4) if quick else (2, 4, 6, 8, 12)
    times: dict[str, dict[int, float]] = {}
    rows: list[tuple[str, int, float, float, int]] = []
    for exponent in exponents:
        n = 10**exponent
        independent = Independent(epsilon=_decimal(math.log(2) / n))
        _, baseline = _best(lambda independent=independent: independent.budget("0.5"), repeats)
        for family, model in _families(n).items():
            # a fresh model each repeat: no cached prefix sums or ball checkpoints
            build = type(model)
            fields = model.parameters()

            def solve(build: Any = build, fields: dict[str, Any] = fields) -> Any:
                return build(**fields).budget("0.5")

            result, seconds = _best(solve, repeats)
            assert result.certificate in ("exact", "ball") and result.n is not None
            assert 0.2 * n <= result.n <= 5 * n, (family, n, result.n)
            times.setdefault(family, {})[exponent] = seconds
            rows.append((family, exponent, seconds, baseline, result.n))
    for family, exponent, seconds, baseline, budget in rows:
        reference = times[family].get(6)
        relative = f"; {seconds / reference:.2g}x the N*~1e6 time" if reference else ""
        results.append(_row(f"certify {family} N*~1e{exponent}", seconds,
                            f"Independent budget with the same N* ({budget})", baseline,
                            f"N* = {budget}, {seconds / baseline:.3g}x the constant-rate budget{relative}"))

    # Expression: certification per generation
    n = 10**4 if quick else 2 * 10**5
    text = f"{_decimal(math.log(2) / n)} * (1 + 0.5**i)"
    result, seconds = _best(lambda: Expression(text, horizon=2 * n).budget("0.5"), repeats)

    def bare() -> float:
        product, rate = 1.0, 1e-6
        for _ in range(result.n):
            product *= 1 - rate
        return product

    _, bare_seconds = _best(bare, repeats)
    per = seconds / result.n * 1e6
    results.append(_row("expression us/generation", seconds, f"bare Python loop of {result.n} float products",
                        bare_seconds, f"{per:.2f} us per generation (N* = {result.n}, {result.certificate})"))

    # the q-Pochhammer limit for r = 0.999 (mpmath.qp does not converge) against a direct ball product
    terms = 20_000 if quick else 80_000
    model = Geometric(epsilon1="0.001", ratio="0.999")

    def series() -> Any:
        with BallContext(128) as ctx:
            return model.log_limit(ctx)

    def direct() -> Any:
        with BallContext(128) as ctx:
            a, q, product = ctx.number(Fraction(1, 1000)), ctx.number(Fraction(999, 1000)), ctx.one
            for _ in range(terms):
                product *= 1 - a
                a *= q
            return product.log()

    fast, fast_seconds = _best(series, repeats)
    slow, slow_seconds = _best(direct, repeats)
    tail = 0.999**terms / (1 - 0.999) * 1e-3
    assert abs(float(fast.mid()) - float(slow.mid())) <= 2 * tail + 1e-15
    results.append(_row("geometric limit (0.001; 0.999)_inf, 128-bit ball", fast_seconds,
                        f"ball product of {terms} factors (truncation {tail:.1e})", slow_seconds,
                        "q-Pochhammer series with the tail inside the ball"))

    # power law at large N: Hurwitz-zeta series against a direct float sum
    count = 10**5 if quick else 10**7
    power = Power(epsilon1="0.3", exponent="1.5")
    fast_value, fast_seconds = _best(lambda: power.log_survival(count), repeats)
    slow_value, slow_seconds = _best(
        lambda: float(np.sum(np.log1p(-0.3 * np.arange(1, count + 1, dtype=np.float64) ** -1.5))), repeats
    )
    assert abs(fast_value - slow_value) <= 1e-9 * abs(slow_value)
    results.append(_row(f"power-law log S({count}), float", fast_seconds,
                        "numpy sum of log1p over every generation", slow_seconds,
                        "zeta series after the directly summed generations"))
    return results


if __name__ == "__main__":
    import sys

    for row in run(quick="--quick" in sys.argv):
        print(f"{row['name']}: {row['seconds']:.4g} s vs {row['baseline_seconds']:.4g} s "
              f"(ratio {row['ratio']:.3g}); {row['notes']}")
