"""Files in and out: bounded reads of regular files, atomic writes that clean up after themselves.

Reading
-------
Every file ``bounds`` reads (``--spec``, a spec's ``file =``, ``--pairwise``, ``--band``)
goes through :func:`read_text`, which

* opens with ``O_NONBLOCK`` and checks with ``fstat`` that the file is a *regular* file
  before reading, so a FIFO, ``/dev/zero``, a terminal or a directory is refused at once
  (never a hang, never an endless read);
* refuses files larger than :func:`max_file_bytes` (default 8 MiB, overridable with the
  environment variable ``BOUNDS_MAX_FILE_BYTES``) and never reads more than that, even from a
  file that grows while it is read;
* never quotes the file's contents in an error: a spec's ``file =`` may name any file on the
  machine, and ``bounds`` must not become a way to print its first line. Where an excerpt
  helps (a line of a CSV file given on the command line), :func:`excerpt` keeps it short and
  escaped.

Writing
-------
:func:`write_atomic` and :func:`atomic_output` write through a temporary file beside the
target and ``os.replace`` it, so a reader sees the old file or the whole new one. The target
is checked first (:func:`output_path`): writing onto a symlink writes to the file it points
at and keeps the link; a directory, a device node, a FIFO or a socket, an empty path and a
path ending in ``/`` are refused with a :class:`~bounds.errors.BoundsError` and left
untouched. The temporary file is removed on any error, on ``SIGINT`` and on ``SIGTERM``
(handlers are installed while a write is under way, in the main thread).
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import IO, Any

from bounds.errors import BoundsError

__all__ = [
    "DEFAULT_MAX_FILE_BYTES",
    "atomic_output",
    "excerpt",
    "max_file_bytes",
    "output_path",
    "read_bytes",
    "read_text",
    "write_atomic",
]

#: The default cap on the size of an input file: 8 MiB (a spec, a rates file or an
#: N x N pairwise matrix for N in the hundreds are far smaller).
DEFAULT_MAX_FILE_BYTES = 8 * 2**20


def max_file_bytes() -> int:
    """The cap on input file sizes: ``BOUNDS_MAX_FILE_BYTES`` if set (bytes, a whole number), else 8 MiB."""
    text = os.environ.get("BOUNDS_MAX_FILE_BYTES")
    if text is None or not text.strip():
        return DEFAULT_MAX_FILE_BYTES
    stripped = text.strip()
    if not (stripped.isascii() and stripped.isdigit()) or len(stripped) > 18:
        raise BoundsError(f"BOUNDS_MAX_FILE_BYTES must be a whole number of bytes, got {excerpt(text)}")
    return int(stripped)


def excerpt(text: str | bytes, limit: int = 40) -> str:
    """A short, escaped quotation of user text for an error message (``repr``, cut to ``limit``)."""
    shown = repr(text[: limit + 1])
    if len(text) > limit:
        shown = repr(text[:limit])[:-1] + "..." + shown[-1]
    return shown


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device node"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _shown_path(path: str | os.PathLike[str]) -> str:
    return excerpt(os.fspath(path), 200)


def read_bytes(path: str | os.PathLike[str], what: str = "file") -> bytes:
    """The contents of the regular file ``path``, at most :func:`max_file_bytes` bytes.

    ``what`` names the file in errors (``"spec file"``, ``"--pairwise"``).

    Raises
    ------
    BoundsError
        For a missing or unreadable file, anything but a regular file (a FIFO, a device such
        as ``/dev/zero``, a directory), or a file over the size cap. The message names the
        path, never the contents.
    """
    limit = max_file_bytes()
    shown = _shown_path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        handle = os.open(path, flags)
    except FileNotFoundError:
        raise BoundsError(f"{what} {shown} does not exist") from None
    except ValueError:  # an embedded null byte
        raise BoundsError(f"{what} {shown} is not a valid path (it contains a null byte)") from None
    except OSError as error:
        raise BoundsError(f"{what} {shown} cannot be read: {error.strerror}") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise BoundsError(f"{what} {shown} must be a regular file, but it is {_kind(info.st_mode)}")
        if info.st_size > limit:
            raise BoundsError(
                f"{what} {shown} is too large: {info.st_size:,} bytes, the limit is {limit:,} "
                "(set BOUNDS_MAX_FILE_BYTES to raise it)"
            )
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(handle, min(2**20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise BoundsError(
                f"{what} {shown} is too large: more than {limit:,} bytes (set BOUNDS_MAX_FILE_BYTES to raise it)"
            )
        return b"".join(chunks)
    except OSError as error:
        raise BoundsError(f"{what} {shown} cannot be read: {error.strerror}") from None
    finally:
        os.close(handle)


def read_text(path: str | os.PathLike[str], what: str = "file") -> str:
    """The contents of the regular file ``path`` as UTF-8 text (see :func:`read_bytes`).

    Examples
    --------
    >>> read_text("/dev/zero", "spec file")
    Traceback (most recent call last):
    ...
    bounds.errors.BoundsError: spec file '/dev/zero' must be a regular file, but it is a device node
    """
    data = read_bytes(path, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BoundsError(
            f"{what} {_shown_path(path)} is not UTF-8 text (invalid byte at offset {error.start})"
        ) from None


# -- output ----------------------------------------------------------------------------------


def output_path(path: str | os.PathLike[str]) -> Path:
    """The file a write to ``path`` should replace: ``path`` itself, or the target of its symlink.

    Raises
    ------
    BoundsError
        For an empty path, a path ending in ``/``, a null byte, a missing folder, or an
        existing directory, device node, FIFO or socket (which are left untouched).
    """
    text = os.fspath(path)
    if not text:
        raise BoundsError("the output path is empty; give a file name")
    if "\0" in text:
        raise BoundsError(f"the output path {excerpt(text)} is not a valid path (it contains a null byte)")
    if text.endswith(("/", os.sep)):
        raise BoundsError(f"the output path {excerpt(text, 200)} ends in '/'; give a file name, not a folder")
    target = Path(text)
    if target.is_symlink():
        # write to the file the link points at, and keep the link
        target = Path(os.path.realpath(target))
    try:
        info = os.stat(target)
    except FileNotFoundError:
        pass
    except OSError as error:
        raise BoundsError(f"cannot write to {excerpt(str(target), 200)}: {error.strerror}") from None
    else:
        if not stat.S_ISREG(info.st_mode):
            raise BoundsError(
                f"cannot write to {excerpt(str(target), 200)}: it is {_kind(info.st_mode)}; "
                "bounds writes only regular files"
            )
    folder = target.parent
    if not folder.is_dir():
        raise BoundsError(f"output folder {excerpt(str(folder), 200)} does not exist")
    return target


# Temporary files of writes under way; the signal handlers remove them before the process dies.
_PENDING: set[str] = set()
_LOCK = threading.Lock()
_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name))
_saved_handlers: dict[int, Any] = {}
_active = [0]  # writes under way in the main thread (nesting depth)


def _remove_pending() -> None:
    for name in list(_PENDING):
        with contextlib.suppress(OSError):
            os.unlink(name)
        _PENDING.discard(name)


def _on_signal(number: int, frame: FrameType | None) -> None:
    _remove_pending()
    if number == getattr(signal, "SIGINT", None):
        raise KeyboardInterrupt
    raise SystemExit(128 + number)


def _install_handlers() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    with _LOCK:
        if _active[0] == 0:
            for number in _SIGNALS:
                _saved_handlers[number] = signal.signal(number, _on_signal)
        _active[0] += 1


def _restore_handlers() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    with _LOCK:
        _active[0] -= 1
        if _active[0] == 0:
            for number, previous in _saved_handlers.items():
                signal.signal(number, previous if previous is not None else signal.SIG_DFL)
            _saved_handlers.clear()


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], mode: str = "wb", **options: Any) -> Iterator[IO[Any]]:
    """A stream whose contents replace ``path`` atomically when the ``with`` block ends without error.

    ``mode`` is ``"wb"`` or ``"w"`` (then ``options`` go to :func:`open`, e.g. ``encoding``).
    The temporary file lives beside the target and is removed on any error, on ``SIGINT`` and
    on ``SIGTERM``; ``path`` is checked by :func:`output_path` first.
    """
    target = output_path(path)
    _install_handlers()
    try:
        try:
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        except OSError as error:
            raise BoundsError(f"cannot write to {excerpt(str(target.parent), 200)}: {error.strerror}") from None
        _PENDING.add(temporary)
        try:
            # mkstemp makes the file private (0600): keep an existing target's permissions,
            # or give a new one those a plain open() would
            try:
                permissions = stat.S_IMODE(os.stat(target).st_mode)
            except OSError:
                umask = os.umask(0)
                os.umask(umask)
                permissions = 0o666 & ~umask
            os.fchmod(handle, permissions)
            with os.fdopen(handle, mode, **options) as stream:
                yield stream
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except OSError as error:
            _discard(temporary)
            if error.errno == errno.ENOSPC:
                raise BoundsError(f"cannot write {excerpt(str(target), 200)}: no space left on the device") from None
            raise BoundsError(f"cannot write {excerpt(str(target), 200)}: {error.strerror or error}") from None
        except BaseException:
            _discard(temporary)
            raise
        finally:
            _PENDING.discard(temporary)
    finally:
        _restore_handlers()


def _discard(temporary: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temporary)


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    Returns ``path`` (when it is a symlink, the link is kept and its target rewritten).

    Raises
    ------
    BoundsError
        When the target cannot be written (see :func:`output_path` and :func:`atomic_output`).
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_output(path) as stream:
        stream.write(payload)
    return Path(path)
