"""The translation catalogues: complete, consistent, NFC, drawable, compiled as written, and
numbers in each convention."""

from __future__ import annotations

import dataclasses
import math
import os
import re
import subprocess
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st
from matplotlib import font_manager, ft2font

from ntm_analysis import i18n
from ntm_analysis.i18n import (
    LANGS,
    catalogue,
    fmt_number,
    fmt_percent,
    fmt_share,
    placeholders,
    probability_words,
    status_label,
    t,
    tn,
)

ALL_KEYS = list(i18n.keys())
CATALOGUES = {lang: catalogue.read(lang) for lang in LANGS}
TEXTS = {lang: catalogue.entries(lang, CATALOGUES[lang]) for lang in LANGS}


def forms(key: str, lang: str) -> tuple[str, ...]:
    """Every form of ``key``'s text in ``lang`` (one, or the plural forms)."""
    text = TEXTS[lang][key]
    return text if isinstance(text, tuple) else (text,)


def test_table_is_not_trivially_small():
    assert len(ALL_KEYS) >= 60
    assert len(ALL_KEYS) == len(set(ALL_KEYS))


def test_both_catalogues_hold_the_same_keys_once():
    assert set(TEXTS["vi"]) == set(TEXTS["en"])
    for lang in LANGS:  # Babel would merge a repeated msgid silently: count them in the file
        ids = re.findall(r'^msgid "(.+)"$', i18n.po_path(lang).read_text("utf-8"), re.M)
        assert len(ids) == len(set(ids)) == len(TEXTS[lang]), lang


@pytest.mark.parametrize("key", ALL_KEYS)
def test_every_key_has_both_languages_with_the_same_placeholders(key):
    for lang in LANGS:
        assert all(text.strip() for text in forms(key, lang)), (key, lang)
    marks = {lang: [placeholders(text) for text in forms(key, lang)] for lang in LANGS}
    assert all(m == marks["vi"][0] for lang in LANGS for m in marks[lang]), (key, marks)


@pytest.mark.parametrize("key", ALL_KEYS)
def test_every_text_is_nfc(key):
    for lang in LANGS:
        for text in forms(key, lang):
            assert unicodedata.normalize("NFC", text) == text, (key, lang)


def test_every_character_is_in_the_chart_font():
    """DejaVu Sans must have a glyph for every character we may draw (DejaVu Sans Mono lacks
    several Vietnamese letters, e.g. "ả", which is why charts never use it)."""
    charmap = ft2font.FT2Font(font_manager.findfont("DejaVu Sans")).get_charmap()
    missing = {
        (key, ch)
        for key in ALL_KEYS
        for lang in LANGS
        for text in forms(key, lang)
        for ch in text
        if ch not in "\n" and ord(ch) not in charmap
    }
    assert not missing


def test_compiled_catalogues_match_what_translators_edit():
    """The .mo files read at run time hold exactly the .po files' messages, and the .po files
    are tidy (notes giving the other language up to date): run
    ``python -m ntm_analysis.i18n.catalogue`` after editing one."""
    assert catalogue.tidy(check=True) == []


def test_a_stale_compiled_catalogue_is_found(tmp_path, monkeypatch):
    """The check above can fail: a .po edited without compiling is reported."""
    for lang in LANGS:
        for path in (i18n.po_path(lang), i18n.mo_path(lang)):
            copy = tmp_path / path.relative_to(i18n.LOCALE_DIR)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(path.read_bytes())
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    po = i18n.po_path("en")
    po.write_text(po.read_text("utf-8").replace('"Unit"', '"Unit of government"'), "utf-8")
    stale = [i18n.po_path("vi"), i18n.mo_path("en")]  # the note "en: Unit" and the .mo
    assert catalogue.tidy(check=True) == stale
    assert catalogue.tidy() == stale  # rewritten and compiled now
    assert catalogue.tidy(check=True) == []
    assert "#. en: Unit of government\n" in i18n.po_path("vi").read_text("utf-8")


