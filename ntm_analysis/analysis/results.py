"""The answer for one unit, in numbers only: what ``ntm forecast --json`` prints and the
report's sidecar holds — the same object serialised.

``unit_results`` assembles the figures (probability of reaching the target with its Monte
Carlo error, expected count and intervals, status, required against observed pace,
baselines, this year's plan against the forecast) into a frozen ``UnitResults``, in the
manner of a statsmodels results object: the numbers here, their wording in the report layer
(``report.headline``), so the terminal, the notebooks and the batch index say the same thing.

Every nested figure is a frozen, typed record too (``Now``, ``YearForecast``, ``Pace``,
``ThisYear``…; the model's notes are ``model.notes.ModelNote``), read by attribute
(``r.this_year.figures.n_ntm.probability``): a renamed figure fails where it is read, not
in a template. The field names are the JSON's keys, so ``to_dict()`` writes what earlier
versions wrote, byte for byte, and ``from_json`` — the one place the keys are read — builds
the records, type-checking every value.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ntm_analysis.analysis.summaries import Summaries, summary
from ntm_analysis.core.atomic import write_atomic, write_text_atomic
from ntm_analysis.core.panel import Panel
from ntm_analysis.io.reference import plan_targets
from ntm_analysis.model.baselines import (
    FitKey,
    Pace,
    baseline_forecasts,
    damped_trend,
    fit_key,
    pace,
    probability_at_least,
)
from ntm_analysis.model.forecast import MIN_COMPONENT_DRAWS, Forecast, simulate
from ntm_analysis.model.notes import ModelNote
from ntm_analysis.model.transitions import TransitionModel

# Headline status from the main model's probability of reaching the target. The bands are a
# communication choice, stated in the report: likely (>= 75%) is on track, unlikely (< 25%)
# is off track, anything between needs acceleration.
ON_TRACK, OFF_TRACK = 0.75, 0.25
# Monte Carlo 80% interval of a probability: p ± Z80 × its standard error. When it contains a
# verdict threshold, another seed could print the other verdict: the result says "close to
# the threshold" rather than a confident status.
Z80 = 1.2816


def status_from_probability(probability: float) -> str:
    """The status band of ``probability`` *as the reader sees it*, rounded to a whole percent
    the way reports print it: "75%" next to "needs acceleration" would look like an error."""
    shown = float(f"{100 * probability:.0f}") / 100
    if shown >= ON_TRACK:
        return "on_track"
    if shown < OFF_TRACK:
        return "off_track"
    return "needs_acceleration"


CLOSE_TO_THRESHOLD = "close_to_threshold"


def displayed_status(result: UnitResults) -> str | None:
    """The status every badge shows for ``result`` (report, index, brief, slides): its
    ``status``, except ``"close_to_threshold"`` when the Monte Carlo 80% interval of the
    probability holds a verdict threshold — another seed could print the other colour, so
    no confident one is shown. None without a target."""
    if result.status is not None and result.close_to_threshold is not None:
        return CLOSE_TO_THRESHOLD
    return result.status


def threshold_straddled(probability: float, se: float) -> float | None:
    """The verdict threshold (``ON_TRACK`` or ``OFF_TRACK``) inside the Monte Carlo 80%
    interval of ``probability``, or None when the verdict is settled."""
    lo, hi = probability - Z80 * se, probability + Z80 * se
    for threshold in (ON_TRACK, OFF_TRACK):
        # the printed status rounds to whole percents: 74.5% already prints as 75%
        if lo < threshold + 0.005 and hi >= threshold - 0.005:
            return threshold
    return None


def trend_dependence(
    panel: Panel, forecast: Forecast, target: float, year: int, unit: int | None
) -> dict[str, Any]:
    """P(target) with and without the time trend, and the trend's weight in the forecast.

    From the forecast's own draws where each fit has at least ``MIN_COMPONENT_DRAWS`` of
    them; otherwise from its draws and the top-up draws simulated in the same pass
    (``simulate(component_draws=...)``), or, for a forecast made without them, from that fit
    simulated on its own (same seed, ``MIN_COMPONENT_DRAWS`` draws), so both figures carry
    at most ~2 percentage points of Monte Carlo error.
    """
    split = forecast.probability_by_trend(target, year, unit)
    model = forecast.model
    if model is None or model.no_trend is None:
        return split
    components = {
        "with_trend": (model.component(True), "n_with_trend"),
        "without_trend": (model.component(False), "n_without_trend"),
    }
    for key, (component, count) in components.items():
        if split[count] < MIN_COMPONENT_DRAWS:
            topped = forecast.component_probability(target, year, unit, key == "with_trend")
            if topped is not None and topped[1] >= MIN_COMPONENT_DRAWS:
                split[key], split[count] = topped
                continue
            alone = simulate(
                panel,
                component,
                forecast.years[-1],
                MIN_COMPONENT_DRAWS,
                forecast.seed,
                forecast.scenario,
                forecast.as_of,
            )
            split[key] = alone.probability(target, year, unit)
            split[count] = MIN_COMPONENT_DRAWS
    return split


def plan_by_year(
    plan: pd.DataFrame | None, unit: int | None, province_name: str
) -> dict[int, float]:
    """Year → planned number of communes meeting the standard for a unit, from a targets
    table (default: the bundled plan for this province; none for other provinces)."""
    table = plan if plan is not None else plan_targets(province_name)
    if table is None or table.empty:
        return {}
    rows = table[table["indicator"] == "n_ntm"]
    if unit is None:
        rows = rows[rows["level"] == "province"]
    else:
        rows = rows[(rows["level"] == "district") & (rows["unit_code"] == unit)]
    return {int(y): float(v) for y, v in zip(rows["year"], rows["value"], strict=True)}


def jsonable(value: Any) -> Any:
    """``value`` with numpy/pandas scalars, arrays and frames turned into plain JSON types."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return [jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if not math.isfinite(float(value)) else float(value)
    if value is pd.NA or value is None:
        return None
    return value


