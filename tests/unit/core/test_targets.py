"""Plan targets as data: the table's checks (every bad cell placed), the look-ups by year,
indicator and unit, and the district template a planner fills in."""

from __future__ import annotations

import pandas as pd
import pytest

from ntm_analysis.core.errors import DataError
from ntm_analysis.core.panel import Panel
from ntm_analysis.core.targets import (
    DISTRICT_TEMPLATE_COLUMNS,
    TARGET_COLUMNS,
    district_template,
    lookup,
    target_value,
    targets_from_frame,
    units_of,
    write_district_template,
)


def _row(level, unit_code, unit_name, year, indicator, value, official, **extra):
    row = dict(
        zip(
            TARGET_COLUMNS[:-1],
            (level, unit_code, unit_name, year, indicator, value, official),
            strict=True,
        )
    )
    return row | {"source": "plan"} | extra


TABLE = pd.DataFrame(
    [
        _row("province", 20, "Lạng Sơn", 2017, "n_ntm", 38, 1),
        _row("province", 20, "Lạng Sơn", 2020, "n_ntm", 77, 1),
        _row("province", 20, "Lạng Sơn", 2020, "mean_criteria", 13.8, 0),
        _row("district", 178, "Tràng Định", 2020, "n_ntm", 6, 0),
        _row("province", 4, "Cao Bằng", 2020, "n_ntm", 50, 1),
    ]
)


def test_a_good_table_is_kept_in_its_columns():
    table = targets_from_frame(TABLE.assign(note="x"), "t.csv")
    assert list(table.columns) == TARGET_COLUMNS  # the note is not carried
    assert len(table) == len(TABLE)


def test_the_province_named_keeps_its_own_rows_and_every_district():
    table = targets_from_frame(TABLE, "t.csv", province_name="Lang Son")  # typed bare
    assert "Cao Bằng" not in set(table["unit_name"])
    assert "Tràng Định" in set(table["unit_name"])
    assert table.index.tolist() == list(range(len(table)))


def test_a_missing_column_is_named():
    with pytest.raises(DataError) as error:
        targets_from_frame(TABLE.drop(columns=["official", "source"]), "t.csv")
    (problem,) = error.value.problems
    assert problem.key == "error.targets.missing_columns"
    assert problem.params["missing"] == "official, source"


def test_every_unknown_level_and_indicator_is_placed_at_once():
    bad = TABLE.copy()
    bad.loc[1, "indicator"] = "ntm"
    bad.loc[3, "level"] = "commune"
    bad.loc[4, "indicator"] = "n_poor"
    with pytest.raises(DataError) as error:
        targets_from_frame(bad, "t.csv", rows=[10, 11, 12, 13, 14])
    placed = {(p.row, p.column, p.params["value"]) for p in error.value.problems}
    assert placed == {
        (11, "indicator", "'ntm'"),
        (14, "indicator", "'n_poor'"),
        (13, "level", "'commune'"),
    }
    with pytest.raises(DataError) as error:  # without rows: below a header in row 1
        targets_from_frame(bad, "t.csv")
    assert {p.row for p in error.value.problems} == {3, 5, 6}


def test_lookup_finds_the_province_or_a_districts_target_with_its_standing():
    table = targets_from_frame(TABLE, "t.csv", province_name="Lạng Sơn")
    assert lookup(table, 2020) == (77.0, True)
    assert lookup(table, 2020, "mean_criteria") == (13.8, False)
    assert lookup(table, 2020, unit_code=178) == (6.0, False)
    assert lookup(table, 2019) is None and lookup(table, 2020, unit_code=999) is None
    assert target_value(table, 2017) == 38.0 and target_value(table, 2018) is None


def test_units_of_says_which_list_a_target_counts_on():
    table = targets_from_frame(TABLE, "t.csv", province_name="Lạng Sơn")
    assert units_of(table, 2020) is None  # the file does not say
    with_units = TABLE.assign(vintage=[2017, 2017, None, 2020, None], set_in=[2017] * 5)
    table = targets_from_frame(with_units, "t.csv", province_name="Lạng Sơn")
    assert units_of(table, 2020) == ("2017", 2017)
    assert units_of(table, 2020, unit_code=178) == ("2020", 2017)
    assert units_of(table, 2020, "mean_criteria") is None  # a row without its list
    assert units_of(table, 2030) is None


def _panel() -> Panel:
    communes = pd.DataFrame(
        {
            "commune_code": ["1", "2", "3"],
            "commune_name": ["A", "B", "C"],
            "district_code": [5, 5, 6],
            "district_name": ["Huyện X", "Huyện X", "Huyện Y"],
        }
    )
    met = {("1", 2016): 19, ("2", 2016): 18, ("3", 2016): 19, ("1", 2015): 10}
    status = pd.DataFrame(
        [
            (code, year, criterion, criterion <= met.get((code, year), 0))
            for code in ("1", "2", "3")
            for year in (2015, 2016)
            for criterion in range(1, 20)
        ],
        columns=["commune_code", "year", "criterion", "met"],
    )
    return Panel.from_frames(status, communes)


def test_the_district_template_has_the_facts_and_a_blank_target():
    template = district_template(_panel(), [2018, 2020])
    assert list(template.columns) == DISTRICT_TEMPLATE_COLUMNS
    assert template[["district", "year"]].values.tolist() == [
        ["Huyện X", 2018],
        ["Huyện Y", 2018],
        ["Huyện X", 2020],
        ["Huyện Y", 2020],
    ]
    assert template["target"].isna().all()
    assert template["n_communes"].tolist() == [2, 1, 2, 1]
    assert template["n_ntm_now"].tolist() == [1, 1, 1, 1]  # at the last year, all 19 met


def test_the_template_is_written_for_excel_and_never_over_a_file(tmp_path):
    path = write_district_template(tmp_path / "muc_tieu.csv", _panel(), [2020])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel shows "Huyện" as it is
    assert "Huyện X" in raw.decode("utf-8-sig")
    path.write_text("district,year,target\nHuyện X,2020,2\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_district_template(path, _panel(), [2020])
    assert path.read_text(encoding="utf-8").endswith("2020,2\n")  # the planner's, untouched
