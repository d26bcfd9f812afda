"""The two dependency lists (pyproject for pip/CI, environment.yml for conda users) agree."""

import re
import tomllib

import pytest
from locations import REPO

ROOT = REPO


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower()


def _pyproject(*extras: str) -> set[str]:
    """Runtime dependency names, and those of ``extras``."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    optional = [r for extra in extras for r in project["optional-dependencies"][extra]]
    return {_name(r) for r in [*project["dependencies"], *optional]}


def _environment() -> set[str]:
    """Conda package names under ``dependencies:`` (not channels, not the pip sub-list)."""
    names, section = set(), None
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        if re.match(r"^[a-z]+:", line):
            section = line.split(":")[0]
            continue
        match = re.match(r"^  - ([A-Za-z0-9_.\-]+)", line)
        if section == "dependencies" and match:
            names.add(_name(match.group(1)))
    return names - {"python", "pip"}


def test_every_runtime_dependency_is_in_both_lists():
    """environment.yml: the runtime dependencies and the Dask extra (``distributed``)."""
    pyproject, environment = _pyproject("dask"), _environment()
    assert pyproject, "no dependencies parsed from pyproject.toml"
    assert pyproject - environment == set(), "missing from environment.yml"
    assert environment - pyproject == set(), "missing from pyproject.toml"
    assert "distributed" in environment


def test_environment_installs_the_package_not_editable():
    """A conda user gets the data and notebooks inside the installed package."""
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    pip = re.findall(r"^      - (\S+)", text, re.MULTILINE)
    assert pip == ["."], pip


def test_license_is_an_spdx_string_with_its_file():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_design_card_packages_are_dependencies():
    assert {"jupyterlab", "pandas", "seaborn", "statsmodels", "papermill", "openpyxl"} <= (
        _pyproject()
    )


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme
    assert re.search(r"^make test$", ci, re.MULTILINE)


def test_make_test_runs_the_wheel_smoke():
    """`make test` ends with the wheel smoke (tests/smoke_wheel.py) on each Python found."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test = re.search(r"^test:.*?(?=^\S)", makefile, re.MULTILINE | re.DOTALL).group(0)
    smoke = re.search(r"^smoke:.*?(?=^\S|\Z)", makefile, re.MULTILINE | re.DOTALL).group(0)
    assert "$(MAKE) --no-print-directory smoke" in test
    assert "tests/smoke_wheel.py --python $(PYTHON)" in smoke


def test_the_sdist_carries_what_its_tests_need(tmp_path):
    """Built here (no network: this venv's setuptools), then its file list inspected."""
    pytest.importorskip("build")
    import subprocess
    import sys
    import tarfile

    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (sdist,) = tmp_path.glob("ntm_analysis-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    tracked = [
        *(p for p in (ROOT / "data").iterdir()),
        *(ROOT / "notebooks").glob("*.ipynb"),
        *(p for p in (ROOT / "tests" / "data").rglob("*") if p.is_file()),
        *(ROOT / "tests").rglob("*.py"),
        *(ROOT / "benchmarks").glob("*.py"),
        *(ROOT / name for name in ("LICENSE", "README.md", "Makefile", "environment.yml")),
        ROOT / ".ci" / "run",
    ]
    wanted = {str(p.relative_to(ROOT)) for p in tracked if "__pycache__" not in p.parts}
    missing = sorted(wanted - names)
    assert not missing, missing
    assert "tests/conftest.py" in names


def test_readme_says_how_to_install_without_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Install without the repository", 1)[1].split("\n## ", 1)[0]
    for needed in ("pip install", "environment.yml", "--dask", "ntm notebooks", "--allow-root"):
        assert needed in section, needed
    for variable in ("NTM_DATA_DIR", "NTM_CHROMIUM"):
        assert f"| `{variable}` |" in section, variable


def test_every_sub_package_is_in_the_wheel():
    """``[tool.setuptools] packages`` is an explicit list (data/ and notebooks/ are mapped into
    the package): a sub-package missing from it is missing from the wheel, and the installed
    ``ntm`` fails at its first import (the wheel smoke found ``io.readers`` so)."""
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
            "packages"
        ]
    )
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "ntm_analysis").rglob("__init__.py")
    }
    assert on_disk - listed == set()
    assert {"ntm_analysis._data", "ntm_analysis._notebooks"} <= listed
