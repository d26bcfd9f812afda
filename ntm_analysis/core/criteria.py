"""The 19 national New Rural Development criteria (2016–2020 set, Decision 1980/QĐ-TTg).

The criteria are national and fixed for the programme period, so they live here as one small
table rather than in a data file a user might edit by mistake. Everything else (groups, labels
in either language) is derived from this table so there is a single place to correct a name.
"""

from __future__ import annotations

import pandas as pd

from ntm_analysis.i18n import DEFAULT_LANG

N_CRITERIA = 19
CRITERIA_NUMBERS: tuple[int, ...] = tuple(range(1, N_CRITERIA + 1))

# (number, group, Vietnamese name, English name)
_CRITERIA: tuple[tuple[int, str, str, str], ...] = (
    (1, "I", "Quy hoạch", "Planning"),
    (2, "II", "Giao thông", "Transport"),
    (3, "II", "Thủy lợi", "Irrigation"),
    (4, "II", "Điện", "Electricity"),
    (5, "II", "Trường học", "Schools"),
    (6, "II", "Cơ sở vật chất văn hóa", "Cultural facilities"),
    (7, "II", "Cơ sở hạ tầng thương mại nông thôn", "Rural commerce infrastructure"),
    (8, "II", "Thông tin và Truyền thông", "Information and communication"),
    (9, "II", "Nhà ở dân cư", "Housing"),
    (10, "III", "Thu nhập", "Income"),
    (11, "III", "Hộ nghèo", "Poverty"),
    (12, "III", "Lao động có việc làm", "Employment"),
    (13, "III", "Tổ chức sản xuất", "Production organisation"),
    (14, "IV", "Giáo dục và Đào tạo", "Education and training"),
    (15, "IV", "Y tế", "Health"),
    (16, "IV", "Văn hóa", "Culture"),
    (17, "IV", "Môi trường và an toàn thực phẩm", "Environment and food safety"),
    (18, "V", "Hệ thống chính trị và tiếp cận pháp luật", "Political system and access to law"),
    (19, "V", "Quốc phòng và An ninh", "Defence and security"),
)

# group -> (Vietnamese name, English name)
GROUPS: dict[str, tuple[str, str]] = {
    "I": ("Quy hoạch", "Planning"),
    "II": ("Hạ tầng kinh tế - xã hội", "Socio-economic infrastructure"),
    "III": ("Kinh tế và tổ chức sản xuất", "Economy and production organisation"),
    "IV": ("Văn hóa - xã hội - môi trường", "Culture, society and environment"),
    "V": ("Hệ thống chính trị, quốc phòng và an ninh", "Political system, defence and security"),
}


def criteria_table() -> pd.DataFrame:
    """One row per criterion: ``criterion, group, name_vi, name_en, group_vi, group_en``."""
    table = pd.DataFrame(_CRITERIA, columns=["criterion", "group", "name_vi", "name_en"])
    table["group_vi"] = table["group"].map(lambda g: GROUPS[g][0])
    table["group_en"] = table["group"].map(lambda g: GROUPS[g][1])
    return table


def criterion_name(number: int, lang: str = DEFAULT_LANG) -> str:
    """The criterion's name in ``lang`` ("vi" or "en"), e.g. for chart labels."""
    if number not in CRITERIA_NUMBERS:
        raise ValueError(f"criterion must be 1–{N_CRITERIA}, got {number!r}")
    row = _CRITERIA[number - 1]
    return row[2] if lang == "vi" else row[3]


def criterion_label(number: int, lang: str = DEFAULT_LANG) -> str:
    """Short label used on charts and tables: "TC10 Thu nhập" / "C10 Income"."""
    prefix = "TC" if lang == "vi" else "C"
    return f"{prefix}{number} {criterion_name(number, lang)}"


def criterion_group(number: int) -> str:
    """Roman-numeral group (I–V) of a criterion."""
    return _CRITERIA[number - 1][1]
