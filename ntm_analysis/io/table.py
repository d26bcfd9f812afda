"""The cells below a sheet's header, with the row numbers the user sees in Excel.

Every reader (CSV, Excel, Parquet) ends in a ``Table``, so everything after reading is the
same whatever the format. A ``Table`` makes each ``Problem`` with file and sheet filled in,
and the helpers here turn a column's unreadable cells into problems at their rows, at most
``MAX_CELL_PROBLEMS`` per column (more means the wrong file, not typos).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ntm_analysis.core.errors import DataError, Msg, Problem
from ntm_analysis.io.cells import (
    BAD,
    EMPTY,
    FLAG_EXPECTED,
    MARK,
    MET,
    cell_text,
    is_blank,
    map_values,
    parse_flag,
)
from ntm_analysis.io.header import EXAMPLE_HEADERS, HEADER_SEARCH_ROWS, find_header

MAX_CELL_PROBLEMS = 1000  # listed per column; more means the wrong file, not typos


@dataclass(frozen=True)
class Table:
    """The cells below the header of one sheet, with the row numbers the user sees."""

    file: str
    sheet: str | None
    header_row: int  # spreadsheet row number of the header (the last, of a two-row block)
    headers: tuple[str, ...]  # as written (NFC); "" for an empty header cell
    body: pd.DataFrame  # object cells, positional columns, blank rows dropped
    rows: np.ndarray  # spreadsheet row number of each body row
    complete: bool = True  # False: only the first rows of a large text file
    large: bool = False  # more rows than a file is judged on before it is parsed whole

    def first_rows(self, last: int) -> Table:
        """The table cut after spreadsheet row ``last``: the rows a large file is judged on."""
        keep = self.rows <= last
        return replace(self, body=self.body.loc[keep].reset_index(drop=True), rows=self.rows[keep])

    def problem(
        self, key: str, /, row: int | None = None, column: str | None = None, **params: object
    ) -> Problem:
        return Problem(self.file, key, params, sheet=self.sheet, row=row, column=column)

    def column(self, j: int) -> np.ndarray:
        return self.body[j].to_numpy(dtype=object)


def fail(file: str | Path, key: str, sheet: str | None = None, **params: object) -> DataError:
    return DataError.single(str(file), key, sheet=sheet, **params)


Grid = list[list[object]] | np.ndarray  # raw rows: lists, or a sheet's 2-D object array


def table_from_grid(rows: Grid, file: str, sheet: str | None, *, complete: bool = True) -> Table:
    """Find the header (a row or a two-row block) in raw rows and keep what is below it.

    ``rows`` are lists (a text file's rows may differ in length) or a workbook sheet's cells
    as one rows × columns object array, which becomes the body without a copy row by row.
    """
    if len(rows) == 0 or all(all(is_blank(v) for v in row) for row in rows):
        if sheet is None:
            raise fail(file, "error.load.empty_file")
        raise fail(file, "error.load.empty_sheet", sheet)
    header = find_header(rows)
    if header is None:
        raise fail(
            file, "error.load.no_header", sheet, n=HEADER_SEARCH_ROWS, examples=EXAMPLE_HEADERS
        )
    body = _body_frame(rows[header.at + header.height :], len(header.names))
    headers = header.names + ("",) * (body.shape[1] - len(header.names))
    # spreadsheet rows are 1-based: a header block's problems are placed on its last row
    # (where a two-row block has its criterion numbers); the body starts below it
    last = header.at + header.height
    table = make_table(file, sheet, last, headers, body, first_row=last + 1)
    return replace(table, complete=complete)


def _body_frame(below: Grid, n_headers: int) -> pd.DataFrame:
    """The rows below the header as object columns 0, 1, …, as wide as the header or the
    widest row; missing cells are None."""
    if isinstance(below, np.ndarray):  # a sheet's rectangle, its header one of its rows:
        return pd.DataFrame(below, columns=range(below.shape[1]), dtype=object)  # as wide
    width = max([n_headers, *(len(row) for row in below)])
    cells = [list(row) + [None] * (width - len(row)) for row in below]
    return pd.DataFrame(cells, columns=range(width), dtype=object)


def make_table(
    file: str,
    sheet: str | None,
    header_row: int,
    headers: tuple[str, ...],
    body: pd.DataFrame,
    first_row: int | None = None,
) -> Table:
    """Drop blank rows (spacing, trailing rows Excel keeps) but remember the row numbers.

    ``first_row`` is the spreadsheet row of the body's first row (default: below the header).
    """
    rows = np.arange(len(body)) + (first_row or header_row + 1)
    blank = _blank_rows(body)
    if blank.any():
        body, rows = body.loc[~blank].reset_index(drop=True), rows[~blank]
    if body.empty:
        raise fail(file, "error.load.no_data_rows", sheet, header_row=header_row)
    return Table(file, sheet, header_row, headers, body, rows)


def _blank_rows(body: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is blank.

    Checked column by column on the rows still blank so far: a row of data is settled by its
    first cells, so a sheet costs about one column's check rather than one per cell.
    """
    blank = np.ones(len(body), dtype=bool)
    for j in body.columns:
        rest = np.flatnonzero(blank)
        if not len(rest):
            break
        blank[rest] = map_values(body[j].to_numpy(dtype=object)[rest], is_blank, dtype=bool)
    return blank


def trimmed(rows: Grid) -> Grid:
    """``rows`` (lists, or a sheet's array) without its trailing blank rows."""
    end = len(rows)
    while end and all(is_blank(v) for v in rows[end - 1]):
        end -= 1
    return rows[:end]


def bad_cells(
    table: Table, j: int, values: np.ndarray, bad: np.ndarray, expected: Msg
) -> list[Problem]:
    """A problem for each unreadable cell of column ``j`` (the first ``MAX_CELL_PROBLEMS``)."""
    where = np.flatnonzero(bad)
    problems = [
        (
            table.problem(
                "error.load.empty_cell",
                row=int(table.rows[i]),
                column=table.headers[j],
                expected=expected,
            )
            if is_blank(values[i])
            else table.problem(
                "error.load.unreadable_cell",
                row=int(table.rows[i]),
                column=table.headers[j],
                value=cell_text(values[i]),
                expected=expected,
            )
        )
        for i in where[:MAX_CELL_PROBLEMS]
    ]
    return problems + more_cells(table, where, table.headers[j])


def more_cells(table: Table, where: np.ndarray, column: str) -> list[Problem]:
    """One problem standing for a column's unreadable cells beyond ``MAX_CELL_PROBLEMS``.

    Thousands of unreadable cells mean the wrong file or a shifted column, not typos; listing
    them all would only cost memory and time (a 50 MB file of junk would take minutes).
    """
    extra = len(where) - MAX_CELL_PROBLEMS
    if extra <= 0:
        return []
    return [
        table.problem(
            "error.load.more_cells",
            row=int(table.rows[where[MAX_CELL_PROBLEMS]]),
            column=column,
            n=extra,
        )
    ]


def parse_column(
    table: Table,
    j: int,
    parse: Callable[[object], object],
    expected: Msg,
    *,
    blank_ok: bool = False,
) -> tuple[np.ndarray, list[Problem]]:
    """Parsed values (None where unreadable or blank) and a problem per unreadable cell."""
    values = table.column(j)
    parsed = map_values(values, parse)
    bad = pd.isna(parsed)
    if blank_ok:
        bad &= ~blank_column(table, j)
    return parsed, bad_cells(table, j, values, bad, expected)


def parse_flag_cells(
    table: Table, positions: Sequence[int], blank_means_no: bool | None
) -> tuple[np.ndarray, np.ndarray, list[Problem]]:
    """Flags of several columns as rows × columns matrices (met, readable), plus problems.

    A blank cell means "not met" in a sheet that marks met criteria with x or a tick (the
    other cells stay empty); anywhere else a blank is a gap in the data and is reported.
    ``blank_means_no=None`` decides from the cells themselves.
    """
    values = table.body[list(positions)].to_numpy(dtype=object)
    codes = map_values(values.ravel(), parse_flag, dtype=np.int8).reshape(values.shape)
    if blank_means_no is None:
        blank_means_no = bool((codes == MARK).any())
    bad = (codes == BAD) | ((codes == EMPTY) & (not blank_means_no))
    problems = []
    for k, j in enumerate(positions):  # column by column; reading order is restored later
        problems += bad_cells(table, j, values[:, k], bad[:, k], FLAG_EXPECTED)
    return (codes == MET) | (codes == MARK), ~bad, problems


def blank_column(table: Table, j: int) -> np.ndarray:
    return map_values(table.column(j), is_blank, dtype=bool)
