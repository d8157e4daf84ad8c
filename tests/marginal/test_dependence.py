"""Dependence-free intervals and budgets: reference rows, sharpness, containment of every consistent model."""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bounds import BetaMixture, BoundsError, Independent, ParameterError
from bounds.cli import main
from bounds.marginal.dependence import (
    binomial_moments,
    dawson_sankoff,
    dependence_free,
    dependence_free_budget,
    kwerel,
    lp_union_bounds,
    pairwise_joint,
    rho_range,
)
from bounds.testing.strategies import epsilons, thresholds
from tests.conftest import load_reference

REFERENCE = load_reference("dependence")
ROWS = [row for row in REFERENCE if "generations" in row]
BUDGET_ROWS = [row for row in REFERENCE if "worst_case_budget" in row]


def close(value: object, reference: str, digits: int = 28) -> bool:
    with mpmath.workdps(40):
        expected = mpmath.mpf(reference)
        got = (
            mpmath.mpf(value.numerator) / value.denominator
            if isinstance(value, Fraction)
            else mpmath.mpf(value)
        )
        return abs(got - expected) <= abs(expected) * mpmath.mpf(10) ** -digits


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"N{row['generations']}-rho{row['rho']}")
def test_reference_rows(row: dict) -> None:
    s1, s2 = binomial_moments(row["epsilon"], row["generations"], row["rho"])
    assert s1 == Fraction(row["S1"]) and s2 == Fraction(row["S2"])
    assert pairwise_joint(row["epsilon"], row["rho"]) == Fraction(row["pairwise_joint"])
    assert close(dawson_sankoff(s1, s2).value, row["union_lower_dawson_sankoff"])
    assert close(kwerel(s1, s2, row["generations"]).value, row["union_upper_kwerel"])
    interval = dependence_free(row["epsilon"], row["generations"], rho=row["rho"])
    assert close(interval.lower, row["survival_lower"]) and interval.lower_bound == "kwerel"
    assert close(interval.upper, row["survival_upper"]) and interval.upper_bound == "dawson-sankoff"
    assert interval.survival_lower == pytest.approx(float(row["survival_lower"]), rel=1e-15)
    marginal_only = dependence_free(row["epsilon"], row["generations"])
    assert close(marginal_only.lower, row["frechet_survival_lower"]) and marginal_only.lower_bound == "boole"
    # the LP (HiGHS, float64) agrees with the two sharp closed forms
    low, high = lp_union_bounds([s1, s2], row["generations"])
    assert low == pytest.approx(float(row["union_lower_dawson_sankoff"]), abs=1e-9)
    assert high == pytest.approx(float(row["union_upper_kwerel"]), abs=1e-9)


