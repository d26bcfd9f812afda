"""Simulation-based calibration: does the forecast's uncertainty match reality's?

A backtest on one province's six years has a handful of overlapping cases; it cannot tell an
honest 80% interval from a lucky one. Here the truth is known: a province is drawn from a
known commune-level process (``known_processes``), the forecaster sees its history up to an
origin year, and its forecast is scored against what the process then did — over many
replicates, so that "covers 80% of the time" is measured rather than hoped for.

Every score is set beside the **ideal forecast**: the true process run forward from the true
origin state (true parameters, the communes' true abilities) with fresh luck. No forecaster
can beat it on average, so it gives the yardsticks (its interval width, its CRPS) and, scored
as a forecaster itself with independent draws, shows how often a perfect forecast misses a
goal by chance with this many replicates (the noise floor of the table).

Scored per scenario × forecaster × origin × horizon, for the province's number of communes
meeting the standard (``n_ntm``) and its mean criteria per commune (``mean_criteria``):

- ``coverage80`` / ``coverage95``: share of replicates whose value fell inside the equal-tailed
  80% / 95% interval (quantiles of the draws, as the reports show them);
- ``pit_low`` / ``pit_high``: share of randomised PIT values below 0.1 / above 0.9 — each
  should be 10%; a lopsided pair means the forecast is biased, two high ones overconfident;
- ``bias`` (forecast mean − realised) against a quarter of the ideal's 80% width;
- ``crps`` (continuous ranked probability score, from the draws) against the ideal's;
- ``slope``: commune-level calibration slope, a logistic regression of "met the standard at
  the horizon" on the logit of the forecast probability, among communes at 13–18 criteria at
  the origin (1 is calibrated; below 1 over-confident, above 1 under-confident);
- ``p_target``: with the target set at the ideal forecast's median (a target genuinely in
  doubt), the forecast P(count ≥ target) against how often it happened (``hit_rate``) and its
  Brier score against the ideal's.

``GOALS`` holds every threshold (issue 13); ``summarise`` marks each cell pass or fail.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from functools import partial
from typing import Protocol

import numpy as np
import pandas as pd

from ntm_analysis.core.criteria import N_CRITERIA
from ntm_analysis.core.panel import Panel
from ntm_analysis.model.known_processes import SCENARIOS, Process, Truth, count_met

ORIGINS: tuple[int, ...] = (2013, 2014, 2015, 2016)
HORIZONS: tuple[int, ...] = (1, 2, 3, 4)
QUANTILES = {"lo80": 0.1, "hi80": 0.9, "lo95": 0.025, "hi95": 0.975}
SLOPE_BAND = (13, 18)  # communes scored for the calibration slope: 13–18 criteria at the origin
MIN_SLOPE_EVENTS = 10  # fewer events (or non-events) than this: no slope
# the harness's own design (benchmarks/CALIBRATION.md), not a run's defaults: draws each
# forecaster gets per case, draws of the ideal forecaster, and the study's seed
HARNESS_DRAWS = 500
HARNESS_IDEAL_DRAWS = 1000
HARNESS_SEED = 0
P_CLIP = 1e-3  # probabilities clipped to [P_CLIP, 1 - P_CLIP] before the logit

# goal -> (column, low, high); a cell passes when low <= value <= high (NaN: not judged)
GOALS: dict[str, tuple[str, float, float]] = {
    "coverage80 0.72–0.88": ("coverage80", 0.72, 0.88),
    "coverage95 ≥ 0.90": ("coverage95", 0.90, 1.0),
    "PIT < 0.1 in 5–15%": ("pit_low", 0.05, 0.15),
    "PIT > 0.9 in 5–15%": ("pit_high", 0.05, 0.15),
    "abs(bias) ≤ ¼ ideal 80% width": ("bias_ratio", 0.0, 0.25),
    "CRPS ≤ 1.3 × ideal": ("crps_ratio", 0.0, 1.3),
    "slope 0.8–1.2": ("slope", 0.8, 1.2),
    # not fixed by the issue; chosen here: the forecast P(target) is off the realised rate
    # by at most 0.1 on average, and its Brier score is at most 1.3 × the ideal's
    "abs(P(target) − hit rate) ≤ 0.1": ("p_target_gap", 0.0, 0.1),
    "Brier(target) ≤ 1.3 × ideal": ("brier_ratio", 0.0, 1.3),
}


@dataclass(frozen=True)
class Draws:
    """What the suite reads from a forecast for the years after the origin."""

    years: list[int]
    count: np.ndarray  # (draw, year): communes meeting the standard, whole province
    mean_criteria: np.ndarray  # (draw, year): mean criteria per commune, whole province
    commune_codes: list[str]
    commune_p: np.ndarray  # (year, commune): probability the commune meets the standard

    def figure(self, name: str) -> np.ndarray:
        return self.count if name == "n_ntm" else self.mean_criteria


# A forecaster sees only the history panel: (history, last_year, n_draws, seed) -> Draws.
Forecaster = Callable[[Panel, int, int, int], Draws]
# An oracle transform turns the ideal forecast's draws into a deliberately wrong (or, as the
# identity, an independent ideal) forecaster; it is how the suite tests itself.
OracleTransform = Callable[[Draws], Draws]


def model_forecaster(history: Panel, last_year: int, n_draws: int, seed: int) -> Draws:
    """The project's forecast (``forecast.run_forecast``, default options) as the suite reads it.

    The one place that adapts the forecast's interface: if ``run_forecast`` changes, only this
    function changes.
    """
    from ntm_analysis.model.forecast import run_forecast

    return as_draws(run_forecast(history, last_year, n_draws, seed))


def as_draws(fc) -> Draws:
    """What the suite reads from a ``forecast.Forecast``."""
    return Draws(
        years=list(fc.years),
        count=fc.unit_draws(None, "ntm").astype(float),
        mean_criteria=fc.unit_draws(None, "sum_met") / fc.n_communes(None),
        commune_codes=fc.communes["commune_code"].astype(str).tolist(),
        commune_p=np.asarray(fc.commune_ntm, float),
    )


def true_form_terms(process: Process) -> tuple[str, ...]:
    """The model's gain terms that ``process`` does not have: the capacity proxies (the
    process has no "criteria met" or first-year-count effect, only the commune's ability)
    and every push step but its own threshold. Its quota push (registrations) is unknown to
    the forecaster here, as to the model."""
    from ntm_analysis.model.transitions import GAIN_TERMS, LEVEL_TERMS, PUSH_STEPS

    own = process.push_threshold
    steps = ["close" if k == 15 else f"close_{k}" for k in PUSH_STEPS if own is None or k != own]
    return tuple(t for t in GAIN_TERMS if t in {"n_met", *LEVEL_TERMS, *steps})


def true_form_forecaster(
    process: Process, history: Panel, last_year: int, n_draws: int, seed: int
) -> Draws:
    """A reference, not a product: the model restricted to ``process``'s own form
    (``true_form_terms``), its parameters estimated from the same history, simulated with
    the same draws and trend averaging as the model. The gap between it and the ideal is what
    estimating the parameters from this history costs whatever the model; the gap between
    the model and it is the model's form."""
    from ntm_analysis.model.forecast import simulate
    from ntm_analysis.model.transitions import fit

    model = fit(history, absent=true_form_terms(process))
    return as_draws(simulate(history, model, last_year, n_draws, seed))


