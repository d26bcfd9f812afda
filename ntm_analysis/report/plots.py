"""Charts for officials: readable on a projector and on paper, in Vietnamese first.

Design rules, applied by every function here:

* One theme (``apply_theme``/``theme_rc``): large type and thick lines for a projector, the
  Okabe-Ito colour-blind-safe palette, and the DejaVu Sans font, which has every Vietnamese
  letter (DejaVu Sans *Mono* does not — never use a monospace font for labels).
* Colour is never the only carrier of meaning: statuses, "met"/"not met", bands and targets
  all have a text label or a legend entry with words, and light/dark contrast survives a
  black-and-white printer.
* All text comes from ``i18n`` and is NFC-normalised, so "ạ" is drawn with the font's
  precomposed glyph rather than a misplaced combining mark.
* Figures are built with ``matplotlib.figure.Figure`` directly, never through ``pyplot``: no
  GUI backend is needed (Agg-safe in batch runs and CI) and nothing accumulates in pyplot's
  global figure list. Each function returns the ``Figure``; ``fig_to_png_bytes`` renders it.
* Every function takes ``synthetic``: generated demo data is labelled on the chart itself
  (``synthetic_mark``), since a chart copied into a slide loses its surrounding caption.
"""

from __future__ import annotations

import io
import re
import textwrap
import unicodedata
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
import PIL.Image
import PIL.PngImagePlugin
from cycler import cycler
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ntm_analysis.core.criteria import CRITERIA_NUMBERS, GROUPS, criterion_group
from ntm_analysis.i18n import (
    DEFAULT_LANG,
    check_lang,
    fmt_number,
    fmt_percent,
    fmt_share,
    status_label,
    t,
)
from ntm_analysis.i18n.text import fold
from ntm_analysis.model.backtest import bin_bounds
from ntm_analysis.report.criteria import criterion_label, group_name
from ntm_analysis.report.labels import OKABE_ITO, STATUS_COLORS, status_color

FONT_FAMILY = "DejaVu Sans"

PALETTE: list[str] = [
    OKABE_ITO[name]
    for name in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue")
] + ["#555555", "#8C6D31", "#332288", "#117733"]
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h")

MET_COLOR = OKABE_ITO["blue"]
NOT_MET_COLOR = "#E3E3E3"  # light grey: dark/light contrast survives greyscale printing
OBSERVED_COLOR = "#222222"
FORECAST_COLOR = OKABE_ITO["blue"]
TARGET_COLOR = OKABE_ITO["vermillion"]
# One colour per role in every chart, so a slide deck never swaps them between districts:
# the district (its own line, forecast or dots) blue, the province dark grey and dashed, the
# target vermillion. Lines of several districts take PALETTE colours by district name.
DISTRICT_COLOR = FORECAST_COLOR
PROVINCE_COLOR = "#555555"
PROVINCE_STYLE = "--"

TITLE_SIZE = 20
LABEL_SIZE = 16
TICK_SIZE = 14
LEGEND_SIZE = 14
NOTE_SIZE = 13
LINE_WIDTH = 3.0
WIDE_FIGSIZE = (12.0, 6.75)  # 16:9, the shape of a projector slide

MARK_GID = "ntm-synthetic-mark"
WATERMARK_GID = "ntm-synthetic-watermark"
_MARK_STRIP_INCHES = 0.5  # space kept free at the bottom for the synthetic-data label


# --- theme -----------------------------------------------------------------------------------


def theme_rc() -> dict[str, Any]:
    """The rcParams of the project's theme (seaborn "whitegrid" + "talk", then our overrides)."""
    # seaborn (and the scipy.stats it pulls in: ~1 s) is imported when a chart is drawn, not
    # with this module: the batch process and `ntm` commands import it without drawing
    import seaborn as sns

    rc: dict[str, Any] = {}
    rc.update(sns.axes_style("whitegrid"))
    rc.update(sns.plotting_context("talk"))
    rc.update(
        {
            # the family name itself, not the generic "sans-serif", so the choice is stored
            # in each text's font properties and survives a different rc at draw time
            "font.family": [FONT_FAMILY],
            "font.sans-serif": [FONT_FAMILY],
            "mathtext.fontset": "dejavusans",
            "axes.unicode_minus": True,
            "axes.prop_cycle": cycler(color=PALETTE),
            "axes.titlesize": TITLE_SIZE,
            "axes.titleweight": "bold",
            "axes.labelsize": LABEL_SIZE,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": "#444444",
            "figure.titlesize": TITLE_SIZE,
            "figure.titleweight": "bold",
            "font.size": LABEL_SIZE,
            "xtick.labelsize": TICK_SIZE,
            "ytick.labelsize": TICK_SIZE,
            "legend.fontsize": LEGEND_SIZE,
            "legend.title_fontsize": LEGEND_SIZE,
            "legend.frameon": False,
            "lines.linewidth": LINE_WIDTH,
            "lines.markersize": 9,
            "grid.color": "#D9D9D9",
            "grid.linewidth": 1.0,
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.facecolor": "white",
            "pdf.fonttype": 42,  # embed TrueType so Vietnamese text stays text in PDFs
            "ps.fonttype": 42,
            "svg.fonttype": "none",
        }
    )
    return rc


def apply_theme() -> None:
    """Make the project theme the global matplotlib default (e.g. at the top of a notebook).

    The chart functions do not need it — each builds its figure inside the theme — but other
    figures a notebook draws then match them.
    """
    mpl.rcParams.update(theme_rc())


@contextmanager
def _themed() -> Iterator[None]:
    with mpl.rc_context(theme_rc()):
        yield


def _freeze_axes_style(fig: Figure) -> None:
    """Store tick fonts and sizes on each axes: ticks are created lazily at draw time, possibly
    after the theme's rc context has been left, and would otherwise take the global defaults
    (which may name a font without Vietnamese letters)."""
    axes = list(fig.axes)
    axes += [child for ax in fig.axes for child in ax.child_axes]  # insets (none today)
    for ax in axes:
        ax.tick_params(axis="both", which="both", labelfontfamily=FONT_FAMILY)
        for axis in (ax.xaxis, ax.yaxis):
            size = getattr(axis, "_major_tick_kw", {}).get("labelsize", TICK_SIZE)  # keep set sizes
            axis.set_tick_params(
                which="major", labelsize=size, grid_color="#D9D9D9", grid_linewidth=1.0
            )


def status_legend_handles(lang: str = DEFAULT_LANG) -> list[Patch]:
    """Legend entries (colour + words) for the four statuses."""
    return [Patch(color=c, label=status_label(s, lang)) for s, c in STATUS_COLORS.items()]


# --- small helpers ---------------------------------------------------------------------------


def _nfc(text: object) -> str:
    return unicodedata.normalize("NFC", str(text))


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(_nfc(text), width=width)) or _nfc(text)


