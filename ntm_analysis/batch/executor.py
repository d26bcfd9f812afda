"""Run one unit's notebook in isolation, and many at once (locally or on Dask).

Units run in worker processes (``python -m ntm_analysis.batch.executor``, one per ``--workers``
slot, each running units one after another so the heavy imports are paid once). For each
unit the worker executes the notebook with papermill (its kernel is yet another process),
checks that the notebook wrote its results sidecar, and exports the HTML report — all into
the run's staging folder; its output and the kernel's go to the unit's log file, not the
terminal.

The batch process (``run_unit``, in one thread per slot) waits for the worker with a
deadline, and only then publishes: each staged file is renamed into its final name
(``os.replace``, atomic), so a final name only ever holds a complete file of this run or an
earlier one. Whatever goes wrong with one unit — the notebook raises, exits early, its kernel
dies, it runs past ``--timeout``, the worker itself dies, the output folder cannot be
written — becomes that unit's error (``unit_error``: what, where, why), its stale outputs are
removed, and the other units carry on.

What goes between them is typed (``records``): the batch's ``Task`` (written for the worker as
``<id>.task.json``, read back with ``Task.from_json``), the worker's ``UnitError``, the unit's
``Outcome``. ``run_unit`` — what a thread of the batch or a Dask worker calls — takes and
returns their JSON forms, so the same call works on either side of a process boundary.

``--timeout`` is per notebook: the worker gives each cell only the time left, and a worker
that has not finished ``KILL_GRACE`` seconds after that is stopped (SIGTERM, then SIGKILL; the
orphaned kernel notices its parent is gone and exits) and replaced for the next unit. A
worker whose batch process is gone (killed) stops too.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path
from typing import Any

from ntm_analysis.batch.kernel import KeptKernel
from ntm_analysis.batch.records import Outcome, Task, UnitError
from ntm_analysis.core.atomic import write_text_atomic
from ntm_analysis.core.errors import Msg, os_reason
from ntm_analysis.core.params import KERNEL_NAME, ParameterError
from ntm_analysis.core.provenance import now

__all__ = [
    "KILL_GRACE",
    "Worker",
    "check_dask_filesystem",
    "check_dask_workers",
    "close_workers",
    "error_message",
    "error_text",
    "execute_unit",
    "failed_result",
    "publish",
    "require_dask",
    "require_kernel",
    "run_dask",
    "run_local",
    "run_unit",
    "skip_unused_imports",
    "start_workers",
    "unit_error",
]

# a worker runs its units in one kernel, reset between them (kernel.py);
# NTM_FRESH_KERNEL=1: a new kernel for every unit, as before (to compare, or to rule it out)
REUSE_KERNELS = os.environ.get("NTM_FRESH_KERNEL", "0") != "1"
KILL_GRACE = 60.0  # seconds a worker may outlive its --timeout before it is stopped
TERM_GRACE = 10.0  # seconds between SIGTERM and SIGKILL
LOG_TAIL = 8  # lines of the worker's log shown when there is no cell error to show
# the worker process (tests put a misbehaving one in its place)
WORKER_COMMAND = [sys.executable, "-m", "ntm_analysis.batch.executor"]
# routine kernel messages that say nothing about why a unit failed
_LOG_NOISE = re.compile(r"Kernel is running over TCP without encryption|^\s*$")
OUTPUTS = {
    "notebook": "notebooks/{id}.ipynb",
    "html": "{id}.html",
    "results": "results/{id}.json",
    "pdf": "pdf/{id}.pdf",
}


# jsonschema (which nbformat imports, to validate notebooks) builds 38 IRI grammars with lark
# at import when the optional rfc3987-syntax is installed — jupyterlab brings it, through
# jupyter_events' jsonschema[format-nongpl] — 1.35 s CPU in every process that reads or
# writes a notebook. The grammars serve only jsonschema's "iri" format checks, which notebook
# validation never runs (nbformat validates without a format checker). The same extra brings
# the other optional format checkers jsonschema imports at once (each in its own
# ``suppress(ImportError)``): uri-template's expansion regexes, isoduration with the arrow
# date library, rfc3986-validator's grammar… ~0.06 s CPU a process (jsonschema 4.26), for
# checks nobody runs either; none of them is imported by anything else the batch's processes
# load (idna is: requests needs it, so it stays).
UNUSED_IMPORTS = (
    "rfc3987_syntax",
    "uri_template",
    "isoduration",
    "rfc3986_validator",
    "rfc3339_validator",
    "webcolors",
    "fqdn",
    "jsonpointer",
)


# …and in a worker only: papermill imports pyarrow (with numpy, ~0.08 s CPU) for its HDFS
# file handler, if it can (``try``/``except ImportError``); a worker reads and writes local
# notebooks only, and nothing else it loads uses either. Not in the ``ntm`` process, whose
# pandas takes pyarrow when it is there.
WORKER_UNUSED_IMPORTS = ("pyarrow",)


def skip_unused_imports(names: Sequence[str] = UNUSED_IMPORTS) -> None:
    """In a process of the batch's own (the ``ntm`` command; a worker with
    ``WORKER_UNUSED_IMPORTS`` too): make the optional imports ``names`` fail as if the
    packages were absent, so that jsonschema leaves out the format checks that need them
    (and papermill its HDFS handler). The import system's documented way
    (``sys.modules[name] = None``); a module already imported is kept, and a library
    imported earlier is not affected. Not done in a caller's own process (``run_batch``
    from a notebook), whose other libraries may want those checks."""
    for name in names:
        sys.modules.setdefault(name, None)


# --------------------------------------------------------------------------- errors


def unit_error(ename: str, evalue: str, stage: str, cell: int | None = None) -> UnitError:
    """A failed unit's error: exception name, message, the cell (its execution count) and the
    stage ("execute", "check", "html", "pdf", "publish", "worker")."""
    return UnitError.of(ename, evalue, stage, cell)


def _as_error(error: UnitError | Mapping[str, Any] | None) -> UnitError | None:
    """An error as recorded: typed, or its JSON form (the manifest's, a ``BatchResult``'s)."""
    return error if isinstance(error, UnitError) or error is None else UnitError.from_json(error)


def error_message(error: UnitError | Mapping[str, Any], limit: int = 400) -> str:
    """ "DataError: 1 problem found in the data: - x.csv: unknown district 'Nowhere' …"."""
    typed = _as_error(error)
    return "" if typed is None else typed.message(limit)


def error_text(error: UnitError | Mapping[str, Any] | None) -> str:
    """An error for the terminal: "cell [7] DataError: …"."""
    typed = _as_error(error)
    return "" if typed is None else typed.text()


def failed_result(task: Task, error: UnitError) -> Outcome:
    """The outcome of a unit that failed before it could produce anything."""
    return Outcome(task.id, "failed", error, None, now(), dict.fromkeys(OUTPUTS))


def _log_tail(log: Path, lines: int = LOG_TAIL) -> str:
    """The last lines of a log, without the kernel's routine chatter."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    kept = [line for line in text.strip().splitlines() if not _LOG_NOISE.search(line)]
    return "\n".join(kept[-lines:])


