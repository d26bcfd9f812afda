"""Every chart renders, in Vietnamese and English, with every letter drawn and the right marks.

A missing glyph does not raise: matplotlib warns "Glyph … missing from font(s)" and draws an
empty box, which on a projector turns "Tràng Định" into "Tr□ng Đ□nh". These tests therefore
render each chart to PNG and fail on any such warning (or a font-not-found log line).
"""

from __future__ import annotations

import io
import logging
import unicodedata
import warnings
from collections.abc import Callable

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from ntm_analysis.i18n import LANGS, status_label, t
from ntm_analysis.report import plots
from ntm_analysis.report.criteria import criterion_label

NAMES = ["Hoàng Đồng", "Tân Liên", "Quảng Lạc", "Mai Pha", "Hợp Thành", "Yên Trạch"]


# --- inputs ---------------------------------------------------------------------------------


def wide_table() -> pd.DataFrame:
    codes = [f"0{i}" for i in range(len(NAMES))]
    met_counts = [19, 17, 15, 10, 4, 12]
    rows = [[c <= n for c in range(1, 20)] for n in met_counts]
    return pd.DataFrame(rows, index=pd.Index(codes, name="commune_code"), columns=range(1, 20))


def commune_labels() -> dict[str, str]:
    # one label in NFD, as a keyboard may produce it: the chart must still draw it
    labels = {f"0{i}": name for i, name in enumerate(NAMES)}
    labels["05"] = unicodedata.normalize("NFD", labels["05"])
    return labels


def summary_table() -> pd.DataFrame:
    rows = []
    for j, unit in enumerate(["Tràng Định", "Bình Gia", "Văn Lãng"]):
        for k, year in enumerate(range(2011, 2017)):
            rows.append(
                {
                    "unit": unit,
                    "year": year,
                    "n_ntm": k + j,
                    "mean_criteria": 6.5 + k / 2,
                    "n_below_5": 8 - k,
                    "share_ntm": (k + j) / 40,
                }
            )
    return pd.DataFrame(rows)


def history_table() -> pd.DataFrame:
    return pd.DataFrame({"year": range(2011, 2017), "value": [2, 5, 9, 14, 20, 27]})


def forecast_table() -> pd.DataFrame:
    years = np.arange(2017, 2021)
    step = years - 2016
    median = 27 + 7 * step
    return pd.DataFrame(
        {
            "year": years,
            "mean": median + 0.4,
            "median": median,
            "lo80": median - 3 * step,
            "hi80": median + 3 * step,
            "lo95": median - 5 * step,
            "hi95": median + 5 * step,
        }
    )


def district_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "district_name": ["Tràng Định", "Bình Gia", "Văn Lãng", "Lộc Bình"],
            "now": [3, 1, 6, 2],
            "expected": [8.0, 3.5, 12.0, 5.0],
            "lo80": [5, 2, 9, 3],
            "hi80": [11, 6, 15, 8],
            "target": [10, 5, 11, 6],
            "status": ["needs_acceleration", "off_track", "on_track", "regressing"],
        }
    )


def bottleneck_table() -> pd.DataFrame:
    return pd.DataFrame({"criterion": [10, 11, 17, 13], "share": [0.8, 0.55, 0.3, 0.0]})


BUILDERS: dict[str, Callable[[str, bool], Figure]] = {
    "heatmap": lambda lang, syn: plots.criteria_heatmap(wide_table(), commune_labels(), lang, syn),
    "trend": lambda lang, syn: plots.trend_chart(
        summary_table(), "n_ntm", lang, syn, target=(2020, 10)
    ),
    "trend_share": lambda lang, syn: plots.trend_chart(
        summary_table(), "share_ntm", lang, syn, target=0.5
    ),
    "trend_one_unit": lambda lang, syn: plots.trend_chart(
        summary_table().query("unit == 'Bình Gia'"), "mean_criteria", lang, syn
    ),
    "fan": lambda lang, syn: plots.fan_chart(
        history_table(), forecast_table(), (2020, 60), lang, syn
    ),
    "district": lambda lang, syn: plots.district_comparison(
        district_table(), lang, syn, target_col="target", now_year=2016, target_year=2020
    ),
    "bottleneck": lambda lang, syn: plots.bottleneck_chart(bottleneck_table(), lang, syn),
    "pace": lambda lang, syn: plots.pace_chart(12.4, 7.5, lang, syn),
}

