"""The penalised binomial GLMM (``model.glmm``) through its public API, on simulated data with
known parameters: the fit, its convergence and bounds, the year-shock spread's posterior,
separation held by priors, and the structured solver against the dense one.

The checks are properties (within standard errors, within bounds, agreement between solvers),
not pinned numbers, so a better estimator of a spread still passes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

import ntm_analysis.model.glmm as glmm
from ntm_analysis.model.glmm import Factor, Posterior, VariancePrior, fit_glmm
from ntm_analysis.model.synthetic import simulate_panel
from ntm_analysis.model.transitions import TREND, fit

YEAR_PRIOR = VariancePrior(scale=0.5, lower=0.02, upper=1.0, form="half_normal")
N_CRITERIA = 4


@dataclass(frozen=True)
class Data:
    """A simulated GLMM: rows are (commune, year, criterion)."""

    fixed: np.ndarray
    events: np.ndarray
    trials: np.ndarray
    district: Factor
    year: Factor
    commune: Factor
    beta: np.ndarray  # [x slope, criterion 1..N_CRITERIA]

    def fit(self, **kwargs) -> Posterior:
        p = self.fixed.shape[1]
        return fit_glmm(
            self.fixed,
            self.events,
            self.trials,
            np.zeros(p),
            np.full(p, 2.5),
            [self.district, self.year],
            commune=self.commune,
            **kwargs,
        )


def simulate(
    seed: int,
    *,
    districts: int = 6,
    communes_per_district: int = 15,
    years: int = 6,
    year_sd: float = 0.0,
    district_sd: float = 0.4,
    commune_sd: float = 0.8,
) -> Data:
    rng = np.random.default_rng(seed)
    n_c = districts * communes_per_district
    commune_district = np.repeat(np.arange(districts), communes_per_district)
    c, t, j = (
        a.ravel()
        for a in np.meshgrid(np.arange(n_c), np.arange(years), np.arange(N_CRITERIA), indexing="ij")
    )
    x = rng.normal(size=len(c))
    onehot = np.zeros((len(c), N_CRITERIA))
    onehot[np.arange(len(c)), j] = 1.0
    fixed = np.column_stack([x, onehot])
    beta = np.array([0.7, -1.0, -0.5, 0.0, 0.5])
    eta = (
        fixed @ beta
        + rng.normal(0, district_sd, districts)[commune_district[c]]
        + rng.normal(0, year_sd, years)[t]
        + rng.normal(0, commune_sd, n_c)[c]
    )
    events = (rng.random(len(c)) < 1 / (1 + np.exp(-eta))).astype(float)
    return Data(
        fixed=fixed,
        events=events,
        trials=np.ones(len(c)),
        district=Factor("district", commune_district[c], districts),
        year=Factor("year", t, years, YEAR_PRIOR),
        commune=Factor("commune", c, n_c),
        beta=beta,
    )


@pytest.fixture(scope="module")
def data() -> Data:
    return simulate(1)


@pytest.fixture(scope="module")
def post(data) -> Posterior:
    return data.fit()


def test_the_fit_converges_and_recovers_the_fixed_terms(data, post):
    assert post.converged and 1 <= post.iterations < glmm.MAX_ITER
    k = data.fixed.shape[1] + data.district.n_levels + data.year.n_levels
    assert post.mean.shape == (k,) and post.cov.shape == (k, k)
    assert post.commune_mean.shape == (data.commune.n_levels,)
    np.testing.assert_allclose(post.cov, post.cov.T, atol=1e-12)
    assert np.linalg.eigvalsh(post.cov).min() > 0
    se = np.sqrt(np.diag(post.cov))[: len(data.beta)]
    assert (np.abs(post.mean[: len(data.beta)] - data.beta) < 3.5 * se).all()
    assert (post.commune_sd > 0).all() and (post.commune_marginal_sd >= post.commune_sd).all()
    assert post.blocks == {"district": slice(5, 11), "year": slice(11, 17)}
    assert set(post.sd) == {"district", "year", "commune"}


def test_spreads_stay_within_their_priors_bounds(data, post):
    for name, sd in post.sd.items():
        prior = post.priors[name]
        assert prior.lower <= sd <= prior.upper, (name, sd)
    assert 0.3 < post.sd["commune"] < 1.6  # the truth is 0.8: informed, not the prior's 0.5


def test_held_variances_are_kept_and_warm_starts_change_nothing(data, post):
    held = data.fit(variances={"district": 0.3, "year": 0.1, "commune": 1.0})
    assert held.converged
    assert held.sd == pytest.approx({"district": 0.3, "year": 0.1, "commune": 1.0})
    warm = data.fit(start=post)
    assert warm.iterations <= post.iterations
    sd = np.sqrt(np.diag(post.cov))
    assert np.abs((warm.mean - post.mean) / sd).max() < 1e-3
    assert warm.sd == pytest.approx(post.sd, rel=1e-3)


def test_extreme_commune_differences_stay_finite_and_bounded():
    """Commune spread far above the prior's upper bound: the damped Newton steps and the
    bounded EM keep every number finite; the spread stops at its bound."""
    extreme = simulate(2, commune_sd=8.0, communes_per_district=8, years=3)
    post = extreme.fit()
    assert post.converged
    assert np.isfinite(post.mean).all() and np.isfinite(post.cov).all()
    assert np.isfinite(post.commune_mean).all()
    assert post.sd["commune"] <= post.priors["commune"].upper
    assert post.sd["commune"] > 1.5  # the data push it well up


def test_separated_term_keeps_a_finite_estimate_with_wide_uncertainty():
    """8 of 8 'near-standard' rows succeeded: a prior, not a dropped term or infinity."""
    rng = np.random.default_rng(0)
    n = 400
    near = np.zeros(n)
    near[:8] = 1.0
    y = np.where(near == 1, 1.0, (rng.random(n) < 0.3).astype(float))
    x = np.column_stack([np.ones(n), near])
    post = fit_glmm(
        x,
        y,
        np.ones(n),
        np.zeros(2),
        np.array([3.0, 2.5]),
        [Factor("group", rng.integers(0, 4, n), 4)],
    )
    estimate, se = post.mean[1], np.sqrt(post.cov[1, 1])
    assert post.converged
    assert 1.0 < estimate < 8.0
    assert se > 1.0  # honest: eight successes do not pin it down


def test_a_completely_separated_commune_is_shrunk_not_sent_to_infinity(data):
    """One commune succeeds on every row: its effect is large but finite, and pulled in by
    the commune spread (its marginal sd stays finite too)."""
    events = data.events.copy()
    events[data.commune.index == 0] = 1.0
    post = fit_glmm(
        data.fixed,
        events,
        data.trials,
        np.zeros(data.fixed.shape[1]),
        np.full(data.fixed.shape[1], 2.5),
        [data.district, data.year],
        commune=data.commune,
    )
    assert post.converged
    assert 0.0 < post.commune_mean[0] < 10.0
    assert np.isfinite(post.commune_marginal_sd[0])


def test_the_year_spread_posterior_is_a_distribution_within_its_bounds(post):
    grid, prob = post.sd_posterior("year")
    assert grid[0] == pytest.approx(YEAR_PRIOR.lower) and grid[-1] == pytest.approx(
        YEAR_PRIOR.upper
    )
    assert (prob >= 0).all() and prob.sum() == pytest.approx(1.0)
    draws = post.draw_sd("year", np.random.default_rng(0), 3000)
    assert ((draws >= YEAR_PRIOR.lower) & (draws <= YEAR_PRIOR.upper)).all()
    assert draws.std() > 0.03  # six years leave the spread uncertain
    commune = post.draw_sd("commune", np.random.default_rng(0), 3000)
    assert ((commune > 0) & (commune <= post.priors["commune"].upper)).all()


def test_year_shocks_move_the_year_spread_posterior_up():
    """With no year shocks the half-normal prior keeps a small spread possible; with large
    shocks the posterior moves away from it (not estimated as zero, not exploding)."""
    calm = simulate(3, year_sd=0.0).fit()
    shocked = simulate(3, year_sd=0.8).fit()
    medians = []
    for post in (calm, shocked):
        grid, prob = post.sd_posterior("year")
        medians.append(grid[np.searchsorted(np.cumsum(prob), 0.5)])
    assert medians[1] > medians[0] + 0.1, medians
    assert 0.0 < calm.sd["year"] < shocked.sd["year"] <= YEAR_PRIOR.upper


def test_draws_are_centred_on_the_posterior(post):
    block, communes = post.draw(np.random.default_rng(0), 4000)
    assert block.shape == (4000, len(post.mean))
    assert communes.shape == (4000, len(post.commune_mean))
    sd = np.sqrt(np.diag(post.cov))
    assert (np.abs(block.mean(axis=0) - post.mean) < 5 * sd / np.sqrt(4000)).all()
    assert np.abs(communes.mean(axis=0) - post.commune_mean).max() < 0.2
    np.testing.assert_allclose(communes.std(axis=0), post.commune_marginal_sd, rtol=0.1)


def _assert_same_fit(a: Posterior, b: Posterior) -> None:
    sd = np.sqrt(np.diag(b.cov))
    assert np.abs((a.mean - b.mean) / sd).max() < 1e-5
    np.testing.assert_allclose(a.cov, b.cov, rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(a.commune_mean, b.commune_mean, atol=1e-5)
    np.testing.assert_allclose(a.commune_marginal_sd, b.commune_marginal_sd, rtol=1e-6)
    assert a.sd == pytest.approx(b.sd, rel=1e-6)
    assert a.converged and b.converged


def test_the_structured_solver_agrees_with_the_dense_one(data, post):
    _assert_same_fit(post, data.fit(solver="dense"))


@pytest.mark.parametrize(("diagonal_above", "sparse_above"), [(2, 1000), (2, 0), (1000, 0)])
def test_district_elimination_and_sparse_coupling_agree_with_the_dense_solver(
    data, monkeypatch, diagonal_above, sparse_above
):
    """A national panel's ~700 districts are eliminated as a diagonal block and its commune
    coupling kept sparse; switched on for six districts, the fit is the dense one."""
    dense = data.fit(solver="dense")
    monkeypatch.setattr(glmm, "DIAGONAL_ABOVE", diagonal_above)
    monkeypatch.setattr(glmm, "SPARSE_ABOVE", sparse_above)
    _assert_same_fit(data.fit(), dense)


def test_an_unknown_solver_is_refused(data):
    with pytest.raises(ValueError, match="solver"):
        data.fit(solver="lu")


def test_variance_prior_updates_stay_within_bounds():
    inv_chi2 = VariancePrior(df=1.0, scale=0.5, lower=0.02, upper=3.0)
    half_normal = VariancePrior(scale=0.5, lower=0.02, upper=1.0, form="half_normal")
    for prior in (inv_chi2, half_normal):
        assert prior.update(0.0, 5) >= prior.lower**2
        assert prior.update(1e6, 5) == pytest.approx(prior.upper**2)
    # no spread in the levels: the half-normal lets it go to its floor, inverse-χ² does not
    assert half_normal.update(0.0, 5) == pytest.approx(half_normal.lower**2)
    assert inv_chi2.update(0.0, 5) > 0.02


# --- the solver's paths inside the transition model's fit (a province's real design)
def test_sparse_design_path_gives_the_dense_answer(monkeypatch):
    """National panels (~700 districts) use the sparse path; it must fit the same model."""
    panel = simulate_panel(seed=2, communes_per_district=4)
    dense = fit(panel, trend="only")
    monkeypatch.setattr(glmm, "SPARSE_ABOVE", 0)
    sparse = fit(panel, trend="only")
    np.testing.assert_allclose(sparse.gain_params, dense.gain_params, atol=1e-6)
    np.testing.assert_allclose(sparse.gain_cov, dense.gain_cov, atol=1e-8)
    np.testing.assert_allclose(
        sparse.communes["sd"].to_numpy(), dense.communes["sd"].to_numpy(), atol=1e-8
    )
    draws = sparse.gain_posterior.draw(np.random.default_rng(0), 5)[1]
    expected = dense.gain_posterior.draw(np.random.default_rng(0), 5)[1]
    np.testing.assert_allclose(draws, expected, atol=1e-8)


def test_nested_district_elimination_gives_the_full_solve(monkeypatch):
    """A national panel's ~700 districts are eliminated as a diagonal block; switched on for
    a province's 11, the fit is the plain Cholesky one."""
    panel = simulate_panel(seed=2, communes_per_district=4)
    plain = fit(panel, trend="only")
    monkeypatch.setattr(glmm, "DIAGONAL_ABOVE", 2)
    for sparse_above in (150, 0):  # with the dense and the sparse commune coupling
        monkeypatch.setattr(glmm, "SPARSE_ABOVE", sparse_above)
        split = fit(panel, trend="only")
        np.testing.assert_allclose(split.gain_params, plain.gain_params, atol=1e-8)
        np.testing.assert_allclose(split.gain_cov, plain.gain_cov, rtol=1e-7, atol=1e-10)
        np.testing.assert_allclose(split.loss_cov, plain.loss_cov, rtol=1e-7, atol=1e-10)
        np.testing.assert_allclose(
            split.communes["sd"].to_numpy(), plain.communes["sd"].to_numpy(), atol=1e-8
        )
        assert split.gain_posterior.sd == pytest.approx(plain.gain_posterior.sd, rel=1e-7)
        assert split.gain_params[TREND] == pytest.approx(plain.gain_params[TREND], abs=1e-8)


