"""What each header means and whether the columns a file needs are all there.

A missing or doubled column stops the load before any cell is read, since nothing could be
read reliably; the message says how the column may be headed, in the user's language.
Panels and units files need different columns (``PANEL_COLUMNS``, ``UNITS_COLUMNS``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ntm_analysis.core.criteria import CRITERIA_NUMBERS, N_CRITERIA
from ntm_analysis.core.errors import DataError, Join, Msg, Problem, either
from ntm_analysis.io.header import header_meaning
from ntm_analysis.io.layout import HEADER_ALIASES
from ntm_analysis.io.table import Table

DESCRIPTIONS = {  # what a column holds, for messages (keys written out: see test_i18n)
    "commune_code": Msg("error.load.what.commune_code"),
    "commune_name": Msg("error.load.what.commune_name"),
    "district_code": Msg("error.load.what.district_code"),
    "district_name": Msg("error.load.what.district_name"),
    "year": Msg("error.load.what.year"),
    "criterion": Msg("error.load.what.criterion"),
    "met": Msg("error.load.what.met"),
    "difficult": Msg("error.load.what.difficult"),
    "n_met": Msg("error.load.what.n_met"),
    "synthetic": Msg("error.load.what.synthetic"),
}


@dataclass(frozen=True)
class Columns:
    """Where each recognised column is: canonical name or criterion number -> position."""

    named: dict[str, int]
    criteria: dict[int, int]

    @property
    def layout(self) -> str:
        return "wide" if self.criteria else "long"


@dataclass(frozen=True)
class Requirements:
    required: tuple[str, ...]
    one_of: tuple[tuple[str, ...], ...] = ()
    criteria: bool = False  # a panel needs either 19 criterion columns or criterion + met


PANEL_COLUMNS = Requirements(
    required=("commune_code", "commune_name", "year"),
    one_of=(("district_name", "district_code"),),
    criteria=True,
)

# the panel's columns but the district, which a file on the 2025 units does not have
_PANEL_BUT_DISTRICT = replace(PANEL_COLUMNS, one_of=())
_DISTRICT_COLUMN = Requirements(required=(), one_of=PANEL_COLUMNS.one_of)

UNITS_COLUMNS = Requirements(
    required=("commune_code", "commune_name"), one_of=(("district_code", "district_name"),)
)


def identify_columns(table: Table, needs: Requirements) -> Columns:
    """Map headers to meanings; a missing or doubled column stops the load (nothing to read)."""
    named: dict[str, int] = {}
    criteria: dict[int, int] = {}
    problems: list[Problem] = []
    for j, header in enumerate(table.headers):
        meaning = header_meaning(header)
        if isinstance(meaning, int) and meaning not in CRITERIA_NUMBERS:
            problems.append(
                table.problem(
                    "error.load.no_such_criterion",
                    row=table.header_row,
                    column=header,
                    n=meaning,
                    max=N_CRITERIA,
                )
            )
            continue
        if meaning is None:
            continue
        found: dict = criteria if isinstance(meaning, int) else named
        if meaning in found:
            first = table.headers[found[meaning]]
            problems.append(
                table.problem(
                    "error.load.same_meaning",
                    row=table.header_row,
                    column=header,
                    letter=column_letter(j),
                    first=first,
                    first_letter=column_letter(found[meaning]),
                    what=_describe(meaning),
                )
            )
            continue
        found[meaning] = j
    columns = Columns(named, criteria)
    problems += _missing_columns(table, columns, needs)
    if problems:
        raise DataError(problems)
    return columns


def panel_columns(table: Table) -> tuple[Columns, list[Problem]]:
    """The panel's columns, and the missing-district-column problem held back: whether a
    district is needed is known once the codes are (none after 1 Jul 2025, ``admin_check``).
    Any other header problem stops the load at once, with the district's among them."""
    try:
        columns = identify_columns(table, _PANEL_BUT_DISTRICT)
    except DataError:
        return identify_columns(table, PANEL_COLUMNS), []  # raises, listing all
    return columns, _missing_columns(table, columns, _DISTRICT_COLUMN)


def column_letter(j: int) -> str:
    """The spreadsheet letter of the column at 0-based position ``j``: A, …, Z, AA, …"""
    letters = ""
    j += 1
    while j:
        j, rest = divmod(j - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _describe(meaning: str | int) -> Msg:
    if isinstance(meaning, int):
        return Msg("error.load.what.criterion_n", n=meaning)
    return DESCRIPTIONS[meaning]


def _expected_headers(canonical: str) -> Join:
    """How the column may be headed: our Vietnamese header or the English canonical name."""
    return either((f"'{HEADER_ALIASES[canonical][0]}'", f"'{canonical}'"))


def _headed(canonical: str, headers: Join | None = None) -> Msg:
    """ "the year, headed 'Năm' or 'year'": a column and how it may be headed."""
    headers = headers if headers is not None else _expected_headers(canonical)
    return Msg("error.load.headed", what=DESCRIPTIONS[canonical], headers=headers)


def _missing_columns(table: Table, columns: Columns, needs: Requirements) -> list[Problem]:
    """One problem per required column (or group of alternatives) the header lacks."""
    wanted = [_headed(c) for c in needs.required if c not in columns.named]
    for group in needs.one_of:
        if not any(c in columns.named for c in group):
            choices = Join(tuple(_expected_headers(c) for c in group), word="error.word.and_or")
            wanted.append(_headed(group[0], choices))
    if needs.criteria:
        wanted += _missing_criterion_columns(columns)
    return [
        table.problem("error.load.missing_column", row=table.header_row, what=what)
        for what in wanted
    ]


def _missing_criterion_columns(columns: Columns) -> list[Msg]:
    """Wide needs all 19 criterion columns; long needs a criterion and a result column."""
    if columns.layout == "wide":
        absent = [f"TC{c}" for c in CRITERIA_NUMBERS if c not in columns.criteria]
        if not absent:
            return []
        return [
            Msg(
                "error.load.criterion_columns_wide",
                absent=", ".join(absent),
                n=N_CRITERIA,
                count=len(absent),
            )
        ]
    long_columns = [c for c in ("criterion", "met") if c in columns.named]
    if not long_columns:
        return [
            Msg(
                "error.load.criterion_columns_long",
                n=N_CRITERIA,
                criterion=_expected_headers("criterion"),
                met=_expected_headers("met"),
            )
        ]
    return [_headed(c) for c in ("criterion", "met") if c not in long_columns]
