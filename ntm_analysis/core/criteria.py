"""The 19 national New Rural Development criteria (2016–2020 set, Decision 1980/QĐ-TTg).

The criteria are national and fixed for the programme period, so they live here as one small
table rather than in a data file a user might edit by mistake: each criterion's number and
its group (I–V). Their names, the groups' names and the "TC10"/"C10" labels are words, so
they are in the catalogues (``criterion.<number>``, ``criterion.group.<group>``,
``criterion.short``, ``criterion.label``) where a translator sees them, and are said by
``report.criteria``.
"""

from __future__ import annotations

N_CRITERIA = 19
CRITERIA_NUMBERS: tuple[int, ...] = tuple(range(1, N_CRITERIA + 1))

# the groups in order: I planning, II infrastructure, III economy, IV society, V politics
GROUPS: tuple[str, ...] = ("I", "II", "III", "IV", "V")

# number -> group
_GROUP_OF: dict[int, str] = {
    1: "I",
    **dict.fromkeys(range(2, 10), "II"),
    **dict.fromkeys(range(10, 14), "III"),
    **dict.fromkeys(range(14, 18), "IV"),
    **dict.fromkeys(range(18, 20), "V"),
}


def check_criterion(number: int) -> int:
    """``number`` if it is one of the 19 criteria; a clear error otherwise."""
    if number not in CRITERIA_NUMBERS:
        raise ValueError(f"criterion must be 1–{N_CRITERIA}, got {number!r}")
    return number


def criterion_group(number: int) -> str:
    """Roman-numeral group (I–V) of a criterion."""
    return _GROUP_OF[check_criterion(number)]
