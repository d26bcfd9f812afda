"""The panel: canonical dtypes and order, the wide view derived from the long table, subsets,
districts, and joining commune facts."""

from __future__ import annotations

import pandas as pd
import pytest

from ntm_analysis.core.criteria import CRITERIA_NUMBERS
from ntm_analysis.core.panel import (
    COMMUNE_COLUMNS,
    NO_DISTRICT,
    STATUS_COLUMNS,
    Panel,
    has_districts,
)

# three communes in two districts, given out of order and with loose dtypes, as a loader has them
COMMUNES = pd.DataFrame(
    {
        "commune_code": [601, 502, 501],
        "commune_name": ["Xã C", "Xã B", "Xã A"],
        "district_code": ["6", "5", "5"],
        "district_name": ["Huyện Y", "Huyện X", "Huyện X"],
    }
)


def _status(met: dict[tuple[str, int], set[int]]) -> pd.DataFrame:
    """The long table: ``met[(commune, year)]`` is the set of criteria met."""
    rows = [
        (commune, year, criterion, int(criterion in done))
        for (commune, year), done in met.items()
        for criterion in CRITERIA_NUMBERS
    ]
    return pd.DataFrame(rows[::-1], columns=STATUS_COLUMNS)  # reversed: the panel sorts


MET = {
    (code, year): set(range(1, 1 + n + year - 2015))
    for code, n in (("501", 19), ("502", 5), ("601", 10))
    for year in (2015, 2016)
}
PANEL = Panel.from_frames(_status(MET), COMMUNES, source="x.csv", province_name="Lạng Sơn")


def test_from_frames_gives_canonical_dtypes_and_order():
    status, communes = PANEL.status, PANEL.communes
    assert list(status.columns) == STATUS_COLUMNS
    assert status["commune_code"].map(type).eq(str).all()  # codes are text: "06259"
    assert status.dtypes.astype(str).tolist()[1:] == ["int64", "int64", "bool"]
    assert status[["commune_code", "year", "criterion"]].equals(
        status[["commune_code", "year", "criterion"]]
        .sort_values(["commune_code", "year", "criterion"])
        .reset_index(drop=True)
    )
    assert list(communes.columns) == COMMUNE_COLUMNS
    assert communes["commune_code"].tolist() == ["501", "502", "601"]  # by district, then code
    assert communes["district_code"].dtype == "int64"
    assert not communes["difficult"].any()  # unknown: False, never missing
    assert (PANEL.source, PANEL.province_name, PANEL.synthetic) == ("x.csv", "Lạng Sơn", False)


def test_a_difficult_flag_given_is_kept():
    communes = COMMUNES.assign(difficult=[1, 0, 0])
    panel = Panel.from_frames(_status(MET), communes)
    flagged = panel.communes.set_index("commune_code")["difficult"]
    assert flagged.to_dict() == {"501": False, "502": False, "601": True}


def test_years_and_districts():
    assert PANEL.years == [2015, 2016]
    assert (PANEL.first_year, PANEL.last_year) == (2015, 2016)
    assert PANEL.district_codes == [5, 6]
    assert has_districts(PANEL)
    no_districts = Panel.from_frames(_status(MET), COMMUNES.assign(district_code=NO_DISTRICT))
    assert not has_districts(no_districts)


def test_the_wide_view_is_the_long_table_pivoted():
    wide = PANEL.wide()
    assert list(wide.columns) == list(CRITERIA_NUMBERS)
    assert wide.index.names == ["commune_code", "year"]
    assert wide.dtypes.eq(bool).all()
    counts = wide.sum(axis=1)
    assert counts.to_dict() == {key: min(len(done), 19) for key, done in MET.items()}
    assert wide.loc[("502", 2015)].tolist() == [c <= 5 for c in CRITERIA_NUMBERS]


def test_subset_by_district_commune_and_year():
    one = PANEL.subset(districts=[5])
    assert one.communes["commune_code"].tolist() == ["501", "502"]
    assert set(one.status["commune_code"]) == {"501", "502"}
    assert one.province_name == PANEL.province_name  # the rest is kept
    both = PANEL.subset(districts=[5], communes=["502", "601"], years=[2016])
    assert both.communes["commune_code"].tolist() == ["502"]
    assert both.years == [2016] and len(both.status) == 19
    assert PANEL.subset().status.equals(PANEL.status)  # nothing asked: everything
    assert len(PANEL.status) == 3 * 2 * 19  # the original is untouched


def test_with_district_info_joins_each_row_to_its_commune():
    frame = pd.DataFrame({"commune_code": ["601", "501", "601"], "value": [1, 2, 3]})
    joined = PANEL.with_district_info(frame)
    assert joined["district_name"].tolist() == ["Huyện Y", "Huyện X", "Huyện Y"]
    assert joined["value"].tolist() == [1, 2, 3]
    doubled = Panel(status=PANEL.status, communes=pd.concat([PANEL.communes] * 2))
    with pytest.raises(pd.errors.MergeError):  # a commune listed twice is not guessed at
        doubled.with_district_info(frame)


@pytest.mark.parametrize("swap", [None, (0, 1), (18, 19), (37, 38)])
def test_from_frames_orders_a_status_in_order_or_not_as_sort_values_does(swap):
    """A status already in order is only checked; one pair out of order on any key (the
    criterion, the year, the commune) is sorted as ``sort_values`` sorts it."""
    status = PANEL.status.copy()
    if swap is not None:
        i, j = swap
        status.iloc[[i, j]] = status.iloc[[j, i]].to_numpy()
    expected = status.sort_values(["commune_code", "year", "criterion"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(Panel.from_frames(status, COMMUNES).status, expected)
