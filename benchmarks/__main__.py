"""``python -m benchmarks [--quick]``: time and memory of the forecast engine against its floor.

Every figure is printed beside a reference measured in the same process, seconds apart, so
the ratio means something on a noisy 2-core machine where absolute seconds do not. The
floor of a simulation is drawing the same number of uniform random numbers with numpy: the
engine needs one per commune, criterion and year, and cannot do less.
"""

from __future__ import annotations

import argparse
import platform
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

from ntm_analysis.criteria import N_CRITERIA
from ntm_analysis.forecast import CELLS_PER_CHUNK, simulate
from ntm_analysis.model import fit
from ntm_analysis.synthetic import simulate_panel


def measure(func: Callable[[], object], repeat: int = 3) -> tuple[float, float]:
    """Best wall time of ``repeat`` runs (seconds) and peak traced memory (MB) of one run."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return best, peak


def draw_uniforms(n: int) -> None:
    """The floor: ``n`` float64 uniforms from numpy, in the engine's chunk size (so the floor
    is not charged for one giant allocation the engine never makes)."""
    rng = np.random.default_rng(0)
    for start in range(0, n, CELLS_PER_CHUNK):
        rng.random(min(CELLS_PER_CHUNK, n - start))


def forecast_rows(draws: int, scales: list[int]) -> list[tuple[str, float, float, float, float]]:
    rows = []
    for scale in scales:
        panel = (
            simulate_panel(seed=1)
            if scale == 1
            else simulate_panel(
                seed=1, communes_per_district={c: n * scale for c, n in _counts().items()}
            )
        )
        model = fit(panel)
        n_communes = len(panel.communes)
        years = 2020 - panel.last_year
        n_uniform = draws * n_communes * N_CRITERIA * years
        floor_s, floor_mb = measure(lambda n=n_uniform: draw_uniforms(n))
        sim_s, sim_mb = measure(lambda p=panel, m=model: simulate(p, m, 2020, draws, seed=1))
        label = f"forecast {n_communes} communes × {draws} draws × {years} years"
        rows.append((label, sim_s, floor_s, sim_mb, floor_mb))
    return rows


def _counts() -> dict[int, int]:
    from ntm_analysis.communes import Registry

    districts = Registry.from_csv().districts
    return dict(zip(districts["district_code"], districts["n_communes"], strict=True))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    args = parser.parse_args(argv)
    draws = 1000 if args.quick else 10_000
    scales = [1] if args.quick else [1, 4]
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, numpy {np.__version__}"
    )
    columns = ("seconds", "floor s", "ratio", "peak MB", "floor MB")
    header = f"{'benchmark':58} " + " ".join(f"{c:>8}" for c in columns)
    print(header)
    print("-" * len(header))
    for label, sec, floor_s, mb, floor_mb in forecast_rows(draws, scales):
        print(
            f"{label:58} {sec:8.2f} {floor_s:8.2f} {sec / floor_s:8.2f} {mb:8.0f} {floor_mb:8.0f}"
        )


if __name__ == "__main__":
    main()
