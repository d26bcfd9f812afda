"""Report sections built in-process: concrete words from i18n, targets, the all-met case,
one statistic, unit names in the reader's language, the backtest's numbers, the cache."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from locations import REPO
from matplotlib.text import Text

from ntm_analysis import i18n
from ntm_analysis.analysis import cache as analysis_cache
from ntm_analysis.analysis.results import history
from ntm_analysis.batch.records import UnitEntry
from ntm_analysis.core.paths import default_units_path
from ntm_analysis.io.layout import write_panel
from ntm_analysis.io.load import load_panel
from ntm_analysis.model.backtest import Backtest
from ntm_analysis.model.baselines import pace as observed_pace
from ntm_analysis.model.metrics import bottlenecks as current_bottlenecks
from ntm_analysis.model.synthetic import simulate_panel
from ntm_analysis.report import base as report_base
from ntm_analysis.report import methods as report_methods
from ntm_analysis.report import plots
from ntm_analysis.report import sections as report
from ntm_analysis.report.criteria import criterion_label

SECTIONS = [
    report.headline,
    report.plan,
    report.now,
    report.trend,
    report.forecast,
    report.closest,
    report.priority,
    report.bottlenecks,
    report.pace,
    report.methods,
    report.backtest,
    report.note,
]
PROVINCE_SECTIONS = [
    report.headline,
    report.plan,
    report.districts,
    report.district_chart,
    report.forecast,
    report.priority,
    report.pace,
    report.methods,
    report.backtest,
    report.note,
]
FAST = {"draws": 200, "seed": 3, "backtest_draws": 40}
N_PER_DISTRICT = 5
REPO = REPO
CITY = 178  # Thành phố Lạng Sơn: in the fixture every one of its communes meets the standard


@pytest.fixture(scope="module")
def panel_file(tmp_path_factory):
    """Synthetic panel, 5 communes per district; the city's communes meet all 19 from 2014."""
    path = tmp_path_factory.mktemp("report") / "panel.csv"
    write_panel(simulate_panel(seed=7, communes_per_district=N_PER_DISTRICT), path)
    table = pd.read_csv(path, dtype={"Mã xã": str})
    city = (table["Mã huyện"] == CITY) & (table["Năm"] >= 2014)
    table.loc[city, [f"TC{c}" for c in range(1, 20)]] = 1
    table.loc[city, "Số tiêu chí đạt"] = 19
    table.to_csv(path, index=False)
    return str(path)


@pytest.fixture(scope="module")
def cache(panel_file, tmp_path_factory):
    """One fitted and simulated forecast (and backtest), shared by every report below."""
    meta = analysis_cache.analysis_meta(
        analysis_cache.file_sha256(panel_file),
        as_of=2016,
        target_year=2020,
        draws=FAST["draws"],
        seed=FAST["seed"],
        scenario=None,
        backtest_draws=FAST["backtest_draws"],
    )
    path, _ = analysis_cache.ensure_analysis(
        load_panel(panel_file), meta, tmp_path_factory.mktemp("cache")
    )
    return str(path)


def _prepare(panel_file, cache, **kwargs):
    return report.prepare(data_path=panel_file, forecast_cache=cache, **(FAST | kwargs))


@pytest.fixture(scope="module")
def district(panel_file, cache):
    return _prepare(panel_file, cache, district="Tràng Định", lang="vi")


@pytest.fixture(scope="module")
def district_en_with_target(panel_file, cache):
    return _prepare(panel_file, cache, district="180", lang="en", district_target=2)


@pytest.fixture(scope="module")
def city(panel_file, cache):
    return _prepare(panel_file, cache, district="Thành phố Lạng Sơn", lang="vi")


@pytest.fixture(scope="module")
def city_en(panel_file, cache):
    return _prepare(panel_file, cache, district="178", lang="en")


@pytest.fixture(scope="module")
def province(panel_file, cache):
    """The province with the user's target (20 of its 55 communes)."""
    return _prepare(panel_file, cache, lang="en", province_target=20)


@pytest.fixture(scope="module")
def province_plan(panel_file, cache):
    """The province with no target given: the plan's, from the targets file."""
    return _prepare(panel_file, cache, lang="vi")