def history(
    panel: Panel, unit: int | None = None, summaries: Summaries | None = None
) -> pd.DataFrame:
    """Observed yearly summary (n_ntm, mean_criteria, …) of the province or one district;
    read from ``summaries`` when they were made from ``panel`` (``summaries.summary``)."""
    if unit is None:
        return summary(panel, "province", summaries)
    table = summary(panel, "district", summaries)
    return table[table["unit_code"] == unit].reset_index(drop=True)


def known_at(panel: Panel, forecast: Forecast) -> Panel:
    """The years of ``panel`` up to the forecast's as-of year: only what was known then.
    Baselines, pace and their stored fits must not see later data, whichever panel a caller
    passes (the whole file or the history). A panel holding only those years already (the
    history, as the batch and the command pass it) is returned as it is: no copy of its
    status table for each unit's results."""
    years = panel.years
    if all(y <= forecast.as_of for y in years):
        return panel
    return panel.subset(years=[y for y in years if y <= forecast.as_of])


def unit_baseline_fits(
    forecast: Forecast, panel: Panel, summaries: Summaries | None = None
) -> dict[FitKey, pd.DataFrame]:
    """The damped-trend baseline of the province's and every district's count of communes
    meeting the standard over ``forecast.years``, by ``fit_key``: what ``unit_results``
    fits for each unit, made once (the batch's parent stores it with the analysis, so that
    no report kernel imports statsmodels.tsa). ``panel`` is cut at the as-of year
    (``known_at``) as ``unit_results`` cuts it, so a whole file gives the fits the reports
    look up, not fits of series they never see."""
    panel = known_at(panel, forecast)
    codes = forecast.districts["district_code"]
    fits: dict[FitKey, pd.DataFrame] = {}
    for unit in [None, *(int(code) for code in codes)]:
        series = history(panel, unit, summaries).set_index("year")["n_ntm"].sort_index()
        if len(series):
            fits[fit_key(series, forecast.years)] = damped_trend(series, forecast.years)
    return fits


class ResultsError(ValueError):
    """A results file (sidecar, ``--json`` output) that cannot be read as ``UnitResults``."""


class _Record:
    """A frozen record of the results: read by attribute; ``to_dict()`` is its JSON form."""

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)

    @classmethod
    def from_json(cls, data: Any, source: str = "results") -> Any:
        """The record of its JSON form (a figure it lacks reads as None); a ``ResultsError``
        naming ``source`` and the field when a value is of the wrong type."""
        try:
            return _record(cls, data, "")
        except _Wrong as wrong:
            raise ResultsError(f"{source}: {wrong}") from None


