"""One analysis path: ``analyse(config) -> Analysis``, used by the command line and the reports.

From a ``RunConfig`` it reads the data (with the geography options) and the units file
(``load_inputs``), resolves the unit and the as-of year (``read``), forms the cache key from
the configuration (``analysis_key``, the only place a key is made) and loads or computes the
forecast and the backtest — from the batch's cached file (``config.forecast_cache``), from a
cache folder (``cached_analysis``), or here. ``ntm forecast``, ``ntm backtest``, the batch's
parent process (``batch.run``) and every report notebook (``report.sections.prepare``) go
through it, so they run the same model with the same defaults and, with the same settings,
share one cached forecast; ``results_for`` then gives the unit's numbers (``UnitResults``),
the one object ``ntm forecast --json`` prints and the sidecar saves.
"""

from __future__ import annotations

import contextlib
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_analysis.analysis import cache
from ntm_analysis.analysis.cache import (
    Analysis,
    analysis_path,
    compute_analysis,
    config_meta,
    data_file,
    file_sha256,
    load_analysis,
)
from ntm_analysis.analysis.results import UnitResults, unit_results
from ntm_analysis.core.communes import Registry
from ntm_analysis.core.config import RunConfig
from ntm_analysis.core.panel import Panel
from ntm_analysis.core.resolve import Target, district_code, resolve_target, resolve_unit
from ntm_analysis.io.load import load_panel
from ntm_analysis.io.reference import (
    load_registrations,
    plan_targets,
    read_district_targets,
    read_registry,
    read_targets,
)
from ntm_analysis.model.forecast import Forecast, check_as_of
from ntm_analysis.model.transitions import Registrations

__all__ = [
    "Inputs",
    "Run",
    "analyse",
    "analysis_file",
    "analysis_key",
    "cached_analysis",
    "district_targets",
    "load_inputs",
    "mean_target",
    "plan_table",
    "read",
    "registrations",
    "results_for",
    "stored_forecast",
    "stored_inputs",
    "unit_target",
]


@dataclass(frozen=True)
class Inputs:
    """The files of a configuration as read, before anything is resolved against them."""

    registry: Registry
    panel: Panel  # the whole file, harmonised by the geography options
    data_sha256: str  # the data file's bytes: part of the cache key


@dataclass(frozen=True)
class Run:
    """What ``analyse`` read and resolved, with the ``Analysis`` (forecast, backtest) itself.

    ``panel`` is the whole file as read; ``history`` the years up to ``as_of`` (what the
    model saw); ``unit`` the district code (None: the province).
    """

    config: RunConfig  # with ``as_of`` resolved
    panel: Panel
    registry: Registry
    unit: int | None
    data_sha256: str
    analysis: Analysis | None  # None until ``analyse``

    @property
    def as_of(self) -> int:
        return int(self.config.as_of)  # resolved by analyse

    @property
    def history(self) -> Panel:
        return self.panel.subset(years=[y for y in self.panel.years if y <= self.as_of])


def load_inputs(config: RunConfig) -> Inputs:
    """Read the units file and the data of ``config`` (with its geography options), resolving
    nothing: what ``read`` reads, for a caller that checks its own parameters against the
    data first (the batch lists every problem at once before ``read`` resolves them).

    Raises ``DataError`` for the data.
    """
    registry = read_registry(config.units_path or None)
    panel = load_panel(
        config.data_path or None,
        registry=registry,
        vintage=config.vintage or None,  # "": the list in force in the data's last year
        merge_rule=config.merge_rule,
        assessed_path=config.assessed_path or None,
    )
    return Inputs(registry, panel, file_sha256(data_file(config.data_path)))


def stored_inputs(config: RunConfig) -> Inputs | None:
    """The data and units file as the batch's parent read them, from the analysis file
    ``config.forecast_cache`` — when it holds them and was made from this data file (its
    bytes), units file, geography options, package version, code and spreadsheet readers'
    versions — so that each report notebook of a batch does not parse the data again (issue
    17). None otherwise (no cache file, another file, an older cache without them): the
    caller reads the files."""
    if not config.forecast_cache:
        return None
    with contextlib.suppress(OSError, ValueError, EOFError, pickle.UnpicklingError):
        stored = load_analysis(config.forecast_cache)
        if stored.panel is None or stored.registry is None:
            return None
        data_sha = file_sha256(data_file(config.data_path))
        expected = cache.input_meta(config, data_sha)
        if all(stored.meta.get(k) == v for k, v in expected.items()):
            return Inputs(stored.registry, stored.panel, data_sha)
    return None


