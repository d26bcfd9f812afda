"""Text normalisation shared by loaders and lookups.

Vietnamese text arrives in NFC or NFD depending on the keyboard and the program that saved it;
two visually identical names only compare equal after normalising, so every string that is
joined or looked up goes through ``nfc`` first. ``fold`` goes further, for tolerant matching
of names typed without diacritics ("Trang Dinh" for "Tràng Định").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    """NFC-normalised, trimmed, with runs of white space collapsed to one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def fold(value: str) -> str:
    """Lower-case ASCII skeleton of a name: no diacritics, đ→d, punctuation dropped."""
    decomposed = unicodedata.normalize("NFD", nfc(value).replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", re.sub(r"[^0-9a-z ]+", " ", bare.lower())).strip()


def strip_leading_word(folded: str, words: Iterable[str]) -> str:
    """``folded`` without the first of ``words`` it starts with ("huyen trang dinh" →
    "trang dinh"): the unit-kind words people type before a name, or leave out."""
    for word in words:
        if folded.startswith(word + " "):
            return folded[len(word) + 1 :]
    return folded
