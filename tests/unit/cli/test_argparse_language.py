"""argparse's own messages in the Vietnamese command line: every mistake a user can make at the
parser is reported in Vietnamese, with none of argparse's English left in it.

The English is read from argparse's source on the Python running the test (every text it passes
to ``_``/``ngettext``), so a Python whose argparse words a message differently fails here
instead of printing English to a Vietnamese reader.
"""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest
from wording import VIETNAMESE

from ntm_analysis.cli import EXIT_USAGE, main


def argparse_english() -> list[str]:
    """The words of argparse's translatable messages, cut at their %-placeholders."""
    tree = ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))
    pieces = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "ngettext"):
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    pieces += re.split(r"%\(\w+\)[sr]|%[sr]", arg.value)
    # the words, not the punctuation around placeholders ("%(prog)s: error: …" -> "error")
    return sorted({p.strip(" :()\n") for p in pieces if len(p.strip(" :()\n")) >= 5})


ENGLISH = argparse_english()

# (arguments, what the Vietnamese says): one case per argparse message a user can reach
CASES = [
    (["forecast", "--nonsense"], "không hiểu các tham số: --nonsense"),  # unrecognized
    (["validate"], "còn thiếu: TỆP"),  # required positional
    ([], "còn thiếu: LỆNH"),  # no command
    (["foo"], "không có lựa chọn 'foo'"),  # invalid choice (command)
    (["summary", "--by", "county"], "không có lựa chọn 'county'"),  # invalid choice
    (["forecast", "--draws"], "cần một giá trị"),  # expected one argument
    (["batch", "--districts"], "cần ít nhất một giá trị"),  # expected at least one
    (["forecast", "--json=1"], "bị bỏ qua"),  # ignored explicit argument
    (["forecast", "--draws", "many"], "không đọc được 'many': cần một số nguyên"),  # type
    (["forecast", "--d", "5"], "tùy chọn --d chưa rõ"),  # ambiguous option
]


def test_argparse_english_is_read():
    assert "unrecognized arguments" in ENGLISH and "expected one argument" in ENGLISH


@pytest.mark.parametrize(("argv", "vietnamese"), CASES)
def test_every_parser_mistake_is_reported_in_vietnamese(capsys, argv, vietnamese):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    message = err.strip().splitlines()[-1]
    assert vietnamese in message and VIETNAMESE.search(message), err
    assert [english for english in ENGLISH if english in err] == []


@pytest.mark.parametrize(("argv", "vietnamese"), CASES[:3])
def test_the_english_command_line_keeps_argparse_english(capsys, argv, vietnamese):
    """The check above can fail: the same mistakes in English show argparse's words."""
    with pytest.raises(SystemExit):
        main([*argv, "--lang", "en"] if argv else ["--lang", "en"])
    err = capsys.readouterr().err
    assert vietnamese not in err and any(english in err for english in ENGLISH), err
