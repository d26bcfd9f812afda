"""The rules a run's settings keep against the data, written once.

The parameter checks (``core.params``, before any kernel starts), the forecast
(``model.forecast``) and the command line (``cli``) all ask these; each words the refusal in
its own place (a parameter names the setting, the CLI its option), so the wording may differ
but the rule cannot.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["as_of_in_data", "target_possible", "target_year_after"]


def as_of_in_data(years: Sequence[int], as_of: int) -> bool:
    """The as-of year must be a year of the data: the forecast starts from its criteria."""
    return as_of in years


def target_year_after(target_year: int, last: int) -> bool:
    """The target year must come after the last year used: otherwise there is nothing to
    forecast, only data to read."""
    return target_year > last


def target_possible(target: float, n_communes: int) -> bool:
    """A target (communes meeting the standard) some outcome can reach: 0 up to the unit's
    number of communes."""
    return 0 <= target <= n_communes
