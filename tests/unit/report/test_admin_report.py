"""A report made from a harmonised panel says which registry list and merge rule it used."""

from __future__ import annotations

from locations import TEST_DATA

from ntm_analysis.report import sections as report

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
