"""Backtest: shape and meaning of the scores on a small generated panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ntm_analysis.backtest import backtest, calibration_table


@pytest.fixture(scope="module")
def result(small_panel):
    return backtest(small_panel, n_draws=200, seed=1)


def test_default_origins_leave_two_years_to_fit(result):
    assert result.origins == [2013, 2014, 2015]


def test_every_method_is_scored_for_every_unit(result):
    scores = result.scores
    assert set(scores["method"]) == {
        "transition",
        "transition_no_trend",
        "linear_trend",
        "damped_trend",
    }
    assert set(scores["level"]) == {"province", "district"}
    # 3 origins with 3, 2, 1 years ahead = 6 forecasts per unit, method and figure
    per = scores.groupby(["method", "unit_code", "figure"]).size()
    assert (per == 6).all()
    assert scores["horizon"].between(1, 3).all()


def test_scores_follow_from_the_rows(result):
    s = result.scores.dropna(subset=["mean"])
    inside = (s["observed"] >= s["lo80"]) & (s["observed"] <= s["hi80"])
    assert (inside == s["covered80"]).all()
    np.testing.assert_allclose(s["abs_error"], (s["mean"] - s["observed"]).abs())
    summary = result.summary.set_index(["figure", "level", "method"])
    row = summary.loc[("n_ntm", "province", "transition")]
    sub = s[(s["figure"] == "n_ntm") & (s["level"] == "province") & (s["method"] == "transition")]
    assert row["coverage80"] == pytest.approx(sub["covered80"].mean())
    assert row["mae"] == pytest.approx(sub["abs_error"].mean())


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
