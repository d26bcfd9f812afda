"""The capacity form (with or without the first-year count "level"), the year-shock spread's
posterior and the thin-panel fallbacks, checked on processes written here (not the
calibration suite's ``known_processes``): one where a commune's lasting ability drives its
progress, one where the count of criteria already met does."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from ntm_analysis.core.criteria import CRITERIA_NUMBERS, N_CRITERIA
from ntm_analysis.core.panel import Panel
from ntm_analysis.model.forecast import simulate
from ntm_analysis.model.transitions import (
    LEVEL,
    capacity_scores,
    capacity_weight,
    fit,
    transitions,
)

YEARS = tuple(range(2011, 2017))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def own_panel(
    seed: int,
    ability_sd: float,
    count_slope: float,
    year_sd: float = 0.0,
    years: tuple[int, ...] = YEARS,
    n: int = 160,
) -> Panel:
    """A synthetic province: gain log-odds = −1.8 + criterion + ability + slope·(count − 10)
    + the year's shock shared by all; a met criterion is lost with probability 0.01."""
    rng = np.random.default_rng(seed)
    ability = rng.normal(0.0, ability_sd, n)
    difficulty = rng.normal(0.0, 1.0, N_CRITERIA)
    state = rng.random((n, N_CRITERIA)) < _sigmoid(-1.2 + 0.8 * difficulty + ability[:, None])
    states = [state]
    for _ in years[1:]:
        count = state.sum(axis=1, keepdims=True)
        eta = -1.8 + difficulty + ability[:, None] + count_slope * (count - 10)
        eta = eta + rng.normal(0.0, year_sd) if year_sd else eta
        u = rng.random(state.shape)
        state = np.where(state, u > 0.01, u < _sigmoid(eta))
        states.append(state)
    district = np.arange(n) % 6 + 1
    codes = [f"T{d}{i:03d}" for i, d in enumerate(district)]
    communes = pd.DataFrame(
        {
            "commune_code": codes,
            "commune_name": [f"Xã thử {c}" for c in codes],  # synthetic placeholders
            "district_code": district,
            "district_name": [f"Huyện thử {d}" for d in district],
            "difficult": False,
        }
    )
    status = pd.DataFrame(
        {
            "commune_code": np.repeat(np.tile(codes, len(years)), N_CRITERIA),
            "year": np.repeat(np.repeat(years, n), N_CRITERIA),
            "criterion": np.tile(np.array(CRITERIA_NUMBERS), n * len(years)),
            "met": np.concatenate([s.ravel() for s in states]),
        }
    )
    return Panel.from_frames(
        status, communes, source="synthetic: test process", synthetic=True, province_name="test"
    )


def test_lasting_ability_is_read_as_level_by_held_out_commune_likelihood():
    model = fit(own_panel(4, 1.3, 0.0), trend=False)
    assert model.capacity_choice == "data"
    assert model.capacity_form == "level", model.capacity_scores
    scores = model.capacity_scores
    assert set(scores["form"]) == {"level", "count"}
    assert (scores["cutoff"] < scores["year"]).all()  # scored only on a later year
    assert scores["year"].nunique() == 2  # the last two transitions, each held out once
    assert model.capacity_weight == pytest.approx(capacity_weight(scores))
    assert model.capacity_weight > 0.5 and model.gain_params[LEVEL] > 0.1


def test_a_count_driven_process_gets_no_lasting_level():
    """Where the count itself drives progress, whichever form the held-out years pick, the
    first-year count carries (almost) nothing and the count's slope is found."""
    model = fit(own_panel(4, 0.15, 0.3), trend=False)
    assert model.capacity_choice == "data"
    level = model.gain_params[LEVEL] if model.capacity_form == "level" else 0.0
    assert abs(level) < 0.08, model.capacity_scores
    assert model.gain_params[N_CRITERIA] == pytest.approx(0.3, abs=0.1)  # the count's slope
    if model.capacity_form == "count":
        assert model.gain_params[LEVEL] == pytest.approx(0.0, abs=1e-4)


