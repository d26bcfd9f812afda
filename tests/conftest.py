"""Shared fixtures: small synthetic panels built by the project's own generator."""

from __future__ import annotations

import os

from ntm_analysis import BLAS_VARS

# One BLAS thread, as the `ntm` command and the batch set it, before numpy loads: the model's
# many small dense solves run ~20x slower when OpenBLAS threads spin against the suite's other
# processes on 2 cores (measured: one fit 21 s against 1.1 s under load).
for _var in BLAS_VARS:
    os.environ.setdefault(_var, "1")

import matplotlib
import pytest

matplotlib.use("Agg")

from ntm_analysis.io.layout import write_panel
from ntm_analysis.model.synthetic import simulate_panel


@pytest.fixture(scope="session", autouse=True)
def no_hearing_packs():
    """Batches in tests make no hearing packs (10–20 s a unit); the browser test and the
    hearing tests make and check them explicitly."""
    import os

    from ntm_analysis.report.hearing import ENV

    before = os.environ.get(ENV)
    os.environ[ENV] = "0"
    yield
    if before is None:
        os.environ.pop(ENV, None)
    else:
        os.environ[ENV] = before


@pytest.fixture(scope="session")
def small_panel():
    """Five communes per district of Lạng Sơn, 2011–2016 (55 communes): fast to fit."""
    return simulate_panel(seed=7, communes_per_district=5)


@pytest.fixture(scope="module")
def panel_file(tmp_path_factory, small_panel):
    """``small_panel`` as a wide CSV, for tests that run notebooks or the batch."""
    path = tmp_path_factory.mktemp("data") / "panel.csv"
    write_panel(small_panel, path)
    return path


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    """Shared by every batch run in a test file, as a planner's reports/.cache is."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="session", autouse=True)
def own_fit_cache(tmp_path_factory):
    """`ntm forecast` keeps fitted models in a cache (``NTM_CACHE_DIR``): the suite's in a
    folder of its own, never the user's ~/.cache (subprocesses inherit the variable)."""
    from ntm_analysis.analysis.cache import CACHE_DIR_ENV

    before = os.environ.get(CACHE_DIR_ENV)
    os.environ[CACHE_DIR_ENV] = str(tmp_path_factory.mktemp("fit-cache"))
    yield
    if before is None:
        os.environ.pop(CACHE_DIR_ENV, None)
    else:
        os.environ[CACHE_DIR_ENV] = before
