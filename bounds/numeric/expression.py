"""A safe rate expression in the generation index ``i`` (``"1e-3 * 0.9**i"``).

The text is parsed with :func:`ast.parse` and every node is checked against a
whitelist; nothing the user writes is ever passed to ``eval`` or
:func:`sympy.sympify`. From the validated tree :class:`RateExpression` builds, itself
(the evaluators live in :mod:`bounds.numeric._expression_eval` and
:mod:`bounds.numeric._expression_ball`),

* a numpy evaluator (float64, vectorised over an array of indices),
* an mpmath evaluator (any precision; for display and independent checks),
* a ball evaluator (python-flint ``arb``, compiled once per precision: the
  rigorous enclosure the certifier uses),
* an exact evaluator (a :class:`~fractions.Fraction` when the value is rational
  and cheap: only numbers, ``i``, ``+ - * /`` and integer powers), and
* a sympy expression (for :meth:`~bounds.models.base.SurvivalModel.symbolic`).

Allowed: numbers, the name ``i``, ``+ - * / **``, unary minus and plus,
parentheses, and the functions ``exp``, ``log``, ``sqrt`` (one argument) and
``min``, ``max`` (two or more). Numbers are exact decimals as written
(``0.1`` is ``1/10``). Everything else (attributes, subscripts, other names,
keywords, lambdas, comprehensions, strings, comparisons) raises
:class:`~bounds.errors.ExpressionError`, as do constant powers whose exponent
exceeds :data:`MAX_CONSTANT_EXPONENT` (``9**9**9``), constant subexpressions
whose exact value would need more than :data:`MAX_CONSTANT_BITS` bits
(``((9**1000)**1000)**1000``: every path, sympy's exact arithmetic in
derivations included, stays bounded) and texts longer than :data:`MAX_LENGTH`
characters.

Examples
--------
>>> rate = parse_expression("1e-3 * 0.9**(i - 1)")
>>> rate.exact(2)
Fraction(9, 10000)
>>> rate.numpy(np.array([1.0, 2.0, 3.0])).round(8)
array([0.001  , 0.0009 , 0.00081])
>>> parse_expression("__import__('os')")
Traceback (most recent call last):
...
bounds.errors.ExpressionError: expression: the name '__import__' is not allowed...
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any

import flint
import mpmath
import numpy as np

from bounds.errors import ExpressionError
from bounds.numeric._expression_eval import exact_value, mp_compile, np_compile, to_sympy
from bounds.numeric._expression_tree import VARIADIC, NotReal, Tree, uses_index

if TYPE_CHECKING:
    import sympy

__all__ = ["MAX_CONSTANT_BITS", "MAX_CONSTANT_EXPONENT", "MAX_LENGTH", "RateExpression", "parse_expression"]

#: Longest accepted expression text.
MAX_LENGTH = 1000
#: Largest ``|exponent|`` of a power whose exponent does not depend on ``i``.
MAX_CONSTANT_EXPONENT = 1000
#: Largest exact size (bits of numerator plus denominator, as sympy would build it) of a constant subexpression.
MAX_CONSTANT_BITS = 100_000
#: Largest number of nodes in the parsed tree, and its largest nesting depth.
_MAX_NODES = 400
_MAX_DEPTH = 40

_UNARY = {"exp", "log", "sqrt"}
_BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}


def _fail(text: str, reason: str) -> ExpressionError:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return ExpressionError(f"expression: {reason} (in {shown!r})")


def _number(node: ast.Constant, text: str) -> Tree:
    value = node.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(text, f"only numbers and the name 'i' are allowed, got {value!r}")
    source = ast.get_source_segment(text, node) or repr(value)
    try:
        decimal = Decimal(source.replace("_", ""))
    except InvalidOperation:
        raise _fail(text, f"cannot read the number {source!r}") from None
    if not decimal.is_finite() or (isinstance(value, float) and not np.isfinite(value)):
        raise _fail(text, f"the number {source} is outside the float64 range")
    if decimal and abs(decimal.adjusted()) > 300:
        raise _fail(text, f"the number {source} is outside the float64 range")
    return ("num", Fraction(decimal), source)


def _convert(node: ast.AST, text: str, depth: int) -> Tree:
    if depth > _MAX_DEPTH:
        raise _fail(text, f"nesting deeper than {_MAX_DEPTH} levels")
    if isinstance(node, ast.Expression):
        return _convert(node.body, text, depth + 1)
    if isinstance(node, ast.Constant):
        return _number(node, text)
    if isinstance(node, ast.Name):
        if node.id != "i":
            raise _fail(text, f"the name {node.id!r} is not allowed; the only variable is 'i'")
        return ("i",)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _convert(node.operand, text, depth + 1)
        return ("neg", operand) if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left = _convert(node.left, text, depth + 1)
        right = _convert(node.right, text, depth + 1)
        tree = (_BINARY[type(node.op)], left, right)
        if tree[0] == "pow":
            _check_power(left, right, text)
        return tree
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise _fail(text, "only calls of exp, log, sqrt, min and max are allowed")
        name = node.func.id
        if name not in _UNARY | VARIADIC:
            raise _fail(text, f"the name {name!r} is not allowed; functions: exp, log, sqrt, min, max")
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
            raise _fail(text, f"{name}() takes plain positional arguments")
        if name in _UNARY and len(node.args) != 1:
            raise _fail(text, f"{name}() takes exactly one argument, got {len(node.args)}")
        if name in VARIADIC and len(node.args) < 2:
            raise _fail(text, f"{name}() takes at least two arguments, got {len(node.args)}")
        return ("call", name, tuple(_convert(arg, text, depth + 1) for arg in node.args))
    if isinstance(node, ast.Attribute):
        raise _fail(text, "attribute access ('.') is not allowed")
    kind = type(node).__name__
    raise _fail(text, f"{kind} syntax is not allowed; use numbers, i, + - * / **, exp, log, sqrt, min, max")


def _check_power(base: Tree, exponent: Tree, text: str) -> None:
    """Refuse constant exponents beyond ``MAX_CONSTANT_EXPONENT`` (``9**9**9`` would never finish)."""
    if uses_index(exponent):
        return
    with mpmath.workdps(30):
        try:
            value = mp_compile(exponent, text)(mpmath.mpf(1))
        except (NotReal, ZeroDivisionError):
            raise _fail(text, "a constant exponent must be a finite real number") from None
    if not mpmath.isfinite(value) or abs(value) > MAX_CONSTANT_EXPONENT:
        raise _fail(text, f"a constant exponent must be at most {MAX_CONSTANT_EXPONENT} in size, "
                          f"got {mpmath.nstr(value, 6)}")


def _exact_size(tree: Tree) -> float:
    """An upper bound on the bits of the exact value of a subexpression (numerator plus denominator).

    What sympy (or Fraction arithmetic) would build: sums and products add sizes,
    an integer power ``x**k`` multiplies the size of ``x`` by ``|k|``; a power with
    a fractional exponent or ``i`` in it, and ``exp``/``log``/``sqrt``, stay
    symbolic (their argument's size); ``i`` counts as 64 bits.
    """
    kind = tree[0]
    if kind == "num":
        return float(tree[1].numerator.bit_length() + tree[1].denominator.bit_length() + 1)
    if kind == "i":
        return 64.0
    if kind == "neg":
        return _exact_size(tree[1])
    if kind == "call":
        return float(sum(_exact_size(arg) for arg in tree[2]))
    left, right = _exact_size(tree[1]), _exact_size(tree[2])
    if kind == "pow":
        exponent = tree[2]
        if exponent[0] == "num" and exponent[1].denominator == 1:
            return left * max(1, abs(exponent[1].numerator))
        if exponent[0] == "neg" and exponent[1][0] == "num" and exponent[1][1].denominator == 1:
            return left * max(1, abs(exponent[1][1].numerator))
        if not uses_index(exponent):
            with mpmath.workdps(30):
                try:
                    value = mp_compile(exponent, "")(mpmath.mpf(1))
                except (NotReal, ZeroDivisionError):
                    return left + right
            if mpmath.isfinite(value) and value == int(value):
                return left * max(1.0, float(abs(value)))
        return left + right
    return left + right


def _check_sizes(tree: Tree, text: str) -> None:
    """Refuse a tree with a constant subexpression beyond :data:`MAX_CONSTANT_BITS` bits."""
    size = _exact_size(tree)
    if size > MAX_CONSTANT_BITS:
        raise _fail(text, f"a constant subexpression is too large to evaluate exactly (about {size:.3g} bits; "
                          f"at most {MAX_CONSTANT_BITS} are allowed)")


@dataclass(frozen=True)
class RateExpression:
    """A validated rate expression ``f(i)``; build one with :func:`parse_expression`.

    Attributes
    ----------
    text : str
        The expression as written.
    tree : tuple
        The validated syntax tree (nested tuples).
    """

    text: str
    tree: Tree

    @cached_property
    def _numpy_function(self) -> Callable[[np.ndarray], np.ndarray]:
        return np_compile(self.tree)

    @cached_property
    def _mp_function(self) -> Callable[[mpmath.mpf], mpmath.mpf]:
        return mp_compile(self.tree, self.text)

    @cached_property
    def _ball_functions(self) -> dict[int, Any]:
        return {}

    @property
    def uses_index(self) -> bool:
        """Whether the value depends on ``i`` (otherwise the rate is constant)."""
        return uses_index(self.tree)

    def _check(self, i: Any, value: Any) -> None:
        raise ExpressionError(
            f"expression {self.text!r} must give a rate in [0, 1] at every generation; "
            f"at i = {i} it gives {value}"
        )

    def numpy(self, i: np.ndarray) -> np.ndarray:
        """``f(i)`` in float64 for an array of indices; out-of-range values raise, never clip."""
        index = np.asarray(i, dtype=np.float64)
        with np.errstate(all="ignore"):
            values = np.asarray(self._numpy_function(index), dtype=np.float64)
        values = np.broadcast_to(values, index.shape)
        bad = ~((values >= 0) & (values <= 1))
        if bad.any():
            first = np.flatnonzero(bad.ravel())[0]
            self._check(int(index.ravel()[first]), float(values.ravel()[first]))
        return values

    def mp(self, i: int, dps: int) -> mpmath.mpf:
        """``f(i)`` with mpmath at ``dps`` digits (plus guard digits)."""
        with mpmath.workdps(dps + 10):
            try:
                value = self._mp_function(mpmath.mpf(i))
            except ZeroDivisionError:
                raise ExpressionError(f"expression {self.text!r} divides by zero at i = {i}") from None
            except NotReal:
                raise ExpressionError(
                    f"expression {self.text!r} is not a real number at i = {i} "
                    "(log or sqrt of a negative number, or a negative number to a fractional power)"
                ) from None
            if not (0 <= value <= 1):
                self._check(i, mpmath.nstr(value, 8))
        return value

    def _ball_function(self) -> Any:
        from bounds.numeric._expression_ball import ball_compile

        prec = flint.ctx.prec
        function = self._ball_functions.get(prec)
        if function is None:
            function = self._ball_functions[prec] = ball_compile(self.tree)
        return function

    def _ball_error(self, i: int, error: Exception) -> ExpressionError:
        if isinstance(error, ZeroDivisionError):
            return ExpressionError(f"expression {self.text!r} divides by zero at i = {i}")
        return ExpressionError(
            f"expression {self.text!r} is not a real number at i = {i} "
            "(log or sqrt of a negative number, or a negative number to a fractional power)"
        )

    def ball(self, i: int) -> flint.arb:
        """``f(i)`` as an ``arb`` ball at flint's current precision; compiled once per precision.

        Raises :class:`~bounds.errors.ExpressionError` where the value is provably
        outside ``[0, 1]``, not real, or divides by zero.
        """
        try:
            value = self._ball_function()(flint.arb(i), i)
        except (ZeroDivisionError, NotReal) as error:
            raise self._ball_error(i, error) from None
        if value < 0 or value > 1:
            self._check(i, value.mid().str(8, radius=False))
        return value

    def ball_keep_product(self, first: int, last: int, checked: int = 0) -> flint.arb:
        """``prod_{i=first}^{last} (1 - f(i))`` as a ball: the hot loop of certification.

        One closure call per generation; generations above ``checked`` (those the
        float evaluator has not already checked to lie in ``[0, 1]``) are also
        checked in balls, as in :meth:`ball`. A rate that float64 rounds into
        ``[0, 1]`` but is not there makes a factor ball negative, so the product's
        logarithm is not a number and nothing is certified.
        """
        function = self._ball_function()
        product = flint.arb(1)
        one, zero = flint.arb(1), flint.arb(0)
        from bounds.numeric._expression_ball import uses_index_ball

        needs_ball = uses_index_ball(self.tree)
        i = first
        try:
            for i in range(first, min(last, checked) + 1):
                product *= one - function(flint.arb(i) if needs_ball else zero, i)
            for i in range(max(first, checked + 1), last + 1):
                value = function(flint.arb(i) if needs_ball else zero, i)
                if value < 0 or value > 1:
                    self._check(i, value.mid().str(8, radius=False))
                product *= one - value
        except (ZeroDivisionError, NotReal) as error:
            raise self._ball_error(i, error) from None
        return product

    def exact(self, i: int) -> Fraction | None:
        """``f(i)`` as an exact rational when it is one and cheap to compute, else ``None``."""
        try:
            value = exact_value(self.tree, i)
        except ZeroDivisionError:
            raise ExpressionError(f"expression {self.text!r} divides by zero at i = {i}") from None
        if value is None:
            return None
        if not 0 <= value <= 1:
            self._check(i, float(value))
        return value if isinstance(value, Fraction) else Fraction(value)

    def sympy(self, index: sympy.Symbol) -> sympy.Expr:
        """The expression in sympy, built from the validated tree (never from the text).

        Constant subexpressions are bounded in size (see :data:`MAX_CONSTANT_BITS`),
        so sympy's exact arithmetic on them stays small.
        """
        _check_sizes(self.tree, self.text)
        return to_sympy(self.tree, index)


def parse_expression(text: object) -> RateExpression:
    """Parse and validate a rate expression in ``i``.

    Raises
    ------
    ExpressionError
        For anything outside the whitelist, with the reason.

    Examples
    --------
    >>> parse_expression("min(1, 1e-4 * i**0.5)").text
    'min(1, 1e-4 * i**0.5)'
    >>> parse_expression("9**9**9")
    Traceback (most recent call last):
    ...
    bounds.errors.ExpressionError: expression: a constant exponent must be at most 1000 in size, ...
    """
    if not isinstance(text, str):
        raise ExpressionError(f"expression must be a string such as '1e-3 * 0.9**i', got {text!r:.80}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression must be at most {MAX_LENGTH} characters, got {len(text)}")
    if not text.strip():
        raise ExpressionError("expression must not be empty; write a rate in i such as '1e-3 * 0.9**i'")
    try:
        parsed = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise _fail(text, f"not a valid expression ({error.msg})") from None
    except (ValueError, MemoryError, RecursionError):
        raise _fail(text, "not a valid expression") from None
    if sum(1 for _ in ast.walk(parsed)) > _MAX_NODES:
        raise _fail(text, f"more than {_MAX_NODES} syntax nodes")
    tree = _convert(parsed, text.strip(), 0)
    _check_sizes(tree, text.strip())
    return RateExpression(text, tree)
