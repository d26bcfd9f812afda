"""io.reference: the units and targets files read like panels, every bad cell placed."""

from __future__ import annotations

import pandas as pd
import pytest

from ntm_analysis.core.communes import Registry
from ntm_analysis.core.errors import DataError
from ntm_analysis.core.paths import (
    DATA_ENV,
    default_published_path,
    default_targets_path,
    default_units_path,
)
from ntm_analysis.core.targets import targets_from_frame
from ntm_analysis.io.reference import published_figures, read_registry, read_targets

UNITS_HEADER = (
    "province_code,province_name,district_code,district_name,district_type,short,n_communes"
)
TARGETS_HEADER = "level,unit_code,unit_name,year,indicator,value,official,source"


def located(error: DataError) -> list[tuple[str, int | None, str | None]]:
    return [(p.key, p.row, p.column) for p in error.problems]


def test_bundled_files_read_as_plain_pandas_reads_them():
    """The cell-by-cell reader changes no value: the same tables as pandas' own reading."""
    units = pd.read_csv(default_units_path(), dtype={"district_code": int, "n_communes": int})
    plain = Registry.from_frame(units, str(default_units_path()))
    ours = read_registry()
    assert ours.province_name == plain.province_name == "Lạng Sơn"
    pd.testing.assert_frame_equal(ours.districts, plain.districts)
    targets = pd.read_csv(default_targets_path())
    for province in (None, "Hà Nội"):
        expected = targets_from_frame(targets, str(default_targets_path()), province)
        pd.testing.assert_frame_equal(read_targets(province_name=province), expected)
    assert len(read_targets(province_name="Hà Nội")) < len(read_targets())  # another province


def test_published_figures_read_as_pandas_reads_them_or_none(tmp_path, monkeypatch):
    """The figures a report's note cites (the bundled CSV); none without the file."""
    pd.testing.assert_frame_equal(published_figures(), pd.read_csv(default_published_path()))
    monkeypatch.setenv(DATA_ENV, str(tmp_path))  # a data folder without the file
    assert published_figures() is None


def test_units_file_in_windows_encoding_with_semicolons(tmp_path):
    path = tmp_path / "units.csv"
    text = UNITS_HEADER.replace(",", ";") + "\n1;Ha Noi;250;Ba Vi;Huyen;BV;30\n\n"
    path.write_bytes(text.encode("cp1258"))
    registry = read_registry(path)
    assert registry.find("ba vi") == 250 and registry.n_communes == 30


def test_rows_of_empty_cells_are_left_out_and_rows_still_placed(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(
        f"{UNITS_HEADER}\n,,,,,,\n1,Hà Nội,250,Ba Vì,Huyện,BV,30\n\n1,Hà Nội,271,,Huyện,SS,25\n"
    )
    with pytest.raises(DataError) as caught:
        read_registry(path)
    assert located(caught.value) == [("error.load.empty_cell", 5, "district_name")]
    path.write_text(f"{UNITS_HEADER}\n,,,,,,\n1,Hà Nội,250,Ba Vì,Huyện,BV,30\n")
    assert read_registry(path).codes() == [250]
    assert read_registry(path).districts["district_code"].dtype == "int64"


def test_every_bad_units_cell_is_placed(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(
        f"{UNITS_HEADER}\n1,Hà Nội,250,Ba Vì,Huyện,BV,30\n1,Hà Nội,27l,,Huyện,SS,-2\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        read_registry(path)
    assert located(caught.value) == [
        ("error.load.unreadable_cell", 3, "district_code"),
        ("error.load.empty_cell", 3, "district_name"),
        ("error.load.unreadable_cell", 3, "n_communes"),
    ]
    assert "expected a whole number such as 180" in str(caught.value)


def test_repeated_codes_and_a_second_province_are_placed(tmp_path):
    path = tmp_path / "units.csv"
    rows = ["1,Hà Nội,250,Ba Vì,Huyện,BV,30", "1,Hà Nội,250,Sóc Sơn,Huyện,SS,25"]
    path.write_text("\n".join([UNITS_HEADER, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_registry(path)
    assert located(caught.value) == [("error.units.repeated_code", 3, "district_code")]
    assert caught.value.problems[0].params["first"] == 2
    other = tmp_path / "two.csv"
    other.write_text(f"{UNITS_HEADER}\n1,Hà Nội,250,Ba Vì,Huyện,BV,30\n2,Hà Giang,1,X,Huyện,X,3\n")
    with pytest.raises(DataError) as caught:
        read_registry(other)
    assert located(caught.value) == [("error.units.other_province", 3, "province_name")]


def test_missing_units_columns_as_core_reports_them(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("province_name,district_code\nHà Nội,250\n")
    with pytest.raises(DataError) as caught:
        read_registry(path)
    assert [p.key for p in caught.value.problems] == ["error.units.missing_columns"]


def test_targets_cells_placed_and_a_decimal_comma_read(tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text(
        f"{TARGETS_HEADER}\n"
        "province,20,Lạng Sơn,2020,n_ntm,77,1,plan\n"
        'province,20,Lạng Sơn,2020,mean_criteria,"13,8",1,plan\n'
    )
    targets = read_targets(path)
    assert targets["value"].tolist() == [77.0, 13.8]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"{TARGETS_HEADER}\n"
        "province,20,Lạng Sơn,20x0,n_ntm,77,1,plan\n"
        "province,20,Lạng Sơn,2020,n_ntm,many,yes?,plan\n"
    )
    with pytest.raises(DataError) as caught:
        read_targets(bad)
    assert located(caught.value) == [
        ("error.load.unreadable_cell", 2, "year"),
        ("error.load.unreadable_cell", 3, "value"),
        ("error.load.unreadable_cell", 3, "official"),
    ]


def test_unknown_target_values_are_placed_below_blank_rows(tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text(f"{TARGETS_HEADER}\n\nprovince,20,Lạng Sơn,2020,n_xa,77,1,plan\n")
    with pytest.raises(DataError) as caught:
        read_targets(path)
    assert located(caught.value) == [("error.targets.unknown_value", 3, "indicator")]


def test_no_such_file(tmp_path):
    with pytest.raises(DataError) as caught:
        read_registry(tmp_path / "none.csv")
    assert [p.key for p in caught.value.problems] == ["error.units.unreadable"]
    assert "cannot read the units file: file not found" in str(caught.value).lower()
    damaged = tmp_path / "targets.csv"
    damaged.write_bytes("level,unit_code\nprovince,Lạng Sơn ".encode() * 50 + b"\xc3\x28\n")
    with pytest.raises(DataError) as caught:
        read_targets(damaged)
    assert "cannot read the targets file" in str(caught.value)
