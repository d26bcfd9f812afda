"""A unit's results sidecar (``results/<id>.json``) as the batch reads it back: typed.

A report's sidecar is the unit's ``UnitResults`` serialised (what ``ntm forecast --json``
prints) plus the report's own words and provenance (``report.sections.save_results``). The
index and the "what changed" section read it here, through ``UnitResults.from_json`` (the
one place the results' keys are spelled), and use attributes — never string keys — so a
renamed field fails in one place. Sidecars written by earlier versions read leniently (see
``UnitResults.from_json``): ``--resume`` on an old output folder keeps working.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ntm_analysis.analysis.results import ResultsError, UnitResults
from ntm_analysis.batch.records import UnitEntry

__all__ = ["Sidecar", "read_sidecar"]


@dataclass(frozen=True)
class Sidecar:
    """A unit's results and what its report added: its label and headline in the report's
    language ("" when an old sidecar has none)."""

    results: UnitResults
    unit_name: str
    headline: str

    @classmethod
    def from_json(cls, data: Any, source: str = "results") -> Sidecar:
        """The sidecar of a report's JSON; a ``ResultsError`` naming ``source`` if it is not
        one."""
        return cls(
            results=UnitResults.from_json(data, source),  # refuses anything but an object
            unit_name=str(data.get("unit_name") or ""),
            headline=str(data.get("headline") or ""),
        )

    def label(self, fallback: str) -> str:
        """The unit's label in the report's language, else ``fallback`` (its manifest name)."""
        return self.unit_name or fallback


def read_sidecar(out: str | Path, entry: UnitEntry | Mapping[str, Any]) -> Sidecar | None:
    """The sidecar of a manifest ``entry`` (a ``UnitEntry`` or its JSON form) in the batch
    folder ``out``: None when the unit did not succeed or left no sidecar file; a
    ``ResultsError`` (naming the file) when the file is there but unreadable or not a unit's
    results."""
    entry = UnitEntry.from_json(entry)
    if not entry.ok:
        return None
    rel = entry.outputs.get("results")
    if not rel or not (Path(out) / rel).exists():
        return None
    try:
        data = json.loads((Path(out) / rel).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{rel}: unreadable results sidecar ({exc})") from exc
    return Sidecar.from_json(data, str(rel))