# -- the nested records: field names are the JSON keys, in the JSON's order -------------------
# A float field may hold None: the JSON writes a figure that is not a number (NaN: e.g. a
# baseline that could not be fitted) as null. Any field may hold None when read from an older
# or trimmed file that did not record it (``UnitResults.from_json``).


@dataclass(frozen=True)
class Now(_Record):
    """The unit at the as-of year, observed (not forecast)."""

    n_ntm: int  # communes meeting the standard
    mean_criteria: float  # criteria met per commune, on average
    n_below_5: int  # communes meeting fewer than 5 criteria


@dataclass(frozen=True)
class YearForecast(_Record):
    """One forecast year, over the Monte Carlo draws: communes meeting the standard (mean,
    median, equal-tailed 80% and 95% intervals) and the expected other figures."""

    year: int
    mean: float
    median: float
    lo80: float
    hi80: float
    lo95: float
    hi95: float
    mean_criteria: float  # criteria met per commune
    n_below_5: float  # communes below 5 criteria
    n_close: float  # communes with 15–18 criteria: close to the standard


@dataclass(frozen=True)
class TrendDependence(_Record):
    """P(target) from the fit with the time trend and from the fit without it (None when the
    forecast has no draws of that fit), the data's weight on the trend fit, and the number
    of draws each probability rests on."""

    with_trend: float | None
    without_trend: float | None
    trend_weight: float
    n_with_trend: int
    n_without_trend: int


@dataclass(frozen=True)
class Capacity(_Record):
    """How a commune's count enters the model (``model.transitions``, "capacity form"): the
    fit's chosen ``form``, how it was chosen (``choice``: "data" held-out scores, "too_few"
    or "fixed" by rule), that form's ``weight`` (held out where "data"; "mixed": the mean
    share of the count's slope read as lasting) and the share of the draws that use the
    other form instead (``other_share``; 0 when every draw uses the chosen form)."""

    form: str  # "level", "count" or "mixed" (one transition)
    choice: str
    weight: float
    other_share: float


@dataclass(frozen=True)
class PlanYear(_Record):
    """One year of the unit's plan: the planned count of communes meeting the standard, the
    probability of reaching it (with its Monte Carlo standard error) and the expected count."""

    year: int
    plan: float
    probability: float
    mc_se: float
    expected: float


@dataclass(frozen=True)
class FirstReached(_Record):
    """The probability that the count first reaches the target in ``year``; ``year`` None:
    not by the last forecast year."""

    year: int | None
    probability: float


@dataclass(frozen=True)
class Baseline(_Record):
    """One year of a simple baseline forecast (``method``: "linear_trend", "damped_trend",
    or "plan": the plan read as a forecast, without intervals), with P(target) in the target
    year. ``probability`` exists in the JSON only when the unit has a target (None in the
    other years)."""

    method: str
    year: int
    mean: float
    lo80: float | None
    hi80: float | None
    lo95: float | None
    hi95: float | None
    probability: float | None


@dataclass(frozen=True)
class MeanCriteria(_Record):
    """The criteria-per-commune target (e.g. the plan's 13.8): the expected average in the
    target year, the probability of reaching it (with its Monte Carlo standard error) and
    the observed against the required pace."""

    target: float
    expected: float
    probability: float
    probability_se: float
    pace: Pace


@dataclass(frozen=True)
class PlanFigure(_Record):
    """One figure of this year's plan against the forecast: ``now`` (as-of year), the plan's
    ``target`` (None without one) and whether the file marks it ``official``, ``direction``
    ("at_least": more is better; "at_most": fewer is), the forecast's ``expected`` value and
    95% range, the ``probability`` of meeting the plan with its Monte Carlo standard error,
    and ``gap`` (plan − expected; positive: the forecast falls short)."""

    now: float
    target: float | None
    official: bool
    direction: str
    expected: float
    lo95: float
    hi95: float
    probability: float | None
    probability_se: float | None
    gap: float | None


@dataclass(frozen=True)
class PlanFigures(_Record):
    """This year's three plan figures (see ``analysis.plan_year.FIGURES``)."""

    n_ntm: PlanFigure  # communes meeting the standard
    mean_criteria: PlanFigure  # criteria per commune
    n_below_5: PlanFigure  # communes below 5 criteria

    def items(self) -> Iterator[tuple[str, PlanFigure]]:
        """(figure name, figure) in the plan's order: the rows of a plan table."""
        return ((name, getattr(self, name)) for name in _names(PlanFigures))


