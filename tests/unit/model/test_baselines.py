"""Baseline forecasts and the anticipated-progress (pace) check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ntm_analysis.model.baselines import (
    baseline_forecasts,
    damped_trend,
    linear_trend,
    pace,
    plan_forecast,
    probability_at_least,
)

YEARS = [2017, 2018, 2019, 2020]


def test_linear_trend_extends_an_exact_line():
    series = pd.Series([2.0, 4.0, 6.0, 8.0, 10.0, 12.0], index=range(2011, 2017))
    frame = linear_trend(series, YEARS)
    np.testing.assert_allclose(frame["mean"], [14, 16, 18, 20])
    np.testing.assert_allclose(frame["lo95"], frame["mean"], atol=1e-6)  # no residual noise


def test_linear_trend_intervals_widen_and_nest():
    series = pd.Series([1.0, 3.0, 2.0, 6.0, 7.0, 9.0], index=range(2011, 2017))
    frame = linear_trend(series, YEARS)
    assert (frame["lo95"] < frame["lo80"]).all() and (frame["hi80"] < frame["hi95"]).all()
    width = frame["hi95"] - frame["lo95"]
    assert width.is_monotonic_increasing


def test_damped_trend_runs_and_handles_flat_series():
    series = pd.Series([1.0, 3.0, 4.0, 7.0, 8.0, 11.0], index=range(2011, 2017))
    frame = damped_trend(series, YEARS)
    assert frame["year"].tolist() == YEARS
    assert frame["mean"].notna().all()
    assert (frame["lo80"] <= frame["mean"]).all() and (frame["mean"] <= frame["hi80"]).all()
    flat = damped_trend(pd.Series([0.0] * 6, index=range(2011, 2017)), YEARS)
    assert flat["mean"].isna().all()


def test_baseline_forecasts_names_each_method():
    series = pd.Series([1.0, 3.0, 4.0, 7.0, 8.0, 11.0], index=range(2011, 2017))
    frame = baseline_forecasts(series, YEARS)
    assert set(frame["method"]) == {"linear_trend", "damped_trend"}
    assert len(frame) == 8


@pytest.mark.parametrize(
    ("values", "target", "status"),
    [
        ([0, 2, 4, 8, 12, 16], 30, "on_track"),  # +4/yr from 16 reaches 32 by 2020
        ([0, 2, 4, 8, 10, 12], 77, "needs_acceleration"),
        ([0, 2, 4, 8, 10, 3], 77, "regressing"),  # fell below its 2013 level
        ([0, 2, 4, 8, 10, 80], 77, "on_track"),  # already there
    ],
)
def test_pace_status(values, target, status):
    series = pd.Series(values, index=range(2011, 2017), dtype=float)
    result = pace(series, target, 2020)
    assert result.status == status


def test_pace_figures():
    series = pd.Series([0, 1, 3, 8, 15, 24], index=range(2011, 2017), dtype=float)
    result = pace(series, 77, 2020)
    assert result.observed_per_year == pytest.approx((24 - 3) / 3)
    assert result.required_per_year == pytest.approx((77 - 24) / 4)
    assert result.projected == pytest.approx(24 + 7 * 4)
    assert result.window == 3


def test_probability_at_least_from_interval():
    row = pd.Series({"mean": 50.0, "lo95": 40.2, "hi95": 59.8})
    assert probability_at_least(row, 50.0) == pytest.approx(0.5)
    assert probability_at_least(row, 59.8) == pytest.approx(0.025, abs=1e-3)
    assert np.isnan(
        probability_at_least(pd.Series({"mean": np.nan, "lo95": np.nan, "hi95": np.nan}), 1)
    )


def test_baselines_are_clipped_to_what_is_possible():
    # a 3-commune city that went 0, 1, 3: a straight line would promise 6 communes by 2020
    series = pd.Series([0.0, 0.0, 0.0, 1.0, 3.0, 3.0], index=range(2011, 2017))
    frame = baseline_forecasts(series, YEARS, upper=3)
    values = frame[["mean", "lo80", "hi80", "lo95", "hi95"]].dropna()
    assert (values.to_numpy() <= 3).all() and (values.to_numpy() >= 0).all()
    assert linear_trend(series, YEARS)["hi95"].max() > 3  # unclipped, it would overshoot


def test_pace_with_a_missing_year_uses_the_years_present():
    """A missing middle year crashed `ntm forecast` (KeyError); the window starts at the
    first year present in it."""
    series = pd.Series([2.0, 4.0, 10.0, 12.0], index=[2011, 2012, 2014, 2016])
    result = pace(series, target=20, target_year=2020)
    assert result.window == 2  # 2014 -> 2016 (2013 is missing)
    assert result.observed_per_year == pytest.approx(1.0)


def test_damped_trend_refuses_unequally_spaced_years():
    series = pd.Series([1.0, 2.0, 4.0, 5.0, 7.0], index=[2011, 2012, 2013, 2015, 2016])
    assert damped_trend(series, YEARS)["mean"].isna().all()
    assert linear_trend(series, YEARS)["mean"].notna().all()


def test_plan_as_forecast_interpolates_between_plan_years():
    frame = plan_forecast({2017: 38, 2020: 77}, current=24, as_of=2016, years=YEARS)
    np.testing.assert_allclose(frame["mean"], [38, 51, 64, 77])
    assert frame["lo80"].isna().all()  # a plan states one number
    later = plan_forecast({2017: 38}, current=24, as_of=2017, years=[2018])
    assert later["mean"].isna().all()  # no plan year ahead: no plan forecast
    table = baseline_forecasts(
        pd.Series([10.0, 24.0], index=[2015, 2016]), YEARS, upper=50, plan={2020: 77}
    )
    plan_rows = table[table["method"] == "plan"]
    np.testing.assert_allclose(plan_rows["mean"], [37.25, 50, 50, 50])  # clipped to 50
