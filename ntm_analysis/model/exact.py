"""Draws from a small GLMM's exact posterior: its Laplace draws corrected by importance
resampling.

Why: the Laplace posterior is a Gaussian at the mode, symmetric on the log-odds. For a rate
informed by few events it is not: the loss model's term for recognised communes is often
fitted from 0–6 losses in a few hundred rows, and its exact posterior falls off
super-exponentially towards *higher* rates (the likelihood (1 − p)ⁿ) while the Gaussian
falls off as slowly on that side as on the other. Every simulated year draws losses at the
mean of e^(log-odds) over the draws, so the Gaussian's fat upper side overstated a recognised
commune's yearly chance of dropping out of the standard — by 1.66× with no loss seen in 304
rows, by 1.08–1.14× with 3–6 losses in 1,200–1,800 rows (the calibration suite's provinces,
origin 2016; benchmarks/notes/loss12.md) — and the province count was forecast low already
one year ahead.

How (sampling importance resampling, Rubin 1988): ``oversample`` × n proposals (at most
``MAX_PROPOSALS``) from a
multivariate t (``df`` degrees of freedom) centred at the mode with the Laplace covariance
— heavier-tailed than the Gaussian on both sides, so it covers the exact posterior's long
side too — each weighted by exact posterior / proposal density, the exact posterior being
the binomial likelihood of the model's pooled cells (``glmm.BinomialCells``) times its
priors, with the random levels' spread held at the fitted value as the Laplace draws hold
it; n draws are then resampled in proportion to the weights (systematic resampling) and
shuffled. With many events per term the weights are nearly equal and the draws are the
Laplace draws' distribution; with few they move to where the data allow.

Cost: one pass over cells × proposals (a province's loss model: ~800 cells, 2,000 draws →
6·10⁶ terms, ~0.1 s). Above ``MAX_CELLS`` (a national panel: ~60,000 cells) the Laplace draws
are kept and the cells not stored (``correctable``): with thousands of loss events per term
there the Gaussian is accurate, and the correction would cost seconds a forecast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ntm_analysis.model.glmm import BinomialCells, Posterior

OVERSAMPLE = 4  # proposals per draw kept
DF = 5  # the t proposal's degrees of freedom
# cells above which the Laplace draws are kept (see the module): a province's loss model has
# ~700–900 cells, a national one ~60,000. Decided on the data alone, so every draw of one
# forecast (its top-ups of a few hundred draws too) comes from the same posterior.
MAX_CELLS = 5_000
# proposals at most, unless there are more draws: 10,000 draws (``ntm forecast --draws
# 10000``) are resampled from 10,000 proposals (effective ~3,700) rather than 40,000 (+0.35 s
# a command for a few coefficients)
MAX_PROPOSALS = 10_000
# the coefficient table's importance sample (``moments``): fixed, so a report shows the same
# table every time it is built (not a run setting: the forecast's draws use the run's seed)
MOMENTS_SEED = 0
_CHUNK = 2_000_000  # cells × proposals evaluated at once (memory: 16 MB per float64 array)


@dataclass(frozen=True)
class Resampled:
    """Draws of the small block and how the correction went: ``ess`` is the effective
    number of proposals (Kish: (Σw)²/Σw²) behind the ``block.shape[0]`` draws — NaN where the
    Laplace draws were kept (``corrected`` False)."""

    block: np.ndarray
    ess: float
    corrected: bool


def log_posterior(post: Posterior, cells: BinomialCells, block: np.ndarray) -> np.ndarray:
    """The exact log posterior (up to a constant) of each row of ``block`` (m, k): the cells'
    binomial log-likelihood plus the fixed terms' Gaussian priors plus each random level's
    N(0, spread²) at the fit's spreads."""
    p = cells.design.shape[1]
    out = np.zeros(len(block))
    step = max(1, _CHUNK // max(1, len(cells.events)))
    for lo in range(0, len(block), step):
        part = block[lo : lo + step]
        eta = part[:, :p] @ cells.design.T  # (m, cells)
        for name, index in cells.levels.items():
            # a level column of zeros appended: index −1 (no level) reads it
            levels = np.pad(part[:, post.blocks[name]], ((0, 0), (0, 1)))
            eta += np.take(levels, index, axis=1)
        likelihood = eta @ cells.events
        with np.errstate(over="ignore"):  # e^η = inf: log-likelihood −inf, weight 0
            np.log1p(np.exp(eta, out=eta), out=eta)
        out[lo : lo + len(part)] = likelihood - eta @ cells.trials
    z = (block[:, :p] - cells.prior_mean) / cells.prior_sd
    out -= 0.5 * np.einsum("ij,ij->i", z, z)
    for name in cells.levels:
        levels = block[:, post.blocks[name]]
        out -= 0.5 * np.einsum("ij,ij->i", levels, levels) / post.sd[name] ** 2
    return out


def correctable(cells: BinomialCells | None) -> bool:
    """Whether draws from these cells' posterior are corrected (``MAX_CELLS``)."""
    return cells is not None and len(cells.events) <= MAX_CELLS


def _weighted(
    post: Posterior, cells: BinomialCells, rng: np.random.Generator, m: int, df: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """``m`` t proposals at the mode with their normalised importance weights (exact
    posterior / proposal); None when no proposal has a finite weight."""
    k = len(post.mean)
    values, vectors = np.linalg.eigh(post.cov)
    root = vectors * np.sqrt(np.clip(values, 0.0, None))
    z = rng.standard_normal((m, k))
    scale = np.sqrt(df / rng.chisquare(df, m))
    proposals = post.mean + scale[:, None] * (z @ root.T)
    # the t density up to a constant: Mahalanobis distance of z is |z|² (root's inverse)
    log_q = -0.5 * (df + k) * np.log1p(np.einsum("ij,ij->i", z, z) * scale**2 / df)
    log_w = log_posterior(post, cells, proposals) - log_q
    if not np.isfinite(log_w.max()):
        return None
    w = np.exp(log_w - log_w.max())
    return proposals, w / w.sum()


def _check_covered(post: Posterior, cells: BinomialCells) -> None:
    if set(cells.levels) != set(post.blocks) or len(post.commune_mean):
        raise ValueError("exact draws need every small factor's levels and no commune effects")


def draw(
    post: Posterior,
    cells: BinomialCells | None,
    rng: np.random.Generator,
    n: int,
    oversample: int = OVERSAMPLE,
    df: float = DF,
) -> Resampled:
    """``n`` draws of ``post``'s small block from the exact posterior (see the module);
    the Laplace draws (``post.draw``) where ``cells`` is None (a posterior without its data)
    or over ``MAX_CELLS``. For a GLMM without communes whose small factors are all in
    ``cells.levels`` (the loss model): any other coordinate would get no prior here."""
    if not correctable(cells) or n == 0:
        return Resampled(post.draw(rng, n)[0], float("nan"), False)
    _check_covered(post, cells)
    m = min(oversample * n, max(n, MAX_PROPOSALS))
    weighted = _weighted(post, cells, rng, m, df)
    if weighted is None:  # no usable proposal (not seen): the Laplace draws
        return Resampled(post.draw(rng, n)[0], float("nan"), False)
    proposals, w = weighted
    ess = 1.0 / float(w @ w)
    positions = (rng.random() + np.arange(n)) / n  # systematic resampling
    picked = np.minimum(np.searchsorted(np.cumsum(w), positions), m - 1)
    return Resampled(proposals[rng.permutation(picked)], ess, True)


def moments(post: Posterior, cells: BinomialCells | None) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of every coordinate of ``post``'s small block under the
    posterior the forecast draws from: the exact one, by importance weights over
    ``MAX_PROPOSALS`` proposals, where ``draw`` corrects (an estimate: on the bundled data the
    recognised-commune term's mean has a seed-to-seed sd of 0.03, a fortieth of its own sd); the
    Laplace mean and sd otherwise, as ``draw`` keeps them. Why: the coefficient table should
    show the numbers the simulation uses — with no loss seen, the exact mean of the
    recognised communes' loss term sits well below the Laplace mode's Gaussian. Seeded
    (``MOMENTS_SEED``): the same table every time."""
    laplace = post.mean, np.sqrt(np.diag(post.cov))
    if not correctable(cells):
        return laplace
    _check_covered(post, cells)
    weighted = _weighted(post, cells, np.random.default_rng(MOMENTS_SEED), MAX_PROPOSALS, DF)
    if weighted is None:
        return laplace
    proposals, w = weighted
    mean = w @ proposals
    return mean, np.sqrt(w @ (proposals - mean) ** 2)