def _new_figure(width: float, height: float) -> Figure:
    """A pyplot-free figure on an Agg canvas (measuring text on a bare canvas would re-render
    the whole figure for each label)."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


# average advance of a bold DejaVu Sans character, as a share of the font size (measured on
# Vietnamese and English titles: 0.56 let long titles run off the right edge)
_TITLE_CHAR_WIDTH = 0.62


def _set_title(fig: Figure, text: str, reserve: float = 0.0) -> None:
    """Left-aligned, wrapped title: long Vietnamese titles must not run off the slide.

    ``reserve``: inches kept free at the right of the title (for a legend beside it).
    """
    width = max(fig.get_figwidth() - reserve - 0.3, 2.0)
    chars = int(width * 72 / (TITLE_SIZE * _TITLE_CHAR_WIDTH))
    fig.suptitle(_wrap(text, chars), x=0.01, ha="left", fontsize=TITLE_SIZE, fontweight="bold")


def _tick_number(x: float, lang: str) -> str:
    """An axis tick in the reader's number format, with no more decimals than it needs."""
    for decimals in (0, 1, 2):
        if abs(x * 10**decimals - round(x * 10**decimals)) < 1e-6:
            return fmt_number(x, lang, decimals)
    return fmt_number(x, lang, 2)


def _number_axis(axis: Any, lang: str, percent: bool = False, integer: bool = False) -> None:
    """Tick labels in the reader's number format; ``integer`` for counts of communes."""
    if integer:
        axis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 2.5, 5, 10]))
    if percent:
        axis.set_major_formatter(FuncFormatter(lambda x, _pos: _tick_number(100 * x, lang) + "%"))
    else:
        axis.set_major_formatter(FuncFormatter(lambda x, _pos: _tick_number(x, lang)))


def _year_axis(axis: Any, locate: bool = True) -> None:
    """Whole years only, and no thousands separator ("2020", never "2.020").

    ``locate=False`` keeps ticks already placed (e.g. only the years that have data).
    """
    if locate:
        axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(
        FuncFormatter(lambda x, _pos: str(round(x)) if abs(x - round(x)) < 1e-6 else "")
    )


def _legend_right(ax: Any, *args: Any, **kwargs: Any) -> Any:
    """Legend right of the axes, top-aligned with them: as an axes legend it is part of the
    layout, so the figure title (above) never runs into it, unlike a figure legend."""
    return ax.legend(*args, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0, **kwargs)


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} needs column(s) {missing}; got {list(frame.columns)}")


def _measure_label(column: str, lang: str) -> str:
    try:
        return t(f"col.{column}", lang)
    except KeyError:
        return column


def _finish(fig: Figure, lang: str, synthetic: bool) -> Figure:
    _freeze_axes_style(fig)
    if synthetic:
        synthetic_mark(fig, lang)
    return fig


def synthetic_mark(fig: Figure, lang: str = DEFAULT_LANG) -> Figure:
    """Label ``fig`` as made from synthetic data: a boxed corner label and a faint watermark.

    Both are needed: the corner label is readable, the watermark survives cropping. Space is
    kept free at the bottom so the label never covers an axis label. Calling it twice adds
    nothing.
    """
    check_lang(lang)
    if any(text.get_gid() == MARK_GID for text in fig.texts):
        return fig
    fig.text(
        0.995,
        0.01,
        t("mark.synthetic", lang),
        ha="right",
        va="bottom",
        fontsize=NOTE_SIZE,
        fontweight="bold",
        fontfamily=FONT_FAMILY,
        color="#6B2A00",
        bbox={"boxstyle": "round,pad=0.3", "facecolor": "#FFF1D6", "edgecolor": TARGET_COLOR},
        gid=MARK_GID,
        zorder=20,
    )
    fig.text(
        0.5,
        0.5,
        t("mark.synthetic_watermark", lang),
        ha="center",
        va="center",
        rotation=20,
        fontsize=54,
        fontweight="bold",
        fontfamily=FONT_FAMILY,
        color="#888888",
        alpha=0.13,
        gid=WATERMARK_GID,
        zorder=20,
    )
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        strip = min(0.2, _MARK_STRIP_INCHES / fig.get_figheight())
        engine.set(rect=(0.0, strip, 1.0, 1.0 - strip))
    return fig


def fig_to_png_bytes(fig: Figure, dpi: int = 150, once: bool = False) -> bytes:
    """Render ``fig`` to PNG bytes (for reports, notebooks' Image(), or tests).

    Why not ``savefig``: for a figure with a layout engine (all of ours: constrained layout)
    it walks every artist twice — once with drawing switched off, to lay the figure out, then
    again with the layout switched off, to paint. On an Agg canvas one ``draw`` lays out and
    paints in a single walk (the figure's ``draw`` runs the layout engine before its artists,
    as ``savefig``'s first walk does), and the pixels are encoded as ``savefig`` encodes them
    (``_encode_png``: ``savefig``'s metadata, an opaque image without its alpha channel).
    Only a bare Agg canvas without a window (ours, from ``_new_figure``) takes this path; a
    figure pyplot manages, or any other canvas (inline, Tk, Qt, SVG…), keeps ``savefig``,
    which detaches it from its window while it saves (setting ``fig.dpi`` here would resize
    one).

    Where a figure's PNG is made once, in this one place: ``once`` — the caller shows this
    figure, unchanged, several times (the hearing pack: chart file, brief, slides) — keeps
    the PNG with the figure while it lives; in a batch kernel (``reuse_renderings``) a chart
    built again unchanged from the same inputs is not drawn: its first drawing's PNG comes
    back. Both for the same layout engine, matplotlib settings and dpi.
    """
    inputs = _REUSE.inputs(fig)
    if not (once or inputs):
        return _draw_png(fig, dpi)
    drawing = (_layout(fig), _settings(), float(dpi))  # what else the pixels depend on
    key = None if inputs is None else (inputs, *drawing)
    if key is not None and key in _RENDERED:
        _RENDERED.move_to_end(key)
        return _RENDERED[key]
    kept = _PNGS.setdefault(fig, {}) if once else {}
    if drawing not in kept:
        kept[drawing] = _draw_png(fig, dpi)
    if key is not None:
        _REUSE.drawn(fig)
        _RENDERED[key] = kept[drawing]
        while len(_RENDERED) > RENDERINGS_KEPT:
            _RENDERED.popitem(last=False)
    return kept[drawing]


def _draw_png(fig: Figure, dpi: float) -> bytes:
    """``fig`` drawn and encoded (``fig_to_png_bytes``)."""
    buffer = io.BytesIO()
    canvas = fig.canvas
    if type(canvas) is not FigureCanvasAgg or canvas.manager is not None:
        fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
        return buffer.getvalue()
    shown_dpi, facecolor = fig.dpi, fig.get_facecolor()
    fig.dpi = dpi
    fig.set_facecolor("white")
    try:
        canvas.draw()
        _encode_png(canvas.buffer_rgba(), buffer, dpi)
    finally:
        fig.dpi = shown_dpi
        fig.set_facecolor(facecolor)
    return buffer.getvalue()