def _moments(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return block.mean(axis=0), np.cov(block, rowvar=False)


def test_draws_at_the_fitted_year_spread_are_the_plain_draws(post):
    """Conditioning on the spread the fit was read at changes nothing: mean and covariance
    of the block and the communes' mean and spread are ``draw``'s, within Monte Carlo error."""
    n = 20_000
    at = np.full(n, post.sd["year"])
    block, communes = post.draw_given_sd("year", at, np.random.default_rng(1))
    sd = np.sqrt(np.diag(post.cov))
    mean, cov = _moments(block)
    assert (np.abs(mean - post.mean) < 5 * sd / np.sqrt(n)).all()
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), sd, rtol=0.02)
    np.testing.assert_allclose(communes.std(axis=0), post.commune_marginal_sd, rtol=0.03)


@pytest.mark.parametrize("year_sd", [0.05, 0.6])
def test_draws_at_another_year_spread_match_a_fit_held_at_it(data, post, year_sd):
    """Draws conditional on a spread σ have the moments of the fit *held* at σ (its own
    mode and Laplace covariance), within the Gaussian approximation and Monte Carlo error
    (5 Monte Carlo sds of a mean is 0.035 sd; of an sd, 2.5%): the year levels and the
    criterion terms confounded with them narrow at a small σ and widen at a large one, as a
    refit says they should."""
    held = data.fit(variances={**post.sd, "year": year_sd})
    n = 20_000
    block, communes = post.draw_given_sd("year", np.full(n, year_sd), np.random.default_rng(2))
    mean, cov = _moments(block)
    sd_held = np.sqrt(np.diag(held.cov))
    assert np.abs((mean - held.mean) / sd_held).max() < 0.06
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), sd_held, rtol=0.03)
    np.testing.assert_allclose(communes.mean(axis=0), held.commune_mean, atol=0.05)


