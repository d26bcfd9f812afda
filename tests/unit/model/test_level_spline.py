"""The first-year count's curve (issue 13, benchmarks/notes/lvl13.md): the natural spline's
basis, its two terms in the fit, the count form holding them at 0, and their labels."""

from __future__ import annotations

import numpy as np
import pytest

from ntm_analysis import i18n
from ntm_analysis.model import transitions as tr
from ntm_analysis.model.known_processes import SCENARIOS
from ntm_analysis.model.synthetic import simulate_panel
from ntm_analysis.model.transitions import (
    GAIN_TERMS,
    LEVEL_SPLINE,
    LEVEL_TERMS,
    N_MET_CENTRE,
    fit,
    gain_design,
    level_spline,
    level_spline_effect,
)


def test_the_basis_has_the_values_of_its_formula_at_a_few_counts():
    """ESL eq. 5.4–5.5 written out by hand for knots 0, 3, 8, 19 on count / 19:
    d_k(x) = ((x − ξ_k)³₊ − (x − 1)³₊) / (1 − ξ_k), column k = d_k − d_2."""
    assert tr.LEVEL_KNOTS == (0.0, 3.0, 8.0, 19.0)
    expected = {
        0: (0.0, 0.0),
        2: ((2 / 19) ** 3, 0.0),
        5: ((5 / 19) ** 3, (2 / 19) ** 3 / (16 / 19)),
        12: (
            (12 / 19) ** 3 - (4 / 19) ** 3 / (11 / 19),
            (9 / 19) ** 3 / (16 / 19) - (4 / 19) ** 3 / (11 / 19),
        ),
    }
    basis = level_spline(np.array(list(expected), dtype=float))
    assert basis.shape == (len(expected), len(LEVEL_SPLINE)) == (4, 2)
    np.testing.assert_allclose(basis, np.array(list(expected.values())), rtol=1e-12, atol=1e-15)


def test_the_basis_is_smooth_at_its_knots_and_straight_beyond_the_last():
    """A natural cubic spline: value and slope continuous at every knot (the cubes join), and
    linear past the boundary knot, so counts above 19 (none exist) or below 0 are not cubics."""
    h = 1e-6
    for knot in tr.LEVEL_KNOTS:
        left, at, right = level_spline(np.array([knot - h, knot, knot + h]))
        np.testing.assert_allclose(left, at, atol=1e-5)
        np.testing.assert_allclose(right, at, atol=1e-5)
        slope_left = (at - level_spline(np.array([knot - 2 * h]))[0]) / (2 * h)
        slope_right = (level_spline(np.array([knot + 2 * h]))[0] - at) / (2 * h)
        np.testing.assert_allclose(slope_left, slope_right, atol=1e-4)
    beyond = level_spline(np.array([19.0, 22.0, 25.0, 28.0]))
    np.testing.assert_allclose(np.diff(beyond, 2, axis=0), 0.0, atol=1e-12)
    assert np.abs(np.diff(beyond, axis=0)).max() > 0.01  # straight, not flat
    np.testing.assert_allclose(level_spline(np.array([-2.0, 0.0])), 0.0)  # 0 below the first


def test_the_engine_adds_what_the_fit_reads_in_its_design():
    """The forecast's static commune term (``level_spline_effect``, once per chunk) is the
    gain design's spline columns times the draws' coefficients, at each commune's level."""
    rng = np.random.default_rng(3)
    gain = rng.normal(size=(5, len(GAIN_TERMS)))
    counts = np.array([0.0, 1.0, 4.0, 9.0, 15.0, 19.0])
    n = len(counts)
    x = gain_design(np.full(n, 1), counts, np.zeros(n), np.zeros(n), None, counts)
    columns = [GAIN_TERMS.index(term) for term in LEVEL_SPLINE]
    np.testing.assert_allclose(
        level_spline_effect(gain, counts - N_MET_CENTRE), gain[:, columns] @ x[:, columns].T
    )


def _estimates(model) -> tuple[dict[str, float], dict[str, float]]:
    table = model.coefficients().query("model == 'gain'").set_index("term")
    return table["estimate"].to_dict(), table["std_error"].to_dict()