def cached_inputs(config: RunConfig) -> Inputs:
    """``load_inputs(config)`` through the fit cache (``cache.cached_inputs``): a command
    run again on the same files does not parse and check them again."""
    try:
        meta = cache.input_meta(config, file_sha256(data_file(config.data_path)))
    except OSError:  # a file that cannot be read: load_inputs says which, as without a cache
        return load_inputs(config)
    return cache.cached_inputs(
        meta,
        lambda: load_inputs(config),
        keep=lambda inputs: inputs.data_sha256 == meta["data_sha256"],  # not rewritten since
    )


def read(config: RunConfig, where: str = "district", inputs: Inputs | None = None) -> Run:
    """Read the data and the units file of ``config`` (or take them from ``inputs``, what
    ``load_inputs(config)`` returned, else from the batch's analysis file when it holds
    them: ``stored_inputs``, else from the fit cache: ``cached_inputs``), resolve the as-of
    year and the unit: a ``Run`` without its analysis yet (cheap checks can run before the
    forecast).

    ``where`` names the unit's option in an error ("--district" on the command line).
    Raises ``DataError`` for the data, ``MessageError`` for an as-of year not in the data,
    ``ParameterError`` for an unknown district.
    """
    if inputs is None:
        inputs = stored_inputs(config) or cached_inputs(config)
    registry, panel = inputs.registry, inputs.panel
    as_of = check_as_of(panel, config.as_of)  # a year of the data, else a usage error
    unit = resolve_unit(registry, config.district, where, panel)
    config = replace(config, as_of=as_of)
    return Run(config, panel, registry, unit, inputs.data_sha256, None)


def analysis_key(run: Run, *, backtest: bool = True) -> dict[str, Any]:
    """The cache key of a run's analysis (``cache.config_meta`` of its resolved
    configuration and data): the one function every caller forms it with, so ``ntm
    forecast``, the batch and a notebook with the same settings find the same cached
    forecast. ``backtest=False``: the key of an analysis without its backtest
    (``backtest_draws = 0``)."""
    settings = run.config if backtest else replace(run.config, backtest_draws=0)
    return config_meta(settings, run.data_sha256)


def analysis_file(run: Run, cache_dir: str | Path) -> Path:
    """Where ``cached_analysis(run, cache_dir)`` keeps the run's analysis (forecast and
    backtest): the file the batch's notebooks load through ``forecast_cache``."""
    return analysis_path(analysis_key(run), cache_dir)


def registrations(config: RunConfig) -> Registrations | None:
    """The registration lists of ``config`` (None: it names none), as the model reads them."""
    return load_registrations(config.registrations_path) if config.registrations_path else None


def stored_forecast(run: Run, cache_dir: str | Path) -> Forecast | None:
    """The forecast of ``run``'s configuration that ``cached_analysis`` stored under
    ``cache_dir`` — with its backtest (a batch) or without (``ntm forecast --cache``) —
    computing nothing: None when there is none (or it cannot be read)."""
    for backtest in (True, False):
        key = analysis_key(run, backtest=backtest)
        with contextlib.suppress(OSError, ValueError, EOFError, pickle.UnpicklingError):
            forecast = load_analysis(analysis_path(key, cache_dir), key).forecast
            if forecast is not None:
                return forecast
    return None


def cached_analysis(
    run: Run,
    cache_dir: str | Path,
    *,
    forecast: bool = True,
    backtest: bool = True,
    baseline_fits: bool = False,
) -> tuple[Path, bool]:
    """The run's analysis stored under ``cache_dir``, computed and stored (atomically) when
    it is not there: ``(path, reused)``. ``forecast``/``backtest`` as for ``analyse`` (each
    combination under its own key). The data and units file as read are stored with it
    (``stored_inputs``: the batch's notebooks take them instead of reading the files);
    ``baseline_fits`` as for ``cache.ensure_analysis`` (the batch's)."""
    return cache.ensure_analysis(
        run.history,
        analysis_key(run, backtest=backtest),
        cache_dir,
        registered=registrations(run.config),
        with_forecast=forecast,
        panel=run.panel,
        registry=run.registry,
        baseline_fits=baseline_fits,
    )


