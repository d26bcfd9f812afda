"""The report batch: validation before any kernel, one shared simulation, outputs, resume,
failure isolation, and the ntm batch / ntm run commands.

The batch runs use a small synthetic panel (5 communes per district), 200 draws and two
districts so the whole file stays well under a minute on two cores.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ntm_analysis import __version__, cli
from ntm_analysis.analysis import cache as analysis_cache
from ntm_analysis.batch import executor
from ntm_analysis.batch import run as batch
from ntm_analysis.batch.run import run_batch
from ntm_analysis.core import params as schema
from ntm_analysis.core.params import ParameterError, validate_parameters
from ntm_analysis.io.reference import read_registry
from ntm_analysis.report import export
from ntm_analysis.report.pdf import find_chromium

DISTRICTS = ["Tràng Định", "182"]  # one by name, one by GSO code
IDS = {"province", "180-trang-dinh", "182-van-lang"}
RUN = {
    "draws": 200,
    "seed": 1,
    "province_target": 20,
    "backtest_draws": 50,
    "workers": 2,
    "progress": False,
}
# strings of code cells that must never reach an HTML report
CODE_STRINGS = [
    "report.prepare(",
    "report.headline(rep)",
    "forecast_cache=forecast_cache",
    "saved = report.save_results",
]


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, panel_file, cache_dir):
    out = tmp_path_factory.mktemp("reports")
    result = run_batch(out, data=panel_file, districts=DISTRICTS, cache_dir=cache_dir, **RUN)
    return out, result


def _district_params(panel_file, **changes):
    params = {
        name: spec.default
        for name, spec in schema.PARAMETERS.items()
        if name in schema.notebook_parameters(schema.NOTEBOOKS["district"])
    }
    params.update(data_path=str(panel_file), province_target=20)
    return params | changes


# --------------------------------------------------------------------------- a successful run


@pytest.mark.slow
def test_the_batch_writes_every_output(first_run):
    out, result = first_run
    assert result.exit_code == 0, result.failed
    assert set(result.ok) == IDS and not result.failed and not result.skipped
    for unit in IDS:
        assert (out / f"{unit}.html").is_file()
        assert (out / "notebooks" / f"{unit}.ipynb").is_file()
        assert (out / "results" / f"{unit}.json").is_file()
        # a PDF wherever Chromium is installed (make installs it; its pages: test_browser.py)
        assert (out / "pdf" / f"{unit}.pdf").is_file() == result.pdf
    assert result.pdf == (find_chromium() is not None)
    assert (out / "index.html").is_file() and (out / "manifest.json").is_file()
    assert not (out / ".staging").exists(), "temporary files are cleaned up"
    assert not list(out.rglob("*.tmp"))


@pytest.mark.slow
def test_html_reports_have_no_code_and_load_nothing_from_outside(first_run):
    out, result = first_run
    sha = hashlib.sha256(
        Path(
            json.loads((out / "manifest.json").read_text())["data_files"]["panel"]["path"]
        ).read_bytes()
    ).hexdigest()
    for unit in IDS:
        text = (out / f"{unit}.html").read_text(encoding="utf-8")
        assert 'class="jp-InputArea' not in text and 'class="jp-InputPrompt' not in text
        for code in CODE_STRINGS:
            assert code not in text, (unit, code)
        assert "Tham số · Parameters" not in text, "notebook-only narrative is left out"
        assert export.external_references(text) == []
        assert not re.search(r"""(?:src|href)\s*=\s*["']?https?://""", text, re.IGNORECASE)
        assert "data:image/png;base64," in text, "charts are embedded"
        assert "Dữ liệu mô phỏng" in text, "synthetic data is labelled"
        footer = text[text.index('class="ntm-footer"') :]
        assert result.run_id in footer and sha[:12] in footer and __version__ in footer
    district_html = (out / "180-trang-dinh.html").read_text(encoding="utf-8")
    assert "<title>Huyện Tràng Định" in district_html, "titled with the unit"


@pytest.mark.slow
def test_district_figures_are_slices_of_the_province_simulation(first_run):
    out, _ = first_run
    results = {u: json.loads((out / "results" / f"{u}.json").read_text()) for u in IDS}
    province = results["province"]
    assert province["probability"] is not None and province["status"] is not None
    table = pd.DataFrame(province["district_table"]).set_index("district_code")
    for unit, code in (("180-trang-dinh", 180), ("182-van-lang", 182)):
        side = results[unit]
        assert side["unit_code"] == code
        assert side["expected"] == pytest.approx(table.loc[code, "expected"])
        # no district target was supplied: no probability, no status, no split of the 20
        assert side["target"] is None and side["probability"] is None
        assert side["status"] is None
    assert table["expected"].sum() == pytest.approx(province["expected"])


