"""The package's own reference files, the units registry and the plan targets, read like panels.

Both are small CSV files a user may replace with their own (another province's districts, a
district's or a province's targets), typed by hand in a spreadsheet like any panel. So they are
decoded by the panel's text reader (any encoding an office uses, damage placed) and every bad
cell is reported at once with its row, column and what was expected, before ``core`` builds its
container from the table (``Registry.from_frame``, ``targets.targets_from_frame``). ``core``
holds the containers and never imports ``io``: the dependency runs one way.

The bundled published figures the synthetic data was calibrated to (``published_figures``)
are read here for the reports' note.

The planner's own lists are read here too, through ``readers.read_list`` (CSV in any
encoding, Excel or Parquet; every bad cell placed by sheet, row and column): the registration
lists (``load_registrations``), a filled-in district-targets template
(``read_district_targets``; ``core.targets`` writes the template) and the province's
assessments of merged communes (``read_assessed``, for ``--merge-rule assessed``).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ntm_analysis.core.communes import Registry
from ntm_analysis.core.criteria import CRITERIA_NUMBERS
from ntm_analysis.core.errors import DataError, Msg, Problem
from ntm_analysis.core.paths import (
    default_published_path,
    default_targets_path,
    default_units_path,
)
from ntm_analysis.core.targets import targets_from_frame
from ntm_analysis.i18n.text import fold
from ntm_analysis.io.cells import (
    CODE_WIDTH,
    EXPECT_CODE,
    FLAG_EXPECTED,
    MET,
    NOT_MET,
    cell_text,
    is_blank,
    parse_code,
    parse_flag,
    parse_int,
    parse_number,
    parse_text,
    parse_year,
)
from ntm_analysis.io.header import header_text
from ntm_analysis.io.readers import check_path, read_list
from ntm_analysis.io.readers.text import read_text, rows_of
from ntm_analysis.io.table import Table, parse_column

Parse = Callable[[object], object]

_WHOLE = Msg("error.io.expect.whole_number")
_NAME = Msg("error.io.expect.name")


def _non_negative(value: object) -> int | None:
    number = parse_int(value)
    return number if number is not None and number >= 0 else None


def _one_or_zero(value: object) -> int | None:
    flag = parse_flag(value)
    return 1 if flag == MET else 0 if flag == NOT_MET else None


REGISTRY_CELLS: Mapping[str, tuple[Parse, Msg]] = {
    "province_name": (parse_text, _NAME),
    "district_code": (_non_negative, _WHOLE),
    "district_name": (parse_text, _NAME),
    "district_type": (parse_text, _NAME),
    "short": (parse_text, _NAME),
    "n_communes": (_non_negative, _WHOLE),
}
TARGET_CELLS: Mapping[str, tuple[Parse, Msg]] = {
    "unit_code": (_non_negative, _WHOLE),
    "unit_name": (parse_text, _NAME),
    "year": (parse_year, Msg("error.load.expect.year")),
    "value": (parse_number, Msg("error.io.expect.number")),
    "official": (_one_or_zero, Msg("error.io.expect.one_or_zero")),
}


def read_registry(path: str | Path | None = None) -> Registry:
    """The units file (``None``: the bundled Lạng Sơn 2017 one), every bad cell placed."""
    path = Path(path) if path is not None else default_units_path()
    frame, table, problems = _read_checked(path, REGISTRY_CELLS, "error.units.unreadable")
    # a missing column is reported by the registry itself (from_frame), with the columns it expects
    complete = {"province_name", "district_code"} <= set(frame.columns)
    if table is not None and not problems and complete:
        problems = _one_province(table, frame) + _codes_once(table, frame)
    if problems:
        raise DataError(problems)
    return Registry.from_frame(frame, str(path))


def plan_targets(province_name: str) -> pd.DataFrame | None:
    """The bundled plan targets for ``province_name``, or None when the file is absent."""
    path = default_targets_path()
    return read_targets(path, province_name) if path.exists() else None


def published_figures() -> pd.DataFrame | None:
    """The bundled published figures the synthetic data was made to match (level, unit_code,
    unit_name, year, indicator, value, source, note), or None when the file is absent or
    unreadable: a report then simply does not cite them."""
    path = default_published_path()
    if not path.exists():
        return None
    try:
        text, sep = read_text(path)
        return pd.read_csv(io.StringIO(text), sep=sep)
    except (OSError, ValueError):  # DataError is a ValueError
        return None


def read_targets(path: str | Path | None = None, province_name: str | None = None) -> pd.DataFrame:
    """A targets file (default: the bundled Lạng Sơn plan targets), every bad cell placed.

    With ``province_name``, province rows naming another province are dropped: the bundled
    Lạng Sơn targets must never be presented as another province's plan.
    """
    path = Path(path) if path is not None else default_targets_path()
    frame, table, problems = _read_checked(path, TARGET_CELLS, "error.targets.unreadable")
    if problems:
        raise DataError(problems)
    rows = table.rows if table is not None else None
    return targets_from_frame(frame, str(path), province_name, rows=rows)


def _read_checked(
    path: Path, cells: Mapping[str, tuple[Parse, Msg]], unreadable: str
) -> tuple[pd.DataFrame, Table | None, list[Problem]]:
    """The file as pandas reads it, its table (None when it has no rows) and its bad cells;
    a file that cannot be read at all raises ``unreadable`` (the file's kind) with the reason.

    pandas infers the column types as it always did (blank rows left out, as a panel's); a
    column pandas could not read as numbers but the cell parser can ("13,8" with a decimal
    comma) is given the parsed values.
    """
    try:
        check_path(path)
        text, sep = read_text(path)
        grid = rows_of(text, path)
    except DataError as exc:  # "cannot read the units file: file not found", as before
        (problem,) = exc.problems
        reason = Msg(problem.key, **dict(problem.params))
        raise DataError.single(str(path), unreadable, reason=reason) from exc
    frame = pd.read_csv(io.StringIO(text), sep=sep)  # empty lines skipped, as by csv below
    headers = tuple(header_text(v) for v in grid[0])
    width = max(len(row) for row in grid)
    numbered = [(n, row) for n, row in enumerate(grid[1:], start=2) if row]  # pandas' rows
    body = [list(row) + [None] * (width - len(row)) for _, row in numbered]
    keep = np.array([not all(is_blank(v) for v in row) for row in body], dtype=bool)
    if not keep.all():  # rows of empty cells (",,,"): read by pandas as NaN, left out here
        frame = _as_if_absent(frame.loc[keep].reset_index(drop=True))
    if not keep.any():
        return frame, None, []
    table = Table(
        str(path),
        None,
        1,
        headers + ("",) * (width - len(headers)),
        pd.DataFrame(body, dtype=object).loc[keep].reset_index(drop=True),
        np.array([n for n, _ in numbered])[keep],
    )
    problems: list[Problem] = []
    for column, (parse, expected) in cells.items():
        if column not in headers:
            continue  # a missing column is reported by core, with the columns it expects
        parsed, found = parse_column(table, headers.index(column), parse, expected)
        problems += found
        numbers_only = all(isinstance(v, int | float) for v in parsed)
        if not found and numbers_only and not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = pd.Series(list(parsed), index=frame.index)
    return frame, table, problems


def _as_if_absent(frame: pd.DataFrame) -> pd.DataFrame:
    """Whole numbers back to int where only the left-out empty rows made pandas read floats."""
    for column in frame.columns:
        values = frame[column]
        if values.dtype.kind == "f" and values.notna().all() and (values % 1 == 0).all():
            frame[column] = values.astype("int64")
    return frame


def _one_province(table: Table, frame: pd.DataFrame) -> list[Problem]:
    """A units file is one province's: the first row naming another is placed."""
    names = frame["province_name"].astype(str)
    other = np.flatnonzero(names.to_numpy() != names.iloc[0])
    if not len(other):
        return []
    i = int(other[0])
    return [
        table.problem(
            "error.units.other_province",
            row=int(table.rows[i]),
            column="province_name",
            found=names.iloc[i],
            first=names.iloc[0],
            first_row=int(table.rows[0]),
        )
    ]


def _codes_once(table: Table, frame: pd.DataFrame) -> list[Problem]:
    """Each district code once: every repeat is placed, with the row it repeats."""
    codes = frame["district_code"].tolist()
    first: dict[object, int] = {}
    problems = []
    for i, code in enumerate(codes):
        if code in first:
            problems.append(
                table.problem(
                    "error.units.repeated_code",
                    row=int(table.rows[i]),
                    column="district_code",
                    code=code,
                    first=int(table.rows[first[code]]),
                )
            )
        else:
            first[code] = i
    return problems


# --------------------------------------------------------------------------- plan lists

REGISTRATION_COLUMNS = ["year", "commune_code"]
ASSESSED_COLUMNS = ["commune_code", "year", *(f"TC{c}" for c in CRITERIA_NUMBERS)]
_YEAR = Msg("error.load.expect.year")


def _columns(table: Table, wanted: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    """Positions of the ``wanted`` columns (headers compared folded), and those missing."""
    found: dict[str, int] = {}
    for j, header in enumerate(table.headers):
        for name in wanted:
            if fold(header) == fold(name):
                found.setdefault(name, j)
    return found, [name for name in wanted if name not in found]


def load_registrations(path: str | Path) -> dict[int, set[str]]:
    """A registration list: ``year`` and ``commune_code`` columns, one row per commune the
    province registered to reach the NTM standard in that year (its yearly plan list); CSV
    in any encoding an office uses, Excel or Parquet (``read_list``).

    Returns year → set of commune codes, for ``model.fit`` and ``forecast.simulate``
    (``registered=``). Every unreadable cell is reported at once with its row and column.
    """
    table = read_list(Path(path))
    at, missing = _columns(table, REGISTRATION_COLUMNS)
    if missing:
        raise DataError(
            [table.problem("error.targets.missing_columns", missing=missing, count=len(missing))]
        )
    years, problems = parse_column(table, at["year"], parse_year, _YEAR)
    codes, found = parse_column(table, at["commune_code"], parse_code, EXPECT_CODE)
    if problems + found:
        raise DataError(problems + found)
    out: dict[int, set[str]] = {}
    for year, code in zip(years, codes, strict=True):
        out.setdefault(int(year), set()).add(str(code).strip())
    return out


def read_assessed(path: str | Path) -> pd.DataFrame:
    """The province's own assessments of merged units (``--merge-rule assessed``): columns
    commune_code, year, TC1…TC19 as 1/0, any format ``read_list`` reads.

    Returns a frame indexed by (commune_code, year) with boolean columns 1–19 for
    ``geography.harmonise``, which never reads files itself. Every unreadable cell is
    reported at once with its row and column.
    """
    table = read_list(Path(path))
    at, missing = _columns(table, ASSESSED_COLUMNS)
    if missing:
        reason = Msg(
            "error.targets.missing_columns", missing=", ".join(missing), count=len(missing)
        )
        name = Path(path).name
        raise DataError([table.problem("error.geo.assessed_unreadable", file=name, reason=reason)])
    codes, problems = parse_column(table, at["commune_code"], parse_code, EXPECT_CODE)
    years, found = parse_column(table, at["year"], parse_year, _YEAR)
    problems += found
    met = {}
    for c in CRITERIA_NUMBERS:
        flags, found = parse_column(table, at[f"TC{c}"], _one_or_zero, FLAG_EXPECTED)
        met[c], problems = flags, problems + found
    if problems:
        raise DataError(problems)
    index = pd.MultiIndex.from_arrays(
        [[str(code).zfill(CODE_WIDTH) for code in codes], [int(y) for y in years]],
        names=["commune_code", "year"],
    )
    return pd.DataFrame({c: np.asarray(v, dtype=int).astype(bool) for c, v in met.items()}, index)


# header spellings accepted when reading it back (folded: no diacritics, lower case)
_DISTRICT_HEADERS = {
    "district": {"district", "huyen", "ten huyen", "don vi"},
    "year": {"year", "nam"},
    "target": {"target", "muc tieu", "chi tieu"},
}


def read_district_targets(path: str | Path, year: int) -> dict[str, float]:
    """``{district name or code: target}`` for ``year`` from a filled-in template: the CSV
    ``ntm targets --template`` writes, saved again in any encoding, or as Excel or Parquet.

    Blank targets are skipped (no target for that district); rows of other years are
    ignored. Every problem — a missing column, a year or target that is not a number, a
    negative target, a district given twice — is reported at once with its sheet, row and
    column. Names are resolved (and checked against the data) by the caller, like
    ``--district-target``.
    """
    table = read_list(Path(path))
    columns: dict[str, int] = {}
    for j, header in enumerate(table.headers):
        for name, spellings in _DISTRICT_HEADERS.items():
            if fold(header) in spellings:
                columns.setdefault(name, j)
    missing = [name for name in _DISTRICT_HEADERS if name not in columns]
    if missing:
        missing_text = ", ".join(missing)
        raise DataError(
            [
                table.problem(
                    "error.targets.missing_columns", missing=missing_text, count=len(missing)
                )
            ]
        )
    problems: list[Problem] = []
    targets: dict[str, float] = {}
    seen: dict[str, int] = {}
    cells = zip(
        table.rows,
        table.column(columns["district"]),
        table.column(columns["year"]),
        table.column(columns["target"]),
        strict=True,
    )
    for row, raw_district, raw_year, raw_target in cells:
        row = int(row)

        def problem(key: str, column: str, **params: object) -> None:
            header = table.headers[columns[column]]
            problems.append(table.problem(key, row=row, column=header, **params))  # noqa: B023

        row_year = parse_year(raw_year)
        if row_year is None:
            problem("error.district_targets.year", "year", value=repr(cell_text(raw_year)))
            continue
        if row_year != year:
            continue
        if is_blank(raw_target):
            continue
        target = parse_number(raw_target)
        district = "" if is_blank(raw_district) else cell_text(raw_district).strip()
        if target is None or target < 0:
            problem("error.district_targets.target", "target", value=repr(cell_text(raw_target)))
        elif not district:
            problem("error.district_targets.no_district", "district")
        elif fold(district) in seen:
            problem(
                "error.district_targets.repeated",
                "district",
                name=district,
                year=year,
                first=seen[fold(district)],
            )
        else:
            seen[fold(district)] = row
            targets[district] = target
    if problems:
        raise DataError(problems)
    return targets
