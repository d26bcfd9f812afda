"""Provenance of a batch run: run ids, fingerprints, versions, git revision, the manifest.

``manifest.json`` is the run's record: what ran (run id, times, package version and code
fingerprint, where the code came from — the git revision of the package's own checkout, or
for an installed package its version and pip's ``direct_url.json`` —, key library versions),
on what (each data file's path and SHA-256, whether the data is synthetic), with which
parameters, and each unit's outcome. ``--resume`` and the index read it back.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import secrets
import subprocess
import sys
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, distribution
from importlib.metadata import version as _dist_version
from pathlib import Path
from typing import Any

from ntm_analysis.core.atomic import write_text_atomic
from ntm_analysis.core.paths import PROJECT_NAME, checkout_dir

__all__ = [
    "KEY_PACKAGES",
    "MANIFEST",
    "fingerprint",
    "git_revision",
    "library_stamp",
    "load_manifest",
    "new_run_id",
    "now",
    "package_source",
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


def _git(root: Path, *args: str) -> str:
    """Output of one git command in ``root`` (raises if git fails or is absent)."""
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=True
    ).stdout.strip()


def git_revision() -> dict[str, Any] | None:
    """The git revision of the package's own checkout and whether tracked files differ from
    it; None for an installed package, or a checkout that is not itself a git work tree
    (an unpacked sdist inside someone else's repository must not report theirs)."""
    root = checkout_dir()
    if root is None:
        return None
    try:
        if Path(_git(root, "rev-parse", "--show-toplevel")).resolve() != root.resolve():
            return None
        head = _git(root, "rev-parse", "HEAD")
        dirty = _git(root, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return None
    return {"revision": head, "dirty": bool(dirty)} if head else None


def package_source() -> dict[str, Any]:
    """Where the running code came from: its checkout (and git revision), or the installed
    distribution's version and ``direct_url.json`` (pip's record of the wheel, sdist, URL or
    folder it was installed from; None from an index)."""
    root = checkout_dir()
    if root is not None:
        return {"checkout": str(root), "git": git_revision()}
    try:
        dist = distribution(PROJECT_NAME)
    except PackageNotFoundError:
        return {"installed": None, "direct_url": None}
    text = dist.read_text("direct_url.json")
    try:
        direct_url = json.loads(text) if text else None
    except ValueError:
        direct_url = None
    return {"installed": dist.version, "direct_url": direct_url}


def versions() -> dict[str, str | None]:
    """Python's and the key libraries' versions."""
    found: dict[str, str | None] = {"python": sys.version.split()[0]}
    for name in KEY_PACKAGES:
        try:
            found[name] = _dist_version(name.replace("_", "-"))
        except PackageNotFoundError:
            found[name] = None
    return found


# the libraries whose arithmetic a stored fit, forecast or calibration case depends on
NUMERICAL_LIBRARIES = ("numpy", "scipy", "pandas", "statsmodels")
# the spreadsheet readers behind a stored panel "as read" (the fit cache's inputs, the batch's
# analysis file): a reader upgrade may read a cell otherwise, so it must not reuse them
READER_LIBRARIES = ("python-calamine", "pyarrow")


def library_stamp(names: tuple[str, ...] = NUMERICAL_LIBRARIES) -> bytes:
    """``name=version`` of each library in ``names``, concatenated: the one rule for "stored
    numbers were made by these libraries", hashed into every fingerprint that keys stored
    results (``analysis.cache.code_fingerprint``, ``calibration_store.model_fingerprint``; the
    readers' into the stored inputs' key), so a fit cached in ``~/.cache`` is not reused after
    a library upgrade."""
    parts = []
    for name in names:
        with contextlib.suppress(PackageNotFoundError):
            parts.append(f"{name}={_dist_version(name)}")
    return "".join(parts).encode()


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
