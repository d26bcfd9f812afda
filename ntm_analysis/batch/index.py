"""``index.html``: the batch's front page, written from ``manifest.json`` and the sidecars.

The province headline, one row per district (now, expected, 80% interval, probability,
status), links to each unit's report, its PDF, notebook and figures, every failed unit with its
failing cell and error, and a footer naming the run. Whether the data is synthetic comes from
the manifest, so the warning is there even when no unit produced a sidecar. Offline: nothing
is loaded from elsewhere; it prints on A4 like the reports (``export.print_css``).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ntm_analysis import i18n
from ntm_analysis.batch.changes import changes_html, read_changes
from ntm_analysis.batch.executor import error_message
from ntm_analysis.core.atomic import write_text_atomic
from ntm_analysis.core.provenance import MANIFEST
from ntm_analysis.report.export import external_references, footer_html, print_css

__all__ = ["INDEX", "write_index"]

INDEX = "index.html"

_STYLE = """
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; max-width: 1100px;
  margin: 0 auto; padding: 1em 1.5em; color: #222; line-height: 1.45; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em 0; }
th, td { padding: 6px 10px; border-bottom: 1px solid #DDD; text-align: left;
  vertical-align: top; }
th { background: #F0F0F0; }
tbody tr:nth-child(even) { background: #FAFAFA; }
h1 { font-size: 1.9em; }
p.headline { font-size: 1.25em; font-weight: bold; }
a { color: #1F4E8C; }
td a, td > span { white-space: nowrap; }
ul.failed li { color: #8B1A00; margin-bottom: 0.4em; }
footer { margin-top: 3em; padding-top: 0.6em; border-top: 1px solid #CCC; color: #555;
  font-size: 0.85em; }
"""


def _read_sidecar(out: Path, entry: Mapping[str, Any]) -> dict[str, Any] | None:
    if entry.get("status") != "ok":
        return None
    rel = (entry.get("outputs") or {}).get("results")
    if not rel or not (out / rel).exists():
        return None
    try:
        value = json.loads((out / rel).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _links(entry: Mapping[str, Any], lang: str) -> str:
    outputs = entry.get("outputs") or {}
    links = [
        f'<a href="{html.escape(outputs[key])}">{html.escape(i18n.t(label, lang))}</a>'
        for key, label in (
            ("html", "index.link.html"),
            ("pdf", "index.link.pdf"),
            ("notebook", "index.link.notebook"),
            ("results", "index.link.results"),
        )
        if outputs.get(key)
    ]
    return " · ".join(links)


def _failure_text(entry: Mapping[str, Any], lang: str) -> str:
    error = entry.get("error") or {}
    cell = error.get("cell") if error.get("cell") is not None else "–"
    label = html.escape(i18n.t("index.status.failed", lang))
    text = i18n.t(
        "index.failed.item",
        lang,
        unit=entry.get("name", entry["id"]),
        cell=cell,
        error=error_message(error),
    )
    return f"<strong>{label}</strong> — {html.escape(text)}"


def _interval_text(side: Mapping[str, Any], lang: str) -> str:
    """The 80% interval, or the 95% one (so marked) where the 80% one is a single value."""
    from ntm_analysis.analysis.results import reader_interval

    level, lo, hi = reader_interval(side)
    text = f"{i18n.fmt_number(lo, lang, 0)}–{i18n.fmt_number(hi, lang, 0)}"
    return text if level == 80 else f"{text} ({level}%)"


def _district_row(
    entry: Mapping[str, Any],
    side: Mapping[str, Any] | None,
    lang: str,
    with_targets: bool,
    province_target: float | None,
) -> str:
    """A district's row. With district targets in the run: its target, the probability of
    reaching it and the verdict ("no target set" in words where a district has none).
    Without any: its expected contribution to the province plan — never a column of "–"."""
    from ntm_analysis.report.sections import result_badge

    esc = html.escape
    n_cells = 6 if with_targets else 5
    if side is None:
        cells = [esc(entry["name"]), *[""] * (n_cells - 2), _failure_text(entry, lang)]
    else:
        cells = [
            esc(side.get("unit_name") or entry["name"]),
            esc(i18n.fmt_number(side["now"]["n_ntm"], lang, 0)),
            esc(i18n.fmt_number(side["expected"], lang, 1)),
            esc(_interval_text(side, lang)),
        ]
        if not with_targets:
            cells.append(esc(_contribution(side, province_target, lang)))
        elif side.get("target") is None:
            cells += [esc(i18n.t("index.no_target", lang)), ""]
        else:
            decimals = 0 if float(side["target"]).is_integer() else 1
            target = i18n.fmt_number(side["target"], lang, decimals)
            probability = side.get("probability")
            verdict = result_badge(side, lang) if side.get("status") else ""
            chance = (
                i18n.fmt_percent(probability, lang)
                if probability is not None
                else i18n.t("index.target_reached", lang)
            )
            cells += [esc(f"{target} · {chance}"), verdict]
    cells.append(_links(entry, lang))
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _contribution(side: Mapping[str, Any], province_target: float | None, lang: str) -> str:
    """ "16% của 77 xã": the district's expected count as a share of the province target."""
    if not province_target:
        return i18n.fmt_number(side["expected"], lang, 1)
    return i18n.t(
        "index.contribution",
        lang,
        share=i18n.fmt_share(side["expected"] / province_target, lang),
        target=i18n.fmt_number(province_target, lang, 0),
    )


def write_index(out: Path, manifest: Mapping[str, Any], lang: str) -> Path:
    """``index.html``: the province headline, a row per district, links, failures, footer."""
    from ntm_analysis.report.hearing import districts_html as hearing_districts_html
    from ntm_analysis.report.hearing import index_html as hearing_index_html
    from ntm_analysis.report.sections import result_badge, synthetic_banner

    esc = html.escape
    out = Path(out)
    units = manifest["units"]
    sidecars = {u["id"]: _read_sidecar(out, u) for u in units}
    synthetic = bool(manifest.get("synthetic")) or any(
        s and s.get("synthetic") for s in sidecars.values()
    )
    province_name = i18n.t(
        "report.unit.province", lang, name=(manifest.get("province") or {}).get("name", "")
    )
    body = [f"<h1>{esc(i18n.t('index.title', lang, province=province_name))}</h1>"]
    if synthetic:
        body.append(synthetic_banner(lang))
    for entry in (u for u in units if u["kind"] == "province"):
        body.append(f"<h2>{esc(i18n.t('index.province', lang))}</h2>")
        side = sidecars[entry["id"]]
        if side is not None:
            body.append(
                f"<p>{esc(i18n.t('report.status.label', lang))} {result_badge(side, lang)}</p>"
            )
            body.append(f'<p class="headline">{esc(side["headline"])}</p>')
            body.append(hearing_index_html(out, entry, side, lang))  # this year's plan, pack
        else:
            body.append(f"<p>{_failure_text(entry, lang)}</p>")
        body.append(f"<p>{_links(entry, lang)}</p>")
    district_entries = [u for u in units if u["kind"] == "district"]
    if district_entries:
        year = (manifest.get("parameters") or {}).get("target_year") or next(
            (s["year"] for s in sidecars.values() if s), ""
        )
        as_of = next((s.get("as_of") for s in sidecars.values() if s), None)
        with_targets = any(
            s and s.get("target") is not None
            for s in sidecars.values()
            if s and s.get("level") == "district"
        )
        province_side = next(
            (sidecars[u["id"]] for u in units if u["kind"] == "province" and sidecars[u["id"]]),
            None,
        )
        province_target = province_side.get("target") if province_side else None
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
        rows = [
            _district_row(e, sidecars[e["id"]], lang, with_targets, province_target)
            for e in district_entries
        ]
        body.append(f"<h2>{esc(i18n.t('index.districts', lang))}</h2>")
        body.append(
            "<table><thead><tr>"
            + "".join(f"<th>{esc(h)}</th>" for h in head)
            + "</tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
        )
        note = "index.note_with_targets" if with_targets else "index.note_districts"
        body.append(f'<p class="note">{esc(i18n.t(note, lang))}</p>')
        body.append(hearing_districts_html(out, district_entries, lang))  # their hearing packs
    body.append(changes_html(read_changes(out), lang))  # since the last report, and why
    failures = [u for u in units if u.get("status") != "ok"]
    if failures:
        body.append(f'<h2>{esc(i18n.t("index.failed.title", lang))}</h2><ul class="failed">')
        body += [f"<li>{_failure_text(e, lang)} {_links(e, lang)}</li>" for e in failures]
        body.append("</ul>")
    data_sha = manifest["data_files"]["panel"]["sha256"]
    footer = footer_html(manifest["run_id"], data_sha, lang, manifest.get("finished"))
    title = i18n.t("index.title", lang, province=province_name)
    page = f"""<!DOCTYPE html>
<html lang="{esc(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{esc(title)}</title>
<style>{_STYLE}{print_css(title, lang, synthetic)}</style>
</head>
<body>
{chr(10).join(body)}
<footer>{footer} · <a href="{MANIFEST}">{MANIFEST}</a></footer>
</body>
</html>
"""
    if external_references(page):
        raise RuntimeError("index.html would load outside resources")
    return write_text_atomic(out / INDEX, page)
