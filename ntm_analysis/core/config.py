"""One run configuration: the only place a default lives.

``RunConfig`` is a frozen dataclass whose fields are every setting a run of the analysis can
take — the data and its files, the unit, the target, the simulation (draws, seed, backtest
draws), the scenario, the language, the geography options, and the notebook's and the
batch's own plumbing. Each field carries, in its metadata, the type and limits the parameter
checks enforce (``params.PARAMETERS`` is built from it), a short description, and its role:

- ``scope``: ``"notebook"`` (a ``parameters`` cell declares it: the notebooks' cells are
  checked against these defaults by a test), ``"run"`` (the command line and ``analyse``
  only), ``"batch"`` (the batch's own options);
- ``key``: it changes the numbers of the forecast or the backtest, so it is part of the cache
  key (``analysis.cache.analysis_meta``). Nothing else is.

- ``cli``: an ``Option`` when the command line offers the setting: its flag(s) and the
  catalogue key of its help. ``cli.py`` builds every such option from the field with one
  function (its type from ``kind``, its default and choices from the field), so ``ntm
  forecast``, ``ntm backtest``, ``ntm batch`` and the notebooks run the same draws, seed and
  backtest draws unless the user changes them, and an option cannot drift from its setting.
  Its limits are the parameter checks' (``params``), built from the same field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ntm_analysis import i18n

__all__ = [
    "DEFAULT_PRIORITY_ODDS",
    "SCOPES",
    "Option",
    "RunConfig",
    "config_default",
    "config_field",
    "config_fields",
]

SCOPES = ("notebook", "run", "batch")

# A scenario's gain-odds multiplier for its priority communes when it names none: not a field
# (a scenario is one JSON setting), but its default lives here with the others; core.scenario
# and the explorer read it.
DEFAULT_PRIORITY_ODDS = 2.0


@dataclass(frozen=True)
class Option:
    """How the command line offers a setting (``cli.py`` builds the argparse option).

    The value's type follows the field's ``kind``: "int" an integer, "number" a number typed
    either way ("1,5" or "1.5"), "str" and "dict" text (a scenario is JSON text or @FILE, read
    by the command), "bool" a flag that turns the setting off (``--no-trend``). A command may
    name the option differently (``ntm backtest --draws``) or give it its own help; the type,
    default and choices are always the field's.
    """

    flags: tuple[str, ...]  # the option's names; the first is the one messages use
    help: str  # catalogue key of its help; "{default}" in the text is filled with the default

    @property
    def dest(self) -> str:
        """The attribute argparse stores the value under (the first flag's name)."""
        return self.flags[0].removeprefix("--").replace("-", "_")


def _setting(
    default: Any,
    doc: str,
    kind: str,
    *,
    scope: str = "notebook",
    key: bool = False,
    nullable: bool = False,
    choices: tuple[Any, ...] | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    cli: Option | None = None,
) -> Any:
    """A ``RunConfig`` field: its default and what the checks, the cache and the command line
    need to know."""
    assert scope in SCOPES, scope
    meta = {
        "doc": doc,
        "kind": kind,  # "int", "number", "str", "dict", "bool"
        "scope": scope,
        "key": key,
        "nullable": nullable,
        "choices": choices,
        "minimum": minimum,
        "maximum": maximum,
        "cli": cli,
    }
    return dataclasses.field(default=default, metadata=meta)


@dataclass(frozen=True)
class RunConfig:
    """Every setting of a run, with its default; build one with keywords, change with
    ``replace``. Values are plain JSON (a scenario is its JSON form), as papermill needs."""

    # -- the unit and the data (notebook parameters)
    district: str = _setting(
        "",
        'district name or GSO code; "" for the whole province',
        "str",
        cli=Option(("--district",), "cli.help.district"),
    )
    data_path: str = _setting(
        "",
        'panel file (CSV, XLSX, Parquet); "" for the bundled data',
        "str",
        cli=Option(("--data",), "cli.help.data"),
    )
    units_path: str = _setting(
        "",
        'units file (the province\'s districts); "" for the bundled Lạng Sơn file',
        "str",
        cli=Option(("--units",), "cli.help.units"),
    )
    as_of: int | None = _setting(
        None,
        "last year of data to use; None for the latest",
        "int",
        key=True,
        nullable=True,
        minimum=2000,
        maximum=2100,
        cli=Option(("--as-of",), "cli.help.as_of"),
    )
    # -- the target
    target_year: int = _setting(
        2020,
        "year the targets refer to",
        "int",
        key=True,
        minimum=2000,
        maximum=2100,
        cli=Option(("--year",), "cli.help.year"),
    )
    province_target: float | None = _setting(
        None,
        "communes meeting the standard by the target year; None: the targets file's "
        "value for the target year (marked official there or not)",
        "number",
        nullable=True,
        minimum=0,
        cli=Option(("--target",), "cli.help.batch_target"),
    )
    district_target: float | None = _setting(
        None, "the district's own target, if it has one", "number", nullable=True, minimum=0
    )
    # -- the simulation. 2,000 draws: the Monte Carlo standard error at a verdict threshold
    # (25%, 75%) is sqrt(0.1875 / 2000) = 0.97 percentage point.
    draws: int = _setting(
        2000,
        "Monte Carlo draws",
        "int",
        key=True,
        minimum=1,
        maximum=1_000_000,
        cli=Option(("--draws",), "cli.help.draws"),
    )
    seed: int = _setting(
        0,
        "random seed",
        "int",
        key=True,
        minimum=0,
        maximum=2**63 - 1,
        cli=Option(("--seed",), "cli.help.seed"),
    )
    # the language's default is i18n's (i18n sits below core and needs a fallback of its own):
    # one literal, read here
    lang: str = _setting(
        i18n.DEFAULT_LANG,
        "language of the report",
        "str",
        choices=i18n.LANGS,
        cli=Option(("--lang",), "cli.help.lang"),
    )
    scenario: dict[str, Any] | None = _setting(  # noqa: RUF009 - a field(), with metadata
        None,
        'None or {"name": ..., "criterion_odds": {"10": 1.5}, '
        f'"priority_communes": [...], "priority_odds": {DEFAULT_PRIORITY_ODDS}}}',
        "dict",
        key=True,
        nullable=True,
        cli=Option(("--scenario",), "cli.help.scenario"),
    )
    # -- the notebook's plumbing
    results_path: str = _setting("", 'where the JSON sidecar goes; "" for none', "str")
    forecast_cache: str = _setting("", 'the batch\'s cached forecast; "" to compute', "str")
    # 500 draws per origin: the backtest scores a handful of cases (6 forecasts of 3 outcomes
    # for the bundled province), so more draws change its coverage by less than one case
    backtest_draws: int = _setting(
        500,
        "draws per backtest origin; 0 skips the backtest",
        "int",
        key=True,
        minimum=0,
        maximum=1_000_000,
        cli=Option(("--backtest-draws",), "cli.help.backtest_draws"),
    )
    criterion: int = _setting(
        10, "criterion number (explore notebook)", "int", minimum=1, maximum=19
    )
    # -- command line and analyse() only (not notebook parameters)
    targets_path: str = _setting(
        "",
        'plan targets file; "" for the bundled plan of the province',
        "str",
        scope="run",
        cli=Option(("--targets",), "cli.help.targets"),
    )
    district_targets_path: str = _setting(
        "",
        'filled-in district targets template; "" for none',
        "str",
        scope="run",
        cli=Option(("--district-targets",), "cli.help.district_targets"),
    )
    registrations_path: str = _setting(
        "",
        'registration lists (CSV year,commune_code); "" for none',
        "str",
        scope="run",
        key=True,
        cli=Option(("--registrations",), "cli.help.registrations"),
    )
    trend: bool = _setting(
        True,
        "let the data weigh the time trend (False: the no-trend fit only)",
        "bool",
        scope="run",
        key=True,
        cli=Option(("--no-trend",), "cli.help.no_trend"),
    )
    # -- geography: a file in real GSO codes crossing a boundary change (geography.harmonise);
    # the choices are geography's (harmonise.RULES, the registry's lists; a test keeps them
    # equal: core may not import geography)
    vintage: str = _setting(
        "",
        'registry list to harmonise the data to, e.g. "2020"; "" the list of the last year',
        "str",
        key=True,
        choices=("", "2017", "2020", "2021", "2024", "2025"),
        cli=Option(("--vintage",), "cli.help.vintage"),
    )
    merge_rule: str = _setting(
        "all",
        "criteria of a merged commune: all parts met it, the largest part, or as assessed",
        "str",
        key=True,
        choices=("all", "largest", "assessed"),
        cli=Option(("--merge-rule",), "cli.help.merge_rule"),
    )
    assessed_path: str = _setting(
        "",
        'CSV of the province\'s own assessments of merged communes (merge_rule "assessed")',
        "str",
        key=True,
        cli=Option(("--assessed",), "cli.help.assessed"),
    )
    # -- the batch's own options
    workers: int | None = _setting(
        None,
        "notebooks run at once; None: the CPUs",
        "int",
        scope="batch",
        nullable=True,
        minimum=1,
        cli=Option(("--workers",), "cli.help.workers"),
    )
    timeout: int = _setting(
        900,
        "seconds one notebook may run",
        "int",
        scope="batch",
        minimum=1,
        cli=Option(("--timeout",), "cli.help.timeout"),
    )

    def values(self, scope: str | None = None) -> dict[str, Any]:
        """The settings of ``scope`` (all when None) as a plain dict, in field order."""
        return {
            f.name: getattr(self, f.name)
            for f in config_fields()
            if scope in (None, f.metadata["scope"])
        }

    def notebook_parameters(self) -> dict[str, Any]:
        """What papermill injects into a report notebook."""
        return self.values("notebook")

    def key_values(self) -> dict[str, Any]:
        """The settings that change the numbers (the cache key's part from the config)."""
        return {f.name: getattr(self, f.name) for f in config_fields() if f.metadata["key"]}

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> RunConfig:
        """A config from named settings (unknown names are a ``TypeError``, as for keywords)."""
        return cls(**dict(values))


def config_fields() -> tuple[dataclasses.Field, ...]:
    """The fields of ``RunConfig``, in order (each with its metadata)."""
    return dataclasses.fields(RunConfig)


def config_field(name: str) -> dataclasses.Field:
    """One field of ``RunConfig`` by name (``KeyError`` when there is none)."""
    for f in config_fields():
        if f.name == name:
            return f
    raise KeyError(name)


def config_default(name: str) -> Any:
    """The default of one setting: what the command line shows and the notebooks declare."""
    return config_field(name).default
