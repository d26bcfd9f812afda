"""oracle14: the truth keeps the realised province's luck, the process run with abilities
per draw is the same process, the grid posterior is the posterior, and an oracle that knows
the abilities is the ideal."""

import hashlib
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from benchmarks.diagnostics import oracle14 as o
from ntm_analysis.model import calibration as cal
from ntm_analysis.model.known_processes import INITIAL, SCENARIOS

SMALL = {name: p.with_size(60, 4) for name, p in SCENARIOS.items()}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_truth_keeps_the_luck_that_made_it(name):
    """``realise`` keeps the district effects, each year's shock and registrations (the run's
    trace), and recording them draws nothing: the states are those of a run without it."""
    process = SMALL[name]
    seed = cal.scenario_seed(name, 5)
    truth = process.realise(seed)
    known = o.known_of(truth)
    steps = list(range(process.first_year, max(truth.states)))
    assert sorted(known.shocks) == steps == sorted(known.registered)
    shocks = np.array([known.shocks[t] for t in steps])
    assert (shocks == 0).all() if process.year_sd == 0 else (shocks != 0).all()
    registered = np.array([known.registered[t].sum() for t in steps])
    assert (registered == (process.quota if process.quota else 0)).all()
    # the commune effects left once the district and the flag are taken out: the prior's spread
    rest = truth.ability - known.prior_mean()
    assert 0.6 * process.commune_sd < rest.std() < 1.5 * process.commune_sd
    rng = np.random.default_rng(9)
    start = truth.states[2014]
    plain = process.run(start, truth.ability, 2014, 2017, 20, np.random.default_rng(9))
    traced = process.run(start, truth.ability, 2014, 2017, 20, rng, trace=[])
    assert all(np.array_equal(a, b) for a, b in zip(plain, traced, strict=True))


@pytest.mark.parametrize("name", ["quota", "push_at_12"])
def test_abilities_per_draw_run_the_same_numbers_as_one_ability_vector(name):
    process = SMALL[name]
    truth = process.realise(cal.scenario_seed(name, 1))
    one = process.run(truth.states[2014], truth.ability, 2014, 2018, 50, np.random.default_rng(3))
    tiled = np.tile(truth.ability, (50, 1))
    many = process.run(truth.states[2014], tiled, 2014, 2018, 50, np.random.default_rng(3))
    assert all(np.array_equal(a, b) for a, b in zip(one, many, strict=True))


def test_the_ideals_draws_are_those_before_abilities_per_draw():
    # digest of ideal_runs computed with known_processes.py before the change (main, 6c5e3d8)
    h = hashlib.sha256()
    for name in ("quota", "year_shocks"):
        truth = SMALL[name].realise(cal.scenario_seed(name, 2))
        for d in cal.ideal_runs(truth, 2014, 2018, [300, 200], cal.case_seed(name, 2, 2014)):
            for x in (d.count, d.mean_criteria, d.commune_p):
                h.update(x.tobytes())
    assert h.hexdigest()[:16] == "ce0b4ba43e4d05f5"


def _brute_log_likelihood(process, known, i, origin, a):
    """log P(commune i's history to ``origin`` | ability a) for an array of a, written out
    criterion by criterion (independently of ``log_likelihoods``)."""

    def log_p(x, happened):
        p = 1.0 / (1.0 + np.exp(-x))
        return np.log(p) if happened else np.log1p(-p)

    total = np.zeros_like(a)
    start = known.states[process.first_year][i]
    for c in range(19):
        total += log_p(INITIAL[c] + process.init_ability * a, start[c])
    for year in range(process.first_year, origin):
        before, after = known.states[year][i], known.states[year + 1][i]
        n_met = before.sum()
        shift = process.trend * (year - process.first_year) + known.shocks[year]
        if process.push_threshold is not None and n_met >= process.push_threshold:
            shift += process.push
        if process.quota and known.registered[year][i]:
            shift += process.quota_push
        for c in range(19):
            if not before[c]:
                eta = process.base_gain + process.difficulty[c] + shift + a
                total += log_p(eta, after[c])
    return total


