"""report/priority.py: the priority list's reason codes (analysis.priority) in words."""

from __future__ import annotations

from ntm_analysis import i18n
from ntm_analysis.analysis.priority import REASONS
from ntm_analysis.report.priority import reason_legend, reason_text, short_criteria

ROW = [
    ("next", {"k": 2, "year": 2017}),
    ("hard", {"criteria": [10, 13]}),
    ("tied", {"year": 2020, "points": 1.234}),
    ("ceiling", {"peak": 0.964, "year": 2020}),
    ("fast", {}),
]


def test_a_row_s_reasons_as_phrases_with_the_house_number_style():
    assert reason_text(ROW, "en") == (
        "may meet the standard already in 2017; lacks hard criteria (C10, C13); tied in 2020 "
        "with communes meeting fewer criteria (difference within the simulation error, ±1.2 "
        "points); levelled off at 96%: a commune meeting the standard can still lose a "
        "criterion at re-assessment before 2020; its own past progress was faster than the "
        "average"
    )
    vi = reason_text(ROW, "vi")
    assert "còn thiếu tiêu chí khó (TC10, TC13)" in vi
    assert "±1,2 điểm %" in vi  # Vietnamese decimal comma
    assert "đã chững ở mức trần 96%" in vi
    assert reason_text([], "en") == ""


def test_short_reasons_are_a_few_words_each():
    assert reason_text(ROW, "en", short=True) == (
        "may meet it in 2017; hard: C10, C13; tied with fewer-criteria communes; "
        "levelled at 96%; fast own progress"
    )
    assert reason_text(ROW, "vi", short=True).startswith("có thể đạt năm 2017; TC khó: TC10, TC13")


def test_every_reason_code_has_its_words_in_both_languages():
    values = {"k": 1, "year": 2020, "criteria": [7], "points": 0.5, "peak": 0.9}
    for key, fields in REASONS.items():
        row = [(key, {name: values[name] for name in fields})]
        for lang in i18n.LANGS:
            for short in (False, True):
                text = reason_text(row, lang, short)
                assert text and "{" not in text, (key, lang, short)


def test_the_legend_explains_each_short_reason_used_once_in_reason_order():
    legend = reason_legend([ROW[:2], ROW[2:]], "en", "Why", 2017, 2020)
    assert legend.startswith("Reading “Why”: “may meet it in 2017”: a chance of 50% or more")
    order = ["“may meet it", "“hard”", "“tied with", "“levelled at", "“slow/fast own progress”"]
    places = [legend.index(entry) for entry in order]
    assert places == sorted(places)
    assert "“slow/fast" in legend  # "fast" alone is explained by the one slow/fast sentence
    assert legend.count("“hard”") == 1
    assert legend.endswith("Each commune's full explanation is in the Excel workbook.")
    assert "“behind" not in legend and "below fewer-criteria" not in legend  # not used
    assert reason_legend([[], []], "vi", "Lý do", 2017, 2020) == ""


def test_criteria_by_number_only():
    assert short_criteria([10, 13], "vi") == "TC10, TC13"
    assert short_criteria([3], "en") == "C3"
