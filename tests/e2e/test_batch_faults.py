"""Faults in the batch: a unit whose kernel dies, that raises, exits early, hangs past
--timeout, or cannot be written; unsafe parameter values; two batches on one folder.

In every case the other units complete, nothing partial is left under a final name, the
index, the manifest and the exit code say exactly what failed and why, and --resume then runs
only what is missing.

The faulty units run small stand-in notebooks (``_stub``): the real parameters cell, a cell
that resolves the district and echoes the parameters, the fault, and a cell that writes the
results sidecar. They are swapped in for chosen units with monkeypatch, after validation, as
a fault would strike; each takes a couple of seconds.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from ntm_analysis import cli
from ntm_analysis.batch import executor
from ntm_analysis.batch.lock import output_lock
from ntm_analysis.batch.run import EXIT_FAILED, ParameterError, run_batch
from ntm_analysis.core import params

# no PDFs: these faults are in the notebook and the worker; a failed print has its own test
# (tests/test_pdf.py) and tests/test_browser.py checks the PDFs themselves
RUN = {
    "draws": 50,
    "seed": 1,
    "province_target": 20,
    "backtest_draws": 0,
    "progress": False,
    "pdf": False,
}
CLI = ["--draws", "50", "--seed", "1", "--target", "20", "--backtest-draws", "0", "--no-progress"]
CLI += ["--no-pdf"]
# every file a successful unit leaves, relative to the output folder
FILES = ("{id}.html", "notebooks/{id}.ipynb", "results/{id}.json")


@pytest.fixture(scope="module")
def stubs(tmp_path_factory):
    """Stand-in district notebooks: "good", and one per fault."""
    folder = tmp_path_factory.mktemp("stubs")
    template = nbformat.read(params.NOTEBOOKS["district"], as_version=4)
    cell = next(c for c in template.cells if "parameters" in c.metadata.get("tags", []))
    names = sorted(params.notebook_parameters(params.NOTEBOOKS["district"]))
    faults = {
        "good": None,
        "raises": "raise RuntimeError('injected fault')",
        "dies": "import os\nos._exit(1)",
        "exits": "import sys\nsys.exit(0)",
        "hangs": "import time\ntime.sleep(600)",
    }
    paths = {}
    for name, fault in faults.items():
        nb = nbformat.v4.new_notebook(metadata=template.metadata)
        nb.cells = [
            nbformat.v4.new_code_cell(cell.source, metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(
                "import json, pathlib\n"
                "from ntm_analysis.io.reference import read_registry\n"
                "code = read_registry(units_path or None).resolve(district)\n"
                f"received = {{k: globals()[k] for k in {names!r}}}\n"
                "print('stand-in report for district', code)"
            ),
            *([nbformat.v4.new_code_cell(fault)] if fault else []),
            nbformat.v4.new_code_cell(
                "sidecar = {'unit_code': code, 'level': 'district', 'unit': district,\n"
                "  'unit_name': district, 'year': target_year, 'headline': 'stand-in',\n"
                "  'now': {'n_ntm': 1}, 'expected': 2.0, 'interval80': [1, 3],\n"
                "  'probability': None, 'status': None, 'synthetic': True,\n"
                "  'received': received}\n"
                "pathlib.Path(results_path).write_text(json.dumps(sidecar), encoding='utf-8')"
            ),
        ]
        paths[name] = folder / f"{name}.ipynb"
        nbformat.write(nb, paths[name])
    return paths


@pytest.fixture
def swap(monkeypatch):
    """``swap[unit id] = notebook path`` (or a function of the task) runs that unit with it;
    ``swap["*"]`` applies to every other unit."""
    chosen: dict = {}
    real = executor.run_unit

    def run_unit(task, worker=None):
        fault = chosen.get(task["id"], chosen.get("*"))
        if callable(fault):
            task = fault(task)
        elif fault is not None:
            task = dict(task, notebook=str(fault))
        return real(task, worker)

    monkeypatch.setattr(executor, "run_unit", run_unit)
    return chosen


def _batch(out, panel_file, cache_dir, districts, *extra):
    argv = ["batch", "--out", str(out), "--data", str(panel_file), "--cache", str(cache_dir)]
    return cli.main([*argv, "--no-province", "--districts", *districts, *CLI, *extra])


def _units(out):
    manifest = json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))
    return manifest, {u["id"]: u for u in manifest["units"]}


def _assert_clean(out, ok, failed):
    """Every ok unit has all its files; a failed one none but, perhaps, its executed notebook;
    nothing temporary or staged is left."""
    out = Path(out)
    for uid in ok:
        for pattern in FILES:
            assert (out / pattern.format(id=uid)).is_file(), (uid, pattern)
    for uid in failed:
        assert not (out / f"{uid}.html").exists(), uid
        assert not (out / "results" / f"{uid}.json").exists(), uid
    leftovers = [
        p
        for p in out.rglob("*")
        if p.name.endswith(".tmp") or ".staging" in p.parts or p.name.startswith(".manifest")
    ]
    assert leftovers == [], leftovers
    top = {p.name for p in out.iterdir()}
    assert top <= {
        ".lock",
        "index.html",
        "manifest.json",
        "changes.json",
        "notebooks",
        "results",
    } | {f"{uid}.html" for uid in ok}, top


def _kernels_in(folder: Path) -> list[int]:
    """Processes (kernels) whose working directory is under ``folder`` (Linux)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            if str(folder) in os.readlink(proc / "cwd"):
                found.append(int(proc.name))
    return found


