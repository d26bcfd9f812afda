"""The report's note says what the data chose in the fitted model: the capacity form with its
held-out weight (or why it could not be scored), the year shocks' spread, and under the
coefficient table that it is the chosen form's where the forecast also draws the other."""

from __future__ import annotations

import html
from dataclasses import replace
from types import SimpleNamespace

import pytest

from ntm_analysis import i18n
from ntm_analysis.model.synthetic import simulate_panel
from ntm_analysis.model.transitions import fit
from ntm_analysis.report.methods import _coefficients, model_choices


def _stand_in(model, lang: str) -> SimpleNamespace:
    """What ``model_choices`` and the coefficient table read of a report: its model,
    language, lookup and unit names."""
    return SimpleNamespace(
        model=model, lang=lang, t=lambda key, **kw: i18n.t(key, lang, **kw), label=str
    )


def _one_and_both(model):
    """The fit with one capacity form, and with the other form beside it drawn in 20% of the
    simulations (the chosen form keeps 80%)."""
    level = model.capacity_form == "level"
    one = replace(model, other_form=None)
    other = replace(one, capacity_form="count" if level else "level")
    return one, replace(model, other_form=other, capacity_weight=0.8 if level else 0.2)


@pytest.fixture(scope="module")
def panel():
    return simulate_panel(seed=7, communes_per_district=5)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_capacity_form_and_its_weight_are_said(panel, lang):
    model = fit(panel)
    assert model.capacity_choice == "data"
    texts = model_choices(_stand_in(model, lang))
    assert len(texts) == 2
    level = model.capacity_form == "level"
    weight = model.capacity_weight if level else 1 - model.capacity_weight
    assert i18n.fmt_percent(weight, lang) in texts[0]
    key = "report.note.capacity.level" if level else "report.note.capacity.count"
    assert i18n.t(key, lang) in texts[0]
    assert "{" not in texts[1] and i18n.t("report.note.year_shocks", lang)[:20] in texts[1]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_forecast_mixing_the_two_forms_says_it_combines_them(panel, lang):
    """With the other form fitted (``other_form``) the forecast draws both: the note says it
    combines the two readings, with the chosen form's share; without it, that it uses one."""
    model = fit(panel)
    one, both = _one_and_both(model)
    combines = {"vi": "kết hợp hai cách đọc", "en": "combines the two readings"}
    text = model_choices(_stand_in(both, lang))[0]
    assert combines[lang] in text and i18n.fmt_percent(0.8, lang) in text  # the chosen's share
    assert i18n.t(f"report.note.capacity.{model.capacity_form}", lang) in text
    assert combines[lang] not in model_choices(_stand_in(one, lang))[0]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_coefficient_table_says_it_is_the_chosen_forms_where_both_are_drawn(panel, lang):
    """The table holds the chosen form's coefficients only: where 20% of the draws use the
    other form, a sentence under it says so, naming both forms; with one form, no sentence."""
    model = fit(panel)
    one, both = _one_and_both(model)
    chosen = {"vi": "hệ số của dạng đã chọn", "en": "only the chosen form's coefficients"}
    table = html.unescape(_coefficients(_stand_in(both, lang)))
    assert chosen[lang] in table and i18n.fmt_percent(0.2, lang) in table
    for form in (both.capacity_form, both.other_form.capacity_form):
        assert i18n.t(f"report.note.capacity.{form}", lang) in table
    assert table.index(chosen[lang]) > table.index("</table>")  # under the table
    assert chosen[lang] not in html.unescape(_coefficients(_stand_in(one, lang)))


def test_thin_panels_say_why_the_form_was_not_scored(panel):
    one = fit(panel.subset(years=panel.years[-2:]))
    two = fit(panel.subset(years=panel.years[-3:]))
    assert model_choices(_stand_in(one, "en"))[0] == i18n.t("report.note.capacity_mixed", "en")
    assert model_choices(_stand_in(two, "en"))[0] == i18n.t("report.note.capacity_two", "en")
    assert model_choices(_stand_in(None, "en")) == []


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_thin_panels_year_shock_spread_is_called_its_prior(panel, lang):
    """With two transitions the year shocks' spread stays at its prior (see transitions'
    ``YEAR_PRIOR``): the note must not call it estimated; with five it is the data's."""
    two = fit(panel.subset(years=panel.years[-3:]))
    thin, long = (
        model_choices(_stand_in(two, lang))[-1],
        model_choices(_stand_in(fit(panel), lang))[-1],
    )
    prior = {"en": "rests on the model's assumption (its prior)", "vi": "phân phối tiên nghiệm"}
    estimated = {"en": "their spread is estimated at", "vi": "ước lượng là"}
    assert prior[lang] in thin and estimated[lang] not in thin
    assert estimated[lang] in long and prior[lang] not in long
    assert "{" not in thin


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_national_tie_says_the_sample_could_not_tell_the_forms_apart(panel, lang):
    """A sampled tie (``capacity_choice="sampled_tie"``: weight ½, the level form alone) is not
    reported as the level form having forecast better at weight 50%."""
    model = fit(panel)
    tie = replace(model, capacity_choice="sampled_tie", capacity_weight=0.5, other_form=None)
    text = model_choices(_stand_in(tie, lang))[0]
    said = {"vi": "tốt như nhau trong phạm vi sai số của mẫu", "en": "forecast equally well"}
    assert said[lang] in text and "{" not in text
    assert said[lang] not in model_choices(_stand_in(model, lang))[0]
