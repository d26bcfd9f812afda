"""Report sections: what the notebooks show, one library call per section.

A notebook cell calls ``prepare(...)`` once (load the panel, load or compute the forecast and
the backtest, resolve the unit and its targets, assemble ``results.unit_results``), then one
section function per cell. Each section returns a ``Section``: a heading and a few parts (an
HTML paragraph, a styled table, a matplotlib figure from ``plots``) that Jupyter displays in
order, and that tests can inspect. Every word shown comes from ``i18n``; generated demo data
is labelled in the headline banner, in the data-and-method note and on every chart.

Conventions every section keeps:

- one statistic: wherever a single forecast number stands next to its 80% interval it is the
  **mean** of the simulated counts, called "trung bình"/"expected";
- unit names in the reader's language ("Huyện Tràng Định" / "Tràng Định district");
- two progress checks, never under the same words: the headline status comes from the
  model's probability of reaching the target, the "straight-line check" (pace) only extends
  the recent yearly pace; the methods section explains when they disagree.

Modules: the building blocks (``Section``, ``Report``, formatting) are in ``report.base``;
the methods, backtest and data-and-method sections in ``report.methods`` (shown here as
``report.methods``, ``report.backtest``, ``report.note``); the headline's words in
``report.headline``. The forecast and backtest come from the one analysis path
(``analysis.analyse``), the cache inside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ntm_analysis import __version__, i18n
from ntm_analysis.analysis.analyse import analyse, mean_target, plan_table, read, results_for
from ntm_analysis.analysis.crossing import former_district_table
from ntm_analysis.analysis.plan_year import plan_level
from ntm_analysis.analysis.priority import max_half_width, priority_table
from ntm_analysis.analysis.results import PlanFigure, displayed_status, write_results
from ntm_analysis.core.config import RunConfig
from ntm_analysis.core.criteria import CRITERIA_NUMBERS, N_CRITERIA
from ntm_analysis.core.panel import Panel, has_districts
from ntm_analysis.core.resolve import resolve_target
from ntm_analysis.io.reference import plan_targets, read_registry
from ntm_analysis.model.baselines import pace as observed_pace
from ntm_analysis.model.forecast import JUST_SHORT
from ntm_analysis.model.metrics import CLOSE_HIGH, CLOSE_LOW, missing_criteria
from ntm_analysis.model.metrics import bottlenecks as current_bottlenecks
from ntm_analysis.report import plots
from ntm_analysis.report.base import (
    FIGURE_DPI,
    Report,
    Section,
    fmt_interval,
    fmt_mean,
    fmt_num,
    fmt_rate,
    fmt_signed,
    is_missing,
    level_summary,
    paragraph,
    percents_to_100,
    status_line,
    statuses_disagree,
    styled_table,
    target_sentence,
    unit_history,
)
from ntm_analysis.report.criteria import criterion_label
from ntm_analysis.report.geography import geography_json, geography_sentence
from ntm_analysis.report.headline import headline as headline_words
from ntm_analysis.report.headline import unit_json
from ntm_analysis.report.labels import synthetic_banner, unit_kind_word, unit_label
from ntm_analysis.report.methods import backtest, methods, note
from ntm_analysis.report.priority import reason_legend, reason_text, short_criteria

__all__ = [
    "Report",
    "Section",
    "backtest",
    "bottlenecks",
    "closest",
    "criterion_trend",
    "district_chart",
    "district_column",
    "districts",
    "forecast",
    "former_districts",
    "headline",
    "inline_figures",
    "methods",
    "note",
    "now",
    "pace",
    "plan",
    "prepare",
    "priority",
    "save_results",
    "synthetic_banner",
    "trend",
    "unit_label",
]

N_CLOSEST = 10
N_BOTTLENECKS = 8
MAX_MISSING_SHOWN = 6
# bottlenecks of the forecast are shown only if on average at least this many communes per
# simulation end the target year just short (17–18): below that the shares describe a rare
# event (a commune falling back, say) rather than the criteria holding communes back
MIN_JUST_SHORT = 0.25


def inline_figures() -> None:
    """In IPython, show a bare ``Figure`` (which never went through pyplot, e.g. from
    ``criterion_trend``) as a PNG. An explicit call for a planner's own notebook: importing
    this module changes nothing in the shell (sections display their own figures)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    formatter = shell.display_formatter.formatters["image/png"]
    formatter.for_type(Figure, lambda fig: plots.fig_to_png_bytes(fig, dpi=FIGURE_DPI))


