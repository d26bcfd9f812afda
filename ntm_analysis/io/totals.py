"""Totals and subtotals rows ("Tổng cộng", "Cộng huyện …", "Toàn tỉnh"), left out.

Every provincial report has them and they sum communes rather than being one, so they are
skipped, but only when the row has no commune code or name of its own: a row with a code is
always data (a commune may be called "Tổng Cọt"), and a row that lost its code is reported.
"""

from __future__ import annotations

from dataclasses import replace

from ntm_analysis.i18n.text import fold
from ntm_analysis.io.cells import is_blank, map_values
from ntm_analysis.io.columns import Columns
from ntm_analysis.io.table import Table, fail

# the label of a totals row, folded (see without_summary_rows): exact, or as a prefix
_SUMMARY_LABELS = frozenset(
    {"tong", "cong", "tong cong", "tong so", "toan tinh", "toan huyen", "total", "sum"}
)


_SUMMARY_PREFIXES = (
    *("tong cong ", "tong so ", "toan tinh ", "toan huyen ", "total "),
    *("cong huyen ", "cong thanh pho ", "cong thi xa ", "cong tp "),
)


def is_summary_label(value: object) -> bool:
    """ "Tổng cộng", "Cộng", "TỔNG SỐ", "Cộng huyện Tràng Định", "Toàn tỉnh", "Total"."""
    if not isinstance(value, str) or value.lstrip()[:1].lower() not in ("t", "c", "s"):
        return False  # the quick refusal: every label starts with T(ổng), C(ộng) or S(um)
    key = fold(value)
    return key in _SUMMARY_LABELS or key.startswith(_SUMMARY_PREFIXES)


def without_summary_rows(table: Table, columns: Columns) -> Table:
    """The table without its totals and subtotals rows.

    Such a row sums communes, so it has neither a commune code nor a commune name of its
    own, only a label: in the code or name column, or to their left (merged cells put it
    in the first column, often "STT"). A row with a commune code or name is data whatever
    else it says: a commune may be called "Tổng Cọt", and a row that lost its code must be
    reported, not dropped because a note beside it says "Tổng".
    """
    code_j, name_j = columns.named["commune_code"], columns.named["commune_name"]
    left = list(range(max(code_j, name_j) + 1))  # the code, the name and what precedes them
    cells = table.body[left].to_numpy(dtype=object)
    blank = map_values(cells.ravel(), is_blank, dtype=bool).reshape(cells.shape)
    label = map_values(cells.ravel(), is_summary_label, dtype=bool).reshape(cells.shape)
    no_commune = (blank | label)[:, [code_j, name_j]].all(axis=1)
    drop = no_commune & label.any(axis=1)
    if not drop.any():
        return table
    if drop.all():
        raise fail(table.file, "error.load.no_data_rows", table.sheet, header_row=table.header_row)
    keep = ~drop
    return replace(table, body=table.body.loc[keep].reset_index(drop=True), rows=table.rows[keep])
