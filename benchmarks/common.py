"""What every benchmark section shares: rows, interleaved timing, peak memory, the machine.

Nothing here imports numpy at module level: ``python -m benchmarks`` pins the BLAS/OpenMP
thread pools to one thread *before* numpy is first imported (see ``__main__``), and a
thread-pool size can only be set before the library loads.

Timing (``interleaved``): the subject and its reference run alternately, A B B A A B …, and
each keeps its best time. On a shared 2-core machine a burst of someone else's work slows
whichever call it lands on; alternating spreads that over both, and the best of several runs
is the least disturbed one. A ratio of two bests measured seconds apart is what this suite
reports; absolute seconds are printed beside it but are only as good as the machine's mood.

Memory (``probe``): in a fresh Python process, after the setup (imports, building the panel,
fitting), freed memory is handed back to the OS (``malloc_trim``, pyarrow's pool), the kernel's
peak-RSS mark is reset (``/proc/self/clear_refs`` = 5) and the call runs; the figure is the new
peak RSS (``VmHWM``) minus the RSS just before the call. That counts every byte the call made
resident — numpy buffers, pandas/pyarrow buffers (which tracemalloc does not see), openpyxl's
Python objects — and nothing the process held before. Where ``clear_refs`` is not writable,
each call runs in its own process and ``ru_maxrss`` minus the RSS before it is used instead.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import platform
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MIB = 2**20
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


def bytecode_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` for a measured process, with the package's compiled bytecode kept (in a folder
    of its own, out of the source tree): an installed package runs from the ``.pyc`` files
    pip wrote, while ``PYTHONDONTWRITEBYTECODE=1`` (set on some machines, this one among
    them) makes every process of a source checkout compile all of ``ntm_analysis`` again —
    about 0.2–0.3 s CPU a process, in the batch once per kernel and worker."""
    import tempfile

    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", os.path.join(tempfile.gettempdir(), "ntm-bench-pycache"))
    return env


# the caller's environment, before __main__ pins the thread pools: the batch rows run the
# ``ntm`` command as a planner would, with this environment (bytecode kept, as installed)
ORIGINAL_ENV: dict[str, str] = bytecode_env(dict(os.environ))


def pin_threads() -> None:
    """One BLAS/OpenMP thread for this process and its probes ("one core")."""
    for name in THREAD_VARIABLES:
        os.environ[name] = "1"


# --------------------------------------------------------------------------- rows


@dataclass
class Row:
    """One line of the table: a figure, the reference it is divided by, and the goal."""

    id: str  # stable key (the smoke test checks that every expected id is printed)
    label: str
    seconds: float | None
    ref_label: str
    ref_seconds: float | None
    peak_mb: float | None = None
    ref_mb: float | None = None
    goal: str = ""
    met: bool | None = None  # None: no goal, or not applicable (quick mode)
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.seconds is None or not self.ref_seconds:
            return None
        return self.seconds / self.ref_seconds


def _fmt(value: float | None, spec: str, width: int) -> str:
    return f"{'–':>{width}}" if value is None else f"{value:{width}{spec}}"


COLUMNS = (
    ("id", 18),
    ("what", 52),
    ("s", 7),
    ("reference", 30),
    ("ref s", 7),
    ("ratio", 6),
    ("MB", 6),
    ("ref MB", 6),
    ("goal", 22),
    ("met", 4),
)


def table_lines(rows: Sequence[Row]) -> list[str]:
    """The table as text lines: a header, a rule, one line per row."""
    header = " ".join(
        f"{name:<{width}}" if i in (0, 1, 3, 8) else f"{name:>{width}}"
        for i, (name, width) in enumerate(COLUMNS)
    )
    lines = [header.rstrip(), "-" * len(header)]
    w = dict(COLUMNS)
    for row in rows:
        met = "–" if row.met is None else ("yes" if row.met else "NO")
        lines.append(
            " ".join(
                [
                    f"{row.id:<{w['id']}}",
                    f"{row.label[: w['what']]:<{w['what']}}",
                    _fmt(row.seconds, ".2f", w["s"]),
                    f"{row.ref_label[: w['reference']]:<{w['reference']}}",
                    _fmt(row.ref_seconds, ".2f", w["ref s"]),
                    _fmt(row.ratio, ".2f", w["ratio"]),
                    _fmt(row.peak_mb, ".0f", w["MB"]),
                    _fmt(row.ref_mb, ".0f", w["ref MB"]),
                    f"{row.goal[: w['goal']]:<{w['goal']}}",
                    f"{met:>{w['met']}}",
                ]
            ).rstrip()
        )
    return lines


# --------------------------------------------------------------------------- timing


def interleaved(
    calls: Mapping[str, Callable[[], object]], repeat: int, warmup: bool = True
) -> dict[str, float]:
    """Best wall time (s) of each call, the calls alternating (A B, B A, A B, …)."""
    names = list(calls)
    if warmup:
        for name in names:
            calls[name]()
    best = dict.fromkeys(names, float("inf"))
    collect()
    for i in range(repeat):
        for name in names if i % 2 == 0 else reversed(names):
            start = time.perf_counter()
            calls[name]()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def wall(command: Sequence[str], env: Mapping[str, str] | None = None, **kwargs: Any) -> float:
    """Wall time of a subprocess that must succeed."""
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, **kwargs)
    return time.perf_counter() - start


# --------------------------------------------------------------------------- memory


def _status_kb(key: str) -> int:
    text = Path("/proc/self/status").read_text()
    match = re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


def collect() -> None:
    """Collect garbage, then freeze what survives (``gc.freeze``): the long-lived objects of
    the imports and the setup are not scanned again, so later collections take milliseconds
    instead of a large heap's tenths of a second."""
    gc.collect()
    gc.freeze()


