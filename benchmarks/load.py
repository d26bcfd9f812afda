"""Section 4: reading a large office spreadsheet.

A synthetic panel of 2,000 communes × 10 years (2011–2020; the Lạng Sơn registry with every
district's commune count scaled up) is written once with ``layout.write_panel(..., "wide")``
to an XLSX (sheet "NTM", 20,000 rows, Vietnamese headers, 1/0 flags) and a CSV in a temporary
folder. ``load.load_panel`` — which finds the header, maps every cell spelling, checks every
row and builds the panel — is timed against plain ``pandas.read_excel`` / ``pandas.read_csv``
of the same file, which only parse it. Both XLSX readers go through calamine
(``engine="calamine"``). ``load.calamine`` times ``load_panel`` against itself with the sheet
read as it was before calamine (openpyxl, read-only, the first rows and then the whole sheet:
the reader swapped in ``io.readers.READERS``): issue 17 asks for 5× (goal ``LOAD_GOAL``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from .common import Row, interleaved, probe

YEARS = tuple(range(2011, 2021))
SHEET = "NTM"
LOAD_GOAL = 5.0  # issue 17: load_panel ≥ 5× faster than with the openpyxl reader


def n_communes(quick: bool) -> int:
    return 50 if quick else 2000


def write_files(folder: Path, communes: int) -> dict[str, Path]:
    from ntm_analysis.io.layout import write_panel
    from ntm_analysis.io.reference import read_registry
    from ntm_analysis.model.synthetic import simulate_panel

    districts = read_registry().districts
    base = dict(zip(districts["district_code"], districts["n_communes"], strict=True))
    total = sum(base.values())
    counts = {code: max(1, round(n * communes / total)) for code, n in base.items()}
    largest = max(counts, key=lambda c: counts[c])
    counts[largest] += communes - sum(counts.values())
    panel = simulate_panel(years=YEARS, seed=3, communes_per_district=counts)
    return {
        kind: write_panel(panel, folder / f"panel_{communes}x{len(YEARS)}.{kind}", "wide")
        for kind in ("xlsx", "csv")
    }


def _openpyxl_read(path, sheet=None, *, head=False):
    """The workbook reader as it was before calamine, for a workbook that loads: openpyxl,
    read-only, asking for the rows it needed (the header search's top rows, then the first
    ``HEAD_ROWS`` with ``head=True``, and the whole sheet again when the loader asks)."""
    from dataclasses import replace

    import openpyxl

    from ntm_analysis.io.header import HEADER_SEARCH_ROWS, find_header
    from ntm_analysis.io.readers.base import HEAD_ROWS
    from ntm_analysis.io.table import table_from_grid, trimmed

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)

    def rows_of(ws, max_row):
        ws.reset_dimensions()
        return trimmed([list(r) for r in ws.iter_rows(max_row=max_row, values_only=True)])

    try:
        for ws in book.worksheets:
            if find_header(rows_of(ws, HEADER_SEARCH_ROWS + 1)) is not None:
                rows = rows_of(ws, HEAD_ROWS + 1 if head else None)
                complete = not head or len(rows) <= HEAD_ROWS
                table = table_from_grid(rows, str(path), ws.title, complete=complete)
                return replace(table, large=not complete)
        raise ValueError(f"{path}: no sheet with a header")
    finally:
        book.close()


def load_with_openpyxl(xlsx: str) -> object:
    """``load_panel`` with the sheet read by openpyxl (the reference of ``load.calamine``)."""
    from unittest import mock

    from ntm_analysis.io.load import load_panel
    from ntm_analysis.io.readers import READERS

    with mock.patch.dict(READERS, {".xlsx": _openpyxl_read}):
        return load_panel(xlsx)


def cases(xlsx: str, csv: str) -> dict[str, Callable[[], object]]:
    import pandas as pd

    from ntm_analysis.io.load import load_panel

    return {
        "load_xlsx": lambda: load_panel(xlsx),
        "read_excel": lambda: pd.read_excel(xlsx, sheet_name=SHEET, engine="calamine"),
        "load_openpyxl": lambda: load_with_openpyxl(xlsx),
        "load_csv": lambda: load_panel(csv),
        "read_csv": lambda: pd.read_csv(csv),
    }


def rows(quick: bool) -> list[Row]:
    communes = n_communes(quick)
    with tempfile.TemporaryDirectory(prefix="ntm-bench-load-") as tmp:
        files = write_files(Path(tmp), communes)
        kwargs = {"xlsx": str(files["xlsx"]), "csv": str(files["csv"])}
        calls = cases(**kwargs)
        xlsx = interleaved(
            {k: calls[k] for k in ("load_xlsx", "read_excel", "load_openpyxl")},
            repeat=1 if quick else 2,
            warmup=not quick,
        )
        text = interleaved(
            {k: calls[k] for k in ("load_csv", "read_csv")},
            repeat=1 if quick else 3,
            warmup=not quick,
        )
        memory = probe("benchmarks.load:cases", kwargs, list(calls), isolated=not quick)
        size_mb = files["xlsx"].stat().st_size / 2**20
    n_rows = communes * len(YEARS)
    return [
        Row(
            id="load.xlsx",
            label=f"load_panel: XLSX, {communes} communes × {len(YEARS)} y, {size_mb:.1f} MB",
            seconds=xlsx["load_xlsx"],
            ref_label="pandas.read_excel, same sheet",
            ref_seconds=xlsx["read_excel"],
            peak_mb=memory["load_xlsx"]["rss_mb"],
            ref_mb=memory["read_excel"]["rss_mb"],
        ),
        Row(
            id="load.calamine",
            label="load_panel: the same XLSX, sheet read by calamine",
            seconds=xlsx["load_xlsx"],
            ref_label="load_panel, sheet read by openpyxl",
            ref_seconds=xlsx["load_openpyxl"],
            peak_mb=memory["load_xlsx"]["rss_mb"],
            ref_mb=memory["load_openpyxl"]["rss_mb"],
            goal=f"≥ {LOAD_GOAL:g}× faster",
            met=None if quick else xlsx["load_openpyxl"] >= LOAD_GOAL * xlsx["load_xlsx"],
        ),
        Row(
            id="load.csv",
            label=f"load_panel: CSV, the same {n_rows} rows",
            seconds=text["load_csv"],
            ref_label="pandas.read_csv, same file",
            ref_seconds=text["read_csv"],
            peak_mb=memory["load_csv"]["rss_mb"],
            ref_mb=memory["read_csv"]["rss_mb"],
        ),
    ]


def expected_ids(quick: bool) -> list[str]:
    return ["load.xlsx", "load.calamine", "load.csv"]
