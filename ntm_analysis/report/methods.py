"""The report sections that explain the forecast: the methods compared (and why the two
progress checks can disagree), the backtest, and the data-and-method note.

``report`` re-exports ``methods``, ``backtest`` and ``note``; notebooks call them from there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ntm_analysis import __version__, i18n
from ntm_analysis.analysis.results import OFF_TRACK, ON_TRACK, capacity_form_weight
from ntm_analysis.core.paths import default_published_path
from ntm_analysis.io.reference import published_figures
from ntm_analysis.model.backtest import bin_bounds
from ntm_analysis.report import plots
from ntm_analysis.report.base import (
    STATUS_RANK,
    Report,
    Section,
    caption_html,
    details_html,
    fmt_interval,
    fmt_mean,
    fmt_num,
    fmt_rate,
    fmt_signed,
    join_words,
    paragraph,
    statuses_disagree,
    styled_table,
    table_html,
    target_sentence,
    unit_history,
)
from ntm_analysis.report.criteria import criterion_label
from ntm_analysis.report.labels import synthetic_banner

# "the methods disagree": expected counts further apart than this many communes or this share
# of the main model's expectation, or probabilities of the target more than this far apart
DISAGREE_COUNT, DISAGREE_SHARE, DISAGREE_PROBABILITY = 3.0, 0.25, 0.25
BACKTEST_QUOTE = 0.7  # "when it said about 70%, it happened X% of the time"
MIN_QUOTE_CASES = 20  # pool neighbouring calibration bins until the quote rests on this many
QUOTE_RANGE = (0.5, 0.9)  # … but never beyond these bounds
NARROW_COVERAGE = 0.65  # an "80%" interval covering less often than this is too narrow


# --------------------------------------------------------------------------- methods


def method_rows(rep: Report) -> pd.DataFrame:
    """Main model and baselines at the target year; baseline counts kept within 0 and the
    unit's number of communes (a straight line does not know a unit has only so many)."""
    res = rep.results
    rows = [
        {
            "method": "transition",
            "mean": res.expected,
            "lo80": res.interval80[0],
            "hi80": res.interval80[1],
            "probability": res.probability,
        }
    ]
    for baseline in res.baselines or ():
        if baseline.year == rep.year:
            rows.append(
                {
                    "method": baseline.method,
                    "mean": baseline.mean,
                    "lo80": baseline.lo80,
                    "hi80": baseline.hi80,
                    "probability": baseline.probability,
                }
            )
    frame = pd.DataFrame(rows)
    values = frame[["mean", "lo80", "hi80"]].apply(pd.to_numeric, errors="coerce")
    frame[["mean", "lo80", "hi80"]] = values.clip(0, rep.n_communes)
    frame["probability"] = pd.to_numeric(frame["probability"], errors="coerce")
    return frame


def _baseline_notes(rep: Report, rows: pd.DataFrame) -> list[str]:
    """Why a baseline shows "not computable", a zero-width interval, or sits at 0 or at the
    unit's number of communes (the limits its counts are kept within)."""
    if rep.all_met:  # the verdict already says every method gives about all communes
        return []
    lang, n = rep.lang, rep.n_communes
    past = unit_history(rep)["n_ntm"]
    notes = []
    for _, row in rows.iloc[1:].iterrows():
        method = i18n.t(f"method.{row['method']}", lang)
        if pd.isna(row["mean"]):
            notes.append(rep.t("report.methods.note_nan", method=method))
        elif past.nunique() == 1 and row["hi80"] - row["lo80"] < 0.5:
            notes.append(
                rep.t(
                    "report.methods.note_flat",
                    method=method,
                    interval=fmt_interval(row["lo80"], row["hi80"], lang),
                    value=fmt_num(past.iloc[-1], lang),
                )
            )
        elif row["hi80"] >= n - 1e-9 or (row["lo80"] <= 1e-9 and row["mean"] > 0.5):
            notes.append(rep.t("report.methods.note_capped", method=method, n=n))
    return notes