@pytest.mark.parametrize("row", BUDGET_ROWS)
def test_reference_worst_case_budget(row: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert dependence_free_budget(row["epsilon"], row["threshold"]).guaranteed == row["worst_case_budget"]
    code = main(
        ["budget", "--epsilon", row["epsilon"], "-T", row["threshold"], "--dependence", "any", "--json"]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["budget"] == data["guaranteed"] == row["worst_case_budget"]


def feasible_rho(epsilon: Fraction, count: int, share: Fraction) -> Fraction:
    low, high = rho_range(epsilon, count)
    return low + share * (high - low)


shares = st.fractions(min_value=0, max_value=1, max_denominator=1000)
# unfiltered ranges (the shared strategies filter too much for these narrow windows)
rates = st.builds(lambda m, k: Fraction(m, 10**k), st.integers(1, 99), st.integers(3, 4))  # [1e-4, 0.099]
levels = st.integers(200, 999).map(lambda m: Fraction(m, 1000))


@pytest.mark.slow
@given(
    epsilons(min_value=Fraction(1, 10**4), max_value=Fraction(1, 2), max_exponent=4),
    st.integers(2, 300),
    shares,
)
@example(Fraction(1, 1000), 500 - 200, Fraction(1, 2))
@settings(max_examples=40)
def test_lp_equals_dawson_sankoff_and_kwerel(epsilon: Fraction, count: int, share: Fraction) -> None:
    rho = feasible_rho(epsilon, count, share)
    s1, s2 = binomial_moments(epsilon, count, rho)
    low, high = lp_union_bounds([s1, s2], count)
    assert low == pytest.approx(float(dawson_sankoff(s1, s2).value), abs=1e-8)
    assert high == pytest.approx(float(kwerel(s1, s2, count).value), abs=1e-8)


def test_lp_at_ten_thousand_generations() -> None:
    s1, s2 = Fraction(10), Fraction(400)
    low, high = lp_union_bounds([s1, s2], 10**4)
    assert low == pytest.approx(float(dawson_sankoff(s1, s2).value), abs=1e-9)
    assert high == pytest.approx(float(kwerel(s1, s2, 10**4).value), abs=1e-9)


@pytest.mark.slow
@given(
    epsilons(min_value=Fraction(1, 10**6), max_value=Fraction(1, 2), max_exponent=6),
    st.integers(1, 5000),
    st.sampled_from(["1e-6", "0.001", "0.01", "0.2", "0.9"]),
)
@example(Fraction(1, 1000), 500, "0.01")
def test_interval_contains_every_consistent_model(epsilon: Fraction, count: int, rho: str) -> None:
    independent = dependence_free(epsilon, count, rho=0)
    assert independent.lower <= independent.upper
    assert independent.contains(Independent(epsilon=epsilon).survival(count), tolerance=1e-12)
    correlated = dependence_free(epsilon, count, rho=rho)
    assert correlated.lower <= correlated.upper
    assert correlated.contains(BetaMixture(mean=epsilon, rho=rho).survival(count), tolerance=1e-12)
    marginal_only = dependence_free(epsilon, count)
    assert marginal_only.lower <= correlated.lower and correlated.upper <= marginal_only.upper


@st.composite
def joint_laws(draw: st.DrawFn) -> tuple[int, dict[tuple[int, ...], Fraction]]:
    """An arbitrary joint law of N <= 5 failure events: integer weights on the 2**N outcomes."""
    count = draw(st.integers(2, 5))
    outcomes = list(itertools.product((0, 1), repeat=count))
    weights = draw(st.lists(st.integers(0, 20), min_size=len(outcomes), max_size=len(outcomes)))
    if sum(weights) == 0:
        weights[0] = 1
    total = sum(weights)
    return count, {outcome: Fraction(w, total) for outcome, w in zip(outcomes, weights, strict=True) if w}


@pytest.mark.slow
@given(joint_laws())
def test_pairwise_interval_contains_the_truth(law: tuple[int, dict[tuple[int, ...], Fraction]]) -> None:
    count, probabilities = law
    matrix = [
        [sum((p for o, p in probabilities.items() if o[i] and o[j]), Fraction(0)) for j in range(count)]
        for i in range(count)
    ]
    survival = sum((p for o, p in probabilities.items() if not any(o)), Fraction(0))
    interval = dependence_free(pairwise=matrix, lp=True)
    assert interval.lower <= survival <= interval.upper
    marginals = [matrix[i][i] for i in range(count)]
    assert dependence_free(marginals).lower <= survival <= dependence_free(marginals).upper
    # Hunter-Worsley used a maximum spanning tree: compare with every spanning tree (brute force)
    edges = [(i, j) for i in range(count) for j in range(i + 1, count)]
    best = Fraction(0)
    for tree in itertools.combinations(edges, count - 1):
        parent = list(range(count))

        def find(x: int, parent: list[int] = parent) -> int:
            while parent[x] != x:
                x = parent[x]
            return x

        joined = 0
        for i, j in tree:
            a, b = find(i), find(j)
            if a != b:
                parent[a] = b
                joined += 1
        if joined == count - 1:
            best = max(best, sum((matrix[i][j] for i, j in tree), Fraction(0)))
    hunter = next(bound for bound in interval.bounds if bound.name == "hunter-worsley")
    assert hunter.value == min(Fraction(1), interval.s1 - best)
    # three binomial moments: the LP still contains the truth and is at least as tight as with two
    moments = [
        sum((math.comb(sum(o), j) * p for o, p in probabilities.items()), Fraction(0)) for j in (1, 2, 3)
    ]
    union = 1 - survival
    low3, high3 = lp_union_bounds(moments, count)
    low2, high2 = lp_union_bounds(moments[:2], count)
    assert low3 - 1e-9 <= union <= high3 + 1e-9
    assert low3 >= low2 - 1e-9 and high3 <= high2 + 1e-9


@given(
    rates,
    levels,
    st.sampled_from([None, "0", "0.001", "0.05", "0.5", "1"]),
)
@example(Fraction(1, 1000), Fraction(605, 1000), "0")
def test_budget_interval_is_exact_and_sharp_at_its_ends(
    epsilon: Fraction, threshold: Fraction, rho: str
) -> None:
    result = dependence_free_budget(epsilon, threshold, rho)
    if result.guaranteed is not None:
        # S(N) >= T is proved at the guaranteed budget and fails for some consistent law one step later
        assert (
            result.guaranteed == 0
            or dependence_free(epsilon, result.guaranteed, rho=rho, lp=False).lower >= threshold
        )
        assert dependence_free(epsilon, result.guaranteed + 1, rho=rho, lp=False).lower < threshold
    if result.possible is not None:
        for n in {1, result.possible // 2, result.possible} if result.possible else ():
            assert dependence_free(epsilon, n, rho=rho, lp=False).upper >= threshold
        assert dependence_free(epsilon, result.possible + 1, rho=rho, lp=False).upper < threshold
    marginal_only = dependence_free_budget(epsilon, threshold)
    assert (result.guaranteed or 10**30) >= (marginal_only.guaranteed or 10**30)


@given(
    st.builds(lambda m: Fraction(m, 1000), st.integers(1, 50)),
    st.integers(30, 99).map(lambda m: Fraction(m, 100)),
    st.sampled_from(["0.001", "0.01", "0.1"]),
)
@example(Fraction(1, 1000), Fraction(605, 1000), "0.01")
@settings(max_examples=20)
def test_budget_interval_contains_model_budgets(epsilon: Fraction, threshold: Fraction, rho: str) -> None:
    assert dependence_free_budget(epsilon, threshold, "0").contains(
        Independent(epsilon=epsilon).budget(threshold).n
    )
    assert dependence_free_budget(epsilon, threshold).contains(
        Independent(epsilon=epsilon).budget(threshold).n
    )
    beta = BetaMixture(mean=epsilon, rho=rho).budget(threshold).n
    assert dependence_free_budget(epsilon, threshold, rho).contains(beta)


@given(
    epsilons(min_value=Fraction(1, 10**5), max_value=Fraction(1, 2), max_exponent=5),
    thresholds(max_exponent=4),
    thresholds(max_exponent=4),
    st.sampled_from([None, "0", "0.01", "0.3"]),
)
@example(Fraction(1, 2), Fraction(1), Fraction(1), "0.01")  # T = 1 once looped forever
def test_budgets_monotone_in_threshold(
    epsilon: Fraction, t1: Fraction, t2: Fraction, rho: str | None
) -> None:
    low, high = sorted((t1, t2))
    loose, strict = dependence_free_budget(epsilon, low, rho), dependence_free_budget(epsilon, high, rho)
    infinity = 10**100
    for attribute in ("guaranteed", "possible"):
        a, b = getattr(loose, attribute), getattr(strict, attribute)
        assert (infinity if a is None else a) >= (infinity if b is None else b)
    assert (infinity if strict.guaranteed is None else strict.guaranteed) <= (
        infinity if strict.possible is None else strict.possible
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: dependence_free("0.001", 500, rho="-0.01"),
            "rho must be in [-0.001001001001, 1] for epsilon = 0.001",
        ),
        (lambda: dependence_free("0.001", 500, rho="1.5"), "rho must be in [-0.001001001001, 1]"),
        (lambda: dependence_free_budget("0.001", "0.9", rho="-0.1"), "rho must be in [0, 1] for a budget"),
        (lambda: dependence_free(pairwise=[["0.1", "0.05"], ["0.05"]]), "pairwise must be a square matrix"),
        (
            lambda: dependence_free(pairwise=[["0.1", "0.05"], ["0.04", "0.1"]]),
            "pairwise[0][1] must be equal to",
        ),
        (
            lambda: dependence_free(pairwise=[["0.1", "0.2"], ["0.2", "0.3"]]),
            "pairwise[0][1] must be in [0, 0.1]",
        ),
        (lambda: dependence_free("0.2", pairwise=[["0.1", "0"], ["0", "0.1"]]), "diagonal is epsilon = 0.2"),
        (lambda: dependence_free("0.1", 3, pairwise=[["0.1", "0"], ["0", "0.1"]]), "a 3 x 3 matrix"),
        (
            lambda: dependence_free("0.1", 2, rho="0.1", pairwise=[["0.1"]]),
            "rho and pairwise must be given one",
        ),
        (lambda: dependence_free("0.001"), "generations must be given"),
    ],
)
def test_bad_input(call: object, message: str) -> None:
    with pytest.raises(ParameterError) as info:
        call()  # type: ignore[operator]
    assert message in str(info.value)


def test_inconsistent_pairwise_information() -> None:
    # three events of probability 1/2, pairwise disjoint: each pair is Frechet-feasible, the triple is not
    half, zero = "0.5", "0"
    with pytest.raises(BoundsError, match="inconsistent"):
        dependence_free(pairwise=[[half, zero, zero], [zero, half, zero], [zero, zero, half]])


def test_cli_interval(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["interval", "--epsilon", "0.001", "--generations", "500", "--rho", "0.05", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["survival_lower"] == pytest.approx(0.52542405, rel=1e-15)
    assert data["survival_lower_bound"] == "Kwerel / Sathe-Pradhan-Shah"
    assert data["survival_upper_bound"] == "Dawson-Sankoff"
    matrix = [["0.01", "0.002", "0"], ["0.002", "0.01", "0.005"], ["0", "0.005", "0.01"]]
    json_file, csv_file = tmp_path / "pairwise.json", tmp_path / "pairwise.csv"
    json_file.write_text(json.dumps(matrix))
    csv_file.write_text("# P(F_i and F_j)\n" + "\n".join(",".join(row) for row in matrix) + "\n")
    results = []
    for path in (json_file, csv_file):
        assert main(["interval", "--epsilon", "0.01", "-N", "3", "--pairwise", str(path), "--json"]) == 0
        results.append(json.loads(capsys.readouterr().out))
    assert results[0]["survival_lower"] == results[1]["survival_lower"] == pytest.approx(1 - (0.03 - 0.007))
    assert results[0]["survival_lower_bound"] == "Hunter-Worsley (maximum spanning tree)"
    assert main(["interval", "--epsilon", "0.01", "-N", "4", "--pairwise", str(csv_file)]) == 2
    assert "pairwise must be a 4 x 4 matrix" in capsys.readouterr().err
    assert main(["interval", "--epsilon", "0.001", "-N", "500", "--rho", "-0.5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bounds: error: rho must be in [-0.001001001001, 1]") and err.count("\n") == 1


def test_cli_budget_dependence(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["budget", "--epsilon", "0.001", "-T", "0.605", "--dependence", "any", "--rho", "0", "--json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert (data["guaranteed"], data["possible"]) == (395, 541)
    assert main(["budget", "--p", "0.999", "-T", "0.605", "--dependence", "any"]) == 0
    assert "guaranteed N* >= 395" in capsys.readouterr().out
    assert main(["budget", "--epsilon", "0.001", "-T", "0.605", "--rho", "0.01"]) == 2
    assert "--rho needs --dependence any" in capsys.readouterr().err
    assert main(["compare", "--epsilon", "0.001", "-T", "0.605", "--rho", "0.01", "--json"]) == 0
    rows = {row["label"]: row["budget"] for row in json.loads(capsys.readouterr().out)["rows"]}
    assert rows["beta-mixture (rho=0.01)"] == 15667
    assert rows["any dependence, pairwise rho=0.01: guaranteed"] == 399
    assert rows["any dependence, pairwise rho=0.01: possible"] is None


@pytest.mark.parametrize(
    ("epsilon", "threshold", "rho"),
    [("0.001", "0.605", "0"), ("0.01", "0.5", "0.001"), ("0.003", "0.95", "0.02"), ("0.05", "0.3", "0.01")],
)
def test_possible_budget_is_the_first_dawson_sankoff_crossing(epsilon: str, threshold: str, rho: str) -> None:
    # brute force: scan every N with the exact Dawson-Sankoff bound (optimal k at each N)
    result = dependence_free_budget(epsilon, threshold, rho)
    assert result.possible is not None and result.possible < 5000
    level = 1 - Fraction(threshold)
    first = next(
        n
        for n in range(1, 10**4)
        if dawson_sankoff(*binomial_moments(epsilon, n, rho)).value > level  # type: ignore[arg-type]
    )
    assert result.possible == first - 1


def test_cli_interval_text_and_lp(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["interval", "--epsilon", "0.001", "-N", "10000", "--rho", "0.001", "--lp", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    names = {(bound["name"], bound["side"]): bound["union"] for bound in data["bounds"]}
    assert names[("lp", "lower")] == pytest.approx(names[("dawson-sankoff", "lower")], abs=1e-9)
    assert names[("lp", "upper")] == pytest.approx(names[("kwerel", "upper")], abs=1e-9)
    assert data["survival_upper_bound"] == "Dawson-Sankoff"  # the LP is not credited with a tie
    assert main(["interval", "--epsilon", "0.001", "-N", "500"]) == 0
    text = capsys.readouterr().out
    assert "S(N) >= 0.5   [Boole / Frechet (S1)]" in text
    assert "S(N) <= 0.999   [Frechet (largest marginal)]" in text
