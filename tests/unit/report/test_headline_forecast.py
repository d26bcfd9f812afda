"""What the headline says, from forecasts of simulated panels: the target and plan years, a
verdict close to a threshold, and the model's caveats (a thin panel, a missing middle year, a
registration list with no history). The model side of each is in tests/unit/model/
(test_transitions.py, test_forecast.py); these moved from there (model tests import only
model and below)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from ntm_analysis.analysis.results import jsonable, threshold_straddled, unit_results
from ntm_analysis.core.panel import Panel
from ntm_analysis.model.forecast import run_forecast
from ntm_analysis.model.synthetic import simulate_panel
from ntm_analysis.report.headline import headline


def _drop_years(panel: Panel, years: list[int]) -> Panel:
    return panel.subset(years=[y for y in panel.years if y not in years])


def test_a_two_year_panel_is_called_thin_and_says_what_is_assumed():
    """One transition: no trend and a count whose reading each simulation assumes — not "the
    intervals are wider" (the width is the assumptions', see README "Limits")."""
    panel = simulate_panel(seed=4, communes_per_district=6, years=(2015, 2016))
    forecast = run_forecast(panel, 2020, n_draws=400, seed=1)
    result = unit_results(panel, forecast, None, target=30, year=2020)
    en, vi = headline(result, "en"), headline(result, "vi")
    assert "only one year-to-year transition: no time trend is assumed" in en
    assert "each simulation assumes its own share" in en
    assert "chỉ có một lần chuyển năm: dự báo không giả định xu thế" in vi
    assert "mỗi lần mô phỏng giả định một tỷ lệ riêng" in vi
    assert "intervals are wider" not in en and "khoảng dự báo rộng hơn" not in vi


def test_a_missing_middle_year_is_named_and_the_pace_skips_it():
    panel = _drop_years(simulate_panel(seed=3, communes_per_district=5), [2014])
    forecast = run_forecast(panel, 2020, n_draws=300, seed=1)
    result = unit_results(panel, forecast, None, target=20, year=2020)
    assert "2013–2015" in headline(result, "vi")
    assert result.pace.window > 0  # the pace skips the missing year, no KeyError


def test_a_registration_without_history_is_called_an_assumed_scenario():
    panel = simulate_panel(seed=12, communes_per_district=4)
    future = {2017: set(panel.communes["commune_code"][:5])}
    forecast = run_forecast(panel, 2018, n_draws=200, seed=1, registered=future)
    result = unit_results(panel, forecast, None, target=20, year=2018)
    assert "assumed scenario" in headline(result, "en")


def test_unit_results_are_json_safe_and_say_the_target(small_panel):
    forecast = run_forecast(small_panel, 2020, n_draws=300, seed=1)
    result = unit_results(small_panel, forecast, None, target=20, year=2020)
    assert result.to_dict() == jsonable(result.to_dict())  # plain JSON types
    assert 0 <= result.probability <= 1
    assert result.status in {"on_track", "needs_acceleration", "off_track"}
    assert "20 NTM communes by 2020" in headline(result, "en")
    assert "{" not in headline(result, "en")
    district = int(forecast.districts["district_code"].iloc[1])
    no_target = unit_results(small_panel, forecast, district, target=None)
    assert no_target.probability is None and no_target.status is None
    assert "{" not in headline(no_target, "vi")


def test_the_headline_gives_each_plan_years_probability(small_panel):
    forecast = run_forecast(small_panel, 2020, n_draws=500, seed=2)
    plan = pd.DataFrame(
        {
            "level": ["province", "province"],
            "unit_code": [0, 0],
            "unit_name": ["x", "x"],
            "year": [2017, 2020],
            "indicator": ["n_ntm", "n_ntm"],
            "value": [12, 25],
            "official": [1, 1],
            "source": ["test", "test"],
        }
    )
    result = unit_results(small_panel, forecast, None, 25, 2020, plan=plan)
    assert [row.year for row in result.plan] == [2017, 2020]
    assert "Probability of meeting the 2017 plan (12 communes)" in headline(result, "en")
    assert "plan" in {row.method for row in result.baselines}


