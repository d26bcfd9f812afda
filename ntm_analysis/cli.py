"""The ``ntm`` command: summaries, validation, forecasts, backtests and the report batch.

Every subcommand works with no arguments on the bundled (synthetic) Lạng Sơn data. Expected
mistakes end with a clear message in the reader's language and one of these exit codes,
never a traceback (the README lists them for planners' scripts):

- 0: done; 1: ``ntm batch``/``ntm run`` made some reports but not all (each failure named);
- 2: the command line is wrong (an unknown option, a value that cannot be a number, an
  unknown district or commune, an impossible target, bad batch parameters);
- 3: the data or a file: an input that cannot be read or used (every problem listed, with
  sheet, row and column), or an output folder that cannot be written;
- 4: the installation: something the command needs is not installed (Chromium for
  ``--pdf``, the ``dask`` extra, the notebook kernel, Voilà for ``ntm explore``);
- 130: interrupted (Ctrl-C); nothing half-written is left in place. ``ntm explore`` is the
  exception: Ctrl-C is how its app is stopped, so it ends with 0.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from ntm_analysis import BLAS_VARS

# One BLAS thread unless the user chose otherwise, set before numpy loads: the simulation is
# not BLAS-bound, and on a 2-core machine BLAS's spinning threads fight the batch's workers
# and kernels (which inherit this). Measured in benchmarks/README.md (batch.blas1: 0.73–0.86×).
# Nothing that imports numpy may come above this loop (tests/unit/cli/test_forecast_blas.py).
for _var in BLAS_VARS:
    os.environ.setdefault(_var, "1")

import pandas as pd

from ntm_analysis import __version__, i18n
from ntm_analysis.analysis.analyse import analyse, plan_table, read, results_for
from ntm_analysis.analysis.crossing import forecast_across, target_on_units
from ntm_analysis.analysis.results import (
    YearForecast,
    jsonable,
    write_forecast_tables,
    write_results,
)
from ntm_analysis.batch.lock import OutputError
from ntm_analysis.core.config import RunConfig, config_default, config_field, config_fields
from ntm_analysis.core.errors import DataError, MessageError, Msg, os_reason
from ntm_analysis.core.panel import Panel, has_districts
from ntm_analysis.core.params import ParameterError
from ntm_analysis.core.paths import InstallationError
from ntm_analysis.core.resolve import resolve_unit
from ntm_analysis.core.rules import target_possible
from ntm_analysis.core.scenario import Scenario
from ntm_analysis.core.targets import DISTRICT_TEMPLATE, units_of
from ntm_analysis.geography.admin import registry
from ntm_analysis.geography.admin_check import label
from ntm_analysis.i18n.text import fold
from ntm_analysis.io.load import load_panel
from ntm_analysis.io.reference import read_registry, read_targets
from ntm_analysis.model.metrics import unit_summary
from ntm_analysis.report.crossing import (
    crossing_json,
    crossing_notes,
    denominator_words,
    target_words,
)
from ntm_analysis.report.geography import geography_lines, panel_summary, rule_label
from ntm_analysis.report.headline import headline, unit_json

EXIT_FAILED = 1  # some reports of a batch failed (batch.EXIT_FAILED)
EXIT_USAGE = 2  # the command line: argparse's own code for it
EXIT_DATA_ERROR = 3  # the data, or a file or folder that cannot be read or written
EXIT_INSTALL = 4  # something needed is not installed, or a file the package ships is missing
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT
# parameter problems that are the installation's, not the user's (exit code 4)
_INSTALL_KEYS = frozenset(
    {"error.param.no_chromium", "error.param.no_distributed", "error.param.no_kernel"}
)


def number(text: str) -> float:
    """A number as a Vietnamese or English reader types it: "1,5" and "1.5" alike."""
    return float(str(text).strip().replace(",", "."))


def _print_json(value: object) -> None:
    print(json.dumps(jsonable(value), ensure_ascii=False, indent=2))


def _load(args: argparse.Namespace) -> Panel:
    registry = read_registry(args.units) if getattr(args, "units", None) else None
    return load_panel(args.data, registry=registry, **_geography_options(args))


def _resolve_district(panel: Panel, name: str | None, units: str | None) -> int | None:
    """``--district`` as a code (``core.resolve.resolve_unit``); else exit 2."""
    registry = read_registry(units) if units else read_registry()
    return resolve_unit(registry, name, "--district", panel)


def _note_synthetic(panel: Panel, lang: str) -> None:
    if panel.synthetic:
        print(i18n.t("cli.synthetic_warning", lang), file=sys.stderr)


# -- subcommands ------------------------------------------------------------------------------
def cmd_summary(args: argparse.Namespace) -> int:
    panel = _load(args)
    if args.by == "district":
        _require_districts(panel, "--by")  # [geo]
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
    shown = shown.assign(
        mean_criteria=[i18n.fmt_number(x, args.lang, 1) for x in shown["mean_criteria"]]
    )
    shown.columns = [i18n.t(f"col.{c}", args.lang) for c in shown.columns]
    print(shown.to_string(index=False))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    registry = read_registry(args.units) if args.units else None
    panel = load_panel(
        args.path,
        sheet=args.sheet,
        registry=registry,
        communes_path=args.communes,
        **_geography_options(args),
    )
    print(i18n.t("cli.validate.ok", args.lang, summary=panel_summary(panel, args.lang)))
    _print_geography(panel, args.lang)
    return 0


def _scenario(args: argparse.Namespace, panel: Panel) -> Scenario | None:
    odds = {}
    for item in args.boost or []:
        criterion, _, value = item.partition(":")
        try:
            odds[int(criterion)] = number(value)
        except ValueError as exc:
            raise ValueError(i18n.t("cli.boost.bad", args.lang, item=repr(item))) from exc
    if not odds and not args.priority:
        return None
    priority = tuple(_commune_code(panel, item, args.lang) for item in args.priority)
    return Scenario(name="scenario", criterion_odds=odds, priority_communes=priority)


_COMMUNE_PREFIXES = ("xa ", "thi tran ", "phuong ")


def _bare_name(name: str) -> str:
    """A commune name folded, without "Xã"/"Thị trấn"/"Phường": "xa hl 02" -> "hl 02"."""
    folded = fold(name)
    for prefix in _COMMUNE_PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix) :]
    return folded


def _commune_code(panel: Panel, item: str, lang: str) -> str:
    """A commune given by code or by name (with or without diacritics or "Xã"), as its code.

    A name two districts share is refused with both codes; an unknown one is passed on as
    a code, so the scenario's own check names it with the others."""
    communes = panel.communes
    if item in set(communes["commune_code"]):
        return item
    matches = communes[[_bare_name(n) == _bare_name(item) for n in communes["commune_name"]]]
    if len(matches) == 1:
        return str(matches["commune_code"].iloc[0])
    if len(matches) > 1:
        choices = ", ".join(
            f"{r.commune_code} ({r.commune_name}, {r.district_name})" for r in matches.itertuples()
        )
        raise ValueError(i18n.t("cli.priority.ambiguous", lang, item=item, choices=choices))
    return item


