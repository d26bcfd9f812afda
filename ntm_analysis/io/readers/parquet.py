"""Parquet files: typed and compact, so always read whole; the column names are the header."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ntm_analysis.io.header import header_text
from ntm_analysis.io.readers.base import looks_like, read_bytes
from ntm_analysis.io.table import Table, fail, make_table

SUFFIXES = (".parquet", ".pq")


def read(path: Path, sheet: str | int | None = None, *, head: bool = False) -> Table:
    """A Parquet file: its column names are the header (row 1), its rows follow.

    Compact and typed, so always read whole (``head`` is ignored).
    """
    if sheet is not None:
        raise fail(path, "error.load.no_sheets", wanted=repr(sheet), suffix=path.suffix.lower())
    head = read_bytes(path, 4)
    if head != b"PAR1":
        what = looks_like(head)
        if what is not None:
            raise fail(path, "error.load.parquet_looks_like", what=what)
        raise fail(path, "error.load.parquet_no_magic")
    try:
        frame = pd.read_parquet(path)
    except MemoryError:
        raise
    except Exception as exc:  # pyarrow's errors for a damaged file have many types
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise fail(path, "error.load.parquet_damaged", reason=reason) from exc
    headers = tuple(header_text(c) for c in frame.columns)
    body = pd.DataFrame(frame.to_numpy(dtype=object), dtype=object)
    return make_table(str(path), None, 1, headers, body)
