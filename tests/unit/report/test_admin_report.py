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
