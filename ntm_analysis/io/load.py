"""Read a commune panel from the files provincial offices actually keep.

Offices keep their assessments in spreadsheets typed by hand: one row per commune and year
with 19 criterion columns ("wide") or one row per commune, year and criterion ("long"),
Vietnamese or English headers, a title row or two above the header, "Đạt", 1/0 or ticks in the
cells, saved in whatever encoding the office computer used. ``load_panel`` accepts all of that
and nothing ambiguous: every cell it cannot read is reported, all at once, with the file,
sheet, row (as Excel numbers it) and column, because a planner fixes the spreadsheet, not the
code. Parsing maps each *distinct* cell value once (columns repeat a handful of spellings): a
20,000-row wide CSV loads in under a second, the same XLSX in about a second (calamine).

What loads and what is refused, where a reader could hesitate:

- a two-row header block (a label merged over sub-headers, e.g. "Tiêu chí" over 1…19) is read
  as one header, because the second row can only be a header: it holds nothing but headers
  and criterion numbers;
- totals and subtotals ("Tổng cộng", "Cộng", "Cộng huyện Tràng Định", "Toàn tỉnh") are
  skipped when the row has no commune code: they sum communes, they are not one, and every
  provincial report has them. A row with a commune code is always data;
- numbers must look like numbers: "1", "1.0" and "1,0" are one, but "01", "1e0", "+1" or
  "１" are refused, since a flag or a year spelled that way is more likely a typo than meant;
- the same commune-year must agree with itself: in the long layout its 19 rows must give the
  same especially-difficult flag (and the same count, if there is a count column);
- a damaged file (truncated UTF-8, a corrupted workbook or Parquet file, binary data under a
  .csv name) is refused with one clear problem, early, without reading all of a huge file.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import itertools
import numbers
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ntm_analysis.core.communes import Registry
from ntm_analysis.core.criteria import CRITERIA_NUMBERS, N_CRITERIA, criteria_table
from ntm_analysis.core.errors import DataError, Join, Msg, Problem, either
from ntm_analysis.core.panel import Panel, has_districts
from ntm_analysis.core.paths import default_panel_path
from ntm_analysis.geography.admin_check import check_file
from ntm_analysis.geography.harmonise import DEFAULT_RULE, harmonise_records
from ntm_analysis.i18n import t
from ntm_analysis.i18n.text import fold, nfc
from ntm_analysis.io.layout import HEADER_ALIASES

__all__ = ["YEAR_MAX", "YEAR_MIN", "load_panel", "summarise"]

YEAR_MIN, YEAR_MAX = 2000, 2035  # the programme began in 2010: years far outside are typos
CODE_WIDTH = 5  # GSO commune codes have 5 digits; Excel drops the leading zeros
HEADER_SEARCH_ROWS = 20  # title rows above the header are never more than a few
MIN_HEADER_MATCHES = 3  # a title cell may match one header by chance, never three
SNIFF_BYTES = 1 << 16  # enough of a file to tell text from binary before reading it all
MAX_CELL_PROBLEMS = 1000  # listed per column; more means the wrong file, not typos
MAX_SUGGESTIONS = 20  # unknown district names given a "did you mean" (difflib is slow)
JUNK_SAMPLE_ROWS = 500  # rows read before deciding a large file is not a panel at all
HEAD_ROWS = HEADER_SEARCH_ROWS + 2 * JUNK_SAMPLE_ROWS  # rows read first from a large file
HEAD_BYTES = 1 << 20  # a text file larger than this is read in two steps (see load_panel)

TEXT_SUFFIXES = (".csv", ".txt", ".tsv")  # Excel's "Unicode text" is tab-separated .txt
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
PARQUET_SUFFIXES = (".parquet", ".pq")

# --------------------------------------------------------------------------- vocabulary

_ALIASES: dict[str, str] = {
    fold(alias): canonical for canonical, names in HEADER_ALIASES.items() for alias in names
}
# "TC1", "TC 1", "TC01", "Tiêu chí 1", "Tiêu chí số 1", "C1", "criterion_1", "TC1 Quy hoạch"
_CRITERION_HEADER = re.compile(
    r"^(?:tc|tieu chi(?: so)?|criterion|criteria|c) ?0*(\d{1,3})(?: .*)?$"
)
_CRITERION_NAMES: dict[str, int] = {
    fold(name): int(number)
    for number, name_vi, name_en in criteria_table()[
        ["criterion", "name_vi", "name_en"]
    ].itertuples(index=False)
    for name in (name_vi, name_en)
}
# [0-9], not \d: \d also matches "１" and other scripts' digits, which no office types
_YEAR_TEXT = re.compile(r"^(?:năm|nam|year)? ?([0-9]{4})(?:[.,]0+)?$", re.IGNORECASE)
_NUMBER = re.compile(r"^-?[0-9]+(?:[.,][0-9]+)?$")  # "12", "012", "1.0", "0,5"; not "1e0"
_FLAG_NUMBER = re.compile(r"^([01])(?:[.,]0+)?$")  # "1", "1.0", "0,00"; "01" is a typo
_CODE_FLOAT_TEXT = re.compile(r"^([0-9]+)\.0+$")  # "6112.0": a code that passed through a float
_DIGITS = re.compile(r"^[0-9]+$")
_WORDS = re.compile(r"^[^\W\d_]+(?: [^\W\d_]+)*$")  # "Chưa đạt" yes; "Đạt?" no (ambiguous)
_COMMUNE_PREFIXES = ("xa", "phuong", "thi tran", "commune", "ward", "town")

# a criterion cell: met, not met, an x-mark (met; makes blanks mean "not met"), blank, bad
_MET, _NOT_MET, _MARK, _EMPTY, _BAD = 1, 0, 2, -1, -2
_MARKS = frozenset({"x", "✓", "✔", "√", "☑"})
_YES = frozenset({"dat", "d", "true", "co", "yes", "met"})
_NO = frozenset({"chua dat", "khong dat", "false", "khong", "no", "not met"})
_FLAG_EXPECTED = Msg("error.load.expect.flag")  # Đạt or Chưa đạt, 1 or 0, x or blank, …
_EXPECT_CODE = Msg("error.load.expect.commune_code")
_EXPECT_NAME = Msg("error.load.expect.commune_name")

# the label of a totals row, folded (see _without_summary_rows): exact, or as a prefix
_SUMMARY_LABELS = frozenset(
    {"tong", "cong", "tong cong", "tong so", "toan tinh", "toan huyen", "total", "sum"}
)
_SUMMARY_PREFIXES = (
    *("tong cong ", "tong so ", "toan tinh ", "toan huyen ", "total "),
    *("cong huyen ", "cong thanh pho ", "cong thi xa ", "cong tp "),
)

_DESCRIPTIONS = {  # what a column holds, for messages (keys written out: see test_i18n)
    "commune_code": Msg("error.load.what.commune_code"),
    "commune_name": Msg("error.load.what.commune_name"),
    "district_code": Msg("error.load.what.district_code"),
    "district_name": Msg("error.load.what.district_name"),
    "year": Msg("error.load.what.year"),
    "criterion": Msg("error.load.what.criterion"),
    "met": Msg("error.load.what.met"),
    "difficult": Msg("error.load.what.difficult"),
    "n_met": Msg("error.load.what.n_met"),
    "synthetic": Msg("error.load.what.synthetic"),
}

# files that are not what their extension says, recognised by their first bytes
_MAGIC = (
    (b"PK\x03\x04", Msg("error.load.kind.zip")),
    (b"\xd0\xcf\x11\xe0", Msg("error.load.kind.xls")),
    (b"PAR1", Msg("error.load.kind.parquet")),
    (b"%PDF", Msg("error.load.kind.pdf")),
    (b"\x1f\x8b", Msg("error.load.kind.gzip")),
    (b"Rar!", Msg("error.load.kind.rar")),
    (b"7z\xbc\xaf", Msg("error.load.kind.7z")),
    (b"{\\rtf", Msg("error.load.kind.rtf")),
)


# --------------------------------------------------------------------------- public API


def load_panel(
    path: str | Path | None = None,
    *,
    sheet: str | int | None = None,
    registry: Registry | None = None,
    communes_path: str | Path | None = None,
    vintage: str | None = None,
    merge_rule: str = DEFAULT_RULE,
    assessed_path: str | Path | None = None,
) -> Panel:
    """Read a panel from CSV, XLSX or Parquet, wide or long layout, checking everything.

    ``path=None`` reads the bundled default data. ``sheet`` picks an XLSX sheet by name or by
    0-based index (default: the first sheet with a recognisable header). ``registry`` knows
    the province's districts (default: the bundled units file). ``communes_path``, a units
    file of communes (commune code, name and district), makes every commune be checked
    against it. Raises ``DataError`` listing every problem found.

    A file in real Lạng Sơn GSO codes is also checked against the list of units in force in
    each row's year (``admin_check``) and harmonised to the units of ``vintage`` (default:
    the list of the last year) with ``merge_rule`` ("all", "largest", "assessed" with
    ``assessed_path``), see ``harmonise``; ``Panel.geography`` records what was done.
    """
    path = Path(path) if path is not None else default_panel_path()
    registry = registry if registry is not None else Registry.from_csv()
    table = _read_table(path, sheet, head=True)
    if not table.complete:  # a large file: judge its first rows before reading all of it
        _refuse_junk(table, registry)
        table = _read_table(path, sheet)
    columns, no_district_column = _panel_columns(table)
    table = _without_summary_rows(table, columns)
    records, problems = _parse_records(table, columns, registry)
    # real GSO codes: checked per year's list; None for placeholder codes (synthetic panel)
    real = check_file(table, table.headers[columns.named["commune_code"]], records.rows)
    # [geo] rows on the units after 1 Jul 2025 have no district: none is asked for
    free = real.rows_without_districts(records.rows) if real is not None else set()
    if no_district_column and not set(records.rows["row"]) <= free:
        raise DataError(no_district_column)  # as for any missing column: nothing to read
    problems = [p for p in problems if p.key != "error.load.empty_district" or p.row not in free]
    problems += _check_records(table, columns, records, registry, real_codes=real is not None)
    if communes_path is not None:
        problems += _check_units(table, records, Path(communes_path), registry)
    geography = None
    if real is not None:
        problems += real.problems
        if not problems:
            rows, status, geography, problems = harmonise_records(
                table, records.rows, records.status, real, vintage, merge_rule, assessed_path
            )
            records = _Records(rows, status)
    if problems:
        raise DataError(_in_reading_order(problems))
    return replace(_to_panel(records, registry, source=str(path)), geography=geography)


def summarise(panel: Panel, lang: str = "en") -> str:
    """One line for ``ntm validate``: how many communes, districts and years were read.

    English by default, as before languages were added; ``ntm validate`` passes ``--lang``.
    Years are written as they are ("2011–2016"), never with a thousands separator.
    """
    n_communes = int(panel.communes["commune_code"].nunique())
    n_districts = len(panel.district_codes)
    years = panel.years
    if len(years) == 1:
        span = t("validate.span_one", lang, year=years[0])
    else:
        span = t("validate.span_many", lang, first=years[0], last=years[-1])
    line = t(
        "validate.summary",
        lang,
        communes=_count("validate.communes_one", "validate.communes_many", n_communes, lang),
        districts=_count("validate.districts_one", "validate.districts_many", n_districts, lang)
        if has_districts(panel)
        else t("validate.no_districts", lang),  # [geo] units after 1 Jul 2025
        span=span,
        n_years=_count("validate.years_one", "validate.years_many", len(years), lang),
    )
    return t("validate.synthetic", lang, summary=line) if panel.synthetic else line


def _count(one: str, many: str, n: int, lang: str) -> str:
    """ "1 commune" / "3 communes" (Vietnamese has one form: "1 xã", "3 xã")."""
    return t(one if n == 1 else many, lang, n=n)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Table:
    """The cells below the header of one sheet, with the row numbers the user sees."""

    file: str
    sheet: str | None
    header_row: int  # spreadsheet row number of the header (the last, of a two-row block)
    headers: tuple[str, ...]  # as written (NFC); "" for an empty header cell
    body: pd.DataFrame  # object cells, positional columns, blank rows dropped
    rows: np.ndarray  # spreadsheet row number of each body row
    complete: bool = True  # False: only the first rows of a large file (see load_panel)

    def problem(
        self, key: str, /, row: int | None = None, column: str | None = None, **params: object
    ) -> Problem:
        return Problem(self.file, key, params, sheet=self.sheet, row=row, column=column)

    def column(self, j: int) -> np.ndarray:
        return self.body[j].to_numpy(dtype=object)


def _fail(file: str | Path, key: str, sheet: str | None = None, **params: object) -> DataError:
    return DataError.single(str(file), key, sheet=sheet, **params)


def _read_table(path: Path, sheet: str | int | None, *, head: bool = False) -> _Table:
    """Dispatch on the extension; a file that cannot be read at all fails here, alone.

    ``head=True`` reads only about the first ``HEAD_ROWS`` rows (``HEAD_BYTES`` of a text
    file), so that a large file of something else fails before it is read and parsed whole.
    """
    if not path.exists():
        raise _fail(path, "error.load.file_not_found")
    if path.is_dir():
        raise _fail(path, "error.load.is_folder")
    suffix = path.suffix.lower()
    if suffix not in (*TEXT_SUFFIXES, *EXCEL_SUFFIXES, *PARQUET_SUFFIXES):
        raise _fail(path, "error.load.unsupported_type", suffix=suffix)
    try:
        data_size = path.stat().st_size
    except OSError as exc:
        raise _fail(path, "error.load.cannot_read_file", reason=str(exc.strerror or exc)) from exc
    if data_size == 0:
        raise _fail(path, "error.load.empty_bytes")
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, sheet, head)
    if sheet is not None:
        raise _fail(path, "error.load.no_sheets", wanted=repr(sheet), suffix=suffix)
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(path)  # compact and typed: always read whole
    if head and data_size > HEAD_BYTES:
        return _table_from_grid(_read_text_head(path), str(path), None, complete=False)
    return _table_from_grid(_read_text_grid(path), str(path), None)


def _read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes (only the first ``limit`` if given)."""
    try:
        with path.open("rb") as stream:
            return stream.read() if limit is None else stream.read(limit)
    except OSError as exc:
        raise _fail(path, "error.load.cannot_read_file", reason=str(exc.strerror or exc)) from exc


