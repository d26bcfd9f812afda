"""Where does the forecast's excess width come from? One source of spread switched off at a time.

Issue 13, session 15 (benchmarks/notes/width15.md). Under ``strong_communes`` (no year shocks)
the model's mean-criteria forecast is 4–9× as wide as the ideal's with 80% coverage 0.98–1.00
and CRPS 1.9× the ideal's one year ahead, where a forecaster told everything but the trend
scores 1.05 (oracle14.md). One year ahead the trend hardly matters, so something else widens
the forecast. This script fits each case **once**, as the product does, and simulates it with
the same seed several times, each time with one source of spread removed *from the
simulation* (the truth and the fit are never touched):

- ``no_future_shocks``: every simulated year's shared shock set to 0 (the coefficients still
  drawn at each draw's own year spread);
- ``sd_at_fit`` / ``sd_at_floor``: each draw's year-shock spread (``Posterior.draw_sd``)
  replaced by the fit's own (``Posterior.sd["year"]``: √E[σ²] over the spread's marginal
  posterior, where the product reads its fixed terms) / the prior's floor (0.02):
  coefficients drawn at that spread (``draw_given_sd``) and future shocks from it — "the
  fit's spread as a point" / "told there are no shocks";
- ``fixed_at_mean``, ``districts_at_mode``, ``communes_at_mode``, ``gain_at_mode``: the gain
  posterior's fixed terms, district effects, commune effects, or all of them held at their
  (conditional) posterior mean in every draw; the other parts stay drawn, moved to what they
  are given the held part (Gaussian conditioning of each draw under the Laplace covariance:
  d − Σ_{·S} Σ_SS⁻¹ d_S), so a held part does not leave its partners' compensating shifts;
- ``loss_at_mean``: the loss model's coefficients at their mean over the draws;
- ``trend_only`` / ``no_trend_only``: every draw from the trend fit / the no-trend fit
  (``TransitionModel.component``, each form's fit of that kind);
- ``chosen_form``: every draw from the chosen capacity form (no ``other_form``);
- ``all_off``: ``sd_at_floor`` + ``gain_at_mode`` + ``loss_at_mean`` together (what is left:
  the trend and form mixtures and the communes' own coin flips).

Each case also records what the fit says about past years (``--fits``): for the trend and
no-trend fits of the chosen form, the year-shock spread (the fit's √E[σ²], the marginal
posterior's median, 10% and 90% points), the trend (estimate, se), the fitted year effects
(posterior mean and sd), and the year effects *as the data alone give them* (``Q⁺ b``, the
information ``sd_posterior`` uses), their contrasts about the mean (about a line, for the
trend fit) with standard errors and χ² = rᵀ(C Q⁺ Cᵀ)⁺ r on the contrasts' rank: a process
without shocks, fitted by a right model, gives χ² ≈ df; a larger χ² is misfit read as shared
shocks.

``--year-prior 0.25,0.35`` adds *candidates* beside the variants: the product refitted with
the year shocks' half-normal prior at that scale (the product's: 0.5).

``--level-learnt`` runs a different forecaster instead (``level_learnt_rows``): the ideal
(true abilities, parameters and shock sd) with the line of the yearly common terms learnt
from the seen years, each read with the binomial noise of that year's gains — what learning
the year's level from the panel alone costs a forecaster that knows everything else.

Usage (``--summary`` reprints the tables of a case CSV)::

    python -m benchmarks.diagnostics.width15 --scenarios strong_communes,year_shocks \
        --replicates 16 --first 0 --out /tmp/width15.csv --fits /tmp/width15_fits.csv
    python -m benchmarks.diagnostics.width15 --level-learnt --scenarios strong_communes \
        --replicates 40 --origins 2013,2014,2015,2016 --out /tmp/width15_level.csv
"""

from __future__ import annotations

import argparse
import contextlib
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from benchmarks.diagnostics.cases import score_cases
from ntm_analysis.core.criteria import N_CRITERIA
from ntm_analysis.model import calibration as cal
from ntm_analysis.model import exact, glmm
from ntm_analysis.model import forecast as fcm
from ntm_analysis.model import transitions as tr
from ntm_analysis.model.known_processes import SCENARIOS, Process, Truth, count_met

