"""Report sections: what the notebooks show, one library call per section.

A notebook cell calls ``prepare(...)`` once (load the panel, load or compute the forecast and
the backtest, resolve the unit and its target, assemble ``results.unit_results``), then one
section function per cell. Each section returns a ``Section``: a heading and a few parts (an
HTML paragraph, a styled table, a matplotlib figure from ``plots``) that Jupyter displays in
order, and that tests can inspect. Every word shown comes from ``i18n``; generated demo data
is labelled in the headline banner, in the data-and-method note and on every chart.

The forecast and backtest are expensive and identical for every unit of a run, so the batch
computes them once (``ensure_analysis``) and each notebook loads them from the cache file
(``forecast_cache``); the cache key covers the data file's bytes, every parameter that changes
the numbers, the package version and a fingerprint of the package's code.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from . import __version__, i18n, plots
from .atomic import atomic_path
from .backtest import Backtest
from .backtest import backtest as run_backtest
from .baselines import pace as observed_pace
from .communes import Registry
from .criteria import CRITERIA_NUMBERS, N_CRITERIA, criterion_label
from .errors import DataError
from .forecast import Forecast, Scenario, run_forecast
from .load import load_panel
from .metrics import bottlenecks as current_bottlenecks
from .metrics import missing_criteria, unit_summary
from .panel import Panel
from .paths import PACKAGE_DIR, default_panel_path, default_targets_path
from .results import OFF_TRACK, ON_TRACK, history, jsonable, unit_results, write_results
from .targets import load_targets

__all__ = [
    "Analysis",
    "Report",
    "Section",
    "analysis_meta",
    "analysis_path",
    "backtest",
    "bottlenecks",
    "cache_key",
    "closest",
    "code_fingerprint",
    "criterion_trend",
    "district_chart",
    "districts",
    "ensure_analysis",
    "file_sha256",
    "forecast",
    "headline",
    "load_analysis",
    "methods",
    "note",
    "now",
    "pace",
    "prepare",
    "save_results",
    "scenario_from_dict",
    "trend",
]

FIGURE_DPI = 100  # 12 in wide -> 1200 px: sharp on a projector, small enough to e-mail
N_CLOSEST = 10
N_BOTTLENECKS = 8
MAX_MISSING_SHOWN = 6
# "the methods disagree": expected counts further apart than this many communes or this share
# of the main model's expectation, or probabilities of the target more than this far apart
DISAGREE_COUNT, DISAGREE_SHARE, DISAGREE_PROBABILITY = 3.0, 0.25, 0.25
BACKTEST_QUOTE = 0.7  # "when it said 70%, it happened X% of the time"
DEFAULT_BACKTEST_DRAWS = 500


def _register_figure_formatter() -> None:
    """In IPython, show a bare ``Figure`` (which never went through pyplot) as a PNG."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    formatter = shell.display_formatter.formatters["image/png"]
    formatter.for_type(Figure, lambda fig: plots.fig_to_png_bytes(fig, dpi=FIGURE_DPI))


_register_figure_formatter()


# --------------------------------------------------------------------------- small helpers


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (identifies the data a run used)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# the modules whose code decides the cached numbers (reading, fitting, simulating, scoring)
COMPUTE_MODULES = (
    "backtest",
    "baselines",
    "communes",
    "criteria",
    "forecast",
    "layout",
    "load",
    "metrics",
    "model",
    "panel",
    "text",
)


def code_fingerprint(modules: Sequence[str] | None = None) -> str:
    """Hash of the package version and source (``modules``, default all of it): a cached
    forecast made by other code is never reused, even when the version was not bumped."""
    digest = hashlib.sha256(__version__.encode())
    paths = (
        sorted(PACKAGE_DIR.glob("*.py"))
        if modules is None
        else [PACKAGE_DIR / f"{name}.py" for name in sorted(modules)]
    )
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def data_file(data_path: str | Path | None) -> Path:
    """The panel file a ``data_path`` parameter means ("" or None: the bundled data)."""
    return Path(data_path).resolve() if data_path else default_panel_path().resolve()


def scenario_from_dict(spec: Mapping[str, Any] | None) -> Scenario | None:
    """A ``Scenario`` from its JSON-safe form, e.g. ``{"name": "income",
    "criterion_odds": {"10": 1.5}, "priority_communes": ["X18001"], "priority_odds": 2}``."""
    if spec is None:
        return None
    known = {"name", "criterion_odds", "priority_communes", "priority_odds"}
    unknown = sorted(set(spec) - known)
    if unknown:
        raise ValueError(f"scenario: unknown key(s) {unknown}; expected {sorted(known)}")
    odds = {}
    for key, value in dict(spec.get("criterion_odds") or {}).items():
        try:
            odds[int(key)] = float(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"scenario: criterion_odds needs criterion numbers and odds, got {key!r}: {value!r}"
            ) from exc
    return Scenario(
        name=str(spec.get("name", "scenario")),
        criterion_odds=odds,
        priority_communes=tuple(str(c) for c in spec.get("priority_communes") or ()),
        priority_odds=float(spec.get("priority_odds", 2.0)),
    )


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _p(text: str, css: str = "") -> str:
    style = f' style="{css}"' if css else ""
    return f"<p{style}>{_esc(text)}</p>"