@dataclass(frozen=True)
class ThisYear(_Record):
    """The first forecast year's plan against the forecast (``analysis.plan_year``);
    ``has_plan``: at least one figure has a plan."""

    year: int
    as_of: int
    level: str  # "province" or "district"
    has_plan: bool
    figures: PlanFigures


@dataclass(frozen=True)
class UnitResults(_Record):
    """One unit's forecast in numbers (no words, no language): built by ``unit_results``.

    Read-only, by attribute (``r.probability``, ``r.now.n_ntm``); the nested values are
    frozen records whose fields are the JSON's keys. ``to_dict()`` is the JSON form that
    both ``ntm forecast --json`` and the report's sidecar write; ``from_json`` reads it back.
    ``unit`` is the registry's name of the unit (the report's translated label is the
    report's business). Without a target, ``probability``, ``status``, ``pace`` and
    ``first_reached`` are None.
    """

    unit: str
    unit_code: int | None
    level: str  # "province" or "district"
    as_of: int
    year: int
    target: float | None
    target_official: bool
    target_source: str | None  # "user", "official", "file" or None (see core.resolve.Target)
    n_communes: int
    now: Now
    expected: float
    median: float
    interval80: list[float]
    interval95: list[float]
    yearly: tuple[YearForecast, ...]
    draws: int
    seed: int
    scenario: str
    synthetic: bool
    probability: float | None
    probability_se: float | None
    close_to_threshold: float | None
    trend_dependence: TrendDependence | None
    status: str | None
    all_remain: float  # share of draws in which every commune meets the standard in ``year``
    plan: tuple[PlanYear, ...]
    model_notes: tuple[ModelNote, ...]  # JSON: "kind:value" strings (see model.notes)
    trend_choice: str | None  # how the trend's weight was set: "data", "equal", "off", …
    # held-out years the trend's weight was scored on ("data": 1 with three or four
    # transitions, so one year can swing it; 0 when set by rule); None: not recorded
    trend_scored_years: int | None
    # the capacity form and its weight, and the other form's share of the draws (a forecast
    # mixing the two forms); None: not recorded
    capacity: Capacity | None
    first_reached: tuple[FirstReached, ...] | None
    pace: Pace | None
    baselines: tuple[Baseline, ...] | None  # None: left out (``unit_results(baselines=False)``)
    mean_criteria: MeanCriteria | None
    this_year: ThisYear | None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (plain types, in field order; the model notes as their strings)."""
        out = _plain(self)
        if self.target is None and out["baselines"] is not None:
            # P(target) is a baseline column only when there is a target (as written before)
            out["baselines"] = [
                {k: v for k, v in row.items() if k != "probability"} for row in out["baselines"]
            ]
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any], source: str = "results") -> UnitResults:
        """The results of ``to_dict``'s JSON form (a sidecar, ``ntm forecast --json``): the one
        place its keys are read. Keys that are not fields (a sidecar's headline, label and
        provenance) are the caller's. Lenient with files of earlier versions: only the
        figures every reader shows (``REQUIRED``) must be there; a field missing (added
        since, or a trimmed file) reads as "not recorded" — None, an empty list, or False for
        the yes/no fields — and so does a nested figure (None). Anything else (not an object,
        a required figure missing, a value of the wrong type at any depth) is refused with a
        ``ResultsError`` naming ``source`` and the field (``this_year.figures.n_ntm.target``).
        """
        if isinstance(data, UnitResults):
            return data
        if not isinstance(data, Mapping):
            raise ResultsError(f"{source}: expected a JSON object, found {type(data).__name__}")
        missing = [name for name in REQUIRED if name not in data]
        if missing:
            raise ResultsError(
                f"{source}: not a unit's results (missing {', '.join(missing)}); results "
                "are written by `ntm forecast --json` and by a report's save_results"
            )
        problems = [
            f"{name} should be {expected}, found {data[name]!r}"
            for name, (check, expected) in _CHECKS.items()
            if name in data and not check(data[name])
        ]
        if problems:
            raise ResultsError(f"{source}: " + "; ".join(problems))
        try:
            given = _fields(cls, data, "")
        except _Wrong as wrong:
            raise ResultsError(f"{source}: {wrong}") from None
        return cls(**{name: given.get(name, _not_recorded(name)) for name in _names(cls)})


# what every reader of a results file shows (the index row, the changes): a file without one
# of these is not a unit's results
REQUIRED = ("level", "as_of", "year", "expected", "interval80", "interval95", "now")


@functools.cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


class _Wrong(Exception):
    """A value of the wrong type at ``path`` (turned into a ResultsError naming the file)."""


def _record(cls: type, data: Any, path: str) -> Any:
    """``cls`` (a record) from its JSON object ``data``; ``path`` names it in errors. A figure
    missing from ``data`` (recorded since, or a trimmed file) reads as None."""
    if isinstance(data, cls):
        return data
    given = _fields(cls, data, path)
    return cls(**{name: given.get(name) for name in _names(cls)})


def _fields(cls: type, data: Any, path: str) -> dict[str, Any]:
    """The fields of record ``cls`` present in the JSON object ``data``, each checked
    against its type."""
    if not isinstance(data, Mapping):
        raise _Wrong(f"{path or 'the results'} should be an object, found {data!r}")
    return {
        f.name: _value(_hints(cls)[f.name], data[f.name], f"{path}.{f.name}" if path else f.name)
        for f in dataclasses.fields(cls)
        if f.name in data
    }


_SCALARS: dict[type, tuple[tuple[type, ...], str]] = {
    int: ((int,), "a whole number"),
    float: ((int, float), "a number"),
    str: ((str,), "a text"),
    bool: ((bool,), "true or false"),
}


def _value(hint: Any, value: Any, where: str) -> Any:
    """``value`` checked against the field's type ``hint`` (records and their sequences
    built; scalars kept as written, so the JSON form round-trips byte for byte)."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        if value is None:
            return None
        (hint,) = (a for a in args if a is not type(None))
        args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    if origin in (tuple, list):
        if not isinstance(value, list | tuple):
            raise _Wrong(f"{where} should be a list, found {value!r}")
        items = (_value(args[0], v, f"{where}[{i}]") for i, v in enumerate(value))
        return tuple(items) if origin is tuple else list(items)
    if hint is ModelNote:
        try:
            return value if isinstance(value, ModelNote) else ModelNote.parse(value)
        except ValueError as exc:
            raise _Wrong(f"{where}: {exc}") from None
    if dataclasses.is_dataclass(hint):
        return _record(hint, value, where)
    kinds, expected = _SCALARS[hint]
    if hint is float and value is None:  # NaN, as the JSON writes it
        return None
    if (isinstance(value, bool) and hint is not bool) or not isinstance(value, kinds):
        raise _Wrong(f"{where} should be {expected}, found {value!r}")
    return value


