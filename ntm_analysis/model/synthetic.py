"""A seeded generator of synthetic commune × criterion × year panels, and the bundled demo panel.

Why synthetic: commune-level New Rural Development (NTM) assessments are not published as open
data, so the project ships a *simulated* Lạng Sơn panel that reproduces the province-level
figures that *are* published (see ``data/lang_son_published_figures.csv``) and lets every
notebook and report run end to end. Commune names and codes are placeholders ("Xã TĐ-01",
"X18001"); nothing in the bundled panel may be presented as a real commune's result.

The model (one draw per commune, criterion and year; every parameter in ``GeneratorParams``)::

    capacity_i        ~ N(0, capacity_sd)          latent starting capacity, unobserved
    commune_effect_i  ~ N(0, commune_sd)           persistent effect on gains, unobserved
    difficult_i       = especially difficult commune (xã ĐBKK); a fixed share per district

    first year:  P(met) = sigmoid(init_intercept + init_easiness[c] + capacity_i
                                  + init_difficult * difficult_i + district_init_shift[d])

    t -> t+1, criterion not met at t:
        P(gain) = sigmoid(gain_intercept + gain_criterion[c] + b_n_met * n_met_it
                          + b_close * 1[n_met_it >= close_threshold]
                          + b_difficult * difficult_i + b_trend * (t - first_year)
                          + district_effect[d] + commune_effect_i)
    t -> t+1, criterion met at t:
        P(loss) = sigmoid(loss_intercept + loss_criterion[c] + b_loss_n_met * n_met_it)

where ``n_met_it`` is the number of criteria commune i meets at t. ``year`` is the end-of-year
assessment, so the first year's state is the end-2011 situation, not a pre-programme baseline.

Randomness is drawn in a fixed order from ``numpy.random.default_rng(seed)``: capacity,
commune effect, the keys that pick the especially difficult communes, then one uniform ``u``
per year, commune and criterion. A met criterion is kept when ``u < 1 - P(loss)``, an unmet one
is gained when ``u < P(gain)``. With this coupling, for a fixed seed, raising a gain term never
lowers any commune's count (as long as ``b_n_met``, ``b_close`` >= 0, ``b_loss_n_met`` <= 0
and P(gain) + P(loss) <= 1 in every cell, which fails only where a gain is all but certain), so
comparisons between parameter sets are free of simulation noise.

``calibrated_lang_son`` is the bundled panel. The default parameters (``LANG_SON_PARAMS``) put
the *expected* figures near the published ones (over 20,000 seeds: end-2015 mean 7.43 and 11.6
communes meeting all 19, end-2016 mean 8.52 and 21.7); the bundled draw is the first seed from
``CALIBRATION_SEED_START`` whose draw meets every ``CalibrationTargets`` condition (rejection
sampling: about 1 draw in 1,000 does; no cell is edited by hand). ``python -m
ntm_analysis.model.synthetic`` rewrites the file; ``data/README.md`` is the data card.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ntm_analysis.core.communes import Registry
from ntm_analysis.core.criteria import CRITERIA_NUMBERS, N_CRITERIA
from ntm_analysis.core.panel import Panel
from ntm_analysis.core.paths import PANEL_FILE, data_dir
from ntm_analysis.io.layout import write_panel
from ntm_analysis.io.reference import read_registry

DistrictValues = tuple[tuple[int, float], ...]  # (district_code, value) pairs; others use 0

DEFAULT_YEARS: tuple[int, ...] = tuple(range(2011, 2017))

# Criteria treated as hard / easy in the default parameters (numbers as in criteria.py).
HARD_CRITERIA: tuple[int, ...] = (6, 10, 11, 13, 17)
EASY_CRITERIA: tuple[int, ...] = (4, 14, 15, 18, 19)

# fmt: off
# Logit offsets by criterion 1..19 (see the data card for the reasoning behind each).
#                  1     2     3     4     5     6     7     8     9    10
_INIT_EASINESS = (-0.5, -1.5,  0.0,  3.5, -1.0, -2.5, -0.5,  1.5, -1.0, -2.5,
#                 11    12    13    14    15    16    17    18    19
                  -2.5,  1.0, -2.0,  1.0,  0.5,  0.0, -2.5,  2.0,  3.0)
_GAIN_CRITERION = (6.0, -0.5,  0.0,  4.5, -0.3, -0.6, -0.2,  1.0, -0.2, -0.6,
                   -0.6,  0.8, -0.6,  1.0,  1.0,  0.3, -0.6,  3.5,  4.5)
_LOSS_CRITERION = (-1.0,  0.3,  0.3, -0.5,  0.0,  0.0,  0.0,  0.0,  0.0,  1.0,
                    1.5,  0.3,  0.5,  0.0,  0.0,  0.0,  1.0, -0.5, -0.5)
# fmt: on

# Lạng Sơn districts (GSO codes): the city and the districts on National Road 1A / near the
# city start higher and move faster; the remote upland and border districts lower and slower.
# A qualitative judgement from geography, not an estimate.
_DISTRICT_INIT_SHIFT: DistrictValues = (
    (178, 2.2),  # Thành phố Lạng Sơn: peri-urban communes
    (180, -0.3),  # Tràng Định: border, remote
    (181, -0.4),  # Bình Gia: remote upland
    (182, 0.0),  # Văn Lãng: border, Tân Thanh gate
    (183, 0.4),  # Cao Lộc: around the city, border gates
    (184, -0.1),  # Văn Quan
    (185, 0.0),  # Bắc Sơn
    (186, 0.4),  # Hữu Lũng: southern lowland, National Road 1A
    (187, 0.3),  # Chi Lăng: National Road 1A
    (188, -0.2),  # Lộc Bình: border
    (189, -0.3),  # Đình Lập: remote, sparsely populated
)
_DISTRICT_GAIN_EFFECT: DistrictValues = (
    (178, 1.9),
    (180, -0.2),
    (181, -0.3),
    (182, 0.0),
    (183, 0.3),
    (184, 0.0),
    (185, 0.1),
    (186, 0.3),
    (187, 0.2),
    (188, -0.1),
    (189, -0.2),
)
# Share of communes flagged especially difficult (xã ĐBKK), by district. Lạng Sơn had 133
# communes in Programme 135 for 2017–2020 (Decision 900/QĐ-TTg); these shares give 133 of 207.
_DIFFICULT_SHARE: DistrictValues = (
    (178, 0.0),
    (180, 0.8),
    (181, 0.85),
    (182, 0.7),
    (183, 0.45),
    (184, 0.7),
    (185, 0.7),
    (186, 0.45),
    (187, 0.5),
    (188, 0.7),
    (189, 0.8),
)


_LOGIT_CLIP = 700.0


def sigmoid(x: np.ndarray | float) -> np.ndarray:
    """The logistic function 1 / (1 + exp(-x)); exp overflowing to inf gives exactly 0."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def _district_lookup(pairs: DistrictValues, codes: np.ndarray, default: float) -> np.ndarray:
    table = dict(pairs)
    return np.array([table.get(int(code), default) for code in codes], dtype=float)


