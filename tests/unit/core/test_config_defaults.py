"""RunConfig is the only place a run setting's default lives: no function of the package
writes its own number for the draws, the seed, the backtest draws or the target year (the
library's ``backtest`` drew 1,000 by default while every command and report drew 500)."""

from __future__ import annotations

import ast
import inspect

import pytest
from locations import REPO

from ntm_analysis import i18n
from ntm_analysis.analysis.crossing import forecast_across
from ntm_analysis.core.config import DEFAULT_PRIORITY_ODDS, config_default
from ntm_analysis.core.scenario import Scenario
from ntm_analysis.explorer import compute
from ntm_analysis.geography import harmonise
from ntm_analysis.model.backtest import backtest
from ntm_analysis.model.forecast import run_forecast

SETTINGS = {
    "draws",
    "n_draws",
    "seed",
    "backtest_draws",
    "target_year",
    "priority_odds",
    "lang",
    "merge_rule",
    "rule",
    "criterion",
}
CONSTANTS = {f"DEFAULT_{name.upper()}" for name in SETTINGS}
# not run settings: which synthetic panel is generated, and the calibration study's own design
# (its draws and seeds are calibration's HARNESS_* constants, benchmarks/CALIBRATION.md)
NOT_RUN_SETTINGS = {"model/synthetic.py", "model/known_processes.py", "core/config.py"}
# core/config.py above is the home of the defaults. Named exceptions: i18n's own fallback
# language, which RunConfig reads (i18n sits below core, so the one literal lives there)
EXCEPTIONS = {"i18n/__init__.py": {"DEFAULT_LANG = 'vi'"}}


def _numbers(node: ast.AST | None) -> bool:
    """A literal a default could be written as: a number or a string (a language, a rule)."""
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float | str)
        and not isinstance(node.value, bool)
    )


def _year(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, int) and node.value >= 2000


def _name(node: ast.AST) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _literal_defaults(tree: ast.Module) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            positional = [*args.posonlyargs, *args.args]
            with_default = positional[len(positional) - len(args.defaults) :]
            pairs = list(zip(with_default, args.defaults, strict=True))
            pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d]
            found += [
                (node.lineno, f"{node.name}({arg.arg}={ast.unparse(value)})")
                for arg, value in pairs
                if arg.arg in SETTINGS and _numbers(value)
            ]
        elif isinstance(node, ast.Assign) and _numbers(node.value):
            found += [
                (node.lineno, f"{target.id} = {ast.unparse(node.value)}")
                for target in node.targets
                if isinstance(target, ast.Name) and target.id in CONSTANTS
            ]
        elif (  # a dataclass field: `priority_odds: float = 2.0`
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id in SETTINGS | CONSTANTS
            and _numbers(node.value)
        ):
            found.append((node.lineno, f"{node.target.id} = {ast.unparse(node.value)}"))
        elif (  # a fallback read: `value.get("priority_odds", 2.0)`
            isinstance(node, ast.Call)
            and _name(node.func) == "get"
            and len(node.args) == 2
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value in SETTINGS
            and _numbers(node.args[1])
        ) or (  # a preferred target year: `2020 in ex.target_years`
            isinstance(node, ast.Compare)
            and _year(node.left)
            and any(_name(c).endswith("target_years") for c in node.comparators)
        ):
            found.append((node.lineno, ast.unparse(node)))
    return found


def test_no_module_writes_its_own_number_for_a_run_setting():
    package = REPO / "ntm_analysis"
    literals = {}
    for path in sorted(package.rglob("*.py")):
        name = str(path.relative_to(package))
        if name in NOT_RUN_SETTINGS:
            continue
        found = _literal_defaults(ast.parse(path.read_text(encoding="utf-8")))
        found = [(line, text) for line, text in found if text not in EXCEPTIONS.get(name, ())]
        if found:
            literals[name] = found
    assert literals == {}


def test_the_probe_finds_a_literal_default():
    """The check above can fail: a function or constant written the old way is found."""
    tree = ast.parse("DEFAULT_DRAWS = 2000\ndef f(panel, *, n_draws=1000, seed=0, x=1): ...")
    assert [text for _, text in _literal_defaults(tree)] == [
        "DEFAULT_DRAWS = 2000",
        "f(n_draws=1000)",
        "f(seed=0)",
    ]


def test_the_probe_finds_fields_fallbacks_and_preferred_years():
    tree = ast.parse(
        "class S:\n    priority_odds: float = 2.0\n"
        "x = value.get('priority_odds', 2.0)\n"
        "y = 2020 if 2020 in ex.target_years else 0\n"
        "def g(lang='vi', rule='all'): ...\n"
    )
    assert sorted(text for _, text in _literal_defaults(tree)) == [
        "2020 in ex.target_years",
        "g(lang='vi')",
        "g(rule='all')",
        "priority_odds = 2.0",
        "value.get('priority_odds', 2.0)",
    ]


def test_the_defaults_without_a_field_come_from_the_one_place():
    """The language is i18n's fallback read by RunConfig; the merge rule is RunConfig's read by
    geography; a scenario's priority odds are core.config's, used by the explorer too."""
    assert config_default("lang") == i18n.DEFAULT_LANG
    assert config_default("merge_rule") == harmonise.DEFAULT_RULE
    assert Scenario().priority_odds == DEFAULT_PRIORITY_ODDS
    assert Scenario.from_dict({}).priority_odds == DEFAULT_PRIORITY_ODDS
    odds = inspect.signature(compute.Explorer.what_if).parameters["priority_odds"]
    assert odds.default == DEFAULT_PRIORITY_ODDS


@pytest.mark.parametrize(
    ("function", "defaults"),
    [
        (run_forecast, {"n_draws": "draws", "seed": "seed", "target_year": "target_year"}),
        (backtest, {"n_draws": "backtest_draws", "seed": "seed"}),
        (forecast_across, {"n_draws": "draws", "seed": "seed"}),
    ],
)
def test_the_library_functions_default_to_the_run_configuration(function, defaults):
    parameters = inspect.signature(function).parameters
    for name, setting in defaults.items():
        assert parameters[name].default == config_default(setting), (function.__name__, name)
    assert config_default("draws") == compute.DEFAULT_DRAWS
