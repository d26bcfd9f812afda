"""io.checks: whole-file checks once every cell is read, and the early stop for junk."""

from __future__ import annotations

import pytest

from ntm_analysis.core.errors import DataError, Problem
from ntm_analysis.io.checks import check_records, in_reading_order, refuse_junk
from ntm_analysis.io.columns import PANEL_COLUMNS, identify_columns
from ntm_analysis.io.readers.base import JUNK_SAMPLE_ROWS
from ntm_analysis.io.records import parse_records
from ntm_analysis.io.reference import read_registry
from ntm_analysis.io.table import table_from_grid

CRITERIA = [f"TC{c}" for c in range(1, 20)]
HEADER = ["Mã xã", "Tên xã", "Huyện", "Năm", *CRITERIA]
REGISTRY = read_registry()


def check(*rows, header=HEADER):
    table = table_from_grid([header, *rows], "f.csv", None)
    columns = identify_columns(table, PANEL_COLUMNS)
    records, problems = parse_records(table, columns, REGISTRY)
    assert problems == []
    return [(p.key, p.row) for p in check_records(table, columns, records, REGISTRY)]


def row(code, year, name="A", district="Bình Gia", flags=(1,) * 19):
    return [code, name, district, year, *flags]


def test_a_clean_file_passes():
    assert check(row("X1", 2016), row("X1", 2017), row("X2", 2016), row("X2", 2017)) == []


def test_duplicates_names_districts_and_gaps():
    found = check(
        row("X1", 2016),
        row("X1", 2016),  # row 3: the same commune-year again
        row("X1", 2017, name="B"),  # row 4: another name
        row("X2", 2016, district="Tràng Định"),
        row("X2", 2017, district="Bình Gia"),  # row 6: another district
        row("X3", 2017),  # row 7: X3 lacks 2016
    )
    assert sorted(found, key=lambda f: f[1]) == [
        ("error.load.duplicate", 3),
        ("error.load.two_names", 4),
        ("error.load.two_districts", 6),
        ("error.load.missing_years", 7),
    ]


def test_wide_count_column_must_match():
    header = [*HEADER, "Số tiêu chí đạt"]
    found = check([*row("X1", 2016), 19], [*row("X2", 2016), 18], header=header)
    assert found == [("error.load.wrong_count", 3)]


def test_long_layout_needs_all_19_criteria():
    header = ["Mã xã", "Tên xã", "Huyện", "Năm", "Tiêu chí", "Đạt"]
    rows = [["X1", "A", "Bình Gia", 2016, c, 1] for c in range(1, 19)]
    assert check(*rows, header=header) == [("error.load.missing_criteria", 2)]


def test_problems_in_reading_order():
    problems = [
        Problem("b.csv", "k", row=3),
        Problem("a.csv", "k", row=9),
        Problem("a.csv", "k"),
        Problem("a.csv", "k", row=2),
    ]
    ordered = in_reading_order(problems)
    assert [(p.file, p.row) for p in ordered] == [
        ("b.csv", 3),
        ("a.csv", None),
        ("a.csv", 2),
        ("a.csv", 9),
    ]


def test_junk_under_a_right_header_stops_early():
    junk = [["?", "?", "?", "?", *["?"] * 19] for _ in range(JUNK_SAMPLE_ROWS + 10)]
    table = table_from_grid([HEADER, *junk], "f.csv", None)
    with pytest.raises(DataError) as caught:
        refuse_junk(table, REGISTRY)
    stop = caught.value.problems[0]
    assert stop.key == "error.load.stopped" and stop.params["last"] == JUNK_SAMPLE_ROWS + 1


def test_good_rows_are_not_junk():
    table = table_from_grid([HEADER, *[row(f"X{i}", 2016) for i in range(20)]], "f.csv", None)
    assert refuse_junk(table, REGISTRY) is None


def test_no_rows_to_judge_on_is_not_junk():
    table = table_from_grid([HEADER, *[row(f"X{i}", 2016) for i in range(3)]], "f.csv", None)
    assert refuse_junk(table.first_rows(1), REGISTRY) is None
