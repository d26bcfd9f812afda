"""A forecast across 1 Jan 2020: simulate the 2017 units, count on the 2020 units.

Numbers and codes here; the same in words: tests/unit/report/test_crossing_words.py."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from locations import TEST_DATA

from ntm_analysis.analysis.crossing import (
    FULL,
    DenominatorChange,
    forecast_across,
    map_states,
    target_on_units,
)
from ntm_analysis.io.load import load_panel
from ntm_analysis.io.reference import read_targets

CROSSING = TEST_DATA / "admin_synthetic_values_2018_2020.csv"
TC = [f"TC{c}" for c in range(1, 20)]


@pytest.fixture(scope="module")
def panel_2017_units(tmp_path_factory):
    """2018–2019 on the 2017 units (synthetic values); a few communes near the standard, so
    that the forecast has NTM communes to count."""
    raw = pd.read_csv(CROSSING, dtype={"Mã xã": str})
    raw = raw[raw["Năm"] <= 2019].copy()
    near = raw["Mã xã"].isin(["06259", "06262", "06268", "06256", "06274", "06277"])
    raw.loc[near, TC] = 1
    raw.loc[near & (raw["Năm"] == 2019), "TC10"] = 0  # one criterion short in 2019
    path = tmp_path_factory.mktemp("geo") / "synthetic_2017_units.csv"
    raw.to_csv(path, index=False)
    return load_panel(path)


def test_target_carries_its_units():
    target = target_on_units(77, "2017", 2017)
    assert target.n_units == 207 and target.share == pytest.approx(77 / 207)
    assert target.restated(181) == pytest.approx(77 / 207 * 181)


def test_forecast_across_the_2020_change_counts_on_the_2020_units(panel_2017_units):
    panel = panel_2017_units
    assert panel.geography.vintage == "2017"
    target = target_on_units(77, "2017", 2017)
    # ~0.3% of draws have an NTM commune (losses of recognised communes in the file): 2,000
    # draws make "some draw has one" near certain whatever the engine's random numbers
    cf = forecast_across(panel, 2020, target, n_draws=2000, seed=3)
    assert (cf.from_vintage, cf.to_vintage) == ("2017", "2020")
    assert cf.n_units == 32  # the 2020 xã of Văn Lãng and Văn Quan (42 xã in 2017)
    assert "06262" not in set(cf.units["code"])  # Việt Yên merged into Liên Hội
    # the recorded states agree with the simulation's own NTM counts on the old units
    year = cf.forecast.years.index(2020)
    states = cf.forecast.states[:, year, :]
    assert ((states == FULL).sum(axis=1) == cf.forecast.ntm[:, year, :].sum(axis=1)).all()
    # Liên Hội is NTM in a draw only when Phú Mỹ, Việt Yên and Vân Mộng all are
    codes = cf.forecast.communes["commune_code"].tolist()
    parts = states[:, [codes.index(c) for c in ("06259", "06262", "06268")]]
    lien_hoi = (parts == FULL).all(axis=1)
    units, mapped, _ = map_states(states, codes, "2017", "2020")
    assert ((mapped[:, units["code"].tolist().index("06259")] == FULL) == lien_hoi).all()
    assert (cf.ntm == (mapped == FULL).sum(axis=1)).all()
    assert cf.ntm.max() > 0  # the test file has communes close to the standard
    # merging never creates an NTM commune out of parts that were not all NTM
    assert (cf.ntm <= (states == FULL).sum(axis=1)).all()
    # the province's target: 77 of 207 xã set in 2017; from 1/1/2020 the province has 181
    assert cf.target == target
    assert cf.denominator == DenominatorChange(target, dt.date(2020, 1, 1), 181)
    assert cf.denominator.value_to == pytest.approx(77 / 207 * 181)  # about 67
    assert cf.rule == "all" and cf.summary(target)["rule"] == "all"
    assert 0.0 <= cf.probability_of_share(target) <= 1.0


def test_largest_rule_falls_back_where_people_are_unknown(panel_2017_units):
    cf = forecast_across(panel_2017_units, 2020, rule="largest", n_draws=50, seed=1)
    notes = " ".join(n.render("en") for n in cf.notes)
    assert "xã Liên Hội" in notes and "used instead" in notes


def test_states_are_only_recorded_when_asked(panel_2017_units):
    from ntm_analysis.model.forecast import run_forecast

    plain = run_forecast(panel_2017_units, target_year=2020, n_draws=20, seed=1)
    assert plain.states is None
    recorded = run_forecast(
        panel_2017_units, target_year=2020, n_draws=20, seed=1, record_states=True
    )
    assert np.array_equal(plain.ntm, recorded.ntm)  # recording does not change the draws


def test_the_bundled_2020_target_says_which_units_it_counts():
    from ntm_analysis.core.targets import lookup, units_of

    targets = read_targets()
    value, _ = lookup(targets, 2020)
    vintage, set_in = units_of(targets, 2020)
    target = target_on_units(value, vintage, set_in)
    assert (target.value, target.vintage, target.n_units, target.set_in) == (77, "2017", 207, 2017)


def test_forecast_across_1_july_2025_counts_on_the_new_xa_by_former_district():
    panel = load_panel(TEST_DATA / "admin_synthetic_values_2023_2024.csv")
    assert panel.geography.vintage == "2024" and panel.communes.shape[0] == 175
    cf = forecast_across(panel, 2025, n_draws=100, seed=2)
    assert cf.to_vintage == "2025" and cf.n_units == 61  # the province: 61 xã, no districts
    assert cf.units["district_code"].isna().all()
    groups = cf.by_former_district()
    assert groups["n_units"].sum() == 61
    assert np.allclose(groups["mean"].sum(), cf.ntm.mean())
    names = set(groups["former_district"])
    assert "Đình Lập" in names and "Cao Lộc + Văn Quan" in names  # Khánh Khê, Tân Đoàn
    notes = " ".join(n.render("en") for n in cf.notes)
    assert "xã Na Sầm also takes in TT Na Sầm" in notes  # a thị trấn has no NTM assessment


def test_crossing_per_district_adds_up_to_the_province_and_restates_the_district_target(
    panel_2017_units,
):
    from ntm_analysis.core.errors import MessageError

    cf = forecast_across(panel_2017_units, 2020, target_on_units(77, "2017", 2017), n_draws=60)
    van_lang, van_quan = cf.for_district(182), cf.for_district(184)
    assert (van_lang.n_units, van_quan.n_units) == (16, 16)  # Văn Quan: 23 xã → 16
    assert van_lang.n_units + van_quan.n_units == cf.n_units
    assert np.array_equal(van_lang.ntm + van_quan.ntm, cf.ntm)  # the same draws, split
    assert van_quan.target is None and van_quan.denominator is None  # not the province's
    own = target_on_units(10, "2017", 2019, district_code=184)
    assert own.n_units == 23
    with_target = cf.for_district(184, own)
    # Văn Quan's 10 of 23 xã set in 2019; from 1/1/2020 the district has 16 xã: about 7 of 16
    assert with_target.denominator == DenominatorChange(
        own, dt.date(2020, 1, 1), 16, district_code=184, district_name="Văn Quan"
    )
    assert round(with_target.denominator.value_to) == 7
    summary = with_target.summary(own)
    assert summary["n_units"] == 16 and summary["district_code"] == 184
    assert summary["probability"] == with_target.probability(7)
    after_2025 = forecast_across(
        load_panel(TEST_DATA / "admin_synthetic_values_2023_2024.csv"), 2025, n_draws=20, seed=1
    )
    with pytest.raises(MessageError) as info:
        after_2025.for_district(184)  # no districts after 1 Jul 2025: never one invented
    assert "no districts from 1 Jul 2025" in str(info.value)


def test_former_district_groups_are_slices_of_the_same_draws():
    from ntm_analysis.analysis.crossing import former_district_table
    from ntm_analysis.model.forecast import run_forecast

    panel = load_panel(TEST_DATA / "admin_synthetic_values_2025_2026.csv")
    raw = pd.read_csv(TEST_DATA / "admin_synthetic_values_2025_2026.csv", dtype={"Mã xã": str})
    fc = run_forecast(panel, target_year=2028, n_draws=80, seed=3, record_states=True)
    table = former_district_table(fc, panel, 2028)
    assert table["n_communes"].sum() == 61
    assert np.isclose(table["expected"].sum(), fc.unit_draws()[:, -1].mean())  # adds up
    assert (table["lo80"] <= table["hi80"]).all()
    now = raw[raw["Năm"] == 2026].set_index("Mã xã")[TC].sum(axis=1)
    first = table.iloc[0]
    groups = panel.geography.former_district
    members = [c for c, g in groups.items() if g == first["former_district"]]
    assert first["mean_criteria"] == pytest.approx(now[members].mean())
    without = former_district_table(run_forecast(panel, 2028, 20, seed=3), panel, 2028)
    assert without["lo80"].isna().all()  # no states: no interval made up