TITLE_KEYS = {
    "heatmap": "chart.heatmap.title",
    "fan": "chart.fan.title",
    "district": "chart.district.title",
    "bottleneck": "chart.bottleneck.title",
    "pace": "chart.pace.title",
}


# --- helpers --------------------------------------------------------------------------------


def render(fig: Figure, caplog: pytest.LogCaptureFixture) -> tuple[bytes, list[str]]:
    """PNG bytes and every font problem reported while drawing."""
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        png = plots.fig_to_png_bytes(fig, dpi=60)
    problems = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    problems += [r.getMessage() for r in caplog.records if "findfont" in r.getMessage()]
    return png, problems


def texts(fig: Figure) -> list[str]:
    return [a.get_text() for a in fig.findobj(Text) if a.get_text()]


def flat(text: str) -> str:
    return " ".join(text.split())


# --- every chart ----------------------------------------------------------------------------


@pytest.mark.parametrize("synthetic", [True, False])
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(BUILDERS))
def test_chart_renders_every_glyph(name, lang, synthetic, caplog):
    fig = BUILDERS[name](lang, synthetic)
    assert isinstance(fig, Figure)
    png, problems = render(fig, caplog)
    assert png.startswith(b"\x89PNG")
    assert problems == []
    drawn = texts(fig)
    assert all(unicodedata.normalize("NFC", s) == s for s in drawn)
    fonts = {a.get_fontname() for a in fig.findobj(Text) if a.get_text()}
    assert fonts == {"DejaVu Sans"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(BUILDERS))
def test_synthetic_mark_present_only_when_synthetic(name, lang, caplog):
    mark = t("mark.synthetic", lang)
    marked = BUILDERS[name](lang, True)
    render(marked, caplog)
    assert mark in [text.get_text() for text in marked.texts]
    assert t("mark.synthetic_watermark", lang) in texts(marked)
    plain = BUILDERS[name](lang, False)
    render(plain, caplog)
    assert not any("mô phỏng" in s or "ynthetic" in s.lower() for s in texts(plain))


@pytest.mark.parametrize("name", list(TITLE_KEYS))
def test_vietnamese_title(name):
    fig = BUILDERS[name]("vi", False)
    assert flat(fig.get_suptitle()) == t(TITLE_KEYS[name], "vi")


def test_trend_title_names_the_measure_and_a_single_unit():
    fig = BUILDERS["trend"]("vi", False)
    assert flat(fig.get_suptitle()) == "Số xã đạt chuẩn NTM qua các năm"
    one = BUILDERS["trend_one_unit"]("vi", False)
    assert flat(one.get_suptitle()) == "Số tiêu chí đạt bình quân/xã qua các năm — Bình Gia"


def test_custom_title_is_used():
    fig = plots.criteria_heatmap(wide_table(), commune_labels(), "vi", False, title="Huyện Bắc Sơn")
    assert fig.get_suptitle() == "Huyện Bắc Sơn"


def test_synthetic_mark_is_added_once(caplog):
    fig = BUILDERS["pace"]("vi", True)
    plots.synthetic_mark(fig, "vi")
    render(fig, caplog)
    assert [s.get_text() for s in fig.texts].count(t("mark.synthetic", "vi")) == 1


# --- the glyph check itself works -----------------------------------------------------------


def test_glyph_check_catches_a_missing_glyph(caplog):
    """Negative control: the check does fire when no font has the letter.

    (Matplotlib falls back to DejaVu Sans for letters a named font lacks, so a monospace font
    would draw mixed fonts rather than boxes; a CJK letter is missing from every bundled font.)
    """
    fig = Figure()
    fig.text(0.1, 0.5, "Tiêu chí 漢")
    _, problems = render(fig, caplog)
    assert problems and all("missing from font" in p for p in problems)


def test_charts_ignore_a_hostile_global_font(caplog):
    """A notebook may set a monospace font globally; our charts must still use DejaVu Sans,
    including tick labels that matplotlib only creates at draw time."""
    with mpl.rc_context({"font.family": "monospace", "font.monospace": ["DejaVu Sans Mono"]}):
        fig = BUILDERS["heatmap"]("vi", True)
        _, problems = render(fig, caplog)
        fonts = {a.get_fontname() for a in fig.findobj(Text) if a.get_text()}
    assert problems == []
    assert fonts == {"DejaVu Sans"}


# --- chart content --------------------------------------------------------------------------


