"""The pieces of a derivation: relation chains (:class:`Line`) and steps (:class:`Step`).

Both :mod:`bounds.report.derive` (which builds derivations) and
:mod:`bounds.report.latex` (which typesets them) use these, so they live below both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Protocol

from bounds.errors import ParameterError

__all__ = ["STEP_KINDS", "Line", "Provenance", "Step", "Steps", "assumption", "chain", "equation", "result"]

#: What a step can be; renderers may style them differently.
STEP_KINDS = ("assumption", "definition", "equation", "solution", "bound", "certificate", "result", "note")


@dataclass(frozen=True)
class Line:
    r"""One relation chain ``lhs rel_1 rhs_1 rel_2 rhs_2 ...``; all parts are LaTeX math."""

    lhs: str
    rhs: tuple[tuple[str, str], ...] = ()


def chain(lhs: str, *parts: str | tuple[str, str], relation: str = "=") -> Line:
    r"""A :class:`Line`; a bare string part follows ``relation``, a pair gives its own relation.

    Examples
    --------
    >>> chain("S(N)", r"(1-\varepsilon)^N", ("\\ge", "T"))
    Line(lhs='S(N)', rhs=(('=', '(1-\\varepsilon)^N'), ('\\ge', 'T')))
    """
    links = tuple(part if isinstance(part, tuple) else (relation, part) for part in parts)
    return Line(lhs, links)


@dataclass(frozen=True)
class Step:
    """One step of a derivation: prose (``$...$`` for inline math) and display lines.

    Attributes
    ----------
    kind : str
        One of :data:`STEP_KINDS`.
    label : str
        A short heading (``"Survival"``), printed in bold before the prose.
    text : str
        Plain text with ``$...$`` math; escaped for LaTeX by the renderer.
    lines : tuple of Line
        Relation chains displayed in one ``aligned`` block.
    """

    kind: str
    label: str = ""
    text: str = ""
    lines: tuple[Line, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in STEP_KINDS:
            raise ParameterError("kind", f"one of {', '.join(STEP_KINDS)}", self.kind)


def assumption(text: str, label: str = "Assumption") -> Step:
    """A step stating an assumption in words."""
    return Step("assumption", label, text)


def equation(label: str, text: str, *lines: Line, kind: str = "equation") -> Step:
    """A step with prose and one or more relation chains."""
    return Step(kind, label, text, tuple(lines))


def result(label: str, text: str, *lines: Line) -> Step:
    """The final step: what the user quotes."""
    return Step("result", label, text, tuple(lines))


class Steps(Protocol):
    """What a renderer needs of a derivation: a title and its steps."""

    @property
    def title(self) -> str: ...

    @property
    def steps(self) -> Sequence[Step]: ...


@dataclass(frozen=True)
class Provenance:
    """What produced a document: the ``bounds`` version, the call or command line, the UTC date.

    Examples
    --------
    >>> Provenance.now("bounds derive --epsilon 0.002 -T 0.605").version.startswith("0.")
    True
    """

    version: str
    call: str
    date: str

    @classmethod
    def now(cls, call: str) -> Provenance:
        """Today's provenance (``SOURCE_DATE_EPOCH``, when set, fixes the date for reproducible builds)."""
        import os
        from datetime import datetime

        from bounds import __version__

        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        moment = datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit() \
            else datetime.now(UTC)
        return cls(str(__version__), call, moment.strftime("%Y-%m-%d %H:%M UTC"))
