"""Column vocabulary of the file layouts, shared by the reader (``load``) and the writer.

Provincial offices keep one row per commune and year with 19 criterion columns ("wide");
tools exchange one row per commune, year and criterion ("long"). Headers may be Vietnamese or
English; ``HEADER_ALIASES`` lists what each canonical column may be called (compared after
``text.fold``), and the writer uses the first, Vietnamese, spelling.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ntm_analysis.core.atomic import write_atomic
from ntm_analysis.core.criteria import CRITERIA_NUMBERS
from ntm_analysis.core.panel import Panel

# canonical column -> accepted headers (first = what we write)
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "commune_code": ("Mã xã", "Ma xa", "commune_code", "commune code", "code", "Mã"),
    "commune_name": ("Tên xã", "Ten xa", "Xã", "commune_name", "commune name", "commune"),
    "district_code": ("Mã huyện", "district_code", "district code"),
    "district_name": ("Huyện", "Tên huyện", "district_name", "district", "Đơn vị hành chính"),
    "year": ("Năm", "year", "Năm đánh giá"),
    "difficult": ("Xã ĐBKK", "Xã đặc biệt khó khăn", "difficult", "especially difficult"),
    "n_met": ("Số tiêu chí đạt", "Số TC đạt", "n_met", "criteria met", "Tổng số tiêu chí đạt"),
    "synthetic": ("Dữ liệu mô phỏng", "synthetic"),
    "criterion": ("Tiêu chí", "criterion", "TC"),
    "met": ("Đạt", "met", "Kết quả"),
}


def criterion_header(number: int) -> str:
    """Header of a criterion column in the wide layout we write ("TC1"…"TC19")."""
    return f"TC{number}"


def wide_table(panel: Panel) -> pd.DataFrame:
    """The panel in the wide layout, Vietnamese headers, 1/0 flags, with the count column."""
    wide = panel.wide().astype(int)
    wide.columns = [criterion_header(c) for c in CRITERIA_NUMBERS]
    wide = wide.reset_index()
    info = panel.communes.set_index("commune_code")
    table = pd.DataFrame(
        {
            "commune_code": wide["commune_code"],
            "commune_name": wide["commune_code"].map(info["commune_name"]),
            "district_code": wide["commune_code"].map(info["district_code"]),
            "district_name": wide["commune_code"].map(info["district_name"]),
            "year": wide["year"],
            "difficult": wide["commune_code"].map(info["difficult"]).astype(int),
        }
    )
    table = pd.concat([table, wide[[criterion_header(c) for c in CRITERIA_NUMBERS]]], axis=1)
    table["n_met"] = table[[criterion_header(c) for c in CRITERIA_NUMBERS]].sum(axis=1)
    if panel.synthetic:
        table["synthetic"] = 1
    first = {canonical: names[0] for canonical, names in HEADER_ALIASES.items()}
    return table.rename(columns=first)


def long_table(panel: Panel) -> pd.DataFrame:
    """The panel in the long layout with commune and district columns repeated per row."""
    table = panel.status.merge(panel.communes, on="commune_code", how="left")
    table["met"] = table["met"].astype(int)
    table["difficult"] = table["difficult"].astype(int)
    if panel.synthetic:
        table["synthetic"] = 1
    return table


def write_panel(panel: Panel, path: str | Path, layout: str = "wide") -> Path:
    """Write ``panel`` as CSV, XLSX or Parquet (by extension), atomically."""
    if layout not in ("wide", "long"):
        raise ValueError(f"layout must be 'wide' or 'long', got {layout!r}")
    table = wide_table(panel) if layout == "wide" else long_table(panel)
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_atomic(path, lambda tmp: table.to_csv(tmp, index=False, encoding="utf-8"))
    if suffix == ".xlsx":
        return write_atomic(
            path, lambda tmp: table.to_excel(tmp, index=False, sheet_name="NTM", engine="openpyxl")
        )
    if suffix == ".parquet":
        return write_atomic(path, lambda tmp: table.to_parquet(tmp, index=False))
    raise ValueError(f"unsupported extension {suffix!r}: use .csv, .xlsx or .parquet")
