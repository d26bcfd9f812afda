"""Monte Carlo forecast: every commune's 19 criteria, year by year, many times over.

Each draw first takes its own set of model coefficients from the fit's sampling distribution
(so the spread of the results carries parameter uncertainty, not only year-to-year luck),
then replays the gain/loss model from the as-of year to the target year. All communes are
simulated together and districts are slices of the same draws, so district counts always
add up to the province count draw by draw.

Random numbers come from two independent streams spawned from one seed: one for
coefficients, one for the yearly coin flips. A scenario changes probabilities, never the
streams, so a baseline and a scenario run with the same seed share their random numbers
(common random numbers) and their difference is the scenario's effect, not noise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .criteria import CRITERIA_NUMBERS, N_CRITERIA
from .errors import Join, MessageError, Msg
from .metrics import BELOW, CLOSE_HIGH, CLOSE_LOW
from .model import GROUP_SLICES, N_MET_CENTRE, TransitionModel, fit
from .panel import Panel

CELLS_PER_CHUNK = 4_000_000  # float32 cells per working array: ~16 MB, whatever the size
JUST_SHORT = (17, 18)  # "ends just short": the communes whose missing criteria are bottlenecks


class ScenarioError(MessageError):
    """An invalid scenario (a ``ValueError``): ``render(lang)`` in the user's language, keys
    ``error.scenario.*``; ``str()`` is English."""


@dataclass(frozen=True)
class Scenario:
    """A "what if" a planner can pull.

    ``criterion_odds``: multiply the yearly odds of *gaining* these criteria (an investment
    programme: {10: 1.5} turns a 20% yearly chance of reaching income into 27%; odds, not
    probabilities, so a chance never exceeds 100%).
    ``priority_communes`` with ``priority_odds``: the province's registered target communes,
    whose gain odds on every criterion are multiplied.
    """

    name: str = "baseline"
    criterion_odds: dict[int, float] = field(default_factory=dict)
    priority_communes: tuple[str, ...] = ()
    priority_odds: float = 2.0

    def __post_init__(self) -> None:
        name = repr(self.name)
        for c, odds in self.criterion_odds.items():
            if c not in CRITERIA_NUMBERS:
                raise ScenarioError(Msg("error.scenario.criterion", name=name, criterion=repr(c)))
            if not odds > 0:
                raise ScenarioError(Msg("error.scenario.odds", name=name, odds=repr(odds)))
        if not self.priority_odds > 0:
            raise ScenarioError(Msg("error.scenario.priority", name=name))

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> Scenario:
        """A scenario from JSON-like data (notebook parameters, ``--scenario``), listing every
        problem at once in one ``ScenarioError`` (a ``ValueError``).

        Keys: ``name``, ``criterion_odds`` ({"10": 1.5}; keys may be strings, as JSON's are),
        ``priority_communes`` (list of codes), ``priority_odds``.
        """
        allowed = {"name", "criterion_odds", "priority_communes", "priority_odds"}
        problems = [
            Msg("error.scenario.unknown_key", entry=repr(k)) for k in value if k not in allowed
        ]
        odds: dict[int, float] = {}
        raw_odds = value.get("criterion_odds", {})
        if not isinstance(raw_odds, Mapping):
            problems.append(Msg("error.scenario.odds_not_mapping", example='{"10": 1.5}'))
            raw_odds = {}
        for key, multiplier in raw_odds.items():
            try:
                criterion = int(key)
            except (TypeError, ValueError):
                problems.append(Msg("error.scenario.not_a_criterion", entry=repr(key)))
                continue
            if criterion not in CRITERIA_NUMBERS:
                problems.append(Msg("error.scenario.criterion_range", criterion=criterion))
            elif isinstance(multiplier, bool) or not isinstance(multiplier, int | float):
                problems.append(
                    Msg("error.scenario.odds_not_number", entry=repr(key), value=repr(multiplier))
                )
            elif not multiplier > 0:
                problems.append(Msg("error.scenario.odds_not_positive", entry=repr(key)))
            else:
                odds[criterion] = float(multiplier)
        communes = value.get("priority_communes", [])
        if isinstance(communes, str) or not isinstance(communes, Sequence):
            problems.append(Msg("error.scenario.communes_not_list"))
            communes = []
        priority_odds = value.get("priority_odds", 2.0)
        if isinstance(priority_odds, bool) or not isinstance(priority_odds, int | float):
            problems.append(Msg("error.scenario.priority_not_number", value=repr(priority_odds)))
        elif not priority_odds > 0:
            problems.append(Msg("error.scenario.priority_not_positive"))
        name = value.get("name", "scenario")
        if not isinstance(name, str) or not name.strip():
            problems.append(Msg("error.scenario.bad_name"))
        if problems:
            raise ScenarioError(Msg("error.scenario.invalid", problems=Join(tuple(problems), "; ")))
        return cls(
            name=name,
            criterion_odds=odds,
            priority_communes=tuple(str(c) for c in communes),
            priority_odds=float(priority_odds),
        )

    @property
    def is_baseline(self) -> bool:
        return not self.criterion_odds and not self.priority_communes


def check_as_of(panel: Panel, as_of: int | None) -> int:
    """The as-of year (default: the panel's last), which must be a year of the data."""
    if as_of is None:
        return panel.last_year
    if as_of not in panel.years:
        years = ", ".join(map(str, panel.years))
        raise MessageError(Msg("error.forecast.as_of_not_in_data", as_of=as_of, years=years))
    return int(as_of)


def _sigmoid_inplace(x: np.ndarray) -> np.ndarray:
    np.negative(x, out=x)
    with np.errstate(over="ignore"):  # exp(>88) is inf in float32, and 1/(1+inf) is 0: exact
        np.exp(x, out=x)
    x += 1.0
    np.reciprocal(x, out=x)
    return x


def _count_met(state: np.ndarray) -> np.ndarray:
    """Criteria met per (draw, commune) from a (criterion, draw, commune) state."""
    return state.view(np.uint8).sum(axis=0, dtype=np.int16)


@dataclass(frozen=True)
class _Inputs:
    """Everything the simulation loop reads, as arrays aligned on communes."""

    state: np.ndarray  # (n_communes, 19) bool at the as-of year
    district_index: np.ndarray  # (n_communes,) index into districts
    difficult: np.ndarray  # (n_communes,) float
    commune_shift: np.ndarray  # (n_communes,) log-odds from the scenario's priority list
    criterion_shift: np.ndarray  # (19,) log-odds from the scenario's criterion odds


def _draw_coefficients(
    model: TransitionModel, n_draws: int, rng: np.random.Generator, codes: list[str], horizon: int
) -> tuple[np.ndarray, ...]:
    """Coefficients for each draw: gain and loss terms, district and commune shifts, and the
    common shock of each simulated year.

    Commune shifts follow ``codes``; a commune the model has not seen gets none.
    """
    gain = rng.multivariate_normal(model.gain_params, model.gain_cov, size=n_draws, method="eigh")
    loss = rng.multivariate_normal(model.loss_params, model.loss_cov, size=n_draws, method="eigh")
    eff = model.districts
    district = rng.normal(eff["effect"].to_numpy(), eff["sd"].to_numpy(), size=(n_draws, len(eff)))
    com = model.communes.set_index("commune_code").reindex(codes).fillna(0.0)
    commune = rng.normal(com["effect"].to_numpy(), com["sd"].to_numpy(), size=(n_draws, len(com)))
    shocks = rng.normal(0.0, model.year_sd, size=(n_draws, horizon))
    return gain, loss, district, commune, shocks


def _simulate_chunk(
    inputs: _Inputs,
    gain: np.ndarray,
    loss: np.ndarray,
    district: np.ndarray,
    commune: np.ndarray,
    shocks: np.ndarray,
    trend_steps: np.ndarray,
    rng: np.random.Generator,
    n_districts: int,
    record_states: bool = False,
) -> dict[str, np.ndarray]:
    """Simulate one chunk of draws; returns per-draw district aggregates and commune sums.

    Arrays are criterion-major, (criterion, draw, commune): each criterion is a contiguous
    plane, so counting criteria met is 19 plane additions and a criteria group (whose loss
    probability is shared) is a contiguous block.
    """
    b = gain.shape[0]
    n = inputs.state.shape[0]
    horizon = len(trend_steps)
    state = np.broadcast_to(inputs.state.T[:, None, :], (N_CRITERIA, b, n)).copy()

    crit_gain = (gain[:, :N_CRITERIA] + inputs.criterion_shift).T.astype(np.float32)[:, :, None]
    b_nmet, b_close, b_diff, b_trend = (gain[:, N_CRITERIA + k][:, None] for k in range(4))
    neg_group_loss = (-loss[:, : len(GROUP_SLICES)]).T.astype(np.float32)[:, :, None]
    c_nmet = loss[:, -1][:, None].astype(np.float32)
    static = (
        b_diff * inputs.difficult
        + district[:, inputs.district_index]
        + commune
        + inputs.commune_shift
    )
    starts = np.flatnonzero(np.diff(inputs.district_index, prepend=-1))  # communes by district

    out = {
        "ntm": np.zeros((b, horizon, n_districts), np.int32),
        "sum_met": np.zeros((b, horizon, n_districts), np.int32),
        "below": np.zeros((b, horizon, n_districts), np.int32),
        "close": np.zeros((b, horizon, n_districts), np.int32),
        "commune_ntm": np.zeros((horizon, n), np.int64),
    }
    if record_states:  # [geo] per-commune criteria as a bitmask (bit c-1 = criterion c met)
        out["states"] = np.zeros((b, horizon, n), np.uint32)
    p_gain = np.empty((N_CRITERIA, b, n), np.float32)
    kept = np.empty((N_CRITERIA, b, n), bool)
    n_met = _count_met(state)
    for step, trend in enumerate(trend_steps):
        centred = n_met - N_MET_CENTRE
        base = static + b_nmet * centred + b_close * (n_met >= CLOSE_LOW) + b_trend * trend
        base += shocks[:, step : step + 1]
        np.add(crit_gain, base.astype(np.float32), out=p_gain)
        _sigmoid_inplace(p_gain)
        # P(keep) depends on the criterion only through its group: 5 planes, not 19
        p_keep = _sigmoid_inplace(neg_group_loss - c_nmet * centred.astype(np.float32))
        u = rng.random((N_CRITERIA, b, n), dtype=np.float32)
        for g, (lo, hi) in enumerate(GROUP_SLICES):
            np.less(u[lo:hi], p_keep[g], out=kept[lo:hi])
        # one uniform per cell: a met criterion is kept when u < P(keep), an unmet one gained
        # when u < P(gain); bitwise selection is several times faster than np.where here
        gained = np.less(u, p_gain)
        kept &= state
        np.invert(state, out=state)
        gained &= state
        np.bitwise_or(kept, gained, out=state)

        n_met = _count_met(state)
        ntm = n_met == N_CRITERIA
        for key, per_commune in (
            ("ntm", ntm),
            ("sum_met", n_met),
            ("below", n_met < BELOW),
            ("close", (n_met >= CLOSE_LOW) & (n_met <= CLOSE_HIGH)),
        ):
            out[key][:, step, :] = np.add.reduceat(per_commune, starts, axis=1, dtype=np.int32)
        out["commune_ntm"][step] = ntm.sum(axis=0)
        if record_states:  # [geo] see simulate(record_states=...)
            for c in range(N_CRITERIA):
                out["states"][:, step, :] |= state[c].astype(np.uint32) << np.uint32(c)
    short = (n_met >= JUST_SHORT[0]) & (n_met <= JUST_SHORT[1])
    out["blocking"] = (~state & short).sum(axis=1).T
    out["just_short"] = short.sum(axis=0)
    return out


def simulate(
    panel: Panel,
    model: TransitionModel,
    target_year: int,
    n_draws: int = 2000,
    seed: int = 0,
    scenario: Scenario | None = None,
    as_of: int | None = None,
    record_states: bool = False,
) -> Forecast:
    """Simulate every commune from ``as_of`` (default: the panel's last year) to ``target_year``.

    ``record_states`` [geo]: also keep every commune's criteria in every draw and year
    (``Forecast.states``), so that ``crossing.py`` can map the simulated units onto the units
    of a later registry list (a forecast across a boundary change). Off by default: it costs
    4 bytes per draw × year × commune.
    """
    as_of = check_as_of(panel, as_of)
    if target_year <= as_of:
        raise MessageError(
            Msg("error.forecast.target_not_after", target_year=target_year, as_of=as_of)
        )
    if n_draws < 1:
        raise MessageError(Msg("error.forecast.draws", draws=n_draws))
    scenario = scenario or Scenario()
    communes = panel.communes
    codes = communes["commune_code"].tolist()
    unknown = sorted(set(scenario.priority_communes) - set(codes))
    if unknown:
        raise ScenarioError(
            Msg(
                "error.scenario.unknown_communes",
                name=scenario.name,
                codes=", ".join(map(str, unknown)),
            )
        )
    wide = panel.wide().xs(as_of, level="year").reindex(codes)
    districts = model.districts["district_code"].tolist()
    district_index = communes["district_code"].map({c: i for i, c in enumerate(districts)})
    index = district_index.to_numpy()
    if district_index.isna().any() or len(np.unique(index)) != len(districts):
        raise ValueError("the model was fitted on a panel with different districts")
    if np.any(np.diff(index) < 0):  # Panel keeps communes sorted by district; sums rely on it
        raise ValueError("communes must be ordered by district")
    criterion_shift = np.zeros(N_CRITERIA)
    for c, odds in scenario.criterion_odds.items():
        criterion_shift[c - 1] = np.log(odds)
    inputs = _Inputs(
        state=wide.to_numpy(bool),
        district_index=district_index.to_numpy(int),
        difficult=communes["difficult"].to_numpy(float),
        commune_shift=np.where(
            communes["commune_code"].isin(scenario.priority_communes),
            np.log(scenario.priority_odds),
            0.0,
        ),
        criterion_shift=criterion_shift,
    )
    years = list(range(as_of + 1, target_year + 1))
    # trend value of the transition from year t to t+1 is t - trend_origin
    trend_steps = np.array([t - 1 - model.trend_origin for t in years], dtype=float)

    coef_seed, flip_seed = np.random.SeedSequence(seed).spawn(2)
    gain, loss, district, commune, shocks = _draw_coefficients(
        model, n_draws, np.random.default_rng(coef_seed), codes, len(years)
    )
    rng = np.random.default_rng(flip_seed)
    chunk = max(1, CELLS_PER_CHUNK // (len(codes) * N_CRITERIA))
    parts = [
        _simulate_chunk(
            inputs,
            gain[start : start + chunk],
            loss[start : start + chunk],
            district[start : start + chunk],
            commune[start : start + chunk],
            shocks[start : start + chunk],
            trend_steps,
            rng,
            len(districts),
            record_states,
        )
        for start in range(0, n_draws, chunk)
    ]
    now = _observed_now(panel, wide, districts)
    return Forecast(
        as_of=as_of,
        years=years,
        districts=_district_table(panel, districts),
        communes=communes[["commune_code", "commune_name", "district_code"]].reset_index(drop=True),
        observed=now,
        ntm=np.concatenate([p["ntm"] for p in parts]),
        sum_met=np.concatenate([p["sum_met"] for p in parts]),
        below=np.concatenate([p["below"] for p in parts]),
        close=np.concatenate([p["close"] for p in parts]),
        commune_ntm=sum(p["commune_ntm"] for p in parts) / n_draws,
        blocking=sum(p["blocking"] for p in parts),
        just_short=sum(p["just_short"] for p in parts),
        n_draws=n_draws,
        seed=seed,
        scenario=scenario,
        synthetic=panel.synthetic,
        province_name=panel.province_name,
        model=model,
        states=np.concatenate([p["states"] for p in parts]) if record_states else None,  # [geo]
    )


def _district_table(panel: Panel, districts: Sequence[int]) -> pd.DataFrame:
    info = panel.communes.groupby("district_code").agg(
        district_name=("district_name", "first"), n_communes=("commune_code", "size")
    )
    return info.reindex(districts).reset_index()


def _observed_now(panel: Panel, wide: pd.DataFrame, districts: Sequence[int]) -> pd.DataFrame:
    """The as-of year's state per district: the simulation's starting point."""
    n_met = wide.sum(axis=1)
    frame = pd.DataFrame(
        {
            "district_code": panel.communes.set_index("commune_code")
            .loc[wide.index, "district_code"]
            .to_numpy(),
            "ntm": (n_met == N_CRITERIA).to_numpy(),
            "n_met": n_met.to_numpy(),
            "below": (n_met < BELOW).to_numpy(),
        }
    )
    return (
        frame.groupby("district_code")
        .agg(ntm=("ntm", "sum"), sum_met=("n_met", "sum"), below=("below", "sum"))
        .reindex(districts)
        .reset_index()
    )


@dataclass(frozen=True)
class Forecast:
    """The draws of one simulation and the tables derived from them.

    Arrays are indexed (draw, year, district) with years ``self.years`` (the as-of year
    excluded) and districts in ``self.districts`` order. A *unit* is ``None`` for the
    province or a district code.
    """

    as_of: int
    years: list[int]
    districts: pd.DataFrame  # district_code, district_name, n_communes
    communes: pd.DataFrame  # commune_code, commune_name, district_code
    observed: pd.DataFrame  # district_code, ntm, sum_met, below at the as-of year
    ntm: np.ndarray
    sum_met: np.ndarray
    below: np.ndarray
    close: np.ndarray
    commune_ntm: np.ndarray  # (year, commune): P(commune meets the standard that year)
    blocking: np.ndarray  # (commune, criterion): draws in which it ends 17–18 missing it
    just_short: np.ndarray  # (commune,): draws in which it ends the target year at 17–18
    n_draws: int
    seed: int
    scenario: Scenario
    synthetic: bool
    province_name: str = ""
    model: TransitionModel | None = None  # the fit the draws came from (its coefficients)
    # [geo] (draw, year, commune) uint32 criteria bitmasks, only with record_states=True
    states: np.ndarray | None = None

    # -- selecting a unit -------------------------------------------------------------------
    def _columns(self, unit: int | None) -> np.ndarray:
        if unit is None:
            return np.arange(len(self.districts))
        codes = self.districts["district_code"].tolist()
        if unit not in codes:
            raise KeyError(f"district {unit!r} is not in this forecast ({codes})")
        return np.array([codes.index(unit)])

    def unit_draws(self, unit: int | None = None, figure: str = "ntm") -> np.ndarray:
        """(draw, year) array of a figure ("ntm", "sum_met", "below", "close") for a unit."""
        return getattr(self, figure)[:, :, self._columns(unit)].sum(axis=2)

    def n_communes(self, unit: int | None = None) -> int:
        return int(self.districts["n_communes"].to_numpy()[self._columns(unit)].sum())

    def observed_now(self, unit: int | None = None) -> dict[str, float]:
        rows = self.observed.iloc[self._columns(unit)]
        n = self.n_communes(unit)
        return {
            "n_ntm": int(rows["ntm"].sum()),
            "mean_criteria": float(rows["sum_met"].sum() / n),
            "n_below_5": int(rows["below"].sum()),
        }

    def _year_index(self, year: int) -> int:
        if year not in self.years:
            raise KeyError(f"year {year} is not forecast (as of {self.as_of}: {self.years})")
        return self.years.index(year)

    # -- questions ------------------------------------------------------------------------------
    def probability(self, target: float, year: int, unit: int | None = None) -> float:
        """P(communes meeting the standard in ``year`` >= ``target``) for the unit."""
        counts = self.unit_draws(unit)[:, self._year_index(year)]
        return float((counts >= target).mean())

    def probability_mean_criteria(self, target: float, year: int, unit: int | None = None) -> float:
        """P(mean criteria per commune in ``year`` >= ``target``)."""
        sums = self.unit_draws(unit, "sum_met")[:, self._year_index(year)]
        return float((sums / self.n_communes(unit) >= target - 1e-9).mean())

    def quantiles(self, unit: int | None = None, figure: str = "ntm") -> pd.DataFrame:
        """Per forecast year: mean, median, 80% and 95% intervals of one figure for a unit.

        ``figure`` is "ntm" (communes meeting the standard), "mean_criteria", "below" (<5
        criteria) or "close" (15–18). Intervals are equal-tailed quantiles of the draws.
        """
        if figure == "mean_criteria":
            values = self.unit_draws(unit, "sum_met") / self.n_communes(unit)
        else:
            values = self.unit_draws(unit, figure)
        q = np.quantile(values, [0.5, 0.1, 0.9, 0.025, 0.975], axis=0, method="inverted_cdf")
        return pd.DataFrame(
            {
                "year": self.years,
                "mean": values.mean(axis=0),
                "median": q[0],
                "lo80": q[1],
                "hi80": q[2],
                "lo95": q[3],
                "hi95": q[4],
            }
        )

    def yearly(self, unit: int | None = None) -> pd.DataFrame:
        """Per forecast year: NTM count (mean, median, intervals), mean criteria, <5, 15–18."""
        table = self.quantiles(unit, "ntm")
        table["mean_criteria"] = self.unit_draws(unit, "sum_met").mean(axis=0) / self.n_communes(
            unit
        )
        table["n_below_5"] = self.unit_draws(unit, "below").mean(axis=0)
        table["n_close"] = self.unit_draws(unit, "close").mean(axis=0)
        return table

    def first_reached(self, target: float, unit: int | None = None) -> pd.DataFrame:
        """Distribution of the first forecast year the count reaches ``target``.

        The last row (``year`` = None) is the probability of not reaching it by the final year.
        Already reached at the as-of year counts as the as-of year.
        """
        counts = self.unit_draws(unit)
        if self.observed_now(unit)["n_ntm"] >= target:
            return pd.DataFrame({"year": [self.as_of], "probability": [1.0]}).astype(
                {"year": "Int64"}
            )
        reached = counts >= target
        first = np.where(reached.any(axis=1), reached.argmax(axis=1), len(self.years))
        shares = np.bincount(first, minlength=len(self.years) + 1) / self.n_draws
        years = pd.array([*self.years, None], dtype="Int64")
        return pd.DataFrame({"year": years, "probability": shares})

    def commune_probabilities(self, unit: int | None = None) -> pd.DataFrame:
        """Per commune and forecast year: probability it meets the standard that year."""
        frame = pd.DataFrame(self.commune_ntm.T, columns=self.years)
        frame.insert(0, "commune_code", self.communes["commune_code"])
        frame.insert(1, "commune_name", self.communes["commune_name"])
        frame.insert(2, "district_code", self.communes["district_code"])
        if unit is not None:
            self._columns(unit)
            frame = frame[frame["district_code"] == unit]
        return frame.melt(
            id_vars=["commune_code", "commune_name", "district_code"],
            var_name="year",
            value_name="p_ntm",
        ).astype({"year": "int64"})

    def bottlenecks(self, unit: int | None = None) -> pd.DataFrame:
        """Criteria most often missing among communes that end the target year at 17–18.

        ``share`` is the fraction of those just-short commune-draws missing the criterion.
        """
        rows = self.communes["district_code"].to_numpy()
        mask = np.ones(len(rows), bool) if unit is None else rows == unit
        if unit is not None:
            self._columns(unit)
        counts = self.blocking[mask].sum(axis=0)
        short = int(self.just_short[mask].sum())
        table = pd.DataFrame(
            {
                "criterion": list(CRITERIA_NUMBERS),
                "n_missing": counts,
                "share": counts / max(short, 1),
            }
        )
        return table.sort_values(["n_missing", "criterion"], ascending=[False, True]).reset_index(
            drop=True
        )

    def district_table(self, year: int | None = None, target: float | None = None) -> pd.DataFrame:
        """One row per district: now, expected in ``year`` with intervals, share of province."""
        year = self.years[-1] if year is None else year
        i = self._year_index(year)
        province_expected = self.ntm[:, i, :].sum(axis=1).mean()
        rows = []
        for code, name, n in self.districts.itertuples(index=False):
            counts = self.unit_draws(code)[:, i]
            lo80, hi80, lo95, hi95 = np.quantile(
                counts, [0.1, 0.9, 0.025, 0.975], method="inverted_cdf"
            )
            row = {
                "district_code": code,
                "district_name": name,
                "n_communes": n,
                "now": self.observed_now(code)["n_ntm"],
                "expected": counts.mean(),
                "lo80": lo80,
                "hi80": hi80,
                "lo95": lo95,
                "hi95": hi95,
                "share_of_province": counts.mean() / province_expected if province_expected else 0,
                "mean_criteria": self.unit_draws(code, "sum_met")[:, i].mean() / n,
            }
            if target is not None:
                row["p_target"] = float((counts >= target).mean())
            rows.append(row)
        return pd.DataFrame(rows)


def run_forecast(
    panel: Panel,
    target_year: int = 2020,
    n_draws: int = 2000,
    seed: int = 0,
    scenario: Scenario | None = None,
    as_of: int | None = None,
    trend: bool = True,
    record_states: bool = False,
) -> Forecast:
    """Fit the transition model on the panel up to ``as_of`` and simulate to ``target_year``."""
    as_of = check_as_of(panel, as_of)
    history = panel.subset(years=[y for y in panel.years if y <= as_of])
    model = fit(history, trend=trend)
    return simulate(history, model, target_year, n_draws, seed, scenario, as_of, record_states)
