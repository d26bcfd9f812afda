"""Parameter, scenario and output-folder errors in Vietnamese and English.

The counterpart of ``test_error_messages`` for the mistakes that are not in a data file:
every ``ParameterError`` the library raises (params, batch, executor), a bad scenario
(``forecast.ScenarioError``) and an output folder that cannot be used (``lock.OutputError``).
Each is made here the way a user makes it, and its Vietnamese must be a real translation:
Vietnamese words on every line, none of the English ones, no unfilled ``{field}``, and not
the English text. ``str()`` stays English (logs, the other tests).
"""

from __future__ import annotations

import ast
import os
import pickle
import sys
import unicodedata
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from wording import ENGLISH_WORDS, PACKAGE, UNFILLED, VIETNAMESE, without_quoted

from ntm_analysis import cli
from ntm_analysis.analysis import cache as analysis_cache
from ntm_analysis.batch import executor
from ntm_analysis.batch import run as batch
from ntm_analysis.batch.lock import LOCK_FILE, OutputError, OutputLocked, output_lock
from ntm_analysis.core import params
from ntm_analysis.core.errors import MessageError, Msg, os_reason
from ntm_analysis.core.params import ParameterError, validate_parameters
from ntm_analysis.core.scenario import Scenario, ScenarioError
from ntm_analysis.io.load import load_panel
from ntm_analysis.io.reference import read_registry
from ntm_analysis.report.pdf import CHROMIUM_ENV


@pytest.fixture(scope="module")
def panel():
    return load_panel()


@pytest.fixture(scope="module")
def registry():
    return read_registry()


@pytest.fixture
def no_kernels(monkeypatch):
    """Fail the test if anything would simulate or start a notebook."""

    def forbidden(*args, **kwargs):
        raise AssertionError("a kernel or the simulation started")

    for name in ("run_local", "run_dask", "run_unit", "start_workers"):
        monkeypatch.setattr(executor, name, forbidden)
    monkeypatch.setattr(analysis_cache, "ensure_analysis", forbidden)


def assert_vietnamese(text: str, english: str, *, paths: tuple[object, ...] = ()) -> None:
    """``text`` is a real Vietnamese rendering of ``english``. ``paths`` (temporary folders,
    which hold English words such as "pytest-of-root") are the user's and are left out."""
    assert text != english
    assert not UNFILLED.search(text), text
    assert unicodedata.is_normalized("NFC", text)
    for path in paths:
        text = text.replace(str(path), "")
    for line in text.splitlines():
        bare = without_quoted(line)
        assert VIETNAMESE.search(bare), line
        assert not ENGLISH_WORDS.findall(bare), (ENGLISH_WORDS.findall(bare), line)


def check(error: Exception, *expected_en: str, paths: tuple[object, ...] = ()) -> str:
    """The checks every error here passes; returns its Vietnamese."""
    vi, en = error.render("vi"), error.render("en")
    assert str(error) == en
    for words in expected_en:
        assert words in en, (words, en)
    assert_vietnamese(vi, en, paths=paths)
    if isinstance(error, ParameterError):
        n = len(error.problems)
        assert vi.splitlines()[0] == f"Tham số có {n} lỗi cần sửa:"
        problems = "problem" if n == 1 else "problems"
        assert en.splitlines()[0] == f"{n} {problems} with the parameters:"
        assert len(vi.splitlines()) == len(en.splitlines()) == n + 1
        for problem in error.problems:  # each one translated, not only the count above them
            assert problem.render("vi") != problem.render("en")
            assert f"  - {problem.render('vi')}" in vi
    again = pickle.loads(pickle.dumps(error))  # a worker process may raise it
    assert type(again) is type(error) and again.render("vi") == vi and str(again) == en
    return vi


def refused(call, *args, **kwargs) -> ParameterError:
    with pytest.raises(ParameterError) as info:
        call(*args, **kwargs)
    return info.value


# --------------------------------------------------------------------------- one value


def test_types_choices_and_limits(panel, registry):
    error = refused(
        validate_parameters,
        {
            "draws": "200",
            "lang": "fr",
            "seed": -1,
            "criterion": 25,
            "results_path": None,
            "as_of": "2015",
            "province_target": "77",
            "district": 5,
            "scenario": [1],
        },
    )
    vi = check(
        error,
        "draws: expected a whole number, got str '200'",
        "lang: must be one of ['vi', 'en'], got 'fr'",
        "seed: must be at least 0, got -1",
        "criterion: must be at most 19, got 25",
        "results_path: must not be None",
        "as_of: expected a whole number or None, got str '2015'",
        "province_target: expected a number or None",
        "district: expected a string, got int 5",
        "scenario: expected a dict or None",
    )
    assert "draws: cần một số nguyên, nhưng nhận được str '200'" in vi
    assert "seed: không được nhỏ hơn 0, nhưng nhận được -1" in vi


