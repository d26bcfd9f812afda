"""The priority list's reasons in words (``analysis.priority`` gives them as keys and values).

A row's reasons are ``(key, values)`` pairs (``analysis.priority.REASONS``); here they become
phrases in the reader's language: in full (the HTML report, the workbook, the hearing pack) or
in a few words each under a legend that explains them once (the printed report).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ntm_analysis import i18n
from ntm_analysis.analysis.priority import LIKELY_NEXT, REASONS
from ntm_analysis.report.criteria import criterion_short

Reasons = list[tuple[str, dict[str, Any]]]


def reason_text(reasons: Reasons, lang: str, short: bool = False) -> str:
    """The reasons of one row as phrases ("; "-separated) in ``lang``; ``short``: a few words
    each (the printed report, where ``reason_legend`` explains them once below the table)."""
    prefix = "priority.reason.short" if short else "priority.reason"
    phrases = []
    for key, values in reasons:
        fmt = dict(values)
        if "criteria" in fmt:
            fmt["criteria"] = short_criteria(fmt["criteria"], lang)
        if "points" in fmt:
            fmt["points"] = i18n.fmt_number(fmt["points"], lang, 1)
        if "peak" in fmt:
            fmt["peak"] = i18n.fmt_percent(fmt["peak"], lang)
        phrases.append(i18n.t(f"{prefix}.{key}", lang, **fmt))
    return "; ".join(phrases)


def reason_legend(
    rows: Iterable[Reasons],
    lang: str,
    column: str,
    next_year: int,
    year: int,
) -> str:
    """One sentence per short reason used in ``rows`` (in ``reason_text`` order), headed by
    ``column``, the table's reason column, and ending where the full sentences are."""
    used = {key for reasons in rows for key, _ in reasons}
    values = {"next": next_year, "year": year, "share": i18n.fmt_percent(LIKELY_NEXT, lang)}
    entries = [
        i18n.t(f"priority.reason.legend.{key}", lang, **values)
        for key in REASONS
        if key != "fast"  # one sentence for slow/fast
        and (key in used or (key == "slow" and "fast" in used))
    ]
    if not entries:
        return ""
    title = i18n.t("priority.reason.legend.title", lang, column=column)
    end = i18n.t("priority.reason.legend.end", lang)
    return f"{title} {'; '.join(entries)}. {end}"


def short_criteria(criteria: Iterable[int], lang: str) -> str:
    """Criteria by number only ("TC10, TC13"): the names are in the "missing" column."""
    return ", ".join(criterion_short(int(c), lang) for c in criteria)
