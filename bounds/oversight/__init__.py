"""Oversight: monitor ensembles with common-cause failure, and control games (DESIGN §4).

Importing this package registers the spec names ``oversight`` and ``control``.
"""

from bounds.oversight.control import AuditBudget, ControlGame
from bounds.oversight.model import Oversight, OversightBudget
from bounds.oversight.sharp import MissInterval

__all__ = ["AuditBudget", "ControlGame", "MissInterval", "Oversight", "OversightBudget"]
