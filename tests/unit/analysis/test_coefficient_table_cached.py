"""The report's coefficient table made once per model (issue 17): its loss rows come from an
importance sample (``exact.moments``, ~0.1 s), and every report of a batch shows the table of
the same fitted model. The batch's parent makes it before pickling the analysis, so a report
kernel reading the file takes it from there; the numbers are the ones it would compute."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

from ntm_analysis.analysis.analyse import cached_analysis, read
from ntm_analysis.analysis.cache import load_analysis
from ntm_analysis.core.config import RunConfig
from ntm_analysis.model import exact


def _refuse(*args, **kwargs):
    raise AssertionError("the coefficient table's importance sample was computed again")


@pytest.fixture()
def stored(panel_file, tmp_path):
    run = read(RunConfig(data_path=str(panel_file), draws=40, backtest_draws=0))
    path, _ = cached_analysis(run, tmp_path, baseline_fits=True)  # the batch's parent
    return load_analysis(path)


def test_a_stored_analysis_carries_the_table_it_would_compute(stored, monkeypatch):
    model = stored.forecast.model
    assert model.loss_posterior is not None  # the loss rows need the importance sample
    # the model as a fresh fit would arrive (no table yet): the numbers computed here
    fresh = pickle.loads(pickle.dumps(model))
    fresh.__dict__.pop("_coefficient_table")
    expected = fresh.coefficients()
    monkeypatch.setattr(exact, "moments", _refuse)  # a report kernel must not redo it
    pd.testing.assert_frame_equal(model.coefficients(), expected)


def test_the_table_is_computed_once_and_handed_out_as_a_copy(stored, monkeypatch):
    model = pickle.loads(pickle.dumps(stored.forecast.model))
    model.__dict__.pop("_coefficient_table", None)
    calls = []
    real = exact.moments
    monkeypatch.setattr(exact, "moments", lambda *a: calls.append(1) or real(*a))
    first = model.coefficients()
    first.loc[:, "estimate"] = 0.0  # a caller's change stays in its copy
    second = model.coefficients()
    assert len(calls) == 1
    assert (second["estimate"] != 0.0).any()