@pytest.mark.slow
def test_the_manifest_records_the_run(first_run, panel_file):
    out, result = first_run
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["run_id"] == result.run_id
    assert manifest["package"]["version"] == __version__
    assert "git" in manifest
    for name in ("pandas", "numpy", "statsmodels", "papermill", "matplotlib", "seaborn"):
        assert manifest["versions"][name], name
    digest = hashlib.sha256(Path(panel_file).read_bytes()).hexdigest()
    assert manifest["data_files"]["panel"]["sha256"] == digest
    assert manifest["data_files"]["units"]["sha256"]
    assert manifest["parameters"]["draws"] == 200 and manifest["parameters"]["seed"] == 1
    assert {u["id"] for u in manifest["units"]} == IDS
    for unit in manifest["units"]:
        assert unit["status"] == "ok" and unit["run_id"] == result.run_id
        assert unit["fingerprint"] and unit["parameters"]["lang"] == "vi"
    assert manifest["cache"]["reused"] is False


@pytest.mark.slow
def test_the_index_links_everything(first_run):
    out, _ = first_run
    index = (out / "index.html").read_text(encoding="utf-8")
    province = json.loads((out / "results" / "province.json").read_text())
    assert province["headline"].replace("<", "&lt;") in index
    for unit in IDS:
        for link in (f"{unit}.html", f"notebooks/{unit}.ipynb", f"results/{unit}.json"):
            assert f'href="{link}"' in index
        assert (f'href="pdf/{unit}.pdf"' in index) == (out / "pdf" / f"{unit}.pdf").is_file()
    assert "Huyện Tràng Định" in index and "Huyện Văn Lãng" in index
    assert export.external_references(index) == []


@pytest.mark.slow
def test_resume_skips_up_to_date_units_and_reruns_a_missing_one(
    first_run, panel_file, cache_dir, tmp_path
):
    out = tmp_path / "reports"
    shutil.copytree(first_run[0], out)
    first_id = first_run[1].run_id
    args = {"data": panel_file, "districts": DISTRICTS, "cache_dir": cache_dir, **RUN}
    assert run_batch(out, resume=True, dry_run=True, **args).planned == []
    stale = run_batch(out, resume=True, dry_run=True, **(args | {"draws": 201}))
    assert set(stale.planned) == IDS, "other parameters make every unit stale"

    (out / "182-van-lang.html").unlink()
    result = run_batch(out, resume=True, **args)
    assert result.exit_code == 0, result.failed
    assert result.ok == ["182-van-lang"] and set(result.skipped) == IDS - {"182-van-lang"}
    assert (out / "182-van-lang.html").is_file()
    units = {u["id"]: u for u in json.loads((out / "manifest.json").read_text())["units"]}
    assert units["182-van-lang"]["run_id"] == result.run_id
    assert units["province"]["run_id"] == first_id  # produced by the first run, kept
    assert "Huyện Tràng Định" in (out / "index.html").read_text(encoding="utf-8")


def test_ntm_run_plans_one_unit(panel_file, tmp_path, capsys, no_kernels):
    common = ["--out", str(tmp_path), "--data", str(panel_file), "--target", "20", "--dry-run"]
    assert cli.main(["run", "--district", "Văn Lãng", *common]) == 0
    assert json.loads(capsys.readouterr().out) == {"run": ["182-van-lang"], "up_to_date": []}
    assert cli.main(["run", *common]) == 0
    assert json.loads(capsys.readouterr().out)["run"] == ["province"]


# --------------------------------------------------------------------------- validation


@pytest.fixture
def no_kernels(monkeypatch):
    """Fail the test if anything would simulate or start a notebook."""

    def forbidden(*args, **kwargs):
        raise AssertionError("a kernel or the simulation started before validation finished")

    monkeypatch.setattr(executor, "run_local", forbidden)
    monkeypatch.setattr(executor, "run_dask", forbidden)
    monkeypatch.setattr(executor, "run_unit", forbidden)
    monkeypatch.setattr(executor, "start_workers", forbidden)
    monkeypatch.setattr(analysis_cache, "ensure_analysis", forbidden)


