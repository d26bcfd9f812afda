"""Metrics on a hand-made panel whose answers can be counted by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from ntm_analysis.core.panel import Panel
from ntm_analysis.model.metrics import (
    bottlenecks,
    criteria_met,
    criterion_attainment,
    missing_criteria,
    unit_summary,
)

# criteria met per commune and year (the rest not met):
#   A (district 1): 2015 all 19;          2016 all 19
#   B (district 1): 2015 1..16 (16);      2016 1..17 (17, missing 18, 19)
#   C (district 2): 2015 1..3 (3);        2016 1..4 and 10 (5)
MET = {
    ("A", 2015): set(range(1, 20)),
    ("A", 2016): set(range(1, 20)),
    ("B", 2015): set(range(1, 17)),
    ("B", 2016): set(range(1, 18)),
    ("C", 2015): {1, 2, 3},
    ("C", 2016): {1, 2, 3, 4, 10},
}


@pytest.fixture
def panel() -> Panel:
    rows = [(code, year, c, c in met) for (code, year), met in MET.items() for c in range(1, 20)]
    status = pd.DataFrame(rows, columns=["commune_code", "year", "criterion", "met"])
    communes = pd.DataFrame(
        [("A", "Xã A", 1, "Một"), ("B", "Xã B", 1, "Một"), ("C", "Xã C", 2, "Hai")],
        columns=["commune_code", "commune_name", "district_code", "district_name"],
    )
    return Panel.from_frames(status, communes, province_name="Tỉnh thử")


def test_criteria_met_and_ntm(panel):
    table = criteria_met(panel).set_index(["commune_code", "year"])
    assert table.loc[("B", 2016), "n_met"] == 17
    assert table.loc[("C", 2016), "n_met"] == 5
    assert table["ntm"].sum() == 2  # A in both years
    assert table.loc[("C", 2016), "district_name"] == "Hai"


def test_missing_criteria(panel):
    table = missing_criteria(panel, 2016).set_index("commune_code")
    assert table.loc["A", "missing"] == []
    assert table.loc["B", "missing"] == [18, 19]
    assert table.loc["C", "missing"] == [5, 6, 7, 8, 9, *range(11, 20)]
    assert list(table.index) == ["A", "B", "C"]  # most criteria met first


def test_province_summary(panel):
    table = unit_summary(panel, "province").set_index("year")
    assert table.loc[2016, "unit"] == "Tỉnh thử"
    assert table.loc[2016, "n_communes"] == 3
    assert table.loc[2016, "n_ntm"] == 1
    assert table.loc[2016, "mean_criteria"] == pytest.approx((19 + 17 + 5) / 3)
    assert table.loc[2015, "mean_criteria"] == pytest.approx((19 + 16 + 3) / 3)
    assert table.loc[2015, "n_below_5"] == 1 and table.loc[2016, "n_below_5"] == 0
    assert table.loc[2015, "n_close"] == 1 and table.loc[2016, "n_close"] == 1
    assert table.loc[2016, "d_mean_criteria"] == pytest.approx(1.0)
    assert table.loc[2016, "d_n_below_5"] == -1
    assert pd.isna(table.loc[2015, "d_n_ntm"])
    assert table.loc[2016, "share_ntm"] == pytest.approx(1 / 3)


def test_district_summary(panel):
    table = unit_summary(panel, "district", years=[2016]).set_index("unit")
    assert table.loc["Một", "n_ntm"] == 1 and table.loc["Một", "n_communes"] == 2
    assert table.loc["Một", "mean_criteria"] == pytest.approx(18.0)
    assert table.loc["Hai", "mean_criteria"] == pytest.approx(5.0)
    assert table.loc["Hai", "unit_code"] == 2


def test_subset_gives_the_same_figures_as_the_district_row(panel):
    one = unit_summary(panel.subset(districts=[1]), "province", years=[2016]).iloc[0]
    row = unit_summary(panel, "district", years=[2016]).set_index("unit_code").loc[1]
    for col in ["n_communes", "n_ntm", "mean_criteria", "n_below_5", "n_close"]:
        assert one[col] == row[col]


def test_attainment(panel):
    table = criterion_attainment(panel).set_index(["year", "criterion"])["share_met"]
    assert table[(2016, 1)] == 1.0
    assert table[(2016, 17)] == pytest.approx(2 / 3)
    assert table[(2016, 18)] == pytest.approx(1 / 3)
    by_district = criterion_attainment(panel, "district")
    assert set(by_district["district_name"]) == {"Một", "Hai"}


def test_bottlenecks_count_only_close_communes(panel):
    table = bottlenecks(panel, 2016).set_index("criterion")
    # only B (17 met) is close; it misses 18 and 19
    assert table.loc[18, "n_missing"] == 1 and table.loc[19, "n_missing"] == 1
    assert table["n_missing"].sum() == 2
    assert table.loc[18, "share"] == 1.0
    assert list(table.index[:2]) == [18, 19]


def test_wide_view_is_derived_from_the_long_table(panel):
    wide = panel.wide()
    assert wide.shape == (6, 19)
    assert wide.loc[("C", 2016)].sum() == 5
    assert bool(wide.loc[("B", 2016), 17]) and not bool(wide.loc[("B", 2016), 18])


def test_bad_by_is_rejected(panel):
    with pytest.raises(ValueError, match="by must be"):
        unit_summary(panel, "commune")
