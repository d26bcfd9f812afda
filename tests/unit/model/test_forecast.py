"""Transition model fit, Monte Carlo simulation, scenarios and the results dict."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from ntm_analysis.core.panel import Panel
from ntm_analysis.model.forecast import Scenario, run_forecast, simulate
from ntm_analysis.model.synthetic import GeneratorParams, simulate_panel
from ntm_analysis.model.transitions import GAIN_TERMS, LOSS_TERMS, TransitionModel, fit, transitions


def _one_commune_panel(missing: int) -> Panel:
    """One commune meeting every criterion but ``missing``, observed in 2015 and 2016."""
    rows = [("X1", year, c, c != missing) for year in (2015, 2016) for c in range(1, 20)]
    status = pd.DataFrame(rows, columns=["commune_code", "year", "criterion", "met"])
    communes = pd.DataFrame(
        [("X1", "Xã A", 1, "Huyện A", False)],
        columns=["commune_code", "commune_name", "district_code", "district_name", "difficult"],
    )
    return Panel.from_frames(status, communes, province_name="Test")


def _fixed_model(gain_logit_missing: float, missing: int) -> TransitionModel:
    """A model with no parameter uncertainty: gain log-odds set for one criterion, no losses."""
    gain = np.zeros(len(GAIN_TERMS))
    gain[missing - 1] = gain_logit_missing
    loss = np.full(len(LOSS_TERMS), -60.0)
    loss[-1] = 0.0
    districts = pd.DataFrame({"district_code": [1], "effect": [0.0], "sd": [0.0]})
    return TransitionModel(
        gain_params=gain,
        gain_cov=np.zeros((len(gain), len(gain))),
        loss_params=loss,
        loss_cov=np.zeros((len(loss), len(loss))),
        districts=districts,
        communes=pd.DataFrame({"commune_code": ["X1"], "effect": [0.0], "sd": [0.0]}),
        year_sd=0.0,
        trend_origin=2015,
        n_gain_rows=1,
        n_loss_rows=18,
    )


def test_tiny_case_matches_the_exact_probability():
    # one missing criterion, gain probability p a year, no losses: P(NTM by year k) = 1-(1-p)^k.
    # n_met = 18 so the close/n_met terms are set to zero in the fixed model.
    p = 0.3
    panel = _one_commune_panel(missing=10)
    model = _fixed_model(np.log(p / (1 - p)), missing=10)
    n = 40_000
    forecast = simulate(panel, model, target_year=2019, n_draws=n, seed=3)
    for k, year in enumerate(forecast.years, start=1):
        exact = 1 - (1 - p) ** k
        estimate = forecast.probability(1, year)
        assert abs(estimate - exact) < 4 * np.sqrt(exact * (1 - exact) / n), (year, estimate)
    first = forecast.first_reached(1)  # 2017, 2018, 2019, then "not by 2019"
    exact_first = [(1 - p) ** (k - 1) * p for k in range(1, 4)] + [(1 - p) ** 3]
    np.testing.assert_allclose(first["probability"].to_numpy(), exact_first, atol=0.01)


def test_same_seed_same_result_and_other_seed_differs(small_panel):
    a = run_forecast(small_panel, 2020, n_draws=300, seed=11)
    b = run_forecast(small_panel, 2020, n_draws=300, seed=11)
    c = run_forecast(small_panel, 2020, n_draws=300, seed=12)
    np.testing.assert_array_equal(a.ntm, b.ntm)
    np.testing.assert_array_equal(a.sum_met, b.sum_met)
    assert not np.array_equal(a.sum_met, c.sum_met)


def test_districts_add_up_to_the_province_draw_by_draw(small_panel):
    forecast = run_forecast(small_panel, 2020, n_draws=400, seed=1)
    province = forecast.unit_draws(None)
    by_district = sum(forecast.unit_draws(code) for code in forecast.districts["district_code"])
    np.testing.assert_array_equal(province, by_district)
    # commune probabilities (accumulated separately) add up to the expected province count
    np.testing.assert_allclose(forecast.commune_ntm.sum(axis=1), province.mean(axis=0))
    table = forecast.district_table()
    assert table["share_of_province"].sum() == pytest.approx(1.0)


def test_tables_are_consistent(small_panel):
    forecast = run_forecast(small_panel, 2020, n_draws=500, seed=2)
    yearly = forecast.yearly()
    assert yearly["year"].tolist() == [2017, 2018, 2019, 2020]
    assert (yearly["lo95"] <= yearly["lo80"]).all() and (yearly["lo80"] <= yearly["median"]).all()
    assert (yearly["median"] <= yearly["hi80"]).all() and (yearly["hi80"] <= yearly["hi95"]).all()
    assert (yearly["hi95"] <= forecast.n_communes()).all()
    first = forecast.first_reached(yearly["median"].iloc[-1])
    assert first["probability"].sum() == pytest.approx(1.0)
    blocking = forecast.bottlenecks()
    assert sorted(blocking["criterion"]) == list(range(1, 20))
    assert (blocking["share"].between(0, 1)).all()


def test_probability_is_monotone_in_the_target(small_panel):
    forecast = run_forecast(small_panel, 2020, n_draws=500, seed=2)
    probs = [forecast.probability(t, 2020) for t in range(0, 56, 5)]
    assert probs[0] == 1.0
    assert all(a >= b for a, b in itertools.pairwise(probs))


def test_scenario_raises_the_count_with_common_random_numbers(small_panel):
    base = run_forecast(small_panel, 2020, n_draws=500, seed=5)
    boost = run_forecast(
        small_panel,
        2020,
        n_draws=500,
        seed=5,
        scenario=Scenario("income", criterion_odds={10: 3.0, 11: 3.0, 13: 3.0, 17: 3.0}),
    )
    # same random numbers and a higher gain probability: no draw can end lower (monotone
    # coupling), and the mean rises
    assert (boost.sum_met[:, 0] >= base.sum_met[:, 0]).all()
    assert boost.yearly()["mean"].iloc[-1] > base.yearly()["mean"].iloc[-1]


def test_priority_communes_gain_more(small_panel):
    codes = small_panel.communes["commune_code"].tolist()[:10]
    base = run_forecast(small_panel, 2020, n_draws=400, seed=5)
    prio = run_forecast(
        small_panel,
        2020,
        n_draws=400,
        seed=5,
        scenario=Scenario("targets", priority_communes=tuple(codes), priority_odds=4.0),
    )
    pb = base.commune_probabilities().query("year == 2020").set_index("commune_code")["p_ntm"]
    pp = prio.commune_probabilities().query("year == 2020").set_index("commune_code")["p_ntm"]
    assert pp[codes].sum() > pb[codes].sum()
    others = [c for c in pb.index if c not in codes]
    np.testing.assert_allclose(pp[others], pb[others])


def test_scenario_rejects_bad_levers(small_panel):
    with pytest.raises(ValueError, match="criterion must be 1–19"):
        Scenario(criterion_odds={20: 2.0})
    with pytest.raises(ValueError, match="unknown commune"):
        run_forecast(small_panel, 2020, 10, scenario=Scenario(priority_communes=("NOPE",)))


def test_model_recovers_known_parameters():
    """On a large panel from the generator with the model's own form, estimates match truth."""
    truth = GeneratorParams(
        commune_sd=0.0,
        loss_criterion=(0.0,) * 19,
        b_close=0.8,
        b_trend=0.15,
        gain_intercept=-2.5,
        district_effect=((180, -0.4), (186, 0.4)),
    )
    panel = simulate_panel(truth, seed=4, communes_per_district=60)
    model = fit(panel)
    est = dict(zip(GAIN_TERMS, model.gain_params, strict=True))
    se = dict(zip(GAIN_TERMS, np.sqrt(np.diag(model.gain_cov)), strict=True))
    for term, value in [
        ("n_met", truth.b_n_met),
        ("close", truth.b_close),
        ("difficult", truth.b_difficult),
        ("trend", truth.b_trend),
    ]:
        assert abs(est[term] - value) < 4 * se[term], (term, est[term], value)
    # criterion coefficients absorb intercept, n_met centring and trend origin
    origin = int(transitions(panel)["year"].max())
    shift = truth.gain_intercept + 10 * truth.b_n_met + truth.b_trend * (origin - 2011)
    expected = np.array(truth.gain_criterion) + shift
    got = model.gain_params[:19]
    assert np.corrcoef(expected, got)[0, 1] > 0.95
    effects = model.districts.set_index("district_code")["effect"]
    assert effects[186] - effects[180] == pytest.approx(0.8, abs=0.3)
    loss_slope = model.loss_params[-1]
    assert abs(loss_slope - truth.b_loss_n_met) < 4 * np.sqrt(model.loss_cov[-1, -1])


