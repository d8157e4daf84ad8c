"""Declared parameters: one declaration per model field drives validation, specs, strategies, web forms and docs.

A family declares each parameter once, as a dataclass field with a
:class:`~bounds.numeric.domains.Domain` and a one-line doc (DESIGN §3)::

    @register("geometric")
    @dataclass(frozen=True, repr=False)
    class Geometric(RateSchedule):
        epsilon1: Fraction = parameter(PROBABILITY, "failure probability at the first generation")
        ratio: Fraction = parameter(POSITIVE, "factor between consecutive rates")

and :class:`~bounds.models.base.SurvivalModel` derives from the declarations the
validation of every field (its ``__post_init__``), ``from_spec`` and
``parameters()``. The same records (:func:`declared_parameters`) give the web
calculator its form fields, the docs their parameter tables
(:func:`parameters_table`) and the test suite its hypothesis strategies
(:func:`bounds.testing.strategies.parameters_of`).

What the families really have is declared too: another spelling of a parameter
(``Independent`` takes ``epsilon`` or ``p``; ``BetaMixture`` ``a, b`` or
``mean, rho``; ``Rates`` ``rates`` or a ``file``) is an :func:`alternative`,
a nested model table (``base``) is a field whose domain is of kind ``"model"``,
and an optional parameter has a default.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable
from dataclasses import MISSING, dataclass
from typing import Any

from bounds.errors import ParameterError
from bounds.models.registry import Spec, model_from_spec
from bounds.numeric.domains import Domain

__all__ = [
    "Parameter",
    "alternative",
    "declared_parameters",
    "parameter",
    "parameter_values",
    "parameters_table",
    "spec_arguments",
    "validate_parameters",
]

_KEY = "bounds.parameter"
#: Declarations are ordered as written: a subclass that redeclares a field moves it to its own place.
_ORDER = itertools.count()
#: ``parse(model, value)``: a field read with the fields before it already parsed (a length, a size).
ContextParser = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a model family.

    Attributes
    ----------
    name : str
        The keyword and spec key.
    domain : Domain
        What the value may be.
    doc : str
        One line for the docs, the web form and ``--help``.
    required : bool
        Whether it must be given (no default), unless one of its ``alternatives`` is.
    default : object
        The default (``dataclasses.MISSING`` when required).
    alternatives : tuple of str
        Parameters given *instead* of this one (``p`` for ``epsilon``).
    field : bool
        A dataclass field of the model; ``False`` for another spelling (``p``, ``file``).
    argument : bool
        A keyword of the constructor (``False``: read from specs only, as ``file``).
    reported : bool
        Listed by ``parameters()``.
    omit_none : bool
        Left out of ``parameters()`` when ``None``.
    parse : callable or None
        ``parse(model, value)``, used instead of ``domain.parse`` where the value
        depends on fields before it (a vector as long as a matrix); called for ``None`` too.
    """

    name: str
    domain: Domain
    doc: str
    required: bool
    default: Any = MISSING
    alternatives: tuple[str, ...] = ()
    field: bool = True
    argument: bool = True
    reported: bool = True
    omit_none: bool = False
    parse: ContextParser | None = None
    order: int = 0

    @property
    def nested(self) -> bool:
        """Whether the parameter is a model itself (a nested table in a spec)."""
        return self.domain.kind == "model"


def parameter(domain: Domain, doc: str, *, default: Any = MISSING, parse: ContextParser | None = None,
              omit_none: bool = False, instead_of: Iterable[str] = (), **options: Any) -> Any:
    """A dataclass field declared as a parameter with ``domain`` and a one-line ``doc``.

    ``instead_of`` names the parameters this one replaces (both given is an error);
    the other ``options`` go to :func:`dataclasses.field`.

    Examples
    --------
    >>> from dataclasses import dataclass, fields
    >>> from bounds.numeric.domains import PROBABILITY
    >>> @dataclass
    ... class Example:
    ...     epsilon: object = parameter(PROBABILITY, "the rate")
    >>> fields(Example)[0].metadata["bounds.parameter"].doc
    'the rate'
    """
    record = Parameter("", domain, doc, default is MISSING, default, tuple(instead_of), omit_none=omit_none,
                       parse=parse, order=next(_ORDER))
    return dataclasses.field(default=default, metadata={_KEY: record}, **options)


def alternative(name: str, domain: Domain, doc: str, *, instead_of: Iterable[str], argument: bool = True,
                reported: bool = False) -> Parameter:
    """A parameter given instead of others and not stored as a field (``p`` for ``epsilon``).

    List these in the class attribute ``alternatives``; ``reported`` when ``parameters()``
    shows it (a property of the model, as ``BetaMixture.mean``), ``argument=False`` when only
    specs take it (``file``).
    """
    return Parameter(name, domain, doc, True, MISSING, tuple(instead_of), field=False, argument=argument,
                     reported=reported, order=next(_ORDER))


_DECLARED: dict[type, tuple[Parameter, ...]] = {}
_PLANS: dict[type, tuple[list[tuple[str, ...]], list[tuple[str, Any, bool, bool]]]] = {}


def declared_parameters(cls: type) -> tuple[Parameter, ...]:
    """The parameters ``cls`` declares, in the order written, with their alternatives made symmetric.

    Examples
    --------
    >>> from bounds.models.schedule import Geometric
    >>> [(p.name, p.domain.phrase, p.required) for p in declared_parameters(Geometric)]
    [('epsilon1', 'in [0, 1]', True), ('ratio', 'a positive number', True)]
    """
    cached = _DECLARED.get(cls)
    if cached is None:
        cached = _DECLARED[cls] = _declared(cls)
    return cached


