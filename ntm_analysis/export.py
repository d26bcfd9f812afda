"""An executed notebook as a standalone HTML report: no code, nothing loaded from elsewhere.

The report leaves out code cells' input, prompts, stderr, cells tagged ``notebook-only`` and
the injected-parameters cell; images are embedded, and any script or stylesheet loaded from
another site is removed (and the result checked), so the file opens offline and shows only
what the report means to say. Every report ends with a footer naming the run, the data and
the package version.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from . import __version__, i18n
from .atomic import write_text_atomic
from .provenance import now

__all__ = ["NOTEBOOK_ONLY_TAG", "export_html", "external_references", "footer_html"]

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
.jp-OutputArea-output table { font-size: 0.95em; }
footer.ntm-footer { margin-top: 3em; padding-top: 0.6em; border-top: 1px solid #CCC;
  color: #555; font-size: 0.85em; }
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


def external_references(text: str) -> list[str]:
    """Every reference in ``text`` to a resource outside the file (should be none)."""
    return [text[max(0, m.start() - 20) : m.end() + 60] for m in _EXTERNAL.finditer(text)]


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


def export_html(
    notebook: str | Path, target: str | Path, *, title: str, lang: str, footer: str
) -> Path:
    """The executed notebook as a standalone HTML report: no code, no prompts, no
    ``notebook-only`` cells, no stderr, images embedded, nothing loaded from elsewhere."""
    import nbformat
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

    nb = nbformat.read(str(notebook), as_version=4)
    nb.metadata["title"] = title
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"ntm_report.html.j2": _TEMPLATE})],
        template_file="ntm_report.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code=lang,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(
            remove_cell_tags={NOTEBOOK_ONLY_TAG, "injected-parameters"}, enabled=True
        ),
        enabled=True,
    )
    exporter.register_preprocessor(DropStderr(), enabled=True)
    body, _ = exporter.from_notebook_node(nb, resources={"ntm_footer": footer})
    body = _strip_external(body)
    left = external_references(body)
    if left:
        raise RuntimeError(f"the HTML report would load outside resources: {left[:3]}")
    return write_text_atomic(target, body)