def _check_target(panel: Panel, unit: int | None, target: float | None, lang: str) -> None:
    """Refuse a target no outcome can reach: more communes than the unit has, or below 0."""
    if target is None:
        return
    communes = panel.communes
    if unit is not None:
        communes = communes[communes["district_code"] == unit]
    if not target_possible(target, len(communes)):
        kind, name = (
            ("unit.province", panel.province_name)
            if unit is None
            else ("unit.district", communes["district_name"].iloc[0])
        )
        name = i18n.t("unit.named", lang, kind=i18n.t(kind, lang), name=name)
        raise ValueError(
            i18n.t(
                "cli.target.impossible",
                lang,
                target=i18n.fmt_number(target, lang, 0 if float(target).is_integer() else 1),
                unit=name,
                n=len(communes),
            )
        )


def _run_config(args: argparse.Namespace, **settings) -> RunConfig:
    """The run configuration of a command: its options (``setting_values``), then
    ``settings``, over ``RunConfig``'s defaults."""
    return RunConfig(**(setting_values(args) | settings))


def cmd_forecast(args: argparse.Namespace) -> int:
    district = (args.district or "").strip()
    config = _run_config(  # --target is the district's own when a district is named
        args,
        district=district,
        province_target=None if district else args.target,
        district_target=args.target if district else None,
    )
    run = read(config, where="--district")
    _check_target(run.panel, run.unit, args.target, args.lang)
    scenario = _scenario(args, run.panel)
    if scenario is not None:  # checked here: a bad --boost is named before any fit
        run = replace(run, config=replace(run.config, scenario=scenario.as_dict()))
    run = analyse(run, backtest=False, cache_dir=args.cache)
    plan = plan_table(run)
    # the terminal's headline shows no baselines: they (and statsmodels) only for --json/--out
    result = results_for(run, plan, baselines=bool(args.json or args.out))
    if args.out:
        write_results(unit_json(result, args.lang), Path(args.out) / "result.json")
        write_forecast_tables(run.analysis.forecast, args.out)
    if args.json:
        payload = unit_json(result, args.lang)
        crossing = _print_crossing(args, run.panel, run.unit, result.target, show=False)  # [geo]
        _print_json(payload if crossing is None else {**payload, "crossing": crossing})
        return 0
    _note_synthetic(run.panel, args.lang)
    print(headline(result, args.lang))
    print(_yearly_table(result.yearly, args.lang).to_string(index=False))
    _print_crossing(args, run.panel, run.unit, result.target)  # [geo] units change by args.year
    return 0


