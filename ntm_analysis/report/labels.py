"""The words and colours the batch's own pages share with the reports: a unit's name, a
progress status's badge and its colours, the synthetic-data banner.

The batch process needs these for every report's title and for the index, and nothing else
of the report code: they live here, apart from the charts and tables (``plots``, ``base``),
so that the batch process never imports matplotlib (~0.4 s CPU a batch) to name a unit or
colour a badge. The reports import them from here too: one place per rule. Nothing here
imports matplotlib (a test keeps it so); ``analysis.results`` (the status names) is loaded
by the batch process anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ntm_analysis import i18n
from ntm_analysis.analysis.results import CLOSE_TO_THRESHOLD
from ntm_analysis.report import fragments

if TYPE_CHECKING:
    import numpy as np

    from ntm_analysis.core.communes import Registry

__all__ = [
    "OKABE_ITO",
    "STATUS_COLORS",
    "badge",
    "status_color",
    "synthetic_banner",
    "unit_kind_word",
    "unit_label",
]

# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision
# deficiencies. Named so the meaning of each use is readable in the code.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
STATUS_COLORS: dict[str, str] = {
    "on_track": OKABE_ITO["bluish_green"],
    "needs_acceleration": OKABE_ITO["orange"],
    "off_track": OKABE_ITO["vermillion"],
    "regressing": OKABE_ITO["reddish_purple"],
}


def status_color(status: str) -> str:
    """The colour for a progress status; always pair it with ``i18n.status_label`` text."""
    return STATUS_COLORS[status]


def badge(status: str | None, lang: str) -> dict[str, Any]:
    """A progress status's badge as data for ``_fragments.html.j2``'s ``badge`` macro: the
    status, its words (which alone carry the meaning) and, for a verdict, its colours. No
    status and "close to a threshold" get no verdict colour (the template draws them)."""
    if status is None:
        return {"status": None, "label": i18n.t("report.status.none", lang)}
    label = i18n.status_label(status, lang)
    if status == CLOSE_TO_THRESHOLD:
        return {"status": status, "label": label}
    text_color = "#000000" if status == "needs_acceleration" else "#FFFFFF"
    return {
        "status": status,
        "label": label,
        "background": status_color(status),
        "color": text_color,
    }


def synthetic_banner(lang: str) -> str:
    """The synthetic-data banner (the ``synthetic_banner`` fragment)."""
    return fragments.render("synthetic_banner", i18n.t("report.synthetic_banner", lang))


def unit_label(registry: Registry, code: int | None, lang: str) -> str:
    """A unit's name in the reader's language: "Tỉnh Lạng Sơn" / "Lạng Sơn province",
    "Huyện Tràng Định" / "Tràng Định district", "Thành phố Lạng Sơn" / "Lạng Sơn city"
    (the kind of unit from the registry's ``district_type``)."""
    if code is None:
        return i18n.t("report.unit.province", lang, name=registry.province_name)
    found = _district_rows(registry, code)
    if not len(found):
        raise KeyError(code)
    districts = registry.districts
    name, kind = districts["district_name"].iat[found[0]], districts["district_type"].iat[found[0]]
    return i18n.unit_name(name, kind, lang)


def unit_kind_word(registry: Registry, code: int | None, lang: str) -> str:
    """ "tỉnh"/"province", "huyện"/"district", "thành phố"/"city" (lower case)."""
    if code is None:
        return i18n.t("unit.province", lang)
    found = _district_rows(registry, code)
    return i18n.unit_kind(registry.districts["district_type"].iat[found[0]], lang)


def _district_rows(registry: Registry, code: int) -> np.ndarray:
    """Positions of district ``code`` in the registry's table, first to last.

    Why not a pandas mask and ``.loc``: a report names other units ~25 times (tables,
    labels, the coefficient table's districts), and the mask, the selection and two
    ``.iloc`` cost ~0.3 ms a name; with the codes compared as an array a name costs ~0.07 ms
    (issue 17)."""
    return (registry.districts["district_code"].to_numpy() == code).nonzero()[0]
