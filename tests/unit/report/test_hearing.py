"""report/hearing.py's pages: the brief and the slides are Jinja templates fed with a view
(numbers already formatted, sentences already translated). The views are built here by hand,
so each test reads what a template makes of them: every slide kind laid out, text escaped,
the page well formed and offline. (The views built from a real report: test_report.py's
hearing tests.)"""

from __future__ import annotations

import dataclasses
import html
from html.parser import HTMLParser

import pandas as pd
import pytest

from ntm_analysis.report import fragments, hearing
from ntm_analysis.report.base import badge
from ntm_analysis.report.export import external_references

NASTY = "A & <b>B</b> \"C\" 'D'"  # text that must stay text
PNG = "iVBORw0KGgo="  # any base64: the template embeds it as given


class _Tags(HTMLParser):
    """The page's elements as a stack: unclosed or misnested tags are recorded."""

    VOID = frozenset({"meta", "img", "br", "hr", "link", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.seen: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def _parse(page: str) -> _Tags:
    tags = _Tags()
    tags.feed(page)
    tags.close()
    assert tags.errors == [] and tags.stack == [], (tags.errors, tags.stack)
    return tags


def _table() -> hearing.Table:
    frame = pd.DataFrame({"Xã": [NASTY, "Tân Yên"], "Số tiêu chí": [12, 9], "Thiếu": ["1, 2", "3"]})
    return hearing.table_view(frame, numeric=["Số tiêu chí"], wrap=["Thiếu"])


def _brief(**changes) -> hearing.BriefView:
    view = {
        "lang": "vi",
        "title": f"Tóm tắt — {NASTY}",
        "subtitle": "Số liệu đến 2016",
        "synthetic": "Dữ liệu mô phỏng",
        "badge": badge("on_track", "vi"),
        "headline": f"Đạt {NASTY}",
        "chart": hearing.Image(PNG, f"Dự báo {NASTY}"),
        "points": ("Một.", "Hai.", "Ba."),
        "priority_title": "Ưu tiên",
        "priority": _table(),
        "source": "ntm-analysis",
    }
    return hearing.BriefView(**(view | changes))


def _slides(**changes) -> hearing.SlidesView:
    slides = (
        hearing.TitleSlide(
            f"Huyện {NASTY}", "Số liệu đến 2016", f"Đạt {NASTY}", f"Danh sách {NASTY}"
        ),
        hearing.AnswerSlide(
            "Kết luận", badge("off_track", "vi"), "Chưa đạt", hearing.Image(PNG, NASTY)
        ),
        hearing.PlanSlide("Kế hoạch 2017", f"Kế hoạch {NASTY}", _table()),
        hearing.TableSlide("Ưu tiên", _table()),
        hearing.ChartSlide("Điểm nghẽn", hearing.Image(PNG, "y")),
        hearing.TextSlide("Giới hạn", ("Một.", NASTY)),
    )
    view = {
        "lang": "vi",
        "title": f"Huyện {NASTY}",
        "keys": "← →",
        "synthetic": "Dữ liệu mô phỏng",
        "watermark": "DỮ LIỆU MÔ PHỎNG",
        "slides": slides,
        "pages": tuple(f"Trang {i}/{len(slides)}" for i in range(1, len(slides) + 1)),
    }
    return hearing.SlidesView(**(view | changes))


@pytest.mark.parametrize("make", [_brief, _slides])
def test_a_page_is_one_well_formed_offline_document_whose_text_stays_text(make):
    page = hearing.render(
        hearing.BRIEF_TEMPLATE if make is _brief else hearing.SLIDES_TEMPLATE, make()
    )
    assert page.startswith('<!DOCTYPE html>\n<html lang="vi">') and page.endswith("</html>\n")
    tags = _parse(page)
    assert "<b>" not in page and "A &amp; &lt;b&gt;B&lt;/b&gt; &#34;C&#34; &#39;D&#39;" in page
    assert next(a.get("alt") for t, a in tags.seen if t == "img").endswith(NASTY)
    assert external_references(page) == []
    title = page[page.index("<title>") + 7 : page.index("</title>")]
    assert html.unescape(title) == make().title


def test_the_brief_shows_its_view_in_order():
    page = hearing.render(hearing.BRIEF_TEMPLATE, _brief())
    text = html.unescape(page)
    order = [
        'class="ntm-synthetic"',
        "<h1>",
        'class="sub"',
        "ntm-status-on_track",
        "<img",
        "Một.",
        "Ba.",
        "<h2>Ưu tiên",
        "<table>",
        'class="foot"',
    ]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert text.count("<li>") == 3
    # real data: no banner; no chart, no priority list: neither is drawn
    bare = hearing.render(hearing.BRIEF_TEMPLATE, _brief(synthetic=None, chart=None, priority=None))
    assert 'class="ntm-synthetic"' not in bare and "<img" not in bare and "<table" not in bare
    assert "<h2>" not in bare


def test_every_slide_kind_is_laid_out_with_its_mark_and_page():
    view = _slides()
    page = hearing.render(hearing.SLIDES_TEMPLATE, view)
    tags = _parse(page)
    sections = [a for t, a in tags.seen if t == "section"]
    assert [a["id"] for a in sections] == [f"slide-{i}" for i in range(1, 7)]
    assert {type(s).kind for s in view.slides} == {
        "title",
        "answer",
        "plan",
        "table",
        "chart",
        "text",
    }
    bodies = page.split('<section class="slide"')[1:]
    for slide, body, label in zip(view.slides, bodies, view.pages, strict=True):
        assert f">{slide.heading}</h" in html.unescape(body), slide.kind
        assert f'<div class="page">{label}</div>' in body
        assert '<div class="mark">DỮ LIỆU MÔ PHỎNG</div>' in body
    title, answer, plan, table, chart, text = bodies
    assert "<h1>" in title and "ntm-synthetic" in title and "Danh sách" in title
    assert "ntm-status-off_track" in answer and '<div class="fig"><img' in answer
    assert plan.count("<table>") == 1 and 'class="big"' in plan
    assert table.count("<tr>") == 3 and "<h2>" in table
    assert chart.count("<img") == 1
    assert text.count("<p>") == 2
    assert page.count("<script>") == 1 and "keydown" in page
    # real data: no banner, an empty mark; a title slide without a registry sentence
    plain = _slides(synthetic=None, watermark="")
    no_list = hearing.TitleSlide("T", "S", "H", None)
    plain = dataclasses.replace(plain, slides=(no_list, *plain.slides[1:]))
    page = hearing.render(hearing.SLIDES_TEMPLATE, plain)
    assert 'class="ntm-synthetic"' not in page and page.count('<div class="mark"></div>') == 6
    first = page.split('<section class="slide"')[1]
    assert first.count("<p") == 2  # subtitle and headline


def test_a_table_view_aligns_numbers_and_wraps_only_the_long_columns():
    table = _table()
    assert [(c.label, c.css) for c in table.columns] == [
        ("Xã", ""),
        ("Số tiêu chí", "num"),
        ("Thiếu", "wrap"),
    ]
    assert table.rows == ((NASTY, "12", "1, 2"), ("Tân Yên", "9", "3"))
    page = str(fragments.environment().get_template("_hearing.html.j2").module.table(table))
    assert '<th class="num">Số tiêu chí</th>' in page
    assert '<td class="num">12</td>' in page and '<td class="wrap">1, 2</td>' in page
    assert "<b>" not in page
    empty = hearing.table_view(pd.DataFrame({"a": []}))
    assert hearing.Table((hearing.Column("a"),), ()) == empty


def test_the_synthetic_banner_fragment_is_the_reports_banner():
    from ntm_analysis.report.labels import synthetic_banner

    text = synthetic_banner("en")
    assert text.startswith('<div class="ntm-synthetic"') and "Synthetic data" in text
    assert "&#39;" in text  # "commune's": escaped by the template
