"""Atomic writes: the whole file or the old one, never half."""

from __future__ import annotations

from pathlib import Path

import pytest

from bounds._io import read_bounded, write_atomic
from bounds.errors import BoundsError


def test_writes_text_and_bytes(tmp_path: Path) -> None:
    target = write_atomic(tmp_path / "a.txt", "héllo")
    assert target.read_text(encoding="utf-8") == "héllo"
    write_atomic(tmp_path / "a.txt", b"\x00\x01")
    assert (tmp_path / "a.txt").read_bytes() == b"\x00\x01"
    assert [path.name for path in tmp_path.iterdir()] == ["a.txt"]  # no temporary left behind


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BoundsError, match="does not exist"):
        write_atomic(tmp_path / "missing" / "a.txt", "x")


def test_failure_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "keep.txt"
    target.write_text("old")

    def broken_replace(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("bounds._io.os.replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [path.name for path in tmp_path.iterdir()] == ["keep.txt"]


def test_read_bounded_refuses_missing_oversized_and_binary_files(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("generation,trials,failures\n")
    assert read_bounded(path, "data file").startswith("generation")
    with pytest.raises(BoundsError, match="larger than 10 bytes"):
        read_bounded(path, "data file", max_bytes=10)
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(BoundsError, match="not UTF-8"):
        read_bounded(path, "data file")
    with pytest.raises(BoundsError, match="does not exist"):
        read_bounded(tmp_path / "missing.csv", "data file")
