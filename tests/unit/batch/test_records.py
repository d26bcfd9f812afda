"""batch/records.py: typed unit records that read and write manifest.json unchanged."""

from __future__ import annotations

import json

import pytest

from ntm_analysis.batch.lock import OutputError
from ntm_analysis.batch.records import MANIFEST_VERSION, Outcome, UnitEntry, UnitError
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
    task = {
        "id": "province",
        "kind": "province",
        "code": None,
        "name": "Lạng Sơn",
        "notebook": "/x/province_overview.ipynb",
        "parameters": {"draws": 50, "results_path": "/staging/province.json"},
        "fingerprint": "a",
        "run_fingerprint": "b",
        "run_id": "r",
    }
    entry = UnitEntry.made(task, outcome)
    assert entry.ok and entry.parameters["results_path"] == "results/province.json"
    assert task["parameters"]["results_path"] == "/staging/province.json", "task untouched"
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
