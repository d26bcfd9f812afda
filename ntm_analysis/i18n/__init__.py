"""Every user-facing string, in Vietnamese (the default) and English, looked up by key.

Provincial officials read Vietnamese first, so nothing shown to a person — chart titles, axis
labels, legends, table headers, status labels, headline sentences, command-line messages — is
written inline elsewhere: it is looked up with ``t(key, lang)`` (``tn(key, n, lang)`` for a
text with plural forms). The texts live in gettext catalogues, one per language
(``locale/<lang>/LC_MESSAGES/ntm.po``, which a translator's tools open; see ``catalogue`` and
the README's "Translating"), so a wording is corrected once, and a test can check that every
key has both languages with the same ``{placeholders}`` (a sentence that drops ``{year}`` in
one language is a silent bug).

Numbers follow each language's convention (Unicode CLDR's, through Babel): Vietnamese writes
"8,5" and "1.234" (decimal comma, thousands dot), English "8.5" and "1,234". Probabilities are
also given in plain words on an IPCC-like scale (see ``probability_words``) because "23%"
alone is easy to misread as "23% of communes".

Babel groups the digits and gives the symbols (``fmt_number``): the float is rounded by Python
first (``Decimal(f"{x:.{d}f}")``, so "0.15" stays "0.1" as ``f"{0.15:.1f}"`` has it, where Babel
alone would round the decimal text to "0.2"), its magnitude laid out by the language's CLDR
decimal pattern with ``d`` decimals, and the house rules kept around it: a true minus sign,
none on a value that rounds to zero, "<1%"/">99%". Babel is imported on the first number, and
each (language, decimals) pattern is parsed once (``babel.numbers.format_decimal`` re-parses
its pattern and looks the locale up on every call). Measured (session 6, CPU time, load average
9 on 2 cores) against the former hand grouping: 6.2 µs per number against 1.9 µs (×3.3), and
+27 ms on a process's first numbers (importing ``babel.numbers`` 13-15 ms, CLDR's locale data
13 ms for Vietnamese, 4 ms more for English); ``ntm forecast`` (1.8 s CPU) did not move beyond
its noise (median ×1.05, spread ±0.2 s).
"""

from __future__ import annotations

import copy
import functools
import gettext
import math
import string
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from ntm_analysis.i18n.text import fold, nfc

if TYPE_CHECKING:
    import babel
    import babel.numbers

LANGS: tuple[str, ...] = ("vi", "en")
DEFAULT_LANG = "vi"
DOMAIN = "ntm"  # the catalogues' name: locale/<lang>/LC_MESSAGES/ntm.po (and .mo)
LOCALE_DIR = Path(__file__).with_name("locale")


def po_path(lang: str) -> Path:
    """The catalogue a translator edits for ``lang``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    """Its compiled form, read at run time (``python -m ntm_analysis.i18n.catalogue``)."""
    return po_path(lang).with_suffix(".mo")


@functools.cache
def _translations(lang: str) -> gettext.GNUTranslations:
    """The compiled catalogue of ``lang``, read once per process.

    The standard library's reader takes 2-3 ms per language; Babel (which writes and checks
    the catalogues) is not imported for it, so that ``ntm`` starts quickly.
    """
    with open(mo_path(lang), "rb") as f:
        return gettext.GNUTranslations(f)


def check_lang(lang: str) -> str:
    """``lang`` if supported; a clear error otherwise (a typo must not fall back silently)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


def keys() -> Iterator[str]:
    """Every translation key, e.g. for tests and for listing in documentation."""
    from ntm_analysis.i18n import catalogue  # Babel: only for tools and tests

    return iter(catalogue.entries(DEFAULT_LANG))


