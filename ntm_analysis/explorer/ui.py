"""The widget explorer (ipywidgets): controls and their layout over ``explorer.Explorer``.

Used as is by ``notebooks/explore.ipynb`` in JupyterLab and by ``ntm explore`` (Voilà, no
code shown). Every computation is ``explorer``'s; this module only turns control values into
calls and results into widgets.

The controls never block: a change schedules its area's update after the controls have been
still for ``delay`` seconds (debounce) and the update runs in a background thread, the header
saying "Đang tính…" meanwhile. A newer request supersedes one that has not finished: its
result is dropped, never shown over a newer one. Updates run one at a time (matplotlib's
style settings are process-wide). ``delay=None`` runs every update at once in the calling
thread, which is what the tests use.
"""

from __future__ import annotations

import base64
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path

import ipywidgets as widgets

from ntm_analysis import i18n
from ntm_analysis.core.config import RunConfig, config_default
from ntm_analysis.core.errors import DataError, MessageError
from ntm_analysis.explorer.compute import (
    DEFAULT_BOOSTED,
    DEFAULT_LANG,
    DEFAULT_PRIORITY_ODDS,
    ODDS_MAX,
    ODDS_MIN,
    ODDS_STEP,
    Explorer,
)
from ntm_analysis.explorer.views import figures_html, synthetic_html, table_html, what_if_html
from ntm_analysis.report import plots
from ntm_analysis.report.geography import panel_summary

DEBOUNCE_SECONDS = 0.3
PNG_DPI = 80  # screen resolution: a 2,000-draw update renders its chart in ~0.2 s
UPLOAD_TYPES = ".csv,.xlsx,.xlsm,.xls,.parquet"
_WORK_LOCK = threading.Lock()  # one update at a time, in every explorer of the process


