"""One transition (2-year panels): the push steps read through the draw's lasting share
against the current split (the count's slope only) and against no push steps, on the same
cases (issue 13, session 8; benchmarks/notes/one13.md).

Three processes, each seen as a 2-year panel: the suite's ``two_year_panels`` (a lasting
ability drives gains), ``accelerating`` (+0.2 a year) and a count-driven process (``CountDriven``:
the gain log-odds rise with the criteria met now, ``COUNT_SLOPE`` a criterion, and no lasting
ability enters them). Origins 2013–2016, horizons 1–4. Every forecaster scores every case with
the same truth, ideal, forecast seed and PIT randomisation (``calibration.score_case``):

- "before": the product (c168a65) — each draw reads a share of the count's *slope* as
  lasting capacity (``forecast.lasting_shares``), the push steps stay on the current count;
- "after": the candidate ``split_capacity`` — the slope and the push steps split by the same
  share (swapped into the product's draws for the run only: not adopted, notes/one13.md);
- "nopush": the fit without the push steps (``fit(absent=<push steps>)``).

Writes the cases to ``--out`` (CSV) and prints the table; ``--table`` re-reads CSVs::

    nice python -m benchmarks.diagnostics.one_transition --scenarios two_year_panels \
        --replicates 0:32 --out /tmp/one.csv
    python -m benchmarks.diagnostics.one_transition --table /tmp/one.csv [/tmp/two.csv ...]
"""

from __future__ import annotations

import argparse
import dataclasses
from functools import partial

import numpy as np
import pandas as pd

from benchmarks.diagnostics.cases import score_cases, summary
from ntm_analysis.core.criteria import N_CRITERIA
from ntm_analysis.model import calibration as cal
from ntm_analysis.model import forecast as fcm
from ntm_analysis.model import transitions as tr
from ntm_analysis.model.known_processes import NTM_LOSS_FACTOR, SCENARIOS, Process, count_met

# the bundled panel's fit of the count's own slope (5 transitions: n_met +0.51 ± 0.04,
# level −0.09; transitions' "Capacity form"), read off the data, not off a score here
COUNT_SLOPE = 0.5


@dataclasses.dataclass(frozen=True)
class CountDriven(Process):
    """A process whose gains depend on the count met now, not on a lasting ability: the
    ability still shapes where a commune starts (``init_ability``) but not how fast it gains.
    Gain log-odds: base + difficulty + ``count_slope``·(n_met − 10) + trend + shock + push."""

    count_slope: float = COUNT_SLOPE

    def run(self, state, ability, origin, last, n_draws, rng):
        current = np.broadcast_to(state, (n_draws, *state.shape)).copy()
        path = [current]
        fixed = self.base_gain + self.difficulty[None, None, :]
        for year in range(origin, last):
            n_met = count_met(current).astype(float)  # uint8: n_met − 10 would wrap
            shift = self.trend * (year - self.first_year) + rng.normal(
                0.0, self.year_sd, (n_draws, 1)
            )
            shift = shift + self.count_slope * (n_met - tr.N_MET_CENTRE)
            if self.push_threshold is not None:
                shift = shift + self.push * (n_met >= self.push_threshold)
            p_gain = 1.0 / (1.0 + np.exp(-(fixed + shift[:, :, None])))
            p_keep = np.where(n_met == N_CRITERIA, 1 - self.loss * NTM_LOSS_FACTOR, 1 - self.loss)
            p = np.where(current, p_keep[:, :, None], p_gain)
            current = rng.random(current.shape) < p
            path.append(current)
        return path


def processes() -> list[Process]:
    """The three processes, each as a 2-year panel."""
    base = SCENARIOS["two_year_panels"]
    strong = dataclasses.replace(
        SCENARIOS["accelerating"], name="accelerating_2y", history_years=base.history_years
    )
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(Process)}
    count = CountDriven(**{**fields, "name": "count_driven_2y"})
    return [base, strong, count]


def split_capacity(
    gain: np.ndarray, commune: np.ndarray, first: np.ndarray, lasting: np.ndarray
) -> None:
    """The candidate: split a one-transition fit's capacity — the count's slope *and* the
    push steps, one function of the first-year count — per draw into a lasting part and the
    count's own, in place.

    ``gain`` (draw, term) and ``commune`` (draw, commune) are one fit's draws, ``first`` each
    commune's count in the fitted year (NaN: a commune the fit has not seen), ``lasting`` each
    draw's lasting share. The slope's lasting share goes to the ``level`` term (as the product
    does); the steps' lasting share is each commune's steps at its first-year count, a fixed
    per-draw addition to its commune effect, and the rest stays on the steps at the current
    count. A commune the fit has not seen has only the count's part of the steps."""
    n_met, level = tr.GAIN_TERMS.index("n_met"), tr.GAIN_TERMS.index("level")
    push = slice(n_met + 1, n_met + 1 + tr.N_PUSH)
    gain[:, level] = lasting * gain[:, n_met]
    gain[:, n_met] *= 1.0 - lasting
    seen = np.isfinite(first)
    steps = tr.push_matrix(np.where(seen, first, 0.0)) * seen[:, None]  # (commune, step)
    commune += lasting[:, None] * (gain[:, push] @ steps.T)
    gain[:, push] *= (1.0 - lasting)[:, None]


