"""Where the bundled data and notebooks are: the checkout's own folders, ``$NTM_DATA_DIR``
for the default data, and a missing bundled file as a broken installation."""

from __future__ import annotations

import pickle

import pytest
from locations import REPO

from ntm_analysis.core import paths
from ntm_analysis.core.paths import (
    DATA_ENV,
    InstallationError,
    bundled_dir,
    checkout_dir,
    data_dir,
    data_file,
    default_panel_path,
    default_published_path,
    default_targets_path,
    default_units_path,
    notebook_dir,
    reference_file,
)


@pytest.fixture(autouse=True)
def _no_data_env(monkeypatch):
    monkeypatch.delenv(DATA_ENV, raising=False)


def test_a_checkout_reads_its_own_top_level_folders():
    assert checkout_dir() == REPO
    assert bundled_dir("data") == REPO / "data" == data_dir()
    assert notebook_dir() == REPO / "notebooks"
    for path in (
        default_panel_path(),
        default_units_path(),
        default_targets_path(),
        default_published_path(),
    ):
        assert path.is_file() and path.parent == REPO / "data"


def test_a_folder_beside_another_projects_pyproject_is_not_a_checkout(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "other"\n', encoding="utf-8")
    monkeypatch.setattr(paths, "PACKAGE_DIR", tmp_path / "ntm_analysis")
    assert checkout_dir() is None
    (tmp_path / "pyproject.toml").write_text("not [toml", encoding="utf-8")
    assert checkout_dir() is None
    (tmp_path / "pyproject.toml").unlink()
    assert checkout_dir() is None


def test_the_data_folder_can_be_elsewhere(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_ENV, str(tmp_path))
    assert data_dir() == tmp_path
    # a file missing there is the user's to fix: returned, for the loaders to report
    assert data_file("mine.csv") == tmp_path / "mine.csv"
    # the registry is always the bundled one, whatever the data folder
    assert (
        reference_file("admin", "lang_son_vintages.csv")
        == REPO / "data" / "admin" / "lang_son_vintages.csv"
    )


def test_a_missing_bundled_file_is_a_broken_installation():
    with pytest.raises(InstallationError) as error:
        data_file("no_such_file.csv")
    assert error.value.message.key == "error.install.missing"
    assert "no_such_file.csv" in error.value.render("en")
    with pytest.raises(InstallationError):
        reference_file("admin", "no_such_file.csv")
    again = pickle.loads(pickle.dumps(error.value))  # a worker process raises it to the parent
    assert again.render("vi") == error.value.render("vi")
