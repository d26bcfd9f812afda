"""``labels.unit_label`` finds a district by an array comparison (issue 17): the same names
as selecting its row with a pandas mask, and a ``KeyError`` for a code not in the registry."""

from __future__ import annotations

import pytest

from ntm_analysis import i18n
from ntm_analysis.io.reference import read_registry
from ntm_analysis.report.labels import unit_label


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_district_is_named_as_its_registry_row_says(lang):
    registry = read_registry()
    districts = registry.districts
    for code in districts["district_code"]:
        row = districts.loc[districts["district_code"] == code]
        expected = i18n.unit_name(row["district_name"].iloc[0], row["district_type"].iloc[0], lang)
        assert unit_label(registry, int(code), lang) == expected
    assert unit_label(registry, None, lang) == i18n.t(
        "report.unit.province", lang, name=registry.province_name
    )
    with pytest.raises(KeyError):
        unit_label(registry, 999_999, lang)
