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


_BATCH_PROCESS_PROBE = """
import json, sys
from pathlib import Path
from types import SimpleNamespace
from ntm_analysis.batch import run
from ntm_analysis.batch.index import write_index
from ntm_analysis.io.reference import read_registry

out = Path(sys.argv[1])
registry = read_registry()
titles = [
    run.unit_title(run.Unit(i, kind, code, ""), registry, lang, 2020)
    for i, kind, code in (("province", "province", None), ("180-x", "district", 180))
    for lang in ("vi", "en")
]
units, sides = [], {}
for uid, kind, status in (("province", "province", "on_track"), ("180-x", "district", "off_track")):
    units.append({"id": uid, "kind": kind, "name": uid, "status": "ok",
                  "outputs": {"results": f"results/{uid}.json"}})
    sides[uid] = {"level": kind, "unit_name": uid, "headline": "h", "synthetic": True,
                  "target": 8.0, "probability": 0.25, "status": status, "expected": 7.5,
                  "interval80": [6.0, 9.0], "interval95": [5.0, 10.0], "now": {"n_ntm": 5},
                  "as_of": 2016, "year": 2020}
    (out / "hearing" / uid).mkdir(parents=True)
    (out / "hearing" / uid / "brief.html").write_text("<p>b</p>", "utf-8")
(out / "results").mkdir()
for uid, side in sides.items():
    (out / "results" / f"{uid}.json").write_text(json.dumps(side), "utf-8")
manifest = {"units": units, "run_id": "r", "synthetic": True, "province": {"name": "Lạng Sơn"},
            "parameters": {"target_year": 2020}, "data_files": {"panel": {"sha256": "0" * 64}}}
page = write_index(out, manifest, "vi").read_text("utf-8")
run._hearing_packs(SimpleNamespace(out=out, run_id="r", chromium=None), [], make=False)
shown = all(t in page for t in ("hearing/180-x/brief.html", "ntm-synthetic", "background:"))
print(json.dumps([titles, shown, "matplotlib" in sys.modules]))
"""


def test_the_batch_process_names_units_and_writes_the_index_without_matplotlib(tmp_path):
    # the batch process needs of the report code only the units' titles, the index's badges,
    # banner and hearing-pack links: these loaded matplotlib (through report.base, plots and
    # hearing, ~0.4 s CPU a batch) although the batch process draws nothing without packs
    titles, shown, matplotlib = probe(_BATCH_PROCESS_PROBE, [str(tmp_path)])
    names = ["Tỉnh Lạng Sơn", "Lạng Sơn province", "Huyện Tràng Định", "Tràng Định district"]
    assert all(name in title for name, title in zip(names, titles, strict=True)), titles
    assert shown, "the index shows the badges, the synthetic banner and the pack's link"
    assert not matplotlib


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
    # jsonschema) were loaded in each worker and never used (numpy is papermill's own)
    assert probe(_WORKER_PROBE) == []


_FORMAT_CHECKERS_PROBE = """
import json, sys
from ntm_analysis.batch import executor
executor.skip_unused_imports((*executor.UNUSED_IMPORTS, *executor.WORKER_UNUSED_IMPORTS))
import nbconvert, papermill, nbformat, jsonschema
checkers = ("uri_template", "isoduration", "arrow", "rfc3986_validator", "rfc3339_validator",
            "webcolors", "fqdn", "jsonpointer", "pyarrow", "numpy")
loaded = [m for m in checkers if sys.modules.get(m)]
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
nbformat.validate(nb)  # a notebook still validates
print(json.dumps([loaded, "requests" in sys.modules]))
"""


def test_a_worker_loads_none_of_jsonschemas_other_format_checkers_nor_pyarrow():
    # jsonschema imports every optional format checker it finds (uri-template's regexes,
    # isoduration with the arrow library, rfc3986-validator's grammar…: ~0.06 s CPU a
    # process), for format checks notebook validation never runs; idna stays (requests).
    # papermill imports pyarrow (and numpy) for its HDFS handler: ~0.08 s CPU a worker
    loaded, requests = probe(_FORMAT_CHECKERS_PROBE)
    assert loaded == [] and requests


def test_the_first_chart_setup_leaves_no_setting_and_no_figure():
    before = dict(mpl.rcParams)
    first_chart()
    assert dict(mpl.rcParams) == before
    plt = sys.modules.get("matplotlib.pyplot")
    assert plt is None or plt.get_fignums() == []
    assert "seaborn" in sys.modules  # the theme's styles are loaded: the first chart's cost
