"""A pool of worker processes with a time and a memory limit per job, that the event loop awaits.

``concurrent.futures.ProcessPoolExecutor`` cannot stop one task, so the pool is our own: each
worker is a fresh interpreter (``python -m bounds.web.workers``: no fork of a threaded server,
no re-import of the server's main module) on one end of a socket pair. A job that runs past
its time limit gets its worker terminated and replaced (:class:`Overloaded`, HTTP 503). The
memory limit is ``RLIMIT_AS``, set in the worker before it imports anything, so an allocation
beyond it is a ``MemoryError`` inside the CLI: its one-line "needs more memory" message, which
the web layer also answers with 503. While a worker computes, the server's event loop only
waits on the socket, so other requests are still answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

__all__ = ["Limits", "Overloaded", "WorkerPool"]


class Overloaded(Exception):
    """A job that could not run within the limits; the message says which limit and what to do."""


@dataclass(frozen=True)
class Limits:
    """Per-job limits: seconds of wall time, megabytes of address space per worker, and workers."""

    timeout: float = 10.0
    memory_mb: int = 2048
    workers: int = 2


def _serve(conn: Connection, memory_bytes: int, folder: Path) -> None:
    """The worker's loop: set the limits, import the CLI once, then run jobs until the socket closes."""
    import resource

    # one thread per numeric library: two workers share two cores, and thread arenas would eat the limit
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # temporary files (pdflatex's, in bounds.report.latex) go to the private folder too, not to disk
    os.environ["TMPDIR"] = str(folder)
    from bounds.web import jobs

    jobs.use_private_folder(folder)  # made, and removed at the end, by the pool
    jobs.execute({"kind": "cli", "argv": ["budget", "--epsilon=0.001", "--threshold=0.605"]})  # warm the imports
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        try:
            result: Any = jobs.execute(job)
        except MemoryError:
            result = {"exit": 2, "stdout": "", "stderr": f"bounds: error: {jobs.MEMORY_MESSAGE}\n", "file": None}
        except Exception as error:  # noqa: BLE001 - a bug in a job must not take the worker down
            result = {"exit": 1, "stdout": "", "stderr": f"bounds: internal error: {error!r}\n", "file": None}
        conn.send(result)


class _Worker:
    def __init__(self, memory_mb: int) -> None:
        ours, theirs = socket.socketpair()
        # the child finds this copy of bounds first, whichever way the server was started
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        from bounds.web.jobs import make_private_folder

        self.folder = make_private_folder()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bounds.web.workers", str(theirs.fileno()), str(memory_mb), str(self.folder)],
            pass_fds=(theirs.fileno(),),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stopping it stops pdflatex with it
        )
        theirs.close()
        self.conn = Connection(ours.detach())

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        # only while the worker is not yet reaped: its process group id cannot have been reused
        for stop_signal in (signal.SIGTERM, signal.SIGKILL) if self.process.returncode is None else ():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, stop_signal)  # the worker and whatever it started
            try:
                self.process.wait(2)
                break
            except subprocess.TimeoutExpired:
                continue
        shutil.rmtree(self.folder, ignore_errors=True)  # with the spec of a job that was stopped


async def _readable(conn: Connection, timeout: float) -> bool:
    """Whether ``conn`` has data within ``timeout`` seconds, without blocking the event loop."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[bool] = loop.create_future()
    descriptor = conn.fileno()

    def wake() -> None:
        if not ready.done():
            ready.set_result(True)

    loop.add_reader(descriptor, wake)
    try:
        await asyncio.wait_for(ready, timeout)
        return True
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(descriptor)


class WorkerPool:
    """``await pool.run(job)``: the job's result, or :class:`Overloaded` when a limit was hit."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._starting: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Start the workers and wait until each has imported the CLI."""
        await asyncio.gather(*(self._add() for _ in range(self.limits.workers)))

    async def _add(self) -> None:
        worker = await asyncio.to_thread(_Worker, self.limits.memory_mb)
        self._all.add(worker)
        try:
            # start-up imports take a second or two; they are not charged to any request
            ready = await _readable(worker.conn, 120) and await asyncio.to_thread(worker.conn.recv) == "ready"
        except (EOFError, OSError):
            ready = False
        except asyncio.CancelledError:
            self._retire(worker)
            raise
        if ready:
            self._idle.put_nowait(worker)
        else:  # a worker that cannot start (a broken install): its stderr says why
            self._retire(worker)

    def _retire(self, worker: _Worker) -> None:
        self._all.discard(worker)
        worker.stop()

    def _replace(self, worker: _Worker) -> None:
        self._retire(worker)
        task = asyncio.get_running_loop().create_task(self._add())
        self._starting.add(task)
        task.add_done_callback(self._starting.discard)

    async def run(self, job: dict[str, Any]) -> dict[str, Any]:
        limit = self.limits.timeout
        try:
            worker = await asyncio.wait_for(self._idle.get(), limit)
        except TimeoutError:
            raise Overloaded(f"every worker stayed busy for {limit:g} s; try again in a moment") from None
        try:
            worker.conn.send(job)
            if not await _readable(worker.conn, limit):
                self._replace(worker)
                raise Overloaded(
                    f"the computation took longer than the limit of {limit:g} s per request and was stopped; "
                    "ask for less (fewer draws, a smaller N) or run it with the bounds CLI"
                )
            result: dict[str, Any] = await asyncio.to_thread(worker.conn.recv)
        except (EOFError, OSError):
            self._replace(worker)
            raise Overloaded(
                f"the computation exceeded the memory limit of {self.limits.memory_mb} MB and its worker "
                "was stopped; ask for less or run it with the bounds CLI"
            ) from None
        except BaseException:
            if worker in self._all:
                self._replace(worker)  # cancelled mid-job: the worker's state is unknown
            raise
        self._idle.put_nowait(worker)
        return result

    async def close(self) -> None:
        for task in list(self._starting):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for worker in list(self._all):
            self._retire(worker)


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1])), int(sys.argv[2]) * 2**20, Path(sys.argv[3]))