def test_district_effects_are_pooled_towards_zero_when_districts_do_not_differ():
    truth = GeneratorParams(district_effect=(), loss_criterion=(0.0,) * 19)
    model = fit(simulate_panel(truth, seed=3, communes_per_district=8))
    d = model.districts
    assert d["tau"].iloc[0] < 0.35
    assert d["effect"].abs().max() < 0.4
    assert (d["sd"] > 0).all()  # pooled, not fixed: every effect keeps its uncertainty


def test_no_trend_variant_has_zero_trend(small_panel):
    model = fit(small_panel, trend=False)
    assert model.gain_params[GAIN_TERMS.index("trend")] == 0.0


def test_as_of_uses_only_the_past(small_panel):
    early = run_forecast(small_panel, 2018, n_draws=200, seed=1, as_of=2014)
    assert early.as_of == 2014 and early.years == [2015, 2016, 2017, 2018]
    truncated = replace(small_panel)  # the panel itself is unchanged by forecasting
    assert truncated.last_year == 2016


def test_commune_heterogeneity_is_detected_and_absent_when_there_is_none():
    base = GeneratorParams(loss_criterion=(0.0,) * 19, b_close=0.8)
    varied = simulate_panel(replace(base, commune_sd=1.0), seed=9, communes_per_district=40)
    uniform = simulate_panel(replace(base, commune_sd=0.0), seed=9, communes_per_district=40)
    tau_varied = fit(varied).communes["tau"].iloc[0]
    tau_uniform = fit(uniform).communes["tau"].iloc[0]
    # n_met absorbs part of a commune's persistent effect, so tau is below the true 1.0
    assert 0.4 < tau_varied < 1.3
    assert tau_uniform < tau_varied / 2


