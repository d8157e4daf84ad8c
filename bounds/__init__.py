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
from bounds.dependence import dependence_free, dependence_free_budget
from bounds.errors import BoundsError, CertificationError, ExpressionError, ParameterError, SpecError
from bounds.models import Independent, Model, SurvivalExpr, SurvivalModel, load_spec, model_from_spec
from bounds.models.exchangeable import BetaMixture
from bounds.models.markov import MarkovModulated
from bounds.models.mixture import FiniteMixture

__version__ = "0.1.0.dev0"

__all__ = [
    "BetaMixture",
    "BoundsError",
    "Budget",
    "BudgetArray",
    "CertificationError",
    "ExpressionError",
    "FiniteMixture",
    "Independent",
    "MarkovModulated",
    "Model",
    "ParameterError",
    "SpecError",
    "SurvivalExpr",
    "SurvivalModel",
    "__version__",
    "budget",
    "dependence_free",
    "dependence_free_budget",
    "load_spec",
    "max_epsilon",
    "model_from_spec",
    "solve",
    "survival",
]
