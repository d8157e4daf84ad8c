"""Atomic file output: a reader never sees a half-written file, a failure leaves the old one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from bounds.errors import BoundsError

__all__ = ["MAX_INPUT_BYTES", "read_bounded", "write_atomic"]

#: Largest input file :func:`read_bounded` accepts (a data or interval file, not a corpus).
MAX_INPUT_BYTES = 16 * 1024 * 1024


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    Raises
    ------
    BoundsError
        When the folder does not exist or is not writable.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise BoundsError(f"output folder {str(folder)!r} does not exist")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise BoundsError(f"cannot write to {str(folder)!r}: {error.strerror}") from None
    # mkstemp makes the file private (0600); give the result the permissions a plain open() would
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(handle, 0o666 & ~umask)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def read_bounded(path: str | os.PathLike[str], what: str = "input file", max_bytes: int = MAX_INPUT_BYTES) -> str:
    """Read a UTF-8 text file of at most ``max_bytes`` bytes.

    Raises
    ------
    BoundsError
        When the file does not exist, cannot be read, is not UTF-8 or is larger than ``max_bytes``
        (the message names ``what`` and the path).
    """
    target = Path(path)
    try:
        with open(target, "rb") as stream:
            payload = stream.read(max_bytes + 1)
    except FileNotFoundError:
        raise BoundsError(f"{what} {str(target)!r} does not exist") from None
    except OSError as error:
        raise BoundsError(f"{what} {str(target)!r} cannot be read: {error.strerror}") from None
    if len(payload) > max_bytes:
        raise BoundsError(f"{what} {str(target)!r} is larger than {max_bytes} bytes")
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BoundsError(f"{what} {str(target)!r} is not UTF-8 text: {error.reason} at byte {error.start}") from None
