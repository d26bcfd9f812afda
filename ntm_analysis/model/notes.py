"""What a reader must know about a fit before trusting its forecast, as typed records.

The model notes three things: years missing between observed years (their change is not
read as one year's), a panel with fewer than three transitions (thin: the trend and the
capacity form cannot be scored), and registration lists with no year to estimate their
push from (the push is then a scenario). The report words them (``report.headline``); the
results' JSON keeps the compact "kind:value" strings of earlier files (``str(note)``,
``ModelNote.parse``), so sidecars written before and after read alike.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("gap", "thin", "registered")


@dataclass(frozen=True)
class ModelNote:
    """One note on a fit. ``kind`` is "gap" (``first``/``last``: the observed years either
    side of the missing ones), "thin" (``transitions``: transition years the fit saw) or
    "registered" (registration lists given, their push not estimable: a scenario)."""

    kind: str
    first: int | None = None
    last: int | None = None
    transitions: int | None = None

    @classmethod
    def gap(cls, first: int, last: int) -> ModelNote:
        return cls("gap", first=int(first), last=int(last))

    @classmethod
    def thin(cls, transitions: int) -> ModelNote:
        return cls("thin", transitions=int(transitions))

    @classmethod
    def registered_scenario(cls) -> ModelNote:
        return cls("registered")

    def __str__(self) -> str:
        """The JSON form: "gap:2013-2015", "thin:1", "registered:scenario"."""
        if self.kind == "gap":
            return f"gap:{self.first}-{self.last}"
        if self.kind == "thin":
            return f"thin:{self.transitions}"
        return "registered:scenario"

    @classmethod
    def parse(cls, text: str) -> ModelNote:
        """The note of its JSON form (``str(note)``); ValueError for anything else."""
        kind, _, value = str(text).partition(":")
        try:
            if kind == "gap":
                first, last = value.split("-")
                return cls.gap(int(first), int(last))
            if kind == "thin":
                return cls.thin(int(value))
        except ValueError:
            pass
        if kind == "registered" and value == "scenario":
            return cls.registered_scenario()
        raise ValueError(f"not a model note: {text!r} (expected one of {', '.join(KINDS)})")
