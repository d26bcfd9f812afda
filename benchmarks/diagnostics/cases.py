"""What the forecast diagnostics share: scoring a set of cases with several forecasters on the
calibration harness (the same truth, ideal, seed and PIT draw for each), and the province
count's summary per scenario × horizon with the forecasters side by side."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping

import pandas as pd

from ntm_analysis.model import calibration as cal
from ntm_analysis.model.known_processes import Process

ORIGINS = (2013, 2014, 2015, 2016)


def score_cases(
    processes: Iterable[Process],
    replicates: range,
    forecasters: Mapping[str, cal.Forecaster],
    out: str | None,
    origins: Iterable[int] = ORIGINS,
) -> pd.DataFrame:
    """Every (process, replicate, origin) case scored by every forecaster; the cases so far
    written to ``out`` (CSV) after each replicate, so an interrupted run keeps its work. A
    forecaster's error stops the run (a diagnostic must not quietly drop the cases a
    candidate fails on)."""
    frames, start = [], time.process_time()
    for process in processes:
        for replicate in replicates:
            for origin in origins:
                found, _, errors = cal.score_case(process, replicate, origin, forecasters, {})
                if not errors.empty:
                    raise RuntimeError(errors.to_string())
                frames.append(found)
            if out:
                pd.concat(frames).to_csv(out, index=False)
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            cpu = time.process_time() - start
            print(f"{process.name} replicate {replicate}: cpu {cpu:.0f} s, load {load}")
    return pd.concat(frames)


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
