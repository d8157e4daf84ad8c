"""Every registered family's declared parameters (DESIGN §3): the one declaration that validates input,
reads spec files, generates test data, fills the web form and writes the docs' tables.

The truths here are the declarations themselves and the constructors: a model drawn from the
declared domains must construct and read back from its parameters as a spec; a value generated
just outside a numeric domain must be refused with an error naming the parameter and the
domain's phrase; and a constructor may take nothing that is not declared.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bounds.oversight  # noqa: F401 - registers oversight and control
from bounds.errors import ParameterError
from bounds.models import registry
from bounds.models.parameters import Parameter, declared_parameters, parameters_table
from bounds.models.registry import model_from_spec
from bounds.numeric.parse import exact_text
from bounds.testing.strategies import models, outside_domain, parameters_of

FAMILIES = registry.registered()
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _generic(cls: type) -> bool:
    """Whether every field of a model has a generic strategy (numbers and choices)."""
    return all(record.domain.numeric or record.domain.kind == "choice"
               for record in declared_parameters(cls) if record.field)


def _strategy(name: str) -> st.SearchStrategy[Any]:
    """Straight from the declared domains where they are all numbers, else the family's registered strategy
    (which builds its scalar fields from the domains and supplies the vectors, matrices and base models)."""
    cls = registry.family(name)
    return parameters_of(cls) if _generic(cls) else models(name)


def _spec_value(value: Any) -> Any:
    if isinstance(value, Fraction):  # an exact decimal as TOML writes it; 2/3 (no decimal) as the Fraction
        text = exact_text(value)
        return value if "/" in text else text
    if isinstance(value, (list, tuple)):
        return [_spec_value(item) for item in value]
    if hasattr(value, "parameters"):
        return spec_of(value)
    return value


def spec_of(model: Any) -> dict[str, Any]:
    """A spec table of ``model`` from its declared fields (exact decimals as strings, a model as a table)."""
    table: dict[str, Any] = {"model": model.name}
    for record in declared_parameters(type(model)):
        value = getattr(model, record.name) if record.field else None
        if value is None:
            continue
        if hasattr(value, "parameters") and not record.nested:  # Oversight's defect_rate given as a model
            table["base"] = spec_of(value)
        else:
            table[record.name] = _spec_value(value)
    return table


@pytest.mark.parametrize("name", FAMILIES)
@SETTINGS
@given(data=st.data())
def test_models_from_the_declared_domains_read_back_from_their_spec(name: str, data: st.DataObject) -> None:
    model = data.draw(_strategy(name))
    rebuilt = model_from_spec(spec_of(model))
    assert rebuilt == model
    assert rebuilt.parameters() == model.parameters()
    assert repr(rebuilt) == repr(model)


def test_most_families_are_drawn_from_their_domains_alone() -> None:
    generic = {name for name in FAMILIES if _generic(registry.family(name))}
    assert {"independent", "geometric", "power", "two-rate", "logistic", "beta-mixture"} <= generic


def _arguments(model: Any, record: Parameter, value: Any) -> dict[str, Any]:
    """The constructor arguments of ``model`` with ``record`` set to ``value`` (and what it replaces left out)."""
    arguments = {}
    for other in declared_parameters(type(model)):
        if not other.argument or other.name in record.alternatives:
            continue
        if not other.field and set(other.alternatives) != set(record.alternatives):
            continue  # another spelling, given only when it is the one under test (or its partner)
        current = getattr(model, other.name, None)
        if current is not None:
            arguments[other.name] = current
    arguments[record.name] = value
    return arguments


def _numeric_parameters() -> list[tuple[str, str]]:
    return [(name, record.name) for name in FAMILIES for record in declared_parameters(registry.family(name))
            if record.argument and record.domain.numeric]


@pytest.mark.parametrize(("family", "parameter"), _numeric_parameters())
@SETTINGS
@given(data=st.data())
def test_a_value_outside_the_domain_is_refused_by_name(family: str, parameter: str, data: st.DataObject) -> None:
    cls = registry.family(family)
    record = next(r for r in declared_parameters(cls) if r.name == parameter)
    model = data.draw(_strategy(family), label="valid model")
    value = data.draw(outside_domain(record.domain), label=parameter)
    with pytest.raises(ParameterError) as caught:
        cls(**_arguments(model, record, value))
    message = str(caught.value)
    assert caught.value.name == parameter and message.startswith(f"{parameter} must be ")
    if isinstance(value, float) and not math.isfinite(value):
        assert "a finite number" in message  # exact() names what NaN and infinities lack (kept as it was)
    else:
        assert record.domain.phrase in message


def test_every_numeric_parameter_is_tested_outside_its_domain() -> None:
    tested = {family for family, _ in _numeric_parameters()}
    assert set(FAMILIES) - tested == {"absorbing", "finite-mixture", "markov", "rates"}  # vectors and matrices only


@pytest.mark.parametrize("name", FAMILIES)
def test_every_constructor_argument_is_declared(name: str) -> None:
    """Fails when a family gains a field or keyword without a declared domain and doc."""
    cls = registry.family(name)
    declared = declared_parameters(cls)
    taken = set(inspect.signature(cls).parameters)
    arguments = {record.name for record in declared if record.argument}
    assert taken == arguments, f"{cls.__name__} takes {sorted(taken)} but declares {sorted(arguments)}"
    assert all(record.doc and record.doc == record.doc.strip() and "\n" not in record.doc for record in declared)


def test_every_init_field_of_a_generated_constructor_is_declared() -> None:
    generated = 0
    for name in FAMILIES:
        cls = registry.family(name)
        fields = [item.name for item in dataclasses.fields(cls) if item.init]
        if fields == list(inspect.signature(cls).parameters):  # the dataclass's own __init__
            generated += 1
            undeclared = set(fields) - {record.name for record in declared_parameters(cls)}
            assert not undeclared, f"{cls.__name__}: {sorted(undeclared)} have no declared domain"
    assert generated >= 10  # all but Independent, BetaMixture and MarkovModulated (alternatives, derived chain)


def test_an_undeclared_field_is_caught() -> None:
    from bounds.models.schedule import Geometric

    @dataclasses.dataclass(frozen=True, repr=False)
    class Extended(Geometric):
        extra: int = 0

    fields = {item.name for item in dataclasses.fields(Extended) if item.init}
    assert fields - {record.name for record in declared_parameters(Extended)} == {"extra"}


def test_alternatives_are_symmetric_and_required_ones_are_given_in_specs() -> None:
    independent = {r.name: r for r in declared_parameters(registry.family("independent"))}
    assert independent["epsilon"].alternatives == ("p",) and independent["p"].alternatives == ("epsilon",)
    beta = [(r.name, r.alternatives) for r in declared_parameters(registry.family("beta-mixture"))]
    assert beta == [("mean", ("a", "b")), ("rho", ("a", "b")), ("a", ("mean", "rho")), ("b", ("mean", "rho"))]
    assert model_from_spec({"model": "independent", "p": "0.9"}).epsilon == Fraction(1, 10)
    assert model_from_spec({"model": "beta-mixture", "a": 1, "b": 2}).mean == Fraction(1, 3)


@pytest.mark.parametrize("name", FAMILIES)
def test_the_docs_table_lists_every_parameter(name: str) -> None:
    cls = registry.family(name)
    table = parameters_table(cls).splitlines()
    assert table[0] == "| parameter | valid values | default | description |"
    assert [line.split("|")[1].strip() for line in table[2:]] == [f"`{r.name}`" for r in declared_parameters(cls)]
    for line, record in zip(table[2:], declared_parameters(cls), strict=True):
        assert record.doc in line.replace("\\", "")  # Markdown's marks escaped
        # fields that replace each other (roc or roc_points) default to None, and one of them is required
        one_of = record.field and bool(record.alternatives) and record.default is None
        assert ("required" in line) == (record.required or one_of)
