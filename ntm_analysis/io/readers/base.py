"""What every reader shares: reading bytes with a clear error, telling formats apart by their
first bytes, and how much of a large file is read first.

A large file is judged on its first ``HEAD_ROWS`` rows before it is parsed whole, so that a
50 MB file of something else fails in a second instead of listing problems for minutes.
"""

from __future__ import annotations

from pathlib import Path

from ntm_analysis.core.errors import Msg
from ntm_analysis.io.header import HEADER_SEARCH_ROWS
from ntm_analysis.io.table import fail

SNIFF_BYTES = 1 << 16  # enough of a file to tell text from binary before reading it all
JUNK_SAMPLE_ROWS = 500  # rows read before deciding a large file is not a panel at all
HEAD_ROWS = HEADER_SEARCH_ROWS + 2 * JUNK_SAMPLE_ROWS  # rows read first from a large file
HEAD_BYTES = 1 << 20  # a text file larger than this is read in two steps (see load_panel)

# files that are not what their extension says, recognised by their first bytes
_MAGIC = (
    (b"PK\x03\x04", Msg("error.load.kind.zip")),
    (b"\xd0\xcf\x11\xe0", Msg("error.load.kind.xls")),
    (b"PAR1", Msg("error.load.kind.parquet")),
    (b"%PDF", Msg("error.load.kind.pdf")),
    (b"\x1f\x8b", Msg("error.load.kind.gzip")),
    (b"Rar!", Msg("error.load.kind.rar")),
    (b"7z\xbc\xaf", Msg("error.load.kind.7z")),
    (b"{\\rtf", Msg("error.load.kind.rtf")),
)


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes (only the first ``limit`` if given)."""
    try:
        with path.open("rb") as stream:
            return stream.read() if limit is None else stream.read(limit)
    except OSError as exc:
        raise fail(path, "error.load.cannot_read_file", reason=str(exc.strerror or exc)) from exc


def looks_like(head: bytes) -> Msg | None:
    """What a file is, from its first bytes, when it is a known binary format."""
    return next((what for magic, what in _MAGIC if head.startswith(magic)), None)
