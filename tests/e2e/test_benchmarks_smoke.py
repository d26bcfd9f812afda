"""The benchmark suite still runs and prints every row of its table.

Quick mode of the pure-Python sections (forecast engine, scale, load: no notebooks or
kernels), in a subprocess so that its thread pinning applies before numpy loads (about 10 s
on an idle 2-core machine). Timings are never checked: benchmarks are not part of the
suite's pass/fail, only whether they run and report every row.
"""

from __future__ import annotations

import json
import subprocess
import sys

from locations import REPO

ROOT = REPO
SECTIONS = ("forecast", "scale", "load")


def _expected_ids() -> list[str]:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from benchmarks.__main__ import expected_ids; "
            f"print('\\n'.join(expected_ids(True, {SECTIONS!r})))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def test_quick_benchmarks_print_every_row(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--quick",
            "--only",
            ",".join(SECTIONS),
            "--json",
            str(tmp_path / "rows.json"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("id "))
    printed = [line.split()[0] for line in lines[header + 2 :] if line[:1].isalpha()]
    expected = _expected_ids()
    assert expected, "no rows expected: expected_ids is broken"
    missing = [row for row in expected if row not in printed]
    assert not missing, f"rows missing from the table: {missing}\n{done.stdout}"
    assert lines[0].startswith("machine:"), "the table must start with the machine description"
    # every row has its figure and the reference it is divided by
    rows = json.loads((tmp_path / "rows.json").read_text(encoding="utf-8"))["rows"]
    incomplete = [r["id"] for r in rows if r["seconds"] is None or not r["ref_seconds"]]
    assert not incomplete, f"rows without a figure or a reference: {incomplete}"
