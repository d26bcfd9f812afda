"""``python -m benchmarks [--quick]``: every figure beside a reference measured in the same run.

Sections (``--only`` picks some): ``forecast`` (the Monte Carlo engine against drawing its
random numbers), ``batch`` (``ntm batch`` against the same work in one process and against
running the notebooks one by one), ``scale`` (province to national size), ``load`` (a large
XLSX against ``pandas.read_excel``), ``explorer`` (a what-if slider update in a warm kernel
against the simulation it runs). ``--quick`` runs small sizes (a smoke run; goals are
only judged in the full run). See benchmarks/README.md for what each row measures.

The in-process rows run on one BLAS/OpenMP thread: the pools are pinned here, before numpy
is imported, and the memory probes inherit the setting. The batch rows run the ``ntm``
command with the caller's own environment.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback

from .common import pin_threads

SECTIONS = ("forecast", "batch", "scale", "load", "explorer")
PURE_PYTHON = ("forecast", "scale", "load", "explorer")  # no notebooks or kernels


def expected_ids(quick: bool, sections: tuple[str, ...] = SECTIONS) -> list[str]:
    """The row ids a run of ``sections`` prints (the smoke test checks them)."""
    ids: list[str] = []
    for name in sections:
        ids += importlib.import_module(f"benchmarks.{name}").expected_ids(quick)
    return ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections to run (default: all of {','.join(SECTIONS)})",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    parser.add_argument(
        "--record",
        action="store_true",
        help="write the table into benchmarks/README.md (full runs of every section only)",
    )
    args = parser.parse_args(argv)
    sections = tuple(s.strip() for s in args.only.split(",") if s.strip())
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {unknown}; choose from {list(SECTIONS)}")
    if args.record and (args.quick or set(sections) != set(SECTIONS)):
        parser.error("--record needs a full run of every section")

    pin_threads()
    from . import common

    head = common.machine_lines()
    head.append(
        f"mode: {'quick' if args.quick else 'full'}; sections: {', '.join(sections)}; "
        f"started {time.strftime('%Y-%m-%d %H:%M:%S %Z')}"
    )
    for line in head:
        print(line, flush=True)
    rows: list[common.Row] = []
    failed: list[str] = []
    started = time.perf_counter()
    for name in sections:
        section_start = time.perf_counter()
        print(f"[{name}] running… (load average {common.load_average()})", file=sys.stderr)
        module = importlib.import_module(f"benchmarks.{name}")
        try:
            rows += module.rows(args.quick)
        except Exception as exc:  # the other sections still run; the exit code says so
            traceback.print_exc()
            failed.append(name)
            rows += [
                common.Row(
                    id=row_id,
                    label=f"FAILED: {type(exc).__name__}: {exc}",
                    seconds=None,
                    ref_label="",
                    ref_seconds=None,
                )
                for row_id in module.expected_ids(args.quick)
            ]
        print(
            f"[{name}] done in {time.perf_counter() - section_start:.0f} s",
            file=sys.stderr,
            flush=True,
        )
    tail = [
        f"load average at end: {common.load_average()}; "
        f"whole run {time.perf_counter() - started:.0f} s"
    ]
    lines = common.table_lines(rows)
    notes = [f"  {r.id}: {note}" for r in rows for note in r.notes]
    print()
    print("\n".join(lines))
    if notes:
        print("notes:")
        print("\n".join(notes))
    print(tail[0])
    if args.json:
        common.to_json(rows, head + tail, args.json)
    if args.record:
        from .record import record

        if failed:
            print("not recorded: some sections failed", file=sys.stderr)
        else:
            record(head + tail, lines, notes)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
