"""io.table: the cells below the header, with Excel's row numbers, and problems per cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ntm_analysis.core.errors import DataError
from ntm_analysis.io.cells import parse_int
from ntm_analysis.io.table import (
    MAX_CELL_PROBLEMS,
    make_table,
    parse_column,
    parse_flag_cells,
    table_from_grid,
    trimmed,
)

HEADER = ["Mã xã", "Tên xã", "Huyện", "Năm"]


def test_rows_are_numbered_as_in_the_spreadsheet_and_blank_rows_dropped():
    rows = [["Báo cáo"], HEADER, ["X1", "A", "H", 2016], [None, "", None], ["X2", "B", "H", 2017]]
    table = table_from_grid(rows, "f.xlsx", "NTM")
    assert table.header_row == 2
    assert list(table.rows) == [3, 5]
    assert table.headers == tuple(HEADER)
    assert table.column(0).tolist() == ["X1", "X2"]


def test_first_rows_cuts_after_a_spreadsheet_row():
    rows = [HEADER, *[[f"X{i}", "A", "H", 2016] for i in range(10)]]
    table = table_from_grid(rows, "f.csv", None)
    head = table.first_rows(5)
    assert list(head.rows) == [2, 3, 4, 5] and len(head.body) == 4
    assert len(table.body) == 10  # the table itself is unchanged


@pytest.mark.parametrize(
    ("rows", "key"),
    [
        ([], "error.load.empty_file"),
        ([["a", "b"]], "error.load.no_header"),
        ([HEADER, [None] * 4], "error.load.no_data_rows"),
    ],
)
def test_what_is_not_a_table(rows, key):
    with pytest.raises(DataError) as caught:
        table_from_grid(rows, "f.csv", None)
    assert [p.key for p in caught.value.problems] == [key]


def test_trimmed_drops_trailing_blank_rows_only():
    assert trimmed([[None], ["a"], [None, " "], [None]]) == [[None], ["a"]]


def test_unreadable_cells_are_placed_and_capped():
    n = MAX_CELL_PROBLEMS + 5
    body = pd.DataFrame({0: ["x"] * n + [7, None], 1: "Xã A"}, dtype=object)
    table = make_table("f.csv", None, 1, ("Năm", "Tên xã"), body)
    values, problems = parse_column(table, 0, parse_int, "expected")
    assert values[-2] == 7
    assert len(problems) == MAX_CELL_PROBLEMS + 1
    assert (problems[0].row, problems[0].column, problems[0].params["value"]) == (2, "Năm", "x")
    assert problems[-1].key == "error.load.more_cells"
    assert problems[-1].params["n"] == 6  # the blank cell is one of them


def test_blank_cells_are_reported_unless_allowed():
    body = pd.DataFrame({0: ["1", None], 1: "Xã A"}, dtype=object)
    table = make_table("f.csv", None, 1, ("n", "Tên xã"), body)
    _, problems = parse_column(table, 0, parse_int, "expected")
    assert [(p.key, p.row) for p in problems] == [("error.load.empty_cell", 3)]
    assert parse_column(table, 0, parse_int, "expected", blank_ok=True)[1] == []


def test_flag_cells_blank_means_not_met_only_beside_marks():
    body = pd.DataFrame({0: ["x", None], 1: [1, 0]}, dtype=object)
    table = make_table("f.csv", None, 1, ("TC1", "TC2"), body)
    met, readable, problems = parse_flag_cells(table, [0, 1], blank_means_no=None)
    assert met.tolist() == [[True, True], [False, False]]
    assert readable.all() and problems == []
    ones = pd.DataFrame({0: [1, None], 1: "Xã A"}, dtype=object)
    met, readable, problems = parse_flag_cells(
        make_table("f.csv", None, 1, ("TC1", "Tên xã"), ones), [0], blank_means_no=None
    )
    assert readable[:, 0].tolist() == [True, False]
    assert [(p.key, p.row, p.column) for p in problems] == [("error.load.empty_cell", 3, "TC1")]
    assert isinstance(met, np.ndarray)


def test_a_sheets_array_makes_the_table_its_rows_as_lists_make():
    """The Excel reader hands its sheet over as one object array (``_body_frame``)."""
    rows = [["Báo cáo", None, None, None], HEADER, ["X1", "A", "H", 2016], [None] * 4]
    rows += [["X2", "B", None, 2017]]
    lists = table_from_grid(rows, "f.xlsx", "NTM")
    array = table_from_grid(np.array(rows, dtype=object), "f.xlsx", "NTM")
    pd.testing.assert_frame_equal(array.body, lists.body)
    assert (array.headers, array.header_row, list(array.rows)) == (
        lists.headers,
        lists.header_row,
        list(lists.rows),
    )
