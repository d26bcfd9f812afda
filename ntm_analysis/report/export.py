"""An executed notebook as a standalone HTML report: no code, nothing loaded from elsewhere.

The report leaves out code cells' input, prompts, stderr, cells tagged ``notebook-only`` and
the injected-parameters cell; images are embedded, and any script or stylesheet loaded from
another site is removed (and the result checked), so the file opens offline and shows only
what the report means to say. Every report ends with a footer naming the run, the data and
the package version.

Reports are printed for hearings, so each carries a table of contents (its ``<h2>``
sections, read from the exported page by the standard library's HTML parser as a list of
``Heading`` and rendered by the Jinja template ``templates/contents.html.j2``) and an A4
print stylesheet: sections follow one another (a rule above each
heading, never a heading alone at the foot of a page) so no page is left nearly empty,
collapsed sections print open, charts and table rows are never cut, tables are set at a
readable size, and each page's margin names the unit, the synthetic-data mark where it
applies, and "page k / n" — a loose printed page still says what it is.
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ntm_analysis import __version__, i18n
from ntm_analysis.core.atomic import write_text_atomic
from ntm_analysis.core.provenance import now
from ntm_analysis.report import fragments

__all__ = [
    "NOTEBOOK_ONLY_TAG",
    "Heading",
    "add_contents",
    "contents_html",
    "export_html",
    "external_references",
    "footer_html",
    "headings",
    "print_css",
]

NOTEBOOK_ONLY_TAG = "notebook-only"  # narrative for notebook readers, left out of the HTML

_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block extra_css %}
<style type="text/css">
body.jp-Notebook { max-width: 1100px; margin: 0 auto; padding: 1em 1.5em;
  font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; }
.jp-OutputArea-output img { max-width: 100%; height: auto; }
/* "body.jp-Notebook" outranks JupyterLab's own rules, which come later in the file */
body.jp-Notebook .jp-RenderedHTMLCommon { font-size: 15px; line-height: 1.5; }
body.jp-Notebook .jp-RenderedHTMLCommon h1 { font-size: 1.9em; font-weight: bold; }
body.jp-Notebook .jp-RenderedHTMLCommon h2 { font-size: 1.4em; font-weight: bold; }
body.jp-Notebook .jp-RenderedHTMLCommon table { font-size: 14px; table-layout: auto; }
nav.ntm-home { font-size: 0.9em; margin: 0.4em 0 0 0; }
footer.ntm-footer { margin: 3em 0 0 0; padding-top: 0.6em; border-top: 1px solid #CCC;
  color: #555; font-size: 0.85em; }
{{ resources.ntm_print_css }}
</style>
{% endblock extra_css %}
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
alt="{{ (output | get_metadata('alt', 'image/png') or 'chart') | escape_html }}">
</div>
{% endblock data_png %}
{% block body_footer %}
<footer class="ntm-footer">{{ resources.ntm_footer }}</footer>
</main>
</body>
{% endblock body_footer %}
"""
# a reference to anything outside the file: src/href/url()/@import with a scheme or "//"
_EXTERNAL = re.compile(
    r"""(?:\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//)|(?:url\(\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:@import\s+(?:url\()?\s*["']?\s*(?:https?:)?//)""",
    re.IGNORECASE,
)


# every match of _EXTERNAL starts with one of these (in any case); none can start inside
# another, so finding each one finds every place a match can start
_EXTERNAL_STARTS = ("src", "href", "url(", "@import")
# the only characters whose lower case is not one character, or that re.IGNORECASE takes for
# a letter of _EXTERNAL_STARTS without lowering to it (dotted and dotless i, long s)
_ODD_CASE = "İıſ"


