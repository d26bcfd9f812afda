"""The backtest's reliability diagram (``report.plots``): every bin's number of cases shown
(and its distinct outcomes where fewer), in a strip under the chart, nothing overlapping.
On a small generated panel's backtest and on the bins of the bundled data's backtest, whose
neighbouring points are close (the counts written beside the points ran into each other
there). Moved from tests/unit/model/test_backtest.py (model tests import only model and
below)."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from matplotlib.text import Text

from ntm_analysis import i18n
from ntm_analysis.model.backtest import backtest
from ntm_analysis.report import plots

PLAN = {"n_ntm": {2015: 5.0, 2016: 9.0}}

# the bundled data's backtest bins (session 14): close neighbours at 0.87 / 0.93 and
# 0.37 / 0.45, a bin of 1,119 cases beside bins of 6
BIN_TEXT = ["(-0.001, 0.1]", *(f"({k / 10}, {(k + 1) / 10}]" for k in range(1, 10))]
BUNDLED_BINS = pd.DataFrame(
    {
        "bin": BIN_TEXT,
        "n": [1119, 20, 22, 7, 13, 8, 7, 6, 22, 18],
        "predicted": [0.004, 0.141, 0.253, 0.366, 0.453, 0.568, 0.644, 0.758, 0.868, 0.926],
        "observed": [0.003, 0.25, 0.545, 1.0, 0.923, 0.875, 1.0, 0.833, 1.0, 0.944],
        "n_effective": [580, 16, 20, 7, 12, 8, 6, 6, 16, 14],
    }
)


@pytest.fixture(scope="module")
def result(small_panel):
    return backtest(small_panel, n_draws=200, seed=1, plan=PLAN)


# a national panel's bins: five-digit counts, distinct outcomes in brackets
NATIONAL_BINS = BUNDLED_BINS.assign(
    n=[51190, 9006, 8877, 7650, 6543, 6012, 5890, 5432, 9876, 12345],
    n_effective=[25800, 3006, 3105, 2999, 2500, 2400, 2300, 2200, 4000, 6100],
)


def _count_label(n: float, distinct: float, lang: str) -> str:
    label = i18n.fmt_number(n, lang, 0)
    return label if distinct >= n else f"{label}\n({i18n.fmt_number(distinct, lang, 0)})"


def _drawn_texts(fig, monkeypatch) -> list[Text]:
    """Every text the chart paints (tick labels in view, legend, titles, counts: recorded
    as they are drawn), without the synthetic-data watermark, which crosses the whole chart
    on purpose."""
    drawn: list[Text] = []
    draw = Text.draw

    def recording(text, renderer):
        drawn.append(text)
        return draw(text, renderer)

    monkeypatch.setattr(Text, "draw", recording)
    plots.fig_to_png_bytes(fig, dpi=100)
    monkeypatch.setattr(Text, "draw", draw)
    return [
        text
        for text in drawn
        if text.get_visible() and text.get_text().strip() and text.get_gid() != plots.WATERMARK_GID
    ]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_bin_shows_its_cases_and_distinct_outcomes(result, lang):
    for calibration in (result.calibration, BUNDLED_BINS):
        rows = calibration[calibration["n"] > 0]
        fig = plots.reliability_diagram(calibration, lang, synthetic=True)
        texts = [text.get_text() for text in fig.findobj(Text)]
        distinct = rows["n_effective"] if "n_effective" in rows else rows["n"]
        for n, d in zip(rows["n"], distinct, strict=True):
            assert _count_label(n, d, lang) in texts, (lang, n, d)
        assert fig.get_suptitle() == i18n.t("chart.reliability.title", lang) or "\n" in (
            fig.get_suptitle()
        )
        assert plots.fig_to_png_bytes(fig, dpi=40)[:4] == b"\x89PNG"


@pytest.mark.parametrize("bins", ["bundled", "national"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_text_overlaps_another_or_leaves_the_chart(lang, bins, monkeypatch):
    calibration = BUNDLED_BINS if bins == "bundled" else NATIONAL_BINS
    fig = plots.reliability_diagram(calibration, lang, synthetic=True)
    texts = _drawn_texts(fig, monkeypatch)
    assert len(texts) > 20  # ticks, legend, titles, the ten counts
    canvas = fig.bbox
    boxes = [(text.get_text(), text.get_window_extent()) for text in texts]
    for label, box in boxes:
        assert canvas.x0 <= box.x0 and box.x1 <= canvas.x1, (lang, label)
        assert canvas.y0 <= box.y0 and box.y1 <= canvas.y1, (lang, label)
    overlapping = [
        (a, b)
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
        if box_a.overlaps(box_b)
    ]
    assert not overlapping, (lang, overlapping)


def test_each_count_sits_under_its_bins_interval():
    """By the bin's own interval, also where its average forecast sits on an edge (k
    forecasts of 0.2 average to 0.2 plus a rounding error: the next bin's side) or at 0 or 1."""
    on_edges = BUNDLED_BINS.assign(
        predicted=[0.0, 0.2 + 4e-17, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9 + 1e-16, 1.0]
    )
    for calibration in (BUNDLED_BINS, on_edges):
        fig = plots.reliability_diagram(calibration, "en")
        strip = fig.axes[1]
        centres = sorted(text.get_position()[0] for text in strip.texts)
        assert centres == pytest.approx([0.05 + 0.1 * k for k in range(10)])
        bars = sorted(patch.get_x() for patch in strip.patches)
        assert bars == pytest.approx([0.1 * k for k in range(10)])
