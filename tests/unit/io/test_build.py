"""io.build: checked records become a ``Panel`` with the registry's district names."""

from __future__ import annotations

from ntm_analysis.io.build import to_panel
from ntm_analysis.io.columns import PANEL_COLUMNS, identify_columns
from ntm_analysis.io.records import parse_records
from ntm_analysis.io.reference import read_registry
from ntm_analysis.io.table import table_from_grid

CRITERIA = [f"TC{c}" for c in range(1, 20)]
REGISTRY = read_registry()


def test_records_to_panel():
    rows = [
        ["Mã xã", "Tên xã", "huyện", "Năm", "Xã ĐBKK", "Dữ liệu mô phỏng", *CRITERIA],
        ["X1", "A", "binh gia", 2016, 1, 0, *[1] * 19],
        ["X1", "A", "binh gia", 2017, 0, 1, *[1] * 19],  # the latest year's flag is current
    ]
    table = table_from_grid(rows, "f.csv", None)
    records, problems = parse_records(table, identify_columns(table, PANEL_COLUMNS), REGISTRY)
    assert problems == []
    panel = to_panel(records, REGISTRY, source="f.csv")
    communes = panel.communes.set_index("commune_code")
    assert communes.loc["X1", "district_name"] == "Bình Gia"  # the registry's spelling
    assert not communes.loc["X1", "difficult"]
    assert panel.synthetic  # one flagged row makes the whole panel synthetic
    assert panel.years == [2016, 2017]
