"""The engine's faster year (issue 17, session 7): ``Engine.advance`` takes the gain odds
already exponentiated and asks for the loss log-odds only at the loss candidates that are
met; the state is written from the clocks. It must draw the same numbers and reach the same
states as the session-6 engine, bit for bit."""

from __future__ import annotations

import hashlib

import numpy as np

from ntm_analysis.model.forecast import Engine

C, B, N = 19, 400, 30
SEGMENTS = np.array([0, 7, 19])  # three runs of communes (as districts): 7, 12, 11


def _setup(seed: int = 2026) -> tuple[np.ndarray, ...]:
    """A (criterion, draw, commune) start shared by every draw, as the forecast's, with
    losses common enough (about 5% a year) that the thinning draws many candidates."""
    setup = np.random.default_rng(seed)
    start = setup.random((C, N)) < 0.5
    state = np.broadcast_to(start[:, None, :], (C, B, N)).copy()
    crit = setup.normal(-1.0, 1.0, (C, B))
    row_loss = setup.normal(-3.0, 0.7, (C, B))
    loss_base = setup.normal(0.0, 0.5, (B, N))
    run_max = np.maximum.reduceat(loss_base, SEGMENTS, axis=1)
    bound = row_loss[:, :, None] + run_max[None] + 0.3
    bases = [setup.normal(0.0, 1.0, (B, N)) + 0.3 * year for year in range(4)]
    return state, crit, row_loss, loss_base, bound, bases


def test_four_years_reach_the_session_6_engines_states_bit_for_bit():
    """Pinned from the engine of main 858d6ec (before this change), same inputs and seeds:
    the speed-ups moved work, they changed no random number and no sum."""
    state, crit, row_loss, loss_base, bound, bases = _setup()
    engine = Engine(state, np.random.default_rng(7), bound, SEGMENTS)
    for base in bases:
        engine.step(crit, base, row_loss, loss_base)
    digest = hashlib.sha256(np.packbits(state).tobytes()).hexdigest()[:16]
    assert (int(state.sum()), digest) == (186005, "7dde5dc0fb4d247c")


def test_the_loss_part_is_asked_only_at_met_candidates_by_flat_position():
    """``advance`` asks for the (draw, commune) part of the loss log-odds at flat positions
    draw · communes + commune, only for candidates met at the year's start (communes with
    nothing met are never asked), a small share of the met cells; and it reaches what
    ``step`` (the whole array given) reaches."""
    state, crit, row_loss, loss_base, bound, bases = _setup()
    state[:, :, :10] = False  # the first ten communes start with no criterion met
    twin = state.copy()
    engine = Engine(state, np.random.default_rng(3), bound, SEGMENTS)
    reference = Engine(twin, np.random.default_rng(3), bound, SEGMENTS)
    crit_odds = np.exp(crit).astype(np.float32)
    for year, base in enumerate(bases):
        met_anywhere = state.any(axis=0).ravel()  # (draw, commune) flat: any criterion met
        n_met = int(state.sum())
        asked: list[np.ndarray] = []

        def loss_part(at: np.ndarray, asked: list = asked) -> np.ndarray:
            asked.append(at.copy())
            return loss_base[at // N, at % N]

        engine.advance(crit_odds, np.exp(base).astype(np.float32), row_loss, loss_part)
        reference.step(crit, base, row_loss, loss_base)
        np.testing.assert_array_equal(state, twin)
        (at,) = asked
        assert 0 < at.size < 0.25 * n_met  # candidates (a bound's share), met ones only
        assert met_anywhere[at].all()
        if year == 0:
            assert (at % N >= 10).all()


def test_a_cell_is_met_exactly_when_its_clock_is_above_one():
    """The invariant the gain pass writes the state by, through gains, losses and log-odds
    far beyond the clip (no clock turns NaN, no met cell is unmet by its clock)."""
    state, crit, row_loss, loss_base, bound, bases = _setup(seed=5)
    start = state.copy()
    engine = Engine(state, np.random.default_rng(11), bound, SEGMENTS)
    crit = crit.copy()
    crit[0], crit[1] = 90.0, -90.0  # beyond ±LOGIT_CLIP: a certain gain, never a gain
    for base in bases:
        unmet = ~state[0]
        engine.step(crit, base, row_loss, loss_base)
        assert not np.isnan(engine.clock).any()
        np.testing.assert_array_equal(state, engine.clock > 1.0)
        assert state[0][unmet].all()  # gained, and a cell unmet at a year's start is not lost
    assert not (state[1] & ~start[1]).any()  # criterion 2 never gained
    assert (start & ~state).any()  # and some cells were lost
