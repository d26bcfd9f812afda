"""The backtest kept in the fit cache as well as the run's folder (issue 17): a second run
into another folder does not backtest the same data again; other data, draws or seed do;
with the fit cache off (``NTM_CACHE_DIR=""``) or unwritable, only the run's folder keeps it.
Its refits go through the fit cache: a correction to the last year refits no origin."""

from __future__ import annotations

import pandas as pd
import pytest

from ntm_analysis.analysis import cache
from ntm_analysis.analysis.cache import (
    CACHE_DIR_ENV,
    analysis_meta,
    backtest_paths,
    compute_analysis,
)
from ntm_analysis.core.panel import Panel
from ntm_analysis.model import transitions


@pytest.fixture
def counted(monkeypatch):
    """Stands in for the backtest itself (its numbers are tested elsewhere): counts the runs
    and returns a picklable record of what it was asked."""
    calls: list[tuple[int, int]] = []

    def fake(panel, n_draws, seed, fitter):
        calls.append((n_draws, seed))
        return {"draws": n_draws, "seed": seed, "years": panel.years}

    monkeypatch.setattr(cache, "run_backtest", fake)
    return calls


def _backtest(panel, folder, **settings):
    meta = analysis_meta(
        "data-sha", as_of=panel.last_year, **{"backtest_draws": 40, "seed": 0, **settings}
    )
    return compute_analysis(panel, meta, folder, with_forecast=False).backtest


def test_a_second_run_folder_reads_the_backtest_from_the_fit_cache(
    small_panel, tmp_path, monkeypatch, counted
):
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "fits"))
    meta = analysis_meta("data-sha", as_of=small_panel.last_year, backtest_draws=40)
    folders = [p.parent for p in backtest_paths(meta, tmp_path / "run1")]
    assert folders == [tmp_path / "run1", tmp_path / "fits"]
    first = _backtest(small_panel, tmp_path / "run1")
    again = _backtest(small_panel, tmp_path / "run2")
    assert counted == [(40, 0)]
    assert again == first == {"draws": 40, "seed": 0, "years": small_panel.years}
    assert len(list((tmp_path / "fits").glob("backtest-*.pkl"))) == 1
    _backtest(small_panel, tmp_path / "run3", backtest_draws=41)
    _backtest(small_panel, tmp_path / "run3", seed=1)
    assert counted == [(40, 0), (41, 0), (40, 1)]


def test_without_a_usable_fit_cache_only_the_run_folder_keeps_it(
    small_panel, tmp_path, monkeypatch, counted
):
    monkeypatch.setenv(CACHE_DIR_ENV, "")
    meta = analysis_meta("data-sha", as_of=small_panel.last_year, backtest_draws=40)
    assert [p.parent for p in backtest_paths(meta, tmp_path / "run1")] == [tmp_path / "run1"]
    _backtest(small_panel, tmp_path / "run1")
    _backtest(small_panel, tmp_path / "run1")
    assert len(counted) == 1, "the run's own folder still keeps it"
    _backtest(small_panel, tmp_path / "run2")
    assert len(counted) == 2, "no fit cache: another folder computes it"
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocked / "below"))
    assert _backtest(small_panel, tmp_path / "run3") is not None  # cannot keep it: no error
    assert len(counted) == 3


def test_an_unreadable_kept_backtest_is_computed_again(small_panel, tmp_path, monkeypatch, counted):
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "fits"))
    _backtest(small_panel, tmp_path / "run1")
    for path in (tmp_path / "fits").glob("backtest-*.pkl"):
        path.write_bytes(b"not a pickle")
    assert _backtest(small_panel, tmp_path / "run2") is not None
    assert len(counted) == 2


def _last_year_corrected(panel: Panel) -> Panel:
    status = panel.status.copy()
    last = status.index[(status["year"] == panel.last_year) & ~status["met"]][0]
    status.loc[last, "met"] = True
    return Panel.from_frames(status, panel.communes, province_name=panel.province_name)


def test_a_correction_to_the_last_year_refits_no_origin(small_panel, tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "fits"))
    fits = []
    real = transitions.fit

    def counting(*args, **kwargs):
        fits.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(cache, "fit", counting)
    first = _backtest(small_panel, tmp_path / "run1", backtest_draws=30)
    assert len(fits) == 2 * len(first.origins)  # the trend and no-trend fits at each origin
    corrected = _last_year_corrected(small_panel)
    meta = analysis_meta("corrected", as_of=corrected.last_year, backtest_draws=30, seed=0)
    second = compute_analysis(corrected, meta, tmp_path / "run2", with_forecast=False).backtest
    assert len(fits) == 2 * len(first.origins), "the earlier years were fitted before"
    monkeypatch.setenv(CACHE_DIR_ENV, "")  # the same backtest with every origin refitted
    fresh = compute_analysis(corrected, meta, None, with_forecast=False).backtest
    assert len(fits) == 4 * len(first.origins)
    pd.testing.assert_frame_equal(second.scores, fresh.scores)
    assert not second.scores["observed"].equals(first.scores["observed"])
