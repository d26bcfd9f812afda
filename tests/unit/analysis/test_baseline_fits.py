"""The damped-trend baselines fitted once by the batch's parent (``unit_baseline_fits``,
stored with the analysis): a report reads the same numbers it would fit, and its kernel
imports no statsmodels model for them (issue 17; kernels are reused per worker, so ~0.5 s CPU
per batch). Only the batch asks for them: ``ntm forecast --cache`` shows no baselines."""

from __future__ import annotations

import pickle
from dataclasses import replace

import pandas as pd
import pytest
from probe import probe

from ntm_analysis.analysis.analyse import analyse, cached_analysis, read, results_for
from ntm_analysis.analysis.cache import load_analysis
from ntm_analysis.analysis.results import known_at, unit_baseline_fits
from ntm_analysis.analysis.summaries import panel_fingerprint
from ntm_analysis.core.config import RunConfig
from ntm_analysis.model.baselines import baseline_forecasts, damped_trend, fit_key

YEARS = [2017, 2018, 2019, 2020]
SERIES = pd.Series([1.0, 3.0, 4.0, 7.0, 8.0, 11.0], index=range(2011, 2017))


def test_a_fitted_frame_is_used_only_for_its_own_series_and_years():
    sentinel = damped_trend(SERIES, YEARS).assign(mean=123.0)
    fitted = {fit_key(SERIES, YEARS): sentinel}
    used = baseline_forecasts(SERIES, YEARS, upper=200, fitted=fitted)
    assert (used.loc[used["method"] == "damped_trend", "mean"] == 123.0).all()
    other = SERIES.copy()
    other.iloc[-1] = 12.0
    fallback = baseline_forecasts(other, YEARS, upper=200, fitted=fitted)
    fresh = baseline_forecasts(other, YEARS, upper=200)
    pd.testing.assert_frame_equal(fallback, fresh)
    shorter = baseline_forecasts(SERIES, YEARS[:2], upper=200, fitted=fitted)
    assert (shorter["mean"] != 123.0).all()
    # the key reads the series sorted by year: the order it arrives in does not matter
    assert fit_key(SERIES[::-1], YEARS) == fit_key(SERIES, YEARS)


def test_the_fits_see_only_the_years_up_to_the_as_of_year(panel_file):
    """As ``unit_results`` does, ``unit_baseline_fits`` cuts the panel at the forecast's
    as-of year: given the whole file it fits the series the reports look up (the history's),
    not series with later years that no report would find (review8)."""
    run = read(RunConfig(data_path=str(panel_file), draws=20, backtest_draws=0))
    as_of = run.panel.years[-2]
    run = analyse(replace(run.config, as_of=as_of), backtest=False)
    assert run.history.last_year == as_of < run.panel.last_year
    forecast = run.analysis.forecast
    # the cut (``known_at``) copies the whole file's years up to as-of, and returns the
    # history itself: it holds nothing to cut
    cut, history = known_at(run.panel, forecast), run.history
    assert cut.years == history.years and cut is not run.panel
    assert panel_fingerprint(cut) == panel_fingerprint(history)
    assert known_at(history, forecast) is history
    from_file = unit_baseline_fits(forecast, run.panel)
    from_history = unit_baseline_fits(forecast, run.history)
    assert from_file.keys() == from_history.keys() and len(from_file) > 1
    for key, fitted in from_history.items():
        pd.testing.assert_frame_equal(from_file[key], fitted)


def _without_fits(path, tmp_path):
    """A copy of the stored analysis with no fitted baselines (as before this change)."""
    stored = load_analysis(path)
    bare = tmp_path / "bare.pkl"
    bare.write_bytes(pickle.dumps(replace(stored, baseline_fits=None)))
    return bare


