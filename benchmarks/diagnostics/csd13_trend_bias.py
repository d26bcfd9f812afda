"""Is the long panels' low trend a too-small commune spread? (issue 13, diagnostic only)

Hypothesis (post13's note, section 1): at origin 2016 the trend fit is biased low because the
commune spread is under-estimated (Laplace/PQL-type fits of binary data, Breslow & Lin 1995),
so the weak communes piling up among the unmet rows are read as a slowing trend. For cases of
the calibration suite's known processes (true ability, spread and trend known) this records:

- the product's trend fit (``fit(panel, trend="only")``: trend mean and sd, the fitted commune
  spread ``tau``, the capacity form chosen);
- the process's *residual* commune spread: the true ability regressed (OLS) on what the model
  also has for it (district dummies, the difficult flag and, when the capacity form is
  "level", the commune's first-year count) — the part the commune effects must carry;
  ``resid_sd_form``: the same without the first-year count (what the true-form fit's commune
  effects carry); ``slope_true_on_fit``: the true ability regressed on the fitted commune
  effects within the same covariates (1 = the effects are on the right scale, > 1 = shrunk
  too far);
- refits of the trend fit on the same table (``fit_one``, gains only, the loss model reused):
  ``ctl`` every spread held at the fit's own (must reproduce the trend), ``sd_true`` the
  commune spread held at the residual spread, ``sd_x1.5`` held at 1.5 × the fitted spread;
  ``tf``/``tf_sd_true`` the true-form model (no ``n_met``/``level``, only the process's own
  push step; ``calibration.true_form_terms``) with free and held commune spread; ``push15``
  the product's terms but only the push step at 15 (the process's); ``first`` the trend
  column counted from the first transition instead of the last (same model, other origin);
  ``flatcrit`` the product's fit (spreads held) with flat criterion priors (the only priors
  not invariant to the trend's zero); ``iter`` the quadrature commune spread alternated with
  the mode to a fixed point (the product does one pass).

Usage::

    python -m benchmarks.diagnostics.csd13_trend_bias --replicates 12 --origins 2014,2016 \
        --scenarios strong_communes,accelerating --out /tmp/csd13.csv
    python -m benchmarks.diagnostics.csd13_trend_bias --summary /tmp/csd13.csv
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.diagnostics.cases import case_main
from ntm_analysis.core.criteria import N_CRITERIA
from ntm_analysis.model import transitions as tr
from ntm_analysis.model.calibration import realised, true_form_terms
from ntm_analysis.model.glmm import quadrature_commune_sd
from ntm_analysis.model.known_processes import SCENARIOS, Truth

VARIANTS = ("ctl", "sd_true", "sd_x1.5", "tf", "tf_sd_true", "push15", "first", "iter", "flatcrit")
ITERATIONS = 8  # alternations of the "iter" variant at most (stops at 1e-3 change of the sd)


def _residual(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, int]:
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    return y - x @ beta, np.linalg.matrix_rank(x)


def _ols_sd(y: np.ndarray, x: np.ndarray) -> float:
    resid, rank = _residual(y, x)
    return float(np.sqrt(resid @ resid / (len(y) - rank)))


def case(name: str, replicate: int, origin: int) -> dict:
    """One case: the product's trend fit, the true residual spread and the refits' trends."""
    process = SCENARIOS[name]
    truth = realised(process, replicate)
    panel = truth.panel(origin)
    model = tr.fit(panel, trend="only")
    post = model.gain_posterior
    absent = tr.LEVEL_TERMS if model.capacity_form == "count" else ()
    resid_sd, resid_form, slope, order = residual_spread(
        truth, panel, model, model.communes["effect"].to_numpy()
    )

    table = tr.transitions(panel)
    origin = model.trend_origin  # the last transition's first year (the product's trend 0)
    tau = post.sd["commune"]
    row = {
        "scenario": name,
        "replicate": replicate,
        "origin": panel.years[-1],
        "n_transitions": model.n_transitions,
        "capacity_form": model.capacity_form,
        "trend_true": process.trend,
        "trend": float(model.gain_params[tr.TREND]),
        "trend_sd": float(np.sqrt(model.gain_cov[tr.TREND, tr.TREND])),
        "tau": tau,
        "resid_sd": resid_sd,
        "resid_sd_form": resid_form,
        "slope_true_on_fit": slope,
        "year_sd": post.sd["year"],
        "n_met_coef": float(model.gain_params[tr.GAIN_TERMS.index("n_met")]),
        "level_coef": float(model.gain_params[tr.LEVEL]),
        "unmet_share_weak": float(
            # share of the last year's unmet rows held by the weaker half of communes
            _weak_share(truth.states[panel.years[-1]][order], truth.ability[order])
        ),
    }
    steps = tuple(t for t in tr.GAIN_TERMS if t.startswith("close") and t != "close")
    tf_absent = true_form_terms(process)
    variants = {
        "ctl": (absent, {**post.sd}, origin),
        "sd_true": (absent, {**post.sd, "commune": resid_sd}, origin),
        "sd_x1.5": (absent, {**post.sd, "commune": 1.5 * tau}, origin),
        "tf": (tf_absent, None, origin),
        "tf_sd_true": (tf_absent, {**post.sd, "commune": resid_form}, origin),
        "push15": (absent + steps, None, origin),
        "first": (absent, None, int(table["year"].min())),
    }
    for key, (terms, variances, trend_origin) in variants.items():
        refit = product_refit(table, panel, model, trend_origin, variances, terms)
        row.update(_refit_columns(key, refit))
    # the criterion terms' N(0, 3²) priors are the only ones not invariant to where the
    # trend's zero is: the same fit (spreads held) with them flat (sd 100)
    flat = dict.fromkeys(tr.GAIN_TERMS[:N_CRITERIA], 100.0)
    refit = product_refit(table, panel, model, origin, {**post.sd}, absent, flat)
    row.update(_refit_columns("flatcrit", refit))
    refit, steps_taken = iterate(table, panel, model, absent)
    row.update(_refit_columns("iter", refit))
    row["iter_steps"] = steps_taken
    return row


def residual_spread(
    truth: Truth, panel, model: tr.TransitionModel, effects: np.ndarray
) -> tuple[float, float, float, list[int]]:
    """The process's residual commune spread (the true ability net of the district dummies,
    the difficult flag and, in the "level" capacity form, the first-year count: the part the
    commune effects must carry), the same without the count, the slope of the true ability on
    the fitted commune ``effects`` (in the fit's commune order) net of the same covariates, and
    the fit's commune order as indices into the truth's communes."""
    codes = truth.communes["commune_code"].tolist()
    order = [codes.index(c) for c in model.communes["commune_code"]]
    ability = truth.ability[order]
    info = truth.communes.iloc[order]
    first = min(panel.years)
    level = truth.states[first][order].sum(axis=1).astype(float)
    district = pd.get_dummies(info["district_code"]).to_numpy(float)
    base = np.column_stack([district, info["difficult"].to_numpy(float)])
    with_level = np.column_stack([base, level]) if model.capacity_form != "count" else base
    a_res, _ = _residual(ability, with_level)
    f_res, _ = _residual(effects, with_level)
    slope = float(a_res @ f_res / (f_res @ f_res))
    return _ols_sd(ability, with_level), _ols_sd(ability, base), slope, order


def product_refit(
    table, panel, model: tr.TransitionModel, origin: int, variances, absent, prior_sd=None
):
    """The product's trend fit of ``table`` again, its spreads held at ``variances`` (None:
    estimated), ``absent`` terms left out, the trend's zero at ``origin``, ``prior_sd``
    (term → sd) in place of those gain priors."""
    return tr.fit_one(
        table,
        panel,
        True,
        origin,
        losses=model.loss_posterior,
        variances=variances,
        absent=absent,
        gain_prior_sd=prior_sd,
    )


def _refit_columns(key: str, refit: tr.TransitionModel) -> dict[str, float]:
    """A refit's trend, its sd and its commune spread, as the row's ``*_<key>`` columns."""
    return {
        f"trend_{key}": float(refit.gain_params[tr.TREND]),
        f"sd_{key}": float(np.sqrt(refit.gain_cov[tr.TREND, tr.TREND])),
        f"tau_{key}": refit.gain_posterior.sd["commune"],
    }


def iterate(
    table: pd.DataFrame, panel, model: tr.TransitionModel, absent: tuple[str, ...]
) -> tuple[tr.TransitionModel, int]:
    """The product's commune spread step taken to a fixed point: the product re-estimates the
    spread by quadrature once, at the mode fitted at the Laplace spread (where ``n_met`` and
    ``level`` have already taken part of the ability), then refits the mode at it. Here the two
    alternate (mode at the spread held -> quadrature spread at that mode) until the spread
    moves < 1e-3; the other spreads are held at the product fit's."""
    post = model.gain_posterior
    gains = table[~table["met"]]
    origin = model.trend_origin
    x = tr._gain_rows_design(gains, (gains["year"] - origin).to_numpy(float))
    district = tr.category_codes(gains["district_code"], panel.district_codes)
    years = sorted(table["year"].unique().tolist())
    year = tr.category_codes(gains["year"], years)
    commune = tr.category_codes(gains["commune_code"], panel.communes["commune_code"].tolist())
    y = gains["met_next"].to_numpy(float)
    p, nd = len(tr.GAIN_TERMS), len(panel.district_codes)
    tau, current, k = post.sd["commune"], post, 0
    for k in range(1, ITERATIONS + 1):  # noqa: B007 (reported)
        mean = current.mean
        eta = x @ mean[:p] + mean[p + district] + mean[p + nd + year]
        new = quadrature_commune_sd(
            eta,
            y,
            np.ones(len(y)),
            commune,
            current.commune_mean,
            1.0 / current.commune_sd**2,
            tr.SPREAD_PRIOR,
            tau,
        )
        refit = product_refit(table, panel, model, origin, {**post.sd, "commune": new}, absent)
        current, done, tau = refit.gain_posterior, abs(new - tau) < 1e-3, new
        if done:
            break
    return refit, k


