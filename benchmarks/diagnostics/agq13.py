"""Fixed terms on each commune's integrated likelihood (issue 13, prototype; no product change)

csd13 found the long panels' low trend to be a joint-mode bias: the product fits the fixed
terms θ (fixed, district and year levels) at the joint mode of (θ, v) with shrunken commune
effects v̂, the commune spread τ then comes out at 0.71–0.89 of the process's residual spread
and the missed ability goes into the count term ``n_met``. This script fits, on the product's
own gain design (captured from ``fit_glmm``'s last gain call in ``fit(panel, trend="only")``),

    max over θ, τ of  Σ_c log ∫ L_c(θ, v) N(v; 0, τ²) dv − ½ Σ_j (θ_j − m_j)² / s_j² + log p(τ)

with each commune's integral by adaptive Gauss-Hermite quadrature (nodes ``m_c + √2 s_c x_k``
at the commune's conditional mode and curvature, re-centred at every evaluation of the
objective, like lme4's nAGQ > 1 for one scalar random intercept). District and year levels
stay in θ with their Gaussian priors at the product fit's spreads (held), so θ is a penalised
mode over them (Laplace) and an integral over the communes only.

- θ step: Newton on the quadrature objective with step halving. Its gradient is the
  posterior-weighted residual Aᵀ r̄ (r̄ = Σ_k π_ck (y − μ_k) per row); its Hessian the
  weighted node Hessians minus the covariance of the per-commune node gradients (the exact
  Hessian of log Σ_k w_k exp(...) at fixed nodes), falling back to the weighted node
  Hessians alone where that is not negative definite.
- τ step: ``glmm.quadrature_commune_sd`` (the product's own quadrature spread, to its
  maximum) at the current θ and node centres; θ and τ alternate to a joint maximum.
- posterior of θ: Gaussian at the optimum with the inverse of the objective's negative
  Hessian (what a product version would draw θ from; communes from their conditional).

Per case it records the product's fit and the AGQ fit: τ, τ over csd13's residual spread
(``residual_spread``), the ``n_met`` coefficient, the trend, its sd, error and z.

Usage::

    python -m benchmarks.diagnostics.agq13 --replicates 12 --out /tmp/agq13.csv
    python -m benchmarks.diagnostics.agq13 --summary /tmp/agq13.csv
    python -m benchmarks.diagnostics.agq13 --nodes 15 --replicates 2 --out /tmp/agq13_15.csv
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import linalg, special

from benchmarks.diagnostics.cases import case_main
from benchmarks.diagnostics.csd13_trend_bias import product_refit, residual_spread
from ntm_analysis.core.criteria import N_CRITERIA
from ntm_analysis.model import transitions as tr
from ntm_analysis.model.calibration import realised
from ntm_analysis.model.glmm import (
    DenseDesign,
    Factor,
    VariancePrior,
    log1pexp,
    quadrature_commune_sd,
    sigmoid,
)
from ntm_analysis.model.known_processes import INITIAL, LAST_YEAR, SCENARIOS, Process, Truth

NODES = 7  # Gauss-Hermite nodes per commune for θ (the spread uses the product's 12)
OUTER = 200  # alternations of a θ Newton step and the τ maximisation at most
TOL = 1e-9  # relative gain of the objective: θ has converged
TAU_TOL = 1e-5  # change of τ: the spread has converged
MODE_STEPS = 60  # Newton steps of one commune's conditional mode at most


@dataclass(frozen=True)
class GainCall:
    """The arguments of the product's gain ``fit_glmm`` call (its design, priors, factors)."""

    fixed: np.ndarray
    events: np.ndarray
    trials: np.ndarray
    prior_mean: np.ndarray
    prior_sd: np.ndarray
    factors: list[Factor]
    commune: Factor


@dataclass(frozen=True)
class AgqFit:
    """θ's mode and covariance on the integrated likelihood, τ, the communes' conditionals."""

    theta: np.ndarray
    cov: np.ndarray
    tau: float
    commune_mean: np.ndarray
    commune_sd: np.ndarray
    iterations: int
    converged: bool
    value: float  # the penalised integrated log-likelihood at the optimum (no τ prior)


