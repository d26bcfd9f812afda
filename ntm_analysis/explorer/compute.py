"""Explore interactively: what the widget explorer computes, without any widget.

The explorer (``explorer.ui``) is a thin layer of controls over this module, so everything a
planner can move, tick or pick is a plain method call here, unit-tested without a browser:

* *Where we stand* (``standing``): the province, a district or a commune in one year — the
  headline figures with their change on the previous year, the commune × criteria heatmap
  and the trend.
* *One criterion* (``criterion_view``): one criterion's attainment by district over time.
* *What if* (``what_if``): a scenario beside the baseline. The transition model comes from
  the one analysis path's caches — the forecast a run of the same configuration stored
  (``Explorer.open`` with its cache folder), else the fit cache that ``ntm forecast``, the
  reports and the batch share (``analysis.cache.cached_fit``), else it is fitted once — and
  the baseline is simulated once per target year; a scenario only simulates again, with the
  baseline's seed, so the two share their random numbers (common random numbers, see
  ``forecast``) and their difference is the scenario's effect, not noise.

Every text comes from ``i18n``; every number is written with the reports' formatting.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ntm_analysis import i18n
from ntm_analysis.analysis.analyse import plan_table, read, registrations, stored_forecast
from ntm_analysis.analysis.cache import cached_fit
from ntm_analysis.core.communes import Registry
from ntm_analysis.core.config import DEFAULT_PRIORITY_ODDS, RunConfig, config_default
from ntm_analysis.core.criteria import CRITERIA_NUMBERS, N_CRITERIA
from ntm_analysis.core.panel import Panel
from ntm_analysis.core.resolve import resolve_unit
from ntm_analysis.core.targets import lookup
from ntm_analysis.io.reference import read_registry, read_targets
from ntm_analysis.model.forecast import Forecast, Scenario, simulate
from ntm_analysis.model.metrics import (
    criteria_met,
    criterion_attainment,
    missing_criteria,
    unit_summary,
)
from ntm_analysis.model.transitions import Registrations, TransitionModel
from ntm_analysis.report import plots
from ntm_analysis.report import sections as report
from ntm_analysis.report.base import fmt_mean, fmt_num, fmt_signed
from ntm_analysis.report.criteria import criterion_label

# as the reports (RunConfig); the 1 s update goal is measured at this size (benchmarks)
DEFAULT_DRAWS = config_default("draws")
DEFAULT_SEED = config_default("seed")
DEFAULT_LANG = config_default("lang")
DEFAULT_TREND = config_default("trend")
HORIZON = 9  # target years offered: the as-of year + 1 … + HORIZON
ODDS_MIN, ODDS_MAX, ODDS_STEP = 0.5, 3.0, 0.1  # the scenario sliders' range (1 = no change)
DEFAULT_BOOSTED = (10, 11)  # income and poverty: the usual first "what if" (README, --boost)

# a unit of "where we stand": the province (None), a district (int code), a commune (str code)
Unit = int | str | None


@dataclass(frozen=True)
class Headline:
    """A headline figure: its label, its value as written, and its change on the year
    before (``None`` where there is no earlier year)."""

    label: str
    value: str
    change: str | None = None


@dataclass(frozen=True)
class Standing:
    """*Where we stand* for one unit and year."""

    title: str
    figures: list[Headline]
    heatmap: Figure
    trend: Figure
    note: str = ""  # e.g. the criteria a commune still misses


@dataclass(frozen=True)
class WhatIf:
    """A scenario beside its baseline, both simulated with the same seed and draws."""

    baseline: Forecast
    scenario: Forecast
    target: float
    year: int
    unit: int | None = None  # None: the province

    def _counts(self, forecast: Forecast) -> np.ndarray:
        return forecast.unit_draws(self.unit)[:, forecast.years.index(self.year)]

    def probability(self, which: str = "scenario") -> tuple[float, float]:
        """P(count >= target in ``year``) and its Monte Carlo standard error."""
        hits = self._counts(getattr(self, which)) >= self.target
        p = float(hits.mean())
        return p, math.sqrt(p * (1 - p) / len(hits))

    def difference(self) -> tuple[float, float]:
        """Scenario minus baseline probability and its Monte Carlo standard error, from the
        paired draws (common random numbers make this far smaller than either's alone)."""
        paired = (self._counts(self.scenario) >= self.target).astype(float) - (
            self._counts(self.baseline) >= self.target
        )
        return float(paired.mean()), float(paired.std(ddof=1) / math.sqrt(len(paired)))

    def expected(self, which: str = "scenario") -> tuple[float, float, float]:
        """Expected count in ``year`` and its 80% interval."""
        counts = self._counts(getattr(self, which))
        lo, hi = np.quantile(counts, [0.1, 0.9], method="inverted_cdf")
        return float(counts.mean()), float(lo), float(hi)


class Explorer:
    """The explorer's data and computations for one panel (fit once, simulate on demand).

    ``trend``, ``registered``: the model's options, as for ``model.forecast.run_forecast``
    (the fit cache is keyed by them); ``model``: a model already fitted to ``panel`` with
    them (``open`` passes the stored forecast's). ``open`` builds one from a ``RunConfig``.
    """

    def __init__(
        self,
        panel: Panel,
        n_draws: int = DEFAULT_DRAWS,
        seed: int = DEFAULT_SEED,
        targets: pd.DataFrame | None = None,
        registry: Registry | None = None,
        *,
        trend: bool | str = DEFAULT_TREND,
        registered: Registrations | None = None,
        model: TransitionModel | None = None,
    ) -> None:
        self.panel = panel
        # the districts' names and codes, for finding one by what a user typed: the units file
        # the panel was checked against (``load_panel``'s default: the bundled one)
        self.registry = read_registry() if registry is None else registry
        self.n_draws = n_draws
        self.seed = seed
        self.targets = (
            read_targets(province_name=panel.province_name) if targets is None else targets
        )
        self.trend = trend
        self.registered = registered
        self._met = criteria_met(panel)
        self._wide = panel.wide()
        self._model = model
        self._baselines: dict[tuple[int, int], Forecast] = {}

    @classmethod
    def open(cls, config: RunConfig | None = None, cache_dir: str | Path | None = None) -> Explorer:
        """The explorer of a run configuration (default: every default), through the one
        analysis path: its data (geography options included), units file, as-of year and
        plan read as ``analysis.analyse.read`` reads them, its draws, seed and model options.
        With ``cache_dir`` (``ntm forecast --cache``'s folder, a batch's ``OUT/.cache``), the
        model of the forecast stored there for this configuration is used as it is; else the
        fit cache's (``cached_fit``); only else is it fitted (once, on the first what-if).
        Raises what ``read`` raises (``DataError``, ``MessageError``)."""
        config = RunConfig() if config is None else config
        run = read(config)
        stored = stored_forecast(run, cache_dir) if cache_dir is not None else None
        return cls(
            run.history,
            n_draws=config.draws,
            seed=config.seed,
            targets=plan_table(run),
            registry=run.registry,
            trend=config.trend,
            registered=registrations(config),
            model=None if stored is None else stored.model,
        )

    # -- choices ---------------------------------------------------------------------------
    @property
    def years(self) -> list[int]:
        return self.panel.years

    @property
    def target_years(self) -> list[int]:
        return list(range(self.panel.last_year + 1, self.panel.last_year + HORIZON + 1))

    def province_label(self, lang: str) -> str:
        name = self.panel.province_name
        return (
            i18n.t("report.unit.province", lang, name=name)
            if name
            else i18n.t("explore.province", lang)
        )

    def district_options(self, lang: str) -> list[tuple[str, int | None]]:
        """The province first, then every district by name (codes are never shown)."""
        districts = self.panel.communes.drop_duplicates("district_code")
        return [(self.province_label(lang), None)] + [
            (str(name), int(code))
            for code, name in zip(
                districts["district_code"], districts["district_name"], strict=True
            )
        ]

    def commune_options(self, district: int | None, lang: str) -> list[tuple[str, str | None]]:
        """ "All communes", then the district's communes by name (the province: none, there
        are too many to pick from one list; a district is picked first)."""
        head = [(i18n.t("explore.all_communes", lang), None)]
        if district is None:
            return head
        rows = self.panel.communes[self.panel.communes["district_code"] == district]
        rows = rows.sort_values("commune_name")
        return head + [
            (str(n), str(c))
            for n, c in zip(rows["commune_name"], rows["commune_code"], strict=True)
        ]

    def priority_options(self) -> list[tuple[str, str]]:
        """Every commune as "name — district", for the priority list (picked by name)."""
        rows = self.panel.communes.sort_values(["district_name", "commune_name"])
        return [
            (f"{n} — {d}", str(c))
            for n, d, c in zip(
                rows["commune_name"], rows["district_name"], rows["commune_code"], strict=True
            )
        ]

    @staticmethod
    def criterion_options(lang: str) -> list[tuple[str, int]]:
        return [(criterion_label(c, lang), c) for c in CRITERIA_NUMBERS]

    def plan_target(self, year: int) -> float | None:
        """The province plan's target count for ``year``, if the targets file has one."""
        found = lookup(self.targets, year, "n_ntm", None)
        return None if found is None else found[0]

    def find_district(self, name: str | int) -> int | None:
        """A district's code from its name (with or without diacritics or "Huyện"/"Thành
        phố") or its code; None for "" (the province). The rule every entry point uses
        (``core.resolve.resolve_unit``): an unknown name, or a district without communes in
        the data, raises its ``ParameterError`` with the registry's "did you mean"."""
        return resolve_unit(self.registry, name, "district", self.panel)

    def _district_name(self, code: int) -> str:
        rows = self.panel.communes[self.panel.communes["district_code"] == code]
        if rows.empty:
            raise KeyError(f"district {code!r} is not in the data")
        return str(rows["district_name"].iloc[0])

    def _commune(self, code: str) -> pd.Series:
        rows = self.panel.communes[self.panel.communes["commune_code"] == code]
        if rows.empty:
            raise KeyError(f"commune {code!r} is not in the data")
        return rows.iloc[0]

    def unit_name(self, unit: Unit, lang: str) -> str:
        if unit is None:
            return self.province_label(lang)
        if isinstance(unit, str):
            return str(self._commune(unit)["commune_name"])
        return self._district_name(unit)

    # -- where we stand --------------------------------------------------------------------
    def standing(self, unit: Unit, year: int, lang: str = DEFAULT_LANG) -> Standing:
        """Headline figures, heatmap and trend for the province, a district or a commune."""
        if year not in self.years:
            raise KeyError(f"year {year} is not in the data ({self.years})")
        title = i18n.t("explore.standing.title", lang, unit=self.unit_name(unit, lang), year=year)
        if isinstance(unit, str):
            return self._commune_standing(unit, year, lang, title)
        part = self.panel if unit is None else self.panel.subset(districts=[unit])
        table = unit_summary(part, by="province" if unit is None else "district")
        row = table[table["year"] == year].iloc[0]

        def change(column: str, decimals: int = 0) -> str | None:
            value = row[f"d_{column}"]
            return None if pd.isna(value) else fmt_signed(value, lang, decimals)

        figures = [
            Headline(
                i18n.t("col.n_ntm", lang),
                f"{fmt_num(row['n_ntm'], lang)}/{fmt_num(row['n_communes'], lang)}",
                change("n_ntm"),
            ),
            Headline(
                i18n.t("col.share_ntm", lang),
                i18n.fmt_share(row["share_ntm"], lang),
                None,
            ),
            Headline(
                i18n.t("col.mean_criteria", lang),
                fmt_mean(row["mean_criteria"], lang),
                change("mean_criteria", 1),
            ),
            Headline(
                i18n.t("col.n_below_5", lang), fmt_num(row["n_below_5"], lang), change("n_below_5")
            ),
            Headline(i18n.t("col.n_close", lang), fmt_num(row["n_close"], lang), change("n_close")),
        ]
        wide = self._wide.xs(year, level="year").reindex(part.communes["commune_code"])
        heatmap = plots.criteria_heatmap(
            wide,
            part.communes.set_index("commune_code")["commune_name"],
            lang=lang,
            synthetic=self.panel.synthetic,
            title=i18n.t("explore.heatmap.title", lang, unit=self.unit_name(unit, lang), year=year),
        )
        trend = plots.trend_chart(
            table.assign(unit=self.unit_name(unit, lang)),
            "n_ntm",
            lang=lang,
            synthetic=self.panel.synthetic,
        )
        return Standing(title, figures, heatmap, trend)

    def _commune_standing(self, code: str, year: int, lang: str, title: str) -> Standing:
        commune = self._commune(code)
        history = self._met[self._met["commune_code"] == code].sort_values("year")
        now = history[history["year"] == year].iloc[0]
        before = history[history["year"] == year - 1]
        n_met = int(now["n_met"])
        change = None if before.empty else fmt_signed(n_met - int(before["n_met"].iloc[0]), lang)
        status = i18n.t("explore.commune.ntm" if now["ntm"] else "explore.commune.not_ntm", lang)
        figures = [
            Headline(i18n.t("col.n_met", lang), f"{n_met}/{N_CRITERIA}", change),
            Headline(i18n.t("explore.commune.status", lang), status),
        ]
        missing = missing_criteria(self.panel.subset(communes=[code]), year)["missing"].iloc[0]
        note = (
            i18n.t(
                "explore.commune.missing",
                lang,
                criteria="; ".join(criterion_label(c, lang) for c in missing),
            )
            if missing
            else ""
        )
        wide = self._wide.xs(code, level="commune_code")
        wide.index = wide.index.astype(str)
        heatmap = plots.criteria_heatmap(
            wide,
            None,
            lang=lang,
            synthetic=self.panel.synthetic,
            title=i18n.t("explore.heatmap.commune_title", lang, unit=commune["commune_name"]),
        )
        trend = plots.trend_chart(
            history.assign(unit=str(commune["commune_name"])),
            "n_met",
            lang=lang,
            synthetic=self.panel.synthetic,
        )
        return Standing(title, figures, heatmap, trend, note)

    # -- one criterion ---------------------------------------------------------------------
    def criterion_view(self, criterion: int, lang: str = DEFAULT_LANG) -> Figure:
        """One criterion's attainment (share of communes meeting it) by district and year."""
        return report.criterion_trend(self.panel, criterion, "", lang)

    def criterion_table(self, criterion: int, lang: str = DEFAULT_LANG) -> pd.DataFrame:
        """The same as a table: one row per district, one column per year, shares written as
        in the reports, headers in ``lang``."""
        if criterion not in CRITERIA_NUMBERS:
            raise ValueError(f"criterion must be 1–{N_CRITERIA}, got {criterion!r}")
        shares = criterion_attainment(self.panel, "district")
        shares = shares[shares["criterion"] == criterion]
        table = shares.pivot(index="district_name", columns="year", values="share_met")
        table = table.map(lambda s: i18n.fmt_share(s, lang))
        table.index.name = i18n.t("col.district", lang)
        table.columns = [str(y) for y in table.columns]
        return table.reset_index()

    # -- what if ---------------------------------------------------------------------------
    @property
    def model(self) -> TransitionModel:
        """The transition model of the whole panel: the one given (``open``: a stored
        forecast's), else read from the fit cache when the same data, options and code were
        fitted before (by ``ntm forecast``, a report, a batch or another explorer), else
        fitted once and stored there."""
        if self._model is None:
            self._model = cached_fit(self.panel, trend=self.trend, registered=self.registered)
        return self._model

    def _simulate(self, year: int, scenario: Scenario | None = None) -> Forecast:
        return simulate(
            self.panel,
            self.model,
            year,
            self.n_draws,
            self.seed,
            scenario,
            registered=self.registered,
        )

    def baseline(self, year: int) -> Forecast:
        """The baseline forecast to ``year``: simulated once, then reused."""
        key = (year, self.n_draws)
        if key not in self._baselines:
            self._baselines[key] = self._simulate(year)
        return self._baselines[key]

    def scenario(
        self,
        criterion_odds: Mapping[int, float] | None = None,
        priority: Sequence[str] = (),
        priority_odds: float = DEFAULT_PRIORITY_ODDS,
    ) -> Scenario:
        """The scenario of the sliders: odds of exactly 1 are no change and left out."""
        odds = {int(c): float(v) for c, v in (criterion_odds or {}).items() if v != 1.0}
        return Scenario(
            name="explorer",
            criterion_odds=odds,
            priority_communes=tuple(priority),
            priority_odds=float(priority_odds),
        )

    def what_if(
        self,
        criterion_odds: Mapping[int, float] | None = None,
        priority: Sequence[str] = (),
        priority_odds: float = DEFAULT_PRIORITY_ODDS,
        target: float = 0,
        year: int | None = None,
    ) -> WhatIf:
        """The scenario's forecast beside the baseline's, same seed and draws (CRN)."""
        year = self.target_years[0] if year is None else year
        scenario = self.scenario(criterion_odds, priority, priority_odds)
        base = self.baseline(year)
        changed = base if scenario.is_baseline else self._simulate(year, scenario)
        return WhatIf(base, changed, float(target), year)

    def fan(self, forecast: Forecast, target: float, lang: str, title_key: str) -> Figure:
        """The fan chart of a forecast (the province), with the observed history."""
        history = unit_summary(self.panel)[["year", "n_ntm"]].rename(columns={"n_ntm": "value"})
        return plots.fan_chart(
            history,
            forecast.quantiles(),
            (forecast.years[-1], target),
            lang=lang,
            synthetic=self.panel.synthetic,
            title=i18n.t(title_key, lang),
        )
