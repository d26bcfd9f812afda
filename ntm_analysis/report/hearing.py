"""The hearing pack of one unit: a one-page brief, a 16:9 slide deck, every chart as PNG and
SVG, and every table in one Excel workbook — all offline, in the report's language
(Vietnamese first).

Why HTML slides rather than PPTX: the slides are built from the same sections, charts and
words as the report, shown by the same engine (Chromium) that prints the report, and printed
by it to a 16:9 PDF that any laptop projects; they open offline in any browser with no
extra package (python-pptx would add a dependency and a second layout whose text rendering
cannot be checked by the browser test). Arrow keys and Page Up/Down move between slides.

Files, in ``OUT/hearing/<unit id>/``: ``brief.html`` (+ ``brief.pdf``, one A4 page),
``slides.html`` (+ ``slides.pdf``), ``tables.xlsx``, ``charts/NN-name.png`` and ``.svg``.
``write`` makes them from a prepared ``Report``; ``write_batch`` is the one call the batch
makes after its units ran, re-using each unit's parameters and the shared forecast cache.
"""

from __future__ import annotations

import base64
import multiprocessing
import os
import re
import sys
import weakref
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import repeat
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
from matplotlib.figure import Figure

from ntm_analysis import __version__, i18n
from ntm_analysis.analysis.results import UnitResults
from ntm_analysis.core.atomic import replace_dir, write_atomic, write_text_atomic
from ntm_analysis.core.config import config_fields
from ntm_analysis.core.criteria import criterion_label
from ntm_analysis.i18n.text import fold
from ntm_analysis.report import plots
from ntm_analysis.report import sections as report
from ntm_analysis.report.base import Report, Section, esc, fmt_num, result_badge, synthetic_banner
from ntm_analysis.report.geography import geography_sentence
from ntm_analysis.report.priority import reason_text, short_criteria

HEARING_DIR = "hearing"
ENV = "NTM_HEARING"  # "0": the batch makes no hearing packs (faster; the test suite's batches)
# the report sections of each kind, in the notebooks' order (a test keeps them in step)
REPORT_SECTIONS: dict[str, tuple[str, ...]] = {
    "province": (
        "headline",
        "plan",
        "districts",
        "district_chart",
        "forecast",
        "priority",
        "pace",
        "methods",
        "backtest",
        "note",
    ),
    "district": (
        "headline",
        "plan",
        "now",
        "trend",
        "forecast",
        "priority",
        "bottlenecks",
        "pace",
        "methods",
        "backtest",
        "note",
    ),
}
N_BRIEF = 5  # communes of the priority list on the brief
N_SLIDE = 6  # on the slide
CHART_DPI = 150
EXCEL_SHEET = 31  # Excel's limit on a sheet name


def kind(rep: Report) -> str:
    return "province" if rep.unit is None else "district"


def sections(rep: Report) -> list[Section]:
    """Every section of the unit's report, as its notebook shows them."""
    return [getattr(report, name)(rep) for name in REPORT_SECTIONS[kind(rep)]]


# --------------------------------------------------------------------------- charts


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-")[:40] or "chart"


def chart_files(parts: Sequence[Section]) -> list[tuple[str, Figure]]:
    """``(file stem, figure)`` for every chart of the report, numbered in report order."""
    out = []
    for section in parts:
        for fig in section.figures():
            title = " ".join(fig.get_suptitle().split()) or (section.title or "chart")
            out.append((f"{len(out) + 1:02d}-{_slug(title)}", fig))
    return out


def write_charts(parts: Sequence[Section], folder: Path) -> list[Path]:
    """Every chart as PNG (150 dpi) and SVG (text as paths: the glyphs need no font)."""
    written = []
    for stem, fig in chart_files(parts):
        written.append(
            write_atomic(folder / f"{stem}.png", lambda tmp, f=fig: tmp.write_bytes(_png(f)))
        )
        written.append(
            write_atomic(
                folder / f"{stem}.svg",
                lambda tmp, f=fig: f.savefig(tmp, format="svg", facecolor="white"),
            )
        )
    return written