def test_capacity_weight_follows_the_score_difference():
    scores = pd.DataFrame({"form": ["level", "count"], "log_score": [-100.0, -102.0]})
    assert capacity_weight(scores) == pytest.approx(1 / (1 + np.exp(-2.0)))
    assert capacity_weight(scores.assign(form=["count", "level"])) < 0.5


def test_the_score_difference_records_its_own_noise():
    """``noise_var``: the level − count difference's variance from the held-out luck, by
    commune blocks. Over eight provinces of one lasting-ability process the differences
    spread about as much as it says (a little more: the provinces also differ): the
    weight's logistic reads a difference of a few units as near-certain where it is not."""
    diffs, sds = [], []
    for seed in range(8):
        panel = own_panel(seed, 1.3, 0.0)
        scores = capacity_scores(transitions(panel), panel)
        total = scores.groupby("form")["log_score"].sum()
        diffs.append(total["level"] - total["count"])
        sds.append(np.sqrt(scores["noise_var"].sum()))
    assert (scores["noise_var"] > 0).sum() == 1  # one total, on the last year's level row
    assert 0.7 < np.std(diffs, ddof=1) / np.median(sds) < 2.5


def test_thin_panels_fall_back_where_nothing_can_be_scored():
    long = own_panel(5, 0.8, 0.0)
    years = long.years
    cases = {
        2: ("mixed", "too_few", "one_transition"),  # one transition: both readings, no trend
        3: ("level", "too_few", "two_transitions"),  # two: nothing to score; no trend draws
        4: ("level", "data", "data"),  # three: one held-out year scores both
    }
    for n_years, (form, choice, trend_choice) in cases.items():
        model = fit(own_panel(5, 0.8, 0.0, years=tuple(years[:n_years])))
        assert (model.capacity_choice, model.trend_choice) == (choice, trend_choice), n_years
        if choice == "too_few":
            assert model.capacity_form == form
        if trend_choice == "two_transitions":
            assert model.trend_weight == 0.0 and model.trend_scores.empty
    assert fit(long).trend_choice == "data"


def test_year_shock_spread_can_be_small_when_there_are_no_shocks():
    """The half-normal prior keeps 'no shared shocks' possible: five calm years give a spread
    whose draws sit mostly below those of five shocked years, and two years leave the prior."""
    rng = np.random.default_rng(0)
    medians = {}
    for year_sd in (0.0, 0.5):
        model = fit(own_panel(6, 0.8, 0.0, year_sd=year_sd), trend="only")
        medians[year_sd] = np.median(model.gain_posterior.draw_sd("year", rng, 4000))
    assert medians[0.0] < 0.2 < medians[0.5], medians
    thin = fit(own_panel(6, 0.8, 0.0, years=YEARS[:3]), trend="only")
    draws = thin.gain_posterior.draw_sd("year", rng, 4000)
    assert np.median(draws) > 0.2 and np.quantile(draws, 0.9) > 0.5  # the prior, not 0


def test_one_transition_reads_the_count_both_ways_and_widens():
    """One transition cannot tell the count's effect from lasting capacity: each draw reads a
    share of the count's slope, spread over [0, 1], as a commune's lasting level (its rate
    stays), the rest as the count itself (its rate grows as it gains). Under lasting ability
    the mixture forecasts fewer communes than the count reading alone, and is wider than the
    lasting reading."""
    panel = own_panel(7, 1.0, 0.0, years=(2015, 2016))
    model = fit(panel)
    assert (model.capacity_form, model.capacity_weight) == ("mixed", 0.5)
    forecasts = {
        form: simulate(panel, replace(model, capacity_form=form), 2020, 2000, seed=1)
        for form in ("mixed", "count")
    }
    lasting = replace(model, capacity_form="mixed", capacity_weight=1.0)
    forecasts["lasting"] = simulate(panel, lasting, 2020, 2000, seed=1)
    draws = {form: fc.unit_draws(None, "ntm")[:, -1] for form, fc in forecasts.items()}
    means = {form: d.mean() for form, d in draws.items()}
    assert means["lasting"] < means["mixed"] < means["count"], means
    width = {form: np.subtract(*np.quantile(d, [0.9, 0.1])) for form, d in draws.items()}
    assert width["mixed"] > width["lasting"], width  # the doubt shows in the interval
