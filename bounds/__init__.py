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
from bounds.derive import Derivation, derive
from bounds.errors import BoundsError, CertificationError, ExpressionError, ParameterError, SpecError
from bounds.models import Independent, Model, SurvivalExpr, SurvivalModel, load_spec, model_from_spec
from bounds.models.explicit import Expression, Rates
from bounds.models.schedule import Geometric, Power, TwoRate

__version__ = "0.1.0.dev0"

__all__ = [
    "BoundsError",
    "Budget",
    "BudgetArray",
    "CertificationError",
    "Derivation",
    "Expression",
    "ExpressionError",
    "Geometric",
    "Independent",
    "Model",
    "ParameterError",
    "Power",
    "Rates",
    "SpecError",
    "SurvivalExpr",
    "SurvivalModel",
    "TwoRate",
    "__version__",
    "budget",
    "derive",
    "load_spec",
    "max_epsilon",
    "model_from_spec",
    "solve",
    "survival",
]
