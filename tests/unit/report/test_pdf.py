"""Printing a report to PDF: which browser, what happens when it is missing or fails, and
that a failed print never leaves a half-written or stale file.

A stand-in "browser" (a small script) plays each failure, so these tests run in a second
and need no Chromium; the real prints are checked page by page in tests/test_browser.py.
"""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from ntm_analysis.batch import executor
from ntm_analysis.batch import run as batch
from ntm_analysis.batch.records import Task
from ntm_analysis.batch.run import ParameterError
from ntm_analysis.report.pdf import CHROMIUM_ENV, PdfError, find_chromium, print_pdf


def fake_browser(tmp_path: Path, body: str) -> str:
    """An executable that behaves like Chromium told to ``--print-to-pdf=PATH``."""
    script = tmp_path / "fake-chromium"
    script.write_text(
        "#!/bin/sh\n"
        'for arg in "$@"; do case "$arg" in --print-to-pdf=*) out="${arg#--print-to-pdf=}";; '
        "esac; done\n" + body + "\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


@pytest.fixture
def page(tmp_path) -> Path:
    path = tmp_path / "report.html"
    path.write_text("<html><body><h1>Huyện Lộc Bình</h1></body></html>", encoding="utf-8")
    return path


def test_a_good_print_is_renamed_into_place(tmp_path, page):
    browser = fake_browser(tmp_path, 'printf "%%PDF-1.7 fake" > "$out"')
    made = print_pdf(page, tmp_path / "out.pdf", chromium=browser)
    assert made.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('echo "GPU process exited unexpectedly" >&2; exit 3', ["exit code 3", "GPU process"]),
        ('printf "<html>not a pdf" > "$out"', ["could not print report.html"]),
        ('printf "%%PDF-1.7 half" > "$out"; exit 1', ["exit code 1"]),
    ],
)
def test_a_failed_print_says_why_and_leaves_the_old_file_untouched(tmp_path, page, body, words):
    target = tmp_path / "out.pdf"
    target.write_bytes(b"%PDF-1.7 from an earlier run")
    with pytest.raises(PdfError) as info:
        print_pdf(page, target, chromium=fake_browser(tmp_path, body))
    for word in words:
        assert word in str(info.value)
    assert target.read_bytes() == b"%PDF-1.7 from an earlier run"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_a_hanging_browser_is_stopped(tmp_path, page):
    """Its helper processes too: a child still holding the pipe must not keep us waiting."""
    browser = fake_browser(tmp_path, "sleep 30 & sleep 30")
    started = time.monotonic()
    with pytest.raises(PdfError, match="within 1 s"):
        print_pdf(page, tmp_path / "out.pdf", chromium=browser, timeout=1)
    assert time.monotonic() - started < 20


def test_without_chromium_the_error_says_how_to_install_it(tmp_path, page, monkeypatch):
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "no-such-browser"))
    assert find_chromium() is None
    with pytest.raises(PdfError, match="apt-get install chromium"):
        print_pdf(page, tmp_path / "out.pdf")


def test_the_environment_chooses_the_browser(tmp_path, monkeypatch):
    browser = fake_browser(tmp_path, "exit 0")
    monkeypatch.setenv(CHROMIUM_ENV, browser)
    assert find_chromium() == browser


def test_the_batch_asks_for_chromium_only_when_told_to(tmp_path, monkeypatch):
    """``--pdf`` without Chromium stops before any kernel; the default goes on without PDFs;
    ``--no-pdf`` never looks."""
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "no-such-browser"))
    with pytest.raises(ParameterError, match="apt-get install chromium"):
        batch.pdf_printer(True)
    assert batch.pdf_printer(None) is None
    browser = fake_browser(tmp_path, "exit 0")
    monkeypatch.setenv(CHROMIUM_ENV, browser)
    assert batch.pdf_printer(None) == browser and batch.pdf_printer(True) == browser
    assert batch.pdf_printer(False) is None


def test_a_pdf_from_an_earlier_run_does_not_outlive_a_run_without_pdfs(tmp_path):
    """A report re-made without a PDF must not sit beside the old run's PDF."""
    out, staging = tmp_path / "out", tmp_path / "staging"
    staging.mkdir()
    task = Task(id="u", out=out, staging=staging, parameters={}, timeout=60)
    (out / "pdf").mkdir(parents=True)
    (out / "pdf" / "u.pdf").write_bytes(b"%PDF-1.7 old")
    staged = {"html": staging / "u.html"}
    staged["html"].write_text("<html></html>", encoding="utf-8")
    outputs, error = executor.publish(task, staged, ["html"])
    assert error is None and outputs["pdf"] is None
    executor.discard_outputs(task, outputs)
    assert (out / "u.html").is_file() and not (out / "pdf" / "u.pdf").exists()


@pytest.mark.slow
def test_a_failed_print_keeps_the_report_and_fails_the_unit(tmp_path, panel_file, monkeypatch):
    """The HTML is good: it is published; the unit fails at the "pdf" stage, saying why, so
    the index shows it and --resume prints it again."""
    monkeypatch.setenv(CHROMIUM_ENV, fake_browser(tmp_path, 'echo "no display" >&2; exit 7'))
    out = tmp_path / "reports"
    result = batch.run_batch(
        out,
        data=panel_file,
        districts=["Tràng Định"],
        province=False,
        draws=50,
        backtest_draws=0,
        province_target=20,
        workers=1,
        progress=False,
        pdf=True,
    )
    (failure,) = result.failed
    assert failure.error.stage == "pdf" and "exit code 7" in failure.error.evalue
    uid = failure.id
    assert (out / f"{uid}.html").is_file() and (out / "results" / f"{uid}.json").is_file()
    assert not (out / "pdf").exists() or not list((out / "pdf").iterdir())
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="{uid}.html"' in index and "exit code 7" in index