# --------------------------------------------------------------------------- in the worker


def _describe_error(exc: BaseException, timeout: float) -> UnitError:
    ename = getattr(exc, "ename", None)
    if ename is not None:  # PapermillExecutionError: the failing cell's exception
        return unit_error(
            ename, getattr(exc, "evalue", ""), "execute", getattr(exc, "exec_count", None)
        )
    if isinstance(exc, TimeoutError):  # nbclient's CellTimeoutError: the deadline passed
        return unit_error(
            "Timeout",
            f"the notebook did not finish within --timeout {timeout:g} s and was stopped. {exc}",
            "execute",
        )
    return unit_error(type(exc).__name__, str(exc) or repr(exc), "execute")


def _check_sidecar(sidecar: Path, task: Task) -> UnitError | None:
    """Why the unit's sidecar cannot be published (None when it can): missing, not JSON, or
    another unit's. Only the unit's identity is checked here, not its figures: the index
    reads them (``UnitResults.from_json``) and shows a wrong file as a failed unit, and the
    fault tests' stand-in reports write sidecars with only the figures they need."""
    if not sidecar.exists():
        return unit_error(
            "NoResults",
            "the notebook ended without writing its results sidecar (it stopped early or "
            "skipped save_results)",
            "check",
        )
    try:
        result = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return unit_error("BadResults", f"unreadable results sidecar: {exc}", "check")
    if not isinstance(result, dict) or result.get("unit_code") != task.code:
        found = result.get("unit_code") if isinstance(result, dict) else None
        return unit_error(
            "BadResults", f"the sidecar is for unit {found!r}, expected {task.code!r}", "check"
        )
    return None


