"""Property-based tests of ``load_panel``: what goes in comes out, and damage never slips by.

Two properties, over random panels (digit codes with leading zeros and placeholder codes,
Vietnamese names in NFC or NFD, 1–4 districts of the bundled registry, 1–5 consecutive years):

1. written by ``write_panel`` as CSV, XLSX or Parquet, wide or long, a panel reads back exactly
   (names come back in NFC: the loader's documented normalisation);
2. a valid file damaged once — a cell flipped to a random string or cleared, a row duplicated,
   a header changed, the file truncated or random bytes inserted — either reads back as the
   same panel or fails with a ``DataError``. Never another exception, and never a silently
   changed value: the only differences allowed are those no loader could see (listed in
   ``_explained``), each checked against an independent reading of the damaged cell.

Every load also checks that the input file was not modified. Runtime is bounded by
``max_examples``; ``deadline=None`` because XLSX writing time varies on slow machines.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st
from locations import TEST_DATA

from ntm_analysis.core.criteria import CRITERIA_NUMBERS
from ntm_analysis.core.errors import DataError
from ntm_analysis.core.panel import Panel
from ntm_analysis.io.layout import write_panel
from ntm_analysis.io.load import load_panel
from ntm_analysis.io.reference import read_registry

REGISTRY = read_registry()
FORMATS = (".csv", ".xlsx", ".parquet")
LAYOUTS = ("wide", "long")
SCALE = int(os.environ.get("NTM_PROPERTY_SCALE", "1"))  # e.g. 20 for a long hunt for bugs
SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}

# --------------------------------------------------------------------------- random panels

_NAME_WORDS = (
    "Hoàng Đồng Tân Liên Bình Gia Hữu Lũng Chi Lăng Quốc Khánh Nhất Hòa Thụy Hùng Việt Yên "
    "Trạng Đoàn Kết Hồng Phong Thượng Cường Lợi Bắc Xa Ái Quang Tú Mịch Ngọc Văn Mộng Ân"
)
SYLLABLES = tuple(_NAME_WORDS.split())
PREFIXES = ("", "", "Xã ", "Phường ", "Thị trấn ")


@st.composite
def codes(draw, n: int) -> list[str]:
    """n distinct commune codes: GSO digits (often with leading zeros), placeholders, or both."""
    gso = st.one_of(st.integers(0, 9999), st.integers(0, 99999)).map(lambda i: f"{i:05d}")
    placeholder = st.builds(
        lambda letters, digits: f"{letters}{digits}",
        st.sampled_from(["X", "TĐ-", "BG", "XA-"]),
        st.integers(0, 99999).map(str),
    )
    style = draw(st.sampled_from(["gso", "placeholder", "mixed"]))
    element = {"gso": gso, "placeholder": placeholder, "mixed": st.one_of(gso, placeholder)}
    return draw(st.lists(element[style], min_size=n, max_size=n, unique=True))


@st.composite
def names(draw) -> str:
    words = draw(st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=3))
    return draw(st.sampled_from(PREFIXES)) + " ".join(words)


@dataclass(frozen=True)
class Case:
    """A panel, and the same panel as written (some names decomposed to NFD)."""

    expected: Panel
    written: Panel


@st.composite
def panels(draw, min_communes: int = 1, min_years: int = 1) -> Case:
    districts = draw(
        st.lists(st.sampled_from(REGISTRY.codes()), min_size=1, max_size=4, unique=True)
    )
    n = draw(st.integers(min_communes, 6))
    commune_codes = draw(codes(n))
    first = draw(st.integers(2008, 2028))
    years = range(first, first + draw(st.integers(min_years, 5)))
    district_of = draw(st.lists(st.sampled_from(districts), min_size=n, max_size=n))
    communes = pd.DataFrame(
        {
            "commune_code": commune_codes,
            "commune_name": [draw(names()) for _ in range(n)],
            "district_code": district_of,
            "district_name": [REGISTRY.name(d) for d in district_of],
            "difficult": draw(st.lists(st.booleans(), min_size=n, max_size=n)),
        }
    )
    keys = [(c, y, k) for c in commune_codes for y in years for k in CRITERIA_NUMBERS]
    share = draw(st.sampled_from([0.0, 0.3, 0.7, 1.0]))
    seed = draw(st.integers(0, 2**31))
    rng = __import__("random").Random(seed)
    status = pd.DataFrame(keys, columns=["commune_code", "year", "criterion"]).assign(
        met=[rng.random() < share for _ in keys]
    )
    synthetic = draw(st.booleans())
    expected = Panel.from_frames(status, communes, synthetic=synthetic)
    nfd = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    written = communes.copy()
    for col in ("commune_name", "district_name"):
        written[col] = [
            unicodedata.normalize("NFD", v) if d else v
            for v, d in zip(written[col], nfd, strict=True)
        ]
    return Case(expected, Panel.from_frames(status, written, synthetic=synthetic))


def assert_same(got: Panel, expected: Panel) -> None:
    pd.testing.assert_frame_equal(got.status, expected.status)
    pd.testing.assert_frame_equal(got.communes, expected.communes)
    assert got.synthetic == expected.synthetic


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_unchanged(path: Path) -> Panel:
    """``load_panel``, checking that the file it read is byte-for-byte the same afterwards."""
    before = digest(path)
    try:
        return load_panel(path)
    finally:
        assert digest(path) == before, "load_panel modified its input"


# --------------------------------------------------------------------------- property 1


@settings(max_examples=50 * SCALE, **SETTINGS)
@given(case=panels(), suffix=st.sampled_from(FORMATS), layout=st.sampled_from(LAYOUTS))
def test_any_valid_panel_round_trips(case, suffix, layout):
    with tempfile.TemporaryDirectory() as folder:
        path = write_panel(case.written, Path(folder) / f"panel{suffix}", layout)
        assert_same(load_unchanged(path), case.expected)


# --------------------------------------------------------------------------- damage

# what a hand or a program might put in a cell of each kind of column: legitimate
# spellings, near misses and junk; numbers and booleans as Excel and Parquet store them
FLAG_TYPED = (
    "Đạt", "đạt", "Đ", "x", "X", "✓", "1", "1.0", "1,0", "0", "0.0", "Chưa đạt", "Không",
    "TRUE", "Dat", "Đặt", "01", "00", "1e0", "+1", "１", "-0", "0x1", "1_0", "nan", "inf",
    "2", " ", "?", True, False, 1, 0, 1.0, 0.0, 0.5, 2,
)  # fmt: skip
TYPED = {
    "flag": FLAG_TYPED,
    "year": ("Năm 2016", "năm 2016", "2016.0", "20l6", "2_016", "２０１６", "+2016", "2016e0",
             "nan", 2016, 2016.0, 2016.5, True),
    "code": ("6100", "06100 ", "X6100", "Tổng cộng", "nan", 6100, 6100.0, 6100.5, -6100, True),
    "name": ("Tổng cộng", "Cộng", "Tổng Cọt", "Xã", "nan", 1, True),
    "district": ("Tràng Định", "Trang Dinh", "Bình Gia", "Trang Dinhh", "Huyện Tràng Định",
                 "Cộng huyện Tràng Định", "180", "0180", "180.0", 180, 180.0, True),
    "criterion": ("TC7", "Tiêu chí 7", "07", "7.0", "Giao thông", "TC07", "C7", "1e1", 7, 7.0),
    "count": ("12", "12.0", "012", "1e1", "+3", 12, 12.0, 12.5, True),
}  # fmt: skip
KIND_OF = {
    "difficult": "flag", "met": "flag", "criterion_column": "flag", "synthetic": "flag",
    "year": "year", "code": "code", "name": "name", "district": "district",
    "criterion": "criterion", "count": "count",
}  # fmt: skip


@st.composite
def replacement(draw, column: list[str], value: str, kind: str, native: bool) -> object:
    """A new cell value: related to the old one, another cell's value, typed, or random."""
    related = [
        value.lower(),
        value.upper(),
        value + " ",
        unicodedata.normalize("NFD", value),
        value.lstrip("0"),
        "0" + value,
        value + value,
        value[:-1],
        value + ".0",
        f"Năm {value}",
    ]
    typed = [
        v for v in TYPED.get(KIND_OF.get(kind, ""), FLAG_TYPED) if native or isinstance(v, str)
    ]
    return draw(
        st.one_of(
            st.sampled_from(related),
            st.sampled_from(column),
            st.sampled_from(typed),
            st.text(max_size=8),
        )
    )


