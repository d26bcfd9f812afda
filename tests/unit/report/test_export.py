"""report/export.py: an executed notebook as a standalone, offline HTML report; its table of
contents (headings read as data, rendered through a Jinja template) and its print rules."""

from __future__ import annotations

import re

import nbformat
import pytest

from ntm_analysis.report import export
from ntm_analysis.report.export import Heading


def _every_position(text: str) -> list[str]:
    """``external_references`` as it was: the pattern tried at every character."""
    return [text[max(0, m.start() - 20) : m.end() + 60] for m in export._EXTERNAL.finditer(text)]


_REFERENCES = [
    '<img src="//a.example/x.png">',
    "<link HREF = 'https://b.example/s.css'>",
    "background: URL( //c.example/i.png)",
    "@IMPORT url('http://d.example/e.css');",
    '<a data-src="//e.example">',  # a hyphen is a word boundary
    'xsrc="//f.example" ahref=//g',  # no boundary: not a reference
    "src=src=//h.example src =\n\t'//i",  # a start inside a match, whitespace
    "ſrc=//j.example",  # long s: re's IGNORECASE takes it for "s"
    "İ @ımport //k.example",  # dotted and dotless i
    "src=/",
    "url(",
    "SRC",
]


@pytest.mark.parametrize("reference", _REFERENCES)
def test_the_outside_references_found_are_the_full_scans(reference):
    # the scan tries the pattern only where it can start: what it finds, and the context
    # quoted around each, are the full scan's, at the start, the end and inside a report
    body = "Tỉnh Lạng Sơn <p>" + "ab+/=".join(["data:image/png;base64,iVBORw0K//8"] * 50)
    for text in (reference, body + reference, reference + body, body + reference + body):
        assert export.external_references(text) == _every_position(text), text


def test_the_odd_case_characters_are_all_there_are():
    # the scan lowers the text and looks for the starting words: it relies on every other
    # character lowering to one character, and to the letter re's IGNORECASE takes it for
    letters = "".join(sorted(set("".join(export._EXTERNAL_STARTS))))
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    taken = re.findall(f"[{re.escape(letters)}]", every, re.IGNORECASE)
    odd = {c for c in taken if c.lower() not in letters} | {c for c in every if len(c.lower()) != 1}
    assert odd == set(export._ODD_CASE)


def test_html_export_refuses_outside_resources(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"text/html": '<script src="https://cdn.example.org/x.js"></script><b>kept</b>'},
        )
    ]
    nb.cells.append(cell)
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    html = export.export_html(
        path, tmp_path / "nb.html", title="t", lang="en", footer="footer-text"
    ).read_text(encoding="utf-8")
    assert "<b>kept</b>" in html and "footer-text" in html
    assert export.external_references(html) == []
    # the executed notebook in memory (as the batch has it) gives the same page
    from_memory = export.export_html(
        nb, tmp_path / "nb-mem.html", title="t", lang="en", footer="footer-text"
    ).read_text(encoding="utf-8")
    assert from_memory == html
    assert "title" not in nb.metadata, "the caller's notebook is not changed"
    cell.outputs[0]["data"]["text/html"] = '<img src="https://example.org/a.png">'
    nbformat.write(nb, path)
    with pytest.raises(RuntimeError, match="outside resources"):
        export.export_html(path, tmp_path / "nb2.html", title="t", lang="en", footer="f")
    assert not (tmp_path / "nb2.html").exists()


def test_the_table_of_contents_keeps_headings_own_anchors_and_classes():
    body = (
        '<main><div class="jp-Cell "><h1>Tiêu đề</h1><h2>Một</h2><p>x</p>'
        '<h2 id="Hai" class="x">Hai<a class="anchor-link" href="#Hai">¶</a></h2></div></main>'
    )
    page = export.add_contents(body, "vi")
    assert '<li><a href="#sec-1">Một</a></li><li><a href="#Hai">Hai</a></li>' in page
    assert '<h2 id="sec-1" class="ntm-section">Một</h2>' in page
    assert '<h2 id="Hai" class="ntm-section x">' in page and page.count('id="Hai"') == 1
    assert page.index("Mục lục") < page.index('id="sec-1"'), "after the title, before section 1"
    assert export.add_contents("<p>no sections</p>", "vi") == "<p>no sections</p>"


