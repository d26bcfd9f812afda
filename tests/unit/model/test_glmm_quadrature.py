"""The commune spread by adaptive quadrature (``glmm.quadrature_commune_sd``): with a few
binary rows per commune the Laplace EM spread is known to come out too small; the quadrature
estimate should recover a known spread where the Laplace one falls short."""

from __future__ import annotations

import numpy as np
import pytest

from ntm_analysis.model.glmm import Factor, VariancePrior, fit_glmm

TRUE_SD = 1.5
PRIOR = VariancePrior(df=1.0, scale=0.5, lower=0.02, upper=3.0)


def _spreads(seed: int, communes: int = 400, rows_each: int = 6) -> dict[bool, float]:
    """Commune spread of a random-intercept logit fitted with and without quadrature to
    data simulated with spread ``TRUE_SD`` (intercept −0.5)."""
    rng = np.random.default_rng(seed)
    commune = np.repeat(np.arange(communes), rows_each)
    effect = rng.normal(0.0, TRUE_SD, communes)
    p = 1.0 / (1.0 + np.exp(-(-0.5 + effect[commune])))
    events = (rng.random(len(commune)) < p).astype(float)
    out = {}
    for quadrature in (False, True):
        post = fit_glmm(
            np.ones((len(commune), 1)),
            events,
            np.ones(len(commune)),
            np.zeros(1),
            np.array([3.0]),
            [],
            commune=Factor("commune", commune, communes, PRIOR),
            commune_quadrature=quadrature,
        )
        assert post.converged
        out[quadrature] = post.sd["commune"]
    return out


def test_quadrature_recovers_a_spread_the_laplace_fit_shrinks():
    fits = [_spreads(seed) for seed in range(3)]
    laplace = np.mean([f[False] for f in fits])
    quadrature = np.mean([f[True] for f in fits])
    assert laplace < TRUE_SD - 0.2  # the known Laplace bias with 6 binary rows per commune
    assert quadrature == pytest.approx(TRUE_SD, abs=0.15)
    for f in fits:  # closer to the truth in every replicate, not only on average
        assert abs(f[True] - TRUE_SD) < abs(f[False] - TRUE_SD)


def test_fixed_spreads_are_left_alone():
    """Spreads given by the caller (the held-out refits) are not re-estimated."""
    rng = np.random.default_rng(0)
    commune = np.repeat(np.arange(50), 6)
    events = (rng.random(len(commune)) < 0.4).astype(float)
    post = fit_glmm(
        np.ones((len(commune), 1)),
        events,
        np.ones(len(commune)),
        np.zeros(1),
        np.array([3.0]),
        [],
        commune=Factor("commune", commune, 50, PRIOR),
        variances={"commune": 0.7},
    )
    assert post.sd["commune"] == pytest.approx(0.7)
