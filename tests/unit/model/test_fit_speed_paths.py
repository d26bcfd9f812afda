"""The national fit's speed paths (issue 17) change how the work is done, never the answer:
the gain design built column-major, the one-hot columns found column by column (a column
tested on its first rows, then on all of them), and scipy's own BLAS held to one thread
during a fit like numpy's."""

from __future__ import annotations

import os

import numpy as np
import pytest
from probe import probe

from ntm_analysis import BLAS_VARS
from ntm_analysis.model.glmm import Factor, VariancePrior, fit_glmm
from ntm_analysis.model.transitions import GAIN_TERMS, gain_design


def _rows(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "criterion": rng.integers(1, 20, n),
        "n_met": rng.integers(0, 20, n).astype(float),
        "difficult": (rng.random(n) < 0.2).astype(float),
        "trend": rng.integers(-4, 1, n).astype(float),
        "registered": (rng.random(n) < 0.1).astype(float),
        "level": rng.integers(0, 20, n).astype(float),
    }


def test_the_column_major_gain_design_holds_the_same_numbers():
    rows = _rows(500)
    c = gain_design(**rows)
    f = gain_design(**rows, order="F")
    assert f.flags.f_contiguous and not c.flags.f_contiguous
    assert f.shape == (500, len(GAIN_TERMS))
    np.testing.assert_array_equal(f, c)


def _glmm_data(seed: int = 3, communes: int = 40, years: int = 4, criteria: int = 4):
    """A small binomial GLMM: rows (commune, year, criterion), a slope and criterion one-hots."""
    rng = np.random.default_rng(seed)
    c, t, j = (
        a.ravel()
        for a in np.meshgrid(
            np.arange(communes), np.arange(years), np.arange(criteria), indexing="ij"
        )
    )
    onehot = np.zeros((len(c), criteria))
    onehot[np.arange(len(c)), j] = 1.0
    fixed = np.column_stack([rng.normal(size=len(c)), onehot])
    eta = fixed @ np.array([0.6, -1.0, -0.3, 0.2, 0.8]) + rng.normal(0, 0.7, communes)[c]
    events = (rng.random(len(c)) < 1 / (1 + np.exp(-eta))).astype(float)
    district = c // 8
    factors = [
        Factor("district", district, int(district.max()) + 1),
        Factor(
            "year", t, years, VariancePrior(scale=0.5, lower=0.02, upper=1.0, form="half_normal")
        ),
    ]
    return fixed, events, factors, Factor("commune", c, communes)


def _fit(fixed, events, factors, commune, **kwargs):
    p = fixed.shape[1]
    return fit_glmm(
        fixed,
        events,
        np.ones(len(events)),
        np.zeros(p),
        np.full(p, 2.5),
        factors,
        commune=commune,
        **kwargs,
    )


def test_a_column_major_design_gives_the_same_fit_to_the_last_bit():
    fixed, events, factors, commune = _glmm_data()
    by_rows = _fit(np.ascontiguousarray(fixed), events, factors, commune)
    by_columns = _fit(np.asfortranarray(fixed), events, factors, commune)
    for name in ("mean", "cov", "commune_mean", "commune_marginal_sd"):
        np.testing.assert_array_equal(getattr(by_columns, name), getattr(by_rows, name))
    assert by_columns.sd == by_rows.sd


def test_a_column_binary_only_in_its_first_rows_is_not_taken_for_a_one_hot():
    """0 in the rows the quick test reads, 2 further down: a plain column. Taken for an
    indicator (0/1) the structured solver would drop its 2s and leave the dense answer."""
    fixed, events, factors, commune = _glmm_data()
    extra = np.zeros(len(events))
    extra[200::7] = 2.0
    assert not extra[:64].any()  # the quick test alone would call it binary
    fixed = np.column_stack([fixed, extra])
    structured = _fit(fixed, events, factors, commune)
    dense = _fit(fixed, events, factors, commune, solver="dense")
    np.testing.assert_allclose(structured.mean, dense.mean, atol=1e-6)
    assert abs(structured.mean[-1]) > 1e-3  # the column is in the model, not dropped


_THREADS_IN_FIT = """
import json
import numpy as np
from ntm_analysis.model.glmm import Factor, fit_glmm
def run():
    rng = np.random.default_rng(0)
    n = 400
    x = np.column_stack([rng.normal(size=n), np.ones(n)])
    y = (rng.random(n) < 0.4).astype(float)
    g = np.arange(n) % 5
    return fit_glmm(x, y, np.ones(n), np.zeros(2), np.full(2, 2.5), [Factor("g", g, 5)])
run()  # the first fit (scipy.linalg not yet imported by anyone before it)
import scipy.linalg
from threadpoolctl import threadpool_info
seen = []
solve = scipy.linalg.cho_factor
def watch(*args, **kwargs):
    seen.append({i["filepath"]: i["num_threads"] for i in threadpool_info()})
    return solve(*args, **kwargs)
scipy.linalg.cho_factor = watch
run()
print(json.dumps(seen))
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: every BLAS runs one thread")
def test_every_blas_library_runs_one_thread_inside_a_fit():
    """A planner's own kernel sets no thread variable: inside a fit numpy's and scipy's
    OpenBLAS (two libraries) must both be limited, or scipy's LAPACK spins on every core."""
    env = {k: v for k, v in os.environ.items() if k not in BLAS_VARS}
    seen = probe(_THREADS_IN_FIT, env=env)
    assert seen, "the fit made no Cholesky factorisation"
    for libraries in seen:
        assert any("scipy" in path for path in libraries), libraries  # scipy's own OpenBLAS
        assert set(libraries.values()) == {1}, libraries
