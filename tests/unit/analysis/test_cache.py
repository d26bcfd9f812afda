"""analysis/cache.py's code fingerprint: every source file of the package counts — code,
templates, wording — and nothing else, with no list of modules to keep."""

from __future__ import annotations

import pytest

from ntm_analysis.analysis import cache


@pytest.fixture
def package(tmp_path, monkeypatch):
    root = tmp_path / "ntm_analysis"
    files = {
        "core/a.py": "x = 1\n",
        "report/templates/contents.html.j2": "<nav></nav>\n",
        "i18n/locale/vi/LC_MESSAGES/ntm.po": 'msgid "a"\nmsgstr "b"\n',
        "_data/panel.csv": "a,b\n1,2\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(cache, "PACKAGE_DIR", root)
    cache.code_fingerprint.cache_clear()
    yield root
    cache.code_fingerprint.cache_clear()  # later tests fingerprint the real package


def _fingerprint() -> str:
    """The files' fingerprint now: what a new process would take (the process's own is taken
    once: ``test_the_fingerprint_is_taken_once_per_process``)."""
    cache.code_fingerprint.cache_clear()
    return cache.code_fingerprint()


@pytest.mark.parametrize(
    "changed",
    ["core/a.py", "report/templates/contents.html.j2", "i18n/locale/vi/LC_MESSAGES/ntm.po"],
)
def test_code_templates_and_wording_change_the_fingerprint(package, changed):
    before = _fingerprint()
    assert _fingerprint() == before, "the same files, the same fingerprint"
    (package / changed).write_text("changed\n", encoding="utf-8")
    assert _fingerprint() != before


def test_a_new_module_counts_and_data_does_not(package):
    before = _fingerprint()
    (package / "_data" / "panel.csv").write_text("a,b\n3,4\n", encoding="utf-8")
    (package / "core" / "__pycache__").mkdir()
    (package / "core" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    assert _fingerprint() == before, "data has its own hash; bytecode is derived"
    (package / "model").mkdir()
    (package / "model" / "new.py").write_text("y = 2\n", encoding="utf-8")
    assert _fingerprint() != before, "a new module is on no list, and counts"


def test_a_numerical_library_upgrade_changes_both_fingerprints(package, monkeypatch):
    # a fit cached in ~/.cache by scipy X must not be reused under scipy Y (one rule for the
    # fit cache and the calibration store: ``core.provenance.library_stamp``)
    from ntm_analysis.core import provenance
    from ntm_analysis.model import calibration_store

    before = _fingerprint(), calibration_store.model_fingerprint()
    real = provenance._dist_version

    def upgraded(name: str) -> str:
        return "99.0" if name == "scipy" else real(name)

    monkeypatch.setattr(provenance, "_dist_version", upgraded)
    after = _fingerprint(), calibration_store.model_fingerprint()
    assert after[0] != before[0] and after[1] != before[1]
    monkeypatch.setattr(provenance, "_dist_version", real)
    assert (_fingerprint(), calibration_store.model_fingerprint()) == before


def test_the_fingerprint_is_taken_once_per_process(package):
    """Modules are imported once, so a file edited after the first call is not code this
    process runs: the fingerprint is hashed once, at the first call (``ntm forecast`` asks
    three times), and a file edited later does not re-key what this process stores."""
    before = cache.code_fingerprint()
    (package / "core" / "a.py").write_text("x = 2\n", encoding="utf-8")
    assert cache.code_fingerprint() == before
    assert _fingerprint() != before  # the next process's