@dataclass(frozen=True)
class TrueForm:
    """Marks the true-form reference in a ``forecasters`` mapping: ``score_replicate`` binds
    it to each scenario's process (a plain forecaster does not know the process)."""

    def bind(self, process: Process) -> Forecaster:
        return partial(true_form_forecaster, process)


def ideal_runs(
    truth: Truth, origin: int, last_year: int, sizes: Sequence[int], seed
) -> list[Draws]:
    """Independent ideal forecasts of ``sizes`` draws each, from one run of the true process
    (its draws are independent and identically distributed: splitting one run of
    ``sum(sizes)`` draws gives independent forecasts, for one call's overhead)."""
    rng = np.random.default_rng(seed)
    state, ability = truth.states[origin], truth.ability
    path = truth.process.run(state, ability, origin, last_year, sum(sizes), rng)[1:]
    n_met = np.stack([count_met(s) for s in path], axis=1)  # (draw, year, commune)
    out, start = [], 0
    for size in sizes:
        part = n_met[start : start + size]
        start += size
        ntm = part == N_CRITERIA
        out.append(
            Draws(
                years=list(range(origin + 1, last_year + 1)),
                count=ntm.sum(axis=2).astype(float),
                mean_criteria=part.mean(axis=2),
                commune_codes=truth.communes["commune_code"].tolist(),
                commune_p=ntm.mean(axis=0),
            )
        )
    return out


