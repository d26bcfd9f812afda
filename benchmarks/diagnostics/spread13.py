"""Does a wider commune spread lift the low count forecast? A probe on calibration-suite cases.

csd13 (session 8) found the fitted commune spread 0.71–0.89 of the process's residual spread,
and loss12 (session 12) the level form's commune probabilities compressed four years ahead,
so a too-small spread was a candidate for the long panels' low median. Each case is fitted
twice — as the product does, and with the quadrature commune spread (``glmm.
quadrature_commune_sd``, the step that sets it) scaled by ``--factor`` and the mode refitted
at it — and simulated with the same seed. A probe, not a candidate: the factor is not
estimated (benchmarks/notes/probe13.md). Usage::

    python -m benchmarks.diagnostics.spread13 --scenarios strong_communes --replicates 12 \
        --first 300 --out /tmp/spread13.csv
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator

import pandas as pd

from benchmarks.diagnostics.cases import case_arguments, scored_cases, summary
from ntm_analysis.model import glmm
from ntm_analysis.model import transitions as tr
from ntm_analysis.model.calibration import as_draws
from ntm_analysis.model.forecast import simulate


@contextlib.contextmanager
def commune_spread_scaled(factor: float) -> Iterator[None]:
    """Within the block, every fit's quadrature commune spread is ``factor`` × its own."""
    own = glmm.quadrature_commune_sd
    glmm.quadrature_commune_sd = lambda *a, **k: factor * own(*a, **k)
    try:
        yield
    finally:
        glmm.quadrature_commune_sd = own


def forecaster(factor: float):
    def run(history, last_year, n_draws, seed):
        with commune_spread_scaled(factor):
            model = tr.fit(history)
        return as_draws(simulate(history, model, last_year, n_draws, seed))

    return run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    case_arguments(parser, 12, 300, "strong_communes,accelerating")
    parser.add_argument("--factor", type=float, default=1.25)
    args = parser.parse_args(argv)
    scaled = {"main": forecaster(1.0), f"spread_x{args.factor:g}": forecaster(args.factor)}
    cases = scored_cases(args, scaled)
    pd.set_option("display.width", 250)
    print(summary(cases).to_string())


if __name__ == "__main__":
    main()
