"""analysis/crossing.py on its own: simulated criteria mapped through a change table, targets
with their units, the change of denominator, a summary of numbers and codes only. A whole
forecast across 1 Jan 2020: test_admin_forecast.py; the words: tests/unit/report/
test_crossing_words.py."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from locations import TEST_DATA

from ntm_analysis.analysis.crossing import (
    FULL,
    DenominatorChange,
    denominator_change,
    forecast_across,
    map_states,
    n_communes,
    target_on_units,
)
from ntm_analysis.core.errors import MessageError
from ntm_analysis.io.load import load_panel

# Liên Hội (06259, 2020) = Phú Mỹ + Việt Yên + Vân Mộng; Đề Thám (06046, 2020) = Đề Thám
# (4,488 people) + part of Bắc Ái (06052, 397); Kim Đồng (06031) takes Bắc Ái's other part
CODES = ["06259", "06262", "06268", "06046", "06052", "06031"]
ONE = np.uint32(1)


def _states(*draws: list[int]) -> np.ndarray:
    return np.array(draws, dtype=np.uint32)


def _mapped(rule: str, states: np.ndarray) -> dict[str, np.ndarray]:
    units, mapped, _ = map_states(states, CODES, "2017", "2020", rule)
    return {code: mapped[:, j] for j, code in enumerate(units["code"])}


def test_a_merged_commune_meets_a_criterion_only_where_all_its_parts_do():
    states = _states([FULL, FULL, FULL, FULL, ONE, FULL], [FULL, FULL, FULL - 1, 3, 1, 2])
    out = _mapped("all", states)
    assert set(out) == {"06259", "06046", "06031"}  # the new xã formed from these codes
    assert out["06259"].tolist() == [FULL, FULL - 1]
    assert out["06046"].tolist() == [ONE, 1]  # Đề Thám AND Bắc Ái
    assert out["06031"].tolist() == [ONE, 0]  # Kim Đồng AND Bắc Ái


def test_the_largest_part_decides_where_people_are_known_and_the_fallback_is_noted():
    states = _states([FULL, FULL, 1, 6, 1, 6])
    units, mapped, notes = map_states(states, CODES, "2017", "2020", "largest")
    out = dict(zip(units["code"], mapped[0], strict=True))
    assert out["06046"] == 6 and out["06031"] == 6  # the larger part: no AND with Bắc Ái
    assert out["06259"] == 1  # Liên Hội's people unknown: all parts
    assert [n.key for n in notes] == ["error.geo.note.fallback"]
    assert dict(notes[0].params) == {"units": "xã Liên Hội"}


def test_assessed_cannot_apply_to_simulated_years_and_says_so():
    _, _, notes = map_states(_states([1] * 6), CODES, "2017", "2020", "assessed")
    assert [n.key for n in notes] == ["error.geo.note.assessed_future"]


def test_a_new_unit_whose_parts_were_not_simulated_is_refused():
    with pytest.raises(MessageError) as info:
        map_states(_states([1, 1]), CODES[:2], "2017", "2020")
    assert "Vân Mộng" in str(info.value)


def test_a_target_carries_its_units_and_its_denominator_change_in_numbers():
    target = target_on_units(77, "2017", 2017)
    assert (target.n_units, target.share) == (207, pytest.approx(77 / 207))
    assert n_communes("2020") == 181 and n_communes("2017", 184) == 23
    change = denominator_change(target, "2020")
    assert change == DenominatorChange(target, dt.date(2020, 1, 1), 181)
    assert change.value_to == pytest.approx(target.restated(181))
    district = denominator_change(target_on_units(10, "2017", 2019, 184), "2020", 184)
    assert (district.n_to, district.district_code, district.district_name) == (16, 184, "Văn Quan")


@pytest.fixture(scope="module")
def across_2025():
    panel = load_panel(TEST_DATA / "admin_synthetic_values_2023_2024.csv")
    target = target_on_units(5, "2024", 2024)
    return forecast_across(panel, 2025, target, n_draws=30, seed=2), target


def test_the_summary_is_numbers_and_codes_only(across_2025):
    cf, target = across_2025
    summary = cf.summary(target)
    assert summary["from_vintage"] == "2024" and summary["to_vintage"] == "2025"
    assert summary["rule"] == "all" and summary["n_from"] == 175 and summary["n_to"] == 61
    assert summary["probability"] == cf.probability_of_share(target)
    assert summary["target_restated"] == pytest.approx(target.restated(61))
    for key in ("rule_label", "notes", "target", "denominator_change"):
        assert key not in summary  # the words are report.crossing's
    texts = [v for v in summary.values() if isinstance(v, str)]
    assert texts == ["2024", "2025", "all"]
    assert cf.notes and all(n.key.startswith("error.geo.note.") for n in cf.notes)
    assert cf.target == target and cf.denominator == denominator_change(target, "2025")
