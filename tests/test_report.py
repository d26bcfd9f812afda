"""Report sections built in-process: words from i18n, synthetic labels, targets, the cache."""

from __future__ import annotations

import re

import pytest

from ntm_analysis import i18n, plots, report
from ntm_analysis.layout import write_panel
from ntm_analysis.synthetic import simulate_panel

SECTIONS = [
    report.headline,
    report.now,
    report.trend,
    report.forecast,
    report.closest,
    report.bottlenecks,
    report.pace,
    report.methods,
    report.backtest,
    report.note,
]
PROVINCE_SECTIONS = [
    report.headline,
    report.districts,
    report.district_chart,
    report.forecast,
    report.backtest,
    report.note,
]
FAST = {"draws": 200, "seed": 3, "province_target": 20, "backtest_draws": 0}


@pytest.fixture(scope="module")
def panel_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "panel.csv"
    write_panel(simulate_panel(seed=7, communes_per_district=5), path)
    return str(path)


@pytest.fixture(scope="module")
def cache(panel_file, tmp_path_factory):
    """One fitted and simulated forecast, shared by every report below (as in the batch)."""
    from ntm_analysis.load import load_panel

    meta = report.analysis_meta(
        report.file_sha256(panel_file),
        as_of=2016,
        target_year=2020,
        draws=FAST["draws"],
        seed=FAST["seed"],
        scenario=None,
        backtest_draws=0,
    )
    path, _ = report.ensure_analysis(load_panel(panel_file), meta, tmp_path_factory.mktemp("cache"))
    return str(path)


@pytest.fixture(scope="module")
def district(panel_file, cache):
    return report.prepare(
        district="Tràng Định", data_path=panel_file, lang="vi", forecast_cache=cache, **FAST
    )


@pytest.fixture(scope="module")
def district_en_with_target(panel_file, cache):
    return report.prepare(
        district="180",
        data_path=panel_file,
        lang="en",
        district_target=2,
        forecast_cache=cache,
        **FAST,
    )


@pytest.fixture(scope="module")
def province(panel_file, cache):
    return report.prepare(data_path=panel_file, lang="en", forecast_cache=cache, **FAST)


def _check_section(section: report.Section, synthetic: bool = True) -> None:
    assert isinstance(section, report.Section)
    text = section.text()
    assert not re.search(r"\b(nan|None|NaN)\b", text), text
    for fig in section.figures():
        gids = {t.get_gid() for t in fig.texts}
        assert (plots.MARK_GID in gids) == synthetic, "every chart is labelled synthetic"


@pytest.mark.parametrize("section", SECTIONS, ids=lambda f: f.__name__)
def test_every_district_section_renders(district, district_en_with_target, section):
    _check_section(section(district))
    _check_section(section(district_en_with_target))


@pytest.mark.parametrize("section", PROVINCE_SECTIONS, ids=lambda f: f.__name__)
def test_every_province_section_renders(province, section):
    _check_section(section(province))


def test_a_district_without_a_target_gets_no_probability_and_no_split(district):
    res = district.results
    assert res["target"] is None and res["probability"] is None and res["status"] is None
    text = report.headline(district).text()
    assert i18n.t("report.status.none", "vi") in text
    assert i18n.t("report.target.none_district", "vi") in text
    assert "77" not in text and "20" not in text.split("2020")[0]  # no province figure
    forecast = report.forecast(district).text()
    assert i18n.t("report.forecast.distribution", "vi", year=2020) in forecast
    assert i18n.t("report.pace.no_target", "vi", window=3, observed="0,0")[:30] in (
        report.pace(district).text()
    )


def test_a_user_target_is_labelled_not_official(district_en_with_target):
    rep = district_en_with_target
    text = report.headline(rep).text()
    assert "supplied by the user, not an official target" in text
    assert rep.results["probability"] is not None
    assert i18n.status_label(rep.results["status"], "en") in text
    assert "Not reached by 2020" in report.forecast(rep).text() or "First year" in (
        report.forecast(rep).text()
    )


def test_the_synthetic_data_is_named_in_the_banner_and_the_note(district):
    assert "Dữ liệu mô phỏng" in report.headline(district).text()
    assert "synthetic data" in report.note(district).text()


def test_the_cache_is_reused_and_refuses_other_parameters(panel_file, cache, district):
    meta = report.load_analysis(cache).meta
    path, reused = report.ensure_analysis(district.panel, meta, report.Path(cache).parent)
    assert reused and str(path) == cache
    with pytest.raises(ValueError, match="draws"):
        report.prepare(
            district="Tràng Định",
            data_path=panel_file,
            forecast_cache=cache,
            **(FAST | {"draws": 300}),
        )
    with pytest.raises(ValueError, match="data_sha256"):
        report.load_analysis(cache, meta | {"data_sha256": "0" * 64})
    other = report.Path(cache).with_name("other.pkl")
    other.write_bytes(b"not a pickle")
    with pytest.raises(Exception):  # noqa: B017  (any error, never a silently wrong report)
        report.load_analysis(other, meta)


def test_scenario_from_dict():
    scenario = report.scenario_from_dict(
        {"name": "income", "criterion_odds": {"10": 1.5}, "priority_communes": ["X18001"]}
    )
    assert scenario.criterion_odds == {10: 1.5}
    assert scenario.priority_communes == ("X18001",)
    assert report.scenario_from_dict(None) is None
    with pytest.raises(ValueError, match="unknown key"):
        report.scenario_from_dict({"odds": {}})
