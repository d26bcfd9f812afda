"""The batch's reports as a planner sees them: opened from disk in a real headless Chromium.

One batch on the bundled data (the province and Lộc Bình) is opened as ``file://`` pages, as a
planner opens ``index.html`` from a USB stick. On the index and the district report: no code
is visible, every image is decoded, no request leaves the machine, the console has no errors,
the Vietnamese headline and the synthetic-data mark are shown, and every link on the index
resolves to a file of the batch. Full-page screenshots are saved under ``reports/browser-check/``
(ignored by git) for a person to look at.

The browser is the system Chromium (``apt-get update && apt-get install -y chromium``, which
``make`` does), driven by Playwright for Python; the tests are skipped, saying so, only where
either is missing. ``test_the_checker_catches_broken_pages`` proves every check can fail.
"""

from __future__ import annotations

import json
import os
import re
import struct
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest
from locations import REPO

from ntm_analysis.batch.run import run_batch
from ntm_analysis.report.hearing import ENV as HEARING_ENV
from ntm_analysis.report.pdf import QUIET_FLAGS, find_chromium

pytestmark = pytest.mark.slow

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None

REPO = REPO
SCREENSHOTS = REPO / "reports" / "browser-check"  # reports/ is in .gitignore
DISTRICT = "Lộc Bình"
SYNTHETIC_MARK = "Dữ liệu mô phỏng"
VIETNAMESE_PHRASE = "đạt chuẩn"  # Vietnamese only, with diacritics: not in the English reports
# Chromium's own traffic (updates, sync…) is not the page's: keep it quiet, as the batch does.
# It could not pollute the checks anyway: only the page's requests are recorded.
CHROMIUM_ARGS = [*QUIET_FLAGS, "--disable-features=Translate,OptimizationHints,MediaRouter"]
VIEWPORT = {"width": 1280, "height": 900}
LOCAL_SCHEMES = ("file:", "data:", "blob:")
# as tests/test_batch.py: strings of code cells that must never reach an HTML report
CODE_STRINGS = [
    "report.prepare(",
    "report.headline(rep)",
    "forecast_cache=forecast_cache",
    "saved = report.save_results",
]
# visible text that only code, a traceback or a stray warning would produce
CODE_PATTERNS = [
    re.compile(r"^\s*(?:import [\w.]+|from [\w.]+ import )", re.MULTILINE),
    re.compile(r"\b(?:report|rep|fc|pd|np|plt)\.\w+\("),
    re.compile(r"Traceback \(most recent call last\)"),
    re.compile(r"\b\w*(?:Warning|Error): "),
    re.compile(r"^\s*In \[\d*\]:", re.MULTILINE),
]
# elements of a notebook's code input (or stderr output), which nbconvert must have left out
CODE_SELECTORS = (
    ".jp-InputArea, .jp-InputPrompt, .jp-CodeMirrorEditor, .jp-Editor, .CodeMirror, "
    ".cm-editor, div.input, .input_area, .highlight, "
    '[data-mime-type="application/vnd.jupyter.stderr"]'
)
_VISIBLE_JS = """el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; }"""


# --------------------------------------------------------------------------- the checker


@dataclass
class Visit:
    """A page opened in its own browser context, with everything it asked for and logged."""

    page: object
    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _is_local(url: str) -> bool:
    return url.startswith(LOCAL_SCHEMES)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """The system Chromium, headless; skipped (saying why and how to fix it) where absent."""
    if sync_playwright is None:
        pytest.skip(
            "Playwright for Python is not installed: pip install -e '.[dev]' (make does this)"
        )
    chromium = find_chromium()  # the browser the batch prints with
    if chromium is None:
        pytest.skip(
            "Chromium is not installed: apt-get update && apt-get install -y chromium "
            "(make does this; `playwright install` is not needed)"
        )
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def visit(browser) -> Iterator:
    """``visit(url)``: open ``url`` in a fresh context that lets nothing leave the machine."""
    contexts = []

    def open_(url: str) -> Visit:
        context = browser.new_context(
            viewport=VIEWPORT, locale="vi-VN", service_workers="block", java_script_enabled=True
        )
        contexts.append(context)
        context.set_default_timeout(15_000)
        page = context.new_page()
        seen = Visit(page)

        def on_request(request):
            seen.requests.append(request.url)
            if not _is_local(request.url):
                seen.outside.append(request.url)

        context.on("request", on_request)
        # outside requests fail too (aborted below): they are reported as leaving the machine
        context.on(
            "requestfailed",
            lambda r: _is_local(r.url) and seen.failed.append(f"{r.url}: {r.failure}"),
        )
        # anything non-local is aborted, so a regression cannot hang on an unreachable host
        context.route(lambda url: not _is_local(url), lambda route: route.abort("blockedbyclient"))
        page.on("websocket", lambda ws: seen.outside.append(ws.url))
        page.on(
            "console",
            lambda m: m.type == "error" and seen.errors.append(f"console.error: {m.text}"),
        )
        page.on("pageerror", lambda exc: seen.errors.append(f"page error: {exc}"))
        page.goto(url, wait_until="load")
        return seen

    yield open_
    for context in contexts:
        context.close()


