"""Harmonise commune results across boundary changes to one registry vintage.

Rows of each year are in the units of that year's list; a panel needs one set of units, so
earlier years are mapped forward, one change at a time, through the change tables
(``admin``). Where a unit of the new list was formed from several earlier units (or parts of
them), its criteria are combined by an explicit rule:

- ``all`` (default): a criterion is met only if every part met it. National guidance
  (5424/BNN-VPĐP, 2023) requires merged communes to be re-recognised: NTM status never
  carries over by itself, and this is the rule that cannot overstate it.
- ``largest``: the part with most people decides, where the people of every part are known
  (only for a few 2020 and 2024 changes); elsewhere ``all`` is used and the units are listed.
- ``assessed``: the province's own assessment of the merged unit, from a user file
  (commune_code, year, TC1…TC19 as 1/0; read by ``io.reference.read_assessed``, since
  geography sits below io and never reads files), for every merged unit and year before
  the change.

A piece of a split unit carries the whole unit's results (nothing finer is known). A merged
unit is flagged especially difficult (ĐBKK) if any part was: the flag is a targeting list, not
an assessment, and dropping it would hide the parts that needed support. Units that
become part of a thị trấn or phường leave the rural communes NTM counts; they are left out,
with a note. Thị trấn and phường are not assessed on the NTM criteria, so when a new xã takes
one in (2025) only its xã parts are combined. Mapping backwards (splitting merged results) is
refused. The rule, the lists and the notes go into the panel's metadata (``Panel.geography``,
numbers and codes); ``report.geography`` says them in plain words for every report to show.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ntm_analysis.core.config import config_default
from ntm_analysis.core.criteria import CRITERIA_NUMBERS
from ntm_analysis.core.errors import MessageError, Msg, Problem
from ntm_analysis.core.panel import NO_DISTRICT, Geography
from ntm_analysis.geography.admin import AdminRegistry, registry
from ntm_analysis.geography.admin_check import FileCheck, Located, and_list, day, label

RULES = ("all", "largest", "assessed")
DEFAULT_RULE = config_default("merge_rule")  # the run configuration's (core.config)
_CRITERIA = list(CRITERIA_NUMBERS)


def check_rule(rule: str) -> str:
    if rule not in RULES:
        raise MessageError(Msg("error.geo.rule", rule=rule, allowed=", ".join(RULES)))
    return rule


class Harmoniser:
    """Map a wide frame (code, year, row, difficult, synthetic, criteria 1–19; one list
    per year) to the units of ``target``."""

    def __init__(
        self,
        reg: AdminRegistry,
        table: Located,
        rule: str = DEFAULT_RULE,
        assessed: pd.DataFrame | None = None,
        assessed_name: str = "",
    ):
        self.reg, self.table, self.rule = reg, table, check_rule(rule)
        self.assessed, self.assessed_name = assessed, assessed_name
        self.problems: list[Problem] = []
        self.notes: list[Msg] = []
        self.fallback: list[str] = []

    def run(self, data: pd.DataFrame, vintage_of_year: Mapping[int, str], target: str):
        order = self.reg.keys()
        data = data.assign(vintage=data["year"].map(vintage_of_year))
        later = sorted(
            y for y, v in vintage_of_year.items() if order.index(v) > order.index(target)
        )
        if later:
            self.problems.append(
                self.table.problem(
                    "error.geo.backwards",
                    vintage=target,
                    years=", ".join(map(str, later)),
                    count=len(later),
                )
            )
            return data.iloc[:0]
        first = min(order.index(v) for v in vintage_of_year.values())
        current = data[data["vintage"] == order[first]]
        for k in range(first + 1, order.index(target) + 1):
            current = self._step(current, order[k - 1], order[k], target)
            current = pd.concat([current, data[data["vintage"] == order[k]]], ignore_index=True)
        if self.fallback:
            self.notes.append(
                Msg("error.geo.note.fallback", units=", ".join(sorted(set(self.fallback))))
            )
        current = current.drop(columns="vintage")
        self._missing_years(current, target)
        return current

    def _step(self, frame: pd.DataFrame, before: str, after: str, target: str) -> pd.DataFrame:
        """One change: rows on the units of ``before`` → rows on the units of ``after``."""
        reg = self.reg
        links = reg.change_links(after)[["from_code", "to_code", "relation", "people"]]
        kind_before = reg.units_in(before).set_index("code")["kind"]
        kind_after = reg.units_in(after).set_index("code")["kind"]
        merged = frame.drop(columns=["code", "vintage"]).merge(
            links, left_on=frame["code"].to_numpy(), right_on="from_code"
        )
        leaving = merged["from_code"].map(kind_before).eq("xa") & ~merged["to_code"].map(
            kind_after
        ).eq("xa")  # a xã (or part of one) joining a thị trấn or phường
        self._note_left_out(merged[leaving], before, after)
        merged = merged[~leaving]
        self._note_not_assessed(links, kind_before, set(merged["to_code"]), before, after)
        keys = ["to_code", "year"]
        expected = links[links["from_code"].map(kind_before).eq("xa")].groupby("to_code").size()
        merged = merged.astype({"difficult": bool, "synthetic": bool})
        grouped = merged.groupby(keys, sort=False)
        present = grouped["from_code"].nunique()
        short = present.index[
            present.to_numpy() < expected.reindex(present.index.get_level_values(0)).to_numpy()
        ]
        for to_code, year in short:
            self._incomplete(merged, links, kind_before, to_code, int(year), before, after)
        result = grouped[_CRITERIA].all()
        result["row"] = grouped["row"].min()
        result["difficult"] = grouped["difficult"].any()
        result["synthetic"] = grouped["synthetic"].any()
        size = grouped.size()
        if self.rule != "all":
            multi = merged.set_index(keys).index.isin(size.index[size.to_numpy() > 1])
            for (to_code, year), group in merged[multi].groupby(keys, sort=False):
                combined = self._combine(group, to_code, int(year), after, target)
                result.loc[(to_code, year), _CRITERIA] = combined
        result = result.drop(index=list(short)).reset_index()
        result = result.rename(columns={"to_code": "code"}).assign(vintage=after)
        return result[list(frame.columns)]

    def _note_left_out(self, leaving: pd.DataFrame, before: str, after: str) -> None:
        reg, on = self.reg, day(self.reg.vintage(after).valid_from)
        for code, group in leaving.groupby("from_code"):
            into = sorted({label(reg.unit(after, c)) for c in group["to_code"]})
            self.notes.append(
                Msg(
                    "error.geo.note.left_out",
                    unit=label(reg.unit(before, code)),
                    into=and_list(into),
                    on=on,
                )
            )

    def _note_not_assessed(
        self, links: pd.DataFrame, kind_before: pd.Series, formed: set, before: str, after: str
    ) -> None:
        """A new xã taking in a thị trấn or phường: only its xã parts have NTM results."""
        reg = self.reg
        other = links[~links["from_code"].map(kind_before).eq("xa") & links["to_code"].isin(formed)]
        for to_code, group in other.groupby("to_code"):
            self.notes.append(
                Msg(
                    "error.geo.note.not_assessed",
                    unit=label(reg.unit(after, to_code)),
                    parts=and_list([label(reg.unit(before, c)) for c in group["from_code"]]),
                )
            )

    def _incomplete(
        self,
        merged: pd.DataFrame,
        links: pd.DataFrame,
        kind_before: pd.Series,
        to_code: str,
        year: int,
        before: str,
        after: str,
    ) -> None:
        reg = self.reg
        parts = links.loc[links["to_code"] == to_code, "from_code"]
        have = merged.loc[(merged["to_code"] == to_code) & (merged["year"] == year), "from_code"]
        missing = sorted(set(parts[parts.map(kind_before).eq("xa")]) - set(have))
        self.problems.append(
            self.table.problem(
                "error.geo.incomplete_merge",
                row=int(
                    merged.loc[
                        (merged["to_code"] == to_code) & (merged["year"] == year), "row"
                    ].min()
                ),
                unit=label(reg.unit(after, to_code)),
                vintage=after,
                year=year,
                parts=and_list([label(reg.unit(before, c)) for c in parts]),
                missing=and_list([label(reg.unit(before, c)) for c in missing]),
            )
        )

    def _combine(
        self, group: pd.DataFrame, to_code: str, year: int, after: str, target: str
    ) -> np.ndarray:
        values = group[_CRITERIA].to_numpy(dtype=bool)
        if len(group) == 1:
            return values[0]
        if self.rule == "largest":
            people = group["people"]
            if people.notna().all():
                return values[int(np.argmax(people.to_numpy(dtype=float)))]
            self.fallback.append(label(self.reg.unit(after, to_code)))
        if self.rule == "assessed":
            found = self._assessed(to_code, year, after, target)
            if found is not None:
                return found
            self.problems.append(
                self.table.problem(
                    "error.geo.assessed_missing",
                    row=int(group["row"].min()),
                    file=self.assessed_name,
                    unit=label(self.reg.unit(after, to_code)),
                    year=year,
                )
            )
        return values.all(axis=0)

    def _assessed(self, to_code: str, year: int, after: str, target: str) -> np.ndarray | None:
        if self.assessed is None:
            return None
        codes = [to_code]
        ahead = self.reg.successors(after, to_code, to=target)
        if len(ahead) == 1 and ahead["relation"].iloc[0] == "whole":
            codes.append(ahead["to_code"].iloc[0])  # the file may use the target list's code
        for code in codes:
            if (code, year) in self.assessed.index:
                return self.assessed.loc[(code, year)].to_numpy(dtype=bool)
        return None

    def _missing_years(self, frame: pd.DataFrame, target: str) -> None:
        years = set(frame["year"])
        for code, group in frame.groupby("code", sort=False):
            absent = sorted(years - set(group["year"]))
            if absent:
                self.problems.append(
                    self.table.problem(
                        "error.geo.missing_years",
                        row=int(group["row"].min()),
                        unit=f"{label(self.reg.unit(target, code))} ({code})",
                        years=", ".join(map(str, absent)),
                        count=len(absent),
                    )
                )


def metadata(
    reg: AdminRegistry,
    target: str,
    rule: str,
    vintage_of_year: Mapping[int, str],
    notes: list[Msg],
    assessed_name: str = "",
) -> Geography:
    """The panel's geography record: numbers and codes (``report.geography`` words it)."""
    units = reg.units_in(target)
    districts = reg.has_districts(target)
    return Geography(
        vintage=target,
        rule=rule,
        n_communes=int((units["kind"] == "xa").sum()),
        lists_by_year={int(y): v for y, v in sorted(vintage_of_year.items())},
        # False from 1 Jul 2025: the panel's communes carry NO_DISTRICT; group them by
        # "former_district" (the district(s) of 30 Jun 2025, "Cao Lộc + Văn Quan"), named so
        districts=districts,
        former_district={}
        if districts
        else dict(zip(units["code"], units["former_district"], strict=True)),
        assessed_file=assessed_name,
        notes=tuple(notes),
    )


