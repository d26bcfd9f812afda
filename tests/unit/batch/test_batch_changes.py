"""What changed since the last report: the last forecast, the new one, what was observed in
between and the reasons in words — from the records two batch runs leave in their folders."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ntm_analysis.batch import changes
from ntm_analysis.batch.index import write_index


def _run_folder(
    folder: Path,
    run_id: str,
    *,
    as_of: int,
    now: int,
    expected: float,
    target: float | None = None,
    data: str = "a",
    code: str = "c1",
    draws: int = 2000,
) -> Path:
    """A batch folder as ``ntm batch`` leaves it: manifest and one district sidecar."""
    (folder / "results").mkdir(parents=True, exist_ok=True)
    side = {
        "unit_name": "Huyện Hữu Lũng",
        "level": "district",
        "as_of": as_of,
        "year": 2020,
        "target": target,
        "probability": None if target is None else 0.4,
        "expected": expected,
        "interval80": [expected - 2, expected + 2],
        "interval95": [expected - 3, expected + 3],
        "yearly": [
            {"year": y, "mean": 5.0 + (y - as_of), "lo80": 4 + (y - as_of), "hi80": 7 + (y - as_of)}
            for y in range(as_of + 1, 2021)
        ],
        "now": {"n_ntm": now},
        "headline": "…",
        "synthetic": True,
    }
    (folder / "results" / "186-huu-lung.json").write_text(json.dumps(side), "utf-8")
    manifest = {
        "run_id": run_id,
        "finished": "2026-11-30T05:00:00+00:00",
        "synthetic": True,
        "province": {"name": "Lạng Sơn"},
        "package": {"name": "ntm-analysis", "version": "0.1.0", "code": code},
        "parameters": {"target_year": 2020, "draws": draws, "seed": 0, "scenario": None},
        "data_files": {"panel": {"sha256": data * 64}},
        "units": [
            {
                "id": "186-huu-lung",
                "kind": "district",
                "name": "Hữu Lũng",
                "status": "ok",
                "outputs": {"results": "results/186-huu-lung.json"},
            }
        ],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return folder


def test_a_new_data_year_is_shown_against_what_the_last_report_forecast(tmp_path):
    before = changes.snapshot(_run_folder(tmp_path / "a", "r1", as_of=2015, now=1, expected=9.0))
    out = _run_folder(tmp_path / "b", "r2", as_of=2016, now=5, expected=12.4, target=12.0)
    result = changes.write_changes(out, before)
    (unit,) = result["units"]
    assert unit["before"]["expected"] == 9.0 and unit["after"]["expected"] == 12.4
    assert unit["observed"]["year"] == 2016 and unit["observed"]["n_ntm"] == 5
    assert unit["observed"]["forecast"]["mean"] == 6.0  # the last report's forecast for 2016
    keys = [key for key, _ in unit["reasons"]]
    assert keys == ["changes.reason.new_year", "changes.reason.target"]
    assert json.loads((out / changes.CHANGES).read_text(encoding="utf-8")) == result

    page = write_index(out, json.loads((out / "manifest.json").read_text()), "vi").read_text(
        encoding="utf-8"
    )
    section = page.split("Thay đổi so với lần báo cáo trước", 1)[1]
    text = re.sub(r"<[^>]+>", " ", section)
    assert "năm 2020: 9,0 xã (7–11)" in text and "năm 2020: 12,4 xã (10–14)" in text
    assert "năm 2016: 5 xã đạt chuẩn (lần trước dự báo 6,0, 5–8)" in text
    assert "nằm ngoài khoảng dự báo" not in text
    assert "có thêm số liệu năm 2016" in text
    assert "mục tiêu đổi: chưa giao (năm 2020) → 12 xã năm 2020" in text
    assert "khả năng 40% có ít nhất 12 xã" in text


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"data": "b"}, "changes.reason.data"),
        ({"code": "c2"}, "changes.reason.model"),
        ({"draws": 4000}, "changes.reason.settings"),
        ({}, "changes.reason.none"),
    ],
)
def test_each_reason_is_named_from_what_the_runs_recorded(tmp_path, change, key):
    same = {"as_of": 2016, "now": 5, "expected": 12.4}
    before = changes.snapshot(_run_folder(tmp_path / "a", "r1", **same))
    result = changes.write_changes(_run_folder(tmp_path / "b", "r2", **same, **change), before)
    assert [k for k, _ in result["units"][0]["reasons"]] == [key]
    assert result["units"][0]["observed"] is None


def test_nothing_to_compare_leaves_no_section(tmp_path):
    out = _run_folder(tmp_path / "b", "r2", as_of=2016, now=5, expected=12.4)
    (out / changes.CHANGES).write_text("{}", encoding="utf-8")  # stale, from an earlier run
    assert changes.write_changes(out, None) is None
    assert not (out / changes.CHANGES).exists()
    assert changes.snapshot(tmp_path / "nowhere") is None
    page = write_index(out, json.loads((out / "manifest.json").read_text()), "en")
    assert "Changes since the last report" not in page.read_text(encoding="utf-8")


def test_an_observation_outside_the_last_range_and_single_value_ranges_are_said(tmp_path):
    before = changes.snapshot(_run_folder(tmp_path / "a", "r1", as_of=2015, now=1, expected=9.0))
    out = _run_folder(tmp_path / "b", "r2", as_of=2016, now=9, expected=1.1)
    sidecar = out / "results" / "186-huu-lung.json"
    side = json.loads(sidecar.read_text(encoding="utf-8"))
    sidecar.write_text(json.dumps(side | {"interval80": [1, 1], "interval95": [0, 3]}), "utf-8")
    changes.write_changes(out, before)
    page = write_index(out, json.loads((out / "manifest.json").read_text()), "vi")
    text = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
    assert "năm 2016: 9 xã đạt chuẩn (lần trước dự báo 6,0, 5–8) — nằm ngoài khoảng dự báo" in text
    assert "năm 2020: 1,1 xã (0–3, khoảng 95%)" in text and "(1–1)" not in text
