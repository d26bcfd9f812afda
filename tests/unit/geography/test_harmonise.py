"""geography/harmonise.py on its own: the merge rules on a few real communes, and the panel's
geography record (numbers and codes only; its words are report.geography's,
tests/unit/report/test_geography_words.py). Through the loader: tests/unit/io/test_admin_load.py.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from ntm_analysis.core.errors import MessageError, Msg, Problem
from ntm_analysis.core.panel import Geography
from ntm_analysis.geography.admin import registry
from ntm_analysis.geography.harmonise import Harmoniser, check_rule, metadata

# Liên Hội (06259, from 1 Jan 2020) = Phú Mỹ (06259) + Việt Yên (06262) + Vân Mộng (06268)
PARTS = ("06259", "06262", "06268")


class _Table:
    """The ``Located`` a harmoniser places its problems with (io.table.Table in the loader)."""

    def problem(self, key: str, /, row=None, column=None, **params) -> Problem:
        return Problem("file.csv", key, params, row=row, column=column)


def _rows(met: dict[str, list[int]], year: int = 2019) -> pd.DataFrame:
    """One 2017-list row per commune: the criteria in ``met`` are met, the others not."""
    frame = pd.DataFrame(
        {
            "row": range(2, 2 + len(met)),
            "code": list(met),
            "year": year,
            "difficult": [code == PARTS[1] for code in met],
            "synthetic": False,
        }
    )
    for c in range(1, 20):
        frame[c] = [c in criteria for criteria in met.values()]
    return frame


def _run(rule: str, met: dict[str, list[int]]) -> tuple[pd.DataFrame, Harmoniser]:
    h = Harmoniser(registry(), _Table(), rule)
    return h.run(_rows(met), {2019: "2017"}, "2020").set_index("code"), h


def _met(row: pd.Series) -> list[int]:
    return [c for c in range(1, 20) if row[c]]


def test_all_parts_must_meet_a_criterion_and_difficulty_carries_over():
    out, h = _run("all", {"06259": [1, 2, 3], "06262": [1, 2], "06268": [1, 3]})
    row = out.loc["06259"]
    assert _met(row) == [1]
    assert row["difficult"]  # any part especially difficult: the merged unit is
    assert row["row"] == 2 and h.problems == [] and h.notes == []


def test_largest_part_decides_only_where_every_part_s_people_are_known():
    # Đề Thám (06046, 2020) = Đề Thám (4,488 people) + part of Bắc Ái (06052, 397): the
    # larger part decides; Liên Hội's parts have no known population: "all parts", noted
    met = {"06259": [1, 2, 3], "06262": [1, 2], "06268": [1, 3], "06046": [6, 7], "06052": [6]}
    met["06031"] = [6]  # Kim Đồng takes the other part of Bắc Ái
    out, h = _run("largest", met)
    assert _met(out.loc["06046"]) == [6, 7]
    assert _met(out.loc["06259"]) == [1]
    assert [n.key for n in h.notes] == ["error.geo.note.fallback"]
    assert dict(h.notes[0].params) == {"units": "xã Liên Hội"}
    all_parts, _ = _run("all", met)
    assert _met(all_parts.loc["06046"]) == [6]  # the rules differ on the same rows


def test_a_missing_part_is_a_problem_naming_the_unit_and_the_part():
    out, h = _run("all", {"06259": [1], "06262": [1]})
    assert "06259" not in set(out.index)  # never combined from some of its parts
    (problem,) = [p for p in h.problems if p.key == "error.geo.incomplete_merge"]
    assert "Vân Mộng" in problem.render("en") and problem.row == 2


def test_mapping_backwards_is_refused():
    h = Harmoniser(registry(), _Table(), "all")
    out = h.run(_rows({"06259": [1]}, year=2020), {2020: "2020"}, "2017")
    assert out.empty and [p.key for p in h.problems] == ["error.geo.backwards"]


def test_an_unknown_rule_is_refused_with_the_choices():
    assert check_rule("largest") == "largest"
    with pytest.raises(MessageError) as info:
        check_rule("biggest")
    assert "all, largest, assessed" in str(info.value)


def test_the_geography_record_holds_numbers_and_codes_only():
    notes = [Msg("error.geo.note.fallback", units="xã Liên Hội")]
    geo = metadata(registry(), "2020", "largest", {2018: "2017", 2019: "2017", 2020: "2020"}, notes)
    assert isinstance(geo, Geography)
    assert (geo.vintage, geo.rule, geo.n_communes, geo.districts) == ("2020", "largest", 181, True)
    assert geo.changes_crossed == ("2017",) and geo.former_district == {}
    assert geo.notes == tuple(notes)  # messages (key and values), rendered by the report
    with pytest.raises(dataclasses.FrozenInstanceError):
        geo.rule = "all"  # type: ignore[misc]
    # every value is a number, a code, a flag or a message: no sentence in any language
    words = [v for v in vars(geo).values() if isinstance(v, str) and " " in v]
    assert words == []
    assert geo.to_json() == {
        "districts": True,
        "former_district": {},
        "vintage": "2020",
        "n_communes": 181,
        "rule": "largest",
        "lists_by_year": {"2018": "2017", "2019": "2017", "2020": "2020"},
        "changes_crossed": True,
        "assessed_file": "",
    }


def test_a_file_on_one_list_crosses_no_change_and_after_july_2025_has_no_districts():
    geo = metadata(registry(), "2025", "all", {2025: "2025", 2026: "2025"}, [])
    assert geo.changes_crossed == () and geo.to_json()["changes_crossed"] is False
    assert geo.districts is False
    assert geo.former_district["06286"] == "Cao Lộc + Văn Quan"  # Khánh Khê: across two
    assert len(geo.former_district) == len(registry().units_in("2025"))
    assert np.all([isinstance(code, str) for code in geo.former_district])
