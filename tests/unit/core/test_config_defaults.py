"""RunConfig is the only place a run setting's default lives: no function of the package
writes its own number for the draws, the seed, the backtest draws or the target year (the
library's ``backtest`` drew 1,000 by default while every command and report drew 500)."""

from __future__ import annotations

import ast
import inspect

import pytest
from locations import REPO

from ntm_analysis.analysis.crossing import forecast_across
from ntm_analysis.core.config import config_default
from ntm_analysis.explorer import compute
from ntm_analysis.model.backtest import backtest
from ntm_analysis.model.forecast import run_forecast

SETTINGS = {"draws", "n_draws", "seed", "backtest_draws", "target_year"}
CONSTANTS = {f"DEFAULT_{name.upper()}" for name in SETTINGS}
# not run settings: which synthetic panel is generated, and the calibration study's own design
# (benchmarks/CALIBRATION.md states its draws and seeds)
NOT_RUN_SETTINGS = {"model/synthetic.py", "model/calibration.py", "model/known_processes.py"}


def _numbers(node: ast.AST | None) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    )


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
    return found


def test_no_module_writes_its_own_number_for_a_run_setting():
    package = REPO / "ntm_analysis"
    literals = {
        str(path.relative_to(package)): found
        for path in sorted(package.rglob("*.py"))
        if str(path.relative_to(package)) not in NOT_RUN_SETTINGS
        and (found := _literal_defaults(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert literals == {}


def test_the_probe_finds_a_literal_default():
    """The check above can fail: a function or constant written the old way is found."""
    tree = ast.parse("DEFAULT_DRAWS = 2000\ndef f(panel, *, n_draws=1000, seed=0, x=1): ...")
    assert [text for _, text in _literal_defaults(tree)] == [
        "DEFAULT_DRAWS = 2000",
        "f(n_draws=1000)",
        "f(seed=0)",
    ]


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
