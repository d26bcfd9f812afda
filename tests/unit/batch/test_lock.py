"""batch/lock.py: one batch at a time per output folder, named in the other's message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ntm_analysis.batch.lock import LOCK_FILE, OutputError, OutputLocked, output_lock

# holds the lock of the folder given as argv[1] until stdin closes
_HOLD = """
import sys
from ntm_analysis.batch.lock import output_lock
with output_lock(sys.argv[1], "run-held-elsewhere"):
    print("locked", flush=True)
    sys.stdin.read()
"""


def _holder(out: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_the_lock_names_its_run_while_held_and_is_released_after(tmp_path: Path) -> None:
    out = tmp_path / "reports"  # made on the way
    with output_lock(out, "run-1") as path:
        assert path == out / LOCK_FILE
        text = path.read_text(encoding="utf-8")
        assert f"process {os.getpid()}" in text and "run run-1" in text
    assert (out / LOCK_FILE).exists()  # never deleted (see the module doc)
    assert (out / LOCK_FILE).read_text(encoding="utf-8") == ""
    with output_lock(out, "run-2"):  # free again
        pass


def test_a_second_batch_is_refused_naming_the_first_in_either_language(tmp_path: Path) -> None:
    proc = _holder(tmp_path)
    try:
        with pytest.raises(OutputLocked) as caught, output_lock(tmp_path, "run-2"):
            pytest.fail("the lock was taken twice")
        for lang in ("vi", "en"):
            text = caught.value.render(lang)
            assert "run-held-elsewhere" in text and str(proc.pid) in text, text
        assert caught.value.render("vi") != caught.value.render("en")
    finally:
        proc.communicate("")
    with output_lock(tmp_path, "run-3"):  # the holder's exit released it
        pass


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    proc = _holder(tmp_path)
    proc.kill()
    proc.wait()
    with output_lock(tmp_path, "run-after-crash"):
        assert "run-after-crash" in (tmp_path / LOCK_FILE).read_text(encoding="utf-8")


def test_a_lock_file_written_by_another_version_is_shown_as_it_is(tmp_path: Path) -> None:
    proc = _holder(tmp_path)
    try:
        # the holder's description is only a note; the flock is what counts
        (tmp_path / LOCK_FILE).write_text("held by ntm 0.1 on host x", encoding="utf-8")
        with pytest.raises(OutputLocked) as caught, output_lock(tmp_path, "run-2"):
            pass
        assert "held by ntm 0.1 on host x" in caught.value.render("en")
    finally:
        proc.communicate("")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_folder_is_an_output_error_naming_it(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(OutputError) as caught, output_lock(tmp_path / "out", "r"):
            pass
        assert not isinstance(caught.value, OutputLocked)
        assert str(tmp_path / "out") in caught.value.render("en")
    finally:
        tmp_path.chmod(0o700)


def test_a_file_where_the_folder_should_be_is_an_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(OutputError) as caught, output_lock(blocker, "r"):
        pass
    assert str(blocker) in caught.value.render("vi")
