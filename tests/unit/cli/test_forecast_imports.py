"""`ntm forecast` imports only what it uses (issue 17): no statsmodels, seaborn or matplotlib
on its path, since its terminal output shows neither baselines nor charts."""

from __future__ import annotations

import os

from probe import probe

HEAVY = ("statsmodels", "seaborn", "matplotlib")

_PROBE = """
import json, sys
from ntm_analysis.cli import main
code = main(["forecast", "--draws", "50"])
print(json.dumps([code, sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[1:]))]))
"""


def _loaded(modules=HEAVY, **env_vars: str) -> tuple[int, list[str]]:
    code, loaded = probe(_PROBE, modules, {**os.environ, **env_vars})
    return code, loaded


def test_the_forecast_command_does_not_import_statsmodels_or_plotting():
    code, loaded = _loaded()
    assert code == 0
    assert loaded == []


def test_a_forecast_from_a_cached_fit_does_not_import_scipy(tmp_path):
    """The fit needs scipy; drawing from a cached fit needs numpy only (scipy's import is
    ~0.2 s CPU, a third of the uniforms' process the command is measured against)."""
    first = _loaded(("scipy",), NTM_CACHE_DIR=str(tmp_path))
    assert first == (0, ["scipy"])  # fitted: the probe sees scipy when it is loaded
    assert _loaded(("scipy", *HEAVY), NTM_CACHE_DIR=str(tmp_path)) == (0, [])