def _num(x: float | None, lang: str, decimals: int = 0) -> str:
    return i18n.fmt_number(x, lang, decimals)


def _interval(lo: float | None, hi: float | None, lang: str) -> str:
    """ "12–18", or an en dash alone when the interval is unknown."""
    if any(v is None or (isinstance(v, float) and np.isnan(v)) for v in (lo, hi)):
        return "–"
    return f"{_num(lo, lang)}–{_num(hi, lang)}"


def _signed(x: float | None, lang: str, decimals: int = 0) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "–"
    text = _num(x, lang, decimals)
    return text if text.startswith("-") or text == _num(0, lang, decimals) else "+" + text


# --------------------------------------------------------------------------- sections


@dataclass
class Section:
    """A report section: a heading and parts displayed in order.

    Parts are HTML strings, ``pandas`` Stylers or DataFrames, and matplotlib ``Figure``s
    (shown as embedded PNG images, so the exported HTML needs no outside resources).
    """

    title: str | None
    parts: list[Any] = field(default_factory=list)
    level: int = 2

    def figures(self) -> list[Figure]:
        return [p for p in self.parts if isinstance(p, Figure)]

    def text(self) -> str:
        """The section's words (headings and paragraphs, tags stripped): for tests and logs."""
        import re

        chunks = [self.title or ""]
        for part in self.parts:
            if isinstance(part, str):
                chunks.append(html.unescape(re.sub(r"<[^>]+>", " ", part)))
        return " ".join(" ".join(chunks).split())

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, Image, display

        if self.title:
            display(HTML(f"<h{self.level}>{_esc(self.title)}</h{self.level}>"))
        for part in self.parts:
            if isinstance(part, Figure):
                alt = " ".join(part.get_suptitle().split()) or (self.title or "")
                display(
                    Image(
                        data=plots.fig_to_png_bytes(part, dpi=FIGURE_DPI),
                        format="png",
                        metadata={"alt": alt},
                    )
                )
            elif isinstance(part, str):
                display(HTML(part))
            else:
                display(part)

    def __repr__(self) -> str:
        kinds = ", ".join(type(p).__name__ for p in self.parts)
        return f"Section({self.title!r}: {kinds})"


def _styled(
    frame: pd.DataFrame,
    formats: Mapping[str, Any] | None = None,
    left: Sequence[str] = (),
) -> Any:
    """A readable table: no index, numbers right-aligned, header wrapped, zebra rows."""
    styler = frame.style.hide(axis="index")
    if formats:
        styler = styler.format({k: v for k, v in formats.items() if k in frame.columns})
    numeric = [c for c in frame.columns if c not in left]
    styler = styler.set_properties(subset=numeric, **{"text-align": "right"})
    styler = styler.set_properties(
        subset=[c for c in left if c in frame.columns], **{"text-align": "left"}
    )
    return styler.set_table_styles(
        [
            {
                "selector": "th",
                "props": "text-align: left; vertical-align: bottom; "
                "padding: 4px 10px; max-width: 16em; white-space: normal;",
            },
            {"selector": "td", "props": "padding: 4px 10px;"},
            {"selector": "tbody tr:nth-child(even)", "props": "background-color: #F4F4F4;"},
            {"selector": "", "props": "border-collapse: collapse; margin: 0.5em 0 1em 0;"},
        ]
    )


def status_badge(status: str | None, lang: str) -> str:
    """A progress status as colour *and* words (the words alone carry the meaning)."""
    if status is None:
        return (
            '<span class="ntm-status ntm-status-none" style="background:#DDDDDD;color:#222;'
            f'padding:0.2em 0.6em;border-radius:0.3em">{_esc(i18n.t("report.status.none", lang))}'
            "</span>"
        )
    color = plots.status_color(status)
    text_color = "#000000" if status == "needs_acceleration" else "#FFFFFF"
    return (
        f'<span class="ntm-status ntm-status-{_esc(status)}" style="background:{color};'
        f'color:{text_color};font-weight:bold;padding:0.2em 0.6em;border-radius:0.3em">'
        f"{_esc(i18n.status_label(status, lang))}</span>"
    )


def synthetic_banner(lang: str) -> str:
    return (
        '<div class="ntm-synthetic" style="border:2px solid #D55E00;background:#FFF1D6;'
        'color:#6B2A00;padding:0.5em 0.8em;margin:0.5em 0;font-weight:bold">'
        f"{_esc(i18n.t('report.synthetic_banner', lang))}</div>"
    )


# --------------------------------------------------------------------------- the analysis


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
) -> dict[str, Any]:
    """Everything that changes the numbers: the cache key is a hash of this."""
    return {
        "data_sha256": data_sha256,
        "as_of": int(as_of),
        "target_year": int(target_year),
        "draws": int(draws),
        "seed": int(seed),
        "scenario": jsonable(dict(scenario)) if scenario is not None else None,
        "backtest_draws": int(backtest_draws),
        "version": __version__,
        "code": code_fingerprint(COMPUTE_MODULES),
    }


