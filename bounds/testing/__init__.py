"""Public property-testing toolkit for survival models (needs the ``test`` extra).

* Hypothesis strategies for valid parameters and models
  (:mod:`bounds.testing.strategies`): :func:`epsilons`, :func:`probabilities`,
  :func:`thresholds`, :func:`generations`, :func:`models`, :func:`schedules`, and from
  the declared parameter domains :func:`from_domain`, :func:`outside_domain` and
  :func:`parameters_of` (a model of any family).
  Our own test suite draws from them, and so can yours.
* :func:`check_model`: property checks for any object with ``survival`` and
  ``log_survival`` (your own model class too), raising ``AssertionError`` with a
  minimal counterexample.

Examples
--------
>>> from bounds import Independent
>>> from bounds.testing import check_model
>>> report = check_model(Independent(epsilon="0.001"))
>>> "S(N*) >= T > S(N*+1)" in report.checks
True
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "bounds.testing needs hypothesis: pip install 'alignment-bounds[test]'"
    ) from error

from bounds.testing.checks import DEFAULT_THRESHOLDS, ModelCheck, check_model
from bounds.testing.strategies import (
    epsilons,
    from_domain,
    generations,
    model_strategies,
    models,
    outside_domain,
    parameters_of,
    probabilities,
    register_model_strategy,
    register_schedule_strategy,
    schedule_strategies,
    schedules,
    thresholds,
)

__all__ = [
    "DEFAULT_THRESHOLDS",
    "ModelCheck",
    "check_model",
    "epsilons",
    "from_domain",
    "generations",
    "model_strategies",
    "models",
    "outside_domain",
    "parameters_of",
    "probabilities",
    "register_model_strategy",
    "register_schedule_strategy",
    "schedule_strategies",
    "schedules",
    "thresholds",
]