def ideal_draws(truth: Truth, origin: int, last_year: int, n_draws: int, seed) -> Draws:
    """The ideal forecast: the true process from the true origin state, fresh luck."""
    return ideal_runs(truth, origin, last_year, [n_draws], seed)[0]


# --------------------------------------------------------------------------- oracle forecasters
def identity(draws: Draws) -> Draws:
    """An independent run of the ideal forecast (the noise floor of every goal)."""
    return draws


def overconfident(draws: Draws, factor: float = 0.4) -> Draws:
    """The ideal's draws pulled towards their median: the right centre, too narrow a spread.

    Commune probabilities are pushed towards 0 and 1 on the logit scale by ``1 / factor``.
    """

    def squeeze(x: np.ndarray) -> np.ndarray:
        centre = np.median(x, axis=0, keepdims=True)
        return centre + factor * (x - centre)

    p = np.clip(draws.commune_p, P_CLIP, 1 - P_CLIP)
    sharp = 1.0 / (1.0 + np.exp(-np.log(p / (1 - p)) / factor))
    return replace(
        draws,
        count=squeeze(draws.count),
        mean_criteria=squeeze(draws.mean_criteria),
        commune_p=sharp,
    )


def biased(draws: Draws, shift: float = 1.0) -> Draws:
    """The ideal's draws moved up by ``shift`` of their own 80% widths (same spread)."""

    def move(x: np.ndarray) -> np.ndarray:
        width = np.quantile(x, 0.9, axis=0) - np.quantile(x, 0.1, axis=0)
        return x + shift * np.maximum(width, 1e-9)

    return replace(draws, count=move(draws.count), mean_criteria=move(draws.mean_criteria))


ORACLES: dict[str, OracleTransform] = {
    "ideal": identity,
    "overconfident": overconfident,
    "biased": biased,
}


# --------------------------------------------------------------------------- scoring one case
def crps_sample(x: np.ndarray, y: float) -> float:
    """CRPS at ``y`` of the distribution the sample ``x`` was drawn from (lower is better):
    E|X − y| − ½ E|X − X'|, the second term over distinct pairs ("fair" CRPS, Ferro 2014).

    Unbiased for the forecast distribution's CRPS whatever the number of draws: the plain
    sample version (pairs including a draw with itself) is too high by E|X − X'| / (2n), so
    with it a forecast scored on fewer draws than the ideal would look a little worse.
    """
    s = np.sort(np.asarray(x, float))
    n = len(s)
    if n < 2:
        return float(np.abs(s - y).mean())
    spread = 2.0 * np.sum((2 * np.arange(1, n + 1) - n - 1) * s) / (n * (n - 1))
    return float(np.mean(np.abs(s - y)) - 0.5 * spread)


def randomised_pit(x: np.ndarray, y: float, u: float) -> float:
    """F(y−) + u·(F(y) − F(y−)): uniform for a calibrated forecast even for counts."""
    below = float(np.mean(x < y))
    return below + u * (float(np.mean(x <= y)) - below)


def _quantiles(x: np.ndarray) -> dict[str, float]:
    q = np.quantile(x, list(QUANTILES.values()), method="inverted_cdf")
    return dict(zip(QUANTILES, map(float, q), strict=True))