def cmd_targets(args: argparse.Namespace) -> int:
    """The plan targets in use, or (``--template``) a district-targets file to fill in."""
    if args.template:
        from ntm_analysis.core.targets import write_district_template

        panel = _load(args)
        _require_districts(panel, "--template")  # [geo]
        years = sorted(set(args.year or [panel.last_year + 1, 2020]))
        path = write_district_template(args.template, panel, years)
        n = len(panel.district_codes)
        print(
            i18n.t(
                "cli.targets.template_written",
                args.lang,
                path=path,
                n=n,
                years=", ".join(map(str, years)),
            )
        )
        return 0
    plan = read_targets(args.targets)
    for row in plan.itertuples():
        official = i18n.t("cli.targets.official" if row.official else "cli.targets.own", args.lang)
        print(
            i18n.t(
                "cli.targets.row",
                args.lang,
                year=row.year,
                unit=row.unit_name,
                indicator=i18n.t(f"cli.targets.indicator.{row.indicator}", args.lang),
                value=i18n.fmt_number(
                    row.value, args.lang, 0 if float(row.value).is_integer() else 1
                ),
                official=official,
            )
        )
    print(i18n.t("cli.targets.hint", args.lang))
    return 0


def _yearly_table(yearly: Sequence[YearForecast], lang: str) -> pd.DataFrame:
    """The forecast year by year as a reader sees it: the mean and the 80%/95% intervals."""

    def interval(lo: float, hi: float) -> str:
        return f"{i18n.fmt_number(lo, lang, 0)}–{i18n.fmt_number(hi, lang, 0)}"

    return pd.DataFrame(
        {
            i18n.t("col.year", lang): [row.year for row in yearly],
            i18n.t("cli.col.mean", lang): [i18n.fmt_number(r.mean, lang, 1) for r in yearly],
            i18n.t("col.interval80", lang): [interval(r.lo80, r.hi80) for r in yearly],
            i18n.t("col.interval95", lang): [interval(r.lo95, r.hi95) for r in yearly],
        }
    )


def cmd_backtest(args: argparse.Namespace) -> int:
    config = _run_config(args)
    # the whole file: ``ntm backtest`` scores every origin the data allows
    run = analyse(config, forecast=False, cache_dir=args.cache)
    result = run.analysis.backtest
    if result is None:  # too few years to fit and score
        years = run.panel.years
        message = i18n.t("cli.backtest.too_short", args.lang, first=years[0], last=years[-1])
        raise ValueError(message)
    if args.json:
        _print_json(
            {
                "synthetic": run.panel.synthetic,
                "origins": result.origins,
                "summary": result.summary,
                "brier": result.brier,
                "calibration": result.calibration,
            }
        )
        return 0
    _note_synthetic(run.panel, args.lang)
    print(i18n.t("cli.backtest.origins", args.lang, origins=", ".join(map(str, result.origins))))
    for table in _backtest_tables(result, args.lang):
        print()
        print(table.to_string(index=False))
    return 0


def _backtest_tables(result, lang: str) -> list[pd.DataFrame]:  # backtest.BacktestResult
    """Coverage and error by figure, level and method; Brier scores; calibration — with
    the words and number format of ``lang``."""
    from ntm_analysis.report.methods import bin_label

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


def _district_targets(args: argparse.Namespace) -> dict[str, float]:
    """Each ``--district-target NAME=COUNT`` of a batch: the batch reads them with the filled-in
    template (``--district-targets FILE``), each winning for its district
    (``analysis.analyse.district_targets``)."""
    lang, targets = args.lang, {}
    for item in args.district_target or []:
        name, sep, value = item.rpartition("=")
        try:
            if not sep or not name:
                raise ValueError
            targets[name] = number(value)
        except ValueError:
            raise ValueError(i18n.t("cli.district_target.bad", lang, item=repr(item))) from None
    return targets


def _report_batch(result, args: argparse.Namespace) -> int:  # batch.BatchResult
    from ntm_analysis.batch.executor import error_text

    lang, pdf = args.lang, args.pdf
    if args.dry_run:
        _print_json({"run": result.planned, "up_to_date": result.skipped})
        return 0
    if result.failed:
        print(i18n.tn("cli.batch.failed", len(result.failed), lang), file=sys.stderr)
        for failure in result.failed:
            failed = f"  - {failure.name} ({failure.id}): {error_text(failure.error)}"
            print(failed, file=sys.stderr)
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
    """The batch's own options (``run_batch``'s keywords); its settings are ``_run_config``."""
    return {
        "resume": args.resume,
        "progress": not args.no_progress,
        "cache_dir": args.cache,
        "district_targets": _district_targets(args),
        "dry_run": args.dry_run,
        "pdf": args.pdf,
        "notebooks": _templates(args.notebooks),
        "compare_with": args.compare_with,
        "hearing_packs": not args.no_hearing,
    }


def _templates(folder: str | None) -> dict[str, Path] | None:
    """``--notebooks DIR``: the user's own report templates, named as the bundled ones."""
    if not folder:
        return None
    from ntm_analysis.core.params import NOTEBOOKS

    return {kind: Path(folder) / path.name for kind, path in NOTEBOOKS.items()}