def _all_text(section: report.Section) -> str:
    """Words of a section, its tables and its charts."""
    words = [section.text()]
    for table in section.tables():
        words.append(" ".join(map(str, table.columns)))
        words.append(" ".join(str(v) for v in table.to_numpy().ravel()))
    for fig in section.figures():
        words += [t.get_text() for t in fig.findobj(Text) if t.get_text()]
        for ax in fig.axes:
            words += [label.get_text() for label in ax.get_yticklabels()]
            legend = ax.get_legend()
            if legend is not None:
                words += [t.get_text() for t in legend.get_texts()]
    return " ".join(words)


def _check_section(section: report.Section) -> str:
    assert isinstance(section, report.Section)
    text = _all_text(section)
    assert not re.search(r"\b(nan|None|NaN|inf)\b", text), text
    assert "{" not in section.text(), "an unfilled placeholder"
    for fig in section.figures():
        gids = {t.get_gid() for t in fig.texts}
        assert plots.MARK_GID in gids, "every chart is labelled synthetic"
    return text


# --------------------------------------------------------------------------- every section


@pytest.mark.parametrize("section", SECTIONS, ids=lambda f: f.__name__)
def test_every_district_section_renders(district, district_en_with_target, city, section):
    for rep in (district, district_en_with_target, city):
        _check_section(section(rep))


@pytest.mark.parametrize("section", PROVINCE_SECTIONS, ids=lambda f: f.__name__)
def test_every_province_section_renders(province, province_plan, section):
    _check_section(section(province))
    _check_section(section(province_plan))


# --------------------------------------------------------------------------- unit names


def test_the_english_report_names_units_in_english(district_en_with_target, province):
    rep = district_en_with_target
    assert rep.unit_name == "Tràng Định district"
    for section in SECTIONS:
        text = _all_text(section(rep))
        assert "Huyện" not in text and "Tỉnh" not in text, section.__name__
    assert "Lạng Sơn province" in _all_text(report.trend(rep))  # the comparison line
    districts = _all_text(report.districts(province)) + _all_text(report.district_chart(province))
    assert "Huyện" not in districts and "Thành phố" not in districts
    assert "Lạng Sơn city" in districts and "Tràng Định district" in districts


def test_vietnamese_names_carry_the_unit_type_once(city, district, province_plan):
    assert city.unit_name == "Thành phố Lạng Sơn"  # never "Thành phố Thành phố …"
    assert district.unit_name == "Huyện Tràng Định"
    assert province_plan.unit_name == "Tỉnh Lạng Sơn"
    table = report.districts(province_plan).tables()[0]
    assert "Thành phố Lạng Sơn" in set(table.iloc[:, 0]) and "Huyện Bình Gia" in set(
        table.iloc[:, 0]
    )


# --------------------------------------------------------------------------- all communes met


def test_the_city_headline_says_every_commune_already_meets_the_standard(city, city_en):
    assert city.all_met and city.results.now.n_ntm == N_PER_DISTRICT
    text = report.headline(city).text()
    assert f"Cả {N_PER_DISTRICT} xã đều đã đạt chuẩn NTM (năm 2016)" in text
    assert city.headline in text  # the sidecar (and the index) say the same
    none = i18n.t("report.target.none_district", "vi", this_unit="Thành phố này")
    assert none in text and "Huyện này" not in text
    english = report.headline(city_en).text()
    assert f"All {N_PER_DISTRICT} communes already meet the NTM standard" in english
    assert "This city has no target of its own" in english


def test_the_city_has_no_bottlenecks_no_pace_and_capped_methods(city):
    n = N_PER_DISTRICT
    assert report.bottlenecks(city).text().endswith(i18n.t("report.bottleneck.all_met", "vi", n=n))
    assert not report.bottlenecks(city).figures()
    assert i18n.t("report.pace.all_met", "vi", n=n) in report.pace(city).text()
    methods = report.methods(city)
    assert f"Cả {n} xã đều đã đạt chuẩn, nên mọi phương pháp" in methods.text()
    rows = report_methods.method_rows(city)
    assert rows[["mean", "lo80", "hi80"]].max().max() <= n  # never more communes than exist
    assert rows[["mean", "lo80", "hi80"]].min().min() >= 0


# --------------------------------------------------------------------------- targets


def test_a_district_without_a_target_gets_no_probability_and_no_split(district):
    res = district.results
    assert res.target is None and res.probability is None and res.status is None
    assert district.target_source is None
    text = report.headline(district).text()
    assert i18n.t("report.status.none", "vi") in text
    assert i18n.t("report.target.none_district", "vi", this_unit="Huyện này") in text
    assert "77" not in text  # the province's plan target is not split or shown here
    forecast = report.forecast(district).text()
    assert i18n.t("report.forecast.distribution", "vi", year=2020) in forecast


