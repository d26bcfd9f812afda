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
  as exactly 0 and never explodes. The commune spread is then re-estimated by adaptive
  Gauss-Hermite quadrature of each commune's own likelihood (``quadrature_commune_sd``; the
  Laplace EM spread is too small with few binary rows per commune) and the mode refitted.
* **Posterior**: Gaussian at the mode (Laplace). ``Posterior.draw`` samples the small block
  from its marginal and the communes from their exact conditional given it, so commune
  effects stay coupled to the fixed part they trade off against.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # scipy and threadpoolctl are imported where a fit needs them: drawing
    # from a cached fit (``ntm forecast`` the second time) needs numpy only, and importing
    # scipy.linalg and scipy.sparse cost ~0.2 s CPU, a third of that command's floor
    from scipy import sparse
    from threadpoolctl import ThreadpoolController

MAX_ITER = 300  # Newton steps and variance updates together
TOL = 1e-8  # relative change of the penalised log-likelihood: the mode is reached
VAR_TOL = 2e-3  # largest change of a standard deviation: the variances have settled
FIXED_AT = 1e-3  # a prior sd below this holds a term at its prior mean (no warm start)
DIAGONAL_ABOVE = 100  # levels of a nested factor beyond which it is eliminated (districts)
SPARSE_ABOVE = 150  # columns of the small block beyond which the commune coupling is sparse
QUADRATURE_NODES = 12  # adaptive Gauss-Hermite nodes per commune for its spread (see below)
QUADRATURE_STEPS = 2000  # EM steps of the quadrature spread at most (each communes × nodes)


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
class BinomialCells:
    """A fit's data pooled into binomial cells, with its fixed terms' priors: what the exact
    log posterior needs (``model.exact``). ``levels[name]``: each cell's level of that small
    factor (−1 for none)."""

    design: np.ndarray  # (cells, fixed terms)
    events: np.ndarray
    trials: np.ndarray
    prior_mean: np.ndarray
    prior_sd: np.ndarray
    levels: dict[str, np.ndarray]


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
    cells: BinomialCells | None = None  # the data, pooled, where the exact posterior is drawn

    def draw(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """``n`` joint draws: (n, k) small block and (n, n_communes) commune effects."""
        block = rng.multivariate_normal(self.mean, self.cov, size=n, method="eigh")
        z = rng.standard_normal((n, len(self.commune_mean)))
        communes = (
            self.commune_mean + z * self.commune_sd - (self.coupling @ (block - self.mean).T).T
        )
        return block, communes

    def draw_given_sd(
        self, name: str, sd: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        """Joint draws as ``draw`` makes them, draw i *conditional on its own spread*
        ``sd[i]`` of the small factor ``name`` (the years): (n, k) small block, (n, n_communes)
        commune effects, n = ``len(sd)``.

        Why: ``cov`` is read at one spread, where the fixed terms' uncertainty (the trend's
        above all) depends on it — with a small year spread the rows inform the trend, with a
        large one only the few years do. A spread drawn per draw (``draw_sd``) with the
        coefficients drawn at that same spread integrates the spread's uncertainty instead of
        reading every draw at one value: draws with a small spread are narrow, the few with a
        large one wide, and the future shocks of a draw come from the same spread as its past.

        How (exact under the Laplace approximation centred on this fit, no refit): the
        spread's prior N(0, σ²) acts on the levels y of ``name`` only, so the rest of the block
        given y, and the communes given the block, do not depend on it. y's data information
        ``Q = cov_yy⁻¹ − I/τ̂²`` and ``b = cov_yy⁻¹ m_y`` (as in ``sd_posterior``; the levels'
        prior mean is 0) give y | σ ~ N((Q + I/σ²)⁻¹ b, (Q + I/σ²)⁻¹); a draw at the fitted
        spread is moved to it by the regression of the block on y. At σ = τ̂ the draws have
        ``draw``'s distribution, where ``cov`` was computed at τ̂ (every fit with a commune
        factor; an EM fit without one stops just after its last spread update). The further σ
        is from τ̂, the more the Gaussian approximation around this fit's mode is stretched."""
        sd = np.asarray(sd, float).ravel()
        if not (sd > 0).all():
            raise ValueError(f"spreads of {name!r} must be positive, got min {sd.min()}")
        base, communes = self.draw(rng, len(sd))
        block = self.blocks[name]
        cov_yy = self.cov[block, block]
        prec_yy = np.linalg.inv(cov_yy)
        regression = self.cov[:, block] @ prec_yy  # (k, T): the block's regression on y
        q_data = prec_yy - np.eye(len(cov_yy)) / self.sd[name] ** 2
        lam, vec = np.linalg.eigh(0.5 * (q_data + q_data.T))
        lam = np.maximum(lam, 0.0)  # a direction the data do not inform: the prior's alone
        c = vec.T @ (prec_yy @ self.mean[block])
        prec = lam + 1.0 / np.square(sd)[:, None]  # (n, T): y | σ's precision, eigenbasis
        z = rng.standard_normal(prec.shape)
        y = (c / prec + z / np.sqrt(prec)) @ vec.T
        moved = y - base[:, block]
        block_draws = base + moved @ regression.T
        communes -= moved @ np.asarray(self.coupling @ regression).T  # in place: (n, n_c)
        return block_draws, communes

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
        q_post = np.linalg.inv(cov)
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
    from scipy import sparse

    if sparse.issparse(coupling):
        return np.asarray(coupling.multiply(coupling @ cov).sum(axis=1)).ravel()
    return ((coupling @ cov) * coupling).sum(axis=1)


def _cross(coupling: np.ndarray | sparse.sparray) -> np.ndarray:
    """GᵀG (k × k, dense) for a dense or sparse G."""
    from scipy import sparse

    product = coupling.T @ coupling
    return product.toarray() if sparse.issparse(product) else product


class _Cholesky:
    """A symmetric positive definite matrix by its Cholesky factor: Newton steps need
    solves (k³/3 flops), and only an EM update or the posterior the inverse (another 2k³/3),
    where ``linalg.inv`` (LU) cost 2k³ every step — most of a national fit (k ≈ 730) went
    there. A matrix Cholesky refuses (not numerically positive definite) falls back to LU.
    """

    def __init__(self, matrix: np.ndarray) -> None:
        from scipy import linalg

        self.matrix = matrix
        self._inverse: np.ndarray | None = None
        try:
            self._factor = linalg.cho_factor(matrix, lower=False, check_finite=False)
        except linalg.LinAlgError:
            self._factor = None

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        from scipy import linalg

        if self._factor is None:
            return self.inverse() @ rhs
        return linalg.cho_solve(self._factor, rhs, check_finite=False)

    def inverse(self) -> np.ndarray:
        from scipy import linalg

        if self._inverse is None:
            if self._factor is None:
                inv = linalg.inv(self.matrix, check_finite=False)
                self._inverse = 0.5 * (inv + inv.T)
            else:
                upper, info = linalg.lapack.dpotri(self._factor[0], lower=0)
                if info:
                    raise linalg.LinAlgError(f"dpotri failed ({info})")
                self._inverse = np.triu(upper) + np.triu(upper, 1).T
        return self._inverse


class _Factorised:
    """The Newton matrix S of the small block, ready for solves and its inverse.

    ``diagonal``: columns whose block of S is diagonal — a factor nested in the communes
    (each commune in one district), whose levels then meet no other level of their own
    factor. S = [[A, B], [Bᵀ, D]] with D diagonal is eliminated like the communes: the
    reduced R = A − B D⁻¹ Bᵀ (m × m, m = the other columns) by Cholesky, then D's part by
    division. A national panel's ~700 districts cost O(districts · m²) instead of
    O(districts³) per step; the inverse's district block is formed only when asked for.
    Without such columns (or if the block is not exactly diagonal), plain Cholesky.
    """

    def __init__(self, matrix: np.ndarray, diagonal: np.ndarray | None = None) -> None:
        self._split = None
        if diagonal is not None and len(diagonal):
            lo = int(diagonal[0])
            if np.array_equal(diagonal, np.arange(lo, lo + len(diagonal))):
                block = matrix[lo : lo + len(diagonal), lo : lo + len(diagonal)]  # a view
            else:
                block = matrix[np.ix_(diagonal, diagonal)]
            d = np.diag(block).copy()
            if np.count_nonzero(block) == np.count_nonzero(d) and (d > 0).all():
                rest = np.setdiff1d(np.arange(len(matrix)), diagonal)
                b = matrix[np.ix_(rest, diagonal)]
                bd = b / d  # B D⁻¹
                self._split = (rest, diagonal, d, b, bd)
                matrix = matrix[np.ix_(rest, rest)] - bd @ b.T
        self._reduced = _Cholesky(matrix)
        self._inverse: np.ndarray | None = None

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        if self._split is None:
            return self._reduced.solve(rhs)
        rest, diagonal, d, b, bd = self._split
        out = np.empty_like(rhs)
        out[rest] = self._reduced.solve(rhs[rest] - bd @ rhs[diagonal])
        out[diagonal] = (rhs[diagonal] - b.T @ out[rest]) / d
        return out

    def inverse(self) -> np.ndarray:
        if self._split is None:
            return self._reduced.inverse()
        if self._inverse is None:
            rest, diagonal, d, _, bd = self._split
            q = self._reduced.inverse()
            qbd = q @ bd
            k = len(rest) + len(diagonal)
            inv = np.empty((k, k))
            inv[np.ix_(rest, rest)] = q
            inv[np.ix_(rest, diagonal)] = -qbd
            inv[np.ix_(diagonal, rest)] = -qbd.T
            inner = bd.T @ qbd
            inner[np.diag_indices_from(inner)] += 1.0 / d
            inv[np.ix_(diagonal, diagonal)] = inner
            self._inverse = inv
        return self._inverse


def _gram(a: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Aᵀ diag(w) A for w ≥ 0 by one symmetric rank-k update (half the flops of ``aw.T @ a``;
    the Hessian's largest cost)."""
    from scipy import linalg

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
        from scipy import sparse

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
                # a block with itself is diagonal: its cell is the level (k, not k² bins)
                cell = li[both] if ci is cj else li[both] * len(cj) + lj[both]
                self.cross.append((ci, cj, both, cell))

    def __call__(
        self, w: np.ndarray, out: np.ndarray | None = None, at: np.ndarray | None = None
    ) -> np.ndarray:
        """The Gram for weights ``w``; into ``out`` (zeros outside its own entries) with
        column j at ``at[j]`` when given (a part of a larger Gram)."""
        at = np.arange(self.k) if at is None else at
        h = np.zeros((self.k, self.k)) if out is None else out
        d = at[self.dense_cols]
        h[np.ix_(d, d)] = _gram(self.dense, w)
        for cols, _, ind in self.blocks:
            ind.data = w[ind.indices]
            part = ind @ self.dense
            h[np.ix_(at[cols], d)] = part
            h[np.ix_(d, at[cols])] = part.T
        for ci, cj, both, cell in self.cross:
            if ci is cj:  # a block with itself: one level per row, so a diagonal
                h[at[ci], at[ci]] = np.bincount(cell, w[both], len(ci))
                continue
            tab = np.bincount(cell, w[both], len(ci) * len(cj)).reshape(len(ci), len(cj))
            h[np.ix_(at[ci], at[cj])] = tab
            h[np.ix_(at[cj], at[ci])] = tab.T
        return h


class _Design:
    """The design A = [fixed | one indicator block per factor] and the commune of each row,
    kept by their structure rather than as a (rows × k) matrix.

    Rows are pooled into *groups* alike in everything but the one-hot group of the fixed
    columns (the criteria): in the gain model a group is one commune's year (its count,
    trend, level, district, year and commune are shared by the rows of its unmet criteria),
    about ten times fewer than rows. Every product a Newton step needs — A θ, Aᵀ r, AᵀWA and
    C W A (communes × columns) — is a sum over rows that splits into sums over groups of
    pooled weights plus a (group × one-hot level) table: O(rows) once, then O(groups ·
    columns²). Linear in rows; a national panel's ~700 district columns never become a
    dense (rows × k) or (communes × k) product, and nothing is approximated (the same sums
    in another order).
    """

    def __init__(
        self, fixed: np.ndarray, factors: list[Factor], c_index: np.ndarray, n_c: int
    ) -> None:
        from scipy import sparse

        n, p = fixed.shape
        self.k = p + sum(f.n_levels for f in factors)
        self.onehot = _one_hot_columns(fixed)
        self.dense_cols = np.setdiff1d(np.arange(p), self.onehot)
        level = np.full(n, -1)
        # each one-hot column's rows by one contiguous comparison (a column-major design),
        # not a (rows × one-hot) copy and its nonzero: the same levels (the columns are 0/1,
        # one 1 per row); issue 17
        for which, j in enumerate(self.onehot):
            level[fixed[:, j] == 1.0] = which
        self.group, first = _group_rows(
            [*(fixed[:, j] for j in self.dense_cols), *(f.index for f in factors), c_index]
        )
        g = len(first)
        self.n_groups = g
        self.level = level
        self.oh_rows = np.flatnonzero(level >= 0)
        self.oh_cell = self.group[self.oh_rows] * len(self.onehot) + level[self.oh_rows]
        self.xg = np.ascontiguousarray(fixed[first][:, self.dense_cols])
        self.commune_g = c_index[first]
        self.n_c = n_c
        self.factor_cols, self.factor_levels, self.factor_ind = [], [], []
        start = p
        for f in factors:
            lv = f.index[first]
            has = np.flatnonzero(lv >= 0)
            self.factor_cols.append(np.arange(start, start + f.n_levels))
            self.factor_levels.append(lv)
            self.factor_ind.append(
                sparse.csr_matrix((np.ones(len(has)), (lv[has], has)), (f.n_levels, g))
            )
            start += f.n_levels
        # the groups' own Gram ([dense columns | factors], pooled weights), by structure
        pooled = [replace(f, index=lv) for f, lv in zip(factors, self.factor_levels, strict=True)]
        self._group_gram = _FactorGram(self.xg, pooled)
        self._group_cols = np.concatenate([self.dense_cols, *self.factor_cols]).astype(int)
        self._commune_ind = sparse.csr_matrix(
            (np.ones(g), (self.commune_g, np.arange(g))), (max(n_c, 1), g)
        )
        # every one-hot row (the gain model's: a criterion per row): plain gathers, no subsets
        self.oh_all = len(self.onehot) > 0 and len(self.oh_rows) == n
        self.oh_level = self.level[self.oh_rows]
        # C W A's structure, fixed for the design (only the pooled weights change per step):
        # each factor block's (commune, level) cells in CSR order, the group → cell map, and
        # the whole (communes × k) matrix's CSR layout (fixed columns dense, then the blocks)
        rows_c = max(n_c, 1)
        n_fixed = self.k - sum(len(c) for c in self.factor_cols)
        self._cross_cells = []
        per_row = [np.full(rows_c, n_fixed)]  # each part's entries in each commune's row
        for cols, lv in zip(self.factor_cols, self.factor_levels, strict=True):
            has = np.flatnonzero(lv >= 0)
            cell, inverse = np.unique(
                self.commune_g[has] * len(cols) + lv[has], return_inverse=True
            )
            row, col = cell // len(cols), cell % len(cols)
            indptr = np.searchsorted(row, np.arange(rows_c + 1))
            self._cross_cells.append((has, inverse.ravel(), len(cell), col, indptr, len(cols)))
            per_row.append(np.diff(indptr))
        # a row of the whole matrix: the fixed columns, then each block's entries in turn
        # (columns ascending): where each part's entries go in the CSR data
        before = np.cumsum([np.zeros(rows_c, int), *per_row], axis=0)  # (parts + 1, rows)
        self._cross_indptr = np.concatenate([[0], np.cumsum(before[-1])])
        row_start = self._cross_indptr[:-1] + before[:-1]  # (parts, rows): each part's start
        self._cross_fixed_at = (row_start[0][:, None] + np.arange(n_fixed)).ravel()
        self._cross_block_at = []
        indices = np.empty(self._cross_indptr[-1], int)
        indices[self._cross_fixed_at] = np.tile(np.arange(n_fixed), rows_c)
        start = n_fixed
        for i, (_, _, n_cells, col, indptr, width) in enumerate(self._cross_cells):
            row = np.repeat(np.arange(rows_c), np.diff(indptr))
            at = row_start[i + 1][row] + np.arange(n_cells) - indptr[row]
            self._cross_block_at.append(at)
            indices[at] = col + start
            start += width
        self._cross_indices = indices
        # the largest factor (≥ DIAGONAL_ABOVE levels) whose block of the Newton matrix is
        # diagonal: any factor without communes, else one nested in them (see _Factorised)
        self.diagonal: np.ndarray | None = None
        for cols, lv in zip(self.factor_cols, self.factor_levels, strict=True):
            chosen = 0 if self.diagonal is None else len(self.diagonal)
            if len(cols) < max(DIAGONAL_ABOVE, chosen + 1):
                continue
            if n_c:
                of_commune = np.full(n_c, -1)
                of_commune[self.commune_g] = lv
                if not np.array_equal(of_commune[self.commune_g], lv):
                    continue
            self.diagonal = cols

    def linear(self, theta: np.ndarray, v: np.ndarray) -> np.ndarray:
        """A θ + v[commune] for every row."""
        base = self.xg @ theta[self.dense_cols]
        for cols, lv in zip(self.factor_cols, self.factor_levels, strict=True):
            base += np.where(lv >= 0, theta[cols][lv], 0.0)
        if self.n_c:
            base += v[self.commune_g]
        eta = base[self.group]
        if self.oh_all:
            eta += theta[self.onehot][self.oh_level]
        elif len(self.onehot):
            eta[self.oh_rows] += theta[self.onehot][self.oh_level]
        return eta

    def gradient(self, r: np.ndarray) -> np.ndarray:
        """Aᵀ r."""
        out = np.zeros(self.k)
        rg = np.bincount(self.group, r, self.n_groups)
        self._rg = rg
        out[self.dense_cols] = self.xg.T @ rg
        for cols, ind in zip(self.factor_cols, self.factor_ind, strict=True):
            out[cols] = ind @ rg
        if len(self.onehot):
            out[self.onehot] = np.bincount(
                self.oh_level, r if self.oh_all else r[self.oh_rows], len(self.onehot)
            )
        return out

    def commune_sums(self) -> tuple[np.ndarray, np.ndarray | None]:
        """Per commune: the weights given to ``weights`` and the residuals of the last
        ``gradient`` (None if none since), summed over the commune's groups (each group is
        one commune's: the same sums as over its rows, in another order)."""
        rows = max(self.n_c, 1)
        w = np.bincount(self.commune_g, self._wg, rows)[: self.n_c]
        r = getattr(self, "_rg", None)
        return w, None if r is None else np.bincount(self.commune_g, r, rows)[: self.n_c]

    def weights(self, w: np.ndarray) -> None:
        """Pool this step's weights: per group, and per (group, one-hot level)."""
        self._wg = np.bincount(self.group, w, self.n_groups)
        self._rg = None  # the residuals' sums belong to the next ``gradient``
        j = len(self.onehot)
        cells = np.bincount(self.oh_cell, w if self.oh_all else w[self.oh_rows], self.n_groups * j)
        self._wgj = cells.reshape(self.n_groups, j)

    def gram(self) -> np.ndarray:
        """AᵀWA (dense, k × k) for the weights given to ``weights``."""
        h = np.zeros((self.k, self.k))
        self._group_gram(self._wg, out=h, at=self._group_cols)
        oh = self.onehot
        if len(oh):
            wgj = self._wgj
            h[oh, oh] = wgj.sum(axis=0)  # one level per row: a diagonal
            part = wgj.T @ self.xg
            h[np.ix_(oh, self.dense_cols)] = part
            h[np.ix_(self.dense_cols, oh)] = part.T
            for cols, ind in zip(self.factor_cols, self.factor_ind, strict=True):
                part = np.asarray(ind @ wgj)  # (levels, one-hot)
                h[np.ix_(cols, oh)] = part
                h[np.ix_(oh, cols)] = part.T
        return h

    def commune_parts(self) -> tuple[np.ndarray, list[sparse.csr_matrix]]:
        """C W A (communes × k) for the weights given to ``weights``, by parts: the fixed
        columns (dense, communes × fixed terms) and each factor's block (sparse: a commune
        sits in one district), the blocks on their structure built once for the design."""
        from scipy import sparse

        ind = self._commune_ind
        fixed = np.zeros((ind.shape[0], self.k - sum(len(c) for c in self.factor_cols)))
        fixed[:, self.dense_cols] = ind @ (self.xg * self._wg[:, None])
        if len(self.onehot):
            fixed[:, self.onehot] = ind @ self._wgj
        blocks = []
        for has, inverse, n_cells, col, indptr, width in self._cross_cells:
            values = np.bincount(inverse, self._wg[has], n_cells)
            blocks.append(
                sparse.csr_matrix((values, col, indptr), (ind.shape[0], width), copy=False)
            )
        return fixed, blocks

    def commune_cross(
        self,
        sparse_out: bool,
        parts: tuple[np.ndarray, list[sparse.csr_matrix]] | None = None,
    ) -> np.ndarray | sparse.csr_matrix:
        """C W A (communes × k) for the weights given to ``weights`` (``parts``: its
        ``commune_parts`` if already made): dense, or sparse with each factor's block sparse
        (the fixed columns stored whole, zeros included: one layout for every step)."""
        from scipy import sparse

        fixed, blocks = self.commune_parts() if parts is None else parts
        if sparse_out:
            data = np.empty(len(self._cross_indices))
            data[self._cross_fixed_at] = fixed.ravel()
            for at, b in zip(self._cross_block_at, blocks, strict=True):
                data[at] = b.data
            return sparse.csr_matrix(
                (data, self._cross_indices, self._cross_indptr), (fixed.shape[0], self.k)
            )
        return np.hstack([fixed, *(b.toarray() for b in blocks)])

    def commune_gram(
        self, parts: tuple[np.ndarray, list[sparse.csr_matrix]], scale: np.ndarray
    ) -> np.ndarray | None:
        """Bᵀ diag(``scale``) B (k × k, dense) for B = C W A given by its ``commune_parts``:
        the Schur product Bᵀ D⁻¹ B (``scale`` 1/d) or GᵀG of the coupling G = D⁻¹ B (1/d²).

        By the blocks' structure instead of a sparse product (issue 17: ``cb.T @ coupling``
        was ~3 s of a national fit, most of it scipy's symbolic pass): the factor nested in
        the communes (each commune in one district: one entry per row) by sums over its
        levels, every other column (fixed terms, years) as one dense (communes × m) block by
        one matrix product. The same sums in another order (~1e-16 relative). None where no
        factor is nested (the caller's sparse product then)."""
        from scipy import sparse

        split = _nested_split(parts)
        if split is None:
            return None
        rest, e, nested_cols, b = split
        out = np.zeros((self.k, self.k))
        out[np.ix_(rest, rest)] = e.T @ (e * scale[:, None])
        rows = np.repeat(np.arange(b.shape[0]), np.diff(b.indptr))
        level, z = b.indices, b.data
        levels = b.shape[1]
        zs = z * scale[rows]
        indicator = sparse.csr_matrix((zs, (level, rows)), (levels, b.shape[0]))
        part = indicator @ e  # (levels, m)
        out[np.ix_(nested_cols, rest)] = part
        out[np.ix_(rest, nested_cols)] = part.T
        out[nested_cols, nested_cols] = np.bincount(level, zs * z, levels)
        return out

    def commune_row_quadratic(
        self,
        parts: tuple[np.ndarray, list[sparse.csr_matrix]],
        scale: np.ndarray,
        cov: np.ndarray,
    ) -> np.ndarray | None:
        """diag(G Σ Gᵀ) for the coupling G = diag(``scale``) B, B = C W A given by its
        ``commune_parts`` (the communes' marginal variance beyond the conditional one), by
        the blocks' structure as ``commune_gram``: each commune's dense part (fixed terms,
        years) against Σ's block, plus its one nested level (district). Instead of the
        sparse (communes × k) · (k × k) product (issue 17: ~0.15 s per national fit, k ≈ 730).
        None where no factor is nested."""
        split = _nested_split(parts)
        if split is None:
            return None
        rest, e, nested_cols, b = split
        q = ((e @ cov[np.ix_(rest, rest)]) * e).sum(axis=1)
        rows = np.repeat(np.arange(b.shape[0]), np.diff(b.indptr))  # at most one per row
        level = nested_cols[b.indices]
        z = b.data
        cross = (e[rows] * cov[np.ix_(level, rest)]).sum(axis=1)
        q[rows] += 2.0 * z * cross + z * z * cov[level, level]
        return q * scale**2


def _nested_split(
    parts: tuple[np.ndarray, list[sparse.csr_matrix]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, sparse.csr_matrix] | None:
    """C W A's parts split for the structured products: the columns of every part but the
    widest factor block nested in the communes (one entry per commune at most), those
    columns' entries as one dense (communes × m) matrix, the nested block's columns and the
    block itself; None if no factor block is nested."""
    fixed, blocks = parts
    nested = [
        i
        for i, b in enumerate(blocks)
        if b.shape[1] > 1 and int(np.diff(b.indptr).max(initial=0)) <= 1
    ]
    if not nested:
        return None
    big = max(nested, key=lambda i: blocks[i].shape[1])
    p = fixed.shape[1]
    cols = [np.arange(p)]
    dense = [fixed]
    start = p
    for i, b in enumerate(blocks):
        if i == big:
            nested_cols = np.arange(start, start + b.shape[1])
        else:
            cols.append(np.arange(start, start + b.shape[1]))
            dense.append(b.toarray())
        start += b.shape[1]
    e = np.hstack(dense) if len(dense) > 1 else fixed  # (communes, m)
    return np.concatenate(cols), e, nested_cols, blocks[big]


class DenseDesign:
    """The design as one dense (rows × k) matrix and every product of a Newton step a plain
    matrix product: ``fit_glmm(..., solver="dense")``, the reference the structured
    ``_Design`` (and the district elimination and sparse coupling) must agree with. Public
    as the one statement of the GLMM's design (fixed columns, then each factor's indicators)
    and its products that a diagnostic re-using the product's design builds on (agq13)."""

    def __init__(
        self, fixed: np.ndarray, factors: list[Factor], c_index: np.ndarray, n_c: int
    ) -> None:
        from scipy import sparse

        blocks = [fixed]
        for f in factors:
            z = np.zeros((len(fixed), f.n_levels))
            rows = np.flatnonzero(f.index >= 0)
            z[rows, f.index[rows]] = 1.0
            blocks.append(z)
        self.a = np.hstack(blocks)
        self.k = self.a.shape[1]
        self.diagonal = None  # no block eliminated apart: one Cholesky of the whole matrix
        self.c_index, self.n_c = c_index, n_c
        n = len(fixed)
        self.c = sparse.csr_matrix((np.ones(n), (c_index, np.arange(n))), (max(n_c, 1), n))

    def linear(self, theta: np.ndarray, v: np.ndarray) -> np.ndarray:
        eta = self.a @ theta
        return eta + v[self.c_index] if self.n_c else eta

    def gradient(self, r: np.ndarray) -> np.ndarray:
        self.r = r
        return self.a.T @ r

    def weights(self, w: np.ndarray) -> None:
        self.w, self.r = w, None

    def gram(self) -> np.ndarray:
        return (self.a * self.w[:, None]).T @ self.a

    def commune_cross(self, sparse_out: bool, parts: None = None) -> np.ndarray:
        return np.asarray(self.c.multiply(self.w[None, :]).tocsr() @ self.a)

    def commune_parts(self) -> None:
        return None

    def commune_sums(self) -> tuple[np.ndarray, np.ndarray | None]:
        r = getattr(self, "r", None)
        w = np.bincount(self.c_index, self.w, self.n_c)
        return w, None if r is None else np.bincount(self.c_index, r, self.n_c)


SOLVERS = ("structured", "dense")  # fit_glmm's ``solver``


def _group_rows(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Rows grouped by equal values of ``columns`` (one array per column): the group of each
    row and each group's first row. Runs of equal consecutive rows first (one comparison
    per column: a transitions table lists a commune's year's rows together, so a national
    panel's 520,000 rows are 39,000 runs), then the runs' first rows grouped by a random
    projection (one sort of floats, not a lexicographic sort of rows), checked exactly;
    equal rows whose projections round apart only make two groups. The same groups, ids
    and first rows as grouping every row that way (issue 17: that sort, the (rows ×
    columns) key and its check were ~0.15 s per design, 21 designs per national fit)."""
    n = len(columns[0])
    change = np.zeros(n, bool)
    change[:1] = True
    for column in columns:
        change[1:] |= column[1:] != column[:-1]
    starts = np.flatnonzero(change)
    run = np.cumsum(change) - 1  # each row's run
    key = np.column_stack([column[starts] for column in columns]).astype(float, copy=False)
    projection = key @ np.random.default_rng(0).random(key.shape[1])
    _, first, group = np.unique(projection, return_index=True, return_inverse=True)
    group = group.ravel()
    if not np.array_equal(key[first][group], key):  # two rows projected alike: sort rows
        _, first, group = np.unique(key, axis=0, return_index=True, return_inverse=True)
        group = group.ravel()
    return group[run], starts[first]


def _one_hot_columns(x: np.ndarray) -> np.ndarray:
    """Columns of ``x`` forming one group of 0/1 indicators with at most one 1 per row
    (greedily, in column order), if the group has at least two columns."""
    # column by column, each column first tested on its first rows (a count or a trend fails
    # there at once): no (rows × columns) temporaries; fastest on a column-major ``x``
    # (issue 17: 1.2 s of a national fit over 42 calls with a whole-matrix test)
    chosen, used = [], np.zeros(len(x), bool)
    for j in range(x.shape[1]):
        column = x[:, j]
        if not (_binary(column[:_BINARY_PROBE]) and _binary(column)):
            continue
        ones = column == 1.0
        if not (ones & used).any():
            chosen.append(j)
            used |= ones
    return np.array(chosen if len(chosen) >= 2 else [], int)


_BINARY_PROBE = 64  # rows a column is tested on before all of it


def _binary(values: np.ndarray) -> bool:
    """Every value 0 or 1."""
    return bool(((values == 0.0) | (values == 1.0)).all())


def _fit_to(values: np.ndarray, k: int) -> np.ndarray:
    """``values`` truncated or zero-padded to length ``k``."""
    out = np.zeros(k)
    out[: min(k, len(values))] = values[:k]
    return out


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function by ``tanh`` (no overflow warning for large ``|x|``): the GLMM's
    mean of a log-odds. Public so that a diagnostic re-deriving the GLMM's likelihood (e.g.
    benchmarks/diagnostics/agq13.py) evaluates it with the very same numbers."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def log1pexp(x: np.ndarray) -> np.ndarray:
    """log(1 + eˣ) without overflow: the GLMM's binomial log-likelihood term (public for the
    same reason as ``sigmoid``).

    As max(x, 0) + log1p(e^−|x|), the form ``np.logaddexp(0, x)`` evaluates element by
    element with the C library's ``exp``/``log1p``: numpy's vectorised ``exp`` and ``log1p``
    make it ~4× faster (a national fit evaluates it over ~500,000 rows a few hundred times,
    ~2 s of its CPU; issue 17) and differ from it by at most 2 units in the last place
    (measured ≤ 4.4e-16 relative; tests/unit/model/test_glmm.py)."""
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def quadrature_commune_sd(
    eta: np.ndarray,
    events: np.ndarray,
    trials: np.ndarray,
    c_index: np.ndarray,
    mode: np.ndarray,
    curvature: np.ndarray,
    prior: VariancePrior,
    start: float,
) -> float:
    """The commune spread maximising its marginal likelihood by adaptive Gauss-Hermite
    quadrature, the rest of the model held at its mode (MAP under ``prior``).

    Why: Laplace EM (τ² ← mean of v̂² + posterior variance) reads each commune's binary gains
    as if its posterior were Gaussian. With a few dozen 0/1 rows per commune that posterior is
    skewed, and the Laplace spread is known to come out too small for binary data (Breslow &
    Lin 1995): on the calibration suite's strong-commune process the true ability regressed on
    the fitted commune effects had slope 1.2-1.5, and strong communes were forecast too slowly.
    Here each commune's likelihood ``L_c(v)`` is integrated exactly enough: nodes centred at its
    mode ``v̂_c`` and scaled by its conditional sd ``1/√curvature_c`` (the Laplace fit's), so
    ``log L_c`` is evaluated once per node (rows × nodes). The spread maximising
    ``Σ_c log ∫ L_c(v) N(v; 0, τ²) dv + log p(τ)`` is then found by EM with that exact
    E-step (τ² ← the prior's MAP update of Σ_c E[v_c² | data, τ]; communes × nodes per step):
    monotone, and converged to 1e-12 so that two algebraically equal fits (the dense and
    sparse paths) give the same spread, not two ends of a search's tolerance.

    ``eta``: each row's log-odds without its commune effect; rows of no commune (index < 0)
    are ignored. ``start``: the spread to start from (the Laplace fit's)."""
    has = c_index >= 0
    eta, y, m, ci = eta[has], events[has], trials[has], c_index[has]
    n_c = len(mode)
    x, w = np.polynomial.hermite.hermgauss(QUADRATURE_NODES)
    scale = np.sqrt(2.0) / np.sqrt(curvature)  # (communes,)
    nodes = mode[:, None] + scale[:, None] * x[None, :]  # (communes, nodes)
    loglik = np.empty((n_c, len(x)))
    for k in range(len(x)):  # one row pass per node: memory stays linear in rows
        e = eta + nodes[ci, k]
        loglik[:, k] = np.bincount(ci, y * e - m * log1pexp(e), n_c)
    base = loglik + (np.log(w) + x**2)[None, :]
    sq = nodes**2
    tau2 = start**2
    for _ in range(QUADRATURE_STEPS):  # EM with the exact (quadrature) E-step: linear, sure
        part = base - 0.5 * sq / tau2
        weights = np.exp(part - part.max(axis=1, keepdims=True))
        expected = float(((weights * sq).sum(axis=1) / weights.sum(axis=1)).sum())  # Σ E[v²]
        new = prior.update(expected, n_c)
        done = abs(new - tau2) <= 1e-12 * tau2
        tau2 = new
        if done:
            break
    return float(np.sqrt(tau2))


@functools.cache
def _blas() -> ThreadpoolController:
    """The loaded BLAS libraries, found once (~1.5 ms); limiting them then costs ~0.1 ms."""
    # scipy's own OpenBLAS (its LAPACK: Cholesky, dpotri) is loaded by scipy.linalg: a
    # controller made before that import limited numpy's BLAS only, and dpotri of a 94 × 94
    # matrix ran on every core (49 ms instead of 0.14 ms, loaded 2-core machine, no
    # OPENBLAS_NUM_THREADS: a planner's own kernel)
    import scipy.linalg  # noqa: F401 (loads the library the controller must see)
    from threadpoolctl import ThreadpoolController

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
    commune_quadrature: bool = True,
    solver: str = "structured",
) -> Posterior:
    """Fit the penalised binomial GLMM (see the module docstring).

    ``fixed``: (n, p) design; ``events``/``trials``: binomial counts per row; ``prior_mean``/
    ``prior_sd``: the fixed terms' Gaussian priors (``inf`` sd: flat); ``factors``: small
    random intercepts (districts, years); ``commune``: the large one, eliminated by Schur
    complement. ``variances`` (name → sd) holds the variance components fixed at those values
    (the trend scores refit on part of the data with the full fit's spreads).

    The design is kept by its structure (``_Design``: rows pooled by everything but the
    criterion, products as sums over groups); with many small-factor levels (a national
    panel's ~700 districts) the commune coupling is sparse, so memory and time stay linear
    in rows.

    ``start``: a posterior of a closely related fit (the trend fit for the no-trend one, the
    full fit for a refit on its earlier years) whose mode the Newton steps start from. Only
    the mode: the mode at given variances is unique (the penalised log-likelihood is strictly
    concave), so the answer is the same within ``TOL`` and only steps are saved — the
    covariance too, being the curvature at the returned mode (not at the iterate before the
    last step, which would depend on the path: ~1e-3 on a national panel). The
    variances still start from their priors: EM stops when a step changes no spread by more
    than ``VAR_TOL``, which is not the same as being that close to its fixed point, so a
    different starting spread would change the answer beyond tolerance. Its small block is
    truncated or zero-padded to this fit's size (a refit's year levels are the first ones of
    the full fit's); terms held at a prior sd below ``FIXED_AT`` start at their prior mean.

    ``commune_quadrature``: once EM has settled, the commune spread is re-estimated by
    quadrature (``quadrature_commune_sd``: Laplace EM makes it too small for binary rows) and
    the mode refitted at it, the other spreads held; False keeps the Laplace EM spread.

    ``solver="dense"``: the design as a dense matrix, products as plain matrix products, the
    commune coupling dense and no block eliminated apart: the same model, slower (memory
    rows × k), for checking the structured solver against.
    """
    from scipy import sparse

    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {SOLVERS}, got {solver!r}")
    n, p = fixed.shape
    k = p + sum(f.n_levels for f in factors)
    dense = solver == "dense"
    sparse_mode = k > SPARSE_ABOVE and not dense  # the commune coupling kept sparse
    c_index = commune.index if commune is not None else np.zeros(n, int)
    n_c = commune.n_levels if commune is not None else 0
    design = (DenseDesign if dense else _Design)(np.asarray(fixed, float), factors, c_index, n_c)
    slices, pos = {}, p
    for f in factors:
        slices[f.name] = slice(pos, pos + f.n_levels)
        pos += f.n_levels
    y = events.astype(float)
    m = trials.astype(float)
    unit = bool((m == 1.0).all())  # binary rows (the gain model's): m · x is x, not a pass

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
        eta = design.linear(th, vv)
        return eta if offset is None else eta + offset

    # the penalised log-likelihood = loglik(η) − penalty(θ, v): kept apart so that an EM
    # update (new precisions, same η) re-prices the penalty only; the binomial term over
    # every row is most of a national fit's objective (issue 17), and the same numbers
    def loglik(eta: np.ndarray) -> float:
        return float(y @ eta - m @ log1pexp(eta))

    def penalty(th: np.ndarray, vv: np.ndarray, prec: np.ndarray, cprec: float) -> float:
        return 0.5 * float((prec * (th - m0) ** 2).sum()) + 0.5 * cprec * float((vv**2).sum())

    def expected_sumsq(f: Factor, th, vv, cov, coupling, d, parts) -> float:
        """E[Σ level²] of a random factor under the Gaussian posterior (the EM statistic)."""
        if f is commune:
            # Σ_c (G Σ Gᵀ)_cc = ⟨Σ, GᵀG⟩: a (k × k) product instead of an (n_c × k) one
            cross = design.commune_gram(parts, 1.0 / d**2) if sparse_mode else None
            cross = _cross(coupling) if cross is None else cross
            return float((vv**2).sum() + (1.0 / d).sum() + (cov * cross).sum())
        sl = slices[f.name]
        return float((th[sl] ** 2).sum() + np.diag(cov)[sl].sum())

    def newton_system(th: np.ndarray, vv: np.ndarray, at: np.ndarray, with_gradient: bool = True):
        """The Newton matrix at η = ``at`` (the small block factorised after the communes'
        elimination), the coupling D⁻¹ Bᵀ, the communes' curvature d, C W A by its parts
        and, if asked, the gradient (small block, communes) of the penalised log-likelihood
        at (``th``, ``vv``)."""
        mu = sigmoid(at)
        w = mu * (1.0 - mu) if unit else m * mu * (1.0 - mu)
        design.weights(w)
        h1 = design.gram()
        h1[np.diag_indices(k)] += prec
        g1 = g2 = parts = None
        if with_gradient:
            r = y - mu if unit else y - m * mu
            g1 = design.gradient(r) - prec * (th - m0)
        if n_c:
            # the communes' sums over their groups, not their rows (the same sums)
            d, rc = design.commune_sums()
            d = d + cprec
            if with_gradient:
                g2 = rc - cprec * vv
            parts = design.commune_parts()
            cb = design.commune_cross(sparse_mode, parts)  # Bᵀ = C W A, (n_c, k)
            if sparse_mode:
                # D⁻¹ Bᵀ: each row's entries scaled (the product by a sparse diagonal, whose
                # conversions cost more than the scaling; the same numbers)
                coupling = sparse.csr_matrix(
                    (cb.data * np.repeat(1.0 / d, np.diff(cb.indptr)), cb.indices, cb.indptr),
                    cb.shape,
                )
                product = design.commune_gram(parts, 1.0 / d)  # Bᵀ D⁻¹ B by structure
                if product is None:
                    product = (cb.T @ coupling).toarray()
                schur = h1 - product
            else:
                coupling = cb / d[:, None]
                schur = h1 - cb.T @ coupling
        else:
            schur, coupling, d = h1, np.zeros((0, k)), np.zeros(0)
        return _Factorised(schur, design.diagonal), coupling, d, parts, g1, g2

    # One loop: a damped Newton step on the mode at the current variances; once the step no
    # longer moves the objective, an EM update of the variances from the same curvature.
    converged = False
    # the commune spread still to be re-estimated by quadrature once EM settles
    quadrature = commune_quadrature and commune is not None and variances is None
    held = variances is not None  # every spread fixed: the mode is the answer
    prec, cprec = precision()
    eta = linear(theta, v)
    fit_loglik = loglik(eta)  # at the current η
    current = fit_loglik - penalty(theta, v, prec, cprec)
    iterations = 0
    for iterations in range(1, MAX_ITER + 1):  # noqa: B007 (reported)
        factor, coupling, d, parts, g1, g2 = newton_system(theta, v, eta)
        if n_c:
            step1 = factor.solve(g1 - coupling.T @ g2)
            step2 = g2 / d - coupling @ step1
        else:
            step1 = factor.solve(g1)
            step2 = v
        scale = 1.0
        while True:  # step halving: the penalised likelihood never decreases
            new_theta = theta + scale * step1
            new_v = v + scale * step2 if n_c else v
            new_eta = linear(new_theta, new_v)
            new_loglik = loglik(new_eta)
            value = new_loglik - penalty(new_theta, new_v, prec, cprec)
            if value >= current - 1e-10 or scale < 1e-6:
                break
            scale *= 0.5
        gain = value - current
        theta, v, eta, current, fit_loglik = new_theta, new_v, new_eta, value, new_loglik
        if abs(gain) > TOL * (1.0 + abs(current)):
            continue
        if held:  # spreads fixed: the mode is the answer
            converged = True
            break
        # at the mode for these variances: EM update of each variance (MAP under its prior)
        cov = factor.inverse()
        changed = 0.0
        for f in all_f:
            new = f.prior.update(expected_sumsq(f, theta, v, cov, coupling, d, parts), f.n_levels)
            changed = max(changed, abs(np.sqrt(new) - np.sqrt(tau2[f.name])))
            tau2[f.name] = new
        if changed < VAR_TOL and not quadrature:
            converged = True
            break
        if changed < VAR_TOL:  # EM settled: the commune spread by quadrature, then the mode
            sd_c = quadrature_commune_sd(
                linear(theta, np.zeros(n_c)),
                y,
                m,
                c_index,
                v,
                d,
                commune.prior,
                np.sqrt(tau2[commune.name]),
            )
            tau2[commune.name] = sd_c**2
            quadrature, held = False, True
        prec, cprec = precision()
        current = fit_loglik - penalty(theta, v, prec, cprec)  # η unchanged: its loglik kept
    # the curvature at the returned estimate (the mode at the precisions it was found at),
    # not the last step's (at the iterate before it): one more Newton matrix, and every path
    # to the same mode (cold, warm, however many steps) reports the same covariance
    factor, coupling, d, parts, _, _ = newton_system(theta, v, eta, with_gradient=False)
    cov = factor.inverse()
    c_var = np.zeros(0)
    if n_c:
        quad = design.commune_row_quadratic(parts, 1.0 / d, cov) if sparse_mode else None
        c_var = 1.0 / d + (_row_quadratic(coupling, cov) if quad is None else quad)
    return Posterior(
        mean=theta,
        cov=cov,
        commune_mean=v,
        commune_sd=1.0 / np.sqrt(d) if n_c else np.zeros(0),
        commune_marginal_sd=np.sqrt(c_var),
        coupling=coupling,
        sd={name: float(np.sqrt(t)) for name, t in tau2.items()},
        sumsq={f.name: expected_sumsq(f, theta, v, cov, coupling, d, parts) for f in all_f},
        levels={f.name: f.n_levels for f in all_f},
        priors={f.name: f.prior for f in all_f},
        converged=converged,
        iterations=iterations,
        blocks=slices,
    )
