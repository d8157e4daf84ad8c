"""bounds: certified compounding-alignment-error bounds.

How many generations of AI self-improvement can pass before the probability
that alignment is preserved falls below a threshold ``T``? Every answer is an
exact integer, certified in exact rational or interval arithmetic.

>>> import bounds
>>> bounds.budget(epsilon="0.001", threshold="0.605").n
502
"""

from bounds.errors import BoundsError, CertificationError, ExpressionError, ParameterError, SpecError
from bounds.evidence.confidence import EvidenceBound, epsilon_upper_bound, from_evidence, posterior_predictive
from bounds.evidence.sensitivity import elasticity, elasticity_fd, required_epsilon, trials_needed
from bounds.evidence.uncertain import BudgetDistribution, budget_distribution, epsilon_interval
from bounds.geometry.cone import cone_mass
from bounds.marginal.dependence import dependence_free, dependence_free_budget
from bounds.models import (
    AbsorbingChain,
    BetaMixture,
    Expression,
    FiniteMixture,
    Geometric,
    Independent,
    Logistic,
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
from bounds.oversight import ControlGame, Oversight
from bounds.solve.api import budget, max_epsilon, survival
from bounds.solve.budget import Budget, BudgetArray, solve
from bounds.solve.claim import Claim, check_claim

__version__ = "0.1.0.dev0"

# The report layer (sympy) loads on first use, so that ``import bounds`` stays light.
_LAZY = {
    "Derivation": "bounds.report.derive",
    "derive": "bounds.report.derive",
    "compare": "bounds.report.compare",
    "Report": "bounds.report.document",
    "build_report": "bounds.report.document",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        module = importlib.import_module(_LAZY[name])
        value = module if module.__name__ == f"bounds.{name}" else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'bounds' has no attribute {name!r}")

__all__ = [
    "AbsorbingChain",
    "BetaMixture",
    "BoundsError",
    "Budget",
    "BudgetArray",
    "BudgetDistribution",
    "CertificationError",
    "Claim",
    "ControlGame",
    "Derivation",
    "EvidenceBound",
    "Expression",
    "ExpressionError",
    "FiniteMixture",
    "Geometric",
    "Independent",
    "Logistic",
    "MarkovModulated",
    "Model",
    "Oversight",
    "ParameterError",
    "PersistentUnsafe",
    "Power",
    "Rates",
    "Report",
    "SpecError",
    "SurvivalExpr",
    "SurvivalModel",
    "TwoRate",
    "__version__",
    "budget",
    "budget_distribution",
    "build_report",
    "check_claim",
    "compare",
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