def spellings(key: str) -> tuple[str, ...]:
    """The text of ``key`` in every language: for recognising what a person typed (a
    spreadsheet header "Thu nhập" or "Income"), not for saying anything to them."""
    return tuple(t(key, lang) for lang in LANGS)


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template expects (what ``t`` must be given to fill it)."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def _fill(key: str, template: str, fmt: dict[str, object]) -> str:
    if template == key:  # gettext hands back the msgid of a message it does not hold
        raise KeyError(f"no translation for {key!r}")
    text = template.format(**fmt) if fmt else template
    return unicodedata.normalize("NFC", text)


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``fmt``.

    Raises ``KeyError`` for an unknown key so a typo fails loudly instead of printing the key
    on a chart. The result is NFC so it renders with precomposed Vietnamese glyphs.
    """
    return _fill(key, _translations(check_lang(lang)).gettext(key), fmt)


def tn(key: str, n: int, /, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """The form of ``key`` for the count ``n`` ("1 commune", "3 communes"; Vietnamese has one
    form: "1 xã", "3 xã"), chosen by the catalogue's plural rule; ``{n}`` is filled with
    ``n`` unless ``fmt`` says otherwise."""
    fmt.setdefault("n", n)
    return _fill(key, _translations(check_lang(lang)).ngettext(key, key, n), fmt)


MINUS = "\u2212"  # the minus sign, not the hyphen "-"


@functools.cache
def _locale(lang: str) -> babel.Locale:
    """``lang``'s CLDR locale data (loaded once per process, on the first number written)."""
    import babel

    return babel.Locale.parse(check_lang(lang))


@functools.cache
def _decimal_pattern(lang: str, decimals: int) -> babel.numbers.NumberPattern:
    """``lang``'s CLDR decimal pattern ("#,##0.###") with exactly ``decimals`` decimals."""
    import babel.numbers

    pattern = copy.copy(babel.numbers.parse_pattern(_locale(lang).decimal_formats[None].pattern))
    pattern.frac_prec = (decimals, decimals)
    return pattern


@functools.cache
def _percent_template(lang: str) -> str:
    """ "{number}%" in ``lang``: the affixes of its CLDR percent pattern, around our number."""
    import babel.numbers

    pattern = babel.numbers.parse_pattern(_locale(lang).percent_formats[None].pattern)
    return f"{pattern.prefix[0]}{{number}}{pattern.suffix[0]}"


def fmt_number(x: float, lang: str = DEFAULT_LANG, decimals: int = 1) -> str:
    """``x`` written the way a reader of ``lang`` expects: vi "1.234,5", en "1,234.5".

    Missing values (None/NaN) become an en dash rather than "nan", which means nothing to a
    reader. Negative numbers take a real minus sign ("−2,5", U+2212, as typeset text does),
    and a value that rounds to zero is written without one.
    """
    check_lang(lang)
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    rounded = Decimal(f"{float(x):.{decimals}f}")  # Python's rounding of the float
    if rounded.is_infinite():  # kept as it was written before Babel ("inf"; CLDR has "∞")
        out = "inf"
    else:
        out = _decimal_pattern(lang, decimals).apply(abs(rounded), _locale(lang))
    return MINUS + out if rounded < 0 else out  # -0.0 rounds to Decimal("-0"), not < 0


def _percent(number: str, lang: str) -> str:
    return _percent_template(lang).format(number=number)


