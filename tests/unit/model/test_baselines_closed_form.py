"""The linear trend's closed form against statsmodels' result objects (the numbers it
replaced in the backtest's 72 baseline fits per run): equal within 1e-10."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ntm_analysis.model.baselines import FORECAST_COLUMNS, linear_trend

TOLERANCE = 1e-10


def statsmodels_linear_trend(series: pd.Series, years: list[int]) -> pd.DataFrame:
    """What ``linear_trend`` computed before the closed form, verbatim."""
    import statsmodels.api as sm

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


def _cases() -> list[tuple[str, pd.Series, list[int]]]:
    rng = np.random.default_rng(17)
    cases = []
    for n in (3, 4, 5, 6, 8):  # the backtest's origins see 3-5 years; the forecast 6
        years = list(range(2011, 2011 + n))
        future = list(range(years[-1] + 1, years[-1] + 5))
        counts = np.cumsum(rng.integers(0, 4, n)).astype(float)  # a district's n_ntm
        cases.append((f"counts{n}", pd.Series(counts, index=years), future))
        criteria = 8 + np.cumsum(rng.uniform(0, 1.5, n))  # a mean number of criteria
        cases.append((f"criteria{n}", pd.Series(criteria, index=years), future))
    gap = pd.Series([1.0, 4.0, 5.0, 9.0], index=[2011, 2012, 2014, 2015])  # a missing year
    cases.append(("gap", gap, [2016, 2017, 2020]))
    cases.append(("flat", pd.Series([3.0] * 5, index=range(2012, 2017)), [2017, 2018]))
    line = pd.Series([2.0, 4.0, 6.0, 8.0, 10.0, 12.0], index=range(2011, 2017))
    cases.append(("exact_line", line, [2017, 2020]))
    cases.append(("two_points", pd.Series([2.0, 5.0], index=[2015, 2016]), [2017, 2019]))
    cases.append(("big", pd.Series([180.0, 150.0, 230.0, 260.0], index=range(2013, 2017)), [2020]))
    return cases


@pytest.mark.parametrize(("name", "series", "years"), _cases(), ids=[c[0] for c in _cases()])
def test_linear_trend_equals_statsmodels(name, series, years):
    ours = linear_trend(series, years)
    theirs = statsmodels_linear_trend(series, years)
    assert list(ours.columns) == list(theirs.columns)
    assert ours["year"].tolist() == theirs["year"].tolist()
    for column in FORECAST_COLUMNS[1:]:
        np.testing.assert_allclose(
            ours[column].to_numpy(),
            theirs[column].to_numpy(),
            rtol=0,
            atol=TOLERANCE,
            err_msg=f"{name}: {column}",
        )
    # the intervals exist wherever statsmodels gives them (NaN only for two points)
    assert ours["lo80"].isna().tolist() == theirs["lo80"].isna().tolist()


def test_linear_trend_interval_is_the_t_prediction_interval():
    """A hand-computed case, independent of statsmodels: 1, 2, 4 at 2011-2013."""
    series = pd.Series([1.0, 2.0, 4.0], index=[2011, 2012, 2013])
    frame = linear_trend(series, [2014])
    # slope 1.5, intercept at 2012: 7/3; 2014: 7/3 + 3 = 16/3; residuals 1/6, -1/3, 1/6
    # s^2 = (1/36 + 1/9 + 1/36) / 1 = 1/6; se_obs^2 = s^2 (1 + 1/3 + 4/2) = 5/9
    q80 = 3.077683537175253  # t quantile 0.9 with 1 df
    # 1e-9: statsmodels' arithmetic on raw years (~2012) loses ~1e-11 against exact values
    assert frame["mean"].iloc[0] == pytest.approx(16 / 3, abs=1e-9)
    assert frame["hi80"].iloc[0] == pytest.approx(16 / 3 + q80 * np.sqrt(5 / 9), abs=1e-9)
    assert frame["lo80"].iloc[0] == pytest.approx(16 / 3 - q80 * np.sqrt(5 / 9), abs=1e-9)


@pytest.mark.parametrize(
    "series",
    [
        pd.Series([3.0], index=[2016]),
        pd.Series([2.0, 2.5], index=[2016, 2016]),
        pd.Series([], index=pd.Index([], dtype=int), dtype=float),
    ],
    ids=["one year", "one year twice", "empty"],
)
def test_a_line_needs_two_distinct_years(series):
    # statsmodels raised here; a pseudo-inverse alone would draw a line through one point
    frame = linear_trend(series, [2017, 2018])
    assert frame["year"].tolist() == [2017, 2018]
    assert frame.drop(columns="year").isna().all().all()
