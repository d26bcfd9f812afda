"""Width decomposition of the province count's predictive four years ahead (issue 13).

For a few calibration-suite cases, the model's forecast of the count of communes meeting the
standard at the origin + 4 is re-simulated with one source of uncertainty removed at a time:
the trend held at its posterior mean, the year-shock spread held at its posterior mode (not
drawn per draw), no future year shocks, every gain coefficient at its posterior mean, the
commune effects held at their posterior means; and with the trend fit alone / the no-trend
fit alone (in both capacity forms). Their 80% widths (q90 − q10) beside the ideal's (the
true process from the true state) say which component makes the excess width. Usage::

    python -m benchmarks.diagnostics.width_trend --cases year_shocks:0:2014,strong_communes:1:2014
"""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np
import pandas as pd

from ntm_analysis.model import forecast as fc
from ntm_analysis.model import transitions as tr
from ntm_analysis.model.calibration import ideal_draws, realised
from ntm_analysis.model.known_processes import SCENARIOS

N_DRAWS, HORIZON = 2000, 4
_original = fc._component_draws


def _variant(kind: str):
    """A ``_component_draws`` with one source of uncertainty removed (``kind``)."""

    def draws(model, n, rng, codes, districts, horizon):
        d = _original(model, n, rng, codes, districts, horizon)
        if kind == "trend_mean":
            d.gain[:, tr.TREND] = model.gain_params[tr.TREND] if model.trend_weight else 0.0
        elif kind == "year_mode":
            grid, prob = model.gain_posterior.sd_posterior("year")
            d = replace(d, shocks=rng.standard_normal(d.shocks.shape) * grid[np.argmax(prob)])
        elif kind == "no_shocks":
            d = replace(d, shocks=np.zeros_like(d.shocks))
        elif kind == "fixed_mean":  # every gain coefficient (trend included) at its mean
            d.gain[:] = (
                model.gain_params
                if model.trend_weight
                else np.where(np.arange(d.gain.shape[1]) == tr.TREND, 0.0, model.gain_params)
            )
        elif kind == "commune_mean":
            d = replace(d, commune=np.broadcast_to(d.commune.mean(0), d.commune.shape).copy())
        return d

    return draws


def quantiles(x: np.ndarray) -> dict[str, float]:
    q10, q50, q90 = np.quantile(x, [0.1, 0.5, 0.9])
    return {"q10": q10, "q50": q50, "q90": q90, "width80": q90 - q10}


def trend_variants(model: tr.TransitionModel) -> dict[str, tr.TransitionModel]:
    """The fit as it is, its trend fit alone and its no-trend fit alone, each capacity form
    alike (``TransitionModel.component``): setting ``trend_weight`` on the chosen form alone
    would leave the other form's draws (``other_form``) mixed with and without the trend."""
    return {
        "as_is": model,
        "trend_fit_only": model.component(True),
        "no_trend_only": model.component(False),
    }


def one(name: str, replicate: int, origin: int) -> list[dict]:
    truth = realised(SCENARIOS[name], replicate)
    panel = truth.panel(origin)
    last = origin + HORIZON
    model = tr.fit(panel)
    ideal = ideal_draws(truth, origin, last, N_DRAWS, 1).count[:, -1]
    actual = float((truth.states[last].all(axis=1)).sum())
    rows = [{"variant": "ideal", **quantiles(ideal)}]
    fits = trend_variants(model)
    for kind in (
        "as_is",
        "trend_fit_only",
        "no_trend_only",
        "trend_mean",
        "year_mode",
        "no_shocks",
        "fixed_mean",
        "commune_mean",
    ):
        fc._component_draws = _variant(kind)
        try:
            m = fits.get(kind, model)
            f = fc.simulate(panel, m, last, N_DRAWS, 7)
            x = f.unit_draws(None, "ntm")[:, -1].astype(float)
        finally:
            fc._component_draws = _original
        rows.append({"variant": kind, **quantiles(x), "pit_actual": float((x < actual).mean())})
    meta = {
        "case": f"{name}:{replicate}:{origin}",
        "weight": model.trend_weight,
        "actual": actual,
        "pit_ideal": float((ideal < actual).mean()),
    }
    return [{**meta, **r} for r in rows]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", required=True)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    rows = []
    for spec in args.cases.split(","):
        name, r, o = spec.split(":")
        rows += one(name, int(r), int(o))
    df = pd.DataFrame(rows)
    if args.out:
        df.to_csv(args.out, index=False)
    print(df.round(2).to_string(index=False))


if __name__ == "__main__":
    main()
