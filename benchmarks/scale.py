"""Section 3: how the forecast grows with communes and draws, up to a national panel.

Panels come from the project's generator (``synthetic.simulate_panel``), 2011–2016, forecast
to 2020 at 2,000 draws:

- 1×, 4×, 16×: the Lạng Sơn registry with every district's commune count multiplied
  (207, 828, 3,312 communes in 11 districts);
- national: a synthetic units file written to a temporary folder, 63 provinces × 11 districts
  = 693 districts with 8,000 communes. ``Registry`` holds one province, so the nation is
  treated as **one "province" of 693 districts** (district effects are estimated across all
  693, as a national model would);
- draws: the 1× panel at 4× the draws, for linearity in draws.

For each size the fit (``model.fit``: the gain and loss GLMMs of the trend and no-trend
fits and the held-out refits that weight them) is timed separately from the simulation; the
CPU time (``time.process_time``, this process only: one BLAS thread) of the best run of each
is in the notes, steadier than wall time on a shared machine. Rows:

- ``scale.sim.*``: the simulation against its floor (as many float64 uniforms);
- ``scale.lin.*``: the simulation against the 1× simulation times the growth in
  communes × draws — 1.00 is exactly linear, below 1 fixed costs being amortised;
- ``scale.fit.*``: the fit against the simulation of the same panel (above 1: the fit
  dominates the forecast);
- ``scale.national``: fit + simulation of the national panel (the goal: ≤ 30 s, ≤ 4 GB);
  its peak is the larger of the fit's and the simulation's.
"""

from __future__ import annotations

import csv
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .common import Row, interleaved, probe

TARGET_YEAR = 2020
N_PROVINCES, DISTRICTS_PER_PROVINCE, NATIONAL_COMMUNES = 63, 11, 8000
GOAL_SECONDS, GOAL_MB = 30.0, 4096.0


@dataclass(frozen=True)
class Size:
    key: str  # "1x", "4x", "16x", "national", "draws"
    factor: int | None  # multiple of Lạng Sơn's communes; None: the national registry
    draws: int
    # national registry: districts per province, communes in all (quick mode: a small one)
    national: tuple[int, int] = (DISTRICTS_PER_PROVINCE, NATIONAL_COMMUNES)


def sizes(quick: bool) -> list[Size]:
    if quick:  # a smoke run: the same rows, small sizes (63 districts of 3 communes)
        return [
            Size("1x", 1, 100),
            Size("4x", 4, 100),
            Size("national", None, 100, national=(1, 189)),
            Size("draws", 1, 400),
        ]
    return [
        Size("1x", 1, 2000),
        Size("4x", 4, 2000),
        Size("16x", 16, 2000),
        Size("national", None, 2000),
        Size("draws", 1, 8000),
    ]


def national_units(
    folder: Path,
    districts_per_province: int = DISTRICTS_PER_PROVINCE,
    communes: int = NATIONAL_COMMUNES,
) -> Path:
    """A units file in ``read_registry`` format: one "province" of 63 × 11 districts."""
    n = N_PROVINCES * districts_per_province
    path = folder / "units_national_synthetic.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "province_code",
                "province_name",
                "district_code",
                "district_name",
                "district_type",
                "short",
                "n_communes",
            ]
        )
        for i in range(n):
            province = i // districts_per_province + 1
            out.writerow(
                [
                    0,
                    "Việt Nam (tổng hợp, 63 tỉnh)",
                    101 + i,
                    f"Huyện {province:02d}-{i % districts_per_province + 1:02d}",
                    "Huyện",
                    f"H{i + 1:03d}",
                    communes // n + (1 if i < communes % n else 0),
                ]
            )
    return path


def build_panel(size: Size, folder: Path) -> Any:
    from ntm_analysis.io.reference import read_registry
    from ntm_analysis.model.synthetic import simulate_panel

    if size.factor is None:
        registry = read_registry(national_units(folder, *size.national))
        return simulate_panel(registry=registry, seed=1)
    registry = read_registry()
    counts = dict(
        zip(registry.districts["district_code"], registry.districts["n_communes"], strict=True)
    )
    return simulate_panel(
        seed=1, communes_per_district={c: int(n) * size.factor for c, n in counts.items()}
    )


def n_cells(panel: Any, n_draws: int) -> int:
    from ntm_analysis.core.criteria import N_CRITERIA

    return n_draws * len(panel.communes) * N_CRITERIA * (TARGET_YEAR - panel.last_year)


def cases(size: dict[str, Any]) -> dict[str, Callable[[], object]]:
    """Probe setup: the panel only; "fit" must run before "simulate" (which uses its model)."""
    from ntm_analysis.model.forecast import simulate
    from ntm_analysis.model.transitions import fit

    from .forecast import floor

    spec = Size(**{**size, "national": tuple(size["national"])})
    with tempfile.TemporaryDirectory(prefix="ntm-bench-scale-") as folder:
        panel = build_panel(spec, Path(folder))
    held: dict[str, Any] = {}

    def do_fit() -> None:
        held["model"] = fit(panel)

    return {
        "fit": do_fit,
        "simulate": lambda: simulate(panel, held["model"], TARGET_YEAR, spec.draws, seed=1),
        "floor64": floor(n_cells(panel, spec.draws), "float64"),
    }


def _cpu(call: Callable[[], object], into: dict[str, float], key: str) -> Callable[[], None]:
    """``call``, keeping its least CPU time (s) in ``into[key]``."""

    def run() -> None:
        start = time.process_time()
        call()
        into[key] = min(into.get(key, float("inf")), time.process_time() - start)

    return run


