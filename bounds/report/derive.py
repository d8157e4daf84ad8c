r"""Derivations: the steps from a model's assumptions to its certified budget, for the user's numbers.

A :class:`Derivation` is an ordered list of :class:`Step` objects (assumption
text, symbolic equation, substitution with the user's numbers, result), in the
handcalcs shape ``symbolic = substituted = result`` (DESIGN §5). It is rendered
by :mod:`bounds.report.latex` as a LaTeX fragment, a standalone document, a PDF or
Markdown.

**Every model gets a full derivation with no model-specific code.** From the
model protocol alone (``symbolic()``, ``parameters()``, ``name``) and the
certified :class:`~bounds.solve.budget.Budget`, :func:`derive` writes

1. the assumptions (``model.symbolic().assumptions``),
2. the inputs as the user gave them, then the parameters derived from them,
3. ``S(N) = symbolic = substituted`` (from the family's
   :func:`~bounds.report.presentation.present`, or sympy's
   :class:`sympy.UnevaluatedExpr` for a user's model, so ``1 - 0.002`` stays visible),
4. the inequality that defines the budget, ``N* = max{N : S(N) >= T}``,
5. the certificate ``S(N*) >= T > S(N*+1)`` with both values (or
   ``S(infinity) >= T`` when the budget is unbounded) and how it was proved,
6. the result.

The numbers shown are the numbers the API returns: the budget is
``budget.n``, the survivals are ``budget.certificate_values`` rounded to
``digits`` significant figures (``T + d`` when the figures would hide the strict
inequality). Every derivation carries its provenance (version, call or command,
UTC date) and the references of its family.

**Extension points** (the plug-in pattern of handcalcs: one registration per family):

* :func:`model_steps` is a :func:`functools.singledispatch` function; a model
  family registers extra steps (a closed form, a bound, a limit criterion),
  inserted between the budget definition and the certificate. Registrations
  live in one module per family, ``bounds/report/derivations/<family>.py``; every
  module in that folder is imported on first use, and a module whose model is
  absent from this tree is skipped.
* :func:`derive` is itself a singledispatch function over the *subject*: a
  result type that is not a model (dependence-free intervals, evidence)
  registers ``derive.register(ResultType)`` and builds its derivation with
  :meth:`Derivation.from_steps` from :func:`assumption`, :func:`equation` and
  :func:`result` steps.

Examples
--------
>>> import bounds
>>> derivation = derive(bounds.Independent(epsilon="0.002"), "0.605")
>>> derivation.values["budget"]
251
>>> [step.label for step in derivation.steps][-2:]
['Certificate', 'Result']
>>> "N^{*} &= 251" in derivation.to_latex()
True
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, singledispatch
from typing import Any

import mpmath
import numpy as np

from bounds.display import renderer
from bounds.errors import BoundsError, ParameterError
from bounds.numeric.parse import exact_text
from bounds.report import latex as _latex
from bounds.report.certificate import certificate_lines, is_tie, shown_survival
from bounds.report.numbers import (
    LONG_INTEGER,
    display_integer,
    floor_display,
    integer_text,
    latex_integer,
    latex_number,
)
from bounds.report.presentation import (
    Presentation,
    current_digits,
    digits_in_use,
    model_name,
    model_parameters,
    present,
    symbolic_or_none,
)
from bounds.report.steps import STEP_KINDS, Line, Provenance, Step, assumption, chain, equation, result
from bounds.solve.budget import Budget, solve

__all__ = [
    "STEP_KINDS",
    "budget_latex",
    "Derivation",
    "Line",
    "Step",
    "assumption",
    "certificate_lines",
    "chain",
    "derive",
    "current_digits",
    "display_integer",
    "floor_display",
    "equation",
    "model_steps",
    "present",
    "Presentation",
    "Provenance",
    "result",
    "shown_survival",
    "symbolic_or_none",
]

@dataclass(frozen=True)
class Derivation:
    """An ordered list of steps with a title and the machine-readable values it shows.

    Attributes
    ----------
    title : str
        Plain text.
    steps : tuple of Step
    values : Mapping[str, Any]
        The numbers the derivation prints (``budget``, ``threshold``, ...),
        exactly as the API returned them.
    subject : object
        What was derived (a :class:`~bounds.solve.budget.Budget`, an interval result, ...).
    references : tuple of str
        Sources of the mathematics (prose with ``$...$`` math), printed at the end.
    provenance : Provenance or None
        The version, call or command and date that produced it (set by :func:`derive`).
    """

    title: str
    steps: tuple[Step, ...]
    values: Mapping[str, Any] = field(default_factory=dict)
    subject: Any = field(default=None, repr=False, compare=False)
    references: tuple[str, ...] = ()
    provenance: Provenance | None = field(default=None, compare=False)

    @classmethod
    def from_steps(
        cls, title: str, steps: Iterable[Step], values: Mapping[str, Any] | None = None, subject: Any = None,
        references: Iterable[str] = (),
    ) -> Derivation:
        r"""Build a derivation from steps, for results that are not models (the generic extension point).

        Examples
        --------
        >>> steps = [assumption("Failures are disjoint events."),
        ...          equation("Bound", "Boole's inequality:", chain("S(N)", ("\\ge", "1 - N\\varepsilon")))]
        >>> Derivation.from_steps("Worst case", steps).to_markdown().splitlines()[0]
        '# Worst case'
        """
        return cls(title, tuple(steps), dict(values or {}), subject, tuple(references))

    def to_latex(self) -> str:
        """The LaTeX fragment (prose and ``aligned`` displays)."""
        return _latex.fragment(self)

    def to_document(self) -> str:
        """A standalone LaTeX document (``article``, ``amsmath``, ``amssymb``)."""
        return _latex.document(self)

    def to_markdown(self) -> str:
        """Markdown with ``$...$`` math."""
        return _latex.markdown(self)

    def to_pdf(self, path: Any) -> Any:
        """Compile with ``pdflatex`` and write the PDF to ``path`` atomically."""
        return _latex.pdf(self, path)

    def _repr_latex_(self) -> str:
        lines = [line for step in self.steps for line in step.lines]
        return _latex.for_mathjax("$$\n" + _latex.aligned(lines) + "\n$$")

    def __str__(self) -> str:
        return self.to_markdown()


@singledispatch
def model_steps(model: Any, budget: Budget) -> list[Step]:
    """Extra steps a model family adds to its budget derivation (none by default).

    Register one function per family in ``bounds/report/derivations/<family>.py``::

        @model_steps.register
        def _geometric(model: Geometric, budget: Budget) -> list[Step]:
            return [equation("Limit", "...", chain("S(\\infty)", "(\\varepsilon_1; r)_\\infty"))]
    """
    return []


@cache
def _load_families() -> None:
    """Import every ``bounds.report.derivations.<family>`` module once (they register :func:`model_steps`)."""
    package = importlib.import_module("bounds.report.derivations")
    for info in pkgutil.iter_modules(package.__path__):
        try:
            importlib.import_module(f"{package.__name__}.{info.name}")
        except ImportError as error:
            # the family's model module is not part of this tree yet: no extra steps for it
            if error.name and error.name.startswith("bounds.models"):
                continue
            raise


_is_tie = is_tie  # the name the family modules import


def _parameter_steps(shown: Presentation, threshold: Any) -> list[Step]:
    given = equation("Inputs", "The inputs, as given:", *shown.given, chain("T", latex_number(threshold)),
                     kind="definition")
    if not shown.derived:
        return [given]
    return [given, equation("Derived parameters", "Computed from the inputs:", *shown.derived, kind="definition")]


def _survival_step(shown: Presentation) -> Step:
    if not shown.survival:
        return Step("equation", "Survival", "The model gives $S(N)$, the probability that alignment is "
                    "preserved through generations $1, \\dots, N$, by its own method "
                    "(it has no symbolic form).")
    return equation(
        "Survival",
        "The probability that alignment is preserved through generations $1, \\dots, N$, "
        "symbolically and with the inputs substituted:",
        *shown.survival,
    )


def _budget_definition(budget: Budget) -> Step:
    return equation(
        "Budget",
        "$S$ is non-increasing in $N$ (a generation can only lose alignment) and $S(0) = 1$, so the "
        "generations with $S(N) \\ge T$ are $0, 1, \\dots, N^*$. The budget solves the inequality",
        chain("N^{*}", "\\max\\{N \\in \\mathbb{Z}_{\\ge 0} : S(N) \\ge T\\}"),
        kind="definition",
    )


def _certificate_step(budget: Budget, digits: int, shown: Presentation) -> Step:
    if budget.n is None:
        text = (
            f"Certified by {budget.certificate_text}: the limit is at least $T$, and $S(N) \\ge S(\\infty)$ "
            "for every $N$ because $S$ is non-increasing."
        )
    else:
        text = (
            f"Certified by {budget.certificate_text}: $S(N^*) \\ge T > S(N^*+1)$"
            f"{_integer_or_reference(budget.n)}, so no larger $N$ keeps $S(N) \\ge T$."
        )
    return equation("Certificate", text, *certificate_lines(budget, digits, shown), kind="certificate")


def _integer_or_reference(n: int) -> str:
    if len(integer_text(n)) <= LONG_INTEGER:
        return f" with $N^* = {latex_integer(n)}$"
    return " (for the $N^*$ below)"


def _result_step(budget: Budget, digits: int) -> Step:
    if budget.n is None:
        return result("Result", "The budget is unbounded: $S(N) \\ge T$ for every $N$.",
                      chain("N^{*}", "\\infty"))
    digits = len(integer_text(budget.n))
    if digits <= LONG_INTEGER:
        return result("Result", "The certified budget:", chain("N^{*}", latex_integer(budget.n)))
    text = (
        f"The certified budget has {digits} digits, "
        f"$N^* \\approx {latex_number(mpmath.mpf(budget.n), digits)}$; in full, "
        f"$N^* = {latex_integer(budget.n)}$."
    )
    return result("Result", text)


def budget_derivation(budget: Budget, digits: int = 6) -> Derivation:
    """The derivation of a certified budget, from the model's presentation (plus registered steps)."""
    _load_families()
    with digits_in_use(digits):
        return _budget_derivation_steps(budget, digits)