def test_values_that_are_not_plain_json():
    error = refused(
        validate_parameters,
        {
            "draws": np.int64(2),
            "province_target": np.float64(2.0),
            "as_of": pd.NA,
            "seed": float("nan"),
            "scenario": {1: 2, "x": (1,), "y": {1, 2}},
        },
    )
    vi = check(
        error,
        "is a numpy value, not plain JSON; convert it with int(...)",
        "convert it with float(...)",
        "is a pandas value, not plain JSON; convert it with a plain Python value",
        "seed: nan is not a finite number",
        "scenario: key 1 must be a string",
        "scenario['x']: a tuple is not JSON; use a list",
        "scenario['y']: set is not JSON-safe",
    )
    assert "hãy chuyển đổi bằng một giá trị Python thông thường" in vi


def test_names_and_the_parameters_themselves():
    check(refused(validate_parameters, [1]), "parameters must be a dict, got list")
    error = refused(validate_parameters, {1: 2, "nope": 3})
    vi = check(error, "parameter name 1 must be a string", "unknown parameter 'nope'; known:")
    assert "không có tham số 'nope'; các tham số hiện có:" in vi


# --------------------------------------------------------------------------- notebooks


def _notebook(path: Path, source: str | None) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(source or "x = 1")
    if source is not None:
        cell.metadata["tags"] = ["parameters"]
    nb.cells.append(cell)
    nbformat.write(nb, path)
    return path


def test_notebook_parameters(tmp_path):
    error = refused(validate_parameters, {"drwas": 1}, "district")
    check(error, "unknown parameter ['drwas'] for district_forecast.ipynb", "missing parame")
    missing = tmp_path / "none.ipynb"
    check(
        refused(validate_parameters, {}, missing), f"notebook {missing} not found", paths=[missing]
    )
    untagged = _notebook(tmp_path / "untagged.ipynb", None)
    check(refused(validate_parameters, {}, untagged), "expected one cell tagged 'parameters'")
    extra = _notebook(tmp_path / "extra.ipynb", "bogus = 1")
    vi = check(refused(validate_parameters, {"bogus": 1}, extra), "declares parameter ['bogus']")
    assert "extra.ipynb khai báo tham số ['bogus']" in vi


@pytest.mark.parametrize(
    ("quote", "words"),
    [
        (lambda v: f'"{v}', "would be injected as invalid Python"),
        (lambda v: f'"{v}"', "would be injected as code:"),
        (lambda v: v, "would be injected as code, not a value"),
        (lambda v: '"other"', "would not reach the notebook unchanged"),
    ],
    ids=["invalid", "code", "value-code", "changed"],
)
def test_values_that_would_not_reach_the_notebook_inert(monkeypatch, quote, words):
    from papermill.translators import PythonTranslator

    monkeypatch.setattr(PythonTranslator, "translate_str", classmethod(lambda c, v: quote(v)))
    value = "os.getcwd()" if words.endswith("not a value") else 'x"; import os; "'
    if words.startswith("would not"):
        value = "x"
    problems = params.injection_problems({"district": value})
    assert problems
    check(ParameterError(problems), words)


# --------------------------------------------------------------------------- with the data


def test_the_data_the_districts_and_the_targets(panel, registry):
    values = {
        "data_path": "/nonexistent/x.csv",
        "district": "Trang Dihn",
        "as_of": 2030,
        "target_year": 2011,
        "province_target": 500,
    }
    error = refused(validate_parameters, values, panel=panel, registry=registry)
    vi = check(
        error,
        "data_path: file '/nonexistent/x.csv' not found",
        "district: unknown district 'Trang Dihn' in Lạng Sơn; did you mean Tràng Định?",
        "as_of: 2030 is not a year of the data (2011–2016)",
        "target_year: 2011 must be after the as-of year 2030",
        "province_target: 500 is more than the 207 communes",
    )
    assert "district: không tìm thấy huyện 'Trang Dihn' ở Lạng Sơn; có phải là Tràng Định" in vi
    values = {
        "as_of": 2011,
        "district": "Tràng Định",
        "district_target": 100,
        "scenario": {"priority_communes": ["X99999"]},
    }
    error = refused(validate_parameters, values, panel=panel, registry=registry)
    check(
        error,
        "as_of: 2011 is the first year",
        "district_target: 100 is more than the district's 22 communes",
        "scenario: unknown priority commune code ['X99999']",
    )
    elsewhere = panel.subset(districts=[180])
    error = refused(
        validate_parameters, {"district": "Bình Gia"}, panel=elsewhere, registry=registry
    )
    vi = check(error, "district: 'Bình Gia' has no communes in the data")
    assert vi.endswith("district: 'Bình Gia' không có xã nào trong dữ liệu")