def visible_text(page) -> str:
    """The page's rendered text (CSS-hidden and closed <details> content excluded), NFC."""
    return " ".join(unicodedata.normalize("NFC", page.inner_text("body")).split())


def shown(page, text: str) -> bool:
    return " ".join(unicodedata.normalize("NFC", text).split()) in visible_text(page)


def page_problems(seen: Visit) -> list[str]:
    """What is wrong with an opened page, whatever it is: [] when nothing is."""
    page = seen.page
    page.wait_for_load_state("load")
    problems = [f"request leaves the machine: {url}" for url in seen.outside]
    problems += [f"request failed: {f}" for f in seen.failed]
    problems += seen.errors
    problems += [
        f"code element visible: {text}"
        for text in page.eval_on_selector_all(
            CODE_SELECTORS,
            f"els => els.filter({_VISIBLE_JS}).map(e => e.className + ' ' + "
            "e.innerText.slice(0, 80))",
        )
    ]
    blocks = page.eval_on_selector_all(
        "pre, code", f"els => els.filter({_VISIBLE_JS}).map(e => e.innerText)"
    )
    text = visible_text(page)
    raw_text = unicodedata.normalize("NFC", page.inner_text("body"))
    problems += [f"code visible: {code!r}" for code in CODE_STRINGS if code in text]
    for pattern in CODE_PATTERNS:
        for where in [raw_text, *blocks]:
            if match := pattern.search(where):
                problems.append(f"code visible: {match.group(0).strip()!r}")
                break
    problems += [
        f"image not decoded: {src}"
        for src in page.evaluate(
            "() => Array.from(document.images)"
            ".filter(i => !i.complete || i.naturalWidth === 0)"
            ".map(i => (i.getAttribute('src') || '').slice(0, 80))"
        )
    ]
    return problems


def link_problems(seen: Visit, root: Path, *, required: bool = True) -> list[str]:
    """Every <a href> must open a file of the output folder ``root`` (and its #anchor);
    ``required``: the page must have links at all."""
    page = seen.page
    root = root.resolve()
    links = page.eval_on_selector_all(
        "a[href]", "els => els.map(a => [a.getAttribute('href'), a.href])"
    )
    problems = [] if links or not required else ["no links at all"]
    for raw, resolved in links:
        parts = urlsplit(resolved)
        if parts.scheme != "file":
            problems.append(f"link {raw!r} does not point to a local file")
            continue
        target = Path(url2pathname(parts.path)).resolve()
        if not target.is_file():
            problems.append(f"link {raw!r}: {target} does not exist")
        elif root not in target.parents:
            problems.append(f"link {raw!r} leaves the output folder: {target}")
        elif (
            parts.fragment
            and target == Path(url2pathname(urlsplit(page.url).path)).resolve()
            and not page.evaluate("id => !!document.getElementById(id)", parts.fragment)
        ):
            problems.append(f"link {raw!r}: no element with id {parts.fragment!r}")
    return problems


def images(seen: Visit) -> int:
    return seen.page.evaluate("() => document.images.length")


