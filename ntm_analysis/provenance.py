"""Provenance of a batch run: run ids, fingerprints, versions, git revision, the manifest.

``manifest.json`` is the run's record: what ran (run id, times, package version and code
fingerprint, git revision, key library versions), on what (each data file's path and SHA-256,
whether the data is synthetic), with which parameters, and each unit's outcome. ``--resume``
and the index read it back.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import secrets
import subprocess
import sys
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version
from pathlib import Path
from typing import Any

from .atomic import write_text_atomic
from .paths import PROJECT_DIR

__all__ = [
    "KEY_PACKAGES",
    "MANIFEST",
    "fingerprint",
    "git_revision",
    "load_manifest",
    "new_run_id",
    "now",
    "versions",
    "write_manifest",
]

MANIFEST = "manifest.json"
KEY_PACKAGES = (
    "pandas",
    "numpy",
    "statsmodels",
    "papermill",
    "matplotlib",
    "seaborn",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "jupyter_client",
)


def fingerprint(value: object) -> str:
    """SHA-256 of a JSON-able value (key order does not matter)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _git(*args: str) -> str:
    """Output of one git command in the project folder (raises if git fails or is absent)."""
    return subprocess.run(
        ["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=10, check=True
    ).stdout.strip()


def git_revision() -> dict[str, Any] | None:
    """The project's git revision and whether tracked files differ from it (None outside git)."""
    try:
        head = _git("rev-parse", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return None
    return {"revision": head, "dirty": bool(dirty)} if head else None


def versions() -> dict[str, str | None]:
    """Python's and the key libraries' versions."""
    found: dict[str, str | None] = {"python": sys.version.split()[0]}
    for name in KEY_PACKAGES:
        try:
            found[name] = _dist_version(name.replace("_", "-"))
        except PackageNotFoundError:
            found[name] = None
    return found


def now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def iso(timestamp: float) -> str:
    return _dt.datetime.fromtimestamp(timestamp, _dt.UTC).isoformat(timespec="seconds")


def new_run_id() -> str:
    """A sortable, unique run id: "20250101T120000Z-a1b2c3"."""
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{secrets.token_hex(3)}"


def load_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest in ``out``, or None when there is none (or it cannot be read)."""
    path = Path(out) / MANIFEST
    if not path.exists():
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def write_manifest(out: Path, manifest: Mapping[str, Any]) -> Path:
    """Write ``manifest.json`` atomically."""
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    return write_text_atomic(Path(out) / MANIFEST, text)
