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
from .errors import DataError, MessageError
from .forecast import Scenario, run_forecast
from .load import load_panel, summarise
from .metrics import unit_summary
from .panel import Panel
from .params import ParameterError
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
            panel.source, "error.data.district_no_communes", name=registry.name(code)
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
        raise DataError.single(
            panel.source,
            "error.data.year_not_in_data",
            year=year,
            years=", ".join(map(str, panel.years)),
        )
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
    print(i18n.t("cli.validate.ok", args.lang, summary=summarise(panel, args.lang)))
    return 0


def _scenario(args: argparse.Namespace) -> Scenario | None:
    odds = {}
    for item in args.boost or []:
        criterion, _, value = item.partition(":")
        try:
            odds[int(criterion)] = float(value)
        except ValueError as exc:
            raise ValueError(i18n.t("cli.boost.bad", args.lang, item=repr(item))) from exc
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
    target, official, mean_target = args.target, False, None
    if target is None or unit is None:  # the plan's figures, for this province only
        plan = load_targets(args.targets, province_name=panel.province_name)
        if target is None:
            found = lookup(plan, args.year, "n_ntm", unit)
            target, official = found if found is not None else (None, False)
        if unit is None:
            mean_target = target_value(plan, args.year, "mean_criteria")
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
    print(_yearly_table(result["yearly"], args.lang).to_string(index=False))
    return 0


def _yearly_table(yearly: Sequence[dict], lang: str) -> pd.DataFrame:
    """The forecast year by year as a reader sees it: the mean and the 80%/95% intervals."""

    def interval(row: dict, level: int) -> str:
        lo, hi = (i18n.fmt_number(row[f"{end}{level}"], lang, 0) for end in ("lo", "hi"))
        return f"{lo}–{hi}"

    return pd.DataFrame(
        {
            i18n.t("col.year", lang): [row["year"] for row in yearly],
            i18n.t("cli.col.mean", lang): [i18n.fmt_number(r["mean"], lang, 1) for r in yearly],
            i18n.t("col.interval80", lang): [interval(row, 80) for row in yearly],
            i18n.t("col.interval95", lang): [interval(row, 95) for row in yearly],
        }
    )


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
    print(i18n.t("cli.backtest.origins", args.lang, origins=", ".join(map(str, result.origins))))
    for table in _backtest_tables(result, args.lang):
        print()
        print(table.to_string(index=False))
    return 0


def _backtest_tables(result, lang: str) -> list[pd.DataFrame]:  # backtest.BacktestResult
    """Coverage and error by figure, level and method; Brier scores; calibration — with
    the words and number format of ``lang``."""
    from .report_methods import bin_label

    def word(key: str) -> str:
        return i18n.t(key, lang)

    def num(decimals: int) -> Callable[[float], str]:
        return lambda x: i18n.fmt_number(x, lang, decimals)

    summary, brier, calibration = result.summary, result.brier, result.calibration
    return [
        pd.DataFrame(
            {
                word("cli.col.figure"): [word(f"col.{f}") for f in summary["figure"]],
                word("cli.col.level"): [word(f"unit.{level}") for level in summary["level"]],
                word("report.col.method"): [word(f"method.{m}") for m in summary["method"]],
                word("report.col.n_cases"): summary["n"],
                word("cli.col.coverage80"): summary["coverage80"].map(num(2)),
                word("cli.col.coverage95"): summary["coverage95"].map(num(2)),
                word("cli.col.mae"): summary["mae"].map(num(2)),
            }
        ),
        pd.DataFrame(
            {
                word("report.col.method"): [word(f"method.{m}") for m in brier["method"]],
                word("cli.col.brier"): brier["brier"].map(num(4)),
                word("report.col.n_cases"): brier["n"],
            }
        ),
        pd.DataFrame(
            {
                word("report.col.bin"): [bin_label(b, lang) for b in calibration["bin"]],
                word("report.col.predicted"): calibration["predicted"].map(
                    lambda x: i18n.fmt_percent(x, lang)
                ),
                word("report.col.observed_share"): calibration["observed"].map(
                    lambda x: i18n.fmt_share(x, lang)
                ),
                word("report.col.n_cases"): calibration["n"],
            }
        ),
    ]


