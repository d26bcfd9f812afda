"""Backtest: shape and meaning of the scores on a small generated panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ntm_analysis.model.backtest import backtest, calibration_table

PLAN = {"n_ntm": {2015: 5.0, 2016: 9.0}}


@pytest.fixture(scope="module")
def result(small_panel):
    return backtest(small_panel, n_draws=200, seed=1, plan=PLAN)


def test_default_origins_leave_two_years_to_fit(result):
    assert result.origins == [2013, 2014, 2015]


def test_every_method_is_scored_for_every_unit(result):
    scores = result.scores
    assert set(scores["method"]) == {
        "transition",
        "transition_no_trend",
        "linear_trend",
        "damped_trend",
        "persistence",
        "plan",
    }
    assert set(scores["level"]) == {"province", "district"}
    # 3 origins with 3, 2, 1 years ahead = 6 forecasts per unit, method and figure
    per = scores.groupby(["method", "unit_code", "figure"]).size()
    assert (per == 6).all()
    # the plan is the province's, for the figure it was given for
    plan_rows = scores[scores["method"] == "plan"]
    assert set(plan_rows["unit_code"]) == {0} and set(plan_rows["figure"]) == {"n_ntm"}
    assert scores["horizon"].between(1, 3).all()


def test_scores_follow_from_the_rows(result):
    s = result.scores.dropna(subset=["mean", "lo80"])
    inside = (s["observed"] >= s["lo80"]) & (s["observed"] <= s["hi80"])
    assert (inside == s["covered80"].astype(bool)).all()
    np.testing.assert_allclose(s["abs_error"], (s["mean"] - s["observed"]).abs())
    summary = result.summary.set_index(["figure", "level", "method"])
    for level in ("province", "district"):
        row = summary.loc[("n_ntm", level, "transition")]
        sub = s[
            (s["figure"] == "n_ntm")
            & (s["level"] == level)
            & (s["method"] == "transition")
            & ~s["trivial"]
        ]
        assert row["n"] == len(sub)
        assert row["coverage80"] == pytest.approx(sub["covered80"].mean())
        assert row["mae"] == pytest.approx(sub["abs_error"].mean())


def test_trivial_cases_are_left_out_for_every_method_alike(result):
    s = result.scores
    trivial = s[s["trivial"]]
    assert len(trivial), "the small panel has districts with no commune near the standard"
    main = trivial[trivial["method"] == "transition"]
    assert (main["observed"] == 0).all() and (main["hi95"] == 0).all()
    # a case is trivial for every method or for none
    per_case = s.groupby(["unit_code", "origin", "year", "figure"])["trivial"].nunique()
    assert (per_case == 1).all()
    summary = result.summary.set_index(["figure", "level", "method"])
    for method in ("transition", "linear_trend", "persistence"):
        row = summary.loc[("n_ntm", "district", method)]
        rows = s[(s["figure"] == "n_ntm") & (s["level"] == "district") & (s["method"] == method)]
        assert row["n_trivial"] == rows["trivial"].sum() > 0
        assert row["n"] == (~rows["trivial"] & rows["mean"].notna()).sum()


def test_effective_cases_count_distinct_outcomes(result):
    summary = result.summary.set_index(["figure", "level", "method"])
    # six province forecasts from origins 2013-2015 score only three outcomes: 2014-2016
    row = summary.loc[("n_ntm", "province", "transition")]
    assert row["n"] == 6 and row["n_effective"] == 3
    assert (result.summary["n_effective"] <= result.summary["n"]).all()
    assert (result.calibration["n_effective"] <= result.calibration["n"]).all()


def test_persistence_and_plan_give_a_number_without_an_interval(result, small_panel):
    s = result.scores
    held = s[(s["method"] == "persistence") & (s["unit_code"] == 0) & (s["figure"] == "n_ntm")]
    counts = small_panel.status.groupby(["commune_code", "year"])["met"].sum()
    ntm_2013 = int((counts.xs(2013, level="year") == 19).sum())
    assert held[held["origin"] == 2013]["mean"].eq(ntm_2013).all()
    assert held["covered80"].isna().all()
    plan = s[(s["method"] == "plan") & (s["origin"] == 2015)]
    assert plan["mean"].tolist() == [9.0]  # 2016's plan figure
    # origin 2013: 2014 interpolated from the observed 2013 value to 2015's plan
    plan13 = s[(s["method"] == "plan") & (s["origin"] == 2013)].set_index("year")["mean"]
    assert plan13[2014] == pytest.approx((ntm_2013 + 5.0) / 2)
    summary = result.summary.set_index(["figure", "level", "method"])
    assert np.isnan(summary.loc[("n_ntm", "province", "plan"), "coverage80"])
    assert summary.loc[("n_ntm", "province", "plan"), "mae"] >= 0


def test_brier_scores_are_probabilities_scores(result):
    table = result.brier.set_index("method")
    assert set(table.index) == {"transition", "transition_no_trend", "persistence"}
    assert table["brier"].between(0, 1).all()


def test_calibration_table_counts_every_commune_year(result, small_panel):
    n_communes = len(small_panel.communes)
    assert result.calibration["n"].sum() == n_communes * (3 + 2 + 1)
    assert result.calibration["observed"].between(0, 1).all()


def test_calibration_table_by_hand():
    frame = pd.DataFrame({"p_ntm": [0.05, 0.05, 0.75, 0.72, 0.71], "ntm": [0, 0, 1, 1, 0]})
    table = calibration_table(frame).set_index("bin")
    assert table["n"].tolist() == [2, 3]
    assert table["observed"].tolist() == pytest.approx([0.0, 2 / 3])


def test_too_short_a_panel_is_refused(small_panel):
    with pytest.raises(ValueError, match="too short to backtest"):
        backtest(small_panel.subset(years=[2015, 2016]))