def test_heatmap_orders_rows_by_criteria_met_and_labels_groups(caplog):
    fig = BUILDERS["heatmap"]("vi", False)
    render(fig, caplog)
    ax = fig.axes[0]
    rows = [label.get_text() for label in ax.get_yticklabels()]
    assert rows == ["Hoàng Đồng", "Tân Liên", "Quảng Lạc", "Yên Trạch", "Mai Pha", "Hợp Thành"]
    drawn = texts(fig)
    assert {"I", "II", "III", "IV", "V"} <= set(drawn)
    assert {"Đạt", "Chưa đạt"} <= set(drawn)
    assert "19" in drawn and "4" in drawn  # criteria met written per row
    assert any("Nhóm II: Hạ tầng kinh tế - xã hội" in s for s in drawn)


def test_heatmap_english_legend(caplog):
    fig = BUILDERS["heatmap"]("en", False)
    render(fig, caplog)
    assert {"Met", "Not met"} <= set(texts(fig))


def test_heatmap_rejects_a_multi_year_table():
    multi = pd.concat({2016: wide_table(), 2017: wide_table()}, names=["year"]).swaplevel()
    with pytest.raises(ValueError, match="one year"):
        plots.criteria_heatmap(multi, None, "vi", False)
    with pytest.raises(ValueError, match="missing"):
        plots.criteria_heatmap(wide_table().drop(columns=[7]), None, "vi", False)


def test_heatmap_handles_a_whole_province(caplog):
    rng = np.random.default_rng(0)
    big = pd.DataFrame(
        rng.uniform(size=(220, 19)) < 0.6,
        columns=range(1, 20),
        index=pd.Index([f"{i:05d}" for i in range(220)], name="commune_code"),
    )
    fig = plots.criteria_heatmap(big, None, "vi", True)
    _, problems = render(fig, caplog)
    assert problems == []
    assert fig.get_figheight() < 30


def test_years_are_not_formatted_as_thousands(caplog):
    fig = BUILDERS["trend"]("vi", False)
    render(fig, caplog)
    ticks = [label.get_text() for label in fig.axes[0].get_xticklabels()]
    assert "2016" in ticks and not any("." in s or "," in s for s in ticks)


def test_axis_numbers_follow_the_language():
    vi = BUILDERS["trend_one_unit"]("vi", False).axes[0].yaxis.get_major_formatter()
    en = BUILDERS["trend_one_unit"]("en", False).axes[0].yaxis.get_major_formatter()
    assert (vi(8.5, 0), en(8.5, 0)) == ("8,5", "8.5")
    assert (vi(1500, 0), en(1500, 0)) == ("1.500", "1,500")
    share = BUILDERS["trend_share"]("vi", False).axes[0].yaxis.get_major_formatter()
    assert share(0.125, 0) == "12,5%"


def test_trend_requires_its_columns():
    with pytest.raises(ValueError, match="unit"):
        plots.trend_chart(summary_table().drop(columns="unit"), "n_ntm", "vi", False)


def test_fan_chart_labels_bands_target_and_end_value(caplog):
    fig = BUILDERS["fan"]("vi", False)
    render(fig, caplog)
    drawn = texts(fig)
    for key in (
        "legend.observed",
        "legend.mean",
        "col.interval80",
        "col.interval95",
        "legend.target",
    ):
        assert t(key, "vi") in drawn
    assert "Mục tiêu: 60 (2020)" in drawn
    assert "55,4\n(43–67)" in drawn  # the expected value (mean), as everywhere else


def test_fan_bands_open_from_the_last_observation():
    bridged = plots.bridge_history(history_table(), forecast_table())
    assert bridged["year"].iloc[0] == 2016 and bridged["lo95"].iloc[0] == 27


def test_district_comparison_sorted_with_words_for_status(caplog):
    fig = BUILDERS["district"]("vi", False)
    render(fig, caplog)
    ax = fig.axes[0]
    rows = [label.get_text() for label in ax.get_yticklabels()]
    assert rows == ["Bình Gia", "Lộc Bình", "Tràng Định", "Văn Lãng"]  # bottom to top
    drawn = texts(fig)
    for status in district_table()["status"]:
        assert status_label(status, "vi") in drawn
    assert "6 → 12,0 (9–15)" in drawn
    assert "Năm 2020 (dự báo trung bình, khoảng 80%)" in drawn and "Năm 2016 (thực tế)" in drawn


