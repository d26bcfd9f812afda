"""Section 2: the report batch against the same work without notebooks, and the naive way.

Three runs of the same reports — the province overview and all 11 district reports (quick
mode: the province and Đình Lập), 2,000 draws, HTML — each in its own process tree, started
with the caller's environment (the thread pools are not pinned here: this is ``ntm batch`` as
a planner runs it):

- **batch**: ``ntm batch --out TMP --no-progress --draws 2000 --workers 2``;
- **floor**: the same library calls in one Python process with no notebooks and no kernels:
  load the panel, compute the forecast and backtest once into a cache (``ensure_analysis``,
  what the batch does), then for every unit execute the code cells of its notebook template
  in a plain namespace — ``report.prepare`` (which loads the cache) and every section — and
  render what each cell would display (figures to PNG at the report's DPI, tables to HTML),
  then ``save_results``. The floor tracks the notebooks: it runs their cells, not a copy;
- **naive**: papermill on each notebook in turn, each computing its own forecast and backtest
  (``forecast_cache=""``), then the same HTML export.

The floor, the batch and the batch with one BLAS thread (``batch.blas1``) run alternately,
twice, each keeping its best run; naive runs once. The batch goal is "within 2× of (floor +
one kernel start per worker)" and clearly faster than naive. Memory is the peak of the
summed RSS of the process tree (the command, its workers and kernels), sampled every 0.1 s.

Where a unit's time goes comes from the batch's executed notebooks: papermill stamps the
notebook's start and every cell's start and end. Kernel start is notebook start → first cell;
the prepare cell holds the library import (timed on its own inside fresh kernels), loading
the cached forecast and the unit's results; section cells are
the tables and figures including PNG rendering; the HTML export is timed by exporting each
executed notebook again in this process; "other" is what remains of the unit's time in the
manifest (worker start, papermill, writing files).

``python -m benchmarks.batch floor|naive|kernel SPEC`` are the child processes' entry points.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import inspect
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .common import ORIGINAL_ENV, Row, TreePoller, TreeSampler

WORKERS = 2
GOAL_FLOOR, GOAL_NAIVE = 2.0, 0.5
QUICK_DISTRICT = "189"  # Đình Lập, 10 communes
GOAL_REFERENCE = 1.2  # issue 17: the batch within 1.2× one trivial kernel per report
REFERENCE_CELL = (
    "import pandas as pd\nimport matplotlib.pyplot as plt\n"
    "pd.Series(range(10)).plot(title=f'report {n}')\nplt.show()"
)
IMPORT_CODE = (
    "import time as _t\n_s = _t.perf_counter()\n"
    "from ntm_analysis.report import sections as report\n"
    "print(_t.perf_counter() - _s)"
)


def settings(quick: bool) -> dict[str, Any]:
    return {
        "draws": 200 if quick else 2000,
        "backtest_draws": 50 if quick else None,  # None: the batch's default
        "districts": [QUICK_DISTRICT] if quick else None,
    }


# --------------------------------------------------------------------------- child processes


def _plan(spec: Mapping[str, Any]) -> tuple[list[Any], dict[str, dict[str, Any]]]:
    """The units the batch would run and each one's notebook parameters (as the batch sets
    them: the notebook's defaults, the data path, draws, the district)."""
    from ntm_analysis.analysis.cache import data_file
    from ntm_analysis.batch import run as ntm_batch
    from ntm_analysis.core import params as schema
    from ntm_analysis.io.load import load_panel
    from ntm_analysis.io.reference import read_registry

    registry = read_registry()
    panel = load_panel(registry=registry)
    units = ntm_batch.plan_units(registry, panel, spec.get("districts"), True)
    params: dict[str, dict[str, Any]] = {}
    for unit in units:
        notebook = Path(schema.NOTEBOOKS[unit.kind])
        p = dict(schema.notebook_parameters(notebook))
        p["data_path"] = str(data_file(""))
        p["draws"] = spec["draws"]
        if spec.get("backtest_draws") is not None and "backtest_draws" in p:
            p["backtest_draws"] = spec["backtest_draws"]
        if unit.kind == "district":
            p["district"] = unit.name
        p["results_path"] = str(Path(spec["out"]) / f"{unit.id}.json")
        params[unit.id] = p
    return units, params


