"""Who next: the communes most likely to meet the NTM standard, and why each ranks where it does.

A hearing asks which communes the province should register for recognition next year and
which by the target year. The list ranks every commune not yet meeting all 19 criteria by its
simulated chance of meeting the standard **next year**, then by its chance **in the target
year**, then by criteria met. Each row carries what the commune still lacks and the reasons
for its place, because the probabilities alone can look wrong. Investigated on the bundled
data (Hữu Lũng, 2,000 draws, seeds 0–2): a commune with 17 criteria shows 96% for 2020 while
communes with 13 and 12 show 96–97%, and their order changes from seed to seed. Three
things, all real, explain such orderings, and each is named where it applies:

- **simulation noise**: a probability from 2,000 draws has a standard error of about 0.4
  points near 96%; two communes whose chances differ by less than twice the combined error
  are tied, whatever the order printed (``tied``);
- **the ceiling of losses**: a commune that meets all 19 can lose one at re-assessment, so
  the chance of meeting the standard *in* a given year levels off below 100% (about 96–97%
  here) once a commune is likely to have reached it, and the four communes above all sit at
  it by 2020 (``ceiling``); where exactly depends on how fast a commune regains a lost
  criterion, i.e. on its own record;
- **what is missing and the commune's own record**: two hard criteria (income, production
  organisation) take longer than several easy ones (``hard``), and the model's commune
  effect (its own track record, shrunk towards the average) slows or speeds a commune
  (``slow``/``fast``).

``priority_table`` returns the numbers and the reasons as keys with their values (the
``REASONS``); ``report.priority`` puts them in words (``i18n`` keys ``priority.reason.*``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ntm_analysis.core.criteria import N_CRITERIA
from ntm_analysis.core.panel import Panel
from ntm_analysis.model.forecast import Forecast
from ntm_analysis.model.metrics import missing_criteria

N_HARD = 5  # the criteria with the lowest yearly gain odds in the model count as "hard"
COMMUNE_EFFECT = 0.2  # log-odds (about 1 SD of the fitted commune effects): "own record" shown
CEILING = 0.9  # a chance this high that changed less than LEVEL in the last year has levelled off
LEVEL = 0.01
LIKELY_NEXT = 0.5  # "likely already next year"
TIE_SE = 2.0  # chances closer than this many combined standard errors are tied
# the reason keys, in the order a row lists them, and the values each carries
REASONS = {
    "next": ("k", "year"),  # likely already next year: k criteria missing
    "hard": ("criteria",),  # hard criteria missing (numbers)
    "tied": ("year", "points"),  # tied with communes meeting fewer (within ``points``, in points)
    "behind": ("year",),  # communes meeting fewer criteria have clearly better chances
    "ceiling": ("peak", "year"),  # levelled off at the ceiling of losses (``peak``, a share)
    "slow": (),  # the commune's own record slows it
    "fast": (),  # … or speeds it
}


def hard_criteria(forecast: Forecast) -> list[int]:
    """The ``N_HARD`` criteria with the lowest gain log-odds in the fitted model."""
    if forecast.model is None:
        return []
    gains = np.asarray(forecast.model.gain_params[:N_CRITERIA], float)
    return [int(c) + 1 for c in np.argsort(gains)[:N_HARD]]


def _standard_error(p: np.ndarray, n: int) -> np.ndarray:
    """Monte Carlo standard error of a share of ``n`` draws (never 0: a share of 0 or 1
    from ``n`` draws is uncertain by about 1/n)."""
    return np.sqrt(np.maximum(p * (1 - p), 0.25 / n) / n)


def priority_table(
    panel: Panel, forecast: Forecast, unit: int | None = None, year: int | None = None
) -> pd.DataFrame:
    """Every commune of the unit not yet meeting all 19 criteria at the as-of year, ranked.

    Columns: ``rank``, ``commune_code``, ``commune_name``, ``district_code``, ``n_met``,
    ``missing`` (criterion numbers), ``p_next`` and ``p_target`` (chance of meeting the
    standard in the first forecast year and in ``year``, default the last), their standard
    errors ``se_next``/``se_target``, ``p_peak`` (highest yearly chance up to ``year``),
    ``p_before`` (the chance the year before ``year``), ``effect`` (the commune's own shift,
    log-odds) and ``reasons`` (a list of ``(key, values)``, keys and values as ``REASONS``).
    """
    year = forecast.years[-1] if year is None else int(year)
    next_year = forecast.years[0]
    unit_panel = panel if unit is None else panel.subset(districts=[unit])
    table = missing_criteria(unit_panel, forecast.as_of)
    table = table[table["n_met"] < N_CRITERIA].copy()
    probs = forecast.commune_probabilities(unit).pivot(
        index="commune_code", columns="year", values="p_ntm"
    )
    upto = [y for y in forecast.years if y <= year]
    table["p_next"] = table["commune_code"].map(probs[next_year]).astype(float)
    table["p_target"] = table["commune_code"].map(probs[year]).astype(float)
    table["p_peak"] = table["commune_code"].map(probs[upto].max(axis=1)).astype(float)
    before = probs[upto[-2]] if len(upto) > 1 else probs[year]
    table["p_before"] = table["commune_code"].map(before).astype(float)
    n = forecast.n_draws
    table["se_next"] = _standard_error(table["p_next"].to_numpy(), n)
    table["se_target"] = _standard_error(table["p_target"].to_numpy(), n)
    effects = (
        forecast.model.communes.set_index("commune_code")["effect"]
        if forecast.model is not None
        else pd.Series(dtype=float)
    )
    table["effect"] = table["commune_code"].map(effects).astype(float).fillna(0.0)
    table = table.sort_values(
        ["p_next", "p_target", "n_met", "commune_code"], ascending=[False, False, False, True]
    ).reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    hard = hard_criteria(forecast)
    # the columns each row is compared with, as arrays: a pandas filter per row cost ~1 ms
    # (a district's 30 rows, the province's 300: batch13), the same comparisons on arrays
    # a few µs, with the same values
    others = {k: table[k].to_numpy(float) for k in ("n_met", "p_target", "se_target")}
    table["reasons"] = [
        _reasons(row, others, hard, next_year, year) for row in table.itertuples(index=False)
    ]
    columns = [
        "rank",
        "commune_code",
        "commune_name",
        "district_code",
        "n_met",
        "missing",
        "p_next",
        "se_next",
        "p_target",
        "se_target",
        "p_peak",
        "p_before",
        "effect",
        "reasons",
    ]
    return table[columns]


def _reasons(
    row: Any, others: dict[str, np.ndarray], hard: list[int], next_year: int, year: int
) -> list[tuple[str, dict[str, Any]]]:
    """Why this commune sits where it does (see the module docstring); ``others``: the
    table's ``n_met``, ``p_target`` and ``se_target`` columns."""
    out: list[tuple[str, dict[str, Any]]] = []
    missing = [int(c) for c in row.missing]
    if row.p_next >= LIKELY_NEXT:
        out.append(("next", {"k": len(missing), "year": next_year}))
    hard_missing = [c for c in missing if c in hard]
    if hard_missing:
        out.append(("hard", {"criteria": hard_missing}))
    # communes with fewer criteria met but a higher chance in the target year
    above = (others["n_met"] < row.n_met) & (others["p_target"] > row.p_target)
    if above.any():
        combined = np.sqrt(others["se_target"][above] ** 2 + row.se_target**2)
        if bool(((others["p_target"][above] - row.p_target) <= TIE_SE * combined).all()):
            points = 100 * TIE_SE * float(np.nanmax(combined))  # NaN skipped, as pandas does
            out.append(("tied", {"year": year, "points": points}))
        else:
            out.append(("behind", {"year": year}))
    if row.p_peak >= CEILING and abs(row.p_target - row.p_before) < LEVEL:
        out.append(("ceiling", {"peak": row.p_peak, "year": year}))
    if row.effect <= -COMMUNE_EFFECT:
        out.append(("slow", {}))
    elif row.effect >= COMMUNE_EFFECT:
        out.append(("fast", {}))
    return out


def max_half_width(table: pd.DataFrame) -> float:
    """The widest 95% Monte Carlo half-width of the probabilities shown, in points."""
    if table.empty:
        return 0.0
    return float(100 * 1.96 * max(table["se_next"].max(), table["se_target"].max()))
