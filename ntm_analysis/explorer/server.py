"""``ntm explore``: the explorer as a local web app, without code (Voilà).

Voilà runs ``notebooks/explore.ipynb`` in a kernel and shows only its outputs — here the
explorer's widgets — so a planner who does not code gets the same explorer as JupyterLab.
The data file is checked first, in this process, so a bad file is reported exactly as
``ntm validate`` reports it and no server starts. The notebook's parameters (data file,
language) are written into a copy in a temporary folder, the way papermill injects them.
The server listens on 127.0.0.1 only; the browser is opened when the machine has one, and the
address is always printed.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

import nbformat

from ntm_analysis import i18n
from ntm_analysis.core.errors import MessageError, Msg
from ntm_analysis.core.params import NOTEBOOKS
from ntm_analysis.core.paths import InstallationError
from ntm_analysis.io.load import load_panel

HOST = "127.0.0.1"
# Voilà's "lab" page without its CDN icon font (see the template's comment); found through
# JUPYTER_PATH, where Voilà looks for voila/templates/<name>
TEMPLATE_PATH = Path(__file__).resolve().parent / "voila"
TEMPLATE = "ntm"
# JupyterLab extensions installed beside Voilà that its page has no use for (a JupyterLab
# preview button, a code highlighter): not loaded. The widgets' manager stays: Voilà's page
# registers the widget classes through it (its build, made for the installed JupyterLab,
# warns in the console that Voilà's own JupyterLab core is older; it works).
NOT_FOR_VOILA = ("@voila-dashboards/jupyterlab-preview", "jupyterlab_pygments")
STARTUP_SECONDS = 60


def free_port() -> int:
    """A port nothing listens on now (the operating system's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def parameterised_notebook(folder: Path, data_path: str, lang: str) -> Path:
    """A copy of the explore notebook in ``folder`` with the parameters injected, and
    without its text cells (they speak to notebook users; the explorer has its own title)."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(NOTEBOOKS["explore"]))
    nb = parameterize_notebook(nb, {"data_path": data_path, "lang": lang})
    nb.cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    path = folder / "explore.ipynb"
    nbformat.write(nb, path)
    return path


def voila_command(notebook: Path, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",
        f"--port={port}",
        "--Voila.port_retries=0",
        f"--Voila.ip={HOST}",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--template={TEMPLATE}",
        *(f"--VoilaConfiguration.extension_denylist={name}" for name in NOT_FOR_VOILA),
    ]


def voila_environment() -> dict[str, str]:
    """This process's environment, with the explorer's template on JUPYTER_PATH."""
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(TEMPLATE_PATH), env.get("JUPYTER_PATH", "")) if p
    )
    return env


def _listening(port: int) -> bool:
    """Whether the server accepts connections (a page request would start a kernel)."""
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def serve(
    data_path: str | None,
    lang: str = i18n.DEFAULT_LANG,
    port: int | None = None,
    open_browser: bool = True,
    say: Callable[[str], None] = print,
) -> int:
    """Check the data, start Voilà on localhost, open the browser, wait until stopped.

    Raises ``DataError`` for a bad file (before anything starts: ``ntm`` exits with 3, as
    ``ntm validate`` does) and ``InstallationError`` without Voilà (exit code 4). Returns
    Voilà's exit code; 0 after Ctrl+C, the documented way to stop the app (not a failure).
    """
    if importlib.util.find_spec("voila") is None:
        raise InstallationError(Msg("error.explore.no_voila"))  # exit code 4, as Chromium
    data = str(Path(data_path).resolve()) if data_path else ""
    load_panel(data or None)  # a bad file stops here, listed as `ntm validate` lists it
    port = port or free_port()
    url = f"http://{HOST}:{port}/"
    say(i18n.t("explore.cli.starting", lang))
    with tempfile.TemporaryDirectory(prefix="ntm-explore-") as folder:
        notebook = parameterised_notebook(Path(folder), data, lang)
        process = subprocess.Popen(
            voila_command(notebook, port), cwd=folder, env=voila_environment()
        )
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not _listening(port):
                if process.poll() is not None:
                    raise MessageError(Msg("error.explore.stopped", code=process.returncode))
                if time.monotonic() > deadline:
                    raise MessageError(Msg("error.explore.timeout", seconds=STARTUP_SECONDS))
                time.sleep(0.3)
            say(i18n.t("explore.cli.url", lang, url=url))
            if open_browser:
                # no browser on this machine: the address is printed above
                with contextlib.suppress(webbrowser.Error):
                    webbrowser.open(url)
            return process.wait()
        except KeyboardInterrupt:
            return 0
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
