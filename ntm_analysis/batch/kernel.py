"""One Jupyter kernel per batch worker, reused from unit to unit and reset between them.

Why: a report's own work is about a second, while a fresh kernel per unit costs its start,
importing the library (pandas, matplotlib, seaborn, the package) and first-use setup (fonts,
styles) — several seconds each time, on the same two cores the reports need (issue 17). A
worker therefore starts its kernel once, ahead of the first unit (``warm``: the library is
imported while the batch is still simulating), and papermill runs each unit's notebook in it.
A kernel started to replace one (see below) is not warmed: the next unit imports what it
needs, as with a fresh kernel per unit.

What is reset before each unit (``reset_namespace``, run inside the kernel): the user
namespace and the execution count (a fresh kernel's cell numbers, which error messages
quote), pyplot's figures, matplotlib's rc settings, the working directory and the
environment variables. What a notebook could change beyond that (a library patched, a module
attribute set) is not trusted: a unit that failed in any way gets a new kernel for the next
unit (``KeptKernel.discard``), and a kernel that died or whose reset fails is replaced. Only
notebooks that ran to the end — the bundled templates or the user's own, which are meant to
run one after another in one JupyterLab anyway — share a kernel.

The kernel's output goes to one log per kernel; each unit's share of it is copied into the
unit's log, as a fresh kernel's would have been.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

__all__ = ["RESET_TIMEOUT", "KeptKernel", "first_chart", "reset_namespace", "warm"]

RESET_TIMEOUT = 30.0  # seconds a reset may take before the kernel is replaced
WARM_CODE = "from ntm_analysis.batch import kernel as _k\n_k.warm()\ndel _k"
# a replacement kernel (after a failure) only records its state: it imports what the next
# unit needs when that unit does, as a fresh kernel per unit would (a run full of failing
# units must not pay the library import twice per unit)
SNAPSHOT_CODE = "from ntm_analysis.batch import kernel as _k\n_k.warm(library=False)\ndel _k"
RESET_CODE = "from ntm_analysis.batch import kernel as _k\n_k.reset_namespace()"

_START: dict[str, Any] = {}  # in the kernel: its state after warm-up, restored by each reset


# --------------------------------------------------------------------------- in the kernel


def warm(library: bool = True) -> None:
    """In a new kernel: import what the reports use (unless not ``library``), remember the
    state each unit must start from (working directory, environment, matplotlib's rc
    settings if matplotlib is loaded), pay the first chart's setup (``first_chart``), let
    the units share a chart they all draw the same (``plots.reuse_renderings``: a unit's
    notebook reads nothing a skipped drawing would have left on the figure), then set what
    is alive aside from the garbage collector (``gc.freeze``).

    Why the freeze: what exists now (the library's modules, classes and caches) lives as long
    as the kernel, yet every full collection walks it again — the one in each reset
    (IPython's ``reset`` calls ``gc.collect()``: 0.13–0.16 s CPU a unit, measured) and those
    that the report's own cells trigger. Frozen, they walk only what the units made, which
    stays collectable, cycles included (tested)."""
    import gc
    import sys

    if library:
        import ntm_analysis.report.sections  # noqa: F401  (the import is the point)
    _START.update(cwd=os.getcwd(), environ=dict(os.environ))
    mpl = sys.modules.get("matplotlib")
    if mpl is not None:
        _START["rc"] = dict(mpl.rcParams)
    if library:
        # a chart that cannot be drawn here fails the unit's own cell, with its own message
        with contextlib.suppress(Exception):
            first_chart()
        # the units draw the province's reliability diagram again and again: one drawing
        from ntm_analysis.report import plots

        plots.reuse_renderings()
    gc.collect()  # the warm-up's own garbage is not kept for the kernel's life
    gc.freeze()


def first_chart() -> None:
    """What a report's first chart pays once per process, paid ahead: the theme (seaborn's
    styles, imported when first drawn), the font (its file read and cached) and the Agg
    canvas rendering text with Vietnamese letters to PNG. Leaves no figure and no setting
    behind (the theme is applied inside a context, as the charts apply it)."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from ntm_analysis.report import plots

    with mpl.rc_context(plots.theme_rc()):
        fig = Figure(figsize=(2.0, 1.0), layout="constrained")
        ax = fig.subplots()
        ax.plot([2015, 2016], [1.0, 2.0])
        ax.set_title("Tiêu chí đạt chuẩn nông thôn mới")
        plots.fig_to_png_bytes(fig, dpi=50)


def reset_namespace() -> None:
    """In the kernel, between units: back to the state ``warm`` recorded, then an empty
    namespace and execution count 1, as in a fresh kernel."""
    import sys

    from IPython import get_ipython

    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")
    if _START:
        with contextlib.suppress(OSError):
            os.chdir(_START["cwd"])
        os.environ.clear()
        os.environ.update(_START["environ"])
    mpl = sys.modules.get("matplotlib")
    if mpl is not None and "rc" in _START:
        mpl.rcParams.clear()
        mpl.rcParams.update(_START["rc"])
    elif mpl is not None:  # loaded by a unit after the snapshot: matplotlib's own defaults
        mpl.rcdefaults()
    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)  # names gone, execution_count back to 1


