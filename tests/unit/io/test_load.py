"""load_panel: every layout, format, spelling and encoding offices send, and every mistake.

Good inputs must load as exactly the panel they were made from; bad inputs must fail with one
``DataError`` whose message names the file, sheet, row, column and what was expected. Inputs
live in tests/data (regenerate with tests/data/make_test_files.py).
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from locations import TEST_DATA

from ntm_analysis.core.criteria import CRITERIA_NUMBERS
from ntm_analysis.core.errors import DataError
from ntm_analysis.core.panel import Panel
from ntm_analysis.core.paths import bundled_dir, default_panel_path
from ntm_analysis.io.layout import write_panel
from ntm_analysis.io.load import load_panel
from ntm_analysis.io.reference import read_registry

DATA = TEST_DATA
BAD = DATA / "bad"
UNITS = DATA / "communes_units.csv"

_spec = importlib.util.spec_from_file_location("make_test_files", DATA / "make_test_files.py")
make = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make)

EXPECTED = make.expected_panel()
TC = [f"TC{c}" for c in CRITERIA_NUMBERS]


def assert_same_panel(got: Panel, expected: Panel = EXPECTED) -> None:
    pd.testing.assert_frame_equal(got.status, expected.status)
    pd.testing.assert_frame_equal(got.communes, expected.communes)
    assert got.synthetic == expected.synthetic


def load_error(path: Path, **kwargs) -> DataError:
    with pytest.raises(DataError) as caught:
        load_panel(path, **kwargs)
    return caught.value


def write_csv(table: pd.DataFrame, path: Path) -> Path:
    table.to_csv(path, index=False, encoding="utf-8")
    return path


def with_flags(yes: object, no: object) -> pd.DataFrame:
    """The expected panel's wide table with every criterion cell spelled ``yes``/``no``."""
    table = make.wide().astype(object)
    for col in TC:
        table[col] = table[col].map({1: yes, 0: no})
    return table


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
@pytest.mark.parametrize("layout", ["wide", "long"])
def test_round_trip_through_write_panel(tmp_path, suffix, layout):
    path = write_panel(EXPECTED, tmp_path / f"panel{suffix}", layout)
    got = load_panel(path)
    assert_same_panel(got)
    assert got.source == str(path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_synthetic_flag_round_trips(tmp_path, suffix):
    synthetic = Panel.from_frames(EXPECTED.status, EXPECTED.communes, synthetic=True)
    got = load_panel(write_panel(synthetic, tmp_path / f"demo{suffix}", "wide"))
    assert got.synthetic is True
    assert_same_panel(got, synthetic)


def test_one_synthetic_row_marks_the_whole_panel(tmp_path):
    # a file mixing generated and real rows must never pass as real data
    table = make.wide().assign(**{"Dữ liệu mô phỏng": [1, 1, 1, 1, 1, 0]})
    assert load_panel(write_csv(table, tmp_path / "mixed.csv")).synthetic is True
    table = make.wide().assign(**{"Dữ liệu mô phỏng": [0] * 6})
    assert load_panel(write_csv(table, tmp_path / "real.csv")).synthetic is False


def test_placeholder_codes_are_not_padded(tmp_path):
    communes = EXPECTED.communes.assign(commune_code=["X18001", "X18002", "X18101"])
    recode = dict(zip(EXPECTED.communes["commune_code"], communes["commune_code"], strict=True))
    status = EXPECTED.status.assign(commune_code=EXPECTED.status["commune_code"].map(recode))
    panel = Panel.from_frames(status, communes, synthetic=True)
    got = load_panel(write_panel(panel, tmp_path / "demo.csv", "wide"))
    assert sorted(got.communes["commune_code"]) == ["X18001", "X18002", "X18101"]
    assert_same_panel(got, panel)


@pytest.mark.parametrize(
    "name",
    [
        "wide_vi.csv",  # Vietnamese headers, as write_panel writes them
        "long_en.csv",  # long layout, English headers
        "wide_title_rows.xlsx",  # notes sheet first, two title rows, a blank row in the data
        "wide_two_row_header.xlsx",  # "Tiêu chí" merged over a row numbering 1…19
        "wide_legacy.xls",  # Excel 97–2003 (BIFF8), two title rows and a blank row
        "wide_x_marks.csv",  # x / X / ✓ for met, empty for not met
        "wide_nfd_no_zeros.csv",  # NFD text, "Đạt"/"Chưa đạt", codes without leading zeros
        "wide_utf8_bom.csv",
        "wide_cp1258.csv",  # Windows-1258 with combining tone marks
        "wide_unicode_text.txt",  # Excel "Unicode text": UTF-16, tab-separated
        "wide_semicolon.csv",  # Excel in a decimal-comma locale
    ],
)
def test_committed_good_files_load_exactly(name):
    assert_same_panel(load_panel(DATA / name))


def test_nfd_input_comes_out_nfc():
    raw = (DATA / "wide_nfd_no_zeros.csv").read_text(encoding="utf-8")
    assert "Hoàng Đồng" not in raw  # the file really is decomposed
    assert unicodedata.normalize("NFC", raw).count("Hoàng Đồng") == 2
    got = load_panel(DATA / "wide_nfd_no_zeros.csv")
    names = got.communes["commune_name"].tolist()
    assert names == ["Hoàng Đồng", "Tân Liên", "Đồng Tân"]
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert got.communes["district_name"].tolist() == ["Tràng Định", "Tràng Định", "Bình Gia"]


# --------------------------------------------------------------------------- headers


def test_english_and_variant_headers(tmp_path):
    table = make.wide()
    variants = ["C1", "criterion_2", "TC 3", "Tiêu chí 4", "TC05", "Tiêu chí số 6", "tc7"]
    renames = {
        "Mã xã": "commune code",
        "Tên xã": "commune",
        "Mã huyện": "district_code",
        "Huyện": "district",
        "Năm": "Year",
        "Xã ĐBKK": "especially difficult",
        "Số tiêu chí đạt": "criteria met",
        **dict(zip(TC, variants, strict=False)),
        "TC8": "TC8 Thông tin và Truyền thông",
        "TC19": "C19 Defence and security",
    }
    assert_same_panel(load_panel(write_csv(table.rename(columns=renames), tmp_path / "en.csv")))


def test_headers_without_diacritics_and_extra_columns(tmp_path):
    table = make.wide().rename(columns={"Mã xã": "Ma xa", "Tên xã": "Ten xa", "Năm": "NAM"})
    table.insert(0, "STT", range(1, len(table) + 1))
    table["Ghi chú"] = "đã thẩm định"
    assert_same_panel(load_panel(write_csv(table, tmp_path / "ascii.csv")))


def test_district_by_name_only_or_code_only(tmp_path):
    by_name = make.wide().drop(columns=["Mã huyện"])
    by_name["Huyện"] = by_name["Huyện"].map(
        {"Tràng Định": "huyện Trang Dinh", "Bình Gia": "BINH GIA"}
    )
    assert_same_panel(load_panel(write_csv(by_name, tmp_path / "names.csv")))
    by_code = make.wide().drop(columns=["Huyện"])
    assert_same_panel(load_panel(write_csv(by_code, tmp_path / "codes.csv")))


def test_title_rows_in_csv_count_in_row_numbers(tmp_path):
    table = make.wide().astype(object)
    table.loc[2, "TC9"] = "?"  # data row 3 → spreadsheet row 2 titles + header + 3 = 6
    path = tmp_path / "titled.csv"
    path.write_text(f"{make.TITLE},,\n{make.SUBTITLE}\n" + table.to_csv(index=False), "utf-8")
    error = load_error(path)
    assert [(p.row, p.column) for p in error.problems] == [(6, "TC9")]


def test_two_row_header_row_numbers(tmp_path):
    table = make.wide().astype(object)
    table.loc[1, "TC4"] = "?"  # title 1, header 2–3, data from 4: row 5
    path = tmp_path / "template.xlsx"
    make.xlsx({"TH": [[make.TITLE], *make.two_row_header(table)]}, path)
    error = load_error(path)
    assert [(p.sheet, p.row, p.column) for p in error.problems] == [("TH", 5, "Tiêu chí 4")]


# --------------------------------------------------------------------------- cell values


@pytest.mark.parametrize(
    ("yes", "no"),
    [
        ("Đạt", "Chưa đạt"),
        ("đạt", "Không đạt"),
        ("Đ", "chưa đạt"),
        ("1", "0"),
        ("1.0", "0.0"),
        ("TRUE", "FALSE"),
        ("Có", "Không"),
        ("yes", "no"),
        ("x", ""),
        ("X", ""),
        ("✓", ""),
    ],
)
def test_each_flag_spelling(tmp_path, yes, no):
    path = write_csv(with_flags(yes, no), tmp_path / "flags.csv")
    assert_same_panel(load_panel(path))


def test_native_excel_types(tmp_path):
    """Excel cells arrive as bool, int and float, not text."""
    table = with_flags(True, False)
    table["TC1"] = table["TC1"].map({True: 1.0, False: 0.0})
    table["Năm"] = table["Năm"].astype(float)
    table["Mã xã"] = table["Mã xã"].astype(int)  # Excel dropped the leading zeros
    path = tmp_path / "native.xlsx"
    make.xlsx({"Sheet1": make.grid(table)}, path)
    assert_same_panel(load_panel(path))


def test_parquet_with_bool_columns(tmp_path):
    table = make.wide()
    table[TC] = table[TC].astype(bool)
    path = tmp_path / "flags.parquet"
    table.to_parquet(path, index=False)
    assert_same_panel(load_panel(path))


@pytest.mark.parametrize("spell", [str, lambda y: f"Năm {y}", lambda y: f"{y}.0", float])
def test_year_spellings(tmp_path, spell):
    table = make.wide().astype(object)
    table["Năm"] = table["Năm"].map(spell)
    assert_same_panel(load_panel(write_csv(table, tmp_path / "years.csv")))


def test_leading_zeros_restored_only_when_all_codes_are_digits(tmp_path):
    table = make.wide()
    table["Mã xã"] = table["Mã xã"].str.lstrip("0")
    assert load_panel(write_csv(table, tmp_path / "digits.csv")).communes[
        "commune_code"
    ].tolist() == ["06100", "06103", "06208"]
    table.loc[table["Mã xã"] == "6208", "Mã xã"] = "X6208"
    got = load_panel(write_csv(table, tmp_path / "mixed.csv"))
    assert got.communes["commune_code"].tolist() == ["6100", "6103", "X6208"]


def test_difficult_column_is_optional(tmp_path):
    got = load_panel(write_csv(make.wide().drop(columns=["Xã ĐBKK"]), tmp_path / "nd.csv"))
    assert got.communes["difficult"].tolist() == [False, False, False]
    table = make.wide().astype(object)
    table["Xã ĐBKK"] = table["Xã ĐBKK"].map({1: "Có", 0: ""})
    got = load_panel(write_csv(table, tmp_path / "words.csv"))
    assert got.communes["difficult"].tolist() == [False, True, False]


def test_count_column_is_optional_and_checked_when_present(tmp_path):
    table = make.wide()
    assert_same_panel(
        load_panel(write_csv(table.drop(columns=["Số tiêu chí đạt"]), tmp_path / "a.csv"))
    )
    table.loc[0, "Số tiêu chí đạt"] = np.nan  # a blank count is no claim
    assert_same_panel(load_panel(write_csv(table, tmp_path / "b.csv")))


def test_long_layout_spellings(tmp_path):
    table = make.long().astype(object)
    table["criterion"] = [
        f"TC{c}" if i % 3 == 0 else f"Tiêu chí {c}" if i % 3 == 1 else str(c)
        for i, c in enumerate(table["criterion"])
    ]
    table["met"] = table["met"].map({1: "Đạt", 0: "Chưa đạt"})
    table = table.rename(
        columns={"commune_code": "Mã xã", "criterion": "Tiêu chí", "met": "Kết quả"}
    )
    assert_same_panel(load_panel(write_csv(table, tmp_path / "long_vi.csv")))


def test_long_layout_with_x_marks(tmp_path):
    table = make.long().astype(object)
    table["met"] = table["met"].map({1: "x", 0: ""})
    assert_same_panel(load_panel(write_csv(table, tmp_path / "long_x.csv")))


# --------------------------------------------------------------------------- files and sheets


def test_sheet_by_name_and_index():
    path = DATA / "wide_title_rows.xlsx"
    assert_same_panel(load_panel(path, sheet="Báo cáo"))
    assert_same_panel(load_panel(path, sheet="bao cao"))
    assert_same_panel(load_panel(path, sheet=1))
    assert_same_panel(load_panel(path, sheet="1"))


def test_unknown_sheet_lists_the_sheets():
    message = str(load_error(DATA / "wide_title_rows.xlsx", sheet="Nope"))
    assert "there is no sheet 'Nope'" in message
    assert "'Ghi chú', 'Báo cáo'" in message


def test_chosen_sheet_without_header_is_named():
    error = load_error(DATA / "wide_title_rows.xlsx", sheet=0)
    assert error.problems[0].sheet == "Ghi chú"
    assert "no header row found" in str(error)


def test_sheet_argument_for_csv_is_an_error():
    assert "has no sheets" in str(load_error(DATA / "wide_vi.csv", sheet="NTM"))


def test_paths_with_spaces_and_vietnamese(tmp_path):
    folder = tmp_path / "Dữ liệu NTM" / "Lạng Sơn"
    folder.mkdir(parents=True)
    for name in ("Báo cáo 2016 (bản cuối).xlsx", "tiêu chí đạt.csv", "kết quả.parquet"):
        assert_same_panel(load_panel(write_panel(EXPECTED, folder / name, "wide")))


def test_input_files_are_not_modified(tmp_path):
    paths = [
        shutil.copy(DATA / n, tmp_path / n) for n in ("wide_title_rows.xlsx", "wide_cp1258.csv")
    ]
    paths.append(write_panel(EXPECTED, tmp_path / "p.parquet", "long"))
    before = {
        p: (hashlib.sha256(Path(p).read_bytes()).hexdigest(), Path(p).stat().st_mtime_ns)
        for p in paths
    }
    for p in paths:
        load_panel(p)
    after = {
        p: (hashlib.sha256(Path(p).read_bytes()).hexdigest(), Path(p).stat().st_mtime_ns)
        for p in paths
    }
    assert before == after
    assert sorted(x.name for x in tmp_path.iterdir()) == [
        "p.parquet",
        "wide_cp1258.csv",
        "wide_title_rows.xlsx",
    ]


def test_default_path_and_registry_come_from_the_data_dir(tmp_path, monkeypatch):
    shutil.copy(bundled_dir("data") / "units_lang_son_2017.csv", tmp_path)
    monkeypatch.setenv("NTM_DATA_DIR", str(tmp_path))
    write_panel(EXPECTED, default_panel_path(), "wide")
    got = load_panel()
    assert_same_panel(got)
    assert got.source == str(tmp_path / "lang_son_ntm_2011_2016_synthetic.csv")


def test_bundled_default_panel_loads():
    if not default_panel_path().exists():
        pytest.skip("the bundled default panel has not been generated yet")
    got = load_panel()
    assert got.synthetic is True
    assert len(got.communes) > 100


def test_custom_registry(tmp_path):
    units = pd.read_csv(bundled_dir("data") / "units_lang_son_2017.csv")
    units = units[units["district_code"].isin([180, 181])]
    units.loc[units["district_code"] == 181, "district_name"] = "Bình Gia Mới"
    units.to_csv(tmp_path / "units.csv", index=False)
    table = make.wide().drop(columns=["Huyện"])
    got = load_panel(
        write_csv(table, tmp_path / "p.csv"), registry=read_registry(tmp_path / "units.csv")
    )
    assert got.communes["district_name"].tolist() == ["Tràng Định", "Tràng Định", "Bình Gia Mới"]


def test_communes_units_file_accepts_matching_communes():
    assert_same_panel(load_panel(DATA / "wide_vi.csv", communes_path=UNITS))


# --------------------------------------------------------------------------- bad input

BAD_CASES = [
    # (file, load_panel keyword arguments, number of problems, words the message must contain)
    ("missing_year_column.csv", {}, 1, ["row 1", "missing required column", "the year", "'Năm'"]),
    ("missing_criterion_columns.csv", {}, 1, ["row 1", "missing required column", "TC5, TC7"]),
    (
        "blank_flag.csv",
        {},
        1,
        ["row 3", "column 'TC3'", "cannot read an empty cell", "Đạt or Chưa đạt"],
    ),
    (
        "bad_values.csv",
        {},
        3,
        [
            "row 2, column 'TC7': cannot read 'Đạt?'",
            "row 4, column 'TC12': cannot read '2': expected Đạt or Chưa đạt, 1 or 0",
            "row 4, column 'Xã ĐBKK': cannot read 'có lẽ'",
        ],
    ),
    (
        "bad_values.xlsx",
        {},
        2,
        [
            "sheet 'Báo cáo 2016', row 5, column 'TC7': cannot read 'Đạt?'",
            "sheet 'Báo cáo 2016', row 6, column 'Năm': cannot read '20l6': expected a year",
        ],
    ),
    (
        "bad_values.xls",  # the same rows in a legacy workbook: the same places
        {},
        2,
        [
            "sheet 'Báo cáo 2016', row 5, column 'TC7': cannot read 'Đạt?'",
            "sheet 'Báo cáo 2016', row 6, column 'Năm': cannot read '20l6': expected a year",
        ],
    ),
    (
        "duplicate_commune_year.csv",
        {},
        1,
        ["row 8", "commune 06100, year 2015 appears more than once (first at row 2)"],
    ),
    (
        "duplicate_long.csv",
        {},
        1,
        ["row 116", "criterion 4 appears more than once (first at row 5)"],
    ),
    ("year_out_of_range.csv", {}, 1, ["row 5, column 'Năm'", "year 1916 is outside 2000–2035"]),
    (
        "count_mismatch.csv",
        {},
        2,
        [
            "row 6, column 'Số tiêu chí đạt': says 15 criteria met but the row's criterion "
            "columns show 14",
            "row 7, column 'Số tiêu chí đạt': cannot read 'mười': expected a whole number 0–19",
        ],
    ),
    (
        "two_names.csv",
        {},
        1,
        ["row 3", "06100 has 2 different names: 'Hoàng Đồng' (row 2); 'Hoàng Đông' (row 3)"],
    ),
    (
        "two_districts.csv",
        {},
        1,
        ["row 3", "2 different districts: Tràng Định (180) (row 2); Bình Gia (181) (row 3)"],
    ),
    (
        "unknown_district.csv",
        {},
        1,
        [
            "row 2, column 'Huyện'",
            "unknown district 'Trang Dinhh'",
            "did you mean Tràng Định",
            "4 rows",
        ],
    ),
    (
        "unknown_district_code.csv",
        {},
        1,
        ["row 7, column 'Mã huyện'", "unknown district code '999'", "181"],
    ),
    (
        "district_disagrees.csv",
        {},
        1,
        [
            "row 2, column 'Mã huyện'",
            "district code says Bình Gia (181) but the district name says Tràng Định",
        ],
    ),
    (
        "missing_commune_code.csv",
        {},
        1,
        ["row 4, column 'Mã xã'", "cannot read an empty cell: expected a commune code"],
    ),
    (
        "incomplete_long.csv",
        {},
        1,
        ["row 59", "commune 06103, year 2016 has no row for criteria 5, 11"],
    ),
    ("missing_year.csv", {}, 1, ["row 6", "commune 06208 (Đồng Tân) has no row for year 2015"]),
    (
        "bad_criterion_long.csv",
        {},
        2,
        [
            "row 2, column 'criterion': cannot read 'TC20'",
            "row 3, column 'criterion': cannot read 'abc'",
            "1–19",
        ],
    ),
    ("duplicate_header.csv", {}, 1, ["column 'commune_code'", "means the same as column 'Mã xã'"]),
    ("criterion_20.csv", {}, 1, ["column 'TC20'", "there is no criterion 20"]),
    (
        "not_in_units.csv",
        {"communes_path": UNITS},
        3,
        [
            "row 4: commune 06103 is in Bình Gia here but in Tràng Định in the units file "
            "communes_units.csv",
            "row 6: commune 06208 is named 'Đồng Tâm' but the units file communes_units.csv "
            "calls it 'Xã Đồng Tân'",
            "row 8: commune 06999 (Hoa Thám) is not in the units file",
            "'Xã Hoa Thám' with code 06211",
        ],
    ),
    ("empty.csv", {}, 1, ["the file is empty"]),
    ("header_only.csv", {}, 1, ["no data rows below the header (row 1)"]),
    ("no_header.csv", {}, 1, ["no header row found", "'Mã xã'"]),
    (
        "no_header_sheets.xlsx",
        {},
        1,
        ["no sheet has a header row", "'Ghi chú', 'Trống', 'Tổng hợp'"],
    ),
    ("xlsx_named.csv", {}, 1, ["not a text CSV file", "Excel workbook"]),
    ("text_named.xlsx", {}, 1, ["cannot open as an Excel .xlsx workbook", "not a workbook"]),
    ("xls_named.xlsx", {}, 1, ["cannot open as an Excel .xlsx workbook", "old .xls"]),
    ("text_named.parquet", {}, 1, ["cannot read as a Parquet file"]),
    (
        "undecodable.csv",  # UTF-8 with invalid bytes at the end: damaged, not Windows-1258
        {},
        1,
        ["cannot decode the text: it is UTF-8 but byte 668 (line 8) is not valid", "cut short"],
    ),
    # legacy .xls is read (calamine); this one is only an empty OLE header: damaged
    ("old_excel.xls", {}, 1, ["cannot open as an Excel .xls workbook", "save it as .xlsx"]),
    # found while hardening the loader (issue 6)
    (
        "header_block_typo.xlsx",  # 17 typed for 7 in the row numbering the criteria
        {},
        2,
        [
            "sheet 'Biểu 01', row 3, column 'Tiêu chí 17': this column (W) means the same as "
            "column 'Tiêu chí 17' (M: criterion 17)",
            "sheet 'Biểu 01', row 3: missing required column: criterion column TC7;",
        ],
    ),
    (
        "not_vietnamese_encoding.csv",
        {},
        1,
        ["cannot decode the text as UTF-8, UTF-16 or Windows-1258"],
    ),
    (
        "truncated.xlsx",
        {},
        1,
        ["cannot open as an Excel .xlsx workbook: it is damaged (cut short?)"],
    ),
    (
        "long_difficult_disagrees.csv",
        {},
        1,
        [
            "row 63, column 'difficult': commune 06103, year 2016 is marked especially "
            "difficult in row 59 but not in row 63; its rows must agree"
        ],
    ),
    (
        "long_count_mismatch.csv",
        {},
        1,
        [
            "row 78, column 'Số tiêu chí đạt': says 15 criteria met but the rows of commune "
            "06208, year 2015 show 14"
        ],
    ),
    (
        "odd_numbers.csv",
        {},
        4,
        [
            "row 2, column 'TC1': cannot read '01'",
            "row 3, column 'TC2': cannot read '1e0'",
            "row 4, column 'Năm': cannot read '2_016': expected a year",
            "row 5, column 'TC3': cannot read '１'",
        ],
    ),
    ("empty_workbook.xlsx", {}, 1, ["the workbook is empty"]),
]

# files in bad/ that look wrong but mean exactly the expected panel: they must load
MESSY_CASES = [
    "merged_header_block.xlsx",  # title; "Đơn vị" over code/name/district; numbers 1…19
    "title_rows.csv",  # a title and a subtitle above the header
    "totals_rows.xlsx",  # "Cộng huyện …" subtotals and "TỔNG CỘNG", skipped (no code)
    "district_no_diacritics.csv",  # "Trang Dinh", "huyện binh gia", no district code
    "nfd_text.xlsx",  # every text NFD, the sheet name too, no district code
    "codes_as_numbers.xlsx",  # 6100 and 6100.0 for "06100"
    "mixed_flags.xlsx",  # Đạt/đạt/Đ/x/X/✓/1/"1.0" and Chưa đạt/0/"0.0"/Không in each column
    "year_as_text.csv",  # "Năm 2015", "năm 2016", "NĂM 2015", "2015"
    "utf16.csv",  # UTF-16 with a BOM and commas, as some Excel versions save "CSV"
]


@pytest.mark.parametrize(
    ("name", "kwargs", "count", "words"), BAD_CASES, ids=[c[0] for c in BAD_CASES]
)
def test_bad_file(name, kwargs, count, words):
    error = load_error(BAD / name, **kwargs)
    message = str(error)
    assert len(error.problems) == count, message
    assert all(p.file == str(BAD / name) for p in error.problems)
    assert message.count(f"  - {name}") == count  # every line starts with the file name
    for word in words:
        assert word in message


@pytest.mark.parametrize("name", MESSY_CASES)
def test_messy_file_loads_exactly(name):
    assert_same_panel(load_panel(BAD / name))


def test_every_bad_file_has_a_case():
    cases = [c[0] for c in BAD_CASES] + MESSY_CASES
    assert sorted(p.name for p in BAD.iterdir()) == sorted(cases)


def test_problem_fields_locate_the_cell():
    error = load_error(BAD / "bad_values.xlsx")
    located = [(p.sheet, p.row, p.column) for p in error.problems]
    assert located == [("Báo cáo 2016", 5, "TC7"), ("Báo cáo 2016", 6, "Năm")]
    assert all(p.sheet is None for p in load_error(BAD / "bad_values.csv").problems)
    legacy = load_error(BAD / "bad_values.xls")  # .xls: calamine reads it, same places
    assert [(p.sheet, p.row, p.column) for p in legacy.problems] == located


def test_all_problems_reported_at_once(tmp_path):
    table = make.wide().astype(object)
    table.loc[0, "TC1"] = "?"
    table.loc[1, "Năm"] = "sau"
    table.loc[2, "Huyện"] = "Atlantis"
    table.loc[2, "Mã huyện"] = ""
    table.loc[3, "Số tiêu chí đạt"] = 0
    error = load_error(write_csv(table, tmp_path / "many.csv"))
    assert [(p.row, p.column) for p in error.problems] == [
        (2, "TC1"),
        (3, "Năm"),
        (4, "Huyện"),
        (5, "Số tiêu chí đạt"),
    ]


def test_missing_and_folder_paths(tmp_path):
    assert "file not found" in str(load_error(tmp_path / "không có.csv"))
    assert "folder" in str(load_error(tmp_path))