def methods(rep: Report) -> Section:
    """The main model beside the trend baselines, where they disagree and why, what the
    backtest says about their intervals, and why the headline uses the main model."""
    lang = rep.lang
    rows = method_rows(rep)
    not_computed = rep.t("report.methods.not_computed")
    table = pd.DataFrame(
        {
            rep.t("report.col.method"): [i18n.t(f"method.{m}", lang) for m in rows["method"]],
            i18n.t("col.expected", lang): [
                fmt_mean(v, lang) if not pd.isna(v) else not_computed for v in rows["mean"]
            ],
            i18n.t("col.interval80", lang): [
                fmt_interval(a, b, lang) for a, b in zip(rows["lo80"], rows["hi80"], strict=True)
            ],
        }
    )
    if rep.target is not None:
        table[i18n.t("col.probability", lang)] = [
            i18n.fmt_percent(p, lang) if not pd.isna(p) else "–" for p in rows["probability"]
        ]
    parts: list[Any] = [paragraph(_methods_verdict(rep, rows))]
    parts.append(styled_table(table, left=[rep.t("report.col.method")]))
    parts += [paragraph(text, "color:#555") for text in _baseline_notes(rep, rows)]
    parts.append(
        paragraph(rep.t("report.methods.why", n=len(unit_history(rep))) + " " + _coverage_text(rep))
    )
    res = rep.results
    if res.status and res.pace and not rep.all_met:
        line = res.pace.status
        if statuses_disagree(res.status, line):
            parts.append(paragraph(_disagreement_text(rep, res.status, line)))
    return Section(rep.t("report.section.methods"), parts)


def _methods_verdict(rep: Report, rows: pd.DataFrame) -> str:
    lang = rep.lang
    main = rows.iloc[0]
    if rep.all_met:
        return rep.t("report.methods.all_met", n=rep.n_communes, main=fmt_mean(main["mean"], lang))
    far = []
    for _, row in rows.iloc[1:].iterrows():
        if pd.isna(row["mean"]):
            continue
        gap = abs(row["mean"] - main["mean"])
        differs = gap > max(DISAGREE_COUNT, DISAGREE_SHARE * abs(main["mean"]))
        p, p_main = row["probability"], main["probability"]
        if not pd.isna(p) and not pd.isna(p_main):
            differs = differs or abs(p - p_main) > DISAGREE_PROBABILITY
        if differs:
            far.append(
                rep.t(
                    "report.methods.item",
                    method=i18n.t(f"method.inline.{row['method']}", lang),
                    value=fmt_mean(row["mean"], lang),
                )
            )
    if not far:
        return rep.t("report.methods.agree")
    return rep.t(
        "report.methods.disagree", main=fmt_mean(main["mean"], lang), items=join_words(far, lang)
    )


def _coverage(rep: Report) -> pd.DataFrame | None:
    """80% coverage and number of cases per method at the report's level (province, or the
    districts pooled), for the communes count."""
    bt = rep.backtest
    if bt is None:
        return None
    level = "province" if rep.unit is None else "district"
    rows = bt.summary[(bt.summary["figure"] == "n_ntm") & (bt.summary["level"] == level)]
    return rows.set_index("method")[["coverage80", "n"]] if len(rows) else None


def _coverage_text(rep: Report) -> str:
    """What the backtest says about the intervals' width, derived from its coverage."""
    cover = _coverage(rep)
    if cover is None or "transition" not in cover.index:
        return rep.t("report.methods.cover_unknown")
    lang = rep.lang
    baselines = [m for m in ("linear_trend", "damped_trend") if m in cover.index]
    parts = [
        rep.t(
            "report.methods.cover_numbers",
            level=level_text(rep),
            main=i18n.fmt_share(cover.loc["transition", "coverage80"], lang),
            others=join_words(
                [
                    rep.t(
                        "report.methods.cover_item",
                        method=i18n.t(f"method.inline.{m}", lang),
                        share=i18n.fmt_share(cover.loc[m, "coverage80"], lang),
                    )
                    for m in baselines
                ],
                lang,
            ),
        )
    ]
    narrow = [m for m in baselines if cover.loc[m, "coverage80"] < NARROW_COVERAGE]
    if baselines and len(narrow) == len(baselines):
        parts.append(rep.t("report.methods.cover_narrow_all"))
    elif narrow:
        names = join_words([i18n.t(f"method.inline.{m}", lang) for m in narrow], lang)
        parts.append(rep.t("report.methods.cover_narrow_some", methods=names))
    elif baselines:
        parts.append(rep.t("report.methods.cover_ok"))
    if cover.loc["transition", "coverage80"] < NARROW_COVERAGE:
        parts.append(rep.t("report.methods.cover_main_narrow"))
    return " ".join(parts)