def _staged(task: Task) -> dict[str, Path]:
    return {
        "notebook": task.staging / f"{task.id}.ipynb",
        "html": task.staging / f"{task.id}.html",
        "results": Path(task.parameters["results_path"]),
        "pdf": task.staging / f"{task.id}.pdf",
    }


def execute_unit(
    task: Task | Mapping[str, Any], kernel: KeptKernel | None = None
) -> UnitError | None:
    """Execute, check and export one unit into the staging folder (in the worker process),
    in ``kernel`` (the worker's, reset for this unit) or else a kernel of its own.
    ``task``: the task, or its JSON form.

    Returns None when the unit's files are ready to publish, else why not; never raises.
    """
    task = Task.from_json(task)
    timeout = task.timeout
    deadline = time.monotonic() + timeout
    staged = _staged(task)
    staged["results"].unlink(missing_ok=True)  # its existence must prove this run wrote it
    error: UnitError | None = None
    executed: Any = None
    try:
        import papermill as pm

        def time_left(cell: Any) -> int:  # the whole notebook shares one --timeout
            return max(1, math.ceil(deadline - time.monotonic()))

        cwd = staged["notebook"].parent
        kept = {} if kernel is None else {"km": kernel.manager(task.kernel, cwd)}
        executed = pm.execute_notebook(
            str(task.notebook),
            str(staged["notebook"]),
            parameters=dict(task.parameters),
            kernel_name=task.kernel,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            start_timeout=max(1, min(60, math.ceil(timeout))),
            timeout_func=time_left,
            cwd=str(cwd),
            **kept,
        )
    except BaseException as exc:  # a cell error, a dead kernel, the deadline, a stop signal
        error = _describe_error(exc, timeout)
    if error is None:
        error = _check_sidecar(staged["results"], task)
    if error is None:
        try:
            from ntm_analysis.report.export import export_html, footer_html

            export_html(
                executed,  # as written to staged["notebook"]: no need to read it back
                staged["html"],
                title=task.title,
                lang=task.lang,
                footer=footer_html(task.run_id or "", task.data_sha256, task.lang),
                synthetic=task.synthetic,
                home=task.home,
                print_appendix=task.kind != "district",
                template_cache=task.template_cache,
            )
        except Exception as exc:
            error = unit_error(type(exc).__name__, str(exc), "html")
    if error is None and task.chromium:
        try:
            from ntm_analysis.report.pdf import print_pdf

            left = max(10.0, deadline - time.monotonic())  # the worker dies at the deadline
            print_pdf(staged["html"], staged["pdf"], chromium=task.chromium, timeout=left)
        except Exception as exc:
            error = unit_error(type(exc).__name__, str(exc), "pdf")
    return error


def _report(error: UnitError | None) -> dict[str, Any]:
    """What the worker writes to the task's result file: the unit is ready, or failed and why."""
    return {"status": "ready"} if error is None else {"status": "failed", "error": error.to_json()}


def _reported(data: Mapping[str, Any]) -> UnitError | None:
    """The unit's error in a result file (``_report``'s); None: ready to publish."""
    if data.get("status") == "ready":
        return None
    given = UnitError.from_json(data.get("error"))
    return given or unit_error("Unknown", "no error given", "worker")


_STOPPING = False


def _on_sigterm(signum: int, frame: Any) -> None:
    global _STOPPING
    _STOPPING = True
    raise SystemExit(f"stopped by signal {signum}")  # unwinds papermill: the kernel is shut


@contextlib.contextmanager
def _output_to(log: Path) -> Any:
    """Point file descriptors 1 and 2 (inherited by the kernel process) at ``log``."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with open(log, "ab") as handle:
        os.dup2(handle.fileno(), 1)
        os.dup2(handle.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            for fd, copy in zip((1, 2), saved, strict=True):
                os.dup2(copy, fd)
                os.close(copy)


def _watch_parent(interval: float = 1.0) -> None:
    """Stop this worker (as SIGTERM would) once the batch that started it is gone: nobody
    would publish what it makes, and its kernel must not linger."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="ntm-parent-watch", daemon=True).start()


