"""Read a commune panel from the files provincial offices actually keep.

Offices keep their assessments in spreadsheets typed by hand: one row per commune and year
with 19 criterion columns ("wide") or one row per commune, year and criterion ("long"),
Vietnamese or English headers, a title row or two above the header, "Đạt", 1/0 or ticks in the
cells, saved in whatever encoding the office computer used. ``load_panel`` accepts all of that
and nothing ambiguous: every cell it cannot read is reported, all at once, with the file,
sheet, row (as Excel numbers it) and column, because a planner fixes the spreadsheet, not the
code.

This module is the facade: it runs the steps, each of which lives in its own module --

- ``readers`` (one per format: ``text``, ``excel``, ``parquet``) turn a file into a ``Table``;
- ``header`` finds the header row, ``columns`` decides what each column means;
- ``totals`` leaves out totals rows, ``cells`` reads each cell's value;
- ``records`` reads every cell into typed records, ``districts`` places each row's district;
- ``checks`` runs the whole-file checks, ``units`` the check against a communes file;
- ``build`` makes the ``Panel``.

What loads and what is refused, where a reader could hesitate:

- a two-row header block (a label merged over sub-headers, e.g. "Tiêu chí" over 1…19) is read
  as one header, because the second row can only be a header: it holds nothing but headers
  and criterion numbers;
- totals and subtotals ("Tổng cộng", "Cộng", "Cộng huyện Tràng Định", "Toàn tỉnh") are
  skipped when the row has no commune code: they sum communes, they are not one, and every
  provincial report has them. A row with a commune code is always data;
- numbers must look like numbers: "1", "1.0" and "1,0" are one, but "01", "1e0", "+1" or
  "１" are refused, since a flag or a year spelled that way is more likely a typo than meant;
- the same commune-year must agree with itself: in the long layout its 19 rows must give the
  same especially-difficult flag (and the same count, if there is a count column);
- a damaged file (truncated UTF-8, a corrupted workbook or Parquet file, binary data under a
  .csv name) is refused with one clear problem, early, without reading all of a huge file.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ntm_analysis.core.communes import Registry
from ntm_analysis.core.errors import DataError
from ntm_analysis.core.panel import Panel
from ntm_analysis.core.paths import default_panel_path
from ntm_analysis.geography.admin_check import check_file
from ntm_analysis.geography.harmonise import DEFAULT_RULE, harmonise_records
from ntm_analysis.io.build import to_panel
from ntm_analysis.io.checks import check_records, in_reading_order, refuse_junk
from ntm_analysis.io.columns import panel_columns
from ntm_analysis.io.readers import read_table
from ntm_analysis.io.readers.base import HEAD_BYTES, HEAD_ROWS
from ntm_analysis.io.records import YEAR_MAX, YEAR_MIN, Records, parse_records
from ntm_analysis.io.reference import read_assessed, read_registry
from ntm_analysis.io.table import MAX_CELL_PROBLEMS
from ntm_analysis.io.totals import without_summary_rows
from ntm_analysis.io.units import check_units

__all__ = [
    "HEAD_BYTES",
    "HEAD_ROWS",
    "MAX_CELL_PROBLEMS",
    "YEAR_MAX",
    "YEAR_MIN",
    "load_panel",
]


def load_panel(
    path: str | Path | None = None,
    *,
    sheet: str | int | None = None,
    registry: Registry | None = None,
    communes_path: str | Path | None = None,
    vintage: str | None = None,
    merge_rule: str = DEFAULT_RULE,
    assessed_path: str | Path | None = None,
) -> Panel:
    """Read a panel from CSV, XLSX or Parquet, wide or long layout, checking everything.

    ``path=None`` reads the bundled default data. ``sheet`` picks an XLSX sheet by name or by
    0-based index (default: the first sheet with a recognisable header). ``registry`` knows
    the province's districts (default: the bundled units file). ``communes_path``, a units
    file of communes (commune code, name and district), makes every commune be checked
    against it. Raises ``DataError`` listing every problem found.

    A file in real Lạng Sơn GSO codes is also checked against the list of units in force in
    each row's year (``admin_check``) and harmonised to the units of ``vintage`` (default:
    the list of the last year) with ``merge_rule`` ("all", "largest", "assessed" with
    ``assessed_path``), see ``harmonise``; ``Panel.geography`` records what was done.
    """
    path = Path(path) if path is not None else default_panel_path()
    registry = registry if registry is not None else read_registry()
    table = read_table(path, sheet, head=True)
    if table.large:  # judge its first rows before parsing all of a large file
        refuse_junk(table.first_rows(HEAD_ROWS + 1), registry)
        if not table.complete:
            table = read_table(path, sheet)
    columns, no_district_column = panel_columns(table)
    table = without_summary_rows(table, columns)
    records, problems = parse_records(table, columns, registry)
    # real GSO codes: checked per year's list; None for placeholder codes (synthetic panel)
    real = check_file(table, table.headers[columns.named["commune_code"]], records.rows)
    # rows on the units after 1 Jul 2025 have no district: none is asked for
    free = real.rows_without_districts(records.rows) if real is not None else set()
    if no_district_column and not set(records.rows["row"]) <= free:
        raise DataError(no_district_column)  # as for any missing column: nothing to read
    problems = [p for p in problems if p.key != "error.load.empty_district" or p.row not in free]
    problems += check_records(table, columns, records, registry, real_codes=real is not None)
    if communes_path is not None:
        problems += check_units(table, records, Path(communes_path), registry)
    geography = None
    if real is not None:
        problems += real.problems
        assessed = None
        if not problems and merge_rule == "assessed" and assessed_path is not None:
            try:  # geography never reads files: the assessments are read here, like the panel
                assessed = read_assessed(assessed_path)
            except DataError as exc:
                problems += exc.problems
        if not problems:
            name = Path(assessed_path).name if assessed_path else ""
            rows, status, geography, problems = harmonise_records(
                table, records.rows, records.status, real, vintage, merge_rule, assessed, name
            )
            records = Records(rows, status)
    if problems:
        raise DataError(in_reading_order(problems))
    return replace(to_panel(records, registry, source=str(path)), geography=geography)
