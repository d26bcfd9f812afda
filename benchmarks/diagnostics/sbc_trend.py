"""Simulation-based calibration of the trend's and the year spread's posteriors (issue 13).

For cases of the calibration suite's long scenarios (the processes' true trend and year-shock
sd are known), fit the model as the product does and record the trend fit's posterior of the
trend (mean, sd), the year spread's marginal posterior (``Posterior.sd_posterior``), and the
held-out trend weight. Over cases drawn from the process, z = (mean − true) / sd should be
~N(0, 1) (|z| < 1.28 in ~80%) and the true year sd's posterior CDF ~U(0, 1) — the process's
year sd is fixed, not drawn from the prior, so this checks coverage at that value, not full
SBC for the spread. Usage::

    python -m benchmarks.diagnostics.sbc_trend --replicates 8 --out /tmp/sbc.csv
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from ntm_analysis.model import transitions as tr
from ntm_analysis.model.calibration import realised
from ntm_analysis.model.known_processes import SCENARIOS

LONG = ("strong_communes", "year_shocks", "quota", "push_at_12")


def case(name: str, replicate: int, origin: int) -> dict:
    """One case's posterior summaries against the process's true values."""
    process = SCENARIOS[name]
    panel = realised(process, replicate).panel(origin)
    model = tr.fit(panel)
    post = model.gain_posterior
    grid, prob = post.sd_posterior("year")
    mean, sd = (
        float(model.gain_params[tr.TREND]),
        float(np.sqrt(model.gain_cov[tr.TREND, tr.TREND])),
    )
    cdf = float(prob[grid <= process.year_sd].sum()) if process.year_sd > 0 else 0.0
    return {
        "scenario": name,
        "replicate": replicate,
        "origin": origin,
        "n_transitions": model.n_transitions,
        "trend_true": process.trend,
        "trend_mean": mean,
        "trend_sd": sd,
        "z": (mean - process.trend) / sd,
        "no_trend_year_sd": model.no_trend.gain_posterior.sd["year"] if model.no_trend else np.nan,
        "year_sd_true": process.year_sd,
        "year_sd_used": post.sd["year"],
        "year_sd_mode": float(grid[np.argmax(prob)]),
        "year_sd_post_mean": float(prob @ grid),
        "year_sd_cdf_at_true": cdf,
        "commune_tau": float(model.communes["tau"].iloc[0]),
        "trend_weight": model.trend_weight,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=8)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--scenarios", default=",".join(LONG))
    parser.add_argument("--origins", default="2013,2014,2015,2016")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    rows = []
    for name in args.scenarios.split(","):
        for r in range(args.first, args.first + args.replicates):
            for origin in map(int, args.origins.split(",")):
                t0 = time.process_time()
                rows.append(case(name, r, origin))
                print(name, r, origin, f"{time.process_time() - t0:.1f}s cpu", flush=True)
                pd.DataFrame(rows).to_csv(args.out, index=False)
    summary(pd.DataFrame(rows))


def summary(df: pd.DataFrame) -> None:
    """z-score and coverage summaries by scenario and origin."""
    g = df.groupby(["scenario", "origin"])
    out = pd.DataFrame(
        {
            "n": g.size(),
            "z_mean": g["z"].mean(),
            "z_sd": g["z"].std(),
            "in80": g["z"].apply(lambda z: float((z.abs() < 1.2816).mean())),
            "trend_sd": g["trend_sd"].median(),
            "err_sd": g.apply(lambda d: float((d["trend_mean"] - d["trend_true"]).std())),
            "ysd_mode": g["year_sd_mode"].median(),
            "ysd_used": g["year_sd_used"].median(),
            "ysd_cdf": g["year_sd_cdf_at_true"].mean(),
            "weight": g["trend_weight"].median(),
        }
    )
    print(out.round(3).to_string())


if __name__ == "__main__":
    main()
