"""A lower bound on any data-only forecaster's CRPS (an oracle), beside the ideal's.

Is "CRPS ≤ 1.3 × the ideal" attainable by any forecaster that sees only the data? The
oracle's CRPS beside the ideal's, case for case (issue 13; benchmarks/notes/oracle14.md).

The **ideal** (``calibration.ideal_draws``) knows every commune's true ability. The
**oracle** knows everything the ideal does *except* the abilities: the process's parameters,
its realised district effects, the past years' shocks and quota registrations, and the whole
history from the process's first year (also for the short-panel processes). It infers each
commune's ability from that commune's history, exactly (a grid posterior: the start-year
state and every observed year's gains of unmet criteria; losses do not depend on ability),
and runs the process forward from the true origin state with abilities drawn from the
posterior, one set per draw. Its forecast is the exact predictive given more than the data,
so its expected CRPS is a lower bound for every data-only forecaster (CRPS is proper).

The known quantities are the luck ``Process.realise`` keeps in its ``Truth`` (the district
effects, each year's shock and registrations: ``Process.run``'s ``trace``). The ideal is
computed here with the harness's seed and draw counts (``ideal_runs`` with sizes
[1000, 500]: its 1,000 draws are the suite's; the 500 independent ones are the identity
forecaster's) and checked against the state CSV's
``ideal_crps``; the model's CRPS is read from the state CSV (``--fingerprint``).

Two variants on the same cases: ``--districts unknown`` (the district effects inferred too: a
tighter bound) and ``--trend learnt`` (the trend drawn from its flat-prior posterior given the
past years' common terms: *not* a bound, what learning the trend costs; ``--trend suite``:
the same with a prior on the suite's own two trends; with ``--twin-trend`` each process is
scored beside its twin at the suite's other trend, and ``pair_table`` turns the pair into a
bound on every forecaster). ``--commune-sd`` near 0 is the sanity check (the oracle is then
the ideal). Usage::

    python -m benchmarks.diagnostics.oracle14 --replicates 50 --out /tmp/oracle14.csv
    python -m benchmarks.diagnostics.oracle14 --summary /tmp/oracle14a.csv,/tmp/oracle14b.csv
    python -m benchmarks.diagnostics.oracle14 --districts unknown --replicates 20 --out /tmp/u.csv
    python -m benchmarks.diagnostics.oracle14 --scenarios accelerating --trend suite \
        --twin-trend 0.05 --replicates 100 --origins 2013,2014,2015,2016 --out /tmp/pair.csv
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from benchmarks.diagnostics.cases import case_arguments
from ntm_analysis.core.criteria import N_CRITERIA
from ntm_analysis.model import calibration as cal
from ntm_analysis.model.known_processes import (
    INITIAL,
    SCENARIOS,
    Process,
    Truth,
    count_met,
)

ORACLE_DRAWS = 1000
GRID_POINTS, GRID_SD = 401, 7.0  # the ability grid: 401 points over ± 7 prior sd
STATE_CSV = "benchmarks/calibration-state.csv.gz"
MODEL_FINGERPRINT = "34021db856b26840"  # the model's 100-replicate run (session 12)
BOOTSTRAP = 2000
ORIGINS = "2013,2014,2015,2016"


# --------------------------------------------------------------------------- what the oracle knows
@dataclass(frozen=True)
class Known:
    """What the oracle knows of a realised province besides the data (``known_of``)."""

    district: np.ndarray  # (commune,) district index
    difficult: np.ndarray  # (commune,) bool
    district_effect: np.ndarray  # (district,)
    ability: np.ndarray  # (commune,) the truth the oracle must *not* use (for the checks)
    shocks: dict[int, float]  # year t -> the shared shock of the step t -> t + 1
    registered: dict[int, np.ndarray]  # year t -> (commune,) registered for t + 1 (quota)
    states: dict[int, np.ndarray]  # year -> (commune, 19) bool

    def prior_mean(self) -> np.ndarray:
        """Each commune's ability prior mean: its district's effect − 0.5 if difficult."""
        return self.district_effect[self.district] - 0.5 * self.difficult


def known_of(truth: Truth) -> Known:
    """The realised province's luck as ``Process.realise`` kept it in ``truth``."""
    communes = truth.communes
    return Known(
        district=communes["district_code"].to_numpy() - 1,
        difficult=communes["difficult"].to_numpy(bool),
        district_effect=truth.district_effect,
        ability=truth.ability,
        shocks=truth.shocks,
        registered=truth.registered,
        states=truth.states,
    )