def cmd_notebooks(args: argparse.Namespace) -> int:
    from ntm_analysis.batch.run import copy_notebooks

    for path in copy_notebooks(args.dest, overwrite=args.force):
        print(path)
    print(i18n.t("cli.notebooks.copied", args.lang, dest=args.dest), file=sys.stderr)
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from ntm_analysis.batch.executor import skip_unused_imports
    from ntm_analysis.batch.run import run_batch

    skip_unused_imports()  # reading the notebooks' parameters imports nbformat

    result = run_batch(
        args.out,
        _run_config(args),
        districts=args.districts,
        province=not args.no_province,
        dask=args.dask,
        **_batch_kwargs(args),
    )
    return _report_batch(result, args)


def cmd_run(args: argparse.Namespace) -> int:
    from ntm_analysis.batch.executor import skip_unused_imports
    from ntm_analysis.batch.run import run_batch

    skip_unused_imports()

    district = (args.district or "").strip()
    if district:  # named here as the user typed it (the batch would say --districts)
        registry = read_registry(args.units) if args.units else read_registry()
        resolve_unit(registry, district, "--district")
    result = run_batch(
        args.out,
        _run_config(args, workers=1),  # its --district is the batch's one unit
        districts=[district] if district else [],
        province=not district,
        **_batch_kwargs(args),
    )
    return _report_batch(result, args)


# -- explore: the widget explorer as a local web app (explorer_server) ------------------------
def cmd_explore(args: argparse.Namespace) -> int:
    from ntm_analysis.explorer.server import serve

    return serve(args.data, args.lang, args.port, open_browser=not args.no_browser)


def _explore_parser(add: Callable[..., _Parser], h: str) -> None:
    p = add("explore", cmd_explore, "cli.help.cmd.explore")
    _settings(p, "data_path", "lang")
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


# argparse's own messages (Python 3.11–3.13) -> their keys in the translation table
_ARGPARSE_MESSAGES = {
    "argument %(argument_name)s: %(message)s": "cli.argparse.argument",
    "unrecognized arguments: %s": "cli.argparse.unrecognized",
    "the following arguments are required: %s": "cli.argparse.required",
    "one of the arguments %s is required": "cli.argparse.one_required",
    "not allowed with argument %s": "cli.argparse.not_allowed",
    "ignored explicit argument %r": "cli.argparse.ignored",
    "expected one argument": "cli.argparse.one",
    "expected at most one argument": "cli.argparse.at_most_one",
    "expected at least one argument": "cli.argparse.at_least_one",
    "expected %s argument": "cli.argparse.n",  # and its plural: ngettext below
    "ambiguous option: %(option)s could match %(matches)s": "cli.argparse.ambiguous",
    "invalid %(type)s value: %(value)r": "cli.argparse.invalid_value",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse.invalid_choice",
    "unexpected option string: %s": "cli.argparse.unexpected",
}
# an option's placeholder in the help ("--data TỆP") -> the key of its word
_METAVARS = {
    "command": "command",
    "path": "file",
    "data": "file",
    "units": "file",
    "targets": "file",
    "communes": "file",
    "out": "folder",
    "cache": "folder",
    "sheet": "sheet",
    "year": "year",
    "as_of": "year",
    "draws": "count",
    "backtest_draws": "count",
    "seed": "count",
    "workers": "count",
    "target": "count",
    "timeout": "seconds",
    "district": "name",
    "districts": "name",
    "district_target": "name_count",
    "district_targets": "file",
    "registrations": "file",
    "template": "file",
    "compare_with": "folder",
    "boost": "criterion_odds",
    "priority": "commune",
    "scenario": "json",
    "dask": "address",
    "notebooks": "folder",
    "dest": "folder",
    "assessed": "file",
    "on": "date",
    "query": "unit",
    "port": "count",
}


@contextlib.contextmanager
def _argparse_in(lang: str) -> Iterator[None]:
    """argparse's error texts in ``lang`` while parsing (it looks them up through its module's
    ``_``/``ngettext`` when it needs them; restored afterwards)."""

    def gettext(message: str) -> str:
        key = _ARGPARSE_MESSAGES.get(message)
        return i18n.t(key, lang) if key else message

    def ngettext(singular: str, plural: str, n: int) -> str:  # the catalogue's plural forms
        key = _ARGPARSE_MESSAGES.get(singular)
        return i18n.tn(key, n, lang) if key else singular if n == 1 else plural

    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = gettext, ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def _named_type(convert: Callable[[str], object], key: str, lang: str) -> Callable[[str], object]:
    """``convert`` under the reader's word for its kind of value: argparse names a value it
    cannot read by its type's name ("cần một số nguyên", not "invalid int value")."""

    def typed(text: str) -> object:
        return convert(text)

    typed.__name__ = i18n.t(key, lang)
    return typed


class _Formatter(argparse.HelpFormatter):
    lang = i18n.DEFAULT_LANG

    def add_usage(self, usage, actions, groups, prefix=None):
        if prefix is None:  # "" is argparse asking for no prefix at all
            prefix = i18n.t("cli.usage", self.lang)
        super().add_usage(usage, actions, groups, prefix)