def test_plurals_are_the_catalogues_plural_forms():
    """One key with ``msgid_plural`` per counted noun, never ``_one``/``_many`` keys; the
    plural rule is the language's (Vietnamese has one form, English two)."""
    assert CATALOGUES["vi"].num_plurals == 1 and CATALOGUES["en"].num_plurals == 2
    pairs = [k for k in ALL_KEYS if re.search(r"[._]one$", k) and k[:-3] + "many" in TEXTS["en"]]
    assert pairs == []
    plural = catalogue.plural_keys(CATALOGUES["en"])
    assert plural == catalogue.plural_keys(CATALOGUES["vi"])
    assert {"error.header", "validate.communes", "validate.years"} <= plural
    for key in plural:
        assert len(forms(key, "vi")) == 1 and len(forms(key, "en")) == 2, key


def test_tn_picks_the_form_for_the_count():
    assert tn("validate.communes", 1, "en") == "1 commune"
    assert tn("validate.communes", 3, "en") == "3 communes"
    assert tn("validate.communes", 0, "en") == "0 communes"
    assert tn("validate.communes", 1) == "1 xã" and tn("validate.communes", 3) == "3 xã"
    assert tn("error.header", 2, "en") == "2 problems found in the data:"
    with pytest.raises(KeyError, match="no translation"):
        tn("validate.no_such_noun", 2, "en")


def test_no_english_text_writes_a_plural_as_s():
    """A count in hand picks its form ("1 unit failed", "2 units failed"), and a list of names
    its length (``Msg(..., count=len(names))``): no "unit(s)" or "year(s)" workaround."""
    written = {key: forms(key, "en") for key in ALL_KEYS}
    assert [key for key, texts in written.items() if any("(s)" in s for s in texts)] == []


def test_counted_texts_read_naturally_in_both_languages():
    assert tn("cli.batch.failed", 1, "en") == "1 unit failed:"
    assert tn("cli.batch.failed", 2, "en") == "2 units failed:"
    assert tn("cli.batch.failed", 2, "vi") == "2 đơn vị chạy lỗi:"
    assert tn("error.param.header", 1, "en") == "1 problem with the parameters:"
    thin = tn("headline.thin_panel", 1, "en")
    assert thin.startswith("The data hold only 1 year-to-year transition:")


def test_vietnamese_is_the_default_and_has_diacritics():
    assert t("col.n_ntm") == "Số xã đạt chuẩn NTM"
    assert t("col.n_ntm", "en") == "Communes meeting the NTM standard"
    assert t("unit.province") == "tỉnh" and t("unit.district", "en") == "district"
    assert t("mark.synthetic") == "Dữ liệu mô phỏng — không phải số liệu thật"


def test_required_keys_for_tables_and_headlines_exist():
    for column in (
        "n_communes",
        "n_ntm",
        "share_ntm",
        "mean_criteria",
        "n_below_5",
        "n_close",
        "year",
        "probability",
        "expected",
        "interval80",
        "interval95",
    ):
        assert t(f"col.{column}", "vi") and t(f"col.{column}", "en")
    assert "15–18" in t("col.n_close") and "15–18" in t("col.n_close", "en")


def test_unknown_key_and_language_fail_loudly():
    with pytest.raises(KeyError, match="no translation"):
        t("chart.no_such_title")
    with pytest.raises(ValueError, match="lang"):
        t("col.year", "fr")


def test_headline_template_fills_in_both_languages():
    values = {
        "target": 150,
        "year": 2020,
        "prob": "23%",
        "words": "khó xảy ra",
        "expected": 131,
        "level": 80,
        "lo": 118,
        "hi": 145,
    }
    assert t("headline.probability", "vi", **values) == (
        "Khả năng có ít nhất 150 xã đạt chuẩn NTM vào năm 2020: 23% (khó xảy ra). "
        "Dự báo trung bình: 131 xã (khoảng 80%: 118–145)."
    )
    values["words"] = "unlikely"
    assert t("headline.probability", "en", **values) == (
        "Probability of reaching 150 NTM communes by 2020: 23% (unlikely). "
        "Expected: 131 communes (80% interval 118–145)."
    )
    with pytest.raises(KeyError):
        t("headline.probability", "vi", target=150)  # a missing value is an error, not "{year}"


