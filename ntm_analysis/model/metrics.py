"""Where communes, districts and the province stand: pure functions, panel in, DataFrame out.

Every figure here is a count or mean over the long table, for any subset of the panel (pass
``panel.subset(...)``) and any years. The thresholds are the programme's own: a commune
"meets the standard" with all 19 criteria; below 5 criteria is the national floor the
2016–2020 programme aimed to eliminate; 15–18 is "close to the standard", where provinces
concentrate effort and where the last missing criteria decide next year's count.
"""

from __future__ import annotations

import pandas as pd

from ntm_analysis.core.criteria import CRITERIA_NUMBERS, N_CRITERIA
from ntm_analysis.core.panel import Panel

BELOW = 5  # "communes below 5 criteria"
CLOSE_LOW, CLOSE_HIGH = 15, 18  # "close to the standard"

SUMMARY_COLUMNS = [
    "unit",
    "unit_code",
    "year",
    "n_communes",
    "n_ntm",
    "share_ntm",
    "mean_criteria",
    "n_below_5",
    "n_close",
]
_CHANGED = ["n_ntm", "share_ntm", "mean_criteria", "n_below_5", "n_close"]


def criteria_met(panel: Panel) -> pd.DataFrame:
    """Per commune-year: ``n_met`` (0–19) and ``ntm`` (all 19 met), with district columns."""
    counts = (
        panel.status.groupby(["commune_code", "year"], sort=True)["met"]
        .sum()
        .astype("int64")
        .rename("n_met")
        .reset_index()
    )
    counts["ntm"] = counts["n_met"] == N_CRITERIA
    return panel.with_district_info(counts)


def missing_criteria(panel: Panel, year: int | None = None) -> pd.DataFrame:
    """Per commune in ``year`` (default: the last): criteria met and the list still missing."""
    year = panel.last_year if year is None else year
    rows = panel.status[(panel.status["year"] == year) & ~panel.status["met"]]
    missing = rows.groupby("commune_code")["criterion"].agg(list).rename("missing")
    table = criteria_met(panel)
    table = table[table["year"] == year].set_index("commune_code")
    table["missing"] = missing.reindex(table.index)
    table["missing"] = table["missing"].map(lambda m: m if isinstance(m, list) else [])
    return table.reset_index().sort_values(["n_met", "commune_code"], ascending=[False, True])


def _aggregate(per_commune: pd.DataFrame) -> pd.DataFrame:
    grouped = per_commune.groupby(["unit_code", "unit", "year"], sort=True)
    table = grouped.agg(
        n_communes=("commune_code", "nunique"),
        n_ntm=("ntm", "sum"),
        mean_criteria=("n_met", "mean"),
        n_below_5=("n_met", lambda s: int((s < BELOW).sum())),
        n_close=("n_met", lambda s: int(s.between(CLOSE_LOW, CLOSE_HIGH).sum())),
    ).reset_index()
    table["n_ntm"] = table["n_ntm"].astype("int64")
    table["share_ntm"] = table["n_ntm"] / table["n_communes"]
    return table[SUMMARY_COLUMNS]


def unit_summary(
    panel: Panel, by: str = "province", years: list[int] | None = None
) -> pd.DataFrame:
    """Per unit and year: communes, NTM communes and share, mean criteria, <5 and 15–18 counts.

    ``by`` is "province" (one unit, the whole panel) or "district". Columns ``d_<figure>``
    give the change on the previous year in the panel, the first year having none.
    """
    per_commune = criteria_met(panel)
    if by == "province":
        per_commune["unit"] = panel.province_name or "province"
        per_commune["unit_code"] = 0
    elif by == "district":
        per_commune["unit"] = per_commune["district_name"]
        per_commune["unit_code"] = per_commune["district_code"]
    else:
        raise ValueError(f"by must be 'province' or 'district', got {by!r}")
    table = _aggregate(per_commune)
    for col in _CHANGED:
        table[f"d_{col}"] = table.groupby("unit_code")[col].diff()
    if years is not None:
        table = table[table["year"].isin(years)]
    return table.reset_index(drop=True)


def criterion_attainment(panel: Panel, by: str = "province") -> pd.DataFrame:
    """Share of communes meeting each criterion, per unit and year (long: one row each)."""
    if by not in ("province", "district"):
        raise ValueError(f"by must be 'province' or 'district', got {by!r}")
    status = panel.with_district_info(panel.status)
    keys = ["year", "criterion"] if by == "province" else ["district_name", "year", "criterion"]
    table = status.groupby(keys, sort=True)["met"].mean().rename("share_met").reset_index()
    return table


def bottlenecks(panel: Panel, year: int | None = None) -> pd.DataFrame:
    """Which criteria most often hold back communes at 15–18 criteria in ``year``.

    Returns one row per criterion: ``n_missing`` (close communes missing it), ``share`` of the
    close communes, sorted most-blocking first; empty counts where no commune is close.
    """
    table = missing_criteria(panel, year)
    close = table[table["n_met"].between(CLOSE_LOW, CLOSE_HIGH)]
    counts = pd.Series(0, index=list(CRITERIA_NUMBERS), dtype="int64")
    for missing in close["missing"]:
        counts.loc[missing] += 1
    result = counts.rename("n_missing").rename_axis("criterion").reset_index()
    result["share"] = result["n_missing"] / max(len(close), 1)
    result["n_close"] = len(close)
    return result.sort_values(["n_missing", "criterion"], ascending=[False, True]).reset_index(
        drop=True
    )
