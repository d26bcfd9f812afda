"""Backtest: pretend it is an earlier year, forecast, and score against what happened.

For each origin year T the models see only the panel up to T and forecast T+1 … the last
year. Scores, for the main model and every baseline in one table:

- interval **coverage**: how often the observed value fell inside the 80% and 95% intervals
  (an honest 80% interval covers about 80% of the time; six-point trend models do not);
- **mean absolute error** of the central forecast;
- **Brier score** of the commune-level probabilities of meeting the standard (lower is
  better), against the persistence forecast "next year as this year" as a reference;
- a **calibration** table: of the communes given about 70%, how many made it (the reports
  draw it as a reliability diagram with the number of cases per bin).

Honest counting. Forecasts from overlapping origins of the same outcome (2014 → 2016 and
2015 → 2016) are not independent tests: they score one realised value from nested histories.
Each summary row therefore gives, beside the number of forecasts ``n``, ``n_effective``:
the number of distinct outcomes (unit × outcome year) they score, an upper bound on the
independent evidence (districts in the same year still share that year's luck, so even this
flatters the districts). **Trivial cases** — nothing observed and the main model's 95% interval
[0, 0], e.g. a district with no commune near the standard — are certain and right, and
would inflate every method's coverage; they are counted (``n_trivial``) and left out of
every score, for all methods alike so that methods are compared on the same cases.

Methods: the main model (``transition``, the forecast the reports show), the model without
trend, the unit-level **persistence** forecast (the value at the origin), the linear and
damped trends, and the **plan as forecast** (``plan``) where a plan year falls inside the
scored years. Persistence and the plan give one number, no interval: their coverage is empty
and only their error is scored.

Its purpose is to decide how far the headline can be trusted, not to tune the model to the
past: nothing here feeds back into the fit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ntm_analysis.core.config import config_default
from ntm_analysis.core.criteria import N_CRITERIA
from ntm_analysis.core.panel import Panel
from ntm_analysis.model.baselines import FORECAST_COLUMNS, baseline_forecasts
from ntm_analysis.model.forecast import DEFAULT_SEED, run_forecast
from ntm_analysis.model.metrics import criteria_met, unit_summary
from ntm_analysis.model.transitions import TransitionModel, fit

DEFAULT_BACKTEST_DRAWS = config_default("backtest_draws")  # per origin, as every command
FIGURES = {"n_ntm": "ntm", "mean_criteria": "mean_criteria"}
# method -> ``run_forecast``'s trend option; "transition" is the forecast the reports show
MODEL_METHODS: dict[str, bool | str] = {"transition": True, "transition_no_trend": False}
MAIN_METHOD = "transition"
CASE_KEYS = ["unit_code", "origin", "year", "figure"]
BINS = np.linspace(0.0, 1.0, 11)
BRIER_COLUMNS = {
    "transition": "p_ntm",
    "transition_no_trend": "p_ntm_no_trend",
    "persistence": "p_persistence",
}


@dataclass(frozen=True)
class Backtest:
    """Per-forecast rows (``scores``), their summary, and the calibration of probabilities."""

    scores: pd.DataFrame
    summary: pd.DataFrame
    calibration: pd.DataFrame
    brier: pd.DataFrame  # method, brier, n: commune-level, with persistence as reference
    origins: list[int]


def _observed(panel: Panel) -> pd.DataFrame:
    """Observed n_ntm and mean_criteria per unit (province 0 and districts) and year."""
    frames = [unit_summary(panel, "province"), unit_summary(panel, "district")]
    table = pd.concat(frames, ignore_index=True)
    table["level"] = np.where(table["unit_code"] == 0, "province", "district")
    return table[["level", "unit_code", "unit", "year", "n_communes", *FIGURES]]


def _score_rows(
    method: str, origin: int, unit_code: int, figure: str, predicted: pd.DataFrame
) -> pd.DataFrame:
    # one constructor call, not four column inserts (360 calls per backtest)
    columns = {"method": method, "origin": origin, "unit_code": unit_code, "figure": figure}
    columns.update({key: predicted[key].to_numpy() for key in FORECAST_COLUMNS})
    return pd.DataFrame(columns)


def persistence(series: pd.Series, years: list[int]) -> pd.DataFrame:
    """The unit's value at the origin, carried forward; one number, no interval."""
    frame = pd.DataFrame({"year": years})
    for column in FORECAST_COLUMNS[1:]:
        frame[column] = np.nan
    frame["mean"] = float(series.sort_index().iloc[-1])
    return frame


