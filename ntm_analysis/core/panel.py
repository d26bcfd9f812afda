"""The panel: one tidy long table of commune × year × criterion, plus the communes table.

The long table ``commune_code, year, criterion, met`` is the single source of truth; every
wide view (one row per commune-year, 19 columns) is derived from it, so there is no second
copy of the data to drift out of sync.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ntm_analysis.core.criteria import CRITERIA_NUMBERS
from ntm_analysis.core.errors import Msg

STATUS_COLUMNS = ["commune_code", "year", "criterion", "met"]
# the district code of every commune of a list without districts (from 1 Jul 2025, NQ 1672):
# such a panel is the province's only; ``geography.former_district`` groups it, named so
NO_DISTRICT = 0


def has_districts(panel: Panel) -> bool:
    """False for a panel on the units after 1 Jul 2025 (every commune ``NO_DISTRICT``)."""
    return panel.district_codes != [NO_DISTRICT]
COMMUNE_COLUMNS = ["commune_code", "commune_name", "district_code", "district_name", "difficult"]


@dataclass(frozen=True)
class Geography:
    """What harmonising a file in real GSO codes did, in numbers and codes only
    (``geography.harmonise`` builds it; ``report.geography`` puts it in words, in the
    reader's language, for the report, the hearing pack and the CLI).

    ``vintage``: the registry list the panel is on; ``rule``: how merged communes were
    combined (``harmonise.RULES``); ``n_communes``: the xã of that list in the province;
    ``lists_by_year``: the list each year of the file was on; ``districts``: False on the
    units after 1 Jul 2025, whose communes carry ``NO_DISTRICT`` and are grouped by
    ``former_district`` (commune code → the district(s) of 30 Jun 2025, "Cao Lộc + Văn
    Quan"); ``assessed_file``: the assessments' file (rule "assessed"); ``notes``: what the
    loader and the harmoniser want the user told, as messages (key and values), not text.
    """

    vintage: str
    rule: str
    n_communes: int
    lists_by_year: Mapping[int, str]
    districts: bool = True
    former_district: Mapping[str, str] = field(default_factory=dict)
    assessed_file: str = ""
    notes: tuple[Msg, ...] = ()

    @property
    def changes_crossed(self) -> tuple[str, ...]:
        """The lists of the file's years other than ``vintage`` (empty: no change crossed)."""
        return tuple(sorted(set(self.lists_by_year.values()) - {self.vintage}))

    def to_json(self) -> dict[str, object]:
        """JSON-safe numbers and codes (the report's sidecar adds the words)."""
        return {
            "districts": self.districts,
            "former_district": dict(self.former_district),
            "vintage": self.vintage,
            "n_communes": self.n_communes,
            "rule": self.rule,
            "lists_by_year": {str(y): v for y, v in sorted(self.lists_by_year.items())},
            "changes_crossed": bool(self.changes_crossed),
            "assessed_file": self.assessed_file,
        }


@dataclass(frozen=True)
class Panel:
    """Commune-by-criterion assessments over several years.

    ``status``: ``commune_code`` (str), ``year`` (int), ``criterion`` (int 1–19), ``met`` (bool),
    complete (every commune × year × criterion present) and sorted.
    ``communes``: one row per commune, ``COMMUNE_COLUMNS``; ``difficult`` flags especially
    difficult communes (xã đặc biệt khó khăn) and is False where unknown.
    ``synthetic`` is True for generated demo data, so every output can say so.
    ``province_name`` names the whole panel in summaries ("Lạng Sơn").
    ``geography``: for a file in real GSO codes, the registry list the panel is on, the rule
    used to combine merged communes and what else was done (``Geography``); None otherwise.
    """

    status: pd.DataFrame
    communes: pd.DataFrame
    source: str = ""
    synthetic: bool = False
    province_name: str = ""
    # boundary changes crossed and the merge rule used (harmonise.metadata), or None
    geography: Geography | None = None

    @classmethod
    def from_frames(
        cls,
        status: pd.DataFrame,
        communes: pd.DataFrame,
        source: str = "",
        synthetic: bool = False,
        province_name: str = "",
    ) -> Panel:
        """Build a panel with canonical dtypes and ordering (the loaders' common exit)."""
        status = status[STATUS_COLUMNS].astype(
            {"commune_code": str, "year": "int64", "criterion": "int64", "met": bool}
        )
        status = _sorted(status, ["commune_code", "year", "criterion"])
        communes = communes.copy()
        if "difficult" not in communes:
            communes["difficult"] = False
        communes = communes[COMMUNE_COLUMNS].astype(
            {"commune_code": str, "district_code": "int64", "difficult": bool}
        )
        communes = _sorted(communes, ["district_code", "commune_code"])
        return cls(
            status=status,
            communes=communes,
            source=source,
            synthetic=synthetic,
            province_name=province_name,
        )

    @property
    def years(self) -> list[int]:
        return sorted(self.status["year"].unique().tolist())

    @property
    def first_year(self) -> int:
        return self.years[0]

    @property
    def last_year(self) -> int:
        return self.years[-1]

    @property
    def district_codes(self) -> list[int]:
        return sorted(self.communes["district_code"].unique().tolist())

    def wide(self) -> pd.DataFrame:
        """One row per commune-year, one boolean column per criterion (1–19)."""
        wide = self.status.pivot(
            index=["commune_code", "year"], columns="criterion", values="met"
        ).reindex(columns=list(CRITERIA_NUMBERS))
        wide.columns.name = "criterion"
        return wide.astype(bool)

    def subset(
        self,
        districts: Iterable[int] | None = None,
        communes: Iterable[str] | None = None,
        years: Iterable[int] | None = None,
    ) -> Panel:
        """The panel restricted to some districts, communes and/or years."""
        keep = self.communes
        if districts is not None:
            keep = keep[keep["district_code"].isin(list(districts))]
        if communes is not None:
            keep = keep[keep["commune_code"].isin(list(communes))]
        status = self.status[self.status["commune_code"].isin(keep["commune_code"])]
        if years is not None:
            status = status[status["year"].isin(list(years))]
        return replace(
            self,
            status=status.reset_index(drop=True),
            communes=keep.reset_index(drop=True),
        )

    def with_district_info(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` (keyed by commune_code) joined to the commune's name and district."""
        return frame.merge(self.communes, on="commune_code", how="left", validate="many_to_one")


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``frame.sort_values(keys)`` with a fresh index.

    A loaded panel is usually in order already (a simulated one, built year by year, is not).
    pandas ranks each key and sorts on the ranks (a stable sort); the same ranks, compared row
    with next row, tell whether that sort would move anything — several times quicker than
    sorting 10⁵–10⁶ rows — and the first key out of order ends the check.
    """
    settled = np.zeros(max(len(frame) - 1, 0), dtype=bool)  # ordered by an earlier key
    for key in keys:
        rank = pd.factorize(frame[key], sort=True)[0]
        step = np.diff(rank)
        # rank -1 is a missing value: where it goes is sort_values' rule, not repeated here
        if (rank < 0).any() or (step[~settled] < 0).any():
            return frame.sort_values(keys).reset_index(drop=True)
        settled |= step > 0
    return frame.reset_index(drop=True)
