"""What one spreadsheet cell says: a flag, a number, a year, a code, a criterion.

Offices type the same fact many ways ("Đạt", 1, 1.0, "1,0", "x", TRUE), so every spelling
is decided here, in one place, and nothing else in the loader looks at raw cell values.
The parsers are strict where a spelling is more likely a typo than meant ("01", "1e0",
"１") and return None (or ``BAD``) for the caller to report with the cell's location.
``map_values`` parses each *distinct* value once: a column repeats a handful of spellings,
so a 20,000-row sheet costs a few hundred parser calls, not 400,000.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import DTypeLike

from ntm_analysis.core.criteria import CRITERIA_NUMBERS, N_CRITERIA
from ntm_analysis.core.errors import Msg
from ntm_analysis.i18n import spellings
from ntm_analysis.i18n.text import fold, nfc

CODE_WIDTH = 5  # GSO commune codes have 5 digits; Excel drops the leading zeros

# "TC1", "TC 1", "TC01", "Tiêu chí 1", "Tiêu chí số 1", "C1", "criterion_1", "TC1 Quy hoạch"
CRITERION_HEADER = re.compile(
    r"^(?:tc|tieu chi(?: so)?|criterion|criteria|c) ?0*(\d{1,3})(?: .*)?$"
)


# a header may be a criterion's name in either language ("Thu nhập", "Income")
_CRITERION_NAMES: dict[str, int] = {
    fold(name): number for number in CRITERIA_NUMBERS for name in spellings(f"criterion.{number}")
}


# [0-9], not \d: \d also matches "１" and other scripts' digits, which no office types
_YEAR_TEXT = re.compile(r"^(?:năm|nam|year)? ?([0-9]{4})(?:[.,]0+)?$", re.IGNORECASE)
_NUMBER = re.compile(r"^-?[0-9]+(?:[.,][0-9]+)?$")  # "12", "012", "1.0", "0,5"; not "1e0"
_FLAG_NUMBER = re.compile(r"^([01])(?:[.,]0+)?$")  # "1", "1.0", "0,00"; "01" is a typo
_CODE_FLOAT_TEXT = re.compile(r"^([0-9]+)\.0+$")  # "6112.0": a code that passed through a float
_DIGITS = re.compile(r"^[0-9]+$")

# a criterion cell: met, not met, an x-mark (met; makes blanks mean "not met"), blank, bad
MET, NOT_MET, MARK, EMPTY, BAD = 1, 0, 2, -1, -2
_MARKS = frozenset({"x", "✓", "✔", "√", "☑"})
_YES = frozenset({"dat", "d", "true", "co", "yes", "met"})
_NO = frozenset({"chua dat", "khong dat", "false", "khong", "no", "not met"})
FLAG_EXPECTED = Msg("error.load.expect.flag")  # Đạt or Chưa đạt, 1 or 0, x or blank, …
EXPECT_CODE = Msg("error.load.expect.commune_code")
EXPECT_NAME = Msg("error.load.expect.commune_name")


@dataclass(frozen=True)
class _BoolKey:
    """A boolean cell as a key that does not compare equal to the number 1 or 0."""

    value: bool


_BOOL_TYPES = np.array([bool, np.bool_], dtype=object)  # compared elementwise with cell types
# what pandas infers for cells (blanks aside) that are all numbers, none of them a boolean,
# so no TRUE can meet a 1: its one C pass is quicker than looking at each cell's type
_WITHOUT_BOOLS = frozenset({"integer", "floating", "mixed-integer-float"})


def map_values(
    values: np.ndarray, parse: Callable[[object], object], dtype: DTypeLike = object
) -> np.ndarray:
    """``parse`` applied to each distinct value once, spread back over all cells, as an
    array of ``dtype`` (bool or a small int for a flag: no conversion of every cell after;
    ``parse``'s results are cast to it as stored, so None becomes False in a bool array).

    pandas hashes TRUE like 1 and FALSE like 0, so in a column mixing Excel booleans with the
    numbers 1 and 0 one would be parsed as the other (TRUE read as commune code 1): booleans
    get keys of their own whenever such a mix is possible.
    """
    values = np.asarray(values, dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if (
        pd.api.types.infer_dtype(uniques) != "string"
        and any(_is_number(u) and u in (0, 1) for u in uniques)
        and pd.api.types.infer_dtype(values, skipna=True) not in _WITHOUT_BOOLS
    ):
        kinds = np.frompyfunc(type, 1, 1)(values)  # one C loop: a sheet has 10⁵–10⁶ cells
        is_bool = (kinds == _BOOL_TYPES[:1]) | (kinds == _BOOL_TYPES[1:])
        if is_bool.any():
            keys = values.copy()
            keys[is_bool] = [_BoolKey(bool(v)) for v in values[is_bool]]
            codes, uniques = pd.factorize(keys, use_na_sentinel=False)
            uniques = [u.value if isinstance(u, _BoolKey) else u for u in uniques]
    parsed = np.empty(len(uniques), dtype=dtype)
    for i, value in enumerate(uniques):
        parsed[i] = parse(value)
    return parsed[codes]


def _is_number(value: object) -> bool:
    """A numeric cell (Excel, Parquet) rather than text; booleans count as numbers here."""
    return isinstance(value, numbers.Number | np.bool_) and not isinstance(value, str)


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    return value is pd.NA or value is pd.NaT


def cell_text(value: object) -> str:
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


def _is_words(text: str) -> bool:
    """Words of letters only, single spaces: "Chưa đạt" yes; "Đạt?" no (ambiguous); "D²" or
    "Dⅱ" no (a regex's \\w takes such digits, which folding would then drop, reading a typo as
    "D" = met)."""
    words = text.split(" ")
    return all(word and word.isalpha() for word in words)


def parse_flag(value: object) -> int:
    """A criterion result in any of the spellings offices use, as a MET/NOT_MET/… code."""
    if is_blank(value):
        return EMPTY
    if isinstance(value, bool | np.bool_):
        return MET if value else NOT_MET
    if isinstance(value, numbers.Real):
        number: float | None = float(value)
    else:
        text = nfc(str(value))
        if text.lower() in _MARKS:
            return MARK
        flag = _FLAG_NUMBER.match(text)
        if flag:
            return MET if flag.group(1) == "1" else NOT_MET
        key = fold(text) if _is_words(text) else ""
        return MET if key in _YES else NOT_MET if key in _NO else BAD
    return MET if number == 1 else NOT_MET if number == 0 else BAD


def parse_int(value: object) -> int | None:
    """A whole number written as 12, 12.0, "12" or "12.0"; None otherwise."""
    if is_blank(value) or isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    number = float(value) if isinstance(value, numbers.Real) else _as_number(nfc(str(value)))
    return int(number) if number is not None and float(number).is_integer() else None


def parse_number(value: object) -> float | None:
    """A number written as 9.4, "9.4" or "9,4" (strict as ``parse_int``); None otherwise."""
    if is_blank(value) or isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, numbers.Real):
        return float(value)
    return _as_number(nfc(str(value)))


def parse_year(value: object) -> int | None:
    """2016, 2016.0, "2016" or "Năm 2016"."""
    if isinstance(value, str):
        match = _YEAR_TEXT.match(nfc(value))
        return int(match.group(1)) if match else None
    return parse_int(value)


def parse_criterion(value: object) -> int | None:
    """A criterion in the long layout: 7, "7", "TC7", "Tiêu chí 7" or its name."""
    number = parse_int(value)
    if number is not None or not isinstance(value, str):
        return number
    key = fold(value)
    match = CRITERION_HEADER.match(key)
    return int(match.group(1)) if match else _CRITERION_NAMES.get(key)


def parse_code(value: object) -> str | None:
    """A commune code as text; a number Excel stored as 6112.0 becomes "6112".

    A code stored as a number must be a whole number: 6112.5 or -6112 is no code.
    """
    if is_blank(value) or isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, numbers.Real):
        number = parse_int(value)
        return str(number) if number is not None and number >= 0 else None
    text = cell_text(value)
    match = _CODE_FLOAT_TEXT.match(text)
    return match.group(1) if match else text


def parse_text(value: object) -> str | None:
    return None if is_blank(value) else cell_text(value)


def parse_count(value: object) -> int | None:
    number = parse_int(value)
    return number if number is not None and 0 <= number <= N_CRITERIA else None


def pad_codes(codes: np.ndarray) -> np.ndarray:
    """Left-pad all-digit codes to 5 digits, but only if every code is digits.

    Excel turns "06112" into 6112; GSO codes are 5 digits, so padding restores them. A file
    with any non-digit code (e.g. placeholders "X18001") uses its own scheme: leave it alone.
    """
    present = [c for c in codes if c is not None]
    if not present or not all(_DIGITS.match(c) for c in present):
        return codes
    return np.array([c if c is None else c.zfill(CODE_WIDTH) for c in codes], dtype=object)
