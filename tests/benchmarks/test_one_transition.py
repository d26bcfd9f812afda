"""The candidate split of benchmarks/diagnostics/one_transition.py (issue 13, not adopted:
benchmarks/notes/one13.md): with one transition the push steps are split between lasting
capacity and the count's own effect by the same per-draw share as the count's slope. The
scored candidate must be what it says; the slope-only split of the product fails the three
tests that move a count (checked when written)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.diagnostics.one_transition import split_capacity
from ntm_analysis.model.transitions import GAIN_TERMS, N_MET_CENTRE, N_PUSH, push_matrix

N_MET = GAIN_TERMS.index("n_met")
LEVEL = GAIN_TERMS.index("level")
PUSH = slice(N_MET + 1, N_MET + 1 + N_PUSH)
COUNTS = np.arange(20)


def _draws(n_draws=5, seed=0):
    rng = np.random.default_rng(seed)
    gain = rng.normal(0.0, 1.0, (n_draws, len(GAIN_TERMS)))
    gain[:, LEVEL] = 0.0  # a one-transition fit has no level term
    first = np.array([6.0, 11.0, 13.0, 15.0, 17.0, 18.0])  # first-year counts of six communes
    commune = rng.normal(0.0, 0.5, (n_draws, len(first)))
    return gain, commune, first


def _log_odds(gain, commune, first, count):
    """Each draw's gain log-odds part that depends on the commune and its count: slope, push
    steps (at ``count``), level term (at ``first``) and commune effect. (draw, commune)"""
    slope = gain[:, [N_MET]] * (count - N_MET_CENTRE)
    steps = gain[:, PUSH] @ push_matrix(np.atleast_1d(count)).T
    return slope + steps + gain[:, [LEVEL]] * (first - N_MET_CENTRE) + commune


@pytest.mark.parametrize("share", [0.0, 0.3, 1.0])
def test_the_fitted_year_is_unchanged_whatever_the_share(share):
    """Both readings give the same first year: at each commune's first-year count its log-odds
    are the fit's, for every share."""
    gain, commune, first = _draws()
    lasting = np.full(len(gain), share)
    before = np.column_stack(
        [_log_odds(gain, commune[:, [c]], f, f)[:, 0] for c, f in enumerate(first)]
    )
    g, m = gain.copy(), commune.copy()
    split_capacity(g, m, first, lasting)
    after = np.column_stack([_log_odds(g, m[:, [c]], f, f)[:, 0] for c, f in enumerate(first)])
    np.testing.assert_allclose(after, before, atol=1e-12)


def test_a_lasting_reading_does_not_move_with_the_count():
    """Share 1 (all lasting): a commune's log-odds stay what they were in the fitted year as
    its count rises — crossing a push step included (the slope-only split left the steps on the
    current count, so a commune the slope read as strong also crossed them: scen13 §3)."""
    gain, commune, first = _draws()
    g, m = gain.copy(), commune.copy()
    split_capacity(g, m, first, np.ones(len(gain)))
    for c, f in enumerate(first):
        at_first = _log_odds(g, m[:, [c]], f, f)
        for count in range(int(f), 20):
            np.testing.assert_allclose(_log_odds(g, m[:, [c]], f, count), at_first, atol=1e-12)


def test_a_count_reading_keeps_the_fit():
    gain, commune, first = _draws()
    g, m = gain.copy(), commune.copy()
    split_capacity(g, m, first, np.zeros(len(gain)))
    np.testing.assert_array_equal(g, gain)
    np.testing.assert_array_equal(m, commune)


def test_a_share_splits_the_steps_like_the_slope():
    """Share s: the change of a commune's log-odds as its count moves from its first-year count
    is (1 − s) times the fit's, for the steps as for the slope."""
    gain, commune, first = _draws(seed=3)
    share = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    g, m = gain.copy(), commune.copy()
    split_capacity(g, m, first, share)
    for c, f in enumerate(first):
        for count in range(int(f), 20):
            fitted = _log_odds(gain, commune[:, [c]], f, count) - _log_odds(
                gain, commune[:, [c]], f, f
            )
            moved = _log_odds(g, m[:, [c]], f, count) - _log_odds(g, m[:, [c]], f, f)
            np.testing.assert_allclose(moved, (1.0 - share)[:, None] * fitted, atol=1e-12)


def test_a_commune_the_fit_has_not_seen_gets_no_lasting_steps():
    gain, commune, _ = _draws()
    g, m = gain.copy(), commune.copy()
    first = np.full(commune.shape[1], np.nan)
    split_capacity(g, m, first, np.full(len(gain), 0.5))
    np.testing.assert_array_equal(m, commune)
    np.testing.assert_allclose(g[:, PUSH], 0.5 * gain[:, PUSH])
