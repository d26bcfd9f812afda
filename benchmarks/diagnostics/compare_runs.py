"""Two calibration runs compared case for case, from the state file.

``make calibrate`` keys every stored case by the forecast code's fingerprint, so a model change
leaves the old run's cases beside the new ones in ``benchmarks/calibration-state.csv.gz``. This
reads both sides of the cases they share (same scenario, replicate, origin, horizon, figure:
the same simulated province and outcome) and prints, per scenario, the figures a reading of a
model change needs: bias, 80% coverage, the upper PIT tail and CRPS against the ideal, pooled
and four years ahead, and the paired CRPS change with a 90% interval from resampling whole
replicates (a replicate's origins share one province, so they are not independent cases).

    python -m benchmarks.diagnostics.compare_runs --before b04f42af13791852,6f02040010e5e626 \
        --after <fingerprint> [--figure n_ntm]

A side may list several fingerprints (a run split over sessions, e.g. session 7's six
scenarios and session 8's accelerating process); a case is taken from the first that has it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from ntm_analysis.model.calibration_store import ROW

DEFAULT_STATE = Path(__file__).resolve().parents[1] / "calibration-state.csv.gz"
COLUMNS = ["mean", "observed", "lo80", "hi80", "pit", "crps", "ideal_crps"]


def side(rows: pd.DataFrame, fingerprints: list[str], figure: str) -> pd.DataFrame:
    """The model's scored rows of ``figure`` under ``fingerprints`` (first one wins per row)."""
    keep = rows["forecaster"].eq("model") & rows["figure"].eq(figure) & rows["message"].isna()
    picked = rows[keep & rows["fingerprint"].isin(fingerprints)].copy()
    picked["rank"] = picked["fingerprint"].map({f: i for i, f in enumerate(fingerprints)})
    picked = picked.sort_values("rank", kind="stable").drop_duplicates(list(ROW))
    return picked.set_index(list(ROW))[COLUMNS]


def paired(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """The cases both sides scored, columns suffixed ``_b`` / ``_a``."""
    joined = before.merge(after, left_index=True, right_index=True, suffixes=("_b", "_a"))
    return joined.reset_index()


def _summary(cases: pd.DataFrame, suffix: str) -> dict[str, float]:
    inside = cases[f"observed{suffix}"].between(cases[f"lo80{suffix}"], cases[f"hi80{suffix}"])
    return {
        "bias": float((cases[f"mean{suffix}"] - cases[f"observed{suffix}"]).mean()),
        "cov80": float(inside.mean()),
        "pit_high": float((cases[f"pit{suffix}"] > 0.9).mean()),
        "pit_low": float((cases[f"pit{suffix}"] < 0.1).mean()),
        "crps_ratio": float(cases[f"crps{suffix}"].mean() / cases["ideal_crps_b"].mean()),
    }


def crps_change(cases: pd.DataFrame, n_boot: int = 2000, seed: int = 0) -> tuple[float, ...]:
    """Mean CRPS after / before − 1, with a 90% interval resampling whole replicates."""
    per = cases.groupby("replicate")[["crps_b", "crps_a"]].sum()
    ratio = per["crps_a"].sum() / per["crps_b"].sum() - 1.0
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(per), size=(n_boot, len(per)))
    b, a = per["crps_b"].to_numpy()[pick].sum(1), per["crps_a"].to_numpy()[pick].sum(1)
    lo, hi = np.quantile(a / b - 1.0, [0.05, 0.95])
    return float(ratio), float(lo), float(hi)


def table(cases: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: before → after, pooled and at the longest horizon, and the CRPS change."""
    out = []
    for scenario, group in cases.groupby("scenario", sort=False):
        far = group[group["horizon"] == group["horizon"].max()]
        n_cases = len(group.drop_duplicates(["replicate", "origin"]))
        row: dict[str, object] = {"scenario": scenario, "cases": n_cases}
        for label, part in (("pooled", group), (f"h{far['horizon'].iloc[0]}", far)):
            before, after = _summary(part, "_b"), _summary(part, "_a")
            for name in before:
                spec = "+.2f" if name == "bias" else ".2f"
                row[f"{name} {label}"] = f"{before[name]:{spec}} → {after[name]:{spec}}"
            change, lo, hi = crps_change(part)
            row[f"ΔCRPS {label}"] = f"{100 * change:+.1f}% [{100 * lo:+.1f}, {100 * hi:+.1f}]"
        out.append(row)
    return pd.DataFrame(out)


def markdown(frame: pd.DataFrame) -> str:
    """A GitHub table of ``frame`` (as the calibration table is written: no extra package)."""
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * frame.shape[1]]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="fingerprint(s), comma-separated")
    parser.add_argument("--after", required=True, help="fingerprint(s), comma-separated")
    parser.add_argument("--figure", default="n_ntm")
    parser.add_argument("--state", type=Path, default=DEFAULT_STATE)
    args = parser.parse_args(argv)
    rows = pd.read_csv(args.state, dtype={"fingerprint": str})
    if "message" not in rows:
        rows["message"] = np.nan
    cases = paired(
        side(rows, args.before.split(","), args.figure),
        side(rows, args.after.split(","), args.figure),
    )
    print(f"{len(cases)} paired rows ({args.figure})")
    print(markdown(table(cases)))


if __name__ == "__main__":
    main()