def cache_key(meta: Mapping[str, Any]) -> str:
    """The cache key of an ``analysis_meta``: a hash of everything that changes the numbers."""
    text = json.dumps(jsonable(dict(meta)), sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _pickle_atomic(path: Path, value: object) -> Path:
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _compute_backtest(
    history_panel: Panel, meta: Mapping[str, Any], cache_dir: Path | None
) -> tuple[Backtest | None, str | None]:
    if meta["backtest_draws"] <= 0:
        return None, "skipped"
    bt_meta = {
        k: meta[k] for k in ("data_sha256", "as_of", "seed", "backtest_draws", "version", "code")
    }
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
    """Forecast (and backtest, reused from ``cache_dir`` when possible) for ``meta``."""
    cache = Path(cache_dir) if cache_dir is not None else None
    fc = run_forecast(
        history_panel,
        target_year=meta["target_year"],
        n_draws=meta["draws"],
        seed=meta["seed"],
        scenario=scenario_from_dict(meta["scenario"]),
        as_of=meta["as_of"],
    )
    bt, note = _compute_backtest(history_panel, meta, cache)
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
    draws, another package version) is an error rather than a silently wrong report.
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


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class Report:
    """Everything one unit's report shows; built by ``prepare``."""

    panel: Panel  # observed data up to the as-of year
    forecast: Forecast
    backtest: Backtest | None
    backtest_note: str | None
    registry: Registry
    unit: int | None  # district code, None for the province
    unit_name: str
    target: float | None
    target_official: bool
    province_target: float | None
    lang: str
    results: dict[str, Any]
    parameters: dict[str, Any]
    data_sha256: str

    @property
    def year(self) -> int:
        return int(self.results["year"])

    @property
    def as_of(self) -> int:
        return self.forecast.as_of

    @property
    def synthetic(self) -> bool:
        return bool(self.panel.synthetic)

    @property
    def unit_panel(self) -> Panel:
        return self.panel if self.unit is None else self.panel.subset(districts=[self.unit])

    def t(self, key: str, **fmt: object) -> str:
        return i18n.t(key, self.lang, **fmt)


def _official_target(year: int, unit: int | None) -> tuple[float | None, bool]:
    """The targets file's n_ntm target for a unit and whether it is marked official."""
    path = default_targets_path()
    if not path.exists():
        return None, False
    table = load_targets(path)
    rows = table[(table["year"] == year) & (table["indicator"] == "n_ntm")]
    if unit is None:
        rows = rows[rows["level"] == "province"]
    else:
        rows = rows[(rows["level"] == "district") & (rows["unit_code"] == unit)]
    if rows.empty:
        return None, False
    official = str(rows["official"].iloc[0]).strip().lower() in ("1", "true", "yes", "có")
    return float(rows["value"].iloc[0]), official


def _unit_name(registry: Registry, unit: int | None, lang: str) -> str:
    if unit is None:
        return i18n.t("report.unit.province", lang, name=registry.province_name)
    return registry.name(unit, with_type=True)


def prepare(
    district: str | int = "",
    data_path: str = "",
    as_of: int | None = None,
    target_year: int = 2020,
    province_target: float | None = 77,
    district_target: float | None = None,
    draws: int = 2000,
    seed: int = 0,
    lang: str = "vi",
    scenario: Mapping[str, Any] | None = None,
    forecast_cache: str = "",
    backtest_draws: int = DEFAULT_BACKTEST_DRAWS,
) -> Report:
    """Load the data, the forecast (from ``forecast_cache`` or computed) and the unit's results.

    ``district``: name or GSO code, "" for the whole province. A district's target is
    ``district_target`` if given, else an official district row of the targets file, else
    none — the province target is never split among districts.
    """
    i18n.check_lang(lang)
    path = data_file(data_path)
    registry = Registry.from_csv()
    panel = load_panel(path, registry=registry)
    as_of = panel.last_year if as_of is None else int(as_of)
    if as_of not in panel.years:
        raise DataError.single(str(path), f"as_of {as_of} is not a year of the data {panel.years}")
    history_panel = panel.subset(years=[y for y in panel.years if y <= as_of])
    unit = None
    if str(district).strip():
        unit = registry.resolve(str(district).strip())
        if unit not in panel.district_codes:
            raise DataError.single(
                str(path), f"district {registry.name(unit)!r} has no communes in this data"
            )
    data_sha = file_sha256(path)
    meta = analysis_meta(
        data_sha,
        as_of=as_of,
        target_year=target_year,
        draws=draws,
        seed=seed,
        scenario=scenario,
        backtest_draws=backtest_draws,
    )
    if forecast_cache:
        analysis = load_analysis(forecast_cache, meta)
    else:
        analysis = compute_analysis(history_panel, meta)

    if unit is None:
        target = None if province_target is None else float(province_target)
        file_value, file_official = _official_target(target_year, None)
    else:
        file_value, file_official = _official_target(target_year, unit)
        target = (
            float(district_target)
            if district_target is not None
            else (file_value if file_official else None)
        )
    official = target is not None and file_official and file_value == target
    results = unit_results(
        history_panel, analysis.forecast, unit, target, target_year, official, lang
    )
    results["unit"] = _unit_name(registry, unit, lang)
    parameters = {
        "district": district,
        "data_path": data_path,
        "as_of": as_of,
        "target_year": target_year,
        "province_target": province_target,
        "district_target": district_target,
        "draws": draws,
        "seed": seed,
        "lang": lang,
        "scenario": scenario,
        "backtest_draws": backtest_draws,
    }
    return Report(
        panel=history_panel,
        forecast=analysis.forecast,
        backtest=analysis.backtest,
        backtest_note=analysis.backtest_note,
        registry=registry,
        unit=unit,
        unit_name=results["unit"],
        target=target,
        target_official=official,
        province_target=None if province_target is None else float(province_target),
        lang=lang,
        results=results,
        parameters=jsonable(parameters),
        data_sha256=data_sha,
    )


