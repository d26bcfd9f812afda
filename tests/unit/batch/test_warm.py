"""What a worker's kernel sets up before its first unit (issue 17): the first chart's one-off
costs are paid while the batch simulates, and leave nothing behind that a unit would see."""

from __future__ import annotations

import sys

import matplotlib as mpl
from probe import probe

from ntm_analysis.batch.kernel import first_chart

_PROBE = """
import json, sys
import {module}
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & {{"seaborn", "statsmodels"}})))
"""


def _heavy_after_import(module: str) -> list[str]:
    return probe(_PROBE.format(module=module))


def test_the_report_and_batch_modules_import_without_seaborn_or_statsmodels():
    # the batch process imports these before it simulates; seaborn comes with the first chart
    for module in ("ntm_analysis.report.sections", "ntm_analysis.batch.run"):
        assert _heavy_after_import(module) == [], module


def test_the_first_chart_setup_leaves_no_setting_and_no_figure():
    before = dict(mpl.rcParams)
    first_chart()
    assert dict(mpl.rcParams) == before
    plt = sys.modules.get("matplotlib.pyplot")
    assert plt is None or plt.get_fignums() == []
    assert "seaborn" in sys.modules  # the theme's styles are loaded: the first chart's cost
