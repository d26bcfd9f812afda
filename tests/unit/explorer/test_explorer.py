"""The explorer without a browser: its computations (``explorer``) and its widgets' callbacks
(``explorer_ui``, run synchronously with ``delay=None``), on a small synthetic panel."""

from __future__ import annotations

import dataclasses
import pickle
import re
import threading
from html import unescape

import numpy as np
import pytest
from locations import TEST_DATA

from ntm_analysis import i18n
from ntm_analysis.analysis import cache as analysis_cache
from ntm_analysis.analysis.analyse import analyse
from ntm_analysis.analysis.cache import CACHE_DIR_ENV
from ntm_analysis.core.config import RunConfig
from ntm_analysis.core.params import ParameterError
from ntm_analysis.core.resolve import resolve_unit
from ntm_analysis.explorer.compute import Explorer
from ntm_analysis.explorer.ui import ALL, Debouncer, ExplorerApp, State
from ntm_analysis.explorer.views import figures_html, what_if_html
from ntm_analysis.io.load import load_panel
from ntm_analysis.model.synthetic import simulate_panel, write_panel

DRAWS = 300
ENGLISH_COLUMNS = re.compile(r"\b(?:d_share_ntm|share_ntm|n_ntm|mean_criteria|n_below_5|missing)\b")


@pytest.fixture(scope="module")
def panel_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("explorer") / "panel.csv"
    write_panel(simulate_panel(seed=3, communes_per_district=4), path)
    return path


@pytest.fixture(scope="module")
def explorer(panel_file):
    return Explorer(load_panel(panel_file), n_draws=DRAWS)


@pytest.fixture
def app(explorer):
    return ExplorerApp(explorer, "vi", delay=None)


def _number(html: str, css: str) -> str:
    match = re.search(rf"class='{css}'><b>([^<]+)</b>", html)
    assert match, html
    return unescape(match.group(1))


# -- computations -----------------------------------------------------------------------------
def test_standing_figures_match_the_panel_in_each_language(explorer):
    year = explorer.years[-1]
    standing = explorer.standing(None, year, "vi")
    met = explorer.panel.wide().xs(year, level="year").sum(axis=1)
    n_ntm, n = int((met == 19).sum()), len(met)
    assert standing.figures[0].value == f"{n_ntm}/{n}"
    assert standing.figures[2].value == i18n.fmt_number(met.mean(), "vi", 1)
    html_vi, html_en = (
        figures_html(standing, "vi"),
        figures_html(explorer.standing(None, year, "en"), "en"),
    )
    assert i18n.t("col.n_ntm", "vi") in html_vi and i18n.t("col.n_ntm", "en") in html_en
    assert not ENGLISH_COLUMNS.search(html_vi), "no code column names in a Vietnamese table"
    assert standing.heatmap.get_axes() and standing.trend.get_axes()


def test_first_year_has_no_change_and_a_district_only_counts_its_communes(explorer):
    code = explorer.district_options("vi")[1][1]
    standing = explorer.standing(code, explorer.years[0], "vi")
    n = int((explorer.panel.communes["district_code"] == code).sum())
    assert standing.figures[0].value.endswith(f"/{n}")
    assert all(f.change is None for f in standing.figures), "no year before the first"


def test_a_commune_shows_its_criteria_and_what_it_misses(explorer):
    code = explorer.panel.communes["commune_code"].iloc[0]
    year = explorer.years[-1]
    standing = explorer.standing(code, year, "en")
    row = explorer.panel.wide().loc[(code, year)]
    assert standing.figures[0].value == f"{int(row.sum())}/19"
    missing = [c for c in range(1, 20) if not row[c]]
    if missing:
        assert f"C{missing[0]} " in standing.note


def test_districts_are_found_by_name_with_or_without_diacritics(explorer):
    code, name = explorer.district_options("vi")[1][1], explorer.district_options("vi")[1][0]
    assert explorer.find_district(name) == code
    assert explorer.find_district(name.upper()) == code
    assert explorer.find_district("") is None
    assert explorer.find_district(str(code)) == code
    # the rule every entry point uses (core.resolve.resolve_unit), with its "did you mean"
    with pytest.raises(ParameterError, match="district"):
        explorer.find_district("Không có huyện này")
    with pytest.raises(ParameterError) as same:
        resolve_unit(explorer.registry, "Không có huyện này", "district", explorer.panel)
    with pytest.raises(ParameterError) as found:
        explorer.find_district("Không có huyện này")
    assert found.value.render("vi") == same.value.render("vi")