@dataclass(frozen=True)
class Damage:
    kind: str  # flip, clear, duplicate, header, truncate, insert
    column: str | None = None  # the header of the damaged column
    row: int | None = None  # data row index (0 = first row below the header)
    value: object = None  # the new cell value (flip, clear, header)


def read_grid(path: Path) -> list[list[object]]:
    if path.suffix == ".csv":
        return [list(r) for r in csv.reader(io.StringIO(path.read_text("utf-8"), newline=""))]
    if path.suffix == ".xlsx":
        ws = openpyxl.load_workbook(path).active
        return [list(r) for r in ws.iter_rows(values_only=True)]
    frame = pd.read_parquet(path)
    return [list(frame.columns), *frame.astype(object).values.tolist()]


def write_grid(grid: list[list[object]], path: Path) -> None:
    if path.suffix == ".csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(grid)
        path.write_text(out.getvalue(), "utf-8")
    elif path.suffix == ".xlsx":
        book = openpyxl.Workbook()
        for row in grid:
            book.active.append(row)
        book.save(path)
    else:
        frame = pd.DataFrame(grid[1:], columns=grid[0])
        for col in frame.columns:  # a damaged column holds mixed values: store it as text
            values = frame[col].tolist()
            if len({type(v) for v in values if v is not None}) > 1:
                frame[col] = [None if v is None else str(v) for v in values]
        frame.to_parquet(path, index=False)


