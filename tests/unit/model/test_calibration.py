"""The calibration suite tests itself: the ideal forecast passes, wrong forecasters fail.

A small, fast version of ``make calibrate``: few replicates of a small province. What it must
show is that the harness can tell a calibrated forecaster from an overconfident or a biased
one; the full table (``benchmarks/CALIBRATION.md``) is where the model is judged.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np
import pandas as pd
import pytest

from ntm_analysis.core.criteria import N_CRITERIA
from ntm_analysis.model import calibration as cal
from ntm_analysis.model.known_processes import LAST_YEAR, SCENARIOS

SMALL = SCENARIOS["year_shocks"].with_size(80, 5)
# For the oracle run: many small provinces (nearly independent cases), no shared year shock
# (which would tie a replicate's cases together), so that the ideal's chance misses are rare:
# 300 cases put a PIT tail's standard error near 0.017, a third of the 5-point goal margin.
TINY = SCENARIOS["strong_communes"].with_size(30, 3)
REPLICATES, HORIZONS = 150, (1, 3)


# --------------------------------------------------------------------------- known processes
def test_a_realised_province_runs_to_2020_and_shows_only_its_history():
    truth = SMALL.realise(3)
    assert sorted(truth.states) == list(range(SMALL.first_year, LAST_YEAR + 1))
    first, last = truth.states[SMALL.first_year], truth.states[LAST_YEAR]
    assert last.sum() > first.sum()  # progress happens
    panel = truth.panel(2014)
    assert panel.years == [2011, 2012, 2013, 2014]
    assert panel.synthetic and "synthetic" in panel.source
    assert len(panel.communes) == 80 and panel.communes["district_code"].nunique() == 5
    wide = panel.wide().xs(2014, level="year").reindex(truth.communes["commune_code"])
    np.testing.assert_array_equal(wide.to_numpy(), truth.states[2014])


def test_short_panel_processes_hide_the_early_years():
    truth = SCENARIOS["two_year_panels"].with_size(30, 3).realise(0)
    assert truth.panel(2015).years == [2014, 2015]
    assert SCENARIOS["three_year_panels"].with_size(30, 3).realise(0).panel(2013).years == [
        2011,
        2012,
        2013,
    ]


def test_quota_registers_exactly_the_quota_among_unrecognised_communes():
    process = SCENARIOS["quota"].with_size(40, 4)
    n_met = np.array([[19, 18, 17, 3, 12] * 8] * 2)
    chosen = process.registered(n_met, np.random.default_rng(0))
    assert (chosen.sum(axis=1) == process.quota).all()
    assert not chosen[n_met == N_CRITERIA].any()


def test_ideal_forecast_of_a_frozen_process_is_the_origin_state():
    frozen = replace(SMALL, base_gain=-60.0, trend=0.0, year_sd=0.0, loss=0.0, push=0.0)
    truth = frozen.realise(1)
    draws = cal.ideal_draws(truth, 2014, 2016, 50, 0)
    start = truth.states[2014].sum(axis=1)
    assert draws.years == [2015, 2016]
    assert (draws.count == (start == N_CRITERIA).sum()).all()
    np.testing.assert_allclose(draws.mean_criteria, start.mean())


def test_one_run_of_the_process_splits_into_independent_ideal_forecasts():
    truth = SMALL.realise(2)
    ideal, independent = cal.ideal_runs(truth, 2014, 2017, [300, 100], 0)
    assert ideal.count.shape == (300, 3) and independent.count.shape == (100, 3)
    assert independent.commune_p.shape == (3, len(truth.communes))
    assert not np.array_equal(ideal.count[:100], independent.count)  # other draws, not a copy
    # both from the same process: their means agree within Monte Carlo error
    se = np.sqrt(ideal.count.var(axis=0) / 300 + independent.count.var(axis=0) / 100)
    assert (np.abs(ideal.count.mean(axis=0) - independent.count.mean(axis=0)) < 4 * se + 1e-9).all()


def test_a_case_scores_the_same_alone_or_within_its_replicate():
    """A case's luck comes from the case alone: a resumed run scores it as a straight one."""
    oracles = {"ideal": cal.identity, "biased": cal.biased}
    alone, _, _ = cal.score_case(SMALL, 1, 2015, {}, oracles, (1, 2), 50, 100)
    within, _, _ = cal.score_replicate(SMALL, 1, {}, oracles, (2013, 2015), (1, 2), 50, 100)
    pd.testing.assert_frame_equal(alone, within[within["origin"] == 2015].reset_index(drop=True))