def rows(quick: bool) -> list[Row]:
    from ntm_analysis.model.forecast import simulate
    from ntm_analysis.model.transitions import fit

    from .forecast import floor

    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="ntm-bench-scale-") as tmp:
        for size in sizes(quick):
            panel = build_panel(size, Path(tmp))
            big = size.key == "national" and not quick
            models: list[Any] = []
            cpu: dict[str, float] = {}
            if size.key == "draws":  # the 1x panel again: its fit is already measured
                models.append(fit(panel))
                fit_s = results["1x"]["fit"]
            else:
                fit_s = interleaved(
                    {"fit": _cpu(lambda p=panel, kept=models: kept.append(fit(p)), cpu, "fit")},
                    repeat=1 if big or quick else 3,
                    warmup=not (big or quick),
                )["fit"]
            model = models[-1]
            models.clear()
            cells = n_cells(panel, size.draws)
            best = interleaved(
                {
                    "simulate": _cpu(
                        lambda p=panel, m=model, d=size.draws: simulate(
                            p, m, TARGET_YEAR, d, seed=1
                        ),
                        cpu,
                        "simulate",
                    ),
                    "floor64": floor(cells, "float64"),
                },
                repeat=1 if quick else 2 if big else 3,
                warmup=not (big or quick),
            )
            memory = probe(
                "benchmarks.scale:cases",
                {"size": asdict(size)},
                best_order(),
                isolated=not quick,
            )
            results[size.key] = {
                "communes": len(panel.communes),
                "districts": len(panel.district_codes),
                "draws": size.draws,
                "cells": cells,
                "fit": fit_s,
                **best,
                "memory": memory,
                "cpu": cpu,
            }
            del panel, model
    return _rows(results, quick)


def best_order() -> list[str]:
    return ["fit", "simulate", "floor64"]


def _rows(results: dict[str, dict[str, Any]], quick: bool) -> list[Row]:
    out: list[Row] = []
    one = results["1x"]

    def what(r: dict[str, Any]) -> str:
        return f"{r['communes']} communes, {r['districts']} districts, {r['draws']} draws"

    for key, r in results.items():
        mem = r["memory"]
        out.append(
            Row(
                id=f"scale.sim.{key}",
                label=f"simulate: {what(r)}",
                seconds=r["simulate"],
                ref_label=f"{r['cells'] / 1e6:.0f}M uniforms, float64",
                ref_seconds=r["floor64"],
                peak_mb=mem["simulate"]["rss_mb"],
                ref_mb=mem["floor64"]["rss_mb"],
            )
        )
    for key, r in results.items():
        if key == "1x":
            continue
        growth = r["cells"] / one["cells"]
        out.append(
            Row(
                id=f"scale.lin.{key}",
                label=f"simulate: {what(r)}",
                seconds=r["simulate"],
                ref_label=f"1× simulate × {growth:.1f} (linear)",
                ref_seconds=one["simulate"] * growth,
                peak_mb=r["memory"]["simulate"]["rss_mb"],
                ref_mb=one["memory"]["simulate"]["rss_mb"],  # chunked: should not grow
            )
        )
    for key, r in results.items():
        if key == "draws":  # the same panel as 1x: the same fit
            continue
        out.append(
            Row(
                id=f"scale.fit.{key}",
                label=f"fit: {r['communes']} communes, {r['districts']} districts",
                seconds=r["fit"],
                ref_label=f"simulate, same panel, {r['draws']} draws",
                ref_seconds=r["simulate"],
                peak_mb=r["memory"]["fit"]["rss_mb"],
                ref_mb=r["memory"]["simulate"]["rss_mb"],
                notes=[
                    f"fit grows ×{r['fit'] / one['fit']:.1f} for "
                    f"×{r['communes'] / one['communes']:.1f} communes (CPU: fit "
                    f"{r['cpu'].get('fit', float('nan')):.2f} s, simulate "
                    f"{r['cpu']['simulate']:.2f} s)"
                ],
            )
        )
    r = results["national"]
    total = r["fit"] + r["simulate"]
    peak = max(r["memory"]["fit"]["rss_mb"], r["memory"]["simulate"]["rss_mb"])
    out.append(
        Row(
            id="scale.national",
            label=f"forecast = fit + simulate: {what(r)}",
            seconds=total,
            ref_label=f"{r['cells'] / 1e6:.0f}M uniforms, float64",
            ref_seconds=r["floor64"],
            peak_mb=peak,
            ref_mb=r["memory"]["floor64"]["rss_mb"],
            goal=f"≤ {GOAL_SECONDS:g} s, ≤ {GOAL_MB / 1024:g} GB",
            met=None if quick else bool(total <= GOAL_SECONDS and peak <= GOAL_MB),
            notes=[
                f"CPU: fit {r['cpu']['fit']:.2f} s + simulate {r['cpu']['simulate']:.2f} s = "
                f"{r['cpu']['fit'] + r['cpu']['simulate']:.2f} s"
            ],
        )
    )
    return out


def expected_ids(quick: bool) -> list[str]:
    keys = [s.key for s in sizes(quick)]
    return (
        [f"scale.sim.{k}" for k in keys]
        + [f"scale.lin.{k}" for k in keys if k != "1x"]
        + [f"scale.fit.{k}" for k in keys if k != "draws"]
        + ["scale.national"]
    )