def _batch_scenario(text: str | None, lang: str) -> dict | None:
    """``--scenario``: a JSON object, or @FILE holding one (checked with the parameters)."""
    if not text:
        return None
    if text.startswith("@"):
        try:
            with open(text[1:], encoding="utf-8") as handle:
                text = handle.read()
        except OSError as exc:
            raise ValueError(
                i18n.t("cli.scenario.unreadable", lang, path=repr(text[1:]), reason=exc.strerror)
            ) from exc
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ValueError(i18n.t("cli.scenario.not_json", lang, reason=exc)) from exc
    if not isinstance(value, dict):
        raise ValueError(i18n.t("cli.scenario.not_object", lang, example=SCENARIO_EXAMPLE))
    return value


def _district_targets(items: Sequence[str] | None, lang: str) -> dict[str, float]:
    targets = {}
    for item in items or []:
        name, sep, value = item.rpartition("=")
        try:
            if not sep or not name:
                raise ValueError
            targets[name] = float(value)
        except ValueError:
            raise ValueError(i18n.t("cli.district_target.bad", lang, item=repr(item))) from None
    return targets


def _report_batch(result, args: argparse.Namespace) -> int:  # batch.BatchResult
    from .executor import error_text

    lang, pdf = args.lang, args.pdf
    if args.dry_run:
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
        print(i18n.t("cli.error", lang, message=result.record_error), file=sys.stderr)
    if not result.pdf and pdf is None:  # asked for nothing, and no Chromium to print with
        print(i18n.t("cli.batch.no_pdf", lang), file=sys.stderr)
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
        "scenario": _batch_scenario(args.scenario, args.lang),
        "backtest_draws": args.backtest_draws,
        "timeout": args.timeout,
        "progress": not args.no_progress,
        "cache_dir": args.cache,
        "district_targets": _district_targets(args.district_target, args.lang),
        "dry_run": args.dry_run,
        "pdf": args.pdf,
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
    return _report_batch(result, args)


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
    return _report_batch(result, args)


# -- explore: the widget explorer as a local web app (explorer_server) ------------------------
def cmd_explore(args: argparse.Namespace) -> int:
    from .explorer_server import serve

    return serve(args.data, args.lang, args.port, open_browser=not args.no_browser)


def _explore_parser(add: Callable[..., _Parser], h: str) -> None:
    p = add("explore", cmd_explore, "cli.help.cmd.explore")
    p.add_argument("--data", help=i18n.t("cli.help.data", h))
    p.add_argument("--lang", choices=i18n.LANGS, default=p.lang, help=i18n.t("cli.help.lang", h))
    p.add_argument("--port", type=int, help=i18n.t("cli.help.port", h))
    p.add_argument("--no-browser", action="store_true", help=i18n.t("cli.help.no_browser", h))


# -- parser -----------------------------------------------------------------------------------
LANG_ENV = "NTM_LANG"  # a planner's standing choice of language; --lang overrides it
SCENARIO_EXAMPLE = '{"name": "income", "criterion_odds": {"10": 1.5}}'


def chosen_lang(argv: Sequence[str]) -> str:
    """The language asked for by ``--lang`` in ``argv``, else ``$NTM_LANG``, else Vietnamese.

    Known before the parser is built, so that even ``--help`` speaks the reader's language.
    """
    lang = os.environ.get(LANG_ENV) or i18n.DEFAULT_LANG
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    return lang if lang in i18n.LANGS else i18n.DEFAULT_LANG


class _Formatter(argparse.HelpFormatter):
    lang = i18n.DEFAULT_LANG

    def add_usage(self, usage, actions, groups, prefix=None):
        if prefix is None:  # "" is argparse asking for no prefix at all
            prefix = i18n.t("cli.usage", self.lang)
        super().add_usage(usage, actions, groups, prefix)


