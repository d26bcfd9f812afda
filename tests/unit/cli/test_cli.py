"""The ``ntm`` command on the bundled data: outputs, JSON shapes and clean errors."""

from __future__ import annotations

import json

import pytest
from locations import REPO, TEST_DATA

from ntm_analysis.cli import EXIT_DATA_ERROR, EXIT_USAGE, LANG_ENV, commands, main
from ntm_analysis.io.reference import read_registry

DATA = TEST_DATA


@pytest.fixture(autouse=True)
def no_language_setting(monkeypatch):
    """Each test says its language (or gets the default), whatever the machine's NTM_LANG."""
    monkeypatch.delenv(LANG_ENV, raising=False)


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
    code, _, err = run(capsys, "summary", "--year", "1999", "--lang", "en")
    assert code == EXIT_DATA_ERROR and "year 1999 is not in the data" in err


def test_validate_wide_xlsx_with_vietnamese_headers(capsys):
    code, out, _ = run(capsys, "validate", str(DATA / "wide_title_rows.xlsx"), "--lang", "en")
    assert code == 0 and out.startswith("OK: ")
    assert "communes" in out
    code, out, _ = run(capsys, "validate", str(DATA / "wide_title_rows.xlsx"))
    assert code == 0 and out.startswith("Hợp lệ: ") and " xã" in out


def test_validate_bad_file_lists_problems_without_traceback(capsys):
    bad = str(DATA / "bad" / "bad_values.xlsx")
    code, out, err = run(capsys, "validate", bad, "--lang", "en")
    assert code == EXIT_DATA_ERROR and out == ""
    assert "bad_values.xlsx" in err and "row 5" in err and "TC7" in err
    assert "Traceback" not in err
    code, out, err = run(capsys, "validate", bad)  # Vietnamese unless told otherwise
    assert code == EXIT_DATA_ERROR and out == ""
    assert "bad_values.xlsx" in err and "dòng 5" in err and "cột 'TC7'" in err
    assert "row 5" not in err and "Traceback" not in err


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
    # the bundled data score the capacity form on every commune: the forecast draws the other
    # form in the share its weight leaves (mixbb13), and the JSON says so
    capacity = result["capacity"]
    assert capacity["choice"] == "data" and capacity["form"] in ("level", "count")
    assert 0.5 <= capacity["weight"] < 1
    assert capacity["other_share"] == pytest.approx(1 - capacity["weight"])


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
    argv = ["forecast", "--district", "Trang Dihn", "--draws", "10"]
    code, _, err = run(capsys, *argv, "--lang", "en")
    assert code == EXIT_USAGE and "did you mean Tràng Định" in err
    code, _, err = run(capsys, *argv)
    assert code == EXIT_USAGE and "Tràng Định" in err and "did you mean" not in err


def test_forecast_scenario_options(capsys):
    code, out, _ = run(capsys, "forecast", "--json", "--draws", "200", "--boost", "10:2")
    assert code == 0 and json.loads(out)["scenario"] == "scenario"


@pytest.mark.parametrize(
    ("lang", "usage", "options"),
    [("vi", "Cách dùng: ntm ", "tùy chọn:"), ("en", "usage: ntm ", "options:")],
)
def test_every_subcommand_explains_itself_in_the_chosen_language(capsys, lang, usage, options):
    listed = commands(lang)
    assert {"summary", "validate", "forecast", "backtest", "batch", "run"} <= set(listed)
    assert "--draws" in listed["forecast"] and "path" in listed["validate"]
    english_help = {text for helps in commands("en").values() for text in helps.values()}
    for name in listed:
        with pytest.raises(SystemExit) as info:
            main([name, "--help", "--lang", lang])
        assert info.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith(usage + name) and options in out
        if lang == "vi":  # no option is left with its English help
            helps = {text for text in listed[name].values() if text}
            assert not helps & english_help, helps & english_help


def test_the_language_can_be_set_once_in_the_environment(capsys, monkeypatch):
    monkeypatch.setenv(LANG_ENV, "en")
    with pytest.raises(SystemExit):
        main(["summary", "--help"])
    assert capsys.readouterr().out.startswith("usage: ntm summary")
    code, _, err = run(capsys, "summary", "--year", "1999", "--lang", "vi")  # --lang wins
    assert code == EXIT_DATA_ERROR and "1999" in err and "is not in the data" not in err


def test_a_mistyped_option_is_a_clean_error_in_the_chosen_language(capsys):
    with pytest.raises(SystemExit) as info:
        main(["forecast", "--draws", "many"])
    assert info.value.code == 2
    assert "ntm forecast: Lỗi: " in capsys.readouterr().err