@pytest.mark.parametrize(
    ("scenario", "words"),
    [
        (
            {
                "criterion_odds": {"25": 2, "x": 1, "3": -1, "4": "a"},
                "colour": "red",
                "priority_odds": True,
                "name": "",
                "priority_communes": "X18001",
            },
            [
                "scenario: invalid scenario: unknown scenario key 'colour'",
                "criterion must be 1–19, got 25",
                "'x' is not a criterion number",
                "criterion_odds['3']: odds must be positive",
                "criterion_odds['4']: expected a number, got 'a'",
                "priority_communes must be a list",
                "priority_odds: expected a number, got True",
                "name must be a non-empty string",
            ],
        ),
        (
            {"criterion_odds": [], "priority_odds": -1},
            ["criterion_odds must be a mapping such as", "priority_odds must be positive"],
        ),
    ],
    ids=["every-problem", "odds-and-priority"],
)
def test_a_scenario_parameter(scenario, words):
    error = refused(validate_parameters, {"scenario": scenario})
    vi = check(error, *words)
    assert "scenario: kịch bản không hợp lệ: " in vi
    with pytest.raises(ScenarioError) as info:  # also a ValueError, as it always was
        Scenario.from_dict(scenario)
    assert isinstance(info.value, ValueError)
    assert f"  - scenario: {check(info.value)}" in vi


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"criterion_odds": {25: 2.0}}, "scenario 'baseline': criterion must be 1–19, got 25"),
        ({"criterion_odds": {10: -1.0}}, "odds must be positive, got -1.0"),
        ({"priority_odds": 0.0}, "priority_odds must be positive"),
    ],
)
def test_a_scenario_made_in_code(kwargs, words):
    with pytest.raises(ScenarioError) as info:
        Scenario(**kwargs)
    check(info.value, words)


# --------------------------------------------------------------------------- the batch


def test_what_the_batch_runs(panel, registry):
    check(refused(batch.plan_units, registry, panel, [], province=False), "nothing to run")
    error = refused(batch.plan_units, registry, panel, ["Nowhere", "Trang Dihn"])
    vi = check(error, "--districts: unknown district 'Nowhere'", "--districts: unknown district")
    assert "--districts: không tìm thấy huyện 'Nowhere' ở Lạng Sơn. Các huyện hiện có:" in vi


def test_the_batch_files_and_targets(panel_file, tmp_path, no_kernels):
    error = refused(
        batch.run_batch,
        tmp_path / "out",
        data="/nonexistent/panel.csv",
        units="/nonexistent/units.csv",
        progress=False,
    )
    check(error, "data: file '/nonexistent/panel.csv' not found", "units: file")
    error = refused(
        batch.run_batch,
        tmp_path / "out",
        data=panel_file,
        district_targets={"Atlantis": 2},
        province_target=20,
        progress=False,
    )
    check(error, "district_targets: unknown district 'Atlantis'")
    assert not (tmp_path / "out").exists()


def test_pdf_without_chromium(tmp_path, monkeypatch):
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "no-such-browser"))
    vi = check(
        refused(batch.pdf_printer, True), "pdf: Chromium not found", "apt-get install chromium"
    )
    assert "apt-get install chromium" in vi and CHROMIUM_ENV in vi


def test_what_the_batch_needs_installed(monkeypatch):
    check(refused(executor.require_kernel, "no-such-kernel"), "kernel 'no-such-kernel' is not")
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    vi = check(refused(executor.require_dask), "pip install 'ntm-analysis[dask]'")
    assert "pip install 'ntm-analysis[dask]'" in vi