@pytest.mark.parametrize(
    ("x", "decimals", "vi", "en"),
    [
        (8.5, 1, "8,5", "8.5"),
        (8.46, 1, "8,5", "8.5"),
        (1234.5, 1, "1.234,5", "1,234.5"),
        (1234567, 0, "1.234.567", "1,234,567"),
        (999, 0, "999", "999"),
        (1000, 0, "1.000", "1,000"),
        (0.25, 2, "0,25", "0.25"),
        (-2.5, 1, "−2,5", "−2.5"),  # a real minus sign (U+2212), not a hyphen
        (-0.04, 1, "0,0", "0.0"),  # no "-0,0"
        (2020, 0, "2.020", "2,020"),  # numbers, not years: callers print years with str()
    ],
)
def test_fmt_number(x, decimals, vi, en):
    assert fmt_number(x, "vi", decimals) == vi
    assert fmt_number(x, "en", decimals) == en


@given(
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    st.integers(min_value=0, max_value=3),
    st.sampled_from(LANGS),
)
def test_fmt_number_is_babels_cldr_format_with_a_true_minus(x, decimals, lang):
    """The same text as Babel's CLDR format of the number rounded as Python rounds it, the
    hyphen-minus replaced by a true minus sign and none on a value that rounds to zero."""
    rounded = f"{x:.{decimals}f}"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    expected = format_decimal(Decimal(rounded), pattern, locale=lang)
    expected = expected.replace("-", "\u2212") if Decimal(rounded) != 0 else expected.lstrip("-")
    assert fmt_number(x, lang, decimals) == expected


def test_fmt_number_missing_value():
    assert fmt_number(float("nan"), "vi") == "–"
    assert fmt_number(None, "en") == "–"


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (0.23, "23%"),
        (0.01, "1%"),
        (0.006, "1%"),
        (0.004, "<1%"),
        (0.0, "<1%"),  # a simulated 0 is "no draw reached it", not certainty
        (0.99, "99%"),
        (0.996, ">99%"),
        (1.0, ">99%"),
        (0.5, "50%"),
    ],
)
def test_fmt_percent(p, expected):
    assert fmt_percent(p, "vi") == expected
    assert fmt_percent(p, "en") == expected


def test_fmt_percent_decimals_follow_the_language():
    assert fmt_percent(0.085, "vi", decimals=1) == "8,5%"
    assert fmt_percent(0.085, "en", decimals=1) == "8.5%"
    assert fmt_percent(0.0004, "vi", decimals=1) == "<0,1%"


def test_fmt_share_counts_zero_and_all_exactly():
    assert fmt_share(0, "vi") == "0%"
    assert fmt_share(1.0, "en") == "100%"
    assert fmt_share(0.004, "vi") == "<1%"
    assert fmt_share(0.4, "vi") == "40%"


EDGES = [
    (1.0, "almost_certain"),
    (0.99, "almost_certain"),
    (0.9899, "very_likely"),
    (0.90, "very_likely"),
    (0.8999, "likely"),
    (0.66, "likely"),
    (0.6599, "as_likely_as_not"),
    (0.5, "as_likely_as_not"),
    (0.33, "as_likely_as_not"),
    (0.3299, "unlikely"),
    (0.10, "unlikely"),
    (0.0999, "very_unlikely"),
    (0.01, "very_unlikely"),
    (0.0099, "almost_impossible"),
    (0.0, "almost_impossible"),
]


@pytest.mark.parametrize(("p", "band"), EDGES)
def test_probability_words_at_band_edges(p, band):
    assert probability_words(p, "vi") == t(f"prob.{band}", "vi")
    assert probability_words(p, "en") == t(f"prob.{band}", "en")


def test_probability_words_plain_language():
    assert probability_words(0.995, "vi") == "gần như chắc chắn"
    assert probability_words(0.95, "vi") == "rất có khả năng"
    assert probability_words(0.7, "vi") == "có khả năng"
    assert probability_words(0.2, "vi") == "khó xảy ra"
    assert probability_words(0.05, "vi") == "rất khó xảy ra"
    assert probability_words(0.5, "en") == "about as likely as not"


