"""Simple forecasts of a unit's yearly series, shown beside the commune-level model.

Three yardsticks a statistics office would use without commune data:

- a **linear trend** (OLS on the year) with its prediction interval;
- **damped-trend exponential smoothing** (statsmodels ``ETSModel``, additive error), which
  lets the recent slope fade rather than run on for ever;
- the **anticipated progress** check used for target tracking (UNECE/Eurostat style):
  extrapolate the pace of the last few years to the target year, compare it with the pace
  the target requires and label the unit on track, needing acceleration or regressing;
- **the plan as forecast** (``plan_forecast``): the province's own yearly plan read as a
  prediction, interpolated linearly from the last observed value between plan years. It has
  no interval; the backtest scores its point error beside the others.

Years may have gaps (a missing middle year): the linear trend and the pace use the years
present; damped-trend smoothing needs equally spaced years and is left out (NaN) otherwise.

With six yearly points both fitted models give intervals that are far too narrow; the
backtest (``backtest``) measures how narrow, and the reports say so. They are here to show
where a planner's straight-line intuition and the commune-level model disagree.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from ntm_analysis.core.errors import MessageError, Msg
from ntm_analysis.core.rules import target_year_after

FORECAST_COLUMNS = ["year", "mean", "lo80", "hi80", "lo95", "hi95"]
PACE_WINDOW = 3


def _empty(years: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame({"year": years})
    for col in FORECAST_COLUMNS[1:]:
        frame[col] = np.nan
    return frame


def linear_trend(series: pd.Series, years: list[int]) -> pd.DataFrame:
    """OLS line through ``series`` (indexed by year) with 80%/95% prediction intervals."""
    import statsmodels.api as sm  # here, not at the top: 1.3 s that `ntm forecast` skips

    x = sm.add_constant(series.index.to_numpy(float))
    result = sm.OLS(series.to_numpy(float), x).fit()
    new = sm.add_constant(np.asarray(years, float), has_constant="add")
    frame = pd.DataFrame({"year": years})
    for level, lo, hi in ((0.2, "lo80", "hi80"), (0.05, "lo95", "hi95")):
        summary = result.get_prediction(new).summary_frame(alpha=level)
        frame["mean"] = summary["mean"].to_numpy()
        frame[lo] = summary["obs_ci_lower"].to_numpy()
        frame[hi] = summary["obs_ci_upper"].to_numpy()
    return frame[FORECAST_COLUMNS]


def damped_trend(series: pd.Series, years: list[int]) -> pd.DataFrame:
    """Damped additive-trend exponential smoothing with simulated prediction intervals.

    Returns NaN rows when the series is too short or flat for the model to be estimated.
    """
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel  # see linear_trend
    spaced = np.all(np.diff(series.index.to_numpy()) == 1)
    if len(series) < 4 or series.nunique() < 2 or not spaced:
        return _empty(years)
    index = pd.period_range(start=str(int(series.index[0])), periods=len(series), freq="Y")
    endog = pd.Series(series.to_numpy(float), index=index)
    horizon = int(max(years) - series.index[-1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # optimiser chatter on six points is expected
        try:
            result = ETSModel(endog, error="add", trend="add", damped_trend=True).fit(disp=False)
            prediction = result.get_prediction(start=len(series), end=len(series) + horizon - 1)
            s80 = prediction.summary_frame(alpha=0.2)
            s95 = prediction.summary_frame(alpha=0.05)
        except (ValueError, np.linalg.LinAlgError):
            return _empty(years)
    out_years = list(range(int(series.index[-1]) + 1, int(series.index[-1]) + horizon + 1))
    frame = pd.DataFrame(
        {
            "year": out_years,
            "mean": s80["mean"].to_numpy(),
            "lo80": s80["pi_lower"].to_numpy(),
            "hi80": s80["pi_upper"].to_numpy(),
            "lo95": s95["pi_lower"].to_numpy(),
            "hi95": s95["pi_upper"].to_numpy(),
        }
    )
    return frame[frame["year"].isin(years)].reset_index(drop=True)


def probability_at_least(row: pd.Series, target: float) -> float:
    """P(value >= target) implied by a baseline's mean and 95% interval (normal approx)."""
    sd = (row["hi95"] - row["lo95"]) / (2 * NormalDist().inv_cdf(0.975))
    if not np.isfinite(sd):
        return float("nan")
    if sd <= 0:
        return float(row["mean"] >= target)
    return 1.0 - NormalDist(row["mean"], sd).cdf(target)


