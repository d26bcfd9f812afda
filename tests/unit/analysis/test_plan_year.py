"""analysis/plan_year.py: this year's plan against the forecast — a change planned is turned
into a level once, the chance and gap are read from the draws, a district gets no plan."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from ntm_analysis.analysis.plan_year import plan_level, this_year
from ntm_analysis.core.targets import TARGET_COLUMNS
from ntm_analysis.model.forecast import run_forecast


@pytest.fixture(scope="module")
def forecast(small_panel):
    return run_forecast(small_panel, target_year=2018, n_draws=200, seed=1)


def _targets(*rows: tuple[int, str, float, int]) -> pd.DataFrame:
    """Province targets: (year, indicator, value, official)."""
    return pd.DataFrame(
        [
            {
                "level": "province",
                "unit_code": None,
                "unit_name": "Tỉnh",
                "year": year,
                "indicator": indicator,
                "value": value,
                "official": official,
                "source": "test",
            }
            for year, indicator, value, official in rows
        ],
        columns=TARGET_COLUMNS,
    )


def test_a_planned_change_is_a_level_on_the_as_of_year_and_scored_on_the_draws(forecast):
    year = forecast.years[0]
    now = forecast.observed_now()
    plan = this_year(
        forecast,
        _targets((year, "n_ntm_change", 3, 1), (year, "n_below_5_change", -10_000, 0)),
    )
    assert plan.year == year == forecast.as_of + 1 and plan.has_plan
    ntm, below = plan.figures.n_ntm, plan.figures.n_below_5
    goal = now["n_ntm"] + 3
    assert ntm.target == goal and ntm.official and ntm.direction == "at_least"
    assert below.target == 0.0 and not below.official, "a count is never planned below 0"
    draws = forecast.unit_draws(None, "ntm")[:, 0]
    assert ntm.probability == pytest.approx((draws >= goal).mean())
    assert ntm.gap == pytest.approx(goal - draws.mean()), "plan − expected"
    assert ntm.lo95 <= ntm.expected <= ntm.hi95
    assert 0 < ntm.probability_se <= 0.5 / len(draws) ** 0.5 + 1e-12
    fewer = forecast.unit_draws(None, "below")[:, 0]
    assert below.direction == "at_most"
    assert below.probability == pytest.approx((fewer <= 0).mean())
    assert below.gap == pytest.approx(fewer.mean()), "fewer is better: expected − plan"
    criteria = plan.figures.mean_criteria
    assert criteria.target is None and criteria.probability is None
    assert criteria.now == pytest.approx(now["mean_criteria"])


def test_a_planned_level_wins_over_a_change(forecast):
    year = forecast.years[0]
    plan = this_year(forecast, _targets((year, "n_ntm", 5, 1), (year, "n_ntm_change", 40, 1)))
    assert plan.figures.n_ntm.target == 5


def test_a_district_and_a_year_without_a_plan_carry_the_forecast_only(forecast):
    district = int(forecast.districts["district_code"].iloc[0])
    for plan in (
        this_year(forecast, None, unit=district),
        this_year(forecast, _targets((forecast.years[0] + 1, "n_ntm", 5, 1))),
    ):
        assert not plan.has_plan
        assert all(f.target is None and f.gap is None for _, f in plan.figures.items())
        assert all(f.expected >= 0 for _, f in plan.figures.items())
        json.dumps(plan.to_dict())  # JSON-safe: it goes into the sidecar as it is
    assert this_year(forecast, None, unit=district).level == "district"


def test_the_plan_level_rule_is_one_function():
    """The report's district section states the province's plan through the same rule."""
    targets = _targets((2017, "n_ntm_change", 14, 1), (2018, "n_ntm", 50, 0))
    assert plan_level(targets, 2017, "n_ntm", None, 24) == (38.0, True)
    assert plan_level(targets, 2018, "n_ntm", None, 24) == (50.0, False)
    assert plan_level(targets, 2019, "n_ntm", None, 24) == (None, False)
    assert plan_level(None, 2017, "n_ntm", None, 24) == (None, False)