def test_district_comparison_without_status_or_target(caplog):
    table = district_table().drop(columns=["status", "target"])
    fig = plots.district_comparison(table, "en", True)
    _, problems = render(fig, caplog)
    assert problems == [] and "Now (observed)" in texts(fig)


def test_bottleneck_bars_use_criterion_names(caplog):
    for lang in LANGS:
        fig = BUILDERS["bottleneck"](lang, False)
        render(fig, caplog)
        labels = [label.get_text() for label in fig.axes[0].get_yticklabels()]
        assert labels[-1] == criterion_label(10, lang)  # largest share on top
        assert "  80%" in texts(fig) and "  0%" in texts(fig)


def test_pace_chart_values_in_each_language(caplog):
    vi = BUILDERS["pace"]("vi", False)
    render(vi, caplog)
    assert {"  12,4 xã/năm", "  7,5 xã/năm"} <= set(texts(vi))
    assert "Tốc độ thực tế bằng 60% tốc độ cần thiết." in texts(vi)
    en = BUILDERS["pace"]("en", False)
    render(en, caplog)
    assert "  7.5 communes/year" in texts(en)


def test_pace_chart_when_target_already_met(caplog):
    fig = plots.pace_chart(0.0, 3.0, "vi", False)
    render(fig, caplog)
    assert t("chart.pace.already_met", "vi") in texts(fig)


def test_status_colours_come_with_words():
    handles = plots.status_legend_handles("vi")
    assert [h.get_label() for h in handles] == [
        "Đúng tiến độ",
        "Cần đẩy nhanh",
        "Không đạt tiến độ",
        "Đang giảm sút",
    ]
    assert len(set(plots.STATUS_COLORS.values())) == 4


def test_apply_theme_uses_a_font_with_vietnamese_letters():
    with mpl.rc_context():
        plots.apply_theme()
        assert mpl.rcParams["font.family"] == ["DejaVu Sans"]
        assert "Mono" not in " ".join(mpl.rcParams["font.sans-serif"])
        assert mpl.rcParams["lines.linewidth"] >= 2.5
        assert mpl.rcParams["axes.labelsize"] >= 14


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError, match="lang"):
        plots.pace_chart(1, 2, "fr", False)


def test_figures_stay_out_of_pyplot():
    """Built without pyplot: no GUI backend needed and nothing to close in a batch run."""
    fig = BUILDERS["fan"]("vi", False)
    assert fig.canvas.manager is None


# --- layout: nothing overlaps or is cut off -------------------------------------------------


def _suptitle(fig):
    """The figure's title as drawn (matplotlib keeps it among the figure's texts)."""
    return next(text for text in fig.texts if text.get_text() == fig.get_suptitle())


def _box(artist, fig):
    return artist.get_window_extent(fig.canvas.get_renderer())


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _end_label(fig):
    return next(a for a in fig.axes[0].texts if "\n(" in a.get_text())


@pytest.mark.parametrize("lang", LANGS)
def test_fan_end_label_clear_of_the_target_star_and_legend(lang, caplog):
    """The end label ("55,4 (43–67)") was overprinted by the target star and, for a small
    unit, ran into the legend."""
    forecast = forecast_table()
    target_value = float(forecast["mean"].iloc[-1]) - 1  # the star right at the label
    fig = plots.fan_chart(history_table(), forecast, (2020, target_value), lang, True)
    render(fig, caplog)
    label = _box(_end_label(fig), fig)
    star = next(
        line for line in fig.axes[0].lines if line.get_marker() == "*" and len(line.get_xdata())
    )
    assert not _overlap(label, _box(star, fig))
    assert not _overlap(label, _box(fig.axes[0].get_legend(), fig))
    assert label.x1 <= _box(fig.axes[0], fig).x1  # inside the axes, not clipped by the frame
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()][-1] == "2020"  # no "2021"


def test_fan_end_label_of_a_small_unit_stays_inside(caplog):
    """Three communes, all met: the label sits at the top of the axes and beside the legend."""
    history = pd.DataFrame({"year": range(2011, 2017), "value": [0, 0, 2, 3, 3, 3]})
    forecast = pd.DataFrame(
        {
            "year": range(2017, 2021),
            "mean": [2.9] * 4,
            "lo80": [2, 2, 2, 3],
            "hi80": [3] * 4,
            "lo95": [2] * 4,
            "hi95": [3] * 4,
        }
    )
    fig = plots.fan_chart(history, forecast, None, "vi", True)
    render(fig, caplog)
    label, axes = _box(_end_label(fig), fig), _box(fig.axes[0], fig)
    assert not _overlap(label, _box(fig.axes[0].get_legend(), fig))
    assert axes.x0 <= label.x0 and label.x1 <= axes.x1 and label.y1 <= axes.y1