def test_the_headline_says_close_to_the_threshold_instead_of_a_settled_verdict(small_panel):
    """P = 0.756 with seed 0 and 0.742 with seed 5 used to print "on track" and "needs
    acceleration": within the MC band of 75% the headline says the verdict is not settled."""
    forecast = run_forecast(small_panel, 2020, n_draws=500, seed=1)
    result = unit_results(small_panel, forecast, None, target=20, year=2020)
    for p, close in [(0.756, True), (0.742, True), (0.80, False)]:
        se = float(np.sqrt(p * (1 - p) / 2000))
        crafted = dataclasses.replace(
            result, probability=p, probability_se=se, close_to_threshold=threshold_straddled(p, se)
        )
        assert ("sát ngưỡng 75%" in headline(crafted, "vi")) is close
        assert ("close to the 75% threshold" in headline(crafted, "en")) is close


def test_the_trend_weight_is_called_the_datas_only_where_held_out_years_chose_it():
    """Three years (two transitions): the forecast uses no trend by rule, and the headline
    must not say the data gave the trend a weight of 0%; five years: the data's weight."""
    short = simulate_panel(seed=4, communes_per_district=6, years=(2014, 2015, 2016))
    forecast = run_forecast(short, 2020, n_draws=400, seed=1)
    result = unit_results(short, forecast, None, target=30, year=2020)
    assert result.trend_choice == "two_transitions"
    assert "too few years for the data to weigh the trend" in headline(result, "en")
    assert "chưa đủ số năm để dữ liệu cân nhắc xu thế" in headline(result, "vi")
    assert "weight the data give the trend" not in headline(result, "en")
    # the trend fit beside it is read from two changes, and the forecast assumes none
    assert "two year-to-year changes overstated progress on test data" in headline(result, "en")
    assert "cao hơn thực tế trên dữ liệu thử nghiệm" in headline(result, "vi")
    assert "only 2 year-to-year transitions: no time trend is assumed" in headline(result, "en")
    assert "chỉ có 2 lần chuyển năm: dự báo không giả định xu thế" in headline(result, "vi")
    assert "intervals are wider" not in headline(result, "en")
    # a trend forced on the thin panel (``fit(trend="only")``): not "no trend is assumed"
    forced = dataclasses.replace(result, trend_choice="fixed")
    assert "no time trend is assumed" not in headline(forced, "en")
    assert "only 2 year-to-year transitions: the trend" in headline(forced, "en")
    long = simulate_panel(seed=4, communes_per_district=6)
    forecast = run_forecast(long, 2020, n_draws=400, seed=1)
    result = unit_results(long, forecast, None, target=30, year=2020)
    assert result.trend_choice == "data" and result.trend_scored_years == 2
    assert "weight the data give the trend" in headline(result, "en")
    assert "single held-out year" not in headline(result, "en")
    assert "no time trend is assumed" not in headline(result, "en")  # five transitions


def test_a_trend_weight_from_one_held_out_year_says_so():
    """Three transitions: the data weigh the trend, but on one held-out year only."""
    panel = simulate_panel(seed=4, communes_per_district=6, years=(2013, 2014, 2015, 2016))
    forecast = run_forecast(panel, 2020, n_draws=400, seed=1)
    result = unit_results(panel, forecast, None, target=30, year=2020)
    assert (result.trend_choice, result.trend_scored_years) == ("data", 1)
    en, vi = headline(result, "en"), headline(result, "vi")
    assert "weight the data give the trend" in en and "single held-out year" in en
    assert "chỉ chấm điểm trên một năm để kiểm tra" in vi
    # read back from the JSON form, and from a file written before the field existed
    data = jsonable(result.to_dict())
    assert headline(type(result).from_json(data), "en") == en
    old = {k: v for k, v in data.items() if k != "trend_scored_years"}
    assert type(result).from_json(old).trend_scored_years is None
    assert "single held-out year" not in headline(type(result).from_json(old), "en")
