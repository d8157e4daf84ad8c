"""Machine-checked theorems behind :mod:`bounds`, one module per theorem.

Each module has a LaTeX ``STATEMENT`` and ``PROOF`` and a ``check()`` that
verifies with sympy every step sympy can verify and property-tests (hypothesis,
exact enumeration) or numerically checks the rest, labelling each step.
The checks use sympy, mpmath, scipy, numpy and hypothesis only: they test the
mathematics independently of the library.

``python -m proofs`` runs every check and writes the proof book (``.tex``, and
a PDF when pdflatex is installed) into ``proofs/build/`` (or ``-o FOLDER``).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from proofs._core import METHODS, NUMERIC, PROPERTY, SYMPY, Report

__all__ = ["METHODS", "NUMERIC", "PROPERTY", "SYMPY", "THEOREMS", "Report", "check_all", "theorem"]

#: The theorem modules, in the order of the proof book.
THEOREMS = (
    "running_example",
    "independent_closed_form",
    "monotonicity",
    "sandwich",
    "chain_rule",
    "frechet",
    "beta_mixture",
    "q_pochhammer",
    "persistent_floor",
    "absorbing_chain",
    "cone_mass",
    "dawson_sankoff_kwerel",
)


def theorem(name: str) -> ModuleType:
    """The module of one theorem."""
    if name not in THEOREMS:
        raise ValueError(f"theorem must be one of {', '.join(THEOREMS)}, got {name!r}")
    return importlib.import_module(f"proofs.{name}")


def check_all(names: tuple[str, ...] | list[str] = THEOREMS) -> list[Report]:
    """Run the checks of the named theorems (all by default)."""
    return [theorem(name).check() for name in names]