# --------------------------------------------------------------------------- the ability posterior
def _log_sigmoid(x: np.ndarray) -> np.ndarray:
    return -np.logaddexp(0.0, -x)


def grid_z(points: int = GRID_POINTS, width: float = GRID_SD) -> np.ndarray:
    """The grid in prior-sd units (the same for every commune)."""
    return np.linspace(-width, width, points)


def log_likelihoods(
    process: Process, known: Known, abilities: np.ndarray, last_origin: int
) -> dict[int, np.ndarray]:
    """origin -> (commune, point): log P(history from the first year to ``origin`` | ability
    ``abilities[i, g]``), for every origin up to ``last_origin`` (cumulated year by year).

    The start year: each criterion met with probability sigmoid(INITIAL + init·a). Each year
    t -> t + 1: an unmet criterion gained with probability sigmoid(base + difficulty + a +
    trend·(t − first) + shock_t + push·[met ≥ threshold] + quota_push·[registered]); a met one
    kept or lost independently of a (a constant factor, left out)."""
    a = abilities[:, :, None]  # (commune, point, 1)
    start = known.states[process.first_year][:, None, :]
    eta = INITIAL[None, None, :] + process.init_ability * a
    total = np.where(start, _log_sigmoid(eta), _log_sigmoid(-eta)).sum(axis=2)
    out = {process.first_year: total.copy()}
    for year in range(process.first_year, last_origin):
        before, after = known.states[year], known.states[year + 1]
        n_met = count_met(before)
        fixed = process.trend * (year - process.first_year) + known.shocks[year]
        fixed = fixed + np.zeros(len(n_met))
        if process.push_threshold is not None:
            fixed = fixed + process.push * (n_met >= process.push_threshold)
        if process.quota:
            fixed = fixed + process.quota_push * known.registered[year]
        eta = process.base_gain + process.difficulty[None, None, :] + fixed[:, None, None] + a
        gained = after[:, None, :]
        term = np.where(gained, _log_sigmoid(eta), _log_sigmoid(-eta))
        total = total + np.where(before[:, None, :], 0.0, term).sum(axis=2)
        out[year + 1] = total.copy()
    return out


@dataclass(frozen=True)
class Posterior:
    """Every commune's ability posterior on its own grid (prior mean + sd · z)."""

    abilities: np.ndarray  # (commune, point)
    weights: np.ndarray  # (commune, point), rows summing to 1
    step: np.ndarray  # (commune,) grid spacing

    def mean(self) -> np.ndarray:
        return (self.weights * self.abilities).sum(axis=1)

    def sd(self) -> np.ndarray:
        m = self.mean()
        return np.sqrt((self.weights * (self.abilities - m[:, None]) ** 2).sum(axis=1))

    def cdf_at(self, a: np.ndarray) -> np.ndarray:
        """P(ability ≤ a_i) per commune (the grid's piecewise-uniform density)."""
        lower = self.abilities - self.step[:, None] / 2
        inside = np.clip((a[:, None] - lower) / self.step[:, None], 0.0, 1.0)
        return (self.weights * inside).sum(axis=1)

    def sample(self, n_draws: int, rng: np.random.Generator) -> np.ndarray:
        """(draw, commune) abilities: a grid cell by its weight, uniform within the cell."""
        cdf = np.cumsum(self.weights, axis=1)
        cdf /= cdf[:, -1:]
        u = rng.random((n_draws, len(cdf)))
        jitter = rng.random((n_draws, len(cdf))) - 0.5
        index = np.stack([np.searchsorted(c, u[:, i], side="right") for i, c in enumerate(cdf)], 1)
        index = np.minimum(index, cdf.shape[1] - 1)
        rows = np.arange(len(cdf))[None, :]
        return self.abilities[rows, index] + jitter * self.step[None, :]