_PNG: weakref.WeakKeyDictionary[Figure, bytes] = weakref.WeakKeyDictionary()


def _png(fig: Figure) -> bytes:
    """The figure as PNG, rendered once for the chart file, the brief and the slides."""
    if fig not in _PNG:
        _PNG[fig] = plots.fig_to_png_bytes(fig, dpi=CHART_DPI)
    return _PNG[fig]


def _img(fig: Figure, css: str = "") -> str:
    data = base64.b64encode(_png(fig)).decode("ascii")
    alt = esc(" ".join(fig.get_suptitle().split()))
    return f'<img src="data:image/png;base64,{data}" alt="{alt}" style="{css}">'


# --------------------------------------------------------------------------- workbook


def _sheet_name(text: str, used: set[str]) -> str:
    """A unique sheet name: Excel's forbidden characters dropped, cut at a word boundary to
    Excel's 31 characters."""
    name = " ".join(re.sub(r"[\[\]:*?/\\]", "", text).split())
    if len(name) > EXCEL_SHEET:
        name = name[: EXCEL_SHEET + 1].rsplit(" ", 1)[0]
    name = name[:EXCEL_SHEET] or "Sheet"
    base, i = name, 2
    while name.lower() in used:
        suffix = f" ({i})"
        name, i = base[: EXCEL_SHEET - len(suffix)] + suffix, i + 1
    used.add(name.lower())
    return name


def workbook_tables(rep: Report, parts: Sequence[Section]) -> list[tuple[str, pd.DataFrame]]:
    """``(title, table)`` for the workbook: the plan and the full priority list as numbers,
    then every table shown in the report, as shown (headers in the report's language)."""
    lang = rep.lang
    out: list[tuple[str, pd.DataFrame]] = []
    ty = rep.results["this_year"]
    plan_rows = []
    for figure, row in ty["figures"].items():
        plan_rows.append(
            {
                rep.t("plan.col.figure"): i18n.t(f"col.{figure}", lang),
                rep.t("plan.col.now", year=ty["as_of"]): row["now"],
                rep.t("plan.col.target", year=ty["year"]): row["target"],
                rep.t("plan.col.expected", year=ty["year"]): row["expected"],
                rep.t("plan.col.lo95"): row["lo95"],
                rep.t("plan.col.hi95"): row["hi95"],
                rep.t("plan.col.probability"): row["probability"],
                rep.t("plan.col.gap"): row["gap"],
            }
        )
    out.append((rep.t("workbook.sheet.plan") + f" {ty['year']}", pd.DataFrame(plan_rows)))
    full = report.priority_frame(rep)
    if not full.empty:
        next_year = rep.forecast.years[0]
        where, places = report.district_column(rep, full)  # [geo] former district after 2025
        numbers = pd.DataFrame(
            {
                rep.t("priority.col.rank"): full["rank"],
                i18n.t("col.commune", lang): full["commune_name"],
                rep.t("report.col.commune_code"): full["commune_code"],
                where: places,
                rep.t("priority.col.n_met", year=rep.as_of): full["n_met"],
                rep.t("report.col.missing"): [
                    ", ".join(criterion_label(int(c), lang) for c in m) for m in full["missing"]
                ],
                rep.t("priority.col.p_year", year=next_year): full["p_next"],
                rep.t("priority.col.se_year", year=next_year): 100 * full["se_next"],
                rep.t("priority.col.p_year", year=rep.year): full["p_target"],
                rep.t("priority.col.se_year", year=rep.year): 100 * full["se_target"],
                rep.t("priority.col.why"): [reason_text(r, lang) for r in full["reasons"]],
            }
        )
        out.append((rep.t("workbook.sheet.priority"), numbers))
    for section in parts:
        for j, table in enumerate(section.tables()):
            title = section.title or rep.unit_name
            out.append((title if j == 0 else f"{title} ({j + 1})", table))
    return out


