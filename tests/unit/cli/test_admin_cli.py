"""`ntm units`, `ntm lineage` and the boundary-change options of `ntm validate`."""

from __future__ import annotations

import json

from locations import TEST_DATA

from ntm_analysis.cli import EXIT_DATA_ERROR, main

CROSSING = TEST_DATA / "admin_synthetic_values_2018_2020.csv"


def test_units_on_a_date_in_both_languages(capsys):
    assert main(["units", "--on", "2020-06-30", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "200 commune-level units in force on 30/6/2020 (the 2020 list" in out
    assert "181 xã, 14 thị trấn, 5 phường" in out
    assert "xã Liên Hội" in out and "xã Xuân Mai" not in out
    assert main(["units", "--on", "2025-07-01"]) == 0
    out = capsys.readouterr().out
    assert "65 đơn vị cấp xã có hiệu lực ngày 1/7/2025" in out and "không còn cấp huyện" in out


def test_units_json_lists_every_unit(capsys):
    assert main(["units", "--on", "2024-12-01", "--json"]) == 0
    units = json.loads(capsys.readouterr().out)
    assert len(units) == 194 and sum(u["kind"] == "xa" for u in units) == 175


def test_units_bad_date(capsys):
    assert main(["units", "--on", "30/6/2020", "--lang", "en"]) == 2
    assert "write it as YYYY-MM-DD" in capsys.readouterr().err


def test_lineage_by_name_and_code(capsys):
    assert main(["lineage", "Xuân Mai", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "1/1/2020: xã Xuân Mai (06298) → xã Bình Phúc (06310): part" in out
    assert "1/7/2025: xã Bình Phúc (06298) → xã Yên Phúc (06298): whole" in out
    assert main(["lineage", "06139"]) == 0
    out = capsys.readouterr().out
    assert "danh mục 2017: xã Trùng Quán (mã 06139" in out
    assert "danh mục 2021: xã Bắc Hùng (mã 06139" in out
    assert main(["lineage", "Nowhere", "--lang", "en"]) == 2
    assert "no unit 'Nowhere'" in capsys.readouterr().err


def test_validate_says_which_rule_was_used(capsys):
    assert main(["validate", str(CROSSING), "--lang", "en", "--merge-rule", "largest"]) == 0
    out = capsys.readouterr().out
    assert "harmonised to the units of the 2020 list" in out
    assert "takes the results of its part with most people" in out
    assert main(["validate", str(CROSSING), "--vintage", "2017", "--lang", "en"]) == EXIT_DATA_ERROR
    assert "cannot harmonise to the units of the 2017 list" in capsys.readouterr().err


def test_forecast_across_the_2020_change_counts_on_the_2020_units(tmp_path, capsys):
    import pandas as pd

    raw = pd.read_csv(CROSSING, dtype={"Mã xã": str})
    path = tmp_path / "synthetic_2018_2019.csv"
    raw[raw["Năm"] <= 2019].to_csv(path, index=False)
    args = ["forecast", "--data", str(path), "--year", "2020", "--draws", "50", "--lang", "en"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Counted on the 32 xã of the 2020 list (in force at the end of 2020)" in out
    assert "merge rule: all parts met it" in out
    assert "set in 2017 on 207 xã; from 1/1/2020 the province has 181 xã" in out
    assert "Probability of reaching the target's share (77 of 207 xã, set in 2017" in out


def test_forecast_of_a_district_across_the_2020_change(tmp_path, capsys):
    """`ntm forecast --district` across 1 Jan 2020: counted on the district's 2020 xã, the
    district's own target restated, the change of denominator said; also in --json."""
    import pandas as pd

    raw = pd.read_csv(CROSSING, dtype={"Mã xã": str})
    path = tmp_path / "synthetic_2018_2019.csv"
    raw[raw["Năm"] <= 2019].to_csv(path, index=False)
    args = ["forecast", "--data", str(path), "--year", "2020", "--draws", "50"]
    args += ["--district", "Văn Quan", "--target", "10", "--lang", "en"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Counted on the 16 xã of the 2020 list (in force at the end of 2020)" in out
    assert "for Văn Quan was set in 2019 on the district's 23 xã; from 1/1/2020 the " in out
    assert "Probability of reaching the target's share (10 of 23 xã, set in 2019" in out
    assert main([*args, "--json"]) == 0
    crossing = json.loads(capsys.readouterr().out)["crossing"]
    assert crossing["n_units"] == 16 and crossing["district_code"] == 184
    assert crossing["rule"] == "all" and 0 <= crossing["probability"] <= 1


def test_commands_on_2025_units_count_no_district(tmp_path, capsys):
    new_units = str(TEST_DATA / "admin_synthetic_values_2025_2026.csv")
    assert main(["validate", new_units, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "61 communes in the province (no districts from 1/7/2025)" in out
    assert "There are no districts from 1/7/2025" in out
    assert main(["summary", "--data", new_units, "--by", "district", "--lang", "en"]) == 2
    assert "--by: there are no districts from 1 Jul 2025" in capsys.readouterr().err
    args = ["forecast", "--data", new_units, "--year", "2028", "--district", "Văn Quan"]
    assert main([*args, "--lang", "en"]) == 2
    assert "--district: there are no districts from 1 Jul 2025" in capsys.readouterr().err
    template = ["targets", "--data", new_units, "--template", str(tmp_path / "t.csv")]
    assert main([*template, "--lang", "en"]) == 2
    assert not (tmp_path / "t.csv").exists()
    assert "--template: there are no districts from 1 Jul 2025" in capsys.readouterr().err


def test_a_forecast_across_1_july_2025_is_grouped_by_former_district(capsys):
    import json

    data = str(TEST_DATA / "admin_synthetic_values_2023_2024.csv")
    args = ["forecast", "--data", data, "--year", "2025", "--draws", "30", "--lang", "en"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Counted on the 61 xã of the 2025 list" in out
    assert "Former district (until 30/6/2025)" in out and "Cao Lộc + Văn Quan" in out
    assert "District" not in out
    assert main([*args, "--json"]) == 0
    groups = json.loads(capsys.readouterr().out)["crossing"]["by_former_district"]
    assert sum(g["n_units"] for g in groups) == 61