# --------------------------------------------------------------------------- faults in units


@pytest.mark.slow
def test_faulty_units_fail_alone_and_resume_completes_them(
    panel_file, cache_dir, stubs, swap, tmp_path, capsys
):
    out = tmp_path / "reports"
    swap.update(
        {
            "180-trang-dinh": stubs["hangs"],
            "181-binh-gia": stubs["dies"],
            "182-van-lang": stubs["raises"],
            "183-cao-loc": stubs["exits"],
            # a parameter the notebook cannot use slipped past validation
            "184-van-quan": lambda t: dict(
                t, notebook=str(stubs["good"]), parameters=t["parameters"] | {"district": "Nowhere"}
            ),
            "185-bac-son": stubs["good"],
        }
    )
    districts = ["Tràng Định", "Bình Gia", "Văn Lãng", "Cao Lộc", "Văn Quan", "Bắc Sơn"]
    started = time.monotonic()
    code = _batch(out, panel_file, cache_dir, districts, "--workers", "2", "--timeout", "10")
    assert code == EXIT_FAILED
    assert time.monotonic() - started < 10 + 60, "the hung unit was stopped, not waited for"
    terminal = capsys.readouterr().err
    expected = {
        "180-trang-dinh": ("Timeout", "execute"),
        "181-binh-gia": ("DeadKernelError", "execute"),
        "182-van-lang": ("RuntimeError", "execute"),
        "183-cao-loc": ("NoResults", "check"),
        "184-van-quan": ("DataError", "execute"),
    }
    manifest, units = _units(out)
    assert units["185-bac-son"]["status"] == "ok", units["185-bac-son"]["error"]
    assert manifest["summary"] == {"ok": 1, "skipped": 0, "failed": 5, "pending": 0}
    index = (out / "index.html").read_text(encoding="utf-8")
    for uid, (ename, stage) in expected.items():
        error = units[uid]["error"]
        assert units[uid]["status"] == "failed" and error["ename"] == ename, error
        assert error["stage"] == stage, error
        assert f"{uid}" in terminal and ename in terminal, uid
        assert ename in index and units[uid]["name"] in index, uid
    timeout = units["180-trang-dinh"]["error"]["evalue"]
    assert "--timeout 10" in timeout and "time.sleep(600)" in timeout, "the hung cell is shown"
    assert "Kernel died" in units["181-binh-gia"]["error"]["evalue"]
    assert "without encryption" not in units["181-binh-gia"]["error"]["evalue"], "no chatter"
    # the failing cell's execution count: parameters, injected parameters, echo, the fault
    assert units["182-van-lang"]["error"]["cell"] == 4, "the failing cell is named"
    assert "injected fault" in units["182-van-lang"]["error"]["evalue"]
    assert "Nowhere" in units["184-van-quan"]["error"]["evalue"]
    executed = nbformat.read(out / "notebooks" / "182-van-lang.ipynb", as_version=4)
    assert any(
        o.get("output_type") == "error" for c in executed.cells for o in c.get("outputs", [])
    )
    _assert_clean(out, ok=["185-bac-son"], failed=expected)
    if Path("/proc/self/cwd").exists():
        assert _kernels_in(out) == [], "no kernel outlives the batch (the hung one included)"

    # --resume: only the five failed units run, now with a working notebook
    swap.clear()
    swap["*"] = stubs["good"]
    assert _batch(out, panel_file, cache_dir, districts, "--workers", "2", "--resume") == 0
    manifest, units = _units(out)
    assert manifest["summary"] == {"ok": 5, "skipped": 1, "failed": 0, "pending": 0}
    assert units["185-bac-son"].get("reused_in_run") == manifest["run_id"]
    assert all(units[uid]["run_id"] == manifest["run_id"] for uid in expected)
    _assert_clean(out, ok=list(units), failed=[])
    assert "Units that failed" not in (out / "index.html").read_text(encoding="utf-8")
    assert "Đơn vị chạy lỗi" not in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_an_output_folder_that_becomes_unwritable(
    panel_file, cache_dir, stubs, swap, tmp_path, monkeypatch, capsys
):
    """After the first unit is published, results/ can no longer be written to (a real
    chmod; as root, which ignores permissions, the same EACCES from the rename)."""
    out = tmp_path / "reports"
    swap["*"] = stubs["good"]
    results = out / "results"
    real_replace = os.replace
    published = []

    def replace(src, dst, *args, **kwargs):
        if Path(dst).parent == results and published and os.geteuid() == 0:
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        real_replace(src, dst, *args, **kwargs)
        if Path(dst).parent == results:
            published.append(dst)
            if os.geteuid() != 0:
                results.chmod(0o555)

    monkeypatch.setattr(os, "replace", replace)
    try:
        code = _batch(out, panel_file, cache_dir, ["Tràng Định", "Văn Lãng"], "--workers", "1")
    finally:
        results.chmod(0o755)
        monkeypatch.setattr(os, "replace", real_replace)
    assert code == EXIT_FAILED
    _, units = _units(out)
    assert units["180-trang-dinh"]["status"] == "ok"
    error = units["182-van-lang"]["error"]
    assert error["ename"] == "PermissionError" and error["stage"] == "publish", error
    assert "results/182-van-lang.json" in error["evalue"], "the path that failed is named"
    assert "PermissionError" in (out / "index.html").read_text(encoding="utf-8")
    assert "182-van-lang" in capsys.readouterr().err
    _assert_clean(out, ok=["180-trang-dinh"], failed=["182-van-lang"])

    argv = ["Tràng Định", "Văn Lãng"]
    assert _batch(out, panel_file, cache_dir, argv, "--workers", "1", "--resume") == 0
    manifest, units = _units(out)
    assert manifest["summary"]["ok"] == 1 and manifest["summary"]["skipped"] == 1
    _assert_clean(out, ok=list(units), failed=[])