def write_workbook(rep: Report, parts: Sequence[Section], path: Path) -> Path:
    """One .xlsx: an information sheet (unit, years, draws, version, synthetic or real data),
    then one sheet per table, each under its title (and the synthetic-data mark)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    lang = rep.lang
    book = Workbook()
    info = book.active
    used: set[str] = set()
    info.title = _sheet_name(rep.t("workbook.sheet.info"), used)
    tables = workbook_tables(rep, parts)
    data_kind = rep.t("workbook.info.synthetic" if rep.synthetic else "workbook.info.real")
    rows = [
        (rep.t("workbook.info.unit"), rep.unit_name),
        (rep.t("workbook.info.as_of"), rep.as_of),
        (rep.t("workbook.info.year"), rep.year),
        (rep.t("workbook.info.draws"), rep.forecast.n_draws),
        (rep.t("workbook.info.version"), __version__),
        (rep.t("workbook.info.data"), data_kind),
    ]
    for row in rows:
        info.append(row)
    info.append(())
    info.append((rep.t("workbook.info.sheets"),))
    bold = Font(bold=True)
    percent = {rep.t("plan.col.probability")} | {
        rep.t("priority.col.p_year", year=y) for y in rep.forecast.years
    }
    for title, table in tables:
        sheet = book.create_sheet(_sheet_name(title, used))
        info.append(("", sheet.title))
        sheet.append((title,))
        sheet["A1"].font = Font(bold=True, size=13)
        start = 2
        if rep.synthetic:
            sheet.append((i18n.t("mark.synthetic", lang),))
            sheet["A2"].font = Font(bold=True, color="9C2A00")
            start = 3
        sheet.append(())
        header_row = start + 1
        sheet.append([str(c) for c in table.columns])
        for cell in sheet[header_row]:
            cell.font = bold
            cell.fill = PatternFill("solid", fgColor="DDE7F0")
            cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        for values in table.itertuples(index=False):
            sheet.append([_cell(v) for v in values])
        for i, column in enumerate(table.columns, start=1):
            if column in percent:  # probabilities stay numbers, shown as 97%
                for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=i, max_col=i):
                    cell.number_format = "0%"
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
        for i, column in enumerate(table.columns, start=1):
            longest = max([len(str(column)) // 2, *(len(str(v)) for v in table[column])], default=8)
            sheet.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest + 2))
    for column in ("A", "B"):
        info.column_dimensions[column].width = 40
    info["A1"].font = bold
    return write_atomic(path, lambda tmp: book.save(tmp))


def _cell(value: Any) -> Any:
    """A value openpyxl can store: NaN and None become empty cells, numpy scalars plain."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return round(value, 4) if isinstance(value, float) else value


# --------------------------------------------------------------------------- brief


_PAGE_CSS = """
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #111;
       margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 6px; vertical-align: top; white-space: nowrap; }
th { background: #DDE7F0; white-space: normal; vertical-align: bottom; }
tr:nth-child(even) td { background: #F4F4F4; }
td.num, th.num { text-align: right; }
td.wrap { white-space: normal; }
.ntm-mark { color: #6B2A00; font-weight: bold; }
"""

_BRIEF_CSS = (
    _PAGE_CSS
    + """
@page { size: A4 portrait; margin: 12mm 14mm; }
body { font-size: 10.5pt; line-height: 1.35; max-width: 182mm; margin: 0 auto; }
h1 { font-size: 16pt; margin: 0 0 2pt 0; }
.sub { color: #444; margin: 0 0 6pt 0; }
.headline { font-size: 12.5pt; font-weight: bold; margin: 6pt 0; }
.chart { text-align: center; }
.chart img { width: 100%; max-height: 80mm; object-fit: contain; }
ul { margin: 4pt 0 6pt 0; padding-left: 16pt; }
li { margin-bottom: 2pt; }
h2 { font-size: 12pt; margin: 6pt 0 3pt 0; }
table { font-size: 9.5pt; }
.foot { color: #555; font-size: 8.5pt; margin-top: 6pt; }
.ntm-synthetic { padding: 0.3em 0.6em !important; margin: 0 0 6pt 0 !important; }
"""
)