def _plain(value: Any) -> Any:
    """A record's JSON form: records as objects in field order, sequences as lists, model
    notes as their strings."""
    if isinstance(value, ModelNote):
        return str(value)
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _not_recorded(name: str) -> Any:
    """A missing field's value: empty where the field is a sequence, False where it is a
    yes/no, else None."""
    if name in ("yearly", "plan", "model_notes"):
        return ()
    if name in ("target_official", "synthetic"):
        return False
    return None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(map(_number, value))


# the figures every reader shows, checked so a wrong file fails here and not in a template
_CHECKS: dict[str, tuple[Any, str]] = {
    "unit_code": (
        lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool)),
        "a unit code or null",
    ),
    "level": (lambda v: v in ("province", "district"), '"province" or "district"'),
    "as_of": (lambda v: isinstance(v, int) and not isinstance(v, bool), "a year"),
    "year": (lambda v: isinstance(v, int) and not isinstance(v, bool), "a year"),
    "target": (lambda v: v is None or _number(v), "a number or null"),
    "expected": (_number, "a number"),
    "interval80": (_pair, "two numbers"),
    "interval95": (_pair, "two numbers"),
    "now": (lambda v: isinstance(v, dict), "an object"),
    "probability": (lambda v: v is None or _number(v), "a number or null"),
}


