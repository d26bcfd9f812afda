"""The building blocks of the report sections: the ``Section`` and ``Report`` containers,
number and text formatting in the reader's language and the status line. ``report.sections``
(the sections a notebook calls) and ``report.methods`` (the methods, backtest and
data-and-method sections) are built from these and from ``report.labels`` (unit names, the
status badge, the synthetic-data banner: what the batch's index shares with the reports).
"""

from __future__ import annotations

import html
import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup
from matplotlib.figure import Figure

from ntm_analysis import i18n
from ntm_analysis.analysis.results import UnitResults, history
from ntm_analysis.analysis.summaries import Summaries, summary
from ntm_analysis.core.communes import Registry
from ntm_analysis.core.panel import Panel
from ntm_analysis.model.backtest import Backtest
from ntm_analysis.model.forecast import Forecast
from ntm_analysis.model.transitions import TransitionModel
from ntm_analysis.report import fragments, plots
from ntm_analysis.report.labels import badge, unit_label

FIGURE_DPI = 100  # 12 in wide -> 1200 px: sharp on a projector, small enough to e-mail
# order of the progress statuses, most worrying first (the model's and the straight line's)
STATUS_RANK = {"regressing": 0, "off_track": 1, "needs_acceleration": 2, "on_track": 3}


# --------------------------------------------------------------------------- small helpers


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def paragraph(text: str, css: str = "") -> str:
    """A paragraph of text with an inline style (the ``paragraph`` fragment)."""
    return fragments.render("paragraph", text, css)


def is_missing(x: object) -> bool:
    return x is None or (isinstance(x, float | np.floating) and np.isnan(x)) or x is pd.NA


def fmt_num(x: float | None, lang: str, decimals: int = 0) -> str:
    return i18n.fmt_number(x, lang, decimals)


def fmt_mean(x: float | None, lang: str) -> str:
    """A forecast mean: one decimal ("79,8"), the statistic shown beside every interval."""
    return fmt_num(x, lang, 1)


def fmt_rate(x: float, lang: str) -> str:
    """A yearly pace: one decimal, none when it is a whole number ("4,7", "5")."""
    return fmt_num(x, lang, 0 if abs(x - round(x)) < 0.05 else 1)


def fmt_interval(lo: float | None, hi: float | None, lang: str) -> str:
    """ "12–18", or an en dash alone when the interval is unknown."""
    if is_missing(lo) or is_missing(hi):
        return "–"
    return f"{fmt_num(lo, lang)}–{fmt_num(hi, lang)}"


def fmt_signed(x: float | None, lang: str, decimals: int = 0) -> str:
    """ "+3", "−2" (a real minus sign), "0"."""
    if is_missing(x):
        return "–"
    text = fmt_num(x, lang, decimals)
    return text if text.startswith(("−", "-")) or text == fmt_num(0, lang, decimals) else "+" + text


def percents_to_100(values: Sequence[float], lang: str) -> list[str]:
    """Simulated shares of a whole as whole percentages that add up to 100% (largest
    remainder).

    A share that rounds to 0 is written "<1%" (and one that rounds to 100 ">99%"), even when
    no simulation fell there: "0%" would read as certainty. Honest, at the cost of an exact
    total in that case.
    """
    v = np.clip(np.nan_to_num(np.asarray(values, float)), 0.0, None)
    total = v.sum()
    if total <= 0:
        return ["–" for _ in v]
    scaled = 100.0 * v / total
    whole = np.floor(scaled)
    order = np.argsort(-(scaled - whole), kind="stable")
    whole[order[: int(100 - whole.sum() + 0.5)]] += 1
    out = []
    for pct in whole:
        if pct == 0:
            out.append(f"<{fmt_num(1, lang)}%")
        elif pct == 100:
            out.append(f">{fmt_num(99, lang)}%")
        else:
            out.append(f"{fmt_num(pct, lang)}%")
    return out