class _Parser(argparse.ArgumentParser):
    """argparse in the reader's language: section titles, usage, help and the error line.
    Keeps its subcommands (``commands``) and the help of each argument (``helps``) where
    they can be read, which argparse does not."""

    def __init__(self, *args, lang: str = i18n.DEFAULT_LANG, **kwargs) -> None:
        formatter = type("Formatter", (_Formatter,), {"lang": lang})
        super().__init__(*args, formatter_class=formatter, add_help=False, **kwargs)
        self.lang = lang
        self.commands: dict[str, _Parser] = {}  # filled by ``build_parser``
        self.helps: dict[str, str | None] = {}  # "--draws" (or "path") -> its help
        self.settings: dict[str, argparse.Action] = {}  # RunConfig field -> its option
        self._positionals.title = i18n.t("cli.positionals", lang)
        self._optionals.title = i18n.t("cli.options", lang)
        self.add_argument("-h", "--help", action="help", help=i18n.t("cli.help.help", lang))

    def add_argument(self, *args, **kwargs):  # placeholders and value kinds in the language
        kind = {int: "cli.type.integer", float: "cli.type.number", number: "cli.type.number"}
        if kwargs.get("type") in kind:
            kwargs["type"] = _named_type(kwargs["type"], kind[kwargs["type"]], self.lang)
        action = super().add_argument(*args, **kwargs)
        self.helps[max(action.option_strings, key=len, default=action.dest)] = action.help
        if action.metavar is None and action.nargs != 0 and action.choices is None:
            key = _METAVARS.get(action.dest)
            if key:
                action.metavar = i18n.t(f"cli.metavar.{key}", self.lang)
        return action

    def error(self, message: str):  # exits with the code of every other input mistake
        self.print_usage(sys.stderr)
        text = i18n.t("cli.error", self.lang, message=message)
        self.exit(EXIT_USAGE, f"{self.prog}: {text}\n")


# the type of an option's value by its setting's kind ("str" and "dict" stay text as typed)
_KIND_TYPES: dict[str, Callable[[str], object]] = {"int": int, "number": number}


def _setting_dest(name: str) -> str:
    """Where argparse stores setting ``name``: its option's name (``--as-of`` -> ``as_of``);
    a flag that turns a setting off stores the setting itself (``--no-trend`` -> ``trend``)."""
    field = config_field(name)
    return name if field.metadata["kind"] == "bool" else field.metadata["cli"].dest


def _settings(parser: _Parser, *names: str, **variants: dict[str, object]) -> None:
    """The options of the run settings ``names`` (``RunConfig`` fields), in that order, each
    built from its field: flags and help from its ``Option`` (a command may name it otherwise
    or give it its own help: ``variants``, e.g. ``backtest_draws={"flags": (...)}``), the type
    from its kind, the default and the choices from the field. Two exceptions, both about
    "not given": ``--lang`` defaults to the reader's language (``chosen_lang``), and a file
    not given is None (``setting_values`` makes it the field's ""). The command's namespace
    records which settings it took (``setting_values`` reads them back)."""
    for name in names:
        field = config_field(name)
        meta = field.metadata
        option = replace(meta["cli"], **variants.pop(name, {}))
        default = parser.lang if name == "lang" else field.default
        kwargs: dict[str, object] = {"dest": _setting_dest(name)}
        if meta["kind"] == "bool":  # a flag that turns the setting off
            assert field.default is True, name
            kwargs["action"] = "store_false"
        elif meta["kind"] in _KIND_TYPES:
            kwargs["type"] = _KIND_TYPES[meta["kind"]]
        if meta["choices"] is not None:  # "" is the setting's "not given", not a choice
            kwargs["choices"] = [c for c in meta["choices"] if c != ""]
        elif default == "":
            default = None
        # {default} and {example} fill the help texts that name them
        text = i18n.t(option.help, parser.lang, default=default, example=SCENARIO_EXAMPLE)
        parser.settings[name] = parser.add_argument(
            *option.flags, default=default, help=text, **kwargs
        )
    assert not variants, f"no such setting here: {sorted(variants)}"
    parser.set_defaults(_settings=tuple(parser.settings))


def setting_values(args: argparse.Namespace) -> dict[str, object]:
    """The run settings the command's options gave (only those it has), as ``RunConfig``
    takes them: a file not given is "", a scenario is read from its JSON."""
    values: dict[str, object] = {}
    for name in getattr(args, "_settings", ()):
        field = config_field(name)
        value = getattr(args, _setting_dest(name))
        if value is None and not field.metadata["nullable"]:
            value = field.default
        if field.metadata["kind"] == "dict":
            value = _batch_scenario(value, args.lang)
        values[name] = value
    return values


def _data_options(parser: _Parser, data: bool = True) -> None:
    """The data and its reading: --data, --units, --lang and the boundary-change options
    (--vintage, --merge-rule, --assessed: how a file in real GSO codes crossing a boundary
    change is harmonised, see harmonise.py)."""
    data_path = ("data_path",) if data else ()
    _settings(parser, *data_path, "units_path", "lang", "vintage", "merge_rule", "assessed_path")