def unit_results(
    panel: Panel,
    forecast: Forecast,
    unit: int | None = None,
    target: float | None = None,
    year: int | None = None,
    target_source: str | None = None,
    mean_target: float | None = None,
    plan: pd.DataFrame | None = None,
    baselines: bool = True,
    summaries: Summaries | None = None,
    baseline_fits: Mapping[FitKey, pd.DataFrame] | None = None,
) -> UnitResults:
    """Everything the reports say about one unit, in numbers.

    Every probability carries its Monte Carlo standard error (``probability_se``); when its
    80% Monte Carlo interval holds a verdict threshold, ``close_to_threshold`` names it.
    ``trend_dependence`` gives P(target) with and without the time trend, ``plan``
    P(meeting each forecast year's plan) and ``this_year`` the first forecast year's plan
    against the forecast, both from ``plan`` (a targets table; default: the bundled plan of
    this province). ``model_notes`` lists gaps skipped and thin panels.

    ``target`` is the count of communes meeting the standard to reach by ``year`` (default:
    the forecast's last year), ``target_source`` where it came from ("official" marks it
    official). Without a target (a district with no supplied target) the result has the
    expected count and its distribution but no probability or status. ``mean_target``
    (e.g. the plan's 13.8 criteria per commune) adds its probability and the
    criteria-per-commune pace it needs (``mean_criteria``).
    ``baselines=False`` leaves the simple baselines out (``baselines`` is None): the
    terminal's headline does not show them, and they cost a statsmodels import.
    ``summaries``: the panel's yearly summaries made once (``Summaries``; the batch stores
    them with the analysis), read instead of recomputed when they were made from this panel.
    ``baseline_fits``: damped-trend baselines fitted before (``unit_baseline_fits``; the
    batch stores them with the analysis), used when fitted from this unit's series.
    """
    from ntm_analysis.analysis.plan_year import this_year as plan_this_year  # it uses jsonable

    year = forecast.years[-1] if year is None else year
    panel = known_at(panel, forecast)
    quantiles = forecast.quantiles(unit, "ntm")
    at_year = quantiles[quantiles["year"] == year].iloc[0]
    past = history(panel, unit, summaries).set_index("year")
    name = (
        forecast.province_name
        if unit is None
        else forecast.districts.set_index("district_code").loc[unit, "district_name"]
    )
    table = plan if plan is not None else plan_targets(forecast.province_name)
    yearly_plan = plan_by_year(table, unit, forecast.province_name)
    model = forecast.model
    with_baselines = baselines
    baselines = (
        baseline_forecasts(
            past["n_ntm"],
            forecast.years,
            upper=forecast.n_communes(unit),
            plan=yearly_plan,
            fitted=baseline_fits,
        )
        if with_baselines
        else None
    )
    found: dict[str, Any] = dict.fromkeys(
        (
            "probability",
            "probability_se",
            "close_to_threshold",
            "trend_dependence",
            "status",
            "first_reached",
            "pace",
            "mean_criteria",
        )
    )
    if target is not None:
        probability = forecast.probability(target, year, unit)
        se = forecast.probability_se(probability)
        found["probability"] = probability
        found["probability_se"] = se
        found["close_to_threshold"] = threshold_straddled(probability, se)
        found["trend_dependence"] = trend_dependence(panel, forecast, target, year, unit)
        found["status"] = status_from_probability(probability)
        found["first_reached"] = forecast.first_reached(target, unit)
        found["pace"] = pace(past["n_ntm"], target, year).as_dict()
        if baselines is not None:
            baselines["probability"] = [
                probability_at_least(row, target) if row["year"] == year else np.nan
                for _, row in baselines.iterrows()
            ]
    if mean_target is not None:
        p_mean = forecast.probability_mean_criteria(mean_target, year, unit)
        found["mean_criteria"] = {
            "target": mean_target,
            "expected": forecast.quantiles(unit, "mean_criteria")
            .set_index("year")
            .loc[year, "mean"],
            "probability": p_mean,
            "probability_se": forecast.probability_se(p_mean),
            "pace": pace(past["mean_criteria"], mean_target, year).as_dict(),
        }
    values = {
        "unit": name,
        "unit_code": unit,
        "level": "province" if unit is None else "district",
        "as_of": forecast.as_of,
        "year": year,
        "target": target,
        "target_official": target_source == "official",
        "target_source": target_source,
        "n_communes": forecast.n_communes(unit),
        "now": forecast.observed_now(unit),
        "expected": at_year["mean"],
        "median": at_year["median"],
        "interval80": [at_year["lo80"], at_year["hi80"]],
        "interval95": [at_year["lo95"], at_year["hi95"]],
        "yearly": forecast.yearly(unit),
        "draws": forecast.n_draws,
        "seed": forecast.seed,
        "scenario": forecast.scenario.name,
        "synthetic": forecast.synthetic,
        "all_remain": forecast.probability(forecast.n_communes(unit), year, unit),
        "plan": forecast.plan_probabilities(yearly_plan, unit),
        "model_notes": list(model.notes) if model is not None else [],
        "trend_choice": model.trend_choice if model is not None else None,
        "trend_scored_years": _scored_years(model),
        "capacity": _capacity(model),
        "baselines": baselines,
        "this_year": plan_this_year(forecast, table, unit),
        **found,
    }
    return UnitResults.from_json(jsonable(values), "unit_results")