def test_commune_effects_move_with_the_block_they_are_drawn_with(post):
    """The communes given the block: a draw's commune effects are the plain draw's, moved by
    the coupling by exactly as much as its block was moved to its own spread."""
    sd = np.full(500, 0.6)
    block, communes = post.draw_given_sd("year", sd, np.random.default_rng(4))
    base, base_communes = post.draw(np.random.default_rng(4), 500)
    assert np.abs(block - base).max() > 0.05  # the spread moved the block
    expected = base_communes - (post.coupling @ (block - base).T).T
    np.testing.assert_allclose(communes, expected, atol=1e-10)


def test_a_spread_must_be_positive(post):
    with pytest.raises(ValueError, match="positive"):
        post.draw_given_sd("year", np.array([0.3, 0.0]), np.random.default_rng(0))


def test_each_draw_follows_its_own_year_spread(post):
    """Half the draws at a small spread, half at a large one: the year levels of each half
    spread as the held value says (small vs large), not as one shared value."""
    n = 8000
    sd = np.where(np.arange(n) < n // 2, 0.03, 0.9)
    block, _ = post.draw_given_sd("year", sd, np.random.default_rng(3))
    years = block[:, post.blocks["year"]]
    narrow, wide = years[: n // 2].std(axis=0), years[n // 2 :].std(axis=0)
    assert (narrow < 0.05).all() and (wide > 2 * narrow).all()


def test_log1pexp_is_logaddexp_to_the_last_bits():
    """``log1pexp`` (numpy's vectorised exp/log1p, issue 17) against ``np.logaddexp(0, x)``,
    the form it replaced: within 2 units in the last place everywhere, the same at ±inf,
    nan and beyond exp's range, a scalar in for a scalar out."""
    rng = np.random.default_rng(0)
    x = np.concatenate(
        [rng.standard_normal(200_000) * s for s in (0.01, 1.0, 5.0, 40.0, 800.0)]
        + [np.array([0.0, -0.0, 1e-300, -1e-300, 36.7, -36.7, 709.8, -745.2, 1e308, -1e308])]
    )
    got, ref = glmm.log1pexp(x), np.logaddexp(0.0, x)
    np.testing.assert_allclose(got, ref, rtol=5e-16, atol=0.0)
    special = np.array([np.inf, -np.inf, np.nan])
    with np.errstate(invalid="ignore"):  # logaddexp warns on nan
        expected = np.logaddexp(0.0, special)
    np.testing.assert_array_equal(glmm.log1pexp(special), expected)
    assert glmm.log1pexp(3.0) == pytest.approx(np.logaddexp(0.0, 3.0), rel=5e-16)
    assert np.ndim(glmm.log1pexp(3.0)) == 0


def test_the_structured_commune_gram_is_the_sparse_product(data):
    """``_Design.commune_gram`` (the Schur product Bᵀ D⁻¹ B and the coupling's GᵀG by the
    blocks' structure, issue 17) against the sparse products it replaced: the same sums in
    another order, within 1e-14 of the matrix's largest entry."""
    from scipy import sparse

    design = glmm._Design(
        data.fixed, [data.district, data.year], data.commune.index, data.commune.n_levels
    )
    rng = np.random.default_rng(2)
    design.weights(rng.uniform(0.01, 0.25, len(data.fixed)))
    parts = design.commune_parts()
    cb = design.commune_cross(True, parts)
    d = rng.uniform(1.0, 9.0, data.commune.n_levels)
    for scale in (1.0 / d, 1.0 / d**2):
        expected = (cb.T @ (sparse.diags(scale) @ cb)).toarray()
        got = design.commune_gram(parts, scale)
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-14 * np.abs(expected).max())
    # no factor nested in the communes (two levels in every commune): the caller's product
    two = sparse.csr_matrix(np.ones((data.commune.n_levels, 2)))
    assert design.commune_gram((parts[0], [two]), 1.0 / d) is None


def test_the_structured_commune_gram_leaves_the_sparse_fit_unchanged(data, monkeypatch):
    """The sparse-coupling fit (a national panel's) with the structured Schur product and
    with the sparse product: every mean, covariance and spread within 1e-10 relative to its
    array's largest entry (measured on the national panel: 2e-13)."""
    monkeypatch.setattr(glmm, "SPARSE_ABOVE", 0)
    monkeypatch.setattr(glmm, "DIAGONAL_ABOVE", 2)
    fast = data.fit()
    monkeypatch.setattr(glmm._Design, "commune_gram", lambda self, parts, scale: None)
    slow = data.fit()
    assert fast.iterations == slow.iterations
    for a, b in [
        (fast.mean, slow.mean),
        (fast.cov, slow.cov),
        (fast.commune_mean, slow.commune_mean),
        (fast.commune_marginal_sd, slow.commune_marginal_sd),
        (np.array(list(fast.sd.values())), np.array(list(slow.sd.values()))),
        (np.array(list(fast.sumsq.values())), np.array(list(slow.sumsq.values()))),
    ]:
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-10 * np.abs(b).max())