# each figure's PNGs asked for ``once``, by layout engine, settings and dpi, while it lives
_PNGS: weakref.WeakKeyDictionary[Figure, dict[tuple[Any, ...], bytes]]
_PNGS = weakref.WeakKeyDictionary()


# --- a chart the same in every report of a batch: built and drawn once per kernel -----------

RENDERINGS_KEPT = 4  # PNGs (~0.1 MB each) and charts kept: one repeats, per language
# the PNGs ``reuse_renderings`` keeps, by the chart's inputs, layout, settings and dpi
_RENDERED: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()


class _Reuse:
    """``reuse_renderings``' switch and what it knows of the charts built while on: what
    each was built from (``built_from``, ``inputs``), and by that, one figure built from it
    that nobody drew nor changed yet (``unused``), handed out again instead of a new one
    (``chart``). The PNGs kept are ``_RENDERED``'s."""

    def __init__(self) -> None:
        self.on = False
        self.built_from: weakref.WeakKeyDictionary[Figure, tuple[Any, ...]] = (
            weakref.WeakKeyDictionary()
        )
        self.unused: OrderedDict[tuple[Any, ...], tuple[Figure, Any]] = OrderedDict()

    def switch(self, on: bool) -> None:
        """On or off, nothing kept: no chart to hand out, no PNG."""
        self.on = bool(on)
        self.unused.clear()
        _RENDERED.clear()

    def chart(self, build: Callable[[], Figure], *inputs: Any) -> Figure:
        """``build()``, a figure drawn from ``inputs`` and matplotlib's settings alone; when
        on, the one built before from the same if nothing drew or changed it since (as a
        new one: never laid out or drawn, ``stale`` False — matplotlib sets it again when
        any artist of the figure changes — and the same layout engine and parameters,
        which do not set it)."""
        if not self.on:
            return build()
        key = (*inputs, _settings())
        if key in self.unused:
            fig, layout = self.unused[key]
            if not fig.stale and _layout(fig) == layout:
                self.unused.move_to_end(key)
                return fig
        fig = build()
        fig.stale = False
        self.built_from[fig] = key
        self.unused[key] = (fig, _layout(fig))
        while len(self.unused) > RENDERINGS_KEPT:
            self.unused.popitem(last=False)
        return fig

    def inputs(self, fig: Figure) -> tuple[Any, ...] | None:
        """What ``fig`` was built from, when on, built by ``chart`` and unchanged since
        (its PNG then depends on these and on its layout engine, the settings and the dpi
        alone); None otherwise (drawn, nothing kept)."""
        return None if not self.on or fig.stale else self.built_from.get(fig)

    def drawn(self, fig: Figure) -> None:
        """``fig`` was drawn (laid out): no longer handed out as a new one."""
        key = self.built_from.get(fig)
        if key in self.unused and self.unused[key][0] is fig:
            del self.unused[key]


_REUSE = _Reuse()


def reuse_renderings(on: bool = True) -> None:
    """Whether a chart built again from the same inputs (``_Reuse.chart``: the reliability
    diagram) under the same matplotlib settings is neither built nor drawn again: the figure
    built before is handed back while nothing drew or changed it, and ``fig_to_png_bytes``
    hands back the PNG the first drawing made for the same layout engine, settings and dpi
    when the figure is unchanged since built. Off unless switched on (a batch kernel does,
    ``batch.kernel.warm``); switching clears what was kept.

    Why: the backtest's reliability diagram is the province's, the same in every report of a
    batch, and each kernel built (~25 ms) and drew (~0.17 s CPU) it again for each of its
    units, 12 a batch (issue 17). The PNG kept is the one the same drawing gave, so every
    pixel is the same; a figure handed out again was never laid out nor drawn, as a new one.
    Off elsewhere because a skipped drawing also skips what drawing does to the figure (the
    layout's positions, ``Text.draw`` calls), and reports handed one figure share it: nothing
    reads or changes them in a report kernel, a test or a caller's own code might.

    What "unchanged" covers: whatever sets the figure's ``stale`` flag (an artist's text,
    limits, visibility, a new artist…), matplotlib's settings and the layout engine with its
    parameters. What it does not: a figure's arrays edited in place, a formatter's attributes,
    this module's constants rebound, a figure drawn by its caller's own ``canvas.draw()`` —
    a notebook that handles a report's chart that way must not run with reuse on (the report
    templates do none of it)."""
    _REUSE.switch(on)


def _settings() -> str:
    """matplotlib's settings as text (all but the backend, which asking for may switch it
    and which a bare Agg canvas does not use): part of what a chart looks like."""
    rc = mpl.rcParams
    return repr([(name, rc[name]) for name in rc if name != "backend"])


def _layout(fig: Figure) -> tuple[str, str] | None:
    """The figure's layout engine and its parameters: part of what it looks like, and an
    engine swapped or tuned does not mark the figure stale."""
    engine = fig.get_layout_engine()
    return None if engine is None else (type(engine).__name__, repr(sorted(engine.get().items())))


PNG_COMPRESS_LEVEL = 3  # zlib's level for the charts' PNGs (lossless at any level)


def _encode_png(rgba: Any, buffer: io.BytesIO, dpi: float) -> None:
    """Agg's RGBA pixels to PNG as ``matplotlib.image.imsave`` writes them (its "Software"
    text, the DPI) with two differences, neither changing a pixel: an opaque image (every
    chart of ours: white background) is written as RGB, its alpha channel (all 255) left
    out, and zlib runs at ``PNG_COMPRESS_LEVEL`` 3 rather than Pillow's default 6.

    Why: encoding was ~13% of a report's CPU (batch13: 3.5 s of a batch's ~27 s of units);
    the three-channel image filters and compresses a quarter less data and level 3 spends
    less on the search, together ~40% less encoding CPU, and the files come out smaller
    (the bundled batch's 57 charts: 6.22 MB as RGBA at level 6, 5.70 MB now). Decoded, the
    pixels are the same (the RGB channels equal, alpha 255: tested)."""
    array = np.asarray(rgba)
    image = PIL.Image.frombuffer(
        "RGBA",
        (array.shape[1], array.shape[0]),
        np.require(array, requirements="C"),
        "raw",
        "RGBA",
        0,
        1,
    )
    if image.getextrema()[3] == (255, 255):
        image = image.convert("RGB")
    info = PIL.PngImagePlugin.PngInfo()
    info.add_text("Software", f"Matplotlib version{mpl.__version__}, https://matplotlib.org/")
    image.save(
        buffer, format="png", dpi=(dpi, dpi), pnginfo=info, compress_level=PNG_COMPRESS_LEVEL
    )