P = len(tr.GAIN_TERMS)
_ORIGINAL = {
    "draw_sd": glmm.Posterior.draw_sd,
    "draw_given_sd": glmm.Posterior.draw_given_sd,
    "component_draws": fcm._component_draws,
    "exact_draw": exact.draw,
}


# -- switches: each a context manager that changes the simulation's draws only -------------


@contextlib.contextmanager
def _patched(owner: object, name: str, value: object) -> Iterator[None]:
    own = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, own)


def year_sd_at(kind: str) -> contextlib.AbstractContextManager:
    """Each draw's year spread at the fit's own (``kind="fit"``: √E[σ²], see
    ``transitions``) or the prior's floor (``"floor"``); the random numbers the draw would
    have used are still consumed, so every other part of the draws is unchanged."""

    def draw_sd(self, name, rng, n):
        drawn = _ORIGINAL["draw_sd"](self, name, rng, n)
        if name != "year":
            return drawn
        value = self.sd[name] if kind == "fit" else self.priors[name].lower
        return np.full_like(drawn, value)

    return _patched(glmm.Posterior, "draw_sd", draw_sd)


def _centre_given_sd(post: glmm.Posterior, name: str, sd: np.ndarray) -> np.ndarray:
    """(n, k): the small block's posterior mean given each draw's spread (what
    ``draw_given_sd`` draws around, without its noise)."""
    sd = np.asarray(sd, float).ravel()
    block = post.blocks[name]
    cov_yy = post.cov[block, block]
    prec_yy = np.linalg.inv(cov_yy)
    regression = post.cov[:, block] @ prec_yy
    q_data = prec_yy - np.eye(len(cov_yy)) / post.sd[name] ** 2
    lam, vec = np.linalg.eigh(0.5 * (q_data + q_data.T))
    lam = np.maximum(lam, 0.0)
    c = vec.T @ (prec_yy @ post.mean[block])
    y_mean = (c / (lam + 1.0 / np.square(sd)[:, None])) @ vec.T
    return post.mean + (y_mean - post.mean[block]) @ regression.T


def held(part: str) -> contextlib.AbstractContextManager:
    """The gain posterior's ``part`` held at its mean given the draw's spread in every draw:
    "fixed" (the gain terms), "district", "commune" (the commune effects at their
    conditional mode given the block) or "all" (every coordinate, communes at their mode).
    The rest of each draw is conditioned on the held part (d − Σ_{·S} Σ_SS⁻¹ d_S, the
    Laplace covariance at the fitted spread), the communes moved with it through the
    coupling."""

    def draw_given_sd(self, name, sd, rng):
        block, communes = _ORIGINAL["draw_given_sd"](self, name, sd, rng)
        k = len(self.mean)
        coupling = self.coupling
        if part in ("fixed", "district", "all"):
            pinned = {
                "fixed": np.arange(P),
                "district": np.arange(k)[self.blocks["district"]],
                "all": np.arange(k),
            }[part]
            d = block - _centre_given_sd(self, name, sd)
            sigma = self.cov
            # a term held at 0 by the fit (no trend, no flagged communes) has no variance
            inv = np.linalg.pinv(sigma[np.ix_(pinned, pinned)], rcond=1e-12, hermitian=True)
            gain = inv @ sigma[pinned, :]  # (|S|, k)
            delta = d[:, pinned] @ gain
            block = block - delta
            communes = communes + np.asarray(coupling @ delta.T).T
        if part in ("commune", "all"):
            communes = self.commune_mean - np.asarray(coupling @ (block - self.mean).T).T
        return block, communes

    return _patched(glmm.Posterior, "draw_given_sd", draw_given_sd)


def no_future_shocks() -> contextlib.AbstractContextManager:
    def component_draws(*args, **kwargs):
        drawn = _ORIGINAL["component_draws"](*args, **kwargs)
        return replace(drawn, shocks=np.zeros_like(drawn.shocks))

    return _patched(fcm, "_component_draws", component_draws)