def save_results(rep: Report, path: str | Path | None) -> Path | None:
    """Write the unit's JSON sidecar (``""``/None: nothing is written)."""
    if not path:
        return None
    result = dict(rep.results)
    result["unit_name"] = rep.unit_name
    result["parameters"] = rep.parameters
    result["data_sha256"] = rep.data_sha256
    result["package_version"] = __version__
    if rep.unit is None:
        result["district_table"] = _district_frame(rep)
    return write_results(result, path)


# --------------------------------------------------------------------------- headline


def headline(rep: Report) -> Section:
    """Title, synthetic-data banner, status (colour and words), the headline sentences."""
    res = rep.results
    parts: list[Any] = []
    if rep.synthetic:
        parts.append(synthetic_banner(rep.lang))
    parts.append(
        f'<p style="font-size:1.15em">{_esc(rep.t("report.status.label"))} '
        f"{status_badge(res['status'], rep.lang)}</p>"
    )
    parts.append(_p(res["headline"], "font-size:1.3em;font-weight:bold;line-height:1.4"))
    now_ = res["now"]
    parts.append(
        _p(
            rep.t(
                "headline.current",
                year=rep.as_of,
                n_ntm=now_["n_ntm"],
                n_communes=res["n_communes"],
                share=i18n.fmt_share(now_["n_ntm"] / max(res["n_communes"], 1), rep.lang),
            )
        )
    )
    parts.append(_p(_target_sentence(rep)))
    return Section(rep.t("report.title", unit=rep.unit_name, year=rep.year), parts, level=1)


def _target_sentence(rep: Report) -> str:
    if rep.target is None:
        return rep.t(
            "report.target.none_province" if rep.unit is None else "report.target.none_district"
        )
    key = "report.target.official" if rep.target_official else "report.target.user"
    return rep.t(key, target=_num(rep.target, rep.lang), year=rep.year)


# --------------------------------------------------------------------------- now and trend


def _history(rep: Report) -> pd.DataFrame:
    return history(rep.panel, rep.unit)


def now(rep: Report) -> Section:
    """Where the unit stands in the as-of year: key figures and the commune × criterion grid."""
    lang = rep.lang
    past = _history(rep).set_index("year")
    row = past.loc[rep.as_of]
    previous = rep.as_of - 1 if rep.as_of - 1 in past.index else None
    measures = ["n_communes", "n_ntm", "share_ntm", "mean_criteria", "n_close", "n_below_5"]
    table = pd.DataFrame(
        {rep.t("report.col.measure"): [i18n.t(f"col.{m}", lang) for m in measures]}
    )
    fmt = {
        "share_ntm": lambda v: i18n.fmt_share(v, lang),
        "mean_criteria": lambda v: _num(v, lang, 1),
    }
    value_col = rep.t("report.col.in_year", year=rep.as_of)
    table[value_col] = [fmt.get(m, lambda v: _num(v, lang))(row[m]) for m in measures]
    if previous is not None:
        change_col = rep.t("report.col.change_since", year=previous)
        before = past.loc[previous]
        changes = []
        for m in measures:
            delta = row[m] - before[m]
            if m == "share_ntm":
                changes.append(rep.t("report.points", value=_signed(100 * delta, lang, 1)))
            else:
                changes.append(_signed(delta, lang, 1 if m == "mean_criteria" else 0))
        table[change_col] = changes
    sentence = rep.t(
        "report.now.sentence",
        year=rep.as_of,
        n_ntm=int(row["n_ntm"]),
        n_communes=int(row["n_communes"]),
        share=i18n.fmt_share(row["share_ntm"], lang),
        mean=_num(row["mean_criteria"], lang, 1),
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
            _p(sentence),
            _styled(table, left=[rep.t("report.col.measure")]),
            _p(rep.t("report.now.heatmap_note")),
            grid,
        ],
    )


def trend(rep: Report) -> Section:
    """The unit's yearly figures since the first year, and average criteria met over time."""
    lang = rep.lang
    past = _history(rep)
    first, last = past.iloc[0], past.iloc[-1]
    sentence = rep.t(
        "report.trend.sentence",
        first=int(first["year"]),
        last=int(last["year"]),
        start=int(first["n_ntm"]),
        end=int(last["n_ntm"]),
        mean_start=_num(first["mean_criteria"], lang, 1),
        mean_end=_num(last["mean_criteria"], lang, 1),
    )
    columns = ["year", "n_ntm", "share_ntm", "mean_criteria", "n_close", "n_below_5"]
    table = past[columns].copy()
    table["year"] = table["year"].astype(str)
    table.columns = [i18n.t(f"col.{c}", lang) for c in columns]
    styled = _styled(
        table,
        {
            i18n.t("col.share_ntm", lang): lambda v: i18n.fmt_share(v, lang),
            i18n.t("col.mean_criteria", lang): lambda v: _num(v, lang, 1),
        },
        left=[i18n.t("col.year", lang)],
    )
    lines = past.assign(unit=rep.unit_name)
    if rep.unit is None:  # the province: one line per district
        lines = unit_summary(rep.panel, "district")
    else:  # the district against the province it belongs to
        province = unit_summary(rep.panel, "province").assign(
            unit=_unit_name(rep.registry, None, lang)
        )
        lines = pd.concat([lines, province], ignore_index=True)
    chart = plots.trend_chart(lines, "mean_criteria", lang=lang, synthetic=rep.synthetic)
    return Section(
        rep.t("report.section.trend", first=int(first["year"]), last=int(last["year"])),
        [_p(sentence), styled, chart],
    )


