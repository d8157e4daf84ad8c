"""The model families. Importing this package registers every built-in model."""

from bounds.models.absorbing import AbsorbingChain
from bounds.models.base import Model, SurvivalExpr, SurvivalModel
from bounds.models.exchangeable import BetaMixture
from bounds.models.explicit import Expression, Rates
from bounds.models.independent import Independent
from bounds.models.logistic import Logistic
from bounds.models.markov import MarkovModulated
from bounds.models.mixture import FiniteMixture
from bounds.models.registry import load_spec, model_from_spec, registered
from bounds.models.schedule import Geometric, Power, TwoRate
from bounds.models.unsafe import PersistentUnsafe

__all__ = [
    "AbsorbingChain",
    "BetaMixture",
    "Expression",
    "FiniteMixture",
    "Geometric",
    "Independent",
    "Logistic",
    "MarkovModulated",
    "Model",
    "PersistentUnsafe",
    "Power",
    "Rates",
    "SurvivalExpr",
    "SurvivalModel",
    "TwoRate",
    "load_spec",
    "model_from_spec",
    "registered",
]
