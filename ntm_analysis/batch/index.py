"""``index.html``: the batch's front page, written from ``manifest.json`` and the sidecars.

The province headline, one row per district (now, expected, 80% interval, probability,
status), links to each unit's report, its PDF, notebook and figures, every failed unit with its
failing cell and error, and a footer naming the run. Whether the data is synthetic comes from
the manifest, so the warning is there even when no unit produced a sidecar. Offline: nothing
is loaded from elsewhere; it prints on A4 like the reports (``export.print_css``).

The page is data (``index_context``) rendered by one Jinja template
(``ntm_analysis/report/templates/index.html.j2``, autoescaped; its style in ``index.css.j2``),
as the reports are by ``export``'s: no HTML is assembled from strings here. The manifest is
read through ``records.Manifest`` (its entries as ``UnitEntry``): attributes, never its keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ntm_analysis import i18n
from ntm_analysis.analysis.results import (
    ResultsError,
    UnitResults,
    displayed_status,
    reader_interval,
)
from ntm_analysis.batch.changes import changes_section, read_changes
from ntm_analysis.batch.executor import error_message
from ntm_analysis.batch.records import Manifest, UnitEntry
from ntm_analysis.batch.sidecar import Sidecar, read_sidecar
from ntm_analysis.core.atomic import write_text_atomic
from ntm_analysis.core.provenance import MANIFEST
from ntm_analysis.report import fragments, hearing_links
from ntm_analysis.report.export import external_references, footer_html, print_css
from ntm_analysis.report.labels import badge, synthetic_banner

__all__ = ["INDEX", "district_row_html", "index_context", "render_index", "write_index"]

INDEX = "index.html"
TEMPLATE = "index.html.j2"  # in ntm_analysis/report/templates/


def _read_sidecars(
    out: Path, units: Sequence[UnitEntry]
) -> tuple[dict[str, Sidecar | None], dict[str, str]]:
    """Each unit's ``Sidecar`` (None: failed or none written), and the units whose sidecar
    is there but not a unit's results, with why: they show as failed, not as blanks."""
    sidecars: dict[str, Sidecar | None] = {}
    broken: dict[str, str] = {}
    for entry in units:
        try:
            sidecars[entry.id] = read_sidecar(out, entry)
        except ResultsError as exc:
            sidecars[entry.id] = None
            broken[entry.id] = str(exc)
    return sidecars, broken


def _links(entry: UnitEntry, lang: str) -> list[dict[str, str]]:
    outputs = entry.outputs
    return [
        {"href": outputs[key], "label": i18n.t(label, lang)}
        for key, label in (
            ("html", "index.link.html"),
            ("pdf", "index.link.pdf"),
            ("notebook", "index.link.notebook"),
            ("results", "index.link.results"),
        )
        if outputs.get(key)
    ]


def _failure(entry: UnitEntry, lang: str, broken: str | None = None) -> dict[str, str]:
    """A failed unit in words; ``broken``: why its sidecar could not be read."""
    error = entry.error
    cell = error.cell if error is not None and error.cell is not None else "–"
    text = i18n.t(
        "index.failed.item",
        lang,
        unit=entry.name,
        cell=cell,
        error=broken or ("" if error is None else error_message(error)),
    )
    return {"label": i18n.t("index.status.failed", lang), "text": text}


def _interval_text(side: UnitResults, lang: str) -> str:
    """The 80% interval, or the 95% one (so marked) where the 80% one is a single value."""
    level, lo, hi = reader_interval(side.interval80, side.interval95)
    text = f"{i18n.fmt_number(lo, lang, 0)}–{i18n.fmt_number(hi, lang, 0)}"
    return text if level == 80 else f"{text} ({level}%)"


def _district_row(
    entry: UnitEntry,
    side: Sidecar | None,
    lang: str,
    with_targets: bool,
    province_target: float | None,
    broken: str | None = None,
) -> dict[str, Any]:
    """A district's row. With district targets in the run: its target, the probability of
    reaching it and the verdict ("no target set" in words where a district has none).
    Without any: its expected contribution to the province plan — never a column of "–"."""
    n_cells = 6 if with_targets else 5
    cells: list[Any]
    if side is None:
        failure = _failure(entry, lang, broken)
        cells = [entry.name, *[""] * (n_cells - 2), {"failure": failure}]
    else:
        res = side.results
        cells = [
            side.label(entry.name),
            i18n.fmt_number(res.now.n_ntm, lang, 0),
            i18n.fmt_number(res.expected, lang, 1),
            _interval_text(res, lang),
        ]
        if not with_targets:
            cells.append(_contribution(res, province_target, lang))
        elif res.target is None:
            cells += [i18n.t("index.no_target", lang), ""]
        else:
            decimals = 0 if float(res.target).is_integer() else 1
            target = i18n.fmt_number(res.target, lang, decimals)
            probability = res.probability
            verdict = {"badge": badge(displayed_status(res), lang)} if res.status else ""
            chance = (
                i18n.fmt_percent(probability, lang)
                if probability is not None
                else i18n.t("index.target_reached", lang)
            )
            cells += [f"{target} · {chance}", verdict]
    return {"cells": cells, "links": _links(entry, lang)}