def prepare(config: RunConfig | None = None, /, **parameters: Any) -> Report:
    """Load the data, the forecast (from ``forecast_cache`` or computed) and the unit's results.

    Takes a ``RunConfig`` or its notebook parameters as keywords (``district``, ``data_path``,
    ``units_path``, ``as_of``, ``target_year``, ``province_target``, ``district_target``,
    ``draws``, ``seed``, ``lang``, ``scenario``, ``forecast_cache``, ``backtest_draws``; every
    default from ``RunConfig``), and goes through the one analysis path (``analyse``).

    ``district``: name or GSO code, "" for the whole province. Targets: ``province_target`` /
    ``district_target`` None means the targets file's value for ``target_year`` (official if
    the file marks it so; none if the file has none); a number is the user's own target,
    never labelled official. The province target is never split among districts.
    ``vintage``/``merge_rule``/``assessed_path``: how a file in real GSO codes crossing a
    boundary change is harmonised (``load_panel``); the headline says which rule was used.
    """
    config = config if config is not None else RunConfig(**parameters)
    lang = i18n.check_lang(config.lang)
    run = analyse(read(config))
    plan = plan_table(run)
    results = results_for(run, plan)
    mean = mean_target(run, plan)
    registry, unit = run.registry, run.unit
    name = unit_label(registry, unit, lang)
    shown = (
        "district",
        "data_path",
        "units_path",
        "as_of",
        "target_year",
        "province_target",
        "district_target",
        "draws",
        "seed",
        "lang",
        "scenario",
        "backtest_draws",
        "vintage",
        "merge_rule",
        "assessed_path",
    )
    return Report(
        panel=run.history,
        forecast=run.analysis.forecast,
        backtest=run.analysis.backtest,
        backtest_note=run.analysis.backtest_note,
        registry=registry,
        unit=unit,
        unit_name=name,
        unit_kind=unit_kind_word(registry, unit, lang),
        mean_target=mean.value,
        mean_target_source=mean.source,
        lang=lang,
        results=results,
        parameters={key: getattr(run.config, key) for key in shown},
        data_sha256=run.data_sha256,
        model=run.analysis.forecast.model,
        headline=headline_words(results, lang),
        summaries=run.analysis.summaries,
    )


def save_results(rep: Report, path: str | Path | None) -> Path | None:
    """Write the unit's JSON sidecar (``""``/None: nothing is written): the unit's results
    serialised exactly as ``ntm forecast --json`` prints them (``headline.unit_json``), plus
    the run's provenance, the unit's label in the report's language (``unit_name``) and,
    for the province, the district table."""
    if not path:
        return None
    result = unit_json(rep.results, rep.lang)
    result["unit_name"] = rep.unit_name
    result["parameters"] = rep.parameters
    result["data_sha256"] = rep.data_sha256
    result["package_version"] = __version__
    if rep.panel.geography is not None:  # [geo] the registry list and the merge rule used
        result["geography"] = geography_json(rep.panel.geography)
    if rep.unit is None and not has_districts(rep.panel):  # [geo] no districts: none made up
        result["former_district_table"] = former_district_table(rep.forecast, rep.panel, rep.year)
    elif rep.unit is None:
        result["district_table"] = _district_frame(rep)
    return write_results(result, path)


# --------------------------------------------------------------------------- headline


def headline_text(rep: Report) -> str:
    """The headline sentences (``report.headline``, the same words as the CLI's)."""
    return rep.headline


def headline(rep: Report) -> Section:
    """Title, synthetic-data banner, status (colour and words), the headline sentences."""
    res = rep.results
    parts: list[Any] = []
    if rep.synthetic:
        parts.append(synthetic_banner(rep.lang))
    if rep.panel.geography is not None:  # [geo] registry list and merge rule (harmonise.py)
        parts.append(paragraph(geography_sentence(rep.panel.geography, rep.lang)))
    parts.append(
        status_line(
            rep.t("report.status.label"), displayed_status(res), rep.lang, "font-size:1.15em"
        )
    )
    parts.append(paragraph(rep.headline, "font-size:1.3em;font-weight:bold;line-height:1.4"))
    now_ = res.now
    parts.append(
        paragraph(
            rep.t(
                "headline.current",
                year=rep.as_of,
                n_ntm=now_.n_ntm,
                n_communes=res.n_communes,
                share=i18n.fmt_share(now_.n_ntm / max(res.n_communes, 1), rep.lang),
            )
        )
    )
    if res.mean_criteria:
        parts.append(paragraph(_mean_target_headline(rep)))
    parts.append(paragraph(target_sentence(rep)))
    return Section(rep.t("report.title", unit=rep.unit_name, year=rep.year), parts, level=1)


def _mean_target_headline(rep: Report) -> str:
    mc = rep.results.mean_criteria
    return rep.t(
        "headline.mean_criteria",
        target=fmt_num(mc.target, rep.lang, 1),
        year=rep.year,
        prob=i18n.fmt_percent(mc.probability, rep.lang),
        words=i18n.probability_words(mc.probability, rep.lang),
        expected=fmt_num(mc.expected, rep.lang, 1),
        as_of=rep.as_of,
        now=fmt_num(rep.results.now.mean_criteria, rep.lang, 1),
    )


# --------------------------------------------------------------------------- this year's plan


def _gap_cell(row: PlanFigure, lang: str, decimals: int) -> str:
    """ "thiếu 5,9" / "vượt 0,4" (for "below 5": "nhiều hơn 3" / "ít hơn 2")."""
    if row.gap is None:
        return i18n.t("plan.cell.none", lang)
    gap = fmt_num(abs(row.gap), lang, decimals)
    if row.direction == "at_most":
        key = "plan.cell.more_below" if row.gap > 0 else "plan.cell.fewer_below"
    else:
        key = "plan.cell.short" if row.gap > 0 else "plan.cell.over"
    return i18n.t(key, lang, gap=gap)


