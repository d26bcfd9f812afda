"""The Monte Carlo engine (``forecast.Engine``): exact in distribution, reproducible, and
sharing its random numbers between a baseline and a scenario (issue 17's engine that draws
only what the transitions need)."""

from __future__ import annotations

import numpy as np
import pytest

from ntm_analysis.io.load import load_panel
from ntm_analysis.model.forecast import Engine, simulate
from ntm_analysis.model.transitions import fit


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


def _chain(start: np.ndarray, gain: list[np.ndarray], loss: list[np.ndarray]) -> list[np.ndarray]:
    """Exact P(met) of independent two-state cells after each year, by the Markov chain."""
    met, out = start.astype(float), []
    for g, lo in zip(gain, loss, strict=True):
        met = met * (1 - lo) + (1 - met) * g
        out.append(met)
    return out


@pytest.mark.parametrize("loose, segmented", [(0.0, False), (2.5, False), (0.0, True)])
def test_every_cell_follows_the_exact_two_state_chain(loose, segmented):
    """Three criteria × 6 communes, 40,000 draws, three years with different gain and loss
    probabilities per cell (losses up to 30%, so thinning is exercised, with an exact and
    with a loose bound, and with a bound per run of communes — segments of 1, 2 and 3
    communes, as the districts): the share of draws in which each cell is met each year
    matches the exact chain within 4.5 Monte Carlo standard errors."""
    rng = np.random.default_rng(0)
    n_crit, b, n = 3, 40_000, 6
    start = np.array([[True, False] * 3, [False] * 6, [True] * 6])  # (criterion, commune)
    state = np.broadcast_to(start[:, None, :], (n_crit, b, n)).copy()
    years = [
        (rng.normal(0, 1, n_crit), rng.normal(-0.5, 1, n), rng.normal(-2.5, 1, n_crit))
        for _year in range(3)
    ]
    loss_base = rng.normal(0, 0.5, n)
    row_bound = np.max([row_loss for *_, row_loss in years], axis=0) + loose
    if segmented:
        segments = np.array([0, 1, 3])
        run_max = np.maximum.reduceat(loss_base, segments)
        bound = np.repeat((row_bound[:, None] + run_max[None])[:, None, :], b, axis=1)
        engine = Engine(state, np.random.default_rng(42), bound, segments)
    else:
        bound = np.repeat((row_bound + loss_base.max())[:, None], b, axis=1)
        engine = Engine(state, np.random.default_rng(42), bound)
    gains, losses = [], []
    for crit, base, row_loss in years:
        gains.append(1 / (1 + np.exp(-(crit[:, None] + base[None]))))
        losses.append(1 / (1 + np.exp(-(row_loss[:, None] + loss_base[None]))))
        engine.step(
            np.repeat(crit[:, None], b, axis=1),
            np.broadcast_to(base, (b, n)),
            np.repeat(row_loss[:, None], b, axis=1),
            np.broadcast_to(loss_base, (b, n)),
        )
        exact = _chain(start, gains, losses)[-1]
        share = state.mean(axis=1)
        se = np.sqrt(exact * (1 - exact) / b)
        assert np.all(np.abs(share - exact) <= 4.5 * se + 1e-12), (share, exact)
    assert losses[-1].max() > 0.2  # losses were common enough to be tested


def test_a_year_of_certain_gains_and_no_losses_is_deterministic():
    state = np.zeros((2, 5, 3), bool)
    engine = Engine(state, np.random.default_rng(1), np.full((2, 5), -60.0))
    engine.step(np.full((2, 5), 45.0), np.zeros((5, 3)), np.full((2, 5), -60.0), np.zeros((5, 3)))
    assert state.all()


def test_same_seed_same_numbers_on_the_province():
    panel = load_panel()
    model = fit(panel)
    a = simulate(panel, model, 2020, n_draws=1500, seed=4)
    b = simulate(panel, model, 2020, n_draws=1500, seed=4)
    c = simulate(panel, model, 2020, n_draws=1500, seed=5)
    for figure in ("ntm", "sum_met", "below", "close"):
        np.testing.assert_array_equal(getattr(a, figure), getattr(b, figure))
    np.testing.assert_array_equal(a.commune_ntm, b.commune_ntm)
    assert not np.array_equal(a.ntm, c.ntm)