def test_no_province_target_means_the_plan_target_from_the_targets_file(province_plan):
    rep = province_plan
    assert rep.target == 77 and rep.target_source == "official" and rep.target_official
    assert rep.results.target_official is True
    text = report.headline(rep).text()
    assert "Mục tiêu: 77 xã đạt chuẩn vào năm 2020 (chỉ tiêu kế hoạch chính thức)." in text
    assert i18n.t("report.target.real_but_synthetic", "vi") in text


def test_the_plan_mean_criteria_target_has_its_probability_and_pace(province_plan):
    rep = province_plan
    assert rep.mean_target == 13.8 and rep.mean_target_source == "official"
    mc = rep.results.mean_criteria
    assert mc.target == 13.8 and 0 <= mc.probability <= 1 and mc.pace
    assert "Số tiêu chí đạt bình quân/xã: khả năng đạt mục tiêu 13,8 vào năm 2020" in (
        report.headline(rep).text()
    )
    assert "để đạt 13,8 vào năm 2020 cần tăng" in report.pace(rep).text()


def test_a_number_is_the_users_target_never_official(province, district_en_with_target):
    assert province.target == 20 and province.target_source == "user"
    assert not province.target_official and province.mean_target == 13.8
    rep = district_en_with_target
    text = report.headline(rep).text()
    assert "supplied by the user, not an official target" in text
    assert rep.results.probability is not None
    assert i18n.status_label(rep.results.status, "en") in text
    first = report.forecast(rep).tables()[-1]
    assert list(first.columns) == ["Year", "Probability"]
    assert first.iloc[-1, 0] == "Not reached by 2020"


# --------------------------------------------------------------------------- one statistic


def test_the_mean_is_the_single_number_everywhere(province):
    res = province.results
    mean = i18n.fmt_number(res.expected, "en", 1)
    assert f"{mean} communes meeting the standard expected" in report.forecast(province).text()
    assert "median" not in _all_text(report.forecast(province)).lower()
    table = report.districts(province).tables()[0]
    frame = province.forecast.district_table(province.year)
    expected_col = i18n.t("col.expected_year", "en", year=2020)
    assert list(table[expected_col]) == [i18n.fmt_number(v, "en", 1) for v in frame["expected"]]
    fan = report.forecast(province).figures()[0]
    assert any(t.get_text().startswith(mean + "\n") for t in fan.axes[0].texts)
    assert "Expected:" in province.headline or "expected" in province.headline


def test_shares_of_the_province_add_up_to_100(province):
    table = report.districts(province).tables()[0]
    shares = table[i18n.t("col.share_of_province", "en")]
    assert sum(int(s.rstrip("%").lstrip("<>")) for s in shares if s[0].isdigit()) in (
        range(98, 101)
    )
    assert report_base.percents_to_100([1, 1, 1], "vi") in (["34%", "33%", "33%"],)
    assert report_base.percents_to_100([0.0, 0.996, 0.004], "en") == ["<1%", ">99%", "<1%"]


# --------------------------------------------------------------------------- sections' content


def test_the_commune_code_has_its_own_column(district):
    table = report.closest(district).tables()[0]
    names, codes = table[i18n.t("col.commune", "vi")], table["Mã xã"]
    assert all(re.fullmatch(r"X\d{5}", c) for c in codes)
    assert not any("(" in n for n in names)


def test_bottleneck_columns_state_their_base_and_include_todays_criteria(province_plan):
    # the whole province: a 5-commune district may have no commune forecast to end just short
    section = report.bottlenecks(province_plan)
    text = section.text()
    table = section.tables()[0]
    today = current_bottlenecks(province_plan.unit_panel, province_plan.as_of)
    n_close = int(today["n_close"].iloc[0])
    if n_close:
        now_col = i18n.t("report.col.share_now", "vi", year=2016, n=n_close)
        assert now_col in table.columns
        missing_now = today[today["n_missing"] > 0]["criterion"].head(report.N_BOTTLENECKS)
        shown = set(table[i18n.t("col.criterion", "vi")])
        assert {criterion_label(int(c), "vi") for c in missing_now} <= shown
    assert "Hai cột có gốc khác nhau" in text


def test_negative_changes_use_a_real_minus_sign(district):
    changes = report.now(district).tables()[0].iloc[:, -1]
    assert not any(str(v).startswith("-") for v in changes)
    assert report_base.fmt_signed(-3, "vi") == "−3" and report_base.fmt_signed(2, "en") == "+2"


