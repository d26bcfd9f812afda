"""batch/kernel.py: a worker's kernel reused from unit to unit is reset to what a fresh kernel
would give the next notebook, and replaced after a failure or its death."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from ntm_analysis.batch.kernel import KeptKernel
from ntm_analysis.core.params import KERNEL_NAME

pytestmark = pytest.mark.slow

# a unit that changes everything a notebook commonly changes
MESSY = """
import os, matplotlib, matplotlib.pyplot as plt
left_behind = 42
os.environ["NTM_LEFT_BEHIND"] = "1"
os.makedirs("elsewhere", exist_ok=True)
os.chdir("elsewhere")
matplotlib.rcParams["lines.linewidth"] = 9.5
plt.figure()
"""
# what the next unit sees, written to a JSON file named by the parameter
LOOK = """
import json, os, sys, matplotlib
plt = sys.modules.get("matplotlib.pyplot")
seen = {
    "left_behind": "left_behind" in globals(),
    "env": os.environ.get("NTM_LEFT_BEHIND"),
    "cwd": os.getcwd(),
    "linewidth": matplotlib.rcParams["lines.linewidth"],
    "figures": len(plt.get_fignums()) if plt else 0,
    "pid": os.getpid(),
}
with open(out_path, "w") as f:
    json.dump(seen, f)
"""


def _notebook(folder: Path, name: str, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell('out_path = ""', metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def _run(kept: KeptKernel, folder: Path, notebook: Path, out: Path | None = None) -> dict:
    """One unit as the worker runs it; the executed notebook and what LOOK saw, if asked."""
    ok = True
    try:
        executed = pm.execute_notebook(
            str(notebook),
            str(folder / f"run-{notebook.name}"),
            parameters={"out_path": str(out or "")},
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            km=kept.manager(KERNEL_NAME, folder),
            cwd=str(folder),
        )
    except Exception:
        ok, executed = False, None
    kept.finished(ok)
    seen = __import__("json").loads(out.read_text()) if out and out.exists() else {}
    return {"ok": ok, "nb": executed, **seen}


@pytest.fixture
def kept(tmp_path):
    kernel = KeptKernel(tmp_path / "kernel.log")
    yield kernel
    kernel.close()


def test_the_next_unit_sees_a_fresh_namespace_in_the_same_process(kept, tmp_path):
    messy = _notebook(tmp_path, "messy", MESSY)
    look = _notebook(tmp_path, "look", LOOK)
    fresh = _run(kept, tmp_path, look, tmp_path / "fresh.json")
    assert _run(kept, tmp_path, messy)["ok"]
    after = _run(kept, tmp_path, look, tmp_path / "after.json")
    assert after["pid"] == fresh["pid"], "the kernel was reused (the point of it)"
    for key in ("left_behind", "env", "cwd", "linewidth", "figures"):
        assert after[key] == fresh[key], key
    assert after["cwd"] == str(tmp_path)
    # cell numbers as in a fresh kernel: error messages quote them
    counts = [c.execution_count for c in after["nb"].cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), counts


def test_a_failed_unit_gets_no_successor_in_its_kernel(kept, tmp_path):
    look = _notebook(tmp_path, "look", LOOK)
    first = _run(kept, tmp_path, look, tmp_path / "first.json")
    assert not _run(kept, tmp_path, _notebook(tmp_path, "raises", "raise RuntimeError('x')"))["ok"]
    after = _run(kept, tmp_path, look, tmp_path / "after.json")
    assert after["ok"] and after["pid"] != first["pid"]


def test_a_kernel_that_died_is_replaced(kept, tmp_path):
    look = _notebook(tmp_path, "look", LOOK)
    first = _run(kept, tmp_path, look, tmp_path / "first.json")
    dies = _notebook(tmp_path, "dies", "import os\nos._exit(1)")
    assert not _run(kept, tmp_path, dies)["ok"]
    after = _run(kept, tmp_path, look, tmp_path / "after.json")
    assert after["ok"] and after["pid"] != first["pid"]


def test_closing_stops_the_kernel_and_the_log_is_shared_out_per_unit(tmp_path):
    kept = KeptKernel(tmp_path / "kernel.log")
    look = _notebook(tmp_path, "look", LOOK)
    since = kept.log_size()
    pid = _run(kept, tmp_path, look, tmp_path / "seen.json")["pid"]
    # what the kernel process itself printed (not cell output) goes to its log
    chatter = _notebook(tmp_path, "chatter", "import os\nos.write(2, b'kernel says hi\\n')")
    since = kept.log_size()
    assert _run(kept, tmp_path, chatter)["ok"]
    kept.copy_log(since, tmp_path / "unit.log")
    assert "kernel says hi" in (tmp_path / "unit.log").read_text()
    kept.close()
    with pytest.raises(ProcessLookupError):
        for _ in range(50):  # a zombie may linger an instant
            os.kill(pid, 0)
            __import__("time").sleep(0.1)


# a unit leaves a reference cycle behind, watched through a weak reference kept where the
# reset does not reach (a module attribute); the next unit collects and reports what is left
CYCLE = """
import sys, weakref
class Node:
    pass
