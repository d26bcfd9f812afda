"""Workbooks (.xlsx, .xlsm and legacy .xls) read by calamine, hidden sheets included.

calamine (Rust) reads a 20,000-row sheet many times faster than openpyxl and reads the .xls
files old office computers still save; openpyxl stays the writer. Each sheet is parsed once:
its top rows (for the header search), its first rows (for the junk check) and its body are
slices of that one grid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from ntm_analysis.core.errors import Msg
from ntm_analysis.i18n.text import fold, nfc
from ntm_analysis.io.header import EXAMPLE_HEADERS, HEADER_SEARCH_ROWS, find_header
from ntm_analysis.io.readers.base import HEAD_ROWS, read_bytes
from ntm_analysis.io.table import Table, fail, table_from_grid, trimmed

SUFFIXES = (".xlsx", ".xlsm", ".xls")


def read(path: Path, sheet: str | int | None = None, *, head: bool = False) -> Table:
    """The chosen sheet, or the first one whose top rows hold a recognisable header.

    calamine parses a whole sheet whatever the rows asked for, so a sheet is always read
    whole, once (``head`` changes nothing): a large one is marked ``large`` and the loader
    judges its first rows (``Table.first_rows``) before parsing the rest.
    """
    book = _open_workbook(path)
    try:
        sheets = _worksheet_names(book, path)
        names = ", ".join(f"'{title}'" for title in sheets)
        if sheet is not None:
            chosen = _choose_sheet(sheets, sheet)
            if chosen is None:
                raise fail(path, "error.load.no_such_sheet", wanted=repr(sheet), names=names)
            return _sheet_table(_sheet_rows(book, chosen, path), chosen, path)
        tops = []
        for title in sheets:
            rows = _sheet_rows(book, title, path)
            tops.append(trimmed(rows[: HEADER_SEARCH_ROWS + 1].tolist()))
            if find_header(tops[-1]) is not None:
                return _sheet_table(rows, title, path)
        if not any(tops):
            raise fail(path, "error.load.empty_workbook")
        raise fail(
            path,
            "error.load.no_header_in_sheets",
            n=HEADER_SEARCH_ROWS,
            names=names,
            examples=EXAMPLE_HEADERS,
        )
    finally:
        book.close()


def first_sheet(path: Path) -> tuple[str, list[list[object]]]:
    """The first worksheet's name and rows from A1, for a list whose first row is its header."""
    book = _open_workbook(path)
    try:
        sheets = _worksheet_names(book, path)
        if not sheets:
            raise fail(path, "error.load.empty_workbook")
        return sheets[0], _sheet_rows(book, sheets[0], path).tolist()
    finally:
        book.close()


def _open_workbook(path: Path) -> pd.ExcelFile:
    """The workbook, read by calamine (Rust; .xlsx, .xlsm and legacy .xls), through pandas.

    calamine reads a 20,000-row sheet about 15 times faster than openpyxl (benchmarks/load.py),
    and reads the .xls files old office computers still save. openpyxl stays the writer.
    """
    try:
        return pd.ExcelFile(path, engine="calamine")
    except MemoryError:
        raise
    except Exception as exc:  # a damaged zip or XML raises almost anything; all mean one thing
        if path.suffix.lower() == ".xls":
            raise fail(path, "error.load.not_xls") from exc
        raise fail(path, "error.load.not_xlsx", why=_not_xlsx(path)) from exc


def _worksheet_names(book: pd.ExcelFile, path: Path) -> list[str]:
    """Every worksheet's name, hidden ones too, in workbook order; chart sheets hold no cells.

    (pandas' own ``sheet_names`` lists only visible sheets.)
    """
    from python_calamine import SheetTypeEnum

    try:
        return [s.name for s in book.book.sheets_metadata if s.typ == SheetTypeEnum.WorkSheet]
    except Exception as exc:  # metadata that cannot be read: a damaged workbook
        raise fail(path, "error.load.not_xlsx", why=_not_xlsx(path)) from exc