def _code_cells(notebook: Path) -> list[str]:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or "parameters" in cell.get("metadata", {}).get("tags", []):
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        cells.append("\n".join(x for x in source.splitlines() if x.lstrip()[:1] not in "%!"))
    return cells


def _render(value: Any) -> None:
    """What displaying a cell's value costs in a kernel: figures to PNG, tables to HTML."""
    from matplotlib.figure import Figure

    from ntm_analysis.report import plots
    from ntm_analysis.report import sections as report

    if value is None or isinstance(value, str):
        return
    if isinstance(value, Figure):
        plots.fig_to_png_bytes(value, dpi=getattr(report, "FIGURE_DPI", 100))
        return
    parts = getattr(value, "parts", None)
    if isinstance(parts, list):
        for part in parts:
            _render(part)
        return
    if hasattr(value, "_repr_html_"):
        value._repr_html_()


def _run_cell(source: str, namespace: dict[str, Any]) -> None:
    tree = ast.parse(source)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    if last is not None:
        tree.body = tree.body[:-1]
    exec(compile(tree, "<cell>", "exec"), namespace)
    if last is not None:
        _render(eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace))


def floor_main(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The floor: one process, one forecast, every cell of every unit's notebook."""
    start = time.perf_counter()
    from ntm_analysis.analysis import cache as analysis_cache
    from ntm_analysis.core import params as schema
    from ntm_analysis.io.load import load_panel

    imported = time.perf_counter()
    units, params = _plan(spec)
    # the shared analysis, as the batch computes it before starting any notebook
    first = params[units[0].id]
    path = analysis_cache.data_file(first["data_path"])
    panel = load_panel(path)
    as_of = panel.last_year if first.get("as_of") is None else first["as_of"]
    history = panel.subset(years=[y for y in panel.years if y <= as_of])
    meta_args = {
        "as_of": as_of,
        "target_year": first["target_year"],
        "draws": first["draws"],
        "seed": first["seed"],
        "scenario": first.get("scenario"),
        "backtest_draws": first.get("backtest_draws", 0),
        "units_path": first.get("units_path", ""),
    }
    meta = analysis_cache.analysis_meta(analysis_cache.file_sha256(path), **meta_args)
    loaded = time.perf_counter()
    cache, _ = analysis_cache.ensure_analysis(history, meta, Path(spec["out"]) / "cache")
    analysed = time.perf_counter()
    timings: dict[str, dict[str, float]] = {}
    for unit in units:
        namespace: dict[str, Any] = dict(params[unit.id], forecast_cache=str(cache))
        prepare = sections = 0.0
        for source in _code_cells(Path(schema.NOTEBOOKS[unit.kind])):
            t0 = time.perf_counter()
            _run_cell(source, namespace)
            if "prepare(" in source:
                prepare += time.perf_counter() - t0
            else:
                sections += time.perf_counter() - t0
        timings[unit.id] = {"prepare": prepare, "sections": sections}
    return {
        "imports": imported - start,
        "load": loaded - imported,
        "analysis": analysed - loaded,
        "units": timings,
        "total": time.perf_counter() - start,
    }


def _export(notebook: Path, target: Path, lang: str) -> None:
    from ntm_analysis.report.export import export_html

    wanted = inspect.signature(export_html).parameters
    options = {"title": notebook.stem, "lang": lang, "footer": "benchmark"}
    export_html(notebook, target, **{k: v for k, v in options.items() if k in wanted})


def naive_main(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Papermill on each unit's notebook in turn, each computing its own forecast."""
    import papermill as pm

    from ntm_analysis.core import params as schema

    units, params = _plan(spec)
    out = Path(spec["out"])
    seconds = {}
    for unit in units:
        t0 = time.perf_counter()
        executed = out / f"{unit.id}.ipynb"
        pm.execute_notebook(
            str(schema.NOTEBOOKS[unit.kind]),
            str(executed),
            parameters=dict(params[unit.id], forecast_cache=""),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            cwd=str(out),
        )
        _export(executed, out / f"{unit.id}.html", params[unit.id].get("lang", "vi"))
        seconds[unit.id] = time.perf_counter() - t0
    return {"units": seconds}


def kernel_main(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Start fresh kernels: seconds to ready, then the library import inside each."""
    from jupyter_client.manager import start_new_kernel

    starts, imports = [], []
    for _ in range(spec["n"]):
        t0 = time.perf_counter()
        manager, client = start_new_kernel(kernel_name="python3", startup_timeout=120)
        starts.append(time.perf_counter() - t0)
        printed: list[str] = []

        def keep(message: dict[str, Any], into: list[str] = printed) -> None:
            if message["msg_type"] == "stream":
                into.append(message["content"]["text"])

        try:
            client.execute_interactive(IMPORT_CODE, output_hook=keep, timeout=120)
            imports.append(float("".join(printed).strip().splitlines()[-1]))
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    return {"start": starts, "import": imports}


def reference_main(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Issue 17's reference, one process of it: ``spec["n"]`` trivial notebooks (import pandas
    and matplotlib, draw one figure) each through papermill in a fresh kernel, then exported
    to HTML without input by nbconvert. ``spec["bare"]``: without jsonschema's IRI grammars,
    as the batch's own processes import it (``executor.skip_unused_imports``): nbformat's
    import of jsonschema, through papermill, builds them (~1.1 s CPU a process here), which
    the batch does not pay."""
    if spec.get("bare"):
        from ntm_analysis.batch.executor import skip_unused_imports

        skip_unused_imports()
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    out = Path(spec["out"])
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell("n = 0", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(REFERENCE_CELL),
    ]
    template = out / "trivial.ipynb"
    nbformat.write(nb, template)
    exporter = HTMLExporter(exclude_input=True)
    seconds = []
    for i in range(spec["n"]):
        t0 = time.perf_counter()
        executed = out / f"trivial-{i}.ipynb"
        pm.execute_notebook(str(template), str(executed), parameters={"n": i}, progress_bar=False)
        html, _ = exporter.from_filename(str(executed))
        (out / f"trivial-{i}.html").write_text(html, encoding="utf-8")
        seconds.append(time.perf_counter() - t0)
    return {"units": seconds}


def reference(out: Path, n_units: int, bare: bool = False) -> float:
    """Wall seconds of issue 17's reference for ``n_units`` reports: ``WORKERS`` processes at
    once, each running its share of trivial notebooks (``reference_main``; ``bare``: without
    the grammars the batch skips)."""
    shares = [n_units // WORKERS + (i < n_units % WORKERS) for i in range(WORKERS)]
    start = time.perf_counter()
    procs = []
    for i, n in enumerate(shares):
        folder = out / f"reference-{i}"
        folder.mkdir(parents=True)
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.batch",
                    "reference",
                    json.dumps({"n": n, "out": str(folder), "bare": bare}),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                env=ORIGINAL_ENV,
                cwd=str(Path(__file__).resolve().parent.parent),
            )
        )
    for proc in procs:
        _, stderr = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"benchmarks.batch reference failed:\n{stderr[-3000:]}")
    return time.perf_counter() - start


# --------------------------------------------------------------------------- the parent


def _child(kind: str, spec: Mapping[str, Any]) -> tuple[float, float, dict[str, Any]]:
    """Run ``kind`` in a fresh process with the caller's environment: wall s, peak MB, JSON."""
    with tempfile.TemporaryFile("w+") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.batch", kind, json.dumps(spec)],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env=ORIGINAL_ENV,
            cwd=str(Path(__file__).resolve().parent.parent),
        )
        with TreeSampler(proc.pid) as sampler:
            stdout, _ = proc.communicate()
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            log.seek(0)
            raise RuntimeError(f"benchmarks.batch {kind} failed:\n{log.read()[-3000:]}")
    return seconds, sampler.peak_mb, json.loads(stdout.strip().splitlines()[-1])