def serve() -> int:
    """The worker process: for each task file named on stdin, run the unit, write its result
    file. Runs units one after another in one kernel (``kernel.KeptKernel``: reset between
    units, replaced after a failure), so the heavy imports are paid once per worker; the
    kernel is started before the first unit arrives (in the worker's folder: the staging)."""
    skip_unused_imports((*UNUSED_IMPORTS, *WORKER_UNUSED_IMPORTS))
    signal.signal(signal.SIGTERM, _on_sigterm)
    _watch_parent()
    kept = KeptKernel(Path.cwd() / f"kernel-{os.getpid()}.log")
    try:
        with contextlib.suppress(ImportError):  # the slow imports, before the first unit
            import nbconvert  # noqa: F401
            import papermill  # noqa: F401
        if REUSE_KERNELS:
            kept.start(KERNEL_NAME, Path.cwd())
        for line in sys.stdin:
            if not line.strip():
                continue
            task = Task.from_json(json.loads(Path(line.strip()).read_text(encoding="utf-8")))
            since = kept.log_size()
            with _output_to(task.log):
                try:
                    error = execute_unit(task, kept if REUSE_KERNELS else None)
                except BaseException as exc:  # report anything, then carry on or stop
                    error = unit_error(type(exc).__name__, str(exc), "worker")
                kept.finished(error is None and not _STOPPING)
            kept.copy_log(since, task.log)
            write_text_atomic(task.result_file, json.dumps(_report(error), ensure_ascii=False))
            if _STOPPING:
                break
    finally:
        kept.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ntm_analysis.batch.executor``: a worker process (see ``serve``)."""
    return serve()


# --------------------------------------------------------------------------- in the caller

POLL = 0.05  # seconds between looks at a running unit
_LIVE: set[Worker] = set()
_LIVE_LOCK = threading.Lock()


class Worker:
    """A worker process that runs units one at a time, started when first needed and
    replaced after it is stopped (past its deadline) or dies."""

    def __init__(self, name: str = "worker", env: Mapping[str, str] | None = None) -> None:
        self.name = name
        self.env = dict(env or {})  # set in the worker and its kernels (the BLAS threads)
        self.proc: subprocess.Popen | None = None
        self.log: Path | None = None

    def start(self, staging: Path) -> Worker:
        """Start the process now (it imports while the batch prepares), not at the first unit."""
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start(Path(staging))
        return self

    def _start(self, staging: Path) -> subprocess.Popen:
        self.log = staging / f"{self.name}.log"
        with open(self.log, "ab") as log:
            proc = subprocess.Popen(
                WORKER_COMMAND,
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=staging,
                env={**os.environ, **self.env},
            )
        with _LIVE_LOCK:
            _LIVE.add(self)
        return proc

    def run(self, task: Task) -> tuple[UnitError | None, str | None]:
        """What the worker reported — ``(None, None)``: the unit is ready to publish;
        ``(error, None)``: it failed, and why — or ``(None, why)`` when it did not report:
        "timeout", or how the worker process ended."""
        task_file = task.task_file
        write_text_atomic(task_file, json.dumps(task.to_json(), ensure_ascii=False))
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start(task.staging)
        proc = self.proc
        try:
            assert proc.stdin is not None
            proc.stdin.write(f"{task_file}\n".encode())
            proc.stdin.flush()
        except OSError:  # it died before it could take the task
            pass
        result_file = task.result_file
        deadline = time.monotonic() + task.timeout + KILL_GRACE
        while True:
            if result_file.exists():
                try:
                    return _reported(json.loads(result_file.read_text(encoding="utf-8"))), None
                except (OSError, ValueError) as exc:
                    self.stop()
                    return None, f"left an unreadable result ({exc})"
            code = proc.poll()
            if code is not None:
                self.proc = None
                return None, _exit_reason(code)
            if time.monotonic() > deadline:
                self.stop()
                return None, "timeout"
            time.sleep(POLL)

    def stop(self) -> None:
        """SIGTERM (the worker shuts its kernel down), then SIGKILL if it does not exit."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            proc.terminate()
        try:
            proc.wait(TERM_GRACE)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                proc.kill()
            proc.wait()
        self._forget(proc)

    def end_input(self) -> None:
        """Close the worker's input: it finishes its unit, shuts its kernel down and exits."""
        proc = self.proc
        if proc is not None and proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()

    def close(self) -> None:
        """Let the worker finish (end of its input), or stop it."""
        proc = self.proc
        if proc is None:
            return
        self.end_input()
        try:
            proc.wait(TERM_GRACE)
        except subprocess.TimeoutExpired:
            self.stop()
        self.proc = None
        self._forget(proc)

    def _forget(self, proc: subprocess.Popen) -> None:
        with contextlib.suppress(OSError):
            if proc.stdin is not None:
                proc.stdin.close()
        with _LIVE_LOCK:
            _LIVE.discard(self)


