"""The ball evaluator of a validated rate expression (python-flint ``arb``), compiled once per precision.

Split from :mod:`bounds.numeric.expression` (which builds the tree and the other
evaluators); :meth:`~bounds.numeric.expression.RateExpression.ball` and
:meth:`~bounds.numeric.expression.RateExpression.ball_keep_product` use it.
A compiled evaluator is ``f(x, k)`` with ``x`` the ball of the generation
index ``k``: constants are folded at compile time, and a power ``b**(i + c)``
with a whole ``c`` is an integer power (one multiplication per generation when
``b`` is constant and the generations are consecutive).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flint

from bounds.numeric._expression_tree import VARIADIC, NotReal, Tree, uses_index

__all__ = ["BallFunction", "ball_compile", "uses_index_ball"]


def _index_offset(tree: Tree) -> int | None:
    """``c`` when ``tree`` is ``i + c`` (or ``i``, ``i - c``, ``c + i``) with a whole number ``c``, else None."""
    if tree[0] == "i":
        return 0
    if tree[0] in ("add", "sub") and len(tree) == 3:
        left, right = tree[1], tree[2]
        if left[0] == "i" and right[0] == "num" and right[1].denominator == 1:
            return int(right[1]) if tree[0] == "add" else -int(right[1])
        if tree[0] == "add" and right[0] == "i" and left[0] == "num" and left[1].denominator == 1:
            return int(left[1])
    return None


BallFunction = Callable[[flint.arb, int], flint.arb]


def ball_compile(tree: Tree) -> BallFunction:
    """An ``arb`` evaluator ``f(x, k)`` (``x`` the ball of the index ``k``) at the current flint precision.

    Constants (subtrees without ``i``) are evaluated once, here; a power whose
    exponent is ``i + c`` with a whole ``c`` is an integer power of the base.
    """
    if not uses_index(tree):
        value = _ball_compile_general(tree)(flint.arb(1), 1)
        return lambda x, k: value
    return _ball_compile_general(tree)


def _ball_compile_general(tree: Tree) -> BallFunction:
    kind = tree[0]
    if kind == "num":
        value = tree[1]
        constant = flint.arb(value.numerator) if value.denominator == 1 else flint.arb(
            flint.fmpq(value.numerator, value.denominator))
        return lambda x, k: constant
    if kind == "i":
        return lambda x, k: x
    if kind == "neg":
        inner = ball_compile(tree[1])
        return lambda x, k: -inner(x, k)
    if kind == "call":
        args = [ball_compile(arg) for arg in tree[2]]
        name = tree[1]
        if name in VARIADIC:
            def variadic(x: flint.arb, k: int) -> flint.arb:
                result = args[0](x, k)
                for arg in args[1:]:
                    result = result.min(arg(x, k)) if name == "min" else result.max(arg(x, k))
                return result
            return variadic
        (argument,) = args
        if name == "exp":
            return lambda x, k: argument(x, k).exp()

        def real_function(x: flint.arb, k: int) -> flint.arb:
            value = argument(x, k)
            if value < 0 or (name == "log" and value == 0):
                raise NotReal
            return value.log() if name == "log" else value.sqrt()

        return real_function
    left, right = ball_compile(tree[1]), ball_compile(tree[2])
    if kind == "pow":
        offset = _index_offset(tree[2])
        if offset is not None:
            if not uses_index(tree[1]):
                # a constant base: consecutive generations multiply the previous power once (a ball
                # product, as rigorous as the power itself) instead of powering from scratch
                base = left(flint.arb(1), 1)
                state: list[Any] = [None, None]

                def geometric_power(x: flint.arb, k: int) -> flint.arb:
                    power = k + offset
                    if state[0] is not None and power == state[0] + 1 and power > 0:
                        value = state[1] * base
                    else:
                        if power < 0 and base == 0:
                            raise ZeroDivisionError
                        value = base**power
                    state[0], state[1] = power, value
                    return value
                return geometric_power

            def integer_power(x: flint.arb, k: int) -> flint.arb:
                base, power = left(x, k), k + offset
                if power < 0 and base == 0:
                    raise ZeroDivisionError
                return base**power
            return integer_power
        return lambda x, k: _ball_pow(left(x, k), right(x, k))
    if kind == "div":
        def divide(x: flint.arb, k: int) -> flint.arb:
            denominator = right(x, k)
            if denominator == 0:
                raise ZeroDivisionError
            return left(x, k) / denominator
        return divide
    # a constant operand is captured as a value: one closure call fewer per generation
    constant_left = None if uses_index(tree[1]) else left(flint.arb(1), 1)
    constant_right = None if uses_index(tree[2]) else right(flint.arb(1), 1)
    if kind == "add":
        if constant_left is not None:
            return lambda x, k: constant_left + right(x, k)
        if constant_right is not None:
            return lambda x, k: left(x, k) + constant_right
        return lambda x, k: left(x, k) + right(x, k)
    if kind == "sub":
        if constant_left is not None:
            return lambda x, k: constant_left - right(x, k)
        if constant_right is not None:
            return lambda x, k: left(x, k) - constant_right
        return lambda x, k: left(x, k) - right(x, k)
    if constant_left is not None:
        return lambda x, k: constant_left * right(x, k)
    if constant_right is not None:
        return lambda x, k: left(x, k) * constant_right
    return lambda x, k: left(x, k) * right(x, k)


def uses_index_ball(tree: Tree) -> bool:
    """Whether the ball evaluator needs the ball of ``i`` (not only the integer, as in ``0.9**(i - 1)``)."""
    kind = tree[0]
    if kind == "i":
        return True
    if kind == "num":
        return False
    if kind == "pow" and _index_offset(tree[2]) is not None:
        return uses_index_ball(tree[1])
    if kind == "call":
        return any(uses_index_ball(arg) for arg in tree[2])
    return any(uses_index_ball(part) for part in tree[1:])


def _ball_pow(base: flint.arb, exponent: flint.arb) -> flint.arb:
    if exponent.is_exact() and exponent == exponent.floor():
        power = int(str(exponent.unique_fmpz()))
        if base == 0 and power < 0:
            raise ZeroDivisionError
        return base**power
    if base < 0:
        raise NotReal
    if base == 0:
        return flint.arb(0) if exponent > 0 else flint.arb.nan()
    return (exponent * base.log()).exp()