def _commune_probabilities(panel: Panel, forecast_probs: pd.DataFrame, origin: int) -> pd.DataFrame:
    """Model and persistence probabilities of each commune meeting the standard, with outcome."""
    status = criteria_met(panel)[["commune_code", "year", "ntm"]]
    at_origin = status[status["year"] == origin].set_index("commune_code")["ntm"]
    table = forecast_probs.merge(status, on=["commune_code", "year"], how="inner")
    table["p_persistence"] = table["commune_code"].map(at_origin).astype(float)
    table["origin"] = origin
    columns = ["p_ntm", "p_ntm_no_trend", "p_persistence"]
    return table[["origin", "commune_code", "year", *columns, "ntm"]]


def _mark_trivial(scores: pd.DataFrame) -> pd.Series:
    """Per row: is its case trivial — nothing observed and the main model's 95% interval
    [0, 0]? Decided once per case (unit, origin, year, figure), for every method."""
    main = scores[scores["method"] == MAIN_METHOD]
    certain = main[(main["observed"] == 0) & (main["hi95"] <= 0)][CASE_KEYS].drop_duplicates()
    flagged = scores[CASE_KEYS].merge(certain.assign(trivial=True), on=CASE_KEYS, how="left")
    return flagged["trivial"].fillna(False).astype(bool).set_axis(scores.index)


def _summarise(scores: pd.DataFrame) -> pd.DataFrame:
    """Per figure, level and method: forecasts scored ``n`` (trivial ones left out),
    ``n_trivial``, distinct outcomes ``n_effective``, coverage, and mean absolute error."""
    rows = []
    for (figure, level, method), group in scores.groupby(["figure", "level", "method"], sort=True):
        trivial = group["trivial"]
        scored = group[~trivial & group["mean"].notna()]
        rows.append(
            {
                "figure": figure,
                "level": level,
                "method": method,
                "n": len(scored),
                "n_trivial": int(trivial.sum()),
                "n_effective": len(scored[["unit_code", "year"]].drop_duplicates()),
                "coverage80": scored["covered80"].mean(),
                "coverage95": scored["covered95"].mean(),
                "mae": scored["abs_error"].mean(),
            }
        )
    return pd.DataFrame(rows)


def brier_scores(communes: pd.DataFrame) -> pd.DataFrame:
    """Brier score of each method's commune probabilities (lower is better)."""
    rows = [
        (method, float(((communes[column] - communes["ntm"]) ** 2).mean()), len(communes))
        for method, column in BRIER_COLUMNS.items()
    ]
    return pd.DataFrame(rows, columns=["method", "brier", "n"])


def calibration_table(communes: pd.DataFrame, column: str = "p_ntm") -> pd.DataFrame:
    """Predicted probability bins against the observed share of communes that made it.

    ``n`` counts commune forecasts; ``n_effective`` the distinct commune × year outcomes
    among them (origins overlap: one outcome is forecast from several origins), when the
    table has the columns to tell.
    """
    bins = pd.cut(communes[column], BINS, include_lowest=True)
    grouped = communes.groupby(bins, observed=True)
    table = (
        grouped.agg(n=("ntm", "size"), predicted=(column, "mean"), observed=("ntm", "mean"))
        .reset_index()
        .rename(columns={column: "bin"})
    )
    if {"commune_code", "year"} <= set(communes.columns):
        distinct = grouped.apply(
            lambda g: len(g[["commune_code", "year"]].drop_duplicates()), include_groups=False
        )
        table["n_effective"] = distinct.to_numpy()
    table["bin"] = table["bin"].astype(str)
    return table


def bin_bounds(text: str) -> tuple[float, float] | None:
    """A ``calibration_table`` bin's interval from its text: "(0.6, 0.7]" -> (0.6, 0.7),
    clipped to [0, 1] (the first bin reads "(-0.001, 0.1]"); None if it is not one. Why from
    the text and not from the bin's average forecast: an average of forecasts on an edge
    (k forecasts of 0.2) can land a rounding error beyond it."""
    numbers = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", str(text))]
    if len(numbers) != 2:
        return None
    lo, hi = (max(0.0, min(1.0, x)) for x in numbers)
    return lo, hi