def _budget_derivation_steps(budget: Budget, digits: int) -> Derivation:
    model = budget.model
    shown = present(model, digits)
    steps: list[Step] = [
        assumption(f"The {model_name(model)} model.", "Model"),
        *(assumption(text) for text in shown.assumptions),
        assumption(
            "$T$ is the lowest acceptable probability that alignment is preserved through "
            "generations $1, \\dots, N$.", "Threshold"
        ),
        *_parameter_steps(shown, budget.threshold),
        _survival_step(shown),
        _budget_definition(budget),
        *model_steps(model, budget),
        _certificate_step(budget, digits, shown),
        _result_step(budget, digits),
    ]
    values = {
        "budget": budget.n,
        "unbounded": budget.unbounded,
        "threshold": budget.threshold,
        "certificate": budget.certificate,
        "certificate_values": budget.certificate_values,
        **model_parameters(model),
    }
    title = f"Certified budget: {model_name(model)} model, T = {exact_text(budget.threshold)}"  # as given
    return Derivation.from_steps(title, steps, values, budget, shown.references)


def python_call(subject: Any, threshold: Any, digits: int) -> str:
    """The Python call a derivation came from, for its provenance line."""
    if isinstance(subject, Budget):
        shown = f"bounds.solve({subject.model!r}, {exact_text(subject.threshold)!r})"
    elif callable(getattr(subject, "log_survival", None)):
        shown = repr(subject)
    else:
        shown = f"<{type(subject).__name__}>"
    if threshold is not None:
        shown += f", {str(threshold)!r}"
    return f"bounds.derive({shown}, digits={digits})"


