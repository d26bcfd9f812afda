"""A units file of communes (code, name, district) that every commune of a panel must be in.

``ntm validate --communes FILE``: an office's own list of communes catches a code typed for
the wrong commune, which no check of the panel alone can. Read by the same readers as a panel,
so its errors are placed the same way.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd

from ntm_analysis.core.communes import Registry
from ntm_analysis.core.errors import Problem, either
from ntm_analysis.i18n.text import fold
from ntm_analysis.io.cells import EXPECT_CODE, EXPECT_NAME, pad_codes, parse_code, parse_text
from ntm_analysis.io.checks import keyed
from ntm_analysis.io.columns import UNITS_COLUMNS, identify_columns
from ntm_analysis.io.districts import resolve_districts
from ntm_analysis.io.readers import read_table
from ntm_analysis.io.records import Records
from ntm_analysis.io.table import Table, parse_column
from ntm_analysis.io.totals import without_summary_rows

_COMMUNE_PREFIXES = ("xa", "phuong", "thi tran", "commune", "ward", "town")


def _commune_key(name: str) -> str:
    """A commune name for comparison: folded, without "Xã"/"Phường"/"Thị trấn"."""
    key = fold(name)
    for prefix in _COMMUNE_PREFIXES:
        if key.startswith(prefix + " "):
            return key[len(prefix) + 1 :]
    return key


def _read_units(path: Path, registry: Registry) -> tuple[pd.DataFrame, list[Problem]]:
    """The communes of a units file: code, name, district_code (one row per commune)."""
    table = read_table(path, None)
    columns = identify_columns(table, UNITS_COLUMNS)
    table = without_summary_rows(table, columns)
    codes, problems = parse_column(table, columns.named["commune_code"], parse_code, EXPECT_CODE)
    names, found = parse_column(table, columns.named["commune_name"], parse_text, EXPECT_NAME)
    districts, more = resolve_districts(table, columns, registry)
    units = pd.DataFrame(
        {"code": pad_codes(codes), "name": names, "district_code": districts, "row": table.rows}
    )
    return units.dropna(subset=["code"]).drop_duplicates("code"), problems + found + more


def check_units(table: Table, records: Records, path: Path, registry: Registry) -> list[Problem]:
    """Every commune must be in the units file, with the same name and district."""
    units, problems = _read_units(path, registry)
    listed = units.set_index("code")
    communes = keyed(records.rows, ["code"]).drop_duplicates("code")
    for r in communes.itertuples():
        if r.code not in listed.index:
            problems.append(_not_in_units(table, units, r.code, r.name, int(r.row), path.name))
            continue
        unit = listed.loc[r.code]
        if r.name is not None and _commune_key(r.name) != _commune_key(str(unit["name"])):
            problems.append(
                table.problem(
                    "error.load.units_other_name",
                    row=int(r.row),
                    code=r.code,
                    name=r.name,
                    units=path.name,
                    listed=unit["name"],
                )
            )
        if r.district_code is not None and unit["district_code"] not in (None, r.district_code):
            problems.append(
                table.problem(
                    "error.load.units_other_district",
                    row=int(r.row),
                    code=r.code,
                    here=registry.name(r.district_code),
                    there=registry.name(unit["district_code"]),
                    units=path.name,
                )
            )
    return problems


def _not_in_units(
    table: Table, units: pd.DataFrame, code: str, name: str | None, row: int, file: str
) -> Problem:
    """A commune missing from the units file, with a "did you mean": the code of a commune
    with that name, or the closest names."""
    where = {"row": row, "code": code, "name": name, "units": file}
    if name is None:
        return table.problem("error.load.not_in_units", **where)
    keys = units["name"].dropna().map(_commune_key)
    same = units.loc[keys[keys == _commune_key(name)].index]
    if len(same):
        return table.problem(
            "error.load.not_in_units_same_name",
            **where,
            listed=same["name"].iloc[0],
            listed_code=same["code"].iloc[0],
        )
    by_key = dict(zip(keys, units.loc[keys.index, "name"], strict=True))
    close = difflib.get_close_matches(_commune_key(name), list(by_key), n=3, cutoff=0.6)
    if close:
        return table.problem(
            "error.load.not_in_units_hint", **where, suggestions=either(by_key[c] for c in close)
        )
    return table.problem("error.load.not_in_units", **where)