def brief_sentences(rep: Report, top: pd.DataFrame) -> list[str]:
    """Three to five plain sentences: the headline, this year's plan, where the unit stands,
    the communes most likely next, and the caveat."""
    res, lang = rep.results, rep.lang
    out = [rep.headline, report.plan_sentence(rep)]
    if rep.panel.geography is not None:  # the registry list and the merge rule used
        out.insert(1, geography_sentence(rep.panel.geography, lang))
    now_ = res["now"]
    out.append(
        rep.t(
            "headline.current",
            year=rep.as_of,
            n_ntm=now_["n_ntm"],
            n_communes=res["n_communes"],
            share=i18n.fmt_share(now_["n_ntm"] / max(res["n_communes"], 1), lang),
        )
    )
    if not top.empty:
        next_year = rep.forecast.years[0]
        items = [
            rep.t(
                "brief.priority_item",
                name=name,
                prob=i18n.fmt_percent(p, lang),
                year=next_year,
            )
            for name, p in zip(top["commune_name"].head(3), top["p_next"].head(3), strict=True)
        ]
        out.append(rep.t("brief.priority_sentence", communes=", ".join(items)))
    out.append(rep.t("brief.caveat"))
    return out[:5]


def _table_html(frame: pd.DataFrame, numeric: Iterable[str] = (), wrap: Iterable[str] = ()) -> str:
    """A plain table: ``numeric`` columns right-aligned, ``wrap`` columns may break lines
    (every other cell stays on one line, so names and percentages never split)."""
    numeric, wrap = set(numeric), set(wrap)

    def css(column: str) -> str:
        return "num" if column in numeric else "wrap" if column in wrap else ""

    head = "".join(f'<th class="{css(c)}">{esc(c)}</th>' for c in frame.columns)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{css(c)}">{esc(v)}</td>' for c, v in zip(frame.columns, row, strict=True)
        )
        + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _short_priority(rep: Report, full: pd.DataFrame, n: int) -> pd.DataFrame:
    """The top of the priority list with short columns (criteria by number), for paper."""
    shown = report.priority_display(rep, full, n)
    shown[rep.t("report.col.missing")] = [
        short_criteria(m, rep.lang) for m in full.head(n)["missing"]
    ]
    return shown.drop(columns=[rep.t("priority.col.why")])


def _document(title: str, css: str, body: str, lang: str, script: str = "") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{css}</style></head>"
        f"<body>{body}{script}</body></html>\n"
    )


def brief_html(rep: Report, parts: Sequence[Section], full: pd.DataFrame) -> str:
    """The one-page A4 brief: headline with its range, one chart, three to five sentences,
    the top of the priority list."""
    lang = rep.lang
    title = f"{rep.t('brief.title')} — {rep.unit_name}"
    body = []
    if rep.synthetic:
        body.append(synthetic_banner(lang))
    body.append(f"<h1>{esc(title)}</h1>")
    body.append(
        '<p class="sub">'
        + esc(
            rep.t(
                "brief.subtitle",
                as_of=rep.as_of,
                year=rep.year,
                draws=fmt_num(rep.forecast.n_draws, lang),
            )
        )
        + "</p>"
    )
    body.append(f'<p class="headline">{result_badge(rep.results, lang)} {esc(rep.headline)}</p>')
    fan = _forecast_chart(rep, parts)
    if fan is not None:
        body.append(f'<div class="chart">{_img(fan)}</div>')
    sentences = brief_sentences(rep, full)
    body.append("<ul>" + "".join(f"<li>{esc(s)}</li>" for s in sentences[1:]) + "</ul>")
    if not full.empty:
        short = _short_priority(rep, full, N_BRIEF)
        body.append(f"<h2>{esc(rep.t('brief.priority'))}</h2>")
        body.append(_table_html(short, _numeric_columns(rep, short), [rep.t("report.col.missing")]))
    body.append(f'<p class="foot">{esc(rep.t("brief.source", version=__version__))}</p>')
    return _document(title, _BRIEF_CSS, "".join(body), lang)


