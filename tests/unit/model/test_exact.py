"""Draws from a small GLMM's exact posterior (``model.exact``): a rare-event rate checked
against its posterior computed on a grid, where the Laplace draws are measurably off; with
plenty of events the correction leaves the Laplace draws' distribution; the loss model keeps
its cells and the forecast draws from them."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ntm_analysis.model import exact
from ntm_analysis.model import forecast as fc
from ntm_analysis.model.calibration import realised
from ntm_analysis.model.glmm import BinomialCells, Factor, fit_glmm
from ntm_analysis.model.known_processes import SCENARIOS
from ntm_analysis.model.transitions import LOSS_TERMS, RECOGNISED, fit

PRIOR_MEAN, PRIOR_SD = -3.0, 2.0


def rate_model(events: float, trials: float, levels: int = 0):
    """One fixed log-odds (prior N(−3, 2²)) over ``trials`` rows with ``events`` events; with
    ``levels``, the rows split evenly over a random intercept with that many levels."""
    k = max(levels, 1)
    cells = BinomialCells(
        design=np.ones((k, 1)),
        events=np.full(k, events / k),
        trials=np.full(k, trials / k),
        prior_mean=np.array([PRIOR_MEAN]),
        prior_sd=np.array([PRIOR_SD]),
        levels={"district": np.arange(k)} if levels else {},
    )
    factors = [Factor("district", np.arange(k), k)] if levels else []
    post = fit_glmm(
        cells.design, cells.events, cells.trials, cells.prior_mean, cells.prior_sd, factors
    )
    return post, cells


def grid_posterior(events: float, trials: float) -> tuple[np.ndarray, np.ndarray]:
    """The exact posterior of the one log-odds on a fine grid (values, probabilities)."""
    theta = np.linspace(-20.0, 5.0, 200_001)
    log_p = (
        events * theta
        - trials * np.log1p(np.exp(theta))
        - 0.5 * ((theta - PRIOR_MEAN) / PRIOR_SD) ** 2
    )
    w = np.exp(log_p - log_p.max())
    return theta, w / w.sum()


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def test_a_rate_seen_with_no_event_is_drawn_from_its_exact_posterior():
    # no loss in 300 rows: the exact posterior's upper side falls off as (1 − p)^300, the
    # Gaussian's as slowly as its lower side
    post, cells = rate_model(0.0, 300.0)
    theta, prob = grid_posterior(0.0, 300.0)
    exact_mean_rate = float(prob @ sigmoid(theta))
    got = exact.draw(post, cells, np.random.default_rng(1), 4000)
    laplace = post.draw(np.random.default_rng(1), 4000)[0][:, 0]
    assert got.corrected and got.ess > 2000
    assert np.mean(sigmoid(got.block[:, 0])) == pytest.approx(exact_mean_rate, rel=0.06)
    # the Laplace draws overstate the rate well beyond that tolerance (so this test can fail)
    assert np.mean(sigmoid(laplace)) > 1.3 * exact_mean_rate
    cdf = np.cumsum(prob)
    for q in (0.1, 0.5, 0.9):
        want = theta[np.searchsorted(cdf, q)]
        assert np.quantile(got.block[:, 0], q) == pytest.approx(want, abs=0.12)


def test_with_plenty_of_events_the_draws_keep_the_laplace_distribution():
    post, cells = rate_model(400.0, 4000.0, levels=3)
    got = exact.draw(post, cells, np.random.default_rng(2), 4000)
    # a t proposal wider than the Gaussian: ~40% of the (capped) proposals count, as for
    # the loss models of the suite's provinces
    assert got.corrected and got.ess > 0.35 * min(4 * 4000, exact.MAX_PROPOSALS)
    sd = np.sqrt(np.diag(post.cov))
    np.testing.assert_allclose(got.block.mean(axis=0), post.mean, atol=0.06 * sd.max())
    np.testing.assert_allclose(got.block.std(axis=0), sd, rtol=0.06)


def test_without_cells_or_over_budget_the_laplace_draws_are_kept(monkeypatch):
    post, cells = rate_model(0.0, 300.0, levels=3)
    assert not exact.draw(post, None, np.random.default_rng(0), 10).corrected
    assert exact.draw(post, cells, np.random.default_rng(0), 10).corrected
    monkeypatch.setattr(exact, "MAX_CELLS", 2)  # the budget is on the cells, whatever the draws
    for n in (3, 10, 5000):
        kept = exact.draw(post, cells, np.random.default_rng(0), n)
        assert not kept.corrected and np.isnan(kept.ess) and kept.block.shape == (n, 4)


def test_a_posterior_the_cells_do_not_cover_is_refused():
    post, cells = rate_model(0.0, 300.0, levels=3)
    with pytest.raises(ValueError, match="small factor"):
        exact.draw(post, replace(cells, levels={}), np.random.default_rng(0), 10)


def test_the_forecast_draws_the_loss_model_from_its_exact_posterior():
    # a province early in its programme: few recognised communes, few of their losses
    panel = realised(SCENARIOS["year_shocks"].with_size(120, 6), 3).panel(2015)
    model = fit(panel)
    cells = model.loss_posterior.cells
    assert cells is not None and cells.design.shape[1] == len(LOSS_TERMS)
    recognised = cells.design[:, RECOGNISED] == 1
    assert cells.events[recognised].sum() <= 5  # the thin case this is about
    n = 3000
    codes = panel.communes["commune_code"].tolist()
    # the path every forecast takes: one exact sample for all the fits that share it
    draws = fc._draw_coefficients(
        model, n, np.random.default_rng(4), codes, panel.district_codes, 1
    )[0]
    want = exact.draw(model.loss_posterior, cells, np.random.default_rng(5), n).block
    laplace = model.loss_posterior.draw(np.random.default_rng(6), n)[0]
    q = len(LOSS_TERMS)
    got_mean = draws.loss[:, RECOGNISED].mean()
    se = draws.loss[:, RECOGNISED].std() / np.sqrt(n) * 3  # resampled: a looser MC error
    assert got_mean == pytest.approx(want[:, RECOGNISED].mean(), abs=4 * se)
    # …and not the Laplace draws' (their mean sits higher: the fat upper side)
    assert laplace[:, RECOGNISED].mean() - got_mean > 4 * se
    assert draws.loss.shape == (n, q)


def test_the_moments_are_the_exact_posteriors_where_the_draws_are_corrected():
    post, cells = rate_model(0.0, 300.0)
    theta, prob = grid_posterior(0.0, 300.0)
    mean, sd = exact.moments(post, cells)
    want_mean = float(prob @ theta)
    want_sd = float(np.sqrt(prob @ (theta - want_mean) ** 2))
    assert mean[0] == pytest.approx(want_mean, abs=0.05)
    assert sd[0] == pytest.approx(want_sd, rel=0.05)
    # the Laplace mode and sd are well away from them (so this test can fail); seeded
    assert post.mean[0] - mean[0] > 0.2
    assert sd[0] - np.sqrt(post.cov[0, 0]) > 0.05
    np.testing.assert_array_equal(exact.moments(post, cells)[0], mean)
    # no cells: the Laplace mean and sd
    laplace = exact.moments(post, None)
    np.testing.assert_array_equal(laplace[0], post.mean)
    np.testing.assert_allclose(laplace[1], np.sqrt(np.diag(post.cov)))


def test_the_coefficient_table_shows_the_loss_terms_the_forecast_draws():
    panel = realised(SCENARIOS["year_shocks"].with_size(120, 6), 3).panel(2015)
    model = fit(panel)
    table = model.coefficients().set_index(["model", "term"])
    mean, sd = exact.moments(model.loss_posterior, model.loss_posterior.cells)
    q = len(LOSS_TERMS)
    loss = table.loc["loss"].loc[list(LOSS_TERMS)]
    np.testing.assert_array_equal(loss["estimate"].to_numpy(), mean[:q])
    np.testing.assert_array_equal(loss["std_error"].to_numpy(), sd[:q])
    # with few losses of recognised communes, not the Laplace mode the fit reports
    assert model.loss_params[RECOGNISED] - mean[RECOGNISED] > 0.1


def test_the_moments_cover_the_random_levels_too():
    post, cells = rate_model(3.0, 1200.0, levels=4)
    mean, sd = exact.moments(post, cells)
    assert mean.shape == sd.shape == (5,)
    assert np.isfinite(mean).all() and (sd > 0).all()