def test_no_commune_added_is_said_in_words(district):
    past = history(district.panel, district.unit).set_index("year")["n_ntm"]
    observed = observed_pace(past, float(past.iloc[-1]), 2020).observed_per_year
    text = report.pace(district).text()
    if observed == 0:
        assert "không có thêm xã nào đạt chuẩn" in text
    else:
        assert f"thêm {report_base.fmt_rate(observed, 'vi')} xã đạt chuẩn mỗi năm" in text
    assert "0,0 xã" not in text


def test_the_methods_sentence_names_the_main_model_once(province):
    text = report.methods(province).text()
    assert text.count("main model expects") <= 1
    assert "; Linear" not in text and "; Damped" not in text  # no capital after a semicolon


def test_the_two_progress_checks_are_explained_when_they_disagree(province_plan):
    rep = province_plan
    pace_status = rep.results.pace.status
    methods = report.methods(rep).text()
    if report_base.statuses_disagree(rep.results.status, pace_status):
        assert "Hai cách đánh giá tiến độ khác nhau" in methods
        assert i18n.t("report.pace.see_methods", "vi") in report.pace(rep).text()
    else:
        assert "Hai cách đánh giá tiến độ khác nhau" not in methods
    assert i18n.t("report.pace.status", "vi") in report.pace(rep).text()


# --------------------------------------------------------------------------- backtest


def test_the_backtest_sentences_carry_their_level_and_number_of_cases(province, district):
    for rep, level in ((province, "province"), (district, "district")):
        bt = rep.backtest
        text = report.backtest(rep).text()
        quote = report_methods.calibration_quote(bt.calibration)
        assert quote is not None
        assert f"{int(quote['n'])} " in text and str(int(quote["n"])) in text
        summary = bt.summary[(bt.summary["figure"] == "n_ntm") & (bt.summary["level"] == level)]
        main = summary.set_index("method").loc["transition"]
        n_main, n_outcomes = int(main["n"]), int(main["n_effective"])
        counted = (
            f"({n_main} forecasts of {n_outcomes} distinct outcomes)"
            if rep.lang == "en"
            else f"({n_main} dự báo về {n_outcomes} kết quả khác nhau)"
        )
        assert counted in text
        assert report_methods.level_text(rep) in text
    assert "province-wide" in report.backtest(province).text()
    assert "toàn tỉnh" in report.backtest(district).text()


def test_the_calibration_quote_is_a_range_with_its_cases():
    calibration = pd.DataFrame(
        {
            "bin": ["(0.5, 0.6]", "(0.6, 0.7]", "(0.7, 0.8]", "(0.8, 0.9]", "(0.9, 1.0]"],
            "n": [3, 7, 10, 29, 500],
            "predicted": [0.55, 0.65, 0.75, 0.85, 0.95],
            "observed": [0.6, 1.0, 1.0, 0.9, 1.0],
        }
    )
    quote = report_methods.calibration_quote(calibration)
    assert (quote["lo"], quote["hi"]) == (0.7, 0.9)  # 10 cases, then the bigger neighbour
    assert quote["n"] == 39
    assert quote["observed"] == pytest.approx((10 * 1.0 + 29 * 0.9) / 39)
    enough = report_methods.calibration_quote(calibration, min_cases=5)
    assert (enough["lo"], enough["hi"], enough["n"]) == (0.7, 0.8, 10)
    capped = report_methods.calibration_quote(calibration, min_cases=10_000)
    assert (capped["lo"], capped["hi"]) == (0.5, 0.9)  # never the 90–100% bin
    assert report_methods.calibration_quote(calibration.assign(n=0)) is None


def _with_coverage(rep, coverage: dict[str, float]):
    level = "province" if rep.unit is None else "district"
    summary = pd.DataFrame(
        [
            {"figure": "n_ntm", "level": level, "method": m, "n": 6, "coverage80": c}
            for m, c in coverage.items()
        ]
    )
    bt = Backtest(
        scores=pd.DataFrame(),
        summary=summary,
        calibration=rep.backtest.calibration,
        brier=pd.DataFrame(),
        origins=[2013, 2014, 2015],
    )
    return dataclasses.replace(rep, backtest=bt)