def _numeric_columns(rep: Report, frame: pd.DataFrame) -> list[str]:
    text = {
        i18n.t("col.commune", rep.lang),
        i18n.t("col.district", rep.lang),
        rep.t("report.col.missing"),
        rep.t("priority.col.why"),
        rep.t("report.col.commune_code"),
    }
    return [c for c in frame.columns if c not in text]


def _forecast_chart(rep: Report, parts: Sequence[Section]) -> Figure | None:
    """The forecast section's fan chart (the report's one headline chart)."""
    for name, section in zip(REPORT_SECTIONS[kind(rep)], parts, strict=True):
        if name == "forecast" and section.figures():
            return section.figures()[0]
    return None


# --------------------------------------------------------------------------- slides


_SLIDES_CSS = (
    _PAGE_CSS
    + """
@page { size: 1280px 720px; margin: 0; }
html { background: #3A3A3A; scroll-snap-type: y mandatory; }
body { font-size: 26px; line-height: 1.3; }
.slide { width: 1280px; height: 720px; margin: 24px auto; background: #FFFFFF;
         padding: 40px 56px 48px 56px; position: relative; overflow: hidden;
         scroll-snap-align: center; display: flex; flex-direction: column; }
.slide h1 { font-size: 44px; margin: 0 0 16px 0; }
.slide h2 { font-size: 36px; margin: 0 0 14px 0; color: #0B3C5D; }
.slide p { margin: 0 0 12px 0; }
.slide .big { font-size: 30px; font-weight: bold; }
.slide .fig { flex: 1; min-height: 0; display: flex; justify-content: center; }
.slide .fig img { max-width: 100%; max-height: 100%; object-fit: contain; }
.slide table { font-size: 21px; }
.slide .mark { position: absolute; left: 56px; bottom: 14px; font-size: 16px; color: #6B2A00;
               font-weight: bold; }
.slide .page { position: absolute; right: 56px; bottom: 14px; font-size: 16px; color: #555; }
.keys { color: #DDD; text-align: center; font-size: 14px; margin: 8px; }
@media print {
  html { background: #FFFFFF; }
  .slide { margin: 0; break-after: page; }
  .keys { display: none; }
}
"""
)

_SLIDES_JS = """<script>
(function () {
  var slides = Array.prototype.slice.call(document.querySelectorAll('.slide'));
  function current() {
    var mid = window.innerHeight / 2, best = 0;
    slides.forEach(function (s, i) {
      var r = s.getBoundingClientRect();
      if (r.top <= mid) { best = i; }
    });
    return best;
  }
  document.addEventListener('keydown', function (e) {
    var step = {ArrowRight: 1, ArrowDown: 1, PageDown: 1, ' ': 1,
                ArrowLeft: -1, ArrowUp: -1, PageUp: -1}[e.key];
    if (!step) { return; }
    e.preventDefault();
    var i = Math.max(0, Math.min(slides.length - 1, current() + step));
    slides[i].scrollIntoView({block: 'center'});
  });
})();
</script>"""


