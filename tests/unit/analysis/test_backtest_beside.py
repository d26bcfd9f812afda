"""The batch computes the backtest in a second process while it simulates the forecast
(issue 17): the analysis it caches is the one a single process computes, number for number."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pandas as pd
import pytest

from ntm_analysis.analysis.cache import analysis_meta, compute_analysis

FRAMES = ("scores", "summary", "calibration", "brier")


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_the_backtest_in_another_process_gives_the_same_analysis(small_panel, tmp_path, method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} on this platform")
    meta = analysis_meta("test", as_of=small_panel.last_year, draws=200, seed=5, backtest_draws=40)
    alone = compute_analysis(small_panel, meta, tmp_path / "alone")
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(1, mp_context=context) as beside:
        parallel = compute_analysis(small_panel, meta, tmp_path / "beside", executor=beside)
    assert alone.backtest is not None and parallel.backtest is not None
    for name in FRAMES:
        pd.testing.assert_frame_equal(
            getattr(alone.backtest, name), getattr(parallel.backtest, name), check_exact=True
        )
    assert alone.backtest.origins == parallel.backtest.origins
    assert alone.backtest_note == parallel.backtest_note
    pd.testing.assert_frame_equal(alone.forecast.yearly(), parallel.forecast.yearly())
    # the backtest was cached where the batch's units look for it, by the other process
    assert list((tmp_path / "beside").glob("backtest-*.pkl"))


def test_a_failing_backtest_process_fails_the_analysis(small_panel, tmp_path):
    """An error in the other process is the analysis's error, not a silent missing backtest."""
    meta = analysis_meta("test", as_of=small_panel.last_year, draws=50, seed=5, backtest_draws=20)

    class Broken:
        def submit(self, *args, **kwargs):
            from concurrent.futures import Future

            future: Future = Future()
            future.set_exception(RuntimeError("backtest process died"))
            return future

    with pytest.raises(RuntimeError, match="backtest process died"):
        compute_analysis(small_panel, meta, tmp_path, executor=Broken())
