"""Temporary bridge from the kernel protocol to the pre-kernel solver's hooks.

The solver in :mod:`bounds.budget` still calls ``_log_survival``,
``survival_bounds``/``survival_mp``, ``limit_mp`` and ``budget_candidate``. Ported
families write only ``log_survival(ctx, n)``, ``log_limit(ctx)`` and
``candidate(T)``; this mixin derives the old hooks from them, so that there is one
formula. The enclosures it hands out come from rigorous balls. Delete this module
when the kernel's certifier (``bounds.numeric.certify``) replaces the old solver.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import flint
import mpmath
import numpy as np

from bounds.numeric.contexts import FLOAT, BallContext

__all__ = ["LegacyHooks"]


def _mpf(value: flint.arb) -> mpmath.mpf:
    man, exp = value.mid().man_exp()
    return mpmath.mpf(int(man)) * mpmath.mpf(2) ** int(exp)


def _endpoints(log_ball: flint.arb) -> tuple[mpmath.mpf, mpmath.mpf]:
    if not log_ball.is_finite():
        if log_ball.upper().is_finite() or log_ball == flint.arb.neg_inf():
            return mpmath.mpf(0), mpmath.mpf(0)
        raise ArithmeticError("the ball of ln S is not finite")
    value = log_ball.exp()
    return _mpf(value.lower()), _mpf(value.upper())


class LegacyHooks:
    """The old solver's hooks, derived from ``log_survival(ctx, n)``, ``log_limit(ctx)`` and ``candidate``."""

    def _log_survival(self, n: np.ndarray) -> np.ndarray:
        return self.log_survival(FLOAT, n)  # type: ignore[attr-defined]

    def survival_bounds(self, n: int, dps: int) -> tuple[mpmath.mpf, mpmath.mpf] | None:
        if n == 0:
            return mpmath.mpf(1), mpmath.mpf(1)
        prec = int(3.33 * dps) + 64 + 2 * int(n).bit_length()
        with BallContext(prec) as ctx:
            return _endpoints(self.log_survival(ctx, int(n)))  # type: ignore[attr-defined]

    def survival_mp(self, n: int, dps: int) -> mpmath.mpf:
        low, high = self.survival_bounds(int(n), dps)  # type: ignore[misc]
        return (low + high) / 2

    def limit_bounds(self, dps: int) -> tuple[mpmath.mpf, mpmath.mpf] | None:
        with BallContext(int(3.33 * dps) + 64) as ctx:
            return _endpoints(self.log_limit(ctx))  # type: ignore[attr-defined]

    def limit_mp(self, dps: int) -> mpmath.mpf:
        low, high = self.limit_bounds(dps)  # type: ignore[misc]
        return (low + high) / 2

    def budget_candidate(self, threshold: Fraction) -> int | None:
        method: Any = getattr(self, "candidate", None)
        return method(threshold) if method is not None else None