def test_probability_bands_are_ordered_and_cover_zero_to_one():
    bounds = [lower for lower, _ in i18n.PROBABILITY_BANDS]
    assert bounds == sorted(bounds, reverse=True) and bounds[-1] == 0.0
    for lower, key in i18n.PROBABILITY_BANDS:
        assert key in ALL_KEYS and i18n.probability_key(lower) == key


@pytest.mark.parametrize("bad", [-0.01, 1.01, math.nan, None])
def test_probability_words_reject_non_probabilities(bad):
    with pytest.raises(ValueError):
        probability_words(bad, "vi")


def test_status_labels():
    assert status_label("on_track") == "Đúng tiến độ"
    assert status_label("needs_acceleration") == "Cần đẩy nhanh"
    assert status_label("off_track") == "Không đạt tiến độ"
    assert status_label("regressing", "vi") == "Đang giảm sút"
    assert status_label("on_track", "en") == "On track"
    assert status_label("off_track", "en") == "Off track"
    with pytest.raises(KeyError):
        status_label("fine")


@pytest.mark.parametrize(
    ("name", "kind", "vi", "en"),
    [
        ("Tràng Định", "Huyện", "Huyện Tràng Định", "Tràng Định district"),
        ("Thành phố Lạng Sơn", "Thành phố", "Thành phố Lạng Sơn", "Lạng Sơn city"),  # not twice
        ("Lạng Sơn", "Thành phố", "Thành phố Lạng Sơn", "Lạng Sơn city"),
        ("Sơn Tây", "Thị xã", "Thị xã Sơn Tây", "Sơn Tây town"),
    ],
)
def test_unit_names_in_each_language(name, kind, vi, en):
    assert i18n.unit_name(name, kind, "vi") == vi
    assert i18n.unit_name(name, kind, "en") == en
    assert "Huyện" not in i18n.unit_name(name, kind, "en")


def test_unit_kinds():
    assert i18n.unit_kind("Thành phố", "vi") == "thành phố"
    assert i18n.unit_kind("Thành phố", "en") == "city"
    assert i18n.unit_kind("Huyện", "en") == "district"
    assert i18n.capitalize(t("unit.this", "vi", kind="thành phố")) == "Thành phố này"


# keys looked up with a computed name: f"col.{column}", f"status.{status}", …
DYNAMIC_PREFIXES = (
    "col.",
    "status.",
    "prob.",
    "method.",
    "unit.kind.",
    "report.target.",
    "report.mean_target.",
    "report.coef.",
    "priority.reason.",  # priority.reason_text: one key per reason
    "cli.metavar.",  # cli._METAVARS
    "cli.argparse.",  # cli._ARGPARSE_MESSAGES
    "cli.targets.indicator.",
    "geo.rule.",  # harmonise/crossing: f"geo.rule.{rule}", f"geo.rule.sentence.{rule}"
    "geo.relation.",  # cli lineage: f"geo.relation.{c.relation}"
    "criterion.",  # report.criteria: f"criterion.{number}", f"criterion.group.{group}"
)


def test_every_key_is_used_somewhere():
    """A key nothing looks up is a wording nobody sees: remove it (or use it)."""
    root = Path(i18n.__file__).parents[1]  # the package
    sources = list(root.rglob("*.py")) + list((root.parent / "notebooks").glob("*.ipynb"))
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    unused = [
        key
        for key in ALL_KEYS
        if not key.startswith(DYNAMIC_PREFIXES)
        and not re.search(rf"[\"']{re.escape(key)}[\"']", text)
    ]
    assert unused == []


# English words a Vietnamese reader met in the reports and the command line (issue 15);
# technical names (JSON, PDF, Chromium, Dask, Brier) are names, not words to translate.
ENGLISH_WORDS = re.compile(r"\b(odds|log-odds|notebooks?|synthetic|seed)\b", re.IGNORECASE)


def test_vietnamese_text_has_no_english_words():
    def words(key: str) -> str:  # placeholders ({notebook}) are names for code, not text
        return re.sub(r"\{[^}]*\}", "", " ".join(forms(key, "vi")))

    leaks = {key: TEXTS["vi"][key] for key in ALL_KEYS if ENGLISH_WORDS.search(words(key))}
    assert leaks == {}