def test_criterion_table_is_in_the_language_with_report_numbers(explorer):
    table = explorer.criterion_table(10, "vi")
    assert table.columns[0] == "Huyện" and table.columns[1:].tolist() == [
        str(y) for y in explorer.years
    ]
    assert table.iloc[:, 1:].map(lambda s: s.endswith("%")).all().all()
    with pytest.raises(ValueError):
        explorer.criterion_table(20, "vi")


def test_what_if_shares_random_numbers_with_the_baseline(explorer):
    year = explorer.target_years[0]
    same = explorer.what_if({}, (), target=1, year=year)
    assert same.scenario is same.baseline and same.difference() == (0.0, 0.0)
    faster = explorer.what_if({c: 3.0 for c in range(1, 20)}, (), target=1, year=year)
    slower = explorer.what_if({c: 0.5 for c in range(1, 20)}, (), target=1, year=year)
    base = faster.baseline.unit_draws()[:, -1]
    # common random numbers: with the same coins, faster gains never give fewer communes
    assert np.all(faster.scenario.unit_draws()[:, -1] >= base - 2)
    assert faster.expected()[0] > base.mean() > slower.expected()[0]
    _, se_diff = faster.difference()
    # paired draws: the difference is no noisier than the noisier probability alone (the
    # scenario's can be certain, se 0, while the baseline misses in a draw or two)
    se_alone = max(faster.probability()[1], faster.probability("baseline")[1])
    assert se_diff <= 2 * se_alone + 1e-12


def test_baseline_is_simulated_once_and_the_model_fitted_once(explorer, monkeypatch):
    year = explorer.target_years[1]
    explorer.baseline(year)
    model = explorer.model
    calls = []
    monkeypatch.setattr(analysis_cache, "fit", lambda *a, **k: calls.append("fit"))
    explorer.what_if({10: 2.0}, (), target=1, year=year)
    assert explorer.model is model and calls == []
    assert explorer.baseline(year) is explorer.baseline(year)


# -- through the analysis path's caches ---------------------------------------------------------
@pytest.fixture
def fits(monkeypatch, tmp_path):
    """The model fits made (a fit cache of this test's own, empty at the start)."""
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "fits"))
    made = []
    real = analysis_cache.fit

    def counting(*args, **kwargs):
        made.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis_cache, "fit", counting)
    return made


def test_a_second_explorer_on_the_same_data_reads_the_fit(panel_file, fits):
    config = RunConfig(data_path=str(panel_file), draws=DRAWS)
    first = Explorer.open(config)
    assert fits == []  # opening fits nothing: the first what-if does
    year = first.target_years[1]
    base = first.baseline(year)
    assert len(fits) == 1
    second = Explorer.open(config)
    result = second.what_if({10: 2.0}, (), target=1, year=year)
    assert len(fits) == 1, "the second explorer refitted the same data"
    # the same model, draws and seed: the same baseline; the scenario still moves it
    assert np.array_equal(result.baseline.unit_draws(), base.unit_draws())
    assert result.expected("scenario")[0] > result.expected("baseline")[0]
    assert result.scenario.n_draws == DRAWS and second.seed == config.seed
    # other data (one year fewer) are another fit
    assert Explorer.open(dataclasses.replace(config, as_of=first.years[-2])).model is not None
    assert len(fits) == 2