def test_the_fit_estimates_both_curved_terms(small_panel, monkeypatch):
    """The level form (imposed: this small panel's held-out choice is "count") fits the
    curve beside the line, each with a finite standard error the data narrow below its
    prior's 2."""
    monkeypatch.setattr(tr, "capacity_weight", lambda scores: 1.0)
    model = fit(small_panel)
    assert model.capacity_form == "level"
    est, se = _estimates(model)
    for term in LEVEL_SPLINE:
        assert np.isfinite(est[term]) and 0.0 < se[term] < 2.0, (term, est[term], se[term])


def test_the_count_form_and_one_transition_hold_every_level_term_at_zero(
    small_panel, monkeypatch
):
    """The count form drops the line *and* the curve: the caller's ``absent=("level",)``, the
    held-out choice of "count", and one transition (the count is the first-year count)."""
    held = [fit(small_panel, absent=("level",))]
    with monkeypatch.context() as m:
        m.setattr(tr, "capacity_weight", lambda scores: 0.0)
        held.append(fit(small_panel))
    assert [model.capacity_form for model in held] == ["count", "count"]
    one = fit(simulate_panel(seed=4, communes_per_district=6, years=(2015, 2016)))
    assert one.capacity_form == "mixed"
    for model in [*held, one]:
        est, se = _estimates(model)
        for term in LEVEL_TERMS:
            assert est[term] == pytest.approx(0.0, abs=1e-4), (term, est[term])
            assert se[term] == 0.0, (term, se[term])


def test_a_curved_ability_is_fitted_as_a_curve_steeper_at_low_counts():
    """The strong-communes process draws each commune's start from its ability, so
    E[ability | first-year count] is steep at 0–2 criteria and nearly straight above
    (agq13.md): the fitted level curve's slope over counts 0–3 is above its slope over 8–19.
    Two replicates, data to 2016: the difference is +0.067 (se 0.066) and +0.149 (0.066);
    pooled, more than two standard errors from 0 (a straight line has no difference)."""
    counts = np.array([0.0, 3.0, 8.0, 19.0])
    x = gain_design(np.full(4, 1), counts, np.zeros(4), np.zeros(4), None, counts)
    columns = [GAIN_TERMS.index(term) for term in LEVEL_TERMS]
    contrast = ((x[1] - x[0]) / 3 - (x[3] - x[2]) / 11)[columns]
    total, var = 0.0, 0.0
    for replicate in (0, 1):
        model = fit(SCENARIOS["strong_communes"].realise(replicate).panel(2016), trend=False)
        assert model.capacity_form == "level"
        diff = float(contrast @ model.gain_params[columns])
        assert diff > 0.0, (replicate, diff)
        total += diff
        var += float(contrast @ model.gain_cov[np.ix_(columns, columns)] @ contrast)
    assert total > 2.0 * np.sqrt(var), (total, np.sqrt(var))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_gain_term_but_the_criteria_has_a_coefficient_label(lang):
    """The report's coefficients table labels each term by ``report.coef.<term>`` (criteria
    by their own names); an unknown key raises."""
    labels = [
        i18n.t(f"report.coef.{term}", lang)
        for term in GAIN_TERMS
        if not term.startswith("criterion_")
    ]
    assert len(set(labels)) == len(labels)
    curve = [i18n.t(f"report.coef.{term}", lang) for term in LEVEL_SPLINE]
    assert curve[0] != curve[1]


@pytest.mark.parametrize(
    "counts",
    [
        np.arange(1000) % 20,  # whole counts: each distinct count's row looked up
        np.arange(1000) % 20 + 0.5,  # not whole: the formula on every row
        np.r_[np.arange(999) % 20, 10_000],  # whole, but too wide a span for a table
        np.r_[np.arange(999) % 20, np.nan],
        np.arange(50) % 20,  # few rows: the formula
    ],
)
def test_the_spline_looked_up_by_count_has_the_formulas_numbers(counts, monkeypatch):
    """Above ``_SPLINE_BY_TABLE`` rows of whole counts the basis is computed once per
    distinct count and looked up (issue 17): to the last bit what every row's formula gives
    (the lookup switched off)."""
    counts = np.asarray(counts, dtype=float)
    got = level_spline(counts)
    monkeypatch.setattr(tr, "_SPLINE_BY_TABLE", 10**9)
    np.testing.assert_array_equal(got, level_spline(counts))