def slides_html(rep: Report, parts: Sequence[Section], full: pd.DataFrame) -> str:
    """The 16:9 deck: title, the answer with the fan chart, this year's plan, the priority
    list, the bottleneck or district chart, the limits."""
    lang = rep.lang
    named = dict(zip(REPORT_SECTIONS[kind(rep)], parts, strict=True))
    slides: list[str] = []
    title = rep.t("slides.title", unit=rep.unit_name, year=rep.year)
    first = [f"<h1>{esc(title)}</h1>"]
    first.append(f"<p>{esc(rep.t('slides.subtitle', as_of=rep.as_of))}</p>")
    if rep.synthetic:
        first.append(synthetic_banner(lang))
    first.append(f'<p class="big">{esc(rep.headline)}</p>')
    if rep.panel.geography is not None:  # the registry list and the merge rule used
        first.append(f"<p>{esc(geography_sentence(rep.panel.geography, lang))}</p>")
    slides.append("".join(first))
    fan = _forecast_chart(rep, parts)
    answer = [f"<h2>{esc(rep.t('slides.headline'))}</h2>"]
    answer.append(f"<p>{result_badge(rep.results, lang)} {esc(rep.headline)}</p>")
    if fan is not None:
        answer.append(f'<div class="fig">{_img(fan)}</div>')
    slides.append("".join(answer))
    plan_section = named["plan"]
    plan_table = plan_section.tables()[0]
    slides.append(
        f"<h2>{esc(plan_section.title)}</h2>"
        f'<p class="big">{esc(report.plan_sentence(rep))}</p>'
        + _table_html(plan_table, numeric=list(plan_table.columns[1:]))
    )
    if not full.empty:
        short = _short_priority(rep, full, N_SLIDE)
        slides.append(
            f"<h2>{esc(rep.t('priority.section'))}</h2>"
            + _table_html(short, _numeric_columns(rep, short), [rep.t("report.col.missing")])
        )
    for name in ("district_chart", "bottlenecks", "trend"):
        section = named.get(name)
        if section is not None and section.figures():
            heading = section.title or rep.t("report.section.districts", year=rep.year)
            slides.append(
                f'<h2>{esc(heading)}</h2><div class="fig">{_img(section.figures()[0])}</div>'
            )
    slides.append(
        f"<h2>{esc(rep.t('slides.limits'))}</h2>"
        f"<p>{esc(rep.t('brief.caveat'))}</p>"
        + "".join(f"<p>{esc(p)}</p>" for p in _limits(rep, full))
    )
    mark = i18n.t("mark.synthetic_watermark", lang) if rep.synthetic else ""
    body = "".join(
        f'<section class="slide" id="slide-{i}">{content}'
        f'<div class="mark">{esc(mark)}</div>'
        f'<div class="page">{esc(rep.t("slides.page", n=i, total=len(slides)))}</div></section>'
        for i, content in enumerate(slides, start=1)
    )
    keys = f'<p class="keys">{esc(rep.t("slides.keys"))}</p>'
    return _document(title, _SLIDES_CSS, keys + body, lang, _SLIDES_JS)


def _limits(rep: Report, full: pd.DataFrame) -> list[str]:
    from ntm_analysis.analysis.priority import max_half_width

    out = []
    if not full.empty:
        out.append(
            rep.t(
                "priority.note",
                draws=fmt_num(rep.forecast.n_draws, rep.lang),
                points=fmt_num(max_half_width(full.head(N_SLIDE)), rep.lang, 1),
            )
        )
    return out


# --------------------------------------------------------------------------- the pack


