"""The one JSON convention of every ``bounds`` command (docs/cli.md, "JSON output").

Every command builds its ``--json`` object here, one function per kind of result, so that the
command line and the web API (which runs the same commands in-process) give identical shapes:

* **inputs** the user gave (thresholds, rates, a model's parameters, on the command line or in
  a spec) are echoed as *exact decimal strings* (``"0.605"``, ``"1e-4000"``, ``"1/3"`` for a
  value with no finite decimal), under their own names; counts (generations, trials,
  failures, draws) are JSON integers, which carry them exactly;
* **outputs** are JSON numbers: integers exact however large (a budget), floats for survival
  probabilities and other real values, and an exact decimal string only where a float cannot
  carry the value (below or beyond the float range);
* **errors** (with ``--json``) are one JSON object on one line of stderr: :func:`error_payload`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bounds.errors import BoundsError, ParameterError
from bounds.numeric.parse import exact_text, json_value

__all__ = [
    "BUDGET_KEYS",
    "budget_interval_payload",
    "budget_payload",
    "claim_payload",
    "comparison_payload",
    "describe_payload",
    "distribution_payload",
    "echo",
    "error_payload",
    "evidence_payload",
    "interval_payload",
    "parameters_payload",
    "survival_payload",
    "with_inputs",
]

#: The keys of a budget (DESIGN §6), in order; the model's parameters follow them.
BUDGET_KEYS = (
    "model", "threshold", "budget", "unbounded", "survival_at_budget", "survival_after_budget", "certified",
    "certificate", "certificate_bits",
)


def echo(value: Any) -> Any:
    """An input as the JSON convention echoes it: numbers as exact decimal strings, counts as ints.

    Lists and mappings are echoed element by element; strings, booleans and ``None`` are kept.

    >>> from fractions import Fraction
    >>> echo(Fraction(121, 200)), echo("0.6050"), echo(500), echo([Fraction(1, 3), "x"])
    ('0.605', '0.605', 500, ['1/3', 'x'])
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        try:
            return exact_text(value)
        except ParameterError:
            return value  # a name (a mode, a family), not a number
    if isinstance(value, Mapping):
        return {key: echo(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [echo(item) for item in value]
    try:
        return exact_text(value)
    except ParameterError:
        return json_value(value)


def with_inputs(data: Mapping[str, Any], **inputs: Any) -> dict[str, Any]:
    """``data`` (outputs, made JSON-safe) with the named inputs echoed exactly over their keys."""
    payload = {key: json_value(value) for key, value in data.items()}
    payload.update({key: echo(value) for key, value in inputs.items() if value is not None or key not in payload})
    return payload


def parameters_payload(model: Any) -> dict[str, Any]:
    """A model's parameters, echoed exactly (``{"epsilon": "0.001"}``)."""
    given = getattr(model, "parameters", None)
    return {key: echo(value) for key, value in (given() if callable(given) else {}).items()}


def budget_payload(result: Any) -> dict[str, Any]:
    """A certified :class:`~bounds.solve.budget.Budget`: the keys of DESIGN §6, then the parameters.

    ``threshold`` and the parameters are inputs (exact strings); what the model adds beside the
    budget (a persistent floor's ``cap``) follows as outputs.
    """
    data = result.to_dict()
    payload = {key: json_value(data[key]) for key in BUDGET_KEYS}
    payload["threshold"] = echo(result.threshold)
    parameters = parameters_payload(result.model)
    payload.update(parameters)
    payload.update({key: json_value(value) for key, value in data.items() if key not in payload})
    return payload


def survival_payload(model: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """``S(N)`` at one or more ``N``: ``rows`` of ``generations``, ``survival``, ``log_survival``, ``survival_decimal``.

    With a single ``N`` its row's keys are also at the top level.
    """
    payload: dict[str, Any] = {"model": model.name, **parameters_payload(model)}
    clean = [{key: json_value(value) for key, value in row.items()} for row in rows]
    if len(clean) == 1:
        payload.update(clean[0])
    payload["rows"] = clean
    return payload


def comparison_payload(rows: list[Any], **inputs: Any) -> dict[str, Any]:
    """``bounds compare``: the inputs, then one object per row (label, budget, ...)."""
    return {**{key: echo(value) for key, value in inputs.items()}, "rows": [json_value(row.to_dict()) for row in rows]}


def interval_payload(interval: Any) -> dict[str, Any]:
    """A dependence-free interval on ``S(N)`` (inputs ``epsilon``, ``rho`` echoed exactly)."""
    return with_inputs(interval.to_dict(), epsilon=interval.epsilon, rho=interval.rho)


def budget_interval_payload(result: Any) -> dict[str, Any]:
    """Guaranteed and possible budgets under any dependence."""
    return with_inputs(result.to_dict(), epsilon=result.epsilon, rho=result.rho, threshold=result.threshold)


def evidence_payload(data: Mapping[str, Any], **inputs: Any) -> dict[str, Any]:
    """``bounds evidence``: the evidence bound's outputs with the inputs echoed exactly."""
    return with_inputs(data, **inputs)


def distribution_payload(result: Any, **inputs: Any) -> dict[str, Any]:
    """A distribution of budgets for an uncertain rate."""
    return with_inputs(result.to_dict(), **inputs)


def claim_payload(claim: Any) -> dict[str, Any]:
    """``bounds claim``: ``survival``, ``stated``, ``consistent``, ``generations``, ``p_range`` and more."""
    return claim.to_dict()


def describe_payload(model: Any, summary: Mapping[str, Any]) -> dict[str, Any]:
    """A model's summary: the parameters echoed exactly, the derived quantities as numbers."""
    parameters = parameters_payload(model)
    payload: dict[str, Any] = {}
    for key, value in summary.items():
        if isinstance(value, Mapping) and "model" in value and hasattr(model, key):
            payload[key] = describe_payload(getattr(model, key), value)  # a wrapped model's own summary
        elif key in parameters:
            payload[key] = parameters[key]
        else:
            payload[key] = json_value(value)
    return payload


def error_payload(error: BaseException, exit_code: int) -> dict[str, Any]:
    """A ``--json`` error: ``error`` (the message), ``type``, ``parameter``, ``valid``, ``value``, ``exit_code``.

    ``parameter``, ``valid`` and ``value`` are those of a :class:`~bounds.errors.ParameterError`
    (the value as the user gave it, as text) and ``null`` for other errors.

    >>> error_payload(ParameterError("--epsilon", "in [0, 1]", "1.5"), 2)["valid"]
    'in [0, 1]'
    """
    message = " ".join(str(error).split())
    payload: dict[str, Any] = {
        "error": message,
        "type": type(error).__name__ if isinstance(error, BoundsError) else "InternalError",
        "parameter": None,
        "valid": None,
        "value": None,
        "exit_code": exit_code,
    }
    if isinstance(error, ParameterError):
        payload.update(parameter=error.name, valid=error.valid, value=_shown(error.value))
    return payload


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    try:
        return str(value)[:200]
    except ValueError:
        return f"<{type(value).__name__} too large to print>"
