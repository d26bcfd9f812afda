"""What the forecast diagnostics share: scoring a set of cases with several forecasters on the
calibration harness (the same truth, ideal, seed and PIT draw for each), and the province
count's summary per scenario × horizon with the forecasters side by side."""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Iterable, Mapping

import pandas as pd

from ntm_analysis.model import calibration as cal
from ntm_analysis.model.known_processes import SCENARIOS, Process

ORIGINS = (2013, 2014, 2015, 2016)


def score_cases(
    processes: Iterable[Process],
    replicates: Iterable[int],
    forecasters: Mapping[str, cal.Forecaster],
    out: str | None,
    origins: Iterable[int] = ORIGINS,
    after_case: Callable[[Process, int, int], None] | None = None,
) -> pd.DataFrame:
    """Every (process, replicate, origin) case scored by every forecaster; the cases so far
    written to ``out`` (CSV) after each replicate, so an interrupted run keeps its work. A
    forecaster's error stops the run (a diagnostic must not quietly drop the cases a
    candidate fails on). ``after_case(process, replicate, origin)`` runs after each case (a
    diagnostic's own record of what its forecasters saw)."""
    frames, start = [], time.process_time()
    for process in processes:
        for replicate in replicates:
            for origin in origins:
                found, _, errors = cal.score_case(process, replicate, origin, forecasters, {})
                if not errors.empty:
                    raise RuntimeError(errors.to_string())
                frames.append(found)
                if after_case is not None:
                    after_case(process, replicate, origin)
            if out:
                pd.concat(frames).to_csv(out, index=False)
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            cpu = time.process_time() - start
            print(f"{process.name} replicate {replicate}: cpu {cpu:.0f} s, load {load}")
    return pd.concat(frames)


def case_arguments(
    parser: argparse.ArgumentParser, replicates: int, first: int, scenarios: str
) -> None:
    """The options every case diagnostic takes: which cases (``--replicates/--first/
    --scenarios/--origins``), the CSV written as it goes (``--out``), or only a summary of
    such a CSV (``--summary``)."""
    parser.add_argument("--replicates", type=int, default=replicates)
    parser.add_argument("--first", type=int, default=first)
    parser.add_argument("--scenarios", default=scenarios)
    parser.add_argument("--origins", default="2014,2016")
    parser.add_argument("--out", help="CSV of the cases so far (rewritten as it goes)")
    parser.add_argument("--summary", help="only summarise this CSV (no fits)")


def scored_cases(
    args: argparse.Namespace, forecasters: Mapping[str, cal.Forecaster]
) -> pd.DataFrame:
    """The cases ``case_arguments`` chose, scored by ``forecasters`` (or read from
    ``--summary``)."""
    if args.summary:
        return pd.read_csv(args.summary)
    return score_cases(
        [SCENARIOS[s] for s in args.scenarios.split(",")],
        range(args.first, args.first + args.replicates),
        forecasters,
        args.out,
        tuple(map(int, args.origins.split(","))),
    )


def summary(cases: pd.DataFrame) -> pd.DataFrame:
    """Province count per scenario × horizon, forecasters side by side: bias (mean −
    realised), 80% coverage, both PIT tails (share < 0.1 / > 0.9), mean 80% width, CRPS
    summed over the ideal's, cases."""
    d = cases[cases["figure"] == "n_ntm"].copy()
    d["bias"] = d["mean"] - d["observed"]
    d["cov80"] = (d["lo80"] <= d["observed"]) & (d["observed"] <= d["hi80"])
    d["pit_low"] = d["pit"] < 0.1
    d["pit_high"] = d["pit"] > 0.9
    d["width80"] = d["hi80"] - d["lo80"]
    g = d.groupby(["scenario", "horizon", "forecaster"])
    out = g[["bias", "cov80", "pit_low", "pit_high", "width80"]].mean()
    out["crps_ideal"] = g["crps"].sum() / g["ideal_crps"].sum()
    out["n"] = g.size()
    return out.unstack("forecaster").round(2)


def case_main(
    argv: list[str] | None,
    description: str,
    run_case: Callable[[str, int, int, argparse.Namespace], dict],
    line: Callable[[dict], str],
    report: Callable[[pd.DataFrame], None],
    scenarios: str,
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None,
) -> None:
    """The command line of a per-case diagnostic (one row per scenario × replicate × origin):
    ``--replicates/--first/--scenarios/--origins`` choose the cases, ``--out`` is the CSV
    rewritten after each case (an interrupted run keeps its rows), ``--summary`` only reports
    a CSV. ``run_case(name, replicate, origin, args)`` gives a case's row, ``line`` its
    progress line (the case's CPU time appended), ``report`` the summary of the rows;
    ``add_arguments`` adds the script's own options."""
    parser = argparse.ArgumentParser(description=description)
    case_arguments(parser, 12, 0, scenarios)
    if add_arguments is not None:
        add_arguments(parser)
    args = parser.parse_args(argv)
    if args.summary:
        report(pd.read_csv(args.summary))
        return
    if not args.out:
        parser.error("--out is required unless --summary is given")
    rows = []
    for r in range(args.first, args.first + args.replicates):
        for name in args.scenarios.split(","):
            for origin in map(int, args.origins.split(",")):
                t0 = time.process_time()
                rows.append(run_case(name, r, origin, args))
                print(f"{line(rows[-1])} ({time.process_time() - t0:.1f}s cpu)", flush=True)
                pd.DataFrame(rows).to_csv(args.out, index=False)
    report(pd.DataFrame(rows))