def test_too_narrow_trend_intervals_are_a_finding_of_the_backtest(province):
    narrow = _with_coverage(
        province, {"transition": 0.83, "linear_trend": 0.17, "damped_trend": 0.0}
    )
    assert i18n.t("report.methods.cover_narrow_all", "en") in report.methods(narrow).text()
    fine = _with_coverage(province, {"transition": 0.83, "linear_trend": 0.8, "damped_trend": 0.9})
    text = report.methods(fine).text()
    assert i18n.t("report.methods.cover_ok", "en") in text
    assert "too narrow" not in text
    assert "83%" in text and "80%" in text


# --------------------------------------------------------------------------- note


def test_the_note_shows_the_coefficients_and_the_published_figures(province_plan):
    text = report.note(province_plan).text()
    assert i18n.t("report.coef.summary", "vi") in text
    assert "Xã gần chuẩn (15–18 tiêu chí)" in text
    assert "lang_son_published_figures.csv" in text and "số xã đạt chuẩn NTM 24 (năm 2016)" in text
    assert "hạt giống" not in text and "Chạy lại với cùng số liệu" in text


def test_the_note_says_an_accelerating_programme_is_forecast_low(province_plan):
    # the calibration suite's "accelerating" process (benchmarks/CALIBRATION.md): officials
    # must read it where the method is described, in their language
    text = report.note(province_plan).text()
    assert "thấp hơn thực tế ở" in text and "không phải mức" in text


def test_the_synthetic_data_is_named_in_the_banner_and_the_note(district):
    assert "Dữ liệu mô phỏng" in report.headline(district).text()
    assert "Dữ liệu mô phỏng" in report.note(district).text()
    assert "synthetic" not in report.note(district).text()  # no English in Vietnamese text


# --------------------------------------------------------------------------- cache


def test_the_cache_is_reused_and_refuses_other_parameters(panel_file, cache, district):
    meta = analysis_cache.load_analysis(cache).meta
    assert meta["units_sha256"] == analysis_cache.file_sha256(default_units_path())
    path, reused = analysis_cache.ensure_analysis(district.panel, meta, Path(cache).parent)
    assert reused and str(path) == cache
    with pytest.raises(ValueError, match="draws"):
        _prepare(panel_file, cache, district="Tràng Định", draws=300)
    with pytest.raises(ValueError, match="data_sha256"):
        analysis_cache.load_analysis(cache, meta | {"data_sha256": "0" * 64})
    other = Path(cache).with_name("other.pkl")
    other.write_bytes(b"not a pickle")
    with pytest.raises(Exception):  # noqa: B017  (any error, never a silently wrong report)
        analysis_cache.load_analysis(other, meta)


def test_another_units_file_is_another_cache_key(panel_file, cache, tmp_path):
    units = tmp_path / "units.csv"
    units.write_bytes(default_units_path().read_bytes() + b"\n")
    meta = analysis_cache.load_analysis(cache).meta
    other = analysis_cache.analysis_meta(
        meta["data_sha256"],
        as_of=2016,
        target_year=2020,
        draws=FAST["draws"],
        seed=FAST["seed"],
        scenario=None,
        backtest_draws=FAST["backtest_draws"],
        units_path=str(units),
    )
    assert other["units_sha256"] != meta["units_sha256"]
    assert analysis_cache.cache_key(other) != analysis_cache.cache_key(meta)
    with pytest.raises(ValueError, match="units_sha256"):
        _prepare(panel_file, cache, district="Tràng Định", units_path=str(units))


def test_scenario_from_dict_lists_every_problem():
    scenario = analysis_cache.scenario_from_dict(
        {"name": "income", "criterion_odds": {"10": 1.5}, "priority_communes": ["X18001"]}
    )
    assert scenario.criterion_odds == {10: 1.5}
    assert scenario.priority_communes == ("X18001",)
    assert analysis_cache.scenario_from_dict(None) is None
    with pytest.raises(ValueError, match=r"unknown scenario key 'odds'.*priority_odds"):
        analysis_cache.scenario_from_dict({"odds": {}, "priority_odds": -1})


def test_the_results_sidecar_has_the_district_table(province, tmp_path):
    path = report.save_results(province, tmp_path / "province.json")
    import json

    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["unit_name"] == "Lạng Sơn province" and saved["target_source"] == "user"
    assert len(saved["district_table"]) == 11
    assert np.isclose(sum(r["expected"] for r in saved["district_table"]), saved["expected"])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_explore_chart_names_its_measure_and_units_in_the_language(panel_file, lang):
    fig = report.criterion_trend(load_panel(panel_file), 10, "Tràng Định", lang)
    ax = fig.axes[0]
    assert " ".join(ax.get_ylabel().split()) == i18n.t("col.share_met", lang)
    names = {t.get_text() for t in ax.get_legend().get_texts()}
    expected = {"vi": {"Huyện Tràng Định", "Tỉnh Lạng Sơn"}, "en": {"Tràng Định district"}}
    assert expected[lang] <= names


