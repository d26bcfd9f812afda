"""Check a real file's commune codes and names against the registry in force in each year.

Called by the loader (``load.load_panel``) on the parsed rows. It only acts on a file that
uses the real GSO codes of Lạng Sơn: at least half of its distinct (code, name) pairs are a
unit of some list version 2017–2025. Placeholder codes ("X18001"), another province's codes
or hand-made test files with made-up names are left alone and load exactly as before.

For each year the list in force on 31 December is expected; a year during which the list
changed (2021: recoding; 2024: NQ 1246 from 1 Dec; 2025: NQ 1672 from 1 Jul) may also use the
list in force earlier that year, as long as the year is consistent (the best-matching list is
chosen per year). Each row's code must be in that list and its name must be the unit's name;
a former name of a unit that kept its code is accepted with a note. A code of another list is
explained from the change tables; an unknown code gets the nearest names.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd

from ntm_analysis.core.errors import Join, Msg, Problem, either
from ntm_analysis.geography.admin import AdminRegistry, Unit, name_key, registry

_KIND_LABEL = {"xa": "xã", "thi-tran": "TT", "phuong": "phường"}
PROVINCE = "Lạng Sơn"


class Located(Protocol):  # io.table.Table: makes a Problem with file and sheet filled in
    def problem(
        self, key: str, /, row: int | None = None, column: str | None = None, **params: object
    ) -> Problem: ...


def label(unit: Unit) -> str:
    """ "xã Xuân Mai", "TT Văn Quan", "phường Đông Kinh"."""
    return f"{_KIND_LABEL[unit.kind]} {unit.name}"


def day(value: dt.date) -> str:
    """1/1/2020: the way Vietnamese official texts write a date."""
    return f"{value.day}/{value.month}/{value.year}"


def and_list(items: Sequence[str]) -> Msg | str:
    """ "A, B and C" / "A, B và C"."""
    if len(items) == 1:
        return items[0]
    return Join((", ".join(items[:-1]), Msg("error.geo.and"), items[-1]), sep=" ")


@dataclass
class FileCheck:
    """What the check found: the list used per year, problems, and notes for the user."""

    vintage_of_year: dict[int, str]
    problems: list[Problem] = field(default_factory=list)
    notes: list[Msg] = field(default_factory=list)

    def rows_without_districts(self, rows: pd.DataFrame) -> set[int]:
        """Spreadsheet rows of the years whose list has no districts (from 1 Jul 2025): they
        need no district column, and a blank district there is no mistake."""
        reg = registry()
        years = [y for y, v in self.vintage_of_year.items() if not reg.has_districts(v)]
        return set(rows.loc[rows["year"].isin(years), "row"].astype(int))


def uses_real_codes(rows: pd.DataFrame, reg: AdminRegistry) -> bool:
    """True when at least half the file's distinct (code, name) pairs are real units."""
    keyed = rows.dropna(subset=["code", "name"]).drop_duplicates(["code", "name"])  # [io] speed
    if keyed.empty:
        return False
    if not keyed["code"].isin(reg.codes).any():
        return False  # no real code at all (placeholders): no pair can match, names unfolded
    pairs = set(zip(keyed["code"], keyed["name"].map(name_key), strict=True))
    return 2 * len(pairs & reg.pairs()) >= len(pairs)


def check_file(table: Located, column: str, rows: pd.DataFrame) -> FileCheck | None:
    """The loader's entry point: ``None`` unless the file uses real Lạng Sơn GSO codes."""
    reg = registry()
    return check_rows(table, column, rows, reg) if uses_real_codes(rows, reg) else None


def check_rows(table: Located, column: str, rows: pd.DataFrame, reg: AdminRegistry) -> FileCheck:
    """Validate every row with a code and a year; ``column`` is the code column's header."""
    keyed = rows.dropna(subset=["code", "year"])
    names = keyed["name"].astype(object)
    keys = {n: name_key(n) for n in names.dropna().unique()}  # distinct names: a few hundred
    keyed = keyed.assign(key=names.map(lambda n: keys.get(n, "")))
    check = FileCheck({})
    for year, group in keyed.groupby("year"):
        vintage = _best_vintage(int(year), group, reg)
        check.vintage_of_year[int(year)] = vintage
        for r in group.itertuples():
            _check_row(table, column, r, int(year), vintage, reg, check)
    return check


def _best_vintage(year: int, group: pd.DataFrame, reg: AdminRegistry) -> str:
    """The list a year's rows use: the year-end list unless an earlier one fits better."""
    best, best_score = "", -1
    for v in reg.vintages_in_year(year):
        known = reg.pairs(v.key)
        score = sum((c, k) in known for c, k in zip(group["code"], group["key"], strict=True))
        if score > best_score:
            best, best_score = v.key, score
    return best