def write(rep: Report, folder: str | Path, chromium: str | None = None) -> dict[str, Path]:
    """Write the unit's hearing pack into ``folder``; PDFs of the brief and the slides when
    ``chromium`` is given. Every file is written atomically."""
    folder = Path(folder)
    parts = sections(rep)
    full = report.priority_frame(rep)
    out = {
        "brief": write_text_atomic(folder / "brief.html", brief_html(rep, parts, full)),
        "slides": write_text_atomic(folder / "slides.html", slides_html(rep, parts, full)),
        "workbook": write_workbook(rep, parts, folder / "tables.xlsx"),
    }
    for path in write_charts(parts, folder / "charts"):
        out[f"chart:{path.name}"] = path
    if chromium:
        from ntm_analysis.report.pdf import print_pdf

        out["brief_pdf"] = print_pdf(out["brief"], folder / "brief.pdf", chromium=chromium)
        out["slides_pdf"] = print_pdf(out["slides"], folder / "slides.pdf", chromium=chromium)
    for fig in (f for s in parts for f in s.figures()):
        fig.clear()
    return out


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
    row = (ty or {}).get("figures", {}).get("n_ntm")
    if row and row.get("target") is not None:
        plan = i18n.t(
            "plan.index.cell",
            lang,
            year=ty["year"],
            target=i18n.fmt_number(row["target"], lang, 0),
            prob=i18n.fmt_percent(row["probability"], lang),
            expected=i18n.fmt_number(row["expected"], lang, 1),
            lo=i18n.fmt_number(row["lo95"], lang, 0),
            hi=i18n.fmt_number(row["hi95"], lang, 0),
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


def _prepare_arguments(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The unit's notebook parameters that ``report.prepare`` takes (the run
    configuration's settings; anything else a manifest holds is left out)."""
    accepted = {f.name for f in config_fields()}
    return {k: v for k, v in parameters.items() if k in accepted}


def _write_unit(
    out: Path, entry: Mapping[str, Any], chromium: str | None, staging: Path | None = None
) -> str | None:
    """One unit's pack (in a pool process); the failure message, or None. With ``staging``
    the pack is made in ``staging/<id>/`` and published whole (``replace_dir``)."""
    parameters = dict(entry["parameters"])
    final = out / HEARING_DIR / entry["id"]
    try:
        rep = report.prepare(**_prepare_arguments(parameters))
        if staging is None:
            write(rep, final, chromium)
        else:
            write(rep, staging / entry["id"], chromium)
            replace_dir(staging / entry["id"], final)
    except Exception as exc:  # one unit's pack must not stop the others or the index
        lang = parameters.get("lang", i18n.DEFAULT_LANG)
        return i18n.t("hearing.pack.failed", lang, unit=entry.get("name", entry["id"]), error=exc)
    return None


def write_batch(
    out: str | Path,
    entries: Iterable[Mapping[str, Any]],
    chromium: str | None = None,
    workers: int | None = None,
    staging: str | Path | None = None,
) -> list[str]:
    """The batch's one call: a hearing pack for every unit that ran successfully, from its
    parameters and the run's forecast cache, in ``OUT/hearing/<id>/``, on ``workers``
    processes (default: one per core); nothing when ``$NTM_HEARING`` is "0". A unit whose
    pack fails is named on stderr and in the returned list; its report is untouched.
    ``staging``: a folder on the same filesystem where each pack is made before it is
    published whole, as the batch does with the reports."""
    out = Path(out)
    staging = None if staging is None else Path(staging)
    if os.environ.get(ENV, "1") == "0":
        return []
    todo = [dict(e) for e in entries if e.get("status") == "ok"]
    workers = min(len(todo), workers or os.cpu_count() or 1)
    if workers <= 1:
        results = [_write_unit(out, entry, chromium, staging) for entry in todo]
    else:  # spawned, not forked: the batch process has threads
        context = multiprocessing.get_context("spawn")
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                results = list(
                    pool.map(_write_unit, repeat(out), todo, repeat(chromium), repeat(staging))
                )
        except BrokenProcessPool as exc:
            results = [
                i18n.t(
                    "hearing.pack.failed",
                    e["parameters"].get("lang", i18n.DEFAULT_LANG),
                    unit=e.get("name", e["id"]),
                    error=exc,
                )
                for e in todo
            ]
    failures = [message for message in results if message]
    for message in failures:
        print(message, file=sys.stderr)
    return failures


__all__ = [
    "HEARING_DIR",
    "REPORT_SECTIONS",
    "IndexedUnit",
    "brief_html",
    "districts_view",
    "index_view",
    "pack_links",
    "sections",
    "slides_html",
    "write",
    "write_batch",
    "write_workbook",
]