# --------------------------------------------------------------------------- worker processes


def _task(tmp_path, timeout=1):
    staging, out = tmp_path / "staging", tmp_path / "out"
    staging.mkdir()
    return {
        "id": "u",
        "code": 180,
        "staging": str(staging),
        "out": str(out),
        "timeout": timeout,
        "parameters": {"results_path": str(staging / "u.json")},
    }


def test_a_worker_that_outlives_its_deadline_is_killed(tmp_path, monkeypatch):
    stubborn = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"
    monkeypatch.setattr(executor, "WORKER_COMMAND", [sys.executable, "-c", stubborn])
    monkeypatch.setattr(executor, "KILL_GRACE", 0.5)
    monkeypatch.setattr(executor, "TERM_GRACE", 0.5)
    task = _task(tmp_path)
    # outputs of an earlier run must not pass for this one's
    (tmp_path / "out" / "results").mkdir(parents=True)
    (tmp_path / "out" / "u.html").write_text("old", encoding="utf-8")
    (tmp_path / "out" / "results" / "u.json").write_text("{}", encoding="utf-8")
    started = time.monotonic()
    result = executor.run_unit(task)
    assert time.monotonic() - started < 10
    assert result["status"] == "failed" and result["error"]["ename"] == "Timeout"
    assert result["outputs"] == {"notebook": None, "html": None, "results": None, "pdf": None}
    assert not (tmp_path / "out" / "u.html").exists()
    assert not (tmp_path / "out" / "results" / "u.json").exists()
    assert not executor._LIVE, "no worker left running"


