"""Errors a planner reads: translatable messages, problems placed by file, sheet, row and
column, every problem listed under a count (up to a limit), and pickling across processes."""

from __future__ import annotations

import errno
import pickle

import pytest

from ntm_analysis.core.errors import (
    MAX_REPORTED,
    DataError,
    Join,
    MessageError,
    Msg,
    Problem,
    either,
    os_reason,
)


def test_a_message_is_written_in_the_language_asked_and_is_hashable():
    msg = Msg("error.where.row", row=7)
    assert (msg.render("vi"), msg.render("en")) == ("dòng 7", "row 7")
    assert msg == Msg("error.where.row", row=7) and len({msg, Msg("error.where.row", row=7)}) == 1
    assert msg != Msg("error.where.row", row=8)


def test_joined_values_and_words_inside_them_follow_the_sentence():
    alternatives = either(["A", Msg("error.where.row", row=2)])
    assert alternatives.render("vi") == "A hoặc dòng 2"
    assert alternatives.render("en") == "A or row 2"
    assert Join(("x", "y")).render("en") == "x, y"
    assert Join(("x", "y"), sep="; ").render("vi") == "x; y"


def test_a_problem_says_where_as_the_spreadsheet_shows_it():
    problem = Problem(
        "/some/folder/data.xlsx", "error.where.row", {"row": 1}, sheet="2016", row=5, column="TC7"
    )
    assert problem.render("en") == "data.xlsx, sheet '2016', row 5, column 'TC7': row 1"
    assert problem.render("vi") == "data.xlsx, trang tính '2016', dòng 5, cột 'TC7': dòng 1"
    assert str(problem) == problem.render("en") and problem.message == "row 1"
    assert Problem("f.csv", "error.where.row", {"row": 1}).render("en") == "f.csv: row 1"


def test_a_data_error_lists_every_problem_under_its_count():
    problems = [Problem("f.csv", "error.where.row", {"row": i}, row=i + 1) for i in range(3)]
    error = DataError(problems)
    lines = error.render("en").splitlines()
    assert lines[0] == "3 problems found in the data:"
    assert lines[1:] == [f"  - f.csv, row {i + 1}: row {i}" for i in range(3)]
    assert error.render("vi").splitlines()[0] == "Dữ liệu có 3 lỗi cần sửa:"
    assert str(error) == error.render("en")
    assert DataError(problems[:1]).render("en").startswith("1 problem found")


def test_a_long_list_is_cut_and_says_how_many_more():
    problems = [Problem("f.csv", "error.where.row", {"row": i}) for i in range(MAX_REPORTED + 7)]
    lines = DataError(problems).render("en").splitlines()
    assert len(lines) == 1 + MAX_REPORTED + 1
    assert lines[-1] == f"  … and 7 more (showing the first {MAX_REPORTED})"


def test_errors_refuse_nothing_to_say_and_bad_keys_where_raised():
    with pytest.raises(ValueError, match="at least one problem"):
        DataError([])
    with pytest.raises(KeyError):  # a typo in a key fails at the raise, not when printed
        DataError.single("f.csv", "error.no_such_key")
    with pytest.raises(TypeError):
        MessageError("an English sentence")  # type: ignore[arg-type]


def test_single_places_its_one_problem():
    error = DataError.single(
        "f.csv", "error.scenario.unknown_key", sheet="S", row=3, column="C", entry="'x'"
    )
    (problem,) = error.problems
    assert (problem.sheet, problem.row, problem.column) == ("S", 3, "C")
    assert problem.params == {"entry": "'x'"}  # the rest fills the message


def test_errors_cross_process_boundaries_whole():
    data = DataError.single("f.csv", "error.where.row", row=3)
    again = pickle.loads(pickle.dumps(data))
    assert type(again) is DataError and again.problems == data.problems
    message = MessageError(Msg("error.where.row", row=4))
    again = pickle.loads(pickle.dumps(message))
    assert again.render("vi") == "dòng 4" and str(again) == "row 4"


def test_the_systems_refusals_are_translated_and_the_rest_kept():
    reason = os_reason(FileNotFoundError(errno.ENOENT, "No such file or directory", "x"))
    assert isinstance(reason, Msg) and reason.render("vi") == "không có tệp hoặc thư mục này"
    assert os_reason(OSError(errno.EIO, "I/O error")) == "I/O error"
    assert os_reason(OSError("odd")) == "odd"


def test_a_messages_count_picks_its_plural_form():
    """``count=`` picks the form (English two, Vietnamese one); ``{n}`` given apart stays."""
    one = Msg("error.targets.missing_columns", missing="TC3", count=1)
    two = Msg("error.targets.missing_columns", missing="TC3, TC7", count=2)
    assert (one.render("en"), two.render("en")) == (
        "missing column TC3",
        "missing columns TC3, TC7",
    )
    assert (one.render("vi"), two.render("vi")) == ("thiếu cột TC3", "thiếu cột TC3, TC7")
    wide = Msg("error.load.criterion_columns_wide", absent="TC7", n=19, count=1).render("en")
    assert wide.startswith("criterion column TC7; ") and wide.endswith("TC1…TC19")
