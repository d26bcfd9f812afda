"""Lạng Sơn's commune-level units over time: registry vintages and the changes between them.

A commune code is not a stable key. The GSO reuses codes: 06139 is xã Trùng Quán in the 2017
list (dissolved on 1 Jan 2020) and xã Bắc Hùng from the 2021 list on; 06040 is xã Đại Đồng
until Nov 2024 and then TT Thất Khê. So a unit is identified by ``(vintage, code)``, and the
only way from one vintage to another is a change table (a crosswalk, as census offices keep
between boundary versions): each unit of the earlier vintage, whole or in part, to the unit(s)
of the later one, with the people moved where the sources give them and the evidence level of
each row ([P] primary text, [W] Vietnamese Wikipedia, [D] a third-party dataset).

Vintages (``data/admin/lang_son_vintages.csv``): 2017 (207 xã, 14 TT, 5 phường), 2020 (181
xã after NQ 818), 2021 (the same units, 8 recoded in the Feb-2021 GSO list), 2024 (175 xã
after NQ 1246), 2025 (61 xã and 4 phường after NQ 1672; no districts). Every table is read
from ``data/admin/`` (see its data card); nothing here is typed in code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

import pandas as pd

from ntm_analysis.core.paths import reference_file
from ntm_analysis.i18n.text import fold, nfc, strip_leading_word

KINDS = ("xa", "thi-tran", "phuong")  # xã, thị trấn, phường: only xã are NTM communes
RELATIONS = ("same", "recode", "whole", "part")
UNIT_COLUMNS = [
    "vintage",
    "code",
    "name",
    "kind",
    "district_code",
    "district_name",
    "former_district",
]
LINK_COLUMNS = [
    "change",
    "from_vintage",
    "from_code",
    "to_vintage",
    "to_code",
    "relation",
    "people",
    "area_km2",
    "evidence",
    "detail",
]
_PREFIXES = {"tt nt ": "Nông trường ", "tt ": "", "p. ": ""}  # as the source tables write
_KIND_WORDS = ("xa", "thi tran", "tt", "phuong", "p")  # xã, thị trấn, phường as typed
_DISTRICT_SHORT = {"TP LS": "Thành phố Lạng Sơn"}  # the 2025 table's abbreviation


def bare_name(name: str) -> str:
    """A unit's name without the "TT "/"P. " prefix the source tables sometimes carry."""
    name = nfc(name)
    for prefix, replacement in _PREFIXES.items():
        if name.lower().startswith(prefix):
            return replacement + name[len(prefix) :]
    return name


def name_key(name: str) -> str:
    """Folded name without a unit-kind word: "Xã Xuân Mai", "xuan mai" → "xuan mai"."""
    return strip_leading_word(fold(bare_name(name)), _KIND_WORDS)


@dataclass(frozen=True)
class Vintage:
    """One version of the registry, in force from ``valid_from`` to ``valid_to`` (inclusive)."""

    key: str
    valid_from: dt.date
    valid_to: dt.date | None
    basis_vi: str
    basis_en: str

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Unit:
    """A commune-level unit of one vintage."""

    vintage: str
    code: str
    name: str
    kind: str
    district_code: int | None
    district_name: str | None
    former_district: str

    @property
    def is_commune(self) -> bool:
        """A xã: the units NTM targets count (thị trấn and phường are not assessed)."""
        return self.kind == "xa"