def posteriors(process: Process, known: Known, origins: list[int]) -> dict[int, Posterior]:
    """origin -> every commune's ability posterior given the history up to ``origin``: prior
    N(district effect − 0.5·difficult, commune_sd²) times ``log_likelihoods``."""
    z = grid_z()
    abilities = known.prior_mean()[:, None] + process.commune_sd * z[None, :]
    loglik = log_likelihoods(process, known, abilities, max(origins))
    step = np.full(len(abilities), process.commune_sd * (z[1] - z[0]))
    out = {}
    for origin in origins:
        log_w = loglik[origin] - 0.5 * z[None, :] ** 2
        w = np.exp(log_w - log_w.max(axis=1, keepdims=True))
        out[origin] = Posterior(abilities, w / w.sum(axis=1, keepdims=True), step)
    return out


@dataclass(frozen=True)
class DistrictFree:
    """The abilities' joint posterior when the district effects are *not* known either: each
    district's effect on a grid (prior N(0, district_sd²) times its communes' marginal
    likelihoods), and each commune's ability given its district's effect (the commune prior
    around it times the commune's likelihood on one ability grid shared by all). A draw takes
    its district effects first, then every commune's ability given them."""

    district: np.ndarray  # (commune,)
    offset: np.ndarray  # (commune,) −0.5·difficult
    commune_sd: float
    grid: np.ndarray  # (point,) abilities, shared
    loglik: np.ndarray  # (commune, point)
    effects: np.ndarray  # (effect point,) district effect grid
    weights: np.ndarray  # (district, effect point), rows summing to 1

    def sample(self, n_draws: int, rng: np.random.Generator) -> np.ndarray:
        """(draw, commune) abilities."""
        step_d = self.effects[1] - self.effects[0]
        cdf = np.cumsum(self.weights, axis=1)
        u = rng.random((n_draws, len(cdf)))
        index = np.minimum((cdf[None, :, :] < u[:, :, None]).sum(axis=2), cdf.shape[1] - 1)
        effect = self.effects[index] + (rng.random(index.shape) - 0.5) * step_d  # (draw, district)
        step = self.grid[1] - self.grid[0]
        out = np.empty((n_draws, len(self.district)))
        for i in range(len(self.district)):
            centre = effect[:, self.district[i]] + self.offset[i]
            log_w = (
                self.loglik[i][None, :]
                - 0.5 * ((self.grid[None, :] - centre[:, None]) / self.commune_sd) ** 2
            )
            w = np.exp(log_w - log_w.max(axis=1, keepdims=True))
            c = np.cumsum(w, axis=1)
            pick = (c < rng.random((n_draws, 1)) * c[:, -1:]).sum(axis=1)
            out[:, i] = self.grid[np.minimum(pick, len(self.grid) - 1)]
        return out + (rng.random(out.shape) - 0.5) * step


def district_free(
    process: Process, known: Known, origins: list[int], points: int = 601, effect_points: int = 241
) -> dict[int, DistrictFree]:
    """origin -> the abilities' posterior without the district effects (``DistrictFree``)."""
    offset = -0.5 * known.difficult
    spread = float(np.hypot(process.commune_sd, process.district_sd))
    grid = np.linspace(offset.min() - GRID_SD * spread, offset.max() + GRID_SD * spread, points)
    abilities = np.broadcast_to(grid, (len(offset), points))
    loglik = log_likelihoods(process, known, abilities, max(origins))
    effects = process.district_sd * np.linspace(-6.0, 6.0, effect_points)
    out = {}
    for origin in origins:
        log_post = np.tile(-0.5 * (effects / process.district_sd) ** 2, (process.n_districts, 1))
        for i, k in enumerate(known.district):
            # log ∫ N(a; d + offset, sd²) L_i(a) da for every district effect d on the grid
            z = (grid[None, :] - effects[:, None] - offset[i]) / process.commune_sd
            log_m = loglik[origin][i][None, :] - 0.5 * z**2
            top = log_m.max(axis=1, keepdims=True)
            log_post[k] += (top + np.log(np.exp(log_m - top).sum(axis=1, keepdims=True)))[:, 0]
        w = np.exp(log_post - log_post.max(axis=1, keepdims=True))
        out[origin] = DistrictFree(
            known.district,
            offset,
            process.commune_sd,
            grid,
            loglik[origin],
            effects,
            w / w.sum(axis=1, keepdims=True),
        )
    return out