def _weak_share(state: np.ndarray, ability: np.ndarray) -> float:
    unmet = N_CRITERIA - state.sum(axis=1)
    weak = ability < np.median(ability)
    return float(unmet[weak].sum() / max(unmet.sum(), 1))


def summary(df: pd.DataFrame) -> pd.DataFrame:
    """Medians/means by scenario and origin: spreads, trend error and z of each variant."""
    g = df.groupby(["scenario", "origin"])
    cols = {
        "n": g.size(),
        "tau": g["tau"].median(),
        "resid_sd": g["resid_sd"].median(),
        "tau/resid": g.apply(lambda d: float((d["tau"] / d["resid_sd"]).median())),
        "slope": g["slope_true_on_fit"].median(),
        "err": g.apply(lambda d: float((d["trend"] - d["trend_true"]).mean())),
        "z": g.apply(lambda d: float(((d["trend"] - d["trend_true"]) / d["trend_sd"]).mean())),
    }
    for key in VARIANTS:
        cols[f"err_{key}"] = g.apply(
            lambda d, k=key: float((d[f"trend_{k}"] - d["trend_true"]).mean())
        )
    return pd.DataFrame(cols)


def main(argv: list[str] | None = None) -> None:
    case_main(
        argv,
        __doc__.splitlines()[0],
        lambda name, r, origin, args: case(name, r, origin),
        lambda x: (
            f"{x['scenario']} r{x['replicate']} o{x['origin']} trend {x['trend']:+.3f}"
            f" sd_true {x['trend_sd_true']:+.3f}"
            f" tf {x['trend_tf']:+.3f} tau {x['tau']:.2f} resid {x['resid_sd']:.2f}"
        ),
        lambda df: print(summary(df).round(3).to_string()),
        "strong_communes,accelerating",
    )


if __name__ == "__main__":
    main()
