"""analysis/results.py: ``UnitResults.from_json`` reads back what ``to_dict`` writes (the CLI
JSON and every report sidecar), reads a sidecar of an earlier version with the fields it
lacks as "not recorded", refuses a file that is not a unit's results, saying why, and records
the capacity form the forecast draws (and the other form's share of the draws)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from ntm_analysis.analysis.results import REQUIRED, ResultsError, UnitResults, unit_results
from ntm_analysis.model.forecast import run_forecast


@pytest.fixture(scope="module")
def forecast(small_panel):
    return run_forecast(small_panel, target_year=2018, n_draws=200, seed=1)


@pytest.fixture(scope="module")
def results(small_panel, forecast):
    code = int(forecast.districts["district_code"].iloc[0])
    return {
        "province": unit_results(small_panel, forecast, None, target=20, target_source="user"),
        "district": unit_results(small_panel, forecast, code),  # no target: None figures
    }


@pytest.mark.parametrize("level", ["province", "district"])
def test_the_json_form_reads_back_to_the_same_results(results, level):
    result = results[level]
    through_json = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert UnitResults.from_json(through_json) == result
    assert UnitResults.from_json(result) is result


def test_a_sidecars_own_keys_are_left_to_its_reader(results):
    side = {**results["province"].to_dict(), "headline": "…", "unit_name": "Tỉnh Lạng Sơn"}
    assert UnitResults.from_json(side) == results["province"]


def test_an_old_sidecar_reads_with_the_fields_it_lacks_as_not_recorded(results):
    full = results["province"].to_dict()
    old = {k: full[k] for k in (*REQUIRED, "unit", "target", "probability", "status")}
    read = UnitResults.from_json(old)
    assert (read.expected, read.interval80, read.probability) == (
        full["expected"],
        full["interval80"],
        full["probability"],
    )
    assert read.this_year is None and read.probability_se is None and read.pace is None
    assert read.plan == () and read.model_notes == () and read.yearly == ()
    assert read.synthetic is False and read.target_official is False


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: [d], "expected a JSON object, found list"),
        (lambda d: {"unit_code": 180, "probability": 0.4}, "missing level, as_of, year"),
        (lambda d: {k: v for k, v in d.items() if k != "interval80"}, "missing interval80"),
        (lambda d: d | {"interval80": [1.0]}, "interval80 should be two numbers"),
        (lambda d: d | {"expected": "12"}, "expected should be a number, found '12'"),
        (lambda d: d | {"level": "commune"}, 'level should be "province" or "district"'),
        (lambda d: d | {"as_of": 2016.5}, "as_of should be a year"),
    ],
)
def test_a_file_that_is_not_a_units_results_is_refused_saying_why(results, change, message):
    data = change(results["district"].to_dict())
    with pytest.raises(ResultsError, match="^results/x.json: .*" + message.replace("[", r"\[")):
        UnitResults.from_json(data, "results/x.json")


@pytest.mark.parametrize(
    ("form", "level_weight", "mixed", "weight", "other_share"),
    [
        ("level", 0.9, True, 0.9, 0.1),  # 10% of the draws from the count form
        ("count", 0.3, True, 0.7, 0.3),  # the count form's weight is 1 - the level's
        ("level", 0.9, False, 0.9, 0.0),  # no other form fitted: every draw the chosen form's
    ],
)
def test_the_json_records_the_capacity_form_its_weight_and_the_other_forms_share(
    small_panel, forecast, form, level_weight, mixed, weight, other_share
):
    alone = replace(forecast.model, other_form=None)
    model = replace(
        alone,
        capacity_form=form,
        capacity_weight=level_weight,
        capacity_choice="data",
        other_form=alone if mixed else None,
    )
    result = unit_results(small_panel, replace(forecast, model=model), baselines=False)
    capacity = json.loads(json.dumps(result.to_dict()))["capacity"]
    assert list(capacity) == ["form", "choice", "weight", "other_share"]
    assert (capacity["form"], capacity["choice"]) == (form, "data")
    assert capacity["weight"] == pytest.approx(weight)
    assert capacity["other_share"] == pytest.approx(other_share)
    assert UnitResults.from_json(result.to_dict()) == result
    old = {k: v for k, v in result.to_dict().items() if k != "capacity"}  # written before
    assert UnitResults.from_json(old).capacity is None
