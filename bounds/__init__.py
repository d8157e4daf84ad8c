"""bounds: certified compounding-alignment-error bounds.

How many generations of AI self-improvement can pass before the probability
that alignment is preserved falls below a threshold ``T``? Every answer is an
exact integer, certified in exact rational or interval arithmetic.

>>> import bounds
>>> bounds.budget(epsilon="0.001", threshold="0.605").n
502
"""

from bounds.api import budget, max_epsilon, survival
from bounds.budget import Budget, BudgetArray, solve
from bounds.errors import BoundsError, CertificationError, ExpressionError, ParameterError, SpecError
from bounds.models import (
    AbsorbingChain,
    Expression,
    Geometric,
    Independent,
    Model,
    PersistentUnsafe,
    Power,
    Rates,
    SurvivalExpr,
    SurvivalModel,
    TwoRate,
    load_spec,
    model_from_spec,
)
from bounds.unsafe import cone_mass

__version__ = "0.1.0.dev0"

__all__ = [
    "AbsorbingChain",
    "BoundsError",
    "Budget",
    "BudgetArray",
    "CertificationError",
    "Expression",
    "ExpressionError",
    "Geometric",
    "Independent",
    "Model",
    "ParameterError",
    "PersistentUnsafe",
    "Power",
    "Rates",
    "SpecError",
    "SurvivalExpr",
    "SurvivalModel",
    "TwoRate",
    "__version__",
    "budget",
    "cone_mass",
    "load_spec",
    "max_epsilon",
    "model_from_spec",
    "solve",
    "survival",
]
