"""The criteria heatmap without seaborn's throw-away render (issue 17): seaborn's heatmap
renders the whole figure once only to decide tick-label rotation, which the chart then sets
itself; the chart now lays the figure out without rasterising it. Same pixels, fewer
renders."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from PIL import Image

from ntm_analysis.report import plots


def _wide(n_rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    met = rng.random((n_rows, 19)) < rng.random((n_rows, 1))
    codes = pd.Index([f"{i:03d}" for i in range(n_rows)], name="commune_code")
    return pd.DataFrame(met, index=codes, columns=range(1, 20))


def _labels(n_rows: int) -> dict[str, str]:
    return {f"{i:03d}": f"Xã Đồng Bành {i}" for i in range(n_rows)}


def _pixels(fig: Figure) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(plots.fig_to_png_bytes(fig, dpi=60))))


@pytest.fixture
def seaborn_render(monkeypatch):
    """``Figure.draw_without_rendering`` made a full Agg render, as seaborn's own
    ``_draw_figure`` does (``canvas.draw()``): the chart as it was drawn before."""
    monkeypatch.setattr(Figure, "draw_without_rendering", lambda self: self.canvas.draw())


@pytest.mark.parametrize(("n_rows", "lang"), [(3, "vi"), (10, "en"), (24, "vi")])
def test_the_heatmap_has_the_pixels_of_the_full_render(n_rows, lang, request):
    wide, labels = _wide(n_rows, n_rows), _labels(n_rows)
    ours = _pixels(plots.criteria_heatmap(wide, labels, lang, synthetic=True))
    request.getfixturevalue("seaborn_render")
    theirs = _pixels(plots.criteria_heatmap(wide, labels, lang, synthetic=True))
    assert ours.shape == theirs.shape
    assert np.array_equal(ours, theirs)


def _renders_while_building(monkeypatch) -> list[str]:
    """Glyphs rasterised while the chart is built (before any savefig)."""
    drawn: list[str] = []
    original = RendererAgg.draw_text

    def counting(self, gc, x, y, s, *args, **kwargs):
        drawn.append(s)
        return original(self, gc, x, y, s, *args, **kwargs)

    monkeypatch.setattr(RendererAgg, "draw_text", counting)
    plots.criteria_heatmap(_wide(10, 1), _labels(10), "vi", synthetic=False)
    return drawn


def test_building_the_heatmap_renders_no_text(monkeypatch):
    assert _renders_while_building(monkeypatch) == []


def test_the_render_counter_sees_seaborns_full_render(monkeypatch, seaborn_render):
    # the counter above can fail: with seaborn's full render it counts the labels drawn
    assert len(_renders_while_building(monkeypatch)) > 10