def plan_sentence(rep: Report) -> str:
    """One sentence: the first forecast year's commune figure against the plan (province) or
    the district's expected count (its contribution); used by the report, brief and slides."""
    ty = rep.results.this_year
    row = ty.figures.n_ntm
    lang = rep.lang
    expected, lo, hi = (
        fmt_mean(row.expected, lang),
        fmt_num(row.lo95, lang),
        fmt_num(row.hi95, lang),
    )
    if row.target is None:  # a district, or a province whose plan has no such year
        return rep.t(
            "plan.sentence.district" if rep.unit is not None else "plan.sentence.province_no_plan",
            year=ty.year,
            expected=expected,
            lo=lo,
            hi=hi,
            now=fmt_num(row.now, lang),
        )
    gap = row.gap
    gap_words = rep.t(
        "plan.gap.short" if gap > 0 else "plan.gap.over", gap=fmt_num(abs(gap), lang, 1)
    )
    return rep.t(
        "plan.sentence",
        year=ty.year,
        target=fmt_num(row.target, lang),
        prob=i18n.fmt_percent(row.probability, lang),
        words=i18n.probability_words(row.probability, lang),
        expected=expected,
        lo=lo,
        hi=hi,
        gap_words=gap_words,
    )


def plan(rep: Report) -> Section:
    """This year's plan (the first forecast year) against the forecast: per figure the
    observed value, the plan, the expected value with its 95% range, the probability of
    reaching the plan and the gap. A district without a plan of its own shows its forecast
    as its expected contribution to the province's plan, never "–"."""
    lang = rep.lang
    ty = rep.results.this_year
    year = ty.year
    figures = ty.figures
    decimals = {"n_ntm": 0, "mean_criteria": 1, "n_below_5": 0}
    table = pd.DataFrame(
        {
            rep.t("plan.col.figure"): [i18n.t(f"col.{f}", lang) for f, _ in figures.items()],
            rep.t("plan.col.now", year=ty.as_of): [
                fmt_num(r.now, lang, decimals[f]) for f, r in figures.items()
            ],
            rep.t("plan.col.target", year=year): [
                fmt_num(r.target, lang, decimals[f])
                if r.target is not None
                else rep.t("plan.cell.none")
                for f, r in figures.items()
            ],
            rep.t("plan.col.expected", year=year): [
                fmt_num(r.expected, lang, 1) for _, r in figures.items()
            ],
            rep.t("plan.col.range95"): [
                f"{fmt_num(r.lo95, lang, decimals[f])}–{fmt_num(r.hi95, lang, decimals[f])}"
                for f, r in figures.items()
            ],
        }
    )
    parts: list[Any] = []
    if ty.has_plan:
        table[rep.t("plan.col.probability")] = [
            i18n.fmt_percent(r.probability, lang)
            if r.probability is not None
            else rep.t("plan.cell.none")
            for _, r in figures.items()
        ]
        table[rep.t("plan.col.gap")] = [
            _gap_cell(r, lang, 0 if f == "n_ntm" else decimals[f]) for f, r in figures.items()
        ]
        parts.append(paragraph(rep.t("plan.intro", year=year), "color:#555"))
    elif rep.unit is not None:
        province = rep.forecast.observed_now(None)
        targets = plan_targets(rep.registry.province_name)
        planned, _ = plan_level(targets, year, "n_ntm", None, province["n_ntm"])
        if planned is not None:
            parts.append(
                paragraph(rep.t("plan.district", year=year, target=fmt_num(planned, lang)))
            )
        else:
            parts.append(paragraph(rep.t("plan.none", year=year)))
    else:
        parts.append(paragraph(rep.t("plan.none", year=year)))
    parts.insert(0, paragraph(plan_sentence(rep), "font-size:1.15em;font-weight:bold"))
    parts.append(styled_table(table, left=[rep.t("plan.col.figure")]))
    return Section(rep.t("plan.section", year=year), parts)


# --------------------------------------------------------------------------- priority list


N_PRIORITY = {"province": 15, "district": 10}
NAMED_MISSING = 2  # up to this many missing criteria are named in the priority table


def priority_frame(rep: Report) -> pd.DataFrame:
    """The unit's full priority list (``priority.priority_table``) at the report's year."""
    return priority_table(rep.panel, rep.forecast, rep.unit, rep.year)


def priority_display(
    rep: Report, table: pd.DataFrame, n: int | None = None, short: bool = False
) -> pd.DataFrame:
    """The priority list in the reader's words (the first ``n`` rows; all when None);
    ``short``: reasons in a few words each (see ``report.priority.reason_legend``)."""
    lang = rep.lang
    table = table if n is None else table.head(n)
    next_year = rep.forecast.years[0]
    commune = i18n.t("col.commune", lang)
    shown = pd.DataFrame(
        {
            rep.t("priority.col.rank"): table["rank"].to_numpy(),
            commune: table["commune_name"].to_numpy(),
        }
    )
    if rep.unit is None:
        header, values = district_column(rep, table)
        shown[header] = values
    shown[rep.t("priority.col.n_met", year=rep.as_of)] = table["n_met"].to_numpy()
    shown[rep.t("report.col.missing")] = [
        criteria_list(m, lang) if len(m) <= NAMED_MISSING else short_criteria(m, lang)
        for m in table["missing"]
    ]
    shown[rep.t("priority.col.p_year", year=next_year)] = [
        i18n.fmt_percent(p, lang) for p in table["p_next"]
    ]
    if rep.year != next_year:
        shown[rep.t("priority.col.p_year", year=rep.year)] = [
            i18n.fmt_percent(p, lang) for p in table["p_target"]
        ]
    shown[rep.t("priority.col.why")] = [reason_text(r, lang, short) for r in table["reasons"]]
    return shown