def test_print_rules_open_collapsed_sections_and_start_no_page_per_section(tmp_path):
    """Printed for a hearing: a collapsed section is printed open (paper cannot be clicked)
    and short sections share a page instead of each leaving one nearly empty."""
    from pypdf import PdfReader

    from ntm_analysis.report.pdf import find_chromium, print_pdf

    if find_chromium() is None:
        pytest.skip("Chromium is not installed (make installs it)")
    sections = "".join(
        f'<div class="jp-OutputArea-child"><h2>Phần {k}</h2><p>Nội dung {k}.</p></div>'
        for k in range(1, 5)
    )
    body = export.add_contents(
        f"<main><h1>Huyện Lộc Bình</h1>{sections}"
        "<details><summary>Hệ số (bấm để xem)</summary><p>Bảng hệ số ẩn</p></details></main>",
        "vi",
    )
    css = ".jp-OutputArea-child { break-inside: avoid-page; }"  # as JupyterLab's own rules
    css += export.print_css("Huyện Lộc Bình", "vi", synthetic=True)
    page = tmp_path / "r.html"
    page.write_text(
        f'<html><head><style>{css}</style></head><body class="jp-Notebook">{body}</body></html>',
        encoding="utf-8",
    )
    pages = PdfReader(print_pdf(page, tmp_path / "r.pdf")).pages
    text = " ".join(p.extract_text() for p in pages)
    assert len(pages) == 1, f"{len(pages)} pages for four short sections"
    assert "Bảng hệ số ẩn" in text and "Phần 4" in text and "Dữ liệu mô phỏng" in text


def test_a_district_prints_the_appendix_title_and_where_it_is_in_full(tmp_path):
    """One model serves the whole province: its coefficients print once, in the province
    report; a district's print says where to find them, and a wide table is not cut off."""
    from pypdf import PdfReader

    from ntm_analysis.report.pdf import find_chromium, print_pdf

    if find_chromium() is None:
        pytest.skip("Chromium is not installed (make installs it)")
    wide = "".join(f"<td>ô {k} {'chữ ' * 12}</td>" for k in range(6))
    body = (
        f'<main><h1>Huyện Lộc Bình</h1><div class="jp-OutputArea-child" style="overflow:hidden">'
        f"<table><tr>{wide}<td>CUỐI BẢNG</td></tr></table></div>"
        "<details><summary>Phụ lục: hệ số</summary><p>Bảng hệ số ẩn</p></details></main>"
    )
    for appendix, shown in ((True, True), (False, False)):
        css = export.print_css("Huyện Lộc Bình", "vi", synthetic=False, appendix=appendix)
        page = tmp_path / f"r{appendix}.html"
        page.write_text(
            f'<html><head><style>{css}</style></head><body class="jp-Notebook">{body}</body>'
            "</html>",
            encoding="utf-8",
        )
        text = " ".join(
            p.extract_text() for p in PdfReader(print_pdf(page, tmp_path / "r.pdf")).pages
        )
        text = " ".join(text.split())
        assert ("Bảng hệ số ẩn" in text) is shown
        assert ("in đầy đủ trong báo cáo toàn tỉnh" in text) is not shown
        assert "CUỐI BẢNG" in text


# --------------------------------------------------------------------------- contents as data


def test_headings_are_read_as_data_whatever_the_markup():
    """Attributes in any order or quoting, entities, tags inside, a markdown heading's "¶"
    link, a heading inside a script (not a heading): the parser reads them as a browser does."""
    body = (
        "<script>var s = '<h2>not a heading</h2>';</script>"
        "<h2 class='x' id=own>Ti&ecirc;u <em>ch&iacute;</em> &amp; x"
        '<a class="anchor-link" href="#own">¶</a></h2>'
        '<H2\n  data-k="1">Hai\ndòng</H2><h3>not a section</h3>'
        '<h2 class="ntm-toc-title">Mục lục</h2>'
    )
    assert export.headings(body) == [
        Heading(2, "own", "Tiêu chí & x"),
        Heading(2, "sec-2", "Hai\ndòng"),
    ]
    page = export.add_contents(body, "en")
    assert page.startswith("<script>var s = '<h2>not a heading</h2>';</script><nav"), page
    assert '<h2 class="ntm-section x" id="own">' in page
    assert '<h2 id="sec-2" data-k="1" class="ntm-section">Hai\ndòng</H2>' in page
    assert page.count("ntm-toc-title") == 2, "the contents' own title is never listed"


def test_the_contents_are_rendered_by_the_template_and_escaped():
    sections = [Heading(2, "a", 'Xã "A" <b> & B'), Heading(2, "sec-2", "Hai")]
    nav = export.contents_html(sections, "en")
    assert nav == (
        '<nav class="ntm-toc" aria-label="Contents"><h2 class="ntm-toc-title">Contents</h2>'
        '<ol><li><a href="#a">Xã &#34;A&#34; &lt;b&gt; &amp; B</a></li>'
        '<li><a href="#sec-2">Hai</a></li></ol></nav>\n'
    )
    assert "Mục lục" in export.contents_html(sections, "vi")
    assert "<ol></ol>" in export.contents_html([], "en")