# --------------------------------------------------------------------------- scores by hand
def test_crps_of_a_point_forecast_is_the_absolute_error():
    assert cal.crps_sample(np.full(10, 3.0), 5.0) == pytest.approx(2.0)


def test_crps_of_a_three_point_sample_by_hand():
    # X uniform on {0, 1, 2}, y = 0: E|X - y| = 1; over distinct pairs E|X - X'| = 4/3
    assert cal.crps_sample(np.array([0.0, 1.0, 2.0]), 0.0) == pytest.approx(1 - 2 / 3)


def test_crps_is_unbiased_whatever_the_number_of_draws():
    """The fair estimator: averaged over many 5-draw samples of N(0, 1) it gives the normal's
    CRPS at 0 (2φ(0) − 1/√π = 0.2337); the plain sample version is 0.11 too high there, so a
    forecaster scored on fewer draws than the ideal would look worse than it is."""
    rng = np.random.default_rng(0)
    scores = [cal.crps_sample(rng.normal(size=5), 0.0) for _ in range(20_000)]
    exact = 2 / np.sqrt(2 * np.pi) - 1 / np.sqrt(np.pi)
    assert np.mean(scores) == pytest.approx(exact, abs=0.01)


def test_randomised_pit_spreads_a_tie_over_its_step():
    x = np.array([1.0, 2.0, 2.0, 3.0])
    assert cal.randomised_pit(x, 2.0, 0.0) == pytest.approx(0.25)
    assert cal.randomised_pit(x, 2.0, 1.0) == pytest.approx(0.75)
    assert cal.randomised_pit(x, 0.0, 0.5) == 0.0


def test_calibration_slope_recovers_a_known_slope():
    rng = np.random.default_rng(0)
    p = rng.uniform(0.02, 0.98, 20_000)
    logit = np.log(p / (1 - p))
    y = rng.random(p.size) < 1 / (1 + np.exp(-0.5 * logit))  # truth half as steep
    assert cal.calibration_slope(p, y) == pytest.approx(0.5, abs=0.05)
    assert np.isnan(cal.calibration_slope(p[:5], y[:5]))  # too few events: no slope


def test_goals_mark_pass_and_fail_from_the_values():
    cases = pd.DataFrame(
        {
            "scenario": "s",
            "forecaster": "f",
            "figure": "mean_criteria",
            "origin": 2014,
            "horizon": 1,
            "observed": [1.0, 2.0, 3.0, 4.0],
            "mean": [1.0, 2.0, 3.0, 4.0],
            "lo80": [0.0, 0.0, 0.0, 5.0],
            "hi80": [9.0, 9.0, 9.0, 9.0],
            "lo95": 0.0,
            "hi95": 9.0,
            "pit": [0.5, 0.5, 0.05, 0.95],
            "crps": 1.0,
            "ideal_width80": 4.0,
            "ideal_crps": 0.5,
        }
    )
    row = cal.summarise(cases, pd.DataFrame()).iloc[-1]
    assert row["coverage80"] == 0.75 and row["coverage80 0.72–0.88"]
    assert row["coverage95"] == 1.0 and row["coverage95 ≥ 0.90"]
    assert row["pit_low"] == 0.25 and not row["PIT < 0.1 in 5–15%"]
    assert row["crps_ratio"] == 2.0 and not row["CRPS ≤ 1.3 × ideal"]
    assert row["bias"] == 0.0 and row["abs(bias) ≤ ¼ ideal 80% width"]
    assert row["slope 0.8–1.2"] is None  # not judged without commune rows