@dataclass(frozen=True)
class Pace:
    """Required against observed yearly pace towards a target (anticipated progress)."""

    current: float
    target: float
    as_of: int
    target_year: int
    window: int  # years the observed pace is measured over
    observed_per_year: float
    required_per_year: float
    projected: float  # current + observed pace × years left
    status: str  # "on_track", "needs_acceleration", "regressing"

    def as_dict(self) -> dict[str, float | int | str]:
        return asdict(self)


def pace(series: pd.Series, target: float, target_year: int, window: int = PACE_WINDOW) -> Pace:
    """Anticipated progress of ``series`` (indexed by year) towards ``target`` by ``target_year``.

    The observed pace is the average yearly change over the last ``window`` years (fewer if
    the series is shorter; from the earliest year present in the window when a year is
    missing); the required pace spreads the remaining gap over the years left.
    On track: already there, or the observed pace carries the unit there. Otherwise a falling
    series is regressing and a flat or too-slow one needs acceleration.
    """
    series = series.sort_index()
    as_of = int(series.index[-1])
    current = float(series.iloc[-1])
    start_year = int(series.index[series.index >= as_of - window][0])
    span = as_of - start_year
    observed = (current - float(series.loc[start_year])) / span if span > 0 else 0.0
    years_left = target_year - as_of
    if not target_year_after(target_year, as_of):
        raise MessageError(
            Msg("error.forecast.target_not_after", target_year=target_year, as_of=as_of)
        )
    required = (target - current) / years_left
    projected = current + observed * years_left
    if current >= target or projected >= target:
        status = "on_track"
    elif observed < 0:
        status = "regressing"
    else:
        status = "needs_acceleration"
    return Pace(
        current=current,
        target=target,
        as_of=as_of,
        target_year=target_year,
        window=span,
        observed_per_year=observed,
        required_per_year=required,
        projected=projected,
        status=status,
    )


def plan_forecast(
    plan: dict[int, float], current: float, as_of: int, years: list[int]
) -> pd.DataFrame:
    """The plan read as a forecast: each plan year's figure, linear in between from
    ``current`` at ``as_of``; after the last plan year it stays there. No interval (NaN):
    a plan states one number. Empty (NaN) when no plan year lies after ``as_of``."""
    ahead = {int(y): float(v) for y, v in plan.items() if int(y) > as_of}
    frame = _empty(years)
    if not ahead:
        return frame
    xs = np.array([as_of, *sorted(ahead)], float)
    ys = np.array([current, *(ahead[int(y)] for y in xs[1:])], float)
    frame["mean"] = np.interp(np.asarray(years, float), xs, ys)
    return frame


BASELINES = {"linear_trend": linear_trend, "damped_trend": damped_trend}


def baseline_forecasts(
    series: pd.Series,
    years: list[int],
    upper: float | None = None,
    plan: dict[int, float] | None = None,
) -> pd.DataFrame:
    """Every baseline's forecast of ``series`` for ``years``, long, with a ``method`` column;
    with ``plan`` (year → planned value) also the plan as forecast (method "plan").

    Values are clipped to [0, ``upper``] (e.g. the unit's number of communes, or 19
    criteria): a straight line does not know that a district of 3 communes cannot have 6.
    """
    series = series.sort_index()
    methods = dict(BASELINES)
    if plan:
        methods["plan"] = lambda s, y: plan_forecast(plan, float(s.iloc[-1]), int(s.index[-1]), y)
    frames = []
    for method, func in methods.items():
        frame = func(series, years)
        frame[FORECAST_COLUMNS[1:]] = frame[FORECAST_COLUMNS[1:]].clip(lower=0.0, upper=upper)
        frame.insert(0, "method", method)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