def test_everything_but_the_headings_start_tags_is_left_as_it_was():
    body = "<main>\n<p title='x&amp;y'>a &lt; b</p>\n<h2 id=k>K</h2>\n<!-- <h2>c</h2> -->\n</main>"
    page = export.add_contents(body, "en")
    nav = export.contents_html([Heading(2, "k", "K")], "en")
    assert page == body.replace("<h2 id=k>", nav + '<h2 id="k" class="ntm-section">')


# --------------------------------------------------------------------------- footer, print


def test_the_footer_is_escaped_text_naming_run_data_and_version():
    footer = export.footer_html("run<1>", "a" * 64, "en", when="2026-01-01")
    assert "run&lt;1&gt;" in footer and "a" * 12 in footer and "a" * 13 not in footer
    assert export.__version__ in footer and "2026-01-01" in footer


def test_page_margins_quote_names_from_data_files():
    """A unit's name comes from a data file: in the margins' CSS string it is quoted, so a
    quote or a brace in it cannot end the string or the rule."""
    css = export.print_css('Xã "A"} body {display:none', "vi", synthetic=True)
    running = re.search(r"@bottom-left \{ content: (\"[^\"]*\");", css)
    assert running, css
    assert "mô phỏng" in running[1], "the synthetic-data mark on every page"
    assert "\\22 " in running[1] and "\\7d " in running[1]
    assert "in đầy đủ" not in css
    assert "in đầy đủ" in export.print_css("T", "vi", synthetic=False, appendix=False)


# --------------------------------------------------------------------------- one exporter


def _notebook(text: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": text})]
    nb.cells.append(cell)
    return nb


def _in_new_thread(job):
    """``job()`` run in a thread of its own (a thread starts with no exporter), its result."""
    import threading

    out: list = []
    worker = threading.Thread(target=lambda: out.append(job()))
    worker.start()
    worker.join()
    return out[0]


def test_reports_exported_one_after_another_share_one_exporter_and_stay_their_own(
    tmp_path, monkeypatch
):
    """A batch worker exports one report after another: the templates are compiled once per
    language (two exporters made for two reports fails on the old code), and a report
    exported after another reads as it does exported alone (nothing carried over, not the
    first notebook's language either)."""
    import nbconvert

    made: list[str] = []

    class Counting(nbconvert.HTMLExporter):
        def __init__(self, **kwargs):
            made.append(kwargs.get("language_code", ""))
            super().__init__(**kwargs)

    monkeypatch.setattr(nbconvert, "HTMLExporter", Counting)
    first, second = _notebook("<h2>Một</h2><b>một</b>"), _notebook("<h2>Hai</h2><i>hai</i>")
    first.metadata["language_info"] = {"name": "R", "pygments_lexer": "r"}  # not carried over

    def page(nb, name: str, footer: str) -> str:
        target = tmp_path / name
        export.export_html(nb, target, title=target.stem, lang="vi", footer=footer)
        return target.read_text(encoding="utf-8")

    after = _in_new_thread(lambda: [page(first, "a.html", "f-a"), page(second, "b.html", "f-b")])
    assert made == ["vi"]
    alone = _in_new_thread(lambda: page(second, "b.html", "f-b"))
    assert after[1] == alone
    assert "<b>một</b>" not in after[1] and "f-a" not in after[1]


def test_a_workers_compiled_templates_are_kept_and_change_nothing(tmp_path, monkeypatch):
    """With ``template_cache`` (a batch's workers) the exporter's compiled templates are kept
    there: the next worker's exporter compiles none and writes the same page as one without
    the cache; a folder that cannot be written, or a damaged file, is skipped, never an
    error."""
    import jinja2

    nb = _notebook("<h2>Một</h2><b>một</b>")

    def page(name: str, cache) -> str:
        target = tmp_path / name
        export.export_html(nb, target, title="t", lang="vi", footer="f", template_cache=cache)
        return target.read_text(encoding="utf-8")

    plain = _in_new_thread(lambda: page("plain.html", None))
    cache = tmp_path / "templates"
    assert _in_new_thread(lambda: page("first.html", cache)) == plain
    kept = list(cache.glob("templates-*/*.cache"))
    assert kept

    compiled: list[str] = []
    real = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return real(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    assert _in_new_thread(lambda: page("second.html", cache)) == plain
    assert compiled == []  # every template came from the cache
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    assert _in_new_thread(lambda: page("third.html", blocked)) == plain
    assert compiled  # compiled, as without a cache

    compiled.clear()
    for file in kept:  # the right header, then what no unpickler reads
        file.write_bytes(jinja2.bccache.bc_magic + b"\x80damaged")
    assert _in_new_thread(lambda: page("fourth.html", cache)) == plain
    assert compiled  # compiled again
