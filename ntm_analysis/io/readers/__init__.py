"""One reader per file format, chosen by the file's extension (as pandas' ``io/excel`` does).

``read_table`` reads a panel (its header found among the top rows); ``read_list`` reads a
planner's own list whose first row names its columns (district targets, registration lists,
assessments of merged communes). Both refuse what cannot be read at all (no file, a folder,
an unknown extension, zero bytes) and hand the rest to the format's reader, which returns a
``Table``, so every bad cell is placed by file, sheet, row and column whatever the format.
A new format is a new module here with ``SUFFIXES`` and ``read``, and one entry in
``_READER_MODULES``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ntm_analysis.io.header import header_text
from ntm_analysis.io.readers import excel, parquet, text
from ntm_analysis.io.table import Table, fail, make_table

Reader = Callable[..., Table]  # read(path, sheet, *, head) -> Table

_READER_MODULES = (text, excel, parquet)
READERS: dict[str, Reader] = {
    suffix: module.read for module in _READER_MODULES for suffix in module.SUFFIXES
}
SUFFIXES = tuple(READERS)  # every extension a panel may have, for messages and tests

__all__ = ["READERS", "SUFFIXES", "check_path", "read_list", "read_table"]


def read_table(path: Path, sheet: str | int | None = None, *, head: bool = False) -> Table:
    """The file's table; a file that cannot be read at all fails here, alone.

    ``head=True`` may stop after about the first ``HEAD_ROWS`` rows of a large text file
    (``Table.complete`` is then False), so that a large file of something else fails before
    it is read and parsed whole; workbooks and Parquet files are always read whole.
    """
    return _reader(path)(path, sheet, head=head)


def read_list(path: Path) -> Table:
    """A list whose first row names its columns, in any format a panel may have.

    Unlike a panel there are no known headers to look for, so row 1 (of the first worksheet
    of a workbook) is the header; a text file is decoded as a panel is (UTF-8, UTF-16,
    Windows-1258; comma, semicolon or tab).
    """
    _reader(path)
    if path.suffix.lower() in parquet.SUFFIXES:
        return parquet.read(path)  # its column names are the header already
    if path.suffix.lower() in excel.SUFFIXES:
        sheet, rows = excel.first_sheet(path)
    else:
        sheet, rows = None, text.grid(path)
    if not rows or not any(rows):
        raise fail(path, "error.load.empty_file", sheet)
    headers = tuple(header_text(v) for v in rows[0])
    width = max(len(row) for row in rows)
    body = [list(row) + [None] * (width - len(row)) for row in rows[1:]]
    columns = pd.DataFrame(body, columns=range(width), dtype=object)
    return make_table(str(path), sheet, 1, headers + ("",) * (width - len(headers)), columns)


def _reader(path: Path) -> Reader:
    """The reader for ``path``'s format; a file that cannot be read at all fails here."""
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
    return reader


def check_path(path: Path) -> None:
    """A path that is no file fails here, with what it is instead."""
    if not path.exists():
        raise fail(path, "error.load.file_not_found")
    if path.is_dir():
        raise fail(path, "error.load.is_folder")
