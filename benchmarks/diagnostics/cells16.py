"""A batch's report cells run in one process, their CPU by cell (issue 17, session 16).

What the kernels of a warm ``ntm batch`` spend beyond their warm-up, without the batch's
processes: the analysis file made as the batch's parent makes it (``cached_analysis(...,
baseline_fits=True)``: the units' baselines and the model's coefficient table in it, which
``layout14``'s cache lacks), one ``kernel.warm()``, then every code cell of the 12 units'
notebooks (2,000 draws) with each cell's value rendered as a kernel displays it
(``benchmarks.batch._render``: figures to PNG, tables to HTML). Each cell's CPU
(``time.process_time``) is split into building the value and rendering it, summed over the
units, per rep; the garbage collector's share is reported apart.

``--kernels N`` splits the units into N runs of consecutive units, each starting as a new
kernel's would: with nothing kept from the previous units (``plots.reuse_renderings``, when
the tree has it). ``--pngs DIR`` writes every PNG rendered, numbered in order (with ``--reps 1``),
to compare two trees' charts; ``--profile FILE`` writes a cProfile of the cells. Usage::

    python -m benchmarks.diagnostics.cells16 --work /tmp/cells16/main --reps 2 --json out.json
"""

from __future__ import annotations

import argparse
import ast
import cProfile
import dataclasses
import gc
import json
import time
from pathlib import Path
from typing import Any


def batch_cache(work: Path, params: dict[str, Any]) -> Path:
    """The analysis file as the batch's parent makes it, under ``work`` (reused while this
    tree's code is unchanged: its key holds the code's fingerprint)."""
    from ntm_analysis.analysis.analyse import cached_analysis, load_inputs, read
    from ntm_analysis.core.config import RunConfig

    names = {f.name for f in dataclasses.fields(RunConfig)}
    skip = ("forecast_cache", "results_path")
    config = RunConfig(**{k: v for k, v in params.items() if k in names and k not in skip})
    run = read(config, inputs=load_inputs(config))
    path, _ = cached_analysis(run, work / "cache", baseline_fits=True)
    return path


class GCTime:
    """CPU spent in the garbage collector, and its full collections, since the last ``take``."""

    def __init__(self) -> None:
        self.cpu, self.full, self._start = 0.0, 0, 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._start = time.process_time()
        else:
            self.cpu += time.process_time() - self._start
            self.full += info["generation"] == 2

    def take(self) -> tuple[float, int]:
        taken, self.cpu, self.full = (self.cpu, self.full), 0.0, 0
        return taken


def _keep_pngs(folder: Path) -> None:
    """Every PNG ``plots.fig_to_png_bytes`` returns is also written to ``folder``."""
    from ntm_analysis.report import plots

    real = plots.fig_to_png_bytes
    folder.mkdir(parents=True, exist_ok=True)
    count = [0]

    def keeping(fig: Any, dpi: int = 150) -> bytes:
        png = real(fig, dpi)
        count[0] += 1
        (folder / f"{count[0]:03d}.png").write_bytes(png)
        return png

    plots.fig_to_png_bytes = keeping


def _new_kernel() -> None:
    from ntm_analysis.report import plots

    if hasattr(plots, "reuse_renderings"):  # a tree before session 16 keeps nothing
        plots.reuse_renderings()


def run_cells(
    work: Path, langs: list[str], reps: int, kernels: int, profile: cProfile.Profile | None
) -> list[dict[str, Any]]:
    """Each rep's CPU by cell: {cell: [build, render]}, summed over the units."""
    from benchmarks.batch import _code_cells, _plan, _render
    from ntm_analysis.core import params as schema

    units, params = _plan({"draws": 2000, "out": str(work / "results")})
    (work / "results").mkdir(parents=True, exist_ok=True)
    cache = batch_cache(work, params[units[0].id])
    per_kernel = -(-len(units) // max(kernels, 1))
    collector = GCTime()
    out = []
    for rep in range(reps):
        cells: dict[str, list[float]] = {}
        collector.take()
        for lang in langs:
            for i, unit in enumerate(units):
                if i % per_kernel == 0:
                    _new_kernel()
                namespace = dict(params[unit.id], forecast_cache=str(cache), lang=lang)
                for source in _code_cells(Path(schema.NOTEBOOKS[unit.kind])):
                    name = source.split("(")[0].split("=")[-1].strip()
                    tree = ast.parse(source)
                    last = tree.body.pop() if isinstance(tree.body[-1], ast.Expr) else None
                    if profile is not None:
                        profile.enable()
                    t0 = time.process_time()
                    exec(compile(tree, "<cell>", "exec"), namespace)
                    value = None
                    if last is not None:
                        value = eval(
                            compile(ast.Expression(last.value), "<cell>", "eval"), namespace
                        )
                    t1 = time.process_time()
                    _render(value)
                    t2 = time.process_time()
                    if profile is not None:
                        profile.disable()
                    build, render = cells.setdefault(name, [0.0, 0.0])
                    cells[name] = [build + t1 - t0, render + t2 - t1]
        gc_cpu, full = collector.take()
        total = sum(b + r for b, r in cells.values())
        out.append({"rep": rep, "total": total, "gc": gc_cpu, "full_gc": full, "cells": cells})
        print(json.dumps({"rep": rep, "total": round(total, 2), "gc": round(gc_cpu, 2)}))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="cache and results folder")
    parser.add_argument("--langs", default="vi", help="comma-separated: vi,en")
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--kernels", type=int, default=2, help="the batch's workers")
    parser.add_argument("--json", type=Path, help="write the per-rep results here")
    parser.add_argument("--pngs", type=Path, help="write every rendered PNG here")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the cells here")
    args = parser.parse_args()
    import ntm_analysis
    from ntm_analysis.batch import kernel

    t0 = time.process_time()
    kernel.warm()
    warm = time.process_time() - t0
    if args.pngs:
        _keep_pngs(args.pngs)
    profile = cProfile.Profile() if args.profile else None
    reps = run_cells(args.work, args.langs.split(","), args.reps, args.kernels, profile)
    if profile is not None:
        profile.dump_stats(args.profile)
    print(json.dumps({"warm": round(warm, 2), "tree": ntm_analysis.__file__}))
    if args.json:
        args.json.write_text(json.dumps({"warm": warm, "reps": reps}, indent=1))


if __name__ == "__main__":
    main()
