"""Write the test files in real GSO codes with SYNTHETIC values (tests/test_admin_load.py).

The codes and names are the real Lạng Sơn units (Văn Quan and Văn Lãng districts for
2018–2021; the whole province for 2023–2026: from 1 Jul 2025 on the 61 xã of the new list,
which have no district, so the district cells are blank or the columns absent); every
criterion value is random (seed 2020) and the files carry the "Dữ liệu mô phỏng" column = 1,
so a panel loaded from them is marked synthetic everywhere. Never show them as real results.

    python tests/data/make_admin_test_files.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ntm_analysis.geography.admin import registry

HERE = Path(__file__).resolve().parent
DISTRICTS = (182, 184)  # Văn Lãng, Văn Quan: the 2020 mergers, splits and code reuse
HEADER = ["Mã xã", "Tên xã", "Mã huyện", "Huyện", "Năm"]


def rows(
    vintage: str, years: list[int], rng: np.random.Generator, districts=DISTRICTS
) -> list[list[object]]:
    units = registry().units_in(vintage, kinds=["xa"])
    if districts is not None:
        units = units[units["district_code"].isin(districts)]
    out = []
    for year in years:
        for u in units.itertuples():
            met = (rng.random(19) < 0.55).astype(int).tolist()
            no_district = pd.isna(u.district_code)  # from 1 Jul 2025
            district = (None, None) if no_district else (u.district_code, u.district_name)
            out.append([u.code, u.name, *district, year, *met, 1])
    return out


def main() -> None:
    rng = np.random.default_rng(2020)
    columns = [*HEADER, *[f"TC{c}" for c in range(1, 20)], "Dữ liệu mô phỏng"]
    crossing = rows("2017", [2018, 2019], rng) + rows("2020", [2020], rng)
    pd.DataFrame(crossing, columns=columns).to_csv(
        HERE / "admin_synthetic_values_2018_2020.csv", index=False
    )
    reuse = rows("2017", [2019], rng) + rows("2021", [2021], rng)
    pd.DataFrame(reuse, columns=columns).to_csv(
        HERE / "admin_synthetic_values_2019_2021.csv", index=False
    )
    province = rows("2021", [2023], rng, None) + rows("2024", [2024], rng, None)
    pd.DataFrame(province, columns=columns).to_csv(
        HERE / "admin_synthetic_values_2023_2024.csv", index=False
    )
    # 1 Jul 2025: 2024 on the old units (with districts), 2025 on the new ones (blank district)
    across = rows("2024", [2024], rng, None) + rows("2025", [2025], rng, None)
    pd.DataFrame(across, columns=columns).astype({"Mã huyện": "Int64"}).to_csv(
        HERE / "admin_synthetic_values_2024_2025.csv", index=False
    )
    # a file in 2025 units only: no district columns at all
    new = pd.DataFrame(rows("2025", [2025, 2026], rng, None), columns=columns)
    new.drop(columns=["Mã huyện", "Huyện"]).to_csv(
        HERE / "admin_synthetic_values_2025_2026.csv", index=False
    )


if __name__ == "__main__":
    main()