def test_district_comparison_shows_a_zero_whole_and_the_dot_inside_the_ring(caplog):
    table = district_table()
    table.loc[0, ["now", "expected", "lo80", "hi80"]] = [0, 0.0, 0, 0]
    fig = plots.district_comparison(table, "vi", False)
    render(fig, caplog)
    ax = fig.axes[0]
    assert ax.get_xlim()[0] < 0  # a ring at 0 is drawn whole, not cut in half
    ring = next(line for line in ax.lines if line.get_markerfacecolor() == "none")
    dot = next(line for line in ax.lines if line.get_marker() == "o" and line is not ring)
    assert ring.get_markersize() > dot.get_markersize()  # the forecast shows inside the ring


@pytest.mark.parametrize("lang", LANGS)
def test_heatmap_with_three_rows_keeps_names_horizontal_and_title_clear(lang, caplog):
    wide = wide_table().iloc[:3]
    long_title = t("report.heatmap.title", lang, unit="Thành phố Lạng Sơn", year=2016)
    fig = plots.criteria_heatmap(wide, commune_labels(), lang, True, title=long_title)
    render(fig, caplog)
    ax = fig.axes[0]
    assert all(label.get_rotation() == 0 for label in ax.get_yticklabels())
    assert fig.get_figheight() < 5.5  # rows are not stretched to fill a fixed height
    title = _box(_suptitle(fig), fig)
    assert not _overlap(title, _box(fig.legends[0], fig))
    assert title.x1 <= fig.bbox.x1


@pytest.mark.parametrize("lang", LANGS)
def test_long_titles_stay_on_the_figure(lang, caplog):
    title = t("report.bottleneck.chart_title", lang, year=2020, unit="Thành phố Lạng Sơn") * 2
    fig = plots.bottleneck_chart(bottleneck_table(), lang, True, title=title)
    render(fig, caplog)
    assert "\n" in fig.get_suptitle()
    assert _box(_suptitle(fig), fig).x1 <= fig.bbox.x1


# --- one colour per role ----------------------------------------------------------------------


def _line_colours(fig: Figure) -> dict[str, str]:
    ax = fig.axes[0]
    return {line.get_label(): mpl.colors.to_hex(line.get_color()) for line in ax.get_lines()}


@pytest.mark.parametrize("district_higher", [True, False])
def test_the_province_and_the_district_keep_their_colours_whichever_ends_higher(
    district_higher,
):
    """Colours follow roles, not the order the lines end in: a slide deck of district
    reports never paints the province blue in one and orange in the next."""
    years = [2014, 2015, 2016]
    district = [5.0, 7.0, 12.0 if district_higher else 4.0]
    lines = pd.concat(
        [
            pd.DataFrame(
                {
                    "unit": "Huyện Tràng Định",
                    "unit_code": 180,
                    "year": years,
                    "mean_criteria": district,
                }
            ),
            pd.DataFrame(
                {
                    "unit": "Tỉnh Lạng Sơn",
                    "unit_code": 0,
                    "year": years,
                    "mean_criteria": [6.0, 7.5, 8.5],
                }
            ),
        ]
    )
    for frame in (lines, lines.drop(columns="unit_code")):  # by code, else by the label
        colours = _line_colours(plots.trend_chart(frame, "mean_criteria", "vi"))
        assert colours["Tỉnh Lạng Sơn"] == plots.PROVINCE_COLOR.lower()
        assert colours["Huyện Tràng Định"] == plots.DISTRICT_COLOR.lower()


def test_many_districts_keep_a_colour_fixed_by_name():
    summary = summary_table()
    first = _line_colours(plots.trend_chart(summary, "n_ntm", "en"))
    flipped = summary.assign(n_ntm=summary["n_ntm"].max() - summary["n_ntm"])
    assert _line_colours(plots.trend_chart(flipped, "n_ntm", "en")) == first


