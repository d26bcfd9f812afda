"""The ``ntm`` command: summaries, validation, forecasts, backtests and the report batch.

Every subcommand works with no arguments on the bundled (synthetic) Lạng Sơn data. Expected
mistakes — a bad file, an unknown district — end with a clear message and exit code 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

import pandas as pd

from . import __version__, i18n
from .communes import Registry
from .errors import DataError
from .forecast import Scenario, run_forecast
from .load import load_panel, summarise
from .metrics import unit_summary
from .panel import Panel
from .results import jsonable, unit_results
from .targets import load_targets, target_value

EXIT_DATA_ERROR = 2


def _print_json(value: object) -> None:
    print(json.dumps(jsonable(value), ensure_ascii=False, indent=2))


def _load(args: argparse.Namespace) -> Panel:
    registry = Registry.from_csv(args.units) if getattr(args, "units", None) else None
    return load_panel(args.data, registry=registry)


def _resolve_district(panel: Panel, name: str | None, units: str | None) -> int | None:
    if not name:
        return None
    registry = Registry.from_csv(units) if units else Registry.from_csv()
    code = registry.resolve(name)
    if code not in panel.district_codes:
        raise DataError.single(
            panel.source, f"district {registry.name(code)!r} has no communes in this data"
        )
    return code


def _note_synthetic(panel: Panel, lang: str) -> None:
    if panel.synthetic:
        print(i18n.t("cli.synthetic_warning", lang), file=sys.stderr)


# -- subcommands ------------------------------------------------------------------------------
def cmd_summary(args: argparse.Namespace) -> int:
    panel = _load(args)
    table = unit_summary(panel, args.by)
    year = args.year if args.year is not None else panel.last_year
    if year not in panel.years:
        raise DataError.single(panel.source, f"year {year} is not in the data {panel.years}")
    table = table[table["year"] == year]
    if args.json:
        _print_json(table)
        return 0
    _note_synthetic(panel, args.lang)
    shown = table[["unit", "year", "n_communes", "n_ntm", "mean_criteria", "n_below_5", "n_close"]]
    shown = shown.assign(mean_criteria=shown["mean_criteria"].round(1))
    shown.columns = [i18n.t(f"col.{c}", args.lang) for c in shown.columns]
    print(shown.to_string(index=False))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    registry = Registry.from_csv(args.units) if args.units else None
    panel = load_panel(args.path, sheet=args.sheet, registry=registry, communes_path=args.communes)
    print(f"OK: {summarise(panel)}")
    return 0


def _scenario(args: argparse.Namespace) -> Scenario | None:
    odds = {}
    for item in args.boost or []:
        criterion, _, value = item.partition(":")
        try:
            odds[int(criterion)] = float(value)
        except ValueError as exc:
            raise SystemExit(f"--boost expects CRITERION:ODDS such as 10:1.5, got {item!r}") from exc
    if not odds and not args.priority:
        return None
    return Scenario(name="scenario", criterion_odds=odds, priority_communes=tuple(args.priority))


def cmd_forecast(args: argparse.Namespace) -> int:
    panel = _load(args)
    unit = _resolve_district(panel, args.district, args.units)
    forecast = run_forecast(
        panel, args.year, args.draws, args.seed, _scenario(args), args.as_of, trend=not args.no_trend
    )
    target, official = args.target, False
    if target is None:
        target = target_value(load_targets(args.targets), args.year, "n_ntm", unit)
        official = target is not None
    result = unit_results(panel, forecast, unit, target, args.year, official, args.lang)
    if args.json:
        _print_json(result)
        return 0
    _note_synthetic(panel, args.lang)
    print(result["headline"])
    yearly = pd.DataFrame(result["yearly"])[["year", "mean", "lo80", "hi80", "lo95", "hi95"]]
    print(yearly.round(1).to_string(index=False))
    return 0


def cmd_backtest(args: argparse.Namespace) -> int:
    from .backtest import backtest

    panel = _load(args)
    result = backtest(panel, n_draws=args.draws, seed=args.seed)
    if args.json:
        _print_json({"summary": result.summary, "calibration": result.calibration})
        return 0
    _note_synthetic(panel, args.lang)
    print(f"origins: {result.origins}")
    print(result.summary.round(3).to_string(index=False))
    print()
    print(result.calibration.round(3).to_string(index=False))
    return 0


# -- parser -----------------------------------------------------------------------------------
def _data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", help="panel file (CSV, XLSX or Parquet); default: the bundled synthetic data"
    )
    parser.add_argument("--units", help="units file of another province (default: Lạng Sơn 2017)")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="language of the output")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ntm",
        description="New Rural Development (Nông thôn mới) analysis: where communes stand, "
        "and whether the province and its districts will reach their targets.",
    )
    parser.add_argument("--version", action="version", version=f"ntm-analysis {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands: dict[str, Callable[[argparse.Namespace], int]] = {}

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str):
        commands[name] = func
        return sub.add_parser(name, help=help_text, description=help_text)

    p = add("summary", cmd_summary, "Where the province or each district stands in a year.")
    _data_options(p)
    p.add_argument("--by", choices=["province", "district"], default="province")
    p.add_argument("--year", type=int, help="year to show (default: the latest in the data)")
    p.add_argument("--json", action="store_true", help="print a JSON array of records")

    p = add("validate", cmd_validate, "Check a data file and list every problem found.")
    p.add_argument("path", help="the file to check (CSV, XLSX or Parquet)")
    p.add_argument("--sheet", help="XLSX sheet name (default: the first with a header)")
    p.add_argument("--units", help="units file of another province (default: Lạng Sơn 2017)")
    p.add_argument("--communes", help="official list of communes to check the file against")

    p = add("forecast", cmd_forecast, "Probability of reaching a target, with intervals.")
    _data_options(p)
    p.add_argument("--district", help="district name or GSO code (default: the whole province)")
    p.add_argument("--target", type=float, help="communes meeting the standard to reach "
                   "(default: the province plan target from the targets file)")
    p.add_argument("--year", type=int, default=2020, help="target year (default 2020)")
    p.add_argument("--as-of", type=int, help="last year of data to use (default: latest)")
    p.add_argument("--draws", type=int, default=2000, help="Monte Carlo draws (default 2000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--targets", help="targets file (default: the bundled plan targets)")
    p.add_argument("--no-trend", action="store_true", help="fit without the time trend")
    p.add_argument("--boost", nargs="*", metavar="C:ODDS",
                   help="scenario: multiply the yearly odds of gaining criterion C, e.g. 10:1.5")
    p.add_argument("--priority", nargs="*", default=[], metavar="CODE",
                   help="scenario: commune codes to prioritise (gain odds doubled)")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = add("backtest", cmd_backtest, "Score the model and baselines on past years.")
    _data_options(p)
    p.add_argument("--draws", type=int, default=1000, help="draws per origin (default 1000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")

    parser.set_defaults(_commands=commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args._commands[args.command](args)
    except DataError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_DATA_ERROR
    except ValueError as exc:  # invalid option values the parser could not check
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_DATA_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
