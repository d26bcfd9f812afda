"""Why the held-out capacity choice picks "count" where the process has none (issue 13,
session 9; benchmarks/notes/cap13.md). Diagnostic only.

The product scores the two capacity forms ("level": the first-year count as a commune
covariate; "count": the current count only) on held-out years (``capacity_scores``) and uses
the form whose weight, the logistic of the total score difference D = level − count, is at
least ½ (``capacity_weight``). csd13 found 8 of 72 cases of processes without any count effect
where "count" won, and they carry most of the trend bias. Per case this records D, its own
noise (communes as exchangeable blocks: ``capacity_scores``' ``noise_var``), the weight, each
form's trend fit (trend error, ``n_met`` slope, commune spread), and scores on the calibration
harness (same truth, ideal, seed, PIT draw) these forecasts:

- ``level`` / ``count``: the fit with that form imposed (the capacity score not consulted);
- ``product``: session 9's product choice (whichever of the two logistic(D) picks);
- ``mix``: the two forms' draws mixed by logistic(D) (no hard choice);
- ``mix_bb``: mixed by the weight averaged over the difference's uncertainty,
  E[logistic(N(D, V))] (the Gaussian form of pseudo-BMA+'s Bayesian bootstrap): the
  product's ``capacity_weight`` since session 10 (its forecast mixes the forms itself; here
  the two imposed forms' forecasts are mixed as in session 9, to keep the comparison);
- ``tie``: the product's rule with the score's own noise counted as the sampled panels'
  sampling noise already is: |D| < ``CAPACITY_SAMPLE_Z``·√V is a tie, and a tie is the
  level form (as when nothing can be scored).

Processes: csd13's three (strong_communes, accelerating, year_shocks; none has a count
effect: known_processes' module docstring) and ``count_driven`` — year_shocks' fields with
gains driven by the current count (slope 0.5, one13's ``CountDriven``) and no lasting ability.

Usage::

    nice python -m benchmarks.diagnostics.cap13 --scenarios strong_communes,year_shocks \
        --replicates 0:12 --out /tmp/cap13.csv
    python -m benchmarks.diagnostics.cap13 --table /tmp/cap13.csv [...]
"""

from __future__ import annotations

import argparse
import dataclasses

import numpy as np
import pandas as pd

from benchmarks.diagnostics.cases import score_cases, summary
from benchmarks.diagnostics.one_transition import CountDriven
from ntm_analysis.model import calibration as cal
from ntm_analysis.model import transitions as tr
from ntm_analysis.model.forecast import simulate, spread_evenly
from ntm_analysis.model.known_processes import SCENARIOS, Process

ORIGINS = (2014, 2016)
FORMS = ("level", "count")
CASES: list[dict] = []  # one row per case: the scores, weights and each form's fit


def processes(names: list[str]) -> list[Process]:
    """The named suite processes; ``count_driven`` is year_shocks' process driven by the count."""
    base = SCENARIOS["year_shocks"]
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(Process)}
    extra = {"count_driven": CountDriven(**{**fields, "name": "count_driven"})}
    return [extra[n] if n in extra else SCENARIOS[n] for n in names]


def forced(history, form: str) -> tr.TransitionModel:
    """The product's fit with the capacity form imposed (its held-out weight set to 1 / 0)."""
    return tr.fit(history, level_weight=1.0 if form == "level" else 0.0)


_LAST: list = []  # [(history, {name: Draws})]: every forecaster of one case shares two fits


