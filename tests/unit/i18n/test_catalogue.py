"""The catalogues as a translator's tools see them: entries and plural forms added, the other
language's note kept fresh, the written and compiled forms, CLDR's number symbols."""

from __future__ import annotations

import gettext
import io

import pytest
from babel.messages.pofile import read_po

from ntm_analysis.i18n import catalogue


def _pair() -> dict:
    catalogs = {lang: catalogue.new(lang) for lang in ("vi", "en")}
    catalogue.add(catalogs["vi"], "col.x", "Số xã")
    catalogue.add(catalogs["en"], "col.x", "Communes")
    catalogue.add(catalogs["vi"], "n.x", ("{n} xã",))  # Vietnamese: one form
    catalogue.add(catalogs["en"], "n.x", ("{n} commune", "{n} communes"))
    catalogue.add(catalogs["vi"], "only.vi", "chỉ tiếng Việt")
    return catalogs


def test_new_catalogues_know_their_languages_plural_forms():
    assert catalogue.new("vi").num_plurals == 1
    assert catalogue.new("en").num_plurals == 2
    assert catalogue.new("en").project == catalogue.PROJECT


def test_entries_and_plural_keys():
    catalogs = _pair()
    assert catalogue.entries("en", catalogs["en"]) == {
        "col.x": "Communes",
        "n.x": ("{n} commune", "{n} communes"),
    }
    assert catalogue.plural_keys(catalogs["vi"]) == {"n.x"} == catalogue.plural_keys(catalogs["en"])


def test_a_plural_entry_must_have_the_languages_number_of_forms():
    with pytest.raises(ValueError, match=r"n\.y: 2 forms"):
        catalogue.add(catalogue.new("vi"), "n.y", ("a", "b"))


def test_replacing_an_entry_keeps_its_comments_unless_new_ones_are_given():
    catalog = catalogue.new("en")
    catalogue.add(catalog, "col.x", "Communes", ["a table header"])
    catalogue.add(catalog, "col.x", "Communes (all)")
    assert catalog.get("col.x").auto_comments == ["a table header"]
    assert catalog.get("col.x").string == "Communes (all)"
    catalogue.add(catalog, "col.x", "Communes", ["a column"])
    assert catalog.get("col.x").auto_comments == ["a column"]


def test_each_entry_quotes_the_other_language_last_and_only_once():
    catalogs = _pair()
    catalogs["vi"].get("col.x").auto_comments = ["where it is used", "en: an old", "wrapped note"]
    catalogue.refresh_notes(catalogs)
    catalogue.refresh_notes(catalogs)  # refreshing twice changes nothing
    assert catalogs["vi"].get("col.x").auto_comments == ["where it is used", "en: Communes"]
    assert catalogs["en"].get("col.x").auto_comments == ["vi: Số xã"]
    assert catalogs["vi"].get("n.x").auto_comments == ["en: {n} commune | {n} communes"]
    assert catalogs["vi"].get("only.vi").auto_comments == []  # nothing to quote


def test_the_written_and_compiled_forms_hold_the_same_messages():
    catalog = _pair()["en"]
    text = catalogue.render(catalog)
    assert b"Generated-By" not in text  # the same bytes whichever Babel wrote them
    again = read_po(io.BytesIO(text), locale="en")
    assert catalogue.entries("en", again) == catalogue.entries("en", catalog)
    compiled = gettext.GNUTranslations(io.BytesIO(catalogue.compiled(catalog)))
    assert compiled.gettext("col.x") == "Communes"
    assert compiled.ngettext("n.x", "n.x", 3) == "{n} communes"


def test_the_check_passes_on_the_committed_catalogues(capsys):
    assert catalogue.main(["--check"]) == 0
    assert capsys.readouterr().out == ""