def _external_matches(text: str) -> list[re.Match[str]]:
    """``_EXTERNAL.finditer(text)``'s matches, found by trying the pattern only where it can
    start: the scan tried it at every one of a report's ~10⁶ characters (0.045 s CPU a report,
    ~0.6 s a batch); lowering the text and finding the starting words is done in C. A text
    with a character for which lowering is not re's case rule is scanned whole."""
    if any(c in text for c in _ODD_CASE):
        return list(_EXTERNAL.finditer(text))
    lowered = text.lower()  # as long as ``text``: positions carry over
    starts = []
    for word in _EXTERNAL_STARTS:
        at = lowered.find(word)
        while at >= 0:
            starts.append(at)
            at = lowered.find(word, at + len(word))
    found: list[re.Match[str]] = []
    for at in sorted(starts):
        if found and at < found[-1].end():
            continue  # finditer resumes after a match
        if m := _EXTERNAL.match(text, at):
            found.append(m)
    return found


def external_references(text: str) -> list[str]:
    """Every reference in ``text`` to a resource outside the file (should be none)."""
    return [text[max(0, m.start() - 20) : m.end() + 60] for m in _external_matches(text)]


def _strip_external(text: str) -> str:
    """Remove scripts and stylesheets loaded from elsewhere (a template update could add one)."""
    text = re.sub(
        r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>",
        "",
        text,
        flags=re.IGNORECASE,
    )
    return re.sub(
        r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", "", text, flags=re.IGNORECASE
    )


# on screen and on paper; {running} is filled by ``print_css``
_PRINT_CSS = """
nav.ntm-toc { border: 1px solid #CCC; background: #FAFAFA; padding: 0.4em 1.2em 0.6em;
  margin: 1em 0; }
body nav.ntm-toc h2 { font-size: 1.1em; margin: 0.4em 0; }
nav.ntm-toc ol { margin: 0; padding-left: 1.6em; line-height: 1.6; }
nav.ntm-toc a { color: #1F4E8C; text-decoration: underline; }
@page { size: A4; margin: 14mm 13mm 16mm 13mm;
  @bottom-left { content: {running}; font: 8pt "DejaVu Sans", sans-serif; color: #555; }
  @bottom-right { content: {page} " " counter(page) " / " counter(pages);
    font: 8pt "DejaVu Sans", sans-serif; color: #555; } }
@media print {
  body, body.jp-Notebook { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  h1, h2, h3, summary { break-after: avoid; }
  h2.ntm-section { margin-top: 0.6em; padding-top: 0.3em; border-top: 1px solid #BBB; }
  img, figure, tr, .ntm-synthetic, nav.ntm-toc { break-inside: avoid; }
  /* charts keep their shape at under a third of a page, text and tables are set a little
     tighter: a district report stays within 6 A4 pages (issue 15; test_browser checks it) */
  img { max-width: 70%; max-height: 56mm; object-fit: contain; }
  nav.ntm-toc ol { column-count: 2; column-gap: 8mm; }
  p { orphans: 3; widows: 3; }
  /* a collapsed section prints open: paper cannot be clicked */
  details::details-content { content-visibility: visible; display: block; }
  details > summary { list-style: none; font-weight: bold; }
  body.jp-Notebook details table { font-size: 8.5pt; }  /* the technical appendix */
  body.jp-Notebook details td, body.jp-Notebook details th { white-space: nowrap; }
  footer.ntm-footer { margin-top: 1em; break-before: avoid; }
  details > summary::-webkit-details-marker { display: none; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  .jp-InternalAnchorLink, nav.ntm-home { display: none; }
  body.jp-Notebook .jp-RenderedHTMLCommon { font-size: 10pt; line-height: 1.3; }
  body.jp-Notebook .jp-RenderedHTMLCommon p { margin: 0.3em 0; }
  body.jp-Notebook .jp-RenderedHTMLCommon table { font-size: 9pt; margin: 0.3em 0 0.6em; }
  body.jp-Notebook .jp-RenderedHTMLCommon td, body.jp-Notebook .jp-RenderedHTMLCommon th {
    padding: 0.15em 0.4em !important; line-height: 1.3; }  /* over the tables' own rules */
  body.jp-Notebook .jp-RenderedHTMLCommon tbody tr:nth-child(odd) { background: #F3F3F3; }
  .jp-Cell, .jp-OutputArea-output { margin: 0; padding: 0; }
  /* an output is a table cell that scrolls on screen: on paper a wide table was cut off */
  body.jp-Notebook .jp-OutputArea-output { display: block; }
  body.jp-Notebook div { overflow: visible !important; }  /* paper cannot scroll */
  body.jp-Notebook .jp-RenderedHTMLCommon table { max-width: 100%; }
  /* JupyterLab keeps each output on one page: a whole section here, so pages went half empty */
  body.jp-Notebook .jp-OutputArea-child { break-inside: auto; display: block; overflow: visible; }
}
"""


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (names come from data files: quote everything)."""
    escaped = "".join(c if c.isalnum() or c in " .,:;·—–()/-" else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


# a district report prints the appendix's title only: the model (and so its coefficients) is
# the province's, printed in full in the province report — 1–2 pages fewer per district
_APPENDIX_ELSEWHERE = """
@media print {
  details::details-content { display: none; }
  details > summary::after { content: {elsewhere}; font-weight: normal; }
}
"""


def print_css(title: str, lang: str, synthetic: bool, appendix: bool = True) -> str:
    """The contents box and A4 print rules; each page's margin names ``title`` (and says
    the data is synthetic where it is). ``appendix`` False: collapsed sections print their
    title and where to find them in full (the province report), not their content."""
    running = f"{title} · {i18n.t('mark.synthetic', lang)}" if synthetic else title
    css = _PRINT_CSS.replace("{running}", _css_string(running)).replace(
        "{page}", _css_string(i18n.t("report.print.page", lang))
    )
    if not appendix:
        elsewhere = _css_string(i18n.t("report.print.appendix_elsewhere", lang))
        css += _APPENDIX_ELSEWHERE.replace("{elsewhere}", elsewhere)
    return css


SECTION_CLASS = "ntm-section"  # a section heading: listed, and ruled off when printed
_TOC_TITLE_CLASS = "ntm-toc-title"  # the contents' own heading, never listed


@dataclass(frozen=True)
class Heading:
    """A section heading of a report: its level, its anchor, its text (plain, unescaped)."""

    level: int
    id: str
    text: str


@dataclass
class _Found:
    """A heading where the parser met it: its start tag's span and attributes, its text."""

    start: int
    end: int
    attrs: list[tuple[str, str | None]]
    text: list[str]


