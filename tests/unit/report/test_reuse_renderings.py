"""A chart built again from the same inputs, unchanged, is rendered once per process when a
batch kernel asks for it (``plots.reuse_renderings``, issue 17): the PNG handed back is the
one drawing it gives; anything that could make it look different draws it again."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.text import Text

from ntm_analysis.report import plots
from tests.unit.report.test_reliability_diagram import BUNDLED_BINS

DPI = 40


@pytest.fixture
def reuse():
    plots.reuse_renderings()
    yield
    plots.reuse_renderings(False)


def _pixels(png: bytes) -> np.ndarray:
    import io

    import PIL.Image

    return np.asarray(PIL.Image.open(io.BytesIO(png)).convert("RGB"))


def _drawn(fig, monkeypatch, dpi: int = DPI) -> tuple[bytes, int]:
    """The figure's PNG at ``dpi`` and how many texts its rendering drew."""
    drawn = []
    draw = Text.draw

    def recording(text, renderer):
        drawn.append(text)
        return draw(text, renderer)

    monkeypatch.setattr(Text, "draw", recording)
    png = plots.fig_to_png_bytes(fig, dpi=dpi)
    monkeypatch.setattr(Text, "draw", draw)
    return png, len(drawn)


def test_off_by_default_every_figure_is_drawn(monkeypatch):
    assert not plots._REUSE.on
    first, n_first = _drawn(plots.reliability_diagram(BUNDLED_BINS, "en"), monkeypatch)
    again, n_again = _drawn(plots.reliability_diagram(BUNDLED_BINS, "en"), monkeypatch)
    assert n_first > 20 and n_again == n_first and again == first


def test_the_same_chart_again_is_not_drawn_and_its_png_is_the_drawn_one(reuse, monkeypatch):
    png, n_drawn = _drawn(plots.reliability_diagram(BUNDLED_BINS, "vi", True), monkeypatch)
    assert n_drawn > 20
    again, n_again = _drawn(plots.reliability_diagram(BUNDLED_BINS, "vi", True), monkeypatch)
    assert n_again == 0 and again == png
    plots.reuse_renderings(False)  # drawn anew: the same pixels
    fresh = plots.fig_to_png_bytes(plots.reliability_diagram(BUNDLED_BINS, "vi", True), DPI)
    assert np.array_equal(_pixels(fresh), _pixels(png))


@pytest.mark.parametrize(
    "other",
    [
        lambda: plots.reliability_diagram(BUNDLED_BINS, "en", True),  # language
        lambda: plots.reliability_diagram(BUNDLED_BINS, "vi", False),  # synthetic mark
        lambda: plots.reliability_diagram(BUNDLED_BINS, "vi", True, title="Other"),
        lambda: plots.reliability_diagram(
            BUNDLED_BINS.assign(n_effective=BUNDLED_BINS["n"]), "vi", True
        ),
        lambda: plots.reliability_diagram(
            BUNDLED_BINS.assign(observed=BUNDLED_BINS["observed"] * 0.99), "vi", True
        ),
    ],
)
def test_other_inputs_are_drawn(reuse, monkeypatch, other):
    _drawn(plots.reliability_diagram(BUNDLED_BINS, "vi", True), monkeypatch)
    _, n_drawn = _drawn(other(), monkeypatch)
    assert n_drawn > 20


def test_a_figure_changed_after_it_was_built_is_drawn(reuse, monkeypatch):
    png, _ = _drawn(plots.reliability_diagram(BUNDLED_BINS, "en"), monkeypatch)
    fig = plots.reliability_diagram(BUNDLED_BINS, "en")
    fig.axes[1].texts[0].set_text("changed")
    changed, n_drawn = _drawn(fig, monkeypatch)
    assert n_drawn > 20 and changed != png
    fig = plots.reliability_diagram(BUNDLED_BINS, "en")
    fig.axes[0].set_ylim(0, 2)
    assert _drawn(fig, monkeypatch)[1] > 20


@pytest.mark.parametrize(
    "change",
    [
        lambda fig: fig.set_layout_engine("none"),
        lambda fig: fig.get_layout_engine().set(w_pad=0.3),
    ],
)
def test_a_layout_engine_swapped_or_tuned_is_drawn(reuse, monkeypatch, change):
    """Neither sets the figure's ``stale`` flag: the engine is part of the key."""
    png, _ = _drawn(plots.reliability_diagram(BUNDLED_BINS, "en"), monkeypatch)
    fig = plots.reliability_diagram(BUNDLED_BINS, "en")
    change(fig)
    changed, n_drawn = _drawn(fig, monkeypatch)
    assert n_drawn > 20 and not np.array_equal(_pixels(changed), _pixels(png))


def test_other_settings_or_dpi_are_drawn(reuse, monkeypatch):
    first, _ = _drawn(plots.reliability_diagram(BUNDLED_BINS, "en"), monkeypatch)
    png, n_drawn = _drawn(plots.reliability_diagram(BUNDLED_BINS, "en"), monkeypatch, DPI + 10)
    assert n_drawn > 20 and _pixels(png).shape != _pixels(first).shape
    with mpl.rc_context({"lines.dash_capstyle": "round"}):
        assert _drawn(plots.reliability_diagram(BUNDLED_BINS, "en"), monkeypatch)[1] > 20
    fig = plots.reliability_diagram(BUNDLED_BINS, "en")
    with mpl.rc_context({"lines.dash_capstyle": "round"}):  # built as before, drawn under other
        assert _drawn(fig, monkeypatch)[1] > 20


def test_what_is_kept_is_bounded_and_switching_clears_it(reuse):
    for k in range(plots.RENDERINGS_KEPT + 3):
        plots.fig_to_png_bytes(plots.reliability_diagram(BUNDLED_BINS, "en", title=str(k)), DPI)
    assert len(plots._RENDERED) == plots.RENDERINGS_KEPT
    plots.reuse_renderings()
    assert not plots._RENDERED
