"""The panel's geography in words: which registry list the figures are on, how merged communes
were combined, and the loader's notes (``Panel.geography`` holds only numbers and codes).

The report's headline, the hearing brief, ``ntm validate``/``ntm forecast`` and the report's
JSON sidecar all say it through these functions, so the sentence is the same everywhere.
"""

from __future__ import annotations

from ntm_analysis.core.panel import Geography, Panel, has_districts
from ntm_analysis.geography.admin import registry
from ntm_analysis.geography.admin_check import day
from ntm_analysis.i18n import LANGS, t, tn


def panel_summary(panel: Panel, lang: str) -> str:
    """One line for ``ntm validate`` and the explorer: how many communes, districts and years
    were read ("3 communes in 2 districts, years 2015–2016 (2 years)").

    Years are written as they are ("2011–2016"), never with a thousands separator.
    """
    n_communes = int(panel.communes["commune_code"].nunique())
    n_districts = len(panel.district_codes)
    years = panel.years
    if len(years) == 1:
        span = t("validate.span_year", lang, year=years[0])
    else:
        span = t("validate.span_range", lang, first=years[0], last=years[-1])
    line = t(
        "validate.summary",
        lang,
        communes=tn("validate.communes", n_communes, lang),
        districts=tn("validate.districts", n_districts, lang)
        if has_districts(panel)
        else t("validate.no_districts", lang),  # units after 1 Jul 2025
        span=span,
        n_years=tn("validate.years", len(years), lang),
    )
    return t("validate.synthetic", lang, summary=line) if panel.synthetic else line


def rule_label(rule: str, lang: str) -> str:
    """A merge rule in a few words ("all parts met it")."""
    return t(f"geo.rule.{rule}", lang)


def geography_sentence(geo: Geography, lang: str) -> str:
    """The list the figures are on, its legal basis and the merge rule (or "no boundary
    change"), and from 1 Jul 2025 that there are no districts."""
    vintage = registry().vintage(geo.vintage)
    basis = {"vi": vintage.basis_vi, "en": vintage.basis_en}[lang]
    key = f"geo.rule.sentence.{geo.rule}" if geo.changes_crossed else "geo.unchanged"
    sentence = t(
        key, lang, n=geo.n_communes, vintage=geo.vintage, file=geo.assessed_file, basis=basis
    )
    if not geo.districts:
        sentence += " " + t("geo.no_districts", lang, on=day(vintage.valid_from))
    return sentence


def geography_notes(geo: Geography, lang: str) -> list[str]:
    """The loader's and the harmoniser's notes (units left out, rules that fell back…)."""
    return [note.render(lang) for note in geo.notes]


def geography_lines(geo: Geography | None, lang: str) -> list[str]:
    """What ``ntm validate`` and ``ntm forecast`` print: the sentence, then one "- note" line
    per note (nothing for a panel not in real GSO codes)."""
    if geo is None:
        return []
    return [geography_sentence(geo, lang)] + [f"- {note}" for note in geography_notes(geo, lang)]


def geography_json(geo: Geography) -> dict[str, object]:
    """The report sidecar's ``geography``: the record's codes and its words in every language
    (the keys the sidecar has always had)."""
    codes = geo.to_json()
    words = {
        "rule_label": {lang: rule_label(geo.rule, lang) for lang in LANGS},
        "sentence": {lang: geography_sentence(geo, lang) for lang in LANGS},
        "notes": [{lang: note.render(lang) for lang in LANGS} for note in geo.notes],
    }
    order = ["districts", "former_district", "vintage", "n_communes", "rule", "rule_label"]
    order += ["sentence", "lists_by_year", "changes_crossed", "notes"]
    merged = {**codes, **words}
    return {key: merged[key] for key in order} | {
        key: value for key, value in merged.items() if key not in order
    }
