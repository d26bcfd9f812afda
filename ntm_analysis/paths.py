"""Where the bundled data lives.

The default dataset ships in the repository's top-level ``data/`` folder (with its data card)
rather than inside the package, so planners can open and read it. ``NTM_DATA_DIR`` points
elsewhere, e.g. for an installed copy or a shared network folder.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


def data_dir() -> Path:
    """The folder holding the bundled default data."""
    return Path(os.environ.get("NTM_DATA_DIR", PROJECT_DIR / "data"))


def default_panel_path() -> Path:
    return data_dir() / "lang_son_ntm_2011_2016_synthetic.csv"


def default_units_path() -> Path:
    return data_dir() / "units_lang_son_2017.csv"


def default_targets_path() -> Path:
    return data_dir() / "lang_son_targets.csv"


def default_published_path() -> Path:
    return data_dir() / "lang_son_published_figures.csv"
