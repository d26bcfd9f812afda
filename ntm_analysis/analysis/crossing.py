"""Forecasts across a boundary change: simulate the old units, count on the new ones.

A panel on the 207 xã of 2017 forecast to 2020 must be counted on the 181 xã that exist in
2020: 26 were merged away on 1 Jan 2020. The simulation runs on the units the data is on (it
knows their history); each draw's criteria are then mapped through the change table with the
chosen merge rule (``harmonise.RULES``) and the NTM communes are counted on the new units. The
target, set on the old units, is restated as a share of them, and the change of denominator
is kept as numbers (``DenominatorChange``: "77 of 207 xã, set in 2017 … about 67 of 181" is
``report.crossing``'s to say).

"as assessed" cannot apply to simulated years (nobody has assessed them): "all parts met it"
is used instead, and the notes say so.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ntm_analysis.core.criteria import CRITERIA_NUMBERS
from ntm_analysis.core.errors import MessageError, Msg
from ntm_analysis.core.panel import Panel
from ntm_analysis.geography.admin import AdminRegistry, registry
from ntm_analysis.geography.admin_check import label
from ntm_analysis.geography.harmonise import DEFAULT_RULE, check_rule
from ntm_analysis.model.forecast import DEFAULT_DRAWS, DEFAULT_SEED, Forecast, run_forecast

FULL = np.uint32((1 << 19) - 1)  # all 19 criteria met


@dataclass(frozen=True)
class TargetOnUnits:
    """A target with the units it was set on: "77 of 207 xã, set in 2017"."""

    value: float
    vintage: str  # the registry list whose xã the target counts
    n_units: int  # the number of xã in that list (the denominator)
    set_in: int  # the year the target was set

    @property
    def share(self) -> float:
        return self.value / self.n_units

    def restated(self, n_units: int) -> float:
        """The same share of another number of communes."""
        return self.share * n_units


def n_communes(vintage: str, district_code: int | None = None) -> int:
    """The xã of ``vintage`` (of one district: its GSO code), the denominator of a target."""
    units = registry().units_in(vintage, ["xa"])
    if district_code is not None:
        units = units[units["district_code"] == district_code]
    return len(units)


def target_on_units(
    value: float, vintage: str, set_in: int, district_code: int | None = None
) -> TargetOnUnits:
    """A target counted on the xã of ``vintage`` (e.g. 77, "2017", set in 2017 → of 207), of
    the province or of one district."""
    return TargetOnUnits(value, vintage, n_communes(vintage, district_code), set_in)


@dataclass(frozen=True)
class DenominatorChange:
    """A target set on the xã of one list, counted on those of a later one: "77 of 207 xã set
    in 2017; from 1/1/2020 the province has 181 xã, about 67 of them" (the words:
    ``report.crossing.denominator_words``)."""

    target: TargetOnUnits
    on: dt.date  # the day the later list took effect
    n_to: int  # its xã (of the district, for a district's target)
    district_code: int | None = None
    district_name: str = ""

    @property
    def value_to(self) -> float:
        """The target restated on the later list's xã (the same share)."""
        return self.target.restated(self.n_to)


def denominator_change(
    target: TargetOnUnits, to_vintage: str, district_code: int | None = None
) -> DenominatorChange:
    """The change of denominator of ``target`` from its list to ``to_vintage``: the
    province's xã before and after, or for a district its own."""
    return DenominatorChange(
        target,
        on=registry().vintage(to_vintage).valid_from,
        n_to=n_communes(to_vintage, district_code),
        district_code=district_code,
        district_name="" if district_code is None else _district_name(to_vintage, district_code),
    )


def _district_name(vintage: str, district_code: int) -> str:
    units = registry().units_in(vintage)
    names = units.loc[units["district_code"] == district_code, "district_name"]
    return str(names.iloc[0]) if len(names) else str(district_code)