def _declared(cls: type) -> tuple[Parameter, ...]:
    found = []
    if dataclasses.is_dataclass(cls):
        for item in dataclasses.fields(cls):
            record = item.metadata.get(_KEY)
            if record is not None:
                found.append(dataclasses.replace(record, name=item.name))
    found += list(getattr(cls, "alternatives", ()))
    found.sort(key=lambda record: record.order)
    others: dict[str, list[str]] = {record.name: list(record.alternatives) for record in found}
    for record in found:
        for other in record.alternatives:
            if other not in others:
                raise TypeError(f"{cls.__name__}.{record.name} is declared instead of {other!r}, which is undeclared")
            if record.name not in others[other]:
                others[other].append(record.name)
    return tuple(dataclasses.replace(record, alternatives=tuple(others[record.name])) for record in found)


def _field_groups(declared: tuple[Parameter, ...]) -> list[tuple[str, ...]]:
    """Fields that replace each other (``roc`` or ``roc_points``): exactly one is given."""
    fields = {record.name for record in declared if record.field}
    groups = []
    for record in declared:
        if record.field and record.alternatives and set(record.alternatives) <= fields:
            group = tuple(sorted((record.name, *record.alternatives), key=[r.name for r in declared].index))
            if group not in groups:
                groups.append(group)
    return groups


def validate_parameters(model: Any) -> None:
    """Read every declared field of ``model`` through its domain, in order, replacing it by the parsed value.

    ``None`` stands for "not given" where the default is ``None``. Fields that replace each
    other must be given one at a time (:class:`~bounds.errors.ParameterError` naming them).
    """
    plan = _PLANS.get(type(model))
    if plan is None:
        plan = _PLANS[type(model)] = _plan(declared_parameters(type(model)))
    groups, readers = plan
    for group in groups:
        values = tuple(getattr(model, name) for name in group)
        if sum(value is not None for value in values) != 1:
            raise ParameterError(" or ".join(group), "given, not both", values)
    for name, read, in_context, none_is_absent in readers:
        value = getattr(model, name)
        if none_is_absent and value is None:
            continue
        object.__setattr__(model, name, read(model, value) if in_context else read(value, name))


def _plan(declared: tuple[Parameter, ...]) -> tuple[list[tuple[str, ...]], list[tuple[str, Any, bool, bool]]]:
    """What :func:`validate_parameters` does for a class, worked out once: the groups, then each field's reader."""
    readers = []
    for record in declared:
        if record.field:
            if record.parse is not None:
                readers.append((record.name, record.parse, True, False))
            else:
                readers.append((record.name, record.domain.parse, False, record.default is None))
    return _field_groups(declared), readers


def spec_arguments(cls: type, spec: Spec, *, skip: Iterable[str] = ()) -> dict[str, Any]:
    """The constructor keywords that ``spec`` gives ``cls``: required ones with ``spec.get(name)``, the rest if present.

    A required parameter is optional once one of its alternatives is in the spec; a nested
    model is read as its own table; ``skip`` and spec-only parameters (``file``) are left to
    the caller. Unknown keys stay unread, so the strict :class:`~bounds.models.registry.Spec`
    refuses them.
    """
    skipped = set(skip)
    arguments: dict[str, Any] = {}
    for record in declared_parameters(cls):
        if not record.argument or record.name in skipped:
            continue
        instead = any(spec.has(other) for other in record.alternatives)
        if not spec.has(record.name) and (not record.required or instead):
            continue
        arguments[record.name] = model_from_spec(spec.sub(record.name)) if record.nested else spec.get(record.name)
    return arguments


def _plain(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


def parameter_values(model: Any) -> dict[str, Any]:
    """The declared parameters of ``model`` as plain values (tuples as lists), in order."""
    values = {}
    for record in declared_parameters(type(model)):
        if not (record.field or record.reported):
            continue
        value = getattr(model, record.name)
        if value is None and record.omit_none:
            continue
        values[record.name] = _plain(value)
    return values


def _cell(text: str) -> str:
    """Table-cell text: pipes and Markdown's emphasis marks escaped (``0.9**i`` is not bold)."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace(
        "_", "\\_")


def _default(record: Parameter) -> str:
    # fields that replace each other default to None, yet exactly one of them must be given
    if record.required or (record.field and record.alternatives and record.default is None):
        given = "required"
    elif record.default is None:
        given = "optional"
    elif isinstance(record.default, int) and record.default >= 10**6 and str(record.default).rstrip("0") == "1":
        given = f"`1e{len(str(record.default)) - 1}`"
    else:
        given = f"`{record.default!r}`"
    if record.alternatives:
        given += " (or " + " and ".join(f"`{name}`" for name in record.alternatives) + " instead)"
    return given


def parameters_table(cls: type) -> str:
    """A Markdown table of the parameters ``cls`` declares: name, valid values, default, description.

    Text cells escape Markdown's marks (``0.9**i`` is not bold, ``epsilon_i`` not emphasis).

    Examples
    --------
    >>> from bounds.models.schedule import Power
    >>> print(parameters_table(Power))
    | parameter | valid values | default | description |
    | --- | --- | --- | --- |
    | `epsilon1` | in [0, 1] | required | failure probability at the first generation |
    | `exponent` | a positive number | required | s: how fast the rate falls with the generation |
    """
    lines = ["| parameter | valid values | default | description |", "| --- | --- | --- | --- |"]
    for record in declared_parameters(cls):
        valid = "a model table (`[base]` in a spec file)" if record.nested else record.domain.phrase
        lines.append(f"| `{record.name}` | {_cell(valid)} | {_default(record)} | {_cell(record.doc)} |")
    return "\n".join(lines)
