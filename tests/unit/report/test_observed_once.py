"""A report reads its observed summaries once (``Report._observed``, issue 17): every read
gives the table a fresh read gives, as a copy of its own (a caller may change it)."""

from __future__ import annotations

import pandas as pd

from ntm_analysis.analysis.results import history
from ntm_analysis.analysis.summaries import summary
from ntm_analysis.report.base import level_summary, unit_history
from tests.unit.report.test_report import cache, district, panel_file  # noqa: F401


def test_reads_give_the_tables_a_fresh_read_gives_each_its_own(district):  # noqa: F811
    rep = district
    first = unit_history(rep)
    pd.testing.assert_frame_equal(first, history(rep.panel, rep.unit, rep.summaries))
    first.loc[:, "n_ntm"] = -1  # the caller's copy
    pd.testing.assert_frame_equal(unit_history(rep), history(rep.panel, rep.unit, rep.summaries))
    for by in ("province", "district"):
        table = level_summary(rep, by)
        pd.testing.assert_frame_equal(table, summary(rep.panel, by, rep.summaries))
        table.loc[:, "year"] = 0
        pd.testing.assert_frame_equal(level_summary(rep, by), summary(rep.panel, by))


def test_a_report_reads_each_summary_once(district, monkeypatch):  # noqa: F811
    from dataclasses import replace

    from ntm_analysis.report import base

    reads: list[str] = []
    real_history, real_summary = base.history, base.summary
    monkeypatch.setattr(base, "history", lambda *a: reads.append("unit") or real_history(*a))
    monkeypatch.setattr(base, "summary", lambda *a: reads.append(a[1]) or real_summary(*a))
    rep = replace(district)  # a report of its own: nothing read yet
    for _ in range(3):
        unit_history(rep), level_summary(rep, "province"), level_summary(rep, "district")
    assert sorted(reads) == ["district", "province", "unit"]
