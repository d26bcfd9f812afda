"""batch/executor.py: the worker boundary with a stand-in worker process (no kernel).

The stand-in speaks the real protocol: it reads the path of ``<id>.task.json`` on stdin,
reads the task through ``Task.from_json``, stages the unit's files and writes its report to
the task's result file. The batch side (``run_unit``) publishes what was staged, or records
why not; ``run_local`` hands ``run_unit`` the JSON forms and its caller typed outcomes.
The real worker, kernels and faults: tests/e2e/test_batch_faults.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from ntm_analysis.batch import executor
from ntm_analysis.batch.records import Outcome, Task, UnitError

STAND_IN = r"""
import json, os, sys
from pathlib import Path
from ntm_analysis.batch.records import Task

for line in sys.stdin:
    task = Task.from_json(json.loads(Path(line.strip()).read_text(encoding="utf-8")))
    (task.staging / f"{task.id}.ipynb").write_text("{}", encoding="utf-8")
    if task.parameters.get("fail"):
        task.log.write_text("kernel: the last words\n", encoding="utf-8")
        error = {"ename": "DeadKernelError", "evalue": "Kernel died", "cell": None,
                 "stage": "execute"}
        report = {"status": "failed", "error": error}
    else:
        (task.staging / f"{task.id}.html").write_text(task.title, encoding="utf-8")
        Path(task.parameters["results_path"]).write_text("{}", encoding="utf-8")
        report = {"status": "ready"}
    part = task.result_file.with_suffix(".part")
    part.write_text(json.dumps(report), encoding="utf-8")
    os.replace(part, task.result_file)
"""


@pytest.fixture
def stand_in(monkeypatch):
    monkeypatch.setattr(executor, "WORKER_COMMAND", [sys.executable, "-c", STAND_IN])


def _task(tmp_path: Path, uid: str = "180-trang-dinh", **parameters) -> Task:
    staging = tmp_path / "out" / ".staging" / "run"
    return Task(
        id=uid,
        out=tmp_path / "out",
        staging=staging,
        parameters={"results_path": str(staging / f"{uid}.json"), **parameters},
        timeout=60,
        code=180,
        title="Huyện Tràng Định: dự báo",
        run_id="run",
    )


def test_a_task_reaches_the_worker_as_json_and_what_it_staged_is_published(tmp_path, stand_in):
    task = _task(tmp_path)
    outcome = Outcome.from_json(executor.run_unit(task))
    assert outcome.ok and outcome.error is None, outcome.error
    assert outcome.outputs == {
        "notebook": "notebooks/180-trang-dinh.ipynb",
        "html": "180-trang-dinh.html",
        "results": "results/180-trang-dinh.json",
        "pdf": None,
    }
    # the worker read the task's fields (the title) from the file the batch wrote
    assert (task.out / "180-trang-dinh.html").read_text(encoding="utf-8") == task.title
    written = json.loads(task.task_file.read_text(encoding="utf-8"))
    assert Task.from_json(written) == task
    assert not any(task.staging.glob("180-trang-dinh.html")), "renamed into place, not copied"


def test_a_failure_without_a_cell_carries_the_kernels_last_words_and_no_stale_report(
    tmp_path, stand_in
):
    task = _task(tmp_path, fail=True)
    (task.out / "results").mkdir(parents=True)
    (task.out / "180-trang-dinh.html").write_text("an earlier run's report", encoding="utf-8")
    (task.out / "results" / "180-trang-dinh.json").write_text("{}", encoding="utf-8")
    result = executor.run_unit(task.to_json())  # the JSON form, as on Dask
    outcome = Outcome.from_json(result)
    assert not outcome.ok and outcome.error.ename == "DeadKernelError"
    assert outcome.error.stage == "execute" and "the last words" in outcome.error.evalue
    assert outcome.outputs["notebook"] == "notebooks/180-trang-dinh.ipynb", "shows where"
    assert outcome.outputs["html"] is None and not (task.out / "180-trang-dinh.html").exists()
    assert not (task.out / "results" / "180-trang-dinh.json").exists()


def test_run_local_hands_run_unit_json_and_its_caller_typed_outcomes(tmp_path, monkeypatch):
    seen: list[object] = []

    def run_unit(task, worker=None):
        seen.append(task)
        if task["id"] == "broken":
            raise RuntimeError("a bug in the runner")
        outputs = dict.fromkeys(executor.OUTPUTS)
        return Outcome(task["id"], "ok", None, 0.5, "now", outputs).to_json()  # JSON back

    monkeypatch.setattr(executor, "run_unit", run_unit)
    outcomes: list[Outcome] = []
    tasks = [_task(tmp_path, "a"), _task(tmp_path, "broken")]
    executor.run_local(tasks, 2, outcomes.append)
    assert all(isinstance(task, dict) for task in seen), "the JSON form, as on Dask"
    assert sorted(Task.from_json(t).id for t in seen) == ["a", "broken"]
    by_id = {o.id: o for o in outcomes}
    assert by_id["a"].ok and by_id["a"].seconds == 0.5
    broken = by_id["broken"]
    assert not broken.ok and broken.error == UnitError("RuntimeError", "a bug in the runner")
    assert broken.outputs == dict.fromkeys(executor.OUTPUTS)


def test_an_error_reads_the_same_typed_or_as_recorded(tmp_path):
    error = executor.unit_error("DataError", " 1 problem:\n  - x.csv: bad ", "execute", 7)
    assert error == UnitError("DataError", "1 problem:\n  - x.csv: bad", 7, "execute")
    assert executor.error_text(error) == "cell [7] DataError: 1 problem: - x.csv: bad"
    assert executor.error_text(error.to_json()) == executor.error_text(error)
    assert executor.error_message(error.to_json()) == "DataError: 1 problem: - x.csv: bad"
    assert executor.error_text(None) == ""
    failed = executor.failed_result(_task(tmp_path), error)
    assert failed.status == "failed" and failed.error is error and failed.seconds is None


def test_closing_the_workers_ends_every_input_before_waiting_for_any():
    # each worker's end is its kernel's polite shutdown (~1 s): ended one after another, the
    # batch waited for them in turn; every input is closed first so that they overlap
    calls: list[str] = []

    class Slot(executor.Worker):
        def end_input(self) -> None:
            calls.append(f"end {self.name}")

        def close(self) -> None:
            calls.append(f"wait {self.name}")

    executor.close_workers([Slot("a"), Slot("b")])
    assert calls == ["end a", "end b", "wait a", "wait b"]
