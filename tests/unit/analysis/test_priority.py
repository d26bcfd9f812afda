"""analysis/priority.py on its own: the ranking, the reasons as codes with their values, the
Monte Carlo error. The reasons in words: tests/unit/report/test_priority_words.py; the list
in a report: tests/unit/report/test_report.py."""

from __future__ import annotations

import numpy as np
import pytest

from ntm_analysis.analysis.priority import (
    COMMUNE_EFFECT,
    LIKELY_NEXT,
    REASONS,
    TIE_SE,
    hard_criteria,
    max_half_width,
    priority_table,
)
from ntm_analysis.model.forecast import run_forecast

N_DRAWS = 400


@pytest.fixture(scope="module")
def forecast(small_panel):
    return run_forecast(small_panel, target_year=2020, n_draws=N_DRAWS, seed=1)


@pytest.fixture(scope="module")
def table(small_panel, forecast):
    return priority_table(small_panel, forecast)


def test_every_commune_short_of_the_standard_is_ranked_by_next_year_then_the_target_year(
    small_panel, forecast, table
):
    wide = small_panel.wide().xs(forecast.as_of, level="year")
    short = set(wide.index[wide.sum(axis=1) < 19])
    assert set(table["commune_code"]) == short and len(table) == len(short)
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    order = list(zip(-table["p_next"], -table["p_target"], -table["n_met"], strict=True))
    assert order == sorted(order)
    probs = forecast.commune_probabilities()
    in_2020 = probs[probs["year"] == 2020].set_index("commune_code")["p_ntm"]
    assert table.set_index("commune_code")["p_target"].to_dict() == pytest.approx(
        in_2020[table["commune_code"]].to_dict()
    )
    assert (table["p_peak"] >= table["p_target"] - 1e-12).all()


def test_standard_errors_are_those_of_a_share_of_the_draws_and_never_zero(table):
    p = table["p_next"].to_numpy()
    expected = np.sqrt(np.maximum(p * (1 - p), 0.25 / N_DRAWS) / N_DRAWS)
    assert table["se_next"].to_numpy() == pytest.approx(expected)
    assert (table["se_target"] > 0).all()
    widest = 100 * 1.96 * max(table["se_next"].max(), table["se_target"].max())
    assert max_half_width(table) == pytest.approx(widest)
    assert max_half_width(table.iloc[:0]) == 0.0


def test_reasons_are_codes_with_numbers_never_words(table):
    """Each reason is a key of ``REASONS`` with exactly its values, all numbers: the words are
    the report's (report.priority)."""
    seen = set()
    for reasons in table["reasons"]:
        keys = [key for key, _ in reasons]
        assert keys == [k for k in REASONS if k in keys], "in REASONS order, each once"
        for key, values in reasons:
            seen.add(key)
            assert tuple(values) == REASONS[key], key
            flat = [x for v in values.values() for x in (v if isinstance(v, list) else [v])]
            assert all(isinstance(x, int | float | np.integer | np.floating) for x in flat)
    assert {"hard", "tied"} <= seen or {"hard", "behind"} <= seen  # the fixture gives reasons


def test_each_reason_says_what_the_numbers_show(forecast, table):
    hard = set(hard_criteria(forecast))
    assert len(hard) == 5
    for row in table.itertuples():
        reasons = dict(row.reasons)
        assert ("next" in reasons) == (row.p_next >= LIKELY_NEXT)
        if "next" in reasons:
            assert reasons["next"] == {"k": len(row.missing), "year": forecast.years[0]}
        assert reasons.get("hard", {"criteria": []})["criteria"] == [
            c for c in row.missing if c in hard
        ]
        assert ("slow" in reasons) == (row.effect <= -COMMUNE_EFFECT)
        assert ("fast" in reasons) == (row.effect >= COMMUNE_EFFECT)
        above = table[(table["n_met"] < row.n_met) & (table["p_target"] > row.p_target)]
        if above.empty:
            assert "tied" not in reasons and "behind" not in reasons
            continue
        noise = TIE_SE * np.sqrt(above["se_target"] ** 2 + row.se_target**2)
        within = bool(((above["p_target"] - row.p_target) <= noise).all())
        assert ("tied" in reasons) == within and ("behind" in reasons) == (not within)
        if within:
            assert reasons["tied"]["points"] == pytest.approx(100 * float(noise.max()))


def test_one_district_and_an_earlier_year(small_panel, forecast, table):
    district = int(table["district_code"].iloc[-1])
    own = priority_table(small_panel, forecast, unit=district, year=forecast.years[0])
    expected = table[table["district_code"] == district]
    assert sorted(own["commune_code"]) == sorted(expected["commune_code"])
    assert own["p_target"].tolist() == own["p_next"].tolist()  # the year asked is next year


def _reasons_by_pandas_filter(row, table, year):
    """The comparison with the other rows as it was written on the table itself (before
    batch13), for the equivalence test below."""
    above = table[(table["n_met"] < row.n_met) & (table["p_target"] > row.p_target)]
    if above.empty:
        return None
    combined = np.sqrt(above["se_target"] ** 2 + row.se_target**2)
    if bool(((above["p_target"] - row.p_target) <= TIE_SE * combined).all()):
        return ("tied", {"year": year, "points": 100 * TIE_SE * float(combined.max())})
    return ("behind", {"year": year})


def test_the_rows_compared_on_arrays_give_the_pandas_filters_reasons(table):
    """``_reasons`` compares a row with the others on the table's columns as arrays (a
    pandas filter per row was most of the table's cost): the "tied"/"behind" reason and its
    points equal the per-row pandas filter's exactly, ties and a missing chance included."""
    import pandas as pd

    from ntm_analysis.analysis.priority import _reasons

    rng = np.random.default_rng(5)
    tables = [table]
    for _ in range(20):
        n = int(rng.integers(2, 40))
        p = rng.choice([0.1, 0.3, 0.31, 0.5, 0.9, np.nan], size=n)
        tables.append(
            pd.DataFrame(
                {
                    "n_met": rng.integers(10, 19, size=n),
                    "p_target": p,
                    "se_target": np.sqrt(np.maximum(p * (1 - p), 0.25 / 50) / 50),
                    "missing": [[1]] * n,
                    "p_next": 0.0,
                    "p_peak": 0.0,
                    "p_before": 0.0,
                    "effect": 0.0,
                }
            )
        )
    seen = set()
    for frame in tables:
        others = {k: frame[k].to_numpy(float) for k in ("n_met", "p_target", "se_target")}
        for row in frame.itertuples(index=False):
            ours = [r for r in _reasons(row, others, [], 2017, 2020) if r[0] in ("tied", "behind")]
            theirs = _reasons_by_pandas_filter(row, frame, 2020)
            assert ours == ([] if theirs is None else [theirs])
            seen.add(None if theirs is None else theirs[0])
    assert seen == {None, "tied", "behind"}
