"""The gettext catalogues themselves: read, kept tidy, compiled (tools and tests, not run time).

Every user-facing string lives in ``locale/<lang>/LC_MESSAGES/ntm.po``, one file per language,
which Poedit, Lokalize, Weblate or any text editor opens. The message ids are the keys the code
looks up (``"col.n_ntm"``), not English sentences: Vietnamese is the default language and is
written first, so neither language is the other's "source", and correcting the English must not
orphan the Vietnamese (an English msgid would change, and every translation keyed on it with
it). So that a translator still sees what a message means, each entry carries the other
language as its last extracted comment (``#. en: …`` in the Vietnamese file, ``#. vi: …`` in
the English one), refreshed by ``tidy``; comments above it say where and how the text is used.

At run time ``ntm_analysis.i18n`` reads the compiled ``ntm.mo`` files with the standard
library's ``gettext`` (2-3 ms a language, no Babel import); this module, which needs Babel, writes
them. After editing a ``.po`` file run::

    python -m ntm_analysis.i18n.catalogue          # tidy both catalogues, compile the .mo files
    python -m ntm_analysis.i18n.catalogue --check  # exit 1 if either is out of date

(the test suite runs the check too: a ``.mo`` that does not match its ``.po`` fails it).
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from ntm_analysis.i18n import LANGS, mo_path, po_path

PROJECT = "ntm-analysis"
# the other language, quoted for the translator, is the entry's last comment: "en: …"/"vi: …"
NOTE_PREFIX = {lang: f"{other}: " for lang, other in zip(LANGS, reversed(LANGS), strict=True)}
CREATED = datetime(2026, 11, 30, tzinfo=UTC)  # fixed: the file must not churn

Text = str | tuple[str, ...]  # one text, or the plural forms of the language


def read(lang: str, path: Path | None = None) -> Catalog:
    """The catalogue of ``lang`` (``path`` to read another file, e.g. a copy under test)."""
    with open(path or po_path(lang), "rb") as f:
        return read_po(f, locale=lang, domain="ntm")


def new(lang: str) -> Catalog:
    """An empty catalogue for ``lang``, its header filled in (plural forms from CLDR)."""
    catalog = Catalog(
        locale=lang,
        domain="ntm",
        project=PROJECT,
        version="1",
        creation_date=CREATED,
        revision_date=CREATED,
        language_team=f"ntm-analysis ({lang})",
        last_translator="ntm-analysis developers",
        fuzzy=False,
    )
    return catalog


def key_of(message: Message) -> str:
    """The key (msgid) of a message, plural or not."""
    return message.id[0] if isinstance(message.id, tuple | list) else message.id


def text_of(message: Message) -> Text:
    """The translated text: a string, or a tuple of the language's plural forms."""
    if isinstance(message.string, tuple | list):
        return tuple(message.string)
    return message.string


def entries(lang: str, catalog: Catalog | None = None) -> dict[str, Text]:
    """Every key of ``lang``'s catalogue and its text (plural entries: a tuple of forms)."""
    catalog = catalog if catalog is not None else read(lang)
    return {key_of(m): text_of(m) for m in catalog if m.id}


def plural_keys(catalog: Catalog) -> set[str]:
    """The keys written with ``msgid_plural`` (looked up with ``i18n.tn``)."""
    return {key_of(m) for m in catalog if m.id and m.pluralizable}


def _one_line(text: Text) -> str:
    return " | ".join(text) if isinstance(text, tuple) else text


def refresh_notes(catalogs: dict[str, Catalog]) -> None:
    """Set each entry's last comment to the other language's text ("en: …"), so a translator
    working in one file sees what the other says; a key missing there gets no note."""
    texts = {lang: entries(lang, catalog) for lang, catalog in catalogs.items()}
    for lang, catalog in catalogs.items():
        prefix = NOTE_PREFIX[lang]
        other = texts[prefix[:-2]]
        for message in catalog:
            if not message.id:
                continue
            comments = list(message.auto_comments)
            starts = [i for i, c in enumerate(comments) if c.startswith(prefix)]
            if starts:  # the note may have been wrapped over several comment lines
                comments = comments[: starts[-1]]
            key = key_of(message)
            if key in other:
                comments.append(prefix + _one_line(other[key]).replace("\n", "\\n"))
            message.auto_comments = comments


def render(catalog: Catalog) -> bytes:
    """The ``.po`` text of ``catalog``, the same bytes whichever Babel wrote it (its version
    line is left out) so that ``--check`` only fails on a real difference."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100)
    lines = buffer.getvalue().splitlines(keepends=True)
    return b"".join(line for line in lines if not line.startswith(b'"Generated-By:'))


def compiled(catalog: Catalog) -> bytes:
    """The ``.mo`` bytes of ``catalog``."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def add(catalog: Catalog, key: str, text: Text, comments: Iterable[str] = ()) -> None:
    """Add or replace ``key``: a string, or a tuple of plural forms (``msgid_plural``)."""
    msgid: str | tuple[str, str] = (key, key) if isinstance(text, tuple) else key
    string: str | tuple[str, ...] = text
    if isinstance(text, tuple) and len(text) != catalog.num_plurals:
        raise ValueError(f"{key}: {len(text)} forms, {catalog.locale} has {catalog.num_plurals}")
    old = catalog.get(key)
    comments = list(comments) or (list(old.auto_comments) if old is not None else [])
    if old is not None:
        del catalog[key]
    catalog.add(msgid, string, auto_comments=comments)


def tidy(check: bool = False) -> list[Path]:
    """Rewrite both catalogues in the one canonical layout, with fresh notes, and compile
    them; the files that changed (with ``check``, the files that would change; nothing
    written)."""
    catalogs = {lang: read(lang) for lang in LANGS}
    refresh_notes(catalogs)
    stale = []
    for lang, catalog in catalogs.items():
        po, mo = po_path(lang), mo_path(lang)
        text = render(catalog)
        if po.read_bytes() != text:
            stale.append(po)
            if not check:
                po.write_bytes(text)
        if not mo.exists() or not _same_messages(mo, catalog):
            stale.append(mo)
            if not check:
                mo.write_bytes(compiled(catalog))
    return stale


def _same_messages(mo: Path, catalog: Catalog) -> bool:
    """Whether the compiled file holds exactly the catalogue's messages (its header, which
    names the Babel version that compiled it, is not compared)."""
    import gettext

    with open(mo, "rb") as f:
        # gettext's parsed table: the standard library offers no public list of its keys
        held = dict(gettext.GNUTranslations(f)._catalog)
    held.pop("", None)
    wanted: dict[object, str] = {}
    for message in catalog:
        if not message.id:
            continue
        if message.pluralizable:
            for i, form in enumerate(message.string):
                wanted[(message.id[0], i)] = form
        else:
            wanted[message.id] = message.string
    return held == wanted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ntm_analysis.i18n.catalogue",
        description="Tidy the translation catalogues (.po) and compile them (.mo).",
    )
    parser.add_argument("--check", action="store_true", help="only report; exit 1 if stale")
    args = parser.parse_args(argv)
    stale = tidy(check=args.check)
    for path in stale:
        print(("out of date: " if args.check else "written: ") + str(path))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
