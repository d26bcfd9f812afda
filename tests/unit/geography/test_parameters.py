"""The geography options are notebook and batch parameters, with geography's own choices."""

from __future__ import annotations

import pytest

from ntm_analysis.core.errors import DataError
from ntm_analysis.core.params import (
    NOTEBOOKS,
    PARAMETERS,
    notebook_parameters,
    validate_parameters,
)
from ntm_analysis.geography.admin import registry
from ntm_analysis.geography.harmonise import DEFAULT_RULE, RULES


def test_the_parameter_choices_are_geographys_own():
    # core may not import geography, so the schema spells them out; this keeps them equal
    assert PARAMETERS["merge_rule"].choices == RULES
    assert PARAMETERS["merge_rule"].default == DEFAULT_RULE
    assert PARAMETERS["vintage"].choices == ("", *registry().keys())


@pytest.mark.parametrize("kind", ["province", "district"])
def test_every_report_notebook_declares_the_geography_parameters(kind):
    declared = notebook_parameters(NOTEBOOKS[kind])
    for name in ("vintage", "merge_rule", "assessed_path"):  # load_panel's options
        assert declared[name] == PARAMETERS[name].default


def test_a_wrong_rule_or_list_is_refused_before_any_kernel():
    with pytest.raises(ValueError) as info:
        validate_parameters({"merge_rule": "most", "vintage": "2019"})
    text = str(info.value)
    assert "merge_rule" in text and "vintage" in text


def test_the_batch_loads_the_data_with_the_rule_it_is_given(tmp_path):
    """`ntm batch --merge-rule assessed` without assessments: the batch's own load (before
    any kernel) applies the rule and refuses, naming the merged units it has no assessment
    for — the rule is not dropped on the way."""
    from locations import TEST_DATA

    from ntm_analysis.batch.run import run_batch

    with pytest.raises(DataError) as info:
        run_batch(
            tmp_path / "out",
            data=TEST_DATA / "admin_synthetic_values_2018_2020.csv",
            merge_rule="assessed",
            dry_run=True,
            progress=False,
            target_year=2022,
        )
    assert "Liên Hội" in str(info.value)


def test_a_batch_on_2025_units_makes_the_province_report_and_no_district(tmp_path):
    from locations import TEST_DATA

    from ntm_analysis.batch.run import run_batch
    from ntm_analysis.core.params import ParameterError

    data = TEST_DATA / "admin_synthetic_values_2025_2026.csv"
    plan = run_batch(tmp_path / "out", data=data, target_year=2028, dry_run=True, progress=False)
    assert plan.planned == ["province"]  # no district exists after 1 Jul 2025
    with pytest.raises(ParameterError) as info:
        run_batch(
            tmp_path / "out",
            data=data,
            target_year=2028,
            districts=["Văn Quan"],
            dry_run=True,
            progress=False,
        )
    assert "there are no districts from 1 Jul 2025" in str(info.value)


def test_another_rule_or_list_is_another_cached_forecast():
    from ntm_analysis.analysis.cache import analysis_meta, cache_key

    common = dict(as_of=2016, target_year=2020, draws=10, seed=0, scenario=None, backtest_draws=0)
    plain = analysis_meta("sha", **common)
    assert analysis_meta("sha", **common, vintage="", merge_rule="all") == plain  # defaults
    keys = {
        cache_key(analysis_meta("sha", **common, vintage=v, merge_rule=rule))
        for v, rule in (("", "all"), ("", "largest"), ("2020", "all"))
    }
    assert len(keys) == 3
