"""Thin panels (fewer than three transitions): what one or two transitions cannot identify is
not extrapolated. Two transitions: the draws come from the no-trend fit (the trend fit kept as
the alternative beside the headline); one transition: each draw splits the count's slope
between lasting capacity and the count's own effect by a share spread over [0, 1]
(``forecast.lasting_shares``). See ``model.transitions`` "Trend choice"/"Capacity form"."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ntm_analysis.model.forecast import lasting_shares, simulate
from ntm_analysis.model.synthetic import GeneratorParams, simulate_panel
from ntm_analysis.model.transitions import TREND, fit

NO_LOSS = (0.0,) * 19


@pytest.fixture(scope="module")
def three_years():
    truth = GeneratorParams(loss_criterion=NO_LOSS)
    return simulate_panel(truth, seed=5, communes_per_district=8, years=(2014, 2015, 2016))


@pytest.fixture(scope="module")
def two_transitions(three_years):
    return fit(three_years)


def test_two_transitions_draw_from_the_no_trend_fit(two_transitions):
    model = two_transitions
    assert model.n_transitions == 2 and model.thin
    assert (model.trend_choice, model.trend_weight) == ("two_transitions", 0.0)
    assert model.no_trend is not None and model.trend_scores.empty
    assert model.gain_cov[TREND, TREND] > 0.0  # the trend fit itself is still a trend fit


def test_two_transitions_forecast_uses_no_trend_draws_but_shows_the_trend(
    three_years, two_transitions
):
    """Every draw of the forecast is a no-trend draw; the trend fit's own P(target) is still
    simulated (top-up draws) so the headline can set it beside the forecast."""
    forecast = simulate(three_years, two_transitions, 2019, 400, seed=3, component_draws=200)
    assert not forecast.from_trend.any()
    split = forecast.probability_by_trend(10, 2019)
    assert split["trend_weight"] == 0.0 and split["with_trend"] is None
    # the trend fit's probability, from its top-up draws only (what the headline sets beside)
    with_trend = forecast.component_probability(10, 2019, None, trend=True)
    assert with_trend is not None and with_trend[1] == 200, with_trend
    assert forecast.component_probability(10, 2019, None, trend=False)[1] == 400
    # the forecast's draws are the no-trend fit's own, draw for draw (same seed): the top-up
    # draws of the trend fit do not leak into them
    plain = simulate(three_years, two_transitions.no_trend, 2019, 400, seed=3)
    np.testing.assert_array_equal(forecast.unit_draws(None, "ntm"), plain.unit_draws(None, "ntm"))


def test_three_transitions_still_let_the_data_weigh_the_trend():
    truth = GeneratorParams(loss_criterion=NO_LOSS)
    panel = simulate_panel(truth, seed=5, communes_per_district=8, years=(2013, 2014, 2015, 2016))
    model = fit(panel)
    scores = model.trend_scores
    assert model.trend_choice == "data" and set(scores["year"]) == {2015}  # one held-out year
    # the weight is that year's evidence (pseudo-BMA of the two fits' held-out log scores),
    # not a rule's 0 or ½
    total = scores.groupby("trend")["log_score"].sum()
    evidence = 1.0 / (1.0 + np.exp(-(total[True] - total[False])))
    assert model.trend_weight == pytest.approx(evidence, rel=1e-9)


@pytest.mark.parametrize("weight", [0.5, 0.3, 0.8])
def test_lasting_shares_spread_over_the_unit_interval_with_the_weight_as_mean(weight):
    shares = lasting_shares(weight, 2000)
    assert shares.mean() == pytest.approx(weight, abs=2e-3)
    assert shares.min() >= 0.0 and shares.max() <= 1.0
    # not the two-point reading (every draw at 0 or 1): most draws away from both ends
    ends = np.mean((shares < 0.05) | (shares > 0.95))
    assert ends < 0.5, ends
    assert np.ptp(shares) > 0.9


def test_lasting_shares_at_a_certain_weight_are_that_reading():
    np.testing.assert_array_equal(lasting_shares(1.0, 7), np.ones(7))
    np.testing.assert_array_equal(lasting_shares(0.0, 7), np.zeros(7))


def test_one_transition_mixture_lies_between_its_readings():
    """The share spread over [0, 1]: the mixture's mean count lies between the lasting
    reading's and the count reading's, below their midpoint (the count reading is convex in
    the share: what README and report.note.capacity_mixed say), and its draws are not two
    clusters at those readings (its spread clearly narrower than their two-point mixture's:
    5.4 against 6.8 communes here; the two-point share gave 6.9)."""
    truth = GeneratorParams(loss_criterion=NO_LOSS)
    panel = simulate_panel(truth, seed=6, communes_per_district=8, years=(2015, 2016))
    model = fit(panel)
    assert model.capacity_form == "mixed"
    draws = {
        name: simulate(panel, replace(model, capacity_weight=w), 2020, 1500, seed=2)
        .unit_draws(None, "ntm")[:, -1]
        .astype(float)
        for name, w in (("lasting", 1.0), ("count", 0.0), ("mixed", 0.5))
    }
    means = {k: v.mean() for k, v in draws.items()}
    assert means["lasting"] < means["mixed"] < means["count"], means
    midpoint = (means["lasting"] + means["count"]) / 2
    se = np.sqrt(
        draws["mixed"].var() / 1500 + (draws["lasting"].var() + draws["count"].var()) / 1500 / 4
    )
    assert means["mixed"] < midpoint - 4 * se, (means, midpoint, se)
    two_point = np.concatenate([draws["lasting"][:750], draws["count"][:750]])
    assert draws["mixed"].std() < 0.9 * two_point.std(), (draws["mixed"].std(), two_point.std())
