"""Every cell of a panel read into typed records: one row per commune-year, one status per result.

Reading collects a problem for every unreadable cell instead of stopping at the first, so a
planner fixes the whole sheet in one go. The records keep the spreadsheet row of each value,
which is how the checks (``checks``) and the geography checks place their problems.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ntm_analysis.core.communes import Registry
from ntm_analysis.core.criteria import CRITERIA_NUMBERS, N_CRITERIA
from ntm_analysis.core.errors import Msg, Problem
from ntm_analysis.io.cells import (
    EXPECT_CODE,
    EXPECT_NAME,
    map_values,
    pad_codes,
    parse_code,
    parse_count,
    parse_criterion,
    parse_text,
    parse_year,
)
from ntm_analysis.io.columns import Columns
from ntm_analysis.io.districts import resolve_districts
from ntm_analysis.io.table import Table, bad_cells, parse_column, parse_flag_cells

YEAR_MIN, YEAR_MAX = 2000, 2035  # the programme began in 2010: years far outside are typos


@dataclass(frozen=True)
class Records:
    """Parsed rows: ``rows`` one per body row, ``status`` one per criterion result.

    ``rows``: row (spreadsheet number), code, name, district_code, year, difficult,
    synthetic, n_met; unreadable values are None. ``status``: i (position in ``rows``),
    criterion (0 where unreadable), met, readable (False where the result was unreadable).
    """

    rows: pd.DataFrame
    status: pd.DataFrame


def parse_records(
    table: Table, columns: Columns, registry: Registry
) -> tuple[Records, list[Problem]]:
    """Read every cell into typed values, collecting a problem for each unreadable one."""
    problems: list[Problem] = []
    named = columns.named
    codes, found = parse_column(table, named["commune_code"], parse_code, EXPECT_CODE)
    problems += found
    names, found = parse_column(table, named["commune_name"], parse_text, EXPECT_NAME)
    problems += found
    years, found = parse_column(table, named["year"], parse_year, Msg("error.load.expect.year"))
    problems += found
    problems += _years_in_range(table, named["year"], years)
    districts, found = resolve_districts(table, columns, registry)
    problems += found
    rows = pd.DataFrame(
        {
            "row": table.rows,
            "code": pad_codes(codes),
            "name": names,
            "district_code": districts,
            "year": [y if y is not None and YEAR_MIN <= y <= YEAR_MAX else None for y in years],
        }
    )
    for canonical in ("difficult", "synthetic"):
        if canonical in named:
            flags, readable, found = parse_flag_cells(
                table, [named[canonical]], blank_means_no=True
            )
            rows[canonical] = np.where(readable[:, 0], flags[:, 0], None)  # None: reported
            problems += found
        else:
            rows[canonical] = False
    if "n_met" in named:
        rows["n_met"], found = parse_column(
            table, named["n_met"], parse_count, Msg("error.load.expect.count"), blank_ok=True
        )
        problems += found
    if columns.layout == "wide":
        status, found = _wide_status(table, columns)
    else:
        status, found = _long_status(table, columns)
    problems += found
    return Records(rows, status), problems


def _years_in_range(table: Table, j: int, years: np.ndarray) -> list[Problem]:
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


def _wide_status(table: Table, columns: Columns) -> tuple[pd.DataFrame, list[Problem]]:
    """One status row per body row and criterion column."""
    numbers_ = sorted(columns.criteria)
    met, readable, problems = parse_flag_cells(
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


def _long_status(table: Table, columns: Columns) -> tuple[pd.DataFrame, list[Problem]]:
    """One status row per body row, its criterion read from the criterion column."""
    j = columns.named["criterion"]
    values = table.column(j)
    parsed = map_values(values, parse_criterion)
    ok = np.array([c in CRITERIA_NUMBERS for c in parsed], dtype=bool)
    problems = bad_cells(table, j, values, ~ok, Msg("error.load.expect.criterion", n=N_CRITERIA))
    met, readable, found = parse_flag_cells(table, [columns.named["met"]], blank_means_no=None)
    status = pd.DataFrame(
        {
            "i": np.arange(len(table.body)),
            "criterion": np.where(ok, parsed, 0).astype("int64"),  # 0: unreadable
            "met": met[:, 0],
            "readable": readable[:, 0],
        }
    )
    return status, problems + found
