"""The commune-level transition model: how likely a commune is to gain, or lose, a criterion.

Each year every commune either gains a criterion it lacked, keeps it, or — at re-assessment —
loses one it had. Two binomial GLMs (statsmodels, logit link) are fitted to the panel's
year-to-year transitions, one for gains (rows where the criterion was not met) and one for
losses (rows where it was). The simulation in ``forecast`` replays them forward.

Gain covariates, and why each is there:

- **criterion** (one coefficient per criterion, no separate intercept): criteria differ hugely
  in difficulty — electricity is a grid connection, income and poverty need years of growth.
- **criteria already met** (``n_met - 10``, linear): a commune's count summarises its capacity
  (budget, staff, accessibility) that the data does not otherwise show.
- **close to the standard** (15–18 met): provinces register "target communes" each year and
  concentrate money there, so gains jump once a commune is within reach.
- **especially difficult commune** (xã đặc biệt khó khăn), when the data flags it: these
  communes progress slower for reasons a count does not capture.
- **time trend** (years relative to the last observed transition): the programme's pace
  changes as funding rules and priorities change. Extrapolating it is the largest single
  assumption of the forecast; its uncertainty is carried into the draws, the backtest
  compares it with a no-trend variant, and ``trend=False`` turns it off.
- **district** (partially pooled): districts differ in leadership and funding. With 3 to 27
  communes each, a free coefficient per district would overfit the small ones, so district
  effects are estimated on top of the pooled model and shrunk towards zero in proportion to
  how little data each has (empirical Bayes, DerSimonian–Laird variance of the effects).
- **commune** (partially pooled, the same way): communes differ persistently in ways their
  count does not show; without this every commune's last criteria would look like
  independent coin flips, understating how many strong communes finish together.
- **year shocks**: some years are better than others for every commune at once (a budget
  round, a campaign). Their spread around the trend (``year_sd``, the same empirical-Bayes
  variance) is estimated and each simulated year draws a common shock, which widens the
  province interval honestly; with five or six years this spread is itself rough.

Losses are rare, so the loss model is deliberately smaller: one coefficient per criteria
*group* (I–V) and the commune's count.

Both GLMs get a weak prior against separation: per criterion (gains) or group (losses) half
an observation of success and half of failure at the centre of the covariates. With
thousands of real transitions it moves nothing; on a thin subset (a three-commune district, an
early backtest origin) it keeps a criterion nobody gained from getting an infinite log-odds.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from .criteria import CRITERIA_NUMBERS, GROUPS, N_CRITERIA, criterion_group
from .metrics import CLOSE_LOW
from .panel import Panel

N_MET_CENTRE = 10
GROUP_NAMES = tuple(GROUPS)
_GROUP_OF = np.array([GROUP_NAMES.index(criterion_group(c)) for c in CRITERIA_NUMBERS])
# criteria of a group are consecutive (I: 1, II: 2–9, …): (first, last + 1) column per group
GROUP_SLICES = tuple(
    (int(np.flatnonzero(g == _GROUP_OF)[0]), int(np.flatnonzero(g == _GROUP_OF)[-1]) + 1)
    for g in range(len(GROUP_NAMES))
)
GAIN_TERMS = [f"criterion_{c}" for c in CRITERIA_NUMBERS] + [
    "n_met",
    "close",
    "difficult",
    "trend",
]
LOSS_TERMS = [f"group_{g}" for g in GROUP_NAMES] + ["n_met"]
PRIOR_WEIGHT = 0.5
MAX_STD_ERROR = 10.0  # log-odds: beyond this a covariate is separated, not estimated


def transitions(panel: Panel) -> pd.DataFrame:
    """One row per commune × criterion × year t with the state at t and at t+1.

    Only consecutive years present in the panel form a transition.
    """
    wide = panel.wide()
    years = panel.years
    info = panel.communes.set_index("commune_code")
    frames = []
    for year, next_year in itertools.pairwise(years):
        if next_year != year + 1:
            continue
        now = wide.xs(year, level="year")
        nxt = wide.xs(next_year, level="year").reindex(now.index)
        n_met = now.sum(axis=1)
        frame = pd.DataFrame(
            {
                "commune_code": np.repeat(now.index.to_numpy(), N_CRITERIA),
                "criterion": np.tile(np.array(CRITERIA_NUMBERS), len(now)),
                "year": year,
                "n_met": np.repeat(n_met.to_numpy(), N_CRITERIA),
                "met": now.to_numpy().ravel(),
                "met_next": nxt.to_numpy().ravel(),
            }
        )
        frames.append(frame)
    if not frames:
        raise ValueError("the panel needs at least two consecutive years to fit transitions")
    table = pd.concat(frames, ignore_index=True)
    table["district_code"] = table["commune_code"].map(info["district_code"]).astype("int64")
    table["difficult"] = table["commune_code"].map(info["difficult"]).astype(bool)
    return table


def gain_design(
    criterion: np.ndarray, n_met: np.ndarray, difficult: np.ndarray, trend: np.ndarray
) -> np.ndarray:
    """Design matrix of the gain model, columns ``GAIN_TERMS``."""
    onehot = (criterion[:, None] == np.array(CRITERIA_NUMBERS)[None, :]).astype(float)
    return np.column_stack(
        [onehot, n_met - N_MET_CENTRE, n_met >= CLOSE_LOW, difficult, trend]
    ).astype(float)


def loss_design(criterion: np.ndarray, n_met: np.ndarray) -> np.ndarray:
    """Design matrix of the loss model, columns ``LOSS_TERMS``."""
    group = _GROUP_OF[criterion - 1]
    onehot = (group[:, None] == np.arange(len(GROUP_NAMES))[None, :]).astype(float)
    return np.column_stack([onehot, n_met - N_MET_CENTRE]).astype(float)


def _with_prior(x: np.ndarray, counts: np.ndarray, n_groups: int) -> tuple[np.ndarray, ...]:
    """Append the weak anti-separation prior: half a success and half a failure per group."""
    prior = np.zeros((n_groups, x.shape[1]))
    prior[np.arange(n_groups), np.arange(n_groups)] = 1.0
    prior_counts = np.full((n_groups, 2), PRIOR_WEIGHT)
    return np.vstack([x, prior]), np.vstack([counts, prior_counts])


def _fit_glm(x: np.ndarray, counts: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Binomial GLM fit; coefficients the data cannot identify are fixed at 0.

    Not identified: a column that is all zeros (no especially difficult communes flagged), or
    a covariate beyond the criterion/group columns whose standard error explodes because
    the data separate it (at an early backtest origin every commune close to the standard
    may have gained). Such a term is dropped and the model refitted, rather than
    extrapolated with an effectively infinite coefficient.
    """
    x_all, counts_all = _with_prior(x, counts, n_groups)
    used = np.flatnonzero(np.abs(x_all).sum(axis=0) > 0)
    while True:
        glm = sm.GLM(counts_all, x_all[:, used], family=sm.families.Binomial())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # separation and convergence chatter, handled below
            result = glm.fit()
        separated = [
            col
            for col, se in zip(used, result.bse, strict=True)
            if col >= n_groups and not se < MAX_STD_ERROR
        ]
        if not separated:
            break
        used = np.array([col for col in used if col not in separated])
    params = np.zeros(x.shape[1])
    cov = np.zeros((x.shape[1], x.shape[1]))
    params[used] = result.params
    cov[np.ix_(used, used)] = result.cov_params()
    return params, cov