# --------------------------------------------------------------------------- in the worker


class KeptKernel:
    """The worker's kernel: started on first use (or by ``start``), kept while units succeed,
    replaced after a failure. ``manager(name, cwd)`` gives a kernel manager to hand papermill
    (``km=``); ``finished(ok)`` is called after each unit."""

    def __init__(self, log: str | Path) -> None:
        self.log = Path(log)
        self.km: Any = None
        self.name: str | None = None
        self.clients: list[Any] = []
        self.used = False  # a unit ran in it since its last reset
        self.warmed = False  # the first kernel imports the library ahead; replacements do not

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self, name: str, cwd: str | Path) -> None:
        """Start (and warm) a kernel now if none is running; failures are left for the unit
        that needs the kernel to report."""
        with contextlib.suppress(Exception):
            self._ensure(name, cwd)

    def manager(self, name: str, cwd: str | Path) -> Any:
        """A running kernel for the next unit, reset if a unit used it before."""
        if self.km is not None and self.used and not self._run(RESET_CODE):
            self.discard()
        self._ensure(name, cwd)
        self.used = True
        return self.km

    def finished(self, ok: bool) -> None:
        """After a unit: let go of papermill's clients; a failed unit's kernel is replaced."""
        self._release_clients()
        if not ok:
            self.discard()

    def discard(self) -> None:
        """Stop the kernel at once (a hung cell, a kernel in an unknown state)."""
        self._shutdown(now=True)

    def close(self) -> None:
        """At the end of the worker: ask the kernel to stop, as papermill would."""
        self._shutdown(now=False)

    def log_size(self) -> int:
        try:
            return self.log.stat().st_size
        except OSError:
            return 0

    def copy_log(self, since: int, into: str | Path) -> None:
        """Append what the kernel printed since byte ``since`` to a unit's log."""
        with contextlib.suppress(OSError), open(self.log, "rb") as source:
            source.seek(since)
            text = source.read()
            if text:
                with open(into, "ab") as target:
                    target.write(text)

    # -- helpers -----------------------------------------------------------------------------

    def _alive(self) -> bool:
        from jupyter_core.utils import run_sync

        try:
            return bool(run_sync(self.km.is_alive)())
        except Exception:
            return False

    def _ensure(self, name: str, cwd: str | Path) -> None:
        if self.km is not None and (self.name != name or not self._alive()):
            self.discard()
        if self.km is not None:
            return
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        kept = self

        class Manager(AsyncKernelManager):  # keeps the clients papermill makes, to close them
            def client(self, **kwargs: Any) -> Any:
                made = super().client(**kwargs)
                kept.clients.append(made)
                return made

        km = Manager(kernel_name=name)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            run_sync(km.start_kernel)(cwd=str(cwd), stdout=log, stderr=log)
        self.km, self.name, self.used = km, name, False
        code, self.warmed = (SNAPSHOT_CODE if self.warmed else WARM_CODE), True
        # a warm-up that fails or outlasts RESET_TIMEOUT (a loaded machine) is not the unit's
        # failure: the kernel goes on importing, and an import that cannot work fails the
        # unit's own cell, with its own message
        self._run(code)

    def _run(self, code: str) -> bool:
        """Run ``code`` silently in the kernel; whether it finished without an error."""
        from jupyter_core.utils import run_sync

        async def run() -> bool:
            kc = self.km.client()
            kc.start_channels()
            try:
                await kc.wait_for_ready(timeout=RESET_TIMEOUT)
                msg_id = kc.execute(code, silent=True, store_history=False)
                while True:
                    reply = await kc.get_shell_msg(timeout=RESET_TIMEOUT)
                    if reply["parent_header"].get("msg_id") == msg_id:
                        return reply["content"]["status"] == "ok"
            finally:
                kc.stop_channels()

        try:
            return run_sync(run)()
        except Exception:  # a timeout, a dead kernel
            return False
        finally:
            self._release_clients()

    def _release_clients(self) -> None:
        for client in self.clients:
            with contextlib.suppress(Exception):
                client.stop_channels()
        self.clients.clear()

    def _shutdown(self, now: bool) -> None:
        km, self.km, self.name, self.used = self.km, None, None, False
        self._release_clients()
        if km is None:
            return
        from jupyter_core.utils import run_sync

        with contextlib.suppress(Exception):
            run_sync(km.shutdown_kernel)(now=now)
        with contextlib.suppress(Exception):
            run_sync(km.cleanup_resources)()
