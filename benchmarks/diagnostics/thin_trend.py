"""Two transitions (3-year panels): the rule (no trend in the draws) against the trend drawn
from its posterior under a N(0, sd²) shrinkage prior, on the same cases (issue 13, session 8;
benchmarks/notes/scen13.md).

Three processes seen as 3-year panels: the suite's ``three_year_panels`` (trend +0.05 a year),
``accelerating`` (+0.2) and ``three_year_panels`` without a trend; origins 2013–2016,
horizons 1–4. Both forecasters score every case with the same truth, ideal, forecast seed and
PIT randomisation (``calibration.score_case``). "after" is ``run_forecast(trend="only")`` with
the trend's prior sd set to ``--sd`` for the fit (the product's trend fit, every draw from it);
"before" is the product as is. Writes the cases to ``--out`` (CSV) and prints the table::

    nice python -m benchmarks.diagnostics.thin_trend --sd 0.1 --replicates 0:16 --out /tmp/thin.csv
"""

from __future__ import annotations

import argparse
import dataclasses
import functools

from benchmarks.diagnostics.cases import score_cases, summary
from ntm_analysis.model import calibration as cal
from ntm_analysis.model import transitions as tr
from ntm_analysis.model.forecast import run_forecast
from ntm_analysis.model.known_processes import SCENARIOS


def processes() -> list:
    """The three processes, each as a 3-year panel."""
    base = SCENARIOS["three_year_panels"]
    strong = dataclasses.replace(
        SCENARIOS["accelerating"], name="accelerating_3y", history_years=base.history_years
    )
    flat = dataclasses.replace(base, name="three_year_panels_notrend", trend=0.0)
    return [base, strong, flat]


def shrunk_trend(sd: float) -> cal.Forecaster:
    """The trend fit alone, its trend under a N(0, sd²) prior (``fit(gain_prior_sd=...)``)."""
    fitter = functools.partial(tr.fit, gain_prior_sd={"trend": sd})

    def forecaster(history, last_year, n_draws, seed):
        forecast = run_forecast(history, last_year, n_draws, seed, trend="only", fitter=fitter)
        return cal.as_draws(forecast)

    return forecaster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sd", type=float, default=0.1)
    parser.add_argument("--replicates", default="0:16", help="first:last (exclusive)")
    parser.add_argument("--scenarios", default="", help="comma-separated subset of the three")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    first, last = (int(x) for x in args.replicates.split(":"))
    chosen = [p for p in processes() if not args.scenarios or p.name in args.scenarios.split(",")]
    forecasters = {"before": cal.model_forecaster, "after": shrunk_trend(args.sd)}
    replicates = range(first, last)
    cases = score_cases(chosen, replicates, forecasters, args.out)
    print(summary(cases).to_string())


if __name__ == "__main__":
    main()