def _draw_target(
    ax: Any, target: float | tuple[int, float] | None, lang: str, value_text: str | None = None
) -> list[Any]:
    """Target as a dotted horizontal line with words, plus a star at (year, value) if dated."""
    if target is None:
        return []
    year, value = target if isinstance(target, tuple) else (None, target)
    shown = value_text if value_text is not None else fmt_number(value, lang, 0)
    label = (
        t("chart.target_label", lang, value=shown, year=year)
        if year is not None
        else t("chart.target_label_noyear", lang, value=shown)
    )
    handles = [ax.axhline(value, color=TARGET_COLOR, linestyle=":", linewidth=2.5, zorder=1)]
    if year is not None:
        handles.append(
            ax.plot(
                [year],
                [value],
                marker="*",
                markersize=22,
                color=TARGET_COLOR,
                linestyle="none",
                markeredgecolor="white",
                zorder=6,
            )[0]
        )
    ax.annotate(
        label,
        xy=(0.01, value),
        xycoords=("axes fraction", "data"),
        xytext=(0, 6),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize=NOTE_SIZE,
        fontweight="bold",
        color=TARGET_COLOR,
    )
    return handles


# --- criteria heatmap ------------------------------------------------------------------------


def _group_spans() -> list[tuple[str, int, int]]:
    """(group, first column index, last column index) over columns ordered 1..19."""
    spans: list[tuple[str, int, int]] = []
    for i, number in enumerate(CRITERIA_NUMBERS):
        group = criterion_group(number)
        if spans and spans[-1][0] == group:
            spans[-1] = (group, spans[-1][1], i)
        else:
            spans.append((group, i, i))
    return spans


def _group_key(lang: str, width: int = 100) -> str:
    """ "Nhóm I: Quy hoạch · Nhóm II: …" — the groups' names, too long to fit above columns.

    Lines break between groups, never inside a group's name.
    """
    parts = [t("group.label", lang, group=g, name=group_name(g, lang)) for g in GROUPS]
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + 3 + len(part) <= width:
            lines[-1] += " · " + part
        else:
            lines.append(part)
    return "\n".join(lines)


def _heatmap_rows(wide: pd.DataFrame, labels: Mapping[str, str] | None) -> pd.DataFrame:
    """Boolean matrix with rows ordered most criteria met first, then by name."""
    if isinstance(wide.index, pd.MultiIndex):
        raise ValueError(
            "criteria_heatmap needs one row per commune: select one year first, "
            "e.g. panel.wide().xs(year, level='year')"
        )
    missing = [c for c in CRITERIA_NUMBERS if c not in wide.columns]
    if missing:
        raise ValueError(f"criteria_heatmap needs boolean columns 1..19; missing {missing}")
    data = wide[list(CRITERIA_NUMBERS)].astype(bool)
    names = [_nfc((labels or {}).get(code, code)) for code in data.index]
    order = pd.DataFrame(
        {"n": data.sum(axis=1).to_numpy(), "key": [fold(n) for n in names], "name": names},
        index=data.index,
    )
    order = order.sort_values(["n", "key"], ascending=[False, True])
    data = data.loc[order.index]
    data.index = pd.Index(order["name"].tolist(), name="commune")
    return data


def criteria_heatmap(
    wide: pd.DataFrame,
    commune_labels: Mapping[str, str] | pd.Series | None = None,
    lang: str = DEFAULT_LANG,
    synthetic: bool = False,
    title: str | None = None,
) -> Figure:
    """Commune × criterion grid (one year): which criteria each commune meets.

    ``wide``: indexed by commune_code, boolean columns 1..19. ``commune_labels`` maps
    commune_code to the name shown (codes are shown where missing). Rows are sorted by criteria
    met, most first, so near-standard communes sit together at the top; columns are grouped by
    the five criteria groups with separators, Roman numerals above and the groups' names under
    the axis. The count of criteria met is written at the end of each row (bold when 19/19).
    """
    check_lang(lang)
    labels = dict(commune_labels.items()) if commune_labels is not None else None
    data = _heatmap_rows(wide, labels)
    n_rows = max(len(data), 1)
    if n_rows <= 8:  # a few rows (a city's 3 communes): rows as tall as they need, no more
        row_h = 0.45
    elif n_rows <= 50:
        row_h = 0.34
    else:
        row_h = max(0.12, 18.0 / n_rows)
    label_size = TICK_SIZE if row_h >= 0.3 else max(6.0, row_h * 40)
    lines = _group_key(lang).count("\n") + 1
    with _themed():
        # rows, plus the title band, the group numerals, the axis with the groups' names
        # (one line each) and the synthetic-data strip
        fig = _new_figure(12.0, n_rows * row_h + 2.9 + 0.25 * lines)
        ax = fig.subplots()
        import seaborn as sns  # see theme_rc

        with _layout_instead_of_seaborn_draw():
            sns.heatmap(
                data.astype(int),
                ax=ax,
                cmap=ListedColormap([NOT_MET_COLOR, MET_COLOR]),
                vmin=0,
                vmax=1,
                cbar=False,
                linewidths=0.6 if n_rows <= 80 else 0.0,
                linecolor="white",
                xticklabels=[str(c) for c in CRITERIA_NUMBERS],
                yticklabels=data.index.tolist(),
            )
        # seaborn turns the names vertical when they fit that way (few rows): never
        ax.tick_params(axis="y", labelsize=label_size, length=0, labelrotation=0)
        ax.tick_params(axis="x", labelsize=TICK_SIZE, length=0, labelrotation=0)
        height_pt = n_rows * row_h * 72
        ax.set_ylabel(
            _wrap(t("axis.commune", lang), max(12, int(height_pt / (LABEL_SIZE * 0.6)))),
            fontsize=LABEL_SIZE,
        )
        ax.set_xlabel(t("axis.criterion", lang) + "\n" + _group_key(lang), fontsize=NOTE_SIZE)
        _heatmap_groups(ax, n_rows)
        _heatmap_counts(ax, data, lang, label_size)
        fig.legend(
            handles=[
                Patch(facecolor=MET_COLOR, edgecolor="#444444", label=t("legend.met", lang)),
                Patch(
                    facecolor=NOT_MET_COLOR, edgecolor="#444444", label=t("legend.not_met", lang)
                ),
            ],
            loc="outside upper right",
            ncols=2,
            fontsize=LEGEND_SIZE,
        )
        # the legend sits in the title's band, at the right: keep the title clear of it
        _set_title(fig, title or t("chart.heatmap.title", lang), reserve=_HEATMAP_LEGEND_INCHES)
        return _finish(fig, lang, synthetic)