def backtest(
    panel: Panel,
    origins: list[int] | None = None,
    n_draws: int = DEFAULT_BACKTEST_DRAWS,
    seed: int = DEFAULT_SEED,
    plan: Mapping[str, Mapping[int, float]] | None = None,
    fitter: Callable[..., TransitionModel] = fit,
) -> Backtest:
    """Fit at each origin year, forecast to the panel's last year, score every method.

    Default origins: every year that leaves at least two transitions to fit and one year to
    score (for 2011–2016: 2013, 2014, 2015). ``plan``: the province's plan by figure
    ("n_ntm", "mean_criteria") and year, scored as the "plan" method where a plan year lies
    within the scored years (the bundled plan's years, 2017 and 2020, lie beyond the bundled
    panel: there it is not scored). ``fitter``: as for ``run_forecast`` (``cache.cached_fit``:
    an origin's fit is read from the fit cache when the same years were fitted before, e.g.
    after a correction to the last year only).
    """
    years = panel.years
    if origins is None:
        origins = [y for y in years if y - years[0] >= 2 and y < years[-1]]
    if not origins:
        raise ValueError(
            f"the panel ({years[0]}–{years[-1]}) is too short to backtest: it needs at least "
            "two years to fit and one more to score"
        )
    observed = _observed(panel)
    units = observed[["level", "unit_code", "unit"]].drop_duplicates()
    rows, communes = [], []
    for origin in origins:
        history = panel.subset(years=[y for y in years if y <= origin])
        future = [y for y in years if y > origin]
        forecasts = {
            method: run_forecast(history, years[-1], n_draws, seed, trend=trend, fitter=fitter)
            for method, trend in MODEL_METHODS.items()
        }
        probs = forecasts["transition"].commune_probabilities()
        no_trend = forecasts["transition_no_trend"].commune_probabilities()
        probs["p_ntm_no_trend"] = no_trend["p_ntm"].to_numpy()  # same commune × year order
        communes.append(_commune_probabilities(panel, probs, origin))
        past = observed[observed["year"] <= origin]
        for unit_code in units["unit_code"]:
            unit = None if unit_code == 0 else int(unit_code)
            series_all = past[past["unit_code"] == unit_code].set_index("year")
            for figure, key in FIGURES.items():
                for method, fc in forecasts.items():
                    predicted = fc.quantiles(unit, key)
                    rows.append(_score_rows(method, origin, unit_code, figure, predicted))
                upper = (
                    N_CRITERIA if figure == "mean_criteria" else series_all["n_communes"].iloc[-1]
                )
                unit_plan = dict(plan.get(figure, {})) if plan and unit_code == 0 else None
                base = baseline_forecasts(series_all[figure], future, upper=upper, plan=unit_plan)
                for method, frame in base.groupby("method", sort=False):
                    rows.append(_score_rows(str(method), origin, unit_code, figure, frame))
                held = persistence(series_all[figure], future)
                rows.append(_score_rows("persistence", origin, unit_code, figure, held))
    scores = pd.concat(rows, ignore_index=True)
    scores = scores.merge(units, on="unit_code").merge(
        observed.melt(
            id_vars=["unit_code", "year"],
            value_vars=list(FIGURES),
            var_name="figure",
            value_name="observed",
        ),
        on=["unit_code", "year", "figure"],
    )
    scores["horizon"] = scores["year"] - scores["origin"]
    for level in ("80", "95"):
        inside = scores["observed"].between(scores[f"lo{level}"], scores[f"hi{level}"])
        has_interval = scores[f"lo{level}"].notna() & scores[f"hi{level}"].notna()
        scores[f"covered{level}"] = inside.astype(float).where(has_interval)
    scores["trivial"] = _mark_trivial(scores)
    scores["abs_error"] = (scores["mean"] - scores["observed"]).abs()
    commune_table = pd.concat(communes, ignore_index=True)
    return Backtest(
        scores=scores,
        summary=_summarise(scores),
        calibration=calibration_table(commune_table),
        brier=brier_scores(commune_table),
        origins=list(origins),
    )
