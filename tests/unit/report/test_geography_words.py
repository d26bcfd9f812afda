"""report/geography.py: the panel's geography record (codes and numbers) in words, the same
in the report, the hearing pack, the CLI and the sidecar; and the line saying what was read."""

from __future__ import annotations

import pytest
from locations import TEST_DATA

from ntm_analysis.core.errors import Msg
from ntm_analysis.core.panel import Panel
from ntm_analysis.geography.admin import registry
from ntm_analysis.geography.harmonise import metadata
from ntm_analysis.i18n import LANGS
from ntm_analysis.io.load import load_panel
from ntm_analysis.report.geography import (
    geography_json,
    geography_lines,
    geography_notes,
    geography_sentence,
    panel_summary,
    rule_label,
)

ACROSS_2020 = {2018: "2017", 2019: "2017", 2020: "2020"}
NOTE = Msg("error.geo.note.fallback", units="xã Liên Hội")


@pytest.fixture(scope="module")
def reg():
    return registry()


def test_the_sentence_names_the_list_its_basis_and_the_rule(reg):
    geo = metadata(reg, "2020", "all", ACROSS_2020, [])
    assert geography_sentence(geo, "en") == (
        "Figures are harmonised to the units of the 2020 list (181 xã in the province; "
        f"{reg.vintage('2020').basis_en}). A commune formed by a merger counts as meeting a "
        "criterion only if all its parts met it; NTM status never carries over automatically."
    )
    vi = geography_sentence(geo, "vi")
    assert "tất cả các phần hợp thành đều đạt" in vi and reg.vintage("2020").basis_vi in vi


def test_each_rule_has_its_own_sentence_and_the_assessed_one_names_the_file(reg):
    sentences = {
        rule: geography_sentence(metadata(reg, "2020", rule, ACROSS_2020, [], "td.csv"), "en")
        for rule in ("all", "largest", "assessed")
    }
    assert len(set(sentences.values())) == 3
    assert "takes the results of its part with most people" in sentences["largest"]
    assert "td.csv" in sentences["assessed"]
    assert rule_label("largest", "en") == "the part with most people met it"


def test_a_file_on_one_list_and_one_after_july_2025(reg):
    same = metadata(reg, "2020", "all", {2020: "2020", 2021: "2020"}, [])
    assert geography_sentence(same, "en").endswith("no boundary change within the file's years.")
    no_districts = metadata(reg, "2025", "all", {2025: "2025", 2026: "2025"}, [])
    assert "There are no districts from 1/7/2025" in geography_sentence(no_districts, "en")
    assert "Từ 1/7/2025 không còn cấp huyện" in geography_sentence(no_districts, "vi")


def test_the_cli_lines_are_the_sentence_then_the_notes(reg):
    geo = metadata(reg, "2020", "largest", ACROSS_2020, [NOTE])
    lines = geography_lines(geo, "en")
    assert lines[0] == geography_sentence(geo, "en")
    assert lines[1:] == [f"- {NOTE.render('en')}"] == [f"- {n}" for n in geography_notes(geo, "en")]
    assert "xã Liên Hội" in lines[1]
    assert geography_lines(None, "vi") == []  # a panel not in real GSO codes says nothing


def test_the_sidecar_keeps_its_keys_with_the_words_in_every_language(reg):
    geo = metadata(reg, "2020", "largest", ACROSS_2020, [NOTE])
    saved = geography_json(geo)
    assert list(saved)[:10] == [
        "districts",
        "former_district",
        "vintage",
        "n_communes",
        "rule",
        "rule_label",
        "sentence",
        "lists_by_year",
        "changes_crossed",
        "notes",
    ]
    assert saved["sentence"] == {lang: geography_sentence(geo, lang) for lang in LANGS}
    assert saved["notes"] == [{lang: NOTE.render(lang) for lang in LANGS}]
    assert saved["rule_label"]["vi"] == rule_label("largest", "vi")
    assert {k: saved[k] for k in geo.to_json()} == geo.to_json()  # the codes unchanged


# --------------------------------------------------------------------------- the panel read


def test_the_panel_summary_in_both_languages():
    """``ntm validate``'s line (moved here from io.load.summarise, word for word)."""
    panel = load_panel(TEST_DATA / "wide_vi.csv")
    assert panel_summary(panel, "en") == "3 communes in 2 districts, years 2015–2016 (2 years)"
    assert panel_summary(panel, "vi") == "3 xã thuộc 2 huyện, 2015–2016 (2 năm)"
    one = panel.subset(communes=["06208"], years=[2016])
    assert panel_summary(one, "en") == "1 commune in 1 district, year 2016 (1 year)"
    assert panel_summary(one, "vi") == "1 xã thuộc 1 huyện, năm 2016 (1 năm)"
    demo = Panel.from_frames(panel.status, panel.communes, synthetic=True)
    assert panel_summary(demo, "vi").endswith(", dữ liệu mô phỏng")
    assert panel_summary(demo, "en").endswith(", synthetic demo data")


def test_the_panel_summary_of_the_bundled_data():
    line = panel_summary(load_panel(), "vi")
    assert line == "207 xã thuộc 11 huyện, 2011–2016 (6 năm), dữ liệu mô phỏng"