def _scored_years(model: TransitionModel | None) -> int | None:
    """Held-out years that scored the trend (``model.trend_scores``), 0 when none did."""
    if model is None:
        return None
    scores = model.trend_scores
    return 0 if scores.empty else int(scores["year"].nunique())


def capacity_form_weight(model: TransitionModel) -> float:
    """The weight of the fit's chosen capacity form (``model.capacity_weight`` is the
    "level" form's): what the report and the JSON call the form's weight."""
    w = model.capacity_weight
    return 1.0 - w if model.capacity_form == "count" else w


def _capacity(model: TransitionModel | None) -> dict[str, Any] | None:
    """The capacity form's record (``Capacity``): the form, its weight and the other form's
    share of the draws (``form_share``: 1 without ``other_form``)."""
    if model is None:
        return None
    return {
        "form": model.capacity_form,
        "choice": model.capacity_choice,
        "weight": capacity_form_weight(model),
        "other_share": 1.0 - model.form_share,
    }


def reader_interval(
    interval80: Sequence[float], interval95: Sequence[float]
) -> tuple[int, float, float]:
    """``(level, lo, hi)``: the interval shown beside an expected count — the 80% one, or
    the 95% one when the 80% one is a single value. "1,1 xã (khoảng 80%: 1–1)" reads as a
    certainty the backtest does not support (it finds the 80% intervals too narrow)."""
    lo, hi = interval80
    if hi > lo:
        return 80, lo, hi
    lo95, hi95 = interval95
    return 95, lo95, hi95


def forecast_tables(forecast: Forecast) -> dict[str, pd.DataFrame]:
    """The forecast as tidy tables (province and every district in each), for Parquet/CSV.

    ``yearly``: unit × year quantiles; ``districts``: the district table at the last year;
    ``communes``: commune × year probability of meeting the standard; ``bottlenecks``:
    unit × criterion share missing among communes ending just short.
    """
    units: list[int | None] = [None, *forecast.districts["district_code"].tolist()]
    yearly, blocking = [], []
    for unit in units:
        code = 0 if unit is None else unit
        yearly.append(forecast.yearly(unit).assign(unit_code=code))
        blocking.append(forecast.bottlenecks(unit).assign(unit_code=code))
    tables = {
        "yearly": pd.concat(yearly, ignore_index=True),
        "districts": forecast.district_table(),
        "communes": forecast.commune_probabilities(),
        "bottlenecks": pd.concat(blocking, ignore_index=True),
    }
    # every table says whether it came from synthetic data, wherever it ends up
    return {name: t.assign(synthetic=forecast.synthetic) for name, t in tables.items()}


def write_forecast_tables(forecast: Forecast, folder: str | Path) -> list[Path]:
    """Write ``forecast_tables`` as Parquet files in ``folder`` (each atomically)."""
    folder = Path(folder)
    return [
        write_atomic(folder / f"{name}.parquet", lambda tmp, t=table: t.to_parquet(tmp))
        for name, table in forecast_tables(forecast).items()
    ]


def write_results(result: Mapping[str, Any], path: str | Path) -> Path:
    """Save results (a ``UnitResults`` or a dict holding its JSON form) as UTF-8 JSON,
    atomically: ``ntm forecast --out`` and the notebooks' sidecar."""
    if isinstance(result, UnitResults):
        result = result.to_dict()
    text = json.dumps(jsonable(dict(result)), ensure_ascii=False, indent=2)
    return write_text_atomic(path, text + "\n")