def test_the_structured_commune_gram_leaves_the_transition_fit_unchanged(monkeypatch):
    """The whole ``fit`` on the sparse path (a national panel's: districts eliminated, the
    coupling sparse) with the structured Schur product and with the sparse product it
    replaced (issue 17, benchmarks/notes/nat11.md). Tolerance held: every posterior mean,
    covariance and spread within 1e-8 relative (covariances relative to √(Σᵢᵢ Σⱼⱼ), means
    to their sd), the held-out trend scores and weight within 1e-10 (national panel,
    measured: 8e-13, 2e-14 sd, 4e-13 and 2e-14)."""
    panel = simulate_panel(seed=2, communes_per_district=4)
    monkeypatch.setattr(glmm, "SPARSE_ABOVE", 0)
    monkeypatch.setattr(glmm, "DIAGONAL_ABOVE", 2)
    fast = fit(panel)
    monkeypatch.setattr(glmm._Design, "commune_gram", lambda self, parts, scale: None)
    slow = fit(panel)
    assert fast.trend_weight == pytest.approx(slow.trend_weight, abs=1e-10)
    np.testing.assert_allclose(
        fast.trend_scores["log_score"], slow.trend_scores["log_score"], rtol=1e-10
    )
    for a, b in [(fast, slow), (fast.no_trend, slow.no_trend)]:
        for post_a, post_b in [
            (a.gain_posterior, b.gain_posterior),
            (a.loss_posterior, b.loss_posterior),
        ]:
            sd = np.sqrt(np.diag(post_b.cov))
            assert (sd > 0).all()
            assert np.abs((post_a.mean - post_b.mean) / sd).max() < 1e-8
            assert (np.abs(post_a.cov - post_b.cov) / np.outer(sd, sd)).max() < 1e-8
            scale = np.abs(post_b.commune_mean).max() if len(post_b.commune_mean) else 1.0
            np.testing.assert_allclose(post_a.commune_mean, post_b.commune_mean, atol=1e-8 * scale)
            np.testing.assert_allclose(
                post_a.commune_marginal_sd, post_b.commune_marginal_sd, rtol=1e-8
            )
            for name, value in post_b.sd.items():
                assert post_a.sd[name] == pytest.approx(value, rel=1e-8)


