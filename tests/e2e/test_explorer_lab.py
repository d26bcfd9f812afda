"""The explorer inside JupyterLab, as a planner uses it: ``jupyter lab`` on a copy of the
notebooks, ``explore.ipynb`` opened in a real headless Chromium, "Run > Run All Cells" from the
menu, then a district picked, a slider dragged and priority communes picked by name; the
what-if probability changes while the baseline's stays. No request leaves 127.0.0.1 (anything
else is aborted and reported), the page logs no console errors, the server is shut down
through its API (kernels too). A screenshot is saved under ``reports/browser-check/``.

Skipped, saying why, where Playwright or the system Chromium is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from explorer_page import (
    REPO,
    STARTUP,
    Watched,
    check_what_if,
    chromium,
    shot,
    stop_group,
    text,
)
from explorer_page import wait_change as changed

from ntm_analysis import BLAS_VARS
from ntm_analysis.explorer.server import HOST, free_port

pytestmark = pytest.mark.slow

TOKEN = "ntm-explorer-test"
# JupyterLab's own settings for this run: no news prompt (it would cover the explorer and,
# answered yes, fetch from the internet) and no update check
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    }
}


class Lab:
    """``jupyter lab`` on ``root``, on 127.0.0.1 only, with its own settings and workspaces."""

    def __init__(self, root: Path, home: Path) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        for name, values in SETTINGS.items():
            path = home / "settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
            JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
            **dict.fromkeys(BLAS_VARS, "1"),  # as `make lab`: the kernel's fits stay fast
        )
        root_flag = ["--allow-root"] if os.geteuid() == 0 else []  # Lab refuses root without
        self.log = (home / "lab.log").open("w")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("jupyter")),
                "lab",
                f"--ip={HOST}",
                f"--port={self.port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={TOKEN}",
                "--no-browser",
                f"--ServerApp.root_dir={root}",
                *root_flag,
            ],
            cwd=root,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def api(self, path: str, method: str = "GET") -> int:
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {TOKEN}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status

    def wait(self) -> None:
        deadline = time.monotonic() + STARTUP
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"jupyter lab stopped: see {self.log.name}"
            try:
                if self.api("/api/status") == 200:
                    return
            except OSError:
                pass
            time.sleep(1)
        raise AssertionError(f"jupyter lab not ready after {STARTUP} s: see {self.log.name}")

    def stop(self) -> None:
        """Shut down as the File menu does (kernels included), else stop the process group."""
        try:
            self.api("/api/shutdown", "POST")
            self.process.wait(60)
        except (OSError, subprocess.TimeoutExpired):
            pass
        stop_group(self.process)
        self.log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[Lab]:
    if shutil.which(Path(sys.executable).with_name("jupyter")) is None:
        pytest.skip("JupyterLab is not installed beside this Python: pip install -e .")
    home = tmp_path_factory.mktemp("lab")
    root = home / "notebooks"  # a copy: JupyterLab saves the notebook it runs
    shutil.copytree(REPO / "notebooks", root)
    server = Lab(root, home)
    try:
        server.wait()
        yield server
    finally:
        server.stop()
    assert server.process.returncode is not None


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def _tab(page, title: str) -> None:
    page.locator(".widget-tab .lm-TabBar-tab", has_text=title).first.click()


def test_the_explorer_in_jupyterlab(lab):
    started = time.monotonic()
    with chromium() as browser:
        watched = Watched(browser)
        page = watched.page
        try:
            page.goto(
                f"{lab.url}/lab/tree/explore.ipynb?token={TOKEN}",
                wait_until="load",
                timeout=STARTUP * 1000,
            )
            page.wait_for_selector(".jp-NotebookPanel .jp-CodeCell", timeout=STARTUP * 1000)
            # the kernel must be up before "Run All Cells", or Lab drops the request
            page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=STARTUP * 1000)
            page.locator(".jp-NotebookPanel .jp-Cell").first.click()
            _menu(page, "Run", "Run All Cells")
            page.wait_for_selector(".ntm-figures", timeout=STARTUP * 1000)
            page.wait_for_selector(".ntm-ready", timeout=STARTUP * 1000)
            body = page.inner_text("body")
            assert "Khám phá số liệu nông thôn mới" in body, "Vietnamese by default"
            assert "Dữ liệu mô phỏng" in body, "the synthetic-data mark"

            # a selection: a district in the drop-down changes the headline figures
            before = text(page, ".ntm-figures-box")
            page.locator(".widget-dropdown select").first.select_option(label="Tràng Định")
            assert "Tràng Định" in changed(page, ".ntm-figures-box", before)

            # what if: a slider, then priority communes picked by name
            _tab(page, "Nếu… thì")
            check_what_if(page)
            shot(page, "explorer-jupyterlab")
            print(f"JupyterLab explorer test: {time.monotonic() - started:.0f} s in the browser")
        except Exception:
            shot(page, "explorer-jupyterlab-failure")  # what the page showed
            raise
        finally:
            watched.close()
    assert watched.outside == [], f"requests left the machine: {watched.outside}"
    assert watched.errors == [], f"console errors: {watched.errors}"


def test_the_watcher_catches_outside_requests_and_console_errors():
    """The checks above can fail: a page that fetches from the internet and logs an error."""
    with chromium() as browser:
        watched = Watched(browser)
        try:
            watched.page.set_content(
                '<img src="http://example.org/x.png"><script>console.error("boom")</script>'
            )
            watched.page.wait_for_timeout(500)
        finally:
            watched.close()
    assert watched.outside == ["http://example.org/x.png"]
    assert "boom" in watched.errors, watched.errors  # the blocked request is logged too
