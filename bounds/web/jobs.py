"""What a worker process runs: the CLI in-process, with its stdout and stderr captured.

A job is a plain dict (it crosses a pipe): ``{"kind": "cli", "argv": [...], "spec": toml or None,
"output": file name or None}`` runs ``bounds.cli._core.run(argv)``; ``{"kind": "curve", ...}``
computes the points of the survival plot, ``{"kind": "derivation", ...}`` the derivation as HTML
with MathML; ``{"kind": "batch", "jobs": [...]}`` runs several in
order (one page, one time limit). The spec a command reads, and a file it writes (a PDF), live
in the worker's private folder (memory-backed ``/dev/shm`` where it exists) only while the job
runs: nothing is left on disk.

Examples
--------
>>> import json
>>> result = execute({"kind": "cli", "argv": ["budget", "--epsilon=0.001", "--threshold=0.605", "--json"]})
>>> result["exit"], json.loads(result["stdout"])["budget"]
(0, 502)
>>> execute({"kind": "cli", "argv": ["budget", "--epsilon=nan", "--threshold=0.605"]})["stderr"]
"bounds: error: epsilon must be a finite number, got 'nan'\\n"
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any

__all__ = ["MEMORY_MESSAGE", "execute", "make_private_folder", "private_folder", "use_private_folder"]

#: How the CLI words a MemoryError (``bounds.cli._core._too_large``); the web layer answers it with 503.
MEMORY_MESSAGE = "needs more memory than is available"
_FOLDER: list[Path] = []


def make_private_folder() -> Path:
    """A new scratch folder, readable by its owner only (in RAM where ``/dev/shm`` exists).

    The worker pool makes one per worker and removes it when the worker ends, however it ends.
    """
    shm = Path("/dev/shm")
    base = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix="bounds-web-", dir=base))


def use_private_folder(folder: Path) -> None:
    """Make ``folder`` this process's scratch folder (a worker's, made by the pool)."""
    _FOLDER[:] = [folder]


def private_folder() -> Path:
    """This process's scratch folder (made on first use when no pool gave one)."""
    if not _FOLDER:
        _FOLDER.append(make_private_folder())
    return _FOLDER[0]


def execute(job: dict[str, Any]) -> dict[str, Any]:
    """Run one job and return its result dict (never raises for a bad input)."""
    if job["kind"] == "batch":
        return {"results": [execute(item) for item in job["jobs"]]}
    if job["kind"] == "curve":
        return _curve(job)
    if job["kind"] == "derivation":
        return _derivation(job)
    return _cli(job)


def _cli(job: dict[str, Any]) -> dict[str, Any]:
    from bounds.cli import run  # imported here: the worker pays for it once, at start-up

    stdout, stderr = io.StringIO(), io.StringIO()
    if job.get("spec") is None and not job.get("output"):
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = run(list(job["argv"]))
        return {"exit": code, "stdout": stdout.getvalue(), "stderr": stderr.getvalue(), "file": None}
    folder = private_folder()
    spec_path, output_path = folder / "spec.toml", folder / str(job.get("output") or "output")
    argv = [word.replace("{spec}", str(spec_path)).replace("{output}", str(output_path)) for word in job["argv"]]
    try:
        if job.get("spec") is not None:
            spec_path.write_text(job["spec"], encoding="utf-8")
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = run(argv)
        data = output_path.read_bytes() if code == 0 and job.get("output") and output_path.exists() else None
    finally:
        spec_path.unlink(missing_ok=True)
        output_path.unlink(missing_ok=True)
    # the spec's file name is ours, not the user's: say "spec" where the CLI names the file
    err = stderr.getvalue().replace(f"{str(spec_path)!r}", "'spec'").replace(spec_path.name + ":", "spec:")
    return {"exit": code, "stdout": stdout.getvalue(), "stderr": err, "file": data}


def _model(job: dict[str, Any]) -> Any:
    """The job's model: from its spec, or independent from ``epsilon``/``p`` (as the CLI's options)."""
    from bounds.models.independent import Independent
    from bounds.models.registry import model_from_spec

    if job.get("spec") is not None:
        return model_from_spec(tomllib.loads(job["spec"]), private_folder())
    return Independent(epsilon=job["epsilon"]) if job.get("epsilon") is not None else Independent(p=job["p"])


def _derivation(job: dict[str, Any]) -> dict[str, Any]:
    """The derivation ``bounds derive`` writes (same digits), as HTML with MathML (no network needed).

    ``{"html": None}`` when it cannot be made (the page then shows the CLI's Markdown).
    """
    try:
        from bounds.report.derive import derive
        from bounds.report.html import derivation_html

        return {"html": derivation_html(derive(_model(job).budget(job["threshold"]), digits=6))}
    except Exception:  # noqa: BLE001 - the CLI runs of the page report the input's error
        return {"html": None}


def _curve(job: dict[str, Any]) -> dict[str, Any]:
    """``S(n)`` at about 200 evenly spaced ``n`` up to twice the budget (at least to ``generations``).

    Empty when the model cannot be built or the budget cannot be solved (the page's CLI runs
    report why), or when the axis would pass ``max_end``.
    """
    import numpy as np

    none: dict[str, Any] = {"n": [], "survival": [], "threshold": None, "budget": None}
    try:
        model = _model(job)
        result = model.budget(job["threshold"])
    except Exception:  # noqa: BLE001 - the budget's CLI run has already reported the input's error
        return none
    budget = result.n
    end = max(2 * budget + 2, job["generations"], 10) if budget is not None else max(job["generations"], 1000)
    if end > job["max_end"]:
        return none
    n = np.unique(np.linspace(0, end, 201).round().astype(np.int64))
    values = []
    for count in n.tolist():
        try:
            values.append(float(model.survival(count)))
        except Exception:  # noqa: BLE001 - a point the model cannot evaluate is left out of the plot
            values.append(float("nan"))
    return {"n": n.tolist(), "survival": values, "threshold": float(result.threshold), "budget": budget}
