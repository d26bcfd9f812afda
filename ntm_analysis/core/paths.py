"""Where the bundled data and notebooks live, in a checkout and in an installed package.

``data/`` (with its data card) and ``notebooks/`` are single copies at the top of the
repository, where planners can open and read them. The build maps them into the package
(``ntm_analysis/_data``, ``ntm_analysis/_notebooks``: see ``[tool.setuptools]`` in
``pyproject.toml``), so a wheel carries them and they are read through
``importlib.resources``. A source checkout — and an editable install, which runs the
checkout's code — reads the top-level folders themselves, recognised by the project's own
``pyproject.toml`` beside the package, never by position alone.

``NTM_DATA_DIR`` points the default data elsewhere (a shared network folder, a newer copy);
a file missing there is the user's to fix and is reported as such by the loaders. A file
missing from the bundled copy is a broken installation (``InstallationError``), never a
mistake in the user's data.
"""

from __future__ import annotations

import os
import tomllib
from importlib.resources import files
from pathlib import Path

from ntm_analysis.core.errors import MessageError, Msg

__all__ = [
    "DATA_ENV",
    "PACKAGE_DIR",
    "InstallationError",
    "bundled_dir",
    "checkout_dir",
    "data_dir",
    "data_file",
    "default_panel_path",
    "default_published_path",
    "default_targets_path",
    "default_units_path",
    "notebook_dir",
]

PACKAGE_DIR = Path(__file__).resolve().parents[1]
DATA_ENV = "NTM_DATA_DIR"  # the default data from another folder
PROJECT_NAME = "ntm-analysis"

PANEL_FILE = "lang_son_ntm_2011_2016_synthetic.csv"
UNITS_FILE = "units_lang_son_2017.csv"
TARGETS_FILE = "lang_son_targets.csv"
# ``ntm batch``'s output folder; here, not in batch.py, so that building the command's parser
# (every ``ntm`` command) does not import the batch, its notebooks and matplotlib (~1.5 s)
DEFAULT_OUT = Path("reports")
PUBLISHED_FILE = "lang_son_published_figures.csv"


class InstallationError(MessageError):
    """A file the package ships with is missing: the installation is broken (not the data)."""

    def __init__(self, path: str | Path | Msg):  # Msg: unpickled with its message
        super().__init__(
            path if isinstance(path, Msg) else Msg("error.install.missing", file=str(path))
        )


def checkout_dir() -> Path | None:
    """The source checkout this package runs from, or None for an installed package.

    A checkout is recognised by its own ``pyproject.toml`` (naming this project) beside the
    package folder; site-packages never holds one.
    """
    root = PACKAGE_DIR.parent
    try:
        project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none there, or not TOML
        return None
    return root if project.get("project", {}).get("name") == PROJECT_NAME else None


def bundled_dir(name: str) -> Path:
    """The bundled top-level folder ``name`` ("data" or "notebooks"): the checkout's own, or
    the copy the build mapped into the package (``ntm_analysis/_<name>``)."""
    root = checkout_dir()
    if root is not None:
        return root / name
    return Path(str(files("ntm_analysis").joinpath(f"_{name}")))


def data_dir() -> Path:
    """The folder of the default data: ``$NTM_DATA_DIR``, else the bundled data."""
    chosen = os.environ.get(DATA_ENV)
    return Path(chosen) if chosen else bundled_dir("data")


def data_file(name: str) -> Path:
    """A default data file. Under ``$NTM_DATA_DIR`` it is returned as it is (the loaders
    report a missing one as the user's); a bundled one must exist (``InstallationError``)."""
    path = data_dir() / name
    if not os.environ.get(DATA_ENV) and not path.is_file():
        raise InstallationError(path)
    return path


def reference_file(*parts: str) -> Path:
    """A reference file the package ships (the administrative registry under ``data/admin``):
    always the bundled copy, whatever ``$NTM_DATA_DIR`` says, since a user's own data folder
    holds their panel, not the registry. A missing one is an ``InstallationError``."""
    path = bundled_dir("data").joinpath(*parts)
    if not path.is_file():
        raise InstallationError(path)
    return path


def notebook_dir() -> Path:
    """The folder of the bundled notebook templates (``ntm notebooks DEST`` copies them out)."""
    return bundled_dir("notebooks")


def default_panel_path() -> Path:
    return data_file(PANEL_FILE)


def default_units_path() -> Path:
    return data_file(UNITS_FILE)


def default_targets_path() -> Path:
    return data_file(TARGETS_FILE)


def default_published_path() -> Path:
    return data_file(PUBLISHED_FILE)