def level_text(rep: Report) -> str:
    if rep.unit is None:
        return rep.t("report.level.province")
    return rep.t("report.level.districts", n=len(rep.forecast.districts))


def _disagreement_text(rep: Report, model: str, line: str) -> str:
    """Why the model's status and the straight-line status differ."""
    res, lang = rep.results, rep.lang
    p = res.pace
    n_close = int(unit_history(rep).set_index("year").loc[rep.as_of, "n_close"])
    key = (
        "report.methods.status_model_higher"
        if STATUS_RANK[model] > STATUS_RANK.get(line, 0)
        else "report.methods.status_model_lower"
    )
    return rep.t(
        key,
        prob=i18n.fmt_percent(res.probability, lang),
        model=i18n.status_label(model, lang),
        line=i18n.status_label(line, lang),
        window=p.window,
        observed=fmt_rate(p.observed_per_year, lang),
        year=rep.year,
        projected=fmt_num(p.projected, lang),
        as_of=rep.as_of,
        n_close=n_close,
    )


# --------------------------------------------------------------------------- backtest


def calibration_quote(
    calibration: pd.DataFrame,
    quote: float = BACKTEST_QUOTE,
    min_cases: int = MIN_QUOTE_CASES,
    bounds: tuple[float, float] = QUOTE_RANGE,
) -> pd.Series | None:
    """The calibration bins around ``quote``, for "when the model gave 60–80%, X% made it".

    Starts with the bin holding ``quote`` (0.7 -> the 70–80% bin) and, while fewer than
    ``min_cases`` cases fall in the range, adds the neighbouring bin (below or above, the
    one with more cases), never beyond ``bounds``. Returns the range actually used (``lo``,
    ``hi``), its number of cases ``n``, and the case-weighted ``predicted`` and ``observed``
    shares; None if no bin in ``bounds`` has a case.
    """
    table = calibration.copy()
    edges = [bin_bounds(b) for b in table["bin"]]
    table["lo"] = [e[0] if e else np.nan for e in edges]
    table["hi"] = [e[1] if e else np.nan for e in edges]
    table = table[(table["lo"] >= bounds[0] - 1e-9) & (table["hi"] <= bounds[1] + 1e-9)]
    table = table[table["n"] > 0].sort_values("lo").reset_index(drop=True)
    if table.empty:
        return None
    start = table.index[(table["lo"] <= quote) & (quote < table["hi"])]
    i = int(start[0]) if len(start) else int((table["lo"] - quote).abs().idxmin())
    first, last = i, i
    while table.loc[first:last, "n"].sum() < min_cases:
        below = table.loc[first - 1, "n"] if first > 0 else -1
        above = table.loc[last + 1, "n"] if last + 1 < len(table) else -1
        if below < 0 and above < 0:
            break
        if above >= below:
            last += 1
        else:
            first -= 1
    used = table.loc[first:last]
    n = int(used["n"].sum())
    return pd.Series(
        {
            "lo": float(used["lo"].min()),
            "hi": float(used["hi"].max()),
            "n": n,
            "predicted": float((used["predicted"] * used["n"]).sum() / n),
            "observed": float((used["observed"] * used["n"]).sum() / n),
        }
    )


