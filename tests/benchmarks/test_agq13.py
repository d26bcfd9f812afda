"""The integrated-likelihood fit of benchmarks/diagnostics/agq13.py (issue 13): its gradient and
Hessian are those of the quadrature objective it maximises, so agq13.md's finding (AGQ moves
nothing) is about the model, not about a wrong derivative."""

import numpy as np

from benchmarks.diagnostics import agq13
from ntm_analysis.model import transitions as tr
from ntm_analysis.model.calibration import realised
from ntm_analysis.model.known_processes import SCENARIOS


def _small_fit():
    process = SCENARIOS["strong_communes"].with_size(40, 3)
    model, call = agq13.product_fit(realised(process, 0).panel(2015))
    return model.gain_posterior, call


def test_derivatives_match_finite_differences():
    post, call = _small_fit()
    objective = agq13._Integrated(call, post.sd, agq13.NODES)
    theta, tau = post.mean.copy(), post.sd["commune"]
    at = objective.evaluate(theta, tau, post.commune_mean)
    grad, neg_h, exact = objective.derivatives(theta, at)
    assert exact
    for j in (tr.TREND, tr.GAIN_TERMS.index("n_met"), len(theta) - 1):
        step = np.zeros_like(theta)
        step[j] = 1e-5
        up = objective.evaluate(theta + step, tau, at["mode"])["value"]
        down = objective.evaluate(theta - step, tau, at["mode"])["value"]
        assert abs((up - down) / 2e-5 - grad[j]) < 1e-5 * max(1.0, abs(grad[j]))
    step = np.zeros_like(theta)
    step[tr.TREND] = 1e-4
    plus = objective.derivatives(theta + step, objective.evaluate(theta + step, tau, at["mode"]))
    minus = objective.derivatives(theta - step, objective.evaluate(theta - step, tau, at["mode"]))
    column = -(plus[0] - minus[0]) / 2e-4
    assert np.abs(column - neg_h[:, tr.TREND]).max() < 1e-5 * np.abs(neg_h[:, tr.TREND]).max()


def test_fit_reaches_a_stationary_point_whatever_the_nodes():
    post, call = _small_fit()
    fits = {nodes: agq13.agq_from_product(call, post, nodes) for nodes in (7, 15)}
    for nodes, fit in fits.items():
        assert fit.converged
        objective = agq13._Integrated(call, post.sd, nodes)
        grad, _, _ = objective.derivatives(
            fit.theta, objective.evaluate(fit.theta, fit.tau, fit.commune_mean)
        )
        assert np.abs(grad).max() < 1e-4
    assert abs(fits[7].theta[tr.TREND] - fits[15].theta[tr.TREND]) < 1e-3
