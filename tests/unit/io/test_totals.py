"""io.totals: totals rows are left out, a commune row never is."""

from __future__ import annotations

import pytest

from ntm_analysis.core.errors import DataError
from ntm_analysis.io.columns import PANEL_COLUMNS, identify_columns
from ntm_analysis.io.table import table_from_grid
from ntm_analysis.io.totals import is_summary_label, without_summary_rows

HEADER = ["STT", "Mã xã", "Tên xã", "Huyện", "Năm", *[f"TC{c}" for c in range(1, 20)]]


def grid(*rows):
    return table_from_grid([HEADER, *[list(r) + [1] * 19 for r in rows]], "f.xlsx", "NTM")


@pytest.mark.parametrize(
    "label", ["Tổng cộng", "CỘNG", "Tổng số", "Cộng huyện Tràng Định", "Toàn tỉnh", "Total"]
)
def test_summary_labels(label):
    assert is_summary_label(label)


@pytest.mark.parametrize("label", ["Tổng Cọt", "Xã Công Sơn", "Cộng Hòa", 7, None])
def test_not_summary_labels(label):
    assert not is_summary_label(label)


def test_totals_rows_dropped_commune_rows_kept():
    table = grid(
        [1, "X1", "Xã A", "Văn Lãng", 2016],
        ["Cộng huyện Văn Lãng", None, None, None, 2016],
        [2, "X2", "Tổng Cọt", "Văn Lãng", 2016],  # a commune called "Tổng …" is data
        [3, None, None, "Tổng", 2016],  # a label right of the name does not make a total
    )
    kept = without_summary_rows(table, identify_columns(table, PANEL_COLUMNS))
    assert list(kept.rows) == [2, 4, 5]


def test_a_sheet_of_totals_only_has_no_data():
    table = grid(["Tổng cộng", None, None, None, 2016])
    with pytest.raises(DataError) as caught:
        without_summary_rows(table, identify_columns(table, PANEL_COLUMNS))
    assert caught.value.problems[0].key == "error.load.no_data_rows"
