"""Data errors in Vietnamese and English: every bad input, every message key, every location.

A planner reads the Vietnamese; logs and the other tests read the English (``str()``). Both
come from the catalogues (``error.*`` keys): the Vietnamese must be a real translation (not the
English, no unfilled ``{field}``), keep the user's own values as they are, and still say where
(file, sheet, row, column) with the same numbers.
"""

from __future__ import annotations

import ast
import pickle
import re
import unicodedata

import pytest
from test_load import BAD, BAD_CASES, load_error
from wording import ENGLISH_WORDS, PACKAGE, UNFILLED, VIETNAMESE, without_quoted

from ntm_analysis import i18n
from ntm_analysis.core.errors import MAX_REPORTED, DataError, Msg, Problem, either
from ntm_analysis.i18n.catalogue import entries
from ntm_analysis.io.reference import read_registry

# --------------------------------------------------------------------------- every bad file


@pytest.mark.parametrize(
    ("name", "kwargs", "count"),
    [c[:3] for c in BAD_CASES],
    ids=[c[0] for c in BAD_CASES],
)
def test_every_bad_file_is_reported_in_vietnamese(name, kwargs, count):
    error = load_error(BAD / name, **kwargs)
    vi, en = error.render("vi"), error.render("en")
    assert en == str(error)
    assert vi != en
    assert not UNFILLED.search(vi), vi
    assert unicodedata.is_normalized("NFC", vi)
    assert vi.startswith(f"Dữ liệu có {count} lỗi cần sửa:\n"), vi
    assert vi.count(f"  - {name}") == count  # every line still names the file
    for problem in error.problems:
        assert problem.key.startswith("error.")
        line_vi, line_en = problem.render("vi"), problem.render("en")
        assert line_vi in vi and line_en in en
        message_vi, message_en = problem.message_in("vi"), problem.message_in("en")
        assert message_vi != message_en
        assert VIETNAMESE.search(without_quoted(message_vi)), message_vi
        assert not ENGLISH_WORDS.search(without_quoted(message_vi)), message_vi
        # the same place, in Vietnamese words, with the same numbers and names
        for value, label_vi, label_en in (
            (problem.sheet, f"trang tính '{problem.sheet}'", f"sheet '{problem.sheet}'"),
            (problem.row, f"dòng {problem.row}", f"row {problem.row}"),
            (problem.column, f"cột '{problem.column}'", f"column '{problem.column}'"),
        ):
            if value is not None:
                assert label_en in line_en
                assert label_vi in line_vi, line_vi
        where_vi = line_vi[: -len(message_vi)]
        assert not ENGLISH_WORDS.search(without_quoted(where_vi)), where_vi


def test_vietnamese_keeps_the_users_values_verbatim():
    error = load_error(BAD / "bad_values.xlsx")
    vi = error.render("vi")
    assert "trang tính 'Báo cáo 2016', dòng 5, cột 'TC7': không đọc được giá trị 'Đạt?'" in vi
    assert "dòng 6, cột 'Năm': không đọc được giá trị '20l6'; cần nhập năm" in vi


def test_unknown_district_in_a_file_suggests_in_vietnamese():
    vi = load_error(BAD / "unknown_district.csv").render("vi")
    assert "không tìm thấy huyện 'Trang Dinhh' ở Lạng Sơn" in vi
    assert "có phải là Tràng Định không?" in vi
    assert "(4 dòng; chỉ nêu dòng đầu tiên)" in vi
    assert "did you mean" not in vi and "rows" not in vi


# --------------------------------------------------------------------------- the registry


def test_registry_typo_says_did_you_mean_in_both_languages():
    with pytest.raises(DataError) as info:
        read_registry().resolve("Trang Dihn")
    error = info.value
    vi = error.render("vi")
    assert vi.startswith("Dữ liệu có 1 lỗi cần sửa:")
    assert "không tìm thấy huyện 'Trang Dihn' ở Lạng Sơn; có phải là Tràng Định không?" in vi
    assert "Các huyện hiện có: Thành phố Lạng Sơn, Tràng Định" in vi
    assert "did you mean Tràng Định? Known districts:" in str(error)
    # params.py builds its English messages from the problems
    assert error.problems[0].message.startswith("unknown district 'Trang Dihn' in Lạng Sơn")


def test_registry_name_without_any_close_match():
    with pytest.raises(DataError) as info:
        read_registry().resolve("Qqqqqqqq")
    vi = info.value.render("vi")
    assert "không tìm thấy huyện 'Qqqqqqqq' ở Lạng Sơn. Các huyện hiện có:" in vi
    assert "có phải là" not in vi


def test_several_suggestions_are_joined_with_the_languages_or():
    suggestions = either(["A", "B"])
    text = Msg(
        "error.district.unknown_hint", name="X", province="P", known="A, B", suggestions=suggestions
    )
    assert "có phải là A hoặc B không?" in text.render("vi")
    assert "did you mean A or B?" in text.render("en")