def _score_draws(
    draws: Draws,
    ideal: Draws,
    truth: Truth,
    origin: int,
    horizons: Sequence[int],
    u: np.ndarray,
) -> tuple[list[dict], pd.DataFrame]:
    """Case rows (one per horizon and figure) and commune rows for one forecast."""
    rows = []
    start = truth.states[origin].sum(axis=1)
    in_band = (start >= SLOPE_BAND[0]) & (start <= SLOPE_BAND[1])
    codes = truth.communes["commune_code"].to_numpy()
    position = pd.Index(draws.commune_codes).get_indexer(codes)
    communes = []
    for k, h in enumerate(horizons):
        year = origin + h
        j, ji = draws.years.index(year), ideal.years.index(year)
        state = truth.states[year].sum(axis=1)  # each commune's count: the commune rows' outcome
        realised = truth.figures(year)
        for figure in ("n_ntm", "mean_criteria"):
            x, xi, y = draws.figure(figure)[:, j], ideal.figure(figure)[:, ji], realised[figure]
            qi = _quantiles(xi)
            row = {
                "origin": origin,
                "horizon": h,
                "figure": figure,
                "observed": y,
                "mean": float(x.mean()),
                **_quantiles(x),
                "pit": randomised_pit(x, y, u[k]),
                "crps": crps_sample(x, y),
                "ideal_width80": qi["hi80"] - qi["lo80"],
                "ideal_crps": crps_sample(xi, y),
            }
            if figure == "n_ntm":
                target = float(np.median(xi))
                row |= {
                    "target": target,
                    "p_target": float(np.mean(x >= target)),
                    "ideal_p_target": float(np.mean(xi >= target)),
                    "hit": float(y >= target),
                }
            rows.append(row)
        p = np.where(position >= 0, draws.commune_p[j, np.maximum(position, 0)], np.nan)
        communes.append(
            pd.DataFrame(
                {
                    "origin": origin,
                    "horizon": h,
                    "p": p[in_band],
                    "y": (state == N_CRITERIA)[in_band],
                }
            )
        )
    return rows, pd.concat(communes, ignore_index=True)


def scenario_seed(name: str, replicate: int, seed: int = HARNESS_SEED) -> np.random.SeedSequence:
    """The replicate's province from (seed, scenario, replicate): reproducible, and the same
    truth for every origin and every forecaster scored on it."""
    return np.random.SeedSequence([seed, zlib.crc32(name.encode()), replicate])


def case_seed(
    name: str, replicate: int, origin: int, seed: int = HARNESS_SEED
) -> np.random.SeedSequence:
    """One case's luck (ideal draws, forecast draws, PIT): from the case alone, so that a case
    scores the same whichever other cases run, and in whatever order (a run interrupted and
    resumed gives the same table as one run straight through)."""
    return np.random.SeedSequence([seed, zlib.crc32(name.encode()), replicate, origin, 1])


_TRUTHS: dict[tuple, Truth] = {}  # the last few provinces realised in this process


def realised(process: Process, replicate: int, seed: int = HARNESS_SEED) -> Truth:
    """The replicate's province, realised once per process for all its origins (a worker
    usually scores several origins of one replicate in a row)."""
    key = (repr(process), process.difficulty.tobytes(), replicate, seed)
    if key not in _TRUTHS:
        if len(_TRUTHS) >= 4:
            _TRUTHS.pop(next(iter(_TRUTHS)))
        _TRUTHS[key] = process.realise(scenario_seed(process.name, replicate, seed))
    return _TRUTHS[key]


Frames = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]  # (cases, communes, errors)


