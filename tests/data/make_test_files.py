"""Regenerate the loader's test inputs: ``python tests/data/make_test_files.py``.

The good files are one small panel (3 communes of Lạng Sơn, 2015–2016) in the layouts,
encodings and spellings offices actually send; ``bad/`` holds one file per kind of mistake
``load_panel`` must report. XLSX files are binary, so this script is their source of truth:
edit it, rerun it, and commit the files it writes. ``expected_panel()`` is what every good file
must load as; the tests import it from here.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd

from ntm_analysis.criteria import CRITERIA_NUMBERS
from ntm_analysis.layout import long_table, wide_table, write_panel
from ntm_analysis.panel import Panel

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"
YEARS = (2015, 2016)
COMMUNES = pd.DataFrame(
    {
        "commune_code": ["06100", "06103", "06208"],
        "commune_name": ["Hoàng Đồng", "Tân Liên", "Đồng Tân"],
        "district_code": [180, 180, 181],
        "district_name": ["Tràng Định", "Tràng Định", "Bình Gia"],
        "difficult": [False, True, False],
    }
)
TITLE = "BÁO CÁO KẾT QUẢ THỰC HIỆN TIÊU CHÍ NÔNG THÔN MỚI"
SUBTITLE = "(Kèm theo Báo cáo số 12/BC-UBND ngày 15/12/2016)"


def expected_panel() -> Panel:
    """The panel every good file holds; flags follow a fixed pattern so rows differ."""
    rows = [
        (code, year, c, (i * 7 + (year - YEARS[0]) * 5 + c * 3) % 4 != 0)
        for i, code in enumerate(COMMUNES["commune_code"])
        for year in YEARS
        for c in CRITERIA_NUMBERS
    ]
    status = pd.DataFrame(rows, columns=["commune_code", "year", "criterion", "met"])
    return Panel.from_frames(status, COMMUNES)


def wide() -> pd.DataFrame:
    """The panel as written by ``layout.write_panel(..., "wide")``: data rows are 2–7."""
    return wide_table(expected_panel())


def long() -> pd.DataFrame:
    return long_table(expected_panel())


def csv(table: pd.DataFrame, name: str, folder: Path = BAD) -> None:
    table.to_csv(folder / name, index=False, encoding="utf-8")


def xlsx(sheets: dict[str, list[list[object]]], path: Path) -> None:
    """A workbook from raw rows per sheet (so title rows and gaps are exactly as given)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    save(book, path)


_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)")


def save(book: openpyxl.Workbook, path: Path) -> None:
    """Save with fixed timestamps, so rerunning this script leaves committed files unchanged."""
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            if name == "docProps/core.xml":
                data = _STAMP.sub(rb"\g<1>2016-12-15T00:00:00Z\g<2>", data)
            stamp = zipfile.ZipInfo(name, date_time=(2016, 12, 15, 0, 0, 0))
            archive.writestr(stamp, data, compress_type=zipfile.ZIP_DEFLATED)


def grid(table: pd.DataFrame) -> list[list[object]]:
    return [list(table.columns), *table.astype(object).values.tolist()]


def two_row_header(table: pd.DataFrame) -> list[list[object]]:
    """Rows of the official template: "Tiêu chí" merged over a second row numbering 1…19."""
    names = list(table.columns)
    top = ["Tiêu chí" if n == "TC1" else None if n.startswith("TC") else n for n in names]
    below = [int(n[2:]) if n.startswith("TC") else None for n in names]
    return [top, below, *table.astype(object).values.tolist()]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


_TONES = "\u0300\u0301\u0303\u0309\u0323"  # Windows-1258 stores tone marks as combining


