"""The transition model (``model.transitions.fit``) on simulated panels with known parameters:
recovery, thin and gappy panels, strong commune differences, year shocks, registrations, and
its speed-ups against the plain estimator. The GLMM solver's own tests: test_glmm.py; what
the headline says about thin, gappy and registered panels:
tests/unit/report/test_headline_forecast.py."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from ntm_analysis.core.errors import MessageError
from ntm_analysis.core.panel import Panel
from ntm_analysis.model.forecast import run_forecast
from ntm_analysis.model.glmm import Factor
from ntm_analysis.model.known_processes import SCENARIOS
from ntm_analysis.model.notes import ModelNote
from ntm_analysis.model.synthetic import GeneratorParams, simulate_panel
from ntm_analysis.model.transitions import GAIN_TERMS, TREND, fit, transitions

NO_LOSS = (0.0,) * 19


def _drop_years(panel: Panel, years: list[int]) -> Panel:
    return panel.subset(years=[y for y in panel.years if y not in years])


def _finite_and_bounded(model) -> None:
    post = model.gain_posterior
    assert np.isfinite(post.mean).all() and np.isfinite(post.cov).all()
    assert np.isfinite(post.commune_mean).all()
    assert np.abs(post.commune_mean).max() < 10
    for name, sd in post.sd.items():
        assert 0.0 < sd <= 3.0, (name, sd)
    assert np.all(np.linalg.eigvalsh(post.cov) > 0)


def test_trend_is_recovered_under_strong_commune_differences_from_an_early_origin():
    """Fitting the fixed part without commune effects read weak communes piling up among the
    unmet rows as a slowing trend (−0.3 where the truth was +0.05); jointly it is not."""
    truth = GeneratorParams(commune_sd=1.5, b_trend=0.05, loss_criterion=NO_LOSS)
    panel = simulate_panel(truth, seed=11, communes_per_district=25, years=range(2011, 2015))
    model = fit(panel, trend="only")
    est, se = model.gain_params[TREND], np.sqrt(model.gain_cov[TREND, TREND])
    assert abs(est - truth.b_trend) < 3 * se, (est, se)
    assert se < 0.5  # the data, not only the prior (sd 0.5), inform it
    tau = model.communes["tau"].iloc[0]
    assert 0.8 < tau < 2.0  # n_met absorbs part of the persistent effect
    assert model.gain_posterior.converged


def test_fixed_terms_are_recovered_within_their_standard_errors():
    truth = GeneratorParams(
        commune_sd=0.6, b_close=1.5, b_trend=0.1, loss_criterion=NO_LOSS, b_difficult=-0.5
    )
    panel = simulate_panel(truth, seed=5, communes_per_district=30)
    model = fit(panel, trend="only")
    est = dict(zip(GAIN_TERMS, model.gain_params, strict=True))
    se = dict(zip(GAIN_TERMS, np.sqrt(np.diag(model.gain_cov)), strict=True))
    for term, value in [
        ("n_met", truth.b_n_met),
        ("difficult", truth.b_difficult),
        ("trend", truth.b_trend),
    ]:
        assert abs(est[term] - value) < 3 * se[term], (term, est[term], se[term], value)
    # the push is a step at 15 in the truth: the steps up to 15 add up to it
    push = sum(est[t] for t in ("close_11", "close_12", "close_13", "close_14", "close"))
    push_se = np.sqrt(sum(se[t] ** 2 for t in ("close_13", "close_14", "close")))
    assert abs(push - truth.b_close) < 3 * push_se + 0.3, (push, push_se)


@pytest.mark.parametrize("commune_sd", [2.5, 3.5])
def test_strong_commune_differences_do_not_diverge(commune_sd):
    truth = GeneratorParams(commune_sd=commune_sd, loss_criterion=NO_LOSS)
    panel = simulate_panel(truth, seed=2, communes_per_district=10)
    model = fit(panel)
    _finite_and_bounded(model)
    assert model.communes["tau"].iloc[0] > 1.0


def test_two_year_panel_fits_without_divergence_and_says_it_is_thin():
    panel = simulate_panel(seed=4, communes_per_district=6, years=(2015, 2016))
    model = fit(panel)
    _finite_and_bounded(model)
    assert model.thin and ModelNote.thin(1) in model.notes
    assert model.trend_choice == "one_transition" and model.trend_weight == 0.0
    forecast = run_forecast(panel, 2020, n_draws=400, seed=1)
    assert np.isfinite(forecast.ntm).all()
    assert forecast.model.thin  # the headline says so (report/test_headline_forecast.py)


def test_thin_panels_give_wider_intervals_than_long_ones():
    """Same process, same last year: 2 years of history must not look surer than 6."""
    truth = GeneratorParams(loss_criterion=NO_LOSS)
    long = simulate_panel(truth, seed=8, communes_per_district=10)
    short = _drop_years(long, [2011, 2012, 2013, 2014])
    widths = []
    for panel in (long, short):
        q = run_forecast(panel, 2019, n_draws=1500, seed=2).quantiles()
        widths.append(float((q["hi80"] - q["lo80"]).iloc[-1]))
    assert widths[1] > widths[0], widths


def test_a_missing_middle_year_is_named_and_its_change_not_used():
    panel = _drop_years(simulate_panel(seed=3, communes_per_district=5), [2014])
    table = transitions(panel)
    assert sorted(table["year"].unique()) == [2011, 2012, 2015]  # no 2013->2015 pair
    model = fit(panel)
    assert ModelNote.gap(2013, 2015) in model.notes
    forecast = run_forecast(panel, 2020, n_draws=300, seed=1)
    assert ModelNote.gap(2013, 2015) in forecast.model.notes  # named in the headline


def test_no_two_consecutive_years_is_a_clear_refusal():
    panel = _drop_years(simulate_panel(seed=3, communes_per_district=3), [2012, 2014, 2016])
    with pytest.raises(MessageError) as info:
        fit(panel)
    assert "2011, 2013, 2015" in str(info.value)
    assert "consecutive" in str(info.value)


def test_communes_appearing_and_disappearing_do_not_crash_the_fit():
    panel = simulate_panel(seed=6, communes_per_district=4)
    codes = panel.communes["commune_code"].tolist()
    gone, new = codes[0], codes[5]  # gone after 2014; new from 2013
    status = panel.status[
        ~((panel.status["commune_code"] == gone) & (panel.status["year"] > 2014))
        & ~((panel.status["commune_code"] == new) & (panel.status["year"] < 2013))
    ]
    changed = replace(panel, status=status.reset_index(drop=True))
    model = fit(changed)
    _finite_and_bounded(model)
    forecast = run_forecast(changed, 2018, n_draws=200, seed=1)
    assert gone not in forecast.communes["commune_code"].tolist()
    assert new in forecast.communes["commune_code"].tolist()
    assert forecast.n_communes() == len(codes) - 1


def test_year_shocks_widen_the_trend_standard_error_and_are_not_estimated_as_zero():
    """Years, not rows, are the replicates for year-level terms."""
    calm = SCENARIOS["strong_communes"].with_size(120, 6)
    shocked = replace(calm, year_sd=0.4, commune_sd=0.8)
    ses, sds = [], []
    for process in (calm, shocked):
        panel = process.realise(3).panel(2016)
        model = fit(panel, trend="only")
        ses.append(np.sqrt(model.gain_cov[TREND, TREND]))
        sds.append(model.year_sd)
        draws = model.gain_posterior.draw_sd("year", np.random.default_rng(0), 2000)
        assert draws.std() > 0.05  # the spread's own uncertainty is carried into the draws
    assert sds[0] > 0.0
    assert sds[1] > sds[0] and ses[1] > ses[0], (sds, ses)


def test_trend_choice_is_made_by_data_and_shown():
    panel = simulate_panel(seed=7, communes_per_district=5)
    model = fit(panel)
    assert model.trend_choice == "data"
    assert 0.0 < model.trend_weight < 1.0
    scores = model.trend_scores
    assert set(scores["trend"]) == {True, False}
    assert (scores["cutoff"] < scores["year"]).all()  # scored only on later years
    assert model.no_trend is not None and model.no_trend.gain_params[TREND] == 0.0


def test_losses_have_district_effects_and_stay_rare():
    model = fit(simulate_panel(seed=7, communes_per_district=5))
    assert {"loss_effect", "loss_sd"} <= set(model.districts.columns)
    p_loss = 1 / (1 + np.exp(-model.loss_params[:5]))
    assert (p_loss < 0.2).all()


def test_fit_handles_a_panel_without_difficult_communes():
    panel = simulate_panel(seed=1, communes_per_district=4)
    communes = panel.communes.assign(difficult=False)
    model = fit(replace(panel, communes=communes))
    assert abs(model.gain_params[GAIN_TERMS.index("difficult")]) < 1e-3
    assert isinstance(model.coefficients(), pd.DataFrame)


def _registrations(panel: Panel) -> dict[int, set[str]]:
    """Registration lists for 2013–2016 that carry information: communes at 10+ criteria the
    year before that then gained at least two (a push the fit must find, without every
    registered row succeeding)."""
    n_met = panel.wide().sum(axis=1).unstack("year")
    return {
        year: set(n_met.index[(n_met[year - 1] >= 10) & (n_met[year] - n_met[year - 1] >= 2)])
        for year in range(2013, 2017)
    }


def test_registered_push_is_estimated_where_history_shows_it():
    panel = simulate_panel(seed=12, communes_per_district=12)
    strong = fit(panel, trend="only", registered=_registrations(panel))
    k = GAIN_TERMS.index("registered")
    est, se = strong.gain_params[k], np.sqrt(strong.gain_cov[k, k])
    assert est > 3 * se > 0
    assert ModelNote.registered_scenario() not in strong.notes


def test_registration_without_history_is_a_labelled_scenario():
    panel = simulate_panel(seed=12, communes_per_district=4)
    future = {2017: set(panel.communes["commune_code"][:5])}
    model = fit(panel, registered=future)
    assert ModelNote.registered_scenario() in model.notes
    assert model.gain_params[GAIN_TERMS.index("registered")] == pytest.approx(0.0, abs=1e-4)
    forecast = run_forecast(panel, 2018, n_draws=200, seed=1, registered=future)
    assert ModelNote.registered_scenario() in forecast.model.notes  # named in the headline


def _reference_fit(panel: Panel, monkeypatch) -> object:
    """``fit`` with its speed-ups switched off: cold starts, glmm's dense solver (the design
    as a dense matrix, every product of a Newton step a plain matrix product, no block
    eliminated apart), one loss row per commune × criterion (the estimator as it was before
    they were added)."""
    import ntm_analysis.model.transitions as model

    structured = model.fit_glmm

    def fit_dense_cold(*args, start=None, **kwargs):
        return structured(*args, solver="dense", **kwargs)

    def losses_by_row(lost, districts, start):
        return fit_dense_cold(
            model.loss_design(lost["criterion"].to_numpy(), lost["n_met"].to_numpy(float)),
            (~lost["met_next"]).to_numpy(float),
            np.ones(len(lost)),
            model.LOSS_PRIOR_MEAN,
            model.LOSS_PRIOR_SD,
            [
                Factor(
                    "district",
                    model.category_codes(lost["district_code"], districts),
                    len(districts),
                    model.SPREAD_PRIOR,
                )
            ],
        )

    with monkeypatch.context() as patch:
        patch.setattr(model, "fit_glmm", fit_dense_cold)
        patch.setattr(model, "fit_losses", losses_by_row)
        return fit(panel)


@pytest.mark.parametrize("source", ["bundled", "simulated"])
def test_speed_ups_leave_the_fit_unchanged(source, monkeypatch):
    """Warm starts, the structured design (rows pooled by commune-year, structured Gram,
    district elimination) and pooled loss cells only save work. Tolerance:
    every coefficient within 1e-4 of its posterior sd, covariances and spreads within 1e-4
    relative, the trend weight within 1e-4 (measured: ~3e-7 sd, EM's path is unchanged)."""
    from ntm_analysis.io.load import load_panel

    panel = (
        load_panel()
        if source == "bundled"
        else simulate_panel(
            GeneratorParams(commune_sd=1.0, b_trend=0.05), seed=3, communes_per_district=25
        )
    )
    fast, slow = fit(panel), _reference_fit(panel, monkeypatch)
    assert fast.trend_weight == pytest.approx(slow.trend_weight, abs=1e-4)
    np.testing.assert_allclose(
        fast.trend_scores["log_score"], slow.trend_scores["log_score"], atol=1e-4
    )
    for a, b in [(fast, slow), (fast.no_trend, slow.no_trend)]:
        for post_a, post_b in [
            (a.gain_posterior, b.gain_posterior),
            (a.loss_posterior, b.loss_posterior),
        ]:
            sd = np.sqrt(np.diag(post_b.cov))
            assert np.abs((post_a.mean - post_b.mean) / sd).max() < 1e-4
            np.testing.assert_allclose(post_a.cov, post_b.cov, rtol=1e-4, atol=1e-10)
            np.testing.assert_allclose(post_a.commune_mean, post_b.commune_mean, atol=1e-4)
            for name, value in post_b.sd.items():
                assert post_a.sd[name] == pytest.approx(value, rel=1e-4)


# --- forecast: recognised communes' losses, terms held at zero
def test_losses_of_recognised_communes_are_estimated_rarer_when_they_are():
    """The known processes' recognised communes lose a criterion five times less often than
    the others; the loss model's ``recognised`` term finds it (it was fitted as the others'
    rate, so a recognised commune dropped out about five times too often)."""
    from ntm_analysis.model.transitions import LOSS_TERMS

    process = replace(SCENARIOS["strong_communes"], loss=0.03)
    model = fit(process.realise(0).panel(2016), trend=False)
    k = LOSS_TERMS.index("recognised")
    assert model.loss_params[k] + 2 * np.sqrt(model.loss_cov[k, k]) < 0


def test_terms_the_caller_knows_are_absent_are_held_at_zero(small_panel):
    model = fit(small_panel, absent=("level", "n_met"))
    table = model.coefficients().set_index(["model", "term"])
    for term in ("level", "n_met"):
        assert table.loc[("gain", term), "estimate"] == pytest.approx(0.0, abs=1e-4)
        assert table.loc[("gain", term), "std_error"] == 0.0
    assert table.loc[("gain", "difficult"), "std_error"] > 0
    with pytest.raises(ValueError, match="unknown gain terms"):
        fit(small_panel, absent=("no_such_term",))
