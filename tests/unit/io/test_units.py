"""io.units: every commune of a panel in the office's own list, same name, same district."""

from __future__ import annotations

from ntm_analysis.io.columns import PANEL_COLUMNS, identify_columns
from ntm_analysis.io.records import parse_records
from ntm_analysis.io.reference import read_registry
from ntm_analysis.io.table import table_from_grid
from ntm_analysis.io.units import check_units

CRITERIA = [f"TC{c}" for c in range(1, 20)]
REGISTRY = read_registry()


def test_communes_checked_against_a_units_file(tmp_path):
    units = tmp_path / "units.csv"
    units.write_text(
        "Mã xã,Tên xã,Huyện\nX1,Xã Hồng Phong,Bình Gia\nX2,Xã Tân Văn,Bình Gia\n"
        "X9,Xã Hoàng Đồng,Thành phố Lạng Sơn\n"
    )
    rows = [
        ["Mã xã", "Tên xã", "Huyện", "Năm", *CRITERIA],
        ["X1", "Hồng Phong", "Bình Gia", 2016, *[1] * 19],  # "Xã" prefix ignored: same
        ["X2", "Tân Văn", "Tràng Định", 2016, *[1] * 19],  # other district
        ["X3", "Hoàng Đồng", "Bình Gia", 2016, *[1] * 19],  # not listed; the name is X9's
        ["X4", "Tan Vna", "Bình Gia", 2016, *[1] * 19],  # not listed; close to Tân Văn
    ]
    table = table_from_grid(rows, "panel.csv", None)
    records, _ = parse_records(table, identify_columns(table, PANEL_COLUMNS), REGISTRY)
    problems = check_units(table, records, units, REGISTRY)
    assert [(p.key, p.row) for p in problems] == [
        ("error.load.units_other_district", 3),
        ("error.load.not_in_units_same_name", 4),
        ("error.load.not_in_units_hint", 5),
    ]
    assert problems[1].params["listed_code"] == "X9"