def _option(parser: _Parser, name: str, key: str, *aliases: str, **kwargs) -> None:
    """An option whose help names its default: ``key``'s text with ``{default}`` filled."""
    kwargs["help"] = i18n.t(key, parser.lang, default=kwargs.get("default"))
    parser.add_argument(name, *aliases, **kwargs)


def _batch_options(parser: _Parser) -> None:
    """Options of ``ntm batch`` and ``ntm run``; defaults from the parameter schema."""
    from ntm_analysis.core.paths import DEFAULT_OUT

    h = parser.lang
    _data_options(parser)
    _option(parser, "--out", "cli.help.out", default=str(DEFAULT_OUT))
    parser.add_argument(
        "--pdf",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=i18n.t("cli.help.pdf", h),
    )
    parser.add_argument("--no-hearing", action="store_true", help=i18n.t("cli.help.no_hearing", h))
    _settings(parser, "draws", "seed", "target_year", "province_target")
    # NAME=COUNT, repeated: the batch's targets of several districts (not one setting)
    parser.add_argument(
        "--district-target",
        action="append",
        help=i18n.t("cli.help.district_target", h),
    )
    _settings(parser, "district_targets_path", "as_of", "scenario", "backtest_draws", "timeout")
    parser.add_argument("--resume", action="store_true", help=i18n.t("cli.help.resume", h))
    parser.add_argument("--cache", help=i18n.t("cli.help.cache", h))
    parser.add_argument(
        "--no-progress", action="store_true", help=i18n.t("cli.help.no_progress", h)
    )
    parser.add_argument("--dry-run", action="store_true", help=i18n.t("cli.help.dry_run", h))
    parser.add_argument("--notebooks", help=i18n.t("cli.help.notebooks_dir", h))
    parser.add_argument("--compare-with", help=i18n.t("cli.help.compare_with", h))


def build_parser(lang: str = i18n.DEFAULT_LANG) -> _Parser:
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
        dest="command",
        required=True,
        metavar=i18n.t("cli.metavar.command", h),
        title=i18n.t("cli.commands", h),
    )
    commands: dict[str, Callable[[argparse.Namespace], int]] = {}

    def add(name: str, func: Callable[[argparse.Namespace], int], help_key: str) -> _Parser:
        commands[name] = func
        text = i18n.t(help_key, h)
        parser.commands[name] = sub.add_parser(name, help=text, description=text, lang=h)
        return parser.commands[name]

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
    _settings(  # --target: the province's, or the district's when --district names one
        p,
        "district",
        "province_target",
        "target_year",
        "as_of",
        "draws",
        "seed",
        province_target={"help": "cli.help.forecast_target"},
    )
    p.add_argument("--cache", help=i18n.t("cli.help.cache", h))
    _settings(p, "targets_path", "district_targets_path", "trend", "registrations_path")
    p.add_argument("--boost", nargs="*", help=i18n.t("cli.help.boost", h))
    p.add_argument("--priority", nargs="*", default=[], help=i18n.t("cli.help.priority", h))
    p.add_argument("--json", action="store_true", help=i18n.t("cli.help.json", h))
    p.add_argument("--out", help=i18n.t("cli.help.forecast_out", h))

    p = add("targets", cmd_targets, "cli.help.cmd.targets")
    _data_options(p)
    _settings(p, "targets_path")
    p.add_argument(
        "--template",
        nargs="?",
        const=DISTRICT_TEMPLATE,
        help=i18n.t("cli.help.template", h, default=DISTRICT_TEMPLATE),
    )
    p.add_argument("--year", type=int, action="append", help=i18n.t("cli.help.template_year", h))

    p = add("backtest", cmd_backtest, "cli.help.cmd.backtest")
    _data_options(p)
    _settings(  # the draws of each origin: --draws, as it was named before --backtest-draws
        p,
        "backtest_draws",
        "seed",
        backtest_draws={
            "flags": ("--draws", "--backtest-draws"),
            "help": "cli.help.backtest_draws_origin",
        },
    )
    p.add_argument("--cache", help=i18n.t("cli.help.cache", h))
    p.add_argument("--json", action="store_true", help=i18n.t("cli.help.json", h))

    p = add("batch", cmd_batch, "cli.help.cmd.batch")
    _batch_options(p)
    p.add_argument("--districts", nargs="+", help=i18n.t("cli.help.districts", h))
    p.add_argument("--no-province", action="store_true", help=i18n.t("cli.help.no_province", h))
    _settings(p, "workers")
    p.add_argument("--dask", help=i18n.t("cli.help.dask", h))

    p = add("run", cmd_run, "cli.help.cmd.run")
    _batch_options(p)
    _settings(p, "district", district={"help": "cli.help.run_district"})

    p = add("notebooks", cmd_notebooks, "cli.help.cmd.notebooks")
    p.add_argument("dest", help=i18n.t("cli.help.notebooks_dest", h))
    p.add_argument("--force", action="store_true", help=i18n.t("cli.help.notebooks_force", h))
    _settings(p, "lang")

    _add_admin_commands(add, h)

    _explore_parser(add, h)

    parser.set_defaults(_commands=commands)
    return parser


