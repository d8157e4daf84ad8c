"""Public property-testing toolkit for survival models (needs the ``test`` extra).

Hypothesis strategies for valid parameters live in :mod:`bounds.testing.strategies`;
our own test suite draws from them, and so can yours.
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "bounds.testing needs hypothesis: pip install 'alignment-bounds[test]'"
    ) from error

from bounds.testing.strategies import epsilons, generations, probabilities, thresholds

__all__ = ["epsilons", "generations", "probabilities", "thresholds"]
