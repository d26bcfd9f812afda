"""The bundled data files: the synthetic panel reproduces the published Lạng Sơn figures.

The panel is read twice: with the project's loader (``load_panel``), as every tool reads it,
and with plain pandas, to check the file itself (headers, the synthetic flag, the count column).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from ntm_analysis.core.communes import Registry
from ntm_analysis.core.criteria import CRITERIA_NUMBERS, N_CRITERIA
from ntm_analysis.core.paths import bundled_dir
from ntm_analysis.core.targets import target_value
from ntm_analysis.io.layout import HEADER_ALIASES, criterion_header
from ntm_analysis.io.load import load_panel
from ntm_analysis.io.reference import read_registry, read_targets
from ntm_analysis.model.synthetic import CALIBRATION_SEED, EASY_CRITERIA, HARD_CRITERIA

DATA = bundled_dir("data")
PANEL_FILE = DATA / "lang_son_ntm_2011_2016_synthetic.csv"
H = {canonical: names[0] for canonical, names in HEADER_ALIASES.items()}  # written headers
TC = [criterion_header(c) for c in CRITERIA_NUMBERS]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return read_registry(DATA / "units_lang_son_2017.csv")


@pytest.fixture(scope="module")
def panel(registry):
    return load_panel(PANEL_FILE, registry=registry)


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_csv(PANEL_FILE, dtype={H["commune_code"]: str})


@pytest.fixture(scope="module")
def counts(panel) -> pd.DataFrame:
    """Criteria met per commune and year, with the district."""
    n_met = panel.wide().sum(axis=1).rename("n_met").reset_index()
    return n_met.merge(panel.communes, on="commune_code")


def yearly(counts: pd.DataFrame) -> pd.DataFrame:
    by_year = counts.groupby("year")["n_met"]
    return pd.DataFrame({"mean": by_year.mean(), "n_ntm": by_year.apply(lambda s: (s == 19).sum())})


# ------------------------------------------------------------------------------ the calibration


def test_end_2016_mean_is_8_5_and_24_communes_meet_all_19(counts):
    y = yearly(counts)
    assert round(y.loc[2016, "mean"], 1) == 8.5
    assert y.loc[2016, "n_ntm"] == 24


def test_end_2015_mean_is_7_4_and_at_least_8_communes_meet_all_19(counts):
    y = yearly(counts)
    assert round(y.loc[2015, "mean"], 1) == 7.4
    assert y.loc[2015, "n_ntm"] >= 8
    assert round(y.loc[2016, "mean"] - y.loc[2015, "mean"], 1) == 1.1  # the reported change


def test_every_commune_of_thanh_pho_lang_son_meets_all_19_in_2016(counts):
    city = counts[(counts["district_code"] == 178) & (counts["year"] == 2016)]
    assert len(city) == 3 and (city["n_met"] == N_CRITERIA).all()


def test_panel_agrees_with_every_published_figure(counts):
    published = pd.read_csv(DATA / "lang_son_published_figures.csv")
    for row in published.itertuples(index=False):
        rows = counts[counts["year"] == row.year]
        if row.level == "district":
            rows = rows[rows["district_code"] == row.unit_code]
        value = {
            "n_communes": len(rows),
            "mean_criteria": round(rows["n_met"].mean(), 1),
            "n_ntm": int((rows["n_met"] == N_CRITERIA).sum()),
        }[row.indicator]
        if row.level == "province" and row.indicator == "n_ntm" and row.year == 2015:
            assert value >= row.value, row  # published at 7 Dec 2015, the panel is 31 Dec
        else:
            assert value == row.value, row


def test_trajectory_is_a_gradual_rise_with_few_early_ntm_communes(counts):
    y = yearly(counts)
    assert list(y.index) == list(range(2011, 2017))
    assert y["mean"].is_monotonic_increasing and y["mean"].diff().dropna().lt(1.5).all()
    assert y.loc[2011, "mean"] < 5.28  # below the national 2011 average
    assert y.loc[2011, "n_ntm"] == 0 and y.loc[2013, "n_ntm"] <= 3
    assert y["n_ntm"].is_monotonic_increasing


def test_some_communes_lose_a_criterion_from_one_year_to_the_next(panel):
    wide = panel.wide()
    lost = []
    for year in panel.years[1:]:
        before = wide.xs(year - 1, level="year")
        after = wide.xs(year, level="year").reindex(before.index)
        lost.append((before & ~after).sum(axis=1))
    per_commune = pd.concat(lost, axis=1).sum(axis=1)
    assert per_commune.sum() >= 20 and (per_commune > 0).sum() >= 10
    assert (per_commune > 0).mean() < 0.5  # rare: most communes never lose one


def test_hard_criteria_are_attained_less_than_easy_ones_in_2016(panel):
    share = panel.wide().xs(2016, level="year").mean(axis=0)
    assert share[list(HARD_CRITERIA)].max() < share[list(EASY_CRITERIA)].min()


def test_some_but_not_all_communes_are_especially_difficult(panel):
    flagged = panel.communes.groupby("district_code")["difficult"].sum()
    assert flagged.sum() == 133 and flagged[178] == 0


# ------------------------------------------------------------------------------ the file itself


def test_district_counts_match_the_registry(panel, registry):
    per_district = panel.communes.groupby("district_code").size()
    expected = registry.districts.set_index("district_code")["n_communes"]
    pd.testing.assert_series_equal(per_district, expected, check_names=False)
    assert len(panel.communes) == 207


def test_only_placeholder_commune_names_and_codes(raw, registry):
    short = registry.districts.set_index("district_code")["short"]
    communes = raw[[H["commune_code"], H["commune_name"], H["district_code"]]].drop_duplicates()
    assert len(communes) == 207
    for code, name, district in communes.itertuples(index=False):
        match = re.fullmatch(rf"X{district}(\d{{2}})", code)
        assert match, code  # never a GSO commune code (those are 5 digits)
        assert name == f"Xã {short[district]}-{match.group(1)}", name
    text = PANEL_FILE.read_text(encoding="utf-8")
    for real in ("Vạn Linh", "Xuân Mai", "Gia Cát", "Hoàng Đồng", "Mai Pha", "Quảng Lạc"):
        assert real not in text


def test_file_is_marked_synthetic_and_its_count_column_adds_up(raw, panel):
    assert panel.synthetic
    assert (raw[H["synthetic"]] == 1).all()
    assert (raw[TC].sum(axis=1) == raw[H["n_met"]]).all()
    assert raw[TC].isin([0, 1]).all().all()
    assert list(raw.columns[:6]) == [
        H[c] for c in ("commune_code", "commune_name", "district_code", "district_name", "year")
    ] + [H["difficult"]]


def test_targets_file_has_the_plan_figures():
    targets = read_targets(DATA / "lang_son_targets.csv")
    assert target_value(targets, 2020) == 77
    assert target_value(targets, 2017) == 38
    assert target_value(targets, 2017, "n_ntm_change") == 14
    assert target_value(targets, 2017, "mean_criteria") == 9.4
    assert target_value(targets, 2020, "mean_criteria") == 13.8
    assert target_value(targets, 2017, "n_below_5_change") == -20
    assert (targets["official"] == 1).all() and (targets["level"] == "province").all()
    assert targets["source"].str.contains("Báo Lạng Sơn").all()


def test_data_card_names_the_seed_and_every_data_file():
    card = (DATA / "README.md").read_text(encoding="utf-8")
    assert str(CALIBRATION_SEED) in card
    for path in DATA.iterdir():
        if path.is_file() and path.name != "README.md" and not path.name.startswith("."):
            assert path.name in card, path.name
