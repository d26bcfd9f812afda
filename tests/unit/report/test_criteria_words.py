"""report/criteria.py: the criteria's names, groups and labels come from the catalogues
(``core.criteria`` holds only numbers and groups), in both languages."""

from __future__ import annotations

import pytest

from ntm_analysis.core.criteria import CRITERIA_NUMBERS, GROUPS, criterion_group
from ntm_analysis.i18n import LANGS
from ntm_analysis.i18n.catalogue import entries
from ntm_analysis.report.criteria import (
    criterion_label,
    criterion_name,
    criterion_short,
    group_name,
)


def test_labels_as_charts_and_tables_show_them():
    assert criterion_label(10, "vi") == "TC10 Thu nhập"
    assert criterion_label(4, "en") == "C4 Electricity"
    assert criterion_short(17, "vi") == "TC17"
    assert criterion_short(17, "en") == "C17"
    assert criterion_name(18, "vi") == "Hệ thống chính trị và tiếp cận pháp luật"
    assert group_name(criterion_group(12), "vi") == "Kinh tế và tổ chức sản xuất"
    assert group_name("II", "en") == "Socio-economic infrastructure"


@pytest.mark.parametrize("lang", LANGS)
def test_every_criterion_and_group_is_in_the_catalogue(lang):
    """A translator sees every name: 19 criteria, 5 groups, each its own non-empty text."""
    catalogue = entries(lang)
    keys = [f"criterion.{c}" for c in CRITERIA_NUMBERS] + [f"criterion.group.{g}" for g in GROUPS]
    assert all(catalogue.get(key) for key in keys)
    names = [criterion_name(c, lang) for c in CRITERIA_NUMBERS]
    assert len(set(names)) == len(names)
    assert [criterion_label(c, lang).split(" ", 1)[1] for c in CRITERIA_NUMBERS] == names


def test_a_number_that_is_no_criterion_is_refused():
    with pytest.raises(ValueError, match="criterion must be 1–19"):
        criterion_label(20, "vi")
