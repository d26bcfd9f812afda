"""The one copy of each rule a run's settings keep against the data (core.rules), and the
callers that word it: the parameter checks, the forecast and the command line refuse the
same cases."""

from __future__ import annotations

import pytest

from ntm_analysis.core.errors import MessageError
from ntm_analysis.core.rules import as_of_in_data, target_possible, target_year_after
from ntm_analysis.model.forecast import check_as_of, run_forecast


def test_the_as_of_year_must_be_a_year_of_the_data():
    assert as_of_in_data([2011, 2012, 2013], 2012)
    assert not as_of_in_data([2011, 2012, 2013], 2014)
    assert not as_of_in_data([2011, 2013], 2012)  # a gap is not a year of the data


def test_the_target_year_must_come_after_the_last_year():
    assert target_year_after(2020, 2016)
    assert not target_year_after(2016, 2016)
    assert not target_year_after(2015, 2016)


@pytest.mark.parametrize(
    ("target", "n", "possible"),
    [(0, 10, True), (10, 10, True), (10.5, 10, False), (-1, 10, False), (3.5, 10, True)],
)
def test_a_target_is_possible_from_none_to_every_commune(target, n, possible):
    assert target_possible(target, n) is possible


def test_the_forecast_refuses_what_the_rules_refuse(small_panel):
    panel = small_panel
    last = panel.years[-1]
    assert check_as_of(panel, last) == last
    with pytest.raises(MessageError, match="not a year of the data"):
        check_as_of(panel, last + 1)
    with pytest.raises(MessageError, match="must be after"):
        run_forecast(panel, target_year=last, n_draws=1)