# --------------------------------------------------------------------------- the harness works
@pytest.fixture(scope="module")
def oracle_run():
    return cal.run(
        [TINY],
        forecasters={},
        oracles={
            "ideal": cal.identity,
            "overconfident": partial(cal.overconfident, factor=0.4),
            "biased": partial(cal.biased, shift=0.6),
        },
        replicates=REPLICATES,
        origins=(2015,),
        horizons=HORIZONS,
        n_draws=200,
        n_ideal=300,
        seed=1,
    )


def _pooled(result: cal.Calibration, forecaster: str, figure: str) -> pd.Series:
    s = result.summary
    rows = s[(s["forecaster"] == forecaster) & (s["figure"] == figure) & (s["origin"] == 0)]
    return rows.iloc[0]


def test_the_ideal_forecast_passes(oracle_run):
    for figure in ("n_ntm", "mean_criteria"):
        row = _pooled(oracle_run, "ideal", figure)
        assert row["n"] == REPLICATES * len(HORIZONS)
        for goal in ("PIT < 0.1 in 5–15%", "PIT > 0.9 in 5–15%", "CRPS ≤ 1.3 × ideal"):
            assert row[goal], (figure, goal, row.to_dict())
        assert row["abs(bias) ≤ ¼ ideal 80% width"], row.to_dict()
    assert _pooled(oracle_run, "ideal", "mean_criteria")["coverage80 0.72–0.88"]
    # whole-number intervals of a small count cover more than their nominal share (here
    # about 0.92): the interval goal cannot be met exactly on counts of a few communes
    assert _pooled(oracle_run, "ideal", "n_ntm")["coverage80"] >= 0.72
    count = _pooled(oracle_run, "ideal", "n_ntm")
    assert count["slope 0.8–1.2"], count["slope"]
    assert count["abs(P(target) − hit rate) ≤ 0.1"] and count["Brier(target) ≤ 1.3 × ideal"]


def test_an_overconfident_forecast_fails_coverage_pit_and_slope(oracle_run):
    for figure in ("n_ntm", "mean_criteria"):
        row = _pooled(oracle_run, "overconfident", figure)
        assert not row["coverage80 0.72–0.88"] and row["coverage80"] < 0.72
        assert not row["coverage95 ≥ 0.90"]
        assert row["pit_low"] > 0.15 and row["pit_high"] > 0.15
    assert _pooled(oracle_run, "overconfident", "n_ntm")["slope"] < 0.8


def test_a_biased_forecast_fails_bias_and_one_pit_tail(oracle_run):
    for figure in ("n_ntm", "mean_criteria"):
        row = _pooled(oracle_run, "biased", figure)
        assert row["bias"] > 0 and not row["abs(bias) ≤ ¼ ideal 80% width"]
        assert row["pit_low"] > 0.15 and row["pit_high"] < 0.05  # realised values fall low


def test_goal_counts_give_passed_over_judged(oracle_run):
    counts = cal.goal_counts(oracle_run.summary).set_index(["forecaster", "figure"])
    assert counts.loc[("overconfident", "mean_criteria"), "coverage80 0.72–0.88"] == "0/2"
    assert counts.loc[("ideal", "mean_criteria"), "slope 0.8–1.2"] == "–"


def test_a_crashing_forecaster_is_recorded_not_hidden():
    def broken(history, last_year, n_draws, seed):
        raise KeyError(2013)

    cases, _communes, errors = cal.score_replicate(
        SMALL, 0, {"broken": broken}, {"ideal": cal.identity}, (2015,), (1,), 50, 100
    )
    assert errors["message"].tolist() == ["KeyError: 2013"]
    assert set(cases["forecaster"]) == {"ideal"}


def test_the_project_model_runs_through_the_suite():
    """The adapter (``model_forecaster``) keeps up with the forecast's interface."""
    process = SCENARIOS["year_shocks"].with_size(40, 3)
    cases, _communes, errors = cal.score_replicate(
        process, 0, {"model": cal.model_forecaster}, {}, (2015,), (1, 2), 100, 200
    )
    assert errors.empty, errors["message"].tolist()
    assert set(cases["horizon"]) == {1, 2} and len(cases) == 4
    assert cases[["mean", "lo80", "hi80", "crps"]].notna().all().all()


