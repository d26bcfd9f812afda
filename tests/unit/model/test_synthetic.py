"""The synthetic-panel generator: determinism, the documented functional form, calibration."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from ntm_analysis.core.criteria import N_CRITERIA
from ntm_analysis.core.paths import bundled_dir
from ntm_analysis.io.reference import read_registry
from ntm_analysis.model import synthetic
from ntm_analysis.model.synthetic import (
    CALIBRATION_SEED,
    CALIBRATION_SEED_START,
    LANG_SON_PARAMS,
    GeneratorParams,
    calibrated_lang_son,
    find_calibration_seed,
    sigmoid,
    simulate_panel,
)

BUNDLED = bundled_dir("data") / "lang_son_ntm_2011_2016_synthetic.csv"
REGISTRY = read_registry(bundled_dir("data") / "units_lang_son_2017.csv")


def counts(panel) -> pd.Series:
    """Criteria met per commune-year."""
    return panel.wide().sum(axis=1)


# ------------------------------------------------------------------------------ determinism


def test_same_seed_same_panel_other_seed_other_panel():
    a = simulate_panel(seed=3, communes_per_district=4)
    b = simulate_panel(seed=3, communes_per_district=4)
    c = simulate_panel(seed=4, communes_per_district=4)
    pd.testing.assert_frame_equal(a.status, b.status)
    pd.testing.assert_frame_equal(a.communes, b.communes)
    assert not a.status["met"].equals(c.status["met"])


def test_a_seeds_panel_does_not_depend_on_the_batch_it_is_simulated_in():
    codes = np.repeat(REGISTRY.districts["district_code"].to_numpy(), 3)
    together = synthetic.simulate_communes(LANG_SON_PARAMS, codes, 6, [11, 12, 13])
    for k, seed in enumerate([11, 12, 13]):
        alone = synthetic.simulate_communes(LANG_SON_PARAMS, codes, 6, [seed])
        np.testing.assert_array_equal(together.met[k], alone.met[0])
        np.testing.assert_array_equal(together.difficult[k], alone.difficult[0])


# ------------------------------------------------------------------------------ shape, names


def test_placeholder_communes_follow_the_registry():
    panel = simulate_panel(seed=1, years=range(2011, 2014), communes_per_district={189: 12})
    assert panel.synthetic
    assert panel.years == [2011, 2012, 2013]
    per_district = panel.communes.groupby("district_code").size()
    expected = REGISTRY.districts.set_index("district_code")["n_communes"].copy()
    expected[189] = 12
    pd.testing.assert_series_equal(per_district, expected, check_names=False)
    short = REGISTRY.districts.set_index("district_code")["short"]
    for code, name, district in panel.communes[
        ["commune_code", "commune_name", "district_code"]
    ].itertuples(index=False):
        k = re.fullmatch(rf"X{district}(\d{{2}})", code)
        assert k, code
        assert name == f"Xã {short[district]}-{k.group(1)}"
    assert len(panel.status) == len(panel.communes) * 3 * N_CRITERIA


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="consecutive"):
        simulate_panel(years=[2011, 2013])
    with pytest.raises(ValueError, match="19 values"):
        GeneratorParams(gain_criterion=(0.0,) * 18)
    with pytest.raises(ValueError, match="capacity_sd"):
        GeneratorParams(capacity_sd=-1.0)


def test_especially_difficult_communes_are_the_rounded_share_of_each_district():
    panel = simulate_panel(seed=2)
    share = dict(LANG_SON_PARAMS.difficult_share)
    flagged = panel.communes.groupby("district_code")["difficult"].sum()
    size = panel.communes.groupby("district_code").size()
    for code in size.index:
        assert flagged[code] == int(np.floor(share[code] * size[code] + 0.5))
    assert flagged.sum() == 133  # the Programme 135 count the defaults are modelled on


# ------------------------------------------------------------------------------ functional form


def test_raising_gain_intercept_never_lowers_a_commune_and_raises_the_mean():
    base = simulate_panel(seed=5, communes_per_district=6)
    more = simulate_panel(
        replace(LANG_SON_PARAMS, gain_intercept=LANG_SON_PARAMS.gain_intercept + 0.5),
        seed=5,
        communes_per_district=6,
    )
    a, b = counts(base), counts(more)
    assert (b >= a).all()  # the monotone coupling of the documented draw
    assert b.groupby(level="year").mean().iloc[-1] > a.groupby(level="year").mean().iloc[-1] + 0.5


def test_no_gains_and_no_losses_freeze_the_first_year():
    frozen = replace(LANG_SON_PARAMS, gain_intercept=-60.0, loss_intercept=-60.0)
    panel = simulate_panel(frozen, seed=6, communes_per_district=5)
    wide = panel.wide()
    first = wide.xs(2011, level="year")
    for year in panel.years[1:]:
        pd.testing.assert_frame_equal(wide.xs(year, level="year"), first)


def test_first_year_shares_follow_the_initial_logit():
    params = replace(LANG_SON_PARAMS, capacity_sd=0.0, init_difficult=0.0, district_init_shift=())
    panel = simulate_panel(params, seed=8, years=[2011], communes_per_district=150)
    share = panel.wide().mean(axis=0).to_numpy()
    p = sigmoid(params.init_intercept + np.array(params.init_easiness))
    se = np.sqrt(p * (1 - p) / len(panel.communes))
    assert (np.abs(share - p) < 4.5 * se + 1e-9).all()


@pytest.mark.parametrize("kind", ["gain", "loss"])
def test_one_year_transitions_follow_the_documented_logits(kind):
    """Observed gains (losses) in the first transition match the formula's expected count."""
    params = replace(LANG_SON_PARAMS, commune_sd=0.0, b_trend=0.3, gain_intercept=-4.0)
    panel = simulate_panel(params, seed=9, years=[2011, 2012], communes_per_district=120)
    wide = panel.wide()
    now = wide.xs(2011, level="year").to_numpy()
    nxt = wide.xs(2012, level="year").to_numpy()
    info = panel.communes.set_index("commune_code").loc[wide.xs(2011, level="year").index]
    n_met = now.sum(axis=1)
    if kind == "gain":
        district = info["district_code"].map(dict(params.district_effect)).fillna(0.0).to_numpy()
        logit = (
            params.gain_intercept
            + np.array(params.gain_criterion)[None, :]
            + (
                params.b_n_met * n_met
                + params.b_close * (n_met >= params.close_threshold)
                + params.b_difficult * info["difficult"].to_numpy()
                + district
            )[:, None]
        )  # trend term is 0 in the first transition
        at_risk, event = ~now, nxt & ~now
    else:
        logit = (
            params.loss_intercept
            + np.array(params.loss_criterion)[None, :]
            + (params.b_loss_n_met * n_met)[:, None]
        )
        at_risk, event = now, now & ~nxt
    p = sigmoid(logit)[at_risk]
    expected, observed = p.sum(), event.sum()
    assert abs(observed - expected) < 4 * np.sqrt((p * (1 - p)).sum()) + 1
    # and by criterion the observed and expected counts move together
    by_criterion_obs = (event & at_risk).sum(axis=0)
    by_criterion_exp = np.where(at_risk, sigmoid(logit), 0.0).sum(axis=0)
    if kind == "gain":
        assert np.corrcoef(by_criterion_obs, by_criterion_exp)[0, 1] > 0.95