def _exact_covariance(data: Data, post: Posterior) -> np.ndarray:
    """The small block of the inverse Hessian of the penalised log-likelihood at ``post``'s
    estimate (small block and communes), written out densely at ``post``'s spreads."""
    n = len(data.events)
    n_c = data.commune.n_levels
    a = glmm.DenseDesign(data.fixed, [data.district, data.year], data.commune.index, n_c).a
    c = np.zeros((n, n_c))
    c[np.arange(n), data.commune.index] = 1.0
    full = np.hstack([a, c])
    eta = full @ np.concatenate([post.mean, post.commune_mean])
    mu = 1.0 / (1.0 + np.exp(-eta))
    w = data.trials * mu * (1.0 - mu)
    p = data.fixed.shape[1]
    prec = np.concatenate(
        [
            np.full(p, 1.0 / 2.5**2),
            np.full(data.district.n_levels, 1.0 / post.sd["district"] ** 2),
            np.full(data.year.n_levels, 1.0 / post.sd["year"] ** 2),
            np.full(n_c, 1.0 / post.sd["commune"] ** 2),
        ]
    )
    hessian = (full * w[:, None]).T @ full + np.diag(prec)
    return np.linalg.inv(hessian)[: len(post.mean), : len(post.mean)]


@pytest.mark.parametrize("solver", ["structured", "dense"])
def test_the_covariance_is_the_inverse_hessian_at_the_returned_estimate(data, solver):
    """The reported covariance is the curvature at the estimate returned (not at the iterate
    before the last Newton step, ~1e-3 away on a national panel): a fit held at its spreads
    (every spread then known) and a full fit (its last steps at the final spreads, after the
    commune spread's quadrature)."""
    held = data.fit(variances={"district": 0.3, "year": 0.1, "commune": 1.0}, solver=solver)
    full = data.fit(solver=solver)
    for post in (held, full):
        exact = _exact_covariance(data, post)
        scale = np.sqrt(np.outer(np.diag(exact), np.diag(exact)))
        assert np.abs(post.cov - exact).max() / scale.max() < 1e-10
        assert np.abs((post.cov - exact) / scale).max() < 1e-9


