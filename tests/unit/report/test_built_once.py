"""In a batch kernel (``plots.reuse_renderings``) the province's reliability diagram, the same
in every report, is built once more at most after its first drawing and then handed back
unbuilt (issue 17): a figure handed out again was never drawn nor changed, and its PNG is the
first drawing's; a changed one, or other settings, is built anew."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.text import Text

from ntm_analysis.report import plots
from tests.unit.report.test_reliability_diagram import BUNDLED_BINS
from tests.unit.report.test_reuse_renderings import DPI, _pixels, reuse  # noqa: F401


def _diagram():
    return plots.reliability_diagram(BUNDLED_BINS, "vi", True)


def test_the_same_chart_is_handed_back_unbuilt_once_one_is_left_undrawn(reuse, monkeypatch):  # noqa: F811
    built = []
    real = plots._new_figure
    monkeypatch.setattr(plots, "_new_figure", lambda *a: built.append(a) or real(*a))
    first = _diagram()
    png = plots.fig_to_png_bytes(first, DPI)  # drawn: laid out, never handed out again
    second = _diagram()
    assert second is not first and plots.fig_to_png_bytes(second, DPI) == png
    for _ in range(4):  # its PNG was the kept one: never drawn, so handed out again
        again = _diagram()
        assert again is second and plots.fig_to_png_bytes(again, DPI) == png
    assert len(built) == 2
    # what a report changes is its own: the next report gets a new, unchanged chart
    second.axes[0].set_ylim(0, 2)
    third = _diagram()
    assert third is not second and plots.fig_to_png_bytes(third, DPI) == png
    third.get_layout_engine().set(w_pad=0.3)  # does not mark the figure stale
    fourth = _diagram()
    assert fourth is not third and fourth.get_layout_engine().get()["w_pad"] != 0.3
    with mpl.rc_context({"lines.dash_capstyle": "round"}):
        assert _diagram() is not fourth
    assert _diagram() is fourth
    plots.reuse_renderings(False)
    fresh = _diagram()
    assert fresh is not _diagram()
    assert np.array_equal(_pixels(plots.fig_to_png_bytes(fresh, DPI)), _pixels(png))


def test_a_chart_handed_out_again_draws_as_a_new_one(reuse, monkeypatch):  # noqa: F811
    """Never laid out: without its layout engine it is drawn where a new figure is."""
    plots.fig_to_png_bytes(_diagram(), DPI)
    kept = _diagram()
    plots.fig_to_png_bytes(kept, DPI)
    assert _diagram() is kept
    kept.set_layout_engine("none")
    plots.reuse_renderings(False)
    new = _diagram()
    new.set_layout_engine("none")
    assert plots.fig_to_png_bytes(kept, DPI) == plots.fig_to_png_bytes(new, DPI)


def test_a_figure_asked_for_once_is_drawn_once(monkeypatch):
    """``once`` (the hearing pack's chart file, brief and slides): drawn at the first call,
    with reuse off; without it, at every call."""
    drawn = []
    draw = Text.draw
    monkeypatch.setattr(Text, "draw", lambda text, r: drawn.append(text) or draw(text, r))
    fig = plots.reliability_diagram(BUNDLED_BINS, "en")
    png = plots.fig_to_png_bytes(fig, DPI, once=True)
    n_drawn = len(drawn)
    assert n_drawn > 20
    assert plots.fig_to_png_bytes(fig, DPI, once=True) == png and len(drawn) == n_drawn
    assert plots.fig_to_png_bytes(fig, DPI + 10, once=True) != png  # another dpi: drawn
    n_drawn = len(drawn)
    plots.fig_to_png_bytes(fig, DPI)
    assert len(drawn) > n_drawn