def _backtest_cases(rep: Report) -> list[str]:
    """Coverage with forecasts and distinct outcomes counted, the certain cases left out, and
    the error of the main model beside persistence, the trends and the plan (communes count,
    at the report's level)."""
    lang, bt = rep.lang, rep.backtest
    level = "province" if rep.unit is None else "district"
    rows = bt.summary[(bt.summary["figure"] == "n_ntm") & (bt.summary["level"] == level)]
    rows = rows.set_index("method")
    if rows.empty:
        return []
    effective = "n_effective" in rows
    cover = [
        rep.t(
            "report.backtest.coverage_item_effective"
            if effective
            else "report.backtest.coverage_item",
            method=i18n.t(f"method.inline.{m}", lang),
            share=i18n.fmt_share(rows.loc[m, "coverage80"], lang),
            n=int(rows.loc[m, "n"]),
            n_effective=int(rows.loc[m, "n_effective"]) if effective else 0,
        )
        for m in ("transition", "linear_trend", "damped_trend")
        if m in rows.index and rows.loc[m, "n"] > 0 and pd.notna(rows.loc[m, "coverage80"])
    ]
    errors = [
        rep.t(
            "report.backtest.error_item",
            method=i18n.t(f"method.inline.{m}", lang),
            mae=i18n.fmt_number(rows.loc[m, "mae"], lang, 1),
            n=int(rows.loc[m, "n"]),
        )
        for m in ("transition", "persistence", "linear_trend", "damped_trend", "plan")
        if m in rows.index and rows.loc[m, "n"] > 0
    ]
    text = level_text(rep)
    parts = []
    if cover:
        parts.append(
            paragraph(rep.t("report.backtest.coverage", level=text, items=join_words(cover, lang)))
        )
    if errors:
        parts.append(
            paragraph(rep.t("report.backtest.errors", level=text, items=join_words(errors, lang)))
        )
    if "n_trivial" in rows:
        parts.append(paragraph(rep.t("report.backtest.trivial", n=int(rows["n_trivial"].max()))))
    return parts


def backtest(rep: Report) -> Section:
    """How past forecasts held up: the calibration of commune probabilities (province-wide,
    a range with its number of cases), then the 80% interval coverage of the main model and
    the baselines at the report's level, each with its number of cases."""
    lang = rep.lang
    title = rep.t("report.section.backtest")
    bt = rep.backtest
    if bt is None:
        key = "report.backtest.too_short" if rep.backtest_note == "too_short" else None
        return Section(title, [paragraph(rep.t(key or "report.backtest.skipped"))])
    origins = join_words([str(o) for o in bt.origins], lang)
    quote = calibration_quote(bt.calibration)
    parts: list[Any] = []
    if quote is None:
        parts.append(paragraph(rep.t("report.backtest.no_cases", origins=origins)))
    else:
        parts.append(
            paragraph(
                rep.t(
                    "report.backtest.sentence",
                    lo=i18n.fmt_share(quote["lo"], lang),
                    hi=i18n.fmt_share(quote["hi"], lang),
                    predicted=i18n.fmt_percent(quote["predicted"], lang),
                    observed=i18n.fmt_share(quote["observed"], lang),
                    n=int(quote["n"]),
                    origins=origins,
                ),
                "font-weight:bold",
            )
        )
    parts += _backtest_cases(rep)
    parts.append(plots.reliability_diagram(bt.calibration, lang, synthetic=rep.synthetic))
    calibration = bt.calibration
    table = pd.DataFrame(
        {
            rep.t("report.col.bin"): [bin_label(b, lang) for b in calibration["bin"]],
            rep.t("report.col.predicted"): [
                i18n.fmt_percent(p, lang) for p in calibration["predicted"]
            ],
            rep.t("report.col.observed_share"): [
                i18n.fmt_share(o, lang) for o in calibration["observed"]
            ],
            rep.t("report.col.n_cases"): [fmt_num(n, lang) for n in calibration["n"]],
        }
    )
    parts.append(caption_html(rep.t("report.backtest.table_caption", origins=origins)))
    parts.append(styled_table(table, left=[rep.t("report.col.bin")]))
    return Section(title, parts)


def bin_label(text: str, lang: str) -> str:
    """ "(0.6, 0.7]" -> "60–70%"."""
    bounds = bin_bounds(text)
    if bounds is None:
        return str(text)
    lo, hi = bounds
    return f"{fmt_num(100 * lo, lang)}–{fmt_num(100 * hi, lang)}%"


# --------------------------------------------------------------------------- note


def _scenario_text(rep: Report) -> str:
    sc = rep.forecast.scenario
    if sc.is_baseline:
        return rep.t("report.note.baseline")
    details = [
        rep.t(
            "report.scenario.criterion",
            criterion=criterion_label(c, rep.lang),
            odds=fmt_num(o, rep.lang, 2),
        )
        for c, o in sorted(sc.criterion_odds.items())
    ]
    if sc.priority_communes:
        details.append(
            rep.t(
                "report.scenario.priority",
                n=len(sc.priority_communes),
                odds=fmt_num(sc.priority_odds, rep.lang, 2),
            )
        )
    return rep.t("report.note.scenario", name=sc.name, details="; ".join(details))