@dataclass(frozen=True)
class CrossingForecast:
    """NTM communes on the new units in ``year``, per draw, and how they were obtained
    (numbers and codes; ``report.crossing`` says it in words)."""

    forecast: Forecast  # the simulation on the old units (with states)
    year: int
    from_vintage: str
    to_vintage: str
    rule: str
    units: pd.DataFrame  # the new xã counted: code, name, district_code, former_district
    mapped_ntm: np.ndarray  # (draw, unit) the new unit meets all 19 criteria in ``year``
    n_from: int  # the old units simulated (the province's)
    notes: tuple[Msg, ...] = ()  # what the user is told: thị trấn not assessed, fallbacks…
    district_code: int | None = None  # counted on one district's xã (``for_district``)
    target: TargetOnUnits | None = None  # the target counted, on the units it was set on
    denominator: DenominatorChange | None = None  # that target on the new units

    @property
    def ntm(self) -> np.ndarray:
        """(draw,) NTM communes among ``units`` in ``year``."""
        return self.mapped_ntm.sum(axis=1)

    @property
    def n_units(self) -> int:
        return len(self.units)

    def by_former_district(self) -> pd.DataFrame:
        """NTM communes per former district (huyện cũ): the grouping left after 1 Jul 2025,
        when districts were abolished. A unit formed across two former districts is its own
        group ("Cao Lộc + Văn Quan"): no district is invented. Columns: former_district,
        n_units, mean, low, high (80% interval of the NTM count)."""
        rows = []
        for name, group in self.units.groupby("former_district", sort=True):
            counts = self.mapped_ntm[:, group.index.to_numpy()].sum(axis=1)
            low, high = np.quantile(counts, [0.1, 0.9])
            rows.append((name, len(group), counts.mean(), low, high))
        return pd.DataFrame(rows, columns=["former_district", "n_units", "mean", "low", "high"])

    def for_district(self, district_code: int, target: TargetOnUnits | None = None):
        """The same draws counted on one district's new xã (a district keeps its GSO code
        across the 2020 and 2024 changes). After 1 Jul 2025 there are no districts: refused
        (``by_former_district`` is the grouping left). ``target``: the district's own target,
        on its units before the change, and its denominator change (the province's target
        is not kept)."""
        if self.units["district_code"].isna().all():
            raise MessageError(Msg("error.geo.no_districts"))
        keep = (self.units["district_code"] == district_code).to_numpy()
        return replace(
            self,
            units=self.units[keep].reset_index(drop=True),
            mapped_ntm=self.mapped_ntm[:, keep],
            district_code=int(district_code),
            target=target,
            denominator=None
            if target is None
            else denominator_change(target, self.to_vintage, district_code),
        )

    def summary(self, target: TargetOnUnits | None = None) -> dict:
        """JSON-safe numbers and codes: the lists and rule, the NTM count on the new units
        (mean, 80% interval), the target restated and its probability (``report.crossing``
        adds the words)."""
        low, high = np.quantile(self.ntm, [0.1, 0.9]) if len(self.ntm) else (0.0, 0.0)
        out: dict = {
            "from_vintage": self.from_vintage,
            "to_vintage": self.to_vintage,
            "rule": self.rule,
            "n_from": self.n_from,
            "n_to": self.n_units,
        }
        if self.district_code is not None:
            out["district_code"] = self.district_code
        out.update(
            year=self.year,
            n_units=self.n_units,
            mean=float(self.ntm.mean()),
            low=float(low),
            high=float(high),
        )
        if target is not None:
            out["target_restated"] = target.restated(self.n_units)
            out["probability"] = self.probability_of_share(target)
        if self.units["district_code"].isna().all():  # no districts: by former district
            out["by_former_district"] = self.by_former_district().to_dict("records")
        return out

    def probability(self, target: float) -> float:
        """P(at least ``target`` NTM communes among the new units)."""
        return float(np.mean(self.ntm >= target - 1e-9))

    def probability_of_share(self, target: TargetOnUnits) -> float:
        """P(the share of NTM communes on the new units reaches the target's share)."""
        return self.probability(math.ceil(target.restated(self.n_units) - 1e-9))


def map_states(
    states: np.ndarray,
    codes: list[str],
    from_vintage: str,
    to_vintage: str,
    rule: str = DEFAULT_RULE,
    reg: AdminRegistry | None = None,
) -> tuple[pd.DataFrame, np.ndarray, list[Msg]]:
    """Criteria bitmasks (draw, commune) of the xã ``codes`` of ``from_vintage`` mapped to
    the xã of ``to_vintage`` formed from them. Returns the new units, their bitmasks and notes.
    """
    reg = reg or registry()
    check_rule(rule)
    notes: list[Msg] = []
    cw = reg.crosswalk(from_vintage, to_vintage)
    new_xa = reg.units_in(to_vintage, ["xa"]).set_index("code")
    old_xa = set(reg.units_in(from_vintage, ["xa"])["code"])
    where = {c: i for i, c in enumerate(codes)}
    cw = cw[cw["to_code"].isin(new_xa.index)]
    cw = cw[cw["to_code"].isin(set(cw.loc[cw["from_code"].isin(where), "to_code"]))]
    for to_code, group in cw[~cw["from_code"].isin(old_xa)].groupby("to_code"):
        notes.append(  # a thị trấn or phường taken into a new xã: not assessed on NTM criteria
            Msg(
                "error.geo.note.not_assessed",
                unit=label(reg.unit(to_vintage, to_code)),
                parts=", ".join(label(reg.unit(from_vintage, c)) for c in group["from_code"]),
            )
        )
    cw = cw[cw["from_code"].isin(old_xa)]
    people = _people(reg, from_vintage, to_vintage)
    if rule == "assessed":
        notes.append(Msg("error.geo.note.assessed_future"))
    fallback: list[str] = []
    to_codes = sorted(set(cw["to_code"]))
    mapped = np.empty((states.shape[0], len(to_codes)), np.uint32)
    for j, to_code in enumerate(to_codes):
        parts = cw.loc[cw["to_code"] == to_code, "from_code"].tolist()
        missing = [p for p in parts if p not in where]
        unit = reg.unit(to_vintage, to_code)
        if missing:
            raise MessageError(
                Msg(
                    "error.geo.incomplete_merge",
                    unit=label(unit),
                    vintage=to_vintage,
                    year=reg.vintage(to_vintage).valid_from.year,
                    parts=", ".join(label(reg.unit(from_vintage, p)) for p in parts),
                    missing=", ".join(label(reg.unit(from_vintage, p)) for p in missing),
                )
            )
        cols = states[:, [where[p] for p in parts]]
        known = [people.get((p, to_code)) for p in parts]
        if len(parts) > 1 and rule == "largest" and all(k is not None for k in known):
            mapped[:, j] = cols[:, int(np.argmax(known))]
            continue
        if len(parts) > 1 and rule == "largest":
            fallback.append(label(unit))
        mapped[:, j] = np.bitwise_and.reduce(cols, axis=1)
    if fallback:
        notes.append(Msg("error.geo.note.fallback", units=", ".join(fallback)))
    units = pd.DataFrame(
        {
            "code": to_codes,
            "name": new_xa.loc[to_codes, "name"].to_numpy(),
            "district_code": new_xa.loc[to_codes, "district_code"].to_numpy(),
            "former_district": new_xa.loc[to_codes, "former_district"].to_numpy(),
        }
    )
    return units, mapped, notes


