"""Rich display, supplied by the report layer to the layers below it.

Models and results may not import the report layer (it loads sympy), yet a
notebook expects ``_repr_latex_`` and a user expects ``budget.derivation()``. So
they ask here for a renderer by kind and type; the report layer registers its
renderers when it is imported, and the first request imports it by name (the
way pandas finds its plotting backend). Arrows keep pointing down.

>>> from bounds.display import render
>>> import bounds
>>> render("latex", bounds.Independent(epsilon="0.001").budget("0.605")).startswith("$")
True
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["Displayed", "render", "renderer"]

_RENDERERS: dict[tuple[str, type], Callable[..., Any]] = {}
#: the module whose import registers every renderer
PROVIDER = "bounds.report"


def renderer(kind: str, cls: type) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``function(obj, **options)`` as the ``kind`` rendering of ``cls`` and its subclasses."""

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        _RENDERERS[(kind, cls)] = function
        return function

    return register


def _lookup(kind: str, cls: type) -> Callable[..., Any] | None:
    for klass in cls.__mro__:
        if (kind, klass) in _RENDERERS:
            return _RENDERERS[(kind, klass)]
    return None


def render(kind: str, obj: Any, **options: Any) -> Any:
    """The ``kind`` rendering (``"latex"``, ``"html"``, ``"derivation"``) of ``obj``."""
    function = _lookup(kind, type(obj))
    if function is None:
        importlib.import_module(PROVIDER)
        function = _lookup(kind, type(obj))
    if function is None:
        raise LookupError(f"no {kind} rendering for {type(obj).__name__}")
    return function(obj, **options)


def _optional(kind: str, obj: Any) -> Any:
    # Jupyter takes None as "no such rendering" and shows the next format (text at last)
    try:
        return render(kind, obj)
    except LookupError:
        return None


class Displayed:
    """Mixin for result types: HTML and LaTeX in Jupyter, drawn by the report layer.

    The rendering lives in :mod:`bounds.report.display`; a class only inherits these
    two methods, so results never import the report layer themselves.
    """

    __slots__ = ()

    def _repr_html_(self) -> str | None:
        return _optional("html", self)

    def _repr_latex_(self) -> str | None:
        return _optional("latex", self)