class AdminRegistry:
    """Every vintage's units and the change tables between consecutive vintages."""

    def __init__(self, vintages: list[Vintage], units: pd.DataFrame, links: pd.DataFrame):
        self.vintages = vintages
        self.units = units
        self.links = links
        self._pairs: dict[str | None, frozenset[tuple[str, str]]] = {}
        self._by_key = {
            (r.vintage, r.code): Unit(
                r.vintage,
                r.code,
                r.name,
                r.kind,
                None if pd.isna(r.district_code) else int(r.district_code),
                None if pd.isna(r.district_code) else r.district_name,
                r.former_district,
            )
            for r in units[UNIT_COLUMNS].itertuples(index=False)
        }

    def pairs(self, vintage: str | None = None) -> frozenset[tuple[str, str]]:
        """(code, name_key) of every unit of ``vintage`` (None: of every vintage)."""
        if vintage not in self._pairs:
            units = self.units if vintage is None else self.units_in(vintage)
            keys = units["name"].map(name_key)
            self._pairs[vintage] = frozenset(zip(units["code"], keys, strict=True))
        return self._pairs[vintage]

    @cached_property
    def codes(self) -> frozenset[str]:
        """Every code any vintage uses: a file none of whose codes is here uses no real code
        (the loader's early exit, checked before any name is folded)."""
        return frozenset(self.units["code"])

    # ------------------------------------------------------------------ vintages and dates

    def vintage(self, key: str) -> Vintage:
        for v in self.vintages:
            if v.key == key:
                return v
        raise KeyError(key)

    def keys(self) -> list[str]:
        return [v.key for v in self.vintages]

    def vintage_on(self, day: dt.date | str) -> Vintage:
        """The vintage in force on ``day``; days before 2017 use the 2017 list (no earlier
        change is recorded here)."""
        day = dt.date.fromisoformat(day) if isinstance(day, str) else day
        for v in self.vintages:
            if v.covers(day):
                return v
        return self.vintages[0]

    def vintage_of_year(self, year: int) -> Vintage:
        """The vintage of a year's end-of-year assessment: the one in force on 31 December."""
        return self.vintage_on(dt.date(year, 12, 31))

    def vintages_in_year(self, year: int) -> list[Vintage]:
        """Every vintage in force at some day of ``year``, the year-end one first (a file for
        2024 may still use the units of Jan–Nov 2024)."""
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        during = [
            v
            for v in self.vintages
            if v.valid_from <= last and (v.valid_to is None or v.valid_to >= first)
        ]
        end = self.vintage_of_year(year)
        return [end, *[v for v in reversed(during) if v != end]]

    # ------------------------------------------------------------------ units

    def units_in(self, vintage: str, kinds: Iterable[str] = KINDS) -> pd.DataFrame:
        rows = self.units[(self.units["vintage"] == vintage) & self.units["kind"].isin(kinds)]
        return rows.reset_index(drop=True)

    def has_districts(self, vintage: str) -> bool:
        """False for the lists from 1 Jul 2025 (NQ 1672: no district level)."""
        return bool(self.units_in(vintage)["district_code"].notna().any())

    def units_on(self, day: dt.date | str, kinds: Iterable[str] = KINDS) -> pd.DataFrame:
        """The units in force on ``day`` (all kinds by default)."""
        return self.units_in(self.vintage_on(day).key, kinds)

    def unit(self, vintage: str, code: str) -> Unit | None:
        return self._by_key.get((vintage, code))

    def find(self, name_or_code: str, vintage: str | None = None) -> list[Unit]:
        """Units whose code or name (any spelling, with or without "xã"/"TT") matches."""
        text = nfc(str(name_or_code))
        units = self.units if vintage is None else self.units[self.units["vintage"] == vintage]
        if text.isdigit():
            hits = units[units["code"] == text.zfill(5)]
        else:
            hits = units[units["name"].map(name_key) == name_key(text)]
        return [self._by_key[(r.vintage, r.code)] for r in hits.itertuples()]

    # ------------------------------------------------------------------ changes

    def _next(self, vintage: str) -> str | None:
        keys = self.keys()
        i = keys.index(vintage)
        return keys[i + 1] if i + 1 < len(keys) else None

    def successors(self, vintage: str, code: str, to: str | None = None) -> pd.DataFrame:
        """Where unit ``(vintage, code)`` went: across the next change (``to=None``) or to
        the vintage ``to``. Columns: to_vintage, to_code, to_name, relation ("whole": all of
        it went there, "part": a piece of it), via (the change tables crossed)."""
        target = to if to is not None else self._next(vintage)
        if target is None:
            return pd.DataFrame(columns=["to_vintage", "to_code", "to_name", "relation", "via"])
        cw = self.crosswalk(vintage, target)
        rows = cw[cw["from_code"] == code]
        return pd.DataFrame(
            {
                "to_vintage": target,
                "to_code": rows["to_code"],
                "to_name": [self._by_key[(target, c)].name for c in rows["to_code"]],
                "relation": rows["relation"],
                "via": rows["via"],
            }
        ).reset_index(drop=True)

    def predecessors(self, vintage: str, code: str) -> pd.DataFrame:
        """The units of the previous vintage that formed ``(vintage, code)``, with links."""
        return self.links[(self.links["to_vintage"] == vintage) & (self.links["to_code"] == code)]

    def change_links(self, to_vintage: str) -> pd.DataFrame:
        """The change table into ``to_vintage`` (one row per piece)."""
        return self.links[self.links["to_vintage"] == to_vintage].reset_index(drop=True)

    def crosswalk(self, from_vintage: str, to_vintage: str) -> pd.DataFrame:
        """The composed change table ``from_vintage`` → ``to_vintage`` (later or equal).

        Columns: from_code, to_code, relation ("part" if a piece anywhere on the way), via.
        Going back in time is refused: a merged unit's results cannot be split again.
        """
        keys = self.keys()
        i, j = keys.index(from_vintage), keys.index(to_vintage)
        if j < i:
            raise ValueError(f"cannot map units of {from_vintage} back to {to_vintage}")
        units = self.units_in(from_vintage)
        cw = pd.DataFrame(
            {"from_code": units["code"], "to_code": units["code"], "relation": "whole", "via": ""}
        )
        for step in keys[i + 1 : j + 1]:
            links = self.change_links(step)[["from_code", "to_code", "relation"]]
            cw = cw.merge(links, left_on="to_code", right_on="from_code", suffixes=("", "_s"))
            part = (cw["relation"] == "part") | (cw["relation_s"] == "part")
            cw = pd.DataFrame(
                {
                    "from_code": cw["from_code"],
                    "to_code": cw["to_code_s"],
                    "relation": part.map({True: "part", False: "whole"}),
                    "via": (cw["via"] + " " + step).str.strip(),
                }
            )
        return cw.drop_duplicates(["from_code", "to_code"]).reset_index(drop=True)

    def lineage(self, name_or_code: str) -> pd.DataFrame:
        """Every change on the way to and from the units matching a name or code.

        One row per link crossed (ancestors backwards, descendants forwards): change,
        from_vintage, from_code, from_name, to_vintage, to_code, to_name, relation, people,
        evidence, detail. Links where nothing happened ("same") are left out.
        """
        seeds = {(u.vintage, u.code) for u in self.find(name_or_code)}
        keep: set[int] = set()
        for forward in (True, False):
            frontier = set(seeds)
            while frontier:
                vs, cs = zip(*frontier, strict=True)
                side = ("from_vintage", "from_code") if forward else ("to_vintage", "to_code")
                keys = pd.MultiIndex.from_frame(self.links[list(side)])
                hit = self.links[keys.isin(list(zip(vs, cs, strict=True)))]
                keep |= set(hit.index)
                other = ("to_vintage", "to_code") if forward else ("from_vintage", "from_code")
                frontier = set(zip(hit[other[0]], hit[other[1]], strict=True))
        rows = self.links.loc[sorted(keep)]
        rows = rows[rows["relation"] != "same"].copy()
        rows.insert(
            3,
            "from_name",
            [
                self._by_key[k].name
                for k in zip(rows["from_vintage"], rows["from_code"], strict=True)
            ],
        )
        rows.insert(
            6,
            "to_name",
            [self._by_key[k].name for k in zip(rows["to_vintage"], rows["to_code"], strict=True)],
        )
        order = {k: i for i, k in enumerate(self.keys())}
        rows["_o"] = rows["to_vintage"].map(order)
        return (
            rows.sort_values(["_o", "from_code", "to_code"])
            .drop(columns="_o")
            .reset_index(drop=True)
        )