def _people(reg: AdminRegistry, from_vintage: str, to_vintage: str) -> dict:
    """(from_code, to_code) → people of that piece, for a single change (else empty)."""
    keys = reg.keys()
    if keys.index(to_vintage) != keys.index(from_vintage) + 1:
        return {}
    links = reg.change_links(to_vintage).dropna(subset=["people"])
    return {(r.from_code, r.to_code): int(r.people) for r in links.itertuples()}


def forecast_across(
    panel: Panel,
    year: int,
    target: TargetOnUnits | None = None,
    rule: str = DEFAULT_RULE,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    **kwargs,
) -> CrossingForecast:
    """Simulate ``panel``'s units to ``year`` and count NTM communes on the units in force
    at the end of ``year``. The panel must be on real GSO codes (``Panel.geography``)."""
    reg = registry()
    if panel.geography is None:
        raise MessageError(Msg("error.geo.vintage", vintage="?", allowed=", ".join(reg.keys())))
    from_vintage = panel.geography.vintage
    to_vintage = reg.vintage_of_year(year).key
    forecast = run_forecast(
        panel, target_year=year, n_draws=n_draws, seed=seed, record_states=True, **kwargs
    )
    codes = forecast.communes["commune_code"].tolist()
    states = forecast.states[:, forecast.years.index(year), :]
    units, mapped, notes = map_states(states, codes, from_vintage, to_vintage, rule, reg)
    return CrossingForecast(
        forecast,
        year,
        from_vintage,
        to_vintage,
        rule,
        units,
        mapped == FULL,
        n_from=len(codes),
        notes=tuple(notes),
        target=target,
        denominator=None if target is None else denominator_change(target, to_vintage),
    )


# --------------------------------------------------------------------------- former districts


def former_district_table(forecast: Forecast, panel: Panel, year: int) -> pd.DataFrame:
    """A panel without districts (the units after 1 Jul 2025) grouped by former district:
    the district(s) a unit's parts belonged to on 30 Jun 2025 ("Cao Lộc + Văn Quan" for a
    unit formed across two), so no district is invented. One row per group: former_district,
    n_communes, now (NTM communes at the as-of year), mean_criteria (now), expected, lo80,
    hi80 (NTM communes in ``year``; the interval from the simulation's commune states,
    recorded for such panels by ``analysis.cache``; without them NaN, never made up)."""
    former = dict(panel.geography.former_district) if panel.geography is not None else {}
    codes = forecast.communes["commune_code"].tolist()
    group = pd.Series([former.get(c, "") for c in codes])
    now = panel.wide().xs(forecast.as_of, level="year").reindex(codes).sum(axis=1).to_numpy()
    i = forecast.years.index(year)
    full = forecast.states[:, i, :] == FULL if forecast.states is not None else None
    rows = []
    for name, members in group.groupby(group, sort=True):
        cols = members.index.to_numpy()
        low = high = np.nan
        if full is not None:
            counts = full[:, cols].sum(axis=1)
            low, high = np.quantile(counts, [0.1, 0.9], method="inverted_cdf")
        rows.append(
            {
                "former_district": name,
                "n_communes": len(cols),
                "now": int((now[cols] == len(CRITERIA_NUMBERS)).sum()),
                "mean_criteria": float(now[cols].mean()),
                "expected": float(forecast.commune_ntm[i, cols].sum()),
                "lo80": float(low),
                "hi80": float(high),
            }
        )
    return pd.DataFrame(rows)
