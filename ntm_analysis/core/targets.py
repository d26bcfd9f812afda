"""Plan targets: what the province (or a district) committed to, and by when.

Targets are data (a CSV with its source per row), never constants in code: the province's
figures come from its published plan, and a district target exists only if a user supplies
one. Nothing here derives a district split of the province target — a derived split is not
official and must not be presented as if it were.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_analysis.core.atomic import write_atomic
from ntm_analysis.core.errors import DataError, Problem
from ntm_analysis.i18n.text import fold

TARGET_COLUMNS = [
    "level",
    "unit_code",
    "unit_name",
    "year",
    "indicator",
    "value",
    "official",
    "source",
]
# [geo] optional: the registry list whose xã a target counts ("2017": the 207 xã) and the year
# it was set, so a target survives a boundary change ("77 of 207 xã, set in 2017"; crossing.py)
OPTIONAL_COLUMNS = ["vintage", "set_in"]
LEVELS = {"province", "district"}
INDICATORS = {"n_ntm", "mean_criteria", "n_below_5_change", "n_ntm_change"}


def targets_from_frame(
    table: pd.DataFrame,
    source: str,
    province_name: str | None = None,
    rows: Sequence[int] | None = None,
) -> pd.DataFrame:
    """A targets table already read, checked (columns, levels, indicators) and trimmed.

    ``rows``: the spreadsheet row of each table row (default: below a header in row 1).
    ``io.reference.read_targets`` reads the file (every bad cell placed) and hands it here.
    """
    path = source
    rows = list(rows) if rows is not None else [i + 2 for i in range(len(table))]
    missing = [c for c in TARGET_COLUMNS if c not in table.columns]
    if missing:
        raise DataError.single(
            str(path), "error.targets.missing_columns", missing=", ".join(missing)
        )
    problems = [
        Problem(
            str(path),
            "error.targets.unknown_value",
            {"name": column, "value": repr(value), "allowed": sorted(allowed)},
            row=rows[i],
            column=column,
        )
        for column, allowed in (("indicator", INDICATORS), ("level", LEVELS))
        for i, value in enumerate(table[column])
        if value not in allowed
    ]
    if problems:
        raise DataError(problems)
    table = table[TARGET_COLUMNS + [c for c in OPTIONAL_COLUMNS if c in table.columns]]
    if province_name is not None:
        other = (table["level"] == "province") & (
            table["unit_name"].astype(str).map(fold) != fold(province_name)
        )
        table = table[~other]
    return table.reset_index(drop=True)


def lookup(
    targets: pd.DataFrame, year: int, indicator: str = "n_ntm", unit_code: int | None = None
) -> tuple[float, bool] | None:
    """``(value, official)`` of the target for a district (``unit_code``) or the province
    (None) in ``year``, or None when the file has none."""
    rows = targets[(targets["year"] == year) & (targets["indicator"] == indicator)]
    if unit_code is None:
        rows = rows[rows["level"] == "province"]
    else:
        rows = rows[(rows["level"] == "district") & (rows["unit_code"] == unit_code)]
    if rows.empty:
        return None
    return float(rows["value"].iloc[0]), bool(int(rows["official"].iloc[0]))


def units_of(
    targets: pd.DataFrame, year: int, indicator: str = "n_ntm", unit_code: int | None = None
) -> tuple[str, int] | None:
    """[geo] ``(vintage, set_in)`` of a target, or None when the file does not say."""
    if not set(OPTIONAL_COLUMNS) <= set(targets.columns):
        return None
    rows = targets[(targets["year"] == year) & (targets["indicator"] == indicator)]
    level = "province" if unit_code is None else "district"
    rows = rows[rows["level"] == level]
    if unit_code is not None:
        rows = rows[rows["unit_code"] == unit_code]
    if rows.empty or pd.isna(rows["vintage"].iloc[0]):
        return None
    return str(int(rows["vintage"].iloc[0])), int(rows["set_in"].iloc[0])


def target_value(
    targets: pd.DataFrame, year: int, indicator: str = "n_ntm", unit_code: int | None = None
) -> float | None:
    """The target's value alone (see ``lookup``)."""
    found = lookup(targets, year, indicator, unit_code)
    return None if found is None else found[0]


REGISTRATION_COLUMNS = ["year", "commune_code"]


