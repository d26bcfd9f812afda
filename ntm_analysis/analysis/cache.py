"""The analysis cache: one forecast and one backtest per run, shared by every report.

The forecast and backtest are expensive and identical for every unit of a run, so the batch
computes them once (``ensure_analysis``) and each notebook loads them from the cache file
(its ``forecast_cache`` parameter). The cache key (``analysis_meta``/``cache_key``) covers the
data file's bytes, the units file's bytes, every parameter that changes the numbers, the
package version and a fingerprint of the code that computes them, so a cached analysis made
from other inputs or by other code is never reused.

``report`` re-exports every public name here (``report.analysis_meta``, …), so callers may
import them from either module.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ntm_analysis import __version__
from ntm_analysis.analysis.results import jsonable
from ntm_analysis.core.atomic import atomic_path
from ntm_analysis.core.panel import Panel, has_districts
from ntm_analysis.core.paths import PACKAGE_DIR, default_panel_path, default_units_path
from ntm_analysis.model.backtest import Backtest
from ntm_analysis.model.backtest import backtest as run_backtest
from ntm_analysis.model.forecast import Forecast, Scenario, check_as_of, run_forecast

__all__ = [
    "DEFAULT_BACKTEST_DRAWS",
    "Analysis",
    "analysis_meta",
    "analysis_path",
    "cache_key",
    "code_fingerprint",
    "compute_analysis",
    "data_file",
    "ensure_analysis",
    "file_sha256",
    "geography_meta",
    "load_analysis",
    "scenario_from_dict",
    "units_file",
]

DEFAULT_BACKTEST_DRAWS = 500


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (identifies the data, units or notebook a run used).

    The one file-hash function of the package: ``report.file_sha256`` is this function.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def code_fingerprint() -> str:
    """Hash of the package version and every source file of the package: a cached forecast
    (or a finished report) made by other code is never reused, even when the version was not
    bumped. The whole package, so that no list of "modules that matter" has to be kept."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
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
    """The forecast and backtest of one run, with the parameters that produced them."""

    meta: dict[str, Any]
    forecast: Forecast
    backtest: Backtest | None
    backtest_note: str | None = None  # "skipped" or "too_short" when there is no backtest


def analysis_meta(
    data_sha256: str,
    *,
    as_of: int,
    target_year: int,
    draws: int,
    seed: int,
    scenario: Mapping[str, Any] | None,
    backtest_draws: int,
    units_path: str | Path | None = None,
    geography: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything that changes the numbers: the cache key is a hash of this.

    ``units_path`` is the units (district registry) file, "" or None for the bundled one;
    its SHA-256 is part of the key. ``geography``: ``geography_meta`` of the registry list
    and merge rule a real-coded file was harmonised with (another rule is another panel;
    the defaults leave the key as it was).
    """
    # the defaults add nothing: a key made without them (tests, other callers) is the same
    geo = {"geography": dict(geography)} if geography not in (None, geography_meta()) else {}
    return {
        **geo,
        "data_sha256": data_sha256,
        "units_sha256": file_sha256(units_file(units_path)),
        "as_of": int(as_of),
        "target_year": int(target_year),
        "draws": int(draws),
        "seed": int(seed),
        "scenario": jsonable(dict(scenario)) if scenario is not None else None,
        "backtest_draws": int(backtest_draws),
        "version": __version__,
        "code": code_fingerprint(),
    }


def geography_meta(vintage: str = "", merge_rule: str = "all", assessed_path: str = "") -> dict:
    """[geo] The harmonisation options of ``load_panel`` as a cache-key part: the list, the
    merge rule and the hash of the user's assessments file (``harmonise``)."""
    return {
        "vintage": vintage or "",
        "merge_rule": merge_rule,
        "assessed_sha256": file_sha256(assessed_path) if assessed_path else None,
    }


def cache_key(meta: Mapping[str, Any]) -> str:
    """The cache key of an ``analysis_meta``: a hash of everything that changes the numbers."""
    text = json.dumps(jsonable(dict(meta)), sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _pickle_atomic(path: Path, value: object) -> Path:
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


_BACKTEST_KEYS = (
    "data_sha256",
    "units_sha256",
    "as_of",
    "seed",
    "backtest_draws",
    "version",
    "code",
)


def _compute_backtest(
    history_panel: Panel, meta: Mapping[str, Any], cache_dir: Path | None
) -> tuple[Backtest | None, str | None]:
    if meta["backtest_draws"] <= 0:
        return None, "skipped"
    bt_meta = {k: meta.get(k) for k in _BACKTEST_KEYS}
    path = cache_dir / f"backtest-{cache_key(bt_meta)}.pkl" if cache_dir is not None else None
    if path is not None and path.exists():
        with contextlib.suppress(Exception), open(path, "rb") as handle:
            stored = pickle.load(handle)
            if stored.get("meta") == bt_meta:
                return stored["backtest"], stored["note"]
    try:
        result, note = (
            run_backtest(history_panel, n_draws=meta["backtest_draws"], seed=meta["seed"]),
            None,
        )
    except ValueError:  # too few years to fit and score
        result, note = None, "too_short"
    if path is not None:
        _pickle_atomic(path, {"meta": bt_meta, "backtest": result, "note": note})
    return result, note


def compute_analysis(
    history_panel: Panel, meta: Mapping[str, Any], cache_dir: str | Path | None = None
) -> Analysis:
    """Forecast (and backtest, reused from ``cache_dir`` when possible) for ``meta``.

    The forecast keeps its fitted model (``Forecast.model``): the report's data-and-method
    note shows its coefficients.
    """
    cache = Path(cache_dir) if cache_dir is not None else None
    as_of = check_as_of(history_panel, meta["as_of"])
    fc = run_forecast(
        history_panel,
        meta["target_year"],
        meta["draws"],
        meta["seed"],
        scenario_from_dict(meta["scenario"]),
        as_of,
        # [geo] no districts (from 1 Jul 2025): the commune states, to group by former district
        record_states=not has_districts(history_panel),
    )
    history = history_panel.subset(years=[y for y in history_panel.years if y <= as_of])
    bt, note = _compute_backtest(history, meta, cache)
    return Analysis(meta=dict(meta), forecast=fc, backtest=bt, backtest_note=note)


def analysis_path(meta: Mapping[str, Any], cache_dir: str | Path) -> Path:
    """Where the cached ``Analysis`` for ``meta`` lives under ``cache_dir``."""
    return Path(cache_dir) / f"analysis-{cache_key(meta)}.pkl"


def ensure_analysis(
    history_panel: Panel, meta: Mapping[str, Any], cache_dir: str | Path
) -> tuple[Path, bool]:
    """The cache file for ``meta`` under ``cache_dir``, computing it if needed.

    Returns ``(path, reused)``. The file is written atomically, so a crash never leaves a
    half-written cache that a later run would trust.
    """
    cache = Path(cache_dir)
    path = analysis_path(meta, cache)
    if path.exists():
        with contextlib.suppress(Exception):
            load_analysis(path, meta)
            return path, True
    analysis = compute_analysis(history_panel, meta, cache)
    _pickle_atomic(path, analysis)
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
