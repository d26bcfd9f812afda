"""The report charts' CPU split into layout / draw / PNG encode, per chart kind (issue 17).

One process, ``time.process_time``: the code cells of the 12 units' notebooks (the batch's
units, 2,000 draws) run as ``benchmarks.batch``'s floor runs them, on an analysis cache this
tree computes itself under ``--work`` (reused while the tree is unchanged: its key holds the
code's fingerprint), in each language of ``--langs``. Every figure a section returns is
tagged with the ``plots`` function that built it, then rendered at the report's DPI as
``fig_to_png_bytes`` renders it, in one of two ways:

- ``--mode split``: the layout pass alone (``plots._run_layout``), then the draw with the
  layout engine switched off, then the PNG encoding (``plots._encode_png``);
- ``--mode whole``: ``plots.fig_to_png_bytes`` (what a kernel pays).

``--pngs DIR`` writes each chart's PNG (``UNIT-LANG-NN-KIND.png``) and a JSON of every text
artist lying outside the canvas (``fit.json``; empty lists when all fits). Usage::

    python -m benchmarks.diagnostics.layout14 --work /tmp/layout14/after --reps 3 \
        --mode split --langs vi --json /tmp/layout14/after-split.json
"""

from __future__ import annotations

import argparse
import ast
import functools
import io
import json
import statistics
import time
from pathlib import Path
from typing import Any

KINDS = (
    "criteria_heatmap",
    "trend_chart",
    "fan_chart",
    "bottleneck_chart",
    "pace_chart",
    "district_comparison",
    "reliability_diagram",
)