@contextmanager
def _layout_instead_of_seaborn_draw() -> Iterator[None]:
    """Inside: seaborn's heatmap runs the figure's layout where it would draw the figure.

    ``sns.heatmap`` draws the whole figure once (``seaborn.matrix._draw_figure``) only to
    see whether tick labels overlap, and then turns them; ``criteria_heatmap`` sets every
    tick label's rotation itself right after, so that draw's pixels and its verdict are
    discarded (~0.15-0.3 s CPU a chart, a district report's most costly chart). What it
    leaves behind that the chart keeps is the constrained layout's first pass: the second
    pass, when the chart is drawn, starts from the axes' position the first one set, and
    constrained layout is not quite idempotent (a width differs in the 4th decimal without
    it). So the layout runs alone in its place: the PNG stays byte-equal (tested). A
    seaborn without that helper is left as it is. The swap lasts the call and is undone on
    any exit; like matplotlib itself, it assumes one thread draws at a time."""
    import seaborn.matrix as matrix

    draw = getattr(matrix, "_draw_figure", None)
    if draw is None:
        yield
        return
    matrix._draw_figure = _run_layout
    try:
        yield
    finally:
        matrix._draw_figure = draw


def _run_layout(fig: Figure) -> None:
    """A figure's layout pass alone: what a draw does to positions, without drawing."""
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)


_HEATMAP_LEGEND_INCHES = 3.0  # "■ Đạt ■ Chưa đạt" / "■ Met ■ Not met" at LEGEND_SIZE


def _heatmap_groups(ax: Any, n_rows: int) -> None:
    """Dark separators between criteria groups and the groups' numerals above the columns.

    The numerals are texts where the tick labels of an axis at the top would be (the axes'
    own top tick-label transform, the theme's tick pad, tick labels' colour; bold, at the
    tick size): they were the labels of a secondary x axis, a second axes that the layout
    measured and the draw walked for five labels (~15–30 ms CPU a chart, issue 17). Same
    place, same pixels (every bundled heatmap compared). Why the tick size: the secondary
    axis' labels were asked for at ``LABEL_SIZE``, but ``_freeze_axes_style`` set every
    axis' tick labels to ``TICK_SIZE``, and that is what the reports have shown."""
    spans = _group_spans()
    for _, first, _last in spans[1:]:
        ax.axvline(first, color="#222222", linewidth=3)
    above, valign, _ = ax.get_xaxis_text2_transform(mpl.rcParams["xtick.major.pad"])
    for group, first, last in spans:
        ax.text(
            (first + last + 1) / 2,
            1.0,
            group,
            transform=above,
            ha="center",
            va=valign,
            fontsize=TICK_SIZE,
            fontweight="bold",
            fontfamily=FONT_FAMILY,
            color=mpl.rcParams["xtick.color"],
            clip_on=False,
        )


def _heatmap_counts(ax: Any, data: pd.DataFrame, lang: str, size: float) -> None:
    """Criteria met per row, right of the grid: the number a reader wants first."""
    counts = data.sum(axis=1).to_numpy()
    n = len(CRITERIA_NUMBERS)
    for row, count in enumerate(counts):
        ax.text(
            n + 0.4,
            row + 0.5,
            f"{count}",
            ha="left",
            va="center",
            fontsize=size,
            fontweight="bold" if count == n else "normal",
            clip_on=False,
        )
    ax.text(
        n + 0.4,
        -0.25,
        t("chart.heatmap.count_header", lang),
        ha="left",
        va="bottom",
        fontsize=NOTE_SIZE,
        fontweight="bold",
        clip_on=False,
    )


# --- trend -----------------------------------------------------------------------------------


def _province_units(summary: pd.DataFrame, units: Sequence[str], lang: str) -> set[str]:
    """The lines that are the province: ``unit_code`` 0 (``metrics.unit_summary``), else a
    label written as the translation table writes a province ("Tỉnh …" / "… province")."""
    if "unit_code" in summary.columns:
        return set(summary.loc[summary["unit_code"] == 0, "unit"])
    pattern = re.escape(t("report.unit.province", lang, name="\x00")).replace("\x00", ".+")
    return {u for u in units if re.fullmatch(pattern, _nfc(str(u)))}


def trend_chart(
    summary: pd.DataFrame,
    value: str = "n_ntm",
    lang: str = DEFAULT_LANG,
    synthetic: bool = False,
    target: float | tuple[int, float] | None = None,
) -> Figure:
    """History of one measure per year, one line per unit (province or districts).

    ``summary``: columns ``unit, year`` and ``value`` (e.g. n_ntm, share_ntm, mean_criteria,
    n_below_5). Colours follow roles, never line order, so they stay put from one report to
    the next: the province is dark grey and dashed, a lone district blue, several districts
    each a colour fixed by the order of their names. Each line also has its own marker, and
    the legend lists units in the order their lines end (highest first) so a reader can
    match them without colour.
    ``target``: a level (horizontal line) or ``(year, level)`` (line and star).
    """
    check_lang(lang)
    _require_columns(summary, ["unit", "year", value], "trend_chart")
    percent = value.startswith("share")
    count = value.startswith("n_")
    last = summary.sort_values("year").groupby("unit", sort=False)[value].last()
    units = last.sort_values(ascending=False).index.tolist()
    province = _province_units(summary, units, lang)
    districts = sorted((u for u in units if u not in province), key=lambda u: fold(str(u)))
    measure = _measure_label(value, lang)
    with _themed():
        fig = _new_figure(*WIDE_FIGSIZE)
        ax = fig.subplots()
        for unit in units:
            rows = summary[summary["unit"] == unit].sort_values("year")
            if unit in province:
                color, style, marker = PROVINCE_COLOR, PROVINCE_STYLE, "s"
            elif len(districts) == 1:
                color, style, marker = DISTRICT_COLOR, "-", "o"
            else:
                i = districts.index(unit)
                color, marker = PALETTE[i % len(PALETTE)], MARKERS[i % len(MARKERS)]
                style = "-" if i < len(PALETTE) else ":"
            ax.plot(
                rows["year"],
                rows[value],
                marker=marker,
                color=color,
                label=_nfc(unit),
                linestyle=style,
            )
        target_text = None
        if target is not None and percent:
            level = target[1] if isinstance(target, tuple) else target
            target_text = fmt_percent(level, lang)
        _draw_target(ax, target, lang, target_text)
        ax.set_xlabel(t("axis.year", lang))
        ax.set_ylabel(_wrap(measure, 32))
        _year_axis(ax.xaxis)
        _number_axis(ax.yaxis, lang, percent=percent, integer=count)
        ax.set_ylim(bottom=0)
        if percent:
            ax.set_ylim(top=max(1.0, ax.get_ylim()[1]) if target is not None else None)
        title = t("chart.trend.title", lang, measure=measure)
        if len(units) > 1:
            _legend_right(ax, title=t("col.unit", lang))
        elif units:  # one line: name the unit in the title instead of a one-entry legend
            title = f"{title} — {_nfc(units[0])}"
        _set_title(fig, title)
        return _finish(fig, lang, synthetic)


# --- fan chart -------------------------------------------------------------------------------