@pytest.mark.parametrize("name", ["quota", "strong_communes"])
def test_the_grid_posterior_matches_an_importance_sample(name):
    process = SMALL[name]
    known = o.known_of(process.realise(cal.scenario_seed(name, 7)))
    origin = 2015
    post = o.posteriors(process, known, [origin])[origin]
    rng = np.random.default_rng(11)
    for i in (0, 17, 42):
        prior = known.prior_mean()[i] + process.commune_sd * rng.standard_normal(200_000)
        log_w = _brute_log_likelihood(process, known, i, origin, prior)
        w = np.exp(log_w - log_w.max())
        w /= w.sum()
        ess = 1.0 / np.sum(w**2)
        assert ess > 5_000
        mean = float(np.sum(w * prior))
        sd = float(np.sqrt(np.sum(w * (prior - mean) ** 2)))
        assert post.mean()[i] == pytest.approx(mean, abs=6 * sd / np.sqrt(ess))
        assert post.sd()[i] == pytest.approx(sd, rel=0.03)
        for q in (0.1, 0.5, 0.9):
            at = np.quantile(prior, q, weights=w, method="inverted_cdf")
            grid_cdf = post.cdf_at(np.full(len(post.abilities), at))[i]
            assert grid_cdf == pytest.approx(q, abs=0.02)
        draws = post.sample(20_000, np.random.default_rng(i))[:, i]
        assert draws.mean() == pytest.approx(mean, abs=0.05 * sd + 6 * sd / np.sqrt(ess))
        assert draws.std() == pytest.approx(sd, rel=0.05)


def test_the_true_abilities_look_like_draws_from_their_posteriors():
    # many communes: E[z²] of the truth near 1, a fifth of them in the posteriors' 10% tails
    process = SCENARIOS["year_shocks"].with_size(1000, 8)
    seed = cal.scenario_seed("year_shocks", 0)
    truth = process.realise(seed)
    known = o.known_of(truth)
    post = o.posteriors(process, known, [2016])[2016]
    z = (truth.ability - post.mean()) / post.sd()
    assert 0.85 < np.mean(z**2) < 1.15
    pit = post.cdf_at(truth.ability)
    assert 0.16 < np.mean((pit < 0.1) | (pit > 0.9)) < 0.24
    assert post.sd().mean() < 0.75 * process.commune_sd  # the history does tell something


def test_with_a_near_zero_commune_spread_the_oracle_is_the_ideal():
    process = replace(SMALL["year_shocks"], commune_sd=1e-6)
    truth = process.realise(cal.scenario_seed("year_shocks", 3))
    known = o.known_of(process.realise(cal.scenario_seed("year_shocks", 3)))
    post = o.posteriors(process, known, [2014])[2014]
    ability = post.sample(400, np.random.default_rng(9))
    assert np.abs(ability - truth.ability[None, :]).max() < 1e-5
    state = truth.states[2014]
    oracle = process.run(state, ability, 2014, 2018, 400, np.random.default_rng(5))
    ideal = process.run(state, truth.ability, 2014, 2018, 400, np.random.default_rng(5))
    # the posterior sits on the truth: the same shocks and coin flips, the same states but
    # for the rare cell that a millionth of a log-odds decides
    changed = [np.mean(a != b) for a, b in zip(oracle, ideal, strict=True)]
    assert max(changed) < 1e-4


def test_a_replicate_gives_every_case_with_finite_scores():
    rows = o.replicate_rows(SMALL["two_year_panels"], 1, [2013, 2016], n_draws=200)
    assert len(rows) == 2 * 4 * 2
    for r in rows:
        assert np.isfinite([r["oracle_crps"], r["ideal_crps"], r["identity_crps"]]).all()
        assert 0.0 <= r["oracle_pit"] <= 1.0


def test_the_table_gives_ratios_with_intervals_around_them():
    rows = []
    for r in range(4):
        rows += o.replicate_rows(SMALL["year_shocks"], r, [2016], n_draws=200)

    t = o.table(pd.DataFrame(rows), "mean_criteria")
    assert list(t["horizon"]) == [1, 2, 3, 4, 0]
    assert (t["oracle_lo"] <= t["oracle"]).all() and (t["oracle"] <= t["oracle_hi"]).all()
    assert "| year_shocks | pooled |" in o.markdown(t)