# --------------------------------------------------------------------------- forecast


def forecast(rep: Report) -> Section:
    """Fan chart to the target year with the target line, the yearly table, and either the
    year the target is first reached or (no target) the distribution of the count."""
    lang, res = rep.lang, rep.results
    past = _history(rep)
    yearly = pd.DataFrame(res["yearly"])
    target = (rep.year, rep.target) if rep.target is not None else None
    fan = plots.fan_chart(
        past[["year", "n_ntm"]].rename(columns={"n_ntm": "value"}),
        yearly[["year", "mean", "median", "lo80", "hi80", "lo95", "hi95"]],
        target=target,
        lang=lang,
        synthetic=rep.synthetic,
        title=rep.t("report.fan.title", unit=rep.unit_name),
    )
    lo80, hi80 = res["interval80"]
    lo95, hi95 = res["interval95"]
    sentence = rep.t(
        "report.forecast.sentence",
        year=rep.year,
        expected=_num(res["expected"], lang, 1),
        median=_num(res["median"], lang),
        lo80=_num(lo80, lang),
        hi80=_num(hi80, lang),
        lo95=_num(lo95, lang),
        hi95=_num(hi95, lang),
    )
    table = pd.DataFrame(
        {
            i18n.t("col.year", lang): yearly["year"].astype(str),
            rep.t("report.col.mean"): [_num(v, lang, 1) for v in yearly["mean"]],
            rep.t("report.col.median"): [_num(v, lang) for v in yearly["median"]],
            i18n.t("col.interval80", lang): [
                _interval(a, b, lang) for a, b in zip(yearly["lo80"], yearly["hi80"], strict=True)
            ],
            i18n.t("col.interval95", lang): [
                _interval(a, b, lang) for a, b in zip(yearly["lo95"], yearly["hi95"], strict=True)
            ],
            i18n.t("col.mean_criteria", lang): [_num(v, lang, 1) for v in yearly["mean_criteria"]],
        }
    )
    parts: list[Any] = [_p(sentence), fan, _styled(table, left=[i18n.t("col.year", lang)])]
    if rep.target is not None and res.get("first_reached"):
        parts.append(_p(rep.t("report.forecast.first_reached", target=_num(rep.target, lang))))
        first = pd.DataFrame(res["first_reached"])
        parts.append(
            _styled(
                pd.DataFrame(
                    {
                        i18n.t("col.year", lang): [
                            str(int(y))
                            if y is not None and not pd.isna(y)
                            else rep.t("report.first.never", year=rep.year)
                            for y in first["year"]
                        ],
                        rep.t("report.col.chance"): [
                            i18n.fmt_percent(p, lang) for p in first["probability"]
                        ],
                    }
                ),
                left=[i18n.t("col.year", lang)],
            )
        )
    else:
        parts.append(_p(rep.t("report.forecast.distribution", year=rep.year)))
        parts.append(_styled(_at_least_table(rep), left=[]))
    return Section(rep.t("report.section.forecast", year=rep.year), parts)


def _at_least_table(rep: Report, rows: int = 7) -> pd.DataFrame:
    """P(count >= k) at the target year for a few k spread over the 95% interval."""
    counts = rep.forecast.unit_draws(rep.unit)[:, rep.forecast.years.index(rep.year)]
    lo, hi = np.quantile(counts, [0.025, 0.975])
    ks = sorted({int(k) for k in np.linspace(np.floor(lo), np.ceil(hi), rows).round()})
    return pd.DataFrame(
        {
            rep.t("report.col.at_least"): [_num(k, rep.lang) for k in ks],
            rep.t("report.col.chance"): [
                i18n.fmt_percent(float((counts >= k).mean()), rep.lang) for k in ks
            ],
        }
    )


# --------------------------------------------------------------------------- communes


def _criteria_list(criteria: Sequence[int], lang: str) -> str:
    names = [criterion_label(int(c), lang) for c in criteria]
    if len(names) > MAX_MISSING_SHOWN:
        names = [*names[:MAX_MISSING_SHOWN], "…"]
    return ", ".join(names)


