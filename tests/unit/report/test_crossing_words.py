"""report/crossing.py: a forecast across a boundary change in words (analysis.crossing gives
the numbers; tests/unit/analysis/test_crossing.py and test_admin_forecast.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from locations import TEST_DATA

from ntm_analysis.analysis.crossing import (
    DenominatorChange,
    denominator_change,
    forecast_across,
    target_on_units,
)
from ntm_analysis.i18n import LANGS
from ntm_analysis.io.load import load_panel
from ntm_analysis.report.crossing import (
    crossing_json,
    crossing_notes,
    denominator_words,
    target_words,
)
from ntm_analysis.report.geography import rule_label


def test_a_target_with_the_units_it_was_set_on():
    target = target_on_units(77, "2017", 2017)
    assert target_words(target, "en") == "77 of 207 xã, set in 2017 (37.2% of the communes)"
    assert target_words(target, "vi") == "77 trên 207 xã, đặt năm 2017 (37,2% số xã)"


def test_the_province_s_change_of_denominator():
    change = denominator_change(target_on_units(77, "2017", 2017), "2020")
    assert denominator_words(change, "en") == (
        "The target of 77 NTM communes was set in 2017 on 207 xã; from 1/1/2020 the province "
        "has 181 xã, so the target is restated as 37.2%, about 67 of 181."
    )
    assert "từ 1/1/2020 tỉnh còn 181 xã" in denominator_words(change, "vi")


def test_a_district_s_change_of_denominator_names_the_district():
    change = denominator_change(target_on_units(10, "2017", 2019, district_code=184), "2020", 184)
    assert (
        "The target of 10 NTM communes for Văn Quan was set in 2019 on the district's 23 xã; "
        "from 1/1/2020 the district has 16 xã, so the target is restated as 43.5%, about 7 of 16"
    ) in denominator_words(change, "en")
    vi = denominator_words(change, "vi")
    assert "của huyện Văn Quan được đặt năm 2019 trên 23 xã của huyện" in vi


def test_the_words_come_from_the_numbers_alone():
    """A record made by hand (no registry) is worded the same way: nothing is looked up."""
    target = target_on_units(77, "2017", 2017)
    change = DenominatorChange(target, dt.date(2031, 1, 1), 100, 999, "Huyện Thử")
    words = denominator_words(change, "en")
    assert "for Huyện Thử" in words and "from 1/1/2031" in words and "about 37 of 100" in words


@pytest.fixture(scope="module")
def panel_2024():
    return load_panel(TEST_DATA / "admin_synthetic_values_2023_2024.csv")


@pytest.fixture(scope="module")
def across_2025(panel_2024):
    target = target_on_units(5, "2024", 2024)
    return forecast_across(panel_2024, 2025, target, n_draws=20, seed=1), target


def test_the_json_is_the_summary_s_numbers_with_the_words_in_every_language(across_2025):
    cf, target = across_2025
    saved = crossing_json(cf, target)
    numbers = cf.summary(target)
    assert {key: saved[key] for key in numbers} == numbers
    assert list(saved)[:9] == [
        "from_vintage",
        "to_vintage",
        "rule",
        "rule_label",
        "n_from",
        "n_to",
        "notes",
        "target",
        "denominator_change",
    ]  # the order ntm forecast --json has always printed
    assert saved["rule_label"] == {lang: rule_label("all", lang) for lang in LANGS}
    assert saved["target"]["en"] == target_words(target, "en")
    assert saved["denominator_change"]["vi"] == denominator_words(cf.denominator, "vi")
    notes = [n["en"] for n in saved["notes"]]
    assert notes == crossing_notes(cf, "en") and any("xã Na Sầm" in n for n in notes)
    assert "by_former_district" in saved  # after 1 Jul 2025: grouped by former district


def test_without_a_target_the_json_has_no_target_words(panel_2024):
    saved = crossing_json(forecast_across(panel_2024, 2025, n_draws=10, seed=1))
    assert "target" not in saved and "denominator_change" not in saved
    assert "probability" not in saved