def loss_at_mean() -> contextlib.AbstractContextManager:
    def draw(*args, **kwargs):
        drawn = _ORIGINAL["exact_draw"](*args, **kwargs)
        mean = drawn.block.mean(axis=0, keepdims=True)
        return replace(drawn, block=np.repeat(mean, len(drawn.block), axis=0))

    return _patched(exact, "draw", draw)


@contextlib.contextmanager
def together(*managers: Callable[[], contextlib.AbstractContextManager]) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        for make in managers:
            stack.enter_context(make())
        yield


Same = Callable[[tr.TransitionModel], tr.TransitionModel]


def _as_is(model: tr.TransitionModel) -> tr.TransitionModel:
    return model


def _component(trend: bool) -> Same:
    def pick(model: tr.TransitionModel) -> tr.TransitionModel:
        return model if model.no_trend is None else model.component(trend)

    return pick


# name -> (the model simulated, the switch during the simulation)
VARIANTS: dict[str, tuple[Same, Callable[[], contextlib.AbstractContextManager]]] = {
    "main": (_as_is, contextlib.nullcontext),
    "no_future_shocks": (_as_is, no_future_shocks),
    "sd_at_fit": (_as_is, lambda: year_sd_at("fit")),
    "sd_at_floor": (_as_is, lambda: year_sd_at("floor")),
    "fixed_at_mean": (_as_is, lambda: held("fixed")),
    "districts_at_mode": (_as_is, lambda: held("district")),
    "communes_at_mode": (_as_is, lambda: held("commune")),
    "gain_at_mode": (_as_is, lambda: held("all")),
    "loss_at_mean": (_as_is, loss_at_mean),
    "trend_only": (_component(True), contextlib.nullcontext),
    "no_trend_only": (_component(False), contextlib.nullcontext),
    "chosen_form": (lambda m: replace(m, other_form=None), contextlib.nullcontext),
    "all_off": (
        _as_is,
        lambda: together(lambda: year_sd_at("floor"), lambda: held("all"), loss_at_mean),
    ),
}


# -- the fit, once per case, and what it says about past years -----------------------------

_FIT: dict[str, object] = {"history": None, "model": None, "info": None}


def year_record(model: tr.TransitionModel, prefix: str) -> dict[str, object]:
    """What one fit says about the past years' shared shifts (see the module docstring)."""
    post = model.gain_posterior
    block = post.blocks["year"]
    grid, prob = post.sd_posterior("year")
    cdf = np.cumsum(prob)
    cov = post.cov[block, block]
    mean = post.mean[block]
    prec = np.linalg.inv(cov)
    q = prec - np.eye(len(cov)) / post.sd["year"] ** 2
    q = 0.5 * (q + q.T)
    q_plus = np.linalg.pinv(q, rcond=1e-8, hermitian=True)
    y_data = q_plus @ (prec @ mean)  # the data's own reading, no prior on the levels
    t = np.arange(len(mean), dtype=float)
    # the no-trend fit's effects about their mean; the trend fit's about a line (its trend
    # takes the line: the levels' prior shrinks it to 0)
    basis = np.ones((len(t), 1)) if prefix == "nt" else np.column_stack([np.ones_like(t), t])
    contrast = np.eye(len(t)) - basis @ np.linalg.pinv(basis)
    r = contrast @ y_data
    r_cov = contrast @ q_plus @ contrast.T
    # the tolerance on the levels' own scale: two levels about a line leave nothing (rank 0)
    tol = 1e-9 * max(float(np.abs(q_plus).max()), 1e-300)
    rank = int(np.linalg.matrix_rank(r_cov, tol=tol, hermitian=True))
    r_inv = np.linalg.pinv(r_cov, rcond=tol / max(float(np.abs(r_cov).max()), tol), hermitian=True)
    chi2 = float(r @ r_inv @ r) if rank else float("nan")
    trend = tr.GAIN_TERMS.index("trend")
    fitted_sd = np.sqrt(np.diag(contrast @ cov @ contrast.T))

    def fmt(x: np.ndarray) -> str:
        return " ".join(f"{v:+.3f}" for v in x)

    return {
        f"{prefix}_sd_fit": post.sd["year"],
        f"{prefix}_sd_median": float(grid[np.searchsorted(cdf, 0.5)]),
        f"{prefix}_sd_q10": float(grid[np.searchsorted(cdf, 0.1)]),
        f"{prefix}_sd_q90": float(grid[np.searchsorted(cdf, 0.9)]),
        f"{prefix}_trend": float(model.gain_params[trend]),
        f"{prefix}_trend_se": float(np.sqrt(max(model.gain_cov[trend, trend], 0.0))),
        f"{prefix}_effects": fmt(contrast @ mean),
        f"{prefix}_effects_sd": fmt(fitted_sd),
        f"{prefix}_data_contrasts": fmt(r),
        f"{prefix}_data_se": fmt(np.sqrt(np.maximum(np.diag(r_cov), 0.0))),
        f"{prefix}_chi2": chi2,
        f"{prefix}_df": rank,
        f"{prefix}_max_abs_z": float(np.max(np.abs(r) / np.sqrt(np.diag(r_cov))))
        if rank
        else float("nan"),
    }