def _case_draws(history, last_year: int, n_draws: int, seed: int) -> dict:
    # held by reference, compared by identity (an id() can be reused by the next case)
    if _LAST and _LAST[0][0] is history:
        return _LAST[0][1]
    fits = {form: forced(history, form) for form in FORMS}
    scores = fits["level"].capacity_scores
    total = scores.groupby("form")["log_score"].sum()
    diff = float(total["level"] - total["count"])
    var = float(scores["diff_var"].sum() + scores["noise_var"].sum())
    plain = tr.averaged_logistic(diff, 0.0)  # session 9's weight: D read as exact
    weights = {
        "product": plain,
        "mix": plain,
        "mix_bb": tr.capacity_weight(scores),
        "tie": 1.0 if diff >= -tr.CAPACITY_SAMPLE_Z * np.sqrt(var) else 0.0,
    }
    draws = {f: cal.as_draws(simulate(history, fits[f], last_year, n_draws, seed)) for f in FORMS}
    out = dict(draws)
    for name, w in weights.items():
        if name in ("product", "tie"):
            out[name] = draws["level" if w >= 0.5 else "count"]
        else:
            out[name] = _mixed(draws["level"], draws["count"], w)
    row = {"origin": max(history.years), "diff": diff, "noise_sd": np.sqrt(var)}
    row.update({f"w_{k}": v for k, v in weights.items()})
    row["rows"] = int(scores["rows"].sum() / 2)
    for form, model in fits.items():
        row[f"trend_{form}"] = float(model.gain_params[tr.TREND])
        row[f"n_met_{form}"] = float(model.gain_params[tr.GAIN_TERMS.index("n_met")])
        row[f"tau_{form}"] = model.gain_posterior.sd["commune"]
        row[f"trend_weight_{form}"] = model.trend_weight
    CASES.append(row)
    _LAST[:] = [(history, out)]
    return out


def _mixed(a: cal.Draws, b: cal.Draws, weight: float) -> cal.Draws:
    """A share ``weight`` of the draws from ``a``, the rest from ``b`` (same seed), picked by
    the product's own rule (``spread_evenly``: round(weight · n) draws spread over the draw
    index; a leading block of ``a`` would pair its trend fit's draws with ``b``'s no-trend
    fit's), so the mixture's rounding is the product's."""
    take = spread_evenly(len(a.count), weight)
    return dataclasses.replace(
        a,
        count=np.where(take[:, None], a.count, b.count),
        mean_criteria=np.where(take[:, None], a.mean_criteria, b.mean_criteria),
        commune_p=weight * a.commune_p + (1.0 - weight) * b.commune_p,
    )


def forecaster(name: str) -> cal.Forecaster:
    def run(history, last_year, n_draws, seed):
        return _case_draws(history, last_year, n_draws, seed)[name]

    return run


NAMES = ("level", "count", "product", "mix", "mix_bb", "tie")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", default="strong_communes,accelerating,year_shocks")
    parser.add_argument("--replicates", default="0:12", help="first:last (exclusive)")
    parser.add_argument("--out", help="CSV of the scored cases; <out>.cases.csv the per-case rows")
    parser.add_argument("--table", nargs="*", help="only summarise these CSVs")
    parser.add_argument(
        "--bundled", action="store_true", help="the bundled panel: P(target by 2020) per rule"
    )
    parser.add_argument("--ahead", type=int, help="only the prototype ahead_score, this many years")
    args = parser.parse_args(argv)
    if args.ahead:
        first, last = map(int, args.replicates.split(":"))
        rows = []
        for process in processes(args.scenarios.split(",")):
            for r in range(first, last):
                rows.append(ahead_score(process, r, 2016, args.ahead))
                print(rows[-1], flush=True)
                if args.out:
                    pd.DataFrame(rows).to_csv(args.out, index=False)
        return
    if args.bundled:
        bundled()
        return
    if args.table:
        report([pd.read_csv(p) for p in args.table], [pd.read_csv(_side(p)) for p in args.table])
        return
    first, last = map(int, args.replicates.split(":"))
    found = []
    for process in processes(args.scenarios.split(",")):
        before = len(CASES)
        scored = score_cases(
            [process], range(first, last), {n: forecaster(n) for n in NAMES}, None, ORIGINS
        )
        found.append(scored)
        for row, (rep, origin) in zip(
            CASES[before:], [(r, o) for r in range(first, last) for o in ORIGINS], strict=True
        ):
            row.update(scenario=process.name, replicate=rep, trend_true=process.trend)
            assert row["origin"] == origin
        if args.out:
            pd.concat(found).to_csv(args.out, index=False)
            pd.DataFrame(CASES).to_csv(_side(args.out), index=False)
    report([pd.concat(found)], [pd.DataFrame(CASES)])


def bundled(target: float = 77.0, year: int = 2020) -> None:
    """The bundled panel (as ``ntm forecast``: 2,000 draws, seed 0): the score difference, its
    noise, each rule's weight and P(at least ``target`` communes by ``year``) under each."""
    from ntm_analysis.io.load import load_panel

    panel = load_panel()
    draws = _case_draws(panel, year, 2000, 0)
    column = draws["level"].years.index(year)
    print({k: round(v, 3) for k, v in CASES[-1].items()})
    for name in NAMES:
        hit = float((draws[name].count[:, column] >= target).mean())
        print(f"{name}: P(≥ {target:.0f} by {year}) = {hit:.4f}")