def _contribution(side: UnitResults, province_target: float | None, lang: str) -> str:
    """ "16% của 77 xã": the district's expected count as a share of the province target."""
    if not province_target:
        return i18n.fmt_number(side.expected, lang, 1)
    return i18n.t(
        "index.contribution",
        lang,
        share=i18n.fmt_share(side.expected / province_target, lang),
        target=i18n.fmt_number(province_target, lang, 0),
    )


def index_context(out: Path, manifest: Manifest | Mapping[str, Any], lang: str) -> dict[str, Any]:
    """What the index shows, as data for ``templates/index.html.j2``: plain text and the
    fragments' data (badges, hearing packs, changes: ``_fragments.html.j2``), which the
    template escapes; ``Markup`` only for the style, the synthetic banner and the footer the
    reports share. ``manifest``: a ``Manifest`` or ``manifest.json``'s object."""
    out = Path(out)
    manifest = Manifest.from_json(manifest)
    units = manifest.units
    sidecars, broken = _read_sidecars(out, units)
    synthetic = manifest.synthetic or any(s.results.synthetic for s in sidecars.values() if s)
    province_name = i18n.t("report.unit.province", lang, name=manifest.province_name)
    title = i18n.t("index.title", lang, province=province_name)
    province = []
    for entry in manifest.of_kind("province"):
        side = sidecars[entry.id]
        unit: dict[str, Any] = {
            "heading": i18n.t("index.province", lang),
            "links": _links(entry, lang),
        }
        if side is None:
            unit["failure"] = _failure(entry, lang, broken.get(entry.id))
        else:
            unit |= {
                "status_label": i18n.t("report.status.label", lang),
                "badge": badge(displayed_status(side.results), lang),
                "headline": side.headline,
                "hearing": hearing_links.index_view(out, entry, side.results, lang),  # plan, pack
            }
        province.append(unit)
    footer = footer_html(manifest.run_id or "", manifest.data_sha256 or "", lang, manifest.finished)
    return {
        "lang": lang,
        "title": title,
        "print_css": Markup(print_css(title, lang, synthetic)),
        "synthetic_banner": Markup(synthetic_banner(lang)) if synthetic else None,
        "province": province,
        "districts": _districts(out, manifest, sidecars, broken, lang),
        "changes": changes_section(read_changes(out), lang),  # since the last report
        "failures_heading": i18n.t("index.failed.title", lang),
        "failures": [
            {"failure": _failure(e, lang), "links": _links(e, lang)} for e in units if not e.ok
        ],
        "footer": Markup(footer),
        "manifest": MANIFEST,
    }


def _districts(
    out: Path,
    manifest: Manifest,
    sidecars: Mapping[str, Sidecar | None],
    broken: Mapping[str, str],
    lang: str,
) -> dict[str, Any] | None:
    """The districts' table (heading, column names, rows), its note and hearing packs."""
    entries = manifest.of_kind("district")
    if not entries:
        return None
    found = [s.results for s in sidecars.values() if s]
    year = manifest.parameters.get("target_year") or next((r.year for r in found), "")
    as_of = next((r.as_of for r in found), None)
    with_targets = any(r.target is not None for r in found if r.level == "district")
    province_side = next(
        (sidecars[u.id] for u in manifest.of_kind("province") if sidecars[u.id]),
        None,
    )
    province_target = province_side.results.target if province_side else None
    head = [
        i18n.t("col.district", lang),
        f"{i18n.t('col.now', lang)} ({as_of})" if as_of else i18n.t("col.now", lang),
        f"{i18n.t('col.expected', lang)} ({year})",
        i18n.t("col.interval80", lang),
        *(
            [i18n.t("index.col.target", lang, year=year), i18n.t("col.status", lang)]
            if with_targets
            else [i18n.t("index.col.contribution", lang, year=year)]
        ),
        i18n.t("index.col.reports", lang),
    ]
    note = "index.note_with_targets" if with_targets else "index.note_districts"
    return {
        "heading": i18n.t("index.districts", lang),
        "head": head,
        "rows": [
            _district_row(e, sidecars[e.id], lang, with_targets, province_target, broken.get(e.id))
            for e in entries
        ],
        "note": i18n.t(note, lang),
        "hearing": hearing_links.districts_view(out, entries, lang),  # the districts' packs
    }


def _template() -> Any:
    return fragments.environment().get_template(TEMPLATE)


def render_index(context: Mapping[str, Any]) -> str:
    """The page from ``index_context``'s data."""
    return _template().render(**context)


def district_row_html(
    entry: UnitEntry | Mapping[str, Any],
    side: Sidecar | UnitResults | None,
    lang: str,
    with_targets: bool,
    province_target: float | None = None,
) -> str:
    """One district's row of the index table as the page shows it (the template's
    ``district_row`` macro), from its manifest entry (or its JSON form) and results sidecar
    (or results)."""
    if isinstance(side, UnitResults):
        side = Sidecar(side, unit_name="", headline="")
    row = _district_row(UnitEntry.from_json(entry), side, lang, with_targets, province_target)
    return str(_template().module.district_row(row))


def write_index(out: Path, manifest: Manifest | Mapping[str, Any], lang: str) -> Path:
    """``index.html``: the province headline, a row per district, links, failures, footer."""
    page = render_index(index_context(out, manifest, lang))
    if external_references(page):
        raise RuntimeError("index.html would load outside resources")
    return write_text_atomic(Path(out) / INDEX, page)