def cp1258_bytes(text: str) -> bytes:
    """Text as Windows-1258 writes it: "ệ" is "ê" followed by a combining dot below."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in parts if m in _TONES)
        base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONES))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def write_good() -> None:
    panel = expected_panel()
    write_panel(panel, HERE / "wide_vi.csv", "wide")
    write_panel(panel, HERE / "long_en.csv", "long")
    table = wide()
    # Excel habits: a notes sheet first, two title rows, a blank row inside the data
    body = grid(table)
    xlsx(
        {
            "Ghi chú": [["Số liệu do Văn phòng Điều phối NTM tỉnh cung cấp"], ["Đơn vị: xã"]],
            "Báo cáo": [[TITLE], [SUBTITLE], *body[:4], [], *body[4:]],
        },
        HERE / "wide_title_rows.xlsx",
    )
    xlsx({"TH": [[TITLE], *two_row_header(table)]}, HERE / "wide_two_row_header.xlsx")
    book = openpyxl.load_workbook(HERE / "wide_two_row_header.xlsx")
    tc1 = list(table.columns).index("TC1") + 1
    book["TH"].merge_cells(start_row=2, start_column=tc1, end_row=2, end_column=tc1 + 18)
    save(book, HERE / "wide_two_row_header.xlsx")
    # x-marks: met criteria ticked, the others left empty
    marks = table.copy()
    for c in CRITERIA_NUMBERS:
        marks[f"TC{c}"] = marks[f"TC{c}"].map({1: "x", 0: ""})
    marks.loc[0, "TC1"] = "✓" if marks.loc[0, "TC1"] else ""
    marks.loc[1, "TC2"] = "X" if marks.loc[1, "TC2"] else ""
    csv(marks, "wide_x_marks.csv", HERE)
    # NFD text everywhere (headers, names, "Đạt"), leading zeros dropped by Excel
    decomposed = table.copy()
    decomposed["Mã xã"] = decomposed["Mã xã"].str.lstrip("0")
    for c in CRITERIA_NUMBERS:
        decomposed[f"TC{c}"] = decomposed[f"TC{c}"].map({1: "Đạt", 0: "Chưa đạt"})
    text = decomposed.to_csv(index=False)
    (HERE / "wide_nfd_no_zeros.csv").write_text(nfd(text), encoding="utf-8")
    # encodings Excel and older Vietnamese Windows produce
    text = table.to_csv(index=False)
    (HERE / "wide_utf8_bom.csv").write_bytes(text.encode("utf-8-sig"))
    (HERE / "wide_cp1258.csv").write_bytes(cp1258_bytes(text))
    unicode_text = table.to_csv(index=False, sep="\t", lineterminator="\r\n")
    (HERE / "wide_unicode_text.txt").write_bytes(unicode_text.encode("utf-16"))
    (HERE / "wide_semicolon.csv").write_text(table.to_csv(index=False, sep=";"), "utf-8")
    # a GSO-style units file of communes, for communes_path
    units = pd.DataFrame(
        {
            "Mã xã": ["06100", "06103", "06208", "06211"],
            "Tên xã": ["Xã Hoàng Đồng", "Xã Tân Liên", "Xã Đồng Tân", "Xã Hoa Thám"],
            "Mã huyện": [180, 180, 181, 181],
        }
    )
    csv(units, "communes_units.csv", HERE)


def write_bad() -> None:
    table = wide()
    csv(table.drop(columns=["Năm"]), "missing_year_column.csv")
    csv(table.drop(columns=["TC5", "TC7"]), "missing_criterion_columns.csv")
    bad = table.astype(object)
    bad.loc[1, "TC3"] = ""  # row 3
    csv(bad, "blank_flag.csv")
    bad = table.astype(object)
    bad.loc[0, "TC7"] = "Đạt?"  # row 2
    bad.loc[2, "TC12"] = 2  # row 4
    bad.loc[2, "Xã ĐBKK"] = "có lẽ"  # row 4
    csv(bad, "bad_values.csv")
    rows = grid(table.astype(object))
    rows[2][rows[0].index("TC7")] = "Đạt?"  # spreadsheet row 5 (title, subtitle, header, …)
    rows[3][rows[0].index("Năm")] = "20l6"  # row 6
    xlsx({"Báo cáo 2016": [[TITLE], [SUBTITLE], *rows]}, BAD / "bad_values.xlsx")
    csv(pd.concat([table, table.iloc[[0]]]), "duplicate_commune_year.csv")  # row 8 repeats 2
    long_rows = long()
    csv(pd.concat([long_rows, long_rows.iloc[[3]]]), "duplicate_long.csv")  # 116 repeats 5
    bad = table.astype(object)
    bad.loc[3, "Năm"] = 1916  # row 5
    csv(bad, "year_out_of_range.csv")
    bad = table.astype(object)
    bad.loc[4, "Số tiêu chí đạt"] = int(table.loc[4, "Số tiêu chí đạt"]) + 1  # row 6
    bad.loc[5, "Số tiêu chí đạt"] = "mười"  # row 7
    csv(bad, "count_mismatch.csv")
    bad = table.copy()
    bad.loc[1, "Tên xã"] = "Hoàng Đông"  # row 3: same code 06100, another name
    csv(bad, "two_names.csv")
    bad = table.copy()
    bad.loc[1, ["Mã huyện", "Huyện"]] = [181, "Bình Gia"]  # row 3: 06100 moves district
    csv(bad, "two_districts.csv")
    bad = table.drop(columns=["Mã huyện"])
    bad.loc[bad["Huyện"] == "Tràng Định", "Huyện"] = "Trang Dinhh"  # rows 2–5
    csv(bad, "unknown_district.csv")
    bad = table.drop(columns=["Huyện"])
    bad.loc[5, "Mã huyện"] = 999  # row 7
    csv(bad, "unknown_district_code.csv")
    bad = table.copy()
    bad.loc[0, "Mã huyện"] = 181  # row 2: code says Bình Gia, name says Tràng Định
    csv(bad, "district_disagrees.csv")
    bad = table.astype(object)
    bad.loc[2, "Mã xã"] = ""  # row 4
    csv(bad, "missing_commune_code.csv")
    incomplete = long_rows[
        ~((long_rows["commune_code"] == "06103") & (long_rows["year"] == 2016))
        | ~long_rows["criterion"].isin([5, 11])
    ]
    csv(incomplete, "incomplete_long.csv")
    csv(table.drop(index=[4]), "missing_year.csv")  # 06208 has no 2015
    bad = long_rows.astype(object)
    bad.loc[0, "criterion"] = "TC20"  # row 2
    bad.loc[1, "criterion"] = "abc"  # row 3
    csv(bad, "bad_criterion_long.csv")
    bad = table.copy()
    bad.insert(1, "commune_code", bad["Mã xã"])
    csv(bad, "duplicate_header.csv")
    bad = table.copy()
    bad["TC20"] = 0
    csv(bad, "criterion_20.csv")
    bad = table.copy()
    bad.loc[[2, 3], ["Mã huyện", "Huyện"]] = [181, "Bình Gia"]  # rows 4–5: 06103 moved
    bad.loc[[4, 5], "Tên xã"] = "Đồng Tâm"  # rows 6–7: the units file says Đồng Tân
    stranger = table.iloc[[0, 1]].assign(**{"Mã xã": "06999", "Tên xã": "Hoa Thám"})
    bad = pd.concat([bad, stranger])  # rows 8–9: code 06999 is not in the units file
    csv(bad, "not_in_units.csv")
    (BAD / "empty.csv").write_bytes(b"")
    (BAD / "header_only.csv").write_text(",".join(table.columns) + "\n", "utf-8")
    (BAD / "no_header.csv").write_text("Danh sách xã\nxã,năm\nHoàng Đồng,2016\n", "utf-8")
    xlsx({"NTM": grid(table)}, BAD / "xlsx_named.csv")
    (BAD / "text_named.xlsx").write_text(table.to_csv(index=False), "utf-8")
    (BAD / "text_named.parquet").write_text(table.to_csv(index=False), "utf-8")
    # invalid UTF-8 (lone 0xC3) and undefined in Windows-1258 (0x81)
    (BAD / "undecodable.csv").write_bytes(table.to_csv(index=False).encode() + b"\xc3(\x81\n")
    xlsx(
        {"Ghi chú": [["Số liệu năm 2016"]], "Trống": [], "Tổng hợp": [["Tổng", 207]]},
        BAD / "no_header_sheets.xlsx",
    )
    (BAD / "xls_named.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    (BAD / "old_excel.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))


def main() -> None:
    BAD.mkdir(parents=True, exist_ok=True)
    write_good()
    write_bad()


if __name__ == "__main__":
    main()
