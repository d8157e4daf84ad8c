"""The validated expression tree shared by the parser and its evaluators (no evaluation here).

A validated tree is nested tuples: ``("num", Fraction, text)``, ``("i",)``, ``("neg", x)``,
``(op, a, b)`` for op in add/sub/mul/div/pow, ``("call", name, (args...))``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["VARIADIC", "NotReal", "Tree", "uses_index"]

#: Functions that take any number of arguments.
VARIADIC = {"min", "max"}

Tree = tuple[Any, ...]


class NotReal(ArithmeticError):
    """An intermediate value left the real line (log or sqrt of a negative number)."""


def uses_index(tree: Tree) -> bool:
    """Whether the tree depends on the generation index ``i``."""
    if tree[0] == "i":
        return True
    if tree[0] == "num":
        return False
    if tree[0] == "call":
        return any(uses_index(arg) for arg in tree[2])
    return any(uses_index(part) for part in tree[1:])