a, b = Node(), Node()
a.other, b.other = b, a
sys.ntm_test_cycle = weakref.ref(a)
"""
GC_LOOK = """
import gc, json, sys
gc.collect()
with open(out_path, "w") as f:
    json.dump({"frozen": gc.get_freeze_count(), "cycle_alive": sys.ntm_test_cycle() is not None}, f)
"""


def test_the_kept_kernel_sets_its_start_aside_from_the_collector_and_still_frees_units(
    kept, tmp_path
):
    # warm() freezes what the kernel holds after its imports (a full collection then walks
    # only what units made); what a unit made must stay collectable
    assert _run(kept, tmp_path, _notebook(tmp_path, "cycle", CYCLE))["ok"]
    seen = _run(kept, tmp_path, _notebook(tmp_path, "gc_look", GC_LOOK), tmp_path / "gc.json")
    assert seen["ok"]
    assert seen["frozen"] > 10_000, "the library's objects are frozen after the warm-up"
    assert seen["cycle_alive"] is False, "the previous unit's cycle is collectable"


# a unit that renders the province's reliability diagram as a report does, and says what it
# drew (texts) and what it got (the PNG's hash)
DIAGRAM = """
import hashlib, json, os
import pandas as pd
from matplotlib.text import Text
from ntm_analysis.report import plots
bins = pd.DataFrame({
    "bin": ["(-0.001, 0.1]", *(f"({k / 10}, {(k + 1) / 10}]" for k in range(1, 10))],
    "n": [1119, 20, 22, 7, 13, 8, 7, 6, 22, 18],
    "predicted": [0.004, 0.141, 0.253, 0.366, 0.453, 0.568, 0.644, 0.758, 0.868, 0.926],
    "observed": [0.003, 0.25, 0.545, 1.0, 0.923, 0.875, 1.0, 0.833, 1.0, 0.944],
})
drawn, draw = [], Text.draw
Text.draw = lambda text, renderer: (drawn.append(1), draw(text, renderer))[1]
png = plots.fig_to_png_bytes(plots.reliability_diagram(bins, "vi"), dpi=40)
Text.draw = draw
with open(out_path, "w") as f:
    json.dump({"drawn": len(drawn), "png": hashlib.sha256(png).hexdigest(), "pid": os.getpid()}, f)
"""


def test_a_kept_kernel_draws_the_chart_every_unit_draws_the_same_once(kept, tmp_path):
    # warm() switches plots.reuse_renderings on: the reset between units keeps the PNG
    diagram = _notebook(tmp_path, "diagram", DIAGRAM)
    first = _run(kept, tmp_path, diagram, tmp_path / "first.json")
    second = _run(kept, tmp_path, diagram, tmp_path / "second.json")
    assert first["ok"] and second["ok"] and second["pid"] == first["pid"]
    assert first["drawn"] > 20 and second["drawn"] == 0
    assert second["png"] == first["png"]
