"""The translation table: complete, consistent, NFC, drawable, and numbers in each convention."""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path

import pytest
from matplotlib import font_manager, ft2font

from ntm_analysis import i18n
from ntm_analysis.i18n import (
    LANGS,
    fmt_number,
    fmt_percent,
    fmt_share,
    placeholders,
    probability_words,
    status_label,
    t,
)

ALL_KEYS = list(i18n.keys())


def test_table_is_not_trivially_small():
    assert len(ALL_KEYS) >= 60
    assert len(ALL_KEYS) == len(set(ALL_KEYS))


@pytest.mark.parametrize("key", ALL_KEYS)
def test_every_key_has_both_languages_with_the_same_placeholders(key):
    texts = {lang: i18n._TABLE[key][lang] for lang in LANGS}
    assert set(i18n._TABLE[key]) == set(LANGS), key
    assert all(text.strip() for text in texts.values()), key
    assert placeholders(texts["vi"]) == placeholders(texts["en"]), key


@pytest.mark.parametrize("key", ALL_KEYS)
def test_every_text_is_nfc(key):
    for lang in LANGS:
        text = i18n._TABLE[key][lang]
        assert unicodedata.normalize("NFC", text) == text, (key, lang)


def test_every_character_is_in_the_chart_font():
    """DejaVu Sans must have a glyph for every character we may draw (DejaVu Sans Mono lacks
    several Vietnamese letters, e.g. "ả", which is why charts never use it)."""
    charmap = ft2font.FT2Font(font_manager.findfont("DejaVu Sans")).get_charmap()
    missing = {
        (key, ch)
        for key in ALL_KEYS
        for lang in LANGS
        for ch in i18n._TABLE[key][lang]
        if ch not in "\n" and ord(ch) not in charmap
    }
    assert not missing


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
)


def test_every_key_is_used_somewhere():
    """A key nothing looks up is a wording nobody sees: remove it (or use it)."""
    root = Path(i18n.__file__).parents[1]  # the package
    sources = [p for p in root.rglob("*.py") if p != Path(i18n.__file__)]
    sources += list((root.parent / "notebooks").glob("*.ipynb"))
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    own = Path(i18n.__file__).read_text(encoding="utf-8").split("def check_lang", 1)[1]
    unused = [
        key
        for key in ALL_KEYS
        if not key.startswith(DYNAMIC_PREFIXES)
        and not re.search(rf"[\"']{re.escape(key)}[\"']", text + own)
    ]
    assert unused == []


# English words a Vietnamese reader met in the reports and the command line (issue 15);
# technical names (JSON, PDF, Chromium, Dask, Brier) are names, not words to translate.
ENGLISH_WORDS = re.compile(r"\b(odds|log-odds|notebooks?|synthetic|seed)\b", re.IGNORECASE)


def test_vietnamese_text_has_no_english_words():
    def words(key: str) -> str:  # placeholders ({notebook}) are names for code, not text
        return re.sub(r"\{[^}]*\}", "", t(key, "vi"))

    leaks = {key: t(key, "vi") for key in ALL_KEYS if ENGLISH_WORDS.search(words(key))}
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
    from ntm_analysis.report.headline import headline

    result = {
        "interval80": [1.0, 1.0],
        "interval95": [0.0, 3.0],
        "expected": 1.1,
        "n_communes": 19,
        "now": {"n_ntm": 1},
        "target": None,
        "year": 2020,
    }
    assert headline(result, "vi").endswith("trung bình 1,1 xã đạt chuẩn NTM (khoảng 95%: 0–3).")
    assert "(95% interval 0–3)" in headline(result, "en")
    result["interval80"] = [1.0, 2.0]
    assert "(khoảng 80%: 1–2)" in headline(result, "vi")