def _looks_like(head: bytes) -> Msg | None:
    """What a file is, from its first bytes, when it is a known binary format."""
    return next((what for magic, what in _MAGIC if head.startswith(magic)), None)


def _read_text_grid(path: Path) -> list[list[object]]:
    """Rows of a delimited text file, decoded and NFC-normalised."""
    return _csv_rows(_decode(_read_bytes(path), path), path)


def _read_text_head(path: Path) -> list[list[object]]:
    """The first rows of a large text file: those whole within its first ``HEAD_BYTES``."""
    text = _decode(_read_bytes(path, HEAD_BYTES), path, complete=False)
    return _csv_rows(text, path, HEAD_ROWS)[:-1]  # the last row may be cut short


def _csv_rows(text: str, path: Path, limit: int | None = None) -> list[list[object]]:
    if not text.strip():
        raise _fail(path, "error.load.empty_text")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text[:SNIFF_BYTES]))
    try:
        return list(itertools.islice(reader, limit))
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise _fail(path, "error.load.csv_cell_too_long") from exc
        raise _fail(path, "error.load.csv_error", reason=str(exc)) from exc


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
    what = _looks_like(data)
    if what is not None:
        raise _fail(path, "error.load.not_text", what=what)
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
            raise _fail(path, "error.load.binary")
        return (
            text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
        )
    raise _fail(path, "error.load.undecodable")


def _mostly_utf8(data: bytes) -> bool:
    """More valid UTF-8 letters than invalid bytes: UTF-8 with damage (Windows-1258 has none)."""
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return non_ascii - invalid > invalid