def join_words(items: Sequence[str], lang: str) -> str:
    """ "a, b và c" / "a, b and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return i18n.t("report.list.and", lang, head=", ".join(items[:-1]), last=items[-1])


# --------------------------------------------------------------------------- sections


@dataclass
class Section:
    """A report section: a heading and parts displayed in order.

    Parts are HTML strings, ``pandas`` Stylers or DataFrames, and matplotlib ``Figure``s
    (shown as embedded PNG images, so the exported HTML needs no outside resources).
    """

    title: str | None
    parts: list[Any] = field(default_factory=list)
    level: int = 2

    def figures(self) -> list[Figure]:
        return [p for p in self.parts if isinstance(p, Figure)]

    def tables(self) -> list[pd.DataFrame]:
        """The tables shown (the data behind each Styler): for tests."""
        return [
            p.data if hasattr(p, "data") else p
            for p in self.parts
            if isinstance(p, pd.DataFrame) or hasattr(p, "data")
        ]

    def text(self) -> str:
        """The section's words (headings and paragraphs, tags stripped): for tests and logs."""
        chunks = [self.title or ""]
        for part in self.parts:
            if isinstance(part, str):
                part = re.sub(r"<style.*?</style>", " ", part, flags=re.S)
                chunks.append(html.unescape(re.sub(r"<[^>]+>", " ", part)))
        return " ".join(" ".join(chunks).split())

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, Image, display

        if self.title:
            display(HTML(f"<h{self.level}>{esc(self.title)}</h{self.level}>"))
        for part in self.parts:
            if isinstance(part, Figure):
                alt = " ".join(part.get_suptitle().split()) or (self.title or "")
                display(
                    Image(
                        data=plots.fig_to_png_bytes(part, dpi=FIGURE_DPI),
                        format="png",
                        metadata={"alt": alt},
                    )
                )
            elif isinstance(part, str):
                display(HTML(part))
            else:
                display(part)

    def __repr__(self) -> str:
        kinds = ", ".join(type(p).__name__ for p in self.parts)
        return f"Section({self.title!r}: {kinds})"


def styled_table(
    frame: pd.DataFrame,
    formats: Mapping[str, Any] | None = None,
    left: Sequence[str] = (),
    nowrap: Sequence[str] = (),
) -> Any:
    """A readable table: no index, numbers right-aligned, header wrapped, zebra rows.

    ``nowrap`` columns (names, codes) never break inside a cell.
    """
    styler = frame.style.hide(axis="index")
    if formats:
        styler = styler.format({k: v for k, v in formats.items() if k in frame.columns})
    numeric = [c for c in frame.columns if c not in left]
    styler = styler.set_properties(subset=numeric, **{"text-align": "right"})
    styler = styler.set_properties(
        subset=[c for c in left if c in frame.columns], **{"text-align": "left"}
    )
    keep = [c for c in nowrap if c in frame.columns]
    if keep:
        styler = styler.set_properties(subset=keep, **{"white-space": "nowrap"})
    return styler.set_table_styles(
        [
            {
                "selector": "th",
                "props": "text-align: left; vertical-align: bottom; "
                "padding: 4px 10px; max-width: 16em; white-space: normal;",
            },
            {"selector": "td", "props": "padding: 4px 10px;"},
            {"selector": "tbody tr:nth-child(even)", "props": "background-color: #F4F4F4;"},
            {"selector": "", "props": "border-collapse: collapse; margin: 0.5em 0 1em 0;"},
        ]
    )


TABLES_KEPT = 4  # tables' HTML kept by ``table_html`` (~20 KB each)
_TABLE_HTML: OrderedDict[tuple[Any, ...], str] = OrderedDict()


def table_html(frame: pd.DataFrame, left: Sequence[str] = ()) -> str:
    """``styled_table(frame, left=left)`` as HTML, made once per process for the same table:
    kept by what the HTML depends on — the table's columns, types and cells, ``left`` and
    pandas' Styler options (``pd.options.styler``).

    Why: the model's coefficient table is the same in every report of a language, and a
    batch kernel rendered it again for each unit (``to_html``, ~6 ms; issue 17). What the
    reports then share is the Styler's id in the HTML (random, only so that two tables of
    one page do not take each other's rules): it stays unique in each page, which shows the
    table once (a page that showed it twice would have the same rules twice)."""
    key = (
        tuple(frame.columns),
        tuple(map(str, frame.dtypes)),
        tuple(frame.itertuples(index=False, name=None)),
        tuple(left),
        _styler_options(pd.options.styler),
    )
    if key in _TABLE_HTML:
        _TABLE_HTML.move_to_end(key)
    else:
        _TABLE_HTML[key] = styled_table(frame, left=left).to_html()
        while len(_TABLE_HTML) > TABLES_KEPT:
            _TABLE_HTML.popitem(last=False)
    return _TABLE_HTML[key]


def _styler_options(group: Any, prefix: str = "styler.") -> tuple[tuple[str, str], ...]:
    """Every option under ``group`` (``pd.options.styler``, by its documented attribute
    access: a group's options and subgroups are its attributes), as text."""
    options: list[tuple[str, str]] = []
    for name in dir(group):
        value = getattr(group, name)
        if isinstance(value, type(pd.options)):  # a subgroup: styler.format, styler.html…
            options += _styler_options(value, f"{prefix}{name}.")
        else:
            options.append((prefix + name, repr(value)))
    return tuple(options)


def caption_html(text: str) -> str:
    return paragraph(text, "font-weight:bold;margin-bottom:0.2em")


def status_line(label: str, status: str | None, lang: str, css: str = "") -> str:
    """A paragraph: ``label`` then the status's badge (the ``status_line`` fragment)."""
    return fragments.render("status_line", label, badge(status, lang), css)


