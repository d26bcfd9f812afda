"""This year's plan against the forecast: what a hearing asks first.

A province plans one year at a time (the 2017 plan: 14 more communes meeting the standard,
an average of 9.4 criteria per commune, 20 fewer communes below 5 criteria) inside its
multi-year plan. The forecast covers every year to the target year, so the first forecast
year can be set against that year's plan: the chance of reaching each figure, the expected
value with its 95% range, and the gap in communes. The 95% range, not the 80% one, because
the backtest found the 80% ranges too narrow (see the methods section).

Targets come from the targets file (``targets``); a plan figure may be given as a level
(``n_ntm``: 38) or as a change on the as-of year (``n_ntm_change``: +14,
``n_below_5_change``: −20): both are turned into a level here, in one place. A district has
no yearly plan of its own in the data: its row carries the forecast only (its expected
contribution), never a split of the province's plan.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ntm_analysis.analysis.results import ThisYear, jsonable
from ntm_analysis.core.targets import lookup
from ntm_analysis.model.forecast import Forecast

# figure -> (level indicator, change indicator, the forecast's array, direction): "at_least"
# when more is better (communes meeting the standard, average criteria), "at_most" when fewer
# is (communes below 5 criteria)
FIGURES: dict[str, tuple[str, str | None, str, str]] = {
    "n_ntm": ("n_ntm", "n_ntm_change", "ntm", "at_least"),
    "mean_criteria": ("mean_criteria", None, "mean_criteria", "at_least"),
    "n_below_5": ("n_below_5", "n_below_5_change", "below", "at_most"),
}


def plan_level(
    targets: pd.DataFrame | None, year: int, figure: str, unit: int | None, now: float
) -> tuple[float | None, bool]:
    """The plan's level for ``figure`` in ``year`` — given as a level, or as a change on
    ``now`` (the as-of year's value) — and whether the file marks it official; (None, False)
    without one."""
    if targets is None:
        return None, False
    level, change, _, _ = FIGURES[figure]
    found = lookup(targets, year, level, unit)
    if found is not None:
        return found
    if change is not None:
        found = lookup(targets, year, change, unit)
        if found is not None:
            return max(0.0, now + found[0]), found[1]  # a count never planned below 0
    return None, False


def this_year(
    forecast: Forecast, targets: pd.DataFrame | None, unit: int | None = None
) -> ThisYear:
    """The first forecast year's plan against the forecast for the province (``unit`` None)
    or a district (a ``results.ThisYear``; its ``to_dict()`` goes into the sidecar).

    Per figure (``n_ntm``, ``mean_criteria``, ``n_below_5``): ``now`` (as-of year),
    ``target`` (None without a plan figure), ``official``, ``expected`` (mean of the draws),
    ``lo95``/``hi95``, ``probability`` of reaching the plan (None without one), its Monte
    Carlo standard error ``probability_se``, and ``gap`` = plan − expected (in communes or
    criteria; positive means the forecast falls short; for "below 5" positive means more
    communes stay below 5 than planned).
    """
    year = forecast.years[0]
    i = 0
    now = forecast.observed_now(unit)
    n = forecast.n_communes(unit)
    rows: dict[str, Any] = {}
    for figure, (_, _, array, direction) in FIGURES.items():
        if array == "mean_criteria":
            values = forecast.unit_draws(unit, "sum_met")[:, i] / n
        else:
            values = forecast.unit_draws(unit, array)[:, i].astype(float)
        current = float(now[figure])
        target, official = plan_level(targets, year, figure, unit, current)
        lo95, hi95 = np.quantile(values, [0.025, 0.975], method="inverted_cdf")
        row: dict[str, Any] = {
            "now": current,
            "target": target,
            "official": official,
            "direction": direction,
            "expected": float(values.mean()),
            "lo95": float(lo95),
            "hi95": float(hi95),
            "probability": None,
            "probability_se": None,
            "gap": None,
        }
        if target is not None:
            if direction == "at_least":
                hit = values >= target - 1e-9
                gap = target - values.mean()
            else:
                hit = values <= target + 1e-9
                gap = values.mean() - target
            p = float(hit.mean())
            row["probability"] = p
            row["probability_se"] = float(
                np.sqrt(max(p * (1 - p), 0.25 / len(values)) / len(values))
            )
            row["gap"] = float(gap)
        rows[figure] = row
    record = {
        "year": year,
        "as_of": forecast.as_of,
        "level": "province" if unit is None else "district",
        "has_plan": any(r["target"] is not None for r in rows.values()),
        "figures": rows,
    }
    return ThisYear.from_json(jsonable(record), "this_year")
