r"""The running example: $0.999^{50} = 0.9512$, $0.999^{500} = 0.6064$, and "60.5\%" is $N = 502$."""

from __future__ import annotations

import sympy

from proofs._core import SYMPY, Report, Step, holds, require, run

NAME = "running_example"
TITLE = "The running example: 99.9% per generation"

#: S(502) >= 0.605 (the budget's certificate).
AT_BUDGET = ">="

STATEMENT = r"""
With $p = 0.999$ per generation: $0.999^{50} = 0.9512$ and $0.999^{500} = 0.6064$ (to four places).
The widely quoted ``60.5\% after 500 generations'' is $0.999^{502} = 0.6052$; at $T = 0.605$ the certified
budget is $N^* = 502$ ($0.999^{502} \ge 0.605 > 0.999^{503}$), at $T = 0.5$ it is $692$, and under any
dependence between failures (marginal rate $0.001$ only) it is $\lfloor 0.395/0.001 \rfloor = 395$.
"""

PROOF = r"""
Exact rational arithmetic: $0.999^N = 999^N/1000^N$ is computed exactly and rounded to four decimals
by $\lfloor 10^4 x + \tfrac12 \rfloor / 10^4$; the budget inequalities are comparisons of exact rationals.
The worst-case budget is $\lfloor (1 - T)/\varepsilon \rfloor$ (Fréchet) with exact division.
"""

_P = sympy.Rational(999, 1000)


def _rounded(value: sympy.Rational, places: int = 4) -> sympy.Rational:
    return sympy.floor(value * 10**places + sympy.Rational(1, 2)) / sympy.Integer(10) ** places


def _survivals() -> str:
    expected = {
        50: sympy.Rational(9512, 10**4),
        500: sympy.Rational(6064, 10**4),
        502: sympy.Rational(6052, 10**4),
    }
    for n, value in expected.items():
        require(_rounded(_P**n) == value, f"0.999^{n} rounds to {_rounded(_P**n)}, not {value}")
    return "0.999^50 -> 0.9512, 0.999^500 -> 0.6064, 0.999^502 -> 0.6052 (exact rationals, rounded half up)"


def _budget_502() -> str:
    threshold = sympy.Rational(605, 1000)
    require(
        holds(AT_BUDGET, _P**502, threshold) and _P**503 < threshold, "0.999^502 >= 0.605 > 0.999^503 fails"
    )
    require(not (_P**500 <= sympy.Rational(6055, 10**4)), "0.999^500 would round to 60.5%")
    return "0.999^502 >= 0.605 > 0.999^503 exactly; 0.999^500 > 0.6055, so 60.5% is not N = 500"


def _nearest_to_quoted() -> str:
    target = sympy.Rational(605, 1000)
    nearest = min(range(480, 520), key=lambda n: abs(_P**n - target))
    require(nearest == 502, f"N closest to 60.5% is {nearest}")
    return "among N = 480..519, 0.999^N is closest to 0.605 at N = 502"


def _other_budgets() -> str:
    half = sympy.Rational(1, 2)
    require(_P**692 >= half > _P**693, "budget at T = 0.5 is not 692")
    worst = sympy.floor((1 - sympy.Rational(605, 1000)) / sympy.Rational(1, 1000))
    require(worst == 395, f"worst case {worst}")
    return "T = 0.5: 0.999^692 >= 0.5 > 0.999^693; worst case floor(0.395/0.001) = 395"


def steps() -> list[Step]:
    return [
        Step("0.999^50, 0.999^500, 0.999^502 to four places", SYMPY, _survivals),
        Step("budget at T = 0.605 is 502", SYMPY, _budget_502),
        Step("the quoted 60.5% is N = 502", SYMPY, _nearest_to_quoted),
        Step("budget 692 at T = 0.5 and 395 under any dependence", SYMPY, _other_budgets),
    ]


def check() -> Report:
    return run(NAME, TITLE, steps())