def bridge_history(history: pd.DataFrame, forecast: pd.DataFrame) -> pd.DataFrame:
    """Start the forecast bands at the last observed point, so the fan opens from the data."""
    if history.empty or forecast.empty:
        return forecast
    last_year = history["year"].max()
    if forecast["year"].min() <= last_year:
        return forecast
    value = float(history.loc[history["year"] == last_year, "value"].iloc[-1])
    start = {col: value for col in forecast.columns if col != "year"}
    start["year"] = last_year
    return pd.concat([pd.DataFrame([start]), forecast], ignore_index=True)


def fan_chart(
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    target: tuple[int, float] | None = None,
    lang: str = DEFAULT_LANG,
    synthetic: bool = False,
    title: str | None = None,
    ylabel: str | None = None,
) -> Figure:
    """Observed values, then the expected (mean) forecast inside its 80% and 95% bands.

    ``history``: ``year, value``; ``forecast``: ``year, mean, lo80, hi80, lo95, hi95``;
    ``target``: ``(year, value)`` or None. The last forecast year is annotated with its
    expected value and 80% interval, right of the last year (the axis extends to make room),
    on a white ground so neither the target line nor the star runs through it.
    """
    check_lang(lang)
    _require_columns(history, ["year", "value"], "fan_chart history")
    _require_columns(forecast, ["year", "mean", "lo80", "hi80", "lo95", "hi95"], "fan_chart")
    history = history.sort_values("year")
    bands = bridge_history(history, forecast.sort_values("year"))
    with _themed():
        fig = _new_figure(*WIDE_FIGSIZE)
        ax = fig.subplots()
        ax.fill_between(
            bands["year"],
            bands["lo95"],
            bands["hi95"],
            color=FORECAST_COLOR,
            alpha=0.15,
            linewidth=0,
            label=t("col.interval95", lang),
        )
        ax.fill_between(
            bands["year"],
            bands["lo80"],
            bands["hi80"],
            color=FORECAST_COLOR,
            alpha=0.35,
            linewidth=0,
            label=t("col.interval80", lang),
        )
        ax.plot(
            bands["year"],
            bands["mean"],
            color=FORECAST_COLOR,
            linestyle="--",
            label=t("legend.mean", lang),
        )
        ax.plot(
            history["year"],
            history["value"],
            color=OBSERVED_COLOR,
            marker="o",
            label=t("legend.observed", lang),
        )
        target_handles = _draw_target(ax, target, lang)
        end_label = _annotate_forecast_end(ax, forecast, lang)
        ax.set_xlabel(t("axis.year", lang))
        ax.set_ylabel(_wrap(ylabel or t("col.n_ntm", lang), 32))
        years = sorted({*history["year"].astype(int), *forecast["year"].astype(int)})
        if years:
            step = 1 if len(years) <= 12 else 2
            ax.set_xticks(years[::step])
            ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)
        _year_axis(ax.xaxis, locate=False)
        _number_axis(ax.yaxis, lang, integer=True)
        tops = [bands["hi95"].max(), history["value"].max()]
        if target is not None:
            tops.append(target[1])
        top = float(np.nanmax(tops)) if len(tops) else 1.0
        ax.set_ylim(0, top * 1.06 + 0.3)  # headroom: the end label never touches the frame
        handles, labels = ax.get_legend_handles_labels()
        order = [
            labels.index(t(k, lang))
            for k in ("legend.observed", "legend.mean", "col.interval80", "col.interval95")
        ]
        handles, labels = [handles[i] for i in order], [labels[i] for i in order]
        if target_handles:
            handles.append(
                Line2D(
                    [],
                    [],
                    color=TARGET_COLOR,
                    linestyle=":",
                    marker="*",
                    markersize=16,
                    linewidth=2.5,
                )
            )
            labels.append(t("legend.target", lang))
        _legend_right(ax, handles, labels)
        _set_title(fig, title or t("chart.fan.title", lang))
        _finish(fig, lang, synthetic)
        if end_label is not None and years:
            _make_room_right(fig, ax, end_label, years[-1])
        return fig


def _make_room_right(fig: Figure, ax: Any, label: Any, last: float) -> None:
    """Extend the x axis so ``label`` (placed right of x = ``last``) ends inside the axes.

    Measured after a layout pass, since the label's width depends on its digits and the
    language. With W the axes width and L the room the label needs (both in pixels), the
    right limit xr must satisfy (xr - last) / (xr - x0) >= L / W.
    """
    _run_layout(fig)  # the constrained layout: sizes are final
    renderer = fig.canvas.get_renderer()
    box, axes = label.get_window_extent(renderer), ax.get_window_extent(renderer)
    x0, xr = ax.get_xlim()
    anchor = ax.transData.transform((last, 0))[0]
    needed = box.x1 - anchor + 8  # from the last year to the label's end, with a margin
    share = needed / max(axes.width, 1.0)
    if share < 1.0 and (xr - last) / (xr - x0) < share:
        ax.set_xlim(x0, (last - share * x0) / (1.0 - share))


def _annotate_forecast_end(ax: Any, forecast: pd.DataFrame, lang: str) -> Any:
    if forecast.empty:
        return None
    end = forecast.sort_values("year").iloc[-1]
    text = (
        f"{fmt_number(end['mean'], lang, 1)}\n"
        f"({fmt_number(end['lo80'], lang, 0)}–{fmt_number(end['hi80'], lang, 0)})"
    )
    return ax.annotate(
        text,
        xy=(end["year"], end["mean"]),
        xytext=(18, 0),  # clear of the target star (22 pt wide) drawn at the same year
        textcoords="offset points",
        ha="left",
        va="center",
        fontsize=NOTE_SIZE,
        fontweight="bold",
        color=FORECAST_COLOR,
        bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"},
        zorder=8,
        annotation_clip=False,
    )


# --- district comparison ---------------------------------------------------------------------


