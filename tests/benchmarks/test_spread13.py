"""The commune-spread probe scales the one step that sets the spread, and only within its block."""

import numpy as np
import pytest

from benchmarks.diagnostics.spread13 import commune_spread_scaled
from ntm_analysis.model import glmm
from ntm_analysis.model.glmm import VariancePrior


def spread() -> float:
    rng = np.random.default_rng(0)
    c_index = np.repeat(np.arange(30), 20)
    effect = rng.normal(0.0, 1.0, 30)
    events = (rng.random(600) < 1 / (1 + np.exp(-effect[c_index]))).astype(float)
    return glmm.quadrature_commune_sd(
        np.zeros(600),
        events,
        np.ones(600),
        c_index,
        np.zeros(30),
        np.full(30, 5.0),
        VariancePrior(),
        0.5,
    )


def test_the_spread_is_scaled_inside_the_block_and_restored_after():
    own = spread()
    assert own > 0.1
    with commune_spread_scaled(1.25):
        assert spread() == pytest.approx(1.25 * own)
    assert spread() == own
    with pytest.raises(RuntimeError), commune_spread_scaled(2.0):
        raise RuntimeError
    assert spread() == own


def test_a_fit_inside_the_block_gets_the_scaled_commune_spread():
    # the product's fit reaches the step through glmm's module global: scaled there too
    from ntm_analysis.model.calibration import realised
    from ntm_analysis.model.known_processes import SCENARIOS
    from ntm_analysis.model.transitions import fit

    panel = realised(SCENARIOS["strong_communes"].with_size(60, 4), 1).panel(2015)
    own = fit(panel, trend=False).gain_posterior.sd["commune"]
    with commune_spread_scaled(1.25):
        scaled = fit(panel, trend=False).gain_posterior.sd["commune"]
    assert scaled == pytest.approx(1.25 * own, rel=1e-9)