def commands(lang: str = i18n.DEFAULT_LANG) -> dict[str, dict[str, str | None]]:
    """Every ``ntm`` command with its arguments and their help in ``lang``, as data:
    ``{"forecast": {"--help": …, "--draws": …, …}, …}`` (what ``ntm COMMAND --help`` shows)."""
    return {name: dict(sub.helps) for name, sub in build_parser(lang).commands.items()}


# --------------------------------------------------------------------------- administrative units
# `ntm units`, `ntm lineage` and the boundary-change options of every command that loads data
# (admin.py, harmonise.py); kept together in this one block.


def _geography_options(args: argparse.Namespace) -> dict:
    return {
        "vintage": getattr(args, "vintage", None) or None,
        "merge_rule": getattr(args, "merge_rule", config_default("merge_rule")),
        "assessed_path": getattr(args, "assessed", None),
    }


def _require_districts(panel: Panel, option: str) -> None:
    """A panel on the units after 1 Jul 2025 has no districts: ``option`` cannot use one."""
    from ntm_analysis.core.params import at

    if not has_districts(panel):
        raise ParameterError([at(option, Msg("error.geo.no_districts"))])


def _print_geography(panel: Panel, lang: str) -> None:
    """The list the panel is on, the merge rule in plain words, and the loader's notes."""
    for line in geography_lines(panel.geography, lang):
        print(line)


def _print_crossing(
    args: argparse.Namespace,
    panel: Panel,
    unit: int | None,
    target: float | None,
    show: bool = True,
) -> dict | None:
    """When the target year is on other units than the data (a boundary change in between),
    count the forecast on those units — the province's, or ``unit``'s (a district) — restate
    the target and say the change of denominator (crossing.py). Returns the JSON summary
    (None when no change is crossed); prints it when ``show``."""
    if panel.geography is None:  # not a file in real codes: no registry needed (0.5 s)
        return None
    reg, lang = registry(), args.lang
    to = reg.vintage_of_year(args.year).key
    if to == panel.geography.vintage:
        return None
    on_units = None
    if target is not None and unit is None:
        plan = read_targets(args.targets, province_name=panel.province_name)
        found = units_of(plan, args.year) or (panel.geography.vintage, panel.last_year)
        on_units = target_on_units(target, *found)
    elif target is not None:  # a district's own target: set on the units of the data
        on_units = target_on_units(target, panel.geography.vintage, panel.last_year, unit)
    cf = forecast_across(panel, args.year, on_units, args.merge_rule, args.draws, args.seed)
    if unit is not None:
        cf = cf.for_district(unit, on_units)
    summary = crossing_json(cf, on_units)
    if not show:
        return summary
    print(
        i18n.t(
            "cli.crossing.count",
            lang,
            n=cf.n_units,
            vintage=to,
            year=args.year,
            mean=i18n.fmt_number(summary["mean"], lang),
            low=int(summary["low"]),
            high=int(summary["high"]),
            rule=rule_label(cf.rule, lang),
        )
    )
    if cf.denominator is not None:  # a target was given: its change of denominator
        print(denominator_words(cf.denominator, lang))
        p = i18n.fmt_percent(summary["probability"], lang)
        words = target_words(cf.denominator.target, lang)
        print(i18n.t("cli.crossing.probability", lang, target=words, p=p))
    if "by_former_district" in summary:  # after 1 Jul 2025: grouped, named so
        groups = pd.DataFrame(summary["by_former_district"])
        shown = pd.DataFrame(
            {
                i18n.t("geo.former_district", lang): groups["former_district"],
                i18n.t("col.n_communes", lang): groups["n_units"],
                i18n.t("col.expected_year", lang, year=args.year): [
                    i18n.fmt_number(v, lang, 1) for v in groups["mean"]
                ],
                i18n.t("col.interval80", lang): [
                    f"{lo:.0f}–{hi:.0f}"
                    for lo, hi in zip(groups["low"], groups["high"], strict=True)
                ],
            }
        )
        print(shown.to_string(index=False))
    for note in crossing_notes(cf, lang):
        print(f"- {note}")
    return summary


def _date(text: str | None, lang: str) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(i18n.t("cli.error.bad_date", lang, value=text)) from None


def cmd_units(args: argparse.Namespace) -> int:
    reg = registry()
    on = _date(args.on, args.lang)
    vintage = reg.vintage_on(on)
    units = reg.units_on(on)
    if args.json:
        _print_json(units.astype(object).where(units.notna(), None).to_dict("records"))
        return 0
    kinds = units["kind"].value_counts()
    basis = vintage.basis_vi if args.lang == "vi" else vintage.basis_en
    print(
        i18n.t(
            "cli.units.title",
            args.lang,
            n=len(units),
            on=f"{on.day}/{on.month}/{on.year}",
            vintage=vintage.key,
            basis=basis,
            n_xa=int(kinds.get("xa", 0)),
            n_tt=int(kinds.get("thi-tran", 0)),
            n_p=int(kinds.get("phuong", 0)),
        )
    )
    table = pd.DataFrame(
        {
            "code": units["code"],
            "name": [label(reg.unit(vintage.key, c)) for c in units["code"]],
            "district": units["district_name"].fillna("—"),
            "former": units["former_district"],
        }
    )
    table.columns = i18n.t("cli.units.columns", args.lang).split("|")
    print(table.to_string(index=False))
    return 0


