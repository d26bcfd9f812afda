"""A panel's observed yearly summaries, made once and read by every report of a batch.

A report reads its unit's yearly figures (``results.history``: communes, NTM communes, mean
criteria, the 15–18 and below-5 counts) for its numbers, the trend table, the fan chart and
the methods note, and the province's or the districts' lines beside them: eight
``metrics.unit_summary`` calls per district report, each counting criteria met per
commune-year over the whole panel again (issue 17). ``Summaries.of(panel)`` makes the two
tables (by province, by district) once; the batch's parent stores them with the analysis
(``cache.Analysis.summaries``) and every report reads its rows (``summary``). A stored table
is read only for the panel it was made from (``panel_fingerprint``): for any other panel it
is computed as before.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import pandas as pd

from ntm_analysis.core.panel import Panel
from ntm_analysis.model.metrics import unit_summary

__all__ = ["LEVELS", "Summaries", "panel_fingerprint", "summary"]

LEVELS = ("province", "district")  # ``unit_summary``'s ``by``


def panel_fingerprint(panel: Panel) -> str:
    """Hash of everything of a panel the fit reads: the status rows and the communes table
    (values, columns and order), so two panels with one different cell never share a fit
    (or a summary)."""
    digest = hashlib.sha256()
    for frame in (panel.status, panel.communes):
        digest.update(json.dumps([str(c) for c in frame.columns]).encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Summaries:
    """``metrics.unit_summary`` of one panel by province and by district, with the panel's
    ``panel_fingerprint``. Read through ``table`` (a copy: a reader may add columns)."""

    fingerprint: str
    province: pd.DataFrame
    district: pd.DataFrame

    @classmethod
    def of(cls, panel: Panel) -> Summaries:
        return cls(
            panel_fingerprint(panel),
            unit_summary(panel, "province"),
            unit_summary(panel, "district"),
        )

    def table(self, by: str) -> pd.DataFrame:
        """``unit_summary(panel, by)`` of the panel these were made from."""
        if by not in LEVELS:
            raise ValueError(f"by must be 'province' or 'district', got {by!r}")
        return (self.province if by == "province" else self.district).copy()


def summary(panel: Panel, by: str = "province", stored: Summaries | None = None) -> pd.DataFrame:
    """``metrics.unit_summary(panel, by)``: read from ``stored`` when it was made from this
    panel (its fingerprint), else computed."""
    if stored is not None and stored.fingerprint == panel_fingerprint(panel):
        return stored.table(by)
    return unit_summary(panel, by)
