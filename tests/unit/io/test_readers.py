"""io.readers: one reader per format behind ``read_table``, each giving the same ``Table``."""

from __future__ import annotations

import datetime as dt
import unicodedata

import openpyxl
import pandas as pd
import pytest

from ntm_analysis.core.errors import DataError
from ntm_analysis.io.readers import READERS, SUFFIXES, read_table
from ntm_analysis.io.readers.base import HEAD_BYTES, HEAD_ROWS

CRITERIA = [f"TC{c}" for c in range(1, 20)]
HEADER = ["Mã xã", "Tên xã", "Huyện", "Năm", *CRITERIA]
ROW = ["X1", "Xã Hồng Phong", "Bình Gia", 2016, *[1] * 19]


def csv_text(*rows, sep=","):
    return "\n".join(sep.join(str(v) for v in r) for r in rows) + "\n"


def _cp1258(letter: str) -> str:
    """A letter as Windows-1258 writes it: precomposed, or one base and one combining mark."""
    base, *marks = unicodedata.normalize("NFD", letter)
    for k in range(len(marks) + 1):
        rest = marks[:k] + marks[k + 1 :]
        spelled = unicodedata.normalize("NFC", base + "".join(rest)) + "".join(marks[k : k + 1])
        try:
            spelled.encode("cp1258")
        except UnicodeEncodeError:
            continue
        return spelled
    raise AssertionError(letter)


def test_every_format_has_one_reader():
    assert set(SUFFIXES) == {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".parquet", ".pq"}
    assert READERS[".xls"] is READERS[".xlsx"]


@pytest.mark.parametrize(
    ("encoding", "sep"), [("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t"), ("cp1258", ",")]
)
def test_text_in_the_encodings_offices_use(tmp_path, encoding, sep):
    path = tmp_path / "panel.csv"
    text = csv_text(HEADER, ROW, sep=sep)
    if encoding == "cp1258":  # Windows-1258 writes some letters as a base and a combining mark
        text = "".join(_cp1258(c) for c in text)
    path.write_bytes(text.encode(encoding))
    table = read_table(path)
    assert table.headers[:2] == ("Mã xã", "Tên xã")
    assert table.column(1).tolist() == ["Xã Hồng Phong"]
    assert (table.file, table.sheet, list(table.rows)) == (str(path), None, [2])


def test_damaged_utf8_is_placed_not_guessed(tmp_path):
    path = tmp_path / "panel.csv"
    data = csv_text(HEADER, ROW).encode()
    path.write_bytes(data[:40] + b"\xff" + data[40:])
    with pytest.raises(DataError) as caught:
        read_table(path)
    (problem,) = caught.value.problems
    assert problem.key == "error.load.damaged_text_line" and problem.params["byte"] == 41


def test_large_text_file_is_read_in_part_with_head(tmp_path):
    path = tmp_path / "big.csv"
    line = csv_text(ROW)
    path.write_text(csv_text(HEADER) + line * (HEAD_BYTES // len(line.encode()) + 10))
    head = read_table(path, head=True)
    assert (head.complete, head.large) == (False, True)
    assert len(head.body) < HEAD_ROWS
    whole = read_table(path)
    assert whole.complete and not whole.large and len(whole.body) > len(head.body)


def test_workbook_cells_as_the_loader_expects(tmp_path):
    path = tmp_path / "panel.xlsx"
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "Ẩn"
    hidden.sheet_state = "hidden"
    hidden.append(HEADER)
    hidden.append([6112.0, "", "Bình Gia", dt.date(2016, 1, 1), True, 1.5, *[1] * 17])
    book.create_sheet("Khác").append(["not", "a", "header"])
    book.save(path)
    table = read_table(path, head=True)
    assert table.sheet == "Ẩn"  # hidden sheets are read too
    cells = table.body.iloc[0].tolist()
    assert cells[0] == 6112 and isinstance(cells[0], int)  # a whole float is an int, as pandas
    assert cells[1] is None  # an empty string is a blank
    assert cells[3] == dt.datetime(2016, 1, 1)
    assert cells[4] is True and cells[5] == 1.5
    assert table.complete and not table.large
    with pytest.raises(DataError) as caught:
        read_table(path, sheet="Không có")
    assert caught.value.problems[0].key == "error.load.no_such_sheet"
    assert read_table(path, sheet="an").sheet == "Ẩn"  # case and diacritics ignored


def test_a_large_sheet_is_read_whole_once_and_marked_large(tmp_path):
    path = tmp_path / "big.xlsx"
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for i in range(HEAD_ROWS + 5):
        book.active.append([f"X{i}", *ROW[1:]])
    book.save(path)
    table = read_table(path, head=True)
    assert table.complete and table.large and len(table.body) == HEAD_ROWS + 5
    assert list(table.first_rows(HEAD_ROWS + 1).rows) == list(range(2, HEAD_ROWS + 2))


def test_parquet_and_its_impostors(tmp_path):
    path = tmp_path / "panel.parquet"
    pd.DataFrame([ROW], columns=HEADER).to_parquet(path)
    table = read_table(path)
    assert (table.header_row, table.headers[0], list(table.rows)) == (1, "Mã xã", [2])
    fake = tmp_path / "fake.parquet"
    fake.write_text(csv_text(HEADER, ROW))
    with pytest.raises(DataError) as caught:
        read_table(fake)
    assert caught.value.problems[0].key == "error.load.parquet_no_magic"


@pytest.mark.parametrize(
    ("name", "key"),
    [("panel.doc", "error.load.unsupported_type"), ("missing.csv", "error.load.file_not_found")],
)
def test_what_no_reader_takes(tmp_path, name, key):
    path = tmp_path / name
    if name.endswith(".doc"):
        path.write_text("x")
    with pytest.raises(DataError) as caught:
        read_table(path)
    assert caught.value.problems[0].key == key


def test_a_sheet_asked_of_a_text_file(tmp_path):
    path = tmp_path / "panel.csv"
    path.write_text(csv_text(HEADER, ROW))
    with pytest.raises(DataError) as caught:
        read_table(path, sheet="NTM")
    assert caught.value.problems[0].key == "error.load.no_sheets"
