"""The heatmap's group numerals (I–V above the columns) are texts drawn where a secondary x
axis put its tick labels before (issue 17: one axes fewer to lay out and draw): the chart's
pixels are the same as with that axis."""

from __future__ import annotations

import io

import numpy as np
import PIL.Image
import pytest

from ntm_analysis.report import plots
from tests.unit.report.test_plots import BUILDERS


def _with_secondary_axis(ax, n_rows: int) -> None:
    """The numerals as they were drawn up to session 15: a secondary x axis at the top."""
    spans = plots._group_spans()
    for _, first, _last in spans[1:]:
        ax.axvline(first, color="#222222", linewidth=3)
    top = ax.secondary_xaxis("top")
    top.set_xticks([(first + last + 1) / 2 for _, first, last in spans])
    top.set_xticklabels([g for g, _, _ in spans], fontsize=plots.LABEL_SIZE, fontweight="bold")
    top.tick_params(length=0)
    top.spines["top"].set_visible(False)


def _pixels(fig) -> np.ndarray:
    png = plots.fig_to_png_bytes(fig, dpi=100)
    return np.asarray(PIL.Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("synthetic", [True, False])
def test_the_numerals_look_as_the_secondary_axis_drew_them(lang, synthetic, monkeypatch):
    fig = BUILDERS["heatmap"](lang, synthetic)
    assert len(fig.axes) == 1 and not fig.axes[0].child_axes
    numerals = [t.get_text() for t in fig.axes[0].texts if t.get_text() in {"I", "II", "III"}]
    assert numerals == ["I", "II", "III"]
    now = _pixels(fig)
    monkeypatch.setattr(plots, "_heatmap_groups", _with_secondary_axis)
    before = _pixels(BUILDERS["heatmap"](lang, synthetic))
    assert now.shape == before.shape and np.array_equal(now, before)
