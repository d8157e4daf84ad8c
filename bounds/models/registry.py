"""Registry from spec names (``model = "geometric"``) to model constructors.

Adding a model is one module plus one :func:`register` call; the CLI, the
spec reader and ``bounds compare`` find it here, never through edits scattered
across the package (the plug-in design of mpmath's ``@defun``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from bounds.errors import BoundsError, SpecError

__all__ = ["Spec", "family", "load_spec", "model_from_spec", "register", "registered"]

_CONSTRUCTORS: dict[str, Callable[[Spec], Any]] = {}
T = TypeVar("T")


class Spec:
    """A model's table from a spec file, read field by field with clear errors.

    Every key must be consumed: a misspelt ``epsilom`` is an error, not a
    silently ignored line.
    """

    def __init__(self, table: Mapping[str, Any], base_dir: Path, where: str = "spec") -> None:
        self.table = dict(table)
        self.base_dir = base_dir
        self.where = where
        self._used: set[str] = {"model"}

    @property
    def model(self) -> str:
        return str(self.table.get("model"))

    def has(self, key: str) -> bool:
        return key in self.table

    def get(self, key: str, default: Any = ...) -> Any:
        self._used.add(key)
        if key in self.table:
            return self.table[key]
        if default is ...:
            raise SpecError(f"{self.where}: model {self.model!r} needs the field {key!r}")
        return default

    def sub(self, key: str) -> Spec:
        """A nested table (``[base]`` of a wrapper model) as its own Spec."""
        table = self.get(key)
        if not isinstance(table, Mapping):
            raise SpecError(f"{self.where}: {key!r} must be a table")
        return Spec(table, self.base_dir, f"{self.where}.{key}")

    def path(self, key: str) -> Path:
        """A file named in the spec, relative to the spec file's folder."""
        return self.base_dir / str(self.get(key))

    def check_all_used(self) -> None:
        unknown = sorted(set(self.table) - self._used)
        if unknown:
            raise SpecError(f"{self.where}: unknown field(s) {', '.join(map(repr, unknown))} for model {self.model!r}")


def register(name: str) -> Callable[[type[T]], type[T]]:
    """Class decorator: register ``cls.from_spec`` under the spec name ``name``."""

    def decorate(cls: type[T]) -> type[T]:
        if name in _CONSTRUCTORS:
            raise RuntimeError(f"model name {name!r} registered twice")
        _CONSTRUCTORS[name] = cls.from_spec  # type: ignore[attr-defined]
        return cls

    return decorate


def registered() -> list[str]:
    """The spec names of every registered model."""
    return sorted(_CONSTRUCTORS)


def family(name: str) -> type:
    """The model class registered under the spec name ``name``.

    >>> family("independent").__name__
    'Independent'
    """
    if name not in _CONSTRUCTORS:
        raise SpecError(f"'model' must be one of {', '.join(registered())}, got {name!r}")
    return _CONSTRUCTORS[name].__self__  # type: ignore[attr-defined]  # from_spec: a classmethod


def model_from_spec(spec: Spec | Mapping[str, Any], base_dir: Path | None = None) -> Any:
    """Build a model from a spec table (already parsed TOML)."""
    if not isinstance(spec, Spec):
        if not isinstance(spec, Mapping):
            raise SpecError("a model spec must be a table of fields")
        spec = Spec(spec, base_dir or Path.cwd())
    name = spec.table.get("model")
    if not isinstance(name, str) or name not in _CONSTRUCTORS:
        raise SpecError(
            f"{spec.where}: 'model' must be one of {', '.join(registered())}, got {name!r}"
        )
    model = _CONSTRUCTORS[name](spec)
    spec.check_all_used()
    return model


def load_spec(path: str | Path) -> Any:
    """Read a TOML spec file and build its model.

    Numbers may be TOML strings (exact decimals, preferred) or TOML numbers.
    """
    from bounds._io import read_text  # bounded, regular files only (no FIFO, no /dev/zero)

    path = Path(path)
    try:
        table = tomllib.loads(read_text(path, "spec file"))
    except tomllib.TOMLDecodeError as error:
        raise SpecError(f"spec file {str(path)!r} is not valid TOML: {error}") from None
    except RecursionError:
        raise SpecError(f"spec file {str(path)!r} is nested too deeply") from None
    try:
        return model_from_spec(Spec(table, path.parent, path.name))
    except SpecError:
        raise
    except BoundsError as error:
        raise SpecError(f"{path.name}: {error}") from None
