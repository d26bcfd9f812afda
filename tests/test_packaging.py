"""The two dependency lists (pyproject for pip/CI, environment.yml for conda users) agree."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower()


def _pyproject() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {_name(r) for r in data["project"]["dependencies"]}


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
    pyproject, environment = _pyproject(), _environment()
    assert pyproject, "no dependencies parsed from pyproject.toml"
    assert pyproject - environment == set(), "missing from environment.yml"
    assert environment - pyproject == set(), "missing from pyproject.toml"


def test_design_card_packages_are_dependencies():
    assert {"jupyterlab", "pandas", "seaborn", "statsmodels", "papermill", "openpyxl"} <= (
        _pyproject()
    )


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme
    assert re.search(r"^make test$", ci, re.MULTILINE)