def closest(rep: Report, n: int = N_CLOSEST) -> Section:
    """The communes not yet at 19/19 with the most criteria met, what each still misses, and
    the model's probability that each meets the standard in the target year."""
    lang = rep.lang
    table = missing_criteria(rep.unit_panel, rep.as_of)
    table = table[table["n_met"] < N_CRITERIA].head(n)
    title = rep.t("report.section.closest")
    if table.empty:
        return Section(title, [_p(rep.t("report.closest.all_met"))])
    probs = rep.forecast.commune_probabilities(rep.unit)
    probs = probs[probs["year"] == rep.year].set_index("commune_code")["p_ntm"]
    shown = pd.DataFrame(
        {
            i18n.t("col.commune", lang): [
                f"{name} ({code})"
                for name, code in zip(table["commune_name"], table["commune_code"], strict=True)
            ],
        }
    )
    if rep.unit is None:
        shown[i18n.t("col.district", lang)] = table["district_name"].to_numpy()
    shown[i18n.t("col.n_met", lang)] = table["n_met"].to_numpy()
    shown[rep.t("report.col.missing")] = [_criteria_list(m, lang) for m in table["missing"]]
    shown[rep.t("report.col.p_ntm_year", year=rep.year)] = [
        i18n.fmt_percent(probs.get(code, np.nan), lang) for code in table["commune_code"]
    ]
    left = [i18n.t("col.commune", lang), i18n.t("col.district", lang), rep.t("report.col.missing")]
    return Section(
        title,
        [
            _p(rep.t("report.closest.sentence", n=len(table), as_of=rep.as_of, year=rep.year)),
            _styled(shown, left=left),
        ],
    )


def bottlenecks(rep: Report, n: int = N_BOTTLENECKS) -> Section:
    """Criteria holding back the communes forecast to end the target year just short (17–18),
    beside the criteria missing in today's near-standard communes (15–18)."""
    lang = rep.lang
    future = rep.forecast.bottlenecks(rep.unit)
    title = rep.t("report.section.bottlenecks")
    if future["n_missing"].sum() == 0:
        return Section(title, [_p(rep.t("report.bottleneck.none", year=rep.year))])
    top = future[future["n_missing"] > 0].head(n)
    sentence = rep.t(
        "report.bottleneck.sentence",
        year=rep.year,
        criteria=", ".join(
            f"{criterion_label(int(c), lang)} ({i18n.fmt_share(s, lang)})"
            for c, s in zip(top["criterion"].head(3), top["share"].head(3), strict=True)
        ),
    )
    chart = plots.bottleneck_chart(
        top[["criterion", "share"]],
        lang=lang,
        synthetic=rep.synthetic,
        title=rep.t("report.bottleneck.chart_title", year=rep.year, unit=rep.unit_name),
    )
    today_table = current_bottlenecks(rep.unit_panel, rep.as_of)
    today = today_table.set_index("criterion")["share"]
    no_close_now = int(today_table["n_close"].iloc[0]) == 0
    table = pd.DataFrame(
        {
            i18n.t("col.criterion", lang): [
                criterion_label(int(c), lang) for c in top["criterion"]
            ],
            rep.t("report.col.share_forecast", year=rep.year): [
                i18n.fmt_share(s, lang) for s in top["share"]
            ],
            rep.t("report.col.share_now", year=rep.as_of): [
                "–" if no_close_now else i18n.fmt_share(today.get(int(c), 0.0), lang)
                for c in top["criterion"]
            ],
        }
    )
    return Section(
        title, [_p(sentence), chart, _styled(table, left=[i18n.t("col.criterion", lang)])]
    )


# --------------------------------------------------------------------------- pace and methods


def pace(rep: Report) -> Section:
    """Communes per year needed to reach the target against communes per year recently added."""
    lang, res = rep.lang, rep.results
    title = rep.t("report.section.pace")
    series = _history(rep).set_index("year")["n_ntm"]
    if rep.target is None or not res.get("pace"):
        observed = observed_pace(series, float(series.iloc[-1]), rep.year)
        return Section(
            title,
            [
                _p(
                    rep.t(
                        "report.pace.no_target",
                        window=observed.window,
                        observed=_num(observed.observed_per_year, lang, 1),
                    )
                )
            ],
        )
    p = res["pace"]
    sentence = rep.t(
        "report.pace.sentence",
        required=_num(p["required_per_year"], lang, 1),
        window=p["window"],
        observed=_num(p["observed_per_year"], lang, 1),
        year=rep.year,
        projected=_num(p["projected"], lang),
    )
    chart = plots.pace_chart(
        p["required_per_year"],
        p["observed_per_year"],
        lang=lang,
        synthetic=rep.synthetic,
        title=f"{i18n.t('chart.pace.title', lang)} — {rep.unit_name}",
    )
    status = f"<p>{_esc(rep.t('report.pace.status'))} {status_badge(p['status'], lang)}</p>"
    return Section(title, [_p(sentence), status, chart])


def _method_rows(rep: Report) -> pd.DataFrame:
    res = rep.results
    rows = [
        {
            "method": "transition",
            "mean": res["expected"],
            "lo80": res["interval80"][0],
            "hi80": res["interval80"][1],
            "probability": res["probability"],
        }
    ]
    baselines = pd.DataFrame(res["baselines"])
    at_year = baselines[baselines["year"] == rep.year]
    for _, row in at_year.iterrows():
        rows.append(
            {
                "method": row["method"],
                "mean": row["mean"],
                "lo80": row["lo80"],
                "hi80": row["hi80"],
                "probability": row.get("probability"),
            }
        )
    return pd.DataFrame(rows)


