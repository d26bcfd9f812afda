"""The sub-packages depend one way: each imports only those listed before it.

i18n (words) ← core (vocabulary, containers, errors, run parameters) ← geography ← io ← model ←
analysis ← report ← batch ← explorer ← cli. A newcomer can read the package bottom-up, and a
change low down cannot be broken by code written above it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ntm_analysis

PACKAGE = Path(ntm_analysis.__file__).parent
ORDER = ["i18n", "core", "geography", "io", "model", "analysis", "report", "batch", "explorer"]
TOP = {"cli", "__main__", "__init__"}  # top-level modules may import anything


def _layer(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


def _imported_layers(path: Path) -> set[tuple[str, int]]:
    """(sub-package, line) of every ``ntm_analysis.<x>`` import in a module, lazy ones too."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = node.module.split(".")
            if names[0] != "ntm_analysis":
                continue
            if len(names) > 1:
                found.add((names[1], node.lineno))
            else:  # from ntm_analysis import i18n, __version__
                found |= {(alias.name, node.lineno) for alias in node.names}
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names = alias.name.split(".")
                if names[0] == "ntm_analysis" and len(names) > 1:
                    found.add((names[1], node.lineno))
    return found


def test_every_module_sits_in_a_known_layer():
    layers = {_layer(p) for p in PACKAGE.rglob("*.py")}
    assert layers - TOP == set(ORDER)


def test_no_sub_package_imports_one_above_it():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = _layer(path)
        if own in TOP:
            continue
        for layer, line in _imported_layers(path):
            if layer in ORDER and ORDER.index(layer) > ORDER.index(own):
                upward.append(f"{path.relative_to(PACKAGE)}:{line} imports {layer}")
    assert upward == []


def test_the_check_sees_an_upward_import(tmp_path):
    """The scan is not blind: an upward import written in a module is found."""
    module = tmp_path / "probe.py"
    module.write_text("def f():\n    from ntm_analysis.report import plots\n", encoding="utf-8")
    assert ("report", 2) in _imported_layers(module)