def analyse(
    config: RunConfig | Run,
    *,
    forecast: bool = True,
    backtest: bool = True,
    cache_dir: str | Path | None = None,
) -> Run:
    """The forecast and backtest of a run (``read`` first when given a ``RunConfig``).

    ``forecast``/``backtest``: which parts to compute (``ntm forecast`` skips the backtest,
    ``ntm backtest`` the forecast; a skipped backtest is keyed as ``backtest_draws = 0``).
    The analysis comes from ``config.forecast_cache`` when set (the batch's file, checked
    against this configuration's key), else from ``cache_dir`` (computed and stored there
    when missing), else is computed here.
    """
    run = read(config) if isinstance(config, RunConfig) else config
    if run.config.forecast_cache:
        analysis = load_analysis(run.config.forecast_cache, analysis_key(run, backtest=backtest))
    elif cache_dir is not None:
        path, _ = cached_analysis(run, cache_dir, forecast=forecast, backtest=backtest)
        analysis = load_analysis(path)
    else:
        analysis = compute_analysis(
            run.history,
            analysis_key(run, backtest=backtest),
            registered=registrations(run.config),
            with_forecast=forecast,
        )
    return replace(run, analysis=analysis)


def plan_table(run: Run) -> pd.DataFrame | None:
    """The plan in use: ``config.targets_path``, else the bundled plan of this province."""
    province = run.panel.province_name
    if run.config.targets_path:
        return read_targets(run.config.targets_path, province_name=province)
    return plan_targets(province)


def district_targets(
    registry: Registry,
    panel: Panel | None,
    path: str | Path | None,
    year: int,
    explicit: Mapping[str | int, float] | None = None,
    where: str = "district_targets",
) -> dict[int, float]:
    """The districts' own commune targets for ``year``, by GSO code: the filled-in district
    template's (``path``; "" or None for none), then each ``explicit`` number ({district name
    or code: target}), which wins over the template for its district. Every district named
    is resolved through the registry; the ones it does not know are reported together
    (``ParameterError``, naming ``where``). The one home of this rule: ``ntm batch`` and a
    report's ``unit_target`` both read the targets here."""
    named = list(read_district_targets(path, year).items()) if path else []
    named += list((explicit or {}).items())  # after the template's: an explicit number wins
    targets: dict[int, float] = {}
    problems = []
    for name, value in named:
        code, problem = district_code(registry, name, where, panel)
        if problem is not None:
            problems.append(problem)
        else:
            targets[code] = value
    if problems:
        from ntm_analysis.core.params import ParameterError

        raise ParameterError(problems)
    return targets


def unit_target(run: Run, plan: pd.DataFrame | None, where: str = "district_targets") -> Target:
    """The unit's commune target for the target year: the user's number
    (``province_target`` or ``district_target``), then the district's row of the filled-in
    district template (``district_targets_path``; ``district_targets``), then the plan's
    value."""
    config, unit = run.config, run.unit
    explicit = config.province_target
    if unit is not None:
        own = {} if config.district_target is None else {unit: config.district_target}
        path, year = config.district_targets_path, config.target_year
        explicit = district_targets(run.registry, run.panel, path, year, own, where).get(unit)
    return resolve_target(explicit, plan, config.target_year, "n_ntm", unit)


def mean_target(run: Run, plan: pd.DataFrame | None) -> Target:
    """The plan's criteria-per-commune target for the target year (the province only)."""
    if run.unit is not None:
        return Target(None, None)
    return resolve_target(None, plan, run.config.target_year, "mean_criteria", None)


def results_for(
    run: Run, plan: pd.DataFrame | None = None, *, baselines: bool = True
) -> UnitResults:
    """The unit's numbers (``UnitResults``) for an analysed ``run``: its target
    (``unit_target``), the plan's criteria-per-commune target for the province
    (``mean_target``), P(each year's plan) from ``plan`` (default ``plan_table(run)``).
    ``baselines=False``: without the simple baselines (see ``unit_results``)."""
    plan = plan_table(run) if plan is None else plan
    target = unit_target(run, plan)
    mean = mean_target(run, plan)
    return unit_results(
        run.history,
        run.analysis.forecast,
        run.unit,
        target.value,
        run.config.target_year,
        target.source,
        mean_target=mean.value,
        plan=plan,
        baselines=baselines,
        summaries=run.analysis.summaries,
        # fitted by the batch's parent (None elsewhere: the baselines are fitted here)
        baseline_fits=run.analysis.baseline_fits,
    )
