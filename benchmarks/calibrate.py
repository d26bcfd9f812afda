"""``python -m benchmarks.calibrate`` (``make calibrate``): the full calibration suite.

Scores the project's forecast (``calibration.model_forecaster``), the true-form reference and
the ideal forecast on ``--replicates`` provinces of every known process
(``known_processes.SCENARIOS``), origins 2013–2016, horizons 1–4, and writes the table into
``benchmarks/CALIBRATION.md`` under the run's ``--label`` (a rerun with the same label
replaces its section, other labels stay, so a "before" and an "after" sit side by side).

Resumable and accumulating: every case (scenario × replicate × origin) is stored in
``--state`` (``benchmarks/calibration-state.csv.gz``) the moment it finishes, under the
forecast code's fingerprint and the harness version (``calibration_store``). Running the
same command again continues where a run stopped; ``--replicates 200`` after a 100-replicate
run scores only replicates 100–199; the table is written from every stored case of the
current code and settings, never from another code's. ``--table-only`` writes the table
from the stored cases while a run is still going.

Not part of the test suite: the full run fits the model twice per case (the model and the
reference) for 2,400 cases at 100 replicates; run it under ``nice``.
``tests/unit/model/test_calibration.py`` runs a small version that checks the harness itself.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .common import pin_threads

pin_threads()  # before numpy is imported: one BLAS thread per worker, ``--jobs`` workers

import pandas as pd  # noqa: E402

from ntm_analysis.core.atomic import write_text_atomic  # noqa: E402
from ntm_analysis.core.provenance import git_revision  # noqa: E402
from ntm_analysis.model import calibration as cal  # noqa: E402
from ntm_analysis.model import calibration_store as store_mod  # noqa: E402
from ntm_analysis.model.known_processes import SCENARIOS  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "CALIBRATION.md"
DEFAULT_STATE = HERE / "calibration-state.csv.gz"
FAIL, PASS = "✗", ""
INTRO = """# Calibration table (simulation-based)

Written by `make calibrate` (`python -m benchmarks.calibrate`); see
`ntm_analysis/model/calibration.py` for what each score means and
`ntm_analysis/model/known_processes.py` for the processes. Every
province is synthetic, drawn from a known process; the **ideal** forecast is that process run
forward from the true origin state with fresh luck, scored with independent draws: where the
ideal itself misses a goal, the miss is chance (about 1 cell in 20 at 100 replicates) or the
discreteness of a small count (an interval of whole numbers covers more than its nominal
share), not the model. `✗` marks a failed goal; values in brackets are the ideal's.

Draws (from session 5): each forecaster gets 500 draws per case (the model, the true-form
reference, and the ideal scored as a forecaster, all alike); the ideal used as the yardstick
(its 80% width, its CRPS, the target at its median) gets 1,000. CRPS is the "fair" estimator
(pairs of distinct draws), unbiased for the forecast distribution whatever the number of
draws, so fewer draws add noise to a case's score but no bias to the ratios; an interval
from 500 draws covers 0.798 of a fresh value on average instead of 0.800, far below a cell's
sampling error. Runs before session 5 used the plain CRPS (too high by E|X − X'|/2n: 0.1%
of the spread at 500 draws) and separate ideal runs.

