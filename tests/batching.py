"""``run_batch`` for tests that name a run's settings as keywords, beside the batch's own
options: ``batch(out, data=..., draws=50, districts=[...], progress=False)``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ntm_analysis.batch.run import BatchResult, run_batch
from ntm_analysis.core.config import RunConfig, config_fields

# the file settings by the short names the tests (and the command line) use
_FILES = {"data": "data_path", "units": "units_path", "assessed": "assessed_path"}
_SETTINGS = {f.name for f in config_fields()}


def batch(out: str | Path, **kwargs: Any) -> BatchResult:
    """``run_batch(out, RunConfig(<the settings>), <the other keywords>)``; a file setting
    given as None is "" (not given)."""
    settings, options = {}, {}
    for name, value in kwargs.items():
        if name in _FILES:
            settings[_FILES[name]] = str(value) if value else ""
        elif name in _SETTINGS:
            settings[name] = value
        else:
            options[name] = value
    return run_batch(out, RunConfig(**settings), **options)
