"""Criteria table and the district registry with its tolerant lookup."""

import pytest

from ntm_analysis.core.criteria import CRITERIA_NUMBERS, criterion_group
from ntm_analysis.core.errors import DataError
from ntm_analysis.i18n.text import fold
from ntm_analysis.io.reference import read_registry


def test_nineteen_criteria_in_five_groups():
    assert list(CRITERIA_NUMBERS) == list(range(1, 20))
    groups: dict[str, list[int]] = {}
    for number in CRITERIA_NUMBERS:
        groups.setdefault(criterion_group(number), []).append(number)
    assert groups == {
        "I": [1],
        "II": list(range(2, 10)),
        "III": [10, 11, 12, 13],
        "IV": [14, 15, 16, 17],
        "V": [18, 19],
    }
    assert criterion_group(19) == "V"
    with pytest.raises(ValueError, match="criterion must be 1–19"):
        criterion_group(20)
    assert len(CRITERIA_NUMBERS) == 19


def test_lang_son_registry_has_the_published_counts():
    registry = read_registry()
    assert registry.province_name == "Lạng Sơn"
    assert registry.n_communes == 207
    counts = dict(registry.districts[["district_code", "n_communes"]].itertuples(index=False))
    assert counts == {
        178: 3,
        180: 22,
        181: 19,
        182: 19,
        183: 21,
        184: 23,
        185: 19,
        186: 25,
        187: 19,
        188: 27,
        189: 10,
    }


@pytest.mark.parametrize(
    "query",
    [
        "Tràng Định",
        "trang dinh",
        "TRANG DINH",
        "Huyện Tràng Định",
        "huyen trang dinh",
        180,
        "180",
        "Tra\u0300ng Đi\u0323nh",
    ],  # the last is NFD
)
def test_lookup_is_tolerant(query):
    assert read_registry().find(query) == 180


def test_city_with_or_without_prefix():
    registry = read_registry()
    assert registry.find("Thành phố Lạng Sơn") == 178
    assert registry.find("TP Lạng Sơn") == 178
    assert registry.find("lang son") == 178


def test_unknown_district_suggests_the_closest():
    with pytest.raises(DataError) as info:
        read_registry().resolve("Trang Dihn")
    assert "Tràng Định" in str(info.value)
    assert "did you mean" in str(info.value)


def test_another_province_from_its_own_units_file(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(
        "province_code,province_name,district_code,district_name,district_type,short,n_communes\n"
        "1,Hà Nội,250,Ba Vì,Huyện,BV,30\n1,Hà Nội,271,Sóc Sơn,Huyện,SS,25\n",
        encoding="utf-8",
    )
    registry = read_registry(path)
    assert registry.province_name == "Hà Nội"
    assert registry.find("soc son") == 271
    assert registry.find("Tràng Định") is None


def test_fold_strips_diacritics_and_d():
    assert fold("  Đình   Lập ") == "dinh lap"
