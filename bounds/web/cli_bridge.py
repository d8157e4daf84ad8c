"""From a query string to a ``bounds`` command line, generated from the CLI parser and the model registry.

Nothing here is a hand-kept list per command or per model family: the allowed query
parameters of ``/api/<command>`` are the options of that subcommand's argparse parser
(minus the ones that name files on the server), and the fields of a model family are its
declared parameters (:func:`~bounds.models.parameters.declared_parameters`, minus files). A new
CLI option or a new registered family appears in the API and on the page by itself.

User text is never evaluated: option values become argv strings for argparse, and family
fields become TOML strings (arrays and inline tables are parsed as TOML data) for the
model's own parsers.

Examples
--------
>>> bridge = CliBridge()
>>> bridge.argv("budget", {"model": ["independent"], "epsilon": ["0.001"], "threshold": ["0.605"]})
(['budget', '--epsilon=0.001', '--threshold=0.605', '--json'], None)
>>> [field.name for field in bridge.families["geometric"].fields]
['epsilon1', 'ratio']
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bounds.cli._core import COMMANDS, UsageError, build_parser
from bounds.errors import BoundsError
from bounds.models import registry
from bounds.models.parameters import Parameter, declared_parameters

__all__ = ["SPEC_PLACEHOLDER", "CliBridge", "Family", "Field", "Option", "WebInputError", "spec_toml"]

#: Replaced inside the worker by the path of the spec file it writes (in its private memory-backed folder).
SPEC_PLACEHOLDER = "{spec}"
#: Commands whose results are only files on the server (figures, CSV), or that start servers.
_FILE_COMMANDS = frozenset({"serve", "plot", "sweep"})
#: Query parameters the web layer itself reads (never forwarded to the CLI).
WEB_PARAMETERS = frozenset({"model", "download"})
_TRUE, _FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"", "0", "false", "no", "off"})


class WebInputError(UsageError):
    """A query parameter the CLI does not know, or given in a form it cannot take."""


@dataclass(frozen=True)
class Option:
    """One CLI option as a query parameter: ``name`` is its dest (``epsilon_interval``)."""

    name: str
    flag: str
    help: str
    kind: str  # "value", "flag", "many" (nargs or append)
    required: bool
    choices: tuple[str, ...] | None


@dataclass(frozen=True)
class Field:
    """One key of a family's spec table; ``nested`` when it is a model table itself (``base``)."""

    name: str
    required: bool
    nested: bool
    help: str


@dataclass(frozen=True)
class Family:
    """A registered model family: its spec name, summary line and fields."""

    name: str
    summary: str
    fields: tuple[Field, ...]


def _names_a_file(action: argparse.Action) -> bool:
    metavar = action.metavar if isinstance(action.metavar, str) else ""
    return bool(re.search(r"FILE|CSV", metavar)) or action.dest == "output"


def _needs_a_file(parser: argparse.ArgumentParser) -> bool:
    """Whether every way to give a required input names a file other than a spec (``fit --data``)."""
    groups = [group._group_actions for group in parser._mutually_exclusive_groups if group.required]
    groups += [[action] for action in parser._actions if action.required]
    return any(all(_names_a_file(a) and a.dest != "spec" for a in group) for group in groups)


def _option(action: argparse.Action) -> Option:
    flag = max(action.option_strings, key=len)
    if isinstance(action, argparse._StoreTrueAction):
        kind = "flag"
    elif isinstance(action, (argparse._AppendAction, argparse._ExtendAction)) or action.nargs not in (None, "?"):
        kind = "many"
    else:
        kind = "value"
    choices = tuple(str(choice) for choice in action.choices) if action.choices else None
    return Option(action.dest, flag, action.help or "", kind, bool(action.required), choices)


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _spec_keys(cls: type) -> list[Field]:
    """The keys of ``cls``'s spec table, from its declared parameters (files on the server are never offered)."""
    declared = [record for record in declared_parameters(cls) if record.domain.kind != "file"]
    offered = {record.name for record in declared}
    return [Field(record.name, record.required, record.nested, _help(record, offered)) for record in declared]


def _help(record: Parameter, offered: set[str]) -> str:
    """The parameter's doc line with its valid values, and what it is given instead of."""
    text = record.doc if record.nested else f"{record.doc}; {record.domain.phrase}"
    instead = [name for name in record.alternatives if name in offered]
    return text + (" (instead of " + " and ".join(instead) + ")" if instead else "")


def _first_sentence(text: str, cut: bool = True) -> str:
    """Plain text (reST roles and literals unwrapped), up to the first full stop when ``cut``."""
    text = re.sub(r":\w+:`([^`]*)`", r"\1", " ".join(text.split())).replace("``", "")
    return text.split(". ")[0].rstrip(".") if cut else text


def _families() -> dict[str, Family]:
    families = {}
    for name in registry.registered():
        cls = registry.family(name)
        summary = _first_sentence((inspect.getdoc(cls) or "").split("\n\n", 1)[0], cut=False)
        families[name] = Family(name, summary, tuple(_spec_keys(cls)))
    return families