_PUBLISHED_FORMATS = {"n_communes": 0, "n_ntm": 0, "mean_criteria": 1}


def _published_text(rep: Report) -> str | None:
    """The published figures the synthetic data was made to match (``io.reference``)."""
    table = published_figures()
    if table is None:
        return None
    by_unit: dict[str, list[str]] = {}
    for row in table.itertuples(index=False):
        if row.indicator not in _PUBLISHED_FORMATS:
            continue
        code = None if row.level == "province" else int(row.unit_code)
        try:
            unit = rep.label(code)
        except KeyError:
            unit = str(row.unit_name)
        measure = i18n.t(f"col.{row.indicator}", rep.lang)
        by_unit.setdefault(unit, []).append(
            rep.t(
                "report.note.published_item",
                measure=measure[:1].lower() + measure[1:],
                value=fmt_num(float(row.value), rep.lang, _PUBLISHED_FORMATS[row.indicator]),
                year=int(row.year),
            )
        )
    if not by_unit:
        return None
    items = "; ".join(f"{unit}: {', '.join(values)}" for unit, values in by_unit.items())
    return rep.t("report.note.published", file=default_published_path().name, items=items)


CAPACITY_FORM_KEYS = {"level": "report.note.capacity.level", "count": "report.note.capacity.count"}


def _term_label(term: str, rep: Report) -> str:
    kind, _, rest = term.partition("_")
    if kind == "criterion" and rest.isdigit():
        return criterion_label(int(rest), rep.lang)
    if kind == "group":
        return rep.t("report.coef.group", group=rest)
    if kind == "district" and rest.isdigit():
        try:
            return rep.label(int(rest))
        except KeyError:
            return rest
    return rep.t(f"report.coef.{term}")


def _coefficients(rep: Report) -> str | None:
    """The fitted model's coefficients, folded away (HTML ``<details>``)."""
    if rep.model is None:
        return None
    lang = rep.lang
    coef = rep.model.coefficients()
    estimated = coef["std_error"] > 0
    table = pd.DataFrame(
        {
            rep.t("report.coef.col.model"): [rep.t(f"report.coef.{m}") for m in coef["model"]],
            rep.t("report.coef.col.term"): [_term_label(t, rep) for t in coef["term"]],
            rep.t("report.coef.col.estimate"): [
                fmt_signed(v, lang, 2) if ok else rep.t("report.coef.fixed")
                for v, ok in zip(coef["estimate"], estimated, strict=True)
            ],
            rep.t("report.coef.col.se"): [
                fmt_num(v, lang, 2) if ok else "–"
                for v, ok in zip(coef["std_error"], estimated, strict=True)
            ],
            rep.t("report.coef.col.odds"): [
                fmt_num(float(np.exp(v)), lang, 2) if ok else "–"
                for v, ok in zip(coef["estimate"], estimated, strict=True)
            ],
        }
    )
    # the same in every report of a language: its HTML made once per process
    body = table_html(table, left=[rep.t("report.coef.col.model"), rep.t("report.coef.col.term")])
    other = _other_form_note(rep)
    if other is not None:
        body += paragraph(other, "color:#555")
    summary, explain = rep.t("report.coef.summary"), rep.t("report.coef.explain")
    return details_html(summary, explain, body)


def _other_form_note(rep: Report) -> str | None:
    """Where the forecast also draws the other capacity form (``other_form``), the sentence
    under the coefficient table saying the table is the chosen form's only: a reader would
    otherwise take it for the whole forecast's, while a share of the draws uses the other
    form's coefficients (not shown). None when every draw uses the chosen form."""
    model = rep.model
    if model is None or model.other_form is None:
        return None
    return rep.t(
        "report.coef.other_form",
        form=rep.t(CAPACITY_FORM_KEYS[model.capacity_form]),
        other=rep.t(CAPACITY_FORM_KEYS[model.other_form.capacity_form]),
        share=i18n.fmt_percent(1.0 - model.form_share, rep.lang),
    )


