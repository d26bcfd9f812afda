"""One reader per file format, chosen by the file's extension (as pandas' ``io/excel`` does).

``read_table`` is the only entry point: it refuses what cannot be read at all (no file, a
folder, an unknown extension, zero bytes) and hands the rest to the format's reader, which
returns a ``Table``. A new format is a new module here with ``SUFFIXES`` and ``read``, and
one entry in ``_READER_MODULES``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ntm_analysis.io.readers import excel, parquet, text
from ntm_analysis.io.table import Table, fail

Reader = Callable[..., Table]  # read(path, sheet, *, head) -> Table

_READER_MODULES = (text, excel, parquet)
READERS: dict[str, Reader] = {
    suffix: module.read for module in _READER_MODULES for suffix in module.SUFFIXES
}
SUFFIXES = tuple(READERS)  # every extension a panel may have, for messages and tests

__all__ = ["READERS", "SUFFIXES", "check_path", "read_table"]


def read_table(path: Path, sheet: str | int | None = None, *, head: bool = False) -> Table:
    """The file's table; a file that cannot be read at all fails here, alone.

    ``head=True`` may stop after about the first ``HEAD_ROWS`` rows of a large text file
    (``Table.complete`` is then False), so that a large file of something else fails before
    it is read and parsed whole; workbooks and Parquet files are always read whole.
    """
    check_path(path)
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise fail(path, "error.load.unsupported_type", suffix=suffix)
    try:
        data_size = path.stat().st_size
    except OSError as exc:
        raise fail(path, "error.load.cannot_read_file", reason=str(exc.strerror or exc)) from exc
    if data_size == 0:
        raise fail(path, "error.load.empty_bytes")
    return reader(path, sheet, head=head)


def check_path(path: Path) -> None:
    """A path that is no file fails here, with what it is instead."""
    if not path.exists():
        raise fail(path, "error.load.file_not_found")
    if path.is_dir():
        raise fail(path, "error.load.is_folder")