def screenshot(seen: Visit, name: str) -> Path:
    """A full-page PNG under reports/browser-check/, checked to be a real, page-wide image."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    seen.page.screenshot(path=str(path), full_page=True)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    assert width >= VIEWPORT["width"] and height >= 300, (path, width, height)
    assert len(data) > 20_000, f"{path} is suspiciously small ({len(data)} bytes)"
    print(f"screenshot: {path} ({width}×{height})")
    return path


# --------------------------------------------------------------------------- the checker, checked


BROKEN_PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Hỏng</title><script src="https://example.org/x.js"></script></head><body>
<h1>Trang hỏng</h1>
<img src="broken.png" alt="missing">
<img src="data:image/png;base64,bm90IGEgcG5n" alt="not a png">
<img src="https://example.org/chart.png" alt="remote">
<pre>import numpy as np
fc = report.prepare(panel)</pre>
<div class="jp-InputArea">x = 1</div>
<a href="missing.html">missing</a> <a href="https://example.org/">outside</a>
<a href="#nowhere">anchor</a>
<script>console.error("boom"); fetch("http://192.0.2.1/beacon"); throw new Error("bad");</script>
</body></html>"""

CLEAN_PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Tốt</title></head><body><h1 id="top">Trang tốt</h1>
<p>Xã đạt chuẩn NTM.</p>
<img src="data:image/png;base64,{png}" alt="dot">
<details><summary>Chi tiết</summary><pre>import hidden</pre></details>
<a href="other.html">khác</a> <a href="#top">đầu trang</a>
</body></html>"""

# a 1×1 PNG
DOT_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5E"
    "rkJggg=="
)


def test_the_checker_catches_broken_pages(tmp_path, visit):
    """Each check fails on the fault it is for, and passes a clean page."""
    bad = tmp_path / "bad.html"
    bad.write_text(BROKEN_PAGE, encoding="utf-8")
    seen = visit(bad.as_uri())
    problems = page_problems(seen)
    joined = "\n".join(problems)
    assert "request leaves the machine: https://example.org/x.js" in joined
    assert "request leaves the machine: https://example.org/chart.png" in joined
    assert "request leaves the machine: http://192.0.2.1/beacon" in joined
    assert "console.error: boom" in joined
    assert "page error:" in joined and "bad" in joined
    assert "request failed: file://" in joined and "broken.png" in joined
    assert "image not decoded: broken.png" in joined
    assert "image not decoded: data:image/png;base64,bm90" in joined
    assert "code element visible: jp-InputArea" in joined
    assert "code visible: 'report.prepare('" in joined
    assert "code visible: 'import numpy'" in joined
    links = "\n".join(link_problems(seen, tmp_path))
    assert "'missing.html'" in links and "does not exist" in links
    assert "'https://example.org/' does not point to a local file" in links
    assert "no element with id 'nowhere'" in links
    assert not shown(seen.page, "import numpy as np fc = nothing")

    good = tmp_path / "good.html"
    good.write_text(CLEAN_PAGE.format(png=DOT_PNG), encoding="utf-8")
    (tmp_path / "other.html").write_text("<title>x</title>", encoding="utf-8")
    seen = visit(good.as_uri())
    assert page_problems(seen) == []
    assert link_problems(seen, tmp_path) == []
    assert link_problems(seen, tmp_path / "elsewhere") != [], "links outside the folder"
    assert images(seen) == 1 and shown(seen.page, "Xã đạt chuẩn NTM.")


# --------------------------------------------------------------------------- the batch's pages


@pytest.fixture(scope="module")
def batch_out(browser, tmp_path_factory) -> tuple[Path, dict]:
    """One batch on the bundled data: (output folder, manifest).

    Requests ``browser`` first so a machine without Chromium skips before the batch runs.
    The PDF checks below read the PDFs of this same run.
    """
    out = tmp_path_factory.mktemp("browser-reports")
    os.environ[HEARING_ENV] = "1"  # this batch makes the hearing packs checked below
    try:
        result = run_batch(
            out,
            districts=[DISTRICT],
            draws=300,
            backtest_draws=50,
            seed=1,
            workers=2,
            progress=False,
            cache_dir=tmp_path_factory.mktemp("browser-cache"),
        )
    finally:
        os.environ[HEARING_ENV] = "0"
    assert result.exit_code == 0, result.failed
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return out, manifest


def _unit(manifest: dict, kind: str) -> dict:
    (unit,) = [u for u in manifest["units"] if u["kind"] == kind and u["status"] == "ok"]
    return unit


def _headline(out: Path, unit: dict) -> str:
    results = json.loads((out / unit["outputs"]["results"]).read_text(encoding="utf-8"))
    assert results["headline"], unit["id"]
    return results["headline"]


# --------------------------------------------------------------------------- the printed PDFs
A4_POINTS = (595.3, 841.9)


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _sections(html_file: Path) -> list[str]:
    """The report's section titles, as its table of contents lists them."""
    toc = re.search(r'<nav class="ntm-toc".*?</nav>', html_file.read_text(encoding="utf-8"), re.S)
    assert toc, f"{html_file.name} has a table of contents"
    return [_flat(re.sub(r"<[^>]+>", "", item)) for item in re.findall(r"<li>(.*?)</li>", toc[0])]