def _not_xlsx(path: Path) -> Msg:
    """Why a .xlsx file would not open, guessed from its first bytes."""
    head = read_bytes(path, 4)
    if head == b"\xd0\xcf\x11\xe0":
        return Msg("error.load.why.old_or_password")
    if head == b"PK\x03\x04":
        return Msg("error.load.why.damaged_zip")
    return Msg("error.load.why.not_a_workbook")


def _choose_sheet(sheets: Sequence[str], sheet: str | int) -> str | None:
    """A sheet's name, by 0-based index or by name (exact, then ignoring case and diacritics)."""
    if isinstance(sheet, int):
        return sheets[sheet] if -len(sheets) <= sheet < len(sheets) else None
    wanted = nfc(str(sheet))
    exact = [title for title in sheets if nfc(title) == wanted]
    loose = [title for title in sheets if fold(title) == fold(wanted)]
    if not exact and not loose and wanted.isdigit():  # "1" from a command line
        return _choose_sheet(sheets, int(wanted))
    return (exact or loose or [None])[0]


def _sheet_table(rows: np.ndarray, title: str, path: Path) -> Table:
    """A sheet's rows as a table, marked ``large`` beyond ``HEAD_ROWS`` rows."""
    table = table_from_grid(rows, str(path), title)
    return replace(table, large=len(rows) > HEAD_ROWS)  # (trailing blank rows are dropped)


def _sheet_rows(book: pd.ExcelFile, title: str, path: Path) -> np.ndarray:
    """Cell values as a rows × columns object array, from cell A1 (leading blank rows and
    columns kept, so that row and column numbers are Excel's); a blank cell is None, as
    openpyxl gave it.

    The cells are taken from calamine directly and converted as pandas' calamine reader does
    (a whole float becomes an int, a date a datetime), but column-wise with numpy rather than
    cell by cell: that conversion was most of the time of reading a large sheet. The array
    stays one rectangle up to the table's body (``table_from_grid``), since copying 10⁵–10⁶
    cells into lists of rows and back cost as much as converting them.
    A sheet is parsed only when read, so damage inside a sheet surfaces here.
    """
    try:
        rows = book.book.get_sheet_by_name(title).to_python(skip_empty_area=False)
    except MemoryError:
        raise
    except Exception as exc:  # as in _open_workbook: any error means a damaged sheet
        raise fail(path, "error.load.damaged_sheet", title) from exc
    return trimmed(_converted(rows))


def _converted(rows: list[list[object]]) -> np.ndarray:
    """calamine's cells as the rest of the loader expects them: "" -> None, 6112.0 -> 6112,
    a date -> a datetime at midnight; everything else as it is. Rows shorter than the
    widest (calamine gives a rectangle, but nothing promises it) are padded with None."""
    widths = {len(row) for row in rows}
    width = max(widths, default=0)
    cells = np.empty((len(rows) if width else 0, width), dtype=object)
    if not width:
        return cells
    if len(widths) == 1:  # calamine gives a rectangle: one C call
        cells[:] = rows
    else:
        for i, row in enumerate(rows):
            cells[i, : len(row)] = row
    flat = cells.ravel()
    kinds = np.frompyfunc(type, 1, 1)(flat)
    is_float = kinds == float  # noqa: E721 (elementwise, over an array)
    floats = np.flatnonzero(is_float)
    others = np.flatnonzero(~is_float)  # not floats (text, dates, blanks): usually a few columns
    values = flat[floats].astype(float)
    whole = np.isfinite(values) & (values == np.round(values))
    exact = whole & (np.abs(values) < 2**53)  # int64 holds these exactly
    flat[floats[exact]] = values[exact].astype(np.int64).tolist()
    for i in floats[whole & ~exact]:
        flat[i] = int(flat[i])
    for i in others[kinds[others] == dt.date]:  # a date cell without a time (rare)
        day = flat[i]
        flat[i] = dt.datetime(day.year, day.month, day.day)
    texts = others[kinds[others] == str]  # noqa: E721
    flat[texts[flat[texts] == ""]] = None
    return cells