def fit_info(model: tr.TransitionModel) -> dict[str, object]:
    info: dict[str, object] = {
        "trend_weight": model.trend_weight,
        "trend_choice": model.trend_choice,
        "capacity_form": model.capacity_form,
        "form_share": model.form_share,
    }
    if model.gain_posterior is not None and "year" in model.gain_posterior.blocks:
        info |= year_record(model, "tr")
        if model.no_trend is not None:
            info |= year_record(model.no_trend, "nt")
    return info


def fitted(history) -> tr.TransitionModel:
    """The product's fit of ``history``, made once for all the variants of a case (every
    forecaster of a case gets the same history object)."""
    if _FIT["history"] is not history:
        model = tr.fit(history)
        _FIT.update(history=history, model=model, info=fit_info(model))
    return _FIT["model"]  # type: ignore[return-value]


def forecaster(name: str) -> cal.Forecaster:
    pick, switch = VARIANTS[name]

    def run(history, last_year, n_draws, seed):
        model = pick(fitted(history))
        with switch():
            fc = fcm.simulate(history, model, last_year, n_draws, seed)
        return cal.as_draws(fc)

    return run


def year_prior_forecaster(scale: float) -> cal.Forecaster:
    """A *candidate*, not a switch: the product's fit and simulation with the year shocks'
    half-normal prior at ``scale`` (the product's ``transitions.YEAR_PRIOR``: 0.5)."""
    prior = replace(tr.YEAR_PRIOR, scale=scale)

    def run(history, last_year, n_draws, seed):
        with _patched(tr, "YEAR_PRIOR", prior):
            model = tr.fit(history)
        return cal.as_draws(fcm.simulate(history, model, last_year, n_draws, seed))

    return run


# -- what learning the year's level costs, everything else known ---------------------------


def level_information(truth: Truth, year: int) -> float:
    """Fisher information about a common shift of year ``year``'s gain log-odds (the
    transition ``year`` → ``year`` + 1): Σ p(1 − p) over the unmet cells, p the true gain
    probability (true abilities, trend, shock, push, registrations)."""
    process = truth.process
    state = truth.states[year]
    n_met = state.sum(axis=1)
    shift = process.trend * (year - process.first_year) + truth.shocks.get(year, 0.0)
    eta = process.base_gain + process.difficulty[None, :] + truth.ability[:, None] + shift
    if process.push_threshold is not None:
        eta = eta + process.push * (n_met >= process.push_threshold)[:, None]
    if process.quota and year in truth.registered:
        eta = eta + process.quota_push * truth.registered[year][:, None]
    p = 1.0 / (1.0 + np.exp(-eta))
    return float((p * (1.0 - p))[~state].sum())


