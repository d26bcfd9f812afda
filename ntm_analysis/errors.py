"""One error type for every expected mistake in a user's data.

Planners fix spreadsheets by hand, so an error must say *where* (file, sheet, row, column, in
the row numbers Excel shows) and *what was expected*, and it must list every problem at once:
a planner who fixes one cell only to be told about the next, twenty times over, gives up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MAX_REPORTED = 50


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None  # as the user sees it: spreadsheet row number, header row included
    column: str | None = None

    def __str__(self) -> str:
        where = [Path(self.file).name]
        if self.sheet is not None:
            where.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class DataError(ValueError):
    """Raised for bad input; carries every problem found (up to ``MAX_REPORTED``)."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        if not self.problems:
            raise ValueError("DataError needs at least one problem")
        super().__init__(self._render())

    @classmethod
    def single(cls, file: str, message: str, **where: object) -> DataError:
        """A ``DataError`` with one problem, for checks that stop at the first finding."""
        return cls([Problem(file, message, **where)])  # type: ignore[arg-type]

    def _render(self) -> str:
        shown = self.problems[:MAX_REPORTED]
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found in the data:"
        lines = [head, *(f"  - {p}" for p in shown)]
        if n > len(shown):
            lines.append(f"  … and {n - len(shown)} more (showing the first {len(shown)})")
        return "\n".join(lines)