def model_choices(rep: Report) -> list[str]:
    """What the data chose in the fitted model, in words: how a commune's count enters (the
    capacity form, with its held-out weight, or why it could not be scored) and the spread of
    the year shocks shared by every commune (posterior median and 80% range)."""
    model = rep.model
    if model is None:
        return []
    lang = rep.lang
    out = []
    if model.capacity_choice == "data":
        weight = capacity_form_weight(model)
        mixed = model.other_form is not None  # the forecast draws both forms (share: weight)
        out.append(
            rep.t(
                "report.note.capacity_data_mixed" if mixed else "report.note.capacity_data",
                n=model.capacity_scores["year"].nunique(),
                form=rep.t(CAPACITY_FORM_KEYS[model.capacity_form]),
                weight=i18n.fmt_percent(weight, lang),
            )
        )
    elif model.capacity_choice == "sampled_tie":
        out.append(rep.t("report.note.capacity_tie", n=model.capacity_scores["year"].nunique()))
    elif model.capacity_form == "mixed":
        out.append(rep.t("report.note.capacity_mixed"))
    elif model.capacity_choice == "too_few":
        out.append(rep.t("report.note.capacity_two"))
    post = model.gain_posterior
    if post is not None and "year" in post.blocks:
        grid, prob = post.sd_posterior("year")
        cdf = np.cumsum(prob)
        lo, median, hi = (
            float(grid[min(np.searchsorted(cdf, q), len(grid) - 1)]) for q in (0.1, 0.5, 0.9)
        )
        out.append(
            rep.t(
                # thin: the spread cannot be told apart from a trend, it is the prior's
                "report.note.year_shocks_prior" if model.thin else "report.note.year_shocks",
                median=fmt_num(median, lang, 2),
                lo=fmt_num(lo, lang, 2),
                hi=fmt_num(hi, lang, 2),
                odds=fmt_num(float(np.exp(median)), lang, 2),
            )
        )
    return out


def note(rep: Report) -> Section:
    """Data and method: the source (synthetic or not, and what it was calibrated to),
    definitions, the model (and its coefficients), the targets, the two progress checks and
    the scenario."""
    lang = rep.lang
    panel = rep.panel
    source = Path(panel.source).name if panel.source else "–"
    parts = []
    if rep.synthetic:
        parts.append(synthetic_banner(lang))
    parts.append(
        paragraph(
            rep.t(
                "report.note.data",
                source=source,
                n_communes=len(panel.communes),
                n_districts=len(panel.district_codes),
                first=panel.first_year,
                last=panel.last_year,
            )
        )
    )
    if rep.synthetic:
        parts.append(paragraph(rep.t("report.note.synthetic")))
        published = _published_text(rep)
        if published:
            parts.append(paragraph(published))
    else:
        parts.append(paragraph(rep.t("report.note.real")))
    parts.append(paragraph(rep.t("report.note.definitions")))
    parts.append(
        paragraph(
            rep.t(
                "report.note.model",
                first=panel.first_year,
                as_of=rep.as_of,
                draws=fmt_num(rep.forecast.n_draws, lang),
                year=rep.year,
                seed=rep.forecast.seed,
            )
        )
    )
    parts += [paragraph(text) for text in model_choices(rep)]
    # the calibration suite's plainest failure, said where officials read the method
    parts.append(paragraph(rep.t("report.note.acceleration")))
    coefficients = _coefficients(rep)
    if coefficients:
        parts.append(coefficients)
    parts.append(paragraph(target_sentence(rep)))
    parts.append(
        paragraph(
            rep.t(
                "report.note.status",
                hi=i18n.fmt_share(ON_TRACK, lang),
                lo=i18n.fmt_share(OFF_TRACK, lang),
                on_track=i18n.status_label("on_track", lang),
                off_track=i18n.status_label("off_track", lang),
                needs=i18n.status_label("needs_acceleration", lang),
            )
        )
    )
    parts.append(paragraph(rep.t("report.note.line_status")))
    parts.append(paragraph(_scenario_text(rep)))
    parts.append(paragraph(rep.t("report.note.version", version=__version__), "color:#555"))
    return Section(rep.t("report.section.note"), parts)