def stop_all() -> None:
    """Stop every worker this process started that is still running (on Ctrl-C)."""
    with _LIVE_LOCK:
        live = list(_LIVE)
    for worker in live:
        worker.stop()


def _exit_reason(code: int | None) -> str:
    if code is not None and code < 0:
        with contextlib.suppress(ValueError):
            return f"was killed by {signal.Signals(-code).name}"
        return f"was killed by signal {-code}"
    return f"exited with code {code}"


def publish(
    task: Task, staged: Mapping[str, Path], keys: Sequence[str]
) -> tuple[dict[str, str | None], UnitError | None]:
    """Rename the staged files ``keys`` into their final names, in order.

    Returns the final names (relative to the output folder) of what was published and, if a
    rename failed (the folder became unwritable, the disk is full), the error.
    """
    out = task.out
    outputs: dict[str, str | None] = dict.fromkeys(OUTPUTS)
    for key in keys:
        relative = OUTPUTS[key].format(id=task.id)
        try:
            (out / relative).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged[key], out / relative)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            return outputs, unit_error(
                type(exc).__name__, f"cannot write {out / relative}: {reason}", "publish"
            )
        outputs[key] = relative
    return outputs, None


def discard_outputs(task: Task, keep: Mapping[str, str | None]) -> None:
    """Remove a unit's outputs of earlier runs that this run did not replace (a failed unit's
    report, a PDF when this run made none): they must not pass for this run's."""
    for key, pattern in OUTPUTS.items():
        if not keep.get(key):
            with contextlib.suppress(OSError):
                (task.out / pattern.format(id=task.id)).unlink(missing_ok=True)


def run_unit(task: Task | Mapping[str, Any], worker: Worker | None = None) -> dict[str, Any]:
    """Run one unit in a worker process (``worker``, or a new one used once), then publish its
    outputs. A failure of the unit is its outcome, never an exception. Runs in a thread of the
    batch process, or on a Dask worker: takes the task or its JSON form (``Task.to_json``)
    and returns the outcome's JSON form (``Outcome.to_json``)."""
    return _run_task(Task.from_json(task), worker).to_json()


def _run_task(task: Task, worker: Worker | None) -> Outcome:
    started = time.time()
    task.staging.mkdir(parents=True, exist_ok=True)
    task.result_file.unlink(missing_ok=True)
    staged = _staged(task)
    own = worker is None
    worker = worker or Worker(f"worker-{task.id}", env=task.env)
    try:
        error, why = worker.run(task)
    except OSError as exc:
        error, why = None, f"could not be started ({exc})"
    finally:
        if own:
            worker.close()
    reported = why is None
    if why == "timeout":
        error = unit_error(
            "Timeout",
            f"the notebook did not finish within --timeout {task.timeout:g} s; its worker "
            "was stopped",
            "execute",
        )
    elif not reported:
        tail = _log_tail(task.log) or (_log_tail(worker.log) if worker.log else "")
        error = unit_error(
            "WorkerDied",
            f"the worker process {why} before reporting a result" + (f"\n{tail}" if tail else ""),
            "worker",
        )
    elif error is not None and error.cell is None and error.stage == "execute":
        tail = _log_tail(task.log)  # no cell error: the kernel's last words
        if tail:
            error = replace(error, evalue=error.evalue + "\n" + tail)
    keys: list[str] = []
    # a failed print leaves a good report: publish it, the unit still fails (and --resume
    # re-runs it) so the missing PDF is not overlooked
    pdf_failed = error is not None and error.stage == "pdf"
    if reported:  # a worker that reported has finished writing its files
        if error is None:
            keys = ["notebook", "html", "results", "pdf"]
        else:
            keys = ["notebook", "html", "results"] if pdf_failed else ["notebook"]
        keys = [k for k in keys if staged[k].exists()]
    outputs, publish_error = publish(task, staged, keys)
    error = error or publish_error
    if error is not None and not pdf_failed:  # the executed notebook shows where it failed
        outputs = {**dict.fromkeys(OUTPUTS), "notebook": outputs["notebook"]}
    discard_outputs(task, outputs)
    status = "ok" if error is None else "failed"
    return Outcome(task.id, status, error, round(time.time() - started, 2), now(), outputs)


