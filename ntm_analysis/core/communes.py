"""The registry of administrative units: districts (huyện) and, optionally, communes (xã).

The registry is data: a units file (CSV) with one row per district, so another province is
used by supplying its own file (``io.reference.read_registry``); nothing in the code knows Lạng Sơn.
Lookups are tolerant because names arrive typed every way — with or without diacritics, in
any case, with or without the "Huyện"/"Thành phố" prefix — and an unknown name fails with the
closest real names suggested, since a typo is the usual cause.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from ntm_analysis.core.errors import DataError, Msg, either
from ntm_analysis.i18n.text import fold, nfc, strip_leading_word

UNIT_COLUMNS = ["district_code", "district_name", "district_type", "short", "n_communes"]
_PREFIXES = ("thanh pho", "thi xa", "huyen", "quan", "tp", "h", "city", "district", "town")


def strip_prefix(folded: str) -> str:
    return strip_leading_word(folded, _PREFIXES)


@dataclass(frozen=True)
class Registry:
    """District-level units of one province, with a tolerant name/code lookup."""

    province_name: str
    districts: pd.DataFrame  # columns UNIT_COLUMNS, one row per district, sorted by code
    source: str

    @classmethod
    def from_frame(cls, table: pd.DataFrame, source: str) -> Registry:
        """The registry of a units table already read (one row per district), checked whole:
        every column there, one province, no district code twice."""
        path = source
        missing = [c for c in ["province_name", *UNIT_COLUMNS] if c not in table.columns]
        if missing:
            raise DataError.single(  # names, not Python lists: a planner reads this
                str(path),
                "error.units.missing_columns",
                missing=", ".join(missing),
                count=len(missing),
                expected=", ".join(["province_name", *UNIT_COLUMNS]),
            )
        table = table.copy()
        for col in ("district_name", "district_type", "short", "province_name"):
            table[col] = table[col].astype(str).map(nfc)
        provinces = table["province_name"].unique()
        if len(provinces) != 1:
            raise DataError.single(str(path), "error.units.provinces", found=", ".join(provinces))
        dup = table["district_code"].duplicated()
        if dup.any():
            codes = ", ".join(map(str, table.loc[dup, "district_code"].unique()))
            raise DataError.single(str(path), "error.units.repeated_codes", codes=codes)
        districts = table[UNIT_COLUMNS].sort_values("district_code").reset_index(drop=True)
        return cls(province_name=provinces[0], districts=districts, source=str(path))

    @property
    def n_communes(self) -> int:
        return int(self.districts["n_communes"].sum())

    def codes(self) -> list[int]:
        return self.districts["district_code"].tolist()

    def name(self, code: int, with_type: bool = False) -> str:
        row = self.districts.loc[self.districts["district_code"] == code]
        if row.empty:
            raise KeyError(code)
        name = row["district_name"].iloc[0]
        kind = row["district_type"].iloc[0]
        return f"{kind} {name}" if with_type and not name.startswith(kind) else name

    @cached_property
    def _keys(self) -> dict[str, int]:
        """Every spelling ``find`` accepts -> its code, made once per registry: a loader
        looks up each distinct district name of a file, and folding every district's
        spellings again for each was most of that time."""
        keys: dict[str, int] = {}
        for code, name, kind in self.districts[
            ["district_code", "district_name", "district_type"]
        ].itertuples(index=False):
            for key in (fold(name), strip_prefix(fold(name)), fold(f"{kind} {name}"), str(code)):
                keys[key] = code
        return keys

    def find(self, name_or_code: str | int) -> int | None:
        """The district code for a name or code, or ``None`` when nothing matches."""
        query = fold(str(name_or_code))
        keys = self._keys
        if query in keys:
            return keys[query]
        return keys.get(strip_prefix(query))

    def suggestions(self, name: str, n: int = 3) -> list[str]:
        """The closest real district names, for "did you mean" messages."""
        names = self.districts["district_name"].tolist()
        folded = {fold(x): x for x in names}
        close = difflib.get_close_matches(strip_prefix(fold(name)), list(folded), n=n, cutoff=0.5)
        return [folded[c] for c in close]

    def resolve(self, name_or_code: str | int) -> int:
        """Like ``find`` but raising a ``DataError`` that suggests the closest names."""
        code = self.find(name_or_code)
        if code is not None:
            return code
        name = str(name_or_code)
        message = self.unknown_message(name, self.suggestions(name))
        raise DataError.single(self.source, message.key, **dict(message.params))

    def unknown_message(
        self, name: str, suggestions: Sequence[str] = (), known: str | None = None
    ) -> Msg:
        """ "unknown district 'X' in P; did you mean A? Known districts: …" (in any language).

        ``known``: the list of district names, when the caller has it ready (the loader
        reports thousands of unknown names in a file of junk).
        """
        if known is None:
            known = ", ".join(self.districts["district_name"])
        if suggestions:
            return Msg(
                "error.district.unknown_hint",
                name=name,
                province=self.province_name,
                suggestions=either(suggestions),
                known=known,
            )
        return Msg("error.district.unknown", name=name, province=self.province_name, known=known)