def product_fit(panel) -> tuple[tr.TransitionModel, GainCall]:
    """``fit(panel, trend="only")`` and the arguments of the gain GLMM call whose posterior
    the model holds (``fit_one``'s final gain fit): recorded in a refit with the chosen
    capacity form imposed, whose last call it is (the product also fits the other form after
    it where the weight is interior: ``other_form``)."""
    calls: list[GainCall] = []
    real = tr.fit_glmm

    def recording(fixed, events, trials, prior_mean, prior_sd, factors, commune=None, **kw):
        if commune is not None:
            calls.append(GainCall(fixed, events, trials, prior_mean, prior_sd, factors, commune))
        return real(fixed, events, trials, prior_mean, prior_sd, factors, commune, **kw)

    model = tr.fit(panel, trend="only")
    tr.fit_glmm = recording
    try:
        tr.fit(panel, trend="only", level_weight=float(model.capacity_form != "count"))
    finally:
        tr.fit_glmm = real
    return model, calls[-1]


class _Integrated:
    """The quadrature objective of θ at a given τ, its gradient and Hessian (see module)."""

    def __init__(self, call: GainCall, sds: dict[str, float], nodes: int) -> None:
        self.c = call.commune.index
        self.n_c = call.commune.n_levels
        self.design = DenseDesign(np.asarray(call.fixed, float), call.factors, self.c, self.n_c)
        self.y, self.m = call.events.astype(float), call.trials.astype(float)
        p = call.fixed.shape[1]
        finite = np.isfinite(call.prior_sd)
        self.m0 = np.zeros(self.design.k)
        self.m0[:p] = np.where(finite, call.prior_mean, 0.0)
        self.prec = np.zeros(self.design.k)
        self.prec[:p] = np.where(finite, 1.0 / np.square(call.prior_sd), 0.0)
        start = p
        for f in call.factors:
            self.prec[start : start + f.n_levels] = 1.0 / sds[f.name] ** 2
            start += f.n_levels
        self.x, w = np.polynomial.hermite.hermgauss(nodes)
        self.log_w = np.log(w) + self.x**2

    def centre(self, eta0: np.ndarray, tau: float, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each commune's conditional mode of log L_c(v) − v²/2τ² (1-D Newton, steps ≤ 2)
        and its curvature there."""
        c, n_c = self.c, self.n_c
        for _ in range(MODE_STEPS):
            mu = sigmoid(eta0 + v[c])
            g = np.bincount(c, self.y - self.m * mu, n_c) - v / tau**2
            h = np.bincount(c, self.m * mu * (1.0 - mu), n_c) + 1.0 / tau**2
            step = np.clip(g / h, -2.0, 2.0)
            v = v + step
            if np.abs(step).max() < 1e-10:
                break
        mu = sigmoid(eta0 + v[c])
        return v, np.bincount(c, self.m * mu * (1.0 - mu), n_c) + 1.0 / tau**2

    def evaluate(self, theta: np.ndarray, tau: float, v: np.ndarray) -> dict:
        """Objective, node centres and the per-node quantities at θ (nodes re-centred)."""
        eta0 = self.design.linear(theta, np.zeros(self.n_c))
        mode, curv = self.centre(eta0, tau, v)
        s = np.sqrt(2.0 / curv)
        nodes = mode[:, None] + s[:, None] * self.x[None, :]
        loglik = np.empty_like(nodes)
        for k in range(len(self.x)):
            e = eta0 + nodes[self.c, k]
            loglik[:, k] = np.bincount(self.c, self.y * e - self.m * log1pexp(e), self.n_c)
        a = loglik + self.log_w - 0.5 * nodes**2 / tau**2
        per_commune = special.logsumexp(a, axis=1) + np.log(s) - 0.5 * np.log(2 * np.pi * tau**2)
        penalty = 0.5 * float((self.prec * (theta - self.m0) ** 2).sum())
        return {
            "value": float(per_commune.sum()) - penalty,
            "eta0": eta0,
            "mode": mode,
            "curv": curv,
            "nodes": nodes,
            "pi": np.exp(a - special.logsumexp(a, axis=1, keepdims=True)),
        }

    def derivatives(self, theta: np.ndarray, at: dict) -> tuple[np.ndarray, np.ndarray, bool]:
        """Gradient and negative Hessian of the objective at θ (nodes held at ``at``'s);
        ``exact`` False when the weighted node Hessians alone were used."""
        d, c = self.design, self.c
        rbar, wbar = np.zeros(len(self.y)), np.zeros(len(self.y))
        node_grads = []
        for k in range(len(self.x)):
            mu = sigmoid(at["eta0"] + at["nodes"][c, k])
            r = self.y - self.m * mu
            pik = at["pi"][c, k]
            rbar += pik * r
            wbar += pik * self.m * mu * (1.0 - mu)
            d.weights(r)
            node_grads.append(d.commune_cross(False))  # per commune: A_cᵀ r_k, (n_c, k)
        grad = d.gradient(rbar) - self.prec * (theta - self.m0)
        d.weights(wbar)
        expected = d.gram()
        d.weights(rbar)
        mean_grad = d.commune_cross(False)
        spread = -mean_grad.T @ mean_grad
        for k, g in enumerate(node_grads):
            spread += (g * at["pi"][:, k, None]).T @ g
        neg_h = expected - spread
        neg_h[np.diag_indices_from(neg_h)] += self.prec
        try:
            linalg.cholesky(neg_h)
            return grad, neg_h, True
        except linalg.LinAlgError:
            expected[np.diag_indices_from(expected)] += self.prec
            return grad, expected, False


def agq_from_product(call: GainCall, post, nodes: int = NODES) -> AgqFit:
    """``agq_fit`` started from the product's gain posterior ``post`` (its mean, commune
    spread and commune modes; district and year spreads held at the product's)."""
    return agq_fit(
        call,
        post.sd,
        post.mean.copy(),
        post.sd["commune"],
        post.commune_mean,
        tr.SPREAD_PRIOR,
        nodes,
    )


def agq_fit(
    call: GainCall,
    sds: dict[str, float],
    theta: np.ndarray,
    tau: float,
    v: np.ndarray,
    prior: VariancePrior,
    nodes: int = NODES,
    hold_tau: bool = False,
) -> AgqFit:
    """θ and τ maximising the integrated objective, from the product's fit (``theta``,
    ``tau``, commune modes ``v``); district and year spreads held at ``sds``; ``hold_tau``:
    τ held at ``tau`` (θ's profile at that spread)."""
    obj = _Integrated(call, sds, nodes)
    at = obj.evaluate(theta, tau, v)
    converged, outer = False, 0
    for outer in range(1, OUTER + 1):  # noqa: B007 (reported)
        # τ to its maximum at this θ (the product's quadrature spread, nodes at these centres)
        if not hold_tau:
            new_tau = quadrature_commune_sd(
                at["eta0"], obj.y, obj.m, obj.c, at["mode"], at["curv"], prior, tau
            )
            tau_moved, tau = abs(new_tau - tau), new_tau
            at = obj.evaluate(theta, tau, at["mode"])
        else:
            tau_moved = 0.0
        grad, neg_h, _ = obj.derivatives(theta, at)
        step = linalg.solve(neg_h, grad, assume_a="pos")
        scale = 1.0
        while True:
            trial = obj.evaluate(theta + scale * step, tau, at["mode"])
            if trial["value"] >= at["value"] - 1e-10 or scale < 1e-6:
                break
            scale *= 0.5
        gain = trial["value"] - at["value"]
        theta, at = theta + scale * step, trial
        if abs(gain) <= TOL * (1.0 + abs(at["value"])) and tau_moved < TAU_TOL:
            converged = True
            break
    _, neg_h, _ = obj.derivatives(theta, at)
    return AgqFit(
        theta=theta,
        cov=linalg.inv(neg_h),
        tau=tau,
        commune_mean=at["mode"],
        commune_sd=1.0 / np.sqrt(at["curv"]),
        iterations=outer,
        converged=converged,
        value=at["value"],
    )


SPECIFIED = ("linear", "curved")  # --specified: the mean of the redrawn abilities


def well_specified(truth: Truth, seed: int, mean: str = "linear") -> Truth:
    """The same province with the model's own commune assumption made true: the same
    communes and start-year state, each ability redrawn as its linear prediction from the
    district dummies, the difficult flag and the first-year count (OLS on the realised
    abilities) plus a normal residual of the realised residual spread, and every later year
    run again by the process. The product's commune term (a normal effect around a linear
    first-year-count term) is then exactly right, as it is not for the process itself: there
    the ability given the first-year count has a curved mean and a spread that grows at the
    ends (a Rasch sum). ``mean="curved"``: the count enters the prediction as ``rasch_mean``
    instead (curved mean, constant spread): which of the two departures the fit trades."""
    first = truth.process.first_year
    start = truth.states[first]
    count = start.sum(axis=1)
    x = np.column_stack(
        [
            pd.get_dummies(truth.communes["district_code"]).to_numpy(float),
            truth.communes["difficult"].to_numpy(float),
            count.astype(float) if mean == "linear" else rasch_mean(truth.process)[count],
        ]
    )
    beta, *_ = np.linalg.lstsq(x, truth.ability, rcond=None)
    resid = truth.ability - x @ beta
    rng = np.random.default_rng(seed)
    ability = x @ beta + rng.normal(0.0, resid.std(), len(resid))
    path = truth.process.run(start, ability, first, LAST_YEAR, 1, rng)
    states = {y: path[k][0] for k, y in enumerate(range(first, LAST_YEAR + 1))}
    return replace(truth, ability=ability, states=states)


def rasch_mean(process: Process) -> np.ndarray:
    """E[ability | first-year count s] for s = 0…19 under the process's own start-year rule
    (each criterion met with probability sigmoid(INITIAL_j + init_ability · a)) and the
    ability's marginal prior N(0, commune_sd² + district_sd²) (the difficult flag's −0.5
    ignored): the curved mean the product's linear ``level`` term approximates. An oracle
    (it uses the process's parameters), for the diagnosis only."""
    grid = np.linspace(-8.0, 8.0, 801)
    prior = np.exp(-0.5 * grid**2 / (process.commune_sd**2 + process.district_sd**2))
    p = 1.0 / (1.0 + np.exp(-(INITIAL[None, :] + process.init_ability * grid[:, None])))
    count = np.zeros((len(grid), N_CRITERIA + 1))  # P(s | a) by the Poisson-binomial recursion
    count[:, 0] = 1.0
    for j in range(N_CRITERIA):
        count[:, 1:] = count[:, 1:] * (1.0 - p[:, j, None]) + count[:, :-1] * p[:, j, None]
        count[:, 0] *= 1.0 - p[:, j]
    joint = count * prior[:, None]
    return (grid @ joint) / joint.sum(axis=0)


LEVEL_FORMS = {  # the first-year count s as the ``level`` term sees it (before its centring)
    "linear": lambda s, process: s,
    "curve": lambda s, process: tr.N_MET_CENTRE + np.log((s + 0.5) / (N_CRITERIA + 0.5 - s)),
    "oracle": lambda s, process: tr.N_MET_CENTRE + rasch_mean(process)[s.astype(int)],
}


def level_refits(panel, model: tr.TransitionModel, process: Process) -> dict[str, float]:
    """The product's trend fit again with the ``level`` term in every case (the held-out
    capacity choice's "count" form overruled) and the first-year count entering it as each of
    ``LEVEL_FORMS``: ``linear`` (the product's term), ``curve`` (log-odds of the count's
    share, no truth used), ``oracle`` (``rasch_mean``): trend, ``n_met`` and τ of each."""
    table = tr.transitions(panel)
    count = table["level"].to_numpy(float)
    out = {}
    for key, form in LEVEL_FORMS.items():
        refit = product_refit(
            table.assign(level=form(count, process)), panel, model, model.trend_origin, None, ()
        )
        out[f"trend_{key}"] = float(refit.gain_params[tr.TREND])
        out[f"trend_sd_{key}"] = float(np.sqrt(refit.gain_cov[tr.TREND, tr.TREND]))
        out[f"n_met_{key}"] = float(refit.gain_params[tr.GAIN_TERMS.index("n_met")])
        out[f"tau_{key}"] = refit.gain_posterior.sd["commune"]
    return out


def case(
    name: str, replicate: int, origin: int, nodes: int = NODES, specified: str | None = None
) -> dict:
    """One case: the product's trend fit and the AGQ fit of the same gain design (on the
    ``well_specified`` province with that mean when ``specified``)."""
    process = SCENARIOS[name]
    truth = realised(process, replicate)
    if specified:
        truth = well_specified(truth, replicate, specified)
    panel = truth.panel(origin)
    t0 = time.process_time()
    model, call = product_fit(panel)
    t_product = time.process_time() - t0
    post = model.gain_posterior
    n_met = tr.GAIN_TERMS.index("n_met")
    t0 = time.process_time()
    agq = agq_from_product(call, post, nodes)
    t_agq = time.process_time() - t0
    resid, _, slope, _ = residual_spread(truth, panel, model, model.communes["effect"].to_numpy())
    # θ's profile at τ held at the residual spread: do the data, under this model, prefer it?
    held = agq_fit(
        call,
        post.sd,
        agq.theta.copy(),
        resid,
        agq.commune_mean,
        tr.SPREAD_PRIOR,
        nodes,
        hold_tau=True,
    )
    _, _, slope_agq, _ = residual_spread(truth, panel, model, agq.commune_mean)
    return {
        "scenario": name,
        "replicate": replicate,
        "origin": panel.years[-1],
        "capacity_form": model.capacity_form,
        "trend_true": process.trend,
        "resid_sd": resid,
        "n_rows": len(call.events),
        "n_communes": call.commune.n_levels,
        "nodes": nodes,
        "tau": post.sd["commune"],
        "slope": slope,
        "n_met": float(post.mean[n_met]),
        "trend": float(post.mean[tr.TREND]),
        "trend_sd": float(np.sqrt(model.gain_cov[tr.TREND, tr.TREND])),
        "tau_agq": agq.tau,
        "slope_agq": slope_agq,
        "n_met_agq": float(agq.theta[n_met]),
        "trend_agq": float(agq.theta[tr.TREND]),
        "trend_sd_agq": float(np.sqrt(agq.cov[tr.TREND, tr.TREND])),
        "trend_held": float(held.theta[tr.TREND]),
        "n_met_held": float(held.theta[n_met]),
        "loglik_held_minus_agq": held.value - agq.value,
        "iterations_agq": agq.iterations,
        "converged_agq": agq.converged,
        "cpu_product": t_product,
        "cpu_agq": t_agq,
        **level_refits(panel, model, process),
    }


def summary(df: pd.DataFrame) -> pd.DataFrame:
    """Per scenario × origin, product then AGQ: median τ/resid and slope, mean ``n_met``,
    trend error, z and share |z| < 1.28."""
    df = df.assign(
        **{
            f"{k}{s}": v
            for s in ("", "_agq")
            for k, v in {
                "ratio": df[f"tau{s}"] / df["resid_sd"],
                "err": df[f"trend{s}"] - df["trend_true"],
                "z": (df[f"trend{s}"] - df["trend_true"]) / df[f"trend_sd{s}"],
            }.items()
        }
    )
    for s in ("", "_agq"):
        df[f"in80{s}"] = df[f"z{s}"].abs() < 1.28
    g = df.groupby(["scenario", "origin"])
    cols: dict[str, pd.Series] = {"n": g.size()}
    for s in ("", "_agq"):
        cols.update(
            {
                f"tau/resid{s}": g[f"ratio{s}"].median(),
                f"slope{s}": g[f"slope{s}"].median(),
                f"n_met{s}": g[f"n_met{s}"].mean(),
                f"err{s}": g[f"err{s}"].mean(),
                f"z{s}": g[f"z{s}"].mean(),
                f"in80{s}": g[f"in80{s}"].mean(),
                f"sd{s}": g[f"trend_sd{s}"].mean(),
            }
        )
    return pd.DataFrame(cols)


def level_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Per scenario × origin, each of ``LEVEL_FORMS`` (level term in every case): mean trend
    error, z and ``n_met``, median τ over the residual spread."""
    g = df.groupby(["scenario", "origin"])
    cols: dict[str, pd.Series] = {}
    for key in LEVEL_FORMS:
        err = df[f"trend_{key}"] - df["trend_true"]
        cols[f"err_{key}"] = err.groupby([df["scenario"], df["origin"]]).mean()
        cols[f"z_{key}"] = (
            (err / df[f"trend_sd_{key}"]).groupby([df["scenario"], df["origin"]]).mean()
        )
        cols[f"n_met_{key}"] = g[f"n_met_{key}"].mean()
        cols[f"tau/resid_{key}"] = (
            (df[f"tau_{key}"] / df["resid_sd"]).groupby([df["scenario"], df["origin"]]).median()
        )
    return pd.DataFrame(cols)


def _report(df: pd.DataFrame) -> None:
    print(summary(df).round(3).to_string())
    if "trend_linear" in df:
        print(level_summary(df).round(3).to_string())


def main(argv: list[str] | None = None) -> None:
    def options(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--nodes", type=int, default=NODES)
        parser.add_argument(
            "--specified",
            choices=SPECIFIED,
            help="abilities redrawn around this mean of the first-year count (see well_specified)",
        )

    case_main(
        argv,
        __doc__.splitlines()[0],
        lambda name, r, origin, args: case(name, r, origin, args.nodes, args.specified),
        lambda x: (
            f"{x['scenario']} r{x['replicate']} o{x['origin']} {x['capacity_form']}:"
            f" trend {x['trend']:+.3f} -> {x['trend_agq']:+.3f},"
            f" tau {x['tau']:.2f} -> {x['tau_agq']:.2f} (resid {x['resid_sd']:.2f}),"
            f" n_met {x['n_met']:+.3f} -> {x['n_met_agq']:+.3f};"
            f" agq {x['cpu_agq']:.1f} s, {x['iterations_agq']} steps"
        ),
        _report,
        "strong_communes,accelerating,year_shocks",
        options,
    )


if __name__ == "__main__":
    main()
