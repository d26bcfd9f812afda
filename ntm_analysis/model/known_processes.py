"""Known commune-level processes: panels whose true future distribution is known exactly.

The calibration suite (``calibration``) checks a forecaster against these. They are written
independently of the bundled generator (``synthetic``) and deliberately *not* in the fitted
model's own form, so that a model passing here has learnt something about panels it was not
built from:

- a commune's persistent **ability** drives both where it starts and how fast it gains
  (no "criteria already met" term: the count only correlates with progress through ability);
- a **shared year shock** on the logit, the same for every commune in a year;
- **progress pushes** of two kinds: every commune at or above a threshold of criteria gets a
  push (the threshold need not be 15), or a **quota**: each year the province registers a
  fixed number of not-yet-recognised communes (the closest ones, with some randomness in who
  is chosen) and pushes only those;
- losses are rare and rarer still for a recognised commune.

One yearly step for commune i, criterion c, year t -> t+1::

    eta = base_gain + difficulty[c] + ability_i + trend * (t - first_year) + shock_t
          + push * 1[n_met_it >= push_threshold] + quota_push * 1[i registered for t+1]
    met at t:     kept with probability 1 - loss (loss / 5 once all 19 are met)
    not met at t: gained with probability sigmoid(eta)

The **ideal forecast** (``Process.run``, from a ``Truth``'s state at the origin) replays the
same process forward from the true origin state with the true parameters and the communes'
true abilities, drawing fresh shocks, quota choices and coin flips: it knows everything except
the future's luck. Every panel built here is labelled synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ntm_analysis.core.criteria import CRITERIA_NUMBERS, N_CRITERIA
from ntm_analysis.core.panel import Panel

LAST_YEAR = 2020
# Yearly gain log-odds offset per criterion 1..19, chosen here for this suite (easy:
# electricity, schools' basics, defence; hard: income, poverty, environment, production).
# fmt: off
DIFFICULTY = np.array([1.2, -0.6, 0.2, 2.0, -0.4, -0.8, 0.0, 0.9, -0.3, -1.2,
                       -1.0, 0.6, -0.9, 0.8, 0.9, 0.3, -1.1, 1.5, 2.0])
# Start-year log-odds of meeting each criterion (same ordering).
INITIAL = np.array([-0.8, -2.3, -1.3, 1.1, -1.9, -2.7, -1.7, -0.3, -1.8, -3.1,
                    -2.7, -0.5, -2.6, -0.4, -0.7, -1.2, -2.9, 0.1, 0.7])
# fmt: on
NTM_LOSS_FACTOR = 0.2  # a recognised commune loses a criterion five times less often


def count_met(state: np.ndarray) -> np.ndarray:
    """Criteria met per commune (and draw): the last axis of a bool state counted as uint8
    (a matrix product: several times faster than ``sum`` over a short last axis)."""
    return state.view(np.uint8) @ np.ones(state.shape[-1], np.uint8)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, in ``x``'s own dtype (no overflow: tanh saturates)."""
    x = np.tanh(x * x.dtype.type(0.5) if isinstance(x, np.ndarray) else 0.5 * x)
    return (x + 1) * 0.5


@dataclass(frozen=True)
class Truth:
    """One realised province: its communes, their latent abilities, every year's state, and
    the luck that made them — the district effects, each year's shared shock and the quota's
    registrations — which no forecaster sees but a diagnostic may be told (oracle14)."""

    process: Process
    communes: pd.DataFrame  # commune_code, commune_name, district_code, district_name, difficult
    ability: np.ndarray  # (commune,) true persistent log-odds shift (district + commune)
    states: dict[int, np.ndarray]  # year -> (commune, 19) bool
    district_effect: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (district,)
    shocks: dict[int, float] = field(default_factory=dict)  # year t -> shock of step t -> t + 1
    # year t -> (commune,) registered for t + 1 (all False without a quota)
    registered: dict[int, np.ndarray] = field(default_factory=dict)

    def figures(self, year: int) -> dict[str, float]:
        """The province figures the suite scores in ``year`` (the forecasts' ``Draws.figure``
        names): communes meeting the standard and mean criteria per commune."""
        met = self.states[year].sum(axis=1)
        return {"n_ntm": float((met == N_CRITERIA).sum()), "mean_criteria": float(met.mean())}

    def panel(self, origin: int) -> Panel:
        """What a forecaster sees at ``origin``: the years up to it (the last ``history_years``
        of them for a short-panel process), labelled synthetic."""
        first = self.process.first_year
        if self.process.history_years is not None:
            first = max(first, origin - self.process.history_years + 1)
        years = [y for y in self.states if first <= y <= origin]
        n = len(self.communes)
        codes = self.communes["commune_code"].to_numpy()
        status = pd.DataFrame(
            {
                "commune_code": np.repeat(np.tile(codes, len(years)), N_CRITERIA),
                "year": np.repeat(np.repeat(years, n), N_CRITERIA),
                "criterion": np.tile(np.array(CRITERIA_NUMBERS), n * len(years)),
                "met": np.concatenate([self.states[y].ravel() for y in years]),
            }
        )
        return Panel.from_frames(
            status,
            self.communes,
            source=f"synthetic: known process {self.process.name!r}",
            synthetic=True,
            province_name=f"known process {self.process.name}",
        )