def test_scenario_from_dict_accepts_json_and_lists_every_problem():
    scenario = Scenario.from_dict(
        {"name": "đầu tư", "criterion_odds": {"10": 1.5}, "priority_communes": ["X18001"]}
    )
    assert scenario.criterion_odds == {10: 1.5}
    assert scenario.priority_communes == ("X18001",)
    with pytest.raises(ValueError) as info:
        Scenario.from_dict({"criterion_odds": {"25": 2, "x": 1, "3": -1}, "colour": "red"})
    message = str(info.value)
    for words in ["unknown scenario key 'colour'", "1–19, got 25", "'x' is not", "positive"]:
        assert words in message


def test_every_probability_carries_its_monte_carlo_error(small_panel):
    forecast = run_forecast(small_panel, 2020, n_draws=800, seed=3)
    p = forecast.probability(15, 2020)
    assert forecast.probability_se(p) == pytest.approx(np.sqrt(p * (1 - p) / 800))


def test_the_trend_split_recombines_into_the_headline_probability(small_panel):
    forecast = run_forecast(small_panel, 2020, n_draws=1000, seed=4)
    split = forecast.probability_by_trend(15, 2020)
    w = split["trend_weight"]
    model = forecast.model  # each capacity form's draws split by its own trend weight
    other = model.other_form.trend_weight if model.other_form is not None else 0.0
    share = model.form_share * model.trend_weight + (1 - model.form_share) * other
    assert w == pytest.approx(share, abs=2e-3)
    if split["with_trend"] is not None and split["without_trend"] is not None:
        mixed = w * split["with_trend"] + (1 - w) * split["without_trend"]
        assert mixed == pytest.approx(forecast.probability(15, 2020))
    no_trend = run_forecast(small_panel, 2020, n_draws=300, seed=4, trend=False)
    assert no_trend.probability_by_trend(15, 2020)["with_trend"] is None


@pytest.fixture(scope="module")
def light_trend(small_panel):
    """The small panel's fit with the trend given 10% of the draws: its fit is the short one
    (its chosen capacity form alone: test_capacity_mixture tops up a mixture of forms)."""
    return replace(fit(small_panel), trend_weight=0.1, other_form=None)