def test_stored_fits_give_every_unit_the_numbers_it_would_fit(panel_file, tmp_path, monkeypatch):
    config = RunConfig(data_path=str(panel_file), draws=60, backtest_draws=0)
    run = read(config)
    path, _ = cached_analysis(run, tmp_path, baseline_fits=True)  # the batch's parent
    assert load_analysis(path).baseline_fits
    bare = _without_fits(path, tmp_path)
    units = [None, *run.panel.district_codes]
    expected = {}
    for unit in units:  # fitted in the report, as before the change
        district = "" if unit is None else str(unit)
        without = analyse(replace(config, district=district, forecast_cache=str(bare)))
        expected[unit] = results_for(without).baselines
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    def no_fit(*args, **kwargs):
        raise RuntimeError("a damped trend was fitted in the report")

    monkeypatch.setattr(ETSModel, "fit", no_fit)  # every unit must read its stored fit
    for unit in units:
        district = "" if unit is None else str(unit)
        with_fits = analyse(replace(config, district=district, forecast_cache=str(path)))
        ours = results_for(with_fits).baselines
        assert ours is not None and any(b.method == "damped_trend" for b in ours)
        assert ours == expected[unit], unit


KERNEL = """
import json, sys
from ntm_analysis.report import sections as report
rep = report.prepare(data_path=sys.argv[1], district=sys.argv[2], draws=60, backtest_draws=0,
                     forecast_cache=sys.argv[3], lang="en")
for section in (report.now, report.trend, report.forecast, report.pace, report.methods):
    section(rep)
# seaborn imports the bare package (cheap); its smoothing models are what a fit loads
print(json.dumps("statsmodels.tsa" in sys.modules))
"""


def test_a_report_on_the_batch_analysis_imports_no_smoothing_model(panel_file, tmp_path):
    config = RunConfig(data_path=str(panel_file), draws=60, backtest_draws=0)
    run = read(config)
    path, _ = cached_analysis(run, tmp_path, baseline_fits=True)
    district = str(run.panel.district_codes[0])
    assert probe(KERNEL, [str(panel_file), district, str(path)]) is False
    # the same report on an analysis stored without the fits fits them, and imports it
    assert probe(KERNEL, [str(panel_file), district, str(_without_fits(path, tmp_path))])


def test_a_second_batch_of_the_same_data_reads_the_fits_from_the_fit_cache(
    panel_file, tmp_path, monkeypatch
):
    monkeypatch.setenv("NTM_CACHE_DIR", str(tmp_path / "fit-cache"))
    run = read(RunConfig(data_path=str(panel_file), draws=60, backtest_draws=0))
    first, _ = cached_analysis(run, tmp_path / "out1", baseline_fits=True)
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    def no_fit(*args, **kwargs):
        raise RuntimeError("the damped trends were fitted again")

    monkeypatch.setattr(ETSModel, "fit", no_fit)
    second, reused = cached_analysis(run, tmp_path / "out2", baseline_fits=True)  # new folder
    assert not reused
    ours, theirs = load_analysis(second).baseline_fits, load_analysis(first).baseline_fits
    assert ours is not None and ours.keys() == theirs.keys()
    for key, frame in theirs.items():
        pd.testing.assert_frame_equal(ours[key], frame)
    # with the fit cache off they are fitted (here: the patched fit fails)
    monkeypatch.setenv("NTM_CACHE_DIR", "")
    with pytest.raises(RuntimeError, match="fitted again"):
        cached_analysis(run, tmp_path / "out3", baseline_fits=True)


def test_a_cached_analysis_outside_the_batch_fits_no_baselines(panel_file, tmp_path, monkeypatch):
    # ``ntm forecast --cache``: its headline shows no baselines, so it must not fit them
    monkeypatch.setenv("NTM_CACHE_DIR", "")
    run = read(RunConfig(data_path=str(panel_file), draws=60, backtest_draws=0))
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    def no_fit(*args, **kwargs):
        raise RuntimeError("a damped trend was fitted for a command that shows none")

    monkeypatch.setattr(ETSModel, "fit", no_fit)
    path, reused = cached_analysis(run, tmp_path, backtest=False)
    assert not reused and load_analysis(path).baseline_fits is None