# a district report prints on at most this many A4 pages (issue 15: a hearing reads it whole)
MAX_DISTRICT_PAGES = 6


def pdf_problems(
    pdf: Path, sections: list[str], title: str, headline: str, max_pages: int | None = None
) -> list[str]:
    """What is wrong with a report's PDF: the paper, the pages, the margins, the text.

    Sections flow one after another (the print stylesheet no longer starts each on a page of
    its own, so no page is near-empty): every section title appears after the table of
    contents, in order; no page is blank; the headline is on the first page; the report
    takes at most two pages per section (a bound that catches a layout gone wrong without
    tying the test to today's page count), and at most ``max_pages`` when given.
    """
    from pypdf import PdfReader

    pages = PdfReader(pdf).pages
    n = len(pages)
    problems = []
    if not 1 <= n <= 2 * (1 + len(sections)):
        problems.append(f"{n} pages for {len(sections)} sections")
    if max_pages is not None and n > max_pages:
        problems.append(f"{n} pages, more than {max_pages}")
    bodies = []
    for k, page in enumerate(pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        if abs(width - A4_POINTS[0]) > 1 or abs(height - A4_POINTS[1]) > 1:
            problems.append(f"page {k} is {width:.0f}×{height:.0f} pt, not A4")
        # Chromium writes the page margins (number, title, synthetic mark) as the first line
        first, _, rest = (page.extract_text() or "").partition("\n")
        margin = f"Trang {k} / {n}"
        for expected in (margin, title, SYNTHETIC_MARK):
            if expected not in _flat(first):
                problems.append(f"page {k} lacks {expected!r} in its margin")
        body = _flat(rest)
        if not body and not page.images:
            problems.append(f"page {k} is blank")
        bodies.append(body)
    whole = " ".join(bodies)
    # the table of contents lists every title first: read the sections after its last entry
    at = whole.find(sections[-1]) + len(sections[-1]) if sections else 0
    missing = []
    for section in sections:
        found = whole.find(section, at)
        if found < 0:
            missing.append(section)
        else:
            at = found + len(section)
    if missing:
        problems.append(f"sections missing or out of order: {missing}")
    # spaces ignored: a line may break after the dash of a range ("9–" / "13")
    if bodies and _flat(headline).replace(" ", "") not in bodies[0].replace(" ", ""):
        problems.append("the headline is not on the first page")
    leaked = [c for c in CODE_STRINGS if any(c in body for body in bodies)]
    if leaked:
        problems.append(f"code in the PDF: {leaked}")
    return problems


def test_every_report_prints_to_a4_with_its_sections_in_order(batch_out):
    out, manifest = batch_out
    assert manifest["parameters"]["pdf"] is True
    for unit in manifest["units"]:
        pdf = out / unit["outputs"]["pdf"]
        assert pdf.read_bytes()[:5] == b"%PDF-", unit["id"]
        html_file = out / unit["outputs"]["html"]
        title = _flat(re.search(r"<title>(.*?)</title>", html_file.read_text("utf-8"))[1])
        limit = MAX_DISTRICT_PAGES if unit["kind"] == "district" else None
        problems = pdf_problems(pdf, _sections(html_file), title, _headline(out, unit), limit)
        assert problems == [], (unit["id"], problems)


def test_the_pdf_checker_catches_a_wrong_print(batch_out, tmp_path):
    """The same checks on PDFs printed with a fault must fail: a blank page, a section
    heading left out, the page margins gone."""
    from pypdf import PdfReader

    from ntm_analysis.report.pdf import print_pdf

    out, manifest = batch_out
    unit = _unit(manifest, "district")
    html_file = out / unit["outputs"]["html"]
    text = html_file.read_text(encoding="utf-8")
    title = _flat(re.search(r"<title>(.*?)</title>", text)[1])
    sections = _sections(html_file)

    def problems_of(name: str, page: str) -> list[str]:
        source = tmp_path / f"{name}.html"
        source.write_text(page, encoding="utf-8")
        pdf = print_pdf(source, tmp_path / f"{name}.pdf")
        return pdf_problems(pdf, sections, title, _headline(out, unit))

    blank = '<div style="break-before: page; break-after: page; height: 2em"></div>'
    heading = re.search(r'<h2[^>]*class="[^"]*\bntm-section\b', text)
    assert heading, "the report's sections are <h2 class=ntm-section>"
    at = heading.start()
    problems = problems_of("blank-page", text[:at] + blank + text[at:])
    assert any("is blank" in p for p in problems), problems
    hidden = text.replace("</style>", "h2.ntm-section { display: none; }</style>", 1)
    problems = problems_of("no-headings", hidden)
    assert any("missing or out of order" in p for p in problems), problems
    problems = problems_of("no-margins", re.sub(r"@bottom-\w+ \{[^}]*\}", "", text))
    assert any("in its margin" in p for p in problems), problems
    # the page limit: the same PDF against a limit one page below its length
    pdf = out / unit["outputs"]["pdf"]
    n = len(PdfReader(pdf).pages)
    problems = pdf_problems(pdf, sections, title, _headline(out, unit), max_pages=n - 1)
    assert f"{n} pages, more than {n - 1}" in problems, problems


def test_the_index_in_a_browser(batch_out, visit):
    out, manifest = batch_out
    province = _unit(manifest, "province")
    seen = visit((out / "index.html").as_uri())
    assert page_problems(seen) == []
    assert seen.requests and all(_is_local(u) for u in seen.requests)
    assert seen.page.evaluate("document.documentElement.lang") == "vi"
    assert shown(seen.page, _headline(out, province)), "the province headline is shown"
    assert shown(seen.page, VIETNAMESE_PHRASE) and shown(seen.page, SYNTHETIC_MARK)
    assert link_problems(seen, out) == []
    hrefs = seen.page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))")
    for unit in manifest["units"]:
        assert unit["outputs"]["html"] in hrefs, f"the index links {unit['id']}'s report"
        for name in ("brief.pdf", "slides.html", "tables.xlsx"):
            assert f"hearing/{unit['id']}/{name}" in hrefs, f"the index links its {name}"
    screenshot(seen, "index")