class _Client:
    """A Dask client with one worker, whose disk holds this machine's files elsewhere
    (``moved``), or whose file check cannot run (``broken``)."""

    def __init__(self, moved=None, workers=("tcp://10.0.0.2:4000",), token=None, broken=False):
        self.moved, self.workers, self.token, self.broken = moved, workers, token, broken

    def scheduler_info(self):
        return {"workers": {w: {} for w in self.workers}}

    def wait_for_workers(self, n, timeout=None):
        raise TimeoutError

    def run(self, function, probe, token, paths):
        if self.broken:
            raise RuntimeError("boom")
        if self.moved:
            probe = probe.replace(*self.moved)
            paths = [p.replace(*self.moved) for p in paths]
        return {w: function(probe, self.token or token, paths) for w in self.workers}


def test_a_dask_cluster_that_cannot_see_the_files(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("x", encoding="utf-8")
    staging = tmp_path / "out" / ".staging" / "run"
    check_files = executor.check_dask_filesystem
    error = refused(
        check_files, _Client(moved=(str(tmp_path), "/nonexistent/mount")), staging, [data]
    )
    vi = check(
        error,
        "--dask needs a filesystem shared with the workers",
        "worker tcp://10.0.0.2:4000: cannot read /nonexistent/mount/out/.staging/run/dask-probe-",
        ": No such file or directory",
        "worker tcp://10.0.0.2:4000: /nonexistent/mount/data.csv not found",
        "worker tcp://10.0.0.2:4000: cannot write to /nonexistent/mount/out/.staging/run:",
    )
    assert "worker của Dask tcp://10.0.0.2:4000: không tìm thấy /nonexistent/mount/data.csv" in vi
    assert "không có tệp hoặc thư mục này" in vi  # the system's reason, translated
    error = refused(check_files, _Client(token="other"), staging, [data])
    check(error, "has other contents there", paths=[tmp_path])
    check(refused(check_files, _Client(workers=()), staging, [data]), "has no workers")
    check(refused(check_files, _Client(broken=True), staging, [data]), "(RuntimeError: boom)")


# --------------------------------------------------------------------------- the output folder


def test_an_output_folder_that_cannot_be_made(tmp_path):
    blocker = tmp_path / "tệp"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(OutputError) as info, output_lock(blocker / "out", "mine"):
        pass
    assert isinstance(info.value, ValueError) and not isinstance(info.value, OutputLocked)
    vi = check(info.value, "cannot write to the output folder", "Not a directory", paths=[tmp_path])
    assert vi.endswith("/tệp/out: một phần của đường dẫn không phải là thư mục")


def _second_lock(out: Path) -> OutputLocked:
    with pytest.raises(OutputLocked) as info, output_lock(out, "second"):
        pass
    return info.value


def test_a_locked_output_folder_names_its_holder(tmp_path):
    out = tmp_path / "out"
    with output_lock(out, "run-42"):
        error = _second_lock(out)
    vi = check(
        error, f"another ntm batch is writing to {out} (process {os.getpid()}, run ", paths=[out]
    )
    assert f"(tiến trình {os.getpid()}, lượt chạy run-42, bắt đầu lúc " in vi
    assert "hãy chờ lượt đó chạy xong hoặc dùng thư mục --out khác" in vi


@pytest.mark.parametrize(
    ("holder", "words_vi", "words_en"),
    [
        ("", "(một tiến trình vừa khởi động)", "(a process that has just started)"),
        ("ntm 0.9 on host-7", "(ntm 0.9 on host-7)", "(ntm 0.9 on host-7)"),  # as it is
    ],
    ids=["starting", "other-text"],
)
def test_a_lock_held_by_a_process_that_wrote_nothing_yet(tmp_path, holder, words_vi, words_en):
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK_FILE).write_text(holder, encoding="utf-8")
    fd = os.open(out / LOCK_FILE, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        error = _second_lock(out)
    finally:
        os.close(fd)
    assert words_en in str(error) and words_vi in error.render("vi")
    if not holder:
        check(error, paths=[out])


# --------------------------------------------------------------------------- the command line


@pytest.fixture
def run_cli(monkeypatch, capsys):
    monkeypatch.delenv(cli.LANG_ENV, raising=False)

    def run(*argv: str, code: int = cli.EXIT_USAGE) -> str:  # parameters: the command line
        assert cli.main(list(argv)) == code
        captured = capsys.readouterr()
        assert captured.out == ""
        return captured.err.rstrip("\n")

    return run


def test_the_command_line_reports_bad_parameters_in_the_users_language(tmp_path, run_cli):
    argv = ["batch", "--out", str(tmp_path / "out"), "--districts", "Nowhere", "--dry-run"]
    vi, en = run_cli(*argv), run_cli(*argv, "--lang", "en")
    assert vi.startswith(
        "Tham số có 1 lỗi cần sửa:\n  - --districts: không tìm thấy huyện 'Nowhere'"
    )
    assert en.startswith("1 problem with the parameters:\n  - --districts: unknown district")
    assert_vietnamese(vi, en)
    assert not (tmp_path / "out").exists()


def test_the_command_line_reports_a_locked_folder_in_the_users_language(
    tmp_path, run_cli, no_kernels
):
    out = tmp_path / "out"
    argv = ["batch", "--out", str(out), "--districts", "Tràng Định", "--no-pdf", "--no-progress"]
    with output_lock(out, "run-42"):
        locked = cli.EXIT_DATA_ERROR  # the output folder, not the command line
        vi, en = run_cli(*argv, code=locked), run_cli(*argv, "--lang", "en", code=locked)
    assert vi.startswith(f"Lỗi: một lượt chạy ntm batch khác đang ghi vào {out} (tiến trình ")
    assert "lượt chạy run-42" in vi
    assert en.startswith(f"error: another ntm batch is writing to {out} (process ")
    assert_vietnamese(vi, en, paths=[out])


def test_the_command_line_reports_a_bad_scenario_in_the_users_language(run_cli):
    argv = ["forecast", "--boost", "25:2", "--draws", "10"]
    vi, en = run_cli(*argv), run_cli(*argv, "--lang", "en")
    assert vi == "Lỗi: kịch bản 'scenario': tiêu chí phải từ 1 đến 19, nhưng nhận được 25"
    assert en == "error: scenario 'scenario': criterion must be 1–19, got 25"


# --------------------------------------------------------------------------- the frame


def test_an_english_sentence_is_refused_where_it_is_raised():
    with pytest.raises(TypeError):
        ParameterError(["nothing to run"])
    with pytest.raises(TypeError):
        ParameterError([])
    with pytest.raises(TypeError):
        OutputError("cannot write")  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="no translation"):
        ParameterError([Msg("error.param.no_such_key")])


