"""The analysis cache: one forecast and one backtest per run, shared by every report.

The forecast and backtest are expensive and identical for every unit of a run, so the batch
computes them once (``ensure_analysis``) and each notebook loads them from the cache file
(its ``forecast_cache`` parameter). The cache key (``config_meta``/``cache_key``) covers the
data file's bytes, the units file's bytes, every setting of the run configuration marked as
changing the numbers (``RunConfig.key_values``; a file setting by its bytes), the package
version and a fingerprint of the code that computes them, so a cached analysis made from
other inputs or by other code is never reused. ``analysis.analyse`` is the one way in.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import pickle
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from ntm_analysis import __version__
from ntm_analysis.analysis.results import jsonable, unit_baseline_fits
from ntm_analysis.analysis.summaries import Summaries, panel_fingerprint
from ntm_analysis.core.atomic import atomic_path, write_atomic
from ntm_analysis.core.communes import Registry
from ntm_analysis.core.config import RunConfig
from ntm_analysis.core.panel import Panel, has_districts
from ntm_analysis.core.paths import PACKAGE_DIR, default_panel_path, default_units_path
from ntm_analysis.core.provenance import READER_LIBRARIES, library_stamp
from ntm_analysis.model.backtest import Backtest
from ntm_analysis.model.backtest import backtest as run_backtest
from ntm_analysis.model.baselines import FitKey
from ntm_analysis.model.forecast import (
    MIN_COMPONENT_DRAWS,
    Forecast,
    Scenario,
    check_as_of,
    run_forecast,
)
from ntm_analysis.model.transitions import Registrations, TransitionModel, fit

__all__ = [
    "INPUT_KEYS",
    "SOURCE_SUFFIXES",
    "Analysis",
    "analysis_meta",
    "analysis_path",
    "backtest_paths",
    "cache_key",
    "cached_fit",
    "cached_inputs",
    "code_fingerprint",
    "compute_analysis",
    "config_meta",
    "data_file",
    "ensure_analysis",
    "file_sha256",
    "fit_cache_dir",
    "input_meta",
    "load_analysis",
    "panel_fingerprint",
    "scenario_from_dict",
    "share_analysis",
    "shared_analysis_path",
    "take_shared_analysis",
    "units_file",
]


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (identifies the data, units or notebook a run used): the one
    file-hash function of the package."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


SOURCE_SUFFIXES = (".py", ".j2", ".po")  # the code, its templates, its wording


@functools.cache
def code_fingerprint() -> str:
    """Hash of the package version and every source file of the package — its code, its
    Jinja templates and its translation catalogues, which all decide what a report says: a
    cached forecast (or a finished report) made by other code is never reused, even when the
    version was not bumped. The whole package, so that no list of "modules that matter" has
    to be kept; and the numerical libraries' versions (``library_stamp``).

    Hashed once per process, at the first call — not at import — from the files as they are
    on disk then (~9-16 ms for the package's ~100 files; ``ntm forecast`` asks three times).
    Once, because Python imports each module once (``sys.modules``) and the package reloads
    none: a file edited after this process imported it is not code the process runs, so it
    must not re-key what the process stores, and every result of one process carries one
    fingerprint. What this does not guarantee: that the hash *is* the running code. A module,
    template or catalogue edited after the process read it but before the first call is
    hashed in its new form (the window is the command's start-up: ``ntm forecast`` asks
    after its imports; the batch at the start of its run; a notebook kernel when it first
    keys the analysis), and one read lazily after the first call runs as edited under the old
    hash. Hashing at import would not close either gap (modules, templates and catalogues
    are read lazily, after any import-time hash) and would cost every command, those that
    never ask, the hash. Editing or reinstalling the package while a command runs is what
    opens the gap; a process started after the change (the next command, a new kernel, a
    restarted Dask worker) hashes the new files."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(library_stamp())
    sources = (p for p in PACKAGE_DIR.rglob("*") if p.suffix in SOURCE_SUFFIXES)
    for path in sorted(sources):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def data_file(data_path: str | Path | None) -> Path:
    """The panel file a ``data_path`` parameter means ("" or None: the bundled data)."""
    return Path(data_path).resolve() if data_path else default_panel_path().resolve()


def units_file(units_path: str | Path | None) -> Path:
    """The units file a ``units_path`` parameter means ("" or None: the bundled one)."""
    return Path(units_path).resolve() if units_path else default_units_path().resolve()


def scenario_from_dict(spec: Mapping[str, Any] | None) -> Scenario | None:
    """A ``Scenario`` from its JSON-safe form (None: no scenario); see ``Scenario.from_dict``,
    which lists every problem at once in one ``ValueError``."""
    return None if spec is None else Scenario.from_dict(spec)


@dataclass(frozen=True)
class Analysis:
    """The forecast and backtest of one run, with the settings that produced them (``meta``).

    ``forecast`` is None when only the backtest was asked for, ``backtest`` None when it was
    skipped or the history is too short (``backtest_note`` says which).
    """

    meta: dict[str, Any]
    forecast: Forecast | None
    backtest: Backtest | None
    backtest_note: str | None = None  # "skipped" or "too_short" when there is no backtest
    # the data file as read (the whole panel) and the units file, when the caller stored
    # them (``analyse.cached_analysis``): a report notebook loading this analysis takes them
    # instead of parsing the data again (``analyse.read``), once the files are checked
    panel: Panel | None = None
    registry: Registry | None = None
    # the history's yearly summaries by province and district, made once by the batch's
    # parent (``ensure_analysis``) for every report to read (``summaries.summary``)
    summaries: Summaries | None = None
    # every unit's damped-trend baseline (``results.unit_baseline_fits``), fitted once by the
    # batch's parent (``ensure_analysis(baseline_fits=True)``): a report kernel then never
    # imports statsmodels.tsa (kernels are reused per worker: ~0.5 s CPU per batch)
    baseline_fits: dict[FitKey, pd.DataFrame] | None = None


def _file_key(path: str | None) -> str | None:
    return file_sha256(path) if path else None


def config_meta(config: RunConfig, data_sha256: str) -> dict[str, Any]:
    """Everything that changes the numbers, from a run configuration whose ``as_of`` is
    resolved (a year of the data): the cache key is a hash of this.

    The data and units files by their bytes; every ``RunConfig`` setting marked ``key`` (a
    file setting, e.g. the registration lists, by its bytes: ``<name>_sha256``); the package
    version, the code fingerprint and the spreadsheet readers' versions (``readers``).
    """
    if config.as_of is None:
        raise ValueError("config_meta needs the as-of year resolved (analyse does it)")
    return _meta(config, data_sha256)


def _meta(config: RunConfig, data_sha256: str, keys: tuple[str, ...] | None = None) -> dict:
    """``config_meta``'s entries (``keys``: only those, so that a file setting outside them
    is not hashed for nothing: ``input_meta``)."""
    wanted = (lambda key: True) if keys is None else keys.__contains__
    meta: dict[str, Any] = {
        "data_sha256": data_sha256,
        "units_sha256": file_sha256(units_file(config.units_path)),
    }
    for name, value in config.key_values().items():
        key = f"{name.removesuffix('_path')}_sha256" if name.endswith("_path") else name
        if not wanted(key):
            continue
        if name.endswith("_path"):
            meta[key] = _file_key(value)
        elif name == "scenario":
            meta[key] = jsonable(dict(value)) if value is not None else None
        else:
            meta[key] = value
    if wanted("as_of"):
        meta["as_of"] = int(config.as_of)
    meta["version"] = __version__
    meta["code"] = code_fingerprint()
    meta["readers"] = library_stamp(READER_LIBRARIES).decode()
    return meta


def analysis_meta(
    data_sha256: str, *, units_path: str | Path | None = None, **settings: Any
) -> dict[str, Any]:
    """``config_meta`` of the ``RunConfig`` built from ``settings`` (keywords of its fields:
    ``as_of``, ``target_year``, ``draws``, ``seed``, ``scenario``, ``backtest_draws``, …; the
    others keep their defaults). ``units_path``: "" or None for the bundled units file.
    For tests and benchmarks that build a key by hand: the package's own callers (the
    command, the batch, the notebooks, the explorer) form it with ``analyse.analysis_key``."""
    config = RunConfig(units_path=str(units_path or ""), **settings)
    return config_meta(config, data_sha256)


def cache_key(meta: Mapping[str, Any]) -> str:
    """The cache key of an ``analysis_meta``: a hash of everything that changes the numbers."""
    text = json.dumps(jsonable(dict(meta)), sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _pickle_atomic(path: Path, value: object) -> Path:
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


# what the data as read depend on (``io.load.load_panel`` and the units file): a stored panel
# is reused only when these match
INPUT_KEYS = (
    "data_sha256",
    "units_sha256",
    "vintage",
    "merge_rule",
    "assessed_sha256",
    "version",
    "code",
    "readers",
)


def input_meta(config: RunConfig, data_sha256: str) -> dict[str, Any]:
    """``config_meta``'s ``INPUT_KEYS``: what the data as read depend on. The as-of year is
    not among them, so it need not be resolved (the data are read to resolve it)."""
    meta = _meta(config, data_sha256, INPUT_KEYS)
    return {k: meta[k] for k in INPUT_KEYS}  # in INPUT_KEYS' order, each one present


# what the backtest depends on (not the forecast's draws, target year or scenario): it is
# reused across runs that differ only in those
_BACKTEST_KEYS = (*INPUT_KEYS, "as_of", "seed", "backtest_draws")


def backtest_paths(meta: Mapping[str, Any], cache_dir: str | Path | None) -> list[Path]:
    """Where the backtest of ``meta`` is looked for and kept: the run's cache folder
    (``cache_dir``, the batch's ``OUT/.cache``; None: none) and the fit cache
    (``fit_cache_dir``, ``NTM_CACHE_DIR``; off when ""), so that a batch into another folder,
    or after a report option changed, does not backtest the same data again (issue 17: the
    backtest is most of the batch's work before any report starts). The key is what the
    backtest depends on (``_BACKTEST_KEYS``: the data as read, the code, the as-of year, the
    seed and the backtest draws)."""
    bt_meta = {k: meta.get(k) for k in _BACKTEST_KEYS}
    name = f"backtest-{cache_key(bt_meta)}.pkl"
    folders = [Path(f) for f in (cache_dir, fit_cache_dir()) if f is not None]
    return list(dict.fromkeys(folder / name for folder in folders))


def _stored(path: Path, meta: Mapping[str, Any]) -> dict[str, Any] | None:
    """A ``{"meta": ..., ...}`` record pickled at ``path`` whose meta equals ``meta``; None
    when there is none, it is for other inputs, or it cannot be read (a cache is never an
    error)."""
    with contextlib.suppress(Exception), open(path, "rb") as handle:
        stored = pickle.load(handle)
        if isinstance(stored, dict) and stored.get("meta") == meta:
            return stored
    return None


def _store_quietly(path: Path, value: object) -> None:
    """``value`` pickled atomically at ``path`` in the fit cache: a cache folder that cannot
    be made or written is skipped, never an error."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        _pickle_atomic(path, value)


def _compute_backtest(
    history_panel: Panel, meta: Mapping[str, Any], cache_dir: Path | None
) -> tuple[Backtest | None, str | None]:
    if meta["backtest_draws"] <= 0:
        return None, "skipped"
    bt_meta = {k: meta.get(k) for k in _BACKTEST_KEYS}
    paths = backtest_paths(meta, cache_dir)
    for path in paths:
        stored = _stored(path, bt_meta)
        if stored is not None:
            return stored["backtest"], stored["note"]
    try:
        result, note = (
            # each origin's fit through the fit cache: a correction to the last year only
            # (a new data hash, so a new backtest) refits none of the earlier years
            run_backtest(
                history_panel,
                n_draws=meta["backtest_draws"],
                seed=meta["seed"],
                fitter=cached_fit,
            ),
            None,
        )
    except ValueError:  # too few years to fit and score
        result, note = None, "too_short"
    stored = {"meta": bt_meta, "backtest": result, "note": note}
    for path in paths:
        if cache_dir is not None and path.parent == cache_dir:
            _pickle_atomic(path, stored)
        else:  # the fit cache
            _store_quietly(path, stored)
    return result, note


def compute_analysis(
    history_panel: Panel,
    meta: Mapping[str, Any],
    cache_dir: str | Path | None = None,
    *,
    registered: Registrations | None = None,
    with_forecast: bool = True,
) -> Analysis:
    """Forecast (and backtest, reused from ``cache_dir`` when possible) for ``meta``.

    ``registered``: the registration lists ``meta["registrations_sha256"]`` identifies.
    ``with_forecast=False``: the backtest only (``ntm backtest``). The forecast keeps its
    fitted model (``Forecast.model``): the report's data-and-method note shows its
    coefficients.
    """
    cache = Path(cache_dir) if cache_dir is not None else None
    as_of = check_as_of(history_panel, meta["as_of"])
    fc = None
    if with_forecast:
        fc = run_forecast(
            history_panel,
            meta["target_year"],
            meta["draws"],
            meta["seed"],
            scenario_from_dict(meta["scenario"]),
            as_of,
            trend=meta["trend"],  # a key setting: every meta has it
            registered=registered,
            fitter=cached_fit,  # the fit is not paid twice for the same data (NTM_CACHE_DIR)
            # no districts (from 1 Jul 2025): the commune states, to group by former district
            record_states=not has_districts(history_panel),
            # each fit of the trend mixture ≥ MIN_COMPONENT_DRAWS, topped up in the same pass
            component_draws=MIN_COMPONENT_DRAWS,
        )
    history = history_panel.subset(years=[y for y in history_panel.years if y <= as_of])
    bt, note = _compute_backtest(history, meta, cache)
    return Analysis(meta=dict(meta), forecast=fc, backtest=bt, backtest_note=note)


def analysis_path(meta: Mapping[str, Any], cache_dir: str | Path) -> Path:
    """Where the cached ``Analysis`` for ``meta`` lives under ``cache_dir``."""
    return Path(cache_dir) / f"analysis-{cache_key(meta)}.pkl"


def _baseline_fits(
    forecast: Forecast, history_panel: Panel, summaries: Summaries, meta: Mapping[str, Any]
) -> dict[FitKey, pd.DataFrame]:
    """``unit_baseline_fits``, kept in the fit cache (``fit_cache_dir``) as the backtest is:
    a re-run of the same data then imports no statsmodels in the parent either. The key is
    what the fits depend on: the data as read, the code, the as-of year, the forecast's
    years."""
    key_meta = {k: meta.get(k) for k in (*INPUT_KEYS, "as_of")}
    key_meta["years"] = list(forecast.years)
    folder = fit_cache_dir()
    path = folder / f"baselines-{cache_key(key_meta)}.pkl" if folder is not None else None
    stored = _stored(path, key_meta) if path is not None else None
    if stored is not None:
        return stored["fits"]
    fits = unit_baseline_fits(forecast, history_panel, summaries)
    if path is not None:
        _store_quietly(path, {"meta": key_meta, "fits": fits})
    return fits


def ensure_analysis(
    history_panel: Panel,
    meta: Mapping[str, Any],
    cache_dir: str | Path,
    *,
    registered: Registrations | None = None,
    with_forecast: bool = True,
    panel: Panel | None = None,
    registry: Registry | None = None,
    baseline_fits: bool = False,
) -> tuple[Path, bool]:
    """The cache file for ``meta`` under ``cache_dir``, computing it if needed.

    Returns ``(path, reused)``. The file is written atomically, so a crash never leaves a
    half-written cache that a later run would trust. ``registered``, ``with_forecast``: as
    for ``compute_analysis`` (a backtest-only analysis is cached under its own key).
    ``panel``, ``registry``: the whole data and the units file as read, stored with the
    analysis (``Analysis.panel``) for the notebooks that load it, with the history's yearly
    summaries (``Analysis.summaries``), which every report reads instead of recomputing.
    ``baseline_fits``: the batch's parent, doing its reports' shared work once: every unit's
    damped-trend baseline (``Analysis.baseline_fits``; the report kernels then never import
    statsmodels.tsa) and the model's coefficient table (kept with the model); off for
    ``ntm forecast --cache``, whose headline shows neither and must not pay for them.
    """
    cache = Path(cache_dir)
    key_meta = dict(meta) if with_forecast else {**meta, "forecast": False}
    path = analysis_path(key_meta, cache)
    if path.exists():
        with contextlib.suppress(Exception):
            load_analysis(path, key_meta)
            return path, True
    analysis = compute_analysis(
        history_panel, meta, cache, registered=registered, with_forecast=with_forecast
    )
    summaries = Summaries.of(history_panel)
    fits = None
    if baseline_fits and analysis.forecast is not None:
        fits = _baseline_fits(analysis.forecast, history_panel, summaries, meta)
    if baseline_fits and analysis.forecast is not None and analysis.forecast.model is not None:
        # the reports' coefficient table, made once here and pickled with the model: every
        # report reading this file shows it without redoing its importance sample (issue 17)
        analysis.forecast.model.coefficients()
    stored = replace(
        analysis,
        meta=key_meta,
        panel=panel,
        registry=registry,
        summaries=summaries,
        baseline_fits=fits,
    )
    _pickle_atomic(path, stored)
    return path, False


def load_analysis(path: str | Path, expect: Mapping[str, Any] | None = None) -> Analysis:
    """Read a cached ``Analysis`` (a trusted file this package wrote), checking its parameters.

    ``expect``: the ``analysis_meta`` the caller needs; any difference (other data, other
    units file, other draws, another package version) is an error rather than a silently
    wrong report.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"forecast cache {path} does not exist")
    with open(path, "rb") as handle:
        analysis = pickle.load(handle)
    if not isinstance(analysis, Analysis):
        raise ValueError(f"{path} is not a cached ntm-analysis forecast")
    if expect is not None and analysis.meta != dict(jsonable(dict(expect))):
        differ = sorted(
            k for k in set(analysis.meta) | set(expect) if analysis.meta.get(k) != expect.get(k)
        )
        raise ValueError(
            f"the cached forecast {path.name} was made with different {', '.join(differ)}; "
            "re-run the batch or set forecast_cache = '' to compute it here"
        )
    return analysis


# --- engine: the model fit cached by data hash (issue 17), for `ntm forecast`
CACHE_DIR_ENV = "NTM_CACHE_DIR"


def fit_cache_dir() -> Path | None:
    """Where fitted models are kept: ``NTM_CACHE_DIR``, else ``$XDG_CACHE_HOME/ntm-analysis``
    (``~/.cache/ntm-analysis``); ``NTM_CACHE_DIR=""`` turns the cache off (None)."""
    chosen = os.environ.get(CACHE_DIR_ENV)
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ntm-analysis"


# the batch's analysis as kept in the fit cache (``NTM_CACHE_DIR``) beside the fits and the
# backtest; "batch-": the batch's own (with every unit's baselines), never ``ntm forecast``'s
SHARED_ANALYSIS_PREFIX = "batch-"


def shared_analysis_path(cache_file: Path) -> Path | None:
    """Where the fit cache keeps a copy of the batch's analysis file ``cache_file`` (same
    name, so the same key: data, units, settings, package version and code); None when the
    fit cache is off (``NTM_CACHE_DIR=""``)."""
    folder = fit_cache_dir()
    return None if folder is None else folder / f"{SHARED_ANALYSIS_PREFIX}{cache_file.name}"


def take_shared_analysis(cache_file: Path) -> Path | None:
    """Put the fit cache's copy of the analysis at ``cache_file`` when this run's cache folder
    has none (atomically), and say where it came from (None: nothing copied). Why: a batch of
    the same data and settings into another folder otherwise simulates again and summarises
    the history again (~0.6 s CPU of the warm batch's parent, issue 17), where the fit cache
    already spares it the fits and the backtest. The copy is trusted no more than the
    folder's own file: ``cached_analysis`` reads it and checks its parameters, and computes
    the analysis again (over the copy) if they differ or it cannot be read. A fit cache that
    cannot be read is skipped, never an error."""
    shared = shared_analysis_path(cache_file)
    try:  # ``is_file`` raises on a folder it may not search or a name too long
        if shared is None or cache_file.exists() or not shared.is_file():
            return None
        write_atomic(cache_file, lambda tmp: shutil.copyfile(shared, tmp))
    except OSError:
        return None
    return shared


def share_analysis(cache_file: Path) -> None:
    """Keep a copy of the analysis this run computed in the fit cache (``take_shared_analysis``);
    a fit cache that cannot be written is skipped, never an error."""
    shared = shared_analysis_path(cache_file)
    if shared is None:
        return
    with contextlib.suppress(OSError):
        write_atomic(shared, lambda tmp: shutil.copyfile(cache_file, tmp))


_Read = TypeVar("_Read")


def cached_inputs(
    meta: Mapping[str, Any], read: Callable[[], _Read], keep: Callable[[_Read], bool]
) -> _Read:
    """``read()`` — the data and units file as read, checked and harmonised — from the fit
    cache when files with the same bytes, geography options, code and spreadsheet readers
    (``meta``: ``input_meta``) were read before; else read and stored (a cache that cannot be
    read or written is skipped, never an error). Reading the bundled data costs ~0.2 s CPU of
    ``ntm forecast`` against ~1 ms to unpickle it (issue 17). A file that fails its checks
    raises from ``read()`` every time: nothing is stored. Nor is a read that ``keep`` refuses
    (the caller's check that what was read is what ``meta`` names: a file rewritten between
    hashing it for the key and reading it must not be stored under the old bytes' key)."""
    folder = fit_cache_dir()
    if folder is None:
        return read()
    path = folder / f"inputs-{cache_key(meta)}.pkl"
    stored = _stored(path, meta)
    if stored is not None:
        return stored["inputs"]
    inputs = read()
    if keep(inputs):
        _store_quietly(path, {"meta": dict(meta), "inputs": inputs})
    return inputs


def cached_fit(
    history: Panel, trend: bool | str = True, registered: Registrations | None = None
) -> TransitionModel:
    """``transitions.fit(history, trend=, registered=)``, read from the fit cache when the
    same data (``panel_fingerprint``), options and code (``code_fingerprint``, as the
    batch's cache) were fitted before; else fitted and stored (atomically; a cache that
    cannot be read or written is skipped, never an error)."""
    folder = fit_cache_dir()
    if folder is None:
        return fit(history, trend=trend, registered=registered)
    key = {
        "panel": panel_fingerprint(history),
        "trend": trend,
        "registered": {str(y): sorted(map(str, c)) for y, c in (registered or {}).items()},
        "code": code_fingerprint(),
    }
    path = folder / f"fit-{cache_key(key)}.pkl"
    with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError):
        with open(path, "rb") as handle:
            model = pickle.load(handle)
        if isinstance(model, TransitionModel):
            return model
    model = fit(history, trend=trend, registered=registered)
    _store_quietly(path, model)
    return model
