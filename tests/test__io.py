"""Files in and out (issue 11): bounded reads of regular files only; atomic writes that clean up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bounds._io import DEFAULT_MAX_FILE_BYTES, excerpt, max_file_bytes, read_text, write_atomic
from bounds.errors import BoundsError
from tests.conftest import make_device_node

ROOT = Path(__file__).resolve().parents[1]


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


# -- writing -----------------------------------------------------------------------------------


def test_writes_text_and_bytes(tmp_path: Path) -> None:
    target = write_atomic(tmp_path / "a.txt", "héllo")
    assert target.read_text(encoding="utf-8") == "héllo"
    write_atomic(tmp_path / "a.txt", b"\x00\x01")
    assert (tmp_path / "a.txt").read_bytes() == b"\x00\x01"
    assert _names(tmp_path) == ["a.txt"]  # no temporary left behind


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BoundsError, match="does not exist"):
        write_atomic(tmp_path / "missing" / "a.txt", "x")


def test_failure_keeps_the_old_file_and_removes_the_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "keep.txt"
    target.write_text("old")

    def broken_replace(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("bounds._io.os.replace", broken_replace)
    with pytest.raises(BoundsError, match="no space left"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert _names(tmp_path) == ["keep.txt"]


def test_interrupt_during_the_write_removes_the_temporary(tmp_path: Path) -> None:
    from bounds._io import atomic_output

    with pytest.raises(KeyboardInterrupt), atomic_output(tmp_path / "out.csv", "w", encoding="utf-8") as stream:
        stream.write("half")
        assert len(_names(tmp_path)) == 1  # the temporary, beside the target
        raise KeyboardInterrupt
    assert _names(tmp_path) == []


def test_symlink_keeps_the_link_and_updates_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert _names(tmp_path) == ["link.txt", "real.txt"]


def test_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "new.txt")
    write_atomic(link, "x")
    assert link.is_symlink() and (tmp_path / "new.txt").read_text() == "x"


def test_existing_permissions_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "script.sh"
    target.write_text("old")
    target.chmod(0o750)
    write_atomic(target, "new")
    assert target.stat().st_mode & 0o777 == 0o750


@pytest.mark.parametrize("kind", ["directory", "fifo", "device", "empty", "slash"])
def test_refused_targets_are_left_untouched(tmp_path: Path, kind: str) -> None:
    if kind == "directory":
        path: str = str(tmp_path / "folder")
        os.mkdir(path)
    elif kind == "fifo":
        path = str(tmp_path / "pipe")
        os.mkfifo(path)
    elif kind == "device":
        path = make_device_node(tmp_path)
    elif kind == "empty":
        path = ""
    else:
        os.mkdir(tmp_path / "folder")
        path = str(tmp_path / "folder") + "/"
    before = os.stat(path) if path else None
    with pytest.raises(BoundsError):
        write_atomic(path, "x")
    if before is not None:
        after = os.stat(path)
        assert (after.st_ino, after.st_mode, after.st_size) == (before.st_ino, before.st_mode, before.st_size)
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


@pytest.mark.slow
def test_sigterm_during_a_sweep_leaves_no_temporary(tmp_path: Path) -> None:
    # a grid of 10**10 points takes hours; kill it as soon as its temporary CSV exists
    target = tmp_path / "grid.csv"
    with subprocess.Popen(
        [sys.executable, "-m", "bounds", "sweep", "--epsilon", "log:1e-6:1e-1:100000",
         "-T", "lin:0.01:0.99:100000", "-o", str(target)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    ) as process:
        try:
            deadline = time.monotonic() + 120  # a hang guard, not a speed test
            while not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]:
                assert process.poll() is None, "the sweep ended before it wrote anything"
                assert time.monotonic() < deadline, "the sweep never started writing"
                time.sleep(0.05)
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 128 + signal.SIGTERM
    assert _names(tmp_path) == []


# -- reading -----------------------------------------------------------------------------------


def test_reads_a_regular_file(tmp_path: Path) -> None:
    path = tmp_path / "spec.toml"
    path.write_text('model = "independent"\n', encoding="utf-8")
    assert read_text(path, "spec file") == 'model = "independent"\n'


@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_special_files_are_refused_at_once(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)  # no writer: a plain open() would block forever
        expected = "FIFO"
    elif kind == "directory":
        path = tmp_path
        expected = "directory"
    else:
        path = Path("/dev/zero")  # endless: a plain read() would never return
        expected = "device"
    with pytest.raises(BoundsError, match=f"must be a regular file, but it is .*{expected}"):
        read_text(path, "spec file")


def test_size_cap_is_documented_and_overridable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert max_file_bytes() == DEFAULT_MAX_FILE_BYTES == 8 * 2**20
    path = tmp_path / "big.txt"
    path.write_bytes(b"0.001\n" * 100)
    monkeypatch.setenv("BOUNDS_MAX_FILE_BYTES", "599")
    with pytest.raises(BoundsError, match="too large: 600 bytes, the limit is 599"):
        read_text(path)
    monkeypatch.setenv("BOUNDS_MAX_FILE_BYTES", "600")
    assert len(read_text(path)) == 600
    monkeypatch.setenv("BOUNDS_MAX_FILE_BYTES", "lots")
    with pytest.raises(BoundsError, match="BOUNDS_MAX_FILE_BYTES must be a whole number"):
        read_text(path)


def test_errors_never_quote_the_contents(tmp_path: Path) -> None:
    secret = "root:$6$secret-hash:19000:0:99999:7:::"
    path = tmp_path / "shadow"
    path.write_bytes(secret.encode() + b"\xff\n")
    with pytest.raises(BoundsError) as caught:
        read_text(path, "rates file")
    assert "secret" not in str(caught.value) and "not UTF-8" in str(caught.value)


def test_null_byte_and_missing_paths(tmp_path: Path) -> None:
    with pytest.raises(BoundsError, match="null byte"):
        read_text("a\x00b")
    with pytest.raises(BoundsError, match="does not exist"):
        read_text(tmp_path / "missing")


def test_excerpt_is_short_and_escaped() -> None:
    assert excerpt("abc") == "'abc'"
    shown = excerpt("x" * 100 + "\n", 10)
    assert shown == "'xxxxxxxxxx...'"
    assert excerpt("a\nb\x1b") == "'a\\nb\\x1b'"


def test_data_files_are_read_whole_capped_and_as_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "data.csv"
    path.write_text("generation,trials,failures\n")
    assert read_text(path, "data file").startswith("generation")
    monkeypatch.setenv("BOUNDS_MAX_FILE_BYTES", "10")
    with pytest.raises(BoundsError, match="data file"):
        read_text(path, "data file")
    monkeypatch.delenv("BOUNDS_MAX_FILE_BYTES")
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(BoundsError, match="not UTF-8"):
        read_text(path, "data file")
    with pytest.raises(BoundsError, match="does not exist"):
        read_text(tmp_path / "missing.csv", "data file")
