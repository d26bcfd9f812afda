"""One batch at a time per output folder.

``output_lock`` holds an exclusive ``flock`` on ``OUT/.lock`` while a batch writes to ``OUT``.
The operating system releases it when the process ends, however it ends (a crash, a kill),
so a stale lock never needs deleting — and the file itself is never deleted, since a second
process could otherwise lock a new file while the first still holds the old one. The file
names the holder (process id, run id, start time) for the message a second batch shows.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from .provenance import now

__all__ = ["LOCK_FILE", "OutputError", "OutputLocked", "output_lock"]

LOCK_FILE = ".lock"


class OutputError(ValueError):
    """The output folder cannot be used (it cannot be created or written to)."""


class OutputLocked(OutputError):
    """Another batch is writing to the output folder."""


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: lock the first byte instead
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def output_lock(out: str | Path, run_id: str) -> Iterator[Path]:
    """Hold ``OUT/.lock`` for this run; raise ``OutputLocked`` naming the other run if busy."""
    out = Path(out)
    path = out / LOCK_FILE
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise OutputError(
            f"cannot write to the output folder {out}: {exc.strerror or exc}"
        ) from exc
    try:
        if not _try_lock(fd):
            holder = ""
            with contextlib.suppress(OSError):
                holder = path.read_text(encoding="utf-8").strip()
            raise OutputLocked(
                f"another ntm batch is writing to {out} "
                f"({holder or 'a process that has just started'}); wait for it to finish or "
                "use another --out folder"
            )
        # the holder's description, for the message above (the lock is what counts)
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"process {os.getpid()}, run {run_id}, started {now()}".encode())
        try:
            yield path
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the lock
