"""batch/sidecar.py: a unit's results sidecar read back typed — an old one (fields added since
missing) still reads, so ``--resume`` and the index work on an old output folder; a wrong one
is refused naming the file, and the index shows that unit as failed with the reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ntm_analysis.analysis.results import ResultsError
from ntm_analysis.batch.index import write_index
from ntm_analysis.batch.sidecar import Sidecar, read_sidecar

# a district sidecar as an early version wrote it: none of the fields added since
OLD = {
    "unit": "Hữu Lũng",
    "unit_code": 186,
    "level": "district",
    "as_of": 2016,
    "year": 2020,
    "target": 9,
    "target_official": False,
    "n_communes": 24,
    "now": {"n_ntm": 3},
    "expected": 8.4,
    "median": 8.0,
    "interval80": [6.0, 11.0],
    "interval95": [5.0, 12.0],
    "yearly": [],
    "draws": 2000,
    "seed": 0,
    "scenario": "baseline",
    "synthetic": True,
    "probability": 0.41,
    "status": "needs_acceleration",
    "headline": "Khả năng đạt 9 xã: 41%.",
}
ENTRY = {
    "id": "186-huu-lung",
    "kind": "district",
    "name": "Hữu Lũng",
    "status": "ok",
    "outputs": {"results": "results/186-huu-lung.json"},
}


def _folder(tmp_path: Path, side: object | str) -> Path:
    (tmp_path / "results").mkdir(parents=True, exist_ok=True)
    text = side if isinstance(side, str) else json.dumps(side, ensure_ascii=False)
    (tmp_path / ENTRY["outputs"]["results"]).write_text(text, encoding="utf-8")
    return tmp_path


def test_an_old_sidecar_reads_typed(tmp_path):
    side = read_sidecar(_folder(tmp_path, OLD), ENTRY)
    assert isinstance(side, Sidecar)
    assert side.results.probability == 0.41 and side.results.this_year is None
    assert side.headline == OLD["headline"] and side.unit_name == ""
    assert side.label("Hữu Lũng") == "Hữu Lũng"  # no report label: the manifest's name
    labelled = Sidecar.from_json(OLD | {"unit_name": "Huyện Hữu Lũng"})
    assert labelled.label("Hữu Lũng") == "Huyện Hữu Lũng"


def test_no_sidecar_for_a_failed_unit_or_a_missing_file(tmp_path):
    assert read_sidecar(_folder(tmp_path, OLD), ENTRY | {"status": "failed"}) is None
    assert read_sidecar(tmp_path, ENTRY | {"outputs": {"results": "results/none.json"}}) is None
    assert read_sidecar(tmp_path, ENTRY | {"outputs": {}}) is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "unreadable results sidecar"),
        ({"level": "district", "headline": "x"}, "missing as_of, year, expected"),
        (OLD | {"interval80": "6–11"}, "interval80 should be two numbers"),
    ],
)
def test_a_wrong_sidecar_is_refused_naming_the_file(tmp_path, content, message):
    with pytest.raises(ResultsError, match=f"^results/186-huu-lung.json: .*{message}"):
        read_sidecar(_folder(tmp_path, content), ENTRY)


def _manifest(folder: Path) -> dict:
    return {
        "run_id": "r1",
        "finished": "2026-11-30T05:00:00+00:00",
        "synthetic": True,
        "province": {"name": "Lạng Sơn"},
        "parameters": {"target_year": 2020},
        "data_files": {"panel": {"sha256": "a" * 64}},
        "units": [ENTRY],
    }


def test_the_index_reads_an_old_sidecar_and_names_a_wrong_one(tmp_path):
    folder = _folder(tmp_path, OLD)
    page = write_index(folder, _manifest(folder), "vi").read_text(encoding="utf-8")
    assert "8,4" in page and "41%" in page and "6–11" in page
    _folder(tmp_path, OLD | {"expected": None})
    page = write_index(folder, _manifest(folder), "vi").read_text(encoding="utf-8")
    assert "results/186-huu-lung.json: expected should be a number, found None" in page
