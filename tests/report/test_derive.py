"""Derivations: the numbers printed are the API's numbers, for every model, in every format."""

from __future__ import annotations

import importlib
import json
import pkgutil
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import example, given, settings

import bounds
from bounds import Independent
from bounds.errors import BoundsError, ParameterError
from bounds.models.base import SurvivalExpr, SurvivalModel
from bounds.numeric.parse import to_mpf
from bounds.report.derive import (
    Derivation,
    Step,
    _load_families,
    assumption,
    chain,
    derive,
    equation,
    model_steps,
    result,
)
from bounds.testing.strategies import epsilons, thresholds
from tests.report import derivation_parsing as parse

DATA = Path(__file__).resolve().parents[1] / "data" / "latex"


def load_reference(name: str) -> Any:
    return json.loads((Path(__file__).resolve().parents[1] / "data" / "reference" / f"{name}.json").read_text())


def independent_survival(epsilon: Fraction, n: int, dps: int = 120) -> mpmath.mpf:
    """(1 - eps)**n computed here, independently of bounds."""
    with mpmath.workdps(dps + len(str(n))):
        return +mpmath.exp(n * mpmath.log1p(-to_mpf(epsilon)))


def assert_shown(shown: Fraction, figures: int | None, exact: Any) -> None:
    """``shown`` is ``exact`` rounded to ``figures`` significant figures."""
    if figures is None:
        assert shown == exact
        return
    with mpmath.workdps(80):
        value = to_mpf(shown)
        truth = mpmath.mpf(exact) if not isinstance(exact, Fraction) else to_mpf(exact)
        assert abs(value - truth) <= abs(truth) * mpmath.mpf(10) ** (1 - figures) / 2 * 1.0001


# -- the numbers in a derivation are the API's ---------------------------------------------------------


@settings(max_examples=40)
@given(epsilons(min_value=Fraction(1, 10**25), max_value=Fraction(999, 1000), max_exponent=25),
       thresholds(max_exponent=25))
@example(Fraction(1, 1000), Fraction(605, 1000))  # the running example: 502
@example(Fraction(1, 10), Fraction(81, 100))  # exact tie 0.9**2 == 0.81
@example(Fraction(1, 2), Fraction(1))  # T = 1
@example(Fraction(17, 232), Fraction(9, 101))  # inputs printed exactly as \tfrac: the parser once missed them
def test_latex_numbers_parse_back_to_the_api(epsilon: Fraction, threshold: Fraction) -> None:
    budget = Independent(epsilon=epsilon).budget(threshold)
    for text in (derive(budget).to_latex(), derive(budget).to_markdown()):
        assert parse.parameter(text, r"\varepsilon") == epsilon
        assert parse.parameter(text, "T") == threshold
        assert parse.budget(text) == budget.n
        for which, api, n in (("N^{*}", budget.certificate_values[0], budget.n),
                              ("N^{*} + 1", budget.certificate_values[1], budget.n + 1)):
            shown, figures = parse.certificate(text, which)
            if figures is not None and figures <= 25:
                assert_shown(shown, figures, api)  # the API's own number
            assert_shown(shown, figures, independent_survival(epsilon, n))


@pytest.mark.parametrize("row", [row for row in load_reference("independent") if row["budget"] is not None])
def test_reference_rows_appear_in_the_derivation(row: dict[str, Any]) -> None:
    text = derive(Independent(epsilon=row["epsilon"]), row["threshold"]).to_latex()
    assert parse.budget(text) == row["budget"]
    with mpmath.workdps(40):
        for which, key in (("N^{*}", "survival_at_budget"), ("N^{*} + 1", "survival_after_budget")):
            shown, figures = parse.certificate(text, which)
            assert_shown(shown, figures, Fraction(row[key]) if figures is None else mpmath.mpf(row[key]))


def test_unbounded_budget_shows_the_limit() -> None:
    text = derive(Independent(epsilon=0), "0.5").to_latex()
    assert parse.budget(text) is None
    shown, figures = parse.certificate(text, r"\infty")
    assert shown == 1


def test_near_tie_is_shown_as_threshold_plus_difference() -> None:
    # eps = 1e-300, T = 0.9: S(N*) agrees with T to 300 digits; the derivation shows S - T
    epsilon = Fraction(1, 10**300)
    budget = Independent(epsilon=epsilon).budget("0.9")
    text = derive(budget).to_latex()
    assert parse.budget(text) == budget.n
    assert len(str(budget.n)) == 300
    for which, n, sign in (("N^{*}", budget.n, 1), ("N^{*} + 1", budget.n + 1, -1)):
        shown, figures = parse.certificate(text, which)
        with mpmath.workdps(700):
            difference = independent_survival(epsilon, n, 700) - mpmath.mpf(9) / 10
            assert sign * difference > 0
            assert_shown(shown - Fraction(9, 10), figures, difference)


