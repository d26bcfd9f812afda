"""report/fragments.py and templates/_fragments.html.j2: the HTML pieces the index and the
reports share are rendered from data by one autoescaped template — a badge in colour and
words for every status, links, the hearing lines and "what changed" — so text can never
become markup."""

from __future__ import annotations

import dataclasses
import html

import pytest

from ntm_analysis import i18n
from ntm_analysis.analysis.results import UnitResults, displayed_status
from ntm_analysis.batch.changes import changes_section
from ntm_analysis.report import fragments, plots
from ntm_analysis.report.base import (
    badge,
    details_html,
    paragraph,
    status_line,
)


def status_badge(status: str | None, lang: str) -> str:
    """The badge fragment as every page renders it (inside a status line, the index, slides)."""
    return fragments.render("badge", badge(status, lang))


@pytest.mark.parametrize(
    "status", [None, "close_to_threshold", "on_track", "needs_acceleration", "off_track"]
)
def test_a_badge_says_the_status_in_words_and_colours_only_a_verdict(status):
    text = status_badge(status, "en")
    label = badge(status, "en")["label"]
    assert f">{html.escape(label)}</span>" in text and label
    assert f'class="ntm-status ntm-status-{status or "none"}"' in text
    if status is None:
        assert "background:#DDDDDD" in text
    elif status == "close_to_threshold":  # no verdict's colour: a dashed frame
        assert "dashed" in text and "#EEEEEE" in text
    else:
        assert f"background:{plots.status_color(status)}" in text


def test_a_result_badge_hedges_a_verdict_close_to_a_threshold():
    figures = {"level": "district", "as_of": 2016, "year": 2020, "expected": 5.0}
    figures |= {"interval80": [4, 6], "interval95": [3, 7], "now": {"n_ntm": 1}}
    close = UnitResults.from_json(figures | {"status": "on_track", "close_to_threshold": 0.75})
    assert "ntm-status-close_to_threshold" in status_line("", displayed_status(close), "vi")
    settled = dataclasses.replace(close, close_to_threshold=None)
    assert "ntm-status-on_track" in status_line("", displayed_status(settled), "vi")


def test_text_in_a_fragment_is_escaped():
    items = [{"href": 'a"b.html', "label": "<b>x</b> & y"}]
    text = fragments.render("links", items)
    assert text == '<a href="a&#34;b.html">&lt;b&gt;x&lt;/b&gt; &amp; y</a>'
    view = {"plan": "<i>plan</i>", "label": "Pack:", "links": items}
    assert "<i>" not in fragments.render("hearing_unit", view)


def test_what_changed_is_a_table_of_words_or_nothing():
    assert changes_section(None, "en") is None and changes_section({"units": []}, "en") is None
    unit = {
        "unit": "Huyện <Hữu Lũng>",
        "level": "district",
        "before": {"year": 2020, "expected": 9.0, "interval80": [7, 11], "interval95": [6, 12]},
        "after": {"year": 2020, "expected": 8.0, "interval80": [6, 10], "interval95": [5, 11]},
        "observed": None,
        "reasons": [["changes.reason.none", {}]],
    }
    changes = {"before": {"run_id": "r1", "finished": "2026-11-30T05:00"}, "units": [unit]}
    section = changes_section(changes, "en")
    assert len(section["head"]) == len(section["rows"][0]) == 5
    text = fragments.render("changes", section)
    assert text.startswith(f"<h2>{html.escape(i18n.t('changes.title', 'en'))}</h2>")
    assert "Huyện &lt;Hữu Lũng&gt;" in text and text.count("<tr>") == 2


def test_a_status_line_and_a_folded_block_escape_their_words_not_their_html():
    line = status_line("Status <now>:", "on_track", "en", "font-size:1.15em")
    assert line == (
        f'<p style="font-size:1.15em">Status &lt;now&gt;: {status_badge("on_track", "en")}</p>'
    )
    assert status_line("Pace:", None, "en") == f"<p>Pace: {status_badge(None, 'en')}</p>"
    block = details_html("A & B", "Why <so>", "<table></table>")
    assert block == (
        f"<details><summary>A &amp; B</summary>{paragraph('Why <so>', 'color:#555')}"
        "<table></table></details>"
    )