# --------------------------------------------------------------------------- one case
def oracle_draws(
    truth: Truth,
    ability: np.ndarray,
    origin: int,
    last: int,
    rng: np.random.Generator,
    trend: np.ndarray | None = None,
) -> cal.Draws:
    """The oracle's forecast: each draw with its own abilities (``ability``, (draw, commune),
    drawn from a posterior), the process from the true origin state with fresh shocks,
    registrations and coin flips; ``trend`` (draw,): each draw's own trend (default: the
    process's)."""
    n_draws = len(ability)
    process = truth.process
    if trend is not None:  # Process.run adds trend · years to a (draw, 1) shock: per draw
        process = replace(process, trend=np.asarray(trend, float).reshape(n_draws, 1))
    path = process.run(truth.states[origin], ability, origin, last, n_draws, rng)[1:]
    n_met = np.stack([count_met(s) for s in path], axis=1)  # (draw, year, commune)
    ntm = n_met == N_CRITERIA
    return cal.Draws(
        years=list(range(origin + 1, last + 1)),
        count=ntm.sum(axis=2).astype(float),
        mean_criteria=n_met.mean(axis=2),
        commune_codes=truth.communes["commune_code"].tolist(),
        commune_p=ntm.mean(axis=0),
    )


def trend_posterior(process: Process, known: Known, origin: int) -> tuple[float, float]:
    """(mean, sd) of the trend given the past years' whole common terms c_t = trend·(t −
    first) + shock_t, t < ``origin`` (what 207 communes' gains pin down; the oracle that
    learns the trend is told these sums, not their split), the year-shock sd known and a flat
    prior on the trend: a regression through the origin with known noise."""
    x = np.arange(origin - process.first_year, dtype=float)
    c = process.trend * x + np.array([known.shocks[process.first_year + k] for k in range(len(x))])
    sxx = float(np.sum(x**2))
    if sxx == 0.0:
        raise ValueError("no year after the first: the trend is not identified")
    return float(np.sum(x * c) / sxx), process.year_sd / np.sqrt(sxx)


SUITE_TRENDS = tuple(sorted({p.trend for p in SCENARIOS.values()}))  # 0.05 and 0.2


def suite_trend_weights(
    process: Process, known: Known, origin: int, values: tuple[float, ...] = SUITE_TRENDS
) -> np.ndarray:
    """The posterior of the trend over ``values`` (equal prior weights: the suite's own trends)
    given the past years' common terms c_t, the year-shock sd known. Without year shocks the
    common terms fix the trend: all weight on the value that fits them."""
    x = np.arange(origin - process.first_year, dtype=float)
    c = process.trend * x + np.array([known.shocks[process.first_year + k] for k in range(len(x))])
    residual = np.array([np.sum((c - v * x) ** 2) for v in values])
    if process.year_sd == 0.0:
        weights = (residual == residual.min()).astype(float)
    else:
        log_w = -0.5 * residual / process.year_sd**2
        weights = np.exp(log_w - log_w.max())
    return weights / weights.sum()


def trend_twin(process: Process, trend: float) -> Process:
    """The same process with another trend (its own name, so its own replicates): with
    ``--trend suite`` a process and its twin at the suite's other trend form a pair on which
    the suite oracle is the Bayes forecast (``pair_table``)."""
    if trend == process.trend:
        raise ValueError(f"{process.name} already has trend {trend:g}")
    return replace(process, name=f"{process.name}_trend{trend:g}", trend=trend)