class Debouncer:
    """Runs ``action`` once calls have stopped for ``delay`` seconds, in a background thread.

    ``on_busy(True/False)`` is called when work is scheduled and when it is done;
    ``on_error(exc)`` gets what the action raised (a background thread has no one else to
    tell; without ``on_error`` it is raised). Each call
    bumps a generation number; ``action(is_current)`` may ask ``is_current()`` before it
    publishes a result, so a superseded computation does not overwrite a newer one.
    """

    def __init__(
        self,
        action: Callable[[Callable[[], bool]], None],
        delay: float | None,
        on_busy: Callable[[bool], None] = lambda busy: None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        self.action = action
        self.delay = delay
        self.on_busy = on_busy
        self.on_error = on_error
        self._generation = 0
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()

    def __call__(self, now: bool = False) -> None:
        """Schedule the action (``now``: run it at once, in this thread)."""
        with self._lock:
            self._generation += 1
            generation = self._generation
            if self._timer is not None:
                self._timer.cancel()
            self._idle.clear()
        self.on_busy(True)
        if now or self.delay is None:
            self._run(generation)
            return
        self._timer = threading.Timer(self.delay, self._run, (generation,))
        self._timer.daemon = True
        self._timer.start()

    def _run(self, generation: int) -> None:
        def is_current() -> bool:
            return generation == self._generation

        try:
            if is_current():
                with _WORK_LOCK:
                    if is_current():
                        self.action(is_current)
        except Exception as exc:
            if self.on_error is None:
                raise
            self.on_error(exc)
        finally:
            with self._lock:
                done = generation == self._generation
                if done:
                    self._idle.set()
            if done:
                self.on_busy(False)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the latest request is done (tests, benchmarks); True if it is."""
        return self._idle.wait(timeout)


ALL = ""  # the "province" / "all communes" entry: a Dropdown reads the value None as "none"


def _options(pairs: list[tuple[str, object]]) -> list[tuple[str, object]]:
    return [(label, ALL if value is None else value) for label, value in pairs]


def _picked(value: object) -> object:
    return None if value == ALL else value


def _png(fig) -> bytes:
    return plots.fig_to_png_bytes(fig, dpi=PNG_DPI)


def _image() -> widgets.Image:
    return widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))


@dataclass
class State:
    """What the planner has picked: kept across a change of language or of data file."""

    lang: str = DEFAULT_LANG
    district: int | None = None
    commune: str | None = None
    year: int | None = None
    criterion: int = config_default("criterion")
    boosted: tuple[int, ...] = DEFAULT_BOOSTED
    odds: dict[int, float] = field(default_factory=dict)
    priority: tuple[str, ...] = ()
    priority_odds: float = DEFAULT_PRIORITY_ODDS
    target: int | None = None
    target_year: int | None = None


class ExplorerApp:
    """The explorer's widgets. ``app.root`` is the widget to display."""

    def __init__(
        self,
        explorer: Explorer | None,
        lang: str = DEFAULT_LANG,
        delay: float | None = DEBOUNCE_SECONDS,
        problem: str = "",
        first: State | None = None,
    ) -> None:
        self.explorer = explorer
        self.state = replace(first or State(), lang=i18n.check_lang(lang))
        self.delay = delay
        self._busy = 0
        self._busy_lock = threading.Lock()
        self._upload_dir: tempfile.TemporaryDirectory | None = None
        self.status = widgets.HTML(layout=widgets.Layout(min_width="9em"))
        self.status.add_class("ntm-status")
        self.problem = widgets.HTML(self._problem_html(problem))
        self.problem.add_class("ntm-problem")
        self.root = widgets.VBox(layout=widgets.Layout(width="100%"))
        self.root.add_class("ntm-explorer")
        self.updates = {
            name: Debouncer(
                getattr(self, f"_update_{name}"), delay, self._set_busy, self._show_error
            )
            for name in ("standing", "criterion", "what_if")
        }
        self._init_state()
        # the first results are computed before the widgets are shown: a page (Voilà) fetches
        # the widgets' state once as it loads, and a change made meanwhile could be missed
        self.build(now=True)

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def from_path(
        cls,
        data_path: str | Path | None = "",
        lang: str = DEFAULT_LANG,
        district: str | int = "",
        criterion: int = config_default("criterion"),
        **kwargs,
    ) -> ExplorerApp:
        """The explorer on a panel file ("" or None: the bundled data), opened on a district
        (a name; "" for the province) and a criterion. A file that cannot be loaded is shown
        as ``ntm validate`` lists it, with the upload box to try another."""
        try:
            explorer = Explorer.open(RunConfig(data_path=str(data_path or "")))
        except (DataError, MessageError) as exc:
            return cls(None, lang, problem=exc.render(lang), **kwargs)
        return cls(
            explorer,
            lang,
            first=State(district=explorer.find_district(district), criterion=int(criterion)),
            **kwargs,
        )

    def _init_state(self) -> None:
        s, ex = self.state, self.explorer
        if ex is None:
            return
        if s.district not in [c for _, c in ex.district_options(s.lang)]:
            s.district, s.commune = None, None
        if s.commune not in [c for _, c in ex.commune_options(s.district, s.lang)]:
            s.commune = None
        if s.year not in ex.years:
            s.year = ex.years[-1]
        if s.target_year not in ex.target_years:
            year = config_default("target_year")
            default = year if year in ex.target_years else ex.target_years[0]
            s.target_year = default
        if s.target is None:
            plan = ex.plan_target(s.target_year)
            s.target = int(plan) if plan is not None else len(ex.panel.communes) // 2
        codes = set(ex.panel.communes["commune_code"])
        s.priority = tuple(c for c in s.priority if c in codes)

    def build(self, now: bool = False) -> None:
        """(Re)build every control in the state's language, then refresh every area (``now``:
        in this thread, before returning)."""
        t = self._t
        lang_toggle = widgets.ToggleButtons(
            options=[("Tiếng Việt", "vi"), ("English", "en")],
            value=self.state.lang,
            description=t("explore.language"),
            style={"button_width": "7em"},
        )
        lang_toggle.observe(self._on_lang, "value")
        upload = widgets.FileUpload(
            accept=UPLOAD_TYPES, multiple=False, description=t("explore.upload")
        )
        upload.observe(self._on_upload, "value")
        title = widgets.HTML(f"<h2>{escape(t('explore.title'))}</h2>")
        header = [widgets.HBox([title]), widgets.HBox([lang_toggle, upload, self.status])]
        self.problem.value = self.problem.value  # kept across rebuilds
        if self.explorer is None:
            self.root.children = [*header, self.problem]
            self._set_busy(None)
            return
        panel = self.explorer.panel
        summary = t("explore.loaded", summary=panel_summary(panel, self.state.lang))
        loaded = widgets.HTML(f"<p class='ntm-loaded'>{escape(summary)}</p>")
        banner = widgets.HTML(synthetic_html(panel, self.state.lang))
        banner.add_class("ntm-synthetic-banner")
        tabs = widgets.Tab(
            children=[self._build_standing(), self._build_criterion(), self._build_what_if()]
        )
        tabs.titles = [
            t("explore.tab.standing"),
            t("explore.tab.criterion"),
            t("explore.tab.what_if"),
        ]
        self.tabs = tabs
        self.root.children = [*header, self.problem, banner, loaded, tabs]
        self._set_busy(None)
        for update in self.updates.values():
            update(now)

    def _t(self, key: str, **fmt: object) -> str:
        return i18n.t(key, self.state.lang, **fmt)

    @staticmethod
    def _problem_html(text: str) -> str:
        if not text:
            return ""
        return (
            "<pre style='white-space:pre-wrap;border:2px solid #D55E00;padding:0.5em'>"
            f"{escape(text)}</pre>"
        )

    # -- where we stand -------------------------------------------------------------------
    def _build_standing(self) -> widgets.Widget:
        s, ex, t = self.state, self.explorer, self._t
        self.district = widgets.Dropdown(
            options=_options(ex.district_options(s.lang)),
            value=ALL if s.district is None else s.district,
            description=t("explore.control.district"),
        )
        self.commune = widgets.Dropdown(
            options=_options(ex.commune_options(s.district, s.lang)),
            value=ALL if s.commune is None else s.commune,
            description=t("explore.control.commune"),
        )
        self.year = widgets.Dropdown(
            options=ex.years, value=s.year, description=t("explore.control.year")
        )
        self.district.observe(self._on_district, "value")
        self.commune.observe(self._on_standing_control, "value")
        self.year.observe(self._on_standing_control, "value")
        self.figures = widgets.HTML()
        self.figures.add_class("ntm-figures-box")
        self.heatmap = _image()
        self.trend = _image()
        return widgets.VBox(
            [
                widgets.HBox([self.district, self.commune, self.year]),
                widgets.HBox([self.figures, self.trend]),
                self.heatmap,
            ]
        )

    def _on_district(self, change: dict) -> None:
        self.state.district = _picked(change["new"])
        self.state.commune = None
        self.commune.unobserve(self._on_standing_control, "value")
        self.commune.options = _options(
            self.explorer.commune_options(self.state.district, self.state.lang)
        )
        self.commune.value = ALL
        self.commune.observe(self._on_standing_control, "value")
        self.updates["standing"]()

    def _on_standing_control(self, change: dict) -> None:
        self.state.commune = _picked(self.commune.value)
        self.state.year = self.year.value
        self.updates["standing"]()

    def _update_standing(self, is_current: Callable[[], bool]) -> None:
        s = self.state
        unit = s.commune if s.commune is not None else s.district
        result = self.explorer.standing(unit, s.year, s.lang)
        figures, trend, heatmap = (
            figures_html(result, s.lang),
            _png(result.trend),
            _png(result.heatmap),
        )
        if is_current():
            self.figures.value, self.trend.value, self.heatmap.value = figures, trend, heatmap

    # -- one criterion --------------------------------------------------------------------
    def _build_criterion(self) -> widgets.Widget:
        s, t = self.state, self._t
        self.criterion = widgets.Dropdown(
            options=self.explorer.criterion_options(s.lang),
            value=s.criterion,
            description=t("explore.control.criterion"),
            layout=widgets.Layout(width="32em"),
        )
        self.criterion.observe(self._on_criterion, "value")
        self.criterion_chart = _image()
        self.criterion_table = widgets.HTML()
        self.criterion_table.add_class("ntm-criterion-table")
        return widgets.VBox([self.criterion, self.criterion_chart, self.criterion_table])

    def _on_criterion(self, change: dict) -> None:
        self.state.criterion = change["new"]
        self.updates["criterion"]()

    def _update_criterion(self, is_current: Callable[[], bool]) -> None:
        s = self.state
        chart = _png(self.explorer.criterion_view(s.criterion, s.lang))
        table = table_html(self.explorer.criterion_table(s.criterion, s.lang))
        if is_current():
            self.criterion_chart.value, self.criterion_table.value = chart, table

    # -- what if --------------------------------------------------------------------------
    def _build_what_if(self) -> widgets.Widget:
        s, ex, t = self.state, self.explorer, self._t
        wide = {"description_width": "16em"}
        self.boosted = widgets.SelectMultiple(
            options=ex.criterion_options(s.lang),
            value=s.boosted,
            rows=6,
            description=t("explore.control.boosted"),
            style=wide,
            layout=widgets.Layout(width="40em"),
        )
        self.boosted.observe(self._on_boosted, "value")
        self.sliders = widgets.VBox()
        self._make_sliders()
        self.priority = widgets.SelectMultiple(
            options=ex.priority_options(),
            value=s.priority,
            rows=8,
            description=t("explore.control.priority"),
            style=wide,
            layout=widgets.Layout(width="40em"),
        )
        self.priority.add_class("ntm-priority")
        self.priority_odds = self._odds_slider(
            t("explore.control.priority_odds"), s.priority_odds, "ntm-priority-odds"
        )
        self.target = widgets.BoundedIntText(
            value=s.target,
            min=0,
            max=len(ex.panel.communes),
            description=t("explore.control.target"),
            style=wide,
        )
        self.target_year = widgets.Dropdown(
            options=ex.target_years,
            value=s.target_year,
            description=t("explore.control.target_year"),
            style=wide,
        )
        for control in (self.priority, self.target, self.target_year):
            control.observe(self._on_what_if_control, "value")
        self.what_if_text = widgets.HTML()
        self.what_if_text.add_class("ntm-whatif-box")
        self.fan_baseline = _image()
        self.fan_scenario = _image()
        half = widgets.Layout(width="50%")
        return widgets.VBox(
            [
                widgets.HTML(f"<p>{escape(t('explore.control.odds_help'))}</p>"),
                self.boosted,
                self.sliders,
                self.priority,
                widgets.HTML(f"<small>{escape(t('explore.control.priority_help'))}</small>"),
                self.priority_odds.box,
                widgets.HBox([self.target, self.target_year]),
                self.what_if_text,
                widgets.HBox(
                    [
                        widgets.Box([self.fan_baseline], layout=half),
                        widgets.Box([self.fan_scenario], layout=half),
                    ]
                ),
            ]
        )

    def _odds_slider(self, label: str, value: float, css: str) -> widgets.FloatSlider:
        """A multiplier slider whose value is written as in the reports ("×1,5"): the
        slider's own readout knows only the English "1.50". ``slider.box`` holds both."""
        slider = widgets.FloatSlider(
            value=value,
            min=ODDS_MIN,
            max=ODDS_MAX,
            step=ODDS_STEP,
            description=label,
            style={"description_width": "16em"},
            continuous_update=False,
            readout=False,
            layout=widgets.Layout(width="36em"),
        )
        readout = widgets.Label()
        readout.add_class("ntm-odds-readout")

        def show(_: object = None) -> None:
            readout.value = "×" + i18n.fmt_number(slider.value, self.state.lang, 1)

        show()
        slider.observe(show, "value")
        slider.observe(self._on_what_if_control, "value")
        slider.add_class(css)
        slider.box = widgets.HBox([slider, readout])
        return slider

    def _make_sliders(self) -> None:
        self.odds_sliders = []
        for label, c in self.explorer.criterion_options(self.state.lang):
            if c in self.state.boosted:
                slider = self._odds_slider(label, self.state.odds.get(c, 1.0), f"ntm-odds-{c}")
                slider.criterion = c
                self.odds_sliders.append(slider)
        self.sliders.children = [slider.box for slider in self.odds_sliders]

    def _on_boosted(self, change: dict) -> None:
        self._read_sliders()
        self.state.boosted = tuple(change["new"])
        self._make_sliders()
        self._read_sliders()
        self.updates["what_if"]()

    def _read_sliders(self) -> None:
        self.state.odds = {s.criterion: s.value for s in self.odds_sliders}

    def _on_what_if_control(self, change: dict) -> None:
        s = self.state
        self._read_sliders()
        s.priority = tuple(self.priority.value)
        s.priority_odds = self.priority_odds.value
        s.target = self.target.value
        s.target_year = self.target_year.value
        self.updates["what_if"]()

    def _update_what_if(self, is_current: Callable[[], bool]) -> None:
        s, ex = self.state, self.explorer
        odds = {c: v for c, v in s.odds.items() if c in s.boosted}
        result = ex.what_if(odds, s.priority, s.priority_odds, s.target, s.target_year)
        text = what_if_html(result, s.lang)
        if is_current():
            self.what_if_text.value = text
        key = (s.target_year, s.target, s.lang)
        if getattr(self, "_fan_key", None) != key and is_current():
            self.fan_baseline.value = _png(
                ex.fan(result.baseline, s.target, s.lang, "explore.fan.baseline")
            )
            self._fan_key = key
        scenario = _png(ex.fan(result.scenario, s.target, s.lang, "explore.fan.scenario"))
        if is_current():
            self.fan_scenario.value = scenario

    # -- language, data file, status ------------------------------------------------------
    def _on_lang(self, change: dict) -> None:
        self.state.lang = change["new"]
        self._fan_key = None
        self.problem.value = ""
        self.build()

    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        if self._upload_dir is not None:
            self._upload_dir.cleanup()
        self._upload_dir = tempfile.TemporaryDirectory(prefix="ntm-explore-")
        path = Path(self._upload_dir.name) / Path(item["name"]).name
        path.write_bytes(bytes(item["content"]))
        self.load(path)

    def load(self, path: str | Path) -> bool:
        """Show another panel file; a file that cannot be loaded is listed as ``ntm
        validate`` lists it, and the data shown so far stays."""
        try:
            explorer = Explorer.open(RunConfig(data_path=str(path)))
        except (DataError, MessageError) as exc:
            self.problem.value = self._problem_html(exc.render(self.state.lang))
            return False
        self.explorer = explorer
        self.problem.value = ""
        self._fan_key = None
        self._init_state()
        self.build()
        return True

    def _set_busy(self, busy: bool | None) -> None:
        with self._busy_lock:
            if busy is not None:
                self._busy = max(0, self._busy + (1 if busy else -1))
            computing = self._busy > 0
        text = self._t("explore.computing" if computing else "explore.ready")
        self.status.value = (
            f"<span class='ntm-{'computing' if computing else 'ready'}'>{escape(text)}</span>"
        )

    def _repr_mimebundle_(self, **kwargs) -> dict:
        """The explorer's widget, and a picture of the chosen criterion's chart for a
        notebook run without a live kernel (papermill, an exported or re-opened notebook):
        a front end with widgets shows the widget, any other the picture."""
        data = self.root._repr_mimebundle_(**kwargs)
        if self.explorer is not None:
            chart = self.explorer.criterion_view(self.state.criterion, self.state.lang)
            data["image/png"] = base64.b64encode(_png(chart)).decode("ascii")
        return data

    def _show_error(self, exc: Exception) -> None:
        """An update that failed: its message in the user's language where it has one (a
        bad scenario), else the exception's text, so the page never fails silently."""
        message = exc.render(self.state.lang) if isinstance(exc, MessageError) else repr(exc)
        self.problem.value = self._problem_html(self._t("explore.error", message=message))

    def wait(self, timeout: float = 60.0) -> bool:
        """Block until every scheduled update is done (tests, benchmarks)."""
        return all(update.wait(timeout) for update in self.updates.values())


def show(
    data_path: str | Path | None = "",
    lang: str = DEFAULT_LANG,
    district: str | int = "",
    criterion: int = config_default("criterion"),
) -> ExplorerApp:
    """The explorer, for a notebook's last line (it displays as its widget)."""
    return ExplorerApp.from_path(data_path, lang, district, criterion)