def _tag_builders() -> None:
    """Each chart function leaves its name on the figure it returns (``_layout14_kind``)."""
    from ntm_analysis.report import plots

    for name in KINDS:
        real = getattr(plots, name)
        if getattr(real, "_layout14", False):
            continue

        @functools.wraps(real)
        def tagged(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            fig = _real(*args, **kwargs)
            fig._layout14_kind = _name
            return fig

        tagged._layout14 = True  # type: ignore[attr-defined]
        setattr(plots, name, tagged)


def _cache(work: Path, params: dict[str, Any]) -> Path:
    from ntm_analysis.analysis import cache as analysis_cache
    from ntm_analysis.io.load import load_panel

    path = analysis_cache.data_file(params["data_path"])
    panel = load_panel(path)
    as_of = panel.last_year if params.get("as_of") is None else params["as_of"]
    history = panel.subset(years=[y for y in panel.years if y <= as_of])
    meta = analysis_cache.analysis_meta(
        analysis_cache.file_sha256(path),
        as_of=as_of,
        target_year=params["target_year"],
        draws=params["draws"],
        seed=params["seed"],
        scenario=params.get("scenario"),
        backtest_draws=params.get("backtest_draws", 0),
        units_path=params.get("units_path", ""),
    )
    cache, _ = analysis_cache.ensure_analysis(history, meta, work / "cache")
    return cache


def _figures(value: Any) -> list[Any]:
    from matplotlib.figure import Figure

    if isinstance(value, Figure):
        return [value]
    return [p for p in getattr(value, "parts", None) or [] if isinstance(p, Figure)]


def build(work: Path, langs: list[str]) -> tuple[list[tuple[str, str, Any]], float]:
    """Every chart of every unit in each language: (unit, lang, figure), and the CPU of the
    section cells that built them (tables included, rendering not)."""
    from benchmarks.batch import _code_cells, _plan
    from ntm_analysis.core import params as schema

    _tag_builders()
    units, params = _plan({"draws": 2000, "out": str(work / "results")})
    (work / "results").mkdir(parents=True, exist_ok=True)
    cache = _cache(work, params[units[0].id])
    charts: list[tuple[str, str, Any]] = []
    cpu = 0.0
    for lang in langs:
        for unit in units:
            namespace: dict[str, Any] = dict(params[unit.id], forecast_cache=str(cache), lang=lang)
            for source in _code_cells(Path(schema.NOTEBOOKS[unit.kind])):
                tree = ast.parse(source)
                last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
                if last is not None:
                    tree.body = tree.body[:-1]
                t0 = time.process_time()
                exec(compile(tree, "<cell>", "exec"), namespace)
                value = None
                if last is not None:
                    value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
                if "prepare(" not in source:
                    cpu += time.process_time() - t0
                charts += [(unit.id, lang, fig) for fig in _figures(value)]
    return charts, cpu


def render_split(fig: Any, dpi: int) -> tuple[float, float, float, bytes]:
    """Layout, draw (layout off) and encode CPU of one chart, and its PNG."""
    from ntm_analysis.report import plots

    fig.dpi = dpi
    fig.set_facecolor("white")
    t0 = time.process_time()
    plots._run_layout(fig)
    t1 = time.process_time()
    engine = fig.get_layout_engine()
    fig.set_layout_engine("none")
    fig.canvas.draw()
    t2 = time.process_time()
    buffer = io.BytesIO()
    plots._encode_png(fig.canvas.buffer_rgba(), buffer, dpi)
    t3 = time.process_time()
    fig._layout_engine = engine
    return t1 - t0, t2 - t1, t3 - t2, buffer.getvalue()


def drawn_texts(fig: Any) -> list[tuple[str, Any]]:
    """(text, window extent) of every text and legend the figure's draw paints (recorded
    in ``Text.draw``/``Legend.draw``: tick labels outside the view are never drawn)."""
    from matplotlib.legend import Legend
    from matplotlib.text import Text

    from ntm_analysis.report import plots  # the synthetic watermark crosses the chart on purpose

    seen: list[tuple[str, Any]] = []
    real_text, real_legend = Text.draw, Legend.draw

    def text_draw(self: Any, renderer: Any) -> None:
        real_text(self, renderer)
        if self.get_visible() and self.get_text().strip() and self.get_gid() != plots.WATERMARK_GID:
            seen.append((self.get_text(), self.get_window_extent(renderer)))

    def legend_draw(self: Any, renderer: Any) -> None:
        real_legend(self, renderer)
        if self.get_visible():
            seen.append(("<legend>", self.get_window_extent(renderer)))

    Text.draw, Legend.draw = text_draw, legend_draw  # type: ignore[method-assign]
    try:
        fig.canvas.draw()
    finally:
        Text.draw, Legend.draw = real_text, real_legend  # type: ignore[method-assign]
    return seen


def outside(fig: Any) -> dict[str, list[Any]]:
    """Drawn texts and legends whose extent leaves the canvas, and pairs of drawn texts that
    overlap (a legend with its own texts left out)."""
    canvas = fig.bbox
    seen = drawn_texts(fig)
    out = [
        {"text": text[:60], "box": [round(v, 1) for v in box.bounds]}
        for text, box in seen
        if box.x0 < canvas.x0 - 0.5
        or box.y0 < canvas.y0 - 0.5
        or box.x1 > canvas.x1 + 0.5
        or box.y1 > canvas.y1 + 0.5
    ]
    legends = [box for text, box in seen if text == "<legend>"]
    texts = [(text, box) for text, box in seen if text != "<legend>"]

    def inside(box: Any, other: Any) -> bool:
        return (
            other.x0 - 1 <= box.x0
            and box.x1 <= other.x1 + 1
            and other.y0 - 1 <= box.y0
            and box.y1 <= other.y1 + 1
        )

    def overlap(a: Any, b: Any) -> bool:
        return a.x0 < b.x1 - 1 and b.x0 < a.x1 - 1 and a.y0 < b.y1 - 1 and b.y0 < a.y1 - 1

    pairs = []
    for i, (ta, a) in enumerate(texts):
        for tb, b in texts[i + 1 :]:
            if overlap(a, b):
                pairs.append([ta[:40], tb[:40]])
        for legend in legends:
            if overlap(a, legend) and not inside(a, legend):
                pairs.append([ta[:40], "<legend>"])
    return {"outside": out, "overlaps": pairs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="cache and results folder")
    parser.add_argument("--langs", default="vi", help="comma-separated: vi,en")
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--mode", choices=("split", "whole"), default="split")
    parser.add_argument("--json", type=Path, help="write the per-rep results here")
    parser.add_argument("--pngs", type=Path, help="write every chart's PNG and fit.json here")
    args = parser.parse_args()
    import ntm_analysis
    from ntm_analysis.report import plots
    from ntm_analysis.report.base import FIGURE_DPI

    langs = args.langs.split(",")
    reps = []
    for rep in range(args.reps):
        charts, build_cpu = build(args.work, langs)
        kinds: dict[str, dict[str, float]] = {}
        fits: dict[str, list[dict[str, Any]]] = {}
        counters: dict[tuple[str, str], int] = {}
        for unit, lang, fig in charts:
            kind = getattr(fig, "_layout14_kind", "other")
            row = kinds.setdefault(kind, {"n": 0, "layout": 0.0, "draw": 0.0, "encode": 0.0})
            row["n"] += 1
            if args.mode == "split":
                layout, draw, encode, png = render_split(fig, FIGURE_DPI)
                row["layout"] += layout
                row["draw"] += draw
                row["encode"] += encode
            else:
                t0 = time.process_time()
                png = plots.fig_to_png_bytes(fig, dpi=FIGURE_DPI)
                row["draw"] += time.process_time() - t0
            if args.pngs and rep == 0:
                args.pngs.mkdir(parents=True, exist_ok=True)
                n = counters[(unit, lang)] = counters.get((unit, lang), 0) + 1
                name = f"{unit}-{lang}-{n:02d}-{kind}"
                (args.pngs / f"{name}.png").write_bytes(png)
                fits[name] = outside(fig)  # as drawn at the report's dpi
        total = {k: sum(r[k] for r in kinds.values()) for k in ("layout", "draw", "encode")}
        reps.append({"build": build_cpu, "kinds": kinds, "total": total, "n": len(charts)})
        print(
            json.dumps({"rep": rep, "build": round(build_cpu, 2), "total": total, "n": len(charts)})
        )
        if args.pngs and rep == 0:
            (args.pngs / "fit.json").write_text(json.dumps(fits, indent=1, ensure_ascii=False))
            for what in ("outside", "overlaps"):
                bad = [k for k, v in fits.items() if v[what]]
                print(f"charts with texts {what}: {len(bad)} of {len(fits)}")
    summary = {
        kind: {
            key: round(statistics.median(r["kinds"][kind][key] for r in reps), 3)
            for key in ("n", "layout", "draw", "encode")
        }
        for kind in reps[0]["kinds"]
    }
    for kind, row in summary.items():
        print(kind, row)
    if args.json:
        args.json.write_text(
            json.dumps({"tree": ntm_analysis.__file__, "reps": reps, "median": summary}, indent=1)
        )


if __name__ == "__main__":
    main()
