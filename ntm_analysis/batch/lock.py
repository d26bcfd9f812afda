"""One batch at a time per output folder.

``output_lock`` holds an exclusive ``flock`` on ``OUT/.lock`` while a batch writes to ``OUT``.
The operating system releases it when the process ends, however it ends (a crash, a kill),
so a stale lock never needs deleting — and the file itself is never deleted, since a second
process could otherwise lock a new file while the first still holds the old one. The file
names the holder (process id, run id, start time) for the message a second batch shows,
which is written in the user's language (``OutputError.render(lang)``, keys ``error.output.*``).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

from ntm_analysis.core.errors import MessageError, Msg, os_reason
from ntm_analysis.core.provenance import now

__all__ = ["LOCK_FILE", "OutputError", "OutputLocked", "output_lock"]

LOCK_FILE = ".lock"
# what the lock file says about its holder (read back for the other batch's message)
_HOLDER = "process {pid}, run {run}, started {started}"
_HOLDER_RE = re.compile(r"process (?P<pid>\d+), run (?P<run>.+), started (?P<started>.+)")


class OutputError(MessageError):
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
            Msg("error.output.unwritable", out=str(out), reason=os_reason(exc))
        ) from exc
    try:
        if not _try_lock(fd):
            holder = ""
            with contextlib.suppress(OSError):
                holder = path.read_text(encoding="utf-8").strip()
            raise OutputLocked(Msg("error.output.locked", out=str(out), holder=_holder(holder)))
        # the holder's description, for the message above (the lock is what counts)
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, _HOLDER.format(pid=os.getpid(), run=run_id, started=now()).encode())
        try:
            yield path
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the lock


def _holder(text: str) -> Msg | str:
    """Who holds the lock, in words of either language; text written otherwise (by another
    version) is shown as it is."""
    if not text:
        return Msg("error.output.holder_starting")
    found = _HOLDER_RE.fullmatch(text)
    return Msg("error.output.holder", **found.groupdict()) if found else text
