"""Section: the explorer's scenario update in a warm kernel, against the simulation it runs.

A planner moves a "what if" slider; the explorer answers with the new probability, expected
count and fan chart. Measured here is that whole update as the widget callback runs it
(``delay=None``: in this thread, no debounce wait) — the scenario simulated again on the
model fitted once, with the baseline's seed (common random numbers), the headline table
written and the scenario's fan chart drawn to PNG — on the bundled Lạng Sơn data at 2,000
draws, to 2020. Each timed call moves the slider to a new value, so nothing is cached.

The reference is the bare engine call (``forecast.simulate``) for the same scenario: the
ratio is what the explorer adds around the simulation (table, chart). The goal is the issue's:
an update answers within 1 s. ``explorer.numbers`` is the update without the chart: the
headline figures, which are shown first.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from .common import Row, interleaved

TARGET_YEAR = 2020
GOAL_SECONDS = 1.0


def draws(quick: bool) -> int:
    return 500 if quick else 2000


def cases(n_draws: int) -> dict[str, Callable[[], object]]:
    """Setup (outside any timing): a warm explorer (fitted, baseline simulated, charts drawn)
    and the calls to time."""
    from ntm_analysis.explorer.compute import Explorer
    from ntm_analysis.explorer.ui import ExplorerApp
    from ntm_analysis.explorer.views import what_if_html
    from ntm_analysis.io.load import load_panel
    from ntm_analysis.model.forecast import simulate

    explorer = Explorer(load_panel(), n_draws=n_draws)
    app = ExplorerApp(explorer, "vi", delay=None)
    app.target_year.value = TARGET_YEAR
    slider = app.odds_sliders[0]
    values = itertools.cycle([1.5, 2.0, 2.5, 3.0, 1.2])
    odds = itertools.cycle([1.5, 2.0, 2.5, 3.0, 1.2])

    def update() -> None:
        slider.value = next(values)
        assert app.problem.value == "", app.problem.value

    def numbers() -> None:
        result = explorer.what_if({10: next(odds)}, (), target=77, year=TARGET_YEAR)
        what_if_html(result, "vi")

    def engine() -> None:
        scenario = explorer.scenario({10: next(odds)})
        simulate(explorer.panel, explorer.model, TARGET_YEAR, n_draws, explorer.seed, scenario)

    return {"update": update, "numbers": numbers, "engine": engine}


def rows(quick: bool) -> list[Row]:
    n_draws = draws(quick)
    best = interleaved(cases(n_draws), repeat=1 if quick else 7, warmup=True)
    common = {
        "ref_label": f"simulate alone ({n_draws} draws)",
        "ref_seconds": best["engine"],
        "goal": f"≤ {GOAL_SECONDS:g} s",
    }
    return [
        Row(
            id="explorer.update",
            label=f"what-if slider → figures + fan chart, {n_draws} draws",
            seconds=best["update"],
            met=None if quick else bool(best["update"] <= GOAL_SECONDS),
            **common,
        ),
        Row(
            id="explorer.numbers",
            label=f"what-if → figures only, {n_draws} draws",
            seconds=best["numbers"],
            met=None if quick else bool(best["numbers"] <= GOAL_SECONDS),
            **common,
        ),
    ]


def expected_ids(quick: bool) -> list[str]:
    return ["explorer.update", "explorer.numbers"]