def score_case(
    process: Process,
    replicate: int,
    origin: int,
    forecasters: Mapping[str, Forecaster],
    oracles: Mapping[str, OracleTransform] = ORACLES,
    horizons: Sequence[int] = HORIZONS,
    n_draws: int = HARNESS_DRAWS,
    n_ideal: int = HARNESS_IDEAL_DRAWS,
    seed: int = HARNESS_SEED,
) -> Frames:
    """Score every forecaster on one case: the replicate's province seen up to ``origin``.

    Returns (cases, communes, errors). A forecaster that raises is recorded in ``errors``
    (scenario, replicate, forecaster, origin, message) and scored nowhere for that origin:
    a crash is a failure the table shows, not a silently smaller sample.

    The ideal (``n_ideal`` draws) and the independent ideal the oracles transform
    (``n_draws``, as many as a forecaster gets) come from one run of the true process.
    Every forecaster gets the same forecast seed (common random numbers) and the same PIT
    randomisation, so their scores on a case are comparable.
    """
    truth = realised(process, replicate, seed)
    ideal_seed, model_seed, pit_seed = case_seed(process.name, replicate, origin, seed).spawn(3)
    last = origin + max(horizons)
    sizes = [n_ideal, n_draws] if oracles else [n_ideal]
    ideal, *independent = ideal_runs(truth, origin, last, sizes, ideal_seed)
    u = np.random.default_rng(pit_seed).random(len(horizons))
    forecasts: dict[str, Callable[[], Draws]] = {
        name: partial(transform, independent[0]) for name, transform in oracles.items()
    }
    history = truth.panel(origin) if forecasters else None
    fc_seed = int(model_seed.generate_state(1)[0])
    for name, forecaster in forecasters.items():
        if isinstance(forecaster, TrueForm):
            forecaster = forecaster.bind(process)
        forecasts[name] = partial(forecaster, history, last, n_draws, fc_seed)
    cases, communes, errors = [], [], []
    for name, make in forecasts.items():
        try:
            draws = make()
        except Exception as error:  # every failure is recorded and shown
            errors.append(
                {
                    "forecaster": name,
                    "origin": origin,
                    "message": f"{type(error).__name__}: {error}"[:300],
                }
            )
            continue
        rows, frame = _score_draws(draws, ideal, truth, origin, horizons, u)
        cases += [{"forecaster": name, **row} for row in rows]
        communes.append(frame.assign(forecaster=name))
    meta = {"scenario": process.name, "replicate": replicate}
    return (
        pd.DataFrame(cases).assign(**meta),
        pd.concat(communes, ignore_index=True).assign(**meta) if communes else pd.DataFrame(),
        pd.DataFrame(errors, columns=["forecaster", "origin", "message"]).assign(**meta),
    )


def concat_frames(parts: Iterable[Frames]) -> Frames:
    """Cases, communes and errors of several cases, each concatenated."""
    parts = list(parts)
    cases = [p[0] for p in parts if not p[0].empty]
    communes = [p[1] for p in parts if not p[1].empty]
    errors = [p[2] for p in parts if not p[2].empty]
    return (
        pd.concat(cases, ignore_index=True) if cases else pd.DataFrame(),
        pd.concat(communes, ignore_index=True) if communes else pd.DataFrame(),
        pd.concat(errors, ignore_index=True)
        if errors
        else pd.DataFrame(columns=["forecaster", "origin", "message", "scenario", "replicate"]),
    )


def score_replicate(
    process: Process,
    replicate: int,
    forecasters: Mapping[str, Forecaster],
    oracles: Mapping[str, OracleTransform] = ORACLES,
    origins: Sequence[int] = ORIGINS,
    horizons: Sequence[int] = HORIZONS,
    n_draws: int = HARNESS_DRAWS,
    n_ideal: int = HARNESS_IDEAL_DRAWS,
    seed: int = HARNESS_SEED,
) -> Frames:
    """Realise one province and score every forecaster from every origin (``score_case``)."""
    return concat_frames(
        score_case(process, replicate, o, forecasters, oracles, horizons, n_draws, n_ideal, seed)
        for o in origins
    )


# --------------------------------------------------------------------------- the whole suite
@dataclass(frozen=True)
class Calibration:
    """Every scored case, the commune rows behind the slopes, errors, and the summary table."""

    cases: pd.DataFrame
    communes: pd.DataFrame
    errors: pd.DataFrame
    summary: pd.DataFrame
    replicates: int
    settings: dict


