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
    assert split["trend_weight"] == 0.0
    plain = simulate(three_years, two_transitions.no_trend, 2019, 400, seed=3)
    # the same fit, the same draws' distribution: the means agree within Monte Carlo error
    a, b = forecast.unit_draws(None, "ntm")[:, -1], plain.unit_draws(None, "ntm")[:, -1]
    se = np.sqrt(a.var() / len(a) + b.var() / len(b))
    assert abs(a.mean() - b.mean()) < 4 * se + 1e-9, (a.mean(), b.mean(), se)


def test_three_transitions_still_let_the_data_weigh_the_trend():
    truth = GeneratorParams(loss_criterion=NO_LOSS)
    panel = simulate_panel(truth, seed=5, communes_per_district=8, years=(2013, 2014, 2015, 2016))
    model = fit(panel)
    assert model.trend_choice == "data" and not model.trend_scores.empty
    assert 0.0 < model.trend_weight < 1.0


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
    """The share spread over [0, 1]: the mixture's mean count lies strictly between the
    lasting reading's and the count reading's, and its draws are not two clusters at those
    readings (its spread is narrower than the two-point mixture of them)."""
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
    two_point = np.concatenate([draws["lasting"][:750], draws["count"][:750]])
    assert draws["mixed"].std() < two_point.std(), (draws["mixed"].std(), two_point.std())