def _check_row(
    table: Located,
    column: str,
    r,  # a row of check_rows' frame (itertuples)
    year: int,
    vintage: str,
    reg: AdminRegistry,
    check: FileCheck,
) -> None:
    unit = reg.unit(vintage, r.code)
    name = r.name if isinstance(r.name, str) else ""
    if _other_district(unit, r.district_code):  # the file's district is checked too
        check.problems.append(
            table.problem(
                "error.geo.wrong_district",
                row=int(r.row),
                code=r.code,
                unit=label(unit),
                vintage=vintage,
                district=unit.district_name,
            )
        )
    if unit is not None:
        if r.key == name_key(unit.name):
            return
        former = _former_name(reg, unit, r.key)
        if former is not None:
            check.notes.append(
                Msg(
                    "error.geo.note.old_name",
                    row=int(r.row),
                    name=name,
                    unit=label(unit),
                    code=unit.code,
                    on=day(reg.vintage(former).valid_from),
                )
            )
            return
        other = reg.find(name, vintage)
        params = dict(vintage=vintage, code=r.code, unit=label(unit), name=name)
        if other:
            check.problems.append(
                table.problem(
                    "error.geo.wrong_name_hint",
                    row=int(r.row),
                    column=column,
                    other=other[0].code,
                    **params,
                )
            )
        else:
            check.problems.append(
                table.problem("error.geo.wrong_name", row=int(r.row), column=column, **params)
            )
        return
    elsewhere = reg.find(r.code)
    if elsewhere:
        history = _history(reg, elsewhere, r.key, vintage)
        check.problems.append(
            table.problem(
                "error.geo.code_elsewhere",
                row=int(r.row),
                column=column,
                code=r.code,
                name=name,
                year=year,
                vintage=vintage,
                history=history,
            )
        )
        return
    hints = _suggestions(reg, name, vintage)
    key = "error.geo.unknown_code_hint" if hints else "error.geo.unknown_code"
    extra = {"suggestions": either(hints)} if hints else {}
    check.problems.append(
        table.problem(
            key, row=int(r.row), column=column, code=r.code, name=name, province=PROVINCE, **extra
        )
    )


def _other_district(unit: Unit | None, district_code: object) -> bool:
    """The row's district is not the unit's (2025 units have none to compare)."""
    if unit is None or unit.district_code is None or pd.isna(district_code):
        return False
    return int(district_code) != unit.district_code


def _former_name(reg: AdminRegistry, unit: Unit, key: str) -> str | None:
    """The vintage in which ``unit`` got its present name, if ``key`` is a name it had before
    (the same unit: kept its code, or was only recoded). None otherwise."""
    current = (unit.vintage, unit.code)
    while True:
        links = reg.predecessors(*current)
        same = links[
            (links["relation"] == "recode")
            | ((links["from_code"] == links["to_code"]) & links["relation"].isin(["same", "whole"]))
        ]
        if same.empty:
            return None
        link = same.iloc[0]
        before = reg.unit(link["from_vintage"], link["from_code"])
        if name_key(before.name) == key:
            return link["to_vintage"]
        current = (before.vintage, before.code)


def _history(reg: AdminRegistry, units: list[Unit], key: str, vintage: str) -> Msg:
    """What the code meant in another list and what became of that unit."""
    order = reg.keys()
    here = order.index(vintage)
    named = [u for u in units if name_key(u.name) == key]
    before = [u for u in (named or units) if order.index(u.vintage) < here]
    if before:
        unit = max(before, key=lambda u: order.index(u.vintage))
        nxt = order[order.index(unit.vintage) + 1]
        succ = reg.successors(unit.vintage, unit.code)
        until = reg.vintage(unit.vintage).valid_to
        on = reg.vintage(nxt).valid_from
        if (succ["relation"] == "recode").any():
            return Msg(
                "error.geo.history.recoded",
                code=unit.code,
                unit=label(unit),
                until=day(until),
                on=day(on),
                new_code=succ["to_code"].iloc[0],
            )
        into = [label(reg.unit(nxt, c)) for c in succ["to_code"]]
        return Msg(
            "error.geo.history.dissolved",
            code=unit.code,
            unit=label(unit),
            until=day(until),
            on=day(on),
            into=and_list(into),
        )
    unit = min(named or units, key=lambda u: order.index(u.vintage))
    return Msg(
        "error.geo.history.later",
        code=unit.code,
        unit=label(unit),
        on=day(reg.vintage(unit.vintage).valid_from),
    )


def _suggestions(reg: AdminRegistry, name: str, vintage: str, n: int = 3) -> list[str]:
    """The closest unit names of the list in force, each with its code."""
    units = reg.units_in(vintage)
    keys = units["name"].map(name_key).tolist()
    close = difflib.get_close_matches(name_key(name), keys, n=n, cutoff=0.6)
    hits = units[units["name"].map(name_key).isin(close)]
    return [f"{label(reg.unit(vintage, c))} ({c})" for c in hits["code"]]