class RoleCPU(TreePoller):
    """CPU seconds (user + system) of a running batch's processes by role — the batch process
    itself, its workers, their kernels — polled every ``every`` s while it runs: each
    process counts with its last reading, so a process's last ``every`` seconds before it
    exits are not seen (compare the sum with ``cpu_children``). Why: the batch's whole-tree
    CPU says how far it is from the reference, not which process to look at."""

    ROLES = (("kernel", "ipykernel"), ("worker", "ntm_analysis.batch.executor"))

    def __init__(self, pid: int, every: float = 0.1) -> None:
        self.seen: dict[tuple[int, float], tuple[str, float]] = {}  # (pid, start) -> role, CPU
        super().__init__(pid, every)

    def by_role(self) -> dict[str, list[float]]:
        """Each role's processes' CPU seconds."""
        out: dict[str, list[float]] = {}
        for role, cpu in self.seen.values():
            out.setdefault(role, []).append(round(cpu, 2))
        return out

    def _role(self, process: Any) -> str:
        if process.pid == self.pid:
            return "parent"
        line = " ".join(process.cmdline())
        return next((role for role, mark in self.ROLES if mark in line), "other")

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            with contextlib.suppress(psutil.Error):
                root = psutil.Process(self.pid)
                for process in [root, *root.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error), process.oneshot():
                        key = (process.pid, process.create_time())
                        role = self.seen[key][0] if key in self.seen else self._role(process)
                        used = process.cpu_times()
                        self.seen[key] = (role, used.user + used.system)
            self._stop.wait(self.every)


