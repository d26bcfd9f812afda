"""Finding the header row of a sheet: offices put a title or two above it.

The header is the first of the top ``HEADER_SEARCH_ROWS`` rows with at least
``MIN_HEADER_MATCHES`` recognised column names (a title may match one by chance, never
three), read together with the row below it when the two form one merged block ("Tiêu chí"
over 1…19). Kept apart from the readers because every format shares it, and apart from
``columns`` because finding where the header is and deciding what it asks for are
different questions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ntm_analysis.i18n.text import fold
from ntm_analysis.io.cells import CRITERION_HEADER, cell_text, is_blank, parse_int
from ntm_analysis.io.layout import HEADER_ALIASES

HEADER_SEARCH_ROWS = 20  # title rows above the header are never more than a few
MIN_HEADER_MATCHES = 3  # a title cell may match one header by chance, never three

# every accepted spelling of a header, folded -> the canonical column it stands for
_ALIASES: dict[str, str] = {
    fold(alias): canonical for canonical, names in HEADER_ALIASES.items() for alias in names
}
EXAMPLE_HEADERS = "'Mã xã', 'Tên xã', 'Huyện', 'Năm', 'TC1'…'TC19'"


def header_text(value: object) -> str:
    return "" if is_blank(value) else cell_text(value)


def header_meaning(header: str) -> str | int | None:
    """The canonical column a header stands for, a criterion number, or None (ignored)."""
    key = fold(header)
    if key in _ALIASES:
        return _ALIASES[key]
    match = CRITERION_HEADER.match(key)
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class Header:
    """Where the header is: its first row (0-based), its height (1 or 2) and its names."""

    at: int
    height: int
    names: tuple[str, ...]


def _n_meanings(names: Iterable[str]) -> int:
    return len({header_meaning(n) for n in names} - {None})


def find_header(rows: Sequence[Sequence[object]]) -> Header | None:
    """The header: the first row with several recognised headers (a title has at most one).

    The row below is read with it when the two rows form one header block (``_header_block``).
    """
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        single = tuple(header_text(v) for v in row)
        if i + 1 < len(rows):
            block = _header_block(single, rows[i + 1])
            if block is not None:
                return Header(i, 2, block)
        if _n_meanings(single) >= MIN_HEADER_MATCHES:
            return Header(i, 1, single)
    return None


def _header_block(upper: tuple[str, ...], lower: Sequence[object]) -> tuple[str, ...] | None:
    """The names of a two-row header block, or None when ``lower`` does not continue ``upper``.

    Report templates merge a label over sub-headers ("Tiêu chí" over 1…19, "Đơn vị" over
    "Mã xã" and "Tên xã") and merge single headers down both rows; merged cells are empty
    but for the first. ``lower`` continues the header only if it holds nothing but recognised
    headers, and criterion numbers under a label or a gap -- a data row always has a value,
    such as its code or year, that is neither -- and only if the block recognises more columns
    than either row alone, so a title row above a header is never taken for a block.
    """
    width = max(len(upper), len(lower))
    names = []
    for j in range(width):
        top = upper[j] if j < len(upper) else ""
        cell = lower[j] if j < len(lower) else None
        if is_blank(cell):
            names.append(top)  # a header merged down, or a gap
            continue
        number = parse_int(cell)
        if number is not None and 1 <= number <= 99 and header_meaning(top) in (None, "criterion"):
            names.append(f"Tiêu chí {number}")
        elif header_meaning(header_text(cell)) is not None:
            names.append(header_text(cell))
        else:
            return None
    block = tuple(names)
    alone = max(_n_meanings(upper), _n_meanings(header_text(v) for v in lower))
    found = _n_meanings(block)
    return block if found >= MIN_HEADER_MATCHES and found > alone else None
