"""The held-out trend weight's rule compared on calibration-suite cases (issue 13).

The product's weight is pseudo-BMA: w ∝ exp(total held-out log score) over the (one to three)
scored years, which swings between ~0 and ~1 on one or two years' luck. Pseudo-BMA+ (Yao,
Vehtari, Simpson & Gelman 2018, "Using stacking to average Bayesian predictive
distributions", §3.1) regularises it with the Bayesian bootstrap over the scored points:
w = E_α[softmax(n Σ α_i lpd_ik)], α ~ Dirichlet(1, …, 1), so few, disagreeing points give a
weight nearer ½. Each capacity form's trend weight is replaced by its own (``each_form``).
The rules are simulated from ONE fit per case (same forecast seed) and scored on the same
truth; 2-transition origins (weight 0 by rule) are skipped. Usage::

    python -m benchmarks.diagnostics.weight_trend --replicates 8 --out /tmp/w.csv
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd

from ntm_analysis.model import transitions as tr
from ntm_analysis.model.calibration import as_draws, score_case
from ntm_analysis.model.forecast import simulate
from ntm_analysis.model.known_processes import SCENARIOS

LONG = ("strong_communes", "year_shocks", "quota", "push_at_12")


def pseudo_bma_plus(scores: pd.DataFrame, n_boot: int = 1000, seed: int = 0) -> float:
    """The trend fit's pseudo-BMA+ weight from ``_trend_scores``' rows (one lpd per held-out
    point and fit)."""
    wide = scores.pivot_table(index=["cutoff", "year"], columns="trend", values="log_score")
    d = (wide[True] - wide[False]).to_numpy()
    alpha = np.random.default_rng(seed).dirichlet(np.ones(len(d)), n_boot)
    z = np.clip(len(d) * alpha @ d, -50, 50)
    return float(np.mean(1.0 / (1.0 + np.exp(-z))))


_LAST: list = []  # [(history, its fit)]: the three rules of one case share one fit


def _fitted(history) -> tr.TransitionModel:
    # held by reference, compared by identity: an id() alone can be reused by the next
    # case's panel once this one is freed, which would hand it this case's fit
    if not _LAST or _LAST[0][0] is not history:
        _LAST[:] = [(history, tr.fit(history))]
    return _LAST[0][1]


def main_rule(history, last_year, n_draws, seed):
    return as_draws(simulate(history, _fitted(history), last_year, n_draws, seed))


def each_form(
    model: tr.TransitionModel, weight: Callable[[tr.TransitionModel], float]
) -> tr.TransitionModel:
    """``model`` with the trend weight of each capacity form (the chosen one and
    ``other_form``) whose weight the data chose (``trend_choice`` "data") replaced by
    ``weight`` of that form's own fit: the other form's draws are part of the forecast, so a
    rule applied to the chosen form alone would be compared mixed with the product's."""
    other = model.other_form
    if other is not None:
        other = each_form(other, weight)
    if model.trend_choice == "data":
        model = replace(model, trend_weight=weight(model))
    return replace(model, other_form=other)


def plus_rule(history, last_year, n_draws, seed):
    model = each_form(_fitted(history), lambda m: pseudo_bma_plus(m.trend_scores))
    return as_draws(simulate(history, model, last_year, n_draws, seed))


def scores_no_leak(table, panel, full, absent=()) -> pd.DataFrame:
    """``_trend_scores`` with the year spread re-read on each cut-off's training years: the
    refit's own marginal posterior of the year sd (``sd_posterior``, training years only), the
    refit redone at its posterior mean variance (as ``fit`` does), and that E[σ²] in the held-out
    predictive variance, so a held-out year's shock does not widen its own predictive."""
    years = sorted(table["year"].unique().tolist())
    rows = []
    first = tr.MIN_TREND_TRAIN if len(years) > tr.MIN_TREND_TRAIN else 2
    for i in range(max(first, len(years) - tr.MAX_SCORED_CUTOFFS), len(years)):
        train = table[table["year"] < years[i]]
        origin = years[i - 1]
        later = table[(table["year"] >= years[i]) & ~table["met"]]
        for trend in (True, False):
            sd = full[trend].gain_posterior.sd
            kw = dict(losses=False, start=full[trend], absent=absent)
            model = tr.fit_one(train, panel, trend, origin, variances=sd, **kw)
            grid, prob = model.gain_posterior.sd_posterior("year")
            s2 = float(prob @ grid**2)
            model = tr.fit_one(train, panel, trend, origin, variances={**sd, "year": s2**0.5}, **kw)
            beta = model.gain_params[tr.TREND]
            var_beta = model.gain_cov[tr.TREND, tr.TREND]
            for year, held in later.groupby("year"):
                h = year - origin
                shift, se = tr.year_shift(model, held)
                var = var_beta * h * h + s2 + se**2
                lpd = -0.5 * (np.log(2 * np.pi * var) + (shift - beta * h) ** 2 / var)
                rows.append({"cutoff": origin, "year": int(year), "trend": trend, "log_score": lpd})
    return pd.DataFrame(rows)


def noleak_rule(history, last_year, n_draws, seed):
    table = tr.transitions(history)

    def weight(form: tr.TransitionModel) -> float:
        # the count form is fitted without the first-year count's terms: so are its refits
        absent = tr.LEVEL_TERMS if form.capacity_form == "count" else ()
        full = {True: form, False: form.no_trend}
        return pseudo_bma_plus(scores_no_leak(table, history, full, absent))

    model = each_form(_fitted(history), weight)
    return as_draws(simulate(history, model, last_year, n_draws, seed))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=8)
    parser.add_argument("--scenarios", default=",".join(LONG))
    parser.add_argument("--origins", default="2014,2015,2016")
    parser.add_argument("--out", required=True)
    parser.add_argument("--compare", action="store_true", help="only summarise --out")
    args = parser.parse_args(argv)
    if args.compare:
        print(compare(pd.read_csv(args.out)).round(3).to_string())
        return
    frames = []
    for r in range(args.replicates):
        for name in args.scenarios.split(","):
            for origin in map(int, args.origins.split(",")):
                cases, _, errors = score_case(
                    SCENARIOS[name],
                    r,
                    origin,
                    {"main": main_rule, "plus": plus_rule, "noleak": noleak_rule},
                    oracles={},
                )
                assert errors.empty, errors
                w = _LAST[0][1]
                frames.append(cases.assign(weight_main=w.trend_weight))
                pd.concat(frames).to_csv(args.out, index=False)
                print(name, r, origin, flush=True)


def compare(cases: pd.DataFrame) -> pd.DataFrame:
    """Per rule and horizon, the province count: bias (mean − observed), 80% coverage, both
    PIT tails, CRPS / ideal's CRPS (pooled: ratio of sums)."""
    c = cases[cases["figure"] == "n_ntm"]
    g = c.groupby(["forecaster", "horizon"])
    out = pd.DataFrame(
        {
            "n": g.size(),
            "bias": g.apply(lambda d: float((d["mean"] - d["observed"]).mean())),
            "cov80": g.apply(lambda d: float(d["observed"].between(d["lo80"], d["hi80"]).mean())),
            "pit_lo": g["pit"].apply(lambda p: float((p < 0.1).mean())),
            "pit_hi": g["pit"].apply(lambda p: float((p > 0.9).mean())),
            "crps_ratio": g.apply(lambda d: float(d["crps"].sum() / d["ideal_crps"].sum())),
        }
    )
    return out


if __name__ == "__main__":
    main()