def test_tiny_numbers_never_print_as_zero() -> None:
    text = derive(Independent(epsilon="1e-20"), "0.5").to_latex()
    assert r"\varepsilon &= 1 \times 10^{-20}" in text
    assert "0.000" not in text
    assert parse.budget(text) == 69314718055994530941


def test_survival_far_below_float_range_prints_with_its_exponent() -> None:
    # S(667) = 1e-4002 for eps = 0.999999: far below the smallest float
    budget = Independent(epsilon="0.999999").budget("1e-4000")
    text = derive(budget).to_latex()
    shown, figures = parse.certificate(text, "N^{*} + 1")
    assert shown < Fraction(1, 10**4000)
    assert_shown(shown, figures, independent_survival(Fraction(999999, 10**6), budget.n + 1, 60))


def test_long_budgets_print_in_full() -> None:
    budget = Independent(epsilon="1e-300").budget("0.9")
    text = derive(budget).to_latex()
    assert str(budget.n) in parse.flatten(text)
    assert "300 digits" in text


# -- the generic pipeline: any model with the protocol gets a derivation -----------------------------


@dataclass(frozen=True, repr=False)
class TwoFlaws(SurvivalModel):
    """A test double written only against the protocol: flaw a with probability w, else flaw b."""

    weight: Fraction
    rate_a: Fraction
    rate_b: Fraction
    name = "two-flaws"

    def parameters(self) -> dict[str, Any]:
        return {"weight": self.weight, "rate_a": self.rate_a, "rate_b": self.rate_b}

    def log_survival(self, ctx: Any, n: Any) -> Any:  # written once, for the float and ball contexts
        weight = ctx.number(self.weight)
        a = ctx.log(weight) + n * ctx.log1p(-ctx.number(self.rate_a))
        b = ctx.log(1 - weight) + n * ctx.log1p(-ctx.number(self.rate_b))
        if ctx.kind == "float":
            return np.logaddexp(a, b)
        return ctx.log(ctx.exp(a) + ctx.exp(b))

    def survival_exact(self, n: int) -> Fraction:
        return self.weight * (1 - self.rate_a) ** n + (1 - self.weight) * (1 - self.rate_b) ** n

    def limit_exact(self) -> Fraction:
        return (1 - self.weight) * (self.rate_b == 0)

    def symbolic(self) -> SurvivalExpr:
        n, w, a, b = sympy.symbols("N w varepsilon_a varepsilon_b", nonnegative=True)
        values = {symbol: sympy.Rational(value.numerator, value.denominator)
                  for symbol, value in ((w, self.weight), (a, self.rate_a), (b, self.rate_b))}
        return SurvivalExpr(w * (1 - a) ** n + (1 - w) * (1 - b) ** n, n, values,
                            ("the lineage carries flaw a with probability w, else flaw b",))


def test_a_model_without_registrations_gets_a_full_derivation() -> None:
    model = TwoFlaws(Fraction(1, 10), Fraction(1, 20), Fraction(1, 1000))
    budget = model.budget("0.6")
    derivation = derive(budget)
    labels = [step.label for step in derivation.steps]
    assert labels == ["Model", "Assumption", "Threshold", "Inputs", "Survival", "Budget",
                      "Certificate", "Result"]
    text = derivation.to_latex()
    assert "flaw a with probability $w$" in text  # the ASCII maths typeset, the article left alone
    assert parse.parameter(text, "w") == Fraction(1, 10)
    assert parse.budget(text) == budget.n
    exact = model.survival_exact(budget.n)
    shown, figures = parse.certificate(text, "N^{*}")
    assert_shown(shown, figures, exact)
    assert exact >= Fraction(6, 10) > model.survival_exact(budget.n + 1)
    # the substitution keeps the user's numbers visible
    assert r"0.1 \left(1 - 0.05\right)^{N}" in text


def test_generic_unbounded_derivation_shows_the_limit() -> None:
    model = TwoFlaws(Fraction(1, 10), Fraction(1, 20), Fraction(0))
    text = derive(model, "0.85").to_latex()
    assert parse.budget(text) is None
    shown, figures = parse.certificate(text, r"\infty")
    assert shown == Fraction(9, 10)
    assert r"\lim_{N \to \infty}" in text


