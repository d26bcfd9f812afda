"""Write the test files in real GSO codes with SYNTHETIC values (tests/test_admin_load.py).

The codes and names are the real Lạng Sơn units (Văn Quan and Văn Lãng districts for
2018–2021; the whole province for 2023–2024); every
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
            out.append([u.code, u.name, u.district_code, u.district_name, year, *met, 1])
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


if __name__ == "__main__":
    main()
