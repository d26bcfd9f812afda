"""``ntm explore`` as a planner uses it: the Voilà app opened in a real headless Chromium.

The command is started as a planner would (``--no-browser`` so the test drives its own
browser, on a free port), on the bundled data and on a user's file. In the page: no code is
visible, the synthetic-data mark is shown for the bundled data, a district picked in a
drop-down changes the headline, a slider and a picked priority commune change the scenario's
probability while the baseline's stays, no request leaves 127.0.0.1 (anything else is
aborted and reported), and the console has no errors. Screenshots are saved under
``reports/browser-check/`` (ignored by git) for a person to look at.

Skipped, saying why, where Playwright, the system Chromium or Voilà is missing.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from explorer_page import (
    REPO,
    STARTUP,
    UPDATE,
    Watched,
    check_what_if,
    chromium,
    shot,
    stop_group,
    text,
    wait_change,
)

from ntm_analysis.cli import EXIT_DATA_ERROR
from ntm_analysis.explorer.server import free_port
from ntm_analysis.model.synthetic import simulate_panel, write_panel

pytestmark = pytest.mark.slow

CODE_TEXT = ("import ", "show(", "explorer_ui", "data_path =")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if importlib.util.find_spec("voila") is None:
        pytest.skip("Voilà is not installed: pip install -e . (it is a dependency)")
    with chromium() as instance:
        yield instance


class Served:
    """``ntm explore`` running in its own process group, with its printed lines."""

    def __init__(self, *args: str) -> None:
        env = dict(
            os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ntm_analysis.cli", "explore", "--no-browser", *args],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self.url: str | None = None
        self._ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            found = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if found and self.url is None:  # printed once the server listens
                self.url = found.group(0)
                self._ready.set()
        self._ready.set()

    def wait(self) -> str:
        self._ready.wait(STARTUP)
        assert self.url, "no address printed:\n" + "\n".join(self.lines[-30:])
        return self.url

    def stop(self) -> None:
        stop_group(self.process)  # the command and its Voilà server


@pytest.fixture
def serve() -> Iterator:
    started: list[Served] = []

    def start(*args: str) -> Served:
        served = Served(*args)
        started.append(served)
        return served

    yield start
    for served in started:
        served.stop()


def _open(browser, url: str) -> Watched:
    watched = Watched(browser)
    watched.page.goto(url, wait_until="load", timeout=STARTUP * 1000)
    watched.page.wait_for_selector(".ntm-figures", timeout=STARTUP * 1000)
    watched.page.wait_for_selector(".ntm-ready", timeout=STARTUP * 1000)
    return watched


def test_ntm_explore_in_the_browser(browser, serve):
    served = serve("--port", str(free_port()))
    url = served.wait()
    assert url.startswith("http://127.0.0.1:"), "localhost only"
    watched = _open(browser, url)
    page, outside, errors = watched.page, watched.outside, watched.errors
    try:
        body = page.inner_text("body")
        assert "Dữ liệu mô phỏng" in body, "the synthetic-data mark"
        assert "Khám phá số liệu nông thôn mới" in body, "Vietnamese by default"
        assert not [c for c in CODE_TEXT if c in body], "no code visible"
        shot(page, "explorer-standing")

        # a selection: a district in the drop-down changes the headline figures
        before = text(page, ".ntm-figures-box")
        page.locator(".widget-dropdown select").first.select_option(label="Tràng Định")
        after = wait_change(page, ".ntm-figures-box", before)
        assert "Tràng Định" in after and "/22" in after
        shot(page, "explorer-district")

        # one criterion, picked by its Vietnamese name
        page.get_by_text("Một tiêu chí", exact=True).click()
        table = page.locator(".ntm-criterion-table")
        table.wait_for(timeout=UPDATE)
        before = text(page, ".ntm-criterion-table")
        page.locator(".widget-dropdown select").nth(3).select_option(label="TC11 Hộ nghèo")
        assert wait_change(page, ".ntm-criterion-table", before) != before
        shot(page, "explorer-criterion")

        # what if: a slider, then a priority commune picked by name
        page.get_by_text("Nếu… thì", exact=True).click()
        check_what_if(page)
        shot(page, "explorer-what-if")

        # the English switch
        page.get_by_text("English", exact=True).click()
        page.wait_for_selector("text=Where we stand", timeout=UPDATE)
        page.wait_for_selector(".ntm-ready", timeout=UPDATE)
        assert "Synthetic data" in page.inner_text("body")
        shot(page, "explorer-english")
    except Exception:
        shot(page, "explorer-failure")  # what the page showed when a check failed
        raise
    finally:
        watched.close()
    assert outside == [], f"requests left the machine: {outside}"
    assert errors == [], f"console errors: {errors}"


def test_ntm_explore_on_a_users_file(browser, serve, tmp_path):
    data = tmp_path / "so_lieu.csv"
    write_panel(simulate_panel(seed=5, communes_per_district=3), data)
    served = serve("--data", str(data), "--lang", "en", "--port", str(free_port()))
    watched = _open(browser, served.wait())
    page, outside, errors = watched.page, watched.outside, watched.errors
    try:
        body = page.inner_text("body")
        assert "Explore the New Rural Development data" in body
        assert "33 communes" in body, "the user's file, not the bundled data"
    finally:
        watched.close()
    assert outside == [] and errors == []


def test_ntm_explore_refuses_a_bad_file_as_ntm_validate_does():
    bad = REPO / "tests" / "data" / "bad" / "bad_values.xlsx"
    env = dict(os.environ, PYTHONPATH=str(REPO))

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "ntm_analysis.cli", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    explore = run("explore", "--no-browser", "--data", str(bad))
    validate = run("validate", str(bad))
    assert explore.returncode == validate.returncode == EXIT_DATA_ERROR
    assert explore.stderr == validate.stderr and "dòng 5" in explore.stderr
    assert "127.0.0.1" not in explore.stdout, "no server started"
