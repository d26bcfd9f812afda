"""The package outside its checkout: bundled files, a broken installation, provenance, the
notebooks copied out, ``python -m ntm_analysis`` and the checks of Dask workers.

``tests/smoke_wheel.py`` (run by ``make test``) does the same with a real wheel in a fresh
venv; these tests build the installed layout by hand, so they run in seconds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from locations import REPO

from ntm_analysis import __version__, cli
from ntm_analysis.batch import executor
from ntm_analysis.batch.run import copy_notebooks, run_batch
from ntm_analysis.core import paths, provenance
from ntm_analysis.core.params import ParameterError

ROOT = REPO
NOTEBOOK_NAMES = ["district_forecast.ipynb", "explore.ipynb", "province_overview.ipynb"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NTM_DATA_DIR")}
    return {**env, "NTM_LANG": "en", **extra}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The package laid out as the wheel installs it: code, ``_data``, ``_notebooks`` (copied
    from the checkout's single top-level folders), and no ``pyproject.toml`` beside it."""
    site = tmp_path_factory.mktemp("site-packages")
    package = site / "ntm_analysis"
    shutil.copytree(paths.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(paths.bundled_dir("data"), package / "_data")
    shutil.copytree(paths.notebook_dir(), package / "_notebooks")
    return site


def _in_installed(site: Path, code: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=_env(PYTHONPATH=str(site)),
        capture_output=True,
        text=True,
        check=False,
    )


# --------------------------------------------------------------------------- where files are


def test_the_checkout_reads_its_top_level_folders():
    if paths.checkout_dir() is None:
        pytest.skip("running against an installed package, not a checkout")
    assert paths.checkout_dir() == ROOT
    assert paths.bundled_dir("data") == ROOT / "data"
    assert paths.notebook_dir() == ROOT / "notebooks"
    assert paths.default_units_path() == ROOT / "data" / "units_lang_son_2017.csv"


@pytest.mark.parametrize(
    ("pyproject", "ours"),
    [
        ('[project]\nname="ntm-analysis"\n', True),
        ('[project]\nname = "someone-elses"\n', False),
        ("not toml [", False),
        (None, False),
    ],
)
def test_a_checkout_is_recognised_by_its_own_pyproject(tmp_path, monkeypatch, pyproject, ours):
    """Never by position alone: the folder above an installed package is site-packages, or
    a user's project that has a pyproject.toml of its own."""
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    monkeypatch.setattr(paths, "PACKAGE_DIR", tmp_path / "ntm_analysis")
    assert paths.checkout_dir() == (tmp_path if ours else None)


def test_an_installed_package_reads_its_own_copy(installed, tmp_path):
    code = (
        "from ntm_analysis.core import paths, params; "
        "print(paths.checkout_dir()); print(paths.default_units_path()); "
        "print(params.NOTEBOOKS['district'])"
    )
    done = _in_installed(installed, code, tmp_path)
    assert done.returncode == 0, done.stderr
    checkout, units, notebook = done.stdout.split("\n")[:3]
    assert checkout == "None"
    assert Path(units) == installed / "ntm_analysis" / "_data" / "units_lang_son_2017.csv"
    assert Path(notebook) == installed / "ntm_analysis" / "_notebooks" / "district_forecast.ipynb"


def test_a_missing_bundled_file_is_a_broken_installation(installed, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(installed, site)
    (site / "ntm_analysis" / "_data" / "units_lang_son_2017.csv").unlink()
    done = subprocess.run(
        [sys.executable, "-m", "ntm_analysis", "summary"],
        cwd=tmp_path,
        env=_env(PYTHONPATH=str(site)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == cli.EXIT_INSTALL == 4
    assert "installation is broken:" in done.stderr
    assert "_data/units_lang_son_2017.csv missing" in done.stderr
    assert "problem" not in done.stderr and "Traceback" not in done.stderr  # not a data error


def test_the_broken_installation_message_is_bilingual(monkeypatch, capsys):
    monkeypatch.delenv("NTM_DATA_DIR", raising=False)
    monkeypatch.setattr(paths, "checkout_dir", lambda: None)  # no _data inside the checkout
    assert cli.main(["summary", "--lang", "vi"]) == cli.EXIT_INSTALL
    vi = capsys.readouterr().err
    assert "bản cài đặt ntm-analysis bị hỏng: thiếu tệp " in vi
    assert cli.main(["summary", "--lang", "en"]) == cli.EXIT_INSTALL
    assert "installation is broken: " in capsys.readouterr().err


def test_a_file_missing_from_ntm_data_dir_is_the_users_to_fix(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NTM_DATA_DIR", str(tmp_path))
    assert cli.main(["summary", "--lang", "en"]) == cli.EXIT_DATA_ERROR
    err = capsys.readouterr().err
    assert "units_lang_son_2017.csv: cannot read the units file" in err
    assert "installation" not in err


def test_a_missing_bundled_notebook_is_a_broken_installation(monkeypatch, tmp_path):
    from ntm_analysis.core import params

    monkeypatch.setattr(params, "NOTEBOOK_DIR", tmp_path)
    monkeypatch.setitem(params.NOTEBOOKS, "district", tmp_path / "district_forecast.ipynb")
    with pytest.raises(paths.InstallationError, match=r"district_forecast\.ipynb missing"):
        params.validate_parameters({}, "district")


def test_python_dash_m_is_the_ntm_command(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "ntm_analysis", "--version"],
        cwd=tmp_path,
        env={**_env(), "PYTHONPATH": str(paths.PACKAGE_DIR.parent)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip() == f"ntm-analysis {__version__}"


# --------------------------------------------------------------------------- provenance


def test_the_git_revision_is_the_checkouts_own():
    root = paths.checkout_dir()
    if root is None or shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert provenance.git_revision()["revision"] == head
    assert provenance.package_source() == {"checkout": str(root), "git": provenance.git_revision()}


def test_another_repository_is_never_taken_for_the_package(tmp_path, monkeypatch):
    """An unpacked sdist inside a user's own repository: the repository is not ours."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "--quiet", str(tmp_path)], check=True)
    (tmp_path / "sdist").mkdir()
    monkeypatch.setattr(provenance, "checkout_dir", lambda: tmp_path / "sdist")
    assert provenance.git_revision() is None


class _Dist:
    version = "1.2.3"

    def __init__(self, direct_url: str | None):
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        return self.direct_url if name == "direct_url.json" else None


def test_an_installed_package_records_its_version_and_origin(monkeypatch):
    monkeypatch.setattr(provenance, "checkout_dir", lambda: None)
    url = {"url": "file:///wheels/ntm_analysis-1.2.3-py3-none-any.whl", "archive_info": {}}
    monkeypatch.setattr(provenance, "distribution", lambda name: _Dist(json.dumps(url)))
    assert provenance.git_revision() is None
    assert provenance.package_source() == {"installed": "1.2.3", "direct_url": url}
    monkeypatch.setattr(provenance, "distribution", lambda name: _Dist(None))  # from an index
    assert provenance.package_source() == {"installed": "1.2.3", "direct_url": None}


# --------------------------------------------------------------------------- notebooks out


def test_ntm_notebooks_copies_the_templates_and_keeps_edits(tmp_path, capsys):
    dest = tmp_path / "mine"
    assert cli.main(["notebooks", str(dest), "--lang", "en"]) == 0
    assert sorted(p.name for p in dest.iterdir()) == NOTEBOOK_NAMES
    for name in NOTEBOOK_NAMES:
        assert (dest / name).read_bytes() == (paths.notebook_dir() / name).read_bytes()
    assert "--allow-root" in capsys.readouterr().err
    assert cli.main(["notebooks", str(dest)]) == 0  # the same files again: fine
    (dest / "explore.ipynb").write_text("{}", encoding="utf-8")  # the planner's edits
    assert cli.main(["notebooks", str(dest), "--lang", "en"]) == cli.EXIT_DATA_ERROR
    assert "explore.ipynb exists and differs" in capsys.readouterr().err
    assert (dest / "explore.ipynb").read_text(encoding="utf-8") == "{}"
    copy_notebooks(dest, overwrite=True)
    bundled = paths.notebook_dir() / "explore.ipynb"
    assert (dest / "explore.ipynb").read_bytes() == bundled.read_bytes()


def test_batch_runs_the_templates_of_notebooks_dir(panel_file, tmp_path, capsys):
    common = ["--out", str(tmp_path / "out"), "--data", str(panel_file), "--target", "20"]
    common += ["--no-pdf", "--dry-run", "--lang", "en", "--districts", "Tràng Định"]
    empty = tmp_path / "templates"
    empty.mkdir()
    assert cli.main(["batch", *common, "--notebooks", str(empty)]) == cli.EXIT_USAGE
    assert f"notebook {empty / 'province_overview.ipynb'} not found" in capsys.readouterr().err
    copy_notebooks(empty)
    assert cli.main(["batch", *common, "--notebooks", str(empty)]) == 0
    assert json.loads(capsys.readouterr().out)["run"] == ["province", "180-trang-dinh"]


# --------------------------------------------------------------------------- Dask workers


class _Workers:
    """A Dask client: worker A runs the real check here, worker B is a stale installation."""

    def __init__(self, stale: dict):
        self.stale = stale

    def run(self, function, *args):
        return {"tcp://a:1": function(*args), "tcp://b:2": self.stale}


def test_dask_workers_must_run_this_very_package():
    from ntm_analysis.analysis.cache import code_fingerprint

    code = code_fingerprint()
    good = {"version": __version__, "code": code, "kernel": __version__, "kernel_reason": None}
    executor.check_dask_workers(_Workers({**good, "chromium": False}), code=code, chromium=None)

    stale = {"version": "0.0.1", "code": "x", "kernel": None, "kernel_reason": "No module"}
    with pytest.raises(ParameterError) as info:
        executor.check_dask_workers(
            _Workers({**stale, "chromium": False}), code=code, chromium="/usr/bin/chromium"
        )
    text = str(info.value)
    assert f"worker tcp://b:2: has ntm-analysis 0.0.1, this machine has {__version__}" in text
    assert "worker tcp://b:2: has no Jupyter kernel 'python3' that imports ntm-analysis" in text
    assert "worker tcp://b:2: has no Chromium to print the PDFs" in text
    assert "tcp://a:1" not in text or shutil.which("/usr/bin/chromium") is None
    vi = info.value.render("vi")
    assert "worker của Dask tcp://b:2: có ntm-analysis 0.0.1, còn máy này có" in vi

    other_code = {**good, "code": "abc", "chromium": True}
    with pytest.raises(ParameterError, match=r"tcp://b:2: runs other ntm-analysis code"):
        executor.check_dask_workers(_Workers(other_code), code=code, chromium=None)


def test_units_get_the_blas_setting_in_their_worker(monkeypatch, tmp_path):
    """On a Dask worker the environment is not the batch's: the task carries the setting."""
    seen = {}

    class _Popen:
        def __init__(self, *args, env=None, **kwargs):
            seen.update(env)

    monkeypatch.setattr(executor.subprocess, "Popen", _Popen)
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    executor.Worker("w", env={"OPENBLAS_NUM_THREADS": "1"}).start(tmp_path)
    assert seen["OPENBLAS_NUM_THREADS"] == "1"


def test_batch_tasks_carry_the_blas_setting(panel_file, tmp_path, monkeypatch):
    captured = []
    monkeypatch.setattr(
        executor, "run_local", lambda tasks, *a, **k: captured.extend(tasks) or None
    )
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    run_batch(
        tmp_path / "out",
        data=panel_file,
        province_target=20,
        districts=["Tràng Định"],
        province=False,
        pdf=False,
        progress=False,
        draws=50,
        backtest_draws=20,
    )
    assert captured and all(t.env["OMP_NUM_THREADS"] == "3" for t in captured)
    assert all(t.env["MKL_NUM_THREADS"] == "1" for t in captured)