def test_a_worker_that_dies_is_reported(tmp_path, monkeypatch):
    dying = "import sys; print('worker: out of memory', file=sys.stderr); sys.exit(3)"
    monkeypatch.setattr(executor, "WORKER_COMMAND", [sys.executable, "-c", dying])
    result = executor.run_unit(_task(tmp_path, timeout=30))
    error = result["error"]
    assert error["ename"] == "WorkerDied" and "exited with code 3" in error["evalue"]
    assert "out of memory" in error["evalue"], "its last words are shown"


# --------------------------------------------------------------------------- parameter injection


MARKER = "NTM_INJECTION_MARKER"


def _payload(short: bool = False) -> str:
    """Text that creates the file named by $NTM_INJECTION_MARKER if it is ever run as Python,
    whatever the quoting; ``short``: one that fits in a file name (no "/", < 255 bytes)."""
    code = f"open(__import__('os').environ['{MARKER}'], 'w')"
    if short:
        return f'x"; {code}; "\'\n{code}\\'
    return f'x"; {code}; "\'; {code}; \'\n{code}\n"""; {code}; """\\'


def test_unsafe_names_are_refused_before_any_kernel(panel_file, tmp_path, monkeypatch):
    monkeypatch.setattr(executor, "run_unit", lambda *a, **k: pytest.fail("a unit ran"))
    marker = tmp_path / "executed"
    monkeypatch.setenv(MARKER, str(marker))
    payload = _payload()
    with pytest.raises(ParameterError, match="unknown district"):
        run_batch(tmp_path / "a", data=panel_file, districts=[payload], **RUN)
    with pytest.raises(ParameterError, match="not found"):
        run_batch(tmp_path / "b", data=payload, **RUN)
    with pytest.raises(ParameterError, match="not found"):
        run_batch(tmp_path / "c", data=panel_file, units=payload, **RUN)
    with pytest.raises(ParameterError, match="district_targets: unknown district"):
        run_batch(tmp_path / "d", data=panel_file, district_targets={payload: 2}, **RUN)
    assert not marker.exists()
    assert not any((tmp_path / n).exists() for n in "abcd")


def test_injected_parameters_must_read_back_as_the_same_values(monkeypatch):
    values = {"district": 'a"b\nc', "scenario": {"name": "x'\"\\"}, "draws": 5, "as_of": None}
    assert params.injection_problems(values) == []
    from papermill.translators import PythonTranslator

    # a translator that quoted naively would let a value run as code: that is refused
    monkeypatch.setattr(PythonTranslator, "translate_str", classmethod(lambda c, v: f'"{v}"'))
    problems = params.injection_problems({"district": 'x"; import os; "'})
    assert problems and "as code" in problems[0].render("en")
    assert params.injection_problems({"district": 'a"b'}), "not the same value: refused"


