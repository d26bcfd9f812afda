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

The brief and the slides are Jinja templates (``templates/hearing_*.html.j2``): this module
builds their views (``BriefView``, ``SlidesView``: what a page shows, as formatted numbers
and translated sentences) and renders them; the markup, style and script are the templates'.
"""

from __future__ import annotations

import base64
import multiprocessing
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
from matplotlib.figure import Figure

from ntm_analysis import __version__, i18n
from ntm_analysis.analysis.results import displayed_status
from ntm_analysis.core.atomic import replace_dir, write_atomic, write_text_atomic
from ntm_analysis.core.config import config_fields
from ntm_analysis.i18n.text import fold
from ntm_analysis.report import fragments, plots
from ntm_analysis.report import sections as report
from ntm_analysis.report.base import Report, Section, badge, fmt_num
from ntm_analysis.report.criteria import criterion_label
from ntm_analysis.report.geography import geography_sentence
from ntm_analysis.report.hearing_links import (
    ENV,
    HEARING_DIR,
    IndexedUnit,
    districts_view,
    index_view,
    pack_links,
)
from ntm_analysis.report.priority import reason_text, short_criteria

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


def _png(fig: Figure) -> bytes:
    """The figure as PNG, rendered once for the chart file, the brief and the slides."""
    return plots.fig_to_png_bytes(fig, dpi=CHART_DPI, once=True)


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
    ty = rep.results.this_year
    plan_rows = []
    for figure, row in ty.figures.items():
        plan_rows.append(
            {
                rep.t("plan.col.figure"): i18n.t(f"col.{figure}", lang),
                rep.t("plan.col.now", year=ty.as_of): row.now,
                rep.t("plan.col.target", year=ty.year): row.target,
                rep.t("plan.col.expected", year=ty.year): row.expected,
                rep.t("plan.col.lo95"): row.lo95,
                rep.t("plan.col.hi95"): row.hi95,
                rep.t("plan.col.probability"): row.probability,
                rep.t("plan.col.gap"): row.gap,
            }
        )
    out.append((rep.t("workbook.sheet.plan") + f" {ty.year}", pd.DataFrame(plan_rows)))
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


# --------------------------------------------------------------------------- pages
# views of the brief and the slides, rendered by ``hearing_brief.html.j2`` and
# ``hearing_slides.html.j2`` (on ``hearing_page.html.j2``; shared pieces in ``_hearing.html.j2``)

BRIEF_TEMPLATE = "hearing_brief.html.j2"
SLIDES_TEMPLATE = "hearing_slides.html.j2"


@dataclass(frozen=True)
class Image:
    """A chart embedded in a page: the PNG (base64) and the chart's title as its alt text."""

    png_base64: str
    alt: str


@dataclass(frozen=True)
class Column:
    """A table column: its header and how its cells sit ("num" right-aligned, "wrap" may
    break lines, "" stays on one line so names and percentages never split)."""

    label: str
    css: str = ""


@dataclass(frozen=True)
class Table:
    """A table as shown: the columns and each row's cells as text."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class BriefView:
    """What the one-page brief shows (``hearing_brief.html.j2``)."""

    lang: str
    title: str
    subtitle: str
    synthetic: str | None  # the synthetic-data banner's text; None for real data
    badge: Mapping[str, Any]  # the headline's status (``base.badge``'s data)
    headline: str
    chart: Image | None  # the forecast's fan chart
    points: tuple[str, ...]  # the sentences under the headline
    priority_title: str
    priority: Table | None  # the top of the priority list; None without one
    source: str


@dataclass(frozen=True)
class TitleSlide:
    """The unit, the years, the answer in one sentence (and the registry list used)."""

    heading: str
    subtitle: str
    headline: str
    geography: str | None
    kind: ClassVar[str] = "title"


@dataclass(frozen=True)
class AnswerSlide:
    """The answer with its status badge and the fan chart."""

    heading: str
    badge: Mapping[str, Any]
    headline: str
    chart: Image | None
    kind: ClassVar[str] = "answer"


@dataclass(frozen=True)
class PlanSlide:
    """This year's plan: one sentence and the plan table."""

    heading: str
    sentence: str
    table: Table
    kind: ClassVar[str] = "plan"


