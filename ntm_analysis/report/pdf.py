"""A printable PDF of an HTML report, made by the machine's own headless Chromium.

Officials print reports for hearings. The HTML already carries an A4 print stylesheet (see
``export``), so the PDF is exactly what the browser would print: one engine for screen and
paper, and no second layout to keep in step. Chromium is Debian's package (``apt-get install
chromium``; ``make`` installs it where it can); nothing is ever downloaded at run time, and
the browser is started with every background connection off, from a throw-away profile, so
printing works on an offline laptop and leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

__all__ = ["CHROMIUM_ENV", "QUIET_FLAGS", "PdfError", "find_chromium", "print_pdf"]

CHROMIUM_ENV = "NTM_CHROMIUM"  # a browser other than the one on PATH
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# a closed network makes Chromium's own background traffic fail loudly and slowly: turn it off
# (also how tests/test_browser.py starts it)
QUIET_FLAGS = (
    "--headless=new",
    "--no-sandbox",  # the batch may run as root (CI, containers), where the sandbox refuses
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
)
_PRINT_FLAGS = (
    *QUIET_FLAGS,
    "--no-pdf-header-footer",  # the report's own @page margins name the unit and the page
)


class PdfError(RuntimeError):
    """The PDF could not be made; the message says why and what to do."""


def _stop(proc: subprocess.Popen) -> None:
    """Kill the browser's whole process group (it was started in its own session)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


def find_chromium() -> str | None:
    """The Chromium to print with: ``$NTM_CHROMIUM`` if set, else the first on PATH."""
    chosen = os.environ.get(CHROMIUM_ENV)
    if chosen:
        return chosen if shutil.which(chosen) else None
    return next((found for name in _NAMES if (found := shutil.which(name))), None)


def print_pdf(
    html: str | Path, target: str | Path, *, chromium: str | None = None, timeout: float = 120
) -> Path:
    """Print ``html`` to ``target`` (A4, as its print stylesheet says); atomic.

    The PDF is written beside ``target`` under a temporary name and renamed only once
    Chromium has finished and the file is a PDF, so a crash never leaves half a file.
    """
    browser = chromium or find_chromium()
    if browser is None:
        raise PdfError(
            "Chromium not found: install it (Debian/Ubuntu: apt-get install chromium) "
            f"or set {CHROMIUM_ENV} to its path"
        )
    source, target = Path(html).resolve(), Path(target)
    with tempfile.TemporaryDirectory(prefix="ntm-chromium-", ignore_cleanup_errors=True) as profile:
        partial = target.with_name(f".{target.name}.{os.getpid()}.part")
        command = [
            browser,
            *_PRINT_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={partial}",
            source.as_uri(),
        ]
        try:  # its own process group: a hung browser is stopped with all its helpers
            proc = subprocess.Popen(
                command,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,
            )
        except OSError as exc:
            raise PdfError(f"cannot start Chromium ({browser}): {exc}") from exc
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(proc)
            partial.unlink(missing_ok=True)
            raise PdfError(f"Chromium did not print {source.name} within {timeout:g} s") from None
        except BaseException:  # the worker is being stopped: take the browser with it
            _stop(proc)
            partial.unlink(missing_ok=True)
            raise
        _stop(proc)  # helper processes that outlived the browser's main process
        try:
            with partial.open("rb") as made:
                is_pdf = made.read(5) == b"%PDF-"
        except OSError:
            is_pdf = False
        if proc.returncode != 0 or not is_pdf:
            partial.unlink(missing_ok=True)
            tail = " | ".join((stderr or "").strip().splitlines()[-3:])
            raise PdfError(
                f"Chromium could not print {source.name} (exit code {proc.returncode}): {tail}"
            )
        os.replace(partial, target)
    return target
