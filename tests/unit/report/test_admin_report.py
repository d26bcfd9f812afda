"""A report made from a harmonised panel says which registry list and merge rule it used."""

from __future__ import annotations

import pytest
from locations import TEST_DATA

from ntm_analysis.report import sections as report
from ntm_analysis.report.geography import geography_sentence

CROSSING = TEST_DATA / "admin_synthetic_values_2018_2020.csv"


def _html(section) -> str:
    return " ".join(str(p) for p in section.parts)


def test_the_headline_states_the_list_and_the_rule():
    rep = report.prepare(
        data_path=str(CROSSING),
        target_year=2022,
        draws=60,
        seed=1,
        backtest_draws=10,
        lang="en",
        province_target=5,
    )
    text = _html(report.headline(rep))
    assert "harmonised to the units of the 2020 list" in text
    assert "only if all its parts met it" in text
    assert "synthetic" in text.lower()  # the values are random, and said to be


def test_the_merge_rule_is_a_report_parameter_and_the_sidecar_records_it(tmp_path):
    """`merge_rule`/`vintage` reach the report from its notebook's parameters (not only the
    CLI): the headline names the rule used and the JSON sidecar records list and rule."""
    import json

    rep = report.prepare(
        data_path=str(CROSSING),
        target_year=2022,
        draws=60,
        seed=1,
        backtest_draws=0,
        lang="en",
        province_target=5,
        merge_rule="largest",
        vintage="2020",
    )
    assert rep.parameters["merge_rule"] == "largest" and rep.parameters["vintage"] == "2020"
    text = _html(report.headline(rep))
    assert "takes the results of its part with most people" in text
    assert "only if all its parts met it" not in text
    saved = json.loads(report.save_results(rep, tmp_path / "r.json").read_text())
    assert saved["geography"]["rule"] == "largest"
    assert saved["geography"]["vintage"] == "2020"
    assert saved["parameters"]["merge_rule"] == "largest"


@pytest.fixture(scope="module")
def report_2025():
    """The province's report on a file in the units after 1 Jul 2025 (no districts)."""
    return report.prepare(
        data_path=str(TEST_DATA / "admin_synthetic_values_2025_2026.csv"),
        target_year=2028,
        draws=60,
        seed=1,
        backtest_draws=0,
        lang="en",
        province_target=5,
    )


def test_a_province_report_on_2025_units_groups_by_former_district_and_invents_none(
    report_2025, tmp_path
):
    import json

    rep = report_2025
    section = report.districts(rep)
    assert section.title == "By former district (until 30/6/2025): forecast for 2028"
    (table,) = section.tables()
    assert table.columns[0] == "Former district (until 30/6/2025)"
    assert table["Number of communes"].sum() == 61
    assert "Cao Lộc + Văn Quan" in set(table.iloc[:, 0])  # formed across two: its own group
    assert "not administrative units" in section.text()
    assert report.district_chart(rep).parts == []  # no districts to compare
    assert "There are no districts from 1/7/2025" in _html(report.headline(rep))
    shown = report.priority_display(rep, report.priority_frame(rep))
    assert "District" not in shown.columns
    saved = json.loads(report.save_results(rep, tmp_path / "r.json").read_text())
    assert "district_table" not in saved
    groups = saved["former_district_table"]
    assert sum(g["n_communes"] for g in groups) == 61
    assert all(g["lo80"] <= g["expected"] <= g["hi80"] for g in groups)


def test_a_province_without_a_plan_for_the_year_is_never_called_a_district(report_2025):
    sentence = report.plan_sentence(report_2025)
    assert sentence.startswith("In 2027 the province is expected to have")
    assert "district" not in sentence


def test_the_hearing_brief_says_the_list_and_the_rule():
    import pandas as pd

    from ntm_analysis.report import hearing

    rep = report.prepare(
        data_path=str(CROSSING),
        target_year=2022,
        draws=40,
        seed=1,
        backtest_draws=0,
        lang="vi",
        province_target=5,
    )
    sentences = hearing.brief_sentences(rep, pd.DataFrame())
    assert geography_sentence(rep.panel.geography, "vi") in sentences
    assert "tất cả các phần hợp thành đều đạt" in sentences[1]
