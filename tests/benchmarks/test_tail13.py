"""tail13 ties each draw's count to the coefficients the forecast drew, and says so when it
cannot."""

import numpy as np
import pytest

from benchmarks.diagnostics import tail13
from ntm_analysis.model import forecast as fc
from ntm_analysis.model.known_processes import SCENARIOS

SMALL = SCENARIOS["year_shocks"].with_size(60, 4)


def test_a_case_gives_one_row_per_horizon_with_shares_and_correlations():
    rows = tail13.case_rows(SMALL, 1, 2015)
    assert [r["h"] for r in rows] == [1, 2, 3, 4]
    for r in rows:
        assert r["scenario"] == SMALL.name and r["origin"] == 2015
        assert 0.0 <= r["no_trend_share_low"] <= 1.0 and 0.0 <= r["no_trend_share"] <= 1.0
        assert np.isfinite([r["z_q10"], r["z_med"], r["z_q90"]]).all()
        assert r["low_tail"] >= 0.0 and r["high_tail"] >= 0.0


def test_coefficients_drawn_from_another_stream_are_refused(monkeypatch):
    own = fc._draw_coefficients

    def other_stream(model, n, rng, *args):  # as if simulate's seeding had changed
        draws, from_trend, chosen = own(model, n, rng, *args)
        return draws, ~from_trend, chosen

    monkeypatch.setattr(fc, "_draw_coefficients", other_stream)
    # simulate draws through the patched function too: patch tail13's view only
    monkeypatch.setattr(tail13.fc, "simulate", _simulate_with(own))
    with pytest.raises(RuntimeError, match="not the forecast's"):
        tail13.case_rows(SMALL, 1, 2015)


def _simulate_with(draw_coefficients):
    """``simulate`` with the real coefficient draws, whatever the module attribute says."""
    simulate = fc.simulate

    def run(*args, **kwargs):
        patched = fc._draw_coefficients
        fc._draw_coefficients = draw_coefficients
        try:
            return simulate(*args, **kwargs)
        finally:
            fc._draw_coefficients = patched

    return run
