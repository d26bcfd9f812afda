"""The trend diagnostics (benchmarks/diagnostics/width_trend.py, weight_trend.py) change the
trend weight of both capacity forms: since session 10 a forecast draws from the chosen form
and the other (``other_form``), so a change to the chosen form alone is not "trend fit only"
or "the other weight rule" (issue 13)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from benchmarks.diagnostics import weight_trend
from benchmarks.diagnostics.weight_trend import each_form, pseudo_bma_plus
from benchmarks.diagnostics.width_trend import trend_variants
from ntm_analysis.model.transitions import GAIN_TERMS, LOSS_TERMS, TransitionModel


def _fit(form: str, trend: bool, weight: float) -> TransitionModel:
    """A hand-built fit of one capacity form (its trend / no-trend fit, trend weight)."""
    gain, loss = np.zeros(len(GAIN_TERMS)), np.zeros(len(LOSS_TERMS))
    return TransitionModel(
        gain_params=gain,
        gain_cov=np.zeros((len(gain), len(gain))),
        loss_params=loss,
        loss_cov=np.zeros((len(loss), len(loss))),
        districts=pd.DataFrame({"district_code": [1], "effect": [0.0], "sd": [0.0]}),
        communes=pd.DataFrame({"commune_code": ["X1"], "effect": [0.0], "sd": [0.0]}),
        year_sd=0.0,
        trend_origin=2015,
        n_gain_rows=1,
        n_loss_rows=1,
        trend_weight=weight if trend else 0.0,
        trend_choice="data",
        capacity_form=form,
        capacity_weight=0.7,
        capacity_choice="data",
    )


def _scores(diffs: list[float]) -> pd.DataFrame:
    """Held-out trend scores: the trend fit's log score ``diffs`` above the no-trend fit's."""
    rows = []
    for k, d in enumerate(diffs):
        rows.append({"cutoff": 2015, "year": 2016 + k, "trend": True, "log_score": d})
        rows.append({"cutoff": 2015, "year": 2016 + k, "trend": False, "log_score": 0.0})
    return pd.DataFrame(rows)


def _two_forms() -> TransitionModel:
    """The level form chosen (trend weight 0.9), the count form beside it (0.2), each with
    its no-trend fit and its own held-out scores."""
    forms = {}
    for form, weight, diffs in (("level", 0.9, [3.0, -0.8]), ("count", 0.2, [-2.0, 0.6])):
        forms[form] = replace(
            _fit(form, True, weight), no_trend=_fit(form, False, 0.0), trend_scores=_scores(diffs)
        )
    return replace(forms["level"], other_form=forms["count"])


def test_trend_fit_only_and_no_trend_only_hold_in_both_forms():
    fits = trend_variants(_two_forms())
    assert fits["as_is"].other_form.trend_weight == 0.2
    for name, weight in (("trend_fit_only", 1.0), ("no_trend_only", 0.0)):
        model = fits[name]
        assert (model.trend_weight, model.other_form.trend_weight) == (weight, weight), name
        assert model.capacity_form == "level" and model.other_form.capacity_form == "count"


def test_the_plus_rule_reweights_each_form_by_its_own_scores(monkeypatch):
    model, history = _two_forms(), object()
    monkeypatch.setattr(weight_trend, "_LAST", [(history, model)])
    # the rule's forecast is the model it simulates: what it does to the fit is what is tested
    monkeypatch.setattr(weight_trend, "simulate", lambda h, m, *args: m)
    monkeypatch.setattr(weight_trend, "as_draws", lambda m: m)
    ruled = weight_trend.plus_rule(history, 2020, 100, 0)
    level, count = pseudo_bma_plus(_scores([3.0, -0.8])), pseudo_bma_plus(_scores([-2.0, 0.6]))
    assert abs(level - 0.9) > 0.05 and abs(count - 0.2) > 0.05  # the rule moves both
    assert ruled.trend_weight == level
    assert ruled.other_form.trend_weight == count
    # each_form leaves a weight the data did not choose alone
    fixed = replace(model, trend_choice="two_transitions")
    assert each_form(fixed, lambda m: 0.5).trend_weight == 0.9


def test_comp12_scores_each_capacity_form_alone():
    from benchmarks.diagnostics.comp12 import _form

    model = _two_forms()
    level, count = _form(model, "level"), _form(model, "count")
    assert level.other_form is None and level.capacity_form == "level"
    assert level.trend_weight == 0.9 and level.no_trend is model.no_trend
    assert count is model.other_form and count.capacity_form == "count"
    one = replace(model, other_form=None)  # a fit of one form: itself, whichever is asked
    assert _form(one, "count").capacity_form == "level"