Reading it: runs are kept in the order written; the latest run with 100 replicates of every
process is the current table, and each run's "Reading" says what changed. "CRPS ≤ 1.3 ×
ideal" is judged against a forecaster that knows the true parameters; what forecasters that
must learn the trend (`benchmarks/notes/oracle14.md`) or each year's level
(`benchmarks/notes/width15.md`) from 2–6 years pay is measured there (flat-prior references,
not strict bounds), and the model beside a forecaster that knows each process's form in "Run:
session 13". A bound on every forecaster: where years share shocks, no forecaster is within
1.3 × the ideal on both of two processes that differ only in their pace, in some origin ×
horizon cells three to four years ahead on the count and two to four on the mean criteria
(`benchmarks/notes/pair17.md`).
"""


def _fmt(value: object, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _mark(row: pd.Series, goal: str) -> str:
    return FAIL if row.get(goal) is False else PASS


def headline(summary: pd.DataFrame) -> list[str]:
    """Goals passed per scenario (cells of origin × horizon), model beside ideal."""
    counts = cal.goal_counts(summary)
    lines = [
        "| scenario | figure | " + " | ".join(cal.GOALS) + " |",
        "|---|---|" + "---|" * len(cal.GOALS),
    ]
    model = counts[counts["forecaster"] == "model"]
    ideal = counts[counts["forecaster"] == "ideal"].set_index(["scenario", "figure"])
    for _, row in model.iterrows():
        key = (row["scenario"], row["figure"])
        cells = [
            f"{row[goal]} ({ideal.loc[key, goal] if key in ideal.index else '–'})"
            for goal in cal.GOALS
        ]
        lines.append(f"| {row['scenario']} | {row['figure']} | " + " | ".join(cells) + " |")
    return lines


POOLED_COLUMNS = (
    ("coverage80", "cov80"),
    ("coverage95", "cov95"),
    ("pit_low", "PIT<.1"),
    ("pit_high", "PIT>.9"),
    ("bias", "bias"),
    ("bias_ratio", "abs(bias)/w80"),
    ("crps_ratio", "CRPS/ideal"),
    ("slope", "slope"),
    ("p_target", "P(target)"),
    ("hit_rate", "hit rate"),
    ("brier_ratio", "Brier/ideal"),
)


def detail(summary: pd.DataFrame, scenario: str) -> list[str]:
    """Every origin × horizon cell (and the pooled row) of the model, the ideal in brackets."""
    lines = []
    for figure in ("n_ntm", "mean_criteria"):
        cells = summary[
            (summary["scenario"] == scenario)
            & (summary["figure"] == figure)
            & (summary["forecaster"] == "model")
        ]
        if cells.empty:
            continue
        ideal = summary[
            (summary["scenario"] == scenario)
            & (summary["figure"] == figure)
            & (summary["forecaster"] == "ideal")
        ].set_index(["origin", "horizon"])
        columns = [c for c in POOLED_COLUMNS if figure == "n_ntm" or c[0] in _CONTINUOUS]
        lines += [
            "",
            f"`{figure}`:",
            "",
            "| origin | h | n | " + " | ".join(label for _, label in columns) + " |",
            "|---|---|---|" + "---|" * len(columns),
        ]
        goal_of = {column: goal for goal, (column, _, _) in cal.GOALS.items()}
        for _, row in cells.iterrows():
            out = []
            for column, _ in columns:
                value = _fmt(row.get(column))
                if (row["origin"], row["horizon"]) in ideal.index:
                    value += f" ({_fmt(ideal.loc[(row['origin'], row['horizon']), column])})"
                if column in goal_of:
                    value += " " + _mark(row, goal_of[column])
                out.append(value.strip())
            origin = "all" if row["origin"] == 0 else str(row["origin"])
            horizon = "all" if row["horizon"] == 0 else str(row["horizon"])
            lines.append(f"| {origin} | {horizon} | {row['n']} | " + " | ".join(out) + " |")
    return lines


_CONTINUOUS = {
    "coverage80",
    "coverage95",
    "pit_low",
    "pit_high",
    "bias",
    "bias_ratio",
    "crps_ratio",
}


def reference(cases: pd.DataFrame) -> list[str]:
    """The model beside the true-form reference (``calibration.true_form_forecaster``), per
    scenario × figure × horizon, pooled over origins: what the model's form costs, and what
    estimating any form's parameters from the same history costs (the reference's own gap to
    the ideal)."""
    if cases.empty or "true_form" not in set(cases["forecaster"]):
        return []
    lines = [
        "",
        "### The model beside the true-form reference (pooled over origins)",
        "",
        "`true form`: the model restricted to the scenario's own terms (no capacity proxies, "
        "the push at its own threshold only), fitted to the same history with the same draws "
        "and trend averaging; a reference that knows the process's form, never a product. "
        "`width/ideal`: mean 80% width over the ideal's.",
        "",
        "| scenario | figure | h | n | cov80 model (true form) | bias model (true form) | "
        "width/ideal model (true form) | CRPS/ideal model (true form) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (scenario, figure, h), group in cases.groupby(
        ["scenario", "figure", "horizon"], sort=False
    ):
        values = {}
        for name in ("model", "true_form"):
            g = group[group["forecaster"] == name]
            if g.empty:
                values[name] = ("–",) * 4
                continue
            inside = (g["lo80"] <= g["observed"]) & (g["observed"] <= g["hi80"])
            width = (g["hi80"] - g["lo80"]).mean() / max(g["ideal_width80"].mean(), 1e-9)
            crps = g["crps"].mean() / max(g["ideal_crps"].mean(), 1e-12)
            bias = (g["mean"] - g["observed"]).mean()
            values[name] = (_fmt(inside.mean()), _fmt(bias), _fmt(width), _fmt(crps))
        n = int((group["forecaster"] == "model").sum())
        cells = [f"{m} ({t})" for m, t in zip(values["model"], values["true_form"], strict=True)]
        lines.append(f"| {scenario} | {figure} | {h} | {n} | " + " | ".join(cells) + " |")
    return lines


def section(
    result: cal.Calibration,
    label: str,
    seconds: float,
    jobs: int,
    note: str = "",
    scored: bool = True,
) -> str:
    """The ``## Run: label`` section: settings, goals passed, errors, the reference, cells.
    ``scored``: this invocation scored cases (its wall time is shown); otherwise the table
    was written from stored cases only."""
    rev = git_revision() or {}
    dirty = " (with uncommitted changes)" if rev.get("dirty") else ""
    s = result.settings
    cases = s.get("cases", {})
    timing = (
        f"- wall time of this invocation {seconds / 60:.1f} min on {jobs} worker process(es), "
        "under `nice`"
        if scored
        else "- table written from the stored cases (no case scored by this invocation)"
    )
    lines = [
        f"## Run: {label}",
        "",
        f"- written {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; commit "
        f"`{rev.get('revision', '?')[:10]}`{dirty}",
        "- replicates with every origin scored: "
        + ", ".join(
            f"{name} {n}" + (f" ({cases[name]} cases)" if name in cases else "")
            for name, n in s["completed"].items()
        )
        + f"; origins {s['origins']}, horizons "
        f"{s['horizons']}; {s['n_draws']} model draws, {s['n_ideal']} ideal draws; seed "
        f"{s['seed']}",
        timing,
        *([f"- {note}"] if note else []),
        "",
        "Scenarios: "
        + "; ".join(
            f"**{name}** ({s['communes'][name]} communes): {text}"
            for name, text in s["scenarios"].items()
        ),
        "",
        "### Goals passed (origin × horizon cells passed / judged; the ideal in brackets)",
        "",
        *headline(result.summary),
    ]
    errors = result.errors
    model_errors = errors[errors["forecaster"] == "model"] if not errors.empty else errors
    lines += ["", f"### Forecaster errors: {len(model_errors)}"]
    if len(model_errors):
        lines += ["", "| scenario | origin | count | first message |", "|---|---|---|---|"]
        for (scenario, origin), group in model_errors.groupby(["scenario", "origin"]):
            message = group["message"].iloc[0].replace("|", "/").replace("\n", " ")
            lines.append(f"| {scenario} | {origin} | {len(group)} | {message} |")
    lines += reference(result.cases)
    lines += ["", "### Every cell (model; ideal in brackets)"]
    for scenario in s["scenarios"]:
        lines += ["", f"#### {scenario}", *detail(result.summary, scenario)]
    return "\n".join(lines) + "\n"


READING = "### Reading this run"


def _reading(section_text: str) -> str | None:
    """The hand-written ``### Reading this run`` block of a section (up to the next ``###``)."""
    if READING not in section_text:
        return None
    block = section_text[section_text.index(READING) :]
    end = block.find("\n### ", len(READING))
    return (block if end < 0 else block[:end]).rstrip("\n") + "\n"