def test_without_district_spread_the_district_free_posterior_is_the_known_districts_one():
    process = replace(SMALL["push_at_12"], district_sd=1e-4)
    known = o.known_of(process.realise(cal.scenario_seed("push_at_12", 4)))
    fixed = o.posteriors(process, known, [2015])[2015]
    free = o.district_free(process, known, [2015])[2015].sample(4000, np.random.default_rng(2))
    sd = fixed.sd()
    assert np.abs(free.mean(axis=0) - fixed.mean()).max() < 6 * sd.max() / np.sqrt(4000)
    assert np.allclose(free.std(axis=0), sd, rtol=0.08)


def test_the_true_abilities_look_like_draws_from_the_district_free_posterior():
    process = SCENARIOS["year_shocks"].with_size(600, 8)
    seed = cal.scenario_seed("year_shocks", 0)
    truth = process.realise(seed)
    known = o.known_of(truth)
    draws = o.district_free(process, known, [2016])[2016].sample(1000, np.random.default_rng(1))
    z = (truth.ability - draws.mean(axis=0)) / draws.std(axis=0)
    assert 0.8 < np.mean(z**2) < 1.25
    below = (draws < truth.ability[None, :]).mean(axis=0)
    assert 0.15 < np.mean((below < 0.1) | (below > 0.9)) < 0.25


def test_a_trend_per_draw_equal_to_the_processs_runs_the_same_numbers():
    process = SMALL["accelerating"]
    truth = process.realise(cal.scenario_seed("accelerating", 1))
    ability = np.tile(truth.ability, (30, 1))
    same = o.oracle_draws(truth, ability, 2014, 2018, np.random.default_rng(4))
    per_draw = o.oracle_draws(
        truth, ability, 2014, 2018, np.random.default_rng(4), np.full(30, process.trend)
    )
    assert np.array_equal(same.count, per_draw.count)
    assert np.array_equal(same.mean_criteria, per_draw.mean_criteria)


def test_the_trend_posterior_is_exact_without_year_shocks_and_centred_with_them():
    calm = SMALL["strong_communes"]  # year_sd 0: the common terms give the trend exactly
    known = o.known_of(calm.realise(cal.scenario_seed("strong_communes", 2)))
    mean, sd = o.trend_posterior(calm, known, 2013)
    assert mean == pytest.approx(calm.trend) and sd == 0.0
    process = SMALL["accelerating"]
    z = []
    for r in range(200):
        known = o.known_of(process.realise(cal.scenario_seed("accelerating", r)))
        mean, sd = o.trend_posterior(process, known, 2015)
        assert sd == pytest.approx(process.year_sd / np.sqrt(0 + 1 + 4 + 9))
        z.append((mean - process.trend) / sd)
    assert abs(np.mean(z)) < 0.25 and 0.75 < np.std(z) < 1.25


def test_the_suite_trend_posterior_picks_the_true_trend_when_the_years_tell():
    assert o.SUITE_TRENDS == (0.05, 0.2)
    calm = SMALL["strong_communes"]  # no shocks: the common terms fix the trend
    known = o.known_of(calm.realise(cal.scenario_seed("strong_communes", 2)))
    assert list(o.suite_trend_weights(calm, known, 2013)) == [1.0, 0.0]
    late, early = [], []
    for r in range(100):
        known = o.known_of(SMALL["accelerating"].realise(cal.scenario_seed("accelerating", r)))
        late.append(o.suite_trend_weights(SMALL["accelerating"], known, 2016)[1])
        early.append(o.suite_trend_weights(SMALL["accelerating"], known, 2013)[1])
    assert np.mean(late) > 0.8 and 0.5 < np.mean(early) < np.mean(late)


def test_a_trend_twin_is_the_same_process_with_another_trend_and_its_own_name():
    process = SCENARIOS["accelerating"]
    twin = o.trend_twin(process, 0.05)
    assert (twin.name, twin.trend) == ("accelerating_trend0.05", 0.05)
    assert replace(twin, name=process.name, trend=process.trend) == process
    with pytest.raises(ValueError, match="already has trend"):
        o.trend_twin(process, 0.2)