def test_titles_and_headlines_read_as_communes_reaching_the_standard():
    """Not "the district reaches NTM status" (another designation), not "đạt … đạt"."""
    title = t("report.title", "vi", unit="Huyện Tràng Định", year=2020)
    assert title == "Huyện Tràng Định: dự báo số xã đạt chuẩn nông thôn mới đến năm 2020"
    assert t("method.damped_trend").startswith("Xu thế tắt dần")
    values = dict(target=77, year=2020, prob="5%", words="w", expected=1, level=95, lo=0, hi=2)
    assert t("headline.probability", "vi", **values).count("đạt") == 1


def test_a_single_value_range_is_never_shown_as_certain():
    """ "1,1 xã (khoảng 80%: 1–1)" beside a backtest that finds 80% ranges too narrow would
    be falsely certain: the headline shows the 95% range instead."""
    from ntm_analysis.analysis.results import UnitResults
    from ntm_analysis.report.headline import headline

    result = UnitResults.from_json(
        {
            "level": "district",
            "as_of": 2016,
            "interval80": [1.0, 1.0],
            "interval95": [0.0, 3.0],
            "expected": 1.1,
            "n_communes": 19,
            "now": {"n_ntm": 1, "mean_criteria": 10.0, "n_below_5": 0},
            "target": None,
            "year": 2020,
        }
    )
    assert headline(result, "vi").endswith("trung bình 1,1 xã đạt chuẩn NTM (khoảng 95%: 0–3).")
    assert "(95% interval 0–3)" in headline(result, "en")
    result = dataclasses.replace(result, interval80=[1.0, 2.0])
    assert "(khoảng 80%: 1–2)" in headline(result, "vi")


# the edges a random draw rarely hits: every power of ten (grouping starts at 1,000), values
# just below one (rounding carries into a new group), halves (Python's rounding of the float,
# not Babel's of the text), large numbers beyond float precision, zero of either sign
EDGES = sorted(
    {0.0, -0.0, 0.05, 0.15, 0.25, 2.5, 1e21, -1e21, 2.0**53}
    | {s * 10.0**k for k in range(-6, 19) for s in (1, -1, 0.5, -0.5, 0.999999, -9.99995)}
)


@pytest.mark.parametrize("lang", LANGS)
def test_fmt_number_is_babels_format_at_the_edges_too(lang):
    for decimals in range(5):
        for x in EDGES:
            rounded = Decimal(f"{x:.{decimals}f}")
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            expected = format_decimal(abs(rounded), pattern, locale=lang)
            expected = "\u2212" + expected if rounded < 0 else expected
            assert fmt_number(x, lang, decimals) == expected, (x, decimals)


def _hand_formatted(x: float, lang: str, decimals: int) -> str:
    """``fmt_number`` as it was before Babel grouped the digits (kept to hold it byte for byte)."""
    decimal, group = {"vi": (",", "."), "en": (".", ",")}[lang]
    text = f"{float(x):.{decimals}f}"
    negative, text = text.startswith("-"), text.lstrip("-")
    integer, _, fraction = text.partition(".")
    groups = []
    while len(integer) > 3:
        groups, integer = [integer[-3:], *groups], integer[:-3]
    out = group.join([integer, *groups]) + (decimal + fraction if fraction else "")
    return "\u2212" + out if negative and (integer + fraction).strip("0") else out


@pytest.mark.parametrize("lang", LANGS)
def test_fmt_number_writes_what_the_hand_grouping_wrote(lang):
    values = [*EDGES, float("inf"), float("-inf"), *(k * 0.37 - 200 for k in range(1200))]
    values += [s * 10.0 ** (k / 7) for k in range(-30, 110) for s in (1, -1)]
    for decimals in range(5):
        for x in values:
            assert fmt_number(x, lang, decimals) == _hand_formatted(x, lang, decimals), (
                x,
                decimals,
            )


def test_babel_is_imported_on_the_first_number_only():
    probe = (
        "import sys; from ntm_analysis import i18n; i18n.t('col.year', 'en');"
        "before = 'babel' in sys.modules; i18n.fmt_number(1.5, 'en');"
        "print(before, 'babel.numbers' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(i18n.__file__).parents[2])}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    assert out.stdout.split() == ["False", "True"], out.stderr