def priority(rep: Report, n: int | None = None) -> Section:
    """The communes most likely to meet the standard next year and by the target year, what
    each lacks, its chances and why it ranks where it does (see ``priority``)."""
    title = rep.t("priority.section")
    full = priority_frame(rep)
    if full.empty:
        return Section(title, [paragraph(rep.t("priority.none", as_of=rep.as_of))])
    n = N_PRIORITY["province" if rep.unit is None else "district"] if n is None else n
    # short reasons, explained once below the table: the full sentences took two printed
    # pages per district; they stay in the Excel workbook of the hearing pack
    shown = priority_display(rep, full, n, short=True)
    why = rep.t("priority.col.why")
    commune, district = i18n.t("col.commune", rep.lang), i18n.t("col.district", rep.lang)
    left = [commune, district, rep.t("report.col.missing"), why]
    legend = reason_legend(full.head(n)["reasons"], rep.lang, why, rep.forecast.years[0], rep.year)
    return Section(
        title,
        [
            paragraph(
                rep.t(
                    "priority.sentence",
                    next=rep.forecast.years[0],
                    year=rep.year,
                    n=len(shown),
                    total=len(full),
                    as_of=rep.as_of,
                )
            ),
            styled_table(shown, left=left, nowrap=[commune, district])
            # criteria codes and reasons read on two lines, not one word per line
            .set_properties(subset=[rep.t("report.col.missing")], **{"min-width": "14em"})
            .set_properties(subset=[why], **{"min-width": "10em"}),
            *([paragraph(legend, "color:#555")] if legend else []),
            paragraph(
                rep.t(
                    "priority.note",
                    draws=fmt_num(rep.forecast.n_draws, rep.lang),
                    points=fmt_num(max_half_width(full.head(n)), rep.lang, 1),
                ),
                "color:#555",
            ),
        ],
    )


# --------------------------------------------------------------------------- now and trend


def now(rep: Report) -> Section:
    """Where the unit stands in the as-of year: key figures and the commune × criterion grid."""
    lang = rep.lang
    past = unit_history(rep).set_index("year")
    row = past.loc[rep.as_of]
    previous = rep.as_of - 1 if rep.as_of - 1 in past.index else None
    measures = ["n_communes", "n_ntm", "share_ntm", "mean_criteria", "n_close", "n_below_5"]
    table = pd.DataFrame(
        {rep.t("report.col.measure"): [i18n.t(f"col.{m}", lang) for m in measures]}
    )
    fmt = {
        "share_ntm": lambda v: i18n.fmt_share(v, lang),
        "mean_criteria": lambda v: fmt_num(v, lang, 1),
    }
    value_col = rep.t("report.col.in_year", year=rep.as_of)
    table[value_col] = [fmt.get(m, lambda v: fmt_num(v, lang))(row[m]) for m in measures]
    if previous is not None:
        change_col = rep.t("report.col.change_since", year=previous)
        before = past.loc[previous]
        changes = []
        for m in measures:
            delta = row[m] - before[m]
            if m == "share_ntm":
                changes.append(rep.t("report.points", value=fmt_signed(100 * delta, lang, 1)))
            else:
                changes.append(fmt_signed(delta, lang, 1 if m == "mean_criteria" else 0))
        table[change_col] = changes
    sentence = rep.t(
        "report.now.sentence",
        year=rep.as_of,
        n_ntm=int(row["n_ntm"]),
        n_communes=int(row["n_communes"]),
        share=i18n.fmt_share(row["share_ntm"], lang),
        mean=fmt_num(row["mean_criteria"], lang, 1),
        n_close=int(row["n_close"]),
        n_below=int(row["n_below_5"]),
    )
    unit_panel = rep.unit_panel
    wide = unit_panel.wide().xs(rep.as_of, level="year")
    labels = unit_panel.communes.set_index("commune_code")["commune_name"]
    grid = plots.criteria_heatmap(
        wide,
        labels,
        lang=lang,
        synthetic=rep.synthetic,
        title=rep.t("report.heatmap.title", unit=rep.unit_name, year=rep.as_of),
    )
    return Section(
        rep.t("report.section.now", year=rep.as_of),
        [
            paragraph(sentence),
            styled_table(table, left=[rep.t("report.col.measure")]),
            paragraph(rep.t("report.now.heatmap_note")),
            grid,
        ],
    )