@dataclass(frozen=True)
class TableSlide:
    """A heading and a table (the priority list)."""

    heading: str
    table: Table
    kind: ClassVar[str] = "table"


@dataclass(frozen=True)
class ChartSlide:
    """A heading and one chart."""

    heading: str
    chart: Image
    kind: ClassVar[str] = "chart"


@dataclass(frozen=True)
class TextSlide:
    """A heading and paragraphs (the limits)."""

    heading: str
    paragraphs: tuple[str, ...]
    kind: ClassVar[str] = "text"


Slide = TitleSlide | AnswerSlide | PlanSlide | TableSlide | ChartSlide | TextSlide


@dataclass(frozen=True)
class SlidesView:
    """What the deck shows (``hearing_slides.html.j2``): its slides in order, each page's
    "slide k/n" label, the synthetic-data mark on every slide."""

    lang: str
    title: str
    keys: str  # how to move between slides
    synthetic: str | None  # the banner's text on the title slide; None for real data
    watermark: str  # the mark at the foot of every slide ("" for real data)
    slides: tuple[Slide, ...]
    pages: tuple[str, ...]


def render(template: str, view: BriefView | SlidesView) -> str:
    """A page of the pack from its view (the package's one Jinja environment)."""
    return fragments.environment().get_template(template).render(view=view)


def _image(fig: Figure) -> Image:
    return Image(base64.b64encode(_png(fig)).decode("ascii"), " ".join(fig.get_suptitle().split()))


def _facts(rep: Report) -> dict[str, Any]:
    """The unit's result values the pages show (read in one place)."""
    res = rep.results
    return {"n_ntm": res.now.n_ntm, "n_communes": res.n_communes}


