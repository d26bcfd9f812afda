"""A penalised (Laplace) binomial GLMM on numpy/scipy: the estimator behind ``model.fit``.

Why our own rather than statsmodels' ``BinomialBayesMixedGLM`` or PyMC: the forecast needs
(a) fixed effects, district, year *and* commune random intercepts fitted jointly, (b) the
joint Gaussian posterior to draw coefficients from, (c) a fit in well under a second so the
calibration suite can run hundreds and the national panel (8,000 communes) stays in budget,
and (d) no divergence on two-year panels. ``BinomialBayesMixedGLM`` fits variational
posteriors with fixed variance-component priors and no commune-level coupling to the fixed
part; PyMC is a large install and minutes per fit. The model here is small enough to solve
exactly:

    logit P(y=1) = A θ + v[commune] + offset,   θ = (fixed terms, district and year levels)
    θ_j ~ N(m_j, s_j²)  (weakly informative for fixed terms, N(0, τ_f²) for random levels)
    v_c ~ N(0, τ_c²)

* **Mode**: Newton's method on the penalised log-likelihood with step halving (the objective
  never decreases, so the solver cannot run away), the commune block eliminated by its
  Schur complement: the commune block of the Hessian is diagonal, so each step costs one
  (k × k) solve with k ≈ 40 whatever the number of communes.
* **Variance components**: EM on the Laplace approximation (τ² ← E[Σ v²] / J under the
  Gaussian posterior) with a scaled-inverse-χ² prior (ν₀ pseudo-levels of spread s₀) and
  bounds, i.e. the MAP; a component with few levels (years, districts) is never estimated
  as exactly 0 and never explodes.
* **Posterior**: Gaussian at the mode (Laplace). ``Posterior.draw`` samples the small block
  from its marginal and the communes from their exact conditional given it, so commune
  effects stay coupled to the fixed part they trade off against.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
from scipy import linalg, sparse
from threadpoolctl import ThreadpoolController

MAX_ITER = 300  # Newton steps and variance updates together
TOL = 1e-8  # relative change of the penalised log-likelihood: the mode is reached
VAR_TOL = 2e-3  # largest change of a standard deviation: the variances have settled
FIXED_AT = 1e-3  # a prior sd below this holds a term at its prior mean (no warm start)
SPARSE_ABOVE = 150  # columns of the small block beyond which the design is kept sparse


@dataclass(frozen=True)
class VariancePrior:
    """Prior on a random effect's spread, bounded to [``lower``, ``upper``] (standard
    deviations). ``form="inv_chi2"``: scaled-inverse-χ² on the variance, ``df`` pseudo-levels
    with spread ``scale`` (its density vanishes at 0: it keeps a spread away from 0).
    ``form="half_normal"``: half-normal on the standard deviation with scale ``scale`` (``df``
    unused): positive density at 0, so "no spread" stays possible (Gelman 2006, for a
    component with few levels such as years)."""

    df: float = 1.0
    scale: float = 0.5
    lower: float = 0.02
    upper: float = 3.0
    form: str = "inv_chi2"

    def update(self, sumsq: float, n_levels: int) -> float:
        """The EM update of the variance given E[Σ level²]: its posterior mode under this
        prior, within the bounds."""
        if self.form == "half_normal":  # argmax of −J log σ − S/2σ² − σ²/2A² over σ
            a2 = self.scale**2
            new = 0.5 * a2 * (np.sqrt(n_levels**2 + 4.0 * sumsq / a2) - n_levels)
        else:
            new = (sumsq + self.df * self.scale**2) / (n_levels + self.df + 2.0)
        return float(np.clip(new, self.lower**2, self.upper**2))

    def log_density(self, sd: np.ndarray) -> np.ndarray:
        """Log prior density of the standard deviation (up to a constant)."""
        if self.form == "half_normal":
            return -0.5 * (sd / self.scale) ** 2
        return -(self.df + 1.0) * np.log(sd) - 0.5 * self.df * self.scale**2 / sd**2


@dataclass(frozen=True)
class Factor:
    """A random intercept: ``index`` (row → level, −1 for none) with ``n_levels`` levels."""

    name: str
    index: np.ndarray
    n_levels: int
    prior: VariancePrior = field(default_factory=VariancePrior)


@dataclass(frozen=True)
class Posterior:
    """Laplace posterior of one GLMM.

    ``mean``/``cov``: the small block (fixed terms, then each small factor's levels);
    communes given the small block θ: ``v = commune_mean − coupling @ (θ − mean) + sd · z``.
    ``sd[name]`` are the variance components' standard deviations (posterior mode) and
    ``sumsq[name]``/``levels[name]`` their sufficient statistics (E[Σ v²], number of levels),
    from which a variance can be drawn (``draw_sd``).
    """

    mean: np.ndarray
    cov: np.ndarray
    commune_mean: np.ndarray
    commune_sd: np.ndarray  # conditional standard deviations given the small block
    commune_marginal_sd: np.ndarray
    coupling: np.ndarray | sparse.csr_matrix  # (n_communes, k): D⁻¹ Bᵀ
    sd: dict[str, float]
    sumsq: dict[str, float]
    levels: dict[str, int]
    priors: dict[str, VariancePrior]
    converged: bool
    iterations: int
    blocks: dict[str, slice] = field(default_factory=dict)  # each small factor's levels

    def draw(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """``n`` joint draws: (n, k) small block and (n, n_communes) commune effects."""
        block = rng.multivariate_normal(self.mean, self.cov, size=n, method="eigh")
        z = rng.standard_normal((n, len(self.commune_mean)))
        communes = (
            self.commune_mean + z * self.commune_sd - (self.coupling @ (block - self.mean).T).T
        )
        return block, communes

    def sd_posterior(self, name: str, points: int = 400) -> tuple[np.ndarray, np.ndarray]:
        """Grid (standard deviations within the prior's bounds) and posterior probabilities
        of a small factor's spread, *marginal* over its levels.

        The Laplace posterior gives the data's information about the levels with everything
        else integrated out: ``Q = cov⁻¹ − I/τ̂²`` and ``b = cov⁻¹ m`` (levels ``m``, their
        covariance ``cov``, at the fitted spread ``τ̂``). For any spread σ the levels'
        marginal likelihood is then ``det(I + σ²Q)^−½ exp(½ bᵀ(Q + I/σ²)⁻¹ b)``; times the
        prior, on a grid. Unlike a draw conditional on the estimated levels, this does not
        collapse when the fitted spread is small (levels shrunk to 0 because τ̂ is small), and
        directions the data do not inform (a year pattern the trend or the criteria absorb)
        leave the prior in charge."""
        prior = self.priors[name]
        block = self.blocks[name]
        cov = self.cov[block, block]
        q_post = linalg.inv(cov)
        q_data = q_post - np.eye(len(cov)) / self.sd[name] ** 2
        lam, vec = np.linalg.eigh(0.5 * (q_data + q_data.T))
        c = vec.T @ (q_post @ self.mean[block])
        informed = lam > 1e-8 * max(float(lam.max()), 1.0)
        lam, c = lam[informed], c[informed]
        grid = np.linspace(prior.lower, prior.upper, points)
        s2 = grid[:, None] ** 2
        log_post = (
            -0.5 * np.log1p(s2 * lam).sum(axis=1)
            + 0.5 * (c**2 * s2 / (1.0 + s2 * lam)).sum(axis=1)
            + prior.log_density(grid)
        )
        weights = np.exp(log_post - log_post.max())
        return grid, weights / weights.sum()

    def draw_sd(self, name: str, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draws of a component's standard deviation from its posterior, within the prior's
        bounds: for a small factor (years, districts) the marginal posterior of
        ``sd_posterior`` (jittered within its grid cell); for the communes the
        scaled-inverse-χ² posterior conditional on the estimated levels.

        With five years the spread of year shocks is itself very uncertain; drawing it per
        draw gives the heavier tails that uncertainty implies."""
        prior = self.priors[name]
        if name in self.blocks:
            grid, prob = self.sd_posterior(name)
            step = grid[1] - grid[0]
            pick = rng.choice(len(grid), size=n, p=prob)
            return np.clip(grid[pick] + step * (rng.random(n) - 0.5), prior.lower, prior.upper)
        nu = self.levels[name] + prior.df
        s2 = (self.sumsq[name] + prior.df * prior.scale**2) / nu
        var = nu * s2 / rng.chisquare(nu, size=n)
        return np.clip(np.sqrt(var), prior.lower, prior.upper)


def _row_quadratic(coupling: np.ndarray | sparse.sparray, cov: np.ndarray) -> np.ndarray:
    """diag(G Σ Gᵀ) for a dense or sparse G."""
    if sparse.issparse(coupling):
        return np.asarray(coupling.multiply(coupling @ cov).sum(axis=1)).ravel()
    return ((coupling @ cov) * coupling).sum(axis=1)


def _gram(a: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Aᵀ diag(w) A for w ≥ 0 by one symmetric rank-k update (half the flops of ``aw.T @ a``;
    the Hessian's largest cost)."""
    if a.shape[1] == 0:  # BLAS refuses an empty operand
        return np.zeros((0, 0))
    # (√w A)ᵀ is Fortran-ordered: dsyrk reads it without a copy
    upper = linalg.blas.dsyrk(1.0, (a * np.sqrt(w)[:, None]).T, trans=0)
    return np.triu(upper) + np.triu(upper, 1).T


class _FactorGram:
    """Aᵀ diag(w) A for A = [fixed | one indicator block per factor], using the structure.

    Indicator blocks — each factor's levels, and any one-hot group among the fixed columns
    (the criteria) — are almost all zeros: their products with the dense columns are sparse
    sums over their rows and their products with each other weighted cross-tabulations; only
    the remaining dense columns go through a (small) symmetric rank-k update. The Gram is the
    Newton step's largest cost; this is ~3× cheaper than the dense one on the gain model.
    """

    def __init__(self, fixed: np.ndarray, factors: list[Factor]) -> None:
        n, p = fixed.shape
        self.k = p + sum(f.n_levels for f in factors)
        onehot = _one_hot_columns(fixed)
        self.dense_cols = np.setdiff1d(np.arange(p), onehot)
        self.dense = np.ascontiguousarray(fixed[:, self.dense_cols])
        blocks = []  # (columns of A, level of each row or −1)
        if len(onehot):
            level = np.full(n, -1)
            rows, which = np.nonzero(fixed[:, onehot])
            level[rows] = which
            blocks.append((onehot, level))
        start = p
        for f in factors:
            blocks.append((np.arange(start, start + f.n_levels), f.index))
            start += f.n_levels
        self.blocks = []
        for cols, level in blocks:
            rows = np.flatnonzero(level >= 0)
            ind = sparse.csr_matrix((np.ones(len(rows)), (level[rows], rows)), (len(cols), n))
            ind.sort_indices()
            self.blocks.append((cols, level, ind))
        self.cross = []  # (cols i, cols j, rows in both, their cell) for each pair i ≤ j
        for i, (ci, li, _) in enumerate(self.blocks):
            for cj, lj, _ in self.blocks[i:]:
                both = np.flatnonzero((li >= 0) & (lj >= 0))
                self.cross.append((ci, cj, both, li[both] * len(cj) + lj[both]))

    def __call__(self, w: np.ndarray) -> np.ndarray:
        h = np.empty((self.k, self.k))
        d = self.dense_cols
        h[np.ix_(d, d)] = _gram(self.dense, w)
        for cols, _, ind in self.blocks:
            ind.data = w[ind.indices]
            part = ind @ self.dense
            h[np.ix_(cols, d)] = part
            h[np.ix_(d, cols)] = part.T
        for ci, cj, both, cell in self.cross:
            tab = np.bincount(cell, w[both], len(ci) * len(cj)).reshape(len(ci), len(cj))
            h[np.ix_(ci, cj)] = tab
            h[np.ix_(cj, ci)] = tab.T
        return h


def _one_hot_columns(x: np.ndarray) -> np.ndarray:
    """Columns of ``x`` forming one group of 0/1 indicators with at most one 1 per row
    (greedily, in column order), if the group has at least two columns."""
    chosen, used = [], np.zeros(len(x), bool)
    for j in range(x.shape[1]):
        col = x[:, j]
        ones = col == 1.0
        if np.all(ones | (col == 0.0)) and not (ones & used).any():
            chosen.append(j)
            used |= ones
    return np.array(chosen if len(chosen) >= 2 else [], int)


def _fit_to(values: np.ndarray, k: int) -> np.ndarray:
    """``values`` truncated or zero-padded to length ``k``."""
    out = np.zeros(k)
    out[: min(k, len(values))] = values[:k]
    return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _log1pexp(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, x)


@functools.cache
def _blas() -> ThreadpoolController:
    """The loaded BLAS libraries, found once (~1.5 ms); limiting them then costs ~0.1 ms."""
    return ThreadpoolController()


def _one_blas_thread(function):
    """Run ``function`` with one BLAS thread, whatever the environment says.

    The GLMM's dense work is small (Gram blocks of ≤ 50 columns, 50 × 50 inverses) and
    repeated hundreds of times: BLAS threads never pay off there, and with OpenBLAS's
    default threads on a loaded 2-core machine they spin: a fit of the bundled panel took
    7–10 s instead of ~1.5 s (27 s before the structured Gram). ``ntm`` and the batch set
    the thread variables, but a planner's own Jupyter kernel does not."""

    @functools.wraps(function)
    def limited(*args, **kwargs):
        with _blas().limit(limits=1, user_api="blas"):
            return function(*args, **kwargs)

    return limited


@_one_blas_thread
def fit_glmm(
    fixed: np.ndarray,
    events: np.ndarray,
    trials: np.ndarray,
    prior_mean: np.ndarray,
    prior_sd: np.ndarray,
    factors: list[Factor],
    commune: Factor | None = None,
    offset: np.ndarray | None = None,
    variances: dict[str, float] | None = None,
    start: Posterior | None = None,
) -> Posterior:
    """Fit the penalised binomial GLMM (see the module docstring).

    ``fixed``: (n, p) design; ``events``/``trials``: binomial counts per row; ``prior_mean``/
    ``prior_sd``: the fixed terms' Gaussian priors (``inf`` sd: flat); ``factors``: small
    random intercepts (districts, years); ``commune``: the large one, eliminated by Schur
    complement. ``variances`` (name → sd) holds the variance components fixed at those values
    (the trend scores refit on part of the data with the full fit's spreads).

    The design is dense for a province; with many small-factor levels (a national panel's
    ~700 districts) it and the commune coupling are sparse, so memory and time stay linear
    in rows.

    ``start``: a posterior of a closely related fit (the trend fit for the no-trend one, the
    full fit for a refit on its earlier years) whose mode the Newton steps start from. Only
    the mode: the mode at given variances is unique (the penalised log-likelihood is strictly
    concave), so the answer is the same within ``TOL`` and only steps are saved. The
    variances still start from their priors: EM stops when a step changes no spread by more
    than ``VAR_TOL``, which is not the same as being that close to its fixed point, so a
    different starting spread would change the answer beyond tolerance. Its small block is
    truncated or zero-padded to this fit's size (a refit's year levels are the first ones of
    the full fit's); terms held at a prior sd below ``FIXED_AT`` start at their prior mean.
    """
    n, p = fixed.shape
    k = p + sum(f.n_levels for f in factors)
    sparse_mode = k > SPARSE_ABOVE
    cols = [sparse.csr_matrix(fixed) if sparse_mode else np.asarray(fixed, float)]
    for f in factors:
        rows = np.flatnonzero(f.index >= 0)
        z = sparse.csr_matrix((np.ones(len(rows)), (rows, f.index[rows])), shape=(n, f.n_levels))
        cols.append(z if sparse_mode else z.toarray())
    a = sparse.hstack(cols, format="csr") if sparse_mode else np.hstack(cols)
    gram = None if sparse_mode else _FactorGram(np.asarray(fixed, float), factors)
    slices, pos = {}, p
    for f in factors:
        slices[f.name] = slice(pos, pos + f.n_levels)
        pos += f.n_levels
    c_index = commune.index if commune is not None else np.zeros(n, int)
    n_c = commune.n_levels if commune is not None else 0
    # communes × rows indicator: B = Aᵀ W C is one sparse-times-dense product
    c_rows = sparse.csr_matrix((np.ones(n), (c_index, np.arange(n))), shape=(max(n_c, 1), n))
    c_rows.sort_indices()  # its data are refilled with each step's weights
    offset = np.zeros(n) if offset is None else offset
    y = events.astype(float)
    m = trials.astype(float)

    all_f = [*factors, *([commune] if commune is not None else [])]
    tau2 = {f.name: f.prior.scale**2 for f in all_f}
    if variances is not None:
        tau2.update({name: sd**2 for name, sd in variances.items() if name in tau2})
    m0 = np.concatenate([np.where(np.isfinite(prior_sd), prior_mean, 0.0), np.zeros(k - p)])
    theta, v = m0.copy(), np.zeros(n_c)
    if start is not None:
        theta = _fit_to(start.mean, k)
        theta[:p] = np.where(prior_sd < FIXED_AT, m0[:p], theta[:p])
        if len(start.commune_mean) == n_c:
            v = start.commune_mean.copy()
    fixed_prec = np.where(np.isfinite(prior_sd), 1.0 / np.square(prior_sd), 0.0)

    def precision() -> tuple[np.ndarray, float]:
        prec = np.concatenate([fixed_prec, np.zeros(k - p)])
        for f in factors:
            prec[slices[f.name]] = 1.0 / tau2[f.name]
        return prec, (1.0 / tau2[commune.name] if commune is not None else 0.0)

    def linear(th: np.ndarray, vv: np.ndarray) -> np.ndarray:
        eta = a @ th + offset
        return eta + vv[c_index] if n_c else eta

    def objective(
        eta: np.ndarray, th: np.ndarray, vv: np.ndarray, prec: np.ndarray, cprec: float
    ) -> float:
        loglik = float(y @ eta - m @ _log1pexp(eta))
        penalty = 0.5 * float((prec * (th - m0) ** 2).sum()) + 0.5 * cprec * float((vv**2).sum())
        return loglik - penalty

    def expected_sumsq(f: Factor, th, vv, cov, coupling, d) -> float:
        """E[Σ level²] of a random factor under the Gaussian posterior (the EM statistic)."""
        if f is commune:
            return float((vv**2).sum() + (1.0 / d).sum() + _row_quadratic(coupling, cov).sum())
        sl = slices[f.name]
        return float((th[sl] ** 2).sum() + np.diag(cov)[sl].sum())

    # One loop: a damped Newton step on the mode at the current variances; once the step no
    # longer moves the objective, an EM update of the variances from the same curvature.
    converged = False
    prec, cprec = precision()
    eta = linear(theta, v)
    current = objective(eta, theta, v, prec, cprec)
    iterations = 0
    for iterations in range(1, MAX_ITER + 1):  # noqa: B007 (reported)
        mu = _sigmoid(eta)
        w = m * mu * (1.0 - mu)
        r = y - m * mu
        if sparse_mode:
            aw = a.multiply(w[:, None]).tocsr()
            h1 = (a.T @ aw).toarray() + np.diag(prec)
        else:
            h1 = gram(w) + np.diag(prec)
        g1 = a.T @ r - prec * (theta - m0)
        if n_c:
            d = np.bincount(c_index, w, n_c) + cprec
            g2 = np.bincount(c_index, r, n_c) - cprec * v
            c_rows.data = w[c_rows.indices]  # Bᵀ = C W A without forming W A
            cb = c_rows @ a  # (n_c, k)
            if sparse_mode:
                coupling = sparse.diags(1.0 / d) @ cb  # D⁻¹ Bᵀ, sparse
                schur = h1 - (cb.T @ coupling).toarray()
            else:
                coupling = cb / d[:, None]
                schur = h1 - cb.T @ coupling
            cov = linalg.inv(schur, check_finite=False)
            step1 = cov @ (g1 - coupling.T @ g2)
            step2 = g2 / d - coupling @ step1
        else:
            cov = linalg.inv(h1, check_finite=False)
            step1 = cov @ g1
            step2 = v
            coupling, d = np.zeros((0, k)), np.zeros(0)
        cov = 0.5 * (cov + cov.T)
        scale = 1.0
        while True:  # step halving: the penalised likelihood never decreases
            new_theta = theta + scale * step1
            new_v = v + scale * step2 if n_c else v
            new_eta = linear(new_theta, new_v)
            value = objective(new_eta, new_theta, new_v, prec, cprec)
            if value >= current - 1e-10 or scale < 1e-6:
                break
            scale *= 0.5
        gain = value - current
        theta, v, eta, current = new_theta, new_v, new_eta, value
        if abs(gain) > TOL * (1.0 + abs(current)):
            continue
        if variances is not None:  # held fixed: the mode is the answer
            converged = True
            break
        # at the mode for these variances: EM update of each variance (MAP under its prior)
        changed = 0.0
        for f in all_f:
            new = f.prior.update(expected_sumsq(f, theta, v, cov, coupling, d), f.n_levels)
            changed = max(changed, abs(np.sqrt(new) - np.sqrt(tau2[f.name])))
            tau2[f.name] = new
        if changed < VAR_TOL:
            converged = True
            break
        prec, cprec = precision()
        current = objective(eta, theta, v, prec, cprec)
    c_var = 1.0 / d + _row_quadratic(coupling, cov) if n_c else np.zeros(0)
    return Posterior(
        mean=theta,
        cov=cov,
        commune_mean=v,
        commune_sd=1.0 / np.sqrt(d) if n_c else np.zeros(0),
        commune_marginal_sd=np.sqrt(c_var),
        coupling=coupling,
        sd={name: float(np.sqrt(t)) for name, t in tau2.items()},
        sumsq={f.name: expected_sumsq(f, theta, v, cov, coupling, d) for f in all_f},
        levels={f.name: f.n_levels for f in all_f},
        priors={f.name: f.prior for f in all_f},
        converged=converged,
        iterations=iterations,
        blocks=slices,
    )
