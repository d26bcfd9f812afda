"""One error type for every expected mistake in a user's data.

Planners fix spreadsheets by hand, so an error must say *where* (file, sheet, row, column, in
the row numbers Excel shows) and *what was expected*, and it must list every problem at once:
a planner who fixes one cell only to be told about the next, twenty times over, gives up.

A planner reads Vietnamese first, so a problem carries no finished sentence: it carries a key
of the translation catalogues (``i18n``, keys ``error.*``) and the values to
fill in, and is written out in either language on demand (``render``). Values that are
themselves words (what a cell should hold, "A or B") are ``Msg`` or ``Join`` values, written
in the same language as the sentence around them. File names, headers, cell values and
district names are the user's own and are shown as they are. ``str()`` is English, the
language of logs, tracebacks and the tests.

The other expected mistakes — parameters, the output folder, a scenario — are not about a
file's cells, so they have no location: ``MessageError`` is one translatable sentence, and
``params.ParameterError`` lists several under a count, as ``DataError`` does.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ntm_analysis import i18n

MAX_REPORTED = 50


@dataclass(frozen=True, init=False)
class Msg:
    """A translatable text: a key of the translation table and the values for its fields
    (``count=``: the number that picks a plural entry's form, see ``_render``).

    Hashable (values are kept as a tuple), so it can stand for "the same problem" in a dict,
    as the loader does to report each unknown district name once.
    """

    key: str
    params: tuple[tuple[str, object], ...]

    def __init__(self, key: str, /, **params: object) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "params", tuple(params.items()))

    def render(self, lang: str = i18n.DEFAULT_LANG) -> str:
        return _render(self.key, dict(self.params), lang)


@dataclass(frozen=True)
class Join:
    """Values written one after another: ``", "``-separated, or with a translated ``word``.

    ``Join(("A", "B"), word="error.word.or")`` is "A or B" in English, "A hoặc B" in
    Vietnamese; items may be ``Msg`` values themselves.
    """

    items: tuple[object, ...]
    sep: str = ", "
    word: str | None = None  # a key: the items are joined with " <word> " instead of sep

    def render(self, lang: str = i18n.DEFAULT_LANG) -> str:
        sep = f" {i18n.t(self.word, lang)} " if self.word else self.sep
        return sep.join(str(_value(item, lang)) for item in self.items)


def either(items: Iterable[object]) -> Join:
    """ "A or B or C" / "A hoặc B hoặc C": the alternatives of a "did you mean"."""
    return Join(tuple(items), word="error.word.or")


def _value(value: object, lang: str) -> object:
    """A field value in ``lang``: words are translated, everything else left as it is."""
    return value.render(lang) if isinstance(value, Msg | Join) else value


def _render(key: str, params: Mapping[str, object], lang: str) -> str:
    """The text of ``key``; a ``count`` value picks its plural form ("missing column TC3" /
    "missing columns TC3, TC7"; Vietnamese has one form) and fills ``{n}`` unless one is given."""
    fmt = {name: _value(v, lang) for name, v in params.items() if name != "count"}
    if "count" in params:
        return i18n.tn(key, int(params["count"]), lang, **fmt)  # type: ignore[call-overload]
    return i18n.t(key, lang, **fmt)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows.

    ``key`` names the message in the translation table, ``params`` fills it in.
    """

    file: str
    key: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)
    sheet: str | None = None
    row: int | None = None  # as the user sees it: spreadsheet row number, header row included
    column: str | None = None

    def message_in(self, lang: str = i18n.DEFAULT_LANG) -> str:
        """What is wrong, without where."""
        return _render(self.key, self.params, lang)

    @property
    def message(self) -> str:
        """What is wrong, in English (logs, other English messages, tests)."""
        return self.message_in("en")

    def render(self, lang: str = i18n.DEFAULT_LANG) -> str:
        """ "file.csv, sheet 'S', row 5, column 'TC7': what is wrong", in ``lang``."""
        where = [Path(self.file).name]
        if self.sheet is not None:
            where.append(i18n.t("error.where.sheet", lang, sheet=self.sheet))
        if self.row is not None:
            where.append(i18n.t("error.where.row", lang, row=self.row))
        if self.column is not None:
            where.append(i18n.t("error.where.column", lang, column=self.column))
        return f"{', '.join(where)}: {self.message_in(lang)}"

    def __str__(self) -> str:
        return self.render("en")


class DataError(ValueError):
    """Raised for bad input; carries every problem found (up to ``MAX_REPORTED`` are shown).

    ``str()`` is the English text; ``render(lang)`` gives it in the user's language.
    """

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        if not self.problems:
            raise ValueError("DataError needs at least one problem")
        super().__init__(self.render("en"))  # rendered now: a bad key fails where it is raised

    def __reduce__(self):  # pickled with its problems (a worker process raises it), not its text
        return type(self), (self.problems,)

    @classmethod
    def single(
        cls,
        file: str,
        key: str,
        /,
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        **params: object,
    ) -> DataError:
        """A ``DataError`` with one problem, for checks that stop at the first finding.

        ``DataError.single(path, "error.data.year_not_in_data", year=1999, years="2011, …")``.
        """
        return cls([Problem(file, key, params, sheet=sheet, row=row, column=column)])

    def render(self, lang: str = i18n.DEFAULT_LANG) -> str:
        """Every problem (the first ``MAX_REPORTED``), one per line, under a count, in ``lang``."""
        shown = self.problems[:MAX_REPORTED]
        n = len(self.problems)
        head = i18n.tn("error.header", n, lang)
        lines = [head, *(f"  - {p.render(lang)}" for p in shown)]
        if n > len(shown):
            more = i18n.t("error.more", lang, more=n - len(shown), shown=len(shown))
            lines.append(f"  {more}")
        return "\n".join(lines)


class MessageError(ValueError):
    """An expected mistake that is one sentence: a ``Msg`` (or ``Join``) written out on demand.

    ``render(lang)`` gives it in the user's language, ``str()`` in English. Subclasses name
    the kind of mistake (``lock.OutputError``, ``forecast.ScenarioError``).
    """

    def __init__(self, message: Msg | Join):
        if not isinstance(message, Msg | Join):
            raise TypeError(f"{type(self).__name__} needs a Msg, got {type(message).__name__}")
        self.message = message
        super().__init__(self.render("en"))  # rendered now: a bad key fails where it is raised

    def __reduce__(self):
        return type(self), (self.message,)

    def render(self, lang: str = i18n.DEFAULT_LANG) -> str:
        return self.message.render(lang)


# why the operating system refused (an OSError's errno) -> the key of its words
_OS_REASONS = {
    errno.ENOENT: "error.os.no_such_file",
    errno.EACCES: "error.os.permission_denied",
    errno.EPERM: "error.os.not_permitted",
    errno.ENOTDIR: "error.os.not_a_directory",
    errno.EISDIR: "error.os.is_a_directory",
    errno.EROFS: "error.os.read_only",
    errno.ENOSPC: "error.os.no_space",
    errno.ENAMETOOLONG: "error.os.name_too_long",
    errno.EEXIST: "error.os.exists",
}
if hasattr(errno, "EDQUOT"):
    _OS_REASONS[errno.EDQUOT] = "error.os.quota"


def os_reason(exc: OSError) -> Msg | str:
    """Why a file operation failed, in either language: the common refusals are translated,
    any other is the system's own text."""
    key = _OS_REASONS.get(exc.errno) if exc.errno is not None else None
    return Msg(key) if key else str(exc.strerror or exc)