def level_learnt_rows(
    process: Process, replicate: int, origins: Sequence[int], n_draws: int = 1000
) -> list[dict]:
    """The ideal forecast with the common level learnt: every draw knows the abilities, the
    parameters and the shock sd, but not the line b + trend·(t − first year) that each
    transition year's common term follows. The forecaster reads each seen year's common term
    with the binomial noise of that year's gains (sd 1/√``level_information``), plus the
    year's shock where there are shocks, fits the line by weighted least squares (flat
    prior), and draws it from its posterior ("level_learnt"; "slope_learnt": b known, only
    the slope learnt, oracle14's trend-learnt forecaster with noisy common terms). The case's
    own estimate is one draw of the estimator's error (from the case's seed), the draws
    spread around it: not a bound (the information ignores that the abilities are unknown,
    and the prior is flat); what learning the level from the panel's years alone costs."""
    truth = cal.realised(process, replicate)
    first = process.first_year
    seen_from = first if process.history_years is None else None
    rows = []
    for origin in origins:
        start = seen_from if seen_from is not None else origin - process.history_years + 1
        years = np.arange(start, origin)
        last = origin + max(cal.HORIZONS)
        ideal_seed, _, _ = cal.case_seed(process.name, replicate, origin).spawn(3)
        (ideal,) = cal.ideal_runs(truth, origin, last, [cal.HARNESS_IDEAL_DRAWS], ideal_seed)
        info = np.array([level_information(truth, int(t)) for t in years])
        weight = 1.0 / (1.0 / info + process.year_sd**2)
        x = (years - first).astype(float)
        rng = np.random.default_rng(
            np.random.SeedSequence([zlib.crc32(process.name.encode()), replicate, origin, 15])
        )
        forecasts = {"known_level": np.zeros((n_draws, 2))}
        if len(years) >= 2:
            design = np.column_stack([np.ones_like(x), x])
            cov = np.linalg.inv(design.T @ (weight[:, None] * design))
            miss = rng.multivariate_normal(np.zeros(2), cov)
            forecasts["level_learnt"] = miss + rng.multivariate_normal(np.zeros(2), cov, n_draws)
        slope_var = 1.0 / float(weight @ x**2) if (x > 0).any() else np.nan
        if np.isfinite(slope_var):
            slope = np.sqrt(slope_var) * (rng.standard_normal() + rng.standard_normal(n_draws))
            forecasts["slope_learnt"] = np.column_stack([np.zeros(n_draws), slope])
        for name, offset in forecasts.items():
            ability = truth.ability[None, :] + offset[:, :1]
            run_as = replace(process, trend=(process.trend + offset[:, 1]).reshape(-1, 1))
            path = run_as.run(truth.states[origin], ability, origin, last, n_draws, rng)[1:]
            n_met = np.stack([count_met(s) for s in path], axis=1)
            for h in cal.HORIZONS:
                observed = truth.figures(origin + h)
                drawn = {
                    "n_ntm": (n_met[:, h - 1] == N_CRITERIA).sum(axis=1).astype(float),
                    "mean_criteria": n_met[:, h - 1].mean(axis=1),
                }
                for figure, y in observed.items():
                    xs = drawn[figure]
                    lo, hi = np.quantile(xs, [0.1, 0.9], method="inverted_cdf")
                    xi = ideal.figure(figure)[:, h - 1]
                    li, hi_i = np.quantile(xi, [0.1, 0.9], method="inverted_cdf")
                    rows.append(
                        {
                            "scenario": process.name,
                            "replicate": replicate,
                            "origin": origin,
                            "horizon": h,
                            "figure": figure,
                            "forecaster": name,
                            "observed": y,
                            "mean": float(xs.mean()),
                            "lo80": float(lo),
                            "hi80": float(hi),
                            "crps": cal.crps_sample(xs, y),
                            "ideal_width80": float(hi_i - li),
                            "ideal_crps": cal.crps_sample(xi, y),
                            "level_se": float(np.sqrt(np.median(1.0 / info))),
                        }
                    )
    return rows


# -- the cases ---------------------------------------------------------------------------


