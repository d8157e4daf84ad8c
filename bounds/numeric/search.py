"""The one monotone search: the last ``n`` at which a monotone predicate holds.

Every budget, inverse and count in :mod:`bounds` is "the largest ``n`` with
``holds(n)``" for a predicate that is true up to some point and false after it
(``S(n) >= T``, ``t_n <= t``, ...). :func:`last_true` finds it from a guess by
galloping away from the guess and then bisecting, so a good guess costs a few
evaluations and a bad one costs ``O(log |error|)`` more.

>>> last_true(lambda n: n * n <= 1000, guess=40)
31
>>> last_true(lambda n: n <= 10**30, guess=1)
1000000000000000000000000000000
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["SearchLimit", "last_true"]


class SearchLimit(ArithmeticError):
    """The predicate still held at ``limit``: the answer is beyond the search."""


def last_true(
    holds: Callable[[int], bool], guess: int = 0, *, low: int = 0, high: int | None = None, limit: int | None = None
) -> int:
    """Largest ``n >= low`` with ``holds(n)``, for ``holds`` true then false.

    Parameters
    ----------
    holds : callable
        A predicate on whole numbers, monotone (true on ``[low, n*]``, false after).
        ``holds(low)`` is assumed true and never evaluated.
    guess : int
        Where to start; any whole number (clipped to ``low``).
    low : int
        A point known to satisfy ``holds``.
    high : int, optional
        A point known to fail ``holds``, never evaluated (the search stays below it).
    limit : int, optional
        Give up with :class:`SearchLimit` when ``holds(limit)`` is true.

    Returns
    -------
    int
        ``n*``; every evaluation that decided it is a call of ``holds``.

    Notes
    -----
    Gallop: from ``g = guess``, test ``g, g + 1, g + 3, g + 7, ...`` upward while
    true (or ``g - 1, g - 3, ...`` downward while false), which brackets ``n*``
    within a factor of two of the guess error; then bisect the bracket.
    """
    good, bad = low, None
    start = max(int(guess), low)
    if high is not None:
        start = min(start, high)
    if low < start and (high is None or start < high):
        if holds(start):
            good = start
        else:
            bad = start
    if bad is None:
        step = 1
        while True:
            trial = good + step
            if high is not None and trial >= high:
                bad = high
                break
            if limit is not None and trial >= limit:
                if holds(limit):
                    raise SearchLimit(f"the predicate still holds at {limit}")
                bad = limit
                break
            if not holds(trial):
                bad = trial
                break
            good, step = trial, step * 2
    else:
        step = 1
        while bad - step > good:
            trial = bad - step
            if holds(trial):
                good = trial
                break
            bad, step = trial, step * 2
    while bad - good > 1:
        middle = (good + bad) // 2
        if holds(middle):
            good = middle
        else:
            bad = middle
    return good