def district_comparison(
    table: pd.DataFrame,
    lang: str = DEFAULT_LANG,
    synthetic: bool = False,
    target_col: str | None = None,
    *,
    now_year: int | None = None,
    target_year: int | None = None,
    title: str | None = None,
) -> Figure:
    """One row per district: communes meeting the standard now, and forecast at the target year.

    ``table``: ``district_name, now, expected, lo80, hi80`` (optional ``status`` and the
    ``target_col``). Ring = now, dot with bar = expected (mean) forecast and its 80% interval,
    vermillion bar = the district's target. The ring is hollow and larger than the dot, so
    a forecast equal to today stays visible inside it. Rows are sorted by the forecast,
    largest on top. The numbers ("now → expected (80% range)") and the status in words are
    written in a column at the right: a projector washes out small differences in position.
    """
    check_lang(lang)
    _require_columns(
        table, ["district_name", "now", "expected", "lo80", "hi80"], "district_comparison"
    )
    if target_col is not None:
        _require_columns(table, [target_col], "district_comparison")
    rows = table.sort_values(["expected", "district_name"], ascending=[True, False])
    rows = rows.reset_index(drop=True)
    has_status = "status" in rows.columns
    y = np.arange(len(rows))
    with _themed():
        fig = _new_figure(12.0, max(4.5, 0.6 * len(rows) + 2.8))
        ax, notes = fig.subplots(
            1, 2, sharey=True, gridspec_kw={"width_ratios": [2.0, 1.3] if has_status else [3, 1]}
        )
        ax.hlines(y, rows["lo80"], rows["hi80"], color=FORECAST_COLOR, alpha=0.45, linewidth=9)
        dots = ax.plot(rows["expected"], y, "o", color=FORECAST_COLOR, markersize=9, zorder=4)
        now = ax.plot(
            rows["now"],
            y,
            "o",
            markerfacecolor="none",
            markeredgecolor=OBSERVED_COLOR,
            markeredgewidth=2.5,
            markersize=17,
            zorder=5,
        )
        band = Line2D([], [], color=FORECAST_COLOR, alpha=0.45, linewidth=9)
        handles: list[Any] = [(band, dots[0]), now[0]]
        labels = [
            _district_label("expected", target_year, lang),
            _district_label("now", now_year, lang),
        ]
        if target_col is not None:
            handles += ax.plot(
                rows[target_col],
                y,
                "|",
                color=TARGET_COLOR,
                markersize=26,
                markeredgewidth=4,
                zorder=6,
            )
            labels.append(t("legend.target", lang))
        ax.set_yticks(y, [_nfc(n) for n in rows["district_name"]])
        ax.set_ylim(-0.6, len(rows) - 0.4)
        values = pd.concat([rows["now"], rows["hi80"], rows["expected"]]).astype(float)
        if target_col is not None:
            values = pd.concat([values, rows[target_col].astype(float)])
        top = float(np.nanmax(values)) if len(values) else 1.0
        # start a little below 0, so a ring at 0 is drawn whole rather than cut in half
        ax.set_xlim(-0.04 * max(top, 1.0) - 0.3, max(top, 1.0) * 1.05 + 0.3)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(t("col.n_ntm", lang))
        _number_axis(ax.xaxis, lang, integer=True)
        _district_notes(notes, rows, lang, has_status)
        # sorted with the largest forecasts on top, the lower right is usually empty; "best"
        # checks that against the actual points
        ax.legend(handles, labels, loc="best", frameon=True, framealpha=0.95, edgecolor="#BBBBBB")
        _set_title(fig, title or t("chart.district.title", lang))
        return _finish(fig, lang, synthetic)


def _district_label(which: str, year: int | None, lang: str) -> str:
    if which == "now":
        return t("legend.now_year", lang, year=year) if year else t("legend.now", lang)
    return t("legend.expected_year", lang, year=year) if year else t("legend.expected", lang)


def _district_notes(ax: Any, rows: pd.DataFrame, lang: str, has_status: bool) -> None:
    """A text column: "12 → 18 (15–21)" and the status in words (on its colour) per row."""
    ax.axis("off")
    ax.set_xlim(0, 1)
    status_x = 0.47 if has_status else None
    top = len(rows) - 0.45
    ax.text(
        0.02,
        top,
        t("chart.district.numbers_header", lang),
        ha="left",
        va="bottom",
        fontsize=NOTE_SIZE - 1,
        fontweight="bold",
        color="#444444",
    )
    if status_x is not None:
        ax.text(
            status_x,
            top,
            t("col.status", lang),
            ha="left",
            va="bottom",
            fontsize=NOTE_SIZE - 1,
            fontweight="bold",
            color="#444444",
        )
    for i, row in rows.iterrows():
        text = (
            f"{fmt_number(row['now'], lang, 0)} → {fmt_number(row['expected'], lang, 1)} "
            f"({fmt_number(row['lo80'], lang, 0)}–{fmt_number(row['hi80'], lang, 0)})"
        )
        ax.text(0.02, i, text, ha="left", va="center", fontsize=NOTE_SIZE)
        status = row["status"] if has_status else None
        if status_x is not None and isinstance(status, str) and status in STATUS_COLORS:
            ax.text(
                status_x,
                i,
                status_label(status, lang),
                ha="left",
                va="center",
                fontsize=NOTE_SIZE,
                fontweight="bold",
                color="white",
                bbox={
                    "boxstyle": "round,pad=0.25",
                    "facecolor": status_color(status),
                    "edgecolor": "none",
                },
            )


# --- bottlenecks -----------------------------------------------------------------------------


def bottleneck_chart(
    table: pd.DataFrame,
    lang: str = DEFAULT_LANG,
    synthetic: bool = False,
    title: str | None = None,
    xlabel: str | None = None,
) -> Figure:
    """Which criteria hold back the communes that are nearly there (15–18 criteria met).

    ``table``: ``criterion`` (1–19), ``share`` (0–1, share of near-standard communes missing
    it). Bars are sorted largest first, labelled with the criterion's name in ``lang`` and
    with the percentage written at the end of each bar. ``xlabel`` names the share's base
    when it is not today's near-standard communes (e.g. communes forecast to end at 17–18).
    """
    check_lang(lang)
    _require_columns(table, ["criterion", "share"], "bottleneck_chart")
    rows = table.sort_values(["share", "criterion"], ascending=[True, False])
    rows = rows.reset_index(drop=True)
    names = [criterion_label(int(c), lang) for c in rows["criterion"]]
    y = np.arange(len(rows))
    with _themed():
        fig = _new_figure(12.0, max(4.5, 0.5 * len(rows) + 2.4))
        ax = fig.subplots()
        ax.barh(y, rows["share"], color=MET_COLOR, height=0.7)
        for i, share in enumerate(rows["share"]):
            ax.text(
                share,
                i,
                "  " + fmt_share(share, lang),
                va="center",
                ha="left",
                fontsize=TICK_SIZE,
                fontweight="bold",
            )
        ax.set_yticks(y, names)
        ax.set_ylim(-0.6, len(rows) - 0.4)
        top = float(rows["share"].max()) if len(rows) else 1.0
        ax.set_xlim(0, min(1.0, top * 1.2) if top > 0 else 1.0)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(_wrap(xlabel or t("col.share_missing", lang), 70))
        _number_axis(ax.xaxis, lang, percent=True)
        _set_title(fig, title or t("chart.bottleneck.title", lang))
        return _finish(fig, lang, synthetic)


# --- pace ------------------------------------------------------------------------------------


