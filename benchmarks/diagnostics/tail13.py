"""Where the long panels' long lower side comes from: the forecast's quantiles against the
ideal's, and each draw's count against what it drew (trend or no-trend fit, capacity form,
trend coefficient, year shocks), per case and horizon.

Each case is the calibration harness's (same truth, ideal and forecast seed); the forecast's
coefficients are drawn again from the same stream (``forecast._draw_coefficients``, checked
against the forecast's own trend flags) to tie each draw's count to what it drew. Columns
(ideal sd units where ``z_``): the median and both 10%/90% quantiles against the ideal's, the
tails' lengths over the ideal's, the share of no-trend draws among the lowest tenth (the
counts at or below the 10% quantile: with ties 10–18% of the draws, median 11%) against all
draws, the correlation of the count with the trend coefficient and with the sum of the year
shocks so far (benchmarks/notes/probe13.md). Usage::

    python -m benchmarks.diagnostics.tail13 --scenarios strong_communes --replicates 30 \
        --first 200 --out /tmp/tail13.csv
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from benchmarks.diagnostics.cases import case_arguments
from ntm_analysis.model import calibration as cal
from ntm_analysis.model import forecast as fc
from ntm_analysis.model import transitions as tr
from ntm_analysis.model.known_processes import SCENARIOS, Process
from ntm_analysis.model.transitions import GAIN_TERMS

DRAWS, HORIZON = 1000, 4


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1]) if a.std() > 0 and b.std() > 0 else float("nan")


def case_rows(process: Process, replicate: int, origin: int) -> list[dict]:
    truth = cal.realised(process, replicate)
    ideal_seed, model_seed, _ = cal.case_seed(process.name, replicate, origin).spawn(3)
    last = origin + HORIZON
    ideal = cal.ideal_runs(truth, origin, last, [DRAWS], ideal_seed)[0]
    history = truth.panel(origin)
    seed = int(model_seed.generate_state(1)[0])
    model = tr.fit(history)
    forecast = fc.simulate(history, model, last, DRAWS, seed)
    coef_seed, _ = np.random.SeedSequence(seed).spawn(2)  # simulate's coefficient stream
    draws, from_trend, chosen = fc._draw_coefficients(
        model,
        DRAWS,
        np.random.default_rng(coef_seed),
        forecast.communes["commune_code"].tolist(),
        forecast.districts["district_code"].tolist(),
        HORIZON,
    )
    # the same draws as the forecast's, or every column below would be read off other ones
    if not np.array_equal(from_trend, forecast.from_trend):
        raise RuntimeError("the coefficients drawn again are not the forecast's")
    count = forecast.unit_draws(None, "ntm").astype(float)
    trend = draws.gain[:, GAIN_TERMS.index("trend")]
    rows = []
    for h in range(1, HORIZON + 1):
        x, xi = count[:, h - 1], ideal.count[:, h - 1]
        sd = max(xi.std(), 0.5)
        low = x <= np.quantile(x, 0.1)  # ties at the 10% quantile in: 10–18% of the draws
        q = {k: np.quantile(x, p) for k, p in (("q10", 0.1), ("med", 0.5), ("q90", 0.9))}
        qi = {k: np.quantile(xi, p) for k, p in (("q10", 0.1), ("med", 0.5), ("q90", 0.9))}
        rows.append(
            {
                "scenario": process.name,
                "replicate": replicate,
                "origin": origin,
                "h": h,
                "realised": float((truth.states[origin + h].sum(axis=1) == 19).sum()),
                **{f"z_{k}": (q[k] - qi[k]) / sd for k in q},
                "low_tail": (q["med"] - q["q10"]) / max(qi["med"] - qi["q10"], 0.5),
                "high_tail": (q["q90"] - q["med"]) / max(qi["q90"] - qi["med"], 0.5),
                "trend_weight": model.trend_weight,
                "no_trend_share": float(np.mean(~from_trend)),
                "no_trend_share_low": float(np.mean(~from_trend[low])),
                "other_form_share_low": float(np.mean(~chosen[low])),
                "corr_trend": _corr(trend, x),
                "corr_shocks": _corr(draws.shocks[:, :h].sum(axis=1), x),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    case_arguments(parser, 30, 200, "strong_communes,accelerating")
    args = parser.parse_args(argv)
    if args.summary:
        cases = pd.read_csv(args.summary)
    else:
        rows = []
        for name in args.scenarios.split(","):
            for r in range(args.first, args.first + args.replicates):
                for origin in map(int, args.origins.split(",")):
                    rows += case_rows(SCENARIOS[name], r, origin)
                    if args.out:
                        pd.DataFrame(rows).to_csv(args.out, index=False)
                print(f"{name} replicate {r}", flush=True)
        cases = pd.DataFrame(rows)
    pd.set_option("display.width", 250)
    numbers = cases.drop(columns=["replicate", "realised"]).groupby(["scenario", "origin", "h"])
    print(numbers.mean().round(2).to_string())


if __name__ == "__main__":
    main()