def oracle_seed(name: str, replicate: int, origin: int) -> np.random.SeedSequence:
    """The oracle's luck: the case seed's fourth child (the first three are the harness's
    ideal, forecast and PIT streams)."""
    return cal.case_seed(name, replicate, origin).spawn(4)[3]


def replicate_rows(
    process: Process,
    replicate: int,
    origins: list[int],
    n_draws: int = ORACLE_DRAWS,
    districts: str = "known",
    trend: str = "known",
) -> list[dict]:
    """Every (origin, horizon, figure) case of one replicate: oracle, ideal and the harness's
    independent ideal (500 draws) scored against the realised value, plus the posterior's
    own checks from the oracle's ability draws (their sd over the prior's, the true ability's
    z-score and its share in the draws' 10% tails). ``districts``: "known" (the oracle of the
    brief) or "unknown" (``district_free``: a tighter bound). ``trend``: "known", or "learnt"
    (``trend_posterior``: not a bound — a forecaster with a flat prior on the trend and
    everything else known, to see what learning the trend costs) or "suite" (the same with a
    prior on the suite's own two trends, 0.05 and 0.2, equally likely: ``suite_trend_weights``;
    not a bound either for one process; over a process and its ``trend_twin`` it is one:
    ``pair_table``)."""
    if trend not in ("known", "learnt", "suite"):
        raise ValueError(f"trend must be 'known', 'learnt' or 'suite', not {trend!r}")
    truth = cal.realised(process, replicate)
    known = known_of(truth)
    if districts == "known":
        post = posteriors(process, known, origins)
    elif districts == "unknown":
        post = district_free(process, known, origins)
    else:
        raise ValueError(f"districts must be 'known' or 'unknown', not {districts!r}")
    rows = []
    for origin in origins:
        last = origin + max(cal.HORIZONS)
        ideal_seed, _, pit_seed = cal.case_seed(process.name, replicate, origin).spawn(3)
        ideal, independent = cal.ideal_runs(
            truth, origin, last, [cal.HARNESS_IDEAL_DRAWS, cal.HARNESS_DRAWS], ideal_seed
        )
        rng = np.random.default_rng(oracle_seed(process.name, replicate, origin))
        ability = post[origin].sample(n_draws, rng)
        z = (truth.ability - ability.mean(axis=0)) / ability.std(axis=0)
        below = (ability < truth.ability[None, :]).mean(axis=0)
        trends = None
        if trend == "learnt":
            mean, sd = trend_posterior(process, known, origin)
            trends = mean + sd * rng.standard_normal(n_draws)
        elif trend == "suite":
            weights = suite_trend_weights(process, known, origin)
            trends = rng.choice(np.array(SUITE_TRENDS), n_draws, p=weights)
        oracle = oracle_draws(truth, ability, origin, last, rng, trends)
        u = np.random.default_rng(pit_seed).random(len(cal.HORIZONS))
        for k, h in enumerate(cal.HORIZONS):
            observed = truth.figures(origin + h)
            for figure in ("n_ntm", "mean_criteria"):
                x, y = oracle.figure(figure)[:, h - 1], observed[figure]
                lo, hi = np.quantile(x, [0.1, 0.9], method="inverted_cdf")
                rows.append(
                    {
                        "scenario": process.name,
                        "replicate": replicate,
                        "origin": origin,
                        "horizon": h,
                        "figure": figure,
                        "districts": districts,
                        "trend": trend,
                        "observed": y,
                        "oracle_crps": cal.crps_sample(x, y),
                        "ideal_crps": cal.crps_sample(ideal.figure(figure)[:, h - 1], y),
                        "identity_crps": cal.crps_sample(independent.figure(figure)[:, h - 1], y),
                        "oracle_pit": cal.randomised_pit(x, y, u[k]),
                        "oracle_cov80": float(lo <= y <= hi),
                        "post_sd_ratio": float(ability.std(axis=0).mean() / process.commune_sd),
                        "ability_z2": float(np.mean(z**2)),
                        "ability_tails": float(np.mean((below < 0.1) | (below > 0.9))),
                    }
                )
    return rows