def test_a_system_reason_not_known_is_the_systems_own_text():
    assert os_reason(OSError(999, "Something odd")) == "Something odd"
    assert os_reason(OSError(2, "No such file or directory")).render("vi") == (
        "không có tệp hoặc thư mục này"
    )


ERROR_TYPES = {"ParameterError", "MessageError", "OutputError", "OutputLocked", "ScenarioError"}


def _english(node: ast.AST) -> bool:
    """A finished sentence: a string literal or an f-string (not a key of the table)."""
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and not node.value.startswith("error.")
    )


def test_no_parameter_or_output_message_is_written_inline():
    """These errors take ``Msg`` values: never a sentence, nor a list of them, nor a problem
    appended to a list of problems as text (the scan covers the whole package)."""
    inline = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            args = list(node.args)
            if name in ERROR_TYPES:
                for arg in args:
                    items = arg.elts if isinstance(arg, ast.List | ast.Tuple) else [arg]
                    items += [arg.elt] if isinstance(arg, ast.ListComp) else []
                    if any(_english(item) for item in items):
                        inline.append(f"{path.name}:{node.lineno}")
            target = getattr(func, "value", None)
            if (
                name == "append"
                and isinstance(target, ast.Name)
                and "problem" in target.id
                and any(_english(arg) for arg in args)
            ):
                inline.append(f"{path.name}:{node.lineno}")
    assert inline == []


@pytest.mark.parametrize(
    "error",
    [
        ParameterError([Msg("error.param.nothing_to_run")]),
        OutputError(Msg("error.param.dask_no_workers")),
        ScenarioError(Msg("error.forecast.draws", draws=0)),
        MessageError(Msg("error.forecast.draws", draws=0)),
    ],
    ids=lambda e: type(e).__name__,
)
def test_every_message_error_type_is_rendered_by_the_command_line(error, capsys, monkeypatch):
    """``cli.main`` prints ``render(lang)`` for these, never their English ``str()``."""
    assert isinstance(error, ValueError)

    def fails(args):
        raise error

    monkeypatch.setattr(cli, "cmd_summary", fails)
    for lang in ("vi", "en"):
        expected = cli.EXIT_DATA_ERROR if isinstance(error, OutputError) else cli.EXIT_USAGE
        assert cli.main(["summary", "--lang", lang]) == expected
        assert error.render(lang) in capsys.readouterr().err
    assert error.render("vi") != str(error)
