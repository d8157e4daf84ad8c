"""Model objects on a sweep's grid: one model, several, or one with fields varied.

:func:`bounds.batch.sweep.sweep` takes ``model=`` as well as a spec: a model
object (its fields varied by ``axes`` through :func:`dataclasses.replace`, so
each grid point is the model's own class, validated by its own constructor), a
sequence of models or a mapping from labels to models (a leading ``model``
axis). Each point is solved and certified like any other.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from bounds.errors import BoundsError, ParameterError

__all__ = ["model_labels", "vary"]

_EXPECTED = "a model object, a sequence of model objects or a mapping from labels to models"


def _is_model(value: Any) -> bool:
    return callable(getattr(value, "log_survival", None))


def model_labels(model: Any) -> tuple[list[str], list[Any]]:
    """Labels and model objects of ``model=`` (a single model has the label ``""``).

    >>> from bounds import Independent
    >>> model_labels({"slow": Independent(epsilon="0.001")})[0]
    ['slow']
    >>> model_labels([Independent(epsilon="0.001"), Independent(epsilon="0.01")])[0]
    ['Independent(epsilon=0.001)', 'Independent(epsilon=0.01)']
    """
    if _is_model(model):
        return [""], [model]
    if isinstance(model, Mapping):
        labels, models = [str(label) for label in model], list(model.values())
    elif isinstance(model, Sequence) and not isinstance(model, str):
        models = list(model)
        labels = [repr(each) for each in models]
    else:
        raise ParameterError("model", _EXPECTED, model)
    if not models or not all(_is_model(each) for each in models):
        raise ParameterError("model", _EXPECTED, model)
    if len(set(labels)) != len(labels):
        raise ParameterError("model", "distinct labels (give a mapping from label to model)", labels)
    return labels, models


def vary(model: Any, fields: Mapping[str, Any]) -> Any:
    """``model`` with ``fields`` replaced, built (and validated) by the model's own class."""
    if not fields:
        return model
    if not dataclasses.is_dataclass(model) or isinstance(model, type):
        raise ParameterError("axes", f"fields of a dataclass model; {type(model).__name__} has none to vary", model)
    names = {field.name for field in dataclasses.fields(model) if field.init}
    unknown = sorted(set(fields) - names)
    if unknown:
        raise ParameterError("axes", f"fields of {type(model).__name__}: {', '.join(sorted(names))}", unknown)
    try:
        return dataclasses.replace(model, **fields)
    except BoundsError:
        raise
    except (TypeError, ValueError) as error:
        raise ParameterError("axes", f"values {type(model).__name__} accepts", f"{fields}: {error}") from None
