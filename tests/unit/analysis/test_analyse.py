"""One analysis path: ``analyse`` keeps its cache, the command line's JSON and the report's
sidecar are the same results object serialised, and the results carry numbers, not words."""

from __future__ import annotations

import dataclasses
import inspect
import json
import shutil
from pathlib import Path

import pytest

from ntm_analysis import cli
from ntm_analysis.analysis import analyse as analyse_module
from ntm_analysis.analysis import cache as analysis_cache
from ntm_analysis.analysis.analyse import (
    analyse,
    cached_analysis,
    district_targets,
    load_inputs,
    read,
    results_for,
    stored_inputs,
)
from ntm_analysis.analysis.results import UnitResults, unit_results
from ntm_analysis.core import provenance
from ntm_analysis.core.config import RunConfig
from ntm_analysis.core.params import ParameterError
from ntm_analysis.io.layout import write_panel
from ntm_analysis.report import sections as report

FAST = {"draws": 60, "seed": 3}
DISTRICT = "Tràng Định"


@pytest.fixture(scope="module")
def run():
    return analyse(RunConfig(district=DISTRICT, **FAST), backtest=False)


def test_analyse_stores_its_analysis_and_reuses_it(tmp_path, monkeypatch):
    config = RunConfig(**FAST)
    first = analyse(config, backtest=False, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("analysis-*.pkl"))) == 1

    def no_second_fit(*args, **kwargs):
        raise AssertionError("the cached analysis was not reused")

    monkeypatch.setattr(analysis_cache, "run_forecast", no_second_fit)
    again = analyse(config, backtest=False, cache_dir=tmp_path)
    assert again.analysis.meta == first.analysis.meta
    assert again.analysis.forecast.n_draws == FAST["draws"]
    with pytest.raises(AssertionError, match="not reused"):  # other draws: another key
        analyse(dataclasses.replace(config, draws=61), backtest=False, cache_dir=tmp_path)


def test_read_resolves_the_unit_and_the_as_of_year_before_any_fit(run):
    assert run.unit == 180 and run.as_of == run.panel.last_year
    assert run.config.as_of == run.as_of and run.analysis.backtest_note == "skipped"
    with pytest.raises(ParameterError, match="--district"):
        read(RunConfig(district="Nowhere"), where="--district")


def test_the_cli_json_and_the_report_sidecar_are_the_same_object(run, capsys, tmp_path):
    code = cli.main(
        [
            *("forecast", "--district", DISTRICT, "--json", "--lang", "en"),
            *("--draws", str(FAST["draws"]), "--seed", str(FAST["seed"])),
        ]
    )
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    rep = report.prepare(district=DISTRICT, lang="en", backtest_draws=0, **FAST)
    sidecar = json.loads(report.save_results(rep, tmp_path / "unit.json").read_text("utf-8"))
    assert printed == {key: sidecar[key] for key in printed}
    assert printed["unit"] == DISTRICT  # the registry's name in both, not a translated label
    assert sidecar["unit_name"] == rep.unit_name != DISTRICT  # the label sits beside it
    assert set(sidecar) - set(printed) == {
        "unit_name",
        "parameters",
        "data_sha256",
        "package_version",
    }


def _strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


def test_results_carry_numbers_not_words(run):
    assert "lang" not in inspect.signature(unit_results).parameters
    result = results_for(run)
    assert isinstance(result, UnitResults) and not hasattr(result, "headline")
    words = [s for s in _strings(result.to_dict()) if len(s.split()) > 3 or ". " in s]
    assert words == []
    assert result.probability is None or 0 <= result.probability <= 1


def test_a_report_and_its_results_cannot_be_changed(run):
    rep = report.prepare(district=DISTRICT, backtest_draws=0, **FAST)
    assert rep.headline and rep.headline not in json.dumps(rep.results.to_dict())
    with pytest.raises(TypeError):
        rep.results["status"] = "on_track"  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        rep.results.status = "on_track"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        rep.headline = "x"  # type: ignore[misc]


def test_importing_the_sections_registers_nothing_in_ipython():
    """The figure formatter is an explicit call (``inline_figures``), not an import effect."""
    import ast

    tree = ast.parse(inspect.getsource(report))
    calls = [ast.unparse(n) for n in tree.body if isinstance(n, ast.Expr | ast.Call)]
    assert [c for c in calls if isinstance(ast.parse(c).body[0].value, ast.Call)] == []
    assert not {"analysis_meta", "ensure_analysis", "file_sha256"} & set(vars(report))


# --------------------------------------------------------------------------- the batch's inputs


@pytest.fixture
def stored(panel_file, tmp_path):
    """A copy of a small panel file and the analysis ``cached_analysis`` stored for it."""
    data = tmp_path / "panel.csv"
    shutil.copyfile(panel_file, data)
    config = RunConfig(data_path=str(data), backtest_draws=0, **FAST)
    path, _ = cached_analysis(read(config), tmp_path / "cache")
    return replace_config(config, forecast_cache=str(path))


def replace_config(config, **changes):
    return dataclasses.replace(config, **changes)


def test_a_notebook_of_the_batch_takes_the_data_as_the_parent_read_them(stored, monkeypatch):
    """Issue 17: the analysis file holds the panel and units as read, so a report notebook
    loading it does not parse the data file again — and its results are the same."""
    unit = replace_config(stored, district=DISTRICT)
    fresh = analyse(read(unit, inputs=load_inputs(unit)))  # the files read here

    def no_reading(*args, **kwargs):
        raise AssertionError("the data file was parsed again")

    monkeypatch.setattr(analyse_module, "load_panel", no_reading)
    run = analyse(read(unit))
    assert run.unit == 180 and run.data_sha256 == fresh.data_sha256
    assert run.panel.status.equals(fresh.panel.status)
    assert results_for(run).to_dict() == results_for(fresh).to_dict()