def pace_chart(
    required: float,
    observed: float,
    lang: str = DEFAULT_LANG,
    synthetic: bool = False,
    title: str | None = None,
) -> Figure:
    """Communes per year needed to reach the target vs. communes per year recently achieved.

    Two labelled bars and one sentence ("the observed pace is 60% of the pace needed"): the
    comparison officials act on. The observed bar is green when it is enough, vermillion when
    not — and the sentence says the same in words.
    """
    check_lang(lang)
    enough = observed >= required
    labels = [t("chart.pace.required", lang), t("chart.pace.observed", lang)]
    values = [max(required, 0.0), observed]
    colors = ["#6E6E6E", STATUS_COLORS["on_track"] if enough else STATUS_COLORS["off_track"]]
    with _themed():
        fig = _new_figure(12.0, 5.0)
        ax = fig.subplots()
        ax.barh([1, 0], values, color=colors, height=0.6)
        for yy, v in zip([1, 0], values, strict=True):
            ax.text(
                v if v > 0 else 0,
                yy,
                "  " + _per_year(v, lang),
                va="center",
                ha="left",
                fontsize=LABEL_SIZE,
                fontweight="bold",
            )
        ax.set_yticks([1, 0], labels)
        ax.set_ylim(-0.6, 1.6)
        top = max([*values, 1.0])
        ax.set_xlim(min(0.0, observed * 1.2), top * 1.35)
        ax.axvline(0, color="#444444", linewidth=1.5)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(t("axis.communes_per_year", lang))
        _number_axis(ax.xaxis, lang)
        ax.set_title(
            _pace_sentence(required, observed, lang),
            loc="left",
            fontsize=LABEL_SIZE,
            fontweight="normal",
        )
        _set_title(fig, title or t("chart.pace.title", lang))
        return _finish(fig, lang, synthetic)


def _per_year(value: float, lang: str) -> str:
    return t("chart.pace.value", lang, value=fmt_number(value, lang, 1))


def _pace_sentence(required: float, observed: float, lang: str) -> str:
    if required <= 0:
        return t("chart.pace.already_met", lang)
    ratio = fmt_number(100.0 * max(observed, 0.0) / required, lang, 0) + "%"
    return t("chart.pace.ratio", lang, ratio=ratio)


# --- reliability diagram (backtest) ----------------------------------------------------------

RELIABILITY_Z80 = 1.2816  # two-sided 80% normal quantile, for the bins' Wilson intervals


def _wilson(share: np.ndarray, n: np.ndarray, z: float = RELIABILITY_Z80) -> np.ndarray:
    """(2, bins) lower and upper Wilson interval of a share observed in ``n`` cases."""
    n = np.maximum(np.asarray(n, float), 1.0)
    centre = (share + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(share * (1 - share) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return np.vstack([centre - half, centre + half])


def reliability_diagram(
    calibration: pd.DataFrame,
    lang: str = DEFAULT_LANG,
    synthetic: bool = False,
    title: str | None = None,
) -> Figure:
    """Forecast probability (average per bin) against the share that met the standard, above
    a strip of how many cases each bin holds.

    ``calibration`` is ``Backtest.calibration``: one row per probability bin with ``bin``
    (its interval, as text), ``n``, ``predicted``, ``observed`` and, when known,
    ``n_effective`` (distinct outcomes). Each
    point's vertical bar is an 80% Wilson interval computed from the distinct outcomes
    (overlapping origins are not independent), so a bin resting on a handful of communes
    shows how little it says. Points on the diagonal are reliable.

    Why the counts sit in their own strip, one per bin under its interval: written beside the
    points they ran into each other, into the diagonal's label and past the axes wherever
    neighbouring bins' points are close (every bundled report, layout14); a bin's slot in
    the strip is its interval, a tenth of the axis, and its count takes two short lines
    (the cases, then the distinct outcomes in brackets), so even a national panel's
    five-digit counts stay inside their slots (tested).
    """
    check_lang(lang)
    _require_columns(calibration, ["bin", "n", "predicted", "observed"], "reliability_diagram")
    rows = calibration[calibration["n"] > 0]
    n = rows["n"].to_numpy(float)
    distinct = rows["n_effective"].to_numpy(float) if "n_effective" in rows else n
    x, y = rows["predicted"].to_numpy(float), rows["observed"].to_numpy(float)
    lo, hi = np.array([bin_bounds(b) for b in rows["bin"]], float).reshape(-1, 2).T
    # the province's diagram, built again by every report of a batch (reuse_renderings)
    return _REUSE.chart(
        lambda: _reliability_figure(x, y, n, distinct, lo, hi, lang, synthetic, title),
        "reliability_diagram",
        lang,
        synthetic,
        title,
        *(a.tobytes() for a in (x, y, n, distinct, lo, hi)),
    )


def _reliability_figure(
    x: np.ndarray,
    y: np.ndarray,
    n: np.ndarray,
    distinct: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    lang: str,
    synthetic: bool,
    title: str | None,
) -> Figure:
    """``reliability_diagram``'s figure, from its bins' predicted and observed shares, cases,
    distinct outcomes and intervals."""
    with _themed():
        fig = _new_figure(*WIDE_FIGSIZE)
        ax, strip = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
        ax.plot(
            [0, 1],
            [0, 1],
            color="#777777",
            linestyle="--",
            linewidth=2,
            zorder=1,
            label=t("chart.reliability.diagonal", lang),
        )
        bars = _wilson(y, distinct)
        ax.vlines(x, bars[0], bars[1], color=FORECAST_COLOR, linewidth=2, alpha=0.6, zorder=2)
        sizes = 40 + 400 * np.sqrt(n / max(n.max(), 1.0))
        ax.scatter(
            x,
            y,
            s=sizes,
            color=FORECAST_COLOR,
            edgecolor="white",
            zorder=3,
            label=t("chart.reliability.points", lang),
        )
        # above the axes, not inside: any corner may hold a bin's point
        ax.legend(
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncol=2,
            frameon=False,
            fontsize=NOTE_SIZE,
            borderaxespad=0.2,
        )
        ax.set_ylim(-0.02, 1.05)
        ax.set_ylabel(_wrap(t("chart.reliability.y", lang), 30))
        _number_axis(ax.yaxis, lang, percent=True)
        ax.tick_params(axis="x", labelbottom=False)

        strip.bar(lo, n, width=hi - lo, align="edge", color=FORECAST_COLOR, alpha=0.25)
        # log heights (1,119 beside 6), the tallest at half the strip: its top half holds the
        # counts, at a fixed height, so no count depends on its bar's height
        strip.set_yscale("log")
        strip.set_ylim(0.7, 0.7 * (max(n.max(), 1.0) / 0.7) ** 2)
        strip.yaxis.set_visible(False)
        strip.grid(False)
        for left, right, ni, di in zip(lo, hi, n, distinct, strict=True):
            label = fmt_number(ni, lang, 0)
            if di < ni:
                label += f"\n({fmt_number(di, lang, 0)})"
            strip.text(
                (left + right) / 2,
                0.95,
                label,
                transform=strip.get_xaxis_transform(),
                ha="center",
                va="top",
                fontsize=NOTE_SIZE - 1,
                linespacing=1.1,
            )
        strip.set_title(
            t("chart.reliability.cases_strip", lang), loc="left", fontsize=NOTE_SIZE, pad=4
        )
        strip.set_xlim(-0.02, 1.02)
        strip.set_xlabel(t("chart.reliability.x", lang))
        _number_axis(strip.xaxis, lang, percent=True)
        _set_title(fig, title or t("chart.reliability.title", lang))
        return _finish(fig, lang, synthetic)