def test_the_explorer_uses_the_forecast_a_run_stored(panel_file, fits, monkeypatch, tmp_path):
    """After ``ntm forecast --cache DIR`` (or a batch, ``OUT/.cache``) with the same settings,
    the explorer reads the fit the forecast stored in the fit cache; opened with that folder,
    it takes the stored forecast's model: no fit, even with the fit cache off."""
    config = RunConfig(data_path=str(panel_file), draws=DRAWS)
    run = analyse(config, backtest=False, cache_dir=tmp_path / "cache")
    assert len(fits) == 1
    # without the folder: the fit the forecast stored in the fit cache (the same key)
    assert Explorer.open(config).model is not None and len(fits) == 1
    monkeypatch.setenv(CACHE_DIR_ENV, "")  # no fit cache: only the stored forecast can help
    explorer = Explorer.open(config, cache_dir=tmp_path / "cache")
    result = explorer.what_if({10: 2.0}, (), target=1, year=explorer.target_years[0])
    assert len(fits) == 1
    assert pickle.dumps(explorer.model) == pickle.dumps(run.analysis.forecast.model)
    assert result.scenario is not result.baseline
    # a folder holding another configuration's forecast is not used: fitted here
    other = Explorer.open(dataclasses.replace(config, seed=9), cache_dir=tmp_path / "cache")
    assert other.model is not None
    assert len(fits) == 2


def test_what_if_text_reads_as_the_reports(explorer):
    year = explorer.target_years[2]
    target = int(np.median(explorer.baseline(year).unit_draws()[:, -1])) + 1
    result = explorer.what_if({10: 2.0}, (), target=target, year=year)
    html = what_if_html(result, "vi")
    p, _ = result.probability()
    assert i18n.fmt_percent(p, "vi") in _number(html, "ntm-p-scenario")
    assert i18n.probability_words(p, "vi") in html
    assert "điểm %" in html and i18n.fmt_number(DRAWS, "vi", 0) in html
    assert "Probability" in what_if_html(result, "en")


# -- widgets and callbacks --------------------------------------------------------------------
def test_app_opens_in_vietnamese_with_the_synthetic_mark(app):
    assert app.problem.value == ""
    assert "Dữ liệu mô phỏng" in app.root.children[3].value
    assert app.tabs.titles == ("Hiện trạng", "Một tiêu chí", "Nếu… thì")
    assert app.figures.value and app.heatmap.value[:4] == b"\x89PNG"
    assert app.criterion_chart.value and app.fan_baseline.value and app.fan_scenario.value
    assert "ntm-ready" in app.status.value


def test_picking_a_district_then_a_commune_updates_where_we_stand(app, explorer):
    before = app.figures.value
    name, code = explorer.district_options("vi")[1]
    app.district.value = code
    assert name in app.figures.value and app.figures.value != before
    assert app.commune.options[0][1] == ALL and len(app.commune.options) > 1
    commune_name, commune = app.commune.options[1]
    app.commune.value = commune
    assert commune_name in app.figures.value and "/19" in app.figures.value
    app.district.value = ALL  # back to the province: the commune is cleared
    assert app.state.district is None and app.state.commune is None


def test_a_slider_and_a_priority_list_change_the_scenario_not_the_baseline(app):
    median = np.median(app.explorer.baseline(app.state.target_year).unit_draws()[:, -1])
    app.target.value = int(median) + 1
    html = app.what_if_text.value
    base, scen = _number(html, "ntm-p-baseline"), _number(html, "ntm-p-scenario")
    assert base == scen, "no change yet: the scenario is the baseline"
    for slider in app.odds_sliders:
        slider.value = 3.0
    app.priority.value = tuple(v for _, v in app.priority.options[:5])
    html = app.what_if_text.value
    assert _number(html, "ntm-p-baseline") == base, "the baseline does not move"
    assert _number(html, "ntm-p-scenario") != scen, "the scenario does"
    assert app.state.priority and app.state.odds[app.odds_sliders[0].criterion] == 3.0
    scenario = app.explorer.scenario(app.state.odds, app.state.priority)
    assert scenario.criterion_odds and scenario.priority_communes == app.state.priority


def test_choosing_criteria_to_boost_makes_one_slider_each_and_keeps_values(app):
    app.boosted.value = (10,)
    app.odds_sliders[0].value = 1.7
    app.boosted.value = (10, 13)
    assert [s.criterion for s in app.odds_sliders] == [10, 13]
    assert app.odds_sliders[0].value == 1.7 and app.odds_sliders[1].value == 1.0