def harmonise_records(
    table: Located,
    rows: pd.DataFrame,
    status: pd.DataFrame,
    check: FileCheck,
    target: str | None = None,
    rule: str = DEFAULT_RULE,
    assessed: pd.DataFrame | None = None,
    assessed_name: str = "",
) -> tuple[pd.DataFrame, pd.DataFrame, Geography | None, list[Problem]]:
    """The loader's parsed rows and results, harmonised to ``target`` (default: the list of
    the last year). Returns rows, status (as the loader keeps them), metadata, problems.

    ``assessed`` (rule "assessed"): the province's assessments of merged units, indexed by
    (commune_code, year) with boolean columns 1–19, as ``io.reference.read_assessed`` reads
    them from the file named ``assessed_name``.
    """
    reg = registry()
    years = sorted(check.vintage_of_year)
    target = target if target is not None else check.vintage_of_year[years[-1]]
    if target not in set(reg.keys()):
        allowed = ", ".join(reg.keys())
        return (
            rows,
            status,
            None,
            [table.problem("error.geo.vintage", vintage=target, allowed=allowed)],
        )
    wide = status[status["criterion"] > 0].pivot_table(
        index="i", columns="criterion", values="met", aggfunc="first"
    )
    data = rows[["row", "code", "year", "difficult", "synthetic"]].join(wide)
    data["year"] = data["year"].astype(int)
    h = Harmoniser(reg, table, rule, assessed if rule == "assessed" else None, assessed_name)
    out = h.run(data, check.vintage_of_year, target).reset_index(drop=True)
    units = reg.units_in(target).set_index("code")
    new_rows = pd.DataFrame(
        {
            "row": out["row"].astype(int),
            "code": out["code"],
            "name": units.loc[out["code"], "name"].to_numpy(),
            # no district after 1 Jul 2025: NO_DISTRICT, never a district made up
            "district_code": units.loc[out["code"], "district_code"]
            .fillna(NO_DISTRICT)
            .astype(int)
            .to_numpy(),
            "year": out["year"].astype(int),
            "difficult": out["difficult"].astype(bool),
            "synthetic": out["synthetic"].astype(bool),
        }
    )
    long = out[_CRITERIA].astype(bool).stack().reset_index()
    long.columns = ["i", "criterion", "met"]
    long["readable"] = True
    meta = metadata(
        reg,
        target,
        rule,
        check.vintage_of_year,
        check.notes + h.notes,
        assessed_name,
    )
    return new_rows, long, meta, h.problems
