"""The administrative registry: vintages, counts, change tables, code reuse, lineage."""

from __future__ import annotations

import pytest

from ntm_analysis.geography.admin import registry

REG = registry()


@pytest.mark.parametrize(
    ("day", "vintage", "xa", "tt", "phuong"),
    [
        ("2017-06-30", "2017", 207, 14, 5),
        ("2019-12-31", "2017", 207, 14, 5),
        ("2020-01-01", "2020", 181, 14, 5),
        ("2021-01-31", "2020", 181, 14, 5),  # the recodes: from the Feb-2021 GSO list on
        ("2021-02-01", "2021", 181, 14, 5),
        ("2022-05-01", "2021", 181, 14, 5),
        ("2024-11-30", "2021", 181, 14, 5),
        ("2024-12-01", "2024", 175, 14, 5),
        ("2025-06-30", "2024", 175, 14, 5),
        ("2025-07-01", "2025", 61, 0, 4),
        ("2026-11-30", "2025", 61, 0, 4),
    ],
)
def test_units_in_force_on_a_date(day, vintage, xa, tt, phuong):
    units = REG.units_on(day)
    assert REG.vintage_on(day).key == vintage
    assert units["kind"].value_counts().reindex(
        ["xa", "thi-tran", "phuong"], fill_value=0
    ).tolist() == [
        xa,
        tt,
        phuong,
    ]
    assert not units["code"].duplicated().any()


def test_2025_units_have_no_district_but_name_their_former_districts():
    units = REG.units_in("2025")
    assert units["district_code"].isna().all()
    khanh_khe = REG.unit("2025", "06286")
    assert khanh_khe.name == "Khánh Khê"
    assert khanh_khe.former_district == "Cao Lộc + Văn Quan"  # formed across two districts


def test_the_2021_recoding_takes_effect_with_the_february_2021_list():
    """The reference dates the 8 recodes by the GSO list that first carries them (Feb 2021),
    not by 1 January: January 2021 is still on the Feb-2020 list's codes, and a file for
    2021 may use either list (the year-end one first)."""
    assert REG.vintage_of_year(2020).key == "2020"
    assert REG.vintage("2021").valid_from.isoformat() == "2021-02-01"
    assert REG.vintage("2020").valid_to.isoformat() == "2021-01-31"
    assert [v.key for v in REG.vintages_in_year(2021)] == ["2021", "2020"]
    assert REG.unit("2020", "06310").name == REG.unit("2021", "06298").name == "Bình Phúc"


def test_a_reused_code_is_two_different_units():
    assert REG.unit("2017", "06139").name == "Trùng Quán"
    assert REG.unit("2020", "06139") is None  # dissolved; Bắc Hùng had 06145 in the 2020 list
    assert REG.unit("2020", "06145").name == "Bắc Hùng"
    assert REG.unit("2021", "06139").name == "Bắc Hùng"
    assert REG.unit("2024", "06040").name == "Thất Khê"  # xã Đại Đồng's code until Nov 2024
    assert REG.unit("2021", "06040").name == "Đại Đồng"
    assert REG.unit("2025", "05977").name == "Đông Kinh"  # phường Vĩnh Trại's code before


def test_the_2025_table_accounts_for_every_pre_2025_unit_exactly_once():
    links = REG.change_links("2025")
    before = set(REG.units_in("2024")["code"])
    assert len(before) == 194
    assert set(links["from_code"]) == before
    counts = links.groupby("from_code").size()
    split = sorted(counts[counts > 1].index)
    assert split == ["06622", "06625"]  # Bính Xá, Kiên Mộc: twice, as parts
    assert (counts[counts > 1] == 2).all()
    assert (links.loc[links["from_code"].isin(split), "relation"] == "part").all()
    assert (links.loc[~links["from_code"].isin(split), "relation"] == "whole").all()
    assert links["to_code"].nunique() == 65


@pytest.mark.parametrize(
    ("before", "after"), [("2017", "2020"), ("2020", "2021"), ("2021", "2024")]
)
def test_every_unit_goes_somewhere_and_every_new_unit_comes_from_somewhere(before, after):
    links = REG.change_links(after)
    assert set(links["from_code"]) == set(REG.units_in(before)["code"])
    assert set(links["to_code"]) == set(REG.units_in(after)["code"])


def test_the_2020_change_dissolves_26_xa_and_keeps_the_others():
    links = REG.change_links("2020")
    moved = links[links["from_code"] != links["to_code"]]
    assert moved["from_code"].nunique() == 26
    assert len(REG.units_in("2017", ["xa"])) - 26 == len(REG.units_in("2020", ["xa"]))


def test_successors_of_a_split_unit():
    succ = REG.successors("2017", "06298")  # Xuân Mai
    assert sorted(zip(succ["to_name"], succ["relation"], strict=True)) == [
        ("Bình Phúc", "part"),
        ("Văn Quan", "part"),
    ]
    # to 2025: Bình Phúc (recoded 06298 in 2021) → Yên Phúc; TT Văn Quan → xã Văn Quan
    far = REG.successors("2017", "06298", to="2025")
    assert sorted(far["to_name"]) == ["Văn Quan", "Yên Phúc"]


def test_crosswalk_refuses_to_go_back_in_time():
    with pytest.raises(ValueError, match="back"):
        REG.crosswalk("2020", "2017")


def test_lineage_by_name_and_by_code():
    by_name = REG.lineage("Xuân Mai")
    assert {"Bình Phúc", "Văn Quan"} <= set(by_name["to_name"])
    assert "recode" in set(by_name["relation"])  # Bình Phúc 06310 → 06298 in 2021
    by_code = REG.lineage("06139")  # Trùng Quán (2017) and Bắc Hùng (2021, 2024)
    assert {"Trùng Quán", "An Hùng"} <= set(by_code["from_name"])
    assert "Na Sầm" in set(by_code["to_name"])


def test_people_known_for_a_few_changes_add_up_to_the_published_totals():
    links = REG.change_links("2024")
    khanh_khe = links[links["to_code"] == "06286"]
    assert int(khanh_khe["people"].sum()) == 7126  # Khánh Khê after the merger (NQ 1246)
    de_tham = REG.change_links("2020").query("to_code == '06046'")
    assert int(de_tham["people"].sum()) == 4885