# --- rendering to PNG -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["heatmap", "fan", "district"])
def test_a_png_walks_the_figure_once_and_equals_savefigs(name):
    """``fig_to_png_bytes`` lays out and paints in one walk over the artists (``savefig``
    takes two for a constrained-layout figure: fails on the old ``savefig`` call), and its
    pixels equal ``savefig``'s from the same figure built again (the PNG holds them as RGB,
    the alpha channel of an opaque chart left out, with savefig's metadata and DPI); the
    figure's own dpi and colour are left as they were (a notebook shows it again at its own
    size)."""
    fig, twin = BUILDERS[name]("vi", True), BUILDERS[name]("vi", True)
    walks: list[object] = []
    fig.canvas.mpl_connect("draw_event", walks.append)
    dpi, face = fig.dpi, fig.get_facecolor()
    png = plots.fig_to_png_bytes(fig, dpi=72)
    assert len(walks) == 1
    assert (fig.dpi, fig.get_facecolor()) == (dpi, face)
    buffer = io.BytesIO()
    twin.savefig(buffer, format="png", dpi=72, facecolor="white")
    ours, theirs = Image.open(io.BytesIO(png)), Image.open(buffer)
    assert (ours.mode, theirs.mode) == ("RGB", "RGBA")
    assert ours.text == theirs.text and ours.info["dpi"] == theirs.info["dpi"]
    assert np.array_equal(np.asarray(ours.convert("RGBA")), np.asarray(theirs))


@pytest.mark.parametrize("name", ["heatmap", "fan"])
def test_building_a_chart_draws_nothing_and_its_layout_pass_equals_the_draw(name, monkeypatch):
    """Building the heatmap (seaborn drew the figure once to test its tick labels' overlap)
    and the fan chart (``_make_room_right`` measured after a draw without rendering) draws
    no figure now: the layout runs alone (fails on a build that draws). And the chart's
    PNG is byte-equal to the one built with a whole draw in that layout pass's place, as
    before (what the layout pass leaves — the axes' positions — is what the draw left)."""
    draws: list[Figure] = []
    real_draw = Figure.draw

    def counted(self, renderer):
        draws.append(self)
        return real_draw(self, renderer)

    monkeypatch.setattr(Figure, "draw", counted)
    fast = BUILDERS[name]("vi", True)
    assert draws == []
    monkeypatch.setattr(plots, "_run_layout", lambda fig: fig.draw_without_rendering())
    drawn = BUILDERS[name]("vi", True)
    assert len(draws) == 1  # the old way: one draw while building
    png = plots.fig_to_png_bytes(fast, dpi=72)
    assert png == plots.fig_to_png_bytes(drawn, dpi=72)


@pytest.mark.parametrize("alpha", [255, 128])
def test_png_encoding_keeps_every_pixel(alpha):
    """``_encode_png`` writes an opaque image as RGB and any other as RGBA; decoded, the
    pixels equal what it was given, with savefig's metadata and DPI."""
    rng = np.random.default_rng(3)
    rgba = rng.integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    rgba[5, 7, 3] = alpha
    buffer = io.BytesIO()
    plots._encode_png(rgba, buffer, 72)
    image = Image.open(io.BytesIO(buffer.getvalue()))
    assert image.mode == ("RGB" if alpha == 255 else "RGBA")
    assert image.text["Software"].startswith("Matplotlib version")
    assert image.info["dpi"] == pytest.approx((72, 72), abs=0.01)  # pixels a metre, rounded
    assert np.array_equal(np.asarray(image.convert("RGBA")), rgba)


def test_a_figure_pyplot_manages_or_on_another_canvas_is_saved_by_savefig(monkeypatch):
    """A planner's pyplot figure (it has a window manager, even on the Agg backend) and a
    figure on any canvas but a bare Agg one are saved by ``savefig``, which detaches the
    figure from its window while it saves; the one-walk path would set ``fig.dpi`` on the
    figure shown (resizing its window) and paint into its canvas."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    saved = []
    real_savefig = Figure.savefig

    def recorded(self, *args, **kwargs):
        saved.append(self)
        return real_savefig(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", recorded)
    fig, ax = plt.subplots(layout="constrained")
    try:
        ax.plot([2015, 2016], [1, 2])
        canvas, size = fig.canvas, tuple(fig.get_size_inches())
        png = plots.fig_to_png_bytes(fig, dpi=40)
        assert png[:4] == b"\x89PNG" and fig.canvas is canvas
        assert saved == [fig] and tuple(fig.get_size_inches()) == size
    finally:
        plt.close(fig)
    other = Figure(layout="constrained")
    other.add_subplot().plot([1, 2])
    FigureCanvasSVG(other)
    assert plots.fig_to_png_bytes(other, dpi=40)[:4] == b"\x89PNG" and saved == [fig, other]