# --------------------------------------------------------------------------- the table
def with_model(cases: pd.DataFrame, state: str, fingerprint: str) -> pd.DataFrame:
    """The cases with the model's CRPS on them (the state CSV's run ``fingerprint``), after
    checking that the CSV's realised values and ideal CRPS are this script's."""
    key = ["scenario", "replicate", "origin", "horizon", "figure"]
    csv = pd.read_csv(
        state, usecols=[*key, "fingerprint", "forecaster", "observed", "crps", "ideal_crps"]
    )
    csv = csv[(csv["fingerprint"] == fingerprint) & (csv["forecaster"] == "model")]
    csv = csv.drop(columns=["fingerprint", "forecaster"]).rename(
        columns={"observed": "csv_observed", "crps": "model_crps", "ideal_crps": "csv_ideal_crps"}
    )
    merged = cases.merge(csv, on=key, how="left")
    found = merged["model_crps"].notna()

    def equal(a: str, b: str) -> bool:  # the CSV keeps 6 significant digits
        return bool(np.allclose(merged.loc[found, a], merged.loc[found, b], rtol=1e-5, atol=1e-9))

    print(
        f"state CSV {fingerprint}: {int(found.sum())} of {len(merged)} cases found; to its 6 "
        f"significant digits, observed values equal: {equal('observed', 'csv_observed')}, "
        f"ideal CRPS equal: {equal('ideal_crps', 'csv_ideal_crps')}"
    )
    if not (equal("observed", "csv_observed") and equal("ideal_crps", "csv_ideal_crps")):
        raise RuntimeError("the state CSV's cases are not these: its model CRPS cannot be read")
    return merged.drop(columns=["csv_observed", "csv_ideal_crps"])


def _ratio_ci(
    frame: pd.DataFrame,
    column: str,
    rng: np.random.Generator,
    n_boot: int = BOOTSTRAP,
    quantiles: tuple[float, ...] = (0.05, 0.95),
) -> tuple[float, ...]:
    """Σ column / Σ ideal CRPS, then its bootstrap ``quantiles`` over replicates resampled
    (by default a 90% percentile interval)."""
    per = frame.groupby("replicate")[[column, "ideal_crps"]].sum()
    num, den = per[column].to_numpy(), per["ideal_crps"].to_numpy()
    pick = rng.integers(0, len(per), (n_boot, len(per)))
    boot = num[pick].sum(axis=1) / den[pick].sum(axis=1)
    return float(num.sum() / den.sum()), *map(float, np.quantile(boot, quantiles))


def table(cases: pd.DataFrame, figure: str, seed: int = 0) -> pd.DataFrame:
    """Per scenario × horizon (and pooled, horizon 0): the oracle's, the model's and the
    independent ideal's CRPS over the ideal's with 90% bootstrap intervals, the oracle's own
    80% coverage and PIT tails, replicates."""
    d = cases[cases["figure"] == figure]
    rows = []
    rng = np.random.default_rng(seed)
    for scenario, group in d.groupby("scenario", sort=False):
        for h in [*cal.HORIZONS, 0]:
            cell = group if h == 0 else group[group["horizon"] == h]
            row = {"scenario": scenario, "horizon": h, "replicates": cell["replicate"].nunique()}
            for name in ("oracle", "model", "identity"):
                column = f"{name}_crps"
                if column in cell and cell[column].notna().all():
                    r, lo, hi = _ratio_ci(cell, column, rng)
                    row |= {name: r, f"{name}_lo": lo, f"{name}_hi": hi}
            row |= {
                "oracle_cov80": cell["oracle_cov80"].mean(),
                "oracle_pit_low": (cell["oracle_pit"] < 0.1).mean(),
                "oracle_pit_high": (cell["oracle_pit"] > 0.9).mean(),
            }
            rows.append(row)
    return pd.DataFrame(rows)


