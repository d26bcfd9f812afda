"""Section 1: the forecast engine against its floor.

The engine (``forecast.simulate``) needs one uniform random number per commune, criterion,
year and draw and cannot do with fewer; drawing exactly that many with numpy, in the engine's
chunk size, is the floor. The engine draws float32 uniforms (``rng.random(dtype=float32)``);
the table gives the ratio against both a float64 and a float32 floor, since which of the two
numpy draws faster depends on the machine (float32 halves the memory traffic but goes through
numpy's 32-bit buffering of PCG64's 64-bit outputs).

The panel is the bundled Lạng Sơn data (207 communes, 2011–2016); the model is fitted once,
outside the engine's timing; the forecast runs 2016 → 2020 (4 simulated years).

``forecast.fit`` times ``model.fit`` on the same panel (the trend and no-trend fits and the
held-out refits that weight them) against the same float64 floor, in the same run: with the
engine it is most of what ``ntm forecast`` does beyond imports, so the two ratios show where
the command's budget (issue 17: whole process ≤ 1.5× drawing the uniforms) goes.
"""

from __future__ import annotations

from collections.abc import Callable

from .common import Row, interleaved, probe

TARGET_YEAR = 2020
GOAL_SECONDS, GOAL_RATIO = 2.0, 3.0


def draws(quick: bool) -> int:
    return 500 if quick else 10_000


def floor(n: int, dtype: str) -> Callable[[], None]:
    """Draw ``n`` uniforms of ``dtype`` in the engine's chunk size (so the floor is not
    charged for one giant allocation the engine never makes)."""
    import numpy as np

    from ntm_analysis.model.forecast import CELLS_PER_CHUNK

    kind = np.dtype(dtype)

    def run() -> None:
        rng = np.random.default_rng(0)
        for start in range(0, n, CELLS_PER_CHUNK):
            rng.random(min(CELLS_PER_CHUNK, n - start), dtype=kind)

    return run


def cases(n_draws: int) -> dict[str, Callable[[], object]]:
    """Setup (outside any timing): the bundled panel, its fitted model; the calls to time."""
    from ntm_analysis.core.criteria import N_CRITERIA
    from ntm_analysis.io.load import load_panel
    from ntm_analysis.model.forecast import simulate
    from ntm_analysis.model.transitions import fit

    panel = load_panel()
    model = fit(panel)
    n_uniform = n_draws * len(panel.communes) * N_CRITERIA * (TARGET_YEAR - panel.last_year)
    return {
        "engine": lambda: simulate(panel, model, TARGET_YEAR, n_draws, seed=1),
        "fit": lambda: fit(panel),
        "floor64": floor(n_uniform, "float64"),
        "floor32": floor(n_uniform, "float32"),
    }


def rows(quick: bool) -> list[Row]:
    n_draws = draws(quick)
    from ntm_analysis.core.criteria import N_CRITERIA
    from ntm_analysis.io.load import load_panel

    panel = load_panel()
    n_communes, years = len(panel.communes), TARGET_YEAR - panel.last_year
    n_uniform = n_draws * n_communes * N_CRITERIA * years
    best = interleaved(cases(n_draws), repeat=1 if quick else 5, warmup=not quick)
    memory = probe(
        "benchmarks.forecast:cases", {"n_draws": n_draws}, best, traced=True, isolated=not quick
    )
    label = f"simulate: {n_draws} draws × {n_communes} communes × {years} years"
    out = []
    for dtype in ("64", "32"):
        ratio = best["engine"] / best[f"floor{dtype}"]
        out.append(
            Row(
                id=f"forecast.f{dtype}",
                label=label,
                seconds=best["engine"],
                ref_label=f"{n_uniform / 1e6:.0f}M uniforms, float{dtype}",
                ref_seconds=best[f"floor{dtype}"],
                peak_mb=memory["engine"]["rss_mb"],
                ref_mb=memory[f"floor{dtype}"]["rss_mb"],
                goal=f"≤ {GOAL_SECONDS:g} s, ≤ {GOAL_RATIO:g}× floor",
                met=None if quick else bool(best["engine"] <= GOAL_SECONDS and ratio <= GOAL_RATIO),
                notes=[
                    f"tracemalloc peak: engine {memory['engine']['traced_mb']:.0f} MB, "
                    f"floor{dtype} {memory[f'floor{dtype}']['traced_mb']:.0f} MB"
                ],
            )
        )
    out.append(
        Row(
            id="forecast.fit",
            label=f"model.fit: {n_communes} communes, trend + no-trend + held-out refits",
            seconds=best["fit"],
            ref_label=f"{n_uniform / 1e6:.0f}M uniforms, float64",
            ref_seconds=best["floor64"],
            peak_mb=memory["fit"]["rss_mb"],
            ref_mb=memory["floor64"]["rss_mb"],
            notes=[f"fit / engine: {best['fit'] / best['engine']:.2f}"],
        )
    )
    return out


def expected_ids(quick: bool) -> list[str]:
    return ["forecast.f64", "forecast.f32", "forecast.fit"]
