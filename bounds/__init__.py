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
from bounds.derive import Derivation, derive
from bounds.errors import BoundsError, CertificationError, ExpressionError, ParameterError, SpecError
from bounds.evidence import EvidenceBound, epsilon_upper_bound, from_evidence, posterior_predictive
from bounds.models import (
    AbsorbingChain,
    BetaMixture,
    Expression,
    FiniteMixture,
    Geometric,
    Independent,
    MarkovModulated,
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
from bounds.sensitivity import elasticity, elasticity_fd, required_epsilon, trials_needed
from bounds.uncertain import BudgetDistribution, budget_distribution, epsilon_interval
from bounds.unsafe import cone_mass

__version__ = "0.1.0.dev0"

__all__ = [
    "AbsorbingChain",
    "BetaMixture",
    "BoundsError",
    "Budget",
    "BudgetArray",
    "BudgetDistribution",
    "CertificationError",
    "Derivation",
    "EvidenceBound",
    "Expression",
    "ExpressionError",
    "FiniteMixture",
    "Geometric",
    "Independent",
    "MarkovModulated",
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
    "budget_distribution",
    "cone_mass",
    "dependence_free",
    "dependence_free_budget",
    "derive",
    "elasticity",
    "elasticity_fd",
    "epsilon_interval",
    "epsilon_upper_bound",
    "from_evidence",
    "load_spec",
    "max_epsilon",
    "model_from_spec",
    "posterior_predictive",
    "required_epsilon",
    "solve",
    "survival",
    "trials_needed",
]