def run_cases(
    processes: Sequence[Process],
    replicates: Sequence[int],
    origins: Sequence[int],
    variants: Sequence[str],
    out: str | None = None,
    fits_out: str | None = None,
    year_priors: Sequence[float] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every (process, replicate, origin) case scored by every variant (the harness's truth,
    ideal, seed and PIT draw: ``calibration.score_case``) and by the year-prior candidates
    (``year_prior_<scale>``), and each case's fit record. The CSVs are rewritten after each
    replicate, the fits' after each case."""
    forecasters = {name: forecaster(name) for name in variants}
    forecasters |= {f"year_prior_{s:g}": year_prior_forecaster(s) for s in year_priors}
    fits: list[dict] = []

    def record_fit(process: Process, replicate: int, origin: int) -> None:
        meta = {"scenario": process.name, "replicate": replicate, "origin": origin}
        fits.append(meta | dict(_FIT["info"] or {}))  # type: ignore[arg-type]
        if fits_out:
            pd.DataFrame(fits).to_csv(fits_out, index=False)

    cases = score_cases(processes, replicates, forecasters, out, origins, after_case=record_fit)
    return cases, pd.DataFrame(fits)


def _ratio_interval(
    d: pd.DataFrame, variant: str, n_boot: int = 1000, seed: int = 0
) -> tuple[float, float, float]:
    """Σ CRPS(variant) / Σ CRPS(main) over the cases, 90% bootstrap over replicates."""
    by = d.groupby(["replicate", "forecaster"])["crps"].sum().unstack()
    if variant not in by or "main" not in by:
        return (np.nan, np.nan, np.nan)
    a, b = by[variant].to_numpy(), by["main"].to_numpy()
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(a), (n_boot, len(a)))
    boot = a[pick].sum(axis=1) / b[pick].sum(axis=1)
    return float(a.sum() / b.sum()), *np.quantile(boot, [0.05, 0.95])


def summary(cases: pd.DataFrame, horizons: Sequence[int] = (1, 4)) -> pd.DataFrame:
    """Per figure × scenario × horizon × variant: 80% width over the ideal's (Σ/Σ), 80%
    coverage, CRPS over the ideal's (Σ/Σ), CRPS over main's [90% bootstrap over replicates],
    bias (mean − realised) and bias in ideal 80% widths, cases."""
    d = cases[cases["horizon"].isin(horizons)].copy()
    d["width80"] = d["hi80"] - d["lo80"]
    d["cov80"] = (d["lo80"] <= d["observed"]) & (d["observed"] <= d["hi80"])
    d["bias"] = d["mean"] - d["observed"]
    rows = []
    order = {name: i for i, name in enumerate(VARIANTS)}
    for (figure, scenario, h), g in d.groupby(["figure", "scenario", "horizon"]):
        for variant, v in sorted(g.groupby("forecaster"), key=lambda x: order.get(x[0], 99)):
            ratio, lo, hi = _ratio_interval(g, variant)
            rows.append(
                {
                    "figure": figure,
                    "scenario": scenario,
                    "h": h,
                    "variant": variant,
                    "width/ideal": v["width80"].sum() / v["ideal_width80"].sum(),
                    "cov80": v["cov80"].mean(),
                    "crps/ideal": v["crps"].sum() / v["ideal_crps"].sum(),
                    "crps/main": f"{ratio:.2f} [{lo:.2f}, {hi:.2f}]",
                    "bias": v["bias"].mean(),
                    "bias/ideal_w": v["bias"].mean() / v["ideal_width80"].mean(),
                    "n": len(v),
                }
            )
    return pd.DataFrame(rows).round(3)


def fit_summary(fits: pd.DataFrame) -> pd.DataFrame:
    """Per scenario × origin: medians of the year-spread readings and of χ²/df, the share of
    cases with χ² beyond its 95% point, the trend weight."""
    from scipy.stats import chi2

    rows = []
    for (scenario, origin), g in fits.groupby(["scenario", "origin"]):
        row = {"scenario": scenario, "origin": origin, "n": len(g)}
        row["trend_weight"] = g["trend_weight"].median()
        for p in ("tr", "nt"):
            if f"{p}_chi2" not in g:
                continue
            row |= {
                f"{p}_sd_fit": g[f"{p}_sd_fit"].median(),
                f"{p}_sd_median": g[f"{p}_sd_median"].median(),
                f"{p}_sd_q90": g[f"{p}_sd_q90"].median(),
                f"{p}_chi2/df": (g[f"{p}_chi2"] / g[f"{p}_df"]).median(),
                f"{p}_df": g[f"{p}_df"].median(),
                f"{p}_p<.05": (g[f"{p}_chi2"] > chi2.ppf(0.95, g[f"{p}_df"])).mean(),
                f"{p}_max|z|": g[f"{p}_max_abs_z"].median(),
            }
        rows.append(row)
    return pd.DataFrame(rows).round(3)