def test_readme_shows_the_real_error_message(capsys):
    """The "when your file is rejected" example in the README is what the tool prints."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    bad = str(DATA / "bad" / "bad_values.xlsx")
    for lang in ("vi", "en"):
        code, _, err = run(capsys, "validate", bad, "--lang", lang)
        assert code == EXIT_DATA_ERROR
        lines = err.splitlines()
        assert len(lines) == 3 and lines[1].startswith("  - ") and lines[2].startswith("  - ")
        for line in lines:
            assert f"\n{line}\n" in readme


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


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "en",
            [
                "Main model",
                "Linear trend",
                "Damped trend",
                "Persistence",
                "Brier score",
                "Share inside the 80% interval",
                "0.0",
            ],
        ),
        (
            "vi",
            [
                "Mô hình chính",
                "Đường xu thế tuyến tính",
                "Xu thế tắt dần",
                "Giữ nguyên",
                "Điểm Brier",
                "Tỷ lệ rơi vào khoảng 80%",
                "0,0",
            ],
        ),
    ],
)
def test_backtest_prints_the_comparison_table(capsys, lang, words):
    code, out, _ = run(capsys, "backtest", "--draws", "100", "--lang", lang)
    assert code == 0
    for word in words:
        assert word in out
    assert "coverage80" not in out and "transition_no_trend" not in out


def test_forecast_as_of_uses_only_the_past_and_rejects_unknown_years(capsys):
    code, out, _ = run(capsys, "forecast", "--json", "--draws", "100", "--as-of", "2014")
    assert code == 0
    result = json.loads(out)
    assert result["as_of"] == 2014
    assert result["pace"]["as_of"] == 2014  # the pace check sees no year after 2014
    assert [row["year"] for row in result["yearly"]] == [2015, 2016, 2017, 2018, 2019, 2020]
    code, _, err = run(
        capsys, "forecast", "--as-of", "2030", "--year", "2035", "--draws", "10", "--lang", "en"
    )
    assert code == 2 and "as-of year 2030 is not a year of the data" in err
    assert "Traceback" not in err
    code, _, err = run(capsys, "forecast", "--as-of", "2030", "--year", "2035", "--draws", "10")
    assert code == 2 and err.startswith("Lỗi: ") and "2030 không có trong dữ liệu" in err


@pytest.mark.parametrize(
    ("argv", "vi", "en"),
    [
        (["--priority", "X99"], "không có xã mang mã X99", "unknown commune code X99"),
        (["--year", "2016"], "phải sau năm dữ liệu cuối 2016", "must be after the as-of year"),
        (["--draws", "0"], "số lần mô phỏng phải ít nhất là 1", "draws must be at least 1"),
    ],
)
def test_forecast_option_mistakes_are_explained_in_the_chosen_language(capsys, argv, vi, en):
    code, _, err = run(capsys, "forecast", *argv)
    assert code == 2 and vi in err and "Traceback" not in err
    code, _, err = run(capsys, "forecast", *argv, "--lang", "en")
    assert code == 2 and en in err


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
    from ntm_analysis.io.layout import write_panel
    from ntm_analysis.model.synthetic import simulate_panel

    panel = simulate_panel(registry=read_registry(units), seed=1)
    data = write_panel(panel, tmp_path / "thu.csv")
    code, out, _ = run(
        capsys, "forecast", "--json", "--draws", "50", "--data", str(data), "--units", str(units)
    )
    assert code == 0
    result = json.loads(out)
    assert result["unit"] == "Tỉnh Thử"
    assert result["target"] is None and result["probability"] is None


# --- one voice: numbers, words, names and exits (issue 15) ----------------------------------


def test_summary_writes_numbers_as_the_reader_does(capsys):
    _, out, _ = run(capsys, "summary")
    assert " 8,5 " in f" {out} " and "8.5" not in out
    _, out, _ = run(capsys, "summary", "--lang", "en")
    assert " 8.5 " in f" {out} "
    _, out, _ = run(capsys, "summary", "--json")
    assert '"Lạng Sơn"' in out and "\\u" not in out  # JSON: plain numbers, unescaped text
    assert isinstance(json.loads(out)[0]["mean_criteria"], float)


def test_a_decimal_comma_is_read_like_a_decimal_point(capsys):
    argv = ["forecast", "--json", "--draws", "100", "--seed", "3"]
    _, comma, _ = run(capsys, *argv, "--boost", "10:1,5", "--target", "70,5")
    _, point, _ = run(capsys, *argv, "--boost", "10:1.5", "--target", "70.5")
    assert json.loads(comma)["probability"] == json.loads(point)["probability"]
    assert json.loads(comma)["target"] == 70.5


def test_communes_are_accepted_by_name_as_well_as_by_code(capsys):
    argv = ["forecast", "--json", "--draws", "100", "--district", "Hữu Lũng"]
    _, by_code, _ = run(capsys, *argv, "--priority", "X18602", "X18604")
    _, by_name, _ = run(capsys, *argv, "--priority", "Xã HL-02", "hl-04")
    assert json.loads(by_name) == json.loads(by_code)
    _, no_priority, _ = run(capsys, *argv)
    assert json.loads(no_priority)["yearly"] != json.loads(by_code)["yearly"]  # names counted


@pytest.mark.parametrize(
    ("argv", "vi", "en"),
    [
        (["--target", "300"], "tỉnh Lạng Sơn có 207 xã", "Lạng Sơn province has 207 communes"),
        (["--district", "Hữu Lũng", "--target", "30"], "huyện Hữu Lũng có 25 xã", "has 25"),
        (["--target", "-1"], "không thể đạt", "impossible"),
    ],
)
def test_an_impossible_target_is_refused(capsys, argv, vi, en):
    code, out, err = run(capsys, "forecast", "--draws", "10", *argv)
    assert code == EXIT_USAGE and vi in err and out == ""
    code, _, err = run(capsys, "forecast", "--draws", "10", *argv, "--lang", "en")
    assert code == EXIT_USAGE and en in err


def test_argparse_speaks_vietnamese_with_vietnamese_placeholders(capsys):
    with pytest.raises(SystemExit) as info:
        main(["forecast", "--nonsense"])
    assert info.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert "không hiểu các tham số: --nonsense" in err and "unrecognized" not in err
    with pytest.raises(SystemExit):
        main(["validate"])
    assert "còn thiếu: TỆP" in capsys.readouterr().err
    for command in ("forecast", "batch", "validate"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = capsys.readouterr().out
        for english in ("COMMAND", "PATH", "C:ODDS", "CODE", "NAME", "DATA", "DRAWS", "YEAR"):
            assert english not in text, (command, english)
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "LỆNH" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["forecast", "--draws", "many", "--lang", "en"])
    assert "invalid integer value: 'many'" in capsys.readouterr().err


def test_a_misspelt_district_of_ntm_run_names_the_option_typed(capsys, tmp_path):
    code, _, err = run(capsys, "run", "--district", "Huu Lungg", "--out", str(tmp_path / "o"))
    assert code == EXIT_USAGE and "--district:" in err and "--districts" not in err
    assert "Hữu Lũng" in err


def test_a_wrong_units_file_names_the_columns_plainly(capsys):
    targets = str(REPO / "data" / "lang_son_targets.csv")
    code, _, err = run(capsys, "validate", str(DATA / "wide_title_rows.xlsx"), "--units", targets)
    assert code == EXIT_DATA_ERROR and "thiếu cột province_name, district_code" in err
    assert "[" not in err and "Traceback" not in err


def test_a_folder_that_cannot_be_written_and_ctrl_c_end_cleanly(capsys, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    code, _, err = run(capsys, "forecast", "--draws", "10", "--out", str(blocker / "out"))
    assert code == EXIT_DATA_ERROR and str(blocker) in err and "Traceback" not in err
    assert err.splitlines()[-1].startswith("Lỗi: không đọc hoặc ghi được")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("ntm_analysis.cli.load_panel", interrupted)
    code, _, err = run(capsys, "summary")
    assert code == 130 and err.startswith("Đã dừng theo yêu cầu") and "Traceback" not in err


def test_the_district_targets_template_round_trips_into_verdicts(capsys, tmp_path):
    """`ntm targets --template` writes a file a planner fills in; given back, a district
    gets a probability of its own target (the user's, never called official)."""
    import pandas as pd

    template = tmp_path / "muc_tieu_huyen.csv"
    code, out, _ = run(capsys, "targets", "--template", str(template), "--year", "2020")
    assert code == 0 and "ntm batch --district-targets" in out
    table = pd.read_csv(template, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(table.columns[:3]) == ["district", "year", "target"] and len(table) == 11
    assert set(table["target"]) == {""}
    huu_lung = table["district"] == "Hữu Lũng"
    assert table.loc[huu_lung, ["n_communes", "n_ntm_now"]].values.tolist() == [["25", "5"]]
    code, _, err = run(capsys, "targets", "--template", str(template))
    assert code == EXIT_DATA_ERROR and "tệp đã tồn tại" in err, "a filled file is never lost"

    table.loc[huu_lung, "target"] = "12"
    table.to_csv(template, index=False)
    argv = ["forecast", "--json", "--draws", "100", "--district", "Hữu Lũng"]
    _, out, _ = run(capsys, *argv, "--district-targets", str(template))
    result = json.loads(out)
    assert result["target"] == 12 and result["target_official"] is False
    assert 0 <= result["probability"] <= 1
    _, out, _ = run(capsys, *argv, "--target", "12")
    assert json.loads(out)["probability"] == result["probability"]


def test_a_bad_district_targets_file_lists_every_problem(capsys, tmp_path):
    bad = tmp_path / "targets.csv"
    bad.write_text(
        "Huyện,Năm,Mục tiêu\nHữu Lũng,2020,mười\nHữu Lũng,20x0,3\nBình Gia,2020,-1\n"
        "Bình Gia,2017,4\nTràng Định,2020,\n",
        encoding="utf-8",
    )
    argv = ["forecast", "--draws", "10", "--district", "Hữu Lũng", "--district-targets", str(bad)]
    code, _, err = run(capsys, *argv)
    assert code == EXIT_DATA_ERROR and "3 lỗi" in err
    assert "dòng 2, cột 'Mục tiêu'" in err and "'mười'" in err
    assert "dòng 3, cột 'Năm'" in err and "dòng 4, cột 'Mục tiêu'" in err


def test_compare_with_a_folder_without_reports_is_refused(capsys, tmp_path):
    argv = ["batch", "--out", str(tmp_path / "o"), "--dry-run", "--compare-with", str(tmp_path)]
    code, _, err = run(capsys, *argv)
    assert code == EXIT_USAGE and "--compare-with" in err and "không có báo cáo" in err


def test_batch_problems_name_the_option_typed(capsys, tmp_path):
    argv = ["batch", "--out", str(tmp_path / "o"), "--dry-run"]
    code, _, err = run(capsys, *argv, "--target", "300")
    assert code == EXIT_USAGE and "province_target" not in err
    assert "  - --target: chỉ tiêu 300 lớn hơn tổng số xã (207 xã)" in err
    code, _, err = run(capsys, *argv, "--district-target", "Hữu Lũng=30")
    assert code == EXIT_USAGE
    assert "  - --district-target: chỉ tiêu 30 lớn hơn số xã của huyện (25 xã)" in err


def test_forecast_targets_file_is_the_yearly_plan_reported(capsys, tmp_path):
    """``--targets`` is the plan whose yearly P(met) the result reports, not only the source
    of the headline target."""
    import pandas as pd

    from ntm_analysis.core.paths import default_targets_path

    plan = pd.read_csv(default_targets_path())
    rows = (plan["level"] == "province") & (plan["indicator"] == "n_ntm")
    plan.loc[rows & (plan["year"] == 2017), "value"] = 30.0
    own = tmp_path / "own_plan.csv"
    plan.to_csv(own, index=False)
    argv = ["forecast", "--json", "--draws", "200"]
    _, out, _ = run(capsys, *argv)
    bundled = {row["year"]: row for row in json.loads(out)["plan"]}
    code, out, _ = run(capsys, *argv, "--targets", str(own))
    assert code == 0
    mine = {row["year"]: row for row in json.loads(out)["plan"]}
    assert bundled[2017]["plan"] == 38 and mine[2017]["plan"] == 30
    assert mine[2017]["probability"] > bundled[2017]["probability"]
    assert mine[2020] == bundled[2020]


def test_forecast_registrations_file_reaches_the_model(capsys, tmp_path):
    registrations = tmp_path / "registered.csv"
    registrations.write_text("year,commune_code\n2017,X17801\n2017,X17802\n", encoding="utf-8")
    code, out, _ = run(
        capsys, "forecast", "--json", "--draws", "100", "--registrations", str(registrations)
    )
    assert code == 0
    # no registration history in the bundled panel: the push is a labelled scenario
    assert "registered:scenario" in json.loads(out)["model_notes"]
    _, out, _ = run(capsys, "forecast", "--json", "--draws", "100")
    assert "registered:scenario" not in json.loads(out)["model_notes"]
    bad = tmp_path / "bad.csv"
    bad.write_text("year,code\n2017,X17801\n", encoding="utf-8")
    code, out, err = run(
        capsys, "forecast", "--draws", "10", "--registrations", str(bad), "--lang", "en"
    )
    assert code == EXIT_DATA_ERROR and out == ""
    assert "bad.csv" in err and "commune_code" in err and "Traceback" not in err
