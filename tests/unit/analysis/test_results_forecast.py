"""The results of a forecast (``analysis.results``): the status beside its percentage and its
stability across seeds on the bundled province, the Monte Carlo error and the closeness to a
threshold, the trend dependence read from the top-up draws. Moved from tests/unit/model/
(test_forecast.py, test_engine.py: model tests import only model and below)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ntm_analysis.analysis.results import status_from_probability, unit_results
from ntm_analysis.io.load import load_panel
from ntm_analysis.model.forecast import run_forecast, simulate
from ntm_analysis.model.transitions import fit


@pytest.fixture(scope="module")
def light_trend(small_panel):
    """The small panel's fit with the trend given 10% of the draws: its fit is the short one."""
    return replace(fit(small_panel), trend_weight=0.1)


@pytest.mark.parametrize("p", [0.2449, 0.245, 0.2451, 0.2499, 0.25, 0.7449, 0.745, 0.7467, 0.75])
def test_the_status_agrees_with_the_percentage_printed_beside_it(p):
    """0.7467 prints as "75%", and 75% is on track: the badge must not say otherwise."""
    from ntm_analysis.analysis.results import OFF_TRACK, ON_TRACK, status_from_probability
    from ntm_analysis.i18n import fmt_percent

    shown = int(fmt_percent(p, "en").rstrip("%"))
    expected = (
        "on_track"
        if shown >= 100 * ON_TRACK
        else "off_track"
        if shown < 100 * OFF_TRACK
        else "needs_acceleration"
    )
    assert status_from_probability(p) == expected


def test_the_results_carry_the_forecasts_monte_carlo_error(small_panel):
    forecast = run_forecast(small_panel, 2020, n_draws=800, seed=3)
    p = forecast.probability(15, 2020)
    result = unit_results(small_panel, forecast, None, target=15, year=2020)
    assert result.probability_se == pytest.approx(forecast.probability_se(p))


@pytest.mark.parametrize(
    ("p", "se", "expected"),
    [(0.756, 0.0096, 0.75), (0.742, 0.0098, 0.75), (0.80, 0.009, None), (0.26, 0.0098, 0.25)],
)
def test_close_to_a_threshold_when_the_mc_interval_holds_it(p, se, expected):
    from ntm_analysis.analysis.results import threshold_straddled

    assert threshold_straddled(p, se) == expected


def test_trend_dependence_reads_the_top_up_without_another_simulation(
    small_panel, light_trend, monkeypatch
):
    import ntm_analysis.analysis.results as results

    topped = simulate(small_panel, light_trend, 2020, 400, seed=6, component_draws=500)

    def no_simulation(*args, **kwargs):
        raise AssertionError("simulated again")

    monkeypatch.setattr(results, "simulate", no_simulation)
    dep = results.trend_dependence(small_panel, topped, 15, 2020, None)
    assert dep["n_with_trend"] == 500
    assert dep["with_trend"] == topped.component_probability(15, 2020, None, True)[0]
    assert dep["n_without_trend"] == 500  # 360 in the mixture, 140 topped up
    assert dep["without_trend"] == topped.component_probability(15, 2020, None, False)[0]


def test_the_bundled_verdict_does_not_flip_between_seeds():
    """P(77 communes by 2020) on the bundled province at the default 2,000 draws: the same
    status band for every seed, and the seeds agree within their Monte Carlo error."""
    panel = load_panel()
    model = fit(panel)
    probabilities = [
        simulate(panel, model, 2020, n_draws=2000, seed=seed).probability(77, 2020)
        for seed in (0, 1, 2, 3)
    ]
    assert len({status_from_probability(p) for p in probabilities}) == 1, probabilities
    se = np.sqrt(0.25 / 2000)
    assert max(probabilities) - min(probabilities) < 5 * se * np.sqrt(2), probabilities
