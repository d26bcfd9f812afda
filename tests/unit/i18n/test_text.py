"""Text normalisation: NFC and spaces, the folded skeleton names are matched by, and the
unit-kind word a name may start with."""

from __future__ import annotations

import unicodedata

import pytest

from ntm_analysis.i18n.text import fold, nfc, strip_leading_word


def test_nfc_joins_decomposed_letters_and_tidies_spaces():
    decomposed = unicodedata.normalize("NFD", "Tràng Định")
    assert decomposed != "Tràng Định"
    assert nfc(f"  {decomposed}\t\n ") == "Tràng Định"
    assert nfc("Xã   Hòa\u00a0Bình") == "Xã Hòa Bình"  # a no-break space is white space too
    assert nfc("") == ""


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Tràng Định", "trang dinh"),
        ("ĐÌNH LẬP", "dinh lap"),  # đ/Đ are letters of their own, not d with a mark
        ("Thị trấn Na Sầm", "thi tran na sam"),
        ("Xã Hòa-Bình (cũ)", "xa hoa binh cu"),  # punctuation becomes a space, then collapses
        ("  Lộc   Bình ", "loc binh"),
        ("TC 01/2016", "tc 01 2016"),
    ],
)
def test_fold_is_a_lowercase_ascii_skeleton(name, folded):
    assert fold(name) == folded
    assert fold(unicodedata.normalize("NFD", name)) == folded  # however the text was typed


def test_fold_matches_names_typed_without_diacritics():
    assert fold("Trang Dinh") == fold("Tràng Định") == fold("TRÀNG ĐỊNH")
    assert fold("Hòa") == fold("Hoà")  # the two placements of the tone mark


def test_strip_leading_word_removes_the_first_kind_word_only():
    words = ("huyen", "thanh pho", "thi xa")
    assert strip_leading_word("huyen trang dinh", words) == "trang dinh"
    assert strip_leading_word("thanh pho lang son", words) == "lang son"
    assert strip_leading_word("huyenx trang", words) == "huyenx trang"  # a whole word only
    assert strip_leading_word("huyen huyen a", words) == "huyen a"  # once
    assert strip_leading_word("trang dinh", words) == "trang dinh"
