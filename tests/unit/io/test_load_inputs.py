"""load_panel against hostile inputs: huge junk, damaged files, odd paths, totals, header blocks.

Which input kinds load and which are refused (issue 6), and where each is tested:

============================================  ========  ==========================================
kind                                          outcome   file (tests/data/…) or test
============================================  ========  ==========================================
headers in a merged two-row block             loads     bad/merged_header_block.xlsx,
                                                        wide_two_row_header.xlsx
  … with a typo in its criterion numbers      error     bad/header_block_typo.xlsx
a title row above the header                  loads     bad/title_rows.csv, wide_title_rows.xlsx
totals rows ("Tổng cộng", "Cộng huyện …")     loads     bad/totals_rows.xlsx (skipped: no code)
district name without diacritics              loads     bad/district_no_diacritics.csv
district name with a typo                     error     bad/unknown_district.csv (did you mean)
NFD text                                      loads     bad/nfd_text.xlsx, wide_nfd_no_zeros.csv
codes as numbers, leading zeros lost          loads     bad/codes_as_numbers.xlsx
the same commune twice in a year              error     bad/duplicate_commune_year.csv
a criterion column missing                    error     bad/missing_criterion_columns.csv
Đạt/đạt/Đ/x/X/✓/1/"1.0" in one column         loads     bad/mixed_flags.xlsx
an uninterpretable cell                       error     bad/bad_values.csv, bad/bad_values.xlsx
a year written "Năm 2016"                     loads     bad/year_as_text.csv
a count column disagreeing with the flags     error     bad/count_mismatch.csv,
                                                        bad/long_count_mismatch.csv
an empty file                                 error     bad/empty.csv, bad/empty_workbook.xlsx
data on the second sheet, notes first         loads     wide_title_rows.xlsx
CSV as UTF-16 / as Windows-1258               loads     bad/utf16.csv, wide_cp1258.csv
not what its extension says                   error     bad/xlsx_named.csv, bad/text_named.xlsx,
                                                        bad/xls_named.xlsx, bad/text_named.parquet
damaged (cut short, invalid bytes)            error     bad/truncated.xlsx, bad/undecodable.csv
50 MB of garbage                              error     test_fifty_megabytes_of_garbage (< 10 s)
============================================  ========  ==========================================
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import shutil
import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from locations import TEST_DATA

from ntm_analysis.core.criteria import CRITERIA_NUMBERS
from ntm_analysis.core.errors import DataError
from ntm_analysis.core.panel import Panel
from ntm_analysis.io.layout import write_panel
from ntm_analysis.io.load import HEAD_BYTES, HEAD_ROWS, MAX_CELL_PROBLEMS, load_panel

DATA = TEST_DATA
BAD = DATA / "bad"
_spec = importlib.util.spec_from_file_location("make_test_files", DATA / "make_test_files.py")
make = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make)

EXPECTED = make.expected_panel()
TC = [f"TC{c}" for c in CRITERIA_NUMBERS]
MB = 1 << 20


from test_load import assert_same_panel, load_error  # noqa: E402  (shared assertions)


def big_panel(n_communes: int, years: range) -> Panel:
    communes = pd.DataFrame(
        {
            "commune_code": [f"{i:05d}" for i in range(n_communes)],
            "commune_name": [f"Xã {i}" for i in range(n_communes)],
            "district_code": 180,
            "district_name": "Tràng Định",
        }
    )
    index = pd.MultiIndex.from_product(
        [communes["commune_code"], years, CRITERIA_NUMBERS],
        names=["commune_code", "year", "criterion"],
    )
    met = np.random.default_rng(0).random(len(index)) < 0.5
    return Panel.from_frames(index.to_frame(index=False).assign(met=met), communes)


# --------------------------------------------------------------------------- 50 MB of garbage

# a translation table mapping every byte onto letters, digits, separators and newlines
_JUNK = (b"abcdefghijklmnopqrstuvwxyz0123456789 ,;.-\n" * 7)[:256]


def _random_bytes(size: int) -> bytes:
    return os.urandom(size)


def _junk_text(size: int) -> bytes:
    return os.urandom(size).translate(_JUNK)


def _header_then_junk(size: int) -> bytes:
    header = ",".join(["Mã xã", "Tên xã", "Huyện", "Năm", *TC]) + "\n"
    return header.encode() + _junk_text(size)


def _one_endless_line(size: int) -> bytes:
    return b"a" * size


GARBAGE = [
    ("random.csv", _random_bytes, "cannot decode the text"),
    ("random.txt", _random_bytes, "cannot decode the text"),
    ("random.xlsx", _random_bytes, "cannot open as an Excel .xlsx workbook"),
    ("random.parquet", _random_bytes, "cannot read as a Parquet file"),
    ("zeros.csv", lambda size: bytes(size), "not a text CSV file: it contains binary data"),
    ("junk.csv", _junk_text, "no header row found"),
    ("one_line.csv", _one_endless_line, "cannot read as CSV: a cell is longer than"),
    ("header_then_junk.csv", _header_then_junk, "nearly every row so far cannot be read"),
]


@pytest.mark.parametrize(("name", "make_bytes", "words"), GARBAGE, ids=[g[0] for g in GARBAGE])
def test_fifty_megabytes_of_garbage(tmp_path, name, make_bytes, words):
    """Fails fast (well under 10 s) with one clear DataError, reading little of the file."""
    path = tmp_path / name
    path.write_bytes(make_bytes(50 * MB))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    tracemalloc.start()
    start = time.perf_counter()
    try:
        error = load_error(path)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seconds < 10, f"{seconds:.1f} s"
    assert peak < 100 * MB, f"{peak / MB:.0f} MB"  # the file is 50 MB: it is never read whole
    assert words in str(error)
    assert all(p.file == str(path) for p in error.problems)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_junk_under_a_good_header_stops_after_a_sample(tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(_header_then_junk(2 * HEAD_BYTES))
    error = load_error(path)
    stop = error.problems[0]  # a whole-file problem, listed first
    assert stop.row is None and "right file" in stop.message
    last = max(p.row or 0 for p in error.problems)
    assert f"stopped after row {last}: nearly every row" in stop.message
    assert last <= HEAD_ROWS + 1


def test_a_large_valid_file_is_read_in_two_steps(tmp_path):
    """A file larger than the first look (HEAD_BYTES, HEAD_ROWS) still loads whole."""
    panel = big_panel(2000, range(2011, 2021))
    path = write_panel(panel, tmp_path / "big.csv", "wide")
    assert path.stat().st_size > HEAD_BYTES
    got = load_panel(path)  # load time is measured in benchmarks/, not asserted here
    assert_same_panel(got, panel)
    small = big_panel(60, range(2001, 2021))  # 1,200 rows: more than HEAD_ROWS
    assert HEAD_ROWS < 60 * 20
    assert_same_panel(load_panel(write_panel(small, tmp_path / "big.xlsx", "wide")), small)


def test_problems_per_column_are_capped(tmp_path):
    """Thousands of bad cells in a column: the first are listed, then one line for the rest."""
    panel = big_panel(300, range(2011, 2021))  # 3,000 rows, every one with a bad TC1
    table = pd.read_csv(write_panel(panel, tmp_path / "p.csv", "wide"), dtype=str)
    table["TC1"] = "?"
    table["Số tiêu chí đạt"] = ""
    path = tmp_path / "many.csv"
    table.to_csv(path, index=False)
    assert path.stat().st_size < HEAD_BYTES  # read whole: no early stop
    error = load_error(path)
    assert len(error.problems) == MAX_CELL_PROBLEMS + 1
    last = error.problems[-1]
    assert (last.row, last.column) == (MAX_CELL_PROBLEMS + 2, "TC1")
    assert f"… and {3000 - MAX_CELL_PROBLEMS} more unreadable cells" in last.message


# --------------------------------------------------------------------------- damaged text


def test_truncated_utf16_is_damaged_not_unknown(tmp_path):
    data = make.wide().to_csv(index=False).encode("utf-16")
    path = tmp_path / "cut.csv"
    path.write_bytes(data[:-1])  # half a character at the end
    message = str(load_error(path))
    assert "it is UTF-16 but byte" in message and "cut short" in message


def test_old_mac_line_endings(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(make.wide().to_csv(index=False, lineterminator="\r").encode())
    assert_same_panel(load_panel(path))


# --------------------------------------------------------------------------- inputs untouched


def _fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def test_no_input_file_is_modified(tmp_path):
    """Every committed input, good or bad, is byte-for-byte the same after loading it."""
    copies = []
    for source in sorted(p for p in [*DATA.iterdir(), *BAD.iterdir()] if p.is_file()):
        if source.suffix == ".py":
            continue
        folder = tmp_path / source.parent.name
        folder.mkdir(exist_ok=True)
        copies.append(Path(shutil.copy2(source, folder / source.name)))
    before = {p: _fingerprint(p) for p in copies}
    for p in copies:
        with contextlib.suppress(DataError):
            load_panel(p)
    assert {p: _fingerprint(p) for p in copies} == before
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == sorted(copies)


# --------------------------------------------------------------------------- paths


def test_path_with_spaces_and_vietnamese(tmp_path):
    folder = tmp_path / "Số liệu NTM"
    folder.mkdir()
    path = write_panel(EXPECTED, folder / "báo cáo 2016 (bản sửa).xlsx", "wide")
    assert_same_panel(load_panel(path))
    assert_same_panel(load_panel(str(path)))
    for suffix in (".csv", ".parquet"):
        assert_same_panel(load_panel(write_panel(EXPECTED, path.with_suffix(suffix), "long")))
    bad = Path(shutil.copy(BAD / "bad_values.xlsx", folder / "báo cáo 2016 (bản lỗi).xlsx"))
    message = str(load_error(bad))
    assert (
        "báo cáo 2016 (bản lỗi).xlsx, sheet 'Báo cáo 2016', row 5, column 'TC7': "
        "cannot read 'Đạt?'" in message
    )


# --------------------------------------------------------------------------- totals rows


def _csv(table: pd.DataFrame, path: Path) -> Path:
    table.to_csv(path, index=False)
    return path


def test_a_commune_named_like_a_total_is_data(tmp_path):
    table = make.wide()
    table.loc[table["Mã xã"] == "06103", "Tên xã"] = "Tổng Cọt"  # a real commune name
    got = load_panel(_csv(table, tmp_path / "t.csv"))
    assert "Tổng Cọt" in got.communes["commune_name"].tolist()


def test_a_row_without_code_is_reported_unless_it_is_a_total(tmp_path):
    table = make.wide().astype(object).assign(**{"Ghi chú": ""})
    table.loc[2, "Mã xã"] = ""  # row 4: a commune that lost its code, not a total ...
    table.loc[2, "Ghi chú"] = "Tổng"  # ... whatever a note beside it says
    error = load_error(_csv(table, tmp_path / "lost.csv"))
    assert (error.problems[0].row, error.problems[0].column) == (4, "Mã xã")
    table.loc[2, "Tên xã"] = "Cộng"  # the same row labelled as a total is skipped, and so
    message = str(load_error(_csv(table, tmp_path / "total.csv")))
    assert "06103 (Tân Liên) has no row for year 2015" in message  # 06103 lacks 2015


def test_only_totals_is_no_data(tmp_path):
    table = make.wide().astype(object).iloc[:1]
    table.loc[0, ["Mã xã", "Tên xã"]] = ["", "Tổng cộng"]
    assert "no data rows below the header" in str(load_error(_csv(table, tmp_path / "t.csv")))


# --------------------------------------------------------------------------- header blocks


def test_header_block_whose_top_row_alone_is_not_a_header(tmp_path):
    """Top row "Đơn vị" / "Năm" / "Tiêu chí"; the row below names code, name, district, 1…19."""
    table = make.wide().drop(columns=["Mã huyện", "Xã ĐBKK", "Số tiêu chí đạt"]).astype(object)
    top = ["Đơn vị", None, None, "Năm", "Tiêu chí", *[None] * 18]
    below = ["Mã xã", "Tên xã", "Huyện", None, *CRITERIA_NUMBERS]
    path = tmp_path / "block.csv"
    pd.DataFrame([top, below, *table.astype(object).values.tolist()]).to_csv(
        path, index=False, header=False
    )
    got = load_panel(path)
    pd.testing.assert_frame_equal(got.status, EXPECTED.status)
    table.loc[0, "TC2"] = "?"
    pd.DataFrame([top, below, *table.astype(object).values.tolist()]).to_csv(
        path, index=False, header=False
    )
    assert [(p.row, p.column) for p in load_error(path).problems] == [(3, "Tiêu chí 2")]


def test_a_title_row_is_never_half_of_a_header_block(tmp_path):
    path = tmp_path / "titled.csv"
    table = make.wide().drop(columns=["Năm"])
    path.write_text(make.TITLE + "\n" + table.to_csv(index=False), "utf-8")
    problem = load_error(path).problems[0]
    assert problem.row == 2 and "the year" in problem.message


# --------------------------------------------------------------------------- Excel cell types


def test_true_in_a_code_column_is_not_commune_one(tmp_path):
    """pandas hashes TRUE like 1: the cell must still be read as what it is."""
    table = make.wide().astype(object)
    table["Mã xã"] = [1, True, 6103, 6103, 6208, 6208]
    path = tmp_path / "bools.xlsx"
    make.xlsx({"Sheet1": make.grid(table)}, path)
    error = load_error(path)
    assert (3, "Mã xã") in [(p.row, p.column) for p in error.problems]
    assert "cannot read 'TRUE': expected a commune code" in str(error)


def test_number_codes_must_be_whole(tmp_path):
    table = make.wide().astype(object)
    table["Mã xã"] = [6100, 6100, 6103.5, 6103.5, -6208, -6208]
    path = tmp_path / "codes.xlsx"
    make.xlsx({"Sheet1": make.grid(table)}, path)
    rows = [(p.row, p.column) for p in load_error(path).problems]
    assert rows == [(r, "Mã xã") for r in (4, 5, 6, 7)]


def test_damaged_sheet_inside_a_valid_zip(tmp_path):
    path = tmp_path / "damaged.xlsx"
    make.xlsx({"NTM": make.grid(make.wide())}, path)
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    parts[sheet] = parts[sheet][: len(parts[sheet]) // 2]  # the XML ends mid-element
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    message = str(load_error(path))
    assert "damaged" in message
