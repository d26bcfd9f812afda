"""The criteria in words: each one's name, its group's name and the short label charts and
tables use ("TC10 Thu nhập" / "C10 Income"), from the catalogues (``core.criteria`` keeps
only the numbers and groups).
"""

from __future__ import annotations

from ntm_analysis import i18n
from ntm_analysis.core.criteria import check_criterion


def criterion_name(number: int, lang: str) -> str:
    """The criterion's name in ``lang``: "Thu nhập" / "Income"."""
    return i18n.t(f"criterion.{check_criterion(number)}", lang)


def criterion_short(number: int, lang: str) -> str:
    """The criterion by number only: "TC10" / "C10"."""
    return i18n.t("criterion.short", lang, number=check_criterion(number))


def criterion_label(number: int, lang: str) -> str:
    """Short label used on charts and tables: "TC10 Thu nhập" / "C10 Income"."""
    return i18n.t(
        "criterion.label",
        lang,
        short=criterion_short(number, lang),
        name=criterion_name(number, lang),
    )


def group_name(group: str, lang: str) -> str:
    """A group's name in ``lang``: group "III" is "Kinh tế và tổ chức sản xuất"."""
    return i18n.t(f"criterion.group.{group}", lang)