def level_summary(rows: pd.DataFrame) -> pd.DataFrame:
    """``level_learnt_rows`` per figure × scenario × horizon × forecaster: CRPS over the
    ideal's (Σ/Σ) with a 90% bootstrap interval over replicates, 80% width over the ideal's,
    80% coverage, the median se of one year's common term, cases."""
    rows = rows.copy()
    rows["width80"] = rows["hi80"] - rows["lo80"]
    rows["cov80"] = (rows["lo80"] <= rows["observed"]) & (rows["observed"] <= rows["hi80"])
    out = []
    keys = ["figure", "scenario", "horizon", "forecaster"]
    for key, g in rows.groupby(keys):
        by = g.groupby("replicate")[["crps", "ideal_crps"]].sum().to_numpy()
        pick = np.random.default_rng(0).integers(0, len(by), (1000, len(by)))
        boot = by[pick, 0].sum(axis=1) / by[pick, 1].sum(axis=1)
        lo, hi = np.quantile(boot, [0.05, 0.95])
        out.append(
            dict(zip(keys, key, strict=True))
            | {
                "crps/ideal": f"{by[:, 0].sum() / by[:, 1].sum():.2f} [{lo:.2f}, {hi:.2f}]",
                "width/ideal": g["width80"].sum() / g["ideal_width80"].sum(),
                "cov80": g["cov80"].mean(),
                "level_se": g["level_se"].median(),
                "n": len(g),
            }
        )
    return pd.DataFrame(out).round(3)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Variants: " + ", ".join(VARIANTS),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--replicates", type=int, default=12)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--scenarios", default="strong_communes,year_shocks")
    parser.add_argument("--origins", default="2014,2016")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument(
        "--year-prior",
        default="",
        help="candidate scales of the year shocks' half-normal prior, comma-separated "
        "(each a full fit + simulation beside the variants; the product's is 0.5)",
    )
    parser.add_argument(
        "--level-learnt",
        action="store_true",
        help="instead of the variants: the ideal with the common level learnt from the "
        "seen years' noisy common terms (level_learnt_rows), its rows to --out",
    )
    parser.add_argument("--level-summary", help="only summarise this --level-learnt CSV")
    parser.add_argument("--out", help="case CSV (rewritten after each case)")
    parser.add_argument("--fits", help="the fits' year records, one row a case (CSV)")
    parser.add_argument("--summary", help="only summarise this case CSV (no fits)")
    parser.add_argument("--fit-summary", help="only summarise this fits CSV")
    args = parser.parse_args(argv)
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 40)
    pd.set_option("display.max_rows", 500)
    if args.level_summary:
        print(level_summary(pd.read_csv(args.level_summary)).to_string(index=False))
        return
    if args.level_learnt:
        rows: list[dict] = []
        for name in args.scenarios.split(","):
            for r in range(args.first, args.first + args.replicates):
                origins = [int(o) for o in args.origins.split(",")]
                rows += level_learnt_rows(SCENARIOS[name], r, origins)
                if args.out:
                    pd.DataFrame(rows).to_csv(args.out, index=False)
                print(f"{name} r{r}", flush=True)
        print(level_summary(pd.DataFrame(rows)).to_string(index=False))
        return
    if args.summary or args.fit_summary:
        if args.summary:
            print(summary(pd.read_csv(args.summary)).to_string(index=False))
        if args.fit_summary:
            print(fit_summary(pd.read_csv(args.fit_summary)).to_string(index=False))
        return
    cases, fits = run_cases(
        [SCENARIOS[s] for s in args.scenarios.split(",")],
        range(args.first, args.first + args.replicates),
        tuple(map(int, args.origins.split(","))),
        args.variants.split(","),
        args.out,
        args.fits,
        [float(x) for x in args.year_prior.split(",") if x],
    )
    print(summary(cases).to_string(index=False))
    print(fit_summary(fits).to_string(index=False))


if __name__ == "__main__":
    main()