def _derive(subject: Any, threshold: Any = None, *, digits: int = 6, call: str | None = None) -> Derivation:
    """The derivation of a result: a :class:`~bounds.solve.budget.Budget`, a model at ``threshold``, or a result.

    Parameters
    ----------
    subject : Budget, model or result
        A certified budget, any model implementing the protocol, or a result
        type registered with ``derive.register`` (intervals, budget intervals,
        evidence bounds, budget distributions, the rows of ``bounds.compare``).
    threshold : number, optional
        Needed when ``subject`` is a model.
    digits : int
        Significant figures for computed real numbers (inputs are shown as given).
    call : str, optional
        The call or command line shown in the provenance line (default: the
        Python call, ``bounds.derive(...)``).

    Returns
    -------
    Derivation

    Examples
    --------
    >>> import bounds
    >>> derive(bounds.budget(epsilon="0.1", threshold="0.81")).values["budget"]
    2
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 40:
        raise ParameterError("digits", "a whole number in [1, 40]", digits)
    _load_families()  # result types (intervals, evidence) register themselves on import
    with digits_in_use(digits):  # for registered steps, whose signature has no digits
        derivation = derive_subject(subject, threshold, digits=digits)
    provenance = Provenance.now(call if call is not None else python_call(subject, threshold, digits))
    return dataclasses.replace(derivation, provenance=provenance)


@singledispatch
def derive_subject(subject: Any, threshold: Any = None, *, digits: int = 6) -> Derivation:
    """The derivation of ``subject`` without provenance (:func:`derive` adds it); register result types here."""
    _load_families()  # result types (intervals, evidence) register themselves on import
    registered = derive_subject.dispatch(type(subject))
    if registered is not _derive_base:  # registered by a family module imported just now
        return registered(subject, threshold, digits=digits)
    if not callable(getattr(subject, "log_survival", None)):
        raise BoundsError(
            f"cannot derive {type(subject).__name__}: give a model, a Budget, or a result type "
            "registered with bounds.report.derive.derive.register"
        )
    if threshold is None:
        raise ParameterError("threshold", "given to derive a model's budget, in (0, 1]", None)
    if isinstance(threshold, (list, tuple, np.ndarray)):
        raise ParameterError("threshold", "a single number (derivations are per threshold)", threshold)
    budget = solve(subject, threshold)
    if not isinstance(budget, Budget):
        raise ParameterError("threshold", "a single number (derivations are per threshold)", threshold)
    return budget_derivation(budget, digits)


_derive_base = derive_subject.dispatch(object)


class _Derive:
    """:func:`_derive` with the registration API of result types: ``@derive.register`` (singledispatch)."""

    def __init__(self) -> None:
        self.register = derive_subject.register
        self.dispatch = derive_subject.dispatch
        functools.update_wrapper(self, _derive)

    def __call__(self, subject: Any, threshold: Any = None, *, digits: int = 6,
                 call: str | None = None) -> Derivation:
        return _derive(subject, threshold, digits=digits, call=call)


derive = _Derive()


@renderer("derivation", Budget)
def _budget_derivation(budget: Budget, *, digits: int = 6) -> Derivation:
    call = f"bounds.solve({budget.model!r}, {exact_text(budget.threshold)!r}).derivation(digits={digits})"
    return derive(budget, digits=digits, call=call)


@derive_subject.register
def _derive_budget(subject: Budget, threshold: Any = None, *, digits: int = 6) -> Derivation:
    if threshold is not None:
        raise ParameterError("threshold", "omitted when deriving a Budget (it has its own)", threshold)
    return budget_derivation(subject, digits)


@renderer("latex", Budget)
def budget_latex(budget: Any) -> str:
    r"""A compact ``aligned`` display of a certified budget, for Jupyter (MathJax)."""
    shown = "\\infty" if budget.n is None else _latex.latex_integer(budget.n)
    _load_families()
    lines = (chain("N^{*}", shown), *certificate_lines(budget))
    return _latex.for_mathjax("$$\n" + _latex.aligned(lines) + "\n$$")