_PRODUCT_DRAWS = fcm._component_draws


def _candidate_draws(model, n_draws, rng, codes, districts, horizon):
    """The product's draws of one fit with the candidate split in place of its mixed block
    (which draws no random numbers: the same stream, the same draws before the split)."""
    if model.capacity_form != "mixed":
        return _PRODUCT_DRAWS(model, n_draws, rng, codes, districts, horizon)
    draws = _PRODUCT_DRAWS(
        dataclasses.replace(model, capacity_form="count"), n_draws, rng, codes, districts, horizon
    )
    lasting = fcm.lasting_shares(model.capacity_weight, n_draws)
    first = model.communes.set_index("commune_code")["level"].reindex(codes).to_numpy(float)
    split_capacity(draws.gain, draws.commune, first, lasting)
    return draws


def after(history, last_year, n_draws, seed):
    fcm._component_draws = _candidate_draws
    try:
        return cal.model_forecaster(history, last_year, n_draws, seed)
    finally:
        fcm._component_draws = _PRODUCT_DRAWS


def nopush(history, last_year, n_draws, seed):
    fitter = partial(tr.fit, absent=tr._PUSH_NAMES)
    return cal.as_draws(fcm.run_forecast(history, last_year, n_draws, seed, fitter=fitter))


FORECASTERS = {"before": cal.model_forecaster, "after": after, "nopush": nopush}


def crps_change(cases: pd.DataFrame, a: str, b: str, n_boot: int = 2000) -> pd.DataFrame:
    """Relative CRPS change b vs a per scenario × horizon (and pooled per scenario, and over
    everything), with a 90% interval from resampling replicates (whole provinces: a
    replicate's origins and horizons share its truth)."""
    d = cases[(cases["figure"] == "n_ntm") & cases["forecaster"].isin([a, b])]
    wide = d.pivot_table(
        index=["scenario", "replicate", "origin", "horizon"], columns="forecaster", values="crps"
    )
    wide = wide.dropna(subset=[a, b]).reset_index()  # the cases both forecasters scored
    rng = np.random.default_rng(0)
    rows = []
    groups = [(s, h) for s in wide["scenario"].unique() for h in (1, 2, 3, 4, "all")]
    groups += [("pooled", "all")]
    for s, h in groups:
        sub = wide if s == "pooled" else wide[wide["scenario"] == s]
        sub = sub if h == "all" else sub[sub["horizon"] == h]
        keys = sub[["scenario", "replicate"]].drop_duplicates().to_numpy()
        per = sub.groupby(["scenario", "replicate"])[[a, b]].sum().loc[[tuple(k) for k in keys]]
        va, vb = per[a].to_numpy(), per[b].to_numpy()
        ratio = vb.sum() / va.sum() - 1.0
        pick = rng.integers(0, len(va), (n_boot, len(va)))
        boot = vb[pick].sum(1) / va[pick].sum(1) - 1.0
        lo, hi = np.quantile(boot, [0.05, 0.95])
        rows.append({"scenario": s, "horizon": h, "change": ratio, "lo90": lo, "hi90": hi})
    return pd.DataFrame(rows).round(3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", default="0:32", help="first:last (exclusive)")
    parser.add_argument("--scenarios", default="", help="comma-separated subset of the three")
    parser.add_argument("--forecasters", default=",".join(FORECASTERS))
    parser.add_argument("--out")
    parser.add_argument("--table", nargs="*", help="only print the tables of these CSVs")
    args = parser.parse_args()
    if args.table:
        keys = ["scenario", "replicate", "origin", "horizon", "figure", "forecaster"]
        cases = pd.concat(pd.read_csv(f) for f in args.table).drop_duplicates(keys)
    else:
        first, last = (int(x) for x in args.replicates.split(":"))
        wanted = args.scenarios.split(",") if args.scenarios else None
        chosen = [p for p in processes() if wanted is None or p.name in wanted]
        forecasters = {k: FORECASTERS[k] for k in args.forecasters.split(",")}
        cases = score_cases(chosen, range(first, last), forecasters, args.out)
    print(summary(cases).to_string())
    for b in ("after", "nopush"):
        if b in set(cases["forecaster"]):
            print(f"\nCRPS change {b} vs before (90% interval, replicates resampled)")
            print(crps_change(cases, "before", b).to_string(index=False))


if __name__ == "__main__":
    main()