def test_the_district_report_reached_from_the_index(batch_out, visit):
    out, manifest = batch_out
    district = _unit(manifest, "district")
    html = district["outputs"]["html"]
    seen = visit((out / "index.html").as_uri())
    seen.page.locator(f'a[href="{html}"]').first.click()
    seen.page.wait_for_url(f"**/{html}", wait_until="load")
    page = seen.page
    assert DISTRICT in page.title() and DISTRICT in page.inner_text("h1")
    assert district["name"] in page.title(), "titled with the unit's full name"
    assert page_problems(seen) == []
    assert link_problems(seen, out, required=False) == [], "its table of contents works"
    assert shown(page, _headline(out, district)), "the district headline is shown"
    assert shown(page, VIETNAMESE_PHRASE) and shown(page, SYNTHETIC_MARK)
    assert images(seen) >= 3, "the charts are there"
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"], (
        "nothing overflows the page sideways"
    )
    screenshot(seen, district["id"])


def test_every_report_on_the_index_opens_cleanly(batch_out, visit):
    out, manifest = batch_out
    for unit in manifest["units"]:
        seen = visit((out / unit["outputs"]["html"]).as_uri())
        assert page_problems(seen) == [], unit["id"]
        assert link_problems(seen, out, required=False) == [], unit["id"]
        assert shown(seen.page, SYNTHETIC_MARK), unit["id"]
        assert shown(seen.page, _headline(out, unit)), unit["id"]


