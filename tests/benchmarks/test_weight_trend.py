"""The diagnostic weight rule of benchmarks/diagnostics/weight_trend.py (issue 13) on cases
whose answer is known: pseudo-BMA+ (Yao et al. 2018) of the trend fit from held-out log scores."""

import numpy as np
import pandas as pd

from benchmarks.diagnostics.weight_trend import pseudo_bma_plus


def _scores(diffs: list[float]) -> pd.DataFrame:
    rows = []
    for k, d in enumerate(diffs):
        rows.append({"cutoff": 2015, "year": 2016 + k, "trend": True, "log_score": d})
        rows.append({"cutoff": 2015, "year": 2016 + k, "trend": False, "log_score": 0.0})
    return pd.DataFrame(rows)


def test_equal_scores_give_half():
    assert abs(pseudo_bma_plus(_scores([0.0, 0.0, 0.0])) - 0.5) < 1e-12


def test_one_point_is_pseudo_bma():
    # one held-out point: the Dirichlet weight is 1, so the weight is the logistic of the
    # score difference itself
    d = 1.3
    assert abs(pseudo_bma_plus(_scores([d])) - 1.0 / (1.0 + np.exp(-d))) < 1e-12


def test_disagreeing_points_are_pulled_to_half():
    # total difference +2 from +4 and -2: pseudo-BMA gives logistic(2) = 0.88; the bootstrap
    # over two disagreeing points averages logistic(2(6a - 2)) over a ~ U(0, 1): 0.665, nearer 1/2
    diffs = [4.0, -2.0]
    plain = 1.0 / (1.0 + np.exp(-sum(diffs)))
    a = np.linspace(0, 1, 200001)
    exact = float(np.mean(1.0 / (1.0 + np.exp(-(2 * (a * 4.0 + (1 - a) * -2.0))))))
    got = pseudo_bma_plus(_scores(diffs), n_boot=20000)
    assert 0.5 < got < plain
    assert abs(got - exact) < 0.01


def test_symmetric():
    s = _scores([2.0, -0.5, 1.0])
    flipped = s.assign(log_score=-s["log_score"])
    # negating the differences swaps the two fits' roles
    assert abs(pseudo_bma_plus(s) + pseudo_bma_plus(flipped) - 1.0) < 1e-12