class _Parser(argparse.ArgumentParser):
    """argparse in the reader's language: section titles, usage, help and the error line."""

    def __init__(self, *args, lang: str = i18n.DEFAULT_LANG, **kwargs) -> None:
        formatter = type("Formatter", (_Formatter,), {"lang": lang})
        super().__init__(*args, formatter_class=formatter, add_help=False, **kwargs)
        self.lang = lang
        self._positionals.title = i18n.t("cli.positionals", lang)
        self._optionals.title = i18n.t("cli.options", lang)
        self.add_argument("-h", "--help", action="help", help=i18n.t("cli.help.help", lang))

    def error(self, message: str):  # exits with the code of every other input mistake
        self.print_usage(sys.stderr)
        text = i18n.t("cli.error", self.lang, message=message)
        self.exit(EXIT_DATA_ERROR, f"{self.prog}: {text}\n")


def _param_default(name: str):
    """A batch option's default, from the one parameter schema (``params``)."""
    from .params import default

    return default(name)


def _data_options(parser: _Parser, data: bool = True) -> None:
    h = parser.lang
    if data:
        parser.add_argument("--data", help=i18n.t("cli.help.data", h))
    parser.add_argument("--units", metavar="PATH", help=i18n.t("cli.help.units", h))
    parser.add_argument(
        "--lang", choices=i18n.LANGS, default=parser.lang, help=i18n.t("cli.help.lang", h)
    )


def _option(parser: _Parser, name: str, key: str, **kwargs) -> None:
    """An option whose help names its default: ``key``'s text with ``{default}`` filled."""
    kwargs["help"] = i18n.t(key, parser.lang, default=kwargs.get("default"))
    parser.add_argument(name, **kwargs)


def _batch_options(parser: _Parser) -> None:
    """Options of ``ntm batch`` and ``ntm run``; defaults from the parameter schema."""
    from .batch import DEFAULT_OUT

    h, default = parser.lang, _param_default
    _data_options(parser)
    _option(parser, "--out", "cli.help.out", default=str(DEFAULT_OUT))
    parser.add_argument(
        "--pdf",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=i18n.t("cli.help.pdf", h),
    )
    _option(parser, "--draws", "cli.help.draws", type=int, default=default("draws"))
    _option(parser, "--seed", "cli.help.seed", type=int, default=default("seed"))
    _option(parser, "--year", "cli.help.year", type=int, default=default("target_year"))
    parser.add_argument(
        "--target",
        type=float,
        default=default("province_target"),
        help=i18n.t("cli.help.batch_target", h),
    )
    parser.add_argument(
        "--district-target",
        action="append",
        metavar="NAME=COUNT",
        help=i18n.t("cli.help.district_target", h),
    )
    parser.add_argument("--as-of", type=int, help=i18n.t("cli.help.as_of", h))
    parser.add_argument(
        "--scenario",
        metavar="JSON",
        help=i18n.t("cli.help.scenario", h, example=SCENARIO_EXAMPLE),
    )
    _option(
        parser,
        "--backtest-draws",
        "cli.help.backtest_draws",
        type=int,
        default=default("backtest_draws"),
    )
    _option(parser, "--timeout", "cli.help.timeout", type=int, default=default("timeout"))
    parser.add_argument("--resume", action="store_true", help=i18n.t("cli.help.resume", h))
    parser.add_argument("--cache", help=i18n.t("cli.help.cache", h))
    parser.add_argument(
        "--no-progress", action="store_true", help=i18n.t("cli.help.no_progress", h)
    )
    parser.add_argument("--dry-run", action="store_true", help=i18n.t("cli.help.dry_run", h))