# --------------------------------------------------------------------------- the frame


def test_row_numbers_and_years_are_plain_integers_in_vietnamese():
    problem = Problem(
        "x.csv",
        "error.load.year_out_of_range",
        {"year": 1916, "min": 2000, "max": 2035},
        row=12345,
        column="Năm",
    )
    assert (
        problem.render("vi") == "x.csv, dòng 12345, cột 'Năm': năm 1916 nằm ngoài khoảng 2000–2035"
    )
    assert str(problem) == "x.csv, row 12345, column 'Năm': year 1916 is outside 2000–2035"


def test_more_problems_than_shown_are_counted_in_each_language():
    problems = [
        Problem("x.csv", "error.load.empty_district", row=i + 2) for i in range(MAX_REPORTED + 7)
    ]
    error = DataError(problems)
    vi, en = error.render("vi").splitlines(), str(error).splitlines()
    assert vi[0] == f"Dữ liệu có {MAX_REPORTED + 7} lỗi cần sửa:"
    assert en[0] == f"{MAX_REPORTED + 7} problems found in the data:"
    assert vi[-1] == f"  … và 7 lỗi khác (chỉ liệt kê {MAX_REPORTED} lỗi đầu tiên)"
    assert en[-1] == f"  … and 7 more (showing the first {MAX_REPORTED})"
    assert len(vi) == len(en) == MAX_REPORTED + 2


def test_one_problem_is_singular_in_english():
    error = DataError.single("x.csv", "error.load.file_not_found")
    assert str(error) == "1 problem found in the data:\n  - x.csv: file not found"
    assert error.render("vi") == "Dữ liệu có 1 lỗi cần sửa:\n  - x.csv: không tìm thấy tệp"


def test_a_data_error_survives_pickling_with_its_problems():
    """A worker process raises it; the parent must still render it in the user's language."""
    error = load_error(BAD / "bad_values.xlsx")
    again = pickle.loads(pickle.dumps(error))
    assert again.problems == error.problems
    assert again.render("vi") == error.render("vi") and str(again) == str(error)


def test_an_unknown_key_or_language_fails_where_the_error_is_raised():
    with pytest.raises(KeyError, match="no translation"):
        DataError.single("x.csv", "error.load.no_such_key")
    with pytest.raises(KeyError):  # a field the message needs is missing
        DataError.single("x.csv", "error.load.year_out_of_range", year=1916)
    with pytest.raises(ValueError, match="lang"):
        DataError.single("x.csv", "error.load.file_not_found").render("fr")


# --------------------------------------------------------------------------- the table
# the data-error messages (and `ntm validate`'s line) in the catalogue: plural ones as their forms
ERRORS = {
    key: text if isinstance(text, tuple) else (text,)
    for key, text in entries("en").items()
    if key.startswith(("error.", "validate."))
}


@pytest.mark.parametrize("key", sorted(ERRORS))
def test_every_message_is_translated(key):
    fields = {name: "X" for name in i18n.placeholders(ERRORS[key][-1])}
    if len(ERRORS[key]) > 1:  # plural forms: the form for 2
        vi, en = i18n.tn(key, 2, "vi", **fields), i18n.tn(key, 2, "en", **fields)
    else:
        vi, en = i18n.t(key, "vi", **fields), i18n.t(key, "en", **fields)
    assert vi != en, key
    words = ENGLISH_WORDS.findall(without_quoted(vi))
    assert not words, (key, words)


def _key_arguments(tree: ast.AST):
    """The message-key argument of every call that makes a problem or a message."""
    second = {"Problem", "single", "_fail"}  # (file, key, …)
    first = {"problem", "Msg"}  # (key, …)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        position = 1 if name in second else 0 if name in first else None
        if position is not None and len(node.args) > position:
            yield node, node.args[position]


def test_no_message_is_written_inline():
    """Every problem is made from a key of the table, never from an f-string or English text
    (cli.py is converted by its owner; errors.py defines the calls)."""
    inline = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in ("cli.py", "errors.py") and path.parent.name != "i18n":
            continue
        for node, arg in _key_arguments(ast.parse(path.read_text(encoding="utf-8"))):
            literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            if (literal and not arg.value.startswith("error.")) or isinstance(
                arg, ast.JoinedStr | ast.BinOp
            ):
                inline.append(f"{path.name}:{node.lineno}")
    assert inline == []


def test_every_message_key_is_used_outside_the_table():
    """Stricter than test_i18n's check (no dynamic key prefixes here)."""
    sources = [p for p in PACKAGE.rglob("*.py") if p.parent.name != "i18n"]
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    unused = [key for key in ERRORS if not re.search(rf"[\"']{re.escape(key)}[\"']", text)]
    assert unused == []

