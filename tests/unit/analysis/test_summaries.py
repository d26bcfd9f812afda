"""The shared per-panel summaries (issue 17): made once, equal to what each reader computed
before, read only for the panel they were made from, and actually read by a report that
loads the batch's analysis file."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from ntm_analysis.analysis import summaries as summaries_module
from ntm_analysis.analysis.analyse import cached_analysis, read, results_for
from ntm_analysis.analysis.cache import load_analysis
from ntm_analysis.analysis.results import history
from ntm_analysis.analysis.summaries import Summaries, panel_fingerprint, summary
from ntm_analysis.core.config import RunConfig
from ntm_analysis.core.panel import Panel
from ntm_analysis.model.metrics import unit_summary
from ntm_analysis.report import sections as report


@pytest.fixture
def counted(monkeypatch):
    """Every ``unit_summary`` the shared table's readers compute (none when they read it)."""
    calls: list[str] = []

    def counting(panel, by="province", years=None):
        calls.append(by)
        return unit_summary(panel, by, years)

    monkeypatch.setattr(summaries_module, "unit_summary", counting)
    return calls


def _one_cell_changed(panel: Panel) -> Panel:
    status = panel.status.copy()
    first_met = status.index[status["met"]][0]
    status.loc[first_met, "met"] = False
    return Panel.from_frames(status, panel.communes, province_name=panel.province_name)


@pytest.mark.parametrize("by", ["province", "district"])
def test_the_stored_table_is_unit_summary_of_its_panel(small_panel, by):
    stored = Summaries.of(small_panel)
    pd.testing.assert_frame_equal(stored.table(by), unit_summary(small_panel, by))
    copy = stored.table(by)
    copy["n_ntm"] = -1  # a reader adding or changing columns changes nobody else's table
    pd.testing.assert_frame_equal(stored.table(by), unit_summary(small_panel, by))


def test_a_reader_reads_the_table_of_its_panel_and_computes_for_another(small_panel, counted):
    stored = Summaries.of(small_panel)
    counted.clear()
    for unit in (None, *small_panel.district_codes[:2]):
        pd.testing.assert_frame_equal(
            history(small_panel, unit, stored), history(small_panel, unit)
        )
    assert counted == ["province", "district", "district"], "only the calls without it"
    counted.clear()
    other = _one_cell_changed(small_panel)
    assert panel_fingerprint(other) != panel_fingerprint(small_panel)
    mine = summary(other, "province", stored)
    assert counted == ["province"], "another panel's table is never read"
    pd.testing.assert_frame_equal(mine, unit_summary(other, "province"))
    assert not mine.equals(stored.table("province"))
    with pytest.raises(ValueError, match="province"):
        stored.table("commune")


def test_a_report_from_the_batch_analysis_file_computes_no_summary(panel_file, tmp_path, counted):
    config = RunConfig(data_path=str(panel_file), draws=60, backtest_draws=0)
    run = read(config)
    path, _ = cached_analysis(run, tmp_path)  # what the batch's parent does
    stored = load_analysis(path)
    assert stored.summaries is not None
    assert stored.summaries.fingerprint == panel_fingerprint(run.history)
    district = run.panel.district_codes[0]
    counted.clear()
    rep = report.prepare(
        data_path=str(panel_file), district=str(district), draws=60, backtest_draws=0,
        forecast_cache=str(path), lang="en",
    )  # fmt: skip
    for section in (report.now, report.trend, report.forecast, report.pace, report.methods):
        section(rep)
    assert counted == []
    # the same numbers as without the table
    unit_run = read(replace(config, district=str(district)))
    with_table = results_for(replace(unit_run, analysis=stored))
    assert counted == []
    without = results_for(replace(unit_run, analysis=replace(stored, summaries=None)))
    assert counted, "without the table the results compute the unit's history"
    assert with_table.to_dict() == without.to_dict()