def build_parser(lang: str = i18n.DEFAULT_LANG) -> argparse.ArgumentParser:
    """The ``ntm`` parser with every help text in ``lang``."""
    h = i18n.check_lang(lang)
    parser = _Parser(prog="ntm", description=i18n.t("cli.help.program", h), lang=h)
    parser.add_argument(
        "--version",
        action="version",
        version=f"ntm-analysis {__version__}",
        help=i18n.t("cli.help.version", h),
    )
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", title=i18n.t("cli.commands", h)
    )
    commands: dict[str, Callable[[argparse.Namespace], int]] = {}

    def add(name: str, func: Callable[[argparse.Namespace], int], help_key: str) -> _Parser:
        commands[name] = func
        text = i18n.t(help_key, h)
        return sub.add_parser(name, help=text, description=text, lang=h)

    p = add("summary", cmd_summary, "cli.help.cmd.summary")
    _data_options(p)
    p.add_argument(
        "--by",
        choices=["province", "district"],
        default="province",
        help=i18n.t("cli.help.by", h),
    )
    p.add_argument("--year", type=int, help=i18n.t("cli.help.summary_year", h))
    p.add_argument("--json", action="store_true", help=i18n.t("cli.help.json", h))

    p = add("validate", cmd_validate, "cli.help.cmd.validate")
    p.add_argument("path", help=i18n.t("cli.help.path", h))
    p.add_argument("--sheet", help=i18n.t("cli.help.sheet", h))
    _data_options(p, data=False)
    p.add_argument("--communes", help=i18n.t("cli.help.communes", h))

    p = add("forecast", cmd_forecast, "cli.help.cmd.forecast")
    _data_options(p)
    p.add_argument("--district", help=i18n.t("cli.help.district", h))
    p.add_argument("--target", type=float, help=i18n.t("cli.help.forecast_target", h))
    _option(p, "--year", "cli.help.year", type=int, default=2020)
    p.add_argument("--as-of", type=int, help=i18n.t("cli.help.as_of", h))
    _option(p, "--draws", "cli.help.draws", type=int, default=2000)
    _option(p, "--seed", "cli.help.seed", type=int, default=0)
    p.add_argument("--targets", help=i18n.t("cli.help.targets", h))
    p.add_argument("--no-trend", action="store_true", help=i18n.t("cli.help.no_trend", h))
    p.add_argument("--boost", nargs="*", metavar="C:ODDS", help=i18n.t("cli.help.boost", h))
    p.add_argument(
        "--priority", nargs="*", default=[], metavar="CODE", help=i18n.t("cli.help.priority", h)
    )
    p.add_argument("--json", action="store_true", help=i18n.t("cli.help.json", h))
    p.add_argument("--out", help=i18n.t("cli.help.forecast_out", h))

    p = add("backtest", cmd_backtest, "cli.help.cmd.backtest")
    _data_options(p)
    _option(p, "--draws", "cli.help.backtest_draws_origin", type=int, default=1000)
    _option(p, "--seed", "cli.help.seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help=i18n.t("cli.help.json", h))

    p = add("batch", cmd_batch, "cli.help.cmd.batch")
    _batch_options(p)
    p.add_argument(
        "--districts", nargs="+", metavar="NAME", help=i18n.t("cli.help.districts", h)
    )
    p.add_argument("--no-province", action="store_true", help=i18n.t("cli.help.no_province", h))
    p.add_argument(
        "--workers",
        type=int,
        default=_param_default("workers"),
        help=i18n.t("cli.help.workers", h),
    )
    p.add_argument("--dask", metavar="ADDRESS", help=i18n.t("cli.help.dask", h))

    p = add("run", cmd_run, "cli.help.cmd.run")
    _batch_options(p)
    p.add_argument("--district", help=i18n.t("cli.help.run_district", h))

    _explore_parser(add, h)

    parser.set_defaults(_commands=commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = chosen_lang(argv)
    args = build_parser(lang).parse_args(argv)
    try:
        return args._commands[args.command](args)
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed stream
        return 0
    except (DataError, ParameterError) as exc:  # every problem, under its count
        print(exc.render(args.lang), file=sys.stderr)
        return EXIT_DATA_ERROR
    except MessageError as exc:  # one sentence: a locked output folder, a bad scenario
        print(i18n.t("cli.error", args.lang, message=exc.render(args.lang)), file=sys.stderr)
        return EXIT_DATA_ERROR
    except ValueError as exc:  # invalid option values the parser could not check
        print(i18n.t("cli.error", args.lang, message=exc), file=sys.stderr)
        return EXIT_DATA_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