# --------------------------------------------------------------------------- the hearing pack

# Each character drawn on a canvas in the page's font and compared with a character no font
# has (U+10FFFD, drawn as the fallback box): a Vietnamese letter drawn the same way as the
# box is a missing glyph. Returns the letters that failed.
_GLYPHS_JS = """text => {
  const font = getComputedStyle(document.body).fontFamily;
  const draw = ch => { const c = document.createElement('canvas'); c.width = 48; c.height = 48;
    const g = c.getContext('2d'); g.font = '32px ' + font; g.fillText(ch, 4, 36);
    return Array.from(g.getImageData(0, 0, 48, 48).data).join(','); };
  const box = draw('\\u{10FFFD}');
  return Array.from(text).filter(ch => ch.trim() && draw(ch) === box);
}"""
VIETNAMESE_LETTERS = "đạtchuẩnĐẠƯướỹỳữệộắằẵặếềểễ"


def glyph_problems(seen: Visit, letters: str = VIETNAMESE_LETTERS) -> list[str]:
    return [f"no glyph for {ch!r}" for ch in seen.page.evaluate(_GLYPHS_JS, letters)]


def test_the_glyph_check_can_fail(tmp_path, visit):
    page = tmp_path / "g.html"
    page.write_text(CLEAN_PAGE.format(png=DOT_PNG), encoding="utf-8")
    seen = visit(page.as_uri())
    assert glyph_problems(seen, "\U0010fffd") == ["no glyph for '\\U0010fffd'"]
    assert glyph_problems(seen) == []


def _pack(out: Path, unit: dict) -> Path:
    return out / "hearing" / unit["id"]


def test_the_brief_and_the_slides_in_a_browser(batch_out, visit):
    """Every unit's brief and slides: offline, images decoded, Vietnamese glyphs drawn, the
    headline and the synthetic mark shown; the slides move with the arrow keys."""
    out, manifest = batch_out
    for unit in manifest["units"]:
        folder = _pack(out, unit)
        for name in ("brief", "slides"):
            seen = visit((folder / f"{name}.html").as_uri())
            assert page_problems(seen) == [], (unit["id"], name)
            assert glyph_problems(seen) == [], (unit["id"], name)
            assert seen.requests and all(_is_local(u) for u in seen.requests)
            assert images(seen) >= 1, (unit["id"], name)
            assert shown(seen.page, _headline(out, unit)), (unit["id"], name)
            assert shown(seen.page, SYNTHETIC_MARK) and shown(seen.page, VIETNAMESE_PHRASE)
            screenshot(seen, f"{unit['id']}-{name}")
        page = seen.page  # the slides
        n = page.evaluate("document.querySelectorAll('.slide').length")
        assert n >= 5
        before = page.evaluate("window.scrollY")
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"window.scrollY > {before}")
        assert page.evaluate("window.scrollY") > before, "the arrow key moves to the next slide"


def test_the_hearing_pack_prints(batch_out):
    """The brief is one A4 page and the slides one 16:9 page each, with Vietnamese text."""
    from pypdf import PdfReader

    out, manifest = batch_out
    for unit in manifest["units"]:
        folder = _pack(out, unit)
        brief = PdfReader(folder / "brief.pdf")
        assert len(brief.pages) == 1, unit["id"]
        box = brief.pages[0].mediabox
        assert abs(float(box.width) - 595) < 2 and abs(float(box.height) - 842) < 2
        text = unicodedata.normalize("NFC", brief.pages[0].extract_text())
        assert VIETNAMESE_PHRASE in text and SYNTHETIC_MARK in text
        slides = PdfReader(folder / "slides.pdf")
        html_text = (folder / "slides.html").read_text(encoding="utf-8")
        assert len(slides.pages) == html_text.count('class="slide"'), unit["id"]
        for page in slides.pages:
            assert abs(float(page.mediabox.width) / float(page.mediabox.height) - 16 / 9) < 0.01
        assert (folder / "tables.xlsx").stat().st_size > 5_000
