"""The headline of a unit's forecast in words: one or two plain sentences, in the reader's
language, from the numbers of a ``UnitResults`` (which carry none).

The command line prints it, the report and the hearing pack show it, the batch index reads
it from the sidecar: the same words everywhere.
"""

from __future__ import annotations

from typing import Any

from ntm_analysis import i18n
from ntm_analysis.analysis.results import UnitResults, reader_interval

__all__ = ["headline", "unit_json"]


def headline(result: UnitResults, lang: str = i18n.DEFAULT_LANG) -> str:
    """One or two plain sentences for the top of a report, from a unit's results.

    "Every commune already meets the standard" is its own case: the model lets a commune
    fall back at re-assessment, so the expected count can be a little below the total.
    The expected count is the mean, with one decimal, as everywhere beside an interval.
    """
    level, lo, hi = reader_interval(result.interval80, result.interval95)
    expected = i18n.fmt_number(result.expected, lang, decimals=1)
    n = result.n_communes
    if result.now.n_ntm == n:
        below = result.expected < n - 0.05
        return i18n.t(
            "headline.all_met_below" if below else "headline.all_met",
            lang,
            keep=i18n.fmt_percent(result.all_remain, lang),
            n=n,
            year=result.year,
            as_of=result.as_of,
            expected=expected,
            level=level,
            lo=i18n.fmt_number(lo, lang, 0),
            hi=i18n.fmt_number(hi, lang, 0),
        )
    if result.target is None:
        return i18n.t(
            "headline.expected_only",
            lang,
            year=result.year,
            expected=expected,
            level=level,
            lo=i18n.fmt_number(lo, lang, 0),
            hi=i18n.fmt_number(hi, lang, 0),
        )
    target = i18n.fmt_number(result.target, lang, decimals=0)
    if result.now.n_ntm >= result.target:
        return i18n.t(
            "headline.already_met",
            lang,
            target=target,
            year=result.as_of,
            n_ntm=result.now.n_ntm,
        )
    p = result.probability
    sentences = [
        i18n.t(
            "headline.probability",
            lang,
            target=target,
            year=result.year,
            prob=i18n.fmt_percent(p, lang),
            words=i18n.probability_words(p, lang),
            expected=expected,
            level=level,
            lo=i18n.fmt_number(lo, lang, 0),
            hi=i18n.fmt_number(hi, lang, 0),
        )
    ]
    return " ".join(sentences + _headline_caveats(result, lang))


def _headline_caveats(result: UnitResults, lang: str) -> list[str]:
    """What must be read beside the probability: a verdict threshold within the Monte
    Carlo error, how much the answer depends on the trend, thin or gappy data."""
    out = []
    if result.close_to_threshold is not None:
        out.append(
            i18n.t(
                "headline.close_to_threshold",
                lang,
                threshold=i18n.fmt_percent(result.close_to_threshold, lang),
                se=i18n.fmt_number(100 * (result.probability_se or 0.0), lang, 1),
            )
        )
    dep = result.trend_dependence
    if dep is not None and dep.with_trend is not None and dep.without_trend is not None:
        out.append(
            i18n.t(
                _trend_dependence_key(result),
                lang,
                with_trend=i18n.fmt_percent(dep.with_trend, lang),
                without_trend=i18n.fmt_percent(dep.without_trend, lang),
                weight=i18n.fmt_percent(dep.trend_weight, lang),
            )
        )
    for row in result.plan:
        if row.year != result.year:
            out.append(
                i18n.t(
                    "headline.plan",
                    lang,
                    year=row.year,
                    plan=i18n.fmt_number(row.plan, lang, 0),
                    prob=i18n.fmt_percent(row.probability, lang),
                )
            )
    for note in result.model_notes:
        if note.kind == "thin":
            out.append(_thin_panel(result, note.transitions, lang))
        elif note.kind == "gap":
            missing = note.last - note.first - 1  # the years between the two observed ones
            years = f"{note.first}–{note.last}"
            out.append(i18n.tn("headline.gap_years", missing, lang, years=years))
        elif note.kind == "registered":
            out.append(i18n.t("headline.registered_scenario", lang))
    return out


def _trend_dependence_key(result: UnitResults) -> str:
    """The trend-dependence line's key: the weight is the data's only where held-out years
    chose it (``trend_choice`` "data"), and then rests on one year when only one was scored
    (three or four transitions); otherwise it is a rule — with two transitions no trend, and
    the trend fit set beside it is read from two changes (see ``transitions.fit``)."""
    if result.trend_choice == "data":
        one = result.trend_scored_years == 1
        return "headline.trend_dependence_one_year" if one else "headline.trend_dependence"
    if result.trend_choice == "two_transitions":
        return "headline.trend_dependence_two"
    return "headline.trend_dependence_rule"


def _thin_panel(result: UnitResults, transitions: int, lang: str) -> str:
    """The thin-panel caveat: with one or two transitions the forecast assumes no trend
    (unless a trend was forced), and with one it also assumes how a commune's count splits
    between lasting capacity and the count's own effect."""
    if result.trend_choice == "fixed":  # the trend fit alone (``fit(trend="only")``)
        return i18n.tn("headline.thin_panel_trend", transitions, lang)
    if transitions == 1:
        return i18n.t("headline.thin_panel_one", lang)
    return i18n.tn("headline.thin_panel", transitions, lang)


def unit_json(results: UnitResults, lang: str) -> dict[str, Any]:
    """A unit's results as JSON with their headline in ``lang``: what ``ntm forecast --json``
    prints and the start of the report's sidecar (which adds the run's provenance)."""
    return {**results.to_dict(), "headline": headline(results, lang)}