# --------------------------------------------------------------------------- building


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(reference_file("admin", name), dtype=str, keep_default_na=False)


def _district(name: str) -> str:
    return name.removeprefix("Huyện ").strip()


def _units_2017() -> pd.DataFrame:
    src = _read("lang_son_units_2017.csv")
    names = src["district_name"].map(_district)
    return pd.DataFrame(
        {
            "vintage": "2017",
            "code": src["code"],
            "name": src["name"].map(nfc),
            "kind": src["type"],
            "district_code": src["district_code"].astype(int),
            "district_name": names,
            "former_district": names,
        }
    )


def _coded_step(
    prev: pd.DataFrame, coded: pd.DataFrame, key: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Units and links of vintage ``key`` from the previous vintage and its coded changes."""
    prev_key = prev["vintage"].iloc[0]
    changed = set(coded["from_code"])
    same = prev[~prev["code"].isin(changed)]
    links = pd.concat(
        [
            pd.DataFrame({"from_code": same["code"], "to_code": same["code"], "relation": "same"}),
            coded[["from_code", "to_code", "relation", "people", "area_km2", "evidence", "detail"]],
        ],
        ignore_index=True,
    )
    by_code = prev.set_index("code")
    new = same.copy()
    formed = []
    for to_code, group in coded.groupby("to_code", sort=False):
        district = by_code.loc[group["from_code"], ["district_code", "district_name"]]
        if district["district_code"].nunique() != 1:
            raise ValueError(f"{key}: unit {to_code} formed across districts")
        to_name = group["to_name"].iloc[0]
        formed.append(
            {
                "code": to_code,
                "name": bare_name(to_name),
                "kind": "thi-tran" if to_name.startswith("TT ") else "xa",
                "district_code": district["district_code"].iloc[0],
                "district_name": district["district_name"].iloc[0],
            }
        )
    formed_frame = pd.DataFrame(formed)
    formed_frame["former_district"] = formed_frame["district_name"]
    new = pd.concat([new, formed_frame], ignore_index=True).assign(vintage=key)
    if new["code"].duplicated().any():
        raise ValueError(f"{key}: repeated codes {new.loc[new['code'].duplicated(), 'code']}")
    links = links.assign(change=key, from_vintage=prev_key, to_vintage=key)
    return new[UNIT_COLUMNS].sort_values("code").reset_index(drop=True), links


def _recode_step(prev: pd.DataFrame, key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    recodes = _read("lang_son_recodes_2021.csv")
    new_code = dict(zip(recodes["code_in_2020_list"], recodes["code_in_2021_list"], strict=True))
    new = prev.assign(vintage=key, code=prev["code"].map(lambda c: new_code.get(c, c)))
    links = pd.DataFrame(
        {
            "from_code": prev["code"],
            "to_code": new["code"],
            "relation": ["recode" if c in new_code else "same" for c in prev["code"]],
            "evidence": ["[D]" if c in new_code else "" for c in prev["code"]],
            "detail": [
                "code in the Feb-2020 GSO list → code from the Feb-2021 list"
                if c in new_code
                else ""
                for c in prev["code"]
            ],
        }
    ).assign(change=key, from_vintage=prev["vintage"].iloc[0], to_vintage=key)
    return new.sort_values("code").reset_index(drop=True), links


def _units_2025(prev: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    src = _read("lang_son_units_2025.csv")
    by_code = prev.set_index("code")
    known = by_code.loc[src["old_code"], "name"].map(name_key).to_numpy()
    wrong = src[known != src["old_name"].map(name_key).to_numpy()]
    if len(wrong):  # the table's old names must be the 2024 units the codes say
        raise ValueError(f"2025 table: old names disagree with 2024 codes: {wrong}")
    olds = src["old_district"].map(lambda d: _DISTRICT_SHORT.get(d, d))
    former = olds.groupby(src["new_code"]).agg(lambda d: " + ".join(sorted(set(d))))
    first = src.drop_duplicates("new_code")
    units = pd.DataFrame(
        {
            "vintage": "2025",
            "code": first["new_code"],
            "name": first["new_name"].map(nfc),
            "kind": first["new_type"],
            "district_code": None,
            "district_name": None,
            "former_district": first["new_code"].map(former),
        }
    )
    links = pd.DataFrame(
        {
            "from_code": src["old_code"],
            "to_code": src["new_code"],
            "relation": src["part"],
            "evidence": "[D]",
            "detail": "NQ 1672/NQ-UBTVQH15; old→new table of the national statistics office",
        }
    ).assign(change="2025", from_vintage=prev["vintage"].iloc[0], to_vintage="2025")
    return units.sort_values("code").reset_index(drop=True), links


def build_registry() -> AdminRegistry:
    """Read ``data/admin/`` and derive every vintage from the 2017 list and the changes."""
    table = _read("lang_son_vintages.csv")
    vintages = [
        Vintage(
            r.vintage,
            dt.date.fromisoformat(r.valid_from),
            dt.date.fromisoformat(r.valid_to) if r.valid_to else None,
            r.basis_vi,
            r.basis_en,
        )
        for r in table.itertuples()
    ]
    coded = _read("lang_son_changes_coded.csv")
    u17 = _units_2017()
    u20, l20 = _coded_step(u17, coded[coded["change"] == "2020"], "2020")
    u21, l21 = _recode_step(u20, "2021")
    u24, l24 = _coded_step(u21, coded[coded["change"] == "2024"], "2024")
    u25, l25 = _units_2025(u24)
    units = pd.concat([u17, u20, u21, u24, u25], ignore_index=True)
    units["district_code"] = units["district_code"].astype("Int64")
    links = pd.concat([l20, l21, l24, l25], ignore_index=True).reindex(columns=LINK_COLUMNS)
    links["people"] = pd.to_numeric(links["people"], errors="coerce").astype("Int64")
    links["area_km2"] = pd.to_numeric(links["area_km2"], errors="coerce")
    links[["evidence", "detail"]] = links[["evidence", "detail"]].fillna("")
    if set(links["relation"]) - set(RELATIONS):
        raise ValueError(f"unknown relations {set(links['relation']) - set(RELATIONS)}")
    return AdminRegistry(vintages, units, links)


@lru_cache(maxsize=1)
def registry() -> AdminRegistry:
    """The bundled Lạng Sơn registry (built once per process)."""
    return build_registry()