def _damaged_text(path: Path, encoding: str, data: bytes, exc: UnicodeDecodeError) -> DataError:
    """Where text in a certain encoding stops being valid (the line too, for UTF-8)."""
    if encoding.startswith("utf-16"):
        return _fail(path, "error.load.damaged_text", encoding="UTF-16", byte=exc.start + 1)
    line = data.count(b"\n", 0, exc.start) + 1
    return _fail(
        path, "error.load.damaged_text_line", encoding="UTF-8", byte=exc.start + 1, line=line
    )


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel in locales with a decimal comma) or tab ("Unicode text")."""
    lines = text.splitlines()[: HEADER_SEARCH_ROWS + 5]
    counts = {d: max(line.count(d) for line in lines) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d])  # ties keep the comma (first)


def _read_excel(path: Path, sheet: str | int | None, head: bool = False) -> _Table:
    """The chosen sheet, or the first one whose top rows hold a recognisable header.

    calamine parses a whole sheet whatever the rows asked for, so each sheet is read once
    and its top rows, head and body are slices of that one grid.
    """
    book = _open_workbook(path)
    try:
        sheets = _worksheet_names(book, path)
        names = ", ".join(f"'{title}'" for title in sheets)
        if sheet is not None:
            chosen = _choose_sheet(sheets, sheet)
            if chosen is None:
                raise _fail(path, "error.load.no_such_sheet", wanted=repr(sheet), names=names)
            return _sheet_table(_sheet_rows(book, chosen, path), chosen, path, head)
        tops = []
        for title in sheets:
            rows = _sheet_rows(book, title, path)
            tops.append(_trimmed(rows[: HEADER_SEARCH_ROWS + 1]))
            if _find_header(tops[-1]) is not None:
                return _sheet_table(rows, title, path, head)
        if not any(tops):
            raise _fail(path, "error.load.empty_workbook")
        raise _fail(
            path,
            "error.load.no_header_in_sheets",
            n=HEADER_SEARCH_ROWS,
            names=names,
            examples=_EXAMPLE_HEADERS,
        )
    finally:
        book.close()


def _open_workbook(path: Path) -> pd.ExcelFile:
    """The workbook, read by calamine (Rust; .xlsx, .xlsm and legacy .xls), through pandas.

    calamine reads a 20,000-row sheet about 15 times faster than openpyxl (benchmarks/load.py),
    and reads the .xls files old office computers still save. openpyxl stays the writer.
    """
    try:
        return pd.ExcelFile(path, engine="calamine")
    except MemoryError:
        raise
    except Exception as exc:  # a damaged zip or XML raises almost anything; all mean one thing
        if path.suffix.lower() == ".xls":
            raise _fail(path, "error.load.not_xls") from exc
        raise _fail(path, "error.load.not_xlsx", why=_not_xlsx(path)) from exc


def _worksheet_names(book: pd.ExcelFile, path: Path) -> list[str]:
    """Every worksheet's name, hidden ones too, in workbook order; chart sheets hold no cells.

    (pandas' own ``sheet_names`` lists only visible sheets.)
    """
    from python_calamine import SheetTypeEnum

    try:
        return [s.name for s in book.book.sheets_metadata if s.typ == SheetTypeEnum.WorkSheet]
    except Exception as exc:  # metadata that cannot be read: a damaged workbook
        raise _fail(path, "error.load.not_xlsx", why=_not_xlsx(path)) from exc


def _not_xlsx(path: Path) -> Msg:
    """Why a .xlsx file would not open, guessed from its first bytes."""
    head = _read_bytes(path, 4)
    if head == b"\xd0\xcf\x11\xe0":
        return Msg("error.load.why.old_or_password")
    if head == b"PK\x03\x04":
        return Msg("error.load.why.damaged_zip")
    return Msg("error.load.why.not_a_workbook")


def _choose_sheet(sheets: Sequence[str], sheet: str | int) -> str | None:
    """A sheet's name, by 0-based index or by name (exact, then ignoring case and diacritics)."""
    if isinstance(sheet, int):
        return sheets[sheet] if -len(sheets) <= sheet < len(sheets) else None
    wanted = nfc(str(sheet))
    exact = [title for title in sheets if nfc(title) == wanted]
    loose = [title for title in sheets if fold(title) == fold(wanted)]
    if not exact and not loose and wanted.isdigit():  # "1" from a command line
        return _choose_sheet(sheets, int(wanted))
    return (exact or loose or [None])[0]


def _sheet_table(rows: list[list[object]], title: str, path: Path, head: bool) -> _Table:
    """A sheet's rows as a table: whole, or only its first ``HEAD_ROWS`` rows if ``head``."""
    rows = _trimmed(rows[: HEAD_ROWS + 1]) if head else rows
    complete = not head or len(rows) <= HEAD_ROWS  # (trailing blank rows are dropped)
    return _table_from_grid(rows, str(path), title, complete=complete)


def _trimmed(rows: list[list[object]]) -> list[list[object]]:
    """``rows`` without its trailing blank rows."""
    end = len(rows)
    while end and all(_is_blank(v) for v in rows[end - 1]):
        end -= 1
    return rows[:end]


def _sheet_rows(book: pd.ExcelFile, title: str, path: Path) -> list[list[object]]:
    """Cell values by row, from cell A1 (leading blank rows and columns kept, so that row and
    column numbers are Excel's); a blank cell is None, as openpyxl gave it.

    A sheet is parsed only when read, so damage inside a sheet surfaces here.
    """
    try:
        frame = pd.read_excel(book, sheet_name=title, header=None, dtype=object, na_filter=False)
    except MemoryError:
        raise
    except Exception as exc:  # as in _open_workbook: any error means a damaged sheet
        raise _fail(path, "error.load.damaged_sheet", title) from exc
    cells = frame.to_numpy(dtype=object, copy=True)
    cells[cells == ""] = None
    return _trimmed(cells.tolist())


def _read_parquet(path: Path) -> _Table:
    """A Parquet file: its column names are the header (row 1), its rows follow."""
    head = _read_bytes(path, 4)
    if head != b"PAR1":
        what = _looks_like(head)
        if what is not None:
            raise _fail(path, "error.load.parquet_looks_like", what=what)
        raise _fail(path, "error.load.parquet_no_magic")
    try:
        frame = pd.read_parquet(path)
    except MemoryError:
        raise
    except Exception as exc:  # pyarrow's errors for a damaged file have many types
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _fail(path, "error.load.parquet_damaged", reason=reason) from exc
    headers = tuple(_header_text(c) for c in frame.columns)
    body = pd.DataFrame(frame.to_numpy(dtype=object), dtype=object)
    return _make_table(str(path), None, 1, headers, body)


def _table_from_grid(
    rows: list[list[object]], file: str, sheet: str | None, *, complete: bool = True
) -> _Table:
    """Find the header (a row or a two-row block) in raw rows and keep what is below it."""
    if not rows or all(all(_is_blank(v) for v in row) for row in rows):
        if sheet is None:
            raise _fail(file, "error.load.empty_file")
        raise _fail(file, "error.load.empty_sheet", sheet)
    header = _find_header(rows)
    if header is None:
        raise _fail(
            file, "error.load.no_header", sheet, n=HEADER_SEARCH_ROWS, examples=_EXAMPLE_HEADERS
        )
    below = rows[header.at + header.height :]
    width = max([len(header.names), *(len(row) for row in below)])
    headers = header.names + ("",) * (width - len(header.names))
    padded = [list(row) + [None] * (width - len(row)) for row in below]
    body = pd.DataFrame(padded, columns=range(width), dtype=object)
    # spreadsheet rows are 1-based: a header block's problems are placed on its last row
    # (where a two-row block has its criterion numbers); the body starts below it
    last = header.at + header.height
    table = _make_table(file, sheet, last, headers, body, first_row=last + 1)
    return replace(table, complete=complete)


def _make_table(
    file: str,
    sheet: str | None,
    header_row: int,
    headers: tuple[str, ...],
    body: pd.DataFrame,
    first_row: int | None = None,
) -> _Table:
    """Drop blank rows (spacing, trailing rows Excel keeps) but remember the row numbers.

    ``first_row`` is the spreadsheet row of the body's first row (default: below the header).
    """
    rows = np.arange(len(body)) + (first_row or header_row + 1)
    if len(body):
        blank = _map_values(body.to_numpy(dtype=object).ravel(), _is_blank).astype(bool)
        keep = ~blank.reshape(body.shape).all(axis=1)
        body, rows = body.loc[keep].reset_index(drop=True), rows[keep]
    if body.empty:
        raise _fail(file, "error.load.no_data_rows", sheet, header_row=header_row)
    return _Table(file, sheet, header_row, headers, body, rows)


# --------------------------------------------------------------------------- headers

_EXAMPLE_HEADERS = "'Mã xã', 'Tên xã', 'Huyện', 'Năm', 'TC1'…'TC19'"


def _header_text(value: object) -> str:
    return "" if _is_blank(value) else _cell_text(value)


def _header_meaning(header: str) -> str | int | None:
    """The canonical column a header stands for, a criterion number, or None (ignored)."""
    key = fold(header)
    if key in _ALIASES:
        return _ALIASES[key]
    match = _CRITERION_HEADER.match(key)
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class _Header:
    """Where the header is: its first row (0-based), its height (1 or 2) and its names."""

    at: int
    height: int
    names: tuple[str, ...]


def _n_meanings(names: Iterable[str]) -> int:
    return len({_header_meaning(n) for n in names} - {None})


def _find_header(rows: Sequence[Sequence[object]]) -> _Header | None:
    """The header: the first row with several recognised headers (a title has at most one).

    The row below is read with it when the two rows form one header block (``_header_block``).
    """
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        single = tuple(_header_text(v) for v in row)
        if i + 1 < len(rows):
            block = _header_block(single, rows[i + 1])
            if block is not None:
                return _Header(i, 2, block)
        if _n_meanings(single) >= MIN_HEADER_MATCHES:
            return _Header(i, 1, single)
    return None


def _header_block(upper: tuple[str, ...], lower: Sequence[object]) -> tuple[str, ...] | None:
    """The names of a two-row header block, or None when ``lower`` does not continue ``upper``.

    Report templates merge a label over sub-headers ("Tiêu chí" over 1…19, "Đơn vị" over
    "Mã xã" and "Tên xã") and merge single headers down both rows; merged cells are empty
    but for the first. ``lower`` continues the header only if it holds nothing but recognised
    headers, and criterion numbers under a label or a gap -- a data row always has a value,
    such as its code or year, that is neither -- and only if the block recognises more columns
    than either row alone, so a title row above a header is never taken for a block.
    """
    width = max(len(upper), len(lower))
    names = []
    for j in range(width):
        top = upper[j] if j < len(upper) else ""
        cell = lower[j] if j < len(lower) else None
        if _is_blank(cell):
            names.append(top)  # a header merged down, or a gap
            continue
        number = _parse_int(cell)
        if number is not None and 1 <= number <= 99 and _header_meaning(top) in (None, "criterion"):
            names.append(f"Tiêu chí {number}")
        elif _header_meaning(_header_text(cell)) is not None:
            names.append(_header_text(cell))
        else:
            return None
    block = tuple(names)
    alone = max(_n_meanings(upper), _n_meanings(_header_text(v) for v in lower))
    found = _n_meanings(block)
    return block if found >= MIN_HEADER_MATCHES and found > alone else None


@dataclass(frozen=True)
class _Columns:
    """Where each recognised column is: canonical name or criterion number -> position."""

    named: dict[str, int]
    criteria: dict[int, int]

    @property
    def layout(self) -> str:
        return "wide" if self.criteria else "long"


@dataclass(frozen=True)
class _Requirements:
    required: tuple[str, ...]
    one_of: tuple[tuple[str, ...], ...] = ()
    criteria: bool = False  # a panel needs either 19 criterion columns or criterion + met


_PANEL_REQUIREMENTS = _Requirements(
    required=("commune_code", "commune_name", "year"),
    one_of=(("district_name", "district_code"),),
    criteria=True,
)
# [geo] the panel's columns but the district, which a file on the 2025 units does not have
_PANEL_BUT_DISTRICT = replace(_PANEL_REQUIREMENTS, one_of=())
_DISTRICT_COLUMN = _Requirements(required=(), one_of=_PANEL_REQUIREMENTS.one_of)


def _panel_columns(table: _Table) -> tuple[_Columns, list[Problem]]:
    """The panel's columns, and the missing-district-column problem held back: whether a
    district is needed is known once the codes are (none after 1 Jul 2025, ``admin_check``).
    Any other header problem stops the load at once, with the district's among them."""
    try:
        columns = _identify_columns(table, _PANEL_BUT_DISTRICT)
    except DataError:
        return _identify_columns(table, _PANEL_REQUIREMENTS), []  # raises, listing all
    return columns, _missing_columns(table, columns, _DISTRICT_COLUMN)

_UNITS_REQUIREMENTS = _Requirements(
    required=("commune_code", "commune_name"), one_of=(("district_code", "district_name"),)
)


def _identify_columns(table: _Table, needs: _Requirements) -> _Columns:
    """Map headers to meanings; a missing or doubled column stops the load (nothing to read)."""
    named: dict[str, int] = {}
    criteria: dict[int, int] = {}
    problems: list[Problem] = []
    for j, header in enumerate(table.headers):
        meaning = _header_meaning(header)
        if isinstance(meaning, int) and meaning not in CRITERIA_NUMBERS:
            problems.append(
                table.problem(
                    "error.load.no_such_criterion",
                    row=table.header_row,
                    column=header,
                    n=meaning,
                    max=N_CRITERIA,
                )
            )
            continue
        if meaning is None:
            continue
        found: dict = criteria if isinstance(meaning, int) else named
        if meaning in found:
            first = table.headers[found[meaning]]
            problems.append(
                table.problem(
                    "error.load.same_meaning",
                    row=table.header_row,
                    column=header,
                    letter=_letter(j),
                    first=first,
                    first_letter=_letter(found[meaning]),
                    what=_describe(meaning),
                )
            )
            continue
        found[meaning] = j
    columns = _Columns(named, criteria)
    problems += _missing_columns(table, columns, needs)
    if problems:
        raise DataError(problems)
    return columns


def _letter(j: int) -> str:
    """The spreadsheet letter of the column at 0-based position ``j``: A, …, Z, AA, …"""
    letters = ""
    j += 1
    while j:
        j, rest = divmod(j - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _describe(meaning: str | int) -> Msg:
    if isinstance(meaning, int):
        return Msg("error.load.what.criterion_n", n=meaning)
    return _DESCRIPTIONS[meaning]


def _expected_headers(canonical: str) -> Join:
    """How the column may be headed: our Vietnamese header or the English canonical name."""
    return either((f"'{HEADER_ALIASES[canonical][0]}'", f"'{canonical}'"))


def _headed(canonical: str, headers: Join | None = None) -> Msg:
    """ "the year, headed 'Năm' or 'year'": a column and how it may be headed."""
    headers = headers if headers is not None else _expected_headers(canonical)
    return Msg("error.load.headed", what=_DESCRIPTIONS[canonical], headers=headers)


def _missing_columns(table: _Table, columns: _Columns, needs: _Requirements) -> list[Problem]:
    """One problem per required column (or group of alternatives) the header lacks."""
    wanted = [_headed(c) for c in needs.required if c not in columns.named]
    for group in needs.one_of:
        if not any(c in columns.named for c in group):
            choices = Join(tuple(_expected_headers(c) for c in group), word="error.word.and_or")
            wanted.append(_headed(group[0], choices))
    if needs.criteria:
        wanted += _missing_criterion_columns(columns)
    return [
        table.problem("error.load.missing_column", row=table.header_row, what=what)
        for what in wanted
    ]


def _missing_criterion_columns(columns: _Columns) -> list[Msg]:
    """Wide needs all 19 criterion columns; long needs a criterion and a result column."""
    if columns.layout == "wide":
        absent = [f"TC{c}" for c in CRITERIA_NUMBERS if c not in columns.criteria]
        if not absent:
            return []
        return [Msg("error.load.criterion_columns_wide", absent=", ".join(absent), n=N_CRITERIA)]
    long_columns = [c for c in ("criterion", "met") if c in columns.named]
    if not long_columns:
        return [
            Msg(
                "error.load.criterion_columns_long",
                n=N_CRITERIA,
                criterion=_expected_headers("criterion"),
                met=_expected_headers("met"),
            )
        ]
    return [_headed(c) for c in ("criterion", "met") if c not in long_columns]


# --------------------------------------------------------------------------- cell values


@dataclass(frozen=True)
class _BoolKey:
    """A boolean cell as a key that does not compare equal to the number 1 or 0."""

    value: bool


def _map_values(values: np.ndarray, parse: Callable[[object], object]) -> np.ndarray:
    """``parse`` applied to each distinct value once, spread back over all cells.

    pandas hashes TRUE like 1 and FALSE like 0, so in a column mixing Excel booleans with the
    numbers 1 and 0 one would be parsed as the other (TRUE read as commune code 1): booleans
    get keys of their own whenever such a mix is possible.
    """
    values = np.asarray(values, dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if pd.api.types.infer_dtype(uniques) != "string" and any(
        _is_number(u) and u in (0, 1) for u in uniques
    ):
        is_bool = np.fromiter(
            (isinstance(v, bool | np.bool_) for v in values), dtype=bool, count=len(values)
        )
        if is_bool.any():
            keys = values.copy()
            keys[is_bool] = [_BoolKey(bool(v)) for v in values[is_bool]]
            codes, uniques = pd.factorize(keys, use_na_sentinel=False)
            uniques = [u.value if isinstance(u, _BoolKey) else u for u in uniques]
    parsed = np.empty(len(uniques), dtype=object)
    for i, value in enumerate(uniques):
        parsed[i] = parse(value)
    return parsed[codes]


def _is_number(value: object) -> bool:
    """A numeric cell (Excel, Parquet) rather than text; booleans count as numbers here."""
    return isinstance(value, numbers.Number | np.bool_) and not isinstance(value, str)


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    return value is pd.NA or value is pd.NaT


def _cell_text(value: object) -> str:
    """A cell as the user reads it: 6112.0 shows as 6112, text in NFC."""
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return nfc(str(value))


def _as_number(text: str) -> float | None:
    """A number typed as text: "12", "12.0" or "12,0" (a decimal comma in Vietnamese locales).

    Stricter than ``float``, which also takes "1e0", "+1", "1_0", "nan" or "１": in a
    spreadsheet cell those are typos, not numbers.
    """
    return float(text.replace(",", ".")) if _NUMBER.match(text) else None


def _parse_flag(value: object) -> int:
    """A criterion result in any of the spellings offices use, as a _MET/_NOT_MET/… code."""
    if _is_blank(value):
        return _EMPTY
    if isinstance(value, bool | np.bool_):
        return _MET if value else _NOT_MET
    if isinstance(value, numbers.Real):
        number: float | None = float(value)
    else:
        text = nfc(str(value))
        if text.lower() in _MARKS:
            return _MARK
        flag = _FLAG_NUMBER.match(text)
        if flag:
            return _MET if flag.group(1) == "1" else _NOT_MET
        key = fold(text) if _WORDS.match(text) else ""
        return _MET if key in _YES else _NOT_MET if key in _NO else _BAD
    return _MET if number == 1 else _NOT_MET if number == 0 else _BAD


def _parse_int(value: object) -> int | None:
    """A whole number written as 12, 12.0, "12" or "12.0"; None otherwise."""
    if _is_blank(value) or isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    number = float(value) if isinstance(value, numbers.Real) else _as_number(nfc(str(value)))
    return int(number) if number is not None and float(number).is_integer() else None


def _parse_year(value: object) -> int | None:
    """2016, 2016.0, "2016" or "Năm 2016"."""
    if isinstance(value, str):
        match = _YEAR_TEXT.match(nfc(value))
        return int(match.group(1)) if match else None
    return _parse_int(value)


def _parse_criterion(value: object) -> int | None:
    """A criterion in the long layout: 7, "7", "TC7", "Tiêu chí 7" or its name."""
    number = _parse_int(value)
    if number is not None or not isinstance(value, str):
        return number
    key = fold(value)
    match = _CRITERION_HEADER.match(key)
    return int(match.group(1)) if match else _CRITERION_NAMES.get(key)


def _parse_code(value: object) -> str | None:
    """A commune code as text; a number Excel stored as 6112.0 becomes "6112".

    A code stored as a number must be a whole number: 6112.5 or -6112 is no code.
    """
    if _is_blank(value) or isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, numbers.Real):
        number = _parse_int(value)
        return str(number) if number is not None and number >= 0 else None
    text = _cell_text(value)
    match = _CODE_FLOAT_TEXT.match(text)
    return match.group(1) if match else text


def _parse_text(value: object) -> str | None:
    return None if _is_blank(value) else _cell_text(value)


def _bad_cells(
    table: _Table, j: int, values: np.ndarray, bad: np.ndarray, expected: Msg
) -> list[Problem]:
    """A problem for each unreadable cell of column ``j`` (the first ``MAX_CELL_PROBLEMS``)."""
    where = np.flatnonzero(bad)
    problems = [
        (
            table.problem(
                "error.load.empty_cell",
                row=int(table.rows[i]),
                column=table.headers[j],
                expected=expected,
            )
            if _is_blank(values[i])
            else table.problem(
                "error.load.unreadable_cell",
                row=int(table.rows[i]),
                column=table.headers[j],
                value=_cell_text(values[i]),
                expected=expected,
            )
        )
        for i in where[:MAX_CELL_PROBLEMS]
    ]
    return problems + _more_cells(table, where, table.headers[j])


def _more_cells(table: _Table, where: np.ndarray, column: str) -> list[Problem]:
    """One problem standing for a column's unreadable cells beyond ``MAX_CELL_PROBLEMS``.

    Thousands of unreadable cells mean the wrong file or a shifted column, not typos; listing
    them all would only cost memory and time (a 50 MB file of junk would take minutes).
    """
    extra = len(where) - MAX_CELL_PROBLEMS
    if extra <= 0:
        return []
    return [
        table.problem(
            "error.load.more_cells",
            row=int(table.rows[where[MAX_CELL_PROBLEMS]]),
            column=column,
            n=extra,
        )
    ]


def _parse_column(
    table: _Table,
    j: int,
    parse: Callable[[object], object],
    expected: Msg,
    *,
    blank_ok: bool = False,
) -> tuple[np.ndarray, list[Problem]]:
    """Parsed values (None where unreadable or blank) and a problem per unreadable cell."""
    values = table.column(j)
    parsed = _map_values(values, parse)
    bad = pd.isna(parsed)
    if blank_ok:
        bad &= ~_blank_column(table, j)
    return parsed, _bad_cells(table, j, values, bad, expected)


def _parse_flag_cells(
    table: _Table, positions: Sequence[int], blank_means_no: bool | None
) -> tuple[np.ndarray, np.ndarray, list[Problem]]:
    """Flags of several columns as rows × columns matrices (met, readable), plus problems.

    A blank cell means "not met" in a sheet that marks met criteria with x or a tick (the
    other cells stay empty); anywhere else a blank is a gap in the data and is reported.
    ``blank_means_no=None`` decides from the cells themselves.
    """
    values = table.body[list(positions)].to_numpy(dtype=object)
    codes = _map_values(values.ravel(), _parse_flag).astype(np.int8).reshape(values.shape)
    if blank_means_no is None:
        blank_means_no = bool((codes == _MARK).any())
    bad = (codes == _BAD) | ((codes == _EMPTY) & (not blank_means_no))
    problems = []
    for k, j in enumerate(positions):  # column by column; reading order is restored later
        problems += _bad_cells(table, j, values[:, k], bad[:, k], _FLAG_EXPECTED)
    return (codes == _MET) | (codes == _MARK), ~bad, problems


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class _Records:
    """Parsed rows: ``rows`` one per body row, ``status`` one per criterion result.

    ``rows``: row (spreadsheet number), code, name, district_code, year, difficult,
    synthetic, n_met; unreadable values are None. ``status``: i (position in ``rows``),
    criterion (0 where unreadable), met, readable (False where the result was unreadable).
    """

    rows: pd.DataFrame
    status: pd.DataFrame


def _parse_records(
    table: _Table, columns: _Columns, registry: Registry
) -> tuple[_Records, list[Problem]]:
    """Read every cell into typed values, collecting a problem for each unreadable one."""
    problems: list[Problem] = []
    named = columns.named
    codes, found = _parse_column(table, named["commune_code"], _parse_code, _EXPECT_CODE)
    problems += found
    names, found = _parse_column(table, named["commune_name"], _parse_text, _EXPECT_NAME)
    problems += found
    years, found = _parse_column(table, named["year"], _parse_year, Msg("error.load.expect.year"))
    problems += found
    problems += _years_in_range(table, named["year"], years)
    districts, found = _resolve_districts(table, columns, registry)
    problems += found
    rows = pd.DataFrame(
        {
            "row": table.rows,
            "code": _pad_codes(codes),
            "name": names,
            "district_code": districts,
            "year": [y if y is not None and YEAR_MIN <= y <= YEAR_MAX else None for y in years],
        }
    )
    for canonical in ("difficult", "synthetic"):
        if canonical in named:
            flags, readable, found = _parse_flag_cells(
                table, [named[canonical]], blank_means_no=True
            )
            rows[canonical] = np.where(readable[:, 0], flags[:, 0], None)  # None: reported
            problems += found
        else:
            rows[canonical] = False
    if "n_met" in named:
        rows["n_met"], found = _parse_column(
            table, named["n_met"], _parse_count, Msg("error.load.expect.count"), blank_ok=True
        )
        problems += found
    if columns.layout == "wide":
        status, found = _wide_status(table, columns)
    else:
        status, found = _long_status(table, columns)
    problems += found
    return _Records(rows, status), problems


def _refuse_junk(head: _Table, registry: Registry) -> None:
    """Stop early when the first rows of a large file are nearly all unreadable.

    That is the wrong file under a right-looking header, or a shifted column: checking
    every row of a large one would take minutes to list problems nobody reads one by one.
    """
    columns, _ = _panel_columns(head)
    head = _without_summary_rows(head, columns)
    n = min(len(head.body), JUNK_SAMPLE_ROWS)
    sample = replace(head, body=head.body.iloc[:n], rows=head.rows[:n])
    _, problems = _parse_records(sample, columns, registry)
    if len({p.row for p in problems}) < 0.9 * n:
        return
    # first: the one line to read when the list is long
    stop = head.problem("error.load.stopped", last=int(sample.rows[-1]))
    raise DataError([stop, *_in_reading_order(problems)])


def _parse_count(value: object) -> int | None:
    number = _parse_int(value)
    return number if number is not None and 0 <= number <= N_CRITERIA else None


def _years_in_range(table: _Table, j: int, years: np.ndarray) -> list[Problem]:
    out = [(i, y) for i, y in enumerate(years) if y is not None and not YEAR_MIN <= y <= YEAR_MAX]
    return [
        table.problem(
            "error.load.year_out_of_range",
            row=int(table.rows[i]),
            column=table.headers[j],
            year=y,
            min=YEAR_MIN,
            max=YEAR_MAX,
        )
        for i, y in out
    ]


def _pad_codes(codes: np.ndarray) -> np.ndarray:
    """Left-pad all-digit codes to 5 digits, but only if every code is digits.

    Excel turns "06112" into 6112; GSO codes are 5 digits, so padding restores them. A file
    with any non-digit code (e.g. placeholders "X18001") uses its own scheme: leave it alone.
    """
    present = [c for c in codes if c is not None]
    if not present or not all(_DIGITS.match(c) for c in present):
        return codes
    return np.array([c if c is None else c.zfill(CODE_WIDTH) for c in codes], dtype=object)


def _wide_status(table: _Table, columns: _Columns) -> tuple[pd.DataFrame, list[Problem]]:
    """One status row per body row and criterion column."""
    numbers_ = sorted(columns.criteria)
    met, readable, problems = _parse_flag_cells(
        table, [columns.criteria[c] for c in numbers_], blank_means_no=None
    )
    n = len(table.body)
    status = pd.DataFrame(
        {
            "i": np.repeat(np.arange(n), len(numbers_)),
            "criterion": np.tile(numbers_, n),
            "met": met.ravel(),
            "readable": readable.ravel(),
        }
    )
    return status, problems


def _long_status(table: _Table, columns: _Columns) -> tuple[pd.DataFrame, list[Problem]]:
    """One status row per body row, its criterion read from the criterion column."""
    j = columns.named["criterion"]
    values = table.column(j)
    parsed = _map_values(values, _parse_criterion)
    ok = np.array([c in CRITERIA_NUMBERS for c in parsed], dtype=bool)
    problems = _bad_cells(table, j, values, ~ok, Msg("error.load.expect.criterion", n=N_CRITERIA))
    met, readable, found = _parse_flag_cells(table, [columns.named["met"]], blank_means_no=None)
    status = pd.DataFrame(
        {
            "i": np.arange(len(table.body)),
            "criterion": np.where(ok, parsed, 0).astype("int64"),  # 0: unreadable
            "met": met[:, 0],
            "readable": readable[:, 0],
        }
    )
    return status, problems + found


# --------------------------------------------------------------------------- districts


def _resolve_districts(
    table: _Table, columns: _Columns, registry: Registry
) -> tuple[np.ndarray, list[Problem]]:
    """Each row's district code, from the district name and/or code columns.

    Names are matched tolerantly (diacritics, case, "Huyện" prefix) since they are typed by
    hand; a name or code the registry does not know is reported once, at its first row.
    """
    n = len(table.body)
    by_name = by_code = np.full(n, None, dtype=object)
    problems: list[Problem] = []
    if "district_name" in columns.named:
        by_name, found = _district_lookup(
            table, columns.named["district_name"], _DistrictNames(registry)
        )
        problems += found
    if "district_code" in columns.named:
        by_code, found = _district_lookup(
            table, columns.named["district_code"], _district_codes(registry)
        )
        problems += found
    problems += _districts_missing(table, columns)
    problems += _district_disagreements(table, columns, registry, by_name, by_code)
    both = np.where(pd.isna(by_code), by_name, by_code)
    both[~pd.isna(by_name) & ~pd.isna(by_code) & (by_name != by_code)] = None  # reported
    return both, problems


class _DistrictNames:
    """Look district names up in the registry, quickly even for thousands of distinct cells.

    A registry lookup takes milliseconds and a file of junk has thousands of distinct
    "names": every spelling the registry accepts has the last word of a district's name
    among its words (or is a code), so anything else is unknown without asking, and only
    the first ``MAX_SUGGESTIONS`` unknown names get a (slow) "did you mean".
    """

    def __init__(self, registry: Registry):
        self.registry = registry
        self.words = {fold(name).split()[-1] for name in registry.districts["district_name"]}
        self.known = ", ".join(registry.districts["district_name"])
        self.suggested = 0

    def __call__(self, value: object) -> int | Msg | None:
        """The district code, None for a blank, or a message for an unknown name."""
        if _is_blank(value):
            return None
        text = _cell_text(value)
        words = set(fold(text).split())
        if words & self.words or any(w.isdigit() for w in words):
            code = self.registry.find(text)
            if code is not None:
                return code
        hint: tuple[str, ...] = ()
        if self.suggested < MAX_SUGGESTIONS:
            self.suggested += 1
            hint = tuple(self.registry.suggestions(text))
        return self.registry.unknown_message(text, hint, self.known)


def _district_codes(registry: Registry) -> Callable[[object], int | Msg | None]:
    """Like ``_DistrictNames`` for the district code column."""
    codes = set(registry.codes())
    known = ", ".join(str(c) for c in registry.codes())

    def lookup(value: object) -> int | Msg | None:
        if _is_blank(value):
            return None
        code = _parse_int(value)
        if code in codes:
            return code
        return Msg(
            "error.load.unknown_district_code",
            value=_cell_text(value),
            province=registry.province_name,
            known=known,
        )

    return lookup


def _district_lookup(
    table: _Table, j: int, lookup: Callable[[object], int | Msg | None]
) -> tuple[np.ndarray, list[Problem]]:
    """District codes of column ``j``; each unknown value is reported once, at its first row."""
    found = _map_values(table.column(j), lookup)
    first: dict[Msg, int] = {}
    count: dict[Msg, int] = {}
    for i, f in enumerate(found):  # one pass: a file of junk may hold thousands of names
        if isinstance(f, Msg):
            first.setdefault(f, i)
            count[f] = count.get(f, 0) + 1
    problems = []
    for message, i in itertools.islice(first.items(), MAX_CELL_PROBLEMS):
        where = {"row": int(table.rows[i]), "column": table.headers[j]}
        if count[message] > 1:
            problems.append(
                table.problem("error.load.in_rows", **where, message=message, n=count[message])
            )
        else:
            problems.append(table.problem(message.key, **where, **dict(message.params)))
    problems += _more_cells(table, np.array(sorted(first.values())), table.headers[j])
    codes = np.array(
        [None if f is None or isinstance(f, Msg) else int(f) for f in found], dtype=object
    )
    return codes, problems


def _districts_missing(table: _Table, columns: _Columns) -> list[Problem]:
    """Rows that give neither a district name nor a district code (without any district
    column, ``load_panel`` reports the column, or nothing for 2025 units)."""
    if not any(c in columns.named for c in ("district_name", "district_code")):
        return []
    missing = np.ones(len(table.body), dtype=bool)
    for canonical in ("district_name", "district_code"):
        if canonical in columns.named:
            missing &= _blank_column(table, columns.named[canonical])
    return [
        table.problem("error.load.empty_district", row=int(table.rows[i]))
        for i in np.flatnonzero(missing)
    ]


def _district_disagreements(
    table: _Table,
    columns: _Columns,
    registry: Registry,
    by_name: np.ndarray,
    by_code: np.ndarray,
) -> list[Problem]:
    """Rows where the district name and the district code point at different districts."""
    given = ~pd.isna(by_name) & ~pd.isna(by_code)
    return [
        table.problem(
            "error.load.district_disagrees",
            row=int(table.rows[i]),
            column=table.headers[columns.named["district_code"]],
            by_code=registry.name(by_code[i]),
            code=by_code[i],
            by_name=registry.name(by_name[i]),
        )
        for i in np.flatnonzero(given & (by_name != by_code))
    ]


def _blank_column(table: _Table, j: int) -> np.ndarray:
    return _map_values(table.column(j), _is_blank).astype(bool)


# --------------------------------------------------------------------------- checks


def _check_records(
    table: _Table,
    columns: _Columns,
    records: _Records,
    registry: Registry,
    real_codes: bool = False,
) -> list[Problem]:
    """Whole-file checks, run on the rows whose keys could be read.

    ``real_codes``: the file uses real GSO codes, which are reused across list versions, so
    a code's names and years are checked per list by ``admin_check``/``harmonise`` instead.
    """
    rows = records.rows
    status = records.status.merge(rows, left_on="i", right_index=True)
    problems = _duplicates(table, columns, rows, status)
    if real_codes:
        problems += _per_list_checks(table, columns, rows, status)
        return problems
    problems += _two_values(table, rows, "name", "error.load.two_names", lambda v: f"'{v}'")
    problems += _two_values(
        table,
        rows,
        "district_code",
        "error.load.two_districts",
        lambda c: f"{registry.name(c)} ({c})",
    )
    problems += _missing_years(table, rows)
    return problems + _per_list_checks(table, columns, rows, status)


def _per_list_checks(
    table: _Table, columns: _Columns, rows: pd.DataFrame, status: pd.DataFrame
) -> list[Problem]:
    """The checks of each commune-year alone (valid whatever list its code is from)."""
    problems: list[Problem] = []
    if columns.layout == "long":
        problems += _missing_criteria(table, rows, status)
        problems += _difficult_disagrees(table, columns, rows)
        if "n_met" in rows:
            problems += _wrong_long_counts(table, columns, status)
    elif "n_met" in rows:
        problems += _wrong_counts(table, columns, rows, status)
    return problems


def _keyed(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    return frame.dropna(subset=list(keys))


def _duplicates(
    table: _Table, columns: _Columns, rows: pd.DataFrame, status: pd.DataFrame
) -> list[Problem]:
    """A repeated commune-year (wide) or commune-year-criterion (long), at each repeat."""
    if columns.layout == "wide":
        keys, frame = ["code", "year"], _keyed(rows, ["code", "year"])
    else:
        keys = ["code", "year", "criterion"]
        frame = _keyed(status[status["criterion"] > 0], ["code", "year"])
    first_row = frame.groupby(keys, sort=False)["row"].transform("min")
    repeats = frame[frame["row"] != first_row]
    if "criterion" in keys:
        return [
            table.problem(
                "error.load.duplicate_criterion",
                row=int(r.row),
                code=r.code,
                year=r.year,
                criterion=r.criterion,
                first=first,
            )
            for r, first in zip(repeats.itertuples(), first_row[repeats.index], strict=True)
        ]
    return [
        table.problem("error.load.duplicate", row=int(r.row), code=r.code, year=r.year, first=first)
        for r, first in zip(repeats.itertuples(), first_row[repeats.index], strict=True)
    ]


def _two_values(
    table: _Table, rows: pd.DataFrame, field: str, key: str, show: Callable[[object], str]
) -> list[Problem]:
    """A commune code given two different names (or districts) in different rows."""
    frame = _keyed(rows, ["code", field])
    firsts = frame.groupby(["code", field], sort=False)["row"].min().reset_index()
    counts = firsts.groupby("code")[field].transform("size")
    problems = []
    for code, group in firsts[counts > 1].groupby("code", sort=False):
        group = group.sort_values("row")
        listed = Join(
            tuple(
                Msg("error.load.value_at_row", value=show(v), row=int(r))
                for v, r in zip(group[field], group["row"], strict=True)
            ),
            sep="; ",
        )
        problems.append(
            table.problem(
                key, row=int(group["row"].iloc[1]), code=code, n=len(group), listed=listed
            )
        )
    return problems


def _uncertain_communes(rows: pd.DataFrame) -> set[str] | None:
    """Communes whose rows cannot all be placed, so a "missing" row may be an unreadable one.

    A row with an unreadable year could be any year of its commune, so that commune is not
    checked for gaps; a row with an unreadable commune code could be any commune, so no
    commune is (None). The unreadable cells are reported already.
    """
    if rows["code"].isna().any():
        return None
    return set(rows.loc[rows["year"].isna(), "code"])


def _missing_years(table: _Table, rows: pd.DataFrame) -> list[Problem]:
    """A commune missing a year the other communes have: forecasts need a complete panel."""
    uncertain = _uncertain_communes(rows)
    if uncertain is None:
        return []
    frame = _keyed(rows, ["code", "year"])
    all_years = set(frame["year"])
    problems = []
    for code, group in frame.groupby("code", sort=False):
        absent = sorted(all_years - set(group["year"]))
        if absent and code not in uncertain:
            problems.append(
                table.problem(
                    "error.load.missing_years",
                    row=int(group["row"].min()),
                    commune=_label(code, group["name"]),
                    years=", ".join(map(str, absent)),
                )
            )
    return problems


def _label(code: str, names: pd.Series) -> str:
    """ "06100 (Hoàng Đồng)": a code alone is hard to find in a spreadsheet."""
    known = names.dropna()
    return f"{code} ({known.iloc[0]})" if len(known) else code


def _missing_criteria(table: _Table, rows: pd.DataFrame, status: pd.DataFrame) -> list[Problem]:
    """Long layout: a commune-year must list all 19 criteria."""
    uncertain = _uncertain_communes(rows)
    if uncertain is None:
        return []
    frame = _keyed(status, ["code", "year"])
    problems = []
    for (code, year), group in frame.groupby(["code", "year"], sort=False):
        if code in uncertain or (group["criterion"] == 0).any():
            continue
        absent = sorted(set(CRITERIA_NUMBERS) - set(group["criterion"]))
        if absent:
            problems.append(
                table.problem(
                    "error.load.missing_criteria",
                    row=int(group["row"].min()),
                    code=code,
                    year=year,
                    absent=", ".join(map(str, absent)),
                    n=N_CRITERIA,
                )
            )
    return problems


def _wrong_counts(
    table: _Table, columns: _Columns, rows: pd.DataFrame, status: pd.DataFrame
) -> list[Problem]:
    """The summary column "Số tiêu chí đạt" must agree with the row's own flags."""
    counted = status.groupby("i")["met"].sum()
    all_readable = status.groupby("i")["readable"].all()
    stated = rows["n_met"]
    wrong = stated.notna() & all_readable & (stated != counted)
    header = table.headers[columns.named["n_met"]]
    return [
        table.problem(
            "error.load.wrong_count",
            row=int(rows.at[i, "row"]),
            column=header,
            stated=stated[i],
            counted=counted[i],
        )
        for i in rows.index[wrong]
    ]


def _difficult_disagrees(table: _Table, columns: _Columns, rows: pd.DataFrame) -> list[Problem]:
    """Long layout: the rows of one commune-year must agree on its especially-difficult flag.

    Otherwise one of them is a typo and nothing says which: taking the last row's would
    silently change the commune's status whenever the typo is in that row.
    """
    if "difficult" not in columns.named:
        return []
    frame = _keyed(rows, ["code", "year", "difficult"])
    frame = frame.assign(difficult=frame["difficult"].astype(bool))
    both = frame.groupby(["code", "year"], sort=False)["difficult"].transform("nunique") > 1
    problems = []
    for (code, year), group in frame[both].groupby(["code", "year"], sort=False):
        yes, no = (
            group.loc[group["difficult"], "row"].min(),
            group.loc[~group["difficult"], "row"].min(),
        )
        problems.append(
            table.problem(
                "error.load.difficult_disagrees",
                row=int(max(yes, no)),
                column=table.headers[columns.named["difficult"]],
                code=code,
                year=year,
                yes=yes,
                no=no,
            )
        )
    return problems


def _wrong_long_counts(table: _Table, columns: _Columns, status: pd.DataFrame) -> list[Problem]:
    """Long layout: a count column must agree with the commune-year's 19 results, once each."""
    frame = _keyed(status, ["code", "year"])
    groups = frame.groupby(["code", "year"], sort=False)
    complete = (
        groups["readable"].transform("all")
        & (groups["criterion"].transform("min") > 0)  # 0: an unreadable criterion
        & (groups["criterion"].transform("nunique") == N_CRITERIA)
    )
    counted = groups["met"].transform("sum")
    wrong = frame[complete & frame["n_met"].notna() & (frame["n_met"] != counted)]
    wrong = wrong.assign(counted=counted[wrong.index]).drop_duplicates(["code", "year"])
    header = table.headers[columns.named["n_met"]]
    return [
        table.problem(
            "error.load.wrong_long_count",
            row=int(r.row),
            column=header,
            stated=r.n_met,
            code=r.code,
            year=r.year,
            counted=r.counted,
        )
        for r in wrong.itertuples()
    ]


# --------------------------------------------------------------------------- summary rows


def _is_summary_label(value: object) -> bool:
    """ "Tổng cộng", "Cộng", "TỔNG SỐ", "Cộng huyện Tràng Định", "Toàn tỉnh", "Total"."""
    if not isinstance(value, str) or value.lstrip()[:1].lower() not in ("t", "c", "s"):
        return False  # the quick refusal: every label starts with T(ổng), C(ộng) or S(um)
    key = fold(value)
    return key in _SUMMARY_LABELS or key.startswith(_SUMMARY_PREFIXES)


def _without_summary_rows(table: _Table, columns: _Columns) -> _Table:
    """The table without its totals and subtotals rows.

    Such a row sums communes, so it has neither a commune code nor a commune name of its
    own, only a label: in the code or name column, or to their left (merged cells put it
    in the first column, often "STT"). A row with a commune code or name is data whatever
    else it says: a commune may be called "Tổng Cọt", and a row that lost its code must be
    reported, not dropped because a note beside it says "Tổng".
    """
    code_j, name_j = columns.named["commune_code"], columns.named["commune_name"]
    left = list(range(max(code_j, name_j) + 1))  # the code, the name and what precedes them
    cells = table.body[left].to_numpy(dtype=object)
    blank = _map_values(cells.ravel(), _is_blank).astype(bool).reshape(cells.shape)
    label = _map_values(cells.ravel(), _is_summary_label).astype(bool).reshape(cells.shape)
    no_commune = (blank | label)[:, [code_j, name_j]].all(axis=1)
    drop = no_commune & label.any(axis=1)
    if not drop.any():
        return table
    if drop.all():
        raise _fail(table.file, "error.load.no_data_rows", table.sheet, header_row=table.header_row)
    keep = ~drop
    return replace(table, body=table.body.loc[keep].reset_index(drop=True), rows=table.rows[keep])


# --------------------------------------------------------------------------- units file


def _commune_key(name: str) -> str:
    """A commune name for comparison: folded, without "Xã"/"Phường"/"Thị trấn"."""
    key = fold(name)
    for prefix in _COMMUNE_PREFIXES:
        if key.startswith(prefix + " "):
            return key[len(prefix) + 1 :]
    return key


def _read_units(path: Path, registry: Registry) -> tuple[pd.DataFrame, list[Problem]]:
    """The communes of a units file: code, name, district_code (one row per commune)."""
    table = _read_table(path, None)
    columns = _identify_columns(table, _UNITS_REQUIREMENTS)
    table = _without_summary_rows(table, columns)
    codes, problems = _parse_column(table, columns.named["commune_code"], _parse_code, _EXPECT_CODE)
    names, found = _parse_column(table, columns.named["commune_name"], _parse_text, _EXPECT_NAME)
    districts, more = _resolve_districts(table, columns, registry)
    units = pd.DataFrame(
        {"code": _pad_codes(codes), "name": names, "district_code": districts, "row": table.rows}
    )
    return units.dropna(subset=["code"]).drop_duplicates("code"), problems + found + more


def _check_units(table: _Table, records: _Records, path: Path, registry: Registry) -> list[Problem]:
    """Every commune must be in the units file, with the same name and district."""
    units, problems = _read_units(path, registry)
    listed = units.set_index("code")
    communes = _keyed(records.rows, ["code"]).drop_duplicates("code")
    for r in communes.itertuples():
        if r.code not in listed.index:
            problems.append(_not_in_units(table, units, r.code, r.name, int(r.row), path.name))
            continue
        unit = listed.loc[r.code]
        if r.name is not None and _commune_key(r.name) != _commune_key(str(unit["name"])):
            problems.append(
                table.problem(
                    "error.load.units_other_name",
                    row=int(r.row),
                    code=r.code,
                    name=r.name,
                    units=path.name,
                    listed=unit["name"],
                )
            )
        if r.district_code is not None and unit["district_code"] not in (None, r.district_code):
            problems.append(
                table.problem(
                    "error.load.units_other_district",
                    row=int(r.row),
                    code=r.code,
                    here=registry.name(r.district_code),
                    there=registry.name(unit["district_code"]),
                    units=path.name,
                )
            )
    return problems


def _not_in_units(
    table: _Table, units: pd.DataFrame, code: str, name: str | None, row: int, file: str
) -> Problem:
    """A commune missing from the units file, with a "did you mean": the code of a commune
    with that name, or the closest names."""
    where = {"row": row, "code": code, "name": name, "units": file}
    if name is None:
        return table.problem("error.load.not_in_units", **where)
    keys = units["name"].dropna().map(_commune_key)
    same = units.loc[keys[keys == _commune_key(name)].index]
    if len(same):
        return table.problem(
            "error.load.not_in_units_same_name",
            **where,
            listed=same["name"].iloc[0],
            listed_code=same["code"].iloc[0],
        )
    by_key = dict(zip(keys, units.loc[keys.index, "name"], strict=True))
    close = difflib.get_close_matches(_commune_key(name), list(by_key), n=3, cutoff=0.6)
    if close:
        return table.problem(
            "error.load.not_in_units_hint", **where, suggestions=either(by_key[c] for c in close)
        )
    return table.problem("error.load.not_in_units", **where)


# --------------------------------------------------------------------------- assembly


def _in_reading_order(problems: Iterable[Problem]) -> list[Problem]:
    """Per file, whole-file problems first, then by row, so the list reads down the sheet."""
    problems = list(problems)
    files = {f: i for i, f in reversed(list(enumerate(p.file for p in problems)))}
    return sorted(problems, key=lambda p: (files[p.file], p.row is not None, p.row or 0))


def _to_panel(records: _Records, registry: Registry, source: str) -> Panel:
    """The checked records as a ``Panel``; district names are the registry's spelling."""
    rows = records.rows
    status = records.status.merge(rows[["code", "year"]], left_on="i", right_index=True)
    status = status.rename(columns={"code": "commune_code"})
    # a commune's especially-difficult status can change; the latest year's is the current one
    latest = rows.sort_values(["year", "row"]).drop_duplicates("code", keep="last")
    communes = pd.DataFrame(
        {
            "commune_code": latest["code"],
            "commune_name": latest["name"],
            "district_code": latest["district_code"].astype("int64"),
            "difficult": latest["difficult"].astype(bool),
        }
    )
    names = {code: registry.name(code) for code in registry.codes()}
    communes["district_name"] = communes["district_code"].map(names)
    # one flagged row makes the whole panel synthetic: a mixed file must not pass as real
    synthetic = bool(rows["synthetic"].any())  # False where the column is absent
    return Panel.from_frames(
        status,
        communes,
        source=source,
        synthetic=synthetic,
        province_name=registry.province_name,
    )
