"""io.columns: what each header means, and a clear stop when a needed column is absent."""

from __future__ import annotations

import pandas as pd
import pytest

from ntm_analysis.core.errors import DataError
from ntm_analysis.io.columns import PANEL_COLUMNS, UNITS_COLUMNS, column_letter, identify_columns
from ntm_analysis.io.table import make_table

CRITERIA = tuple(f"TC{c}" for c in range(1, 20))


def table(headers):
    body = pd.DataFrame([["v"] * len(headers)], dtype=object)
    return make_table("f.csv", None, 3, tuple(headers), body)


def test_wide_and_long_layouts():
    wide = identify_columns(table(("Mã xã", "Tên xã", "Huyện", "Năm", *CRITERIA)), PANEL_COLUMNS)
    assert wide.layout == "wide"
    assert wide.named == {"commune_code": 0, "commune_name": 1, "district_name": 2, "year": 3}
    assert wide.criteria[19] == 22
    long = identify_columns(
        table(("Mã xã", "Tên xã", "Mã huyện", "Năm", "Tiêu chí", "Đạt")), PANEL_COLUMNS
    )
    assert long.layout == "long" and long.named["met"] == 5


def test_every_missing_column_is_named_at_the_header_row():
    with pytest.raises(DataError) as caught:
        identify_columns(table(("Mã xã", "Năm", *CRITERIA[:-2])), PANEL_COLUMNS)
    problems = caught.value.problems
    assert {p.key for p in problems} == {
        "error.load.missing_column",
    }
    assert all(p.row == 3 and p.file == "f.csv" for p in problems)
    text = str(caught.value)
    assert "TC18, TC19" in text and "'Tên xã'" in text and "'Huyện'" in text


def test_a_doubled_column_is_refused_with_both_letters():
    with pytest.raises(DataError) as caught:
        identify_columns(
            table(("Mã xã", "Tên xã", "Huyện", "Năm", "year", *CRITERIA)), PANEL_COLUMNS
        )
    (problem,) = caught.value.problems
    assert problem.key == "error.load.same_meaning"
    assert (problem.column, problem.params["letter"], problem.params["first_letter"]) == (
        "year",
        "E",
        "D",
    )


def test_criterion_beyond_19_is_refused():
    with pytest.raises(DataError) as caught:
        identify_columns(
            table(("Mã xã", "Tên xã", "Huyện", "Năm", *CRITERIA, "TC20")), PANEL_COLUMNS
        )
    assert [p.key for p in caught.value.problems] == ["error.load.no_such_criterion"]


def test_units_file_needs_no_year_or_criteria():
    columns = identify_columns(table(("Mã xã", "Tên xã", "Mã huyện")), UNITS_COLUMNS)
    assert columns.named["district_code"] == 2


@pytest.mark.parametrize(
    ("j", "letter"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")]
)
def test_column_letter(j, letter):
    assert column_letter(j) == letter