def cmd_lineage(args: argparse.Namespace) -> int:
    reg, lang = registry(), args.lang
    units = reg.find(args.query)
    if not units:
        raise MessageError(Msg("cli.lineage.none", query=args.query))
    changes = reg.lineage(args.query)
    if args.json:
        _print_json({"units": [u.__dict__ for u in units], "changes": changes.to_dict("records")})
        return 0
    print(i18n.t("cli.lineage.units", lang, query=args.query))
    for u in units:
        district = f", {u.district_name}" if u.district_name else ""
        print(
            i18n.t(
                "cli.lineage.unit",
                lang,
                vintage=u.vintage,
                unit=label(u),
                code=u.code,
                district=district,
            )
        )
    print(i18n.t("cli.lineage.changes", lang))
    if changes.empty:
        print(i18n.t("cli.lineage.no_changes", lang))
    for c in changes.itertuples():
        on = reg.vintage(c.to_vintage).valid_from
        print(
            i18n.t(
                "cli.lineage.change",
                lang,
                on=f"{on.day}/{on.month}/{on.year}",
                from_unit=label(reg.unit(c.from_vintage, c.from_code)),
                from_code=c.from_code,
                to_unit=label(reg.unit(c.to_vintage, c.to_code)),
                to_code=c.to_code,
                relation=i18n.t(f"geo.relation.{c.relation}", lang),
                evidence=c.evidence,
            )
        )
    return 0


def _add_admin_commands(add: Callable[..., _Parser], h: str) -> None:
    p = add("units", cmd_units, "cli.help.cmd.units")
    p.add_argument("--on", help=i18n.t("cli.help.on", h))
    p.add_argument("--json", action="store_true", help=i18n.t("cli.help.json", h))
    _settings(p, "lang")
    p = add("lineage", cmd_lineage, "cli.help.cmd.lineage")
    p.add_argument("query", help=i18n.t("cli.help.unit_query", h))
    p.add_argument("--json", action="store_true", help=i18n.t("cli.help.json", h))
    _settings(p, "lang")


# batch parameters (as params.py names them) -> the option a command-line user typed: each
# setting's own option (RunConfig's), and the parameters that are not one setting. Not
# "district": the batch takes --districts, and ``ntm run`` names its --district itself.
_OPTIONS = {
    **{
        f.name: f.metadata["cli"].flags[0]
        for f in config_fields()
        if f.metadata["cli"] is not None and f.name != "district"
    },
    "district_target": "--district-target",
    "district_targets": "--district-target",
    "pdf": "--pdf",
}


def _as_options(text: str) -> str:
    """A parameter problem ("  - province_target: …") as the option typed ("  - --target: …")."""
    return re.sub(
        r"^(  - )(\w+):",
        lambda m: f"{m[1]}{_OPTIONS.get(m[2], m[2])}:",
        text,
        flags=re.MULTILINE,
    )


def _exit_code(exc: ParameterError) -> int:
    """4 when every problem is a missing installation, else 2 (the command line)."""
    keys = {getattr(problem, "key", None) for problem in exc.problems}
    return EXIT_INSTALL if keys <= _INSTALL_KEYS else EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``ntm`` command; the exit codes are listed in the module's docstring."""
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = chosen_lang(argv)
    try:
        with _argparse_in(lang):
            args = build_parser(lang).parse_args(argv)
        return args._commands[args.command](args)
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed stream
        return 0
    except KeyboardInterrupt:
        print(i18n.t("cli.interrupted", lang), file=sys.stderr)
        return EXIT_INTERRUPTED
    except DataError as exc:  # every problem, under its count
        print(exc.render(lang), file=sys.stderr)
        return EXIT_DATA_ERROR
    except InstallationError as exc:  # a broken installation, never a data error
        print(i18n.t("cli.error", lang, message=exc.render(lang)), file=sys.stderr)
        return EXIT_INSTALL
    except ParameterError as exc:
        print(_as_options(exc.render(lang)), file=sys.stderr)
        return _exit_code(exc)
    except MessageError as exc:  # one sentence: a locked output folder, a bad scenario
        print(i18n.t("cli.error", lang, message=exc.render(lang)), file=sys.stderr)
        return EXIT_DATA_ERROR if isinstance(exc, OutputError) else EXIT_USAGE
    except ValueError as exc:  # invalid option values the parser could not check
        print(i18n.t("cli.error", lang, message=exc), file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # a file or folder the system refused: said plainly, no traceback
        reason = os_reason(exc)
        reason = reason.render(lang) if hasattr(reason, "render") else reason
        where = exc.filename if exc.filename is not None else ""
        message = i18n.t("cli.os_error", lang, path=where, reason=reason)
        print(i18n.t("cli.error", lang, message=message), file=sys.stderr)
        return EXIT_DATA_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