def _run_batch(
    out: Path,
    quick: bool,
    env: Mapping[str, str] = ORIGINAL_ENV,
    roles: dict[str, list[float]] | None = None,
) -> tuple[float, float, int]:
    """The batch as a planner runs it: wall s, peak MB of its tree, exit code; with
    ``roles``, filled with its processes' CPU by role (``RoleCPU``)."""
    s = settings(quick)
    command = [
        sys.executable,
        "-c",
        "from ntm_analysis.cli import main; raise SystemExit(main())",
        "batch",
        "--out",
        str(out),
        "--no-progress",
        "--draws",
        str(s["draws"]),
        "--workers",
        str(WORKERS),
        "--no-pdf",  # the floor makes no PDFs either: the goal compares like with like
        "--no-hearing",  # nor hearing packs (the reference makes one HTML per report)
    ]
    if s["backtest_draws"] is not None:
        command += ["--backtest-draws", str(s["backtest_draws"])]
    if s["districts"]:
        command += ["--districts", *s["districts"]]
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, env=dict(env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    with TreeSampler(proc.pid) as sampler, RoleCPU(proc.pid) as by_role:
        _, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    if roles is not None:
        roles.update(by_role.by_role())
    if proc.returncode != 0:
        print(f"ntm batch exited with {proc.returncode}:\n{stderr[-2000:]}", file=sys.stderr)
    return seconds, sampler.peak_mb, proc.returncode


def cpu_children() -> float:
    """CPU seconds (user + system) of this process's finished children and their reaped
    descendants: a batch's or a reference's whole process tree once it has ended. On a shared
    machine a process tree's wall time follows the CPU share it gets; its CPU seconds do
    not, so their ratio is the steadier figure."""
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def compare_main(rounds: int) -> None:
    """``python -m benchmarks.batch compare [ROUNDS]``: issue 17's batch row alone — the
    batch (``_run_batch``) and the reference (``reference``), alternately, each round
    printing wall and CPU seconds, their ratios (also against the reference without
    jsonschema's IRI grammars, ``reference(bare=True)``), the batch's CPU by process role
    (``RoleCPU``), the mean unit time, the shared forecast + backtest and the 1-minute load
    average before each run (JSON lines)."""
    import os

    with tempfile.TemporaryDirectory(prefix="ntm-bench-compare-") as tmp_name:
        tmp = Path(tmp_name)
        for i in range(rounds):
            load = [round(os.getloadavg()[0], 1)]
            cpu = cpu_children()
            roles: dict[str, list[float]] = {}
            batch_s, batch_mb, code = _run_batch(tmp / f"batch{i}", False, roles=roles)
            batch_cpu = cpu_children() - cpu
            load.append(round(os.getloadavg()[0], 1))
            cpu = cpu_children()
            n_units = len(expected_units(tmp / f"batch{i}"))
            reference_s = reference(tmp / f"reference{i}", n_units)
            reference_cpu = cpu_children() - cpu
            load.append(round(os.getloadavg()[0], 1))
            cpu = cpu_children()
            bare_s = reference(tmp / f"bare{i}", n_units, bare=True)
            bare_cpu = cpu_children() - cpu
            manifest = json.loads((tmp / f"batch{i}" / "manifest.json").read_text("utf-8"))
            units = [u["seconds"] for u in manifest["units"] if u.get("seconds")]
            print(
                json.dumps(
                    {
                        "round": i + 1,
                        "exit": code,
                        "batch_s": round(batch_s, 1),
                        "reference_s": round(reference_s, 1),
                        "ratio": round(batch_s / reference_s, 2),
                        "batch_cpu": round(batch_cpu, 1),
                        "reference_cpu": round(reference_cpu, 1),
                        "cpu_ratio": round(batch_cpu / reference_cpu, 2),
                        "bare_reference_s": round(bare_s, 1),
                        "bare_reference_cpu": round(bare_cpu, 1),
                        "cpu_ratio_bare": round(batch_cpu / bare_cpu, 2),
                        "mean_unit_s": round(statistics.mean(units), 2),
                        "forecast_backtest_s": manifest["cache"].get("seconds"),
                        "peak_mb": round(batch_mb),
                        "batch_cpu_by_role": {k: round(sum(v), 1) for k, v in roles.items()},
                        "load_1min": load,
                    }
                ),
                flush=True,
            )


def expected_units(out: Path) -> list[str]:
    """The reports a batch folder holds (its manifest's units)."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return [u["id"] for u in manifest["units"]]


def _stamp(text: str) -> float:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def unit_breakdown(out: Path) -> dict[str, dict[str, float]]:
    """Per unit, from the manifest and the executed notebooks' papermill timestamps."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    lang = manifest.get("parameters", {}).get("lang", "vi")
    result: dict[str, dict[str, float]] = {}
    ok = [u for u in manifest.get("units", []) if u.get("status") == "ok"]
    if ok and (ok[0].get("outputs") or {}).get("notebook"):  # nbconvert's imports, once
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            _export(out / ok[0]["outputs"]["notebook"], Path(tmp) / "unit.html", lang)
        result["_export_cold"] = {"seconds": time.perf_counter() - t0}
    for unit in manifest.get("units", []):
        notebook = (unit.get("outputs") or {}).get("notebook")
        if unit.get("status") != "ok" or not notebook:
            continue
        nb = json.loads((out / notebook).read_text(encoding="utf-8"))
        meta = nb["metadata"]["papermill"]
        begin, end = _stamp(meta["start_time"]), _stamp(meta["end_time"])
        cells = [
            c
            for c in nb["cells"]
            if c["cell_type"] == "code"
            and c.get("metadata", {}).get("papermill", {}).get("end_time")
        ]
        first = min(_stamp(c["metadata"]["papermill"]["start_time"]) for c in cells)
        prepare = sections = 0.0
        for c in cells:
            source = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            pm_meta = c["metadata"]["papermill"]
            seconds = _stamp(pm_meta["end_time"]) - _stamp(pm_meta["start_time"])
            if "prepare(" in source:
                prepare += seconds
            else:
                sections += seconds
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            _export(out / notebook, Path(tmp) / "unit.html", lang)
        export = time.perf_counter() - t0
        result[unit["id"]] = {
            "total": float(unit.get("seconds") or 0.0),
            "kernel": first - begin,
            "prepare": prepare,
            "sections": sections,
            "papermill": end - begin,
            "export": export,
        }
    result["_cache"] = {"seconds": float((manifest.get("cache") or {}).get("seconds") or 0.0)}
    return result


def rows(quick: bool) -> list[Row]:
    """Kernels, then floor / batch / one-thread batch alternating (each kept at its best
    run), then naive once (it is the long one), then kernels again."""
    s = settings(quick)
    rounds = 1 if quick else 2
    python_start = min(_wall_python() for _ in range(3 if quick else 5))
    one_thread = dict(ORIGINAL_ENV, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    floors: list[tuple[float, float, dict[str, Any]]] = []
    batches: list[tuple[float, float, int, Path]] = []
    blas1: list[tuple[float, float, int]] = []
    references: list[float] = []
    bares: list[float] = []
    # CPU s of each run's tree
    cpus: dict[str, list[float]] = {"batch": [], "reference": [], "bare": []}
    with tempfile.TemporaryDirectory(prefix="ntm-bench-batch-") as tmp_name:
        tmp = Path(tmp_name)
        kernels = _child("kernel", {"n": 2 if quick else 3})[2]

        def floor_run() -> None:
            out = tmp / f"floor{len(floors)}"
            out.mkdir()
            floors.append(_child("floor", dict(s, out=str(out))))

        for i in range(rounds):
            floor_run()
            out = tmp / f"batch{i}"
            cpu = cpu_children()
            batches.append((*_run_batch(out, quick), out))
            cpus["batch"].append(cpu_children() - cpu)
            n_reports = len(floors[-1][2]["units"])  # the reports the batch made
            cpu = cpu_children()
            references.append(reference(tmp / f"reference{i}", n_reports))
            cpus["reference"].append(cpu_children() - cpu)
            cpu = cpu_children()
            bares.append(reference(tmp / f"bare{i}", n_reports, bare=True))
            cpus["bare"].append(cpu_children() - cpu)
            blas1.append(_run_batch(tmp / f"batch-blas1-{i}", quick, one_thread))
        floor_run()
        (tmp / "naive").mkdir()
        naive_s, naive_mb, naive = _child("naive", dict(s, out=str(tmp / "naive")))
        more = _child("kernel", {"n": 2 if quick else 3})[2]
        ok = [b for b in batches if b[2] == 0]
        batch_s, batch_mb, code, batch_out = min(ok or batches, key=lambda b: b[0])
        units = unit_breakdown(batch_out) if code == 0 else {}
    blas1_ok = [b for b in blas1 if b[2] == 0]
    blas1_s, blas1_mb, blas1_code = min(blas1_ok or blas1, key=lambda b: b[0])
    cache_s = units.pop("_cache", {}).get("seconds")
    export_cold = units.pop("_export_cold", {}).get("seconds")
    kernel_start = min(kernels["start"] + more["start"])
    kernel_import = statistics.median(kernels["import"] + more["import"])
    floor_s, floor_mb, floor = min(floors, key=lambda f: f[0])
    runs = {
        "floor": [f[0] for f in floors],
        "batch": [b[0] for b in batches],
        "batch, 1 BLAS thread": [b[0] for b in blas1],
        "reference": references,
        "reference, bare": bares,
    }
    reference_s = min(references)

    def cpu_rounds(reference_kind: str) -> str:
        pairs = zip(cpus["batch"], cpus[reference_kind], strict=True)
        rounds_text = ", ".join(f"{b:.1f} / {r:.1f} = {b / r:.2f}" for b, r in pairs)
        return (
            f"CPU seconds of the process trees, batch / {reference_kind}, per round: {rounds_text}"
        )

    spread = "; ".join(f"{k} {', '.join(f'{x:.1f}' for x in v)} s" for k, v in runs.items())
    n_units = len(floor["units"])
    what = f"{n_units} reports, {s['draws']} draws, HTML"
    composite = floor_s + WORKERS * kernel_start
    failed = [] if code == 0 else [f"ntm batch exited with code {code}"]
    out = [
        Row(
            id="batch.kernel",
            label="kernel start: start_new_kernel → ready",
            seconds=kernel_start,
            ref_label="python -c pass",
            ref_seconds=python_start,
            notes=[f"in-kernel `from ntm_analysis.report import sections`: {kernel_import:.2f} s"],
        ),
        Row(
            id="batch.floor",
            label=f"ntm batch: {what}, {WORKERS} workers",
            seconds=batch_s,
            ref_label=f"floor {floor_s:.1f} + {WORKERS} kernel starts",
            ref_seconds=composite,
            peak_mb=batch_mb,
            ref_mb=floor_mb,
            goal=f"≤ {GOAL_FLOOR:g}×",
            met=None if quick else bool(code == 0 and batch_s <= GOAL_FLOOR * composite),
            notes=[
                *failed,
                f"every run (the best is used): {spread}",
                f"inside the best floor: imports {floor['imports']:.1f} s, plan + panel "
                f"{floor['load']:.1f} s, forecast + backtest {floor['analysis']:.1f} s, "
                f"units {sum(sum(u.values()) for u in floor['units'].values()):.1f} s",
            ],
        ),
        Row(
            id="batch.reference",
            label=f"ntm batch: {what}, {WORKERS} workers",
            seconds=batch_s,
            ref_label=f"{n_units} trivial notebooks, {WORKERS} processes",
            ref_seconds=reference_s,
            peak_mb=batch_mb,
            goal=f"≤ {GOAL_REFERENCE:g}×",
            met=None if quick else bool(code == 0 and batch_s <= GOAL_REFERENCE * reference_s),
            notes=[
                "reference: papermill + HTML without input, a fresh kernel per notebook "
                "(import pandas and matplotlib, draw one figure); every run in batch.floor",
                cpu_rounds("reference"),
            ],
        ),
        Row(
            id="batch.reference_bare",
            label=f"ntm batch: {what}, {WORKERS} workers",
            seconds=batch_s,
            ref_label="the same, no jsonschema IRI grammars",
            ref_seconds=min(bares),
            peak_mb=batch_mb,
            notes=[
                "reference without the 38 IRI grammars jsonschema builds (imported by nbformat) "
                "in each of its processes (~1.1 s CPU each), which the batch's processes skip "
                "(executor.skip_unused_imports): the bare cost of one kernel per report",
                cpu_rounds("bare"),
            ],
        ),
        Row(
            id="batch.naive",
            label=f"ntm batch: {what}, {WORKERS} workers",
            seconds=batch_s,
            ref_label="naive: papermill 1 by 1, own fcst",
            ref_seconds=naive_s,
            peak_mb=batch_mb,
            ref_mb=naive_mb,
            goal=f"≤ {GOAL_NAIVE:g}× (clearly faster)",
            met=None if quick else bool(code == 0 and batch_s <= GOAL_NAIVE * naive_s),
            notes=[
                f"naive per unit: mean {statistics.mean(naive['units'].values()):.1f} s "
                f"(forecast + backtest + report + export)"
            ],
        ),
        Row(
            id="batch.blas1",
            label="ntm batch, OPENBLAS/OMP_NUM_THREADS=1 in its env",
            seconds=blas1_s if blas1_code == 0 else None,
            ref_label="ntm batch, caller's environment",
            ref_seconds=batch_s if code == 0 else None,
            peak_mb=blas1_mb,
            ref_mb=batch_mb,
            notes=[] if blas1_code == 0 else [f"ntm batch exited with code {blas1_code}"],
        ),
        Row(
            id="batch.cache",
            label="batch: forecast + backtest once (parent process)",
            seconds=cache_s,
            ref_label="same in the floor process",
            ref_seconds=floor["analysis"],
        ),
    ]
    out += _unit_rows(units, floor, kernel_import)
    if export_cold is not None:
        out[-1].notes.append(
            f"a worker's first HTML export also imports nbconvert: {export_cold:.2f} s cold "
            "in this process (in 'other'; the export row is the warm time)"
        )
    return out


def _unit_rows(
    units: Mapping[str, Mapping[str, float]], floor: Mapping[str, Any], kernel_import: float
) -> list[Row]:
    """Mean over units of where a unit's time goes, each as a share of the mean unit time."""
    if not units:
        return [
            Row(
                id=f"batch.unit.{k}",
                label="(the batch failed)",
                seconds=None,
                ref_label="",
                ref_seconds=None,
            )
            for k in UNIT_PARTS
        ]

    def mean(key: str) -> float:
        return statistics.mean(u[key] for u in units.values())

    total = mean("total")
    parts = {
        "kernel": ("kernel start (papermill → first cell)", mean("kernel")),
        "prepare": ("prepare cell: import, cache load, results", mean("prepare")),
        "sections": ("section cells: tables, figures, PNG", mean("sections")),
        "export": ("HTML export (nbconvert, warm)", mean("export")),
    }
    parts["other"] = (
        "other: worker, papermill, files",
        total - sum(seconds for _, seconds in parts.values()),
    )
    rows = [
        Row(
            id=f"batch.unit.{key}",
            label=f"per unit: {label}",
            seconds=seconds,
            ref_label="mean unit time (manifest)",
            ref_seconds=total,
        )
        for key, (label, seconds) in parts.items()
    ]
    rows.insert(
        2,
        Row(
            id="batch.unit.imports",
            label="per unit: `from ntm_analysis.report import sections`",
            seconds=kernel_import,
            ref_label="prepare cell (the line above)",
            ref_seconds=mean("prepare"),
            notes=["timed in fresh kernels before and after the batch runs (median)"],
        ),
    )
    floor_unit = statistics.mean(sum(u.values()) for u in floor["units"].values())
    floor_prepare = statistics.mean(u["prepare"] for u in floor["units"].values())
    rows.append(
        Row(
            id="batch.unit.total",
            label="per unit: mean unit time (manifest)",
            seconds=total,
            ref_label="floor per unit: prepare + cells",
            ref_seconds=floor_unit,
            notes=[
                f"floor per unit: prepare {floor_prepare:.2f} s, other cells "
                f"{floor_unit - floor_prepare:.2f} s (batch: prepare cell {mean('prepare'):.2f} s, "
                f"section cells {mean('sections'):.2f} s)"
            ],
        )
    )
    return rows


UNIT_PARTS = ("kernel", "prepare", "imports", "sections", "export", "other", "total")


def _wall_python() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True, env=ORIGINAL_ENV)
    return time.perf_counter() - start


def expected_ids(quick: bool) -> list[str]:
    ids = [
        "batch.kernel",
        "batch.floor",
        "batch.reference",
        "batch.reference_bare",
        "batch.naive",
        "batch.blas1",
    ]
    return [*ids, "batch.cache"] + [f"batch.unit.{k}" for k in UNIT_PARTS]


if __name__ == "__main__":
    if sys.argv[1] == "compare":
        compare_main(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
        raise SystemExit(0)
    entry = {
        "floor": floor_main,
        "naive": naive_main,
        "kernel": kernel_main,
        "reference": reference_main,
    }[sys.argv[1]]
    print(json.dumps(entry(json.loads(sys.argv[2]))))