def fmt_percent(p: float, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """A probability or share (0–1) as a percentage: "23%", and "<1%"/">99%" at the ends.

    A simulated probability of 0 or 1 only means no draw fell the other way, so it is never
    written as a flat "0%" or "100%", which would read as certainty.
    """
    check_lang(lang)
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "–"
    pct = 100.0 * float(p)
    rounded = round(pct, decimals)
    smallest = 10.0**-decimals
    if pct >= 0.0 and rounded < smallest:
        return "<" + _percent(fmt_number(smallest, lang, decimals), lang)
    if pct <= 100.0 and rounded > 100.0 - smallest:
        return ">" + _percent(fmt_number(100.0 - smallest, lang, decimals), lang)
    return _percent(fmt_number(pct, lang, decimals), lang)


def fmt_share(s: float, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """An observed share (0–1, counted, not simulated) as a percentage.

    Unlike ``fmt_percent``, exactly 0 and exactly 1 are written "0%" and "100%": a counted
    share of zero is a fact. Other values near the ends still read "<1%"/">99%" so that
    "1 of 300 communes" is not rounded to "0%".
    """
    check_lang(lang)
    if s is not None and not (isinstance(s, float) and math.isnan(s)) and s in (0, 1):
        return _percent(fmt_number(100 * s, lang, decimals), lang)
    return fmt_percent(s, lang, decimals)


# (lower bound, key): the first band whose bound p reaches is used. The cut points are the
# IPCC likelihood scale's (99%, 90%, 66%, 33%, 10%, 1%), made non-overlapping.
PROBABILITY_BANDS: tuple[tuple[float, str], ...] = (
    (0.99, "prob.almost_certain"),  # p >= 99%
    (0.90, "prob.very_likely"),  # 90% <= p < 99%
    (0.66, "prob.likely"),  # 66% <= p < 90%
    (0.33, "prob.as_likely_as_not"),  # 33% <= p < 66%
    (0.10, "prob.unlikely"),  # 10% <= p < 33%
    (0.01, "prob.very_unlikely"),  # 1% <= p < 10%
    (0.0, "prob.almost_impossible"),  # p < 1%
)


def probability_key(p: float) -> str:
    """The ``prob.*`` key of the band holding ``p`` (see ``PROBABILITY_BANDS``)."""
    if p is None or not (0.0 <= float(p) <= 1.0):
        raise ValueError(f"probability must be between 0 and 1, got {p!r}")
    for lower, key in PROBABILITY_BANDS:
        if p >= lower:
            return key
    raise AssertionError("unreachable: the last band starts at 0")


def probability_words(p: float, lang: str = DEFAULT_LANG) -> str:
    """``p`` in plain words a non-statistician reads correctly, e.g. "rất có khả năng".

    Bands (lower bound inclusive), after the IPCC likelihood scale: >=99% almost certain,
    >=90% very likely, >=66% likely, >=33% about as likely as not, >=10% unlikely,
    >=1% very unlikely, below 1% almost impossible.
    """
    return t(probability_key(p), lang)


STATUSES: tuple[str, ...] = (
    "on_track",
    "needs_acceleration",
    "off_track",
    "regressing",
    "close_to_threshold",
)


def status_label(status: str, lang: str = DEFAULT_LANG) -> str:
    """The words for a progress status ("on_track" -> "Đúng tiến độ" / "On track")."""
    if status not in STATUSES:
        raise KeyError(f"unknown status {status!r}; expected one of {STATUSES}")
    return t(f"status.{status}", lang)


def synthetic_mark_text(lang: str = DEFAULT_LANG) -> str:
    """The label put on every output made from generated data."""
    return t("mark.synthetic", lang)


# the kinds of district-level unit (``district_type`` in a units file), folded -> key
_UNIT_KINDS: dict[str, str] = {
    "huyen": "unit.kind.rural_district",
    "thanh pho": "unit.kind.city",
    "thi xa": "unit.kind.town",
    "quan": "unit.kind.urban_district",
}


def unit_kind(district_type: str, lang: str = DEFAULT_LANG) -> str:
    """The kind of unit in lower case: "Thành phố" -> "thành phố" / "city", "Huyện" ->
    "huyện" / "district". An unknown type is kept as written in Vietnamese and is a
    "district" in English."""
    key = _UNIT_KINDS.get(fold(district_type))
    if key is not None:
        return t(key, lang)
    return nfc(district_type).lower() if check_lang(lang) == "vi" else t("unit.district", lang)


def unit_name(name: str, district_type: str, lang: str = DEFAULT_LANG) -> str:
    """A district-level unit's name in ``lang``: ("Tràng Định", "Huyện") -> "Huyện Tràng Định"
    / "Tràng Định district"; ("Thành phố Lạng Sơn", "Thành phố") -> "Thành phố Lạng Sơn" /
    "Lạng Sơn city" (a name that already starts with its type does not get it twice)."""
    name, kind = nfc(name), nfc(district_type)
    if fold(name).startswith(fold(kind) + " "):
        name = name.split(" ", len(kind.split(" ")))[-1]
    word = capitalize(kind) if check_lang(lang) == "vi" else unit_kind(kind, lang)
    return t("unit.named", lang, kind=word, name=name)


def capitalize(text: str) -> str:
    """First letter upper case, the rest untouched ("thành phố" -> "Thành phố")."""
    return text[:1].upper() + text[1:]
