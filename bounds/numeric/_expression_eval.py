"""The numpy, mpmath, exact and sympy evaluators of a validated rate expression.

Split from :mod:`bounds.numeric.expression` (which parses and validates the tree, and
whose :class:`~bounds.numeric.expression.RateExpression` calls these); the ball
evaluator is :mod:`bounds.numeric._expression_ball`.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import mpmath
import numpy as np

from bounds.numeric._expression_tree import VARIADIC, NotReal, Tree

if TYPE_CHECKING:
    import sympy

__all__ = ["exact_value", "mp_compile", "np_compile", "to_sympy"]

#: Exact evaluation gives up (returns None) beyond this many bits.
_MAX_EXACT_BITS = 20_000
#: In mpmath, a power or exp whose natural log exceeds this is treated as +inf (as float64 overflows).
_MP_OVERFLOW_LOG = 10**6


def np_compile(tree: Tree) -> Callable[[np.ndarray], np.ndarray]:
    kind = tree[0]
    if kind == "num":
        constant = float(tree[1])
        return lambda i: np.full(np.shape(i), constant)
    if kind == "i":
        return lambda i: i
    if kind == "neg":
        inner = np_compile(tree[1])
        return lambda i: -inner(i)
    if kind == "call":
        args = [np_compile(arg) for arg in tree[2]]
        if tree[1] in VARIADIC:
            reduce = np.minimum if tree[1] == "min" else np.maximum

            def variadic(i: np.ndarray) -> np.ndarray:
                result = args[0](i)
                for arg in args[1:]:
                    result = reduce(result, arg(i))
                return result

            return variadic
        function = {"exp": np.exp, "log": np.log, "sqrt": np.sqrt}[tree[1]]
        return lambda i: function(args[0](i))
    left, right = np_compile(tree[1]), np_compile(tree[2])
    operations = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide, "pow": np.power}
    operation = operations[kind]
    return lambda i: operation(left(i), right(i))


def _mp_real(value: Any, text: str) -> mpmath.mpf:
    if not isinstance(value, mpmath.mpf):
        raise NotReal
    return value


def _mp_pow(base: mpmath.mpf, exponent: mpmath.mpf, text: str) -> mpmath.mpf:
    if base < 0 and exponent != int(exponent):
        raise NotReal
    # |exponent| * (|mag(base)| + 1) bounds |exponent * log2|base|| + |exponent|: a cheap screen
    # before the accurate (and costly) log is taken
    if base != 0 and abs(exponent) * (abs(mpmath.mag(base)) + 1) > _MP_OVERFLOW_LOG:
        magnitude = exponent * mpmath.log(abs(base))
        if abs(magnitude) > _MP_OVERFLOW_LOG:
            sign = -1 if base < 0 and int(exponent) % 2 else 1
            return mpmath.inf * sign if magnitude > 0 else mpmath.mpf(0)
    if base == 0 and exponent < 0:
        raise ZeroDivisionError
    return _mp_real(mpmath.power(base, exponent), text)


def mp_compile(tree: Tree, text: str) -> Callable[[mpmath.mpf], mpmath.mpf]:
    kind = tree[0]
    if kind == "num":
        numerator, denominator = tree[1].numerator, tree[1].denominator
        rounded: dict[int, mpmath.mpf] = {}  # the constant at each working precision, computed once

        def constant(i: mpmath.mpf) -> mpmath.mpf:
            value = rounded.get(mpmath.mp.prec)
            if value is None:
                value = rounded[mpmath.mp.prec] = mpmath.mpf(numerator) / denominator
            return value

        return constant
    if kind == "i":
        return lambda i: i
    if kind == "neg":
        inner = mp_compile(tree[1], text)
        return lambda i: -inner(i)
    if kind == "call":
        args = [mp_compile(arg, text) for arg in tree[2]]
        name = tree[1]
        if name in VARIADIC:
            pick = min if name == "min" else max
            return lambda i: pick(arg(i) for arg in args)
        if name == "exp":

            def exp(i: mpmath.mpf) -> mpmath.mpf:
                x = args[0](i)
                return mpmath.inf if x > _MP_OVERFLOW_LOG else mpmath.exp(x)

            return exp
        function = mpmath.log if name == "log" else mpmath.sqrt
        return lambda i: _mp_real(function(args[0](i)), text)
    left, right = mp_compile(tree[1], text), mp_compile(tree[2], text)
    if kind == "pow":
        return lambda i: _mp_pow(left(i), right(i), text)
    operation: Callable[[Any, Any], Any] = {
        "add": lambda a, b: a + b,
        "sub": lambda a, b: a - b,
        "mul": lambda a, b: a * b,
        "div": lambda a, b: a / b,
    }[kind]
    return lambda i: operation(left(i), right(i))


def exact_value(tree: Tree, i: int) -> Fraction | int | None:
    """The exact rational value, or None when it is irrational or too large to be cheap.

    Whole numbers stay Python ints (several times faster than Fractions) until a division.
    """
    kind = tree[0]
    if kind == "num":
        value = tree[1]
        return value.numerator if value.denominator == 1 else value
    if kind == "i":
        return i
    if kind == "call":
        if tree[1] not in VARIADIC:
            return None
        values = [exact_value(arg, i) for arg in tree[2]]
        if any(value is None for value in values):
            return None
        return min(values) if tree[1] == "min" else max(values)  # type: ignore[type-var]
    if kind == "neg":
        inner = exact_value(tree[1], i)
        return None if inner is None else -inner
    left, right = exact_value(tree[1], i), exact_value(tree[2], i)
    if left is None or right is None:
        return None
    if kind == "add":
        result = left + right
    elif kind == "sub":
        result = left - right
    elif kind == "mul":
        result = left * right
    elif kind == "div":
        if right == 0:
            raise ZeroDivisionError
        result = Fraction(left) / right
    else:
        if right.denominator != 1:
            return None
        size = max(left.numerator.bit_length(), left.denominator.bit_length())
        if size * abs(right.numerator) > _MAX_EXACT_BITS:
            return None
        if left == 0 and right < 0:
            raise ZeroDivisionError
        result = Fraction(left) ** int(right) if right < 0 else left ** int(right)
    if max(result.numerator.bit_length(), result.denominator.bit_length()) > _MAX_EXACT_BITS:
        return None
    return result


def to_sympy(tree: Tree, index: sympy.Symbol) -> sympy.Expr:
    import sympy

    kind = tree[0]
    if kind == "num":
        return sympy.Rational(tree[1].numerator, tree[1].denominator)
    if kind == "i":
        return index
    if kind == "neg":
        return -to_sympy(tree[1], index)
    if kind == "call":
        args = [to_sympy(arg, index) for arg in tree[2]]
        functions = {"exp": sympy.exp, "log": sympy.log, "sqrt": sympy.sqrt}
        if tree[1] in functions:
            return functions[tree[1]](*args)
        return (sympy.Min if tree[1] == "min" else sympy.Max)(*args)
    left, right = to_sympy(tree[1], index), to_sympy(tree[2], index)
    if kind == "add":
        return left + right
    if kind == "sub":
        return left - right
    if kind == "mul":
        return left * right
    if kind == "div":
        return left / right
    return sympy.Pow(left, right)
