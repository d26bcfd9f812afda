"""The run settings' command-line options are built from ``RunConfig``'s fields: one option per
setting and command, with the field's default, choices and type, read back as the field's
values."""

from __future__ import annotations

import pytest

from ntm_analysis import cli, i18n
from ntm_analysis.core.config import RunConfig, config_field, config_fields

DEFAULTS = RunConfig()
CLI_FIELDS = {f.name for f in config_fields() if f.metadata["cli"] is not None}
# what a command needs besides its options to parse (a positional argument)
POSITIONALS = {"validate": ["data.csv"], "notebooks": ["dest"], "lineage": ["Tràng Định"]}
# options named like a setting's flag that are another thing: ``ntm summary --year`` is the
# year shown, ``ntm targets --year`` (repeated) the years of the template to fill in
NOT_THE_SETTING = {("summary", "--year"), ("targets", "--year")}


def _commands(lang: str = "en") -> dict:
    return cli.build_parser(lang).commands


def _parse(command: str, *argv: str, lang: str = "en"):
    return cli.build_parser(lang).parse_args([command, *POSITIONALS.get(command, []), *argv])


def test_every_setting_with_a_command_line_role_is_offered_somewhere():
    offered = {name for sub in _commands().values() for name in sub.settings}
    assert offered == CLI_FIELDS
    assert "district_target" not in CLI_FIELDS  # --district-target NAME=COUNT is the batch's


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_each_command_builds_one_option_per_setting_with_the_fields_default_and_choices(lang):
    for command, sub in _commands(lang).items():
        for name, action in sub.settings.items():
            field = config_field(name)
            meta = field.metadata
            # one option in the command's help holds this setting's names
            shown = [flag for flag in sub.helps if flag in action.option_strings]
            assert len(shown) == 1, (command, name)
            # its names: the field's, or the command's own spelling of them
            assert set(meta["cli"].flags) <= set(action.option_strings) or command == "backtest"
            choices = meta["choices"]
            if name == "lang":  # the reader's language: the default when --lang is not typed
                assert action.default == lang and tuple(action.choices) == choices
            elif meta["kind"] == "bool":  # a flag that turns the setting off
                assert action.default is field.default is True and action.const is False
            elif choices is not None:
                assert action.default == field.default
                assert list(action.choices) == [c for c in choices if c != ""]
            else:
                assert action.choices is None
                assert action.default == (None if field.default == "" else field.default)


def test_no_command_writes_a_settings_option_by_hand():
    flags = {flag for name in CLI_FIELDS for flag in config_field(name).metadata["cli"].flags}
    for command, sub in _commands().items():
        built = {flag for action in sub.settings.values() for flag in action.option_strings}
        by_hand = {flag for flag in sub.helps if flag in flags and flag not in built}
        assert {(command, flag) for flag in by_hand} <= NOT_THE_SETTING


@pytest.mark.parametrize("command", sorted(_commands()))
def test_a_command_without_options_runs_the_configurations_defaults(command):
    values = cli.setting_values(_parse(command, "--lang", "vi"))
    assert values == {name: getattr(DEFAULTS, name) for name in values}
    assert set(values) == set(_commands()[command].settings)


def test_typed_options_become_the_fields_values():
    forecast = cli.setting_values(
        _parse(
            "forecast",
            *("--draws", "12", "--seed", "3", "--year", "2025", "--as-of", "2015"),
            *("--target", "1,5", "--no-trend", "--data", "x.csv", "--merge-rule", "largest"),
        )
    )
    assert forecast["lang"] == "en"
    expected = {
        "draws": 12,
        "seed": 3,
        "target_year": 2025,
        "as_of": 2015,
        "province_target": 1.5,  # typed with a decimal comma
        "trend": False,
        "data_path": "x.csv",
        "merge_rule": "largest",
    }
    assert {k: forecast[k] for k in expected} == expected
    assert RunConfig(**forecast).trend is False  # every value is one RunConfig takes
    # the backtest's draws are its own setting under the old name and the new
    for flag in ("--draws", "--backtest-draws"):
        assert cli.setting_values(_parse("backtest", flag, "40"))["backtest_draws"] == 40
    scenario = cli.setting_values(_parse("batch", "--scenario", '{"name": "x"}'))["scenario"]
    assert scenario == {"name": "x"}


def test_a_value_of_the_wrong_type_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exit_:
        _parse("forecast", "--draws", "many")
    assert exit_.value.code == cli.EXIT_USAGE
    with pytest.raises(SystemExit):
        _parse("forecast", "--merge-rule", "biggest")
    assert "biggest" in capsys.readouterr().err