def test_trend_top_up_keeps_the_mixture_and_repeats_with_its_seed(small_panel, light_trend):
    """Top-up draws come after the mixture's: the mixture's numbers are those of a forecast
    without them, and the same seed gives the same top-up."""
    plain = simulate(small_panel, light_trend, 2020, 400, seed=6)
    topped = simulate(small_panel, light_trend, 2020, 400, seed=6, component_draws=300)
    again = simulate(small_panel, light_trend, 2020, 400, seed=6, component_draws=300)
    assert plain.component_ntm is None
    np.testing.assert_array_equal(topped.ntm, plain.ntm)
    np.testing.assert_array_equal(topped.sum_met, plain.sum_met)
    np.testing.assert_array_equal(topped.component_ntm, again.component_ntm)
    # 40 trend draws in the mixture, 260 more simulated; the no-trend fit has 360: none
    assert topped.component_from_trend.tolist() == [True] * 260
    assert topped.component_probability(15, 2020, None, True)[1] == 300
    assert topped.component_probability(15, 2020, None, False)[1] == 360


def test_trend_top_up_has_the_distribution_of_the_fit_simulated_alone(small_panel, light_trend):
    """The top-up's trend-fit draws against the trend fit simulated on its own (the two-call
    version): mean count and P(target) agree within Monte Carlo error."""
    topped = simulate(small_panel, light_trend, 2020, 400, seed=8, component_draws=1500)
    alone_model = replace(light_trend, no_trend=None, trend_weight=1.0)
    alone = simulate(small_panel, alone_model, 2020, 3000, seed=9)
    counts = alone.unit_draws()[:, -1]
    target = float(np.median(counts))
    p, n = topped.component_probability(target, 2020, None, True)
    q = alone.probability(target, 2020)
    assert n == 1500
    assert abs(p - q) <= 4.5 * np.sqrt(p * (1 - p) / n + q * (1 - q) / alone.n_draws)
    extra = topped.component_ntm[topped.component_from_trend, -1].sum(axis=1)
    assert len(extra) == 1500 - 40  # the mixture's own 40 trend draws count
    se = np.sqrt(extra.var() / len(extra) + counts.var() / len(counts))
    assert abs(extra.mean() - counts.mean()) <= 4.5 * se


def test_each_years_plan_gets_its_probability(small_panel):
    forecast = run_forecast(small_panel, 2020, n_draws=500, seed=2)
    table = forecast.plan_probabilities({2017: 12, 2020: 25, 2030: 50})
    assert table["year"].tolist() == [2017, 2020]  # 2030 is not forecast
    assert table["probability"].tolist() == [
        forecast.probability(12, 2017),
        forecast.probability(25, 2020),
    ]


# --- forecast: a recognised commune's own loss term
@pytest.mark.parametrize(("recognised", "kept"), [(-60.0, 1.0), (0.0, 0.0)])
def test_the_recognised_loss_term_decides_whether_a_recognised_commune_keeps_the_standard(
    recognised, kept
):
    """Losses common (1 in 4 a criterion a year): a commune meeting all 19 keeps the standard
    through the year only when its own ``recognised`` loss term makes losing rare."""
    panel = _one_commune_panel(missing=0)  # criterion 0 does not exist: all 19 met
    model = _fixed_model(0.0, missing=1)
    loss = np.full(len(LOSS_TERMS), -np.log(3.0))  # P(loss) = 1/4 per criterion
    loss[-1] = 0.0  # n_met slope
    loss[LOSS_TERMS.index("recognised")] = recognised
    model = replace(model, loss_params=loss)
    forecast = simulate(panel, model, target_year=2017, n_draws=2000, seed=1)
    first_year = forecast.unit_draws(None, "ntm")[:, 0]
    assert first_year.mean() == pytest.approx(kept, abs=0.01)


def test_each_draws_trend_is_drawn_at_its_own_year_spread(small_panel):
    """A draw with a large year-shock spread reads the trend from the few years, one with a
    small spread from the many rows: the trend coefficients of the draws in the top quarter of
    spreads scatter more than those in the bottom quarter (with one spread for every draw, as
    before, the two quarters scatter alike)."""
    from ntm_analysis.model.forecast import _component_draws

    model = replace(fit(small_panel), trend_weight=1.0, other_form=None)
    codes = model.communes["commune_code"].tolist()
    districts = model.districts["district_code"].tolist()
    draws = _component_draws(model, 8000, np.random.default_rng(0), codes, districts, 4)
    year_sd = draws.shocks.std(axis=1)  # ∝ each draw's spread (4 shocks a draw)
    trend = draws.gain[:, GAIN_TERMS.index("trend")]
    low, high = np.quantile(year_sd, [0.25, 0.75])
    assert trend[year_sd >= high].std() > 1.3 * trend[year_sd <= low].std()
