"""Two calibration runs compared case for case, from the state file.

``make calibrate`` keys every stored case by the forecast code's fingerprint, so a model change
leaves the old run's cases beside the new ones in ``benchmarks/calibration-state.csv.gz``. This
reads both sides of the cases they share (same scenario, replicate, origin, horizon, figure:
the same simulated province and outcome) and prints, per scenario, the figures a reading of a
model change needs: bias, 80% coverage, the upper PIT tail and CRPS against the ideal, pooled
and four years ahead, and the paired CRPS change with a 90% interval from resampling whole
replicates (a replicate's origins share one province, so they are not independent cases).
Before the table it prints, per scenario, the cases left out of the pairing: those one side
has and the other lacks, and each side's failed cases with their messages (a case the new
model fails on must not just vanish from both sides).

    python -m benchmarks.diagnostics.compare_runs --before b04f42af13791852,6f02040010e5e626 \
        --after <fingerprint> [--figure n_ntm]

``--before-forecaster true_form`` with ``--before`` the same run as ``--after`` reads the model
against the true-form reference of that run, case for case (the restated CRPS goal's
reference, benchmarks/notes/probe13.md).

A side may list several fingerprints (a run split over sessions, e.g. session 7's six
scenarios and session 8's accelerating process); a case is taken from the first that has it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from ntm_analysis.model.calibration_store import CASE, ROW

DEFAULT_STATE = Path(__file__).resolve().parents[1] / "calibration-state.csv.gz"
# a scored row's key without its forecaster: a side holds one, and the two sides may differ
PAIR_KEY = tuple(c for c in ROW if c != "forecaster")
COLUMNS = ["mean", "observed", "lo80", "hi80", "pit", "crps", "ideal_crps"]
LEFT_OUT_KINDS = ("only before", "only after", "error before", "error after")


def side(
    rows: pd.DataFrame, fingerprints: list[str], figure: str, forecaster: str = "model"
) -> pd.DataFrame:
    """``forecaster``'s scored rows of ``figure`` under ``fingerprints`` (first one wins per
    row)."""
    keep = rows["forecaster"].eq(forecaster) & rows["figure"].eq(figure) & rows["message"].isna()
    return _first(rows[keep], fingerprints, ROW).set_index(list(PAIR_KEY))[COLUMNS]


def _first(rows: pd.DataFrame, fingerprints: list[str], key: tuple[str, ...]) -> pd.DataFrame:
    """``rows`` under ``fingerprints``, one per ``key``: the first fingerprint's that has it."""
    picked = rows[rows["fingerprint"].isin(fingerprints)].copy()
    picked["rank"] = picked["fingerprint"].map({f: i for i, f in enumerate(fingerprints)})
    return picked.sort_values("rank", kind="stable").drop_duplicates(list(key))


def side_errors(
    rows: pd.DataFrame, fingerprints: list[str], scored: pd.DataFrame, forecaster: str = "model"
) -> pd.DataFrame:
    """``forecaster``'s failed cases under ``fingerprints`` (scenario, replicate, origin, message;
    first fingerprint wins per case) that the side did not score under another: ``side``
    leaves them out, so without this a case the new model fails on would just vanish from
    both sides of the comparison."""
    failed = rows["forecaster"].eq(forecaster) & rows["message"].notna()
    picked = _first(rows[failed], fingerprints, CASE)
    done = _cases(scored)
    keep = [case not in done for case in picked[list(CASE)].itertuples(index=False, name=None)]
    return picked.loc[keep, [*CASE, "message"]].reset_index(drop=True)


def _cases(scored: pd.DataFrame) -> set[tuple]:
    """The (scenario, replicate, origin) cases of ``side``'s rows."""
    return set(scored.index.droplevel([c for c in PAIR_KEY if c not in CASE]).unique())


def unpaired(
    before: pd.DataFrame, after: pd.DataFrame, errors: dict[str, pd.DataFrame]
) -> pd.DataFrame:
    """One row per case left out of the pairing and why: ``only before`` / ``only after`` (the
    other side has no scored rows for it) and ``error before`` / ``error after`` (that side's
    model failed on it: ``message``; ``errors`` maps "before" / "after" to ``side_errors``)."""
    if set(errors) - {"before", "after"}:
        raise ValueError(f"errors of unknown sides {sorted(errors)}")
    b, a = _cases(before), _cases(after)
    parts = [
        pd.DataFrame(sorted(b - a), columns=list(CASE)).assign(kind="only before"),
        pd.DataFrame(sorted(a - b), columns=list(CASE)).assign(kind="only after"),
    ]
    parts += [frame.assign(kind=f"error {name}") for name, frame in errors.items()]
    columns = [*CASE, "kind", "message"]
    return pd.concat([p.reindex(columns=columns) for p in parts], ignore_index=True)