@dataclass(frozen=True)
class Process:
    """A known commune-level process (see the module docstring for the yearly step)."""

    name: str
    description: str
    n_communes: int = 207
    n_districts: int = 11
    first_year: int = 2011
    history_years: int | None = None  # the forecaster sees only this many years (short panels)
    commune_sd: float = 0.8  # persistent commune ability, log-odds
    district_sd: float = 0.35
    difficult_share: float = 0.4  # flagged especially difficult; ability lower by 0.5
    init_ability: float = 1.0  # how strongly ability shows in the start-year state
    base_gain: float = -1.7
    # per year on the gain log-odds; a copy given a (draw, 1) array here runs each draw at its
    # own trend (``run`` broadcasts it with the shocks: oracle14's trend-learnt forecasters)
    trend: float = 0.05
    year_sd: float = 0.0  # shared shock, the same for every commune in a year
    push_threshold: int | None = 15
    push: float = 1.5
    quota: int = 0  # communes registered and pushed each year
    quota_push: float = 2.5
    loss: float = 0.01  # yearly chance a met criterion is lost (recognised communes: 1/5 of it)
    difficulty: np.ndarray = field(default_factory=lambda: DIFFICULTY.copy(), repr=False)

    def with_size(self, n_communes: int, n_districts: int) -> Process:
        """The same process on a smaller (or larger) province, e.g. for quick tests."""
        return replace(self, n_communes=n_communes, n_districts=n_districts)

    # -- one realised province ------------------------------------------------------------------
    def realise(self, seed: int | np.random.SeedSequence) -> Truth:
        """Draw the communes, their abilities and the start-year state, and run to 2020 once."""
        rng = np.random.default_rng(seed)
        n = self.n_communes
        district = np.sort(rng.integers(0, self.n_districts, n))
        district[: self.n_districts] = np.arange(self.n_districts)  # every district present
        district = np.sort(district)
        difficult = rng.random(n) < self.difficult_share
        district_effect = rng.normal(0.0, self.district_sd, self.n_districts)
        ability = district_effect[district] + rng.normal(0.0, self.commune_sd, n) - 0.5 * difficult
        start = rng.random((n, N_CRITERIA)) < _sigmoid(
            INITIAL[None, :] + self.init_ability * ability[:, None]
        )
        codes = [f"K{d + 1:02d}{i:03d}" for i, d in enumerate(district)]
        communes = pd.DataFrame(
            {
                "commune_code": codes,
                "commune_name": [f"Xã mô phỏng {c}" for c in codes],  # synthetic placeholders
                "district_code": district + 1,
                "district_name": [f"Huyện mô phỏng {d + 1}" for d in district],
                "difficult": difficult,
            }
        )
        years = range(self.first_year, LAST_YEAR + 1)
        luck: list[tuple[np.ndarray, np.ndarray | None]] = []
        path = self.run(start, ability, self.first_year, LAST_YEAR, 1, rng, trace=luck)
        return Truth(
            process=self,
            communes=communes,
            ability=ability,
            states={y: path[k][0] for k, y in enumerate(years)},
            district_effect=district_effect,
            shocks={t: float(shock[0, 0]) for t, (shock, _) in zip(years[:-1], luck, strict=True)},
            registered={
                t: np.zeros(n, bool) if chosen is None else chosen[0]
                for t, (_, chosen) in zip(years[:-1], luck, strict=True)
            },
        )

    # -- the process forward ----------------------------------------------------------------------
    def run(
        self,
        state: np.ndarray,
        ability: np.ndarray,
        origin: int,
        last: int,
        n_draws: int,
        rng: np.random.Generator,
        trace: list[tuple[np.ndarray, np.ndarray | None]] | None = None,
    ) -> list[np.ndarray]:
        """States from ``origin`` to ``last`` inclusive, each (draw, commune, 19) bool.

        ``state`` is the (commune, 19) state at ``origin``; every draw starts there with its own
        shocks, quota choices and coin flips. This is the ideal forecast when ``state`` and
        ``ability`` are the truth's. ``ability`` is (commune,), the same in every draw, or
        (draw, commune), each draw its own (a forecast that draws the abilities; the same
        numbers as the 1-D form when every row is equal). ``trace``: a list that receives each
        year's (shock (draw, 1), registered (draw, commune) or None without a quota), the luck
        ``realise`` keeps in its ``Truth``; recording draws nothing, so the states are the same.
        """
        n = state.shape[0]
        if ability.shape not in ((n,), (n_draws, n)):
            raise ValueError(
                f"Process.run: ability has shape {ability.shape}; expected ({n},), one per "
                f"commune, or ({n_draws}, {n}), one per draw and commune"
            )
        current = np.broadcast_to(state, (n_draws, *state.shape)).copy()
        path = [current]
        # float32 throughout: the ideal forecast runs thousands of draws per case. A cell is
        # gained when u < sigmoid(eta), i.e. 2u - 1 < tanh(eta / 2): one tanh, written in place,
        # and one comparison per cell; a met cell compares against its keep probability instead
        # (same uniforms, same order of draws as the plain formula).
        half_fixed = (0.5 * (self.base_gain + self.difficulty + ability[..., None])).astype(
            np.float32
        )  # (commune, 19), or (draw, commune, 19) for abilities drawn per draw
        keep = np.float32(1.0 - 2.0 * self.loss)  # 2 * (1 - loss) - 1
        keep_ntm = np.float32(1.0 - 2.0 * self.loss * NTM_LOSS_FACTOR)
        for year in range(origin, last):
            n_met = count_met(current)
            shock = rng.normal(0.0, self.year_sd, (n_draws, 1))
            shift = self.trend * (year - self.first_year) + shock
            if self.push_threshold is not None:
                shift = shift + self.push * (n_met >= self.push_threshold)
            chosen = None
            if self.quota:
                chosen = self.registered(n_met, rng)
                shift = shift + self.quota_push * chosen
            if trace is not None:
                trace.append((shock, chosen))
            threshold = half_fixed + (0.5 * shift).astype(np.float32)[:, :, None]
            np.tanh(threshold, out=threshold)
            p_keep = np.where(n_met == N_CRITERIA, keep_ntm, keep)
            np.copyto(threshold, p_keep[:, :, None], where=current)
            u = rng.random(current.shape, dtype=np.float32)
            u *= 2.0
            u -= 1.0
            current = u < threshold
            path.append(current)
        return path

    def registered(self, n_met: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """(draw, commune) bool: the ``quota`` not-yet-recognised communes registered this year.

        The province picks the closest communes, but not strictly by count: a random key of
        about one criterion's worth decides among near-equals.
        """
        key = n_met + rng.gumbel(0.0, 0.7, n_met.shape)
        key = np.where(n_met == N_CRITERIA, -np.inf, key)
        k = min(self.quota, n_met.shape[1])
        top = np.argpartition(-key, k - 1, axis=1)[:, :k]
        chosen = np.zeros(n_met.shape, bool)
        np.put_along_axis(chosen, top, True, axis=1)
        return chosen & (n_met < N_CRITERIA)


SCENARIOS: dict[str, Process] = {
    p.name: p
    for p in (
        Process(
            "strong_communes",
            "strong commune differences (ability sd 1.6), push at 15, no year shocks",
            commune_sd=1.6,
        ),
        Process(
            "year_shocks",
            "shared year shocks, sd 0.35 on the log-odds, push at 15",
            year_sd=0.35,
        ),
        Process(
            "quota",
            "no threshold push; 12 communes registered and pushed each year; year shocks sd 0.2",
            push_threshold=None,
            quota=12,
            year_sd=0.2,
        ),
        Process(
            "push_at_12",
            "push from 12 criteria (not 15); year shocks sd 0.2",
            push_threshold=12,
            push=1.3,
            year_sd=0.2,
        ),
        # A programme that accelerates (issue 13, review13 finding 1: every other process has
        # trend +0.05 a year). 0.2 a year is read off Lạng Sơn's own figures, not off a score:
        # mean criteria per commune 7.4 (2015) -> 8.5 (2016), planned 9.4 (2017) and 13.8
        # (2020), i.e. about 1.1 criteria gained a year among ~11.6 unmet in 2016 (a yearly
        # gain chance ~0.095, logit -2.25) and a planned ~1.47 a year among ~8 unmet in
        # 2018-2020 (~0.18, logit -1.52): +0.7 on the gain log-odds over ~3.5 years, ~0.2 a
        # year; recognised communes 8 -> 24 in 2016 and +14 planned for 2017
        # (data/lang_son_published_figures.csv, data/lang_son_targets.csv). Year shocks
        # sd 0.3: a campaign year and a slack year, inside the 0.2-0.4.
        Process(
            "accelerating",
            "progress accelerating: trend +0.2 a year on the gain log-odds (4x the others'), "
            "push at 15, year shocks sd 0.3",
            trend=0.2,
            year_sd=0.3,
        ),
        Process(
            "three_year_panels",
            "the forecaster sees only the last 3 years; year shocks sd 0.25",
            history_years=3,
            year_sd=0.25,
        ),
        Process(
            "two_year_panels",
            "the forecaster sees only the last 2 years; year shocks sd 0.25",
            history_years=2,
            year_sd=0.25,
        ),
    )
}
