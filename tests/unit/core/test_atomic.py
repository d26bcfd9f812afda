"""core/atomic.py: a final name holds the old file or the whole new one, never half of one."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ntm_analysis.core.atomic import atomic_path, write_atomic, write_text_atomic


def test_text_written_and_parent_folders_made(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "report.html"
    assert write_text_atomic(path, "xã Tân Thanh") == path
    assert path.read_text(encoding="utf-8") == "xã Tân Thanh"
    assert os.listdir(path.parent) == ["report.html"]  # no temporary left beside it


def test_a_failing_writer_keeps_the_previous_file_and_leaves_no_temporary(
    tmp_path: Path,
) -> None:
    path = tmp_path / "manifest.json"
    write_text_atomic(path, "old")

    def half_then_crash(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_atomic(path, half_then_crash)
    assert path.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["manifest.json"]


def test_a_failing_block_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "new.pdf"
    with pytest.raises(ValueError), atomic_path(path) as tmp:
        tmp.write_bytes(b"%PDF")
        raise ValueError
    assert not path.exists()
    assert os.listdir(tmp_path) == []


def test_the_temporary_is_beside_the_target_so_the_rename_stays_on_one_filesystem(
    tmp_path: Path,
) -> None:
    path = tmp_path / "x.txt"
    with atomic_path(path) as tmp:
        assert tmp.parent == path.parent and tmp != path
        assert not path.exists()  # nothing under the final name until the block succeeds
        tmp.write_text("done", encoding="utf-8")
    assert path.read_text(encoding="utf-8") == "done"


def test_permissions_follow_the_umask_not_the_private_temporary(tmp_path: Path) -> None:
    # mkstemp makes 0600 files; a report on a shared folder must be readable like open()'s
    plain = tmp_path / "plain.txt"
    plain.write_text("x", encoding="utf-8")
    atomic = write_text_atomic(tmp_path / "atomic.txt", "x")
    assert stat.S_IMODE(atomic.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)
