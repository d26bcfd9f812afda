"""Plan targets: what the province (or a district) committed to, and by when.

Targets are data (a CSV with its source per row), never constants in code: the province's
figures come from its published plan, and a district target exists only if a user supplies
one. Nothing here derives a district split of the province target — a derived split is not
official and must not be presented as if it were.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import DataError, Problem
from .paths import default_targets_path
from .text import fold

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
LEVELS = {"province", "district"}
INDICATORS = {"n_ntm", "mean_criteria", "n_below_5_change", "n_ntm_change"}


def plan_targets(province_name: str) -> pd.DataFrame | None:
    """The bundled plan targets for ``province_name``, or None when the file is absent."""
    path = default_targets_path()
    return load_targets(path, province_name) if path.exists() else None


def load_targets(path: str | Path | None = None, province_name: str | None = None) -> pd.DataFrame:
    """Read a targets file (default: the bundled Lạng Sơn plan targets).

    With ``province_name``, province rows naming another province are dropped: the bundled
    Lạng Sơn targets must never be presented as another province's plan.
    """
    path = Path(path) if path is not None else default_targets_path()
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise DataError.single(str(path), "error.targets.unreadable", reason=str(exc)) from exc
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
            row=i + 2,
            column=column,
        )
        for column, allowed in (("indicator", INDICATORS), ("level", LEVELS))
        for i, value in enumerate(table[column])
        if value not in allowed
    ]
    if problems:
        raise DataError(problems)
    table = table[TARGET_COLUMNS]
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


def target_value(
    targets: pd.DataFrame, year: int, indicator: str = "n_ntm", unit_code: int | None = None
) -> float | None:
    """The target's value alone (see ``lookup``)."""
    found = lookup(targets, year, indicator, unit_code)
    return None if found is None else found[0]
