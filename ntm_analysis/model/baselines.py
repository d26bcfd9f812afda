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
from collections.abc import Mapping
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
    """OLS line through ``series`` (indexed by year) with 80%/95% prediction intervals.

    The arithmetic of statsmodels' ``OLS(y, [1, year]).fit().get_prediction(new)
    .summary_frame(alpha)["obs_ci_*"]`` step for step (pseudo-inverse by SVD, its covariance,
    ``ssr / df_resid``, the t quantile ``scipy.stats.t.ppf`` uses), without building its
    model, result and prediction objects: the backtest asks for 72 lines per run, and
    importing ``statsmodels.api`` alone cost more than all of them. Equal to statsmodels
    within 1e-10 (tests/unit/model/test_baselines_closed_form.py). Two points leave no
    residual degree of freedom: the line, no interval (NaN), as statsmodels gives. Fewer than
    two distinct years define no line (statsmodels raised; its pseudo-inverse would return a
    minimum-norm "line" through one point): NaN rows.
    """
    from scipy.special import stdtrit  # what scipy.stats.t.ppf computes (a lighter import)

    if series.index.nunique() < 2:
        return _empty(years)

    y = series.to_numpy(float)
    design = np.column_stack([np.ones(len(y)), series.index.to_numpy(float)])
    u, s, vt = np.linalg.svd(design, False)  # statsmodels.tools.pinv_extended, rcond 1e-15
    s = np.where(s > 1e-15 * s.max(), 1.0 / np.where(s > 0, s, 1.0), 0.0)
    pinv = np.dot(vt.T, s[:, None] * u.T)
    params = np.dot(pinv, y)
    resid = y - np.dot(design, params)
    df_resid = len(y) - 2
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.dot(resid, resid) / df_resid
    new = np.column_stack([np.ones(len(years)), np.asarray(years, float)])
    mean = np.dot(new, params)
    cov = np.dot(pinv, pinv.T) * scale
    with np.errstate(invalid="ignore"):
        se_obs = np.sqrt((new * np.dot(cov, new.T).T).sum(1) + scale)
    frame = pd.DataFrame({"year": years, "mean": mean})
    for level, lo, hi in ((0.2, "lo80", "hi80"), (0.05, "lo95", "hi95")):
        q = stdtrit(df_resid, 1 - level / 2.0) if df_resid > 0 else np.nan
        frame[lo] = mean - q * se_obs
        frame[hi] = mean + q * se_obs
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
FitKey = tuple[tuple[int, ...], tuple[float, ...], tuple[int, ...]]


def fit_key(series: pd.Series, years: list[int]) -> FitKey:
    """Everything ``damped_trend(series, years)`` depends on: the series' years and values
    (sorted by year) and the years asked for. The key of ``baseline_forecasts(fitted=)``."""
    series = series.sort_index()
    return (
        tuple(int(y) for y in series.index),
        tuple(float(v) for v in series.to_numpy(float)),
        tuple(int(y) for y in years),
    )


def baseline_forecasts(
    series: pd.Series,
    years: list[int],
    upper: float | None = None,
    plan: dict[int, float] | None = None,
    fitted: Mapping[FitKey, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Every baseline's forecast of ``series`` for ``years``, long, with a ``method`` column;
    with ``plan`` (year → planned value) also the plan as forecast (method "plan").

    Values are clipped to [0, ``upper``] (e.g. the unit's number of communes, or 19
    criteria): a straight line does not know that a district of 3 communes cannot have 6.
    ``fitted``: damped-trend forecasts made before, by ``fit_key`` (the batch's parent fits
    every unit's once, so that a report kernel does not import statsmodels for it); a series
    not in it is fitted here.
    """
    series = series.sort_index()
    methods = dict(BASELINES)
    known = fitted.get(fit_key(series, years)) if fitted else None
    if known is not None:
        methods["damped_trend"] = lambda s, y: known.copy()
    if plan:
        methods["plan"] = lambda s, y: plan_forecast(plan, float(s.iloc[-1]), int(s.index[-1]), y)
    frames = []
    for method, func in methods.items():
        frame = func(series, years)
        for column in FORECAST_COLUMNS[1:]:  # numpy's clip: pandas' costs ~6 ms a frame
            frame[column] = np.clip(frame[column].to_numpy(float), 0.0, upper)
        frame.insert(0, "method", method)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
