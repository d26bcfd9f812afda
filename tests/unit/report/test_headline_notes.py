"""What the headline says about the model's caveats, from a forecast of a simulated panel: a
thin panel (one transition), a missing middle year, a registration list with no history (an
assumed scenario). The model side of each (the fit's notes) is in
tests/unit/model/test_transitions.py."""

from __future__ import annotations

from ntm_analysis.analysis.results import unit_results
from ntm_analysis.core.panel import Panel
from ntm_analysis.model.forecast import run_forecast
from ntm_analysis.model.synthetic import simulate_panel
from ntm_analysis.report.headline import headline


def _drop_years(panel: Panel, years: list[int]) -> Panel:
    return panel.subset(years=[y for y in panel.years if y not in years])


def test_a_two_year_panel_is_called_thin():
    panel = simulate_panel(seed=4, communes_per_district=6, years=(2015, 2016))
    forecast = run_forecast(panel, 2020, n_draws=400, seed=1)
    result = unit_results(panel, forecast, None, target=30, year=2020)
    assert "only 1 year-to-year transition" in headline(result, "en")


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