def trend(rep: Report) -> Section:
    """The unit's yearly figures since the first year, and average criteria met over time."""
    lang = rep.lang
    past = unit_history(rep)
    first, last = past.iloc[0], past.iloc[-1]
    same = int(first["n_ntm"]) == int(last["n_ntm"])
    sentence = rep.t(
        "report.trend.sentence_flat" if same else "report.trend.sentence",
        first=int(first["year"]),
        last=int(last["year"]),
        start=int(first["n_ntm"]),
        end=int(last["n_ntm"]),
        mean_start=fmt_num(first["mean_criteria"], lang, 1),
        mean_end=fmt_num(last["mean_criteria"], lang, 1),
    )
    columns = ["year", "n_ntm", "share_ntm", "mean_criteria", "n_close", "n_below_5"]
    table = past[columns].copy()
    table["year"] = table["year"].astype(str)
    table.columns = [i18n.t(f"col.{c}", lang) for c in columns]
    styled = styled_table(
        table,
        {
            i18n.t("col.share_ntm", lang): lambda v: i18n.fmt_share(v, lang),
            i18n.t("col.mean_criteria", lang): lambda v: fmt_num(v, lang, 1),
        },
        left=[i18n.t("col.year", lang)],
    )
    if rep.unit is None:  # the province: one line per district
        lines = level_summary(rep, "district")
        lines["unit"] = [rep.label(int(c)) for c in lines["unit_code"]]
    else:  # the district against the province it belongs to
        province = level_summary(rep, "province").assign(unit=rep.label(None))
        lines = pd.concat([past.assign(unit=rep.unit_name), province], ignore_index=True)
    chart = plots.trend_chart(lines, "mean_criteria", lang=lang, synthetic=rep.synthetic)
    return Section(
        rep.t("report.section.trend", first=int(first["year"]), last=int(last["year"])),
        [paragraph(sentence), styled, chart],
    )


# --------------------------------------------------------------------------- forecast


def forecast(rep: Report) -> Section:
    """Fan chart to the target year with the target line, the yearly table (expected count
    and intervals), and either the year the target is first reached or (no target) the
    distribution of the count."""
    lang, res = rep.lang, rep.results
    past = unit_history(rep)
    yearly = pd.DataFrame(list(res.yearly))
    target = (rep.year, rep.target) if rep.target is not None else None
    fan = plots.fan_chart(
        past[["year", "n_ntm"]].rename(columns={"n_ntm": "value"}),
        yearly[["year", "mean", "lo80", "hi80", "lo95", "hi95"]],
        target=target,
        lang=lang,
        synthetic=rep.synthetic,
        title=rep.t("report.fan.title", unit=rep.unit_name),
    )
    lo80, hi80 = res.interval80
    lo95, hi95 = res.interval95
    sentence = rep.t(
        "report.forecast.sentence",
        year=rep.year,
        expected=fmt_mean(res.expected, lang),
        lo80=fmt_num(lo80, lang),
        hi80=fmt_num(hi80, lang),
        lo95=fmt_num(lo95, lang),
        hi95=fmt_num(hi95, lang),
    )
    table = pd.DataFrame(
        {
            i18n.t("col.year", lang): yearly["year"].astype(str),
            i18n.t("col.expected", lang): [fmt_mean(v, lang) for v in yearly["mean"]],
            i18n.t("col.interval80", lang): [
                fmt_interval(a, b, lang)
                for a, b in zip(yearly["lo80"], yearly["hi80"], strict=True)
            ],
            i18n.t("col.interval95", lang): [
                fmt_interval(a, b, lang)
                for a, b in zip(yearly["lo95"], yearly["hi95"], strict=True)
            ],
            rep.t("report.col.mean_criteria_expected"): [
                fmt_num(v, lang, 1) for v in yearly["mean_criteria"]
            ],
        }
    )
    parts: list[Any] = [
        paragraph(sentence),
        fan,
        styled_table(table, left=[i18n.t("col.year", lang)]),
    ]
    if rep.target is not None and res.first_reached:
        parts.append(
            paragraph(rep.t("report.forecast.first_reached", target=fmt_num(rep.target, lang)))
        )
        first = pd.DataFrame(list(res.first_reached))
        parts.append(
            styled_table(
                pd.DataFrame(
                    {
                        i18n.t("col.year", lang): [
                            str(int(y))
                            if not is_missing(y)
                            else rep.t("report.first.never", year=rep.year)
                            for y in first["year"]
                        ],
                        rep.t("report.col.chance"): percents_to_100(first["probability"], lang),
                    }
                ),
                left=[i18n.t("col.year", lang)],
            )
        )
    else:
        parts.append(paragraph(rep.t("report.forecast.distribution", year=rep.year)))
        parts.append(styled_table(_at_least_table(rep), left=[]))
    return Section(rep.t("report.section.forecast", year=rep.year), parts)