def test_the_table_keeps_other_runs_sections(tmp_path):
    from benchmarks.calibrate import write

    out = tmp_path / "CALIBRATION.md"
    write(out, "before", "## Run: before\n\nold\n")
    write(out, "after", "## Run: after\n\nnew\n")
    write(out, "before", "## Run: before\n\nrerun\n")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Calibration table")
    assert "rerun" in text and "new" in text and "old" not in text
    assert text.index("## Run: before") < text.index("## Run: after")


def test_a_rewritten_section_keeps_its_hand_written_reading(tmp_path):
    from benchmarks.calibrate import write

    out = tmp_path / "CALIBRATION.md"
    write(out, "s5", "## Run: s5\n\n- 10 replicates\n\n### Goals\n\nold table\n")
    text = out.read_text(encoding="utf-8").replace(
        "### Goals", "### Reading this run\n\nWhere it fails, at 10 replicates.\n\n### Goals"
    )
    out.write_text(text, encoding="utf-8")
    write(out, "s5", "## Run: s5\n\n- 40 replicates\n\n### Goals\n\nnew table\n")
    text = out.read_text(encoding="utf-8")
    assert "40 replicates" in text and "new table" in text and "old table" not in text
    assert text.index("- 40") < text.index("Where it fails, at 10") < text.index("new table")


def test_the_written_table_marks_failures_beside_the_ideal(oracle_run):
    from benchmarks.calibrate import section

    renamed = {"overconfident": "model"}
    result = replace(
        oracle_run,
        summary=oracle_run.summary.replace({"forecaster": renamed}),
        settings={**oracle_run.settings, "completed": {TINY.name: REPLICATES}},
    )
    text = section(result, "test", 60.0, 1)
    assert text.startswith("## Run: test")
    # the overconfident forecaster, shown as "model", fails 80% coverage in both cells; the
    # ideal, in brackets, passes them
    assert "| strong_communes | n_ntm | 0/2 (" in text
    assert "✗" in text and "Forecaster errors: 0" in text


# --- forecast: the true-form reference
def test_the_true_form_keeps_only_the_process_own_push():
    push12 = cal.true_form_terms(SCENARIOS["push_at_12"])
    assert "close_12" not in push12 and {"close", "n_met", "level"} <= set(push12)
    assert "close" not in cal.true_form_terms(SCENARIOS["strong_communes"])
    quota = cal.true_form_terms(SCENARIOS["quota"])
    assert {"close", "close_12", "close_17"} <= set(quota)


def test_the_true_form_reference_runs_through_the_suite_per_scenario():
    process = SCENARIOS["push_at_12"].with_size(40, 3)
    cases, _communes, errors = cal.score_replicate(
        process, 0, {"true_form": cal.TrueForm()}, {}, (2015,), (1,), 100, 200
    )
    assert errors.empty, errors["message"].tolist()
    assert set(cases["forecaster"]) == {"true_form"} and len(cases) == 2


def test_the_model_is_not_overconfident_on_a_small_known_process():
    """One cheap property of the model itself (the full table is ``make calibrate``): on a
    small province with shared year shocks, its 80% intervals of the count cover the truth at
    least 60% of the time one and two years ahead and its bias stays within the ideal's
    80% width. The model before the mixed GLMM covered 36–63% on these processes."""
    process = SCENARIOS["year_shocks"].with_size(60, 3)
    result = cal.run(
        [process],
        oracles={"ideal": cal.identity},
        replicates=12,
        origins=(2015,),
        horizons=(1, 2),
        n_draws=200,
        n_ideal=300,
    )
    pooled = result.summary.set_index(["forecaster", "figure", "origin"]).loc[("model", "n_ntm", 0)]
    assert pooled["coverage80"] >= 0.6, pooled["coverage80"]
    assert pooled["bias_ratio"] <= 1.0, pooled["bias_ratio"]
