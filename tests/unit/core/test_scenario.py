"""A planner's "what if" as JSON: read leniently where JSON forces it (string keys), strictly
everywhere else, every problem named at once; its JSON form reads back the same."""

from __future__ import annotations

import json

import pytest

from ntm_analysis.core.config import DEFAULT_PRIORITY_ODDS
from ntm_analysis.core.scenario import Scenario, ScenarioError


def test_json_keys_are_criteria_and_numbers_are_floats():
    scenario = Scenario.from_dict(
        json.loads('{"name": "thu nhập", "criterion_odds": {"10": 2, "3": 1.5}}')
    )
    assert scenario.criterion_odds == {10: 2.0, 3: 1.5}
    assert scenario.priority_odds == DEFAULT_PRIORITY_ODDS and scenario.priority_communes == ()
    assert not scenario.is_baseline and Scenario().is_baseline
    assert Scenario(priority_communes=("X1",)).is_baseline is False


def test_the_json_form_is_canonical_and_reads_back():
    scenario = Scenario.from_dict(
        {"criterion_odds": {"10": 2, "3": 1.5}, "priority_communes": [18001, "X2"]}
    )
    form = scenario.as_dict()
    assert list(form["criterion_odds"]) == ["3", "10"]  # sorted by criterion: a stable cache key
    assert form["priority_communes"] == ["18001", "X2"]  # codes are text
    assert json.loads(json.dumps(form)) == form
    assert Scenario.from_dict(form) == scenario


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ({"criterion_odds": {"10": True}}, "error.scenario.odds_not_number"),  # not 1
        ({"criterion_odds": {"ten": 2}}, "error.scenario.not_a_criterion"),
        ({"criterion_odds": {"20": 2}}, "error.scenario.criterion_range"),
        ({"criterion_odds": {"10": 0}}, "error.scenario.odds_not_positive"),
        ({"priority_communes": "X1"}, "error.scenario.communes_not_list"),  # not "X", "1"
        ({"priority_odds": "2"}, "error.scenario.priority_not_number"),
        ({"name": "  "}, "error.scenario.bad_name"),
        ({"odds": {}}, "error.scenario.unknown_key"),
    ],
)
def test_each_mistake_has_its_own_message(value, key):
    with pytest.raises(ScenarioError) as error:
        Scenario.from_dict(value)
    (joined,) = [v for name, v in error.value.message.params if name == "problems"]
    assert [problem.key for problem in joined.items] == [key]


def test_every_mistake_is_named_at_once():
    with pytest.raises(ScenarioError) as error:
        Scenario.from_dict({"criterion_odds": {"20": 2, "10": -1}, "priority_odds": 0, "x": 1})
    (joined,) = [v for name, v in error.value.message.params if name == "problems"]
    assert len(joined.items) == 4
    assert error.value.render("vi").startswith("kịch bản không hợp lệ: ")