class _HeadingParser(HTMLParser):
    """Collects the ``<h2>`` section headings of a page (not the contents' own title), with
    where each start tag is, so that the page can be rewritten around them. The text leaves
    out a markdown heading's "¶" anchor link."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[_Found] = []
        # where each line starts, for ``getpos``; found by the regex engine, as a report's page
        # is megabytes of embedded images (a Python loop over its characters: ~0.2 s a report)
        self._lines = [0] + [m.end() for m in re.finditer("\n", text)]
        self._open: _Found | None = None
        self._skip = 0  # depth inside an anchor link

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "h2" and _TOC_TITLE_CLASS not in classes:
            start = self._offset()
            raw = self.get_starttag_text() or ""
            self._open = _Found(start, start + len(raw), attrs, [])
            self.found.append(self._open)
        elif self._open is not None and (self._skip or (tag == "a" and "anchor-link" in classes)):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._open, self._skip = None, 0
        elif self._skip and tag == "a":
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._open is not None and not self._skip:
            self._open.text.append(data)


def _parse(body: str) -> list[_Found]:
    parser = _HeadingParser(body)
    parser.feed(body)
    parser.close()
    return parser.found


def _anchor(found: _Found, number: int) -> str:
    """The heading's own anchor (a markdown heading has one), else ``sec-<number>``."""
    return dict(found.attrs).get("id") or f"sec-{number}"