class CaseStore(Protocol):
    """Where a run keeps each case's scores as it finishes (``calibration_store.StateFile``):
    the cases already there are not scored again."""

    def done(self) -> set[tuple[str, int, int]]: ...  # (scenario, replicate, origin)

    def add(self, frames: Frames) -> None: ...

    def frames(self) -> Frames: ...


def _case_task(args: tuple) -> Frames:
    return score_case(*args)


def _case_task_if_open(args: tuple, deadline: float | None) -> Frames | None:
    """``_case_task`` unless the deadline has passed when a worker picks it up."""
    if deadline is not None and time.time() >= deadline:
        return None
    return _case_task(args)


def _in_order(frame: pd.DataFrame, scenarios: list[str]) -> pd.DataFrame:
    """Rows by scenario in the run's order, then case, forecaster, horizon and figure: the
    same rows give the same table however they were stored."""
    if frame.empty:
        return frame
    position = frame["scenario"].map({s: i for i, s in enumerate(scenarios)}).fillna(len(scenarios))
    keys = [c for c in ("replicate", "origin", "forecaster", "horizon") if c in frame]
    if "figure" in frame:  # the count first, as the forecast reports it
        frame = frame.assign(_figure=frame["figure"] != "n_ntm")
        keys.append("_figure")
    return (
        frame.assign(_position=position)
        .sort_values(["_position", "scenario", *keys], kind="stable")
        .drop(columns=["_position", "_figure"], errors="ignore")
        .reset_index(drop=True)
    )


def completed(cases: pd.DataFrame, n_origins: int) -> dict[str, int]:
    """Per scenario: replicates with every origin scored."""
    if cases.empty:
        return {}
    per = cases.groupby(["scenario", "replicate"])["origin"].nunique()
    return {str(k): int(v) for k, v in (per >= n_origins).groupby(level=0).sum().items()}


def run(
    scenarios: Iterable[Process] | None = None,
    forecasters: Mapping[str, Forecaster] | None = None,
    oracles: Mapping[str, OracleTransform] = ORACLES,
    replicates: int = 100,
    origins: Sequence[int] = ORIGINS,
    horizons: Sequence[int] = HORIZONS,
    n_draws: int = HARNESS_DRAWS,
    n_ideal: int = HARNESS_IDEAL_DRAWS,
    seed: int = HARNESS_SEED,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    deadline: float | None = None,
    store: CaseStore | None = None,
) -> Calibration:
    """Score ``forecasters`` (default: the project's model) and ``oracles`` on ``replicates``
    provinces of each scenario (default: every ``known_processes.SCENARIOS``), one case
    (scenario × replicate × origin) at a time.

    ``jobs`` > 1 scores cases in that many processes (forecasters and oracles must then be
    picklable: module-level functions or ``functools.partial`` of them). Cases run replicate
    by replicate, round-robin over the scenarios, so that a run stopped early (a
    ``deadline``: a ``time.time()`` after which no case starts; an interruption) has about as
    many replicates of each. ``store``: each case is added to it as it finishes, cases it
    already holds are skipped, and the result is built from everything it holds (a run
    extended to more replicates, or resumed, scores only what is missing).
    """
    scenarios = list(SCENARIOS.values()) if scenarios is None else list(scenarios)
    forecasters = {"model": model_forecaster} if forecasters is None else dict(forecasters)
    done = store.done() if store is not None else set()
    tasks = [
        (p, r, o, forecasters, dict(oracles), tuple(horizons), n_draws, n_ideal, seed)
        for r in range(replicates)
        for p in scenarios
        for o in origins
        if (p.name, r, o) not in done
    ]
    results: list[Frames] = []

    def finished(n: int, result: Frames | None) -> None:
        if result is not None:
            if store is not None:
                store.add(result)
            else:
                results.append(result)
        if progress:
            progress(n, len(tasks))

    if jobs > 1 and tasks:
        with ProcessPoolExecutor(jobs) as pool:
            pending = [pool.submit(_case_task_if_open, task, deadline) for task in tasks]
            try:
                for n, future in enumerate(as_completed(pending), 1):
                    finished(n, future.result())
            except BaseException:
                for future in pending:
                    future.cancel()
                raise
    else:
        for n, task in enumerate(tasks, 1):
            open_for_work = deadline is None or time.time() < deadline
            finished(n, _case_task(task) if open_for_work else None)
    cases, communes, errors = (
        _in_order(frame, [p.name for p in scenarios])
        for frame in (store.frames() if store is not None else concat_frames(results))
    )
    n_cases = (
        cases[["scenario", "replicate", "origin"]].drop_duplicates()["scenario"].value_counts()
        if not cases.empty
        else pd.Series(dtype=int)
    )
    settings = {
        "replicates": replicates,
        "origins": list(origins),
        "horizons": list(horizons),
        "n_draws": n_draws,
        "n_ideal": n_ideal,
        "seed": seed,
        "scenarios": {p.name: p.description for p in scenarios},
        "communes": {p.name: p.n_communes for p in scenarios},
        "completed": {p.name: completed(cases, len(origins)).get(p.name, 0) for p in scenarios},
        "cases": {p.name: int(n_cases.get(p.name, 0)) for p in scenarios},
    }
    return Calibration(
        cases=cases,
        communes=communes,
        errors=errors,
        summary=summarise(cases, communes, errors),
        replicates=replicates,
        settings=settings,
    )


