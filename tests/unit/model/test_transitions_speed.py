"""The numpy/pyarrow preparation of the transitions fit (issue 17) gives what the pandas
version gave: codes as ``Index.get_indexer``, the gain design as its blocks stacked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ntm_analysis.core.criteria import CRITERIA_NUMBERS, N_CRITERIA
from ntm_analysis.model.synthetic import simulate_panel
from ntm_analysis.model.transitions import (
    GAIN_TERMS,
    LEVEL,
    LEVEL_CURVE,
    N_MET_CENTRE,
    PUSH_STEPS,
    REGISTERED,
    category_codes,
    gain_design,
    level_spline,
    transitions,
)


@pytest.mark.parametrize(
    ("values", "levels"),
    [
        (pd.Series(["b", "a", "zz", "a"]), ["a", "b"]),
        (pd.Series([3, 1, 7]), [1, 2, 3]),
        (pd.Series([1.0, 2.0]), [2]),
        (pd.Series(["1", "2"]), [1, 2]),  # mixed types: pandas' lookup
        (pd.Series([], dtype=str), ["a"]),
        (pd.Series(["a"]), []),
        (pd.Series(["a", None]), ["a"]),
        (np.array([5, 6]), [6]),
    ],
)
def test_category_codes_are_pandas_get_indexer(values, levels):
    expected = pd.Index(levels).get_indexer(values)
    got = category_codes(values, levels)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


def test_gain_design_is_its_blocks_stacked():
    rng = np.random.default_rng(0)
    n = 500
    criterion = rng.integers(1, 20, n)
    n_met = rng.integers(0, 20, n).astype(float)
    difficult = rng.random(n) < 0.3
    trend = rng.integers(-3, 3, n).astype(float)
    registered = (rng.random(n) < 0.1).astype(float)
    level = rng.integers(0, 19, n).astype(float)
    blocks = [
        (criterion[:, None] == np.array(CRITERIA_NUMBERS)[None, :]).astype(float),
        n_met - N_MET_CENTRE,
        (n_met[:, None] >= np.array(PUSH_STEPS)).astype(float),
        difficult,
        trend,
        registered,
        level - N_MET_CENTRE,
        level_spline(level),
    ]
    x = gain_design(criterion, n_met, difficult, trend, registered, level)
    assert x.shape == (n, len(GAIN_TERMS)) and x.dtype == np.float64
    np.testing.assert_array_equal(x, np.column_stack(blocks).astype(float))
    default = gain_design(criterion, n_met, difficult, trend)  # no registrations; level = count
    np.testing.assert_array_equal(default[:, REGISTERED], 0.0)
    np.testing.assert_array_equal(default[:, LEVEL], n_met - N_MET_CENTRE)
    np.testing.assert_array_equal(default[:, LEVEL_CURVE], level_spline(n_met))


def test_the_transitions_table_pairs_each_commune_with_its_next_year():
    panel = simulate_panel(seed=6, communes_per_district=3)
    table = transitions(panel)
    assert len(table) % N_CRITERIA == 0
    wide = panel.wide()
    row = table.iloc[N_CRITERIA * 7]  # some commune's first criterion in some year
    now = wide.loc[(row["commune_code"], row["year"])]
    nxt = wide.loc[(row["commune_code"], row["year"] + 1)]
    assert row["n_met"] == now.sum() and row["met"] == now[1] and row["met_next"] == nxt[1]
    info = panel.communes.set_index("commune_code").loc[row["commune_code"]]
    assert row["district_code"] == info["district_code"]
    first = wide.xs(row["commune_code"], level="commune_code").sort_index().iloc[0].sum()
    assert row["level"] == first
