"""The fit cache of `ntm forecast` (issue 17): the same data are not fitted twice, other data
never share a fit, and a cache that cannot be used is skipped."""

from __future__ import annotations

import numpy as np
import pytest

from ntm_analysis.analysis.cache import CACHE_DIR_ENV, cached_fit, panel_fingerprint
from ntm_analysis.core.panel import Panel
from ntm_analysis.model import transitions
from ntm_analysis.model.forecast import run_forecast


@pytest.fixture
def counted_fits(monkeypatch):
    """Count the real fits made through ``cached_fit``."""
    calls = []
    real = transitions.fit

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("ntm_analysis.analysis.cache.fit", counting)
    return calls


def _changed_one_cell(panel: Panel) -> Panel:
    status = panel.status.copy()
    status.loc[status.index[-1], "met"] = not status["met"].iloc[-1]
    return Panel.from_frames(status, panel.communes, province_name=panel.province_name)


def test_a_second_forecast_of_the_same_data_reads_the_fit(
    small_panel, tmp_path, monkeypatch, counted_fits
):
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path))
    first = run_forecast(small_panel, 2020, n_draws=200, seed=3, fitter=cached_fit)
    second = run_forecast(small_panel, 2020, n_draws=200, seed=3, fitter=cached_fit)
    assert len(counted_fits) == 1
    assert len(list(tmp_path.glob("fit-*.pkl"))) == 1
    np.testing.assert_array_equal(first.ntm, second.ntm)
    fresh = run_forecast(small_panel, 2020, n_draws=200, seed=3)
    np.testing.assert_array_equal(first.ntm, fresh.ntm)


def test_other_data_or_options_are_fitted_again(small_panel, tmp_path, monkeypatch, counted_fits):
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path))
    changed = _changed_one_cell(small_panel)
    assert panel_fingerprint(changed) != panel_fingerprint(small_panel)
    cached_fit(small_panel)
    cached_fit(changed)
    cached_fit(small_panel, trend=False)
    assert len(counted_fits) == 3
    cached_fit(changed)
    assert len(counted_fits) == 3


def test_an_unusable_cache_is_skipped(small_panel, tmp_path, monkeypatch, counted_fits):
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path))
    cached_fit(small_panel)
    for path in tmp_path.glob("fit-*.pkl"):
        path.write_bytes(b"not a pickle")
    assert cached_fit(small_panel) is not None
    assert len(counted_fits) == 2
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocked / "below-a-file"))
    cached_fit(small_panel)  # cannot write: fitted, no error
    monkeypatch.setenv(CACHE_DIR_ENV, "")
    cached_fit(small_panel)  # off
    assert len(counted_fits) == 4