# --------------------------------------------------------------------------- the table
def calibration_slope(p: np.ndarray, y: np.ndarray) -> float:
    """Slope of a logistic regression of outcome ``y`` on logit(``p``) (with an intercept);
    NaN when fewer than ``MIN_SLOPE_EVENTS`` events or non-events (a slope from a handful is
    noise) or when the outcomes are separated (no finite slope).

    Two parameters: fitted by Newton's method with step halving (the maximum-likelihood
    estimate a binomial GLM gives, without importing statsmodels into every worker)."""
    keep = np.isfinite(p)
    p, y = np.clip(p[keep], P_CLIP, 1 - P_CLIP), np.asarray(y[keep], float)
    if min(y.sum(), len(y) - y.sum()) < MIN_SLOPE_EVENTS:
        return float("nan")
    x = np.column_stack([np.ones(len(p)), np.log(p / (1 - p))])

    def loglik(beta: np.ndarray) -> float:
        eta = x @ beta
        return float(np.sum(y * eta - np.logaddexp(0.0, eta)))

    beta, current = np.zeros(2), loglik(np.zeros(2))
    for _ in range(100):
        mu = 0.5 * (1.0 + np.tanh(0.5 * (x @ beta)))
        info = (x * (mu * (1 - mu))[:, None]).T @ x
        try:
            step = np.linalg.solve(info, x.T @ (y - mu))
        except np.linalg.LinAlgError:
            return float("nan")
        for _ in range(30):  # halve until the likelihood does not fall
            trial = loglik(beta + step)
            if trial >= current - 1e-12:
                break
            step = step / 2
        beta, change, current = beta + step, trial - current, trial
        if abs(beta[1]) > 1e3:  # separated: the slope runs away
            return float("nan")
        if abs(change) < 1e-10 and np.max(np.abs(step)) < 1e-8:
            return float(beta[1])
    return float("nan")


