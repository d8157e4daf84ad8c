"""The safe rate-expression parser: whitelist, hostile input, and agreement of its four evaluators."""

from __future__ import annotations

import builtins
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from bounds.errors import BoundsError, ExpressionError
from bounds.models.explicit import Expression
from bounds.numeric.expression import MAX_CONSTANT_EXPONENT, MAX_LENGTH, parse_expression

HOSTILE = [
    ("__import__('os')", "the name '__import__' is not allowed"),
    ("__import__('os').system('rm -rf /')", "only calls of exp, log, sqrt, min and max"),
    ("().__class__", "attribute access"),
    ("().__class__.__bases__[0].__subclasses__()", "only calls of"),
    ("i.real", "attribute access"),
    ("(1).__class__", "attribute access"),
    ("open('x')", "the name 'open' is not allowed"),
    ("eval('1')", "the name 'eval' is not allowed"),
    ("exec('1')", "the name 'exec' is not allowed"),
    ("globals()", "the name 'globals' is not allowed"),
    ("x", "the name 'x' is not allowed"),
    ("I", "the name 'I' is not allowed"),
    ("pi", "the name 'pi' is not allowed"),
    ("9**9**9", "constant exponent must be at most 1000"),
    ("2**100000", "constant exponent must be at most 1000"),
    ("(1/2)**(-5000)", "constant exponent must be at most 1000"),
    ("10**exp(100)", "constant exponent must be at most 1000"),
    ("i**(1/0)", "constant exponent must be a finite real number"),
    ("2**log(-1)", "constant exponent must be a finite real number"),
    ("lambda: 1", "Lambda syntax is not allowed"),
    ("[i for i in x]", "ListComp syntax is not allowed"),
    ("{i: 1}", "Dict syntax is not allowed"),
    ("(i, 1)", "Tuple syntax is not allowed"),
    ("i[0]", "Subscript syntax is not allowed"),
    ("i if i else 0", "IfExp syntax is not allowed"),
    ("i < 2", "Compare syntax is not allowed"),
    ("i and 1", "BoolOp syntax is not allowed"),
    ("not i", "UnaryOp syntax is not allowed"),
    ("~i", "UnaryOp syntax is not allowed"),
    ("i // 2", "BinOp syntax is not allowed"),
    ("i % 2", "BinOp syntax is not allowed"),
    ("i @ i", "BinOp syntax is not allowed"),
    ("(j := 1)", "NamedExpr syntax is not allowed"),
    ("f'{i}'", "JoinedStr syntax is not allowed"),
    ("'abc'", "only numbers and the name 'i' are allowed"),
    ("b'abc'", "only numbers and the name 'i' are allowed"),
    ("True", "only numbers and the name 'i' are allowed"),
    ("None", "only numbers and the name 'i' are allowed"),
    ("1j", "only numbers and the name 'i' are allowed"),
    ("...", "only numbers and the name 'i' are allowed"),
    ("1e400", "outside the float64 range"),
    ("1e-400", "outside the float64 range"),
    ("9" * 400, "outside the float64 range"),
    ("exp(i, 2)", "exp() takes exactly one argument, got 2"),
    ("log()", "log() takes exactly one argument, got 0"),
    ("min(i)", "min() takes at least two arguments, got 1"),
    ("exp(x=1)", "plain positional arguments"),
    ("max(*i)", "plain positional arguments"),
    ("exp", "the name 'exp' is not allowed"),
    ("i +", "not a valid expression"),
    ("import os", "not a valid expression"),
    ("1; 2", "not a valid expression"),
    ("", "must not be empty"),
    ("   ", "must not be empty"),
    ("\x00", "not a valid expression"),
    ("1+" * 300 + "1", "more than 400 syntax nodes"),
    ("exp(" * 45 + "i" + ")" * 45, "nesting deeper than"),
    ("-" * 60 + "i", "nesting deeper than"),
]


@pytest.mark.parametrize(("text", "message"), HOSTILE, ids=[text[:30] for text, _ in HOSTILE])
def test_hostile_expressions_are_refused(text: str, message: str) -> None:
    with pytest.raises(
        ExpressionError, match=message.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")
    ):
        parse_expression(text)


def test_long_and_non_string_input() -> None:
    with pytest.raises(ExpressionError, match=f"at most {MAX_LENGTH} characters, got {MAX_LENGTH + 1}"):
        parse_expression("1" + " " * MAX_LENGTH)
    with pytest.raises(ExpressionError, match="at most 1000 characters"):
        parse_expression("i+" * 10**6 + "i")
    for value in (0.1, None, b"i", ["i"]):
        with pytest.raises(ExpressionError, match="must be a string"):
            parse_expression(value)


def test_errors_are_bounds_errors_and_value_errors() -> None:
    with pytest.raises(BoundsError):
        parse_expression("__import__('os')")
    with pytest.raises(ValueError):
        parse_expression("open('x')")


@pytest.mark.parametrize(
    ("text", "index", "message"),
    [
        ("log(-1)", 1, "at i = 1 it gives nan"),
        ("log(i - 1)", 1, "at i = 1 it gives -inf"),
        ("sqrt(2 - i)", 3, "at i = 3 it gives nan"),
        ("1 / (i - 2)**2", 2, "at i = 2 it gives inf"),
        ("-0.5", 1, "at i = 1 it gives -0.5"),
        ("1.5", 1, "at i = 1 it gives 1.5"),
        ("exp(i)", 1, "at i = 1 it gives 2.718"),
        ("2**(2**i)", 1, "at i = 1 it gives 4"),
    ],
)
def test_values_outside_the_unit_interval_name_the_generation(text: str, index: int, message: str) -> None:
    rate = parse_expression(text)
    with pytest.raises(ExpressionError, match=message):
        rate.numpy(np.arange(1.0, 10.0))
    with pytest.raises(ExpressionError, match=f"i = {index}"):
        rate.mp(index, 20)
    with pytest.raises(ExpressionError, match=f"i = {index}"):
        Expression(text)