@pytest.mark.slow
def test_unsafe_values_reach_the_notebook_as_inert_strings(
    panel_file, cache_dir, stubs, swap, tmp_path, monkeypatch
):
    marker = tmp_path / "executed"
    monkeypatch.setenv(MARKER, str(marker))  # inherited by the workers and their kernels
    payload = _payload()
    folder = tmp_path / f"data {_payload(short=True)}"
    folder.mkdir()
    data = folder / "panel.csv"
    data.write_bytes(panel_file.read_bytes())
    scenario = {"name": payload, "criterion_odds": {"10": 1.5}}
    swap["*"] = stubs["good"]
    result = run_batch(
        tmp_path / "out",
        data=data,
        districts=["Tràng Định"],
        province=False,
        scenario=scenario,
        cache_dir=cache_dir,
        **RUN,
    )
    assert result.exit_code == 0, result.failed
    assert not marker.exists(), "nothing was executed"
    received = json.loads((tmp_path / "out" / "results" / "180-trang-dinh.json").read_text())[
        "received"
    ]
    assert received["data_path"] == str(data)
    assert received["scenario"] == scenario
    assert received["district"] == "Huyện Tràng Định", "the registry's name, not user text"


# --------------------------------------------------------------------------- two batches at once


def test_a_second_batch_on_a_locked_folder_stops_at_once(panel_file, tmp_path, capsys):
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from ntm_analysis.batch.lock import output_lock\n"
            f"with output_lock({str(out)!r}, 'run-of-the-other'):\n"
            "    print('locked', flush=True)\n"
            "    time.sleep(600)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        argv = ["batch", "--out", str(out), "--data", str(panel_file), *CLI]
        assert cli.main(argv) == cli.EXIT_DATA_ERROR  # in Vietnamese, the default
        message = capsys.readouterr().err
        assert "một lượt chạy ntm batch khác" in message and "run-of-the-other" in message
        assert f"tiến trình {holder.pid}, lượt chạy run-of-the-other" in message
        assert cli.main([*argv, "--lang", "en"]) == cli.EXIT_DATA_ERROR
        message = capsys.readouterr().err
        assert "another ntm batch" in message and "run-of-the-other" in message
        assert f"process {holder.pid}" in message
    finally:
        holder.send_signal(signal.SIGKILL)  # dies without cleaning up: the lock goes with it
        holder.wait()
    with output_lock(out, "mine"):
        assert "run mine" in (out / ".lock").read_text(encoding="utf-8")


@pytest.mark.slow
def test_two_batches_at_once_do_not_corrupt_each_other(
    panel_file, cache_dir, stubs, swap, tmp_path, capsys
):
    out = tmp_path / "out"
    swap["*"] = stubs["good"]
    outcome = {}

    def first():
        outcome["result"] = run_batch(
            out,
            data=panel_file,
            districts=["Tràng Định"],
            province=False,
            cache_dir=cache_dir,
            **RUN,
        )

    thread = threading.Thread(target=first)
    thread.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if "run " in (out / ".lock").read_text(encoding="utf-8"):
                break
        time.sleep(0.05)
    second = ["batch", "--out", str(out), "--data", str(panel_file), "--no-province", *CLI]
    assert cli.main([*second, "--districts", "Văn Lãng"]) == cli.EXIT_DATA_ERROR
    thread.join(120)
    result = outcome["result"]
    assert result.exit_code == 0, result.failed
    assert result.run_id in capsys.readouterr().err, "the message names the run holding it"
    manifest, units = _units(out)
    assert manifest["run_id"] == result.run_id and set(units) == {"180-trang-dinh"}
    _assert_clean(out, ok=["180-trang-dinh"], failed=[])
