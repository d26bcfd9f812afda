"""The packages below report/ hold numbers, codes and message keys; words are the report
layer's (issue 11).

A source scan, in the manner of test_layers.py, of core/, geography/, io/, model/ and
analysis/: no module renders text in a language. It flags

- using a translation function of ``ntm_analysis.i18n`` (``t``, ``tn``, ``fmt_number``, …,
  or the ``catalogue`` module), whether imported by name or called as ``i18n.<name>``; what
  is allowed is listed in ``ALLOWED`` (``i18n.text``: Unicode normalisation and name folding;
  the language constants; ``spellings``, every language's text of a key for *recognising*
  what a person typed);
- rendering a message value into a language (``.render``/``.message_in``);
- taking a language (a parameter ``lang``).

Messages stay ``Msg`` values (a key and its values) until report/, the CLI or the error
handler says them in the reader's language. The few places that must render are listed in
``EXCEPTIONS`` with the reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import ntm_analysis

PACKAGE = Path(ntm_analysis.__file__).parent
WORDLESS = ("core", "geography", "io", "model", "analysis")
I18N = "ntm_analysis.i18n"
ALLOWED_MODULES = {"ntm_analysis.i18n.text"}  # fold, nfc: matching names, not saying anything
ALLOWED = {
    "DEFAULT_LANG",  # the constants a setting is checked against (core.config's --lang)
    "LANGS",
    "spellings",  # io.cells recognises a criterion's name typed as a header, in any language
}
RENDERING = {"render", "message_in"}

# The message values themselves: a Msg (or Join, Problem, DataError, ParameterError) carries
# a key and its values, and its ``render(lang)`` is where it becomes words -- defined with the
# value, called only by report/, the CLI and the error handler (core sits above i18n, so this
# is the one place both the value and its saying can live without a layer knowing the other).
EXCEPTIONS: dict[str, set[str]] = {
    "core/errors.py": {
        "uses i18n.t",
        "uses i18n.tn",
        "calls .render()",
        "calls .message_in()",
        "render() takes a language",
        "message_in() takes a language",
        "_value() takes a language",
        "_render() takes a language",
    },
    "core/params.py": {  # ParameterError.render(lang): a run's parameter problems, as above
        "uses i18n.t",
        "uses i18n.tn",
        "calls .render()",
        "render() takes a language",
    },
}


def _wording(path: Path) -> list[str]:
    """What in ``path`` puts something into words: (line, what)."""
    found = []
    modules = set()  # names the i18n package is bound to in this module ("i18n")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "ntm_analysis":
                for alias in node.names:
                    if alias.name == "i18n":
                        modules.add(alias.asname or alias.name)
            elif node.module == I18N:
                for alias in node.names:
                    if alias.name not in ALLOWED and f"{I18N}.{alias.name}" not in ALLOWED_MODULES:
                        found.append(f"{node.lineno}: imports {I18N}.{alias.name}")
            elif node.module.startswith(f"{I18N}.") and node.module not in ALLOWED_MODULES:
                found.append(f"{node.lineno}: imports {node.module}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(I18N) and alias.name not in ALLOWED_MODULES:
                    found.append(f"{node.lineno}: imports {alias.name}")
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            if any(arg.arg == "lang" for arg in arguments):
                found.append(f"{node.lineno}: {node.name}() takes a language")
    for node in ast.walk(tree):
        name = node.value if isinstance(node, ast.Attribute) else None
        if isinstance(name, ast.Name) and name.id in modules and node.attr not in ALLOWED:
            found.append(f"{node.lineno}: uses i18n.{node.attr}")
        call = node.func if isinstance(node, ast.Call) else None
        if isinstance(call, ast.Attribute) and call.attr in RENDERING:
            found.append(f"{node.lineno}: calls .{call.attr}()")
    return sorted(found, key=lambda f: int(f.split(":")[0]))


def _what(found: str) -> str:
    return re.sub(r"^\d+: ", "", found)


def test_the_layers_below_report_put_nothing_into_words():
    found = [
        f"{path.relative_to(PACKAGE).as_posix()}:{where}"
        for package in WORDLESS
        for path in sorted((PACKAGE / package).rglob("*.py"))
        for where in _wording(path)
        if _what(where) not in EXCEPTIONS.get(path.relative_to(PACKAGE).as_posix(), set())
    ]
    assert found == []


def test_every_excepted_module_still_renders():
    """A module that no longer renders loses its exception, so the list stays the truth.
    (Per module, not per item: ``core/params.py`` may say its header with ``t`` or ``tn``.)"""
    for name, allowed in EXCEPTIONS.items():
        assert {_what(where) for where in _wording(PACKAGE / name)} & allowed, name


def test_the_scan_sees_wording_written_in_a_module(tmp_path):
    """The scan is not blind: each kind of wording in a module is found, the allowed not."""
    module = tmp_path / "probe.py"
    module.write_text(
        "from ntm_analysis import i18n\n"
        "from ntm_analysis.i18n import t, LANGS, spellings\n"
        "import ntm_analysis.i18n.catalogue\n"
        "from ntm_analysis.i18n.text import fold\n"
        "def words(note, *, lang):\n"
        "    return note.render('vi')\n"
        "KNOWN = (i18n.DEFAULT_LANG, i18n.LANGS)\n"
        "SAID = i18n.fmt_number(3.5, 'en')\n"
        "from ntm_analysis.i18n.catalogue import entries\n",
        encoding="utf-8",
    )
    assert _wording(module) == [
        "2: imports ntm_analysis.i18n.t",
        "3: imports ntm_analysis.i18n.catalogue",
        "5: words() takes a language",
        "6: calls .render()",
        "8: uses i18n.fmt_number",
        "9: imports ntm_analysis.i18n.catalogue",
    ]
