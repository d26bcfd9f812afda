"""One rule for the unit a run is about: a district typed any way, or why it cannot be used
(unknown, with "did you mean"; no communes in the data; no districts after 1 Jul 2025)."""

from __future__ import annotations

import pandas as pd
import pytest

from ntm_analysis.core.communes import Registry
from ntm_analysis.core.errors import Join, Msg
from ntm_analysis.core.panel import NO_DISTRICT, Panel
from ntm_analysis.core.params import ParameterError
from ntm_analysis.core.resolve import Target, district_code, resolve_target, resolve_unit

REGISTRY = Registry.from_frame(
    pd.DataFrame(
        {
            "province_name": ["Lạng Sơn"] * 2,
            "district_code": [178, 180],
            "district_name": ["Tràng Định", "Văn Lãng"],
            "district_type": ["Huyện", "Huyện"],
            "short": ["TĐ", "VL"],
            "n_communes": [23, 20],
        }
    ),
    "units.csv",
)


def _panel(district_codes: list[int]) -> Panel:
    communes = pd.DataFrame(
        {
            "commune_code": [str(i) for i in range(len(district_codes))],
            "commune_name": "Xã",
            "district_code": district_codes,
            "district_name": "",
        }
    )
    status = pd.DataFrame(
        [(c, 2016, k, False) for c in communes["commune_code"] for k in range(1, 20)],
        columns=["commune_code", "year", "criterion", "met"],
    )
    return Panel.from_frames(status, communes)


def test_a_district_typed_any_way_is_its_code():
    for typed in ("Tràng Định", "trang dinh", " Huyện Tràng Định ", "178", 178):
        assert district_code(REGISTRY, typed, "--district") == (178, None)
    assert resolve_unit(REGISTRY, "Van Lang") == 180
    assert resolve_unit(REGISTRY, "  ") is None  # blank: the whole province
    assert resolve_unit(REGISTRY, None) is None and resolve_unit(REGISTRY, "") is None


def test_resolve_unit_refuses_an_unknown_district_with_where_and_a_suggestion():
    with pytest.raises(ParameterError) as raised:
        resolve_unit(REGISTRY, "Trang Dihn", where="--district")
    text = raised.value.render("en")
    assert "--district" in text and "Tràng Định" in text  # did you mean


def test_an_unknown_district_is_named_with_where_it_was_typed():
    code, problem = district_code(REGISTRY, "Trang Dihn", "--district")
    assert code is None and isinstance(problem, Join)
    assert problem.render("en").startswith("--district: unknown district 'Trang Dihn'")
    assert "Tràng Định" in problem.render("vi")  # did you mean


def test_a_district_the_data_does_not_cover_is_refused():
    code, problem = district_code(REGISTRY, "Văn Lãng", "district", _panel([178, 178]))
    assert code is None and problem == Msg(
        "error.param.no_communes", where="district", name="'Văn Lãng'"
    )
    assert district_code(REGISTRY, "Tràng Định", "district", _panel([178])) == (178, None)
    code, problem = district_code(REGISTRY, "Tràng Định", "x", _panel([NO_DISTRICT]))
    assert code is None and "x" in problem.render("en")
    with pytest.raises(ParameterError):
        resolve_unit(REGISTRY, "Văn Lãng", "district", _panel([178]))


def test_a_target_says_where_it_came_from():
    plan = pd.DataFrame(
        {
            "level": ["province", "district"],
            "unit_code": [20, 178],
            "unit_name": ["Lạng Sơn", "Tràng Định"],
            "year": [2020, 2020],
            "indicator": ["n_ntm", "n_ntm"],
            "value": [77, 6],
            "official": [1, 0],
            "source": ["plan", "mine"],
        }
    )
    assert resolve_target(None, plan, 2020) == Target(77.0, "official")
    assert resolve_target(None, plan, 2020, unit=178) == Target(6.0, "file")
    assert not resolve_target(None, plan, 2020, unit=178).official
    assert resolve_target(5, plan, 2020, unit=178) == Target(5.0, "user")  # never "official"
    assert resolve_target(None, plan, 2019) == Target(None, None)
    assert resolve_target(None, None, 2020) == Target(None, None)  # no plan file
