"""The ``level`` term as the straight line plus indicators for first-year counts 0, 1, 2
(``transitions.LEVEL_COUNTS``) or plus a natural spline (``LEVEL_KNOTS``), against the
product's straight line, scored on forecasts over all seven known processes (issue 13,
session 9; benchmarks/notes/lvl13.md).

The switches are read when ``transitions`` is imported, so each forecaster runs in its own
process from its own tree (the product from an export of the base commit, a candidate from a
tree with its switch on); all score the same cases with the same truth, ideal, forecast seed
and PIT draw (``calibration.score_case``). Replicates are the outer loop, so a
run cut short keeps every scenario::

    PYTHONPATH=<tree> nice python -m benchmarks.diagnostics.lvl13 --name before \
        --replicates 0:12 --out /tmp/before.csv
    python -m benchmarks.diagnostics.lvl13 --table /tmp/before.csv /tmp/after.csv
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from benchmarks.diagnostics.cases import score_cases, summary
from benchmarks.diagnostics.one_transition import crps_change
from ntm_analysis.model import calibration as cal
from ntm_analysis.model import transitions as tr
from ntm_analysis.model.known_processes import SCENARIOS

TREND_SCENARIOS = ("strong_communes", "accelerating", "year_shocks")  # agq13's cells

ORIGINS = (2014, 2016)
KEYS = ["scenario", "replicate", "origin", "horizon", "figure", "forecaster"]


def run(name: str, replicates: range, out: str) -> None:
    """Every scenario × origin of each replicate in turn, the CSV rewritten after each."""
    # the base tree has no switch: the straight line
    print(f"{name}: LEVEL_COUNTS = {getattr(tr, 'LEVEL_COUNTS', ())}", flush=True)
    frames = []
    for replicate in replicates:
        frames.append(
            score_cases(
                SCENARIOS.values(),
                range(replicate, replicate + 1),
                {name: cal.model_forecaster},
                None,
                ORIGINS,
            )
        )
        pd.concat(frames).to_csv(out, index=False)


def trends(name: str, replicates: range, out: str) -> None:
    """agq13's trend cells: the product's trend fit (``fit(panel, trend="only")``) per case,
    its trend error, ``n_met`` and the capacity form chosen."""
    rows = []
    for replicate in replicates:
        for scenario in TREND_SCENARIOS:
            process = SCENARIOS[scenario]
            for origin in ORIGINS:
                model = tr.fit(cal.realised(process, replicate).panel(origin), trend="only")
                rows.append(
                    {
                        "forecaster": name,
                        "scenario": scenario,
                        "replicate": replicate,
                        "origin": origin,
                        "capacity_form": model.capacity_form,
                        "err": model.gain_params[tr.TREND] - process.trend,
                        "z": (model.gain_params[tr.TREND] - process.trend)
                        / np.sqrt(model.gain_cov[tr.TREND, tr.TREND]),
                        "n_met": model.gain_params[tr.GAIN_TERMS.index("n_met")],
                        "tau": model.gain_posterior.sd["commune"],
                    }
                )
        pd.DataFrame(rows).to_csv(out, index=False)
        print(f"{name} trend replicate {replicate}", flush=True)


def trend_table(paths: list[str]) -> None:
    """Means per scenario × origin, forecasters side by side (in80: |z| < 1.28)."""
    d = pd.concat(pd.read_csv(p) for p in paths)
    d["in80"] = d["z"].abs() < 1.28
    d["count_form"] = d["capacity_form"] == "count"
    g = d.groupby(["scenario", "origin", "forecaster"])
    out = g[["err", "z", "in80", "n_met", "tau", "count_form"]].mean().unstack("forecaster")
    print(out.round(3).to_string())


def table(paths: list[str]) -> None:
    """The summary per scenario × horizon and each candidate's CRPS change vs "before" on the
    cases all scored (90% interval, replicates resampled)."""
    cases = pd.concat(pd.read_csv(p) for p in paths).drop_duplicates(KEYS)
    every = cases["forecaster"].nunique()
    cases = cases[cases.groupby(KEYS[:5])["forecaster"].transform("nunique") == every]
    with pd.option_context("display.width", 250, "display.max_columns", 40):
        print(summary(cases).to_string())
    for name in sorted(set(cases["forecaster"]) - {"before"}):
        print(f"\nCRPS change {name} vs before (90% interval, replicates resampled)")
        print(crps_change(cases, "before", name).to_string(index=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", choices=("before", "after", "spline"))
    parser.add_argument("--replicates", default="0:12", help="first:last (exclusive)")
    parser.add_argument("--out")
    parser.add_argument("--trend", action="store_true", help="agq13's trend cells, not forecasts")
    parser.add_argument("--table", nargs="*", help="only print the tables of these CSVs")
    args = parser.parse_args()
    if args.table:
        (trend_table if args.trend else table)(args.table)
        return
    if not (args.name and args.out):
        parser.error("--name and --out are required unless --table is given")
    first, last = (int(x) for x in args.replicates.split(":"))
    (trends if args.trend else run)(args.name, range(first, last), args.out)


if __name__ == "__main__":
    main()