_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@st.composite
def damage_grid(draw, grid: list[list[object]], suffix: str) -> tuple[list[list[object]], Damage]:
    """One change to the cells of a written table, as someone editing it might make."""
    headers = [str(h) for h in grid[0]]
    kind = draw(st.sampled_from(["flip", "flip", "flip", "clear", "duplicate", "header"]))
    grid = [list(r) for r in grid]
    # every kind of column equally often (19 criterion columns would crowd out the rest)
    groups = sorted({_header_kind(h) if _header_kind(h) != "other" else h for h in headers})
    group = draw(st.sampled_from(groups))
    j = draw(st.sampled_from([k for k, h in enumerate(headers) if group in (h, _header_kind(h))]))
    i = draw(st.integers(1, len(grid) - 1))
    if kind == "duplicate":
        grid.insert(draw(st.integers(1, len(grid))), list(grid[i]))
        return grid, Damage(kind, row=i - 1)
    if kind == "header":
        new = draw(replacement(headers, headers[j], "header", native=False))
        if suffix == ".parquet":
            assume(new not in headers)  # Parquet cannot store two columns of one name
        if suffix == ".xlsx":
            assume(not _ILLEGAL_XLSX.search(new))  # such a string cannot be in a workbook
        grid[0][j] = new
        return grid, Damage(kind, column=headers[j], value=new)
    column = [str(r[j]) for r in grid[1:]]
    native = suffix != ".csv"
    old = str(grid[i][j])
    new = (
        "" if kind == "clear" else draw(replacement(column, old, _header_kind(headers[j]), native))
    )
    if suffix == ".xlsx" and isinstance(new, str):
        assume(not _ILLEGAL_XLSX.search(new))  # such a string cannot be in a workbook
    grid[i][j] = None if new == "" and native else new
    return grid, Damage(kind, column=headers[j], row=i - 1, value=new)


# --------------------------------------------------------------------------- the oracle

_MARKS = {"x", "✓", "✔", "√", "☑"}
_YES_WORDS = {"dat", "d", "true", "co", "yes", "met"}
_NO_WORDS = {"chua dat", "khong dat", "false", "khong", "no", "not met"}


def _key(text: str) -> str:
    """Lower case, no diacritics, single spaces: how a flag word is recognised."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def flag_meaning(value: object, *, blank: bool | None) -> bool | None:
    """The documented flag spellings, independently of the loader: True, False or None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return True if value == 1 else False if value == 0 else None
    text = " ".join(unicodedata.normalize("NFC", str(value)).split())
    if not text:
        return blank
    if text.lower() in _MARKS:
        return True
    if re.fullmatch(r"[01](?:[.,]0+)?", text):
        return text[0] == "1"
    if all(word.isalpha() for word in text.split(" ")):  # words of letters, single spaces
        key = _key(text)
        return True if key in _YES_WORDS else False if key in _NO_WORDS else None
    return None