def _headings(found: list[_Found]) -> list[Heading]:
    return [
        Heading(2, _anchor(heading, k), "".join(heading.text).strip())
        for k, heading in enumerate(found, start=1)
    ]


def headings(body: str) -> list[Heading]:
    """The report's sections, in order, as its table of contents lists them."""
    return _headings(_parse(body))


def contents_html(sections: list[Heading], lang: str) -> str:
    """The table of contents of ``sections`` (``templates/contents.html.j2``)."""
    template = fragments.environment().get_template("contents.html.j2")
    return template.render(title=i18n.t("report.contents", lang), headings=sections)


def _start_tag(attrs: list[tuple[str, str | None]]) -> str:
    written = "".join(
        f" {name}" if value is None else f' {name}="{html.escape(value)}"' for name, value in attrs
    )
    return f"<h2{written}>"


def _section_attrs(attrs: list[tuple[str, str | None]], key: str) -> list[tuple[str, str | None]]:
    """The heading's attributes with its anchor (first, if it had none) and the section class
    (first among its classes)."""
    names = [name for name, _ in attrs]
    out = list(attrs) if "id" in names else [("id", key), *attrs]
    if "class" not in names:
        return [*out, ("class", SECTION_CLASS)]
    return [
        (name, f"{SECTION_CLASS} {value or ''}".strip() if name == "class" else value)
        for name, value in out
    ]


def add_contents(body: str, lang: str) -> str:
    """A table of contents of the ``<h2>`` sections, placed before the first of them.

    Each section heading gets an anchor (``sec-1``, …) and the class that starts a printed
    page. Placed just before the first section (in its column), so it sits after the title,
    the synthetic-data banner and the headline: the first printed page is the summary.
    """
    found = _parse(body)
    if not found:
        return body
    sections = _headings(found)
    pieces, at = [body[: found[0].start], contents_html(sections, lang)], found[0].start
    for heading, section in zip(found, sections, strict=True):
        pieces += [body[at : heading.start], _start_tag(_section_attrs(heading.attrs, section.id))]
        at = heading.end
    return "".join([*pieces, body[at:]])


def footer_html(run_id: str, data_sha256: str, lang: str, when: str | None = None) -> str:
    """The escaped footer text: run id, data hash, package version, time."""
    text = i18n.t(
        "report.footer",
        lang,
        run_id=run_id,
        data=data_sha256[:12],
        version=__version__,
        time=when or now(),
    )
    return html.escape(text)


_EXPORTERS = threading.local()  # per thread: {(lang, template cache): exporter}


def _template_cache(folder: str | Path) -> Any:
    """Jinja's bytecode cache in a folder of ``folder`` named by the jinja2 and nbconvert
    versions (``jinja2``'s ``FileSystemBytecodeCache``), where a batch worker keeps the
    exporter's compiled templates: its first report then loads them instead of compiling them
    (~0.05 s CPU a worker). Jinja uses a compiled template only when its source has the
    checksum it was compiled from and the Python version is the same, but not across its own
    releases (its magic holds a format number, not its version: hence jinja2's version in the
    folder's name); the code it compiled also depends on the environment's options, which are
    nbconvert's (its version in the name too) and this module's (the caller's folder is per
    code fingerprint). A cache that cannot be read or written, or holds a damaged file, is
    skipped, never an error."""
    import contextlib
    import hashlib

    from jinja2 import FileSystemBytecodeCache

    from ntm_analysis.core.provenance import library_stamp

    class QuietCache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket: Any) -> None:
            with contextlib.suppress(Exception):  # a damaged file: compiled again
                super().load_bytecode(bucket)

        def dump_bytecode(self, bucket: Any) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    versions = hashlib.sha256(library_stamp(("jinja2", "nbconvert"))).hexdigest()[:16]
    path = Path(folder) / f"templates-{versions}"
    with contextlib.suppress(OSError):
        path.mkdir(parents=True, exist_ok=True)
    return QuietCache(str(path))