def test_no_silent_clipping_but_min_caps() -> None:
    with pytest.raises(ExpressionError, match="at i = 1001 it gives 1.001"):
        parse_expression("0.001 * i").numpy(np.array([1000.0, 1001.0]))
    capped = parse_expression("min(1, 0.001 * i)")
    assert capped.numpy(np.array([1000.0, 1001.0])).tolist() == [1.0, 1.0]
    assert capped.exact(2000) == 1


def test_allowed_constant_powers_at_the_limit() -> None:
    assert parse_expression(f"0.5**{MAX_CONSTANT_EXPONENT}").exact(1) == Fraction(1, 2**MAX_CONSTANT_EXPONENT)
    assert parse_expression("0.999**(i - 1)").exact(3) == Fraction(999, 1000) ** 2
    # an exponent that depends on i may grow: it is evaluated per generation
    assert parse_expression("0.5**(i**2)").exact(4) == Fraction(1, 2**16)


def test_numbers_are_exact_decimals_as_written() -> None:
    assert parse_expression("0.1").exact(1) == Fraction(1, 10)
    assert parse_expression("0.10000000000000000001").exact(1) == Fraction("0.10000000000000000001")
    assert parse_expression("1_000e-6").exact(1) == Fraction(1, 1000)
    assert parse_expression("1e-300 * i").exact(7) == Fraction(7, 10**300)


EXPRESSIONS = [
    "1e-3 * 0.9**(i - 1)",
    "min(1, 1e-4 * i**0.5)",
    "max(1e-6, 0.01 / i**2)",
    "0.01 * exp(-0.1 * i) + 1e-5",
    "min(1, log(1 + i) / 1000)",
    "1 / (2 + i) ** 1.5",
    "sqrt(i) / (1000 + i)",
    "-(-0.001) + +0.002 - 0.0005 * (1 - 1/i)",
    "min(0.5, 0.1, 0.01 * i, max(0.001, 0.002))",
]


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_evaluators_agree(text: str) -> None:
    rate = parse_expression(text)
    index = sympy.Symbol("i", positive=True, integer=True)
    symbolic = rate.sympy(index)
    indices = [1, 2, 3, 10, 99, 1000, 123456]
    floats = rate.numpy(np.array(indices, dtype=np.float64))
    for position, i in enumerate(indices):
        with mpmath.workdps(40):
            precise = rate.mp(i, 35)
            from_sympy = sympy.N(symbolic.subs(index, i), 40)
            assert abs(precise - mpmath.mpf(str(from_sympy))) <= mpmath.mpf(10) ** -34 * max(
                abs(precise), 1e-300
            )
        assert floats[position] == pytest.approx(float(precise), rel=1e-13)
        exact = rate.exact(i)
        if exact is not None:
            with mpmath.workdps(40):
                assert (
                    abs(mpmath.mpf(exact.numerator) / exact.denominator - precise)
                    <= mpmath.mpf(10) ** -34 * precise
                )


def test_exact_evaluator_refuses_irrational_values() -> None:
    assert parse_expression("exp(-i)").exact(1) is None
    assert parse_expression("0.5 ** 0.5").exact(1) is None
    assert parse_expression("min(0.1, 0.2)").exact(1) == Fraction(1, 10)
    assert parse_expression("(0.1 + 0.2) / 3").exact(1) == Fraction(1, 10)


def test_huge_intermediate_values_overflow_like_floats_in_mpmath() -> None:
    # min(1, 2**(2**i)) is 1 for every i; the mpmath evaluator must not build a 2**(2**30)-bit number
    rate = parse_expression("min(1, 2**(2**i))")
    assert rate.mp(30, 20) == 1
    assert rate.numpy(np.array([30.0])).tolist() == [1.0]
    assert parse_expression("min(1, exp(exp(i)))").mp(50, 20) == 1


def test_user_text_never_reaches_eval_or_sympify(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("eval/sympify called on user text")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(sympy, "sympify", refuse)
    monkeypatch.setattr(sympy, "parse_expr", refuse, raising=False)
    rate = parse_expression("min(1, 1e-3 * exp(0.01 * i))")
    rate.sympy(sympy.Symbol("i"))
    assert rate.mp(2, 20) == pytest.approx(1e-3 * math.exp(0.02), rel=1e-15)
    with pytest.raises(ExpressionError):
        parse_expression("__import__('os')")


@given(st.integers(1, 10**9), st.integers(0, 6), st.integers(1, 999))
def test_geometric_expression_matches_exact_rationals(i: int, digits: int, mantissa: int) -> None:
    coefficient = Fraction(mantissa, 10 ** (digits + 3))
    rate = parse_expression(f"{mantissa}e-{digits + 3} * 0.5**(i * 0 + 3)")
    assert rate.exact(i) == coefficient / 8
    assert rate.numpy(np.array([float(i)]))[0] == pytest.approx(float(coefficient / 8), rel=1e-15)
