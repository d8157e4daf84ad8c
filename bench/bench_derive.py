"""How much a derivation costs on top of the certified budget it explains.

Baseline: solving and certifying the budget alone (``model.budget(T)``). The
derivation adds sympy printing, the high-precision closed-form floors and the
display digits; the ratio says how many budgets one derivation costs.
"""

from __future__ import annotations

import time
from typing import Any

from bounds import Independent
from bounds.report.derive import derive

CASES = [("0.002", "0.605"), ("1e-20", "0.5"), ("1e-300", "0.9")]


def _seconds(function: Any, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def run(quick: bool) -> list[dict[str, Any]]:
    repeat = 1 if quick else 5
    rows = []
    for epsilon, threshold in CASES[:1] if quick else CASES:
        model = Independent(epsilon=epsilon)
        budget = model.budget(threshold)
        assert derive(budget).values["budget"] == budget.n  # the derivation shows the API's budget
        seconds = _seconds(lambda m=model, t=threshold: derive(m, t).to_document(), repeat)
        baseline = _seconds(lambda m=model, t=threshold: m.budget(t), repeat)
        rows.append({
            "name": f"derive independent eps={epsilon} T={threshold} (latex document)",
            "seconds": seconds,
            "baseline": "model.budget(T) alone",
            "baseline_seconds": baseline,
            "ratio": seconds / baseline,
            "notes": f"best of {repeat}; includes solving the budget again",
        })
    return rows


if __name__ == "__main__":
    for row in run(quick=False):
        print(f"{row['name']}: {row['seconds'] * 1e3:.1f} ms vs {row['baseline_seconds'] * 1e3:.1f} ms "
              f"(x{row['ratio']:.1f})")
