"""The ``ntm`` command: summaries, validation, forecasts, backtests and the report batch.

Every subcommand works with no arguments on the bundled (synthetic) Lạng Sơn data. Expected
mistakes — a bad file, an unknown district — end with a clear message and exit code 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

# One BLAS thread unless the user chose otherwise, set before numpy loads: the simulation is
# not BLAS-bound, and on a 2-core machine BLAS's spinning threads fight the batch's workers
# and kernels (which inherit this). Measured in benchmarks/README.md (batch.blas1: 0.73–0.86×).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pandas as pd

from . import __version__, i18n
from .communes import Registry
from .errors import DataError
from .forecast import Scenario, run_forecast
from .load import load_panel, summarise
from .metrics import unit_summary
from .panel import Panel
from .results import jsonable, unit_results, write_forecast_tables, write_results
from .targets import load_targets, lookup, target_value

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


def _targets(args: argparse.Namespace, panel: Panel) -> pd.DataFrame:
    """The targets file's rows for this panel's province (others' plans never apply)."""
    return load_targets(args.targets, province_name=panel.province_name)


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
    table = table[table["year"] == year].assign(synthetic=panel.synthetic)
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
            raise SystemExit(
                f"--boost expects CRITERION:ODDS such as 10:1.5, got {item!r}"
            ) from exc
    if not odds and not args.priority:
        return None
    return Scenario(name="scenario", criterion_odds=odds, priority_communes=tuple(args.priority))


def cmd_forecast(args: argparse.Namespace) -> int:
    panel = _load(args)
    unit = _resolve_district(panel, args.district, args.units)
    forecast = run_forecast(
        panel,
        args.year,
        args.draws,
        args.seed,
        _scenario(args),
        args.as_of,
        trend=not args.no_trend,
    )
    target, official = args.target, False
    if target is None:
        found = lookup(_targets(args, panel), args.year, "n_ntm", unit)
        target, official = found if found is not None else (None, False)
    mean_target = None
    if unit is None:
        mean_target = target_value(_targets(args, panel), args.year, "mean_criteria")
    result = unit_results(
        panel, forecast, unit, target, args.year, official, args.lang, mean_target=mean_target
    )
    if args.out:
        write_results(result, Path(args.out) / "result.json")
        write_forecast_tables(forecast, args.out)
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
        _print_json(
            {
                "synthetic": panel.synthetic,
                "origins": result.origins,
                "summary": result.summary,
                "brier": result.brier,
                "calibration": result.calibration,
            }
        )
        return 0
    _note_synthetic(panel, args.lang)
    print(f"origins: {result.origins}")
    print(result.summary.round(3).to_string(index=False))
    print()
    print(result.brier.round(4).to_string(index=False))
    print()
    print(result.calibration.round(3).to_string(index=False))
    return 0


def _batch_scenario(text: str | None) -> dict | None:
    """``--scenario``: a JSON object, or @FILE holding one (checked with the parameters)."""
    if not text:
        return None
    if text.startswith("@"):
        try:
            with open(text[1:], encoding="utf-8") as handle:
                text = handle.read()
        except OSError as exc:
            raise ValueError(f"--scenario: cannot read {text[1:]!r}: {exc.strerror}") from exc
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"--scenario must be a JSON object: {exc}") from exc
    if not isinstance(value, dict):
        raise ValueError(
            "--scenario must be a JSON object such as "
            '{"name": "income", "criterion_odds": {"10": 1.5}}'
        )
    return value


def _district_targets(items: Sequence[str] | None) -> dict[str, float]:
    targets = {}
    for item in items or []:
        name, sep, value = item.rpartition("=")
        try:
            if not sep or not name:
                raise ValueError
            targets[name] = float(value)
        except ValueError:
            raise ValueError(f"--district-target expects NAME=COUNT, got {item!r}") from None
    return targets


def _report_batch(result, lang: str, dry_run: bool = False) -> int:  # batch.BatchResult
    from .executor import error_text

    if dry_run:
        _print_json({"run": result.planned, "up_to_date": result.skipped})
        return 0
    if result.failed:
        print(i18n.t("cli.batch.failed", lang, n=len(result.failed)), file=sys.stderr)
        for failure in result.failed:
            print(
                f"  - {failure['name']} ({failure['id']}): {error_text(failure['error'])}",
                file=sys.stderr,
            )
    if result.record_error:
        print(f"error: {result.record_error}", file=sys.stderr)
    print(
        i18n.t(
            "cli.batch.summary",
            lang,
            ok=len(result.ok),
            skipped=len(result.skipped),
            failed=len(result.failed),
            seconds=i18n.fmt_number(result.seconds, lang, 0),
            index=result.index or "–",
        ),
        file=sys.stderr,
    )
    return result.exit_code


def _batch_kwargs(args: argparse.Namespace) -> dict:
    return {
        "data": args.data,
        "units": args.units,
        "draws": args.draws,
        "seed": args.seed,
        "lang": args.lang,
        "resume": args.resume,
        "target_year": args.year,
        "province_target": args.target,
        "as_of": args.as_of,
        "scenario": _batch_scenario(args.scenario),
        "backtest_draws": args.backtest_draws,
        "timeout": args.timeout,
        "progress": not args.no_progress,
        "cache_dir": args.cache,
        "district_targets": _district_targets(args.district_target),
        "dry_run": args.dry_run,
    }


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import run_batch

    result = run_batch(
        args.out,
        districts=args.districts,
        province=not args.no_province,
        workers=args.workers,
        dask=args.dask,
        **_batch_kwargs(args),
    )
    return _report_batch(result, args.lang, args.dry_run)