def _exporter(lang: str, template_cache: str | Path | None = None) -> Any:
    """The HTML exporter for ``lang``, made once per thread and language and reused
    (``template_cache``: where compiled templates are kept, ``_template_cache``).

    Why: a new exporter compiles nbconvert's Jinja templates again (~0.2 s CPU a report in a
    batch worker, which exports one report after another); nbconvert's own command converts
    many notebooks with one exporter the same way. Per thread, because a Dask worker may
    export two reports at once and an exporter keeps state while it converts. Everything that
    differs between reports (title, footer, print rules) comes with the notebook and the
    resources of each call, never in the exporter. What the exporter reads from a notebook
    itself cannot carry over either: ``HTMLExporter.from_notebook_node`` registers the code
    highlighter anew from each notebook's ``language_info`` (nbconvert 7.17: an exporter
    that converted a Python notebook renders an R one byte-equal to a fresh exporter, code
    shown), and our reports show no code (``exclude_input``: the highlighter is used for
    inputs only) — all our notebooks are python3 besides.
    """
    made: dict[tuple[str, str | None], Any] = _EXPORTERS.__dict__.setdefault("by_lang", {})
    key = (lang, None if template_cache is None else str(template_cache))
    if key in made:
        return made[key]
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

    class DropStderr(Preprocessor):  # warnings belong in the notebook, not the report
        def preprocess_cell(self, cell, resources, index):
            if "outputs" in cell:
                cell.outputs = [
                    o
                    for o in cell.outputs
                    if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                ]
            return cell, resources

    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"ntm_report.html.j2": _TEMPLATE})],
        template_file="ntm_report.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code=lang,
        # the notebook checked once, after the preprocessors, not after each of nbconvert's
        # fourteen (each check reads every output: ~0.1 s a report)
        optimistic_validation=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(
            remove_cell_tags={NOTEBOOK_ONLY_TAG, "injected-parameters"}, enabled=True
        ),
        enabled=True,
    )
    exporter.register_preprocessor(DropStderr(), enabled=True)
    if template_cache is not None:
        exporter.environment.bytecode_cache = _template_cache(template_cache)
    made[key] = exporter
    return exporter


def export_html(
    notebook: str | Path | Any,
    target: str | Path,
    *,
    title: str,
    lang: str,
    footer: str,
    synthetic: bool = False,
    home: str | None = None,
    print_appendix: bool = True,
    template_cache: str | Path | None = None,
) -> Path:
    """The executed notebook as a standalone HTML report: no code, no prompts, no
    ``notebook-only`` cells, no stderr, images embedded, nothing loaded from elsewhere; a
    table of contents and A4 print rules (``synthetic`` puts the mark on every page);
    ``home``: the batch's index beside it, linked at the top (not printed);
    ``print_appendix`` False: a district report, whose appendix the province report prints;
    ``template_cache``: a folder for the compiled templates (a batch's workers).
    ``notebook``: its path, or the executed notebook itself (papermill's return value: the
    batch exports what it has in memory instead of reading the file back)."""
    import nbformat

    if isinstance(notebook, nbformat.NotebookNode):
        nb = nbformat.from_dict(notebook)  # a copy: the caller's notebook stays as it was
    else:
        nb = nbformat.read(str(notebook), as_version=4)
    nb.metadata["title"] = title
    css = print_css(title, lang, synthetic, appendix=print_appendix)
    resources = {"ntm_footer": footer, "ntm_print_css": css}
    body, _ = _exporter(lang, template_cache).from_notebook_node(nb, resources=resources)
    body = add_contents(_strip_external(body), lang)
    if home:
        link = fragments.render("home_link", home, i18n.t("report.home", lang))
        body = body.replace("<main>", "<main>" + link, 1)
    left = external_references(body)
    if left:
        raise RuntimeError(f"the HTML report would load outside resources: {left[:3]}")
    return write_text_atomic(target, body)
