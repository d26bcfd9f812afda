"""The three notebooks: committed clean, thin, and each one runs end to end with papermill.

A broken notebook fails the suite here, not in front of a planner. Each is executed on its
own (computing its forecast in the notebook, as a planner opening it would), at few draws.
"""

from __future__ import annotations

import json
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import pytest

from ntm_analysis import i18n
from ntm_analysis.core import params as batch
from ntm_analysis.io.layout import write_panel
from ntm_analysis.model.synthetic import simulate_panel

NOTEBOOKS = sorted(batch.NOTEBOOK_DIR.glob("*.ipynb"))
MAX_CODE_LINES = 16  # thin cells: the analysis lives in the package, not in notebooks
# not logic: a parameter handed on unchanged ("    seed=seed,"); the parameters cell itself
# (declarations, one per parameter) is not counted either
PASS_THROUGH = re.compile(r"\s*(\w+)=\1,\s*")


def _logic_lines(source: str) -> int:
    return sum(not PASS_THROUGH.fullmatch(line) for line in source.splitlines())


@pytest.fixture(scope="module")
def panel_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("nb") / "panel.csv"
    write_panel(simulate_panel(seed=7, communes_per_district=5), path)
    return str(path)


def test_the_three_notebooks_exist():
    assert {p.name for p in NOTEBOOKS} >= {
        "district_forecast.ipynb",
        "province_overview.ipynb",
        "explore.ipynb",
    }


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_are_committed_clean_and_thin(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["language_info"]["name"] == "python"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "no outputs committed"
            if cell is not tagged[0]:
                assert _logic_lines(cell.source) <= MAX_CODE_LINES, cell.source
    assert any(c.cell_type == "markdown" for c in nb.cells), "narrative in markdown"


@pytest.mark.parametrize("kind", ["district", "province"])
def test_report_notebooks_take_a_units_file_and_look_targets_up(kind):
    """``units_path`` ("" = bundled) and targets left at None (= the targets file's)."""
    declared = batch.notebook_parameters(batch.NOTEBOOKS[kind])
    assert declared["units_path"] == "" and declared["province_target"] is None
    source = "".join(c.source for c in nbformat.read(batch.NOTEBOOKS[kind], as_version=4).cells)
    assert "units_path=units_path" in source


def test_the_province_overview_has_the_straight_line_check_and_the_methods():
    nb = nbformat.read(batch.NOTEBOOKS["province"], as_version=4)
    calls = [c.source.strip() for c in nb.cells if c.cell_type == "code"]
    assert "report.pace(rep)" in calls and "report.methods(rep)" in calls
    assert calls.index("report.pace(rep)") > calls.index("report.forecast(rep)")


def _html(outputs) -> str:
    return "\n".join(o.get("data", {}).get("text/html", "") for o in outputs if "data" in o)


def _execute(path: str, output: str, parameters: dict) -> list:
    """Run one notebook with papermill (in a worker process); return its code-cell outputs."""
    import papermill as pm

    pm.execute_notebook(
        path,
        output,
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        request_save_on_cell_execute=False,
        cwd=str(Path(output).parent),
    )
    executed = nbformat.read(output, as_version=4)
    return [dict(o) for c in executed.cells if c.cell_type == "code" for o in c.outputs]


def _defaults(kind: str) -> dict:
    return {
        name: batch.PARAMETERS[name].default
        for name in batch.notebook_parameters(batch.NOTEBOOKS[kind])
    }


@pytest.fixture(scope="module")
def executed(panel_file, tmp_path_factory):
    """The three notebooks, each run standalone (forecast computed in the notebook), two at a
    time as the batch would; parameters validated against the schema first."""
    tmp = tmp_path_factory.mktemp("executed")
    runs = {
        "district": _defaults("district")
        | {
            "district": "Tràng Định",
            "data_path": panel_file,
            "province_target": 20,
            "draws": 200,
            "backtest_draws": 0,
            "lang": "en",
            "district_target": 2,
            "results_path": str(tmp / "district.json"),
        },
        "province": _defaults("province")
        | {
            "data_path": panel_file,
            "province_target": 20,
            "draws": 200,
            "backtest_draws": 0,
            "results_path": str(tmp / "province.json"),
        },
        "explore": {"data_path": panel_file, "district": "Văn Lãng", "criterion": 10, "lang": "vi"},
    }
    for kind, params in runs.items():
        batch.validate_parameters(params, batch.NOTEBOOKS[kind])
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        futures = {
            kind: pool.submit(
                _execute, str(batch.NOTEBOOKS[kind]), str(tmp / f"{kind}.ipynb"), params
            )
            for kind, params in runs.items()
        }
        outcome = {}
        for kind, future in futures.items():
            try:
                outcome[kind] = future.result()
            except Exception as exc:  # reported by the test of that notebook
                outcome[kind] = exc
    return tmp, outcome


def _outputs(executed, kind: str) -> list:
    outputs = executed[1][kind]
    if isinstance(outputs, Exception):
        pytest.fail(f"{kind} notebook failed: {outputs}")
    errors = [o for o in outputs if o["output_type"] == "error"]
    assert not errors, errors
    return outputs


def _images(outputs):
    return [o for o in outputs if "image/png" in o.get("data", {})]


@pytest.mark.slow
def test_district_forecast_runs(executed):
    outputs = _outputs(executed, "district")
    assert len(_images(outputs)) >= 4  # heatmap, trend, fan, bottlenecks (and pace)
    result = json.loads((executed[0] / "district.json").read_text(encoding="utf-8"))
    assert result["unit_code"] == 180 and result["target"] == 2
    assert result["probability"] is not None and result["target_official"] is False
    html = _html(outputs)  # the English report: unit names in English only
    assert "Tràng Định district" in html and "Huyện" not in html
    assert result["unit_name"] == "Tràng Định district"


@pytest.mark.slow
def test_province_overview_runs(executed):
    outputs = _outputs(executed, "province")
    assert len(_images(outputs)) >= 2  # comparison chart and fan chart
    assert len(_images(outputs)) >= 3  # … and the pace chart
    result = json.loads((executed[0] / "province.json").read_text(encoding="utf-8"))
    assert result["level"] == "province" and len(result["district_table"]) == 11
    html = _html(outputs)
    assert i18n.t("report.section.pace", "vi") in html
    assert i18n.t("report.section.methods", "vi") in html
    assert result["target_source"] == "user" and result["mean_criteria"]["target"] == 13.8


@pytest.mark.slow
def test_explore_runs(executed):
    assert _images(_outputs(executed, "explore")), "the criterion trend chart is shown"
