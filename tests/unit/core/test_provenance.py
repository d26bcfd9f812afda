"""core/provenance.py: run ids, fingerprints, versions and the manifest file."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ntm_analysis import __version__
from ntm_analysis.core.provenance import (
    KEY_PACKAGES,
    MANIFEST,
    fingerprint,
    git_revision,
    iso,
    load_manifest,
    new_run_id,
    now,
    package_source,
    versions,
    write_manifest,
)


def test_fingerprint_ignores_key_order_and_sees_every_value() -> None:
    a = {"draws": 2000, "seed": 0, "scenario": {"push": 1.0, "gain": 0.2}}
    b = {"scenario": {"gain": 0.2, "push": 1.0}, "seed": 0, "draws": 2000}
    assert fingerprint(a) == fingerprint(b)
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint(a))
    assert fingerprint(a) != fingerprint(a | {"seed": 1})
    assert fingerprint(a) != fingerprint(a | {"scenario": {"push": 1.0, "gain": 0.3}})
    # values JSON cannot hold (paths) are fingerprinted by their text
    assert fingerprint({"p": Path("/x/y")}) == fingerprint({"p": "/x/y"})


def test_run_ids_sort_by_time_and_do_not_repeat() -> None:
    ids = {new_run_id() for _ in range(50)}
    assert len(ids) == 50
    for run_id in ids:
        assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{6}", run_id)


def test_times_are_utc_iso_seconds() -> None:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", now())
    assert iso(0) == "1970-01-01T00:00:00+00:00"


def test_versions_name_python_and_every_key_package() -> None:
    found = versions()
    assert set(found) == {"python", *KEY_PACKAGES}
    assert found["python"].count(".") == 2
    assert found["pandas"]  # installed here, so its version is known


def test_package_source_of_this_checkout_carries_its_git_revision() -> None:
    source = package_source()
    if "checkout" in source:  # running from the repository (tests always do, but be exact)
        assert source["git"] == git_revision()
        if source["git"] is not None:
            assert re.fullmatch(r"[0-9a-f]{40}", source["git"]["revision"])
            assert isinstance(source["git"]["dirty"], bool)
    else:
        assert source["installed"] in (None, __version__)


def test_manifest_round_trip_keeps_vietnamese_text_readable(tmp_path: Path) -> None:
    manifest = {"run_id": "r1", "units": [{"id": "180-trang-dinh", "name": "Huyện Tràng Định"}]}
    path = write_manifest(tmp_path, manifest)
    assert path == tmp_path / MANIFEST
    assert "Huyện Tràng Định" in path.read_text(encoding="utf-8")  # not \u escapes
    assert load_manifest(tmp_path) == manifest


def test_a_missing_broken_or_foreign_manifest_reads_as_none(tmp_path: Path) -> None:
    assert load_manifest(tmp_path) is None
    (tmp_path / MANIFEST).write_text('{"run_id": "r1", "units": [', encoding="utf-8")
    assert load_manifest(tmp_path) is None
    (tmp_path / MANIFEST).write_text(json.dumps(["not", "a", "manifest"]), encoding="utf-8")
    assert load_manifest(tmp_path) is None
