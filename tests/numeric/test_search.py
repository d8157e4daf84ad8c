"""The one monotone search, against the answer known by construction."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bounds.numeric.search import SearchLimit, last_true


@given(st.integers(0, 10**40), st.integers(0, 10**40))
def test_finds_the_last_true_point_from_any_guess(answer: int, guess: int) -> None:
    calls: list[int] = []

    def holds(n: int) -> bool:
        calls.append(n)
        return n <= answer

    assert last_true(holds, guess) == answer
    # gallop + bisect: logarithmic in the distance from the guess, never linear
    assert len(calls) <= 4 * (abs(answer - guess).bit_length() + 2)


def test_the_limit_stops_a_predicate_that_never_fails() -> None:
    with pytest.raises(SearchLimit):
        last_true(lambda n: True, 1, limit=2**100)


def test_low_is_trusted_and_never_evaluated() -> None:
    seen: list[int] = []
    assert last_true(lambda n: seen.append(n) or n < 10, 0, low=5) == 9
    assert 5 not in seen


@given(st.integers(1, 10**6), st.integers(0, 10**6))
def test_a_known_false_high_end_is_never_evaluated(answer: int, guess: int) -> None:
    high = answer + 1
    calls: list[int] = []

    def holds(n: int) -> bool:
        calls.append(n)
        return n <= answer

    assert last_true(holds, guess, high=high) == answer
    assert high not in calls and all(0 < n < high for n in calls)