# --------------------------------------------------------------------------- many units


def start_workers(workers: int, staging: Path) -> list[Worker]:
    """``workers`` worker processes, started now so that their imports overlap with the
    batch's own work (the simulation); give them to ``run_local`` and then ``close_workers``."""
    Path(staging).mkdir(parents=True, exist_ok=True)
    return [Worker(f"worker-{i + 1}").start(staging) for i in range(workers)]


def close_workers(slots: Sequence[Worker]) -> None:
    """Tell every worker its input has ended, then wait for each: their ends (each kernel's
    polite shutdown, ~1 s) overlap instead of following one another."""
    for slot in slots:
        slot.end_input()
    for slot in slots:
        slot.close()


def run_local(
    tasks: Sequence[Task],
    workers: int,
    on_done: Callable[[Outcome], None],
    slots: Sequence[Worker] | None = None,
) -> None:
    """Run ``tasks`` on ``workers`` worker processes (``slots``, or new ones closed at the
    end); ``on_done`` gets each outcome as it comes."""
    own = slots is None
    slots = [Worker(f"worker-{i + 1}") for i in range(workers)] if slots is None else slots
    idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
    for slot in slots:
        idle.put(slot)

    def job(task: Task) -> dict[str, Any]:
        slot = idle.get()
        try:
            return run_unit(task.to_json(), slot)  # as on Dask: the JSON forms
        finally:
            idle.put(slot)

    pool = ThreadPoolExecutor(max_workers=len(slots), thread_name_prefix="ntm-unit")
    futures: dict[Any, Task] = {}
    try:
        futures = {pool.submit(job, task): task for task in tasks}
        for future in as_completed(futures):
            on_done(_outcome(future, futures[future]))
    except BaseException:  # Ctrl-C: no worker may outlive the batch
        for future in futures:
            future.cancel()
        stop_all()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if own:
            close_workers(slots)


def _outcome(future: Any, task: Task) -> Outcome:
    try:
        return Outcome.from_json(future.result())
    except Exception as exc:  # the runner itself failed (a bug, a lost Dask worker)
        return failed_result(task, unit_error(type(exc).__name__, str(exc), "worker"))


def require_dask() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError as exc:
        raise ParameterError([Msg("error.param.no_distributed")]) from exc


def require_kernel(name: str = KERNEL_NAME) -> None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel as exc:
        raise ParameterError([Msg("error.param.no_kernel", name=repr(name))]) from exc


def _probe(probe: str, token: str, paths: Sequence[str]) -> list[Msg]:
    """On a Dask worker: can it read the probe file, see ``paths`` and write beside them?"""
    import socket

    problems = []
    try:
        if Path(probe).read_text(encoding="utf-8") != token:
            problems.append(Msg("error.param.dask_probe_differs", path=probe))
    except OSError as exc:
        problems.append(Msg("error.param.dask_unreadable", path=probe, reason=os_reason(exc)))
    problems += [Msg("error.param.dask_not_found", path=p) for p in paths if not Path(p).exists()]
    mine = Path(f"{probe}-{socket.gethostname()}-{os.getpid()}")
    try:
        mine.write_text("ok", encoding="utf-8")
        mine.unlink()
    except OSError as exc:
        problems.append(
            Msg("error.param.dask_unwritable", path=str(mine.parent), reason=os_reason(exc))
        )
    return problems


