"""The forecast's components scored apart on calibration-suite cases (issue 13).

The headline mixes draws of the trend fit and of the no-trend fit (``trend_weight``), and of
the two capacity forms (``other_form``). Each case is fitted once and simulated five ways with
the same seed: the product's mixture (``main``), the trend fit alone (``trend``:
``TransitionModel.component(True)``), the no-trend fit alone (``no_trend``), and each capacity
form alone (``level``, ``count``: the model itself where it has one form), so a lopsided PIT
can be traced to a component (benchmarks/notes/loss12.md). Usage::

    python -m benchmarks.diagnostics.comp12 --replicates 8 --out /tmp/comp12.csv
"""

from __future__ import annotations

import argparse
from dataclasses import replace

import pandas as pd

from benchmarks.diagnostics.cases import case_arguments, scored_cases, summary
from ntm_analysis.model import transitions as tr
from ntm_analysis.model.calibration import as_draws
from ntm_analysis.model.forecast import simulate

LONG = "strong_communes,year_shocks,quota,push_at_12,accelerating,three_year_panels"
_LAST: list = []  # [(history, its fit)]: the forecasters of one case share one fit


def _fitted(history) -> tr.TransitionModel:
    # held by reference, compared by identity (an id() can be reused once a panel is freed)
    if not _LAST or _LAST[0][0] is not history:
        _LAST[:] = [(history, tr.fit(history))]
    return _LAST[0][1]


def _form(model: tr.TransitionModel, form: str) -> tr.TransitionModel:
    """The fit of capacity form ``form`` alone (the model itself where it has one form)."""
    if model.other_form is None or model.capacity_form == form:
        return replace(model, other_form=None)
    return model.other_form


def _forecaster(kind: str):
    def run(history, last_year, n_draws, seed):
        model = _fitted(history)
        if kind in ("trend", "no_trend") and model.no_trend is not None:
            model = model.component(kind == "trend")
        elif kind in ("level", "count"):
            model = _form(model, kind)
        return as_draws(simulate(history, model, last_year, n_draws, seed))

    return run


FORECASTERS = {k: _forecaster(k) for k in ("main", "trend", "no_trend", "level", "count")}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    case_arguments(parser, 8, 0, LONG)
    cases = scored_cases(parser.parse_args(argv), FORECASTERS)
    pd.set_option("display.width", 250)
    print(summary(cases).to_string())


if __name__ == "__main__":
    main()
