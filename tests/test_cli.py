"""The ``ntm`` command on the bundled data: outputs, JSON shapes and clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ntm_analysis.cli import build_parser, main

DATA = Path(__file__).parent / "data"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_summary_json_has_the_published_2016_figures(capsys):
    code, out, _ = run(capsys, "summary", "--json")
    assert code == 0
    (row,) = json.loads(out)
    assert row["unit"] == "Lạng Sơn" and row["year"] == 2016
    assert row["n_communes"] == 207 and row["n_ntm"] == 24
    assert round(row["mean_criteria"], 1) == 8.5
    assert {"unit", "year", "n_communes", "n_ntm", "mean_criteria", "n_below_5"} <= set(row)


def test_summary_table_by_district_in_english(capsys):
    code, out, err = run(capsys, "summary", "--by", "district", "--year", "2015", "--lang", "en")
    assert code == 0
    assert "Tràng Định" in out and "Communes meeting the NTM standard" in out
    assert "synthetic" in err.lower()
    assert len(out.strip().splitlines()) == 1 + 11


def test_summary_unknown_year_is_a_clean_error(capsys):
    code, _, err = run(capsys, "summary", "--year", "1999")
    assert code == 2 and "year 1999 is not in the data" in err


def test_validate_wide_xlsx_with_vietnamese_headers(capsys):
    code, out, _ = run(capsys, "validate", str(DATA / "wide_title_rows.xlsx"))
    assert code == 0 and out.startswith("OK: ")
    assert "communes" in out


def test_validate_bad_file_lists_problems_without_traceback(capsys):
    code, out, err = run(capsys, "validate", str(DATA / "bad" / "bad_values.xlsx"))
    assert code == 2 and out == ""
    assert "bad_values.xlsx" in err and "row 5" in err and "TC7" in err
    assert "Traceback" not in err


def test_forecast_json_answers_the_77_question(capsys):
    code, out, _ = run(capsys, "forecast", "--json", "--draws", "300")
    assert code == 0
    result = json.loads(out)
    assert result["unit"] == "Lạng Sơn" and result["as_of"] == 2016 and result["year"] == 2020
    assert result["target"] == 77 and result["target_official"] is True
    assert 0 <= result["probability"] <= 1
    lo80, hi80 = result["interval80"]
    lo95, hi95 = result["interval95"]
    assert lo95 <= lo80 <= result["median"] <= hi80 <= hi95
    assert [row["year"] for row in result["yearly"]] == [2017, 2018, 2019, 2020]
    criteria = result["mean_criteria"]
    assert criteria["target"] == 13.8 and 0 <= criteria["probability"] <= 1
    assert criteria["pace"]["required_per_year"] == pytest.approx((13.8 - 8.536) / 4, abs=1e-3)


def test_forecast_text_for_a_district_with_an_explicit_target(capsys):
    code, out, _ = run(
        capsys,
        "forecast",
        "--district",
        "huyen trang dinh",
        "--target",
        "8",
        "--draws",
        "200",
        "--lang",
        "en",
    )
    assert code == 0
    assert "Probability of reaching 8 NTM communes by 2020" in out


def test_forecast_unknown_district_suggests(capsys):
    code, _, err = run(capsys, "forecast", "--district", "Trang Dihn", "--draws", "10")
    assert code == 2 and "did you mean Tràng Định" in err


def test_forecast_scenario_options(capsys):
    code, out, _ = run(capsys, "forecast", "--json", "--draws", "200", "--boost", "10:2")
    assert code == 0 and json.loads(out)["scenario"] == "scenario"


def test_every_subcommand_explains_itself(capsys):
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert {"summary", "validate", "forecast", "backtest"} <= set(commands)
    for name in commands:
        with pytest.raises(SystemExit) as info:
            main([name, "--help"])
        assert info.value.code == 0
        assert "usage: ntm " + name in capsys.readouterr().out


def test_readme_shows_the_real_error_message(capsys):
    """The "when your file is rejected" example in the README is what the tool prints."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    code, _, err = run(capsys, "validate", str(DATA / "bad" / "bad_values.xlsx"))
    assert code == 2
    problem_lines = [line for line in err.splitlines() if line.startswith("  - ")]
    assert len(problem_lines) == 2
    for line in problem_lines:
        assert line in readme


def test_forecast_writes_json_and_parquet_tables(capsys, tmp_path):
    import pandas as pd

    code, _, _ = run(capsys, "forecast", "--draws", "100", "--out", str(tmp_path))
    assert code == 0
    result = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert result["target"] == 77
    yearly = pd.read_parquet(tmp_path / "yearly.parquet")
    assert set(yearly["unit_code"]) == {0, 178, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189}
    communes = pd.read_parquet(tmp_path / "communes.parquet")
    assert len(communes) == 207 * 4 and communes["p_ntm"].between(0, 1).all()
    province = yearly[yearly["unit_code"] == 0].set_index("year")["mean"]
    districts = yearly[yearly["unit_code"] != 0].groupby("year")["mean"].sum()
    pd.testing.assert_series_equal(province, districts, check_names=False)


def test_backtest_prints_the_comparison_table(capsys):
    code, out, _ = run(capsys, "backtest", "--draws", "100", "--lang", "en")
    assert code == 0
    for method in ["transition", "linear_trend", "damped_trend", "persistence"]:
        assert method in out
    assert "coverage80" in out and "brier" in out


def test_forecast_as_of_uses_only_the_past_and_rejects_unknown_years(capsys):
    code, out, _ = run(capsys, "forecast", "--json", "--draws", "100", "--as-of", "2014")
    assert code == 0
    result = json.loads(out)
    assert result["as_of"] == 2014
    assert result["pace"]["as_of"] == 2014  # the pace check sees no year after 2014
    assert [row["year"] for row in result["yearly"]] == [2015, 2016, 2017, 2018, 2019, 2020]
    code, _, err = run(capsys, "forecast", "--as-of", "2030", "--year", "2035", "--draws", "10")
    assert code == 2 and "as-of year 2030 is not a year of the data" in err
    assert "Traceback" not in err


def test_json_outputs_say_the_data_is_synthetic(capsys):
    _, out, _ = run(capsys, "summary", "--json")
    assert json.loads(out)[0]["synthetic"] is True
    _, out, _ = run(capsys, "forecast", "--json", "--draws", "50")
    assert json.loads(out)["synthetic"] is True


def test_another_provinces_panel_never_gets_lang_son_targets(capsys, tmp_path):
    units = tmp_path / "units.csv"
    units.write_text(
        "province_code,province_name,district_code,district_name,district_type,short,n_communes\n"
        "99,Tỉnh Thử,901,Huyện Một,Huyện,HM,4\n",
        encoding="utf-8",
    )
    from ntm_analysis.communes import Registry
    from ntm_analysis.layout import write_panel
    from ntm_analysis.synthetic import simulate_panel

    panel = simulate_panel(registry=Registry.from_csv(units), seed=1)
    data = write_panel(panel, tmp_path / "thu.csv")
    code, out, _ = run(
        capsys, "forecast", "--json", "--draws", "50", "--data", str(data), "--units", str(units)
    )
    assert code == 0
    result = json.loads(out)
    assert result["unit"] == "Tỉnh Thử"
    assert result["target"] is None and result["probability"] is None
