"""The model families. Importing this package registers every built-in model."""

from bounds.models.base import Model, SurvivalExpr, SurvivalModel
from bounds.models.exchangeable import BetaMixture
from bounds.models.independent import Independent
from bounds.models.markov import MarkovModulated
from bounds.models.mixture import FiniteMixture
from bounds.models.registry import load_spec, model_from_spec, registered

__all__ = [
    "BetaMixture",
    "FiniteMixture",
    "Independent",
    "MarkovModulated",
    "Model",
    "SurvivalExpr",
    "SurvivalModel",
    "load_spec",
    "model_from_spec",
    "registered",
]
