"""Delimited text (.csv, .tsv, Excel's "Unicode text" .txt) in whatever encoding the office used.

UTF-8 with or without a BOM, UTF-16 (Excel's "Unicode text"), or Windows-1258 (older Vietnamese
Windows); comma, semicolon or tab. Text that is mostly UTF-8 with a few invalid bytes is a
damaged file and is refused with the byte and line, never decoded as Windows-1258 nonsense.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import unicodedata
from dataclasses import replace
from pathlib import Path

from ntm_analysis.core.errors import DataError
from ntm_analysis.io.header import HEADER_SEARCH_ROWS
from ntm_analysis.io.readers.base import HEAD_BYTES, HEAD_ROWS, SNIFF_BYTES, looks_like, read_bytes
from ntm_analysis.io.table import Table, fail, table_from_grid

SUFFIXES = (".csv", ".txt", ".tsv")  # Excel's "Unicode text" is tab-separated .txt


def read(path: Path, sheet: str | int | None = None, *, head: bool = False) -> Table:
    """The table of a text file; with ``head``, only the first rows of a large one.

    A text file, unlike a workbook, can be read in part: a file over ``HEAD_BYTES`` read
    with ``head=True`` gives a table of its first rows with ``complete=False``.
    """
    if sheet is not None:
        raise fail(path, "error.load.no_sheets", wanted=repr(sheet), suffix=path.suffix.lower())
    if head and path.stat().st_size > HEAD_BYTES:
        table = table_from_grid(_head_rows(path), str(path), None, complete=False)
        return replace(table, large=True)
    return table_from_grid(_rows(path), str(path), None)


def read_text(path: Path) -> tuple[str, str]:
    """A text file's whole text (decoded, NFC) and its delimiter, for a caller that parses it
    with pandas after checking its cells (``io.reference``)."""
    text = _decode(read_bytes(path), path)
    if not text.strip():
        raise fail(path, "error.load.empty_text")
    return text, _delimiter(text[:SNIFF_BYTES])


def rows_of(text: str, path: Path) -> list[list[object]]:
    """The rows of a text already decoded (``read_text``)."""
    return _csv_rows(text, path)


def grid(path: Path) -> list[list[object]]:
    """Every row of a text file, decoded, for a list whose first row is its header."""
    return _rows(path)


def _rows(path: Path) -> list[list[object]]:
    """Rows of a delimited text file, decoded and NFC-normalised."""
    return _csv_rows(_decode(read_bytes(path), path), path)


def _head_rows(path: Path) -> list[list[object]]:
    """The first rows of a large text file: those whole within its first ``HEAD_BYTES``."""
    text = _decode(read_bytes(path, HEAD_BYTES), path, complete=False)
    return _csv_rows(text, path, HEAD_ROWS)[:-1]  # the last row may be cut short


def _csv_rows(text: str, path: Path, limit: int | None = None) -> list[list[object]]:
    if not text.strip():
        raise fail(path, "error.load.empty_text")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text[:SNIFF_BYTES]))
    try:
        return list(itertools.islice(reader, limit))
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise fail(path, "error.load.csv_cell_too_long") from exc
        raise fail(path, "error.load.csv_error", reason=str(exc)) from exc


def _candidate_encodings(data: bytes) -> list[str]:
    """Encodings to try, most specific first: a BOM is certain, UTF-8 rarely decodes by luck."""
    if data.startswith(codecs.BOM_UTF8):
        return ["utf-8-sig"]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ["utf-16"]
    sample = data[:4096]
    # UTF-16 without a BOM: ASCII letters leave a zero byte in every other position
    if sample[1::2].count(0) > len(sample) // 4:
        return ["utf-16-le"]
    if sample[0::2].count(0) > len(sample) // 4:
        return ["utf-16-be"]
    # Windows-1258 decodes almost any byte string, so it can only be the last resort
    return ["utf-8", "cp1258"]


def _decode(data: bytes, path: Path, *, complete: bool = True) -> str:
    """The file's text in NFC (Windows-1258 and some Mac programs write combining marks).

    ``complete=False`` decodes the first bytes of a file, which may end inside a character.
    Text that is mostly UTF-8 (or UTF-16) but has invalid bytes is a damaged file, not
    Windows-1258: decoding it as such would turn every Vietnamese letter into nonsense.
    """
    what = looks_like(data)
    if what is not None:
        raise fail(path, "error.load.not_text", what=what)
    for encoding in _candidate_encodings(data):
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(data, final=complete)
        except UnicodeDecodeError as exc:
            if encoding == "cp1258":
                continue
            if encoding != "utf-8" or _mostly_utf8(data):  # a BOM or UTF-16 zeros are certain
                raise _damaged_text(path, encoding, data, exc) from exc
            continue
        if "\x00" in text:
            raise fail(path, "error.load.binary")
        return (
            text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
        )
    raise fail(path, "error.load.undecodable")


def _mostly_utf8(data: bytes) -> bool:
    """More valid UTF-8 letters than invalid bytes: UTF-8 with damage (Windows-1258 has none)."""
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return non_ascii - invalid > invalid


def _damaged_text(path: Path, encoding: str, data: bytes, exc: UnicodeDecodeError) -> DataError:
    """Where text in a certain encoding stops being valid (the line too, for UTF-8)."""
    if encoding.startswith("utf-16"):
        return fail(path, "error.load.damaged_text", encoding="UTF-16", byte=exc.start + 1)
    line = data.count(b"\n", 0, exc.start) + 1
    return fail(
        path, "error.load.damaged_text_line", encoding="UTF-8", byte=exc.start + 1, line=line
    )


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel in locales with a decimal comma) or tab ("Unicode text")."""
    lines = text.splitlines()[: HEADER_SEARCH_ROWS + 5]
    counts = {d: max(line.count(d) for line in lines) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d])  # ties keep the comma (first)