def test_registered_steps_are_inserted_before_the_certificate() -> None:
    @dataclass(frozen=True, repr=False)
    class Registered(TwoFlaws):
        pass

    @model_steps.register(Registered)
    def _steps(model: Registered, budget: Any) -> list[Step]:
        line = chain("S(N)", ("\\ge", "(1 - \\bar\\varepsilon)^N"))
        return [equation("Bound", "Jensen:", line, kind="bound")]

    labels = [step.label for step in derive(Registered(Fraction(1, 2), Fraction(1, 10), Fraction(1, 100)),
                                            "0.5").steps]
    assert labels.index("Bound") == labels.index("Certificate") - 1


def test_independent_registration_adds_closed_form_and_sandwich() -> None:
    derivation = derive(Independent(epsilon="0.001"), "0.605")
    labels = [step.label for step in derivation.steps]
    inserted = labels[labels.index("Budget") + 1:labels.index("Certificate")]
    assert inserted == ["Solving", "Closed form", "Sandwich"]
    text = parse.flatten(derivation.to_latex())
    assert r"\lfloor 502.5" in text and "= 395 \\le N^{*} = 502" in text


def test_result_types_register_their_own_derivation() -> None:
    @dataclass(frozen=True)
    class Interval:
        low: Fraction
        high: Fraction

    @derive.register(Interval)
    def _interval(subject: Interval, threshold: Any = None, *, digits: int = 6) -> Derivation:
        steps = [assumption("Only the marginal rates are known."),
                 result("Result", "The survival interval:",
                        chain("S(N)", ("\\in", f"[{subject.low}, {subject.high}]")))]
        return Derivation.from_steps("Interval", steps, {"low": subject.low}, subject)

    derivation = derive(Interval(Fraction(1, 2), Fraction(3, 4)))
    assert derivation.values == {"low": Fraction(1, 2)}
    assert "S(N) &\\in [1/2, 3/4]" in derivation.to_latex()


def test_derive_rejects_what_it_cannot_derive() -> None:
    with pytest.raises(BoundsError, match="cannot derive int"):
        derive(3)
    with pytest.raises(ParameterError, match="threshold must be given"):
        derive(Independent(epsilon="0.1"))
    with pytest.raises(ParameterError, match="threshold must be omitted"):
        derive(bounds.budget(epsilon="0.1", threshold="0.5"), "0.5")
    with pytest.raises(ParameterError, match="kind must be one of"):
        Step("lemma")


