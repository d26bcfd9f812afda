"""batch/records.py: typed unit records that read and write manifest.json unchanged, and the
task that crosses to the worker process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ntm_analysis.batch.lock import OutputError
from ntm_analysis.batch.records import (
    MANIFEST_VERSION,
    DataFile,
    Manifest,
    Outcome,
    PackageInfo,
    Task,
    UnitEntry,
    UnitError,
)
from ntm_analysis.batch.run import run_batch

# a unit entry exactly as manifest.json held it before the records were typed
OLD_ENTRY = {
    "id": "181-binh-gia",
    "kind": "district",
    "district_code": 181,
    "name": "Huyện Bình Gia",
    "notebook_template": "/x/district_forecast.ipynb",
    "parameters": {"draws": 50, "district": "Huyện Bình Gia", "results_path": "results/b.json"},
    "fingerprint": "f" * 64,
    "run_fingerprint": "r" * 64,
    "run_id": "20250101T000000Z-abcdef",
    "status": "failed",
    "error": {"ename": "RuntimeError", "evalue": "injected", "cell": 4, "stage": "execute"},
    "seconds": 3.2,
    "finished": "2025-01-01T00:00:09+00:00",
    "outputs": {
        "notebook": "notebooks/181-binh-gia.ipynb",
        "html": None,
        "results": None,
        "pdf": None,
    },
    "reused_in_run": "20250102T000000Z-123456",
}


def test_an_entry_round_trips_to_the_same_json_text():
    entry = UnitEntry.from_json(OLD_ENTRY)
    assert entry.error == UnitError("RuntimeError", "injected", 4, "execute")
    assert not entry.ok and entry.district_code == 181
    assert json.dumps(entry.to_json(), ensure_ascii=False) == json.dumps(
        OLD_ENTRY, ensure_ascii=False
    )


def test_keys_of_a_newer_version_are_kept_and_records_are_frozen():
    entry = UnitEntry.from_json(OLD_ENTRY | {"future": {"x": 1}})
    assert entry.to_json()["future"] == {"x": 1}
    with pytest.raises(AttributeError):
        entry.status = "ok"  # type: ignore[misc]


def test_an_entry_is_made_from_its_task_and_outcome():
    outcome = Outcome.from_json(
        {
            "id": "province",
            "status": "ok",
            "error": None,
            "seconds": 1.5,
            "finished": "now",
            "outputs": {
                "notebook": "n",
                "html": "h",
                "results": "results/province.json",
                "pdf": None,
            },
        }
    )
    task = Task(
        id="province",
        out=Path("/out"),
        staging=Path("/staging"),
        parameters={"draws": 50, "results_path": "/staging/province.json"},
        timeout=60,
        kind="province",
        code=None,
        name="Lạng Sơn",
        notebook=Path("/x/province_overview.ipynb"),
        fingerprint="a",
        run_fingerprint="b",
        run_id="r",
    )
    entry = UnitEntry.made(task, outcome)
    assert entry.ok and entry.parameters["results_path"] == "results/province.json"
    assert entry.notebook_template == "/x/province_overview.ipynb"
    assert task.parameters["results_path"] == "/staging/province.json", "task untouched"
    assert entry.carried().to_json()["carried_from_run"] == "r"
    assert "carried_from_run" not in entry.to_json(), "written only when set, as before"
    assert Outcome.from_json(outcome.to_json()) == outcome


def test_a_manifest_of_a_newer_layout_is_refused_clearly(panel_file, tmp_path):
    (tmp_path / "manifest.json").write_text(
        json.dumps({"manifest_version": MANIFEST_VERSION + 1, "units": []}), encoding="utf-8"
    )
    with pytest.raises(OutputError) as caught:
        run_batch(tmp_path, data=panel_file, dry_run=True, progress=False, resume=True)
    for lang in ("vi", "en"):
        assert "manifest.json" in caught.value.render(lang)
    assert "newer" in caught.value.render("en")


# --------------------------------------------------------------------------- the manifest

# the top of a manifest.json as written before manifest_version existed (the keys it reads)
OLD_MANIFEST = {
    "run_id": "20250101T000000Z-abcdef",
    "started": "2025-01-01T00:00:00+00:00",
    "package": {"name": "ntm-analysis", "version": "0.1.0", "code": "c" * 16, "source": "x"},
    "synthetic": True,
    "province": {"name": "Lạng Sơn"},
    "data_files": {
        "panel": {"path": "/d/panel.csv", "sha256": "0" * 64},
        "units": {"path": "/d/units.csv", "sha256": "1" * 64},
    },
    "parameters": {"target_year": 2020, "draws": 50},
    "finished": "2025-01-01T00:01:00+00:00",
    "units": [{"id": "province", "kind": "province", "status": "ok"}, OLD_ENTRY],
    "summary": {"ok": 1, "failed": 1},
}


def test_a_manifest_reads_typed_and_its_entries_as_unit_entries():
    manifest = Manifest.from_json(OLD_MANIFEST)
    assert manifest.version == MANIFEST_VERSION and not manifest.newer, "no version: layout 1"
    assert manifest.run_id == OLD_MANIFEST["run_id"] and manifest.finished.endswith(":01:00+00:00")
    assert manifest.synthetic and manifest.province_name == "Lạng Sơn"
    assert manifest.package == PackageInfo("ntm-analysis", "0.1.0", "c" * 16, "x")
    assert manifest.data_files["units"] == DataFile("/d/units.csv", "1" * 64)
    assert manifest.data_sha256 == "0" * 64 and manifest.parameters["draws"] == 50
    assert manifest.units[1] == UnitEntry.from_json(OLD_ENTRY)
    assert [u.id for u in manifest.of_kind("district")] == ["181-binh-gia"]
    assert manifest.units[0].name == "province" and manifest.units[0].ok
    assert Manifest.from_json(manifest) is manifest, "a manifest is taken as it is"
    assert UnitEntry.from_json(manifest.units[1]) is manifest.units[1]
    with pytest.raises(AttributeError):
        manifest.run_id = "x"  # type: ignore[misc]


def test_a_manifest_reads_leniently_and_says_when_a_newer_layout_wrote_it():
    bare = Manifest.from_json({"units": [{"kind": "district"}, "junk", {"id": "a"}]})
    assert [u.id for u in bare.units] == ["a"], "units without an id are left out"
    assert bare.run_id is None and bare.data_sha256 is None and bare.package == PackageInfo()
    assert not bare.synthetic and bare.province_name == "" and bare.parameters == {}
    odd = Manifest.from_json({"units": None, "data_files": {"panel": None}, "province": None})
    assert odd.units == () and odd.data_sha256 is None and odd.province_name == ""
    assert Manifest.from_json({"manifest_version": MANIFEST_VERSION + 1}).newer
    assert Manifest.from_json({"manifest_version": "2"}).newer, "not a number: not guessed"


def test_a_manifest_is_written_by_its_record_and_read_back_the_same():
    """The batch writes manifest.json through ``Manifest.to_json``: the keys spelled once."""
    manifest = Manifest(
        units=(UnitEntry.from_json(OLD_ENTRY),),
        run_id="run",
        started="2026-01-01T00:00:00+00:00",
        finished="2026-01-01T00:01:00+00:00",
        synthetic=True,
        province_name="Lạng Sơn",
        package=PackageInfo("ntm-analysis", "0.1.0", "c" * 16, "/src"),
        data_files={"panel": DataFile("/d/p.csv", "0" * 64)},
        parameters={"draws": 50},
        git={"commit": "abc"},
        versions={"python": "3.11"},
        province_target={"value": 20.0, "official": False, "source": "user"},
        run_fingerprint="f" * 16,
        seconds=1.5,
        cache={"path": "/c", "reused": False},
        not_in_index=({"id": "x", "run_id": "old", "reason": "failed in its run"},),
        summary={"ok": 0, "skipped": 0, "failed": 1, "pending": 0},
    )
    text = json.loads(json.dumps(manifest.to_json()))
    assert Manifest.from_json(text) == manifest
    assert list(text)[:3] == ["manifest_version", "run_id", "started"]
    assert Manifest.from_json(text).to_json() == text


# --------------------------------------------------------------------------- the task

TASK = Task(
    id="180-trang-dinh",
    out=Path("/reports"),
    staging=Path("/reports/.staging/run"),
    parameters={"district": "Huyện Tràng Định", "results_path": "/reports/.staging/run/a.json"},
    timeout=600,
    kind="district",
    code=180,
    name="Huyện Tràng Định",
    notebook=Path("/nb/district_forecast.ipynb"),
    run_id="run",
    lang="en",
    title="Tràng Định district: forecast to 2020",
    synthetic=True,
    chromium="/usr/bin/chromium",
    home="index.html",
    env={"OMP_NUM_THREADS": "1"},
)


def test_a_task_crosses_to_the_worker_as_json_and_back_unchanged():
    text = json.dumps(TASK.to_json(), ensure_ascii=False)  # what <id>.task.json holds
    back = Task.from_json(json.loads(text))
    assert back == TASK
    assert isinstance(back.staging, Path) and isinstance(back.notebook, Path)
    assert Task.from_json(TASK) is TASK, "a task is taken as it is"
    # the files of the exchange are named from the task, on both sides
    assert back.task_file == Path("/reports/.staging/run/180-trang-dinh.task.json")
    assert back.result_file.name == "180-trang-dinh.result.json"
    assert back.log.parent == back.staging


def test_a_task_changed_as_a_mapping_is_read_once_at_the_boundary():
    """The fault tests change a task's JSON form (``dict(task, notebook=…)``) before it runs."""
    changed = Task.from_json(dict(TASK.to_json(), notebook="/other.ipynb", timeout="10"))
    assert changed.notebook == Path("/other.ipynb") and changed.timeout == 10.0
    assert changed.parameters == TASK.parameters and changed is not TASK
    # a worker that never reaches a kernel needs only where it runs
    bare = Task.from_json({"id": "u", "out": "/o", "staging": "/s", "timeout": 1, "parameters": {}})
    assert bare.notebook is None and bare.chromium is None and bare.env == {}


def test_a_misspelt_or_missing_task_key_is_refused():
    with pytest.raises(TypeError, match="notebok"):
        Task.from_json(dict(TASK.to_json(), notebok="/x.ipynb"))
    with pytest.raises(KeyError):
        Task.from_json({"id": "u", "out": "/o", "staging": "/s", "parameters": {}})
    with pytest.raises(AttributeError):
        TASK.timeout = 1  # type: ignore[misc]


def test_an_error_is_cut_and_said_in_one_line():
    error = UnitError.of("RuntimeError", "  boom\n  at cell 4  " + "x" * 5000, "execute", 4)
    assert len(error.evalue) == UnitError.LIMIT and error.evalue.startswith("boom")
    assert error.text().startswith("cell [4] RuntimeError: boom at cell 4 x")
    assert error.message(limit=20).endswith("…") and len(error.message(limit=20)) == 34
    assert UnitError.of("Timeout", "late", "execute").text() == "Timeout: late"