def write(out: Path, label: str, text: str) -> None:
    """Replace (or append) the ``## Run: label`` section of ``out``, keeping the others.

    A ``### Reading this run`` block written by hand into the old section is kept, placed
    before the new section's first table: the run can be continued and its table rewritten
    without losing the reading (which says for how many replicates it was written)."""
    sections: dict[str, str] = {}
    if out.exists():
        body = out.read_text(encoding="utf-8")
        for part in body.split("\n## Run: ")[1:]:
            name = part.split("\n", 1)[0].strip()
            sections[name] = "## Run: " + part.rstrip("\n") + "\n"
    reading = _reading(sections.get(label, ""))
    if reading and READING not in text:
        first = text.find("\n### ")
        text = text[: first + 1] + reading + "\n" + text[first + 1 :] if first >= 0 else text
    sections[label] = text
    write_text_atomic(out, INTRO + "\n" + "\n".join(sections.values()))


def _load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=100, help="per scenario, in all")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--draws", type=int, default=500, help="model draws per forecast")
    parser.add_argument("--ideal-draws", type=int, default=1000)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--origins", default=",".join(map(str, cal.ORIGINS)))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--label", default="latest")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--state",
        type=Path,
        default=DEFAULT_STATE,
        help="the accumulating state file: every finished case is stored there, and a run "
        "scores only the cases of its key (model code, harness, draws, seed) not yet stored",
    )
    parser.add_argument("--note", default="", help="a line saying what was measured")
    parser.add_argument(
        "--no-true-form",
        action="store_true",
        help="skip the true-form reference (the model restricted to each process's own "
        "terms): about half the time",
    )
    parser.add_argument(
        "--minutes",
        type=float,
        default=None,
        help="start no case after this many minutes (a busy machine); the table says how "
        "many replicates each scenario completed, and a later run continues",
    )
    parser.add_argument(
        "--table-only",
        action="store_true",
        help="score nothing: write the table from the cases in the state file (safe while a "
        "run is adding to it; a running run merges its finished cases into the file every "
        f"{store_mod.MERGE_EVERY} cases and at its end, so the table matches the file as it "
        "is)",
    )
    args = parser.parse_args(argv)
    scenarios = [SCENARIOS[name] for name in args.scenarios.split(",")]
    origins = [int(o) for o in args.origins.split(",")]
    start = time.time()
    forecasters: dict = {"model": cal.model_forecaster}
    if not args.no_true_form:
        forecasters["true_form"] = cal.TrueForm()
    oracles = {"ideal": cal.identity}
    key = store_mod.run_key(
        args.draws, args.ideal_draws, args.seed, cal.HORIZONS, [*forecasters, *oracles]
    )
    store = store_mod.StateFile(args.state, key, read_pending=not args.table_only)
    print(f"state {args.state}, key {key}, load {_load()}", file=sys.stderr, flush=True)

    def progress(done: int, total: int) -> None:
        if done % max(1, total // 50) == 0 or done == total:
            print(
                f"{done}/{total} cases, {(time.time() - start) / 60:.1f} min, load {_load()}",
                file=sys.stderr,
                flush=True,
            )

    options = dict(
        forecasters=forecasters,
        oracles=oracles,
        replicates=args.replicates,
        origins=origins,
        n_draws=args.draws,
        n_ideal=args.ideal_draws,
        seed=args.seed,
        store=store,
    )
    if args.table_only:
        result = cal.run(scenarios, **{**options, "replicates": 0})
    else:
        with store.lock():
            try:
                result = cal.run(
                    scenarios,
                    **options,
                    jobs=args.jobs,
                    progress=progress,
                    deadline=start + 60 * args.minutes if args.minutes else None,
                )
            finally:
                store.merge()
    seconds = time.time() - start
    stamp = (
        f"model fingerprint `{key['fingerprint']}`, harness version {key['harness']}, "
        f"state `{args.state.name}`"
    )
    note = f"{args.note} ({stamp})" if args.note else stamp
    write(
        args.out,
        args.label,
        section(result, args.label, seconds, args.jobs, note, scored=not args.table_only),
    )
    print(f"wrote {args.out} (section {args.label!r}) in {seconds / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
