"""The ``rate(ctx, i)`` calling convention shared by schedule-like models and wrappers.

A family writes ``rate(self, ctx, i)`` once; :func:`public_rate` lets the same
method also serve the float call ``rate(i)`` (float64, vectorised over an array of
indices), as :func:`bounds.models.base._public_log_survival` does for ``log_survival``.
:func:`base_rate` calls a base model's rate in a context whether the base follows
this convention or only the older float ``rate(i)`` / exact ``rate_exact(i)`` pair.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any

import numpy as np

from bounds.errors import BoundsError, ParameterError
from bounds.numeric.contexts import FLOAT, is_context
from bounds.numeric.domains import Domain

__all__ = ["SCHEDULE_LIKE", "base_rate", "public_rate", "takes_context"]

_REQUIRED = ("rate", "log_survival")


def _schedule_like(value: Any, name: str) -> Any:
    missing = [attr for attr in _REQUIRED if not callable(getattr(value, attr, None))]
    if missing:
        raise ParameterError(name, f"a schedule-like model (it lacks {', '.join(missing)})", type(value).__name__)
    return value


#: A model with ``rate(ctx, i)`` and ``log_survival(ctx, n)`` (a nested ``[base]`` table in a spec file).
SCHEDULE_LIKE = Domain("model", "a schedule-like model", _schedule_like)


def public_rate(method: Any) -> Any:
    """Let ``rate(self, ctx, i)`` also be called as ``rate(i)`` (float64, vectorised)."""

    @functools.wraps(method)
    def rate(self: Any, ctx: Any, i: Any = None) -> Any:
        if is_context(ctx):
            return method(self, ctx, i)
        if i is not None:
            raise TypeError("rate takes (ctx, i) or (i)")
        return method(self, FLOAT, np.asarray(ctx, dtype=np.float64))

    rate._takes_context = True  # type: ignore[attr-defined]
    return rate


def takes_context(model: Any) -> bool:
    """True when ``model.rate`` follows the ``rate(ctx, i)`` convention."""
    method = getattr(type(model), "rate", None)
    return bool(getattr(method, "_takes_context", False)) or _declares_context(method)


def _declares_context(method: Any) -> bool:
    import inspect

    try:
        parameters = list(inspect.signature(method).parameters)
    except (TypeError, ValueError):
        return False
    return len(parameters) >= 3 and parameters[1] == "ctx"


def base_rate(model: Any, ctx: Any, i: Any) -> Any:
    """``epsilon_i`` of ``model`` in ``ctx``: its own ``rate(ctx, i)``, or, for an older base, ``rate(i)``
    in float and the exact ``rate_exact(i)`` as a (then exact) ball."""
    if takes_context(model):
        return model.rate(ctx, i)
    if ctx.kind == "float":
        return np.asarray(model.rate(np.asarray(i, dtype=np.float64)), dtype=np.float64)
    exact = getattr(model, "rate_exact", None)
    value = exact(int(i)) if callable(exact) else None
    if value is None:
        raise BoundsError(
            f"{type(model).__name__} gives no rigorous rate at generation {i} (it has no rate(ctx, i))"
        )
    return ctx.number(Fraction(value))
