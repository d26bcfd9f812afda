"""What the batch's index shows of the units' hearing packs: where a pack lives, the links to
the files it has, this year's plan against the forecast in one line.

The index is written by the batch process, which makes no pack itself when packs are not
asked for: these live apart from ``hearing`` (which draws the packs' charts, hence imports
matplotlib, seaborn and the report sections) so that writing the index loads none of that.
``hearing`` imports them from here: one place per rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from ntm_analysis import i18n
from ntm_analysis.analysis.results import UnitResults

__all__ = [
    "ENV",
    "HEARING_DIR",
    "PACK_FILES",
    "IndexedUnit",
    "districts_view",
    "index_view",
    "pack_links",
]

HEARING_DIR = "hearing"
ENV = "NTM_HEARING"  # "0": the batch makes no hearing packs (faster; the test suite's batches)

PACK_FILES = (
    ("brief.pdf", "hearing.link.brief_pdf"),
    ("brief.html", "hearing.link.brief"),
    ("slides.html", "hearing.link.slides"),
    ("slides.pdf", "hearing.link.slides_pdf"),
    ("tables.xlsx", "hearing.link.workbook"),
)


class IndexedUnit(Protocol):
    """What the index's hearing part reads of a unit's manifest entry (``batch.records``'s
    ``UnitEntry``, which the report package cannot import): by attribute, not key."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


def index_view(
    out: str | Path, entry: IndexedUnit, results: UnitResults, lang: str
) -> dict[str, Any]:
    """For the index (``_fragments.html.j2``'s ``hearing_unit``): this year's plan against
    the forecast in one line (None without a plan) and the unit's hearing-pack links."""
    plan = None
    ty = results.this_year
    row = ty.figures.n_ntm if ty is not None and ty.figures is not None else None
    if row is not None and row.target is not None:
        plan = i18n.t(
            "plan.index.cell",
            lang,
            year=ty.year,
            target=i18n.fmt_number(row.target, lang, 0),
            prob=i18n.fmt_percent(row.probability, lang),
            expected=i18n.fmt_number(row.expected, lang, 1),
            lo=i18n.fmt_number(row.lo95, lang, 0),
            hi=i18n.fmt_number(row.hi95, lang, 0),
        )
    return {
        "plan": plan,
        "label": i18n.t("hearing.link.label", lang),
        "links": pack_links(out, str(entry.id), lang),
    }


def pack_links(out: str | Path, unit_id: str, lang: str) -> list[dict[str, str]]:
    """Links (``href``, ``label``) to the files of a unit's hearing pack that exist."""
    folder = Path(out) / HEARING_DIR / unit_id
    return [
        {"href": f"{HEARING_DIR}/{unit_id}/{name}", "label": i18n.t(key, lang)}
        for name, key in PACK_FILES
        if (folder / name).is_file()
    ]


def districts_view(
    out: str | Path, entries: Iterable[IndexedUnit], lang: str
) -> dict[str, Any] | None:
    """For the index, below the district table (``hearing_districts``): each district's
    hearing pack; None when no district has one."""
    units = [
        {"name": entry.name, "links": links}
        for entry in entries
        if (links := pack_links(out, str(entry.id), lang))
    ]
    if not units:
        return None
    return {"title": i18n.t("hearing.link.districts", lang), "units": units}