def methods(rep: Report) -> Section:
    """The main model beside the trend baselines, where they disagree, and why the headline
    uses the main model."""
    lang = rep.lang
    rows = _method_rows(rep)
    main = rows.iloc[0]
    table = pd.DataFrame(
        {
            rep.t("report.col.method"): [i18n.t(f"method.{m}", lang) for m in rows["method"]],
            i18n.t("col.expected", lang): [_num(v, lang, 1) for v in rows["mean"]],
            i18n.t("col.interval80", lang): [
                _interval(a, b, lang) for a, b in zip(rows["lo80"], rows["hi80"], strict=True)
            ],
        }
    )
    if rep.target is not None:
        table[i18n.t("col.probability", lang)] = [
            i18n.fmt_percent(p, lang) if p is not None and not pd.isna(p) else "–"
            for p in rows["probability"]
        ]
    details = []
    for _, row in rows.iloc[1:].iterrows():
        if pd.isna(row["mean"]):
            continue
        gap = abs(row["mean"] - main["mean"])
        far = gap > max(DISAGREE_COUNT, DISAGREE_SHARE * abs(main["mean"]))
        p, p_main = row["probability"], main["probability"]
        if p is not None and p_main is not None and not pd.isna(p) and not pd.isna(p_main):
            far = far or abs(p - p_main) > DISAGREE_PROBABILITY
        if far:
            details.append(
                rep.t(
                    "report.methods.item",
                    method=i18n.t(f"method.{row['method']}", lang),
                    value=_num(row["mean"], lang),
                    main=_num(main["mean"], lang),
                )
            )
    verdict = (
        rep.t("report.methods.disagree", details="; ".join(details))
        if details
        else rep.t("report.methods.agree")
    )
    n_years = len(_history(rep))
    return Section(
        rep.t("report.section.methods"),
        [
            _p(verdict),
            _styled(table, left=[rep.t("report.col.method")]),
            _p(rep.t("report.methods.why", n=n_years)),
        ],
    )


# --------------------------------------------------------------------------- backtest


def _calibration_quote(
    calibration: pd.DataFrame, quote: float = BACKTEST_QUOTE
) -> pd.Series | None:
    """The calibration bin holding ``quote`` (0.7 -> the 60–70% or 70–80% bin), pooled with its
    neighbour when either is thin, so "when it said 70%" rests on more than a handful."""
    rows = calibration[
        (calibration["predicted"] >= quote - 0.2) & (calibration["predicted"] < quote + 0.2)
    ]
    if rows.empty or rows["n"].sum() == 0:
        return None
    n = rows["n"].sum()
    return pd.Series(
        {
            "n": int(n),
            "predicted": float((rows["predicted"] * rows["n"]).sum() / n),
            "observed": float((rows["observed"] * rows["n"]).sum() / n),
        }
    )


def backtest(rep: Report) -> Section:
    """How the model's past probabilities and intervals held up: the calibration sentence,
    the calibration table, and 80% interval coverage of the main model and the baselines."""
    lang = rep.lang
    title = rep.t("report.section.backtest")
    bt = rep.backtest
    if bt is None:
        key = (
            "report.backtest.too_short"
            if rep.backtest_note == "too_short"
            else ("report.backtest.skipped")
        )
        return Section(title, [_p(rep.t(key))])
    origins = ", ".join(str(o) for o in bt.origins)
    quote = _calibration_quote(bt.calibration)
    parts: list[Any] = []
    if quote is None:
        parts.append(_p(rep.t("report.backtest.no_cases", origins=origins)))
    else:
        parts.append(
            _p(
                rep.t(
                    "report.backtest.sentence",
                    predicted=i18n.fmt_percent(quote["predicted"], lang),
                    observed=i18n.fmt_share(quote["observed"], lang),
                    n=int(quote["n"]),
                    origins=origins,
                ),
                "font-weight:bold",
            )
        )
    summary = bt.summary[bt.summary["figure"] == "n_ntm"]
    level = "province" if rep.unit is None else "district"
    cover = summary[summary["level"] == level].set_index("method")["coverage80"]

    def share(method: str) -> str:
        return i18n.fmt_share(cover[method], lang) if method in cover.index else "–"

    parts.append(
        _p(
            rep.t(
                "report.backtest.coverage",
                main=share("transition"),
                linear=share("linear_trend"),
                damped=share("damped_trend"),
            )
        )
    )
    calibration = bt.calibration
    table = pd.DataFrame(
        {
            rep.t("report.col.bin"): [_bin_label(b, lang) for b in calibration["bin"]],
            rep.t("report.col.predicted"): [
                i18n.fmt_percent(p, lang) for p in calibration["predicted"]
            ],
            rep.t("report.col.observed_share"): [
                i18n.fmt_share(o, lang) for o in calibration["observed"]
            ],
            rep.t("report.col.n_cases"): [_num(n, lang) for n in calibration["n"]],
        }
    )
    parts.append(_styled(table, left=[rep.t("report.col.bin")]))
    return Section(title, parts)


def _bin_label(text: str, lang: str) -> str:
    """ "(0.6, 0.7]" -> "60–70%"."""
    import re

    numbers = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", str(text))]
    if len(numbers) != 2:
        return str(text)
    lo, hi = (max(0.0, min(1.0, x)) for x in numbers)
    return f"{_num(100 * lo, lang)}–{_num(100 * hi, lang)}%"