def test_given_the_same_common_terms_a_twins_ability_posteriors_are_the_processs():
    """The premise of ``pair_table``: the communes' abilities depend on the trend only through
    each year's common term (trend·(t − first) + shock), which the oracle is told, so the
    suite oracle's ability draws are the same whichever trend is true."""
    process = SMALL["accelerating"]
    known = o.known_of(process.realise(cal.scenario_seed("accelerating", 3)))
    twin = o.trend_twin(process, 0.05)
    shift = process.trend - twin.trend
    same = replace(
        known,
        shocks={t: s + shift * (t - process.first_year) for t, s in known.shocks.items()},
    )
    own = o.posteriors(process, known, [2015])[2015]
    twins = o.posteriors(twin, same, [2015])[2015]
    np.testing.assert_allclose(twins.mean(), own.mean(), rtol=1e-12)
    other = o.posteriors(twin, known, [2015])[2015]  # the shocks alone: another posterior
    assert np.abs(other.mean() - own.mean()).max() > 0.05


def _pair_cases(oracle: dict[str, float], ideal: dict[str, float]) -> pd.DataFrame:
    """Two processes × 3 replicates × 2 origins × 4 horizons, one CRPS per process (times the
    horizon, times 1 + replicate / 10 so that a bootstrap over replicates moves)."""
    return pd.DataFrame(
        {
            "scenario": name,
            "replicate": r,
            "origin": origin,
            "horizon": h,
            "figure": "n_ntm",
            "trend": "suite",
            "oracle_crps": oracle[name] * h * (1 + r / 10),
            "ideal_crps": ideal[name],
        }
        for name in oracle
        for r in range(3)
        for origin in (2014, 2016)
        for h in cal.HORIZONS
    )


def test_the_pair_ratio_sums_both_processes_before_dividing():
    """Σ oracle / Σ ideal over the pair: a process with a large ideal CRPS weighs more, as in
    the bound (a ratio of sums, not a mean of ratios)."""
    cases = _pair_cases({"a": 3.0, "b": 1.0}, {"a": 2.0, "b": 1.0})
    t = o.pair_table(cases, "a", "b", "n_ntm")
    replicates = 1 + (0 + 1 + 2) / 10 / 3  # the mean of 1 + r / 10 over r = 0, 1, 2
    cell = t[(t["origin"] == 2014) & (t["horizon"] == 2)].iloc[0]
    assert cell["ratio"] == pytest.approx((3.0 * 2 + 1.0 * 2) * replicates / (2.0 + 1.0))
    pooled = t[(t["origin"] == 0) & (t["horizon"] == 0)].iloc[0]
    expected = (3.0 + 1.0) * sum(cal.HORIZONS) * replicates / (3.0 * 4)
    assert pooled["ratio"] == pytest.approx(expected)
    assert len(t) == 2 * 4 + 4 + 1
    # the bootstrap moves with the replicates, and the all-cells bound sits below the 90% one
    assert (t["lo"] < t["ratio"]).all() and (t["ratio"] < t["hi"]).all()
    assert (t["lo_all"] <= t["lo"]).all() and (t["lo_all"] < t["hi"]).all()


def test_the_pair_table_refuses_a_missing_twin_or_another_oracle():
    cases = _pair_cases({"a": 3.0, "b": 1.0}, {"a": 2.0, "b": 1.0})
    with pytest.raises(ValueError, match="both processes"):
        o.pair_table(cases[cases["scenario"] == "a"], "a", "b", "n_ntm")
    with pytest.raises(ValueError, match="both processes"):
        o.pair_table(cases.assign(trend="learnt"), "a", "b", "n_ntm")
    fewer = cases[(cases["scenario"] == "a") | (cases["replicate"] < 2)]
    with pytest.raises(ValueError, match="same replicates and origins"):
        o.pair_table(fewer, "a", "b", "n_ntm")


def test_a_twin_outside_the_suites_trends_is_refused_for_the_suite_oracle():
    """The suite oracle is the pair's Bayes forecast only when both trends are its prior's."""
    with pytest.raises(SystemExit):
        o.main(["--scenarios", "accelerating", "--trend", "suite", "--twin-trend", "0.1"])