def test_absent_families_are_skipped_but_real_import_errors_are_not(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real_import = importlib.import_module

    def fake_iter_modules(path: Any) -> list[Any]:
        return [pkgutil.ModuleInfo(None, "schedule", False), pkgutil.ModuleInfo(None, "broken", False)]  # type: ignore[arg-type]

    def fake_import(name: str) -> Any:
        calls.append(name)
        if name.endswith(".schedule"):
            raise ImportError("no schedule yet", name="bounds.models.schedule")
        if name.endswith(".broken"):
            raise ImportError("a real bug", name="sympy.nonexistent")
        return real_import(name)

    monkeypatch.setattr(pkgutil, "iter_modules", fake_iter_modules)
    monkeypatch.setattr(importlib, "import_module", fake_import)
    with pytest.raises(ImportError, match="a real bug"):
        _load_families.__wrapped__()
    assert calls[-2:] == ["bounds.report.derivations.schedule", "bounds.report.derivations.broken"]


# -- rendering: expected output kept in files ----------------------------------------------------------

CASES = {
    "independent_0.002_0.605": ("0.002", "0.605"),
    "independent_0.1_0.81": ("0.1", "0.81"),
    "independent_0_0.5": ("0", "0.5"),
    "independent_1e-20_0.5": ("1e-20", "0.5"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_latex_fragment_matches_the_expected_file(case: str) -> None:
    epsilon, threshold = CASES[case]
    expected = (DATA / f"{case}.tex").read_text(encoding="utf-8")
    assert parse.without_provenance(derive(Independent(epsilon=epsilon), threshold).to_latex()) == expected


def test_markdown_matches_the_expected_file() -> None:
    expected = (DATA / "independent_0.002_0.605.md").read_text(encoding="utf-8")
    assert parse.without_provenance(derive(Independent(epsilon="0.002"), "0.605").to_markdown()) == expected


def test_jupyter_representations_match_the_expected_files() -> None:
    budget = bounds.budget(epsilon="0.002", threshold="0.605")
    assert budget._repr_latex_() + "\n" == (DATA / "budget_repr_0.002_0.605.tex").read_text(encoding="utf-8")
    assert Independent(epsilon="0.002")._repr_latex_() == (
        r"$\displaystyle S(N) = \left(1 - \varepsilon\right)^{N} = \left(1 - 0.002\right)^{N}$"
    )
    assert budget.derivation().values["budget"] == 251


def test_document_is_article_with_amsmath_and_amssymb_only() -> None:
    document = derive(Independent(epsilon="0.002"), "0.605").to_document()
    packages = [line for line in document.splitlines() if line.startswith("\\usepackage")]
    assert packages == ["\\usepackage{amsmath}", "\\usepackage{amssymb}"]
    assert document.startswith("\\documentclass[11pt]{article}\n")
    assert document.rstrip().endswith("\\end{document}")


# -- every example spec (families landing later are covered automatically) ------------------------------

SPECS = sorted((Path(__file__).resolve().parents[2] / "examples" / "specs").glob("*.toml"))

#: How each scalar input of the example specs is printed (the model's parameter name -> its symbol).
INPUT_SYMBOLS = {
    "epsilon": r"\varepsilon", "epsilon1": r"\varepsilon_1", "ratio": "r", "exponent": "s",
    "epsilon_max": r"\varepsilon_{\max}", "steepness": "k", "midpoint": "i_0",
    "epsilon_key": r"\varepsilon_{\mathrm{key}}", "epsilon_other": r"\varepsilon_{\mathrm{other}}",
    "key_every": "m", "mean": r"\bar{\varepsilon}", "rho": r"\rho", "a": "a", "b": "b", "mass": r"\delta",
    "base_epsilon": r"\varepsilon", "horizon": r"\text{horizon}",
}


def given_inputs(model: Any) -> dict[str, Fraction]:
    """The model's scalar inputs as the user gave them (the truth the Inputs step must show)."""
    given = model.given_parameters() if hasattr(model, "given_parameters") else model.parameters()
    return {name: Fraction(value) for name, value in given.items()
            if isinstance(value, (Fraction, int)) and not isinstance(value, bool) and name in INPUT_SYMBOLS}


@pytest.mark.slow
@pytest.mark.parametrize("threshold", ["0.605", "0.5", "0.01"])
@pytest.mark.parametrize("spec", SPECS, ids=[spec.stem for spec in SPECS])
def test_example_spec_derivations_show_the_api_numbers(spec: Path, threshold: str) -> None:
    model = bounds.load_spec(spec)
    budget = model.budget(threshold)
    for text in (derive(budget).to_latex(), derive(budget).to_markdown()):
        assert parse.budget(text) == budget.n
        assert parse.parameter(text, "T") == Fraction(threshold)
        for name, value in given_inputs(model).items():
            assert parse.parameter(text, INPUT_SYMBOLS[name]) == value
        checks = [(r"\infty", budget.certificate_values[0])] if budget.n is None else [
            ("N^{*}", budget.certificate_values[0]), ("N^{*} + 1", budget.certificate_values[1])]
        for which, api in checks:
            shown, figures = parse.certificate(text, which)
            if figures is not None and figures <= 25:
                assert_shown(shown, figures, api)


@dataclass(frozen=True, repr=False)
class Opaque(TwoFlaws):
    """A model that has no symbolic form: its derivation still shows the numbers and the certificate."""

    name = "opaque"

    def symbolic(self) -> SurvivalExpr:
        raise NotImplementedError


def test_a_model_without_symbolic_form_still_gets_a_derivation() -> None:
    model = Opaque(Fraction(1, 10), Fraction(1, 20), Fraction(1, 1000))
    budget = model.budget("0.6")
    text = derive(budget).to_latex()
    assert parse.budget(text) == budget.n
    assert parse.parameter(text, r"\mathrm{rate{\_}a}") == Fraction(1, 20)
    shown, figures = parse.certificate(text, "N^{*}")
    assert_shown(shown, figures, model.survival_exact(budget.n))
    assert "no symbolic form" in text
    assert model._repr_latex_() == r"$\text{Opaque(weight=0.1, rate\_a=0.05, rate\_b=0.001)}$"
    unbounded = derive(Opaque(Fraction(1, 10), Fraction(1, 20), Fraction(0)), "0.85").to_latex()
    assert parse.budget(unbounded) is None


@pytest.mark.parametrize("model", [TwoFlaws(Fraction(1, 10), Fraction(1, 20), Fraction(1, 1000)),
                                   TwoFlaws(Fraction(1, 10), Fraction(1, 20), Fraction(0)),
                                   Opaque(Fraction(1, 10), Fraction(1, 20), Fraction(1, 1000))],
                         ids=["generic", "generic-unbounded", "opaque"])
def test_generic_derivations_compile(model: Any) -> None:
    from bounds.report.latex import compile_pdf
    from tests._tools import require

    require("pdflatex")
    assert compile_pdf(derive(model, "0.85").to_document()).startswith(b"%PDF")
