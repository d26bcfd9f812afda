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


_WORKER_PROBE = """
import json, sys
from ntm_analysis.batch import executor
executor.skip_unused_imports()
import nbconvert, papermill
loaded = [m for m in ("pandas", "rfc3987_syntax", "lark") if sys.modules.get(m)]
print(json.dumps(loaded))
"""


def test_a_worker_loads_neither_pandas_nor_the_iri_grammars():
    # a worker runs papermill and nbconvert only: pandas (0.5 s, through the task records'
    # parameter schema) and rfc3987-syntax's lark grammars (1.35 s, through nbformat's
    # jsonschema) were loaded in each worker and never used (numpy is papermill's own: its
    # file handlers import pyarrow)
    assert probe(_WORKER_PROBE) == []


def test_the_first_chart_setup_leaves_no_setting_and_no_figure():
    before = dict(mpl.rcParams)
    first_chart()
    assert dict(mpl.rcParams) == before
    plt = sys.modules.get("matplotlib.pyplot")
    assert plt is None or plt.get_fignums() == []
    assert "seaborn" in sys.modules  # the theme's styles are loaded: the first chart's cost