class CliBridge:
    """The commands, options and families the web layer offers, read once from the CLI and the registry."""

    def __init__(self) -> None:
        parsers = _subparsers(build_parser())
        self.options: dict[str, dict[str, Option]] = {}
        self.model_options: dict[str, bool] = {}
        for name, parser in parsers.items():
            if name in _FILE_COMMANDS or name not in COMMANDS:
                continue
            actions = [a for a in parser._actions if a.option_strings and a.dest not in ("help", "json")]
            if _needs_a_file(parser):
                continue
            self.model_options[name] = any(a.dest == "spec" for a in actions)
            self.options[name] = {a.dest: _option(a) for a in actions if not _names_a_file(a)}
            self.options[name].pop("spec", None)
        self.help = {name: COMMANDS[name].help for name in self.options}
        self.families = _families()

    def argv(
        self, command: str, query: Mapping[str, Sequence[str]], use_spec: bool = False
    ) -> tuple[list[str], str | None]:
        """The CLI argv for ``command`` and the spec TOML it reads (``None`` when no spec is needed).

        ``query`` maps each parameter to its values (repeated parameters give several). The
        independent family is given as ``--epsilon``/``--p`` (as a user types it) unless ``use_spec``.
        """
        options = self.options[command]
        # an empty form field means "not given", as an option left off the command line
        query = {key.replace("-", "_"): [v for v in values if v.strip()] for key, values in query.items()}
        query = {key: values for key, values in query.items() if values}
        spec = None
        family = _single(query, "model")
        if family is not None and (family != "independent" or use_spec):
            if not self.model_options[command]:
                raise WebInputError(f"/api/{command} takes no model family; drop 'model={family}'")
            spec, used = self.spec(family, query)
            query = {key: values for key, values in query.items() if key not in used}
        argv = [command]
        for key, values in query.items():
            if key in WEB_PARAMETERS:
                continue
            if key not in options:
                allowed = ", ".join(sorted(set(options) | {"model"}))
                raise WebInputError(f"unknown parameter {key!r} for /api/{command} (allowed: {allowed})")
            argv += _arguments(options[key], values)
        if spec is not None:
            argv.append(f"--spec={SPEC_PLACEHOLDER}")
        if COMMANDS[command].json_option:
            argv.append("--json")
        return argv, spec

    def spec(self, family: str, query: Mapping[str, Sequence[str]]) -> tuple[str, set[str]]:
        """The TOML spec of ``family`` from the query's field values, and the parameters it consumed."""
        if family not in self.families:
            raise WebInputError(f"'model' must be one of {', '.join(self.families)}, got {family!r}")
        table: dict[str, Any] = {"model": family}
        used = {"model"}
        for field in self.families[family].fields:
            text = _single(query, field.name)
            if text is None or text.strip() == "":
                continue
            used.add(field.name)
            table[field.name] = field_value(field, text)
        return spec_toml(table), used


def _single(query: Mapping[str, Sequence[str]], key: str) -> str | None:
    values = query.get(key, [])
    if len(values) > 1:
        raise WebInputError(f"parameter {key!r} given {len(values)} times; give it once")
    return values[0] if values else None


def _arguments(option: Option, values: Sequence[str]) -> list[str]:
    if option.kind == "flag":
        value = _single({option.name: values}, option.name) or ""
        if value.lower() not in _TRUE | _FALSE:
            raise WebInputError(f"parameter {option.name!r} is a switch: give true or false, got {value!r}")
        return [option.flag] if value.lower() in _TRUE else []
    if option.kind == "value":
        # --opt=value, so that a value starting with '-' is never read as an option
        return [f"{option.flag}={_single({option.name: values}, option.name)}"]
    words = [word for value in values for word in value.split()]
    return [option.flag, *words] if words else []


def field_value(field: Field, text: str) -> Any:
    """A field's TOML value: ``[...]`` and ``{...}`` are TOML data, anything else an exact-decimal string."""
    text = text.strip()
    if not (field.nested or text[:1] in "[{"):
        return text
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except (tomllib.TOMLDecodeError, RecursionError):
        what = (
            'an inline TOML table such as {model = "independent", epsilon = "0.001"}'
            if field.nested
            else ('a TOML array such as ["0.5", "0.5"]')
        )
        raise BoundsError(f"{field.name} must be {what}, got {text!r}") from None


def spec_toml(table: Mapping[str, Any]) -> str:
    """``table`` as a TOML document (strings, numbers, booleans, arrays and inline tables).

    Examples
    --------
    >>> print(spec_toml({"model": "finite-mixture", "weights": ["0.5", "0.5"], "base": {"epsilon": "1e-3"}}))
    model = "finite-mixture"
    weights = ["0.5", "0.5"]
    base = {epsilon = "1e-3"}
    <BLANKLINE>
    """
    return "".join(f"{_key(key)} = {_toml(value)}\n" for key, value in table.items())


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Sequence):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
