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
            str(path),
            "error.targets.missing_columns",
            missing=", ".join(missing),
            count=len(missing),
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


# --- district targets a planner fills in ---------------------------------------------------
# The province plan has no official split by district; a planner who has one (or wants to
# test one) fills in this template. Its values are the user's targets, never "official".
DISTRICT_TEMPLATE_COLUMNS = ["district", "year", "target", "n_communes", "n_ntm_now"]
DISTRICT_TEMPLATE = "muc_tieu_huyen.csv"  # the default file name: "district targets"


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
