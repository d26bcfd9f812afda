"""The HTML the explorer shows, from ``explorer.compute``'s data: each function gathers a
view's words and numbers (written with the reports' formatting) and renders a macro of
``report/templates/_explorer.html.j2`` through ``report.fragments`` (autoescaped), so no text
is glued into HTML here. Plain functions: tested without widgets."""

from __future__ import annotations

import pandas as pd

from ntm_analysis import i18n
from ntm_analysis.core.panel import Panel
from ntm_analysis.explorer.compute import Standing, WhatIf
from ntm_analysis.report import fragments
from ntm_analysis.report.base import fmt_interval, fmt_mean, fmt_num, fmt_signed

TEMPLATE = "_explorer.html.j2"  # in ntm_analysis/report/templates/

__all__ = ["figures_html", "synthetic_html", "table_html", "what_if_html"]


def figures_html(standing: Standing, lang: str) -> str:
    """The headline figures as a small table: figure, value, change on the year before."""
    data = {
        "title": standing.title,
        "head": [
            i18n.t(key, lang)
            for key in ("explore.col.figure", "explore.col.value", "explore.col.change")
        ],
        "rows": [
            {"label": f.label, "value": f.value, "change": f.change} for f in standing.figures
        ],
        "note": standing.note,
    }
    return fragments.render("figures", data, template=TEMPLATE)


def _percent_pm(p: float, se: float, lang: str) -> str:
    """ "62% ± 2,1" — a simulated probability with its Monte Carlo standard error."""
    return i18n.t(
        "explore.whatif.pm",
        lang,
        p=i18n.fmt_percent(p, lang),
        se=fmt_num(100 * se, lang, 1),
    )


def what_if_html(result: WhatIf, lang: str) -> str:
    """Baseline, scenario and their difference: probability (± Monte Carlo error), expected
    count and 80% interval; one sentence on top that an official can read aloud."""
    p, _ = result.probability("scenario")
    diff, diff_se = result.difference()
    gap = i18n.t(
        "explore.whatif.pp",
        lang,
        d=fmt_signed(100 * diff, lang, 1),
        se=fmt_num(100 * diff_se, lang, 1),
    )
    exp, lo, hi = result.expected("scenario")
    headline = i18n.t(
        "explore.whatif.headline",
        lang,
        target=fmt_num(result.target, lang),
        year=result.year,
        prob=i18n.fmt_percent(p, lang),
        words=i18n.probability_words(p, lang),
        expected=fmt_mean(exp, lang),
        lo=fmt_num(lo, lang),
        hi=fmt_num(hi, lang),
    )
    rows = []
    for which, key in (
        ("baseline", "explore.whatif.baseline"),
        ("scenario", "explore.whatif.scenario"),
    ):
        pw, sw = result.probability(which)
        e, lo_, hi_ = result.expected(which)
        rows.append(
            {
                "label": i18n.t(key, lang),
                "which": which,
                "p": _percent_pm(pw, sw, lang),
                "expected": fmt_mean(e, lang),
                "interval": fmt_interval(lo_, hi_, lang),
            }
        )
    data = {
        "headline": headline,
        "head": [
            i18n.t(k, lang)
            for k in ("explore.col.forecast", "col.probability", "col.expected", "col.interval80")
        ],
        "rows": rows,
        "difference": {
            "label": i18n.t("explore.whatif.difference", lang),
            "gap": gap,
            "shift": fmt_signed(exp - result.expected("baseline")[0], lang, 1),
        },
        "note": i18n.t("explore.whatif.note", lang, draws=fmt_num(result.scenario.n_draws, lang)),
    }
    return fragments.render("what_if", data, template=TEMPLATE)


def table_html(table: pd.DataFrame) -> str:
    """A table of ``explorer.compute`` (e.g. ``criterion_table``) as HTML, text escaped."""
    return table.to_html(index=False, escape=True, classes="ntm-table", border=0)


def synthetic_html(panel: Panel, lang: str) -> str:
    """The synthetic-data banner (the reports' colours), or nothing for real data."""
    if not panel.synthetic:
        return ""
    return fragments.render("synthetic", i18n.t("explore.synthetic", lang), template=TEMPLATE)
