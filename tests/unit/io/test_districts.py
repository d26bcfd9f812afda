"""io.districts: each row's district from its name and/or code, checked against the registry."""

from __future__ import annotations

from ntm_analysis.io.columns import PANEL_COLUMNS, identify_columns
from ntm_analysis.io.districts import DistrictNames, resolve_districts
from ntm_analysis.io.reference import read_registry
from ntm_analysis.io.table import table_from_grid

CRITERIA = [f"TC{c}" for c in range(1, 20)]
REGISTRY = read_registry()


def resolve(header, *rows):
    table = table_from_grid([header, *[list(r) + [1] * 19 for r in rows]], "f.csv", None)
    return resolve_districts(table, identify_columns(table, PANEL_COLUMNS), REGISTRY)


def test_names_are_matched_tolerantly():
    codes, problems = resolve(
        ["Mã xã", "Tên xã", "Huyện", "Năm", *CRITERIA],
        ["X1", "A", "Tràng Định", 2016],
        ["X2", "B", "huyen trang dinh", 2016],
        ["X3", "C", "TP Lạng Sơn", 2016],
    )
    assert codes.tolist() == [180, 180, 178] and problems == []


def test_an_unknown_name_is_reported_once_with_its_count():
    codes, problems = resolve(
        ["Mã xã", "Tên xã", "Huyện", "Năm", *CRITERIA],
        ["X1", "A", "Trang Dihn", 2016],
        ["X2", "B", "Trang Dihn", 2016],
    )
    assert codes.tolist() == [None, None]
    (problem,) = problems
    assert (problem.key, problem.row, problem.column, problem.params["n"]) == (
        "error.load.in_rows",
        2,
        "Huyện",
        2,
    )
    assert "did you mean Tràng Định?" in problem.message_in("en")


def test_name_and_code_must_agree():
    codes, problems = resolve(
        ["Mã xã", "Tên xã", "Huyện", "Mã huyện", "Năm", *CRITERIA],
        ["X1", "A", "Bình Gia", 181, 2016],
        ["X2", "B", "Bình Gia", 180, 2016],
        ["X3", "C", None, None, 2016],
    )
    assert codes.tolist() == [181, None, None]
    assert [(p.key, p.row) for p in problems] == [
        ("error.load.empty_district", 4),
        ("error.load.district_disagrees", 3),
    ]


def test_unknown_code():
    _, problems = resolve(["Mã xã", "Tên xã", "Mã huyện", "Năm", *CRITERIA], ["X1", "A", 999, 2016])
    assert [p.key for p in problems] == ["error.load.unknown_district_code"]


def test_district_names_lookup_rejects_junk_without_asking_the_registry():
    lookup = DistrictNames(REGISTRY)
    assert lookup("Bình Gia") == 181 and lookup(None) is None
    assert lookup("zzz").key == "error.district.unknown"