@dataclass(frozen=True)
class GeneratorParams:
    """Every parameter of the generator; logits unless stated. Defaults: Lạng Sơn 2011–2016.

    Per-criterion tuples have 19 entries (criterion 1 first). District tuples are
    ``(district_code, value)`` pairs; a district not listed gets 0 (or
    ``difficult_share_default``), so the defaults also run on another province's registry.
    """

    # first year
    init_intercept: float = -2.16
    init_easiness: tuple[float, ...] = _INIT_EASINESS
    capacity_sd: float = 0.9
    init_difficult: float = -0.4
    district_init_shift: DistrictValues = _DISTRICT_INIT_SHIFT
    # gains
    gain_intercept: float = -5.96
    gain_criterion: tuple[float, ...] = _GAIN_CRITERION
    b_n_met: float = 0.46
    b_close: float = 4.1
    close_threshold: int = 15
    b_difficult: float = -0.4
    b_trend: float = 0.10
    district_effect: DistrictValues = _DISTRICT_GAIN_EFFECT
    commune_sd: float = 0.6
    # losses (re-assessment: a criterion once met can be found not met the next year)
    loss_intercept: float = -3.5
    loss_criterion: tuple[float, ...] = _LOSS_CRITERION
    b_loss_n_met: float = -0.2
    # especially difficult communes: round(share * communes) per district
    difficult_share: DistrictValues = _DIFFICULT_SHARE
    difficult_share_default: float = 0.0

    def __post_init__(self) -> None:
        for name in ("init_easiness", "gain_criterion", "loss_criterion"):
            value = getattr(self, name)
            if len(value) != N_CRITERIA:
                raise ValueError(f"{name} needs {N_CRITERIA} values, got {len(value)}")
        for name in ("capacity_sd", "commune_sd"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0")
        shares = [s for _, s in self.difficult_share] + [self.difficult_share_default]
        if any(not 0.0 <= s <= 1.0 for s in shares):
            raise ValueError("difficult shares must lie in [0, 1]")


LANG_SON_PARAMS = GeneratorParams()


@dataclass(frozen=True)
class _Layout:
    """Communes to simulate: codes, names and districts, in output order."""

    codes: list[str]
    names: list[str]
    district_codes: np.ndarray  # int, one per commune
    district_names: list[str]


def _layout(registry: Registry, communes_per_district: int | Mapping[int, int] | None) -> _Layout:
    codes: list[str] = []
    names: list[str] = []
    districts: list[int] = []
    district_names: list[str] = []
    for row in registry.districts.itertuples(index=False):
        code = int(row.district_code)
        if communes_per_district is None:
            n = int(row.n_communes)
        elif isinstance(communes_per_district, Mapping):
            n = int(communes_per_district.get(code, row.n_communes))
        else:
            n = int(communes_per_district)
        if n < 0:
            raise ValueError(f"negative number of communes for district {code}")
        for k in range(1, n + 1):
            codes.append(f"X{code}{k:02d}")
            names.append(f"Xã {row.short}-{k:02d}")
            districts.append(code)
            district_names.append(str(row.district_name))
    return _Layout(codes, names, np.array(districts, dtype=np.int64), district_names)


@dataclass(frozen=True)
class _Draw:
    """Simulated panels for one or more seeds (leading axis: seed)."""

    met: np.ndarray  # bool, (n_seeds, n_years, n_communes, 19)
    difficult: np.ndarray  # bool, (n_seeds, n_communes)


def _random_inputs(seed: int, n: int, n_years: int) -> tuple[np.ndarray, ...]:
    """Every random number one panel uses, drawn in a fixed order from ``default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    capacity_z = rng.standard_normal(n)
    commune_z = rng.standard_normal(n)
    keys = rng.random(n)  # which communes of a district are flagged especially difficult
    uniforms = rng.random((n_years, n, N_CRITERIA))  # first year, then each transition
    return capacity_z, commune_z, keys, uniforms


def simulate_communes(
    params: GeneratorParams, district_codes: np.ndarray, n_years: int, seeds: Sequence[int]
) -> _Draw:
    """The vectorised core, for several seeds at once; seed k's panel depends on seed k only."""
    n = len(district_codes)
    inputs = [_random_inputs(int(seed), n, n_years) for seed in seeds]
    capacity_z, commune_z, keys, uniforms = (np.stack(part) for part in zip(*inputs, strict=True))
    capacity = params.capacity_sd * capacity_z  # (S, n)
    commune_effect = params.commune_sd * commune_z
    # especially difficult: the round(share * n_d) communes of district d with the smallest keys
    difficult = np.zeros(keys.shape, dtype=bool)
    share = _district_lookup(params.difficult_share, district_codes, params.difficult_share_default)
    for code in np.unique(district_codes):
        idx = np.flatnonzero(district_codes == code)
        k = int(np.floor(share[idx[0]] * len(idx) + 0.5))
        order = np.argsort(keys[:, idx], axis=1, kind="stable")[:, :k]
        flags = np.zeros((len(keys), len(idx)), dtype=bool)
        np.put_along_axis(flags, order, True, axis=1)
        difficult[:, idx] = flags

    init_easiness = np.asarray(params.init_easiness)
    gain_criterion = np.asarray(params.gain_criterion)
    loss_criterion = np.asarray(params.loss_criterion)
    init_shift = _district_lookup(params.district_init_shift, district_codes, 0.0)
    gain_district = _district_lookup(params.district_effect, district_codes, 0.0)

    met = np.zeros((len(inputs), n_years, n, N_CRITERIA), dtype=bool)
    init_logit = (
        params.init_intercept
        + init_easiness
        + (capacity + params.init_difficult * difficult + init_shift)[..., None]
    )
    met[:, 0] = uniforms[:, 0] < sigmoid(init_logit)
    # the parts of the gain logit that do not change over time; sigmoid(a + b) is computed as
    # 1 / (1 + exp(-a) exp(-b)) so the (commune, criterion) part is exponentiated only once
    gain_fixed = (
        params.gain_intercept
        + gain_criterion
        + (params.b_difficult * difficult + gain_district + commune_effect)[..., None]
    )
    # logits clipped to +-700 (sigmoid is 0 or 1 there anyway) keep both factors finite
    exp_fixed = np.exp(-np.clip(gain_fixed, -_LOGIT_CLIP, _LOGIT_CLIP))
    # P(a met criterion is kept), by the number met (0..19) and criterion
    n_values = np.arange(N_CRITERIA + 1)[:, None]
    p_keep = 1.0 - sigmoid(params.loss_intercept + loss_criterion + params.b_loss_n_met * n_values)
    for t in range(n_years - 1):
        n_met = met[:, t].sum(axis=2)  # (S, n)
        commune_part = params.b_n_met * n_met + params.b_close * (n_met >= params.close_threshold)
        varying = np.clip(commune_part + params.b_trend * t, -_LOGIT_CLIP, _LOGIT_CLIP)
        with np.errstate(over="ignore"):
            p_gain = 1.0 / (1.0 + exp_fixed * np.exp(-varying)[..., None])
        threshold = np.where(met[:, t], p_keep[n_met], p_gain)
        met[:, t + 1] = uniforms[:, t + 1] < threshold
    return _Draw(met=met, difficult=difficult)


def _check_years(years: Sequence[int]) -> list[int]:
    years = [int(y) for y in years]
    if not years:
        raise ValueError("at least one year is needed")
    if years != list(range(years[0], years[0] + len(years))):
        raise ValueError(f"years must be consecutive and increasing, got {years}")
    return years


def _to_panel(layout: _Layout, draw: _Draw, years: list[int], source: str) -> Panel:
    """The first (only) seed of ``draw`` as a ``Panel``."""
    met, difficult = draw.met[0], draw.difficult[0]
    n_years, n, _ = met.shape
    codes = np.array(layout.codes, dtype=object)
    status = pd.DataFrame(
        {
            "commune_code": np.tile(np.repeat(codes, N_CRITERIA), n_years),
            "year": np.repeat(np.array(years, dtype=np.int64), n * N_CRITERIA),
            "criterion": np.tile(np.array(CRITERIA_NUMBERS, dtype=np.int64), n_years * n),
            "met": met.reshape(-1),
        }
    )
    communes = pd.DataFrame(
        {
            "commune_code": layout.codes,
            "commune_name": layout.names,
            "district_code": layout.district_codes,
            "district_name": layout.district_names,
            "difficult": difficult,
        }
    )
    return Panel.from_frames(status, communes, source=source, synthetic=True)


def simulate_panel(
    params: GeneratorParams = LANG_SON_PARAMS,
    registry: Registry | None = None,
    years: Sequence[int] = DEFAULT_YEARS,
    seed: int = 0,
    communes_per_district: int | Mapping[int, int] | None = None,
) -> Panel:
    """A synthetic panel (``Panel.synthetic=True``) with placeholder communes.

    ``registry`` defaults to the bundled Lạng Sơn units; ``communes_per_district`` overrides the
    registry's counts (one number for every district, or a ``{district_code: n}`` mapping), e.g.
    for larger panels in parameter-recovery tests. Communes are coded ``f"X{district}{k:02d}"``
    and named ``f"Xã {short}-{k:02d}"``; ``years`` must be consecutive.
    """
    registry = registry if registry is not None else read_registry()
    years = _check_years(years)
    layout = _layout(registry, communes_per_district)
    draw = simulate_communes(params, layout.district_codes, len(years), [seed])
    source = f"synthetic: ntm_analysis.model.synthetic.simulate_panel(seed={seed})"
    return _to_panel(layout, draw, years, source)


# ---------------------------------------------------------------------------------------------
# Calibration to the published Lạng Sơn figures


@dataclass(frozen=True)
class CalibrationTargets:
    """What a draw must reproduce to become the bundled panel.

    The first four are published (``data/lang_son_published_figures.csv``): the end-2016 mean
    8.5 and 24 communes meeting all 19; the end-2015 mean 7.4 (8.5 less the reported +1.1) and
    8 communes meeting the standard at 7 Dec 2015 (so at least 8 at year end); all 3 communes
    of Thành phố Lạng Sơn by end-2016. The rest are plausibility conditions of ours: the mean
    rises every year, almost no commune meets all 19 before 2014, and some criteria are lost.
    """

    last_year: int = 2016
    mean_last: float = 8.5
    n_ntm_last: int = 24
    mean_prev: float = 7.4
    n_ntm_prev_min: int = 8
    n_ntm_prev_max: int = 12  # ours: 8 on 7 Dec 2015, few more could be approved by 31 Dec
    all_ntm_districts: tuple[int, ...] = (178,)
    max_ntm_before: tuple[tuple[int, int], ...] = ((2011, 0), (2012, 1), (2013, 3))
    min_losses: int = 20  # commune-criterion losses over the whole panel
    min_below_5_last: int = 20  # the 2017 plan cuts communes below 5 criteria by 20
    max_gain_per_year: int = 7  # ours: no commune gains more than this in one year
    change_rounds_to: float | None = 1.1  # round(mean_last - mean_prev, 1); None to skip


LANG_SON_TARGETS = CalibrationTargets()

CALIBRATION_YEARS: tuple[int, ...] = DEFAULT_YEARS
ROUNDING_MARGIN = 0.044  # "rounds to x.y" is checked as |value - x.y| <= this
# Search start: the date of the provincial NTM conference that published the figures.
CALIBRATION_SEED_START = 20170207
# The first accepted seed from CALIBRATION_SEED_START (found by find_calibration_seed).
CALIBRATION_SEED = 20171272
MAX_SEED_TRIES = 100_000


def _checks(
    met: np.ndarray, district_codes: np.ndarray, years: list[int], targets: CalibrationTargets
) -> dict[str, np.ndarray]:
    """Each target's pass/fail for a batch of draws ``met`` (seed, year, commune, criterion)."""
    counts = met.sum(axis=3)  # (S, n_years, n)
    means = counts.mean(axis=2)  # (S, n_years)
    ntm = (counts == N_CRITERIA).sum(axis=2)
    at = {year: i for i, year in enumerate(years)}
    last, prev = at[targets.last_year], at[targets.last_year - 1]
    # "rounds to 8.5" with a margin: within ROUNDING_MARGIN of 8.5, so the figure still reads
    # 8.5 when a table first shows two decimals (8.54, never 8.55)
    checks = {
        f"mean {targets.last_year} rounds to {targets.mean_last}": (
            np.abs(means[:, last] - targets.mean_last) <= ROUNDING_MARGIN
        ),
        f"mean {targets.last_year - 1} rounds to {targets.mean_prev}": (
            np.abs(means[:, prev] - targets.mean_prev) <= ROUNDING_MARGIN
        ),
        f"{targets.n_ntm_last} communes meet all 19 in {targets.last_year}": (
            ntm[:, last] == targets.n_ntm_last
        ),
        f"{targets.n_ntm_prev_min}–{targets.n_ntm_prev_max} communes meet all 19 in "
        f"{targets.last_year - 1}": (
            (ntm[:, prev] >= targets.n_ntm_prev_min) & (ntm[:, prev] <= targets.n_ntm_prev_max)
        ),
        "the mean rises every year": (np.diff(means, axis=1) > 0).all(axis=1),
        f"at least {targets.min_losses} criteria lost": (
            (met[:, :-1] & ~met[:, 1:]).sum(axis=(1, 2, 3)) >= targets.min_losses
        ),
        f"at least {targets.min_below_5_last} communes below 5 criteria in {targets.last_year}": (
            (counts[:, last] < 5).sum(axis=1) >= targets.min_below_5_last
        ),
        f"no commune gains more than {targets.max_gain_per_year} criteria in a year": (
            np.diff(counts, axis=1).max(axis=(1, 2)) <= targets.max_gain_per_year
        ),
    }
    if targets.change_rounds_to is not None:
        change = means[:, last] - means[:, prev]
        checks[f"the change rounds to {targets.change_rounds_to}"] = (
            np.abs(change - targets.change_rounds_to) <= ROUNDING_MARGIN
        )
    for code in targets.all_ntm_districts:
        in_district = district_codes == code
        checks[f"every commune of district {code} meets all 19 in {targets.last_year}"] = (
            counts[:, last][:, in_district] == N_CRITERIA
        ).all(axis=1)
    for year, limit in targets.max_ntm_before:
        if year in at:
            checks[f"at most {limit} communes meet all 19 in {year}"] = ntm[:, at[year]] <= limit
    return checks


def _accepted(checks: dict[str, np.ndarray]) -> np.ndarray:
    return np.logical_and.reduce(list(checks.values()))


def find_calibration_seed(
    params: GeneratorParams = LANG_SON_PARAMS,
    registry: Registry | None = None,
    targets: CalibrationTargets = LANG_SON_TARGETS,
    start: int = CALIBRATION_SEED_START,
    max_tries: int = MAX_SEED_TRIES,
    batch: int = 50,
) -> int:
    """The first seed ``start, start + 1, …`` whose draw meets ``targets`` (rejection sampling).

    Seeds are simulated ``batch`` at a time, but each seed's panel depends on that seed alone,
    so the answer does not depend on ``batch``.
    """
    registry = registry if registry is not None else read_registry()
    layout = _layout(registry, None)
    years = list(CALIBRATION_YEARS)
    for first in range(start, start + max_tries, batch):
        seeds = range(first, min(first + batch, start + max_tries))
        draw = simulate_communes(params, layout.district_codes, len(years), seeds)
        ok = np.flatnonzero(_accepted(_checks(draw.met, layout.district_codes, years, targets)))
        if ok.size:
            return seeds[int(ok[0])]
    raise RuntimeError(f"no seed in [{start}, {start + max_tries}) meets the calibration targets")


def calibrated_lang_son(seed: int = CALIBRATION_SEED) -> Panel:
    """The bundled synthetic Lạng Sơn panel, 2011–2016, 207 placeholder communes.

    Raises ``RuntimeError`` if the draw for ``seed`` misses the calibration targets (e.g. if a
    numpy release changed its random streams): rerun ``find_calibration_seed``.
    """
    registry = read_registry()
    years = list(CALIBRATION_YEARS)
    layout = _layout(registry, None)
    draw = simulate_communes(LANG_SON_PARAMS, layout.district_codes, len(years), [seed])
    checks = _checks(draw.met, layout.district_codes, years, LANG_SON_TARGETS)
    missed = [name for name, ok in checks.items() if not ok[0]]
    if missed:
        raise RuntimeError(
            f"seed {seed} misses the calibration targets ({'; '.join(missed)}); "
            "find a new one with find_calibration_seed()"
        )
    source = f"synthetic: ntm_analysis.model.synthetic.calibrated_lang_son(seed={seed})"
    return _to_panel(layout, draw, years, source)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ntm_analysis.model.synthetic [--out PATH]``: rewrite the bundled panel."""
    parser = argparse.ArgumentParser(
        prog="python -m ntm_analysis.model.synthetic",
        description="Regenerate the bundled synthetic Lạng Sơn panel (wide CSV).",
    )
    parser.add_argument("--out", type=Path, default=None, help="default: the bundled file")
    parser.add_argument(
        "--search",
        action="store_true",
        help=f"search seeds from {CALIBRATION_SEED_START} instead of using {CALIBRATION_SEED}",
    )
    args = parser.parse_args(argv)
    seed = find_calibration_seed() if args.search else CALIBRATION_SEED
    panel = calibrated_lang_son(seed)
    out = write_panel(panel, args.out if args.out is not None else data_dir() / PANEL_FILE, "wide")
    counts = panel.wide().sum(axis=1).groupby(level="year")
    summary = ", ".join(
        f"{year}: mean {c.mean():.2f}, {int((c == N_CRITERIA).sum())} NTM" for year, c in counts
    )
    print(f"seed {seed} -> {out}\n{summary}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
