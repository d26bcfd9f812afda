"""The whole-file checks, run once every cell is read.

A cell can be readable and the file still wrong: a commune-year given twice, a code with two
names or two districts, a commune missing a year the others have, a long-layout commune-year
without all 19 criteria or disagreeing with itself, a count column that does not match the
flags. Each check returns its problems (it never raises) so that all are listed at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

import pandas as pd

from ntm_analysis.core.communes import Registry
from ntm_analysis.core.criteria import CRITERIA_NUMBERS, N_CRITERIA
from ntm_analysis.core.errors import DataError, Join, Msg, Problem
from ntm_analysis.io.columns import Columns, panel_columns
from ntm_analysis.io.readers.base import JUNK_SAMPLE_ROWS
from ntm_analysis.io.records import Records, parse_records
from ntm_analysis.io.table import Table
from ntm_analysis.io.totals import without_summary_rows


def check_records(
    table: Table,
    columns: Columns,
    records: Records,
    registry: Registry,
    real_codes: bool = False,
) -> list[Problem]:
    """Whole-file checks, run on the rows whose keys could be read.

    ``real_codes``: the file uses real GSO codes, which are reused across list versions, so
    a code's names and years are checked per list by ``admin_check``/``harmonise`` instead.
    """
    rows = records.rows
    # ``status`` is the criterion results. The long layout's checks read each result with its
    # row's keys (code, year, row), so there it is joined to them; the wide layout's checks
    # only count a row's results by ``i`` (joining 19 results a row was most of their time).
    status = records.status
    if columns.layout == "long":
        status = status.merge(rows, left_on="i", right_index=True)
    problems = _duplicates(table, columns, rows, status)
    if real_codes:
        problems += _per_list_checks(table, columns, rows, status)
        return problems
    problems += _two_values(table, rows, "name", "error.load.two_names", lambda v: f"'{v}'")
    problems += _two_values(
        table,
        rows,
        "district_code",
        "error.load.two_districts",
        lambda c: f"{registry.name(c)} ({c})",
    )
    problems += _missing_years(table, rows)
    return problems + _per_list_checks(table, columns, rows, status)


def _per_list_checks(
    table: Table, columns: Columns, rows: pd.DataFrame, status: pd.DataFrame
) -> list[Problem]:
    """The checks of each commune-year alone (valid whatever list its code is from).

    ``status``: the criterion results, joined to their rows' keys in the long layout only
    (``check_records``)."""
    problems: list[Problem] = []
    if columns.layout == "long":
        problems += _missing_criteria(table, rows, status)
        problems += _difficult_disagrees(table, columns, rows)
        if "n_met" in rows:
            problems += _wrong_long_counts(table, columns, status)
    elif "n_met" in rows:
        problems += _wrong_counts(table, columns, rows, status)
    return problems


def keyed(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    return frame.dropna(subset=list(keys))


def _duplicates(
    table: Table, columns: Columns, rows: pd.DataFrame, status: pd.DataFrame
) -> list[Problem]:
    """A repeated commune-year (wide) or commune-year-criterion (long), at each repeat.

    The wide layout reads ``rows`` only; the long one ``status`` joined to the row keys."""
    if columns.layout == "wide":
        keys, frame = ["code", "year"], keyed(rows, ["code", "year"])
    else:
        keys = ["code", "year", "criterion"]
        frame = keyed(status[status["criterion"] > 0], ["code", "year"])
    first_row = frame.groupby(keys, sort=False)["row"].transform("min")
    repeats = frame[frame["row"] != first_row]
    if "criterion" in keys:
        return [
            table.problem(
                "error.load.duplicate_criterion",
                row=int(r.row),
                code=r.code,
                year=r.year,
                criterion=r.criterion,
                first=first,
            )
            for r, first in zip(repeats.itertuples(), first_row[repeats.index], strict=True)
        ]
    return [
        table.problem("error.load.duplicate", row=int(r.row), code=r.code, year=r.year, first=first)
        for r, first in zip(repeats.itertuples(), first_row[repeats.index], strict=True)
    ]


def _two_values(
    table: Table, rows: pd.DataFrame, field: str, key: str, show: Callable[[object], str]
) -> list[Problem]:
    """A commune code given two different names (or districts) in different rows."""
    frame = keyed(rows, ["code", field])
    firsts = frame.groupby(["code", field], sort=False)["row"].min().reset_index()
    counts = firsts.groupby("code")[field].transform("size")
    problems = []
    for code, group in firsts[counts > 1].groupby("code", sort=False):
        group = group.sort_values("row")
        listed = Join(
            tuple(
                Msg("error.load.value_at_row", value=show(v), row=int(r))
                for v, r in zip(group[field], group["row"], strict=True)
            ),
            sep="; ",
        )
        problems.append(
            table.problem(
                key, row=int(group["row"].iloc[1]), code=code, n=len(group), listed=listed
            )
        )
    return problems


def _uncertain_communes(rows: pd.DataFrame) -> set[str] | None:
    """Communes whose rows cannot all be placed, so a "missing" row may be an unreadable one.

    A row with an unreadable year could be any year of its commune, so that commune is not
    checked for gaps; a row with an unreadable commune code could be any commune, so no
    commune is (None). The unreadable cells are reported already.
    """
    if rows["code"].isna().any():
        return None
    return set(rows.loc[rows["year"].isna(), "code"])


def _missing_years(table: Table, rows: pd.DataFrame) -> list[Problem]:
    """A commune missing a year the other communes have: forecasts need a complete panel."""
    uncertain = _uncertain_communes(rows)
    if uncertain is None:
        return []
    frame = keyed(rows, ["code", "year"])
    all_years = set(frame["year"])
    n_years = frame.groupby("code", sort=False)["year"].nunique()
    short = frame["code"].isin(n_years.index[n_years < len(all_years)])  # usually none
    problems = []
    for code, group in frame[short].groupby("code", sort=False):
        absent = sorted(all_years - set(group["year"]))
        if absent and code not in uncertain:
            problems.append(
                table.problem(
                    "error.load.missing_years",
                    row=int(group["row"].min()),
                    commune=_label(code, group["name"]),
                    years=", ".join(map(str, absent)),
                    count=len(absent),
                )
            )
    return problems


def _label(code: str, names: pd.Series) -> str:
    """ "06100 (Hoàng Đồng)": a code alone is hard to find in a spreadsheet."""
    known = names.dropna()
    return f"{code} ({known.iloc[0]})" if len(known) else code


def _missing_criteria(table: Table, rows: pd.DataFrame, status: pd.DataFrame) -> list[Problem]:
    """Long layout: a commune-year must list all 19 criteria."""
    uncertain = _uncertain_communes(rows)
    if uncertain is None:
        return []
    frame = keyed(status, ["code", "year"])
    problems = []
    for (code, year), group in frame.groupby(["code", "year"], sort=False):
        if code in uncertain or (group["criterion"] == 0).any():
            continue
        absent = sorted(set(CRITERIA_NUMBERS) - set(group["criterion"]))
        if absent:
            problems.append(
                table.problem(
                    "error.load.missing_criteria",
                    row=int(group["row"].min()),
                    code=code,
                    year=year,
                    absent=", ".join(map(str, absent)),
                    n=N_CRITERIA,
                )
            )
    return problems


def _wrong_counts(
    table: Table, columns: Columns, rows: pd.DataFrame, status: pd.DataFrame
) -> list[Problem]:
    """The summary column "Số tiêu chí đạt" must agree with the row's own flags."""
    counted = status.groupby("i")["met"].sum()
    all_readable = status.groupby("i")["readable"].all()
    stated = rows["n_met"]
    wrong = stated.notna() & all_readable & (stated != counted)
    header = table.headers[columns.named["n_met"]]
    return [
        table.problem(
            "error.load.wrong_count",
            row=int(rows.at[i, "row"]),
            column=header,
            stated=stated[i],
            counted=counted[i],
        )
        for i in rows.index[wrong]
    ]