def _release_free_memory() -> None:
    collect()
    if "pyarrow" in sys.modules:
        with contextlib.suppress(Exception):  # an old pyarrow without release_unused
            sys.modules["pyarrow"].default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return _status_kb("VmHWM") <= _status_kb("VmRSS") + 64


def can_reset_peak() -> bool:
    return _reset_peak()


def peak_of(func: Callable[[], object]) -> float:
    """Peak resident memory (MiB) ``func`` adds on top of what the process holds now."""
    _release_free_memory()
    reset = _reset_peak()
    before = _status_kb("VmRSS")
    func()
    if reset:
        peak = _status_kb("VmHWM")
    else:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    return max(0.0, (peak - before) / 1024)


def traced_peak_of(func: Callable[[], object]) -> float:
    """Peak of the memory Python and numpy report to tracemalloc during ``func`` (MiB)."""
    import tracemalloc

    collect()
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1] / MIB
    finally:
        tracemalloc.stop()


def probe(
    factory: str,
    kwargs: Mapping[str, Any],
    cases: Iterable[str],
    traced: bool = False,
    isolated: bool = True,
) -> dict[str, dict[str, float]]:
    """Peak memory of each case, measured in a fresh process (``benchmarks.probe``).

    ``factory`` is "module:function"; called with ``kwargs`` in the probe it does the setup
    and returns {case: zero-argument callable}. ``isolated=False`` (quick mode) measures in
    this process instead, saving a Python start and the imports: memory the allocator kept
    from earlier work can then be reused unseen, so the figures may read low.
    """
    cases = list(cases)
    spec = {"factory": factory, "kwargs": dict(kwargs), "cases": cases, "traced": traced}
    if not isolated:
        return measure_cases(spec)
    if can_reset_peak():
        return _run_probe(spec)
    results: dict[str, dict[str, float]] = {}
    for case in cases:  # one process per case: ru_maxrss cannot be reset
        results.update(_run_probe(dict(spec, cases=[case])))
    return results


def measure_cases(spec: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    """Run a probe spec in this process (what ``benchmarks.probe`` does in a fresh one)."""
    import importlib

    module, name = spec["factory"].split(":")
    calls = getattr(importlib.import_module(module), name)(**spec["kwargs"])
    results: dict[str, dict[str, float]] = {}
    for case in spec["cases"]:
        results[case] = {"rss_mb": peak_of(calls[case])}
        if spec.get("traced"):
            results[case]["traced_mb"] = traced_peak_of(calls[case])
    return results


def _run_probe(spec: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.probe", json.dumps(spec)],
        check=True,
        capture_output=True,
        text=True,
        cwd=str(Path(__file__).resolve().parent.parent),
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


class TreePoller:
    """A background thread polling process ``pid`` and its descendants every ``every`` s while
    the ``with`` block runs; subclasses read what they need in ``_run`` until ``_stop`` is set."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        self.pid, self.every = pid, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreePoller:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        raise NotImplementedError


class TreeSampler(TreePoller):
    """Peak of the summed RSS of a process and all its descendants, sampled every ``every`` s.

    RSS counts shared library pages once per process, so the sum slightly overstates the
    tree's true footprint (by the shared pages of the libraries each process maps).
    """

    def __init__(self, pid: int, every: float = 0.1):
        self.peak_bytes = 0
        self.samples = 0
        super().__init__(pid, every)

    @property
    def peak_mb(self) -> float:
        return self.peak_bytes / MIB

    def _run(self) -> None:
        while not self._stop.is_set():
            total = tree_rss(self.pid)
            if total:
                self.peak_bytes = max(self.peak_bytes, total)
                self.samples += 1
            self._stop.wait(self.every)


def tree_rss(pid: int) -> int:
    """Summed RSS (bytes) of ``pid`` and its descendants; psutil if installed, else /proc."""
    try:
        import psutil
    except ImportError:
        return _proc_tree_rss(pid)
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            total += process.memory_info().rss
    return total


def _proc_tree_rss(pid: int) -> int:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent and p not in tree]
        tree.update(children)
        frontier += children
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for p in tree:
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * page
    return total


# --------------------------------------------------------------------------- the machine


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    try:
        text = Path("/proc/meminfo").read_text()
        return int(re.search(r"MemTotal:\s+(\d+)", text).group(1)) / 2**20
    except (OSError, AttributeError):
        return None


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "–"


def _blas() -> str:
    try:
        import numpy as np

        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:
        return "?"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def machine_lines() -> list[str]:
    """A description of the machine and the software, for the table's head."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = _memory_gb()
    pinned = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")}
    original = {
        k: ORIGINAL_ENV.get(k, "unset") for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")
    }
    packages = ", ".join(
        f"{name} {_version(name)}"
        for name in ("numpy", "pandas", "statsmodels", "matplotlib", "papermill", "openpyxl")
    )
    return [
        f"machine: {_cpu_model()}, {os.cpu_count()} logical CPUs ({usable} usable), "
        + (f"{memory:.1f} GiB RAM, " if memory else "")
        + f"{platform.system()} {platform.release()} {platform.machine()}",
        f"python: {platform.python_implementation()} {platform.python_version()}; {packages}; "
        f"BLAS {_blas()}",
        f"threads: in-process rows {pinned} (one core); batch rows run `ntm` with the "
        f"caller's environment {original}",
        f"load average (1/5/15 min) at start: {load_average()}",
    ]


def to_json(rows: Sequence[Row], head: Sequence[str], path: str | Path) -> None:
    data = {
        "machine": list(head),
        "rows": [asdict(r) | {"ratio": r.ratio} for r in rows],
    }
    Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
