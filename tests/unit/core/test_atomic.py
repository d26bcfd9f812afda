"""core/atomic.py: a final name holds the old file or the whole new one, never half of one."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ntm_analysis.core.atomic import atomic_path, replace_dir, write_atomic, write_text_atomic


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


def test_a_folder_is_published_whole_replacing_the_old_one(tmp_path: Path) -> None:
    final = tmp_path / "hearing" / "180-trang-dinh"
    staged = tmp_path / "staging" / "180-trang-dinh"
    staged.mkdir(parents=True)
    (staged / "brief.html").write_text("new", encoding="utf-8")
    assert replace_dir(staged, final) == final  # the parent is made on the way
    assert (final / "brief.html").read_text(encoding="utf-8") == "new"
    assert not staged.exists()

    again = tmp_path / "staging" / "again"
    (again / "charts").mkdir(parents=True)
    (again / "charts" / "a.png").write_bytes(b"png")
    replace_dir(again, final)
    assert sorted(p.name for p in final.iterdir()) == ["charts"], "no file of the old folder"
    assert os.listdir(final.parent) == ["180-trang-dinh"], "the old folder is not kept aside"


def test_a_folder_left_aside_by_a_crash_is_removed_next_time(tmp_path: Path) -> None:
    aside = tmp_path / ".pack.old-x1y2" / "pack"
    aside.mkdir(parents=True)
    staged = tmp_path / "new"
    staged.mkdir()
    replace_dir(staged, tmp_path / "pack")
    assert sorted(os.listdir(tmp_path)) == ["pack"]


def test_a_failed_folder_publish_keeps_the_old_folder(tmp_path: Path) -> None:
    final = tmp_path / "pack"
    final.mkdir()
    (final / "brief.html").write_text("old", encoding="utf-8")
    with pytest.raises(OSError):
        replace_dir(tmp_path / "missing", final)
    assert (final / "brief.html").read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["pack"]
