"""The one run configuration: its defaults are the command line's, the notebooks' and the
parameter schema's; the cache key is formed from it (unit and target: test_resolve.py)."""

from __future__ import annotations

import ast
import dataclasses

import pytest
from locations import REPO

from ntm_analysis import cli
from ntm_analysis.core.config import RunConfig, config_default, config_fields
from ntm_analysis.core.params import (
    BATCH_OPTIONS,
    NOTEBOOKS,
    PARAMETERS,
    notebook_parameters,
)
from ntm_analysis.core.scenario import Scenario

DEFAULTS = RunConfig()


def _parse(*argv: str):
    return cli.build_parser("en").parse_args(list(argv))


def test_the_command_line_takes_its_defaults_from_the_run_configuration():
    forecast = _parse("forecast")
    assert (forecast.draws, forecast.seed, forecast.year, forecast.as_of) == (
        DEFAULTS.draws,
        DEFAULTS.seed,
        DEFAULTS.target_year,
        DEFAULTS.as_of,
    )
    assert forecast.merge_rule == DEFAULTS.merge_rule and forecast.vintage == DEFAULTS.vintage
    backtest = _parse("backtest")
    assert (backtest.backtest_draws, backtest.seed) == (DEFAULTS.backtest_draws, DEFAULTS.seed)
    for command in ("batch", "run"):
        args = _parse(command)
        assert args.draws == DEFAULTS.draws and args.seed == DEFAULTS.seed
        assert args.backtest_draws == DEFAULTS.backtest_draws
        assert args.year == DEFAULTS.target_year and args.target == DEFAULTS.province_target
        assert args.timeout == DEFAULTS.timeout
    assert _parse("batch").workers == DEFAULTS.workers


def test_backtest_draws_are_the_same_for_the_command_and_the_reports():
    """They were 1,000 for ``ntm backtest`` and 500 in the reports: one default now."""
    assert _parse("backtest").backtest_draws == PARAMETERS["backtest_draws"].default
    assert _parse("backtest", "--backtest-draws", "40").backtest_draws == 40
    assert _parse("backtest", "--draws", "40").backtest_draws == 40  # the old spelling


def test_cli_writes_no_literal_number_as_a_default():
    """A number written as ``default=`` in cli.py would be a second home for a default."""
    tree = ast.parse((REPO / "ntm_analysis" / "cli.py").read_text(encoding="utf-8"))
    literals = [
        (node.lineno, ast.unparse(node))
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for kw in node.keywords
        if kw.arg == "default"
        and isinstance(kw.value, ast.Constant)
        and isinstance(kw.value.value, int | float)
        and not isinstance(kw.value.value, bool)
    ]
    assert literals == []


@pytest.mark.parametrize("kind", ["district", "province", "explore"])
def test_every_notebook_parameter_cell_declares_the_configuration_defaults(kind):
    declared = notebook_parameters(NOTEBOOKS[kind])
    fields = {f.name: f for f in config_fields()}
    assert set(declared) <= set(fields)
    for name, value in declared.items():
        assert fields[name].metadata["scope"] == "notebook", name
        assert value == config_default(name), name


def test_the_parameter_schema_is_built_from_the_configuration():
    for name, spec in {**PARAMETERS, **BATCH_OPTIONS}.items():
        field = next(f for f in config_fields() if f.name == name)
        assert spec.default == field.default and spec.kind == field.metadata["kind"]
        assert (spec.minimum, spec.maximum) == (
            field.metadata["minimum"],
            field.metadata["maximum"],
        )
    assert set(PARAMETERS) == {f.name for f in config_fields() if f.metadata["scope"] == "notebook"}


def test_the_geography_defaults_are_the_harmonisers():
    from ntm_analysis.geography.harmonise import DEFAULT_RULE, RULES

    field = next(f for f in config_fields() if f.name == "merge_rule")
    assert field.default == DEFAULT_RULE and set(field.metadata["choices"]) == set(RULES)


def test_the_configuration_is_frozen_and_knows_what_changes_the_numbers():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULTS.draws = 5  # type: ignore[misc]
    keys = DEFAULTS.key_values()
    assert {"draws", "seed", "backtest_draws", "target_year", "as_of", "scenario"} <= set(keys)
    assert not {"lang", "district", "province_target", "results_path"} & set(keys)
    assert "results_path" in DEFAULTS.notebook_parameters()
    assert "workers" not in DEFAULTS.notebook_parameters()
    with pytest.raises(TypeError):
        RunConfig.from_mapping({"dráws": 5})


def test_the_cache_key_comes_from_the_configuration(tmp_path):
    from ntm_analysis.analysis.cache import cache_key, config_meta

    base = dataclasses.replace(DEFAULTS, as_of=2016)
    key = cache_key(config_meta(base, "d" * 64))
    # wording and the unit do not change the numbers: the same cached analysis serves them
    for change in ({"lang": "en"}, {"district": "Tràng Định"}, {"province_target": 50.0}):
        assert cache_key(config_meta(dataclasses.replace(base, **change), "d" * 64)) == key
    for change in ({"draws": 300}, {"seed": 1}, {"backtest_draws": 0}, {"trend": False}):
        assert cache_key(config_meta(dataclasses.replace(base, **change), "d" * 64)) != key
    registrations = tmp_path / "registered.csv"
    registrations.write_text("year,commune_code\n2017,X18001\n", encoding="utf-8")
    meta = config_meta(dataclasses.replace(base, registrations_path=str(registrations)), "d" * 64)
    assert meta["registrations_sha256"] is not None and cache_key(meta) != key
    with pytest.raises(ValueError, match="as-of"):
        config_meta(DEFAULTS, "d" * 64)  # as_of must be resolved first


def test_a_scenario_round_trips_through_its_json_form():
    scenario = Scenario(name="x", criterion_odds={10: 1.5}, priority_communes=("X18001",))
    assert Scenario.from_dict(scenario.as_dict()) == scenario
