"""width15: each switch removes only its own source of spread, only inside its block, and the
"main" variant is the product's forecast."""

import numpy as np
import pandas as pd
import pytest

from benchmarks.diagnostics import width15 as w
from ntm_analysis.model import calibration as cal
from ntm_analysis.model import exact, glmm
from ntm_analysis.model import forecast as fcm
from ntm_analysis.model import transitions as tr
from ntm_analysis.model.known_processes import SCENARIOS

SMALL = SCENARIOS["strong_communes"].with_size(60, 4)


@pytest.fixture(scope="module")
def case():
    history = cal.realised(SMALL, 0).panel(2015)
    return history, tr.fit(history)


def test_main_is_the_products_forecast_and_the_switches_are_restored(case):
    history, _ = case
    product = cal.model_forecaster(history, 2017, 60, 7)
    mine = w.forecaster("main")(history, 2017, 60, 7)
    assert np.array_equal(product.count, mine.count)
    assert np.array_equal(product.mean_criteria, mine.mean_criteria)
    for name in w.VARIANTS:
        w.forecaster(name)(history, 2017, 40, 7)
    assert glmm.Posterior.draw_sd is w._ORIGINAL["draw_sd"]
    assert glmm.Posterior.draw_given_sd is w._ORIGINAL["draw_given_sd"]
    assert fcm._component_draws is w._ORIGINAL["component_draws"]
    assert exact.draw is w._ORIGINAL["exact_draw"]


def test_each_switch_holds_its_own_part(case):
    _, model = case
    post = model.gain_posterior
    sd = np.full(50, post.sd["year"])
    centre = w._centre_given_sd(post, "year", sd)
    with w.held("fixed"):
        block, _ = post.draw_given_sd("year", sd, np.random.default_rng(1))
    # (a term the fit holds at 0, variance 1e-12, moves by ~1e-6)
    assert np.allclose(block[:, : w.P], centre[:, : w.P], atol=1e-5)
    assert block[:, w.P :].std(axis=0).max() > 1e-3  # the rest still drawn
    with w.held("commune"):
        block, communes = post.draw_given_sd("year", sd, np.random.default_rng(1))
    mode = post.commune_mean - np.asarray(post.coupling @ (block - post.mean).T).T
    assert np.allclose(communes, mode)
    with w.held("all"):
        block, communes = post.draw_given_sd("year", sd, np.random.default_rng(1))
    assert np.allclose(block, centre, atol=1e-5)
    with w.year_sd_at("floor"):
        drawn = post.draw_sd("year", np.random.default_rng(1), 20)
    assert (drawn == tr.YEAR_PRIOR.lower).all()


def test_the_cases_are_scored_and_the_years_recorded():
    cases, fits = w.run_cases([SMALL], [0], [2015], ["main", "no_future_shocks", "all_off"])
    assert set(cases["forecaster"]) == {"main", "no_future_shocks", "all_off"}
    assert len(fits) == 1 and fits["tr_df"].iloc[0] >= 1
    table = w.summary(cases)
    assert set(table["variant"]) == {"main", "no_future_shocks", "all_off"}
    assert (table.loc[table["variant"] == "main", "crps/main"] == "1.00 [1.00, 1.00]").all()
    assert len(w.fit_summary(fits)) == 1


def test_the_level_information_is_the_binomial_information_of_a_common_shift():
    truth = cal.realised(SMALL, 2)
    year, process = 2013, SMALL
    total = 0.0
    for i in range(len(truth.ability)):
        met = truth.states[year][i]
        push = process.push * (met.sum() >= process.push_threshold)
        for c in range(19):
            if not met[c]:
                eta = (
                    process.base_gain
                    + process.difficulty[c]
                    + truth.ability[i]
                    + process.trend * (year - process.first_year)
                    + push
                )
                p = 1.0 / (1.0 + np.exp(-eta))
                total += p * (1.0 - p)
    assert w.level_information(truth, year) == pytest.approx(total, rel=1e-9)


def test_the_level_learnt_forecasters_run_and_the_known_level_is_the_ideal():
    rows = pd.DataFrame(w.level_learnt_rows(SMALL, 0, [2015], n_draws=300))
    assert set(rows["forecaster"]) == {"known_level", "level_learnt", "slope_learnt"}
    assert len(rows) == 3 * 4 * 2
    known = rows[rows["forecaster"] == "known_level"]
    # the same process from the same state: within Monte Carlo noise of the ideal
    assert 0.7 < known["crps"].sum() / known["ideal_crps"].sum() < 1.4
    assert len(w.level_summary(rows)) == 3 * 4 * 2
