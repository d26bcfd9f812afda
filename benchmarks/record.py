"""``python -m benchmarks --record``: put the latest full table into benchmarks/README.md.

The table goes between the ``<!-- bench:start -->`` and ``<!-- bench:end -->`` markers, with
the machine description and the notes, as one fenced block; the rest of the README is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def record(head: Sequence[str], lines: Sequence[str], notes: Sequence[str]) -> Path:
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{README} has no {START} … {END} block to fill")
    block = "\n".join(
        [START, "```text", *head, "", *lines, *(["notes:", *notes] if notes else []), "```", END]
    )
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    README.write_text(before + block + after, encoding="utf-8")
    return README