def _cell(cases: pd.DataFrame, communes: pd.DataFrame) -> dict[str, float]:
    width = cases["hi80"] - cases["lo80"]
    bias = float((cases["mean"] - cases["observed"]).mean())
    ideal_width = float(cases["ideal_width80"].mean())
    row = {
        "n": len(cases),
        "coverage80": float(cases["observed"].between(cases["lo80"], cases["hi80"]).mean()),
        "coverage95": float(cases["observed"].between(cases["lo95"], cases["hi95"]).mean()),
        "pit_low": float((cases["pit"] < 0.1).mean()),
        "pit_high": float((cases["pit"] > 0.9).mean()),
        "bias": bias,
        "width80": float(width.mean()),
        "ideal_width80": ideal_width,
        "bias_ratio": abs(bias) / ideal_width if ideal_width > 0 else float("nan"),
        "crps": float(cases["crps"].mean()),
        "crps_ratio": float(cases["crps"].mean() / cases["ideal_crps"].mean())
        if cases["ideal_crps"].mean() > 0
        else float("nan"),
    }
    if "p_target" in cases and cases["p_target"].notna().any():
        brier = float(((cases["p_target"] - cases["hit"]) ** 2).mean())
        ideal_brier = float(((cases["ideal_p_target"] - cases["hit"]) ** 2).mean())
        row |= {
            "p_target": float(cases["p_target"].mean()),
            "hit_rate": float(cases["hit"].mean()),
            "p_target_gap": abs(float(cases["p_target"].mean() - cases["hit"].mean())),
            "brier": brier,
            "brier_ratio": brier / ideal_brier if ideal_brier > 0 else float("nan"),
        }
    if not communes.empty:
        row["slope"] = calibration_slope(communes["p"].to_numpy(), communes["y"].to_numpy())
        row["slope_n"] = len(communes)
    return row


def summarise(
    cases: pd.DataFrame, communes: pd.DataFrame, errors: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per scenario × forecaster × figure × origin × horizon, plus a pooled row per
    scenario × forecaster × figure (origin and horizon 0), with a pass/fail column per goal
    (``GOALS``; commune slope and P(target) for ``n_ntm`` only)."""
    keys = ["scenario", "forecaster", "figure"]
    rows = []
    commune_groups = (
        dict(list(communes.groupby(["scenario", "forecaster", "origin", "horizon"])))
        if not communes.empty
        else {}
    )
    for key, group in cases.groupby(keys, sort=False):
        scenario, forecaster, figure = key
        empty = pd.DataFrame()
        pooled = (
            communes[(communes["scenario"] == scenario) & (communes["forecaster"] == forecaster)]
            if figure == "n_ntm" and not communes.empty
            else empty
        )
        rows.append(
            {**dict(zip(keys, key, strict=True)), "origin": 0, "horizon": 0, **_cell(group, pooled)}
        )
        for (origin, horizon), cell in group.groupby(["origin", "horizon"]):
            com = (
                commune_groups.get((scenario, forecaster, origin, horizon), empty)
                if figure == "n_ntm"
                else empty
            )
            rows.append(
                {
                    **dict(zip(keys, key, strict=True)),
                    "origin": origin,
                    "horizon": horizon,
                    **_cell(cell, com),
                }
            )
    table = pd.DataFrame(rows)
    for goal, (column, low, high) in GOALS.items():
        if column in table:
            value = table[column]
            table[goal] = np.where(value.isna(), None, value.between(low, high))
        else:
            table[goal] = None
    if errors is not None and not errors.empty:
        counts = errors.groupby(["scenario", "forecaster"]).size().rename("errors")
        table = table.merge(counts.reset_index(), on=["scenario", "forecaster"], how="left")
    if "errors" not in table:
        table["errors"] = 0
    table["errors"] = table["errors"].fillna(0).astype(int)
    return table


def goal_counts(summary: pd.DataFrame) -> pd.DataFrame:
    """Per scenario × forecaster × figure: how many origin × horizon cells pass each goal
    ("passed/judged"), the pooled rows left out."""
    cells = summary[summary["origin"] > 0]
    out = []
    for key, group in cells.groupby(["scenario", "forecaster", "figure"], sort=False):
        row = dict(zip(["scenario", "forecaster", "figure"], key, strict=True))
        for goal in GOALS:
            judged = group[goal].dropna()
            row[goal] = f"{int(judged.astype(bool).sum())}/{len(judged)}" if len(judged) else "–"
        out.append(row)
    return pd.DataFrame(out)