def test_warm_and_cold_fits_report_the_same_covariance(data, post):
    """Any path to the same mode reports the same covariance (within the mode's tolerance):
    a fit held at spreads away from the first fit's, started cold and from that fit."""
    spreads = {**post.sd, "year": post.sd["year"] * 1.5 + 0.05}
    cold = data.fit(variances=spreads)
    warm = data.fit(variances=spreads, start=post)
    scale = np.sqrt(np.outer(np.diag(cold.cov), np.diag(cold.cov)))
    assert np.abs((warm.cov - cold.cov) / scale).max() < 1e-6
    sd = np.sqrt(np.diag(cold.cov))
    assert np.abs((warm.mean - cold.mean) / sd).max() < 1e-4


def test_the_structured_commune_cross_is_the_dense_product(data):
    """C W A and the communes' sums of weights and residuals on the structure built once
    for the design (issue 17: no sparse construction per step) against the dense products,
    to the last bits but for the sums' order (1e-15 of the largest entry)."""
    n_c = data.commune.n_levels
    factors = [data.district, data.year]
    design = glmm._Design(data.fixed, factors, data.commune.index, n_c)
    dense = glmm.DenseDesign(data.fixed, factors, data.commune.index, n_c)
    rng = np.random.default_rng(3)
    w, r = rng.uniform(0.01, 0.25, len(data.fixed)), rng.normal(size=len(data.fixed))
    for d in (design, dense):
        d.weights(w)
        d.gradient(r)
    expected = dense.commune_cross(False)
    scale = np.abs(expected).max()
    parts = design.commune_parts()
    for got in (design.commune_cross(True, parts).toarray(), design.commune_cross(False)):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-15 * scale)
    for got, want in zip(design.commune_sums(), dense.commune_sums(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-14)
    design.weights(w)  # new weights: the residual sums are the next gradient's
    assert design.commune_sums()[1] is None


def test_the_structured_row_quadratic_is_the_sparse_one(data):
    """diag(G Σ Gᵀ) by the blocks' structure (``_Design.commune_row_quadratic``, issue 17)
    against the sparse product it replaces, within 1e-14 of the largest entry; None where no
    factor is nested."""
    from scipy import sparse

    n_c = data.commune.n_levels
    design = glmm._Design(data.fixed, [data.district, data.year], data.commune.index, n_c)
    rng = np.random.default_rng(4)
    design.weights(rng.uniform(0.01, 0.25, len(data.fixed)))
    parts = design.commune_parts()
    cb = design.commune_cross(True, parts)
    scale = 1.0 / rng.uniform(1.0, 9.0, n_c)
    root = rng.normal(size=(design.k, design.k))
    cov = root @ root.T / design.k
    expected = glmm._row_quadratic(sparse.diags(scale) @ cb, cov)
    got = design.commune_row_quadratic(parts, scale, cov)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-14 * np.abs(expected).max())
    two = sparse.csr_matrix(np.ones((n_c, 2)))
    assert design.commune_row_quadratic((parts[0], [two]), scale, cov) is None