def test_a_long_list_of_missing_criteria_is_shown_in_full():
    """Nine missing criteria: six by name, the other three by number — none left out."""
    from ntm_analysis.report.sections import MAX_MISSING_SHOWN, criteria_list

    missing = [2, 5, 7, 10, 11, 12, 13, 17, 19]
    for lang, prefix in (("vi", "TC"), ("en", "C")):
        text = criteria_list(missing, lang)
        assert "…" not in text
        items = text.split(", ")
        assert [item.split(" ", 1)[0] for item in items] == [f"{prefix}{c}" for c in missing]
        assert all(" " in item for item in items[:MAX_MISSING_SHOWN])
        assert all(" " not in item for item in items[MAX_MISSING_SHOWN:])


# --------------------------------------------------------------------------- the planner's year


def test_this_years_plan_is_read_against_the_draws(province):
    """2017 plan of the targets file (38 communes, 9.4 criteria, 20 fewer below 5) against the
    2017 draws: probability, expected value and gap computed from the same draws."""
    ty = province.results.this_year
    fc = province.forecast
    assert ty.year == fc.years[0] == 2017 and ty.has_plan
    ntm = ty.figures.n_ntm
    draws = fc.unit_draws(None)[:, 0]
    assert ntm.target == 38
    assert ntm.probability == pytest.approx(float((draws >= 38).mean()))
    assert ntm.gap == pytest.approx(38 - draws.mean())
    below = ty.figures.n_below_5
    assert below.target == max(0, below.now - 20)  # a planned change becomes a level
    below_draws = fc.unit_draws(None, "below")[:, 0]
    assert below.probability == pytest.approx(float((below_draws <= below.target).mean()))
    assert ty.figures.mean_criteria.target == pytest.approx(9.4)
    assert ntm.lo95 <= ntm.expected <= ntm.hi95
    section = report.plan(province)
    assert "2017" in section.title and "38" in section.text()
    assert len(section.tables()[0]) == 3


def test_a_district_plan_is_its_expected_contribution_never_a_split(district):
    ty = district.results.this_year
    assert not ty.has_plan
    assert all(f.target is None and f.probability is None for _, f in ty.figures.items())
    section = report.plan(district)
    text = section.text()
    assert "38" in text and "không được chia" in text  # the province plan, named as such
    assert not any(cell == "–" for cell in section.tables()[0].to_numpy().ravel())


def _priority_checks(rep):
    from ntm_analysis.analysis.priority import TIE_SE, priority_table

    table = priority_table(rep.panel, rep.forecast, rep.unit)
    assert (table["n_met"] < 19).all()
    order = list(zip(-table["p_next"], -table["p_target"], strict=True))
    assert order == sorted(order), "ranked by next year, then by the target year"
    probs = rep.forecast.commune_probabilities(rep.unit)
    first = probs[probs["year"] == rep.forecast.years[0]].set_index("commune_code")["p_ntm"]
    assert table.set_index("commune_code")["p_next"].to_dict() == pytest.approx(
        first[table["commune_code"]].to_dict()
    )
    for row in table.itertuples():
        keys = [k for k, _ in row.reasons]
        above = table[(table["n_met"] < row.n_met) & (table["p_target"] > row.p_target)]
        if above.empty:
            assert "tied" not in keys and "behind" not in keys
            continue
        noise = TIE_SE * np.sqrt(above["se_target"] ** 2 + row.se_target**2)
        within = bool(((above["p_target"] - row.p_target) <= noise).all())
        assert ("tied" in keys) == within and ("behind" in keys) == (not within)
    return table


def test_priority_list_ranks_and_explains(province, district):
    from ntm_analysis.report.priority import reason_text

    table = _priority_checks(province)
    _priority_checks(district)
    assert any(k == "hard" for r in table["reasons"] for k, _ in r), "missing hard criteria named"
    for lang in ("vi", "en"):
        assert all(isinstance(reason_text(r, lang), str) for r in table["reasons"])
    section = report.priority(province)
    shown = section.tables()[0]
    assert len(shown) == min(report.N_PRIORITY["province"], len(table))
    assert "Why it ranks here" in shown.columns