def pair_table(
    cases: pd.DataFrame, first: str, second: str, figure: str, seed: int = 0
) -> pd.DataFrame:
    """The suite oracle over a pair of processes that differ only in their trend (a process
    and its ``trend_twin``): Σ oracle CRPS / Σ ideal CRPS over both, per origin × horizon
    cell, per horizon and pooled, with 90% bootstrap intervals (``lo``, ``hi``: replicate
    numbers resampled jointly) and ``lo_all``, a one-sided lower bound at 5% / the number of
    origin × horizon cells (Bonferroni): where it is above 1.3 in some cell, the pair is
    beyond 1.3 there with 95% confidence for the pair's 16 cells together, not cell by cell.

    Why it bounds every forecaster: with equal prior weight on the pair's two trends and
    everything else known, the suite oracle is the Bayes forecast, so no forecaster using
    at most its information has a lower *sum* of expected CRPS over the pair. A forecaster
    within 1.3 × the ideal on both processes would have a sum within 1.3 × the ideals' sum;
    where this ratio is above 1.3, every such forecaster is beyond 1.3 × the ideal on at
    least one of the two processes. A data-only forecaster knows less than the oracle."""
    d = cases[(cases["figure"] == figure) & cases["scenario"].isin([first, second])]
    if set(d["scenario"]) != {first, second} or set(d["trend"]) != {"suite"}:
        raise ValueError("pair_table needs both processes' cases, scored with --trend suite")
    keys = [set(zip(g["replicate"], g["origin"], strict=True)) for _, g in d.groupby("scenario")]
    if keys[0] != keys[1]:
        raise ValueError("pair_table needs the same replicates and origins of both processes")
    rng = np.random.default_rng(seed)
    rows = []
    cells = [(o, h) for o in sorted(d["origin"].unique()) for h in cal.HORIZONS]
    all_cells = 0.05 / len(cells)
    cells += [(0, h) for h in cal.HORIZONS] + [(0, 0)]
    for origin, h in cells:
        cell = d[((d["origin"] == origin) | (origin == 0)) & ((d["horizon"] == h) | (h == 0))]
        r, lo_all, lo, hi = _ratio_ci(cell, "oracle_crps", rng, quantiles=(all_cells, 0.05, 0.95))
        rows.append(
            {"origin": origin, "horizon": h, "ratio": r, "lo": lo, "hi": hi, "lo_all": lo_all}
        )
    return pd.DataFrame(rows)