def details_html(summary: str, explain: str, content_html: str) -> str:
    """A folded block: its summary line, a grey explaining paragraph, then ``content_html``
    (HTML already rendered, e.g. a styled table's) (the ``details`` fragment)."""
    return fragments.render("details", summary, explain, Markup(content_html))


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class Report:
    """Everything one unit's report shows; built by ``prepare``.

    ``target`` and ``target_source`` are the results' (properties, not stored twice);
    ``target_source`` says where the commune target comes from: "official" (the targets file,
    marked official), "file" (the targets file, not marked official), "user" (a number passed
    in) or None (no target). ``mean_target`` is the plan's criteria-per-commune target (the
    province only).
    """

    panel: Panel  # observed data up to the as-of year
    forecast: Forecast
    backtest: Backtest | None
    backtest_note: str | None
    registry: Registry
    unit: int | None  # district code, None for the province
    unit_name: str
    unit_kind: str  # "huyện", "thành phố", "tỉnh" / "district", "city", "province"
    mean_target: float | None
    mean_target_source: str | None
    lang: str
    results: UnitResults  # the numbers, read-only
    parameters: dict[str, Any]
    data_sha256: str
    model: TransitionModel | None = None
    headline: str = ""  # the results' headline in ``lang`` (``report.headline``)
    # the panel's yearly summaries made once (the batch's analysis file), None: computed
    summaries: Summaries | None = None

    @property
    def year(self) -> int:
        return int(self.results.year)

    @property
    def as_of(self) -> int:
        return self.forecast.as_of

    @property
    def synthetic(self) -> bool:
        return bool(self.panel.synthetic)

    @property
    def target(self) -> float | None:
        """The commune target (the results' own, never stored twice)."""
        return self.results.target

    @property
    def target_source(self) -> str | None:
        return self.results.target_source

    @property
    def target_official(self) -> bool:
        return self.target_source == "official"

    @property
    def n_communes(self) -> int:
        return int(self.results.n_communes)

    @property
    def all_met(self) -> bool:
        """Every commune of the unit already meets the standard in the as-of year."""
        return int(self.results.now.n_ntm) >= self.n_communes > 0

    @property
    def unit_panel(self) -> Panel:
        return self.panel if self.unit is None else self.panel.subset(districts=[self.unit])

    def t(self, key: str, **fmt: object) -> str:
        return i18n.t(key, self.lang, **fmt)

    def label(self, code: int | None) -> str:
        """Another unit's name in the report's language."""
        return unit_label(self.registry, code, self.lang)

    @cached_property
    def _observed(self) -> dict[str | None, pd.DataFrame]:
        """The observed summaries read so far (``unit_history``: key None; ``level_summary``:
        the level), kept for the report's life, over which its panel and summaries are fixed.

        Why: a report's sections read the unit's history seven times, and each read checks
        that the shared table is this panel's by hashing the panel (~2 ms a read, ~0.2 s
        CPU a batch; issue 17). (A frozen dataclass still has an instance ``__dict__``, where
        ``cached_property`` keeps this.)"""
        return {}


def unit_history(rep: Report) -> pd.DataFrame:
    """The unit's observed yearly summary (``results.history``), from the shared table
    (read once per report; each caller gets its own copy)."""
    kept = rep._observed
    if None not in kept:
        kept[None] = history(rep.panel, rep.unit, rep.summaries)
    return kept[None].copy()


def level_summary(rep: Report, by: str) -> pd.DataFrame:
    """Every unit's observed yearly summary at one level ("province", "district"): the
    report's panel's ``metrics.unit_summary``, from the shared table (read once per report
    and level; each caller gets its own copy)."""
    kept = rep._observed
    if by not in kept:
        kept[by] = summary(rep.panel, by, rep.summaries)
    return kept[by].copy()


def target_sentence(rep: Report) -> str:
    if rep.target is None:
        if rep.unit is None:
            return rep.t("report.target.none_province")
        this_unit = i18n.capitalize(rep.t("unit.this", kind=rep.unit_kind))
        return rep.t("report.target.none_district", this_unit=this_unit)
    fmt = {"target": fmt_num(rep.target, rep.lang), "year": rep.year}
    sentence = rep.t(f"report.target.{rep.target_source}", **fmt)
    if rep.target_official and rep.synthetic:
        sentence += " " + rep.t("report.target.real_but_synthetic")
    if rep.mean_target is not None:
        sentence += " " + rep.t(
            f"report.mean_target.{rep.mean_target_source}",
            target=fmt_num(rep.mean_target, rep.lang, 1),
            year=rep.year,
        )
    return sentence


def statuses_disagree(model: str, line: str) -> bool:
    return STATUS_RANK.get(model) != STATUS_RANK.get(line)