def test_report_sections_of_the_hearing_pack_match_the_notebooks():
    from ntm_analysis.report.hearing import REPORT_SECTIONS

    for kind, name in (("province", "province_overview"), ("district", "district_forecast")):
        notebook = json.loads((REPO / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
        calls = [
            m.group(1)
            for cell in notebook["cells"]
            if cell["cell_type"] == "code"
            for m in [re.fullmatch(r"report\.(\w+)\(rep\)", "".join(cell["source"]).strip())]
            if m
        ]
        assert tuple(calls) == REPORT_SECTIONS[kind], kind


def test_hearing_pack_files(district, tmp_path):
    from openpyxl import load_workbook

    from ntm_analysis.report import hearing

    written = hearing.write(district, tmp_path)
    parts = hearing.sections(district)
    n_figures = sum(len(s.figures()) for s in parts)
    pngs = sorted((tmp_path / "charts").glob("*.png"))
    svgs = sorted((tmp_path / "charts").glob("*.svg"))
    assert n_figures >= 3 and len(pngs) == len(svgs) == n_figures
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    assert all(b"<svg" in p.read_bytes()[:2000] for p in svgs)
    book = load_workbook(written["workbook"])
    n_tables = sum(len(s.tables()) for s in parts)
    assert len(book.sheetnames) == 1 + 2 + n_tables  # about, plan, priority, every table
    assert book.sheetnames[1:3] == ["Kế hoạch năm 2017", "Danh sách ưu tiên"]
    priority = book["Danh sách ưu tiên"]
    assert priority["A2"].value.startswith("Dữ liệu mô phỏng")  # the synthetic mark
    headers = [c.value for c in priority[4]]
    assert "Khả năng đạt chuẩn năm 2017" in headers and "Lý do xếp hạng" in headers
    column = headers.index("Khả năng đạt chuẩn năm 2017") + 1
    assert isinstance(priority.cell(row=5, column=column).value, int | float)  # a number
    for name in ("brief", "slides"):
        text = written[name].read_text(encoding="utf-8")
        assert 'lang="vi"' in text and district.headline in html.unescape(text)
        assert "http://" not in text and "https://" not in text and 'src="data:image/png' in text
    slides = written["slides"].read_text(encoding="utf-8")
    assert slides.count('class="slide"') >= 5


def test_index_shows_this_years_plan_and_the_pack(province, tmp_path):
    from ntm_analysis.report import fragments, hearing

    (tmp_path / "hearing" / "province").mkdir(parents=True)
    (tmp_path / "hearing" / "province" / "brief.pdf").write_bytes(b"%PDF-")
    view = hearing.index_view(
        tmp_path, UnitEntry.from_json({"id": "province"}), province.results, "vi"
    )
    text = fragments.render("hearing_unit", view)
    assert "Kế hoạch 2017: 38 xã" in html.unescape(text)
    assert 'href="hearing/province/brief.pdf"' in text and "slides.html" not in text
    no_plan = dataclasses.replace(province.results, this_year=None)
    view = hearing.index_view(tmp_path, UnitEntry.from_json({"id": "x"}), no_plan, "vi")
    assert view["plan"] is None and view["links"] == []
    assert fragments.render("hearing_unit", view) == ""
    (tmp_path / "hearing" / "180-trang-dinh").mkdir()
    (tmp_path / "hearing" / "180-trang-dinh" / "slides.html").write_text("<title>x</title>")
    entries = [
        UnitEntry.from_json({"id": "180-trang-dinh", "name": "Tràng Định"}),
        UnitEntry.from_json({"id": "x", "name": "X"}),
    ]
    listed = fragments.render("hearing_districts", hearing.districts_view(tmp_path, entries, "vi"))
    assert 'href="hearing/180-trang-dinh/slides.html"' in listed and ">X:" not in listed
    assert hearing.districts_view(tmp_path, entries[1:], "vi") is None


def test_hearing_packs_in_the_batch_name_a_failing_unit_and_can_be_turned_off(
    panel_file, cache, tmp_path, monkeypatch, capsys
):
    from ntm_analysis.report import hearing

    good = {
        "id": "180-trang-dinh",
        "name": "Tràng Định",
        "status": "ok",
        "parameters": {"district": "Tràng Định", "data_path": panel_file, "forecast_cache": cache}
        | FAST
        | {"results_path": "results/x.json"},  # not report.prepare's: left out
    }
    bad = {**good, "id": "bad", "name": "Nowhere", "parameters": {"district": "Nowhere"}}
    skipped = {**good, "id": "failed-unit", "status": "failed"}
    monkeypatch.setenv(hearing.ENV, "0")
    assert hearing.write_batch(tmp_path, [good], workers=1) == []
    assert not (tmp_path / "hearing").exists()
    monkeypatch.setenv(hearing.ENV, "1")
    failures = hearing.write_batch(tmp_path, [good, bad, skipped], workers=1)
    assert len(failures) == 1 and "Nowhere" in failures[0]
    assert "Nowhere" in capsys.readouterr().err
    assert (tmp_path / "hearing" / "180-trang-dinh" / "brief.html").is_file()
    assert not (tmp_path / "hearing" / "failed-unit").exists()


# [w2report] a verdict near a threshold is shown neutral, in words, wherever a badge is drawn
@pytest.mark.parametrize(("p", "close"), [(0.756, True), (0.742, True), (0.80, False)])
def test_a_result_close_to_a_threshold_shows_a_neutral_badge_everywhere(
    district_en_with_target, p, close
):
    from ntm_analysis.analysis.results import (
        displayed_status,
        status_from_probability,
        threshold_straddled,
    )
    from ntm_analysis.batch import index
    from ntm_analysis.report import hearing
    from ntm_analysis.report.headline import headline as headline_words

    rep = district_en_with_target
    se = float(np.sqrt(p * (1 - p) / 2000))  # 2,000 draws: the default MC error
    results = dataclasses.replace(
        rep.results,
        probability=p,
        probability_se=se,
        status=status_from_probability(p),
        close_to_threshold=threshold_straddled(p, se),
    )
    crafted = dataclasses.replace(rep, results=results, headline=headline_words(results, "en"))
    shown = "close_to_threshold" if close else results.status
    assert displayed_status(results) == shown
    neutral = i18n.status_label("close_to_threshold", "en")
    confident = i18n.status_label(results.status, "en")
    full = report.priority_frame(crafted)
    parts = hearing.sections(crafted)
    entry = {"id": "180", "name": rep.results.unit}
    outputs = {
        "report": report.headline(crafted).text(),
        "brief": hearing.brief_html(crafted, parts, full),
        "slides": hearing.slides_html(crafted, parts, full),
        "index": index.district_row_html(entry, results, "en", True, 77),
    }
    for name, text in outputs.items():
        text = html.unescape(text)
        assert (neutral in text) is close, name
        assert (f">{confident}<" in text or f" {confident} " in text) is not close, name
        assert ("ntm-status-close_to_threshold" in text) is (close and name != "report"), name
    for fig in (f for s in parts for f in s.figures()):
        fig.clear()
    # without a target there is no verdict to hedge: the badge says "no target", never "close"
    assert displayed_status(dataclasses.replace(results, status=None)) is None
    assert "ntm-status-none" in report_base.status_line(
        "", displayed_status(dataclasses.replace(results, status=None)), "vi"
    )
    assert i18n.t("status.close_to_threshold", "vi") == "Sát ngưỡng đánh giá: chưa kết luận"


def test_the_printed_priority_list_has_short_reasons_explained_once(district, province):
    """The full reason sentences took two printed pages per district (issue 15): the report
    shows a few words per reason and one legend sentence per reason used; the Excel workbook
    keeps the full sentences (test_hearing_pack_files)."""
    from ntm_analysis.report.priority import reason_text

    for rep in (district, province):
        section = report.priority(rep)
        shown = section.tables()[0]
        why = rep.t("priority.col.why")
        rows = report.priority_frame(rep).head(len(shown))["reasons"]
        assert list(shown[why]) == [reason_text(r, rep.lang, short=True) for r in rows]
        full_length = sum(len(reason_text(r, rep.lang)) for r in rows)
        assert sum(map(len, shown[why])) < 0.7 * full_length
        text = section.text()
        assert i18n.t("priority.reason.legend.title", rep.lang, column=why) in text
        assert i18n.t("priority.reason.legend.end", rep.lang) in text
        used = {key for r in rows for key, _ in r}
        assert used, "the fixture's priority list gives reasons"
        share = i18n.fmt_percent(0.5, rep.lang)
        for key in used:
            legend = i18n.t(
                f"priority.reason.legend.{'slow' if key == 'fast' else key}",
                rep.lang,
                next=rep.forecast.years[0],
                year=rep.year,
                share=share,
            )
            assert legend in text, key