def left_out_counts(left_out: pd.DataFrame) -> pd.DataFrame:
    """``unpaired``'s cases counted per scenario and kind (every kind a column, 0 if none)."""
    counts = pd.crosstab(left_out["scenario"], left_out["kind"])
    return counts.reindex(columns=list(LEFT_OUT_KINDS), fill_value=0)


def left_out_lines(left_out: pd.DataFrame) -> list[str]:
    """``unpaired``'s cases, one line per scenario and kind (its replicates as ranges, its
    origins) and one per distinct error message: a whole scenario missing on one side is
    hundreds of cases, which a row per case would bury the errors under."""
    lines = []
    for (scenario, kind), group in left_out.groupby(["scenario", "kind"], sort=False):
        replicates = _ranges(sorted(group["replicate"].astype(int).unique()))
        origins = ", ".join(map(str, sorted(group["origin"].astype(int).unique())))
        lines.append(
            f"{scenario}, {kind}: {len(group)} cases; replicates {replicates}; origins {origins}"
        )
        for message, n in group["message"].dropna().value_counts().items():
            lines.append(f"    {n} × {message}")
    return lines


def _ranges(values: list[int]) -> str:
    """Sorted integers as runs: [0, 1, 2, 5] -> "0–2, 5"."""
    runs: list[list[int]] = []
    for v in values:
        if runs and v == runs[-1][-1] + 1:
            runs[-1].append(v)
        else:
            runs.append([v])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


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
        for label, part in (("pooled", group), (f"h{int(far['horizon'].iloc[0])}", far)):
            before, after = _summary(part, "_b"), _summary(part, "_a")
            for name in before:
                spec = "+.2f" if name == "bias" else ".2f"
                row[f"{name} {label}"] = f"{before[name]:{spec}} → {after[name]:{spec}}"
            change, lo, hi = crps_change(part)
            row[f"ΔCRPS {label}"] = f"{100 * change:+.1f}% [{100 * lo:+.1f}, {100 * hi:+.1f}]"
        out.append(row)
    return pd.DataFrame(out)


def by_horizon(cases: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and horizon: the CRPS ratio after / before with its 90% interval (the
    same resampling of whole replicates as ``table``)."""
    out = []
    for (scenario, horizon), part in cases.groupby(["scenario", "horizon"], sort=False):
        change, lo, hi = crps_change(part)
        out.append(
            {
                "scenario": scenario,
                "h": int(horizon),
                "CRPS after / before": f"{1 + change:.2f} [{1 + lo:.2f}, {1 + hi:.2f}]",
            }
        )
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
    parser.add_argument(
        "--before-forecaster",
        default="model",
        help="the before side's forecaster: e.g. true_form, with --before the same run as "
        "--after, to read the model against the true-form reference case for case",
    )
    parser.add_argument("--state", type=Path, default=DEFAULT_STATE)
    parser.add_argument(
        "--by-horizon", action="store_true", help="also the CRPS ratio per scenario × horizon"
    )
    args = parser.parse_args(argv)
    rows = pd.read_csv(args.state, dtype={"fingerprint": str})
    if "message" not in rows:
        rows["message"] = np.nan
    fingerprints = {"before": args.before.split(","), "after": args.after.split(",")}
    forecasters = {"before": args.before_forecaster, "after": "model"}
    sides = {
        name: side(rows, fps, args.figure, forecasters[name]) for name, fps in fingerprints.items()
    }
    errors = {
        name: side_errors(rows, fps, sides[name], forecasters[name])
        for name, fps in fingerprints.items()
    }
    left_out = unpaired(sides["before"], sides["after"], errors)
    if not left_out.empty:
        print("cases left out of the pairing, per scenario:")
        print(markdown(left_out_counts(left_out).reset_index()))
        print("\n".join(left_out_lines(left_out)))
    cases = paired(sides["before"], sides["after"])
    print(
        f"before: {forecasters['before']} @ {args.before}; after: model @ {args.after}; "
        f"{len(cases)} paired rows ({args.figure})"
    )
    print(markdown(table(cases)))
    if args.by_horizon:
        print(markdown(by_horizon(cases)))


if __name__ == "__main__":
    main()
