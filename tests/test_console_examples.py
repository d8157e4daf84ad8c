"""Every console example that shows a command's output shows what the command prints today.

A block in README.md or docs/*.md with one ``$ bounds ...`` line followed by output is run
in-process and its stdout compared line for line (a stale "certified by exact rational
arithmetic" once survived a change of certificate this way).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.cli.running import run

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _examples() -> list[tuple[str, str, str]]:
    found = []
    for page in PAGES:
        for block in re.findall(r"```console\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL):
            lines = block.rstrip("\n").splitlines()
            commands = [line for line in lines if line.startswith("$ ")]
            if len(commands) == 1 and lines[0].startswith("$ bounds ") and len(lines) > 1:
                found.append((page.name, lines[0][2:], "\n".join(lines[1:])))
    return found


EXAMPLES = _examples()


def test_the_pages_have_examples_with_output() -> None:
    assert len(EXAMPLES) >= 3 and any(name == "README.md" for name, _, _ in EXAMPLES)


@pytest.mark.parametrize(("page", "command", "shown"), EXAMPLES, ids=[f"{p}: {c}" for p, c, _ in EXAMPLES])
def test_console_example_prints_what_it_shows(
    page: str, command: str, shown: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # examples name files relative to the repository
    code, out, err = run(capsys, *shlex.split(command)[1:])
    assert code == 0, err
    assert out.rstrip("\n") == shown
