"""The known processes of the calibration suite: the strong-trend scenario (issue 13,
review13 finding 1) really accelerates."""

from dataclasses import replace
from itertools import pairwise

import numpy as np
import pytest

from ntm_analysis.model.known_processes import SCENARIOS


def _gain_logit_slope(process, seeds) -> float:
    """Yearly slope of the logit of the share of unmet criteria gained the next year,
    pooled over ``seeds``' realisations (least squares over years)."""
    slopes = []
    for seed in seeds:
        truth = process.realise(seed)
        years = sorted(truth.states)
        rates = []
        for a, b in pairwise(years):
            unmet = ~truth.states[a]
            rates.append((truth.states[b] & unmet).sum() / unmet.sum())
        rates = np.clip(np.array(rates), 1e-3, 1 - 1e-3)
        slopes.append(np.polyfit(years[:-1], np.log(rates / (1 - rates)), 1)[0])
    return float(np.mean(slopes))


def test_accelerating_scenario_has_the_strongest_trend_and_its_gains_rise():
    accelerating = SCENARIOS["accelerating"]
    others = [p.trend for name, p in SCENARIOS.items() if name != "accelerating"]
    assert accelerating.trend >= 3 * max(others)
    assert accelerating.year_sd > 0  # with shared year shocks, as the issue asks
    small = accelerating.with_size(120, 6)
    seeds = range(4)
    steep = _gain_logit_slope(small, seeds)
    # the same process and seeds at the other scenarios' trend: the difference is the trend's
    flat = _gain_logit_slope(replace(small, trend=max(others)), seeds)
    assert steep - flat > 0.5 * (accelerating.trend - max(others))


def test_scenario_descriptions_name_their_trend_when_it_is_not_the_default():
    default = SCENARIOS["year_shocks"].trend
    for process in SCENARIOS.values():
        if process.trend != default:
            assert "trend" in process.description


def test_run_names_an_ability_of_the_wrong_shape():
    """Abilities come one per commune, or one per draw and commune; anything else is refused
    by name, not deep inside numpy's broadcasting."""
    process = SCENARIOS["year_shocks"].with_size(12, 3)
    truth = process.realise(0)
    state = truth.states[2014]
    rng = np.random.default_rng(0)
    for wrong in (truth.ability[:5], np.tile(truth.ability, (3, 1))):
        with pytest.raises(ValueError, match=r"Process\.run: ability has shape"):
            process.run(state, wrong, 2014, 2016, 4, rng)
    assert len(process.run(state, np.tile(truth.ability, (4, 1)), 2014, 2016, 4, rng)) == 3
