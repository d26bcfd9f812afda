"""Shared by the explorer's real-browser tests (``ntm explore`` and JupyterLab): the system
Chromium under Playwright, pages that abort and record any request leaving 127.0.0.1 and
collect console errors, and the few gestures the tests make (a slider dragged with the mouse,
waiting for a text to change, a screenshot for a person to look at)."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ntm_analysis.report.pdf import QUIET_FLAGS, find_chromium

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "reports" / "browser-check"  # ignored by git
VIEWPORT = {"width": 1400, "height": 1000}
STARTUP = 180  # seconds: a server, a kernel, the first charts, on a busy 2-core machine
UPDATE = 120_000  # ms: one scenario update (well under a second when the machine is idle)


@contextmanager
def chromium() -> Iterator[object]:
    """The system Chromium, headless; the test is skipped (saying why) without it."""
    if sync_playwright is None:
        pytest.skip("Playwright for Python is not installed: pip install -e '.[dev]'")
    executable = find_chromium()
    if executable is None:
        pytest.skip("Chromium is not installed: apt-get update && apt-get install -y chromium")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=executable, args=list(QUIET_FLAGS))
        try:
            yield instance
        finally:
            instance.close()


def is_local(url: str) -> bool:
    if url.startswith(("data:", "blob:", "about:")):
        return True
    return urlsplit(url).hostname in ("127.0.0.1", "localhost")


class Watched:
    """A fresh browser context and page; requests leaving the machine are aborted and listed
    in ``outside``, console errors and uncaught page errors in ``errors``."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context(
            viewport=VIEWPORT, locale="vi-VN", service_workers="block"
        )
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context.route(
            lambda u: not is_local(u),
            lambda route: (self.outside.append(route.request.url), route.abort("blockedbyclient")),
        )
        self.page.on("websocket", lambda ws: is_local(ws.url) or self.outside.append(ws.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))

    def close(self) -> None:
        self.context.close()


def text(page, selector: str) -> str:
    return page.inner_text(selector).strip()


def wait_change(page, selector: str, before: str) -> str:
    """The new text of ``selector`` once it differs from ``before`` and the explorer is idle."""
    page.wait_for_function(
        "([sel, old]) => { const e = document.querySelector(sel); "
        "return e && e.innerText.trim() !== old; }",
        arg=[selector, before],
        timeout=UPDATE,
    )
    page.wait_for_selector(".ntm-ready", timeout=UPDATE)
    return text(page, selector)


def drag(page, slider: str, share: float) -> None:
    """Drag a slider's handle with the mouse to ``share`` of its track, as a planner does."""
    handle = page.locator(f"{slider} .noUi-handle")
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    track = page.locator(f"{slider} .noUi-base").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] * share, y, steps=8)
    page.mouse.up()


def check_what_if(page) -> None:
    """On the open what-if tab: a slider, then 60 priority communes picked by name, each move
    changing the scenario's probability while the baseline's (same random numbers) stays."""
    page.wait_for_selector(".ntm-p-scenario", timeout=UPDATE)
    baseline = text(page, ".ntm-p-baseline")
    scenario = text(page, ".ntm-p-scenario")
    assert baseline == scenario, "no change yet"
    drag(page, ".ntm-odds-10", 0.9)  # income's yearly odds: ×1 → ×2.7
    moved = wait_change(page, ".ntm-p-scenario", scenario)
    assert text(page, ".ntm-p-baseline") == baseline, "the baseline stays"
    priority = page.locator(".ntm-priority select")
    labels = priority.locator("option").all_inner_texts()
    box = text(page, ".ntm-whatif-box")
    priority.select_option(label=labels[:60])  # 60 communes picked by name: ×2 odds each
    wait_change(page, ".ntm-whatif-box", box)
    assert text(page, ".ntm-p-scenario") != moved
    assert text(page, ".ntm-p-baseline") == baseline
    page.locator(".ntm-whatif-box").scroll_into_view_if_needed()


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def stop_group(process: subprocess.Popen) -> None:
    """Stop a server started with ``start_new_session=True``, and whatever it started."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(30)
