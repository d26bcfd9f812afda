"""Monte Carlo forecast: every commune's 19 criteria, year by year, many times over.

Each draw first takes its own set of model coefficients from the fit's sampling distribution
(so the spread of the results carries parameter uncertainty, not only year-to-year luck),
then replays the gain/loss model from the as-of year to the target year. All communes are
simulated together and districts are slices of the same draws, so district counts always
add up to the province count draw by draw.

Each draw also takes a spread for the year shocks from its posterior — its coefficients are
drawn at that spread — and one shock per simulated year from it, shared by every commune (a
good or bad year for the whole province),
and comes from the trend fit or the no-trend fit in the proportion the data chose
(``TransitionModel.trend_weight``) and, where the held-out score could not settle how a
commune's first-year count enters, from the chosen capacity form or the other one
(``TransitionModel.other_form``, in the shares ``form_share``). Draws are stratified: each
form's ``round(share·n)`` draws are spread evenly over the draw index, and within a form the
first ``round(w·n)`` use its trend fit. Monte Carlo error: every probability is a share of
independent draws, so its standard error is sqrt(p(1−p)/n) (``Forecast.probability_se``) —
a slight understatement in one part: the loss model's coefficients are resampled
(``model.exact``), ~0.4 effective proposals per draw, and losses are a small part of a
draw's outcome;
``DEFAULT_DRAWS`` keeps it at or below one percentage point at the verdict thresholds
(p = 0.25 or 0.75: n ≥ 1,875).

Random numbers come from two independent streams spawned from one seed: one for
coefficients, one for the transitions (``Engine``: a waiting time per unmet criterion, rare
losses by thinning — far fewer numbers than one per cell and year, same distribution). A
scenario changes probabilities, never the streams, so a baseline and a scenario run with the
same seed share their random numbers (common random numbers) and their difference is the
scenario's effect, not noise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ntm_analysis.core.config import config_default
from ntm_analysis.core.criteria import CRITERIA_NUMBERS, N_CRITERIA
from ntm_analysis.core.errors import MessageError, Msg
from ntm_analysis.core.panel import Panel
from ntm_analysis.core.rules import as_of_in_data, target_year_after
from ntm_analysis.core.scenario import Scenario, ScenarioError
from ntm_analysis.model import exact
from ntm_analysis.model.metrics import BELOW, CLOSE_HIGH, CLOSE_LOW
from ntm_analysis.model.transitions import (
    GAIN_TERMS,
    GROUP_SLICES,
    N_MET_CENTRE,
    N_PUSH,
    RECOGNISED,
    Registrations,
    TransitionModel,
    fit,
    level_spline_effect,
    push_matrix,
)

# a trend mixture's fit with fewer draws than this gets its shortfall simulated in the same
# pass, so P(target) with and without the trend is never read off a handful of draws
MIN_COMPONENT_DRAWS = 500
# MC standard error at a verdict threshold (25%, 75%): sqrt(0.1875 / 2000) = 0.97 percentage
# point; nearer the threshold than its 80% band the headline says "close to the threshold".
# The one default, shared with the CLI, parameters and notebooks (``core.config``).
DEFAULT_DRAWS = config_default("draws")
DEFAULT_SEED = config_default("seed")
DEFAULT_TARGET_YEAR = config_default("target_year")
CELLS_PER_CHUNK = 4_000_000  # float32 cells per working array: ~16 MB, whatever the size
JUST_SHORT = (17, 18)  # "ends just short": the communes whose missing criteria are bottlenecks


def check_as_of(panel: Panel, as_of: int | None) -> int:
    """The as-of year (default: the panel's last), which must be a year of the data."""
    if as_of is None:
        return panel.last_year
    if not as_of_in_data(panel.years, as_of):
        years = ", ".join(map(str, panel.years))
        raise MessageError(Msg("error.forecast.as_of_not_in_data", as_of=as_of, years=years))
    return int(as_of)


def _count_met(state: np.ndarray) -> np.ndarray:
    """Criteria met per (draw, commune) from a (criterion, draw, commune) state, as uint8
    (at most 19): added plane by plane, about half the time of ``sum(axis=0)``."""
    planes = state.view(np.uint8)
    count = planes[0].copy()
    for plane in planes[1:]:
        count += plane
    return count


@dataclass(frozen=True)
class _Inputs:
    """Everything the simulation loop reads, as arrays aligned on communes."""

    state: np.ndarray  # (n_communes, 19) bool at the as-of year
    district_index: np.ndarray  # (n_communes,) index into districts
    difficult: np.ndarray  # (n_communes,) float
    commune_shift: np.ndarray  # (n_communes,) log-odds from the scenario's priority list
    criterion_shift: np.ndarray  # (19,) log-odds from the scenario's criterion odds
    registered: np.ndarray  # (simulated year, n_communes) 1.0 where registered for that year
    level: np.ndarray  # (n_communes,) criteria met in the fitted data's first year, centred


@dataclass(frozen=True)
class _Draws:
    """Coefficients of every draw, aligned with the simulated communes and districts."""

    gain: np.ndarray  # (draw, GAIN_TERMS)
    loss: np.ndarray  # (draw, LOSS_TERMS)
    district: np.ndarray  # (draw, district): gain log-odds shift
    loss_district: np.ndarray  # (draw, district): loss log-odds shift
    commune: np.ndarray  # (draw, commune)
    shocks: np.ndarray  # (draw, simulated year): the year's shock shared by every commune

    def rows(self, lo: int, hi: int) -> _Draws:
        return _Draws(*(getattr(self, f)[lo:hi] for f in self.__dataclass_fields__))


def _reindexed(
    draws: np.ndarray, known: list, wanted: list, tau: float, rng: np.random.Generator
) -> np.ndarray:
    """Columns of ``draws`` (one per ``known`` unit) for ``wanted`` units; a unit the fit has
    not seen (a new commune) gets a fresh effect from the population, N(0, tau)."""
    pos = {code: i for i, code in enumerate(known)}
    idx = np.array([pos.get(code, -1) for code in wanted], dtype=int)
    out = draws[:, np.maximum(idx, 0)] if len(known) else np.zeros((len(draws), len(wanted)))
    new = idx < 0
    if new.any():
        out[:, new] = rng.normal(0.0, tau, size=(len(draws), int(new.sum())))
    return out


def lasting_shares(weight: float, n_draws: int) -> np.ndarray:
    """Per draw, the share of a one-transition count slope read as lasting capacity (the rest
    is the count's own effect), for ``capacity_form="mixed"``: one transition cannot split the
    slope, so the share is unknown on [0, 1] with mean ``weight``; the draws take the
    Beta(2w, 2(1 - w)) quantiles at (i + ½)/n — uniform on [0, 1] for w = ½ — not only its
    two ends (all lasting or all the count's own: the most dispersed reading, which made
    half the draws compound the whole slope)."""
    if weight <= 0.0 or weight >= 1.0:
        return np.full(n_draws, float(weight >= 1.0))
    from scipy.stats import beta

    return beta.ppf((np.arange(n_draws) + 0.5) / n_draws, 2.0 * weight, 2.0 * (1.0 - weight))


def _component_draws(
    model: TransitionModel,
    n_draws: int,
    rng: np.random.Generator,
    codes: list[str],
    districts: list[int],
    horizon: int,
    loss_block: np.ndarray | None = None,
) -> _Draws:
    """Coefficients for ``n_draws`` draws from one fit (see the module docstring).

    A fitted model is drawn jointly from its Laplace posteriors (communes coupled to the fixed
    part, the year-shock spread drawn per draw and the coefficients at it), its loss model
    from the exact posterior (``model.exact``; ``loss_block``: those draws already made for every
    fit sharing the loss model, ``_draw_coefficients``); a hand-built one (no posteriors) from
    its marginals, with a fixed year-shock spread.
    """
    p = len(GAIN_TERMS)
    known_d = model.districts["district_code"].tolist()
    gp, lp = model.gain_posterior, model.loss_posterior
    if gp is not None and lp is not None:
        nd = len(known_d)
        # the year spread first: each draw's coefficients are drawn at its own spread
        year_sd = gp.draw_sd("year", rng, n_draws)
        block, com = gp.draw_given_sd("year", year_sd, rng)
        year_sd = year_sd[:, None]
        gain, district = block[:, :p], block[:, p : p + nd]
        lblock = loss_block
        if lblock is None:
            lblock = exact.draw(lp, lp.cells, rng, n_draws).block
        q = lblock.shape[1] - nd
        loss, loss_district = lblock[:, :q], lblock[:, q:]
        tau_c, tau_d, tau_ld = gp.sd["commune"], gp.sd["district"], lp.sd["district"]
    else:
        gain = rng.multivariate_normal(model.gain_params, model.gain_cov, n_draws, method="eigh")
        loss = rng.multivariate_normal(model.loss_params, model.loss_cov, n_draws, method="eigh")
        eff = model.districts
        district = rng.normal(eff["effect"].to_numpy(), eff["sd"].to_numpy(), (n_draws, len(eff)))
        loss_district = np.zeros_like(district)
        com_table = model.communes
        com = rng.normal(
            com_table["effect"].to_numpy(), com_table["sd"].to_numpy(), (n_draws, len(com_table))
        )
        year_sd = np.full((n_draws, 1), model.year_sd)
        tau_c = tau_d = tau_ld = 0.0
    if not model.trend_weight:  # the no-trend fit: its trend is 0 in every draw
        gain[:, GAIN_TERMS.index("trend")] = 0.0
    if model.capacity_form == "mixed":  # one transition: count or lasting capacity, unknown
        lasting = lasting_shares(model.capacity_weight, n_draws)
        n_met, level = GAIN_TERMS.index("n_met"), GAIN_TERMS.index("level")
        gain[:, level] = lasting * gain[:, n_met]
        gain[:, n_met] *= 1.0 - lasting
    known_c = model.communes["commune_code"].tolist()
    return _Draws(
        gain=gain,
        loss=loss,
        district=_reindexed(district, known_d, districts, tau_d, rng),
        loss_district=_reindexed(loss_district, known_d, districts, tau_ld, rng),
        commune=_reindexed(com, known_c, codes, tau_c, rng),
        shocks=rng.standard_normal((n_draws, horizon)) * year_sd,
    )


def _levels(model: TransitionModel, codes: list[str], now: np.ndarray) -> np.ndarray:
    """Each commune's level (its count in the fitted data's first year); a commune the fit has not
    seen (or a hand-built model without levels) uses its count at the as-of year."""
    if "level" not in model.communes:
        return now
    known = model.communes.set_index("commune_code")["level"].reindex(codes).to_numpy(float)
    return np.where(np.isfinite(known), known, now)


def _trend_draws(
    model: TransitionModel,
    n_draws: int,
    rng: np.random.Generator,
    codes: list[str],
    districts: list[int],
    horizon: int,
    loss: np.ndarray | None = None,
) -> tuple[_Draws, np.ndarray]:
    """One capacity form's draws and whether each came from its trend fit: the first
    ``round(trend_weight · n)`` from the trend fit, the rest from the no-trend fit
    (``loss``: the loss model's draws, see ``_component_draws``)."""
    alt = model.no_trend
    n_trend = n_draws if alt is None else round(model.trend_weight * n_draws)
    head, tail = (None, None) if loss is None else (loss[:n_trend], loss[n_trend:])
    parts = [_component_draws(model, n_trend, rng, codes, districts, horizon, head)]
    if n_trend < n_draws and alt is not None:
        parts.append(_component_draws(alt, n_draws - n_trend, rng, codes, districts, horizon, tail))
    from_trend = np.arange(n_draws) < n_trend
    if alt is None and not model.trend_weight:
        from_trend[:] = False
    return _concatenated(parts), from_trend


def _concatenated(parts: list[_Draws]) -> _Draws:
    """The draws of ``parts`` one after another (each field stacked along the draw axis)."""
    return _Draws(
        *(np.concatenate([getattr(d, f) for d in parts]) for f in _Draws.__dataclass_fields__)
    )


def spread_evenly(n_draws: int, share: float) -> np.ndarray:
    """(draw,) True at ``round(share · n)`` draws spread evenly over the draw index (draw i
    where ⌊(i + 1)·share + ½⌋ > ⌊i·share + ½⌋). Each form's draws come in blocks (its trend
    fit's, then its no-trend fit's): a leading block of one form would pair its trend draws
    with the other form's no-trend draws, and a forecast cut to its first draws would hold
    one form only (benchmarks/notes/cap13.md: that overstated the mixture's gain)."""
    i = np.arange(n_draws)
    return np.floor((i + 1) * share + 0.5) > np.floor(i * share + 0.5)


def _draw_coefficients(
    model: TransitionModel,
    n_draws: int,
    rng: np.random.Generator,
    codes: list[str],
    districts: list[int],
    horizon: int,
) -> tuple[_Draws, np.ndarray, np.ndarray]:
    """Every draw's coefficients, whether it came from a trend fit and whether from the
    chosen capacity form. With the other capacity form fitted (``model.other_form``) a share
    ``model.form_share`` of the draws comes from the chosen form, the rest from the other,
    spread evenly over the draw index (``spread_evenly``), each form keeping its own trend /
    no-trend split (``_trend_draws``); the chosen form's draws are drawn first, so without
    ``other_form`` nothing changes. Every input the engine takes from the model besides the
    draws (each commune's level, the trend's origin) is the same for both forms: both are
    fitted to the same table, and share one loss model: its draws (from the exact posterior,
    the costly part) are made once for all of them."""
    other = model.other_form
    mine = np.ones(n_draws, bool) if other is None else spread_evenly(n_draws, model.form_share)
    own = int(mine.sum())  # spread_evenly's count (a half rounds up; Python's round() to even)
    lp = model.loss_posterior
    fits = [f for f in (model, model.no_trend, other, other and other.no_trend) if f is not None]
    loss = None
    if lp is not None and all(f.loss_posterior is lp for f in fits):
        loss = exact.draw(lp, lp.cells, rng, n_draws).block
    draws, from_trend = _trend_draws(
        model, own, rng, codes, districts, horizon, None if loss is None else loss[mine]
    )
    if other is None:
        return draws, from_trend, mine
    alt, alt_trend = _trend_draws(
        other, n_draws - own, rng, codes, districts, horizon, None if loss is None else loss[~mine]
    )
    fields = {}
    for f in _Draws.__dataclass_fields__:
        a, b = getattr(draws, f), getattr(alt, f)
        out = np.empty((n_draws, *a.shape[1:]), a.dtype)
        out[mine], out[~mine] = a, b
        fields[f] = out
    flags = np.empty(n_draws, bool)
    flags[mine], flags[~mine] = from_trend, alt_trend
    return _Draws(**fields), flags, mine


def _top_up(
    model: TransitionModel,
    from_trend: np.ndarray,
    minimum: int,
    rng: np.random.Generator,
    codes: list[str],
    districts: list[int],
    horizon: int,
) -> tuple[_Draws | None, np.ndarray]:
    """Coefficients of the extra draws that bring each fit of a trend mixture to ``minimum``
    draws (the mixture's own draws of it count), and which fit each came from. A fit's
    extra draws mix the capacity forms as the headline does (``TransitionModel.component``:
    each form's fit of that kind, in the shares ``form_share``), so "with / without the
    trend" compares the trend choice alone."""
    if model.no_trend is None or minimum <= 0:
        return None, np.zeros(0, bool)
    parts, flags = [], []
    for trend in (True, False):
        short = minimum - int((from_trend == trend).sum())
        if short > 0:
            component = model.component(trend)
            parts.append(_draw_coefficients(component, short, rng, codes, districts, horizon)[0])
            flags.append(np.full(short, trend))
    if not parts:
        return None, np.zeros(0, bool)
    return _concatenated(parts), np.concatenate(flags)


def _simulate_chunk(
    inputs: _Inputs,
    draws: _Draws,
    trend_steps: np.ndarray,
    rng: np.random.Generator,
    n_districts: int,
    record_states: bool = False,
) -> dict[str, np.ndarray]:
    """Simulate one chunk of draws; returns per-draw district aggregates and commune sums.

    This function composes each year's log-odds from the draw's coefficients (the model);
    ``Engine`` draws the year's gains and losses from them. Arrays are criterion-major,
    (criterion, draw, commune). Per simulated year (``step``): the gain log-odds are
    criterion + capacity(n_met) + static commune part + trend + the year's shock; the loss
    log-odds are the criteria group's + n_met slope + district; then the year's aggregates
    are recorded.
    """
    gain, loss = draws.gain, draws.loss
    b = gain.shape[0]
    n = inputs.state.shape[0]
    horizon = len(trend_steps)
    state = np.broadcast_to(inputs.state.T[:, None, :], (N_CRITERIA, b, n)).copy()

    crit_gain = (gain[:, :N_CRITERIA] + inputs.criterion_shift).T  # (criterion, draw)
    b_nmet = gain[:, N_CRITERIA][:, None]
    b_push = gain[:, N_CRITERIA + 1 : N_CRITERIA + 1 + N_PUSH]
    b_diff, b_trend, b_registered = (
        gain[:, N_CRITERIA + 1 + N_PUSH + k][:, None] for k in range(3)
    )
    # capacity(n_met) per draw, as a lookup table over 0..19 criteria met: slope and push steps
    levels = np.arange(N_CRITERIA + 1)
    capacity = b_nmet * (levels - N_MET_CENTRE) + b_push @ push_matrix(levels).T
    row_group = np.repeat(np.arange(len(GROUP_SLICES)), [hi - lo for lo, hi in GROUP_SLICES])
    group_loss = loss[:, : len(GROUP_SLICES)].T[row_group]  # (criterion, draw)
    c_nmet = loss[:, -1][:, None]
    # [forecast] a recognised commune's extra log-odds of losing a criterion
    c_recognised = loss[:, RECOGNISED][:, None]
    loss_static = draws.loss_district[:, inputs.district_index]
    # the count's part of the loss log-odds per draw, as a lookup table over 0..19 met
    loss_count = c_nmet * (levels - N_MET_CENTRE) + c_recognised * (levels == N_CRITERIA)
    starts = np.flatnonzero(np.diff(inputs.district_index, prepend=-1))  # communes by district
    # a bound on every loss log-odds of a (criterion, draw, district) segment whatever the
    # path: the count's part at its largest over 0..19 criteria met (the recognised term
    # only where it applies, at 19), the district's own effect (exact: one per segment)
    district_loss = draws.loss_district[:, inputs.district_index[starts]]  # (draw, segment)
    loss_bound = group_loss[:, :, None] + (loss_count.max(axis=1)[:, None] + district_loss)
    b_level = gain[:, GAIN_TERMS.index("level")][:, None]
    static = (
        b_diff * inputs.difficult
        + b_level * inputs.level
        + level_spline_effect(gain, inputs.level)
        + draws.district[:, inputs.district_index]
        + draws.commune
        + inputs.commune_shift
    )

    out = {
        "ntm": np.zeros((b, horizon, n_districts), np.int32),
        "sum_met": np.zeros((b, horizon, n_districts), np.int32),
        "below": np.zeros((b, horizon, n_districts), np.int32),
        "close": np.zeros((b, horizon, n_districts), np.int32),
        "commune_ntm": np.zeros((horizon, n), np.int64),
    }
    if record_states:  # [geo] per-commune criteria as a bitmask (bit c-1 = criterion c met)
        out["states"] = np.zeros((b, horizon, n), np.uint32)
    engine = Engine(state, rng, loss_bound, starts)
    crit_odds = _odds(crit_gain)  # the criterion part never changes: its odds once
    # a (draw, 0..19 met) table is read at (draw, commune) through flat positions
    table_row = (np.arange(b) * (N_CRITERIA + 1))[:, None]
    loss_count = loss_count.ravel()
    n_met = _count_met(state)
    for step, trend in enumerate(trend_steps):
        at_count = table_row + n_met  # (draw, commune) → its row of the tables, this year
        # the same sums in the same order as before (bit-identical), the capacity looked up
        # through flat positions (half the cost of take_along_axis)
        gain_base = capacity.ravel()[at_count]
        gain_base += static
        gain_base += b_trend * trend
        year = draws.shocks[:, step : step + 1]  # (draw, 1)
        if inputs.registered[step].any():  # else adding b_registered · 0 changes no bit
            year = year + b_registered * inputs.registered[step]
        gain_base += year

        def loss_base(at: np.ndarray, table: np.ndarray = at_count) -> np.ndarray:
            """The loss log-odds' (draw, commune) part at flat (draw, commune) positions
            (``take`` reads an array flat)."""
            return loss_count.take(table.take(at)) + loss_static.take(at)

        np.clip(gain_base, -LOGIT_CLIP, LOGIT_CLIP, out=gain_base)  # _odds, in place
        base_odds = np.exp(gain_base, out=gain_base).astype(np.float32)
        engine.advance(crit_odds, base_odds, group_loss, loss_base)

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


LOGIT_CLIP = 40.0  # |log-odds| beyond this is a probability within 4e-18 of 0 or 1


class Engine:
    """The transitions of a (criterion, draw, commune) bool ``state``, year by year, in place.

    Each year every unmet criterion is gained with probability sigmoid(gain log-odds) and
    every met one lost with probability sigmoid(loss log-odds), independently given the
    year's start. The engine is exact in that distribution but draws only what the
    transitions need (issue 17), instead of one uniform per cell and year:

    - **gains by waiting times.** An unmet criterion gets one uniform U when its wait starts
      (the as-of year, or the year it was lost) and is gained in the first year t at which
      clock U · Π_{s≤t} (1 + odds_s) exceeds 1, where odds_s = e^(gain log-odds).
      P(not gained by t) = Π 1/(1 + odds_s) = Π (1 − p_s), and given no gain before t, the
      chance in year t is p_t: the same process, with one random number per wait rather than
      per year. With odds = e^(criterion part)·e^(commune part), ``exp`` is taken of the
      small (criterion, draw) and (draw, commune) arrays only; log-odds are clipped to
      ±``LOGIT_CLIP`` so no product is inf·0.
    - **rare losses by Poisson thinning.** Per (criterion, draw, district) segment a bound
      p̄ ≥ every cell's loss probability (the district's own effect, the count's part at its
      largest over 0–19 criteria) is turned into a hazard h = −log(1 − p̄) per cell; the
      segments laid end to end form a line of length H = Σ n·h (a per-row bound with the
      largest district effect and the count and recognised terms bounded separately made
      ~7× as many candidates on the bundled data); Poisson(H) points thrown uniformly on it
      make a cell a *candidate* with probability 1 − e^(−h) = p̄, independently across cells.
      A met candidate is lost with probability p / p̄ (one uniform a per candidate). The
      same a gives the lost criterion its new waiting time (a / (p / p̄) is uniform given
      a < p / p̄), so no other number is drawn. Losses cost O(p̄ · cells) random numbers.

    Common random numbers: how many numbers are drawn, and for which cells, depends only on
    the starting state, the draws' coefficients and the loss bound (which must not depend on
    the simulated path), never on the outcomes. A scenario that changes gain odds therefore
    sees the same uniforms for every cell, and a cell it does not touch the same history.
    """

    def __init__(
        self,
        state: np.ndarray,
        rng: np.random.Generator,
        loss_bound: np.ndarray,
        segments: np.ndarray | None = None,
    ) -> None:
        """``loss_bound[c, d]``: log-odds at or above every loss log-odds of row (c, d) in
        every year, whatever happens (fixed here, so the loss candidates never depend on
        the path: see common random numbers above). With ``segments`` (the first commune
        of each of S runs of communes, e.g. the districts), ``loss_bound[c, d, s]`` bounds
        the cells of row (c, d) in run s only: a tighter bound, fewer candidates."""
        self.state = state
        self.rng = rng
        n = state.shape[2]
        self._segments = np.zeros(1, np.int64) if segments is None else np.asarray(segments)
        self._sizes = np.diff(self._segments, append=n)
        bound = loss_bound if loss_bound.ndim == 3 else loss_bound[..., None]
        bound = np.minimum(bound, LOGIT_CLIP).ravel()  # (row, segment), row-major
        self._hazard = np.logaddexp(0.0, bound)  # −log(1 − sigmoid(x)) = log(1 + e^x)
        lengths = self._hazard * np.tile(self._sizes, len(bound) // len(self._sizes))
        self._ends = np.cumsum(lengths)  # the segments laid end to end
        self._starts = self._ends - lengths
        self._inv_bound = 1.0 + np.exp(-bound)  # 1 / p̄
        # each segment's first and last cell, as flat positions: a point's cell in one step
        rows = np.arange(len(bound)) // len(self._segments)
        runs = np.tile(np.arange(len(self._segments)), len(bound) // len(self._segments))
        self._first_cell = rows * n + self._segments[runs]
        self._last_cell = self._first_cell + self._sizes[runs] - 1
        # per unmet cell: U times every year's 1 + odds so far, gained once above 1. A met
        # cell's clock is inf (or runs to it): unused until the cell is lost and restarts it.
        # Log-odds clipped to ±LOGIT_CLIP keep every odds a normal float32 (no inf·0, no
        # slow subnormals), and a clock ≥ U ≥ 2⁻²⁴ is normal too.
        self.clock = np.full(state.shape, np.inf, np.float32)
        unmet = ~state
        fresh = rng.random(int(np.count_nonzero(unmet)), dtype=np.float32)
        # (0, 1], in flat order: ``place`` writes a mask's cells in that order, as
        # ``clock[unmet] = ...`` does, in less time (this start: 18.2 vs 20.9 ms median per
        # chunk with cold caches, numpy 2.4; flat positions were slower than either)
        np.place(self.clock, unmet, np.subtract(1.0, fresh, out=fresh))
        self._odds = np.empty(state.shape[1:], np.float32)

    def step(
        self,
        crit_gain: np.ndarray,
        gain_base: np.ndarray,
        row_loss: np.ndarray,
        loss_base: np.ndarray,
    ) -> None:
        """One year. Gain log-odds of cell (c, d, i): ``crit_gain[c, d] + gain_base[d, i]``;
        loss log-odds ``row_loss[c, d] + loss_base[d, i]``, never above the loss bound."""
        self.advance(_odds(crit_gain), _odds(gain_base), row_loss, loss_base.reshape(-1).take)

    def advance(
        self,
        crit_odds: np.ndarray,
        base_odds: np.ndarray,
        row_loss: np.ndarray,
        loss_base: Callable[[np.ndarray], np.ndarray],
    ) -> None:
        """``step`` with the gain odds' two parts already exponentiated (``_odds``) and the
        loss log-odds' (draw, commune) part as a function of flat (draw, commune) positions
        (draw · communes + commune), asked only at the loss candidates (a few per cent of
        the cells) instead of made for every cell.

        A cell is met exactly when its clock is above 1 (a met cell's clock is inf, or ran
        past 1 when it was gained; odds are never 0 or inf, so it never turns NaN): the
        gain pass writes the state from the clock directly, one pass fewer per plane."""
        lost, fresh = self._losses(row_loss, loss_base)
        odds = self._odds
        with np.errstate(over="ignore"):  # a met cell's clock may run to inf: it stays met
            for c in range(len(crit_odds)):  # plane by plane: the buffers stay in the CPU cache
                np.multiply(base_odds, crit_odds[c][:, None], out=odds)
                clock = self.clock[c]
                odds *= clock
                clock += odds  # clock · (1 + odds)
                np.greater(clock, 1.0, out=self.state[c])
        if lost.size:
            self.state.reshape(-1)[lost] = False
            self.clock.reshape(-1)[lost] = fresh

    def _poisson_points(self, length: float) -> np.ndarray:
        """The points of a unit-rate Poisson process on [0, ``length``), in order: running
        sums of exponential gaps (drawn in one batch large enough nearly always)."""
        if not length > 0:
            return np.empty(0)
        points = np.cumsum(self.rng.standard_exponential(int(length + 6 * length**0.5 + 16)))
        while points[-1] < length:  # the batch fell short (a 6-sigma event): draw on
            more = np.cumsum(self.rng.standard_exponential(int(length**0.5 + 16)))
            points = np.concatenate([points, points[-1] + more])
        return points[: np.searchsorted(points, length)]

    def _losses(
        self, row_loss: np.ndarray, loss_base: Callable[[np.ndarray], np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Flat indices of the met cells lost this year, and their restarted clocks U."""
        _, b, n = self.state.shape
        points = self._poisson_points(float(self._ends[-1]))
        if not points.size:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        segment = np.searchsorted(self._ends, points, side="right")  # fewer points than ends
        offset = (points - self._starts[segment]) / self._hazard[segment]
        cell = np.minimum(  # row · communes + the segment's first commune + the offset
            self._first_cell[segment] + offset.astype(np.int64), self._last_cell[segment]
        )  # sorted, as the points
        first = np.flatnonzero(np.diff(cell, prepend=-1))  # two points on one cell: one candidate
        accept = self.rng.random(first.size)  # one per candidate, met or not: see the class
        met = np.flatnonzero(self.state.reshape(-1)[cell[first]])  # only a met one can be lost
        keep, accept = first[met], accept[met]
        cell, segment = cell[keep], segment[keep]
        row_logit = row_loss.ravel()[cell // n]  # row (criterion, draw) = cell // communes
        logit = np.minimum(row_logit + loss_base(cell % (b * n)), LOGIT_CLIP)
        with np.errstate(over="ignore"):  # exp(−logit) = inf: p = 0, never accepted
            ratio = self._inv_bound[segment] / (1.0 + np.exp(-logit))  # p / p̄
        lost = accept < ratio
        fresh = (1.0 - accept[lost] / ratio[lost]).astype(np.float32)  # uniform on (0, 1]
        return cell[lost], fresh


def _odds(log_odds: np.ndarray) -> np.ndarray:
    """e^(log-odds) as float32, the log-odds clipped to ±``LOGIT_CLIP`` (see ``Engine``)."""
    return np.exp(np.clip(log_odds, -LOGIT_CLIP, LOGIT_CLIP)).astype(np.float32)


def simulate(
    panel: Panel,
    model: TransitionModel,
    target_year: int,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    scenario: Scenario | None = None,
    as_of: int | None = None,
    registered: Registrations | None = None,
    record_states: bool = False,
    component_draws: int = 0,
) -> Forecast:
    """Simulate every commune from ``as_of`` (default: the panel's last year) to ``target_year``.

    ``registered`` (year → communes registered to reach the standard that year) adds the
    fitted registration push to those communes in that year; it is 0 when the history had
    no registrations to estimate it from (then use a scenario's ``priority_communes``).

    Only communes assessed in the as-of year are simulated (a commune merged away earlier
    is not forecast); a commune or district the model has not seen gets effects drawn from
    the fitted population spread.

    ``record_states``: also keep every commune's criteria in every draw and year
    (``Forecast.states``), so that ``crossing.py`` can map the simulated units onto the units
    of a later registry list (a forecast across a boundary change). Off by default: it costs
    4 bytes per draw × year × commune.

    ``component_draws``: for a trend mixture, at least this many draws of each of its two
    fits, so that P(target) with and without the trend (``Forecast.component_probability``)
    is not read off a handful of draws when the data give one fit a small weight. A fit with
    fewer draws in the mixture gets the shortfall simulated in the same pass, after the
    mixture's draws and from the same streams (the mixture's numbers do not change), kept
    apart from the mixture (``component_ntm``), never mixed into its figures.
    """
    as_of = check_as_of(panel, as_of)
    if not target_year_after(target_year, as_of):
        raise MessageError(
            Msg("error.forecast.target_not_after", target_year=target_year, as_of=as_of)
        )
    if n_draws < 1:
        raise MessageError(Msg("error.forecast.draws", draws=n_draws))
    scenario = scenario or Scenario()
    now = panel.wide().xs(as_of, level="year")
    if len(now) < len(panel.communes):
        panel = panel.subset(communes=now.index.tolist())
    communes = panel.communes
    codes = communes["commune_code"].tolist()
    unknown = sorted(set(scenario.priority_communes) - set(codes))
    if unknown:
        raise ScenarioError(
            Msg(
                "error.scenario.unknown_communes",
                name=scenario.name,
                codes=", ".join(map(str, unknown)),
                count=len(unknown),
            )
        )
    wide = now.reindex(codes)
    districts = panel.district_codes
    district_index = communes["district_code"].map({c: i for i, c in enumerate(districts)})
    if np.any(np.diff(district_index.to_numpy()) < 0):  # Panel sorts communes by district
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
        registered=np.zeros((0, len(codes))),
        level=_levels(model, codes, wide.sum(axis=1).to_numpy(float)) - N_MET_CENTRE,
    )
    years = list(range(as_of + 1, target_year + 1))
    registered = registered or {}
    inputs = replace(
        inputs,
        registered=np.array(
            [np.isin(codes, [str(c) for c in registered.get(t, ())]) for t in years], float
        ),
    )
    # trend value of the transition from year t to t+1 is t - trend_origin
    trend_steps = np.array([t - 1 - model.trend_origin for t in years], dtype=float)

    coef_seed, flip_seed = np.random.SeedSequence(seed).spawn(2)
    coef_rng = np.random.default_rng(coef_seed)
    draws, from_trend, chosen = _draw_coefficients(
        model, n_draws, coef_rng, codes, districts, len(years)
    )
    extra, extra_trend = _top_up(
        model, from_trend, component_draws, coef_rng, codes, districts, len(years)
    )
    rng = np.random.default_rng(flip_seed)
    chunk = max(1, CELLS_PER_CHUNK // (len(codes) * N_CRITERIA))
    parts = [
        _simulate_chunk(
            inputs,
            draws.rows(start, start + chunk),
            trend_steps,
            rng,
            len(districts),
            record_states,
        )
        for start in range(0, n_draws, chunk)
    ]
    extra_parts = [  # after the mixture's chunks: its random numbers are unchanged
        _simulate_chunk(inputs, extra.rows(start, start + chunk), trend_steps, rng, len(districts))
        for start in range(0, len(extra_trend), chunk)
    ]
    return Forecast(
        as_of=as_of,
        years=years,
        districts=_district_table(panel, districts),
        communes=communes[["commune_code", "commune_name", "district_code"]].reset_index(drop=True),
        observed=_observed_now(panel, wide, districts),
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
        from_trend=from_trend,
        chosen_form=chosen if model.other_form is not None else None,
        states=np.concatenate([p["states"] for p in parts]) if record_states else None,
        component_ntm=np.concatenate([p["ntm"] for p in extra_parts]) if extra_parts else None,
        component_from_trend=extra_trend if extra_parts else None,
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
    from_trend: np.ndarray | None = None  # (draw,) True where the draw used the trend fit
    # (draw, year, commune) uint32 criteria bitmasks, only with record_states=True
    states: np.ndarray | None = None
    # a trend mixture's top-up draws (simulate(component_draws=...)): (draw, year, district)
    # communes meeting the standard, and which fit each draw came from; not in the mixture
    component_ntm: np.ndarray | None = None
    component_from_trend: np.ndarray | None = None
    # (draw,) True where the draw came from the model's chosen capacity form, False from its
    # other form (``TransitionModel.other_form``); None when the model has one form only
    chosen_form: np.ndarray | None = None

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

    def probability_se(self, probability: float) -> float:
        """Monte Carlo standard error of a probability estimated from this forecast's draws
        (independent draws: binomial)."""
        return float(np.sqrt(max(probability * (1.0 - probability), 0.0) / self.n_draws))

    def probability_by_trend(
        self, target: float, year: int, unit: int | None = None
    ) -> dict[str, float | None]:
        """P(target) among the draws from the trend fit and from the no-trend fit (None when
        the forecast has no such draws), with the trend fit's weight."""
        counts = self.unit_draws(unit)[:, self._year_index(year)] >= target
        split = self.from_trend if self.from_trend is not None else np.ones(self.n_draws, bool)
        return {
            "with_trend": float(counts[split].mean()) if split.any() else None,
            "without_trend": float(counts[~split].mean()) if (~split).any() else None,
            "trend_weight": float(split.mean()),
            "n_with_trend": int(split.sum()),
            "n_without_trend": int((~split).sum()),
        }

    def component_probability(
        self, target: float, year: int, unit: int | None, trend: bool
    ) -> tuple[float, int] | None:
        """P(target) among every simulated draw of one fit of the trend mixture (``trend``:
        the trend fit, else the no-trend fit) — the mixture's own draws of it and the top-up
        draws (``simulate(component_draws=...)``) — with their number; None without any."""
        i = self._year_index(year)
        split = self.from_trend if self.from_trend is not None else np.ones(self.n_draws, bool)
        counts = [self.unit_draws(unit)[:, i][split == trend]]
        if self.component_ntm is not None:
            extra = self.component_ntm[:, i, self._columns(unit)].sum(axis=1)
            counts.append(extra[self.component_from_trend == trend])
        reached = np.concatenate(counts) >= target
        return (float(reached.mean()), int(reached.size)) if reached.size else None

    def plan_probabilities(
        self, plan: Mapping[int, float], unit: int | None = None
    ) -> pd.DataFrame:
        """P(meeting each forecast year's plan): ``plan`` maps year → communes meeting the
        standard planned by then; years outside the forecast are left out."""
        rows = []
        for year, target in sorted(plan.items()):
            if year not in self.years:
                continue
            p = self.probability(target, year, unit)
            rows.append(
                {
                    "year": int(year),
                    "plan": float(target),
                    "probability": p,
                    "mc_se": self.probability_se(p),
                    "expected": float(self.unit_draws(unit)[:, self._year_index(year)].mean()),
                }
            )
        return pd.DataFrame(rows, columns=["year", "plan", "probability", "mc_se", "expected"])

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
    target_year: int = DEFAULT_TARGET_YEAR,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    scenario: Scenario | None = None,
    as_of: int | None = None,
    trend: bool | str = True,
    registered: Registrations | None = None,
    record_states: bool = False,
    fitter: Callable[..., TransitionModel] = fit,
    component_draws: int = 0,
) -> Forecast:
    """Fit the transition model on the panel up to ``as_of`` and simulate to ``target_year``.

    ``trend``: True (default) averages the trend and no-trend fits by their held-out scores;
    False fits no trend; "only" the trend fit alone (see ``model.fit``).
    ``registered``: registration lists, history and future years alike (see ``simulate``).
    ``fitter``: ``fit`` or a function with its signature (``cache.cached_fit``: the fit read
    from the cache when the same data were fitted before). ``component_draws``: see
    ``simulate``.
    """
    as_of = check_as_of(panel, as_of)
    history = panel.subset(years=[y for y in panel.years if y <= as_of])
    model = fitter(history, trend=trend, registered=registered)
    return simulate(
        history,
        model,
        target_year,
        n_draws,
        seed,
        scenario,
        as_of,
        registered,
        record_states,
        component_draws,
    )