def test_english_switch_relabels_everything_and_keeps_the_choices(app, explorer):
    code = explorer.district_options("vi")[2][1]
    app.district.value = code
    app.criterion.value = 11
    app.root.children[1].children[0].value = "en"  # the language toggle
    assert app.tabs.titles == ("Where we stand", "One criterion", "What if")
    assert app.district.value == code and app.criterion.value == 11
    assert "Synthetic data" in app.root.children[3].value
    assert "Probability" in app.what_if_text.value or "probability" in app.what_if_text.value
    assert "Chỉ tiêu" not in app.figures.value


def test_a_bad_file_is_listed_as_ntm_validate_lists_it(app, tmp_path):
    from ntm_analysis.core.errors import DataError

    bad = TEST_DATA / "bad" / "bad_values.xlsx"
    with pytest.raises(DataError) as caught:
        load_panel(bad)
    assert not app.load(bad)
    assert caught.value.render("vi") in unescape(app.problem.value), "the same text, in full"
    assert app.figures.value, "the data shown so far stays"
    opened = ExplorerApp.from_path(bad, "en", delay=None)
    assert opened.explorer is None and caught.value.render("en") in unescape(opened.problem.value)


def test_ntm_explore_exits_as_the_other_commands_do(monkeypatch, capsys):
    """A bad file: 3, as `ntm validate` (the browser test runs the real command); Voilà
    missing: 4, an installation problem like Chromium missing for --pdf."""
    import importlib.util

    from ntm_analysis import cli

    bad = TEST_DATA / "bad" / "bad_values.xlsx"
    assert cli.main(["explore", "--no-browser", "--data", str(bad)]) == cli.EXIT_DATA_ERROR
    assert "dòng 5" in capsys.readouterr().err
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "voila" else real(name, *a)
    )
    assert cli.main(["explore", "--no-browser", "--lang", "en"]) == cli.EXIT_INSTALL
    assert "Voilà is not installed" in capsys.readouterr().err


def test_another_file_replaces_the_panel(app, tmp_path):
    other = tmp_path / "other.csv"
    write_panel(simulate_panel(seed=11, communes_per_district=2), other)
    assert app.load(other) and app.problem.value == ""
    assert len(app.explorer.panel.communes) == len(load_panel(other).communes)


def test_the_notebook_shows_a_picture_where_widgets_cannot_run(explorer):
    app = ExplorerApp(explorer, "vi", delay=None, first=State(criterion=12))
    bundle = app._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and "image/png" in bundle


# -- never blocking -----------------------------------------------------------------------------
def test_debouncer_runs_once_after_a_burst_and_drops_superseded_results():
    runs, shown, busy = [], [], []
    started, release = threading.Event(), threading.Event()

    def action(is_current):
        runs.append(len(runs) + 1)
        started.set()
        assert release.wait(30)
        if is_current():
            shown.append(len(runs))

    debounce = Debouncer(action, 0.5, busy.append)
    for _ in range(5):  # a slider dragged: five changes within the delay
        debounce()
    assert started.wait(30) and runs == [1], "one run for the burst"
    assert busy[0] is True
    debounce()  # a change while the first one computes: that result is stale
    release.set()
    assert debounce.wait(30)
    assert runs == [1, 2] and shown == [2], "only the newest result is shown"
    assert busy[-1] is False


def test_an_update_that_fails_is_shown_not_lost(app, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(app.explorer, "what_if", broken)
    app.target.value = 3
    assert "simulated failure" in app.problem.value
    assert "ntm-ready" in app.status.value


def test_controls_return_while_the_update_still_runs_in_the_background(explorer, monkeypatch):
    app = ExplorerApp(explorer, "vi", delay=0.01)
    assert app.wait(120)
    release, entered = threading.Event(), threading.Event()
    real = app.explorer.what_if

    def slow(*args, **kwargs):
        entered.set()
        assert release.wait(30), "the test never released the update"
        return real(*args, **kwargs)

    monkeypatch.setattr(app.explorer, "what_if", slow)
    before = app.what_if_text.value
    app.odds_sliders[0].value = 2.5  # returns although the update cannot finish yet
    assert entered.wait(30), "the update started in the background"
    assert "ntm-computing" in app.status.value and app.what_if_text.value == before
    release.set()
    assert app.wait(120) and "ntm-ready" in app.status.value
    assert app.what_if_text.value != before and app.problem.value == ""
