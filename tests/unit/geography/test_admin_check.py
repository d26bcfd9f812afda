"""geography/admin_check.py on its own (the loader's messages: tests/unit/io/test_admin_load):
which files it checks, the list each year is read against, and what each kind of row gives."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ntm_analysis.geography.admin import registry
from ntm_analysis.geography.admin_check import check_rows, day, label, uses_real_codes


class _Table:
    """Stands in for io.table.Table: each problem as (key, row, column, parameters)."""

    def problem(self, key, /, row=None, column=None, **params):
        return key, row, column, params


def _rows(*rows: tuple[str, str, int, int | None]) -> pd.DataFrame:
    """(code, name, year, district code) per spreadsheet row, from row 2."""
    return pd.DataFrame(
        [
            {"code": c, "name": n, "year": y, "district_code": d, "row": i + 2}
            for i, (c, n, y, d) in enumerate(rows)
        ],
        columns=["code", "name", "year", "district_code", "row"],
    )


@pytest.fixture(scope="module")
def reg():
    return registry()


def test_only_a_file_mostly_in_real_codes_is_checked(reg):
    real = [("06298", "Xuân Mai", 2017, 184), ("06139", "Trùng Quán", 2017, 182)]
    made_up = [("X18001", "Xã TĐ-01", 2017, 180), ("X18002", "Xã TĐ-02", 2017, 180)]
    assert uses_real_codes(_rows(*real), reg)
    assert uses_real_codes(_rows(*real, *made_up), reg), "half real is enough"
    assert not uses_real_codes(_rows(*real[:1], *made_up), reg)
    assert not uses_real_codes(_rows(), reg)
    # names are compared as keys: case, diacritics as typed, the type prefix
    assert uses_real_codes(_rows(("06298", "xã XUÂN MAI", 2017, 184)), reg)


def test_each_row_is_read_against_the_list_in_force_that_year(reg):
    check = check_rows(
        _Table(),
        "Mã xã",
        _rows(
            ("06298", "Xuân Mai", 2017, 184),  # as the 2017 list has it
            ("06298", "Xuân Mai", 2017, 180),  # the wrong district
            ("06139", "Xuân Mai", 2017, 182),  # the wrong name: Xuân Mai has 06298
            ("06999", "Tri Le", 2017, None),  # no such code: the nearest names
            ("06139", "Trùng Quán", 2025, None),  # a code of earlier lists only
            ("06298", "Bình Phúc", 2021, 184),  # 2021: the list from 1 Feb
        ),
        reg,
    )
    assert check.vintage_of_year == {2017: "2017", 2021: "2021", 2025: "2025"}
    found = {(key, row): params for key, row, _, params in check.problems}
    assert set(found) == {
        ("error.geo.wrong_district", 3),
        ("error.geo.wrong_name_hint", 4),
        ("error.geo.unknown_code_hint", 5),
        ("error.geo.code_elsewhere", 6),
    }
    assert found["error.geo.wrong_district", 3]["district"] == "Văn Quan"
    assert found["error.geo.wrong_name_hint", 4]["other"] == "06298"
    assert "Tri Lễ (06313)" in str(found["error.geo.unknown_code_hint", 5]["suggestions"])
    history = found["error.geo.code_elsewhere", 6]["history"]
    assert history.key.startswith("error.geo.history.") and dict(history.params)["code"] == "06139"
    assert all(column == "Mã xã" for key, _, column, _ in check.problems if "district" not in key)
    assert check.notes == []


def test_a_year_of_a_change_may_use_the_list_in_force_earlier_that_year(reg):
    """In 2021 the list changed on 1 Feb (recoding): a file still on the 2020 codes for that
    year is read against the 2020 list, not reported row by row."""
    before = reg.unit("2020", "06145")  # Bắc Hùng, recoded 06139 from 1 Feb 2021
    assert before is not None and reg.unit("2021", "06145") is None
    check = check_rows(
        _Table(), "Mã xã", _rows(("06145", before.name, 2021, before.district_code)), reg
    )
    assert check.vintage_of_year == {2021: "2020"} and check.problems == []


def test_names_and_dates_as_official_texts_write_them(reg):
    assert label(reg.unit("2017", "06298")) == "xã Xuân Mai"
    assert day(dt.date(2020, 1, 1)) == "1/1/2020"