def _at_least_table(rep: Report, rows: int = 7) -> pd.DataFrame:
    """P(count >= k) at the target year for a few k spread over the 95% interval."""
    counts = rep.forecast.unit_draws(rep.unit)[:, rep.forecast.years.index(rep.year)]
    lo, hi = np.quantile(counts, [0.025, 0.975])
    lo, hi = int(np.floor(lo)), int(np.ceil(hi))  # every count of a narrow range (no gap
    step = 1 if hi - lo < 2 * rows else -(-(hi - lo) // (rows - 1))  # beside the median),
    ks = list(range(lo, hi + 1, step))  # else an even step
    return pd.DataFrame(
        {
            rep.t("report.col.at_least"): [fmt_num(k, rep.lang) for k in ks],
            rep.t("report.col.chance"): [
                i18n.fmt_percent(float((counts >= k).mean()), rep.lang) for k in ks
            ],
        }
    )


# --------------------------------------------------------------------------- communes


def criteria_list(criteria: Sequence[int], lang: str) -> str:
    """Every missing criterion: the first few by name, the rest by number only ("TC17"), so
    a long list stays readable and a planner still sees all of it."""
    labels = [criterion_label(int(c), lang) for c in criteria]
    short = [label.split(" ", 1)[0] for label in labels[MAX_MISSING_SHOWN:]]
    return ", ".join(labels[:MAX_MISSING_SHOWN] + short)


def closest(rep: Report, n: int = N_CLOSEST) -> Section:
    """The communes not yet at 19/19 with the most criteria met, what each still misses, and
    the model's probability that each meets the standard in the target year."""
    lang = rep.lang
    table = missing_criteria(rep.unit_panel, rep.as_of)
    table = table[table["n_met"] < N_CRITERIA].head(n)
    title = rep.t("report.section.closest")
    if table.empty:
        return Section(title, [paragraph(rep.t("report.closest.all_met", n=rep.n_communes))])
    probs = rep.forecast.commune_probabilities(rep.unit)
    probs = probs[probs["year"] == rep.year].set_index("commune_code")["p_ntm"]
    commune, code = i18n.t("col.commune", lang), rep.t("report.col.commune_code")
    district = i18n.t("col.district", lang)
    shown = pd.DataFrame(
        {commune: table["commune_name"].to_numpy(), code: table["commune_code"].to_numpy()}
    )
    if rep.unit is None:
        shown[district] = [rep.label(int(c)) for c in table["district_code"]]
    shown[i18n.t("col.n_met", lang)] = table["n_met"].to_numpy()
    shown[rep.t("report.col.missing")] = [criteria_list(m, lang) for m in table["missing"]]
    shown[rep.t("report.col.p_ntm_year", year=rep.year)] = [
        i18n.fmt_percent(probs.get(c, np.nan), lang) for c in table["commune_code"]
    ]
    left = [commune, code, district, rep.t("report.col.missing")]
    return Section(
        title,
        [
            paragraph(
                rep.t("report.closest.sentence", n=len(table), as_of=rep.as_of, year=rep.year)
            ),
            styled_table(shown, left=left, nowrap=[commune, district]),
        ],
    )


def _just_short_per_run(rep: Report) -> float:
    """Communes ending the target year at 17–18 criteria, on average per simulation."""
    fc = rep.forecast
    rows = fc.communes["district_code"].to_numpy()
    mask = np.ones(len(rows), bool) if rep.unit is None else rows == rep.unit
    return float(fc.just_short[mask].sum()) / fc.n_draws


def bottlenecks(rep: Report, n: int = N_BOTTLENECKS) -> Section:
    """Criteria holding back the communes forecast to end the target year just short (17–18),
    beside the criteria missing in today's near-standard communes (15–18): each column says
    its own base (which communes, how many), and the rows are the union of both top lists."""
    lang = rep.lang
    title = rep.t("report.section.bottlenecks")
    if rep.all_met:
        return Section(title, [paragraph(rep.t("report.bottleneck.all_met", n=rep.n_communes))])
    lo, hi = JUST_SHORT
    per_run = _just_short_per_run(rep)
    future = rep.forecast.bottlenecks(rep.unit).set_index("criterion")
    today_table = current_bottlenecks(rep.unit_panel, rep.as_of)
    n_close = int(today_table["n_close"].iloc[0]) if len(today_table) else 0
    today = today_table.set_index("criterion")
    show_future = per_run >= MIN_JUST_SHORT and future["n_missing"].sum() > 0
    show_now = n_close > 0 and today["n_missing"].sum() > 0
    if not show_future and not show_now:
        return Section(
            title,
            [
                paragraph(
                    rep.t(
                        "report.bottleneck.none",
                        year=rep.year,
                        as_of=rep.as_of,
                        per_run=fmt_num(per_run, lang, 1),
                    )
                )
            ],
        )
    chosen: list[int] = []
    if show_future:
        chosen += future[future["n_missing"] > 0].head(n).index.tolist()
    if show_now:
        chosen += [c for c in today[today["n_missing"] > 0].head(n).index if c not in chosen]
    rows = pd.DataFrame({"criterion": chosen})
    rows["future"] = future.loc[chosen, "share"].to_numpy() if show_future else np.nan
    rows["now"] = today.loc[chosen, "share"].to_numpy() if show_now else np.nan
    rows = rows.sort_values(["future", "now", "criterion"], ascending=[False, False, True])

    parts: list[Any] = []
    if show_future:
        top = rows.dropna(subset=["future"]).head(3)
        parts.append(
            paragraph(
                rep.t(
                    "report.bottleneck.sentence",
                    year=rep.year,
                    per_run=fmt_num(per_run, lang, 1),
                    criteria=", ".join(
                        f"{criterion_label(int(c), lang)} ({i18n.fmt_share(s, lang)})"
                        for c, s in zip(top["criterion"], top["future"], strict=True)
                    ),
                )
            )
        )
        chart_rows = rows.dropna(subset=["future"]).head(n)
        parts.append(
            plots.bottleneck_chart(
                chart_rows.rename(columns={"future": "share"})[["criterion", "share"]],
                lang=lang,
                synthetic=rep.synthetic,
                title=rep.t("report.bottleneck.chart_title", year=rep.year, unit=rep.unit_name),
                xlabel=rep.t("report.bottleneck.axis", year=rep.year),
            )
        )
    else:
        parts.append(
            paragraph(
                rep.t(
                    "report.bottleneck.few_forecast",
                    year=rep.year,
                    per_run=fmt_num(per_run, lang, 1),
                )
            )
        )
    future_col = rep.t(
        "report.col.share_forecast", year=rep.year, per_run=fmt_num(per_run, lang, 1)
    )
    now_col = rep.t("report.col.share_now", year=rep.as_of, n=n_close)
    table = pd.DataFrame(
        {
            i18n.t("col.criterion", lang): [
                criterion_label(int(c), lang) for c in rows["criterion"]
            ],
            future_col: [i18n.fmt_share(s, lang) if show_future else "–" for s in rows["future"]],
            now_col: [i18n.fmt_share(s, lang) if show_now else "–" for s in rows["now"]],
        }
    )
    parts.append(styled_table(table, left=[i18n.t("col.criterion", lang)]))
    parts.append(
        paragraph(
            rep.t(
                "report.bottleneck.bases",
                lo=lo,
                hi=hi,
                close_lo=CLOSE_LOW,
                close_hi=CLOSE_HIGH,
                year=rep.year,
                as_of=rep.as_of,
            ),
            "color:#555",
        )
    )
    return Section(title, parts)


# --------------------------------------------------------------------------- pace


def pace(rep: Report) -> Section:
    """The straight-line check: the yearly pace the target needs against the recent pace
    (communes, and for the province also criteria per commune). It extends the recent pace
    only; the headline status comes from the model (see ``methods`` when they disagree)."""
    lang, res = rep.lang, rep.results
    title = rep.t("report.section.pace")
    if rep.all_met:
        return Section(title, [paragraph(rep.t("report.pace.all_met", n=rep.n_communes))])
    intro = paragraph(rep.t("report.pace.intro"), "color:#555")
    if rep.target is None or not res.pace:
        series = unit_history(rep).set_index("year")["n_ntm"]
        observed = observed_pace(series, float(series.iloc[-1]), rep.year)
        if observed.observed_per_year == 0:
            text = rep.t("report.pace.no_target_none_added", window=observed.window)
        else:
            text = rep.t(
                "report.pace.no_target",
                window=observed.window,
                observed=fmt_rate(observed.observed_per_year, lang),
            )
        return Section(title, [intro, paragraph(text)])
    p = res.pace
    observed_text = (
        rep.t("report.pace.none_added", window=p.window)
        if p.observed_per_year == 0
        else rep.t(
            "report.pace.added", window=p.window, observed=fmt_rate(p.observed_per_year, lang)
        )
    )
    sentence = rep.t(
        "report.pace.sentence",
        required=fmt_rate(p.required_per_year, lang),
        added=observed_text,
        year=rep.year,
        projected=fmt_num(p.projected, lang),
    )
    chart = plots.pace_chart(
        p.required_per_year,
        p.observed_per_year,
        lang=lang,
        synthetic=rep.synthetic,
        title=f"{i18n.t('chart.pace.title', lang)} — {rep.unit_name}",
    )
    parts: list[Any] = [intro, paragraph(sentence), _line_status(rep, p.status)]
    if res.status and statuses_disagree(res.status, p.status):
        parts.append(paragraph(rep.t("report.pace.see_methods")))
    parts.append(chart)
    mc = res.mean_criteria
    if mc and mc.pace:
        mp = mc.pace
        parts.append(
            paragraph(
                rep.t(
                    "report.pace.mean_sentence",
                    target=fmt_num(mc.target, lang, 1),
                    year=rep.year,
                    required=fmt_num(mp.required_per_year, lang, 2),
                    window=mp.window,
                    observed=fmt_num(mp.observed_per_year, lang, 2),
                    projected=fmt_num(mp.projected, lang, 1),
                )
            )
        )
        parts.append(_line_status(rep, mp.status, "report.pace.mean_status"))
    return Section(title, parts)


def _line_status(rep: Report, status: str, key: str = "report.pace.status") -> str:
    return status_line(rep.t(key), status, rep.lang)


# --------------------------------------------------------------------------- province overview


def _district_frame(rep: Report) -> pd.DataFrame:
    """One row per district at the target year, names in the report's language, with each
    district's own target where the targets file has one (never a split of the province's)."""
    table = rep.forecast.district_table(rep.year)
    table["district_name"] = [rep.label(int(c)) for c in table["district_code"]]
    targets = plan_targets(rep.registry.province_name)
    values, sources = [], []
    for code in table["district_code"]:
        value, source = resolve_target(None, targets, rep.year, "n_ntm", int(code))
        values.append(np.nan if value is None else value)
        sources.append(source)
    table["target"] = values
    table["target_source"] = sources
    i = rep.forecast.years.index(rep.year)
    table["p_target"] = [
        float((rep.forecast.unit_draws(int(c))[:, i] >= t).mean()) if not pd.isna(t) else np.nan
        for c, t in zip(table["district_code"], values, strict=True)
    ]
    return table


def districts(rep: Report) -> Section:
    """One row per district: now, expected in the target year, 80% interval, share of the
    province's expected count (and a district target's probability only where one exists)."""
    if not has_districts(rep.panel):  # [geo] after 1 Jul 2025: by former district, named so
        return former_districts(rep)
    lang = rep.lang
    frame = _district_frame(rep)
    table = _group_table(rep, i18n.t("col.district", lang), frame["district_name"], frame)
    table[i18n.t("col.share_of_province", lang)] = percents_to_100(frame["expected"], lang)
    if frame["target"].notna().any():
        table[i18n.t("col.district_target", lang)] = [fmt_num(v, lang) for v in frame["target"]]
        table[i18n.t("col.p_district_target", lang)] = [
            i18n.fmt_percent(p, lang) if not pd.isna(p) else "–" for p in frame["p_target"]
        ]
    district = i18n.t("col.district", lang)
    return Section(
        rep.t("report.section.districts", year=rep.year),
        [
            styled_table(table, left=[district], nowrap=[district]),
            paragraph(i18n.t("index.note_districts", lang)),
        ],
    )


def _group_table(rep: Report, header: str, names: pd.Series, frame: pd.DataFrame) -> pd.DataFrame:
    """The columns every table of groups of communes shows (districts, or former districts
    after 1 Jul 2025): the group, its communes, now, expected in the target year, 80%."""
    lang = rep.lang
    return pd.DataFrame(
        {
            header: names,
            i18n.t("col.n_communes", lang): frame["n_communes"],
            rep.t("report.col.in_year", year=rep.as_of): frame["now"],
            i18n.t("col.expected_year", lang, year=rep.year): [
                fmt_mean(v, lang) for v in frame["expected"]
            ],
            i18n.t("col.interval80", lang): [
                fmt_interval(a, b, lang) for a, b in zip(frame["lo80"], frame["hi80"], strict=True)
            ],
        }
    )


def district_chart(rep: Report) -> Section:
    """The districts compared: now and the expected count with its 80% interval."""
    if not has_districts(rep.panel):  # [geo] no districts to compare (former_districts)
        return Section(None, [])
    frame = _district_frame(rep)
    target_col = "target" if frame["target"].notna().any() else None
    fig = plots.district_comparison(
        frame,
        lang=rep.lang,
        synthetic=rep.synthetic,
        target_col=target_col,
        now_year=rep.as_of,
        target_year=rep.year,
    )
    return Section(None, [fig])


# --------------------------------------------------------------------------- [geo] no districts


def district_column(rep: Report, table: pd.DataFrame) -> tuple[str, list[str]]:
    """The header and values of the column that places each commune of ``table``
    (commune_code, district_code): its district, or after 1 Jul 2025 its former district
    (until 30/6/2025), named as such — never a district that no longer exists."""
    if has_districts(rep.panel):
        return i18n.t("col.district", rep.lang), [rep.label(int(c)) for c in table["district_code"]]
    former = rep.panel.geography.former_district
    return rep.t("geo.former_district"), [former[c] for c in table["commune_code"]]


def former_districts(rep: Report) -> Section:
    """A panel on the units after 1 Jul 2025 has no districts: the province's communes grouped
    by former district (until 30/6/2025), the column named so, a unit formed across two
    former districts its own group (``crossing.former_district_table``)."""
    frame = former_district_table(rep.forecast, rep.panel, rep.year)
    group = rep.t("geo.former_district")
    table = _group_table(rep, group, frame["former_district"], frame)
    return Section(
        rep.t("geo.section.former_districts", year=rep.year),
        [
            styled_table(table, left=[group], nowrap=[group]),
            paragraph(rep.t("geo.note.former_districts")),
        ],
    )


# --------------------------------------------------------------------------- explore


def criterion_trend(
    panel: Panel, criterion: int, district: str | int = "", lang: str = i18n.DEFAULT_LANG
) -> Figure:
    """Share of communes meeting one criterion by year: the districts (or one district against
    the province), for a planner exploring the data."""
    from ntm_analysis.model.metrics import criterion_attainment

    if criterion not in CRITERIA_NUMBERS:
        raise ValueError(f"criterion must be 1–{N_CRITERIA}, got {criterion!r}")
    registry = read_registry()
    by_district = criterion_attainment(panel, "district")
    by_district = by_district[by_district["criterion"] == criterion].copy()
    codes = {name: registry.find(name) for name in by_district["district_name"].unique()}
    by_district["unit"] = [
        unit_label(registry, codes[n], lang) if codes[n] is not None else n
        for n in by_district["district_name"]
    ]
    if str(district).strip():
        code = registry.resolve(str(district).strip())
        lines = by_district[by_district["unit"] == unit_label(registry, code, lang)]
        province = criterion_attainment(panel, "province")
        province = province[province["criterion"] == criterion].assign(
            unit=unit_label(registry, None, lang)
        )
        lines = pd.concat([lines, province], ignore_index=True)
    else:
        lines = by_district
    fig = plots.trend_chart(lines, "share_met", lang=lang, synthetic=panel.synthetic)
    fig.suptitle(
        i18n.t("report.criterion_trend.title", lang, criterion=criterion_label(criterion, lang)),
        x=0.01,
        ha="left",
        fontsize=plots.TITLE_SIZE,
        fontweight="bold",
    )
    return fig