def load_registrations(path: str | Path) -> dict[int, set[str]]:
    """A registration list: CSV with ``year`` and ``commune_code``, one row per commune the
    province registered to reach the NTM standard in that year (its yearly plan list).

    Returns year → set of commune codes, for ``model.fit`` and ``forecast.simulate``
    (``registered=``).
    """
    try:
        table = pd.read_csv(path, dtype={"commune_code": str})
    except (OSError, ValueError) as exc:
        raise DataError.single(str(path), "error.targets.unreadable", reason=str(exc)) from exc
    missing = [c for c in REGISTRATION_COLUMNS if c not in table.columns]
    if missing:
        raise DataError.single(str(path), "error.targets.missing_columns", missing=missing)
    years = pd.to_numeric(table["year"], errors="coerce")
    problems = [
        Problem(
            str(path),
            "error.targets.unknown_value",
            {"name": "year", "value": repr(value), "allowed": ["a year such as 2017"]},
            row=i + 2,
            column="year",
        )
        for i, (value, number) in enumerate(zip(table["year"], years, strict=True))
        if not (number == number and float(number).is_integer())
    ]
    if problems:
        raise DataError(problems)
    out: dict[int, set[str]] = {}
    for year, code in zip(years.astype(int), table["commune_code"].str.strip(), strict=True):
        out.setdefault(int(year), set()).add(code)
    return out


# --- district targets a planner fills in ---------------------------------------------------
# The province plan has no official split by district; a planner who has one (or wants to
# test one) fills in this template. Its values are the user's targets, never "official".
DISTRICT_TEMPLATE_COLUMNS = ["district", "year", "target", "n_communes", "n_ntm_now"]
DISTRICT_TEMPLATE = "muc_tieu_huyen.csv"  # the default file name: "district targets"
# header spellings accepted when reading it back (folded: no diacritics, lower case)
_DISTRICT_HEADERS = {
    "district": {"district", "huyen", "ten huyen", "don vi"},
    "year": {"year", "nam"},
    "target": {"target", "muc tieu", "chi tieu"},
}


def district_template(panel: Any, years: Sequence[int]) -> pd.DataFrame:
    """One row per district with communes and per year, ``target`` left blank for the
    planner; ``n_communes`` and ``n_ntm_now`` (at the data's last year) to fill it in with
    the facts at hand. Only ``district``, ``year`` and ``target`` are read back."""
    last = panel.status[panel.status["year"] == panel.last_year]
    met = last.groupby("commune_code")["met"].all()
    communes = panel.communes.assign(ntm=panel.communes["commune_code"].map(met).fillna(False))
    by_district = communes.groupby(["district_code", "district_name"], sort=True).agg(
        n_communes=("commune_code", "size"), n_ntm_now=("ntm", "sum")
    )
    rows = [
        {
            "district": name,
            "year": year,
            "target": None,
            "n_communes": int(row.n_communes),
            "n_ntm_now": int(row.n_ntm_now),
        }
        for year in years
        for (_, name), row in by_district.iterrows()
    ]
    return pd.DataFrame(rows, columns=DISTRICT_TEMPLATE_COLUMNS)


def write_district_template(path: str | Path, panel: Any, years: Sequence[int]) -> Path:
    """Write the template (UTF-8 with BOM, so Excel shows the diacritics); never overwrites a
    file, which may be a planner's filled-in targets."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
    text = district_template(panel, years).to_csv(index=False)
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8-sig"))


def _number(value: object) -> float | None:
    text = str(value).strip().replace(",", ".")
    if text in {"", "nan", "None"}:
        return None
    return float(text)


def read_district_targets(path: str | Path, year: int) -> dict[str, float]:
    """``{district name or code: target}`` for ``year`` from a filled-in template (CSV).

    Blank targets are skipped (no target for that district); rows of other years are
    ignored. Every problem — a missing column, a year or target that is not a number, a
    negative target, a district given twice — is reported at once with its row and column.
    Names are resolved (and checked against the data) by the caller, like
    ``--district-target``.
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise DataError.single(str(path), "error.targets.unreadable", reason=str(exc)) from exc
    columns = {}
    for header in table.columns:
        for name, spellings in _DISTRICT_HEADERS.items():
            if fold(str(header)) in spellings:
                columns.setdefault(name, header)
    missing = [name for name in _DISTRICT_HEADERS if name not in columns]
    if missing:
        raise DataError.single(
            str(path), "error.targets.missing_columns", missing=", ".join(missing)
        )
    problems: list[Problem] = []
    targets: dict[str, float] = {}
    seen: dict[str, int] = {}
    for i, row in enumerate(table.itertuples(index=False), start=2):  # row 1: the header
        values = dict(zip(table.columns, row, strict=True))
        district = str(values[columns["district"]]).strip()
        raw_year, raw_target = values[columns["year"]], values[columns["target"]]

        def problem(key: str, column: str, **params: object) -> None:
            problems.append(
                Problem(str(path), key, params, row=i, column=columns[column])  # noqa: B023
            )

        try:
            row_year = int(str(raw_year).strip())
        except ValueError:
            problem("error.district_targets.year", "year", value=repr(raw_year))
            continue
        if row_year != year:
            continue
        try:
            target = _number(raw_target)
        except ValueError:
            problem("error.district_targets.target", "target", value=repr(raw_target))
            continue
        if target is None:
            continue
        if target < 0:
            problem("error.district_targets.target", "target", value=repr(raw_target))
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
            seen[fold(district)] = i
            targets[district] = target
    if problems:
        raise DataError(problems)
    return targets