def _difficult_disagrees(table: Table, columns: Columns, rows: pd.DataFrame) -> list[Problem]:
    """Long layout: the rows of one commune-year must agree on its especially-difficult flag.

    Otherwise one of them is a typo and nothing says which: taking the last row's would
    silently change the commune's status whenever the typo is in that row.
    """
    if "difficult" not in columns.named:
        return []
    frame = keyed(rows, ["code", "year", "difficult"])
    frame = frame.assign(difficult=frame["difficult"].astype(bool))
    both = frame.groupby(["code", "year"], sort=False)["difficult"].transform("nunique") > 1
    problems = []
    for (code, year), group in frame[both].groupby(["code", "year"], sort=False):
        yes, no = (
            group.loc[group["difficult"], "row"].min(),
            group.loc[~group["difficult"], "row"].min(),
        )
        problems.append(
            table.problem(
                "error.load.difficult_disagrees",
                row=int(max(yes, no)),
                column=table.headers[columns.named["difficult"]],
                code=code,
                year=year,
                yes=yes,
                no=no,
            )
        )
    return problems


def _wrong_long_counts(table: Table, columns: Columns, status: pd.DataFrame) -> list[Problem]:
    """Long layout: a count column must agree with the commune-year's 19 results, once each."""
    frame = keyed(status, ["code", "year"])
    groups = frame.groupby(["code", "year"], sort=False)
    complete = (
        groups["readable"].transform("all")
        & (groups["criterion"].transform("min") > 0)  # 0: an unreadable criterion
        & (groups["criterion"].transform("nunique") == N_CRITERIA)
    )
    counted = groups["met"].transform("sum")
    wrong = frame[complete & frame["n_met"].notna() & (frame["n_met"] != counted)]
    wrong = wrong.assign(counted=counted[wrong.index]).drop_duplicates(["code", "year"])
    header = table.headers[columns.named["n_met"]]
    return [
        table.problem(
            "error.load.wrong_long_count",
            row=int(r.row),
            column=header,
            stated=r.n_met,
            code=r.code,
            year=r.year,
            counted=r.counted,
        )
        for r in wrong.itertuples()
    ]


def in_reading_order(problems: Iterable[Problem]) -> list[Problem]:
    """Per file, whole-file problems first, then by row, so the list reads down the sheet."""
    problems = list(problems)
    files = {f: i for i, f in reversed(list(enumerate(p.file for p in problems)))}
    return sorted(problems, key=lambda p: (files[p.file], p.row is not None, p.row or 0))


def refuse_junk(head: Table, registry: Registry) -> None:
    """Stop early when the first rows of a large file are nearly all unreadable.

    That is the wrong file under a right-looking header, or a shifted column: checking
    every row of a large one would take minutes to list problems nobody reads one by one.
    """
    columns, _ = panel_columns(head)  # a 2025 file has no district column
    head = without_summary_rows(head, columns)
    n = min(len(head.body), JUNK_SAMPLE_ROWS)
    if n == 0:  # the first rows are all blank (a workbook read whole): nothing to judge on
        return
    sample = replace(head, body=head.body.iloc[:n], rows=head.rows[:n])
    _, problems = parse_records(sample, columns, registry)
    if len({p.row for p in problems}) < 0.9 * n:
        return
    # first: the one line to read when the list is long
    stop = head.problem("error.load.stopped", last=int(sample.rows[-1]))
    raise DataError([stop, *in_reading_order(problems)])
