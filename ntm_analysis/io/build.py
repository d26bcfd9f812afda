"""The checked records as a ``Panel``: the last step of loading, run only when nothing is wrong."""

from __future__ import annotations

import pandas as pd

from ntm_analysis.core.communes import Registry
from ntm_analysis.core.panel import Panel
from ntm_analysis.io.records import Records


def to_panel(records: Records, registry: Registry, source: str) -> Panel:
    """The checked records as a ``Panel``; district names are the registry's spelling."""
    rows = records.rows
    status = records.status.merge(rows[["code", "year"]], left_on="i", right_index=True)
    status = status.rename(columns={"code": "commune_code"})
    # a commune's especially-difficult status can change; the latest year's is the current one
    latest = rows.sort_values(["year", "row"]).drop_duplicates("code", keep="last")
    communes = pd.DataFrame(
        {
            "commune_code": latest["code"],
            "commune_name": latest["name"],
            "district_code": latest["district_code"].astype("int64"),
            "difficult": latest["difficult"].astype(bool),
        }
    )
    districts = registry.districts  # (one code, one name: ``registry.name`` of each code)
    names = dict(zip(districts["district_code"], districts["district_name"], strict=True))
    communes["district_name"] = communes["district_code"].map(names)
    # one flagged row makes the whole panel synthetic: a mixed file must not pass as real
    synthetic = bool(rows["synthetic"].any())  # False where the column is absent
    return Panel.from_frames(
        status,
        communes,
        source=source,
        synthetic=synthetic,
        province_name=registry.province_name,
    )
