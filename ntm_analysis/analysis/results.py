"""The answer for one unit, as plain JSON-safe data: what the CLI prints and notebooks save.

One function assembles the headline figures (probability of reaching the target, expected
count and intervals, status, required against observed pace, baselines) so the terminal,
the notebooks and the batch index all say the same thing in the same words.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ntm_analysis import i18n
from ntm_analysis.core.atomic import write_atomic, write_text_atomic
from ntm_analysis.core.panel import Panel
from ntm_analysis.core.targets import plan_targets
from ntm_analysis.model.baselines import baseline_forecasts, pace, probability_at_least
from ntm_analysis.model.forecast import Forecast, simulate
from ntm_analysis.model.metrics import unit_summary

# Headline status from the main model's probability of reaching the target. The bands are a
# communication choice, stated in the report: likely (>= 75%) is on track, unlikely (< 25%)
# is off track, anything between needs acceleration.
ON_TRACK, OFF_TRACK = 0.75, 0.25
# Monte Carlo 80% interval of a probability: p ± Z80 × its standard error. When it contains a
# verdict threshold, another seed could print the other verdict: the result says "close to
# the threshold" rather than a confident status.
Z80 = 1.2816
# a trend component with fewer draws than this in the forecast gets its own simulation for
# the "with / without the trend" figures, so neither is a handful of draws
MIN_COMPONENT_DRAWS = 500


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


def displayed_status(result: Mapping[str, Any]) -> str | None:
    """The status every badge shows for ``result`` (report, index, brief, slides): its
    ``status``, except ``"close_to_threshold"`` when the Monte Carlo 80% interval of the
    probability holds a verdict threshold — another seed could print the other colour, so
    no confident one is shown. None without a target."""
    status = result.get("status")
    if status is not None and result.get("close_to_threshold") is not None:
        return CLOSE_TO_THRESHOLD
    return status


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
    them; otherwise that fit is simulated on its own (same seed, ``MIN_COMPONENT_DRAWS``
    draws), so both figures carry at most ~2 percentage points of Monte Carlo error.
    """
    split = forecast.probability_by_trend(target, year, unit)
    model = forecast.model
    if model is None or model.no_trend is None:
        return split
    components = {
        "with_trend": (replace(model, no_trend=None, trend_weight=1.0), "n_with_trend"),
        "without_trend": (model.no_trend, "n_without_trend"),
    }
    for key, (component, count) in components.items():
        if split[count] < MIN_COMPONENT_DRAWS:
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


def history(panel: Panel, unit: int | None = None) -> pd.DataFrame:
    """Observed yearly summary (n_ntm, mean_criteria, …) of the province or one district."""
    if unit is None:
        return unit_summary(panel, "province")
    table = unit_summary(panel, "district")
    return table[table["unit_code"] == unit].reset_index(drop=True)


def unit_results(
    panel: Panel,
    forecast: Forecast,
    unit: int | None = None,
    target: float | None = None,
    year: int | None = None,
    target_official: bool = False,
    lang: str = "vi",
    mean_target: float | None = None,
    plan: pd.DataFrame | None = None,
    baselines: bool = True,
) -> dict[str, Any]:
    """Everything the reports say about one unit, JSON-safe.

    Every probability carries its Monte Carlo standard error (``probability_se``); when its
    80% Monte Carlo interval holds a verdict threshold, ``close_to_threshold`` names it and
    the headline says so. ``trend_dependence`` gives P(target) with and without the time
    trend, and ``plan`` P(meeting each forecast year's plan) from ``plan`` (a targets table;
    default: the bundled plan of this province). ``model_notes`` lists gaps skipped and thin
    panels.

    ``target`` is the count of communes meeting the standard to reach by ``year`` (default:
    the forecast's last year). Without a target (a district with no supplied target) the
    result has the expected count and its distribution but no probability or status.
    ``mean_target`` (e.g. the plan's 13.8 criteria per commune) adds its probability and
    the criteria-per-commune pace it needs (``mean_criteria``).
    ``baselines=False`` leaves the simple baselines out (``result["baselines"]`` is None):
    the terminal's headline does not show them, and they cost a statsmodels import.
    """
    year = forecast.years[-1] if year is None else year
    # only what was known at the as-of year: baselines and pace must not see later data
    panel = panel.subset(years=[y for y in panel.years if y <= forecast.as_of])
    quantiles = forecast.quantiles(unit, "ntm")
    at_year = quantiles[quantiles["year"] == year].iloc[0]
    past = history(panel, unit).set_index("year")
    name = (
        forecast.province_name
        if unit is None
        else forecast.districts.set_index("district_code").loc[unit, "district_name"]
    )
    result: dict[str, Any] = {
        "unit": name,
        "unit_code": unit,
        "level": "province" if unit is None else "district",
        "as_of": forecast.as_of,
        "year": year,
        "target": target,
        "target_official": target_official,
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
        "probability": None,
        "probability_se": None,
        "close_to_threshold": None,
        "trend_dependence": None,
        "status": None,
        # share of draws in which every commune meets the standard in ``year``
        "all_remain": forecast.probability(forecast.n_communes(unit), year, unit),
    }
    yearly_plan = plan_by_year(plan, unit, forecast.province_name)
    result["plan"] = forecast.plan_probabilities(yearly_plan, unit)
    model = forecast.model
    result["model_notes"] = list(model.notes) if model is not None else []
    result["trend_choice"] = model.trend_choice if model is not None else None
    with_baselines = baselines
    baselines = (
        baseline_forecasts(
            past["n_ntm"], forecast.years, upper=forecast.n_communes(unit), plan=yearly_plan
        )
        if with_baselines
        else None
    )
    if target is not None:
        probability = forecast.probability(target, year, unit)
        se = forecast.probability_se(probability)
        result["probability"] = probability
        result["probability_se"] = se
        result["close_to_threshold"] = threshold_straddled(probability, se)
        result["trend_dependence"] = trend_dependence(panel, forecast, target, year, unit)
        result["status"] = status_from_probability(probability)
        result["first_reached"] = forecast.first_reached(target, unit)
        result["pace"] = pace(past["n_ntm"], target, year).as_dict()
        if baselines is not None:
            baselines["probability"] = [
                probability_at_least(row, target) if row["year"] == year else np.nan
                for _, row in baselines.iterrows()
            ]
    result["baselines"] = baselines
    if mean_target is not None:
        p_mean = forecast.probability_mean_criteria(mean_target, year, unit)
        result["mean_criteria"] = {
            "target": mean_target,
            "expected": forecast.quantiles(unit, "mean_criteria")
            .set_index("year")
            .loc[year, "mean"],
            "probability": p_mean,
            "probability_se": forecast.probability_se(p_mean),
            "pace": pace(past["mean_criteria"], mean_target, year).as_dict(),
        }
    result["headline"] = headline(result, lang)
    return jsonable(result)


