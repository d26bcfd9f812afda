"""io.cells: what one cell says, decided once per distinct value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ntm_analysis.io.cells import (
    BAD,
    EMPTY,
    MARK,
    MET,
    NOT_MET,
    cell_text,
    is_blank,
    map_values,
    pad_codes,
    parse_code,
    parse_count,
    parse_criterion,
    parse_flag,
    parse_int,
    parse_year,
)


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("Đạt", MET),
        ("dat", MET),
        (" Chưa đạt ", NOT_MET),
        ("Không đạt", NOT_MET),
        (1, MET),
        (1.0, MET),
        ("1,0", MET),
        ("0.00", NOT_MET),
        (True, MET),
        (np.bool_(False), NOT_MET),
        ("x", MARK),
        ("✓", MARK),
        (None, EMPTY),
        ("  ", EMPTY),
        (float("nan"), EMPTY),
        ("01", BAD),  # a typo, not 1
        ("Đạt?", BAD),  # ambiguous
        (2, BAD),
        ("１", BAD),  # a full-width digit nobody types on purpose
    ],
)
def test_parse_flag_spellings(cell, code):
    assert parse_flag(cell) == code


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        (12, 12),
        (12.0, 12),
        ("12", 12),
        ("12,0", 12),
        ("1e0", None),
        ("+1", None),
        (1.5, None),
        (True, None),
        (None, None),
    ],
)
def test_parse_int_is_strict(cell, number):
    assert parse_int(cell) == number


@pytest.mark.parametrize(
    ("cell", "year"),
    [
        (2016, 2016),
        (2016.0, 2016),
        ("2016", 2016),
        ("Năm 2016", 2016),
        ("year 2016", 2016),
        ("2016.0", 2016),
        ("16", None),
        ("２０１６", None),
        ("2016a", None),
    ],
)
def test_parse_year(cell, year):
    assert parse_year(cell) == year


@pytest.mark.parametrize(
    ("cell", "criterion"),
    [
        (7, 7),
        ("7", 7),
        ("TC7", 7),
        ("Tiêu chí 7", 7),
        ("tieu chi so 07", 7),
        ("Giao thông", 2),
        ("Transport", 2),
        ("not a criterion", None),
    ],
)
def test_parse_criterion(cell, criterion):
    assert parse_criterion(cell) == criterion


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        (6112, "6112"),
        (6112.0, "6112"),
        ("6112.0", "6112"),
        ("X18001", "X18001"),
        (6112.5, None),
        (-6112, None),
        (True, None),
        ("", None),
    ],
)
def test_parse_code(cell, code):
    assert parse_code(cell) == code


def test_parse_count_range():
    assert [parse_count(v) for v in (0, 19, 20, -1, "7")] == [0, 19, None, None, 7]


def test_pad_codes_only_when_every_code_is_digits():
    assert list(pad_codes(np.array(["6112", None, "06113"], dtype=object))) == [
        "06112",
        None,
        "06113",
    ]
    mixed = np.array(["6112", "X18001"], dtype=object)
    assert list(pad_codes(mixed)) == ["6112", "X18001"]


def test_blank_and_text():
    assert [is_blank(v) for v in (None, "", " ", float("nan"), 0, "0")] == [
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    assert cell_text(6112.0) == "6112"
    assert cell_text(True) == "TRUE"
    assert cell_text("Xa\u0301") == "Xá"  # NFC


def test_map_values_parses_each_distinct_value_once():
    calls = []

    def parse(value):
        calls.append(value)
        return str(value)

    values = np.array(["a", "b", "a", "a", "b"], dtype=object)
    assert list(map_values(values, parse)) == ["a", "b", "a", "a", "b"]
    assert sorted(calls) == ["a", "b"]


def test_map_values_parses_plain_numbers_and_gives_a_dtype_when_asked():
    """Cells that are all numbers skip the boolean scan (pandas infers them in one pass)."""
    numbers = np.array([1, 0, 2.5, None, 0.0], dtype=object)
    parsed = map_values(numbers, lambda v: None if pd.isna(v) else float(v))
    assert parsed.tolist() == [1.0, 0.0, 2.5, None, 0.0]  # (a blank is NaN to the parser)
    # one boolean among the numbers: the scan runs and TRUE is not the number 1
    with_true = np.append(numbers, True)
    kinds = map_values(with_true, lambda v: isinstance(v, bool | np.bool_))
    assert kinds.tolist() == [False, False, False, False, False, True]
    blank = map_values(numbers, is_blank, dtype=bool)
    assert blank.dtype == bool and blank.tolist() == [False, False, False, True, False]


def test_map_values_keeps_booleans_apart_from_one_and_zero():
    """pandas hashes TRUE like 1: TRUE must not be read as the number 1 (or the reverse).

    (numpy's and Python's booleans are one value to the parser.)"""
    values = np.array([1, True, 0, False, np.bool_(True), "x"], dtype=object)
    assert list(map_values(values, lambda v: type(v).__name__)) == [
        "int",
        "bool",
        "int",
        "bool",
        "bool",
        "str",
    ]
