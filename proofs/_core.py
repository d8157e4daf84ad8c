"""The machinery every theorem module shares: steps, reports, and the three ways a step is checked.

A theorem module defines ``NAME``, ``TITLE``, ``STATEMENT`` and ``PROOF`` (LaTeX)
and ``steps()``, a list of :class:`Step`; ``check()`` runs them and returns a
:class:`Report` that says, for every step, how it was checked:

``sympy-verified``
    an identity, derivative sign, limit or series that sympy proves symbolically
    (or exact rational arithmetic done by sympy on concrete numbers);
``property-tested``
    a claim searched for counterexamples with hypothesis (``hypothesis.find``)
    or by exhaustive enumeration over exact rationals;
``numerically checked``
    a claim checked with mpmath/scipy at stated precision or tolerance
    (quadrature, linear programming, Monte Carlo).

The checks use only sympy, mpmath, scipy, numpy and hypothesis: they verify
the mathematics independently of :mod:`bounds`.
"""

from __future__ import annotations

import operator
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sympy
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis.errors import NoSuchExample
from hypothesis.strategies import SearchStrategy

SYMPY = "sympy-verified"
PROPERTY = "property-tested"
NUMERIC = "numerically checked"
METHODS = (SYMPY, PROPERTY, NUMERIC)

#: Relations a theorem states; modules keep theirs in module constants so that a
#: test can flip one and watch the corresponding checks fail.
RELATIONS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
}


class CheckFailed(AssertionError):
    """A step of a proof does not hold."""


@dataclass(frozen=True)
class Step:
    """One checkable step: ``check()`` returns a short detail string or raises."""

    name: str
    method: str
    check: Callable[[], str]

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")


@dataclass(frozen=True)
class StepResult:
    name: str
    method: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class Report:
    """What ``check()`` found for one theorem."""

    name: str
    title: str
    steps: tuple[StepResult, ...]

    @property
    def passed(self) -> bool:
        return all(step.passed for step in self.steps)

    def failed(self) -> list[str]:
        return [step.name for step in self.steps if not step.passed]

    def counts(self) -> dict[str, int]:
        return {method: sum(step.method == method for step in self.steps) for method in METHODS}

    def __str__(self) -> str:
        head = f"{'PASS' if self.passed else 'FAIL'}  {self.name}: {self.title}"
        lines = [head]
        for step in self.steps:
            mark = "ok  " if step.passed else "FAIL"
            lines.append(f"    [{mark}] {step.method:<20} {step.name} -- {step.detail}")
        return "\n".join(lines)


def run(name: str, title: str, steps: list[Step]) -> Report:
    """Run every step; a step that raises is reported as failed with the reason, the others still run."""
    results = []
    for step in steps:
        try:
            detail = step.check()
            results.append(StepResult(step.name, step.method, True, detail))
        except Exception as error:  # a failed check must be reported, whatever its type
            reason = f"{type(error).__name__}: {error}".strip()
            if not str(error):
                reason += " " + traceback.format_exc(limit=2).splitlines()[-1]
            results.append(StepResult(step.name, step.method, False, reason[:400]))
    return Report(name, title, tuple(results))


def holds(relation: str, left: Any, right: Any) -> bool:
    """``left relation right`` for numbers (exact Fractions, ints, mpf)."""
    return bool(RELATIONS[relation](left, right))


def require(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def sympy_zero(expression: Any, what: str) -> str:
    """sympy proves ``expression == 0`` (after simplification)."""
    simplified = sympy.simplify(expression)
    require(simplified == 0, f"{what}: simplifies to {simplified}, not 0")
    return f"{what}: simplifies to 0"


def sympy_sign(expression: Any, relation: str, what: str) -> str:
    """sympy's assumption system proves ``expression relation 0``."""
    simplified = sympy.simplify(expression)
    facts = {
        ">=": simplified.is_nonnegative,
        "<=": simplified.is_nonpositive,
        ">": simplified.is_positive,
        "<": simplified.is_negative,
        "==": simplified.is_zero,
    }
    require(facts[relation] is True, f"{what}: sympy cannot show {simplified} {relation} 0")
    return f"{what}: {simplified} {relation} 0"


def _quiet(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        derandomize=True,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
    )


def find_example(
    strategy: SearchStrategy[Any], condition: Callable[[Any], bool], what: str, max_examples: int = 300
) -> Any:
    """An input satisfying ``condition`` (a witness, e.g. a counterexample the theorem predicts)."""
    try:
        return find(strategy, condition, settings=_quiet(max_examples))
    except NoSuchExample:
        raise CheckFailed(f"{what}: no example in {max_examples} hypothesis examples") from None


def no_counterexample(
    strategy: SearchStrategy[Any], claim: Callable[[Any], bool], what: str, max_examples: int = 300
) -> str:
    """hypothesis searches ``strategy`` for an input where ``claim`` is false; none may exist."""
    try:
        counterexample = find(strategy, lambda value: not claim(value), settings=_quiet(max_examples))
    except NoSuchExample:
        return f"{what}: no counterexample in {max_examples} hypothesis examples"
    raise CheckFailed(f"{what}: counterexample {counterexample!r}")


def for_all(cases: Any, claim: Callable[..., bool], what: str) -> str:
    """Exhaustive enumeration: ``claim(*case)`` for every case."""
    count = 0
    for case in cases:
        count += 1
        if not claim(*case):
            raise CheckFailed(f"{what}: fails at {case!r}")
    return f"{what}: holds in all {count} enumerated cases"
