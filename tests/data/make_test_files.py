"""Regenerate the loader's test inputs: ``python tests/data/make_test_files.py``.

The good files are one small panel (3 communes of Lạng Sơn, 2015–2016) in the layouts,
encodings and spellings offices actually send; ``bad/`` holds one file per kind of trouble:
mistakes ``load_panel`` must report, and messy-but-unambiguous files it must read exactly
(``write_messy``; the tests say which is which). XLSX files are binary, so this script is
their source of truth: edit it, rerun it, and commit the files it writes (it rewrites them
byte for byte). ``expected_panel()`` is what every good file must load as; the tests import
it from here.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd

from ntm_analysis.core.criteria import CRITERIA_NUMBERS
from ntm_analysis.core.panel import Panel
from ntm_analysis.io.layout import long_table, wide_table, write_panel

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


def xlsx(sheets: dict[str, list[list[object]]], path: Path, merges: tuple[str, ...] = ()) -> None:
    """A workbook from raw rows per sheet (so title rows and gaps are exactly as given).

    ``merges`` are cell ranges ("B2:D2") merged in the first sheet, as report templates do.
    """
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    for cells in merges:
        book.worksheets[0].merge_cells(cells)
    save(book, path)


def xls(sheets: dict[str, list[list[object]]], path: Path) -> None:
    """A legacy Excel 97–2003 workbook (BIFF8), as old office computers still save.

    Written with ``xlwt`` (pip install xlwt; needed only to regenerate this file, so imported
    here), a writer independent of the calamine reader under test.
    """
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for title, rows in sheets.items():
        ws = book.add_sheet(title)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is not None and value != "":
                    ws.write(i, j, value)
    book.save(str(path))


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
    xls({"Báo cáo": [[TITLE], [SUBTITLE], [], *body]}, HERE / "wide_legacy.xls")
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
    xls({"Báo cáo 2016": [[TITLE], [SUBTITLE], *rows]}, BAD / "bad_values.xls")  # same places
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


TC = [f"TC{c}" for c in CRITERIA_NUMBERS]


def header_block(table: pd.DataFrame, numbers: list[int]) -> tuple[list[list[object]], tuple]:
    """Rows and merges of a report template's two-row header over ``table`` (no district code).

    Row 2: "STT", "Đơn vị hành chính" merged over code, name and district, "Năm" and
    "Xã ĐBKK" merged down, "Kết quả thực hiện các tiêu chí" merged over the criteria (whose
    numbers, ``numbers``, are in row 3), "Số tiêu chí đạt" merged down; row 1 is a title.
    """
    table = table.drop(columns=["Mã huyện"])
    n = len(TC)
    upper = ["STT", "Đơn vị hành chính", None, None, "Năm", "Xã ĐBKK"]
    upper += ["Kết quả thực hiện các tiêu chí", *[None] * (n - 1), "Số tiêu chí đạt"]
    lower = [None, "Mã xã", "Tên xã", "Huyện", None, None, *numbers, None]
    body = [[i + 1, *row] for i, row in enumerate(table.astype(object).values.tolist())]
    merges = ("A2:A3", "B2:D2", "E2:E3", "F2:F3", "G2:Y2", "Z2:Z3")
    return [[TITLE], upper, lower, *body], merges


def spelled(table: pd.DataFrame, yes: list[object], no: list[object]) -> pd.DataFrame:
    """The table with each criterion cell spelled in turn by one of ``yes``/``no``."""
    out = table.astype(object)
    for r in range(len(out)):
        for k, col in enumerate(TC):
            turn = r * len(TC) + k
            out.loc[r, col] = yes[turn % len(yes)] if table.loc[r, col] else no[turn % len(no)]
    return out


def write_messy() -> None:
    """Files in ``bad/`` that look wrong but mean exactly ``expected_panel()``."""
    table = wide()
    rows, merges = header_block(table, list(CRITERIA_NUMBERS))
    xlsx({"Biểu 01": rows}, BAD / "merged_header_block.xlsx", merges)
    (BAD / "title_rows.csv").write_text(
        f"{TITLE},,\n{SUBTITLE}\n" + table.to_csv(index=False), "utf-8"
    )
    # totals: subtotals after each district (label in the name column), a grand total with
    # its label in the code column, counts in the criterion columns; all without a code
    numeric = ["Xã ĐBKK", *TC, "Số tiêu chí đạt"]

    def total(label: str, part: pd.DataFrame, where: str) -> list[object]:
        row = dict.fromkeys(table.columns, None) | {where: label}
        row |= {c: int(part[c].sum()) for c in numeric}
        return list(row.values())

    body = grid(table)
    tđ, bg = table.iloc[:4], table.iloc[4:]
    xlsx(
        {
            "Tổng hợp": [
                *body[:5],
                total("Cộng huyện Tràng Định", tđ, "Tên xã"),
                *body[5:],
                total("Cộng huyện Bình Gia", bg, "Tên xã"),
                [],
                total("TỔNG CỘNG", table, "Mã xã"),
            ]
        },
        BAD / "totals_rows.xlsx",
    )
    plain = table.drop(columns=["Mã huyện"])
    plain["Huyện"] = [
        *("Trang Dinh", "trang dinh", "Huyen Trang Dinh", "TRANG DINH"),
        *("Binh Gia", "huyện binh gia"),
    ]
    csv(plain, "district_no_diacritics.csv")
    decomposed = spelled(plain.assign(Huyện=table["Huyện"]), ["Đạt"], ["Chưa đạt"])
    decomposed = decomposed.map(lambda v: nfd(v) if isinstance(v, str) else v)
    decomposed.columns = [nfd(c) for c in decomposed.columns]
    xlsx({nfd("Báo cáo"): grid(decomposed)}, BAD / "nfd_text.xlsx")
    numbers = table.astype(object)
    numbers["Mã xã"] = [
        int(c) if i % 2 else float(c) for i, c in enumerate(table["Mã xã"])
    ]  # Excel dropped the zeros: 6100 and 6100.0
    xlsx({"Sheet1": grid(numbers)}, BAD / "codes_as_numbers.xlsx")
    mixed = spelled(
        table,
        ["Đạt", "đạt", "Đ", "x", "X", "✓", 1, "1.0"],
        ["Chưa đạt", "chưa đạt", 0, "0.0", "Không đạt", "Không"],
    )
    xlsx({"Sheet1": grid(mixed)}, BAD / "mixed_flags.xlsx")
    years = table.astype(object)
    years["Năm"] = ["Năm 2015", "năm 2016", "NĂM 2015", "Năm 2016", "2015", "Năm 2016"]
    csv(years, "year_as_text.csv")
    (BAD / "utf16.csv").write_bytes(table.to_csv(index=False).encode("utf-16"))


def write_damaged() -> None:
    """Mistakes found while hardening the loader (issue 6): each must be reported."""
    table = wide()
    rows, merges = header_block(table, [17 if c == 7 else c for c in CRITERIA_NUMBERS])
    xlsx({"Biểu 01": rows}, BAD / "header_block_typo.xlsx", merges)  # 17 typed for 7
    text = table.to_csv(index=False)
    (BAD / "not_vietnamese_encoding.csv").write_bytes(cp1258_bytes(text) + b"\x81\n")
    xlsx({"NTM": grid(table)}, BAD / "truncated.xlsx")
    data = (BAD / "truncated.xlsx").read_bytes()
    (BAD / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    long_rows = long().astype(object)
    first = long_rows.index[(long_rows["commune_code"] == "06103") & (long_rows["year"] == 2016)]
    long_rows.loc[first[4], "difficult"] = 0  # row 63; the commune-year starts at row 59
    csv(long_rows, "long_difficult_disagrees.csv")
    counted = long()
    counted["Số tiêu chí đạt"] = counted.groupby(["commune_code", "year"])["met"].transform("sum")
    wrong = (counted["commune_code"] == "06208") & (counted["year"] == 2015)  # rows 78–96
    counted.loc[wrong, "Số tiêu chí đạt"] += 1
    csv(counted, "long_count_mismatch.csv")
    odd = table.astype(object)
    odd.loc[0, "TC1"] = "01"  # row 2: a flag with a leading zero
    odd.loc[1, "TC2"] = "1e0"  # row 3: scientific notation
    odd.loc[2, "Năm"] = "2_016"  # row 4: Python reads this as 2016; nobody types it
    odd.loc[3, "TC3"] = "１"  # row 5: a full-width digit
    csv(odd, "odd_numbers.csv")
    xlsx({"Sheet1": []}, BAD / "empty_workbook.xlsx")


def main() -> None:
    BAD.mkdir(parents=True, exist_ok=True)
    write_good()
    write_bad()
    write_messy()
    write_damaged()


if __name__ == "__main__":
    main()