def _group_every_row(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The grouping ``_group_rows`` replaced: every row's projection sorted."""
    projection = key @ np.random.default_rng(0).random(key.shape[1])
    _, first, group = np.unique(projection, return_index=True, return_inverse=True)
    group = group.ravel()
    if not np.array_equal(key[first][group], key):
        _, first, group = np.unique(key, axis=0, return_index=True, return_inverse=True)
        group = group.ravel()
    return group, first


@pytest.mark.parametrize("order", ["runs", "shuffled", "collide"])
def test_grouping_by_runs_gives_every_rows_grouping(order):
    """``_group_rows`` (runs of equal rows, then their first rows grouped: issue 17) gives
    the very groups, ids and first rows of grouping every row: rows listed group by group
    (a transitions table), shuffled, and with projections forced to collide."""
    rng = np.random.default_rng(5)
    base = np.column_stack([rng.integers(0, 4, 300), rng.normal(size=300).round(1)])
    key = base[np.repeat(rng.integers(0, 300, 120), rng.integers(1, 6, 120))]
    if order == "shuffled":
        key = key[rng.permutation(len(key))]
    columns = [key[:, 0].astype(int), key[:, 1]]
    if order == "collide":  # a column the projection cannot tell apart: the row sort
        columns.append(np.where(rng.random(len(key)) < 0.5, 0.0, 1e-300))
        key = np.column_stack([key, columns[-1]])
    group, first = glmm._group_rows(columns)
    want_group, want_first = _group_every_row(key)
    np.testing.assert_array_equal(group, want_group)
    np.testing.assert_array_equal(first, want_first)
    np.testing.assert_array_equal(key[first][group], key)