def ahead_score(process: Process, replicate: int, origin: int, ahead: int = 2) -> dict:
    """A prototype of a score that sees the compounding (not the product's): each form fitted
    on the years up to ``origin − ahead``, simulated ``ahead`` years (1,000 draws, seed 0),
    and scored on every commune's realised count at ``origin`` (log of its predictive
    frequency, half a pseudo-draw on each of 0–19). D and its noise by commune blocks."""
    truth = cal.realised(process, replicate)
    history = truth.panel(origin - ahead)
    real = truth.states[origin].sum(axis=1)
    order = truth.communes["commune_code"].tolist()
    logs = {}
    for form in FORMS:
        model = tr.fit(history, absent=("level",)) if form == "count" else forced(history, form)
        fc = simulate(history, model, origin, 1000, 0, record_states=True)
        bits = np.unpackbits(fc.states[:, -1].astype("<u4").view(np.uint8), axis=-1)
        counts = bits.reshape(*fc.states.shape[::2], -1).sum(axis=-1)  # (draw, commune)
        at = [fc.communes["commune_code"].tolist().index(c) for c in order]
        hit = (counts[:, at] == real[None, :]).sum(axis=0)
        logs[form] = np.log((hit + 0.5) / (len(counts) + 0.5 * 20))
    d = logs["level"] - logs["count"]
    return {
        "scenario": process.name,
        "replicate": replicate,
        "origin": origin,
        "ahead": ahead,
        "diff": float(d.sum()),
        "noise_sd": float(np.sqrt(len(d) * np.var(d, ddof=1))),
    }


def _side(path: str) -> str:
    return path.removesuffix(".csv") + ".cases.csv"


def report(scored: list[pd.DataFrame], cases: list[pd.DataFrame]) -> None:
    """Per-case table summary and the province count's scores at h = 4 per forecaster."""
    c = pd.concat(cases)
    c["form"] = np.where(c["w_product"] >= 0.5, "level", "count")
    c["z"] = c["diff"] / c["noise_sd"]
    for form in FORMS:
        c[f"err_{form}"] = c[f"trend_{form}"] - c["trend_true"]
    pd.set_option("display.width", 200)
    cols = ["diff", "noise_sd", "z", "w_product", "w_mix_bb", "err_level", "err_count"]
    g = c.groupby(["scenario", "origin"])
    table = g[cols].median().round(3)
    table["count_chosen"] = g["form"].apply(lambda f: int((f == "count").sum()))
    table["tie_count"] = g["w_tie"].apply(lambda w: int((w < 0.5).sum()))
    table["|z|<3"] = g["z"].apply(lambda z: int((z.abs() < 3).sum()))
    table["n"] = g.size()
    print(table.to_string())
    print(c[c["form"] == "count"][["scenario", "replicate", "origin", *cols]].round(3))
    s = pd.concat(scored)
    d = s[s["figure"] == "n_ntm"]
    print(summary(d[d["horizon"] == d["horizon"].max()]).to_string())
    crps = d.pivot_table(
        index=["scenario", "horizon", "replicate", "origin"], columns="forecaster", values="crps"
    )
    ratios = {
        (scenario, horizon, name): _ratio(part[name], part["product"])
        for (scenario, horizon), part in crps.groupby(level=["scenario", "horizon"])
        for name in NAMES
        if name != "product"
    }
    table = pd.Series(ratios).unstack()
    print("province-count CRPS / product's, summed over cases [case-bootstrap 90% interval]:")
    print(table.to_string())


def _ratio(a: pd.Series, b: pd.Series, n_boot: int = 2000) -> str:
    """Σa / Σb over paired cases with a case-bootstrap 90% interval (seeded)."""
    pick = np.random.default_rng(0).integers(0, len(a), (n_boot, len(a)))
    boot = a.to_numpy()[pick].sum(axis=1) / b.to_numpy()[pick].sum(axis=1)
    lo, hi = np.quantile(boot, [0.05, 0.95])
    return f"{a.sum() / b.sum():.3f} [{lo:.3f}, {hi:.3f}]"


if __name__ == "__main__":
    main()