def _pooled_effects(
    eta: np.ndarray, counts: np.ndarray, unit: np.ndarray, codes: list, key: str
) -> pd.DataFrame:
    """Partially pooled shifts of units (districts, communes) on the log-odds scale.

    For each unit the shift u solving sum(sigmoid(eta + u)) = observed gains is the raw
    effect, with standard error 1/sqrt(Fisher information); their between-unit variance
    tau² comes from DerSimonian–Laird, and each raw effect is shrunk by tau² / (tau² + se²)
    (empirical Bayes): a unit with little data keeps little of its raw effect.
    """
    order = np.argsort(unit, kind="stable")
    sorted_units = unit[order]
    bounds = (
        np.searchsorted(sorted_units, codes, side="left"),
        np.searchsorted(sorted_units, codes, side="right"),
    )
    raw, se = [], []
    for lo, hi in zip(*bounds, strict=True):
        rows = order[lo:hi]
        e, trials = eta[rows], counts[rows].sum(axis=1)
        obs, n = counts[rows, 0].sum(), trials.sum()
        if n == 0:
            raw.append(0.0)
            se.append(np.inf)
            continue
        target = np.clip(obs, 0.5, n - 0.5)  # continuity correction: no infinite shifts
        u = 0.0
        for _ in range(25):
            p = 0.5 * (1.0 + np.tanh(0.5 * (e + u)))  # sigmoid without overflow
            info = max(float((trials * p * (1 - p)).sum()), 1e-9)
            step = (target - (trials * p).sum()) / info
            u += step
            if abs(step) < 1e-10:
                break
        raw.append(u)
        se.append(1.0 / np.sqrt(info))
    raw_a, se_a = np.array(raw), np.array(se)
    finite = np.isfinite(se_a)
    w = 1.0 / se_a[finite] ** 2
    k = int(finite.sum())
    tau2 = 0.0
    if k > 1:
        mean = (w * raw_a[finite]).sum() / w.sum()
        q = (w * (raw_a[finite] - mean) ** 2).sum()
        tau2 = max(0.0, (q - (k - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    shrink = np.where(finite, tau2 / (tau2 + np.where(finite, se_a, 1.0) ** 2), 0.0)
    return pd.DataFrame(
        {
            key: codes,
            "raw_effect": np.where(finite, raw_a, 0.0),
            "raw_se": se_a,
            "effect": shrink * np.where(finite, raw_a, 0.0),
            "sd": np.sqrt(shrink * np.where(finite, se_a, 0.0) ** 2),
            "shrinkage": 1.0 - shrink,
            "tau": np.sqrt(tau2),
        }
    )


@dataclass(frozen=True)
class TransitionModel:
    """Fitted gain and loss models, with what the simulation needs to draw from them."""

    gain_params: np.ndarray  # GAIN_TERMS
    gain_cov: np.ndarray
    loss_params: np.ndarray  # LOSS_TERMS
    loss_cov: np.ndarray
    districts: pd.DataFrame  # district_code, effect, sd, ... (empirical Bayes)
    communes: pd.DataFrame  # commune_code, effect, sd, ... (empirical Bayes, within district)
    year_sd: float  # spread of whole-year shocks to gain log-odds beyond the trend
    trend_origin: int  # the year whose transition has trend = 0
    n_gain_rows: int
    n_loss_rows: int

    def coefficients(self) -> pd.DataFrame:
        """Readable table of every coefficient with its standard error."""
        rows = [
            ("gain", term, value, np.sqrt(var))
            for term, value, var in zip(
                GAIN_TERMS, self.gain_params, np.diag(self.gain_cov), strict=True
            )
        ]
        rows += [
            ("loss", term, value, np.sqrt(var))
            for term, value, var in zip(
                LOSS_TERMS, self.loss_params, np.diag(self.loss_cov), strict=True
            )
        ]
        rows += [
            ("gain", f"district_{code}", effect, sd)
            for code, effect, sd in self.districts[["district_code", "effect", "sd"]].itertuples(
                index=False
            )
        ]
        return pd.DataFrame(rows, columns=["model", "term", "estimate", "std_error"])


def _grouped(rows: pd.DataFrame, event: pd.Series) -> pd.DataFrame:
    """Identical covariate patterns collapsed to (events, non-events) counts.

    The covariates take few distinct values, so ~20,000 commune-criterion-year rows become
    a few thousand binomial cells: the same likelihood, fitted many times faster.
    """
    keys = ["criterion", "n_met", "difficult", "year", "district_code"]
    grouped = (
        rows.assign(event=event.to_numpy()).groupby(keys, sort=True)["event"].agg(["sum", "size"])
    )
    grouped = grouped.reset_index()
    grouped["non_event"] = grouped["size"] - grouped["sum"]
    return grouped


def _commune_effects(
    rows: pd.DataFrame,
    gain_params: np.ndarray,
    districts: pd.DataFrame,
    trend_origin: int | None,
    panel: Panel,
) -> pd.DataFrame:
    """Partially pooled commune shifts on top of the fitted model and district effects.

    Communes differ persistently (leadership, remoteness, budget) in ways their count does
    not show; ignoring that makes every commune's last criteria look independent coin flips
    and understates how many strong communes finish together.
    """
    trend = (rows["year"] - trend_origin).to_numpy(float) if trend_origin is not None else 0.0
    x = gain_design(
        rows["criterion"].to_numpy(),
        rows["n_met"].to_numpy(float),
        rows["difficult"].to_numpy(float),
        np.broadcast_to(trend, len(rows)).astype(float),
    )
    district_effect = rows["district_code"].map(districts.set_index("district_code")["effect"])
    eta = x @ gain_params + district_effect.to_numpy(float)
    y = rows["met_next"].to_numpy(float)
    counts = np.column_stack([y, 1.0 - y])
    codes = panel.communes["commune_code"].to_numpy()
    return _pooled_effects(
        eta, counts, rows["commune_code"].to_numpy(), list(codes), "commune_code"
    )


def fit(panel: Panel, trend: bool = True) -> TransitionModel:
    """Fit the gain and loss models to every year-to-year transition in ``panel``."""
    table = transitions(panel)
    trend_origin = int(table["year"].max())
    gains = _grouped(table[~table["met"]], table.loc[~table["met"], "met_next"])
    losses = _grouped(table[table["met"]], ~table.loc[table["met"], "met_next"])

    g_trend = (gains["year"] - trend_origin).to_numpy(float) if trend else np.zeros(len(gains))
    x_gain = gain_design(
        gains["criterion"].to_numpy(),
        gains["n_met"].to_numpy(float),
        gains["difficult"].to_numpy(float),
        g_trend,
    )
    gain_counts = gains[["sum", "non_event"]].to_numpy(float)
    gain_params, gain_cov = _fit_glm(x_gain, gain_counts, N_CRITERIA)

    x_loss = loss_design(losses["criterion"].to_numpy(), losses["n_met"].to_numpy(float))
    loss_counts = losses[["sum", "non_event"]].to_numpy(float)
    loss_params, loss_cov = _fit_glm(x_loss, loss_counts, len(GROUP_NAMES))

    districts = _pooled_effects(
        x_gain @ gain_params,
        gain_counts,
        gains["district_code"].to_numpy(),
        panel.district_codes,
        "district_code",
    )
    years = _pooled_effects(
        x_gain @ gain_params,
        gain_counts,
        gains["year"].to_numpy(),
        sorted(gains["year"].unique().tolist()),
        "year",
    )
    communes = _commune_effects(
        table[~table["met"]], gain_params, districts, trend_origin if trend else None, panel
    )
    return TransitionModel(
        gain_params=gain_params,
        gain_cov=gain_cov,
        loss_params=loss_params,
        loss_cov=loss_cov,
        districts=districts,
        communes=communes,
        year_sd=float(years["tau"].iloc[0]),
        trend_origin=trend_origin,
        n_gain_rows=int(gains["size"].sum()),
        n_loss_rows=int(losses["size"].sum()),
    )