def cmd_run(args: argparse.Namespace) -> int:
    from .batch import run_batch

    district = (args.district or "").strip()
    result = run_batch(
        args.out,
        districts=[district] if district else [],
        province=not district,
        workers=1,
        **_batch_kwargs(args),
    )
    return _report_batch(result, args.lang, args.dry_run)


# -- parser -----------------------------------------------------------------------------------
def _data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", help="panel file (CSV, XLSX or Parquet); default: the bundled synthetic data"
    )
    parser.add_argument("--units", help="units file of another province (default: Lạng Sơn 2017)")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="language of the output")


def _param_default(name: str):
    """A batch option's default, from the one parameter schema (``params``)."""
    from .params import default

    return default(name)


def _batch_options(parser: argparse.ArgumentParser) -> None:
    """Options of ``ntm batch`` and ``ntm run``; defaults from the parameter schema."""
    from .batch import DEFAULT_OUT

    default = _param_default

    parser.add_argument(
        "--out", default=str(DEFAULT_OUT), help=f"output folder (default: {DEFAULT_OUT}/)"
    )
    parser.add_argument(
        "--data", help="panel file (CSV, XLSX or Parquet); default: the bundled synthetic data"
    )
    parser.add_argument(
        "--units",
        metavar="PATH",
        help="units file of the province: districts are resolved against it "
        "(default: the bundled Lạng Sơn 2017 file)",
    )
    parser.add_argument(
        "--lang", choices=["vi", "en"], default=default("lang"), help="report language"
    )
    parser.add_argument(
        "--draws",
        type=int,
        default=default("draws"),
        help=f"Monte Carlo draws (default {default('draws')})",
    )
    parser.add_argument(
        "--seed", type=int, default=default("seed"), help=f"random seed (default {default('seed')})"
    )
    parser.add_argument(
        "--year",
        type=int,
        default=default("target_year"),
        help=f"target year (default {default('target_year')})",
    )
    parser.add_argument(
        "--target",
        type=float,
        default=default("province_target"),
        help="your own province target: communes meeting the standard by --year (default: "
        "the targets file's figure for --year, shown as official when the file says so)",
    )
    parser.add_argument(
        "--district-target",
        action="append",
        metavar="NAME=COUNT",
        help="a district's own target (repeatable); never a split of the province target",
    )
    parser.add_argument("--as-of", type=int, help="last year of data to use (default: latest)")
    parser.add_argument(
        "--scenario",
        metavar="JSON",
        help='scenario as JSON or @FILE, e.g. {"name": "income", "criterion_odds": {"10": 1.5}}',
    )
    parser.add_argument(
        "--backtest-draws",
        type=int,
        default=default("backtest_draws"),
        help=f"draws per backtest origin, 0 to skip (default {default('backtest_draws')})",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=default("timeout"),
        help=f"seconds one notebook may run before it is stopped and reported as failed "
        f"(default {default('timeout')})",
    )
    parser.add_argument(
        "--resume", action="store_true", help="re-run only reports that are missing or out of date"
    )
    parser.add_argument("--cache", help="forecast cache folder (default: OUT/.cache)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="check the parameters and list the reports that would run",
    )


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
    p.add_argument(
        "--target",
        type=float,
        help="communes meeting the standard to reach "
        "(default: the province plan target from the targets file)",
    )
    p.add_argument("--year", type=int, default=2020, help="target year (default 2020)")
    p.add_argument("--as-of", type=int, help="last year of data to use (default: latest)")
    p.add_argument("--draws", type=int, default=2000, help="Monte Carlo draws (default 2000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--targets", help="targets file (default: the bundled plan targets)")
    p.add_argument("--no-trend", action="store_true", help="fit without the time trend")
    p.add_argument(
        "--boost",
        nargs="*",
        metavar="C:ODDS",
        help="scenario: multiply the yearly odds of gaining criterion C, e.g. 10:1.5",
    )
    p.add_argument(
        "--priority",
        nargs="*",
        default=[],
        metavar="CODE",
        help="scenario: commune codes to prioritise (gain odds doubled)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--out", help="also write result.json and the forecast tables (Parquet) here")

    p = add("backtest", cmd_backtest, "Score the model and baselines on past years.")
    _data_options(p)
    p.add_argument("--draws", type=int, default=1000, help="draws per origin (default 1000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")

    p = add(
        "batch",
        cmd_batch,
        "Reports for the province and every district: notebooks, "
        "HTML, JSON results, index.html and manifest.json.",
    )
    _batch_options(p)
    p.add_argument(
        "--districts",
        nargs="+",
        metavar="NAME",
        help="district names or GSO codes (default: every district)",
    )
    p.add_argument("--no-province", action="store_true", help="skip the province overview")
    p.add_argument(
        "--workers",
        type=int,
        default=_param_default("workers"),
        help="notebooks run at once (default: the number of CPUs)",
    )
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run the notebooks on this Dask scheduler (needs ntm-analysis[dask]). The "
        "workers must see this machine's files at the same absolute paths (a shared "
        "filesystem): the data, the units file, the notebooks, the output and cache folders; "
        "this is checked before anything runs",
    )

    p = add(
        "run",
        cmd_run,
        "The report of one district (or, without --district, the "
        "province overview), as in the batch.",
    )
    _batch_options(p)
    p.add_argument("--district", help="district name or GSO code (default: the province)")

    parser.set_defaults(_commands=commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args._commands[args.command](args)
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed stream
        return 0
    except DataError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_DATA_ERROR
    except ValueError as exc:  # invalid option values the parser could not check
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_DATA_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
