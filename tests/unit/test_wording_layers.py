"""geography/ and analysis/ hold numbers and codes; words are the report layer's (issue 11).

A source scan, in the manner of test_layers.py: no module of those sub-packages imports the
translation functions (``ntm_analysis.i18n``, save ``i18n.text``: Unicode normalisation and
name folding, not wording), renders a message into a language (``.render``/``.message_in``),
or takes a language (a parameter ``lang``). Messages stay ``Msg`` values (a key and its
values) until report/, the CLI or the error handler says them in the reader's language.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ntm_analysis

PACKAGE = Path(ntm_analysis.__file__).parent
WORDLESS = ("geography", "analysis")
ALLOWED = {"ntm_analysis.i18n.text"}  # fold, nfc: matching names, not saying anything
RENDERING = {"render", "message_in"}


def _wording(path: Path) -> list[str]:
    """What in ``path`` puts something into words: (line, what)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module]
            if node.module == "ntm_analysis":
                modules = [f"ntm_analysis.{alias.name}" for alias in node.names]
            for module in modules:
                if module.startswith("ntm_analysis.i18n") and module not in ALLOWED:
                    found.append(f"{node.lineno}: imports {module}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("ntm_analysis.i18n") and alias.name not in ALLOWED:
                    found.append(f"{node.lineno}: imports {alias.name}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in RENDERING:
                found.append(f"{node.lineno}: calls .{node.func.attr}()")
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            if any(arg.arg == "lang" for arg in arguments):
                found.append(f"{node.lineno}: {node.name}() takes a language")
    return found


def test_geography_and_analysis_put_nothing_into_words():
    found = [
        f"{path.relative_to(PACKAGE)}:{where}"
        for package in WORDLESS
        for path in sorted((PACKAGE / package).rglob("*.py"))
        for where in _wording(path)
    ]
    assert found == []


def test_the_scan_sees_wording_written_in_a_module(tmp_path):
    """The scan is not blind: each kind of wording in a module is found, the allowed one not."""
    module = tmp_path / "probe.py"
    module.write_text(
        "from ntm_analysis import i18n\n"
        "from ntm_analysis.i18n import t\n"
        "import ntm_analysis.i18n.catalogue\n"
        "from ntm_analysis.i18n.text import fold\n"
        "def words(note, *, lang):\n"
        "    return note.render('vi')\n",
        encoding="utf-8",
    )
    assert _wording(module) == [
        "1: imports ntm_analysis.i18n",
        "2: imports ntm_analysis.i18n",
        "3: imports ntm_analysis.i18n.catalogue",
        "5: words() takes a language",
        "6: calls .render()",
    ]