def check_dask_filesystem(client: Any, staging: Path, paths: Sequence[str | Path]) -> None:
    """Every worker must see this machine's files at the same absolute paths (the data, the
    notebooks, the forecast cache) and be able to write to the output folder."""
    import secrets

    workers = client.scheduler_info().get("workers", {})
    if not workers:
        with contextlib.suppress(Exception):
            client.wait_for_workers(1, timeout=30)
            workers = client.scheduler_info().get("workers", {})
    if not workers:
        raise ParameterError([Msg("error.param.dask_no_workers")])
    staging.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(8)
    probe = staging / f"dask-probe-{token}"
    write_text_atomic(probe, token)
    try:
        answers = client.run(_probe, str(probe), token, [str(p) for p in paths])
    except Exception as exc:
        raise ParameterError(
            [Msg("error.param.dask_check_failed", error=f"{type(exc).__name__}: {exc}")]
        ) from exc
    finally:
        probe.unlink(missing_ok=True)
    problems = [
        Msg("error.param.dask_worker", worker=worker, problem=p)
        for worker, found in answers.items()
        for p in found
    ]
    if problems:
        raise ParameterError([Msg("error.param.dask_not_shared"), *problems])


def _worker_facts(kernel: str, chromium: str | None) -> dict[str, Any]:
    """On a Dask worker: the package it runs (version, code fingerprint), whether the Jupyter
    kernel ``kernel`` imports the same version, and whether ``chromium`` is there."""
    import shutil

    from ntm_analysis import __version__
    from ntm_analysis.analysis.cache import code_fingerprint

    facts: dict[str, Any] = {"version": __version__, "code": code_fingerprint()}
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        python = KernelSpecManager().get_kernel_spec(kernel).argv[0]
        probe = "import ntm_analysis; print(ntm_analysis.__version__)"
        done = subprocess.run(
            [python, "-c", probe], capture_output=True, text=True, timeout=120, check=False
        )
        reason = done.stderr.strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
        facts["kernel"] = done.stdout.strip() if done.returncode == 0 else None
        facts["kernel_reason"] = None if done.returncode == 0 else reason[0]
    except Exception as exc:  # no such kernel, its Python missing: reported, not raised
        facts["kernel"], facts["kernel_reason"] = None, f"{type(exc).__name__}: {exc}"
    facts["chromium"] = bool(chromium and shutil.which(chromium))
    return facts


def check_dask_workers(client: Any, *, code: str, chromium: str | None) -> None:
    """Before any unit runs, every worker must run this very package: the same version and
    code fingerprint (``code``: ``cache.code_fingerprint()`` here), a Jupyter kernel that
    imports it, and — when PDFs are asked for — the Chromium this machine prints with
    (``chromium``). The refusal names each worker and what it lacks."""
    from ntm_analysis import __version__
    from ntm_analysis.report.pdf import CHROMIUM_ENV

    try:
        answers = client.run(_worker_facts, KERNEL_NAME, chromium)
    except Exception as exc:
        raise ParameterError(
            [Msg("error.param.dask_check_failed", error=f"{type(exc).__name__}: {exc}")]
        ) from exc
    problems = []
    for worker, facts in sorted(answers.items()):
        lacks = []
        if facts["version"] != __version__:
            lacks.append(Msg("error.param.dask_version", theirs=facts["version"], ours=__version__))
        elif facts["code"] != code:
            lacks.append(Msg("error.param.dask_code", theirs=facts["code"], ours=code))
        if facts["kernel"] != __version__:
            reason = facts["kernel_reason"] or f"ntm-analysis {facts['kernel']}"
            lacks.append(Msg("error.param.dask_kernel", name=repr(KERNEL_NAME), reason=reason))
        if chromium and not facts["chromium"]:
            lacks.append(Msg("error.param.dask_chromium", env=CHROMIUM_ENV))
        problems += [Msg("error.param.dask_worker", worker=worker, problem=p) for p in lacks]
    if problems:
        raise ParameterError(problems)


def run_dask(tasks: Sequence[Task], client: Any, on_done: Callable[[Outcome], None]) -> None:
    """Run ``tasks`` on the Dask cluster of ``client`` (a ``distributed.Client``); each task
    starts its worker process on a Dask worker, so the files must be shared
    (``check_dask_filesystem``)."""
    from distributed import as_completed as dask_completed

    futures = {
        client.submit(
            run_unit, task.to_json(), key=f"ntm-{task.id}-{task.run_id}", pure=False
        ): task
        for task in tasks
    }
    try:
        for future in dask_completed(list(futures)):
            on_done(_outcome(future, futures[future]))
    except BaseException:
        for future in futures:
            future.cancel()
        raise


if __name__ == "__main__":
    raise SystemExit(main())
