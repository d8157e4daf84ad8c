"""What a report says: the budgets, the comparison, the elasticities, the assumptions, the provenance.

:func:`build_report` computes everything once, through the public API
(:meth:`model.budget <bounds.models.base.SurvivalModel.budget>`,
:func:`bounds.compare`, :func:`bounds.elasticity`, :func:`bounds.elasticity_fd`,
:func:`bounds.derive`), and keeps the results in a frozen :class:`Report`; the
renderers only format them, so every number in every format is the number the API returned.
"""

from __future__ import annotations

import dataclasses
import datetime
import platform
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from bounds.errors import BoundsError, ParameterError
from bounds.evidence.sensitivity import elasticity, elasticity_fd
from bounds.models.exchangeable import BetaMixture
from bounds.models.independent import Independent
from bounds.models.unsafe import PersistentUnsafe
from bounds.numeric.parse import exact, format_number
from bounds.numeric.parse import threshold as as_threshold
from bounds.report.compare import ComparisonRow, compare
from bounds.report.derive import Derivation, derive
from bounds.solve.budget import Budget

__all__ = ["Comparison", "ElasticityRow", "Report", "build_report"]


@dataclass(frozen=True)
class Comparison:
    """The comparison rows for one model's marginal rate, or why there are none (``note``)."""

    label: str
    epsilon: Fraction | None
    options: Mapping[str, Any]
    rows: tuple[ComparisonRow, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class ElasticityRow:
    """``d ln N* / d ln x`` for one parameter ``x`` of one model (``value`` is ``x``)."""

    label: str
    parameter: str
    value: Fraction
    elasticity: float
    method: str


@dataclass(frozen=True)
class Report:
    """One question (how many generations keep ``S(N) >= T``?) answered for one or more models.

    Build it with :func:`build_report`; render it with :meth:`to_html`, :meth:`to_markdown`,
    :meth:`to_latex`, or write it with :meth:`write` (PDF through pdflatex).
    """

    threshold: Fraction
    labels: tuple[str, ...]
    budgets: tuple[Budget, ...]
    derivations: tuple[Derivation, ...]
    comparisons: tuple[Comparison, ...]
    elasticities: tuple[ElasticityRow, ...]
    elasticity_notes: tuple[str, ...]
    assumptions: tuple[tuple[str, str], ...]
    provenance: tuple[tuple[str, str], ...]
    digits: int = 6
    reference: tuple[tuple[str, Any], ...] = field(default=(), repr=False)
    #: with a cadence: each model's alignment horizon (:func:`bounds.timeline.query.horizon`)
    horizons: tuple[Any, ...] = ()

    @property
    def title(self) -> str:
        return f"Generation budget at T = {format_number(self.threshold)}"

    @property
    def question(self) -> str:
        return (
            "How many generations N of self-improvement can pass before the probability that "
            f"alignment is preserved, S(N), falls below T = {format_number(self.threshold)}?"
        )

    def figure(self) -> Any:
        """The survival plot (a matplotlib Figure): every model, and the independent reference curve."""
        from bounds.report.plot import survival_figure

        try:
            import matplotlib  # noqa: F401
        except ImportError:  # pragma: no cover - exercised only without the extra
            raise BoundsError("the survival plot needs matplotlib: pip install 'alignment-bounds[report]'") from None
        models = [budget.model for budget in self.budgets] + [model for _, model in self.reference]
        labels = list(self.labels) + [label for label, _ in self.reference]
        return survival_figure(models, self.threshold, labels=labels)

    def to_html(self) -> str:
        """One self-contained HTML page: MathML maths, inline SVG figure, no resource to fetch."""
        from bounds.report.document.to_html import html_document

        return html_document(self)

    def to_markdown(self, figure: str | None = None) -> str:
        """Markdown with ``$...$`` maths; ``figure`` is the file name of the survival plot, if written."""
        from bounds.report.document.to_markdown import markdown_document

        return markdown_document(self, figure)

    def to_latex(self, figure: str | None = "survival.pdf") -> str:
        """A standalone LaTeX document; ``figure`` is the plot's file name for ``\\includegraphics``."""
        from bounds.report.document.to_latex import latex_document

        return latex_document(self, figure)

    def write(self, path: Any, format: str | None = None) -> Any:
        """Write the report atomically as ``pdf``, ``html``, ``markdown`` or ``latex`` (default: the suffix).

        Markdown and LaTeX get the survival plot as a file beside them (``<stem>-survival.svg``,
        ``<stem>-survival.pdf``); HTML and PDF are one file each.
        """
        from bounds.report.document.output import write_report

        return write_report(self, path, format)


#: Longest model label before it is shortened (tables and the plot's legend stay readable).
_LABEL_WIDTH = 72


def _sequence_text(values: Sequence[Any]) -> str:
    """A short list in full (``[0.9, 0.1]``), a matrix by its shape, a long list by its length."""
    if values and all(isinstance(row, (list, tuple)) for row in values):
        return f"[{len(values)}x{len(values[0])} matrix]"
    if len(values) <= 4 and all(isinstance(value, (Fraction, int, float)) for value in values):
        return "[" + ", ".join(format_number(value) for value in values) + "]"
    return f"[{len(values)} values]"


def _label(model: Any) -> str:
    """``name (parameter=value, ...)`` from the model's parameters, shortened; ``repr`` as a fallback."""
    name = getattr(model, "name", None)
    given = getattr(model, "parameters", None)
    if not isinstance(name, str) or not callable(given):
        return repr(model)
    parameters = dict(given())
    if isinstance(model, BetaMixture):
        parameters = {"mean": model.mean, "rho": model.rho}
    shown = []
    for key, value in parameters.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            shown.append(f"{key}={_sequence_text(value)}")
        elif isinstance(value, (Fraction, int, float)) and not isinstance(value, bool):
            shown.append(f"{key}={format_number(value)}")
        else:
            shown.append(f"{key}={value}")
    text = f"{name} ({', '.join(shown)})" if shown else name
    return text if len(text) <= _LABEL_WIDTH else text[: _LABEL_WIDTH - 3] + "..."


def _marginal(model: Any) -> tuple[Fraction | None, dict[str, Any], str]:
    """The marginal rate and comparison options a model implies, or a note why it has none."""
    if isinstance(model, Independent):
        return model.epsilon, {}, ""
    if isinstance(model, BetaMixture):
        return model.mean, {"rho": model.rho}, ""
    if isinstance(model, PersistentUnsafe) and isinstance(model.base, Independent) and model.mode == "floor":
        return model.base.epsilon, {"mass": model.mass}, ""
    return (
        None,
        {},
        (
            "its failure rate is not one constant marginal rate, so there is no single rate to compare "
            "across assumptions (bounds compare --epsilon E compares any rate you choose)"
        ),
    )


def _comparison(label: str, model: Any, threshold: Fraction, options: Mapping[str, Any]) -> Comparison:
    epsilon, implied, note = _marginal(model)
    if epsilon is None:
        return Comparison(label, None, {}, note=note)
    chosen = {**implied, **{key: value for key, value in options.items() if value is not None}}
    return Comparison(label, epsilon, chosen, tuple(compare(epsilon, threshold, **chosen)))


def _step_for(budget: int) -> float:
    """A relative step that moves a budget ``N`` by about ten generations (integers are steps)."""
    return min(0.25, max(0.01, 10 / budget))


def _factories(model: Any) -> list[tuple[str, Fraction, Any]]:
    """``(parameter, value, value -> model)`` for each positive scalar parameter of the model."""
    if isinstance(model, BetaMixture):
        return [
            ("mean", model.mean, lambda x: BetaMixture(mean=x, rho=model.rho)),
            ("rho", model.rho, lambda x: BetaMixture(mean=model.mean, rho=x)),
        ]
    if not dataclasses.is_dataclass(model) or isinstance(model, type):
        return []
    instance: Any = model
    found = []
    for item in dataclasses.fields(instance):
        value = getattr(instance, item.name)
        if item.init and isinstance(value, Fraction) and value > 0:
            found.append((item.name, value, lambda x, name=item.name: dataclasses.replace(instance, **{name: x})))
    return found


def _elasticities(label: str, budget: Budget) -> tuple[list[ElasticityRow], list[str]]:
    model, threshold = budget.model, budget.threshold
    if budget.n is None or budget.n == 0 or threshold == 1:
        shown = "unbounded" if budget.n is None else "0"
        return [], [f"{label}: the budget is {shown}, so its elasticities are undefined."]
    if isinstance(model, Independent):
        closed = elasticity(model.epsilon, threshold)
        return [
            ElasticityRow(label, "epsilon", model.epsilon, float(closed.epsilon), closed.method),
            ElasticityRow(label, "T", threshold, float(closed.threshold), closed.method),
        ], []
    rows, notes, step = [], [], _step_for(budget.n)
    by_threshold = None
    for name, value, factory in _factories(model):
        try:
            found = elasticity_fd(factory, value, threshold, relative_step=step)
        except BoundsError as error:
            notes.append(f"{label}: no elasticity in {name} ({' '.join(str(error).split())}).")
            continue
        rows.append(ElasticityRow(label, name, value, float(found.epsilon), found.method))
        by_threshold = found
    if by_threshold is None:
        by_threshold = elasticity_fd(lambda _: model, 1, threshold, relative_step=step)
    rows.append(ElasticityRow(label, "T", threshold, float(by_threshold.threshold), by_threshold.method))
    return rows, notes


_GENERAL_ASSUMPTIONS = (
    (
        "certification",
        "Every budget is certified: $S(N^*) \\ge T > S(N^*+1)$ (or $S(\\infty) \\ge T$) is proved in exact "
        "rational or interval (ball) arithmetic, never by floating point.",
    ),
    (
        "chain rule",
        "When $\\varepsilon_i$ is the failure rate conditional on the past, "
        "$S(N) = \\prod_{i=1}^{N} (1 - \\varepsilon_i)$ holds exactly, with no independence assumption.",
    ),
)


def _assumptions(
    labels: Sequence[str], derivations: Sequence[Derivation], comparisons: Sequence[Comparison]
) -> tuple[tuple[str, str], ...]:
    """``(where, text)``: the general ones, those every model shares once, then each model's, then the rows'."""
    per_model = []
    for derivation in derivations:
        texts = []
        for step in derivation.steps:
            if step.kind == "assumption" and step.text:
                named = "" if step.label in ("", "Assumption") else f"{step.label}: "
                texts.append(named + step.text)
        per_model.append(texts)
    shared = [text for text in per_model[0] if all(text in texts for texts in per_model)] if len(labels) > 1 else []
    found = list(_GENERAL_ASSUMPTIONS) + [("every model", text) for text in shared]
    for label, texts in zip(labels, per_model, strict=True):
        found += [(label, text) for text in texts if text not in shared]
    seen = set()
    for comparison in comparisons:
        for row in comparison.rows:
            if row.label not in seen:
                seen.add(row.label)
                name, assumption_text = row.prose()
                found.append((f"comparison: {name}", assumption_text))
    return tuple(found)


def _provenance(given: Mapping[str, Any] | None, models: Sequence[Any], threshold: Fraction) -> tuple:
    from bounds import __version__

    given = dict(given or {})
    entries: dict[str, str] = {}
    if "command" not in given:  # a command line says how the report was made; else the Python call
        shown = ", ".join(repr(model) for model in models)
        entries["call"] = f"bounds.build_report([{shown}], threshold={format_number(threshold)!r})"
    entries.update({key: str(value) for key, value in given.items()})
    entries.setdefault("bounds", __version__)
    entries.setdefault("python", platform.python_version())
    entries.setdefault("date", datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"))
    return tuple(entries.items())


def build_report(
    models: Any,
    threshold: Any,
    *,
    digits: int = 6,
    rho: Any = None,
    mass: Any = None,
    labels: Sequence[str] | None = None,
    provenance: Mapping[str, Any] | None = None,
    cadence: Any = None,
) -> Report:
    """Answer one question for one or more models: the certified budget and everything around it.

    Parameters
    ----------
    models : model or sequence of models
        Anything with ``budget(T)`` (every :mod:`bounds` model).
    threshold : number
        ``T`` in ``(0, 1]``.
    digits : int
        Minimum significant figures for real numbers, 1 to 40.
    rho, mass : number, optional
        Extra comparison rows for a model with a marginal rate: the pairwise correlation
        of failures (beta-mixture and dependence-free rows) and a persistent unsafe mass
        (floor rows). A beta-mixture model brings its own ``rho``, a persistent-floor
        model its own ``mass``.
    labels : sequence of str, optional
        A name per model (default: its ``repr``).
    provenance : mapping, optional
        Entries that say how the report was made (``command``, ``spec``); ``bounds``
        (the version), ``python`` and ``date`` (UTC) are added unless given.
    cadence : Cadence, optional
        How long each generation takes (:mod:`bounds.timeline`): the report then says when,
        in months after the start, each model's survival falls below ``T``, and derives it.

    Returns
    -------
    Report

    Examples
    --------
    >>> import bounds
    >>> document = bounds.build_report(bounds.BetaMixture(mean="0.001", rho="0.01"), "0.605")
    >>> document.budgets[0].n
    15667
    >>> [(row.label, row.budget) for row in document.comparisons[0].rows][:2]
    [('independent', 502), ('any dependence (Frechet worst case)', 395)]
    """
    model_list = list(models) if isinstance(models, (list, tuple)) else [models]
    if not model_list:
        raise ParameterError("models", "at least one model", models)
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 40:
        raise ParameterError("digits", "a whole number in [1, 40]", digits)
    if labels is not None and len(labels) != len(model_list):
        raise ParameterError("labels", f"one label per model ({len(model_list)})", labels)
    target = as_threshold(threshold)
    names = tuple(labels) if labels is not None else tuple(_label(model) for model in model_list)
    budgets = tuple(model.budget(target) for model in model_list)
    options = {"rho": None if rho is None else exact(rho, "rho"), "mass": None if mass is None else exact(mass, "mass")}
    comparisons = tuple(
        _comparison(name, model, target, options) for name, model in zip(names, model_list, strict=True)
    )
    rows, notes = [], []
    for name, budget in zip(names, budgets, strict=True):
        found, said = _elasticities(name, budget)
        rows += found
        notes += said
    per_model = tuple(derive(budget, digits=digits) for budget in budgets)
    horizons = _horizons(budgets, cadence, target)
    derivations = per_model + tuple(derive(found, digits=digits) for found in horizons)
    reference = _reference(model_list, comparisons)
    return Report(
        target,
        names,
        budgets,
        derivations,
        comparisons,
        tuple(rows),
        tuple(notes),
        _assumptions(names, per_model, comparisons),
        _provenance(provenance, model_list, target),
        digits,
        reference,
        horizons,
    )


def _horizons(budgets: Sequence[Budget], cadence: Any, target: Fraction) -> tuple[Any, ...]:
    """Each model's alignment horizon under ``cadence`` (none without one)."""
    if cadence is None:
        return ()
    from bounds.timeline.cadence import Cadence
    from bounds.timeline.query import horizon

    if not isinstance(cadence, Cadence):
        raise ParameterError("cadence", "a bounds.timeline cadence (ConstantCadence, GeometricCadence, ...)", cadence)
    return tuple(horizon(budget.model, cadence, target) for budget in budgets)


def _reference(models: Sequence[Any], comparisons: Sequence[Comparison]) -> tuple[tuple[str, Any], ...]:
    """The independent model at each marginal rate, as a reference curve, unless it is already shown."""
    shown = {model.epsilon for model in models if isinstance(model, Independent)}
    found = []
    for comparison in comparisons:
        if comparison.epsilon is not None and comparison.epsilon not in shown:
            shown.add(comparison.epsilon)
            found.append(
                (
                    f"independent, same marginal rate {format_number(comparison.epsilon)}",
                    Independent(epsilon=comparison.epsilon),
                )
            )
    return tuple(found)
