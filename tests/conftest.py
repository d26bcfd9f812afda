"""Shared fixtures: small synthetic panels built by the project's own generator."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

from ntm_analysis.synthetic import simulate_panel


@pytest.fixture(scope="session")
def small_panel():
    """Five communes per district of Lạng Sơn, 2011–2016 (55 communes): fast to fit."""
    return simulate_panel(seed=7, communes_per_district=5)
