"""A forecast across a boundary change in words (``analysis.crossing`` gives the numbers).

The target with the units it was set on ("77 of 207 xã, set in 2017"), the change of
denominator ("… from 1/1/2020 the province has 181 xã, so the target is restated as 37.2%,
about 67 of 181"), the merge rule and the notes, for ``ntm forecast`` (its lines and its JSON).
"""

from __future__ import annotations

from ntm_analysis.analysis.crossing import CrossingForecast, DenominatorChange, TargetOnUnits
from ntm_analysis.geography.admin_check import day
from ntm_analysis.i18n import LANGS, fmt_share, t
from ntm_analysis.report.geography import rule_label


def target_words(target: TargetOnUnits, lang: str) -> str:
    """ "77 of 207 xã, set in 2017 (37.2% of the communes)"."""
    return t(
        "geo.target_vintage",
        lang,
        value=f"{target.value:g}",
        n=target.n_units,
        year=target.set_in,
        share=fmt_share(target.share, lang, 1),
    )


def denominator_words(change: DenominatorChange, lang: str) -> str:
    """The change of denominator in plain words: "The target of 77 NTM communes was set in
    2017 on 207 xã; from 1/1/2020 the province has 181 xã, so …"; for a district, its own xã
    before and after."""
    target = change.target
    key, more = "geo.denominator_change", {}
    if change.district_code is not None:
        key, more = "geo.denominator_change_district", {"district": change.district_name}
    return t(
        key,
        lang,
        value=f"{target.value:g}",
        year=target.set_in,
        n_from=target.n_units,
        on=day(change.on),
        n_to=change.n_to,
        value_to=f"{change.value_to:.0f}",
        share=fmt_share(target.share, lang, 1),
        **more,
    )


def crossing_notes(cf: CrossingForecast, lang: str) -> list[str]:
    """What the user is told about the mapping (thị trấn not assessed, rules that fell back)."""
    return [note.render(lang) for note in cf.notes]


# the JSON's keys in the order ``ntm forecast --json`` has always printed them
_ORDER = ("from_vintage", "to_vintage", "rule", "rule_label", "n_from", "n_to", "notes")
_ORDER += ("district_code", "target", "denominator_change")


def crossing_json(cf: CrossingForecast, target: TargetOnUnits | None = None) -> dict:
    """``ntm forecast --json``'s ``crossing``: ``cf.summary(target)``'s numbers and codes with
    the words in every language (rule, notes, the target and its denominator change)."""
    merged = cf.summary(target)
    merged["rule_label"] = {lang: rule_label(cf.rule, lang) for lang in LANGS}
    merged["notes"] = [{lang: note.render(lang) for lang in LANGS} for note in cf.notes]
    if cf.target is not None:
        merged["target"] = {lang: target_words(cf.target, lang) for lang in LANGS}
    if cf.denominator is not None:
        merged["denominator_change"] = {
            lang: denominator_words(cf.denominator, lang) for lang in LANGS
        }
    head = {key: merged[key] for key in _ORDER if key in merged}
    return head | {key: value for key, value in merged.items() if key not in head}