# --------------------------------------------------------------------------- note


def _scenario_text(rep: Report) -> str:
    sc = rep.forecast.scenario
    if sc.is_baseline:
        return rep.t("report.note.baseline")
    details = [
        rep.t(
            "report.scenario.criterion",
            criterion=criterion_label(c, rep.lang),
            odds=_num(o, rep.lang, 2),
        )
        for c, o in sorted(sc.criterion_odds.items())
    ]
    if sc.priority_communes:
        details.append(
            rep.t(
                "report.scenario.priority",
                n=len(sc.priority_communes),
                odds=_num(sc.priority_odds, rep.lang, 2),
            )
        )
    return rep.t("report.note.scenario", name=sc.name, details="; ".join(details))


def note(rep: Report) -> Section:
    """Data and method: the source (synthetic or not), definitions, the model, the target and
    its status, the status bands and the scenario."""
    lang = rep.lang
    panel = rep.panel
    source = Path(panel.source).name if panel.source else "–"
    parts = []
    if rep.synthetic:
        parts.append(synthetic_banner(lang))
    parts.append(
        _p(
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
    parts.append(_p(rep.t("report.note.synthetic" if rep.synthetic else "report.note.real")))
    parts.append(_p(rep.t("report.note.definitions")))
    parts.append(
        _p(
            rep.t(
                "report.note.model",
                first=panel.first_year,
                as_of=rep.as_of,
                draws=rep.forecast.n_draws,
                year=rep.year,
                seed=rep.forecast.seed,
            )
        )
    )
    parts.append(_p(_target_sentence(rep)))
    parts.append(
        _p(
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
    parts.append(_p(_scenario_text(rep)))
    parts.append(_p(rep.t("report.note.version", version=__version__), "color:#555"))
    return Section(rep.t("report.section.note"), parts)


# --------------------------------------------------------------------------- province overview


def _district_frame(rep: Report) -> pd.DataFrame:
    table = rep.forecast.district_table(rep.year)
    table["district_name"] = [rep.registry.name(c, with_type=True) for c in table["district_code"]]
    targets = []
    for code in table["district_code"]:
        value, official = _official_target(rep.year, int(code))
        targets.append(value if official else np.nan)
    table["target"] = targets
    counts = [
        rep.forecast.unit_draws(int(c))[:, rep.forecast.years.index(rep.year)]
        for c in table["district_code"]
    ]
    table["p_target"] = [
        float((cnt >= t).mean()) if not pd.isna(t) else np.nan
        for cnt, t in zip(counts, targets, strict=True)
    ]
    return table


def districts(rep: Report) -> Section:
    """One row per district: now, expected in the target year, 80% interval, share of the
    province's forecast count (and a district target's probability only where one exists)."""
    lang = rep.lang
    frame = _district_frame(rep)
    table = pd.DataFrame(
        {
            i18n.t("col.district", lang): frame["district_name"],
            i18n.t("col.n_communes", lang): frame["n_communes"],
            rep.t("report.col.in_year", year=rep.as_of): frame["now"],
            i18n.t("col.expected", lang) + f" ({rep.year})": [
                _num(v, lang, 1) for v in frame["expected"]
            ],
            i18n.t("col.interval80", lang): [
                _interval(a, b, lang) for a, b in zip(frame["lo80"], frame["hi80"], strict=True)
            ],
            i18n.t("col.share_of_province", lang): [
                i18n.fmt_share(s, lang) for s in frame["share_of_province"]
            ],
        }
    )
    if frame["target"].notna().any():
        table[i18n.t("col.district_target", lang)] = [_num(v, lang) for v in frame["target"]]
        table[i18n.t("col.p_district_target", lang)] = [
            i18n.fmt_percent(p, lang) if not pd.isna(p) else "–" for p in frame["p_target"]
        ]
    return Section(
        rep.t("report.section.districts", year=rep.year),
        [
            _styled(table, left=[i18n.t("col.district", lang)]),
            _p(i18n.t("index.note_districts", lang)),
        ],
    )


def district_chart(rep: Report) -> Section:
    """The districts compared: now and the forecast with its 80% interval."""
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


# --------------------------------------------------------------------------- explore


def criterion_trend(
    panel: Panel, criterion: int, district: str | int = "", lang: str = "vi"
) -> Figure:
    """Share of communes meeting one criterion by year: the districts (or one district against
    the province), for a planner exploring the data."""
    from .metrics import criterion_attainment

    if criterion not in CRITERIA_NUMBERS:
        raise ValueError(f"criterion must be 1–{N_CRITERIA}, got {criterion!r}")
    registry = Registry.from_csv()
    by_district = criterion_attainment(panel, "district")
    by_district = by_district[by_district["criterion"] == criterion].rename(
        columns={"district_name": "unit"}
    )
    if str(district).strip():
        code = registry.resolve(str(district).strip())
        lines = by_district[by_district["unit"] == registry.name(code)]
        province = criterion_attainment(panel, "province")
        province = province[province["criterion"] == criterion].assign(
            unit=_unit_name(registry, None, lang)
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
