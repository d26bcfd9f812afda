"""io.reference's planner lists (district targets, registrations, assessments of merged
communes): read through the io readers like a panel, in any encoding an office uses, from
Excel or Parquet, and every bad cell placed by file, sheet, row and column."""

from __future__ import annotations

import pandas as pd
import pytest
from data.make_test_files import cp1258_bytes
from locations import TEST_DATA

from ntm_analysis.core.errors import DataError
from ntm_analysis.io.load import load_panel
from ntm_analysis.io.reference import load_registrations, read_assessed, read_district_targets

TARGETS = "Huyện,Năm,Mục tiêu\nHữu Lũng,2020,12\nBình Gia,2020,\nTràng Định,2017,4\n"
TC = [f"TC{c}" for c in range(1, 20)]


def placed(error: DataError) -> list[tuple[str, str | None, int | None, str | None]]:
    return [(p.key, p.sheet, p.row, p.column) for p in error.problems]


@pytest.mark.parametrize(
    ("name", "encoding", "sep"),
    [("targets.csv", "cp1258", ";"), ("targets.txt", "utf-16", "\t"), ("t.csv", "utf-8-sig", ",")],
)
def test_district_targets_read_in_any_office_encoding(tmp_path, name, encoding, sep):
    """Windows-1258 with semicolons (older Vietnamese Windows), Excel's "Unicode text"
    (UTF-16, tabs) and the template's own UTF-8 with a BOM all give the same targets."""
    path = tmp_path / name
    text = TARGETS.replace(",", sep)
    path.write_bytes(cp1258_bytes(text) if encoding == "cp1258" else text.encode(encoding))
    assert read_district_targets(path, 2020) == {"Hữu Lũng": 12.0}


def test_district_targets_from_a_workbook_place_a_bad_cell_by_sheet_row_and_column(tmp_path):
    path = tmp_path / "muc_tieu.xlsx"
    rows = [["Hữu Lũng", 2020, 12], ["Bình Gia", 2020, "mười"], ["Văn Lãng", 2020, 3.0]]
    frame = pd.DataFrame(rows, columns=["Huyện", "Năm", "Mục tiêu"])
    frame.to_excel(path, sheet_name="Mục tiêu 2020", index=False)
    with pytest.raises(DataError) as info:
        read_district_targets(path, 2020)
    assert placed(info.value) == [("error.district_targets.target", "Mục tiêu 2020", 3, "Mục tiêu")]
    assert "'mười'" in str(info.value) and "muc_tieu.xlsx" in str(info.value)
    frame.loc[1, "Mục tiêu"] = 10
    frame.to_excel(path, sheet_name="Mục tiêu 2020", index=False)
    assert read_district_targets(path, 2020) == {"Hữu Lũng": 12, "Bình Gia": 10, "Văn Lãng": 3}


def test_registrations_from_a_workbook_and_from_parquet(tmp_path):
    frame = pd.DataFrame({"year": [2017, 2017, 2018], "commune_code": [6112, 6115, 6112]})
    book, table = tmp_path / "dang_ky.xlsx", tmp_path / "dang_ky.parquet"
    frame.to_excel(book, index=False)
    frame.to_parquet(table)
    expected = {2017: {"6112", "6115"}, 2018: {"6112"}}  # a code Excel stored as a number
    assert load_registrations(book) == expected == load_registrations(table)


def test_registrations_bad_cells_are_all_placed(tmp_path):
    path = tmp_path / "dang_ky.csv"
    path.write_bytes(cp1258_bytes("year;commune_code\n2017;X1\nnăm sau;X2\n2018;\n"))
    with pytest.raises(DataError) as info:
        load_registrations(path)
    assert placed(info.value) == [
        ("error.load.unreadable_cell", None, 3, "year"),
        ("error.load.empty_cell", None, 4, "commune_code"),
    ]


def test_assessments_read_from_a_workbook_with_codes_excel_made_numbers(tmp_path):
    path = tmp_path / "danh_gia.xlsx"
    frame = pd.DataFrame([{"commune_code": 6259, "year": 2019, **{tc: 1 for tc in TC}}])
    frame.loc[0, "TC7"] = 0
    frame.to_excel(path, index=False)
    assessed = read_assessed(path)
    assert list(assessed.index) == [("06259", 2019)] and list(assessed.columns) == list(
        range(1, 20)
    )
    assert assessed.loc[("06259", 2019)].sum() == 18 and not assessed.loc[("06259", 2019), 7]


def test_assessments_bad_cell_and_missing_column_are_placed(tmp_path):
    path = tmp_path / "danh_gia.csv"
    row = {"commune_code": "06259", "year": 2019, **{tc: 1 for tc in TC}}
    pd.DataFrame([row, {**row, "TC3": "có lẽ"}]).to_csv(path, index=False)
    with pytest.raises(DataError) as info:
        read_assessed(path)
    assert placed(info.value) == [("error.load.unreadable_cell", None, 3, "TC3")]
    pd.DataFrame([row]).drop(columns="TC19").to_csv(path, index=False)
    with pytest.raises(DataError) as info:
        read_assessed(path)
    assert "danh_gia.csv" in str(info.value) and "TC19" in str(info.value)


def test_load_panel_takes_the_assessments_from_a_workbook(tmp_path):
    """--merge-rule assessed with an .xlsx file: read by io, combined by geography."""
    crossing = TEST_DATA / "admin_synthetic_values_2018_2020.csv"
    merged = [6259, 6265, 6283, 6310, 6145, 6130, 6151]
    rows = [
        {"commune_code": code, "year": year, **{tc: 1 for tc in TC}}
        for code in merged
        for year in (2018, 2019)
    ]
    path = tmp_path / "assessed.xlsx"
    pd.DataFrame(rows).to_excel(path, index=False)
    panel = load_panel(crossing, merge_rule="assessed", assessed_path=path)
    assert panel.wide().loc[("06259", 2019)].tolist() == [True] * 19
    pd.DataFrame(rows[2:]).to_excel(path, index=False)  # Liên Hội missing
    with pytest.raises(DataError) as info:
        load_panel(crossing, merge_rule="assessed", assessed_path=path)
    assert "assessed.xlsx" in str(info.value) and "Liên Hội" in str(info.value)
