"""The backtest's reliability diagram (``report.plots``) on a small generated panel's backtest:
every bin labelled with its number of cases. Moved from tests/unit/model/test_backtest.py
(model tests import only model and below)."""

from __future__ import annotations

import pytest
from matplotlib.text import Text

from ntm_analysis import i18n
from ntm_analysis.model.backtest import backtest
from ntm_analysis.report import plots

PLAN = {"n_ntm": {2015: 5.0, 2016: 9.0}}


@pytest.fixture(scope="module")
def result(small_panel):
    return backtest(small_panel, n_draws=200, seed=1, plan=PLAN)


def test_reliability_diagram_labels_every_bin_with_its_cases(result):
    rows = result.calibration[result.calibration["n"] > 0]
    for lang in ("vi", "en"):
        fig = plots.reliability_diagram(result.calibration, lang, synthetic=True)
        texts = [a.get_text() for a in fig.findobj(Text)]
        for n in rows["n"]:
            label = i18n.t("chart.reliability.cases", lang, n=i18n.fmt_number(n, lang, 0))
            assert any(text.startswith(label) for text in texts), (lang, label)
        assert fig.get_suptitle() == i18n.t("chart.reliability.title", lang) or "\n" in (
            fig.get_suptitle()
        )
        assert plots.fig_to_png_bytes(fig, dpi=40)[:4] == b"\x89PNG"