def _header_kind(header: str) -> str:
    return {
        "Mã xã": "code", "commune_code": "code", "Tên xã": "name", "commune_name": "name",
        "Năm": "year", "year": "year", "Xã ĐBKK": "difficult", "difficult": "difficult",
        "met": "met", "criterion": "criterion", "Dữ liệu mô phỏng": "synthetic",
        "synthetic": "synthetic", "Mã huyện": "district", "district_code": "district",
        "Huyện": "district", "district_name": "district", "Số tiêu chí đạt": "count",
    }.get(header, "criterion_column" if re.fullmatch(r"TC\d+", header) else "other")  # fmt: skip


def _equal_except_difficult(got: Panel, expected: Panel) -> bool:
    same = got.communes.drop(columns="difficult").equals(
        expected.communes.drop(columns="difficult")
    )
    return same and got.status.equals(expected.status)


def _is_part_of(got: Panel, expected: Panel) -> bool:
    """Every value of ``got`` is in ``expected``, unchanged (``got`` may have fewer rows)."""
    keys = ["commune_code", "year", "criterion"]
    status = got.status.merge(expected.status, on=keys, how="left", suffixes=("", "_0"))
    communes = got.communes.merge(expected.communes, on="commune_code", how="left")
    same_communes = all(
        (communes[f"{c}_x"] == communes[f"{c}_y"]).all()
        for c in ("commune_name", "district_code", "district_name", "difficult")
    )
    return bool((status["met"] == status["met_0"]).all()) and same_communes


def _value(damage: Damage) -> object:
    return "" if damage.value is None else damage.value


def _explained(got: Panel, expected: Panel, damage: Damage, layout: str) -> str | None:
    """Why a loaded panel may differ from the original: a change no loader could detect.

    Returns the reason, or None when the difference is unexplained (a silent change).
    """
    kind = _header_kind(damage.column or "")
    if damage.kind == "truncate" and _is_part_of(got, expected):
        # a file cut where a row could end is a shorter valid file: values lost, none changed
        return "the end of the file is missing; what is left is unchanged"
    if damage.kind == "header" and _equal_except_difficult(got, expected):
        # an unrecognised header is an ignored extra column: an optional column may vanish
        return "an optional column's header no longer recognised"
    if damage.kind in ("flip", "clear") and kind == "difficult" and layout == "wide":
        # one row per commune-year: the latest year's flag is the commune's, nothing to compare
        meaning = flag_meaning(_value(damage), blank=False)
        if meaning is not None and _equal_except_difficult(got, expected):
            return "a difficult flag changed to a legitimate spelling"
    if damage.kind in ("flip", "clear") and kind == "met" and layout == "long":
        meaning = flag_meaning(_value(damage), blank=None)
        if meaning is not None and got.communes.equals(expected.communes):
            diff = got.status["met"] != expected.status["met"]
            if diff.sum() == 1:
                return "a criterion result changed to a legitimate spelling"
    return None


def check_damaged(path: Path, expected: Panel, damage: Damage, layout: str) -> None:
    note(f"damage: {damage}")
    try:
        got = load_unchanged(path)
    except DataError as error:
        assert error.problems, "a DataError must list its problems"
        return
    try:
        assert_same(got, expected)
    except AssertionError:
        reason = _explained(got, expected, damage, layout)
        assert reason is not None, f"silently changed value after {damage}"
        note(f"explained: {reason}")


@settings(max_examples=120 * SCALE, **SETTINGS)
@given(
    case=panels(min_communes=2, min_years=2),
    suffix=st.sampled_from(FORMATS),
    layout=st.sampled_from(LAYOUTS),
    data=st.data(),
)
def test_damaged_files_fail_cleanly_or_mean_the_same(case, suffix, layout, data):
    with tempfile.TemporaryDirectory() as folder:
        path = write_panel(case.written, Path(folder) / f"panel{suffix}", layout)
        if data.draw(st.booleans(), label="damage the bytes"):
            raw = path.read_bytes()
            # a fraction of the length: an XLSX file's length varies with its timestamps
            at = data.draw(st.integers(0, 1 << 16), label="offset") * len(raw) >> 16
            if data.draw(st.booleans(), label="truncate"):
                path.write_bytes(raw[:at])
                damage = Damage("truncate", row=at)
            else:
                junk = data.draw(st.binary(min_size=1, max_size=8), label="junk")
                path.write_bytes(raw[:at] + junk + raw[at:])
                in_header = suffix == ".csv" and at <= raw.find(b"\n")
                damage = Damage("header", column="(header)") if in_header else Damage("insert")
        else:
            grid, damage = data.draw(damage_grid(read_grid(path), suffix), label="damage")
            write_grid(grid, path)
        check_damaged(path, case.expected, damage, layout)


