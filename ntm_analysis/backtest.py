"""Backtest: pretend it is an earlier year, forecast, and score against what happened.

For each origin year T the models see only the panel up to T and forecast T+1 … the last
year. Scores, for the main model and every baseline in one table:

- interval **coverage**: how often the observed value fell inside the 80% and 95% intervals
  (an honest 80% interval covers about 80% of the time; six-point trend models do not);
- **mean absolute error** of the central forecast;
- **Brier score** of the commune-level probabilities of meeting the standard (lower is
  better), against the persistence forecast "next year as this year" as a reference;
- a **calibration** table: of the communes given about 70%, how many made it.

Its purpose is to decide how far the headline can be trusted, not to tune the model to the
past: nothing here feeds back into the fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .baselines import baseline_forecasts
from .criteria import N_CRITERIA
from .forecast import run_forecast
from .metrics import criteria_met, unit_summary
from .panel import Panel

FIGURES = {"n_ntm": "ntm", "mean_criteria": "mean_criteria"}
MODEL_METHODS = {"transition": True, "transition_no_trend": False}  # method -> trend
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
    rows = predicted[["year", "mean", "lo80", "hi80", "lo95", "hi95"]].copy()
    rows.insert(0, "figure", figure)
    rows.insert(0, "unit_code", unit_code)
    rows.insert(0, "origin", origin)
    rows.insert(0, "method", method)
    return rows


def _commune_probabilities(panel: Panel, forecast_probs: pd.DataFrame, origin: int) -> pd.DataFrame:
    """Model and persistence probabilities of each commune meeting the standard, with outcome."""
    status = criteria_met(panel)[["commune_code", "year", "ntm"]]
    at_origin = status[status["year"] == origin].set_index("commune_code")["ntm"]
    table = forecast_probs.merge(status, on=["commune_code", "year"], how="inner")
    table["p_persistence"] = table["commune_code"].map(at_origin).astype(float)
    table["origin"] = origin
    columns = ["p_ntm", "p_ntm_no_trend", "p_persistence"]
    return table[["origin", "commune_code", "year", *columns, "ntm"]]


def _summarise(scores: pd.DataFrame) -> pd.DataFrame:
    scored = scores.dropna(subset=["mean"])
    summary = (
        scored.groupby(["figure", "level", "method"])
        .agg(
            n=("observed", "size"),
            coverage80=("covered80", "mean"),
            coverage95=("covered95", "mean"),
            mae=("abs_error", "mean"),
        )
        .reset_index()
    )
    return summary


def brier_scores(communes: pd.DataFrame) -> pd.DataFrame:
    """Brier score of each method's commune probabilities (lower is better)."""
    rows = [
        (method, float(((communes[column] - communes["ntm"]) ** 2).mean()), len(communes))
        for method, column in BRIER_COLUMNS.items()
    ]
    return pd.DataFrame(rows, columns=["method", "brier", "n"])


def calibration_table(communes: pd.DataFrame, column: str = "p_ntm") -> pd.DataFrame:
    """Predicted probability bins against the observed share of communes that made it."""
    bins = pd.cut(communes[column], BINS, include_lowest=True)
    table = (
        communes.groupby(bins, observed=True)
        .agg(n=("ntm", "size"), predicted=(column, "mean"), observed=("ntm", "mean"))
        .reset_index()
        .rename(columns={column: "bin"})
    )
    table["bin"] = table["bin"].astype(str)
    return table


def backtest(
    panel: Panel,
    origins: list[int] | None = None,
    n_draws: int = 1000,
    seed: int = 0,
) -> Backtest:
    """Fit at each origin year, forecast to the panel's last year, score every method.

    Default origins: every year that leaves at least two transitions to fit and one year to
    score (for 2011–2016: 2013, 2014, 2015).
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
            method: run_forecast(history, years[-1], n_draws, seed, trend=trend)
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
                base = baseline_forecasts(series_all[figure], future, upper=upper)
                for method, frame in base.groupby("method", sort=False):
                    rows.append(_score_rows(str(method), origin, unit_code, figure, frame))
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
    scores["covered80"] = scores["observed"].between(scores["lo80"], scores["hi80"])
    scores["covered95"] = scores["observed"].between(scores["lo95"], scores["hi95"])
    scores["abs_error"] = (scores["mean"] - scores["observed"]).abs()
    commune_table = pd.concat(communes, ignore_index=True)
    return Backtest(
        scores=scores,
        summary=_summarise(scores),
        calibration=calibration_table(commune_table),
        brier=brier_scores(commune_table),
        origins=list(origins),
    )
