"""The capacity forms mixed by the noise-averaged weight (cap13's ``mix_bb``, issue 13):
``capacity_weight`` averages the logistic of the held-out score difference over its own
noise, ``fit`` keeps the other form's full fit where its share matters, and the forecast draws
that share of its draws from it, spread evenly over the draw index."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import integrate
from scipy.stats import norm

from ntm_analysis.core.panel import Panel
from ntm_analysis.model import exact
from ntm_analysis.model.forecast import _draw_coefficients, _trend_draws, simulate, spread_evenly
from ntm_analysis.model.transitions import (
    CAPACITY_MIN_SHARE,
    FIXED_AT_ZERO,
    LEVEL,
    capacity_weight,
    fit,
)


def _scores(diff: float, noise_var: float) -> pd.DataFrame:
    """Held-out scores with total difference ``diff`` and its own noise ``noise_var``."""
    return pd.DataFrame(
        {
            "form": ["level", "count"],
            "log_score": [diff, 0.0],
            "diff_var": [0.0, 0.0],
            "noise_var": [noise_var, 0.0],
        }
    )


def _expected_logistic(diff: float, var: float) -> float:
    """E[logistic(D')], D' ~ N(diff, var), by adaptive quadrature (independent of the grid)."""
    sd = np.sqrt(var)
    value, _ = integrate.quad(
        lambda x: norm.pdf(x, diff, sd) / (1.0 + np.exp(-x)), diff - 12 * sd, diff + 12 * sd
    )
    return value


@pytest.mark.parametrize("diff,var", [(1.57, 1.17**2), (8.0, 4.8**2), (-0.5, 1.3**2), (3.0, 40.0)])
def test_the_weight_is_the_logistic_averaged_over_the_differences_noise(diff, var):
    weight = capacity_weight(_scores(diff, var))
    assert weight == pytest.approx(_expected_logistic(diff, var), abs=1e-4)
    # the noise pulls the weight towards ½: below the plain logistic of a positive D
    plain = 1.0 / (1.0 + np.exp(-diff))
    assert abs(weight - 0.5) < abs(plain - 0.5)


def test_the_weight_is_half_at_no_difference_and_tends_to_one_as_it_outgrows_its_noise():
    assert capacity_weight(_scores(0.0, 25.0)) == pytest.approx(0.5, abs=1e-12)
    weights = [capacity_weight(_scores(z * 5.0, 25.0)) for z in (0.5, 1, 2, 4, 8)]
    assert np.all(np.diff(weights) > 0)
    assert weights[-1] > 1 - 1e-6
    assert capacity_weight(_scores(-40.0, 25.0)) < 1e-6  # symmetric: the count form
    # no noise recorded: the plain logistic, as before
    assert capacity_weight(_scores(2.0, 0.0)) == pytest.approx(1 / (1 + np.exp(-2.0)))


@pytest.fixture(scope="module")
def bundled() -> Panel:
    from ntm_analysis.io.load import load_panel

    return load_panel()


@pytest.fixture(scope="module")
def mixed(bundled):
    """The bundled panel's fit: level chosen with an interior weight (0.78)."""
    return fit(bundled)


def test_a_fit_with_an_interior_weight_keeps_the_other_forms_full_fit(mixed):
    assert mixed.capacity_form == "level"
    assert CAPACITY_MIN_SHARE < 1 - mixed.capacity_weight < 0.5
    other = mixed.other_form
    assert other is not None and other.other_form is None
    assert (other.capacity_form, other.capacity_weight) == ("count", mixed.capacity_weight)
    assert mixed.form_share == mixed.capacity_weight
    assert other.form_share == 1.0  # on its own (no other_form of its own)
    # the count form holds the level term at 0; its own trend and no-trend fits and weight
    assert other.gain_cov[LEVEL, LEVEL] <= FIXED_AT_ZERO and abs(other.gain_params[LEVEL]) < 1e-6
    assert other.no_trend is not None and other.trend_choice == "data"
    assert not other.trend_scores.empty and other.trend_weight != mixed.trend_weight
    # the loss model does not depend on the form: shared, not refitted
    assert other.loss_posterior is mixed.loss_posterior


def test_an_imposed_weight_of_one_fits_the_level_form_alone_and_forecasts_as_before(bundled, mixed):
    """Weight 1: no other form fitted, and the forecast is the chosen form's alone — the
    same draws as the mixture's model with its other form removed (the old code path)."""
    alone = fit(bundled, level_weight=1.0)
    assert alone.other_form is None and alone.capacity_weight == 1.0
    np.testing.assert_array_equal(alone.gain_params, mixed.gain_params)
    a = simulate(bundled, alone, 2020, 300, seed=4, component_draws=200)
    b = simulate(bundled, replace(mixed, other_form=None), 2020, 300, seed=4, component_draws=200)
    assert a.chosen_form is None and b.chosen_form is None
    for field in ("ntm", "sum_met", "component_ntm", "from_trend", "component_from_trend"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    counted = fit(bundled, level_weight=0.0)
    assert counted.capacity_form == "count" and counted.other_form is None


def test_the_forecast_draws_each_form_in_its_share_spread_over_the_draws(bundled, mixed):
    n = 1000
    fc = simulate(bundled, mixed, 2020, n, seed=3)
    chosen = fc.chosen_form
    assert chosen is not None and chosen.sum() == round(mixed.capacity_weight * n)
    np.testing.assert_array_equal(chosen, spread_evenly(n, mixed.capacity_weight))
    for half in (chosen[: n // 2], chosen[n // 2 :]):  # both halves hold both forms
        assert abs(half.mean() - mixed.capacity_weight) < 2.0 / n
    # each form keeps its own trend / no-trend split
    for model, mine in ((mixed, chosen), (mixed.other_form, ~chosen)):
        assert fc.from_trend[mine].sum() == round(model.trend_weight * mine.sum())
    # the same seed repeats the forecast; another seed does not
    again = simulate(bundled, mixed, 2020, n, seed=3)
    np.testing.assert_array_equal(fc.ntm, again.ntm)
    np.testing.assert_array_equal(fc.chosen_form, again.chosen_form)
    assert not np.array_equal(fc.ntm, simulate(bundled, mixed, 2020, n, seed=5).ntm)


def test_each_forms_draws_are_that_forms_coefficients(mixed):
    """The chosen form's draws are its own fit's coefficients (drawn first from the stream
    after the shared loss model's), the rest the other form's: the count form's level terms
    are 0, the level form's not."""
    codes = mixed.communes["commune_code"].tolist()
    districts = mixed.districts["district_code"].tolist()
    n = 400
    draws, _, mine = _draw_coefficients(mixed, n, np.random.default_rng(8), codes, districts, 4)
    rng, k = np.random.default_rng(8), int(mine.sum())
    lp = mixed.loss_posterior
    assert mixed.other_form.loss_posterior is lp  # one loss model: drawn once for both forms
    loss = exact.draw(lp, lp.cells, rng, n).block
    own, _ = _trend_draws(replace(mixed, other_form=None), k, rng, codes, districts, 4, loss[mine])
    other, _ = _trend_draws(mixed.other_form, n - k, rng, codes, districts, 4, loss[~mine])
    for field in ("gain", "loss", "district", "commune", "shocks"):
        np.testing.assert_array_equal(getattr(draws, field)[mine], getattr(own, field))
        np.testing.assert_array_equal(getattr(draws, field)[~mine], getattr(other, field))
    assert np.all(np.abs(draws.gain[~mine][:, LEVEL]) < 1e-2)  # held at 0 (prior sd 1e-6)
    assert np.abs(draws.gain[mine][:, LEVEL]).mean() > 0.05


def test_a_share_ending_in_a_half_draws_the_counts_it_spreads():
    """round(2.5) is 2 but the even spread takes 3: the form's draws follow the spread."""
    assert spread_evenly(5, 0.5).sum() == 3
    assert spread_evenly(6, 0.75).sum() == 5  # 4.5 rounds up too


def test_a_form_mixture_of_half_simulates_with_an_odd_number_of_draws(bundled, mixed):
    fc = simulate(bundled, replace(mixed, capacity_weight=0.5), 2020, 5, seed=1)
    assert fc.chosen_form.sum() == 3 and fc.ntm.shape[0] == 5


def test_the_trend_components_keep_each_forms_share_of_draws_of_that_kind(bundled, mixed):
    """Each form splits its draws by its own trend weight, so among the trend draws the
    level form's share is s·t_level / (s·t_level + (1 − s)·t_count): a component (top-up or
    a fit simulated alone) holds the forms in those shares, the headline's own draws of
    that kind do too, and the headline's share is the components' trend-weighted average."""
    s, t_level, t_count = mixed.form_share, mixed.trend_weight, mixed.other_form.trend_weight
    t_mix = s * t_level + (1 - s) * t_count
    with_trend, without = mixed.component(True), mixed.component(False)
    assert with_trend.form_share == pytest.approx(s * t_level / t_mix)
    assert without.form_share == pytest.approx(s * (1 - t_level) / (1 - t_mix))
    assert t_mix * with_trend.form_share + (1 - t_mix) * without.form_share == pytest.approx(s)
    for part in (with_trend, without):
        assert part.no_trend is None and part.other_form is not None
        assert part.other_form.capacity_form == "count" and part.capacity_form == "level"
    assert with_trend.trend_weight == 1.0
    np.testing.assert_array_equal(
        without.other_form.gain_params, mixed.other_form.no_trend.gain_params
    )
    # the headline's own draws of each kind hold the forms in the component's shares
    fc = simulate(bundled, mixed, 2020, 2000, seed=2)
    for trend, part in ((True, with_trend), (False, without)):
        kind = fc.from_trend == trend
        assert fc.chosen_form[kind].mean() == pytest.approx(part.form_share, abs=0.01)


def test_a_top_up_mixes_the_forms_as_the_headline_and_leaves_its_draws_alone(bundled, mixed):
    """Top-up draws of each trend fit come after the mixture's (its numbers unchanged) and
    mix the two forms' fits of that kind (``TransitionModel.component``)."""
    plain = simulate(bundled, mixed, 2020, 400, seed=6)
    topped = simulate(bundled, mixed, 2020, 400, seed=6, component_draws=500)
    np.testing.assert_array_equal(topped.ntm, plain.ntm)
    np.testing.assert_array_equal(topped.chosen_form, plain.chosen_form)
    for trend in (True, False):
        assert topped.component_probability(77, 2020, None, trend)[1] == 500
        own = int((plain.from_trend == trend).sum())
        assert int((topped.component_from_trend == trend).sum()) == 500 - own


def test_a_sampled_tie_draws_the_level_form_alone_while_the_same_noisy_difference_mixes(
    bundled, monkeypatch
):
    """A national sample whose difference is within its sampling noise: weight ½ and no other
    form (its national fit would cost ~11 s over the 30 s goal); the same difference scored on
    every commune, with the same variance as its own noise, mixes the forms."""
    import ntm_analysis.model.transitions as tr

    sampled = _scores(-4.0, 0.0).assign(diff_var=[9.0, 0.0])  # |D| < 3 sampling sd
    assert tr.sampled_tie(sampled) and not tr.sampled_tie(_scores(-4.0, 9.0))
    for scores, tie in ((sampled, True), (_scores(-4.0, 9.0), False)):
        monkeypatch.setattr(tr, "capacity_scores", lambda *a, s=scores, **k: s)
        model = fit(bundled)
        assert (model.capacity_weight == 0.5) is tie
        assert (model.other_form is None) is tie
        assert model.capacity_choice == ("sampled_tie" if tie else "data")