def reader_interval(result: dict[str, Any]) -> tuple[int, float, float]:
    """``(level, lo, hi)``: the interval shown beside an expected count — the 80% one, or
    the 95% one when the 80% one is a single value. "1,1 xã (khoảng 80%: 1–1)" reads as a
    certainty the backtest does not support (it finds the 80% intervals too narrow)."""
    lo, hi = result["interval80"]
    if hi > lo:
        return 80, lo, hi
    lo95, hi95 = result["interval95"]
    return 95, lo95, hi95


def headline(result: dict[str, Any], lang: str = "vi") -> str:
    """One or two plain sentences for the top of a report, from a ``unit_results`` dict.

    "Every commune already meets the standard" is its own case: the model lets a commune
    fall back at re-assessment, so the expected count can be a little below the total.
    The expected count is the mean, with one decimal, as everywhere beside an interval.
    """
    level, lo, hi = reader_interval(result)
    expected = i18n.fmt_number(result["expected"], lang, decimals=1)
    n = result["n_communes"]
    if result["now"]["n_ntm"] == n:
        below = result["expected"] < n - 0.05
        return i18n.t(
            "headline.all_met_below" if below else "headline.all_met",
            lang,
            keep=i18n.fmt_percent(result["all_remain"], lang),
            n=n,
            year=result["year"],
            as_of=result["as_of"],
            expected=expected,
            level=level,
            lo=i18n.fmt_number(lo, lang, 0),
            hi=i18n.fmt_number(hi, lang, 0),
        )
    if result["target"] is None:
        return i18n.t(
            "headline.expected_only",
            lang,
            year=result["year"],
            expected=expected,
            level=level,
            lo=i18n.fmt_number(lo, lang, 0),
            hi=i18n.fmt_number(hi, lang, 0),
        )
    target = i18n.fmt_number(result["target"], lang, decimals=0)
    if result["now"]["n_ntm"] >= result["target"]:
        return i18n.t(
            "headline.already_met",
            lang,
            target=target,
            year=result["as_of"],
            n_ntm=result["now"]["n_ntm"],
        )
    p = result["probability"]
    sentences = [
        i18n.t(
            "headline.probability",
            lang,
            target=target,
            year=result["year"],
            prob=i18n.fmt_percent(p, lang),
            words=i18n.probability_words(p, lang),
            expected=expected,
            level=level,
            lo=i18n.fmt_number(lo, lang, 0),
            hi=i18n.fmt_number(hi, lang, 0),
        )
    ]
    return " ".join(sentences + _headline_caveats(result, lang))


def _headline_caveats(result: dict[str, Any], lang: str) -> list[str]:
    """What must be read beside the probability: a verdict threshold within the Monte
    Carlo error, how much the answer depends on the trend, thin or gappy data."""
    out = []
    if result.get("close_to_threshold") is not None:
        out.append(
            i18n.t(
                "headline.close_to_threshold",
                lang,
                threshold=i18n.fmt_percent(result["close_to_threshold"], lang),
                se=i18n.fmt_number(100 * (result.get("probability_se") or 0.0), lang, 1),
            )
        )
    dep = result.get("trend_dependence") or {}
    if dep.get("with_trend") is not None and dep.get("without_trend") is not None:
        out.append(
            i18n.t(
                "headline.trend_dependence",
                lang,
                with_trend=i18n.fmt_percent(dep["with_trend"], lang),
                without_trend=i18n.fmt_percent(dep["without_trend"], lang),
                weight=i18n.fmt_percent(dep["trend_weight"], lang),
            )
        )
    for row in jsonable(result.get("plan")) or []:
        if row["year"] != result["year"]:
            out.append(
                i18n.t(
                    "headline.plan",
                    lang,
                    year=row["year"],
                    plan=i18n.fmt_number(row["plan"], lang, 0),
                    prob=i18n.fmt_percent(row["probability"], lang),
                )
            )
    for note in result.get("model_notes") or []:
        kind, _, value = note.partition(":")
        if kind == "thin":
            out.append(i18n.t("headline.thin_panel", lang, n=value))
        elif kind == "gap":
            out.append(i18n.t("headline.gap_years", lang, years=value.replace("-", "–")))
        elif kind == "registered":
            out.append(i18n.t("headline.registered_scenario", lang))
    return out


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


def write_results(result: dict[str, Any], path: str | Path) -> Path:
    """Save a results dict as UTF-8 JSON, atomically (the notebooks' sidecar)."""
    text = json.dumps(jsonable(result), ensure_ascii=False, indent=2)
    return write_text_atomic(path, text + "\n")