def test_unknown_and_missing_parameter_names_are_fatal(panel_file):
    params = _district_params(panel_file)
    validate_parameters(params, "district")
    with pytest.raises(ParameterError, match="drwas"):
        validate_parameters(params | {"drwas": 100}, "district")
    del params["seed"]
    with pytest.raises(ParameterError, match=r"missing parameter \['seed'\]"):
        validate_parameters(params, "district")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("draws", "200", "whole number"),
        ("draws", True, "whole number"),
        ("draws", 2.5, "whole number"),
        ("draws", 0, "at least 1"),
        ("lang", "fr", "one of"),
        ("province_target", "77", "a number"),
        ("province_target", 500, "more than the 55 communes"),
        ("results_path", None, "must not be None"),
        ("district", "Trang Dihn", "did you mean Tràng Định"),
        ("as_of", 2030, "not a year of the data"),
        ("target_year", 2016, "must be after"),
        ("scenario", {"criterion_odds": {"25": 2}}, "criterion must be 1–19"),
        ("scenario", {"nam": "x"}, "unknown scenario key 'nam'"),
        ("scenario", {"priority_communes": ["X99999"]}, "unknown priority commune"),
        ("scenario", {"criterion_odds": {"10": -1}}, "must be positive"),
        ("scenario", {"criterion_odds": {"10": 1.5}, "name": ""}, "non-empty string"),
        ("units_path", "/nonexistent/units.csv", "not found"),
        ("scenario", {"priority_communes": ("X18001",)}, "tuple"),
        ("draws", np.int64(200), r"numpy value.*int\(\.\.\.\)"),
        ("province_target", np.float64(20.0), r"numpy value.*float\(\.\.\.\)"),
        ("scenario", {"criterion_odds": {"10": np.float64(1.5)}}, "numpy value"),
        ("as_of", pd.NA, "pandas value"),
        ("seed", float("nan"), "finite"),
    ],
)
def test_bad_values_are_refused(panel_file, name, value, message):
    from ntm_analysis.io.load import load_panel

    params = _district_params(panel_file, **{name: value})
    with pytest.raises(ParameterError, match=message):
        validate_parameters(
            params, "district", panel=load_panel(panel_file), registry=read_registry()
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"draws": np.int64(200)}, "numpy value"),
        ({"districts": ["Trang Dihn"]}, "did you mean Tràng Định"),
        ({"districts": ["Tràng Định", "Atlantis"]}, "Atlantis"),
        ({"lang": "fr"}, "lang"),
        ({"scenario": {"criterion_odds": {"10": 0}}}, "must be positive"),
        ({"workers": 0}, "workers"),
        ({"timeout": 0}, "timeout"),
        ({"units": "/nonexistent/units.csv"}, "not found"),
        ({"district_targets": {"Atlantis": 2}}, "district_targets: unknown district"),
        ({"province_target": 77}, "more than the 55 communes"),
        ({"data": "/nonexistent/panel.csv"}, "not found"),
    ],
)
def test_the_batch_validates_before_any_kernel_starts(
    panel_file, tmp_path, no_kernels, kwargs, message
):
    args = {"data": panel_file, "province_target": 20, "progress": False} | kwargs
    with pytest.raises(ParameterError, match=message):
        run_batch(tmp_path / "out", **args)
    assert not (tmp_path / "out").exists(), "nothing is written before validation passes"


def test_the_command_line_reports_bad_parameters_with_exit_code_2(
    panel_file, tmp_path, no_kernels, capsys
):
    code = cli.main(
        [
            "batch",
            "--out",
            str(tmp_path),
            "--data",
            str(panel_file),
            "--districts",
            "Nowhere",
            "--target",
            "20",
        ]
    )
    assert code == cli.EXIT_USAGE == 2
    assert "Nowhere" in capsys.readouterr().err


def test_every_notebook_declares_only_schema_parameters_with_valid_defaults():
    for path in schema.NOTEBOOKS.values():
        declared = schema.notebook_parameters(path)
        assert set(declared) <= set(schema.PARAMETERS), path.name
        for name, value in declared.items():
            assert value == schema.PARAMETERS[name].default, (path.name, name)
        validate_parameters(declared, path)


# --------------------------------------------------------------------------- Dask


def test_dask_without_distributed_is_a_clear_error(panel_file, tmp_path, no_kernels, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    with pytest.raises(ParameterError, match=r"pip install 'ntm-analysis\[dask\]'"):
        run_batch(tmp_path / "out", data=panel_file, province_target=20, dask="tcp://127.0.0.1:1")
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_the_batch_runs_on_a_dask_cluster(panel_file, cache_dir, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        result = run_batch(
            tmp_path,
            data=panel_file,
            districts=["Tràng Định"],
            province=False,
            cache_dir=cache_dir,
            dask=cluster.scheduler_address,
            **RUN,
        )
    assert result.exit_code == 0 and result.ok == ["180-trang-dinh"]
    assert (tmp_path / "180-trang-dinh.html").is_file()


@pytest.mark.parametrize(
    ("code", "lang", "start"),
    [
        (180, "vi", "Huyện Tràng Định: "),
        (180, "en", "Tràng Định district: "),
        (178, "en", "Lạng Sơn city: "),
        (None, "en", "Lạng Sơn province: "),
    ],
)
def test_report_titles_name_the_unit_in_the_report_language(code, lang, start):
    """The title is the browser tab and every printed page's margin: "Huyện" in English
    would be a half-translated heading."""

    registry = read_registry()
    kind = "province" if code is None else "district"
    unit = batch.Unit(id="u", kind=kind, code=code, name=registry.name(code) if code else "")
    title = batch.unit_title(unit, registry, lang, 2020)
    assert title.startswith(start) and "2020" in title