def brief_sentences(rep: Report, top: pd.DataFrame) -> list[str]:
    """Three to five plain sentences: the headline, this year's plan, where the unit stands,
    the communes most likely next, and the caveat."""
    lang, facts = rep.lang, _facts(rep)
    out = [rep.headline, report.plan_sentence(rep)]
    if rep.panel.geography is not None:  # the registry list and the merge rule used
        out.insert(1, geography_sentence(rep.panel.geography, lang))
    out.append(
        rep.t(
            "headline.current",
            year=rep.as_of,
            n_ntm=facts["n_ntm"],
            n_communes=facts["n_communes"],
            share=i18n.fmt_share(facts["n_ntm"] / max(facts["n_communes"], 1), lang),
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


def table_view(frame: pd.DataFrame, numeric: Iterable[str] = (), wrap: Iterable[str] = ()) -> Table:
    """A shown table as text: ``numeric`` columns right-aligned, ``wrap`` columns may break
    lines."""
    numeric, wrap = set(numeric), set(wrap)
    columns = tuple(
        Column(str(c), "num" if c in numeric else "wrap" if c in wrap else "")
        for c in frame.columns
    )
    rows = tuple(tuple(str(v) for v in row) for row in frame.itertuples(index=False))
    return Table(columns, rows)


def _short_priority(rep: Report, full: pd.DataFrame, n: int) -> Table:
    """The top of the priority list with short columns (criteria by number), for paper."""
    shown = report.priority_display(rep, full, n)
    shown[rep.t("report.col.missing")] = [
        short_criteria(m, rep.lang) for m in full.head(n)["missing"]
    ]
    shown = shown.drop(columns=[rep.t("priority.col.why")])
    return table_view(shown, _numeric_columns(rep, shown), [rep.t("report.col.missing")])


def _synthetic(rep: Report) -> str | None:
    return i18n.t("report.synthetic_banner", rep.lang) if rep.synthetic else None


def brief_view(rep: Report, parts: Sequence[Section], full: pd.DataFrame) -> BriefView:
    """What the brief shows: headline with its range, one chart, three to five sentences,
    the top of the priority list."""
    fan = _forecast_chart(rep, parts)
    draws = fmt_num(rep.forecast.n_draws, rep.lang)
    return BriefView(
        lang=rep.lang,
        title=f"{rep.t('brief.title')} — {rep.unit_name}",
        subtitle=rep.t("brief.subtitle", as_of=rep.as_of, year=rep.year, draws=draws),
        synthetic=_synthetic(rep),
        badge=badge(displayed_status(rep.results), rep.lang),
        headline=rep.headline,
        chart=None if fan is None else _image(fan),
        points=tuple(brief_sentences(rep, full)[1:]),
        priority_title=rep.t("brief.priority"),
        priority=None if full.empty else _short_priority(rep, full, N_BRIEF),
        source=rep.t("brief.source", version=__version__),
    )


def brief_html(rep: Report, parts: Sequence[Section], full: pd.DataFrame) -> str:
    """The one-page A4 brief (``brief_view`` rendered)."""
    return render(BRIEF_TEMPLATE, brief_view(rep, parts, full))


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


def slides_view(rep: Report, parts: Sequence[Section], full: pd.DataFrame) -> SlidesView:
    """What the deck shows: title, the answer with the fan chart, this year's plan, the
    priority list, the district, bottleneck or trend charts, the limits."""
    lang = rep.lang
    named = dict(zip(REPORT_SECTIONS[kind(rep)], parts, strict=True))
    title = rep.t("slides.title", unit=rep.unit_name, year=rep.year)
    geography = rep.panel.geography  # the registry list and the merge rule used
    fan = _forecast_chart(rep, parts)
    plan_section = named["plan"]
    plan_table = plan_section.tables()[0]
    slides: list[Slide] = [
        TitleSlide(
            heading=title,
            subtitle=rep.t("slides.subtitle", as_of=rep.as_of),
            headline=rep.headline,
            geography=None if geography is None else geography_sentence(geography, lang),
        ),
        AnswerSlide(
            heading=rep.t("slides.headline"),
            badge=badge(displayed_status(rep.results), lang),
            headline=rep.headline,
            chart=None if fan is None else _image(fan),
        ),
        PlanSlide(
            heading=str(plan_section.title),
            sentence=report.plan_sentence(rep),
            table=table_view(plan_table, numeric=list(plan_table.columns[1:])),
        ),
    ]
    if not full.empty:
        slides.append(TableSlide(rep.t("priority.section"), _short_priority(rep, full, N_SLIDE)))
    for name in ("district_chart", "bottlenecks", "trend"):
        section = named.get(name)
        if section is not None and section.figures():
            heading = section.title or rep.t("report.section.districts", year=rep.year)
            slides.append(ChartSlide(heading, _image(section.figures()[0])))
    slides.append(TextSlide(rep.t("slides.limits"), (rep.t("brief.caveat"), *_limits(rep, full))))
    return SlidesView(
        lang=lang,
        title=title,
        keys=rep.t("slides.keys"),
        synthetic=_synthetic(rep),
        watermark=i18n.t("mark.synthetic_watermark", lang) if rep.synthetic else "",
        slides=tuple(slides),
        pages=tuple(
            rep.t("slides.page", n=i, total=len(slides)) for i in range(1, len(slides) + 1)
        ),
    )


def slides_html(rep: Report, parts: Sequence[Section], full: pd.DataFrame) -> str:
    """The 16:9 deck (``slides_view`` rendered)."""
    return render(SLIDES_TEMPLATE, slides_view(rep, parts, full))


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
    "ENV",
    "HEARING_DIR",
    "REPORT_SECTIONS",
    "AnswerSlide",
    "BriefView",
    "ChartSlide",
    "Column",
    "Image",
    "IndexedUnit",
    "PlanSlide",
    "SlidesView",
    "Table",
    "TableSlide",
    "TextSlide",
    "TitleSlide",
    "brief_html",
    "brief_view",
    "districts_view",
    "index_view",
    "pack_links",
    "render",
    "sections",
    "slides_html",
    "slides_view",
    "table_view",
    "write",
    "write_batch",
    "write_workbook",
]
