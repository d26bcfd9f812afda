"""io.records: every cell read into typed records, every unreadable cell a problem."""

from __future__ import annotations

from ntm_analysis.io.columns import PANEL_COLUMNS, identify_columns
from ntm_analysis.io.records import YEAR_MAX, parse_records
from ntm_analysis.io.reference import read_registry
from ntm_analysis.io.table import table_from_grid

CRITERIA = [f"TC{c}" for c in range(1, 20)]
REGISTRY = read_registry()


def parse(rows):
    table = table_from_grid(rows, "f.csv", None)
    return parse_records(table, identify_columns(table, PANEL_COLUMNS), REGISTRY)


def test_wide_rows_and_status():
    records, problems = parse(
        [
            ["Mã xã", "Tên xã", "Huyện", "Năm", "Xã ĐBKK", *CRITERIA],
            [6112, "Xã A", "Bình Gia", "Năm 2016", "x", *["Đạt"] * 10, *["Chưa đạt"] * 9],
        ]
    )
    assert problems == []
    row = records.rows.iloc[0]
    assert (row["code"], row["name"], row["district_code"], row["year"]) == (
        "06112",
        "Xã A",
        181,
        2016,
    )
    assert bool(row["difficult"]) and not row["synthetic"]
    assert len(records.status) == 19 and records.status["met"].sum() == 10


def test_long_layout_reads_the_criterion_column():
    records, problems = parse(
        [
            ["Mã xã", "Tên xã", "Huyện", "Năm", "Tiêu chí", "Đạt"],
            ["X1", "A", "Bình Gia", 2016, "TC3", 1],
            ["X1", "A", "Bình Gia", 2016, "Thủy lợi", 0],
            ["X1", "A", "Bình Gia", 2016, "TC 20", 0],
        ]
    )
    assert records.status["criterion"].tolist() == [3, 3, 0]
    assert [(p.key, p.row, p.column) for p in problems] == [
        ("error.load.unreadable_cell", 4, "Tiêu chí"),
    ]


def test_every_unreadable_cell_is_listed():
    records, problems = parse(
        [
            ["Mã xã", "Tên xã", "Huyện", "Năm", *CRITERIA],
            ["X1", "A", "Bình Gia", YEAR_MAX + 1, *[1] * 19],
            ["X2", None, "Bình Gia", "2O16", "Đạt?", *[1] * 18],
        ]
    )
    found = {(p.key, p.row, p.column) for p in problems}
    assert found == {
        ("error.load.year_out_of_range", 2, "Năm"),
        ("error.load.empty_cell", 3, "Tên xã"),
        ("error.load.unreadable_cell", 3, "Năm"),
        ("error.load.unreadable_cell", 3, "TC1"),
    }
    assert records.rows["year"].tolist() == [None, None]
