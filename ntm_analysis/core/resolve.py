"""Which unit and which target a run is about: one rule each, used by every entry point.

``resolve_unit`` turns what a user typed (a district name with or without diacritics or
"Huyện", or a GSO code) into a district code through the registry, with its "did you mean";
``resolve_target`` picks a target and says where it came from (the user's number, else the
targets file's value for the year, official or not). The command line, the batch, the
parameter checks and the report all call these, so they cannot disagree.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pandas as pd

from ntm_analysis.core.errors import DataError, Join, Msg
from ntm_analysis.core.panel import NO_DISTRICT
from ntm_analysis.core.targets import lookup

__all__ = ["Target", "district_code", "resolve_target", "resolve_unit"]


def district_code(
    registry: Any, name: str | int, where: str, panel: Any = None
) -> tuple[int | None, Msg | Join | None]:
    """``(code, None)`` for a district name or code, or ``(None, problem)``: unknown (with the
    registry's "did you mean", in the same language as the rest) or, given ``panel``, without
    communes in the data. ``where`` names the option or parameter the name came from."""
    try:
        code = registry.resolve(str(name).strip())
    except DataError as exc:
        found = tuple(Msg(p.key, **dict(p.params)) for p in exc.problems)
        return None, Join((where, Join(found, sep="; ")), sep=": ")
    if panel is not None and panel.district_codes == [NO_DISTRICT]:  # units from 1 Jul 2025
        return None, Join((where, Msg("error.geo.no_districts")), sep=": ")
    if panel is not None and code not in panel.district_codes:
        return None, Msg("error.param.no_communes", where=where, name=repr(registry.name(code)))
    return code, None


def resolve_unit(
    registry: Any, name: str | int | None, where: str = "district", panel: Any = None
) -> int | None:
    """The district code of ``name`` (None or "" : the whole province, None), else a
    ``ParameterError`` naming ``where`` (see ``district_code``)."""
    if name is None or not str(name).strip():
        return None
    code, problem = district_code(registry, name, where, panel)
    if problem is not None:
        from ntm_analysis.core.params import ParameterError  # params builds on this module

        raise ParameterError([problem])
    return code


class Target(NamedTuple):
    """A target and where it came from: ``"user"`` (a number given), ``"official"`` or
    ``"file"`` (the targets file's value, marked official there or not), None (no target)."""

    value: float | None
    source: str | None

    @property
    def official(self) -> bool:
        return self.source == "official"


def resolve_target(
    explicit: float | None,
    targets: pd.DataFrame | None,
    year: int,
    indicator: str = "n_ntm",
    unit: int | None = None,
) -> Target:
    """``explicit`` when given (the user's own, never labelled official), else the value of
    ``indicator`` for ``unit`` (None: the province) and ``year`` in the ``targets`` table."""
    if explicit is not None:
        return Target(float(explicit), "user")
    found = lookup(targets, year, indicator, unit) if targets is not None else None
    if found is None:
        return Target(None, None)
    value, official = found
    return Target(float(value), "official" if official else "file")