def test_the_trend_raises_later_gains():
    flat = replace(LANG_SON_PARAMS, b_trend=0.0)
    steep = replace(LANG_SON_PARAMS, b_trend=0.5)
    a = counts(simulate_panel(flat, seed=10, communes_per_district=6))
    b = counts(simulate_panel(steep, seed=10, communes_per_district=6))
    assert (b.xs(2011, level="year") == a.xs(2011, level="year")).all()  # first year unchanged
    assert (b >= a).all() and b.xs(2016, level="year").mean() > a.xs(2016, level="year").mean()


# ------------------------------------------------------------------------------ calibration


def test_the_recorded_seed_is_the_first_accepted_from_the_start():
    assert CALIBRATION_SEED > CALIBRATION_SEED_START  # a search happened, not a chosen draw
    tries = CALIBRATION_SEED - CALIBRATION_SEED_START + 1  # fail fast if it is not found
    assert find_calibration_seed(registry=REGISTRY, max_tries=tries) == CALIBRATION_SEED


def test_a_seed_that_misses_the_targets_is_refused():
    with pytest.raises(RuntimeError, match="misses the calibration targets"):
        calibrated_lang_son(CALIBRATION_SEED_START)


def test_regenerating_reproduces_the_bundled_file_byte_for_byte(tmp_path, capsys):
    out = tmp_path / "panel.csv"
    assert synthetic.main(["--out", str(out)]) == 0
    assert str(CALIBRATION_SEED) in capsys.readouterr().err
    assert out.read_bytes() == BUNDLED.read_bytes()