# --------------------------------------------------------------------------- single cells

_spec = importlib.util.spec_from_file_location("make_test_files", TEST_DATA / "make_test_files.py")
make = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make)
SMALL = make.expected_panel()  # 3 communes, 2015–2016
CELL_TEXT = st.one_of(
    st.sampled_from([v for v in FLAG_TYPED if isinstance(v, str)]),
    st.from_regex(r"\A ?[-+]?[01x✓Xđ]?[.,]?[0-9]? ?\Z"),
    st.text(max_size=6),
)


def year_meaning(text: str) -> int | None:
    """The documented year spellings: 2016, "2016.0", "Năm 2016" (any case)."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    match = re.fullmatch(r"(?:năm |nam |year )?([0-9]{4})(?:[.,]0+)?", text, re.IGNORECASE)
    return int(match.group(1)) if match else None


def _load_outcome(table: pd.DataFrame, folder: str) -> Panel | DataError:
    path = Path(folder) / "cell.csv"
    table.to_csv(path, index=False)
    try:
        return load_unchanged(path)
    except DataError as error:
        return error


@settings(max_examples=120 * SCALE, **SETTINGS)
@given(value=CELL_TEXT, row=st.integers(0, 5), column=st.integers(1, 19))
def test_any_text_in_a_flag_cell_is_read_as_documented(value, row, column):
    """Loads exactly when the text spells a flag, and then with that flag's meaning."""
    table = make.wide().drop(columns=["Số tiêu chí đạt"]).astype(object)
    table.loc[row, f"TC{column}"] = value
    with tempfile.TemporaryDirectory() as folder:
        got = _load_outcome(table, folder)
    meaning = flag_meaning(value, blank=None)
    if meaning is None:
        assert isinstance(got, DataError), f"{value!r} is no flag but loaded"
        return
    assert isinstance(got, Panel), f"{value!r} is a flag but: {got}"
    key = (table.loc[row, "Mã xã"], table.loc[row, "Năm"], column)
    status = got.status.set_index(["commune_code", "year", "criterion"])["met"]
    assert status[key] == meaning
    assert status.drop(key).equals(
        SMALL.status.set_index(list(status.index.names))["met"].drop(key)
    )


@settings(max_examples=80 * SCALE, **SETTINGS)
@given(value=st.one_of(st.sampled_from(TYPED["year"][:9]), CELL_TEXT), row=st.integers(0, 5))
def test_any_text_in_a_year_cell_is_read_as_documented(value, row):
    """Other communes have both years, so only a spelling of the same year can load."""
    table = make.wide().astype(object)
    same = year_meaning(value) == table.loc[row, "Năm"]
    table.loc[row, "Năm"] = value
    with tempfile.TemporaryDirectory() as folder:
        got = _load_outcome(table, folder)
    assert isinstance(got, Panel) == same, f"{value!r}: {got}"
    if same:
        assert_same(got, SMALL)


@settings(max_examples=80 * SCALE, **SETTINGS)
@given(value=CELL_TEXT, row=st.integers(0, 3 * 2 * 19 - 1))
def test_one_row_of_a_long_file_cannot_change_a_commune_flag(value, row):
    """The 19 rows of a commune-year must agree on its especially-difficult flag."""
    table = make.long().astype(object)
    before = table.loc[row, "difficult"]
    table.loc[row, "difficult"] = value
    with tempfile.TemporaryDirectory() as folder:
        got = _load_outcome(table, folder)
    if flag_meaning(value, blank=False) == bool(before):
        assert_same(got, SMALL)
    else:
        assert isinstance(got, DataError), f"{value!r} in row {row + 2} was not reported"


# --------------------------------------------------------------------------- the oracle itself


@pytest.mark.parametrize(
    ("text", "meaning"),
    [("Đạt", True), ("chưa  đạt", False), ("X", True), ("1.0", True), ("0,0", False),
     ("01", None), ("1e0", None), ("Đạt?", None), ("", None), ("Dat", True)],
)  # fmt: skip
def test_flag_oracle(text, meaning):
    assert flag_meaning(text, blank=None) is meaning
