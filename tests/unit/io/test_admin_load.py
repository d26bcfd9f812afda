"""Real GSO codes in a loaded file: per-year checks, harmonisation across 1 Jan 2020, rules.

The files in tests/data/admin_synthetic_values_*.csv hold real codes and names with RANDOM
criterion values (tests/data/make_admin_test_files.py); they are flagged synthetic.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from locations import TEST_DATA

from ntm_analysis.core.errors import DataError
from ntm_analysis.io.load import load_panel
from ntm_analysis.model.forecast import run_forecast

DATA = TEST_DATA
CROSSING = DATA / "admin_synthetic_values_2018_2020.csv"  # 2017 units 2018–19, 2020 units 2020
REUSE = DATA / "admin_synthetic_values_2019_2021.csv"  # 2017 units 2019, 2021 units 2021
TC = [f"TC{c}" for c in range(1, 20)]


def _raw(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"Mã xã": str})


def _criteria(raw: pd.DataFrame, code: str, year: int) -> list[bool]:
    row = raw[(raw["Mã xã"] == code) & (raw["Năm"] == year)]
    assert len(row) == 1
    return row[TC].iloc[0].astype(bool).tolist()


def _met(panel, code: str, year: int) -> list[bool]:
    wide = panel.wide()
    return wide.loc[(code, year)].tolist()


def _messages(path: Path, **kwargs) -> list[str]:
    with pytest.raises(DataError) as info:
        load_panel(path, **kwargs)
    return [str(p) for p in info.value.problems]


def test_a_file_crossing_1_jan_2020_validates_and_is_harmonised_to_the_2020_units():
    panel = load_panel(CROSSING)
    assert panel.years == [2018, 2019, 2020]
    assert panel.synthetic  # the values are random: labelled as such
    geo = panel.geography
    assert geo.vintage == "2020" and geo.rule == "all" and geo.changes_crossed == ("2017",)
    assert geo.lists_by_year == {2018: "2017", 2019: "2017", 2020: "2020"}
    assert geo.n_communes == 181 and geo.districts  # its words: tests/unit/report
    raw = _raw(CROSSING)
    codes_2020 = set(raw.loc[raw["Năm"] == 2020, "Mã xã"])
    assert set(panel.communes["commune_code"]) == codes_2020  # the 2020 units, every year
    assert "06298" not in set(panel.communes["commune_code"])  # Xuân Mai is gone
    # Liên Hội (06259, 2020) = Phú Mỹ + Việt Yên + Vân Mộng: met only where all three met
    parts = [_criteria(raw, c, 2019) for c in ("06259", "06262", "06268")]
    expected = [all(v) for v in zip(*parts, strict=True)]
    assert _met(panel, "06259", 2019) == expected
    assert expected != parts[0]  # the test can tell "all parts" from "Phú Mỹ alone"
    assert panel.communes.set_index("commune_code").loc["06259", "commune_name"] == "Liên Hội"
    # 2020 rows pass through unchanged
    assert _met(panel, "06259", 2020) == _criteria(raw, "06259", 2020)
    notes = " ".join(n.render("en") for n in geo.notes)
    assert "xã Xuân Mai (all or part of it) joined TT Văn Quan on 1/1/2020" in notes


def test_the_harmonised_panel_forecasts():
    panel = load_panel(CROSSING)
    forecast = run_forecast(panel, target_year=2022, n_draws=50, seed=1)
    assert forecast.n_communes() == panel.communes.shape[0]


def test_largest_part_rule_uses_people_where_known_and_says_where_it_could_not():
    panel = load_panel(CROSSING, merge_rule="largest")
    assert panel.geography.rule == "largest"
    notes = " ".join(n.render("en") for n in panel.geography.notes)
    assert "rule 'all parts met it' used instead" in notes and "xã Liên Hội" in notes


def test_as_assessed_rule_takes_the_users_file(tmp_path):
    raw = _raw(CROSSING)
    merged = ["06259", "06265", "06283", "06310", "06145", "06130", "06151"]
    rows = [
        {"commune_code": code, "year": year, **{tc: 1 for tc in TC}}
        for code in merged
        for year in (2018, 2019)
    ]
    assessed = tmp_path / "assessed.csv"
    pd.DataFrame(rows).to_csv(assessed, index=False)
    panel = load_panel(CROSSING, merge_rule="assessed", assessed_path=assessed)
    assert all(_met(panel, "06259", 2019))
    assert _met(panel, "06259", 2020) == _criteria(raw, "06259", 2020)
    pd.DataFrame(rows[2:]).to_csv(assessed, index=False)  # Liên Hội missing
    messages = _messages(CROSSING, merge_rule="assessed", assessed_path=assessed)
    assert any("assessed.csv has no assessment for xã Liên Hội in 2018" in m for m in messages)


def test_a_dissolved_commune_in_a_2020_row_is_rejected_naming_its_successors(tmp_path):
    raw = _raw(CROSSING)
    i = raw.index[(raw["Năm"] == 2020) & (raw["Mã xã"] == "06310")][0]
    raw.loc[i, ["Mã xã", "Tên xã"]] = ["06298", "Xuân Mai"]
    path = tmp_path / "dissolved.csv"
    raw.to_csv(path, index=False)
    messages = _messages(path)
    assert any(
        f"row {i + 2}, column 'Mã xã'" in m
        and "06298 was xã Xuân Mai until 31/12/2019; dissolved on 1/1/2020 into xã Bình Phúc "
        "and TT Văn Quan"
        in m
        for m in messages
    ), messages


def test_a_reused_code_never_joins_the_wrong_unit():
    panel = load_panel(REUSE)  # 06139: Trùng Quán in 2019, Bắc Hùng in 2021
    raw = _raw(REUSE)
    assert panel.geography.vintage == "2021"
    names = panel.communes.set_index("commune_code")["commune_name"]
    assert names["06139"] == "Bắc Hùng"
    # Bắc Hùng's 2019 = An Hùng (06145) + part of Trùng Quán (06139) + part of Tân Lang (06154)
    parts = [_criteria(raw, c, 2019) for c in ("06145", "06139", "06154")]
    expected = [all(v) for v in zip(*parts, strict=True)]
    assert _met(panel, "06139", 2019) == expected
    assert expected != _criteria(raw, "06139", 2019)  # a join on the code alone would differ
    # and Bắc Việt took 06154 (Tân Lang's code) from 2021: its 2019 is Tân Việt + Tân Lang
    parts = [_criteria(raw, c, 2019) for c in ("06130", "06154")]
    assert _met(panel, "06154", 2019) == [all(v) for v in zip(*parts, strict=True)]


def test_wrong_name_unknown_code_and_former_name(tmp_path):
    raw = _raw(CROSSING)
    first = raw.index[(raw["Năm"] == 2018) & (raw["Mã xã"] == "06256")][0]
    raw.loc[first, "Tên xã"] = "Tràng Phái"  # 06256 is Trấn Ninh; Tràng Phái is 06316
    second = raw.index[(raw["Năm"] == 2018) & (raw["Mã xã"] == "06313")][0]
    raw.loc[second, ["Mã xã", "Tên xã"]] = ["06999", "Tri Le"]  # no such code
    path = tmp_path / "wrong.csv"
    raw.to_csv(path, index=False)
    text = " | ".join(_messages(path))
    assert (
        "in the 2017 list, code 06256 is xã Trấn Ninh, not 'Tràng Phái'; 'Tràng Phái' has "
        "code 06316" in text
    )
    assert (
        "commune code 06999 ('Tri Le') is not a Lạng Sơn unit in any list 2017–2025; "
        "did you mean xã Xuất Lễ (06202) or xã Tri Lễ (06313)?" in text
    )
    with pytest.raises(DataError) as info:
        load_panel(path)
    vi = info.value.render("vi")
    assert "trong danh mục 2017, mã 06256 là xã Trấn Ninh, không phải 'Tràng Phái'" in vi
    assert "mã xã 06999 ('Tri Le') không phải mã đơn vị hành chính nào của Lạng Sơn" in vi


def test_a_former_name_of_a_unit_that_kept_its_code_is_accepted_with_a_note(tmp_path):
    raw = _raw(CROSSING)
    i = raw.index[(raw["Năm"] == 2020) & (raw["Mã xã"] == "06259")][0]
    raw.loc[i, "Tên xã"] = "Phú Mỹ"  # Liên Hội's name before 1 Jan 2020
    path = tmp_path / "old_name.csv"
    raw.to_csv(path, index=False)
    panel = load_panel(path)
    notes = [n.render("en") for n in panel.geography.notes]
    assert (
        f"row {i + 2}: 'Phú Mỹ' is the former name of xã Liên Hội (code 06259, renamed on "
        "1/1/2020); read as xã Liên Hội" in notes
    )


def test_a_commune_missing_without_a_change_to_explain_it_is_reported(tmp_path):
    raw = _raw(CROSSING)
    raw = raw.drop(raw.index[(raw["Năm"] == 2019) & (raw["Mã xã"] == "06256")])
    path = tmp_path / "gap.csv"
    raw.to_csv(path, index=False)
    assert any("xã Trấn Ninh (06256) has no row for year 2019" in m for m in _messages(path))


def test_a_merged_unit_with_a_part_missing_is_reported(tmp_path):
    raw = _raw(CROSSING)
    raw = raw.drop(raw.index[(raw["Năm"] == 2019) & (raw["Mã xã"] == "06262")])  # Việt Yên
    path = tmp_path / "part.csv"
    raw.to_csv(path, index=False)
    assert any("the file has no 2019 row for xã Việt Yên" in m for m in _messages(path))


def test_harmonising_back_in_time_is_refused():
    assert any(
        "cannot harmonise to the units of the 2017 list" in m
        for m in _messages(CROSSING, vintage="2017")
    )


def test_the_synthetic_panel_with_placeholder_codes_loads_as_before():
    panel = load_panel()
    assert panel.geography is None and panel.synthetic
    assert panel.communes.shape[0] == 207


def test_a_commune_in_the_wrong_district_is_reported(tmp_path):
    raw = _raw(CROSSING)
    i = raw.index[(raw["Năm"] == 2018) & (raw["Mã xã"] == "06256")][0]
    raw.loc[i, ["Mã huyện", "Huyện"]] = [182, "Văn Lãng"]
    path = tmp_path / "district.csv"
    raw.to_csv(path, index=False)
    assert any(
        f"row {i + 2}: in the 2017 list, xã Trấn Ninh (code 06256) is in Văn Quan" in m
        for m in _messages(path)
    )


def test_largest_part_rule_takes_the_most_populous_part_where_people_are_known():
    """Khánh Khê (1 Dec 2024) = Khánh Khê 1,940 people + Đồng Giáp 2,747 + Tràng Các 2,439."""
    path = DATA / "admin_synthetic_values_2023_2024.csv"
    raw = _raw(path)
    parts = [_criteria(raw, c, 2023) for c in ("06286", "06295", "06301")]
    largest = load_panel(path, merge_rule="largest")
    assert _met(largest, "06286", 2023) == parts[1]  # Đồng Giáp has the most people
    every = load_panel(path)
    assert _met(every, "06286", 2023) == [all(v) for v in zip(*parts, strict=True)]
    assert parts[1] != [all(v) for v in zip(*parts, strict=True)]  # the rules differ here


# --- files in the units of 1 Jul 2025: no districts ---------------------------------------
NEW_UNITS = DATA / "admin_synthetic_values_2025_2026.csv"  # 2025 units, no district columns
ACROSS_2025 = DATA / "admin_synthetic_values_2024_2025.csv"  # 2024 units, then 2025 (blank)


def test_a_file_in_2025_units_needs_no_district_and_never_gets_one():
    from ntm_analysis.core.panel import NO_DISTRICT, has_districts

    panel = load_panel(NEW_UNITS)
    assert panel.years == [2025, 2026] and panel.communes.shape[0] == 61
    assert panel.synthetic
    assert not has_districts(panel) and panel.district_codes == [NO_DISTRICT]
    geo = panel.geography
    assert geo.vintage == "2025" and geo.districts is False and not geo.changes_crossed
    assert geo.former_district["06286"] == "Cao Lộc + Văn Quan"  # Khánh Khê: across two
    assert set(panel.communes["commune_code"]) <= set(geo.former_district)  # + 4 phường


def test_a_file_crossing_1_jul_2025_is_harmonised_to_the_new_units():
    panel = load_panel(ACROSS_2025)  # 2025 rows leave the district blank: no problem
    assert panel.geography.vintage == "2025" and panel.communes.shape[0] == 61
    assert panel.geography.lists_by_year == {2024: "2024", 2025: "2025"}
    raw = _raw(ACROSS_2025)
    # Khánh Khê (2025) was formed across Cao Lộc and Văn Quan: in 2024 it meets a criterion
    # only where every xã part (from the change table) met it
    from ntm_analysis.geography.admin import registry

    links = registry().change_links("2025")
    parts = links.loc[links["to_code"] == "06286", "from_code"].tolist()
    xa = set(registry().units_in("2024", ["xa"])["code"])
    rows = [_criteria(raw, c, 2024) for c in parts if c in xa]
    assert len(rows) >= 2
    assert _met(panel, "06286", 2024) == [all(v) for v in zip(*rows, strict=True)]
    assert _met(panel, "06286", 2025) == _criteria(raw, "06286", 2025)


def test_a_district_is_still_required_where_the_years_list_has_districts(tmp_path):
    raw = _raw(CROSSING).drop(columns=["Mã huyện", "Huyện"])
    path = tmp_path / "no_district_2018_2020.csv"
    raw.to_csv(path, index=False)
    messages = _messages(path)
    assert len(messages) == 1 and "district" in messages[0]  # the missing column, as before
    raw = _raw(ACROSS_2025)
    raw.loc[raw.index[0], ["Mã huyện", "Huyện"]] = None  # a 2024 row: districts existed
    path = tmp_path / "blank_district_2024.csv"
    raw.to_csv(path, index=False)
    messages = _messages(path)
    assert len(messages) == 1 and "row 2" in messages[0]
