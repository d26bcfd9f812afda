"""Each row's district, from its district name and/or code column, checked against the registry.

The rows of a data file, column by column, with their row numbers; one name a user types
as a parameter (``--district``) is resolved by ``core.resolve.resolve_unit`` instead. Names are
typed by hand, so they are matched tolerantly; an unknown name is reported once, at its first
row, with a "did you mean" for the first ``MAX_SUGGESTIONS`` (difflib is slow on files of junk).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pandas as pd

from ntm_analysis.core.communes import Registry
from ntm_analysis.core.errors import Msg, Problem
from ntm_analysis.i18n.text import fold
from ntm_analysis.io.cells import cell_text, is_blank, map_values, parse_int
from ntm_analysis.io.columns import Columns
from ntm_analysis.io.table import MAX_CELL_PROBLEMS, Table, blank_column, more_cells

MAX_SUGGESTIONS = 20  # unknown district names given a "did you mean" (difflib is slow)


def resolve_districts(
    table: Table, columns: Columns, registry: Registry
) -> tuple[np.ndarray, list[Problem]]:
    """Each row's district code, from the district name and/or code columns.

    Names are matched tolerantly (diacritics, case, "Huyện" prefix) since they are typed by
    hand; a name or code the registry does not know is reported once, at its first row.
    """
    n = len(table.body)
    by_name = by_code = np.full(n, None, dtype=object)
    problems: list[Problem] = []
    if "district_name" in columns.named:
        by_name, found = _district_lookup(
            table, columns.named["district_name"], DistrictNames(registry)
        )
        problems += found
    if "district_code" in columns.named:
        by_code, found = _district_lookup(
            table, columns.named["district_code"], _district_codes(registry)
        )
        problems += found
    problems += _districts_missing(table, columns)
    problems += _district_disagreements(table, columns, registry, by_name, by_code)
    both = np.where(pd.isna(by_code), by_name, by_code)
    both[~pd.isna(by_name) & ~pd.isna(by_code) & (by_name != by_code)] = None  # reported
    return both, problems


class DistrictNames:
    """Look district names up in the registry, quickly even for thousands of distinct cells.

    A registry lookup takes milliseconds and a file of junk has thousands of distinct
    "names": every spelling the registry accepts has the last word of a district's name
    among its words (or is a code), so anything else is unknown without asking, and only
    the first ``MAX_SUGGESTIONS`` unknown names get a (slow) "did you mean".
    """

    def __init__(self, registry: Registry):
        self.registry = registry
        self.words = {fold(name).split()[-1] for name in registry.districts["district_name"]}
        self.known = ", ".join(registry.districts["district_name"])
        self.suggested = 0

    def __call__(self, value: object) -> int | Msg | None:
        """The district code, None for a blank, or a message for an unknown name."""
        if is_blank(value):
            return None
        text = cell_text(value)
        words = set(fold(text).split())
        if words & self.words or any(w.isdigit() for w in words):
            code = self.registry.find(text)
            if code is not None:
                return code
        hint: tuple[str, ...] = ()
        if self.suggested < MAX_SUGGESTIONS:
            self.suggested += 1
            hint = tuple(self.registry.suggestions(text))
        return self.registry.unknown_message(text, hint, self.known)


def _district_codes(registry: Registry) -> Callable[[object], int | Msg | None]:
    """Like ``DistrictNames`` for the district code column."""
    codes = set(registry.codes())
    known = ", ".join(str(c) for c in registry.codes())

    def lookup(value: object) -> int | Msg | None:
        if is_blank(value):
            return None
        code = parse_int(value)
        if code in codes:
            return code
        return Msg(
            "error.load.unknown_district_code",
            value=cell_text(value),
            province=registry.province_name,
            known=known,
        )

    return lookup


def _district_lookup(
    table: Table, j: int, lookup: Callable[[object], int | Msg | None]
) -> tuple[np.ndarray, list[Problem]]:
    """District codes of column ``j``; each unknown value is reported once, at its first row."""
    found = map_values(table.column(j), lookup)
    first: dict[Msg, int] = {}
    count: dict[Msg, int] = {}
    for i, f in enumerate(found):  # one pass: a file of junk may hold thousands of names
        if isinstance(f, Msg):
            first.setdefault(f, i)
            count[f] = count.get(f, 0) + 1
    problems = []
    for message, i in itertools.islice(first.items(), MAX_CELL_PROBLEMS):
        where = {"row": int(table.rows[i]), "column": table.headers[j]}
        if count[message] > 1:
            problems.append(
                table.problem("error.load.in_rows", **where, message=message, n=count[message])
            )
        else:
            problems.append(table.problem(message.key, **where, **dict(message.params)))
    problems += more_cells(table, np.array(sorted(first.values())), table.headers[j])
    codes = np.array(
        [None if f is None or isinstance(f, Msg) else int(f) for f in found], dtype=object
    )
    return codes, problems


def _districts_missing(table: Table, columns: Columns) -> list[Problem]:
    """Rows that give neither a district name nor a district code (without any district
    column, ``load_panel`` reports the column, or nothing for 2025 units)."""
    if not any(c in columns.named for c in ("district_name", "district_code")):
        return []
    missing = np.ones(len(table.body), dtype=bool)
    for canonical in ("district_name", "district_code"):
        if canonical in columns.named:
            missing &= blank_column(table, columns.named[canonical])
    return [
        table.problem("error.load.empty_district", row=int(table.rows[i]))
        for i in np.flatnonzero(missing)
    ]


def _district_disagreements(
    table: Table,
    columns: Columns,
    registry: Registry,
    by_name: np.ndarray,
    by_code: np.ndarray,
) -> list[Problem]:
    """Rows where the district name and the district code point at different districts."""
    given = ~pd.isna(by_name) & ~pd.isna(by_code)
    return [
        table.problem(
            "error.load.district_disagrees",
            row=int(table.rows[i]),
            column=table.headers[columns.named["district_code"]],
            by_code=registry.name(by_code[i]),
            code=by_code[i],
            by_name=registry.name(by_name[i]),
        )
        for i in np.flatnonzero(given & (by_name != by_code))
    ]