def test_the_stored_data_are_not_used_for_another_file(stored, monkeypatch, tmp_path):
    assert stored_inputs(stored) is not None
    other_units = tmp_path / "units.csv"
    shutil.copyfile(analysis_cache.units_file(None), other_units)
    with open(other_units, "a", encoding="utf-8") as handle:
        handle.write("\n")  # the same units, other bytes: the key differs
    assert stored_inputs(replace_config(stored, units_path=str(other_units))) is None
    assert stored_inputs(replace_config(stored, forecast_cache="")) is None
    data = Path(stored.data_path)
    data.write_bytes(data.read_bytes() + b"\n")  # the file changed since the batch read it
    assert stored_inputs(stored) is None
    with pytest.raises(ValueError, match="data_sha256"):  # and the forecast is refused
        analyse(read(stored))


def _count_parses(monkeypatch, before=None) -> list:
    """The data file's parses from now on (``load_panel``'s calls), each after
    ``before(parses so far)`` when given."""
    parsed: list = []
    real_load = analyse_module.load_panel

    def counted(*args, **kwargs):
        parsed.append(args)
        if before is not None:
            before(parsed)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(analyse_module, "load_panel", counted)
    return parsed


def test_a_second_read_of_the_same_files_takes_them_from_the_fit_cache(
    panel_file, tmp_path, monkeypatch
):
    """Issue 17: ``ntm forecast`` run again on the same data does not parse and check the
    file again (~0.2 s of its CPU) — it takes the panel as read from the fit cache, the
    same panel; a changed file, another units file or no cache reads the files."""
    monkeypatch.setenv(analysis_cache.CACHE_DIR_ENV, str(tmp_path / "fits"))
    data = tmp_path / "panel.csv"
    shutil.copyfile(panel_file, data)
    config = RunConfig(data_path=str(data), **FAST)
    first = read(config)
    parsed = _count_parses(monkeypatch)
    again = read(config)
    assert parsed == [] and again.data_sha256 == first.data_sha256
    assert again.panel.status.equals(first.panel.status)
    assert again.panel.communes.equals(first.panel.communes)
    other_units = tmp_path / "units.csv"
    shutil.copyfile(analysis_cache.units_file(None), other_units)
    other_units.write_bytes(other_units.read_bytes() + b"\n")
    read(replace_config(config, units_path=str(other_units)))
    assert len(parsed) == 1
    data.write_bytes(data.read_bytes() + b"\n")
    assert read(config).data_sha256 != first.data_sha256 and len(parsed) == 2
    monkeypatch.setenv(analysis_cache.CACHE_DIR_ENV, "")
    read(config)
    assert len(parsed) == 3


def test_a_workbook_read_by_an_older_calamine_is_read_again(small_panel, tmp_path, monkeypatch):
    """The data as read depend on the spreadsheet reader (calamine reads every .xlsx): after
    an upgrade of python-calamine the fit cache's panel is not reused."""
    monkeypatch.setenv(analysis_cache.CACHE_DIR_ENV, str(tmp_path / "fits"))
    data = write_panel(small_panel, tmp_path / "panel.xlsx")
    config = RunConfig(data_path=str(data), **FAST)
    read(config)
    parsed = _count_parses(monkeypatch)
    read(config)
    assert parsed == []  # the same reader: from the cache
    real_version = provenance._dist_version
    monkeypatch.setattr(
        provenance,
        "_dist_version",
        lambda name: "99.0" if name == "python-calamine" else real_version(name),
    )
    read(config)
    assert len(parsed) == 1


def test_an_explicit_district_target_wins_over_the_template(tmp_path):
    """The one rule ``ntm batch`` and a report's target share: the template's numbers, each
    explicit number winning for its district (by name or code), every name resolved."""
    from ntm_analysis.io.reference import read_registry

    registry = read_registry()
    code = {name: registry.resolve(name) for name in ("Hữu Lũng", "Bình Gia")}
    path = tmp_path / "targets.csv"
    path.write_text("Huyện,Năm,Mục tiêu\nHữu Lũng,2020,12\nBình Gia,2020,10\n", encoding="utf-8")
    assert district_targets(registry, None, path, 2020) == {
        code["Hữu Lũng"]: 12,
        code["Bình Gia"]: 10,
    }
    explicit = {code["Hữu Lũng"]: 15}
    found = district_targets(registry, None, path, 2020, explicit)
    assert found == {code["Hữu Lũng"]: 15, code["Bình Gia"]: 10}
    assert district_targets(registry, None, "", 2020, {"Bình Gia": 3}) == {code["Bình Gia"]: 3}
    with pytest.raises(ParameterError, match="district_targets"):
        district_targets(registry, None, path, 2020, {"Atlantis": 1})


def test_a_file_rewritten_while_it_is_read_is_not_stored_under_its_old_bytes(
    panel_file, tmp_path, monkeypatch
):
    """The cache key hashes the file before it is read: a file rewritten in between must not
    leave the new contents stored under the old bytes' key (served later as those bytes)."""
    monkeypatch.setenv(analysis_cache.CACHE_DIR_ENV, str(tmp_path / "fits"))
    data = tmp_path / "panel.csv"
    shutil.copyfile(panel_file, data)
    original = data.read_bytes()
    config = RunConfig(data_path=str(data), **FAST)

    def rewrite_first(parsed: list) -> None:
        if len(parsed) == 1:  # another program saves the file while it is being read
            data.write_bytes(original + b"\n")

    parsed = _count_parses(monkeypatch, rewrite_first)
    read(config)
    data.write_bytes(original)  # back to the bytes the key was made from
    read(config)
    assert len(parsed) == 2  # read again, not the rewritten file's panel from the cache