def markdown(t: pd.DataFrame) -> str:
    """The table as the note shows it: ratios with their 90% intervals."""

    def fmt(row: pd.Series, name: str) -> str:
        if name not in row or pd.isna(row[name]):
            return "–"
        return f"{row[name]:.2f} [{row[f'{name}_lo']:.2f}, {row[f'{name}_hi']:.2f}]"

    lines = [
        "| scenario | h | oracle / ideal [90%] | model / ideal [90%] | identity / ideal [90%] "
        "| oracle cov80 | oracle PIT <0.1, >0.9 | replicates |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for _, row in t.iterrows():
        h = "pooled" if row["horizon"] == 0 else str(int(row["horizon"]))
        lines.append(
            f"| {row['scenario']} | {h} | {fmt(row, 'oracle')} | {fmt(row, 'model')} | "
            f"{fmt(row, 'identity')} | {row['oracle_cov80']:.2f} | "
            f"{row['oracle_pit_low']:.2f}, {row['oracle_pit_high']:.2f} | "
            f"{int(row['replicates'])} |"
        )
    return "\n".join(lines)


def report(cases: pd.DataFrame, state: str | None, fingerprint: str) -> None:
    """The posterior checks and both figures' tables, per oracle variant."""
    if state:
        cases = with_model(cases, state, fingerprint)
    for (districts, trend), variant in cases.groupby(["districts", "trend"], sort=False):
        print(f"\noracle: district effects {districts}, trend {trend}")
        checks = variant.drop_duplicates(["scenario", "replicate", "origin"]).groupby("scenario")
        print("posterior checks (mean over cases): ability sd / prior sd, E[z²] of the true")
        print("ability (1 if the posterior is right), its share in the 10% tails (0.2)")
        columns = ["post_sd_ratio", "ability_z2", "ability_tails"]
        print(checks[columns].mean().round(3).to_string())
        for figure in ("n_ntm", "mean_criteria"):
            print(f"\n{figure}\n")
            print(markdown(table(variant, figure)))
        if trend == "suite":
            _print_pairs(variant)


def _print_pairs(cases: pd.DataFrame) -> None:
    """``pair_table`` for every process whose ``trend_twin`` was scored beside it."""
    names = set(cases["scenario"])
    for name in sorted(names):
        for twin in sorted(n for n in names if n.startswith(f"{name}_trend")):
            for figure in ("n_ntm", "mean_criteria"):
                print(f"\npair {name} + {twin}, {figure}: Σ oracle / Σ ideal CRPS [90%]")
                for _, row in pair_table(cases, name, twin, figure).iterrows():
                    where = "pooled" if row["origin"] == 0 else f"origin {int(row['origin'])}"
                    h = "all" if row["horizon"] == 0 else f"h{int(row['horizon'])}"
                    print(
                        f"  {where} {h}: {row['ratio']:.2f} [{row['lo']:.2f}, {row['hi']:.2f}]"
                        f", all cells' lower bound {row['lo_all']:.2f}"
                    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    case_arguments(parser, 50, 0, ",".join(SCENARIOS))
    parser.set_defaults(origins=ORIGINS)
    parser.add_argument("--draws", type=int, default=ORACLE_DRAWS, help="oracle draws per case")
    parser.add_argument(
        "--commune-sd",
        type=float,
        help="replace every process's commune sd (the sanity check: near 0 the oracle is the "
        "ideal); the model's CRPS is then not read",
    )
    parser.add_argument(
        "--districts",
        choices=["known", "unknown"],
        default="known",
        help="whether the oracle knows the realised district effects (known: the brief's "
        "oracle; unknown: a tighter bound that infers them too)",
    )
    parser.add_argument(
        "--trend",
        choices=["known", "learnt", "suite"],
        default="known",
        help="learnt: the trend drawn from its posterior given the past years' common terms "
        "(flat prior) — not a bound, what learning the trend costs a forecaster that knows "
        "everything else; suite: the same with the prior on the suite's two trends",
    )
    parser.add_argument(
        "--twin-trend",
        type=float,
        help="also score each process's twin with this trend (``trend_twin``; with --trend "
        "suite and the suite's other trend: the pair bound of ``pair_table``); the model's "
        "CRPS is then not read",
    )
    parser.add_argument("--state", default=STATE_CSV, help="the state CSV (model CRPS)")
    parser.add_argument("--fingerprint", default=MODEL_FINGERPRINT)
    args = parser.parse_args(argv)
    own_cases = args.commune_sd is None and args.twin_trend is None
    state = args.state if own_cases else None
    if args.summary:
        cases = pd.concat(pd.read_csv(p) for p in args.summary.split(","))
        suite_only = cases["scenario"].isin(list(SCENARIOS)).all()  # twins: no model CRPS
        report(cases, state if suite_only else None, args.fingerprint)
        return
    processes = [SCENARIOS[s] for s in args.scenarios.split(",")]
    if args.commune_sd is not None:
        processes = [replace(p, commune_sd=args.commune_sd) for p in processes]
    if args.twin_trend is not None:
        if args.trend == "suite" and args.twin_trend not in SUITE_TRENDS:
            # the suite oracle is the pair's Bayes forecast only if both trends are its prior's
            parser.error(f"--twin-trend with --trend suite must be one of {SUITE_TRENDS}")
        processes = [q for p in processes for q in (p, trend_twin(p, args.twin_trend))]
    origins = list(map(int, args.origins.split(",")))
    rows, start = [], time.process_time()
    for r in range(args.first, args.first + args.replicates):
        for process in processes:
            rows += replicate_rows(process, r, origins, args.draws, args.districts, args.trend)
            if args.out:
                pd.DataFrame(rows).to_csv(args.out, index=False)
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            cpu = time.process_time() - start
            print(f"{process.name} replicate {r}: cpu {cpu:.0f} s, load {load}", flush=True)
    report(pd.DataFrame(rows), state, args.fingerprint)


if __name__ == "__main__":
    main()
