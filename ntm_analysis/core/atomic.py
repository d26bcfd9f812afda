"""Write files so that a reader never sees half of one.

Every output goes to a temporary file in the destination folder and is renamed into place
(``os.replace`` is atomic on one filesystem): if the process dies mid-write, the previous
version, or nothing, is what remains under the final name.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once at import: changing the umask later, even briefly, would race with other threads.
_UMASK = _read_umask()


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp makes the file private (0600); give it the permissions a plain open() would,
        # so reports on a shared folder stay readable by colleagues.
        os.chmod(tmp_path, 0o666 & ~_UMASK)
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_atomic(path: str | Path, writer: Callable[[Path], object]) -> Path:
    """Call ``writer(tmp)`` and rename the result to ``path``."""
    with atomic_path(path) as tmp:
        writer(tmp)
    return Path(path)


def write_text_atomic(path: str | Path, text: str) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def replace_dir(staged: str | Path, final: str | Path) -> Path:
    """Publish the complete folder ``staged`` under the name ``final`` (same filesystem).

    A folder cannot be swapped in one atomic step, so the old one is first renamed aside
    (``.<name>.old-*`` beside it), the new one renamed into place, and the old one removed:
    a reader sees the whole old folder, then for an instant none, then the whole new one —
    never a mix of both. Aside folders left by a crash between the renames are removed by the
    next call.
    """
    import shutil

    staged, final = Path(staged), Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    for stale in final.parent.glob(f".{final.name}.old-*"):
        shutil.rmtree(stale, ignore_errors=True)
    aside = None
    if final.exists():
        aside = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=final.parent))
        os.replace(final, aside / final.name)
    try:
        os.replace(staged, final)
    except OSError:
        if aside is not None:  # put the old folder back: never leave the name empty
            os.replace(aside / final.name, final)
            shutil.rmtree(aside, ignore_errors=True)
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)
    return final
