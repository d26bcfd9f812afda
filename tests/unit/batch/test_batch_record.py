"""What the batch records and decides, without starting a kernel: targets, the manifest, the
index (synthetic label, which units of earlier runs it shows), --units, defaults, resume.

The notebooks are replaced by a fake executor that writes plausible outputs, so these tests
take milliseconds; test_batch.py and test_batch_faults.py run real notebooks.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from ntm_analysis import cli
from ntm_analysis.analysis import cache as analysis_cache
from ntm_analysis.analysis.analyse import analyse, analysis_file
from ntm_analysis.analysis.cache import CACHE_DIR_ENV
from ntm_analysis.batch import executor
from ntm_analysis.batch import run as batch
from ntm_analysis.batch.index import write_index
from ntm_analysis.batch.records import Outcome
from ntm_analysis.batch.run import ParameterError, run_batch
from ntm_analysis.core import params
from ntm_analysis.core.config import RunConfig
from ntm_analysis.core.paths import default_units_path
from ntm_analysis.i18n import status_label
from ntm_analysis.report import sections as report

RUN = {"draws": 50, "seed": 1, "province_target": 20, "backtest_draws": 0, "progress": False}


def _sidecar(task):
    return {
        "unit_code": task.code,
        "level": task.kind,
        "unit": task.name,
        "unit_name": task.name,
        "year": task.parameters["target_year"],
        "headline": f"headline of {task.id}",
        "now": {"n_ntm": 1},
        "expected": 2.5,
        "interval80": [1, 4],
        "probability": None,
        "status": None,
        "synthetic": True,
    }


@pytest.fixture
def fake_notebooks(monkeypatch):
    """Replace the notebooks (not the simulation): each unit "succeeds" unless its id is in
    ``fail`` (then it fails the way a raising cell does); ``ran`` lists each call's tasks."""
    ran: list[list[str]] = []
    fail: set[str] = set()
    tasks_run: list = []

    def run_local(tasks, workers, on_done, slots=None):
        ran.append([t.id for t in tasks])
        tasks_run.extend(tasks)
        for task in tasks:
            out, uid = task.out, task.id
            if uid in fail:
                error = executor.unit_error("RuntimeError", "injected", "execute", 3)
                on_done(executor.failed_result(task, error))
                continue
            outputs = {k: v.format(id=uid) for k, v in executor.OUTPUTS.items()}
            for key, rel in outputs.items():
                (out / rel).parent.mkdir(parents=True, exist_ok=True)
                text = json.dumps(_sidecar(task)) if key == "results" else "{}"
                (out / rel).write_text(text, encoding="utf-8")
            on_done(Outcome(uid, "ok", None, 0.0, "now", outputs))

    monkeypatch.setattr(executor, "run_local", run_local)
    monkeypatch.setattr(executor, "start_workers", lambda n, staging: [])
    return ran, fail, tasks_run


@pytest.fixture
def fake_units(monkeypatch, fake_notebooks):
    """``fake_notebooks`` and no simulation either."""
    monkeypatch.setattr(
        analysis_cache, "ensure_analysis", lambda *a, **k: (Path("cache.pkl"), True)
    )
    ran, fail, _ = fake_notebooks
    return ran, fail


def _manifest(out):
    return json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- one analysis path


@pytest.fixture
def counted(monkeypatch, tmp_path):
    """Count the model fits and the forecasts made (a fit cache of this test's own)."""
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "fits"))
    made = {"fit": 0, "forecast": 0}

    def counting(name, real):
        def call(*args, **kwargs):
            made[name] += 1
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(analysis_cache, "fit", counting("fit", analysis_cache.fit))
    monkeypatch.setattr(
        analysis_cache, "run_forecast", counting("forecast", analysis_cache.run_forecast)
    )
    return made


def test_the_batch_and_analyse_share_one_cached_forecast(
    panel_file, tmp_path, fake_notebooks, counted
):
    """The batch's parent goes through the one analysis path: with the settings of an
    ``analyse`` run (same data, draws, seed…) and its cache folder, it finds that forecast
    (one fit, one simulation in all) and hands that file to every notebook; an ``analyse``
    after the batch finds it too."""
    settings = {"draws": 50, "seed": 1, "backtest_draws": 0}
    cache = tmp_path / "cache"
    config = RunConfig(data_path=str(panel_file), **settings)
    first = analyse(config, cache_dir=cache)
    assert counted == {"fit": 1, "forecast": 1}

    out = tmp_path / "out"
    args = {"data": panel_file, "districts": ["Tràng Định"], "cache_dir": cache}
    result = run_batch(out, **args, province_target=20, progress=False, **settings)
    assert result.exit_code == 0 and len(result.ok) == 2
    assert counted == {"fit": 1, "forecast": 1}  # the batch refitted nothing
    path = analysis_file(first, cache)
    assert _manifest(out)["cache"] | {"seconds": 0} == {
        "path": str(path),
        "reused": True,
        "seconds": 0,
    }
    _, _, tasks = fake_notebooks
    assert {t.parameters["forecast_cache"] for t in tasks} == {str(path)}

    again = analyse(config, cache_dir=cache)
    assert counted == {"fit": 1, "forecast": 1}
    assert again.analysis.meta == first.analysis.meta
    other = run_batch(tmp_path / "other", **args, progress=False, **settings | {"seed": 2})
    assert other.exit_code == 0 and counted["forecast"] == 2  # another seed: another key


def test_a_batch_into_another_folder_takes_the_analysis_from_the_fit_cache(
    panel_file, tmp_path, fake_notebooks, counted, monkeypatch
):
    """The batch keeps a copy of its analysis in the fit cache: a batch of the same data and
    settings into another folder neither fits nor simulates (issue 17: ~0.9 s CPU of a warm
    batch's parent), its manifest says where the analysis came from, and its notebooks load
    the same analysis. Another seed is another key; a copy that cannot be read is made
    again and replaced; with the fit cache off nothing is kept."""
    args = {"data": panel_file, "districts": ["Tràng Định"], **RUN}
    first = run_batch(tmp_path / "one", **args)
    assert first.exit_code == 0 and counted == {"fit": 1, "forecast": 1}
    made = Path(_manifest(tmp_path / "one")["cache"]["path"])
    shared = tmp_path / "fits" / f"batch-{made.name}"
    assert shared.read_bytes() == made.read_bytes()
    assert "copied_from" not in _manifest(tmp_path / "one")["cache"]

    second = run_batch(tmp_path / "two", **args)
    assert second.exit_code == 0 and counted == {"fit": 1, "forecast": 1}
    recorded = _manifest(tmp_path / "two")["cache"]
    assert recorded["reused"] is False  # this folder's cache did not hold it
    assert recorded["copied_from"] == str(shared)
    assert Path(recorded["path"]).read_bytes() == made.read_bytes()

    other = run_batch(tmp_path / "three", **args | {"seed": 2})
    assert other.exit_code == 0 and counted["forecast"] == 2  # another seed: another key

    shared.write_bytes(b"not a pickle")
    again = run_batch(tmp_path / "four", **args)
    assert again.exit_code == 0 and counted["forecast"] == 3  # computed again…
    remade = Path(_manifest(tmp_path / "four")["cache"]["path"])
    assert "copied_from" not in _manifest(tmp_path / "four")["cache"]
    assert shared.read_bytes() == remade.read_bytes()  # …and the copy replaced

    shared.unlink()
    monkeypatch.setenv(CACHE_DIR_ENV, "")
    assert run_batch(tmp_path / "five", **args).exit_code == 0
    assert not shared.exists()


# --------------------------------------------------------------------------- targets, defaults


def test_the_province_target_comes_from_the_targets_file_unless_given():
    assert params.PARAMETERS["province_target"].default is None
    assert batch.province_target_entry(None, 2017, "Lạng Sơn") == {
        "value": 38.0,
        "official": True,
        "source": str(batch.default_targets_path()),
    }
    assert batch.province_target_entry(None, 2020, "Lạng Sơn")["value"] == 77.0
    none = {"value": None, "official": False, "source": None}
    assert batch.province_target_entry(None, 2019, "Lạng Sơn") == none
    # the bundled Lạng Sơn plan is never another province's target
    assert batch.province_target_entry(None, 2020, "Tỉnh Thử") == none
    user = {"value": 50, "official": False, "source": "user"}
    assert batch.province_target_entry(50, 2020, "Lạng Sơn") == user


def test_command_line_defaults_come_from_the_schema(capsys):
    parser = cli.build_parser("en")
    for command in ("batch", "run"):
        args = parser.parse_args([command])
        assert args.draws == params.default("draws")
        assert args.seed == params.default("seed")
        assert args.year == params.default("target_year")
        assert args.target is None, "no --target: the targets file decides"
        assert args.backtest_draws == params.default("backtest_draws")
        assert args.timeout == params.default("timeout")
        assert args.units is None
    assert parser.parse_args(["batch"]).workers == params.default("workers")
    with pytest.raises(SystemExit):
        parser.parse_args(["batch", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "shared filesystem" in help_text and "same absolute paths" in help_text, "--dask"


def test_a_run_without_target_records_the_official_one(panel_file, tmp_path, fake_units):
    out = tmp_path / "out"
    args = RUN | {"province_target": None, "target_year": 2017}
    result = run_batch(out, data=panel_file, districts=["Bắc Sơn"], **args)
    assert result.exit_code == 0
    manifest = _manifest(out)
    assert manifest["province_target"]["value"] == 38 and manifest["province_target"]["official"]
    for unit in manifest["units"]:
        assert unit["parameters"]["province_target"] is None, "the notebook looks it up too"
        assert unit["parameters"]["target_year"] == 2017


def test_the_units_file_is_the_registry(panel_file, tmp_path, fake_units):
    units = tmp_path / "units.csv"
    text = default_units_path().read_text(encoding="utf-8").replace(",Lạng Sơn,", ",Xứ Lạng,")
    assert "Xứ Lạng" in text
    units.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match="unknown district 'Atlantis' in Xứ Lạng"):
        run_batch(tmp_path / "a", data=panel_file, units=units, districts=["Atlantis"], **RUN)
    result = run_batch(tmp_path / "b", data=panel_file, units=units, districts=["180"], **RUN)
    assert result.ok == ["province", "180-trang-dinh"]
    manifest = _manifest(tmp_path / "b")
    assert manifest["data_files"]["units"]["path"] == str(units.resolve())
    assert {u["parameters"]["units_path"] for u in manifest["units"]} == {str(units.resolve())}
    assert "Tỉnh Xứ Lạng" in (tmp_path / "b" / "index.html").read_text(encoding="utf-8")
    # the bundled file is passed as "" (the notebooks' default)
    run_batch(tmp_path / "c", data=panel_file, districts=["Tràng Định"], **RUN)
    assert {u["parameters"]["units_path"] for u in _manifest(tmp_path / "c")["units"]} == {""}
    unit_fingerprints = {
        run: {u["id"]: u["fingerprint"] for u in _manifest(tmp_path / run)["units"]} for run in "bc"
    }
    assert unit_fingerprints["b"]["province"] != unit_fingerprints["c"]["province"]


# --------------------------------------------------------------------------- manifest and index


def test_the_index_says_synthetic_even_when_every_unit_failed(panel_file, tmp_path, fake_units):
    _, fail = fake_units
    fail.update({"province", "180-trang-dinh"})
    out = tmp_path / "out"
    result = run_batch(out, data=panel_file, districts=["Tràng Định"], **RUN)
    assert result.exit_code == batch.EXIT_FAILED and not result.ok
    manifest = _manifest(out)
    assert manifest["synthetic"] is True
    assert manifest["summary"] == {"ok": 0, "skipped": 0, "failed": 2, "pending": 0}
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'class="ntm-synthetic"' in page, "no sidecar, but the manifest says it is synthetic"
    assert "Tỉnh Lạng Sơn" in page
    real = dict(manifest, synthetic=False)
    write_index(out, real, "en")
    assert 'class="ntm-synthetic"' not in (out / "index.html").read_text(encoding="utf-8")


def test_units_of_earlier_runs_are_kept_only_if_made_alike(panel_file, tmp_path, fake_units):
    out = tmp_path / "out"
    first = run_batch(out, data=panel_file, districts=["Tràng Định", "Văn Lãng"], **RUN)
    assert first.exit_code == 0
    # same parameters and data, fewer districts: Văn Lãng's report is still this set's
    second = run_batch(out, data=panel_file, districts=["Tràng Định"], province=False, **RUN)
    manifest = _manifest(out)
    units = {u["id"]: u for u in manifest["units"]}
    assert set(units) == {"province", "180-trang-dinh", "182-van-lang"}
    assert units["182-van-lang"]["carried_from_run"] == first.run_id
    assert units["180-trang-dinh"]["run_id"] == second.run_id
    assert 'href="182-van-lang.html"' in (out / "index.html").read_text(encoding="utf-8")
    assert manifest["not_in_index"] == []

    # other draws: the earlier reports are not comparable, so they leave the index (named in
    # the manifest with their run) — their files stay on disk
    third = run_batch(out, data=panel_file, districts=["Tràng Định"], **(RUN | {"draws": 60}))
    manifest = _manifest(out)
    assert {u["id"] for u in manifest["units"]} == {"province", "180-trang-dinh"}
    assert {u["run_id"] for u in manifest["units"]} == {third.run_id}
    assert manifest["not_in_index"] == [
        {
            "id": "182-van-lang",
            "run_id": first.run_id,
            "reason": "made with other parameters, data or code",
        }
    ]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "182-van-lang" not in index and "Văn Lãng" not in index
    assert (out / "182-van-lang.html").exists()


def test_resume_runs_only_what_failed_or_is_missing(panel_file, tmp_path, fake_units):
    ran, fail = fake_units
    out = tmp_path / "out"
    fail.add("182-van-lang")
    args = {"data": panel_file, "districts": ["Tràng Định", "Văn Lãng"], **RUN}
    first = run_batch(out, **args)
    assert [f.id for f in first.failed] == ["182-van-lang"]
    fail.clear()
    (out / "province.html").unlink()
    second = run_batch(out, resume=True, **args)
    assert ran[-1] == ["province", "182-van-lang"]
    assert second.skipped == ["180-trang-dinh"] and second.exit_code == 0
    assert run_batch(out, resume=True, dry_run=True, **args).planned == []


def test_the_manifest_is_updated_as_units_finish(panel_file, tmp_path, monkeypatch, fake_units):
    seen = []
    real = batch.write_manifest

    def spy(out, manifest):
        seen.append((manifest["finished"], manifest["summary"]["pending"]))
        return real(out, manifest)

    monkeypatch.setattr(batch, "write_manifest", spy)
    run_batch(tmp_path / "out", data=panel_file, districts=["Tràng Định"], **RUN)
    assert seen[0] == (None, 1) and seen[1] == (None, 0), "one write per finished unit"
    assert seen[-1][0] is not None and seen[-1][1] == 0


def test_a_manifest_that_cannot_be_written_is_a_failure(
    panel_file, tmp_path, fake_units, monkeypatch
):
    def refuse(out, manifest):
        raise PermissionError(13, "Permission denied", str(out))

    monkeypatch.setattr(batch, "write_manifest", refuse)
    result = run_batch(tmp_path / "out", data=panel_file, districts=["Tràng Định"], **RUN)
    assert result.exit_code == batch.EXIT_FAILED and "manifest.json" in result.record_error
    assert result.manifest is None and result.index is None


def test_staging_left_by_a_crashed_run_is_cleared(panel_file, tmp_path, fake_units):
    out = tmp_path / "out"
    leftover = out / ".staging" / "20000101T000000Z-dead00" / "180-trang-dinh.html"
    leftover.parent.mkdir(parents=True)
    leftover.write_text("half a report", encoding="utf-8")
    run_batch(out, data=panel_file, districts=["Tràng Định"], **RUN)
    assert not (out / ".staging").exists()


def test_outputs_of_a_copied_folder_are_found_again(panel_file, tmp_path, fake_units):
    run_batch(tmp_path / "a", data=panel_file, districts=["Tràng Định"], **RUN)
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    again = run_batch(tmp_path / "b", data=panel_file, districts=["Tràng Định"], resume=True, **RUN)
    assert again.planned == [] and len(again.skipped) == 2


# --------------------------------------------------------------------------- Dask file check


class _FakeClient:
    """A Dask client whose single worker has its own disk: this machine's paths are
    ``moved`` elsewhere there."""

    def __init__(self, moved=None, workers=("tcp://10.0.0.2:4000",)):
        self.moved, self.workers = moved, workers

    def scheduler_info(self):
        return {"workers": {w: {} for w in self.workers}}

    def wait_for_workers(self, n, timeout=None):
        raise TimeoutError

    def run(self, function, probe, token, paths):
        if self.moved:
            probe = probe.replace(self.moved[0], self.moved[1])
            paths = [p.replace(self.moved[0], self.moved[1]) for p in paths]
        return {w: function(probe, token, paths) for w in self.workers}


def test_dask_workers_must_see_the_same_files(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("x", encoding="utf-8")
    staging = tmp_path / "out" / ".staging" / "run"
    executor.check_dask_filesystem(_FakeClient(), staging, [data])  # a shared disk: fine
    assert list(staging.iterdir()) == [], "the probe file is removed"

    elsewhere = _FakeClient(moved=(str(tmp_path), "/nonexistent/mount"))
    with pytest.raises(ParameterError) as info:
        executor.check_dask_filesystem(elsewhere, staging, [data])
    message = str(info.value)
    assert "shared with the workers" in message and "same absolute paths" in message
    assert "worker tcp://10.0.0.2:4000" in message
    assert "/nonexistent/mount/data.csv not found" in message
    assert "cannot write to /nonexistent/mount/out/.staging/run" in message

    with pytest.raises(ParameterError, match="no workers"):
        executor.check_dask_filesystem(_FakeClient(workers=()), staging, [data])


def test_an_output_folder_that_cannot_be_made_is_a_clear_error(
    panel_file, tmp_path, fake_units, capsys
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    argv = ["batch", "--out", str(blocker / "out"), "--data", str(panel_file), "--target", "20"]
    assert cli.main([*argv, "--districts", "Tràng Định", "--no-progress"]) == cli.EXIT_DATA_ERROR
    assert "Lỗi: không ghi được vào thư mục kết quả" in capsys.readouterr().err
    argv += ["--districts", "Tràng Định", "--no-progress", "--lang", "en"]
    assert cli.main(argv) == cli.EXIT_DATA_ERROR
    assert "error: cannot write to the output folder" in capsys.readouterr().err


# --------------------------------------------------------------------------- district targets


def _index_with(tmp_path: Path, targets: dict[str, float | None]) -> str:
    """The index of a made-up run: the province (target 77) and two districts, each with the
    target given (None: no target), as the sidecars of a real run carry them."""
    units = [{"id": "province", "kind": "province", "name": "Lạng Sơn"}]
    sides = {
        "province": {
            "level": "province",
            "target": 77.0,
            "expected": 80.2,
            "status": "on_track",
            "interval80": [74.0, 86.0],
            "interval95": [70.0, 90.0],
            "now": {"n_ntm": 24},
            "as_of": 2016,
            "year": 2020,
        }
    }
    for i, (name, target) in enumerate(targets.items()):
        uid = f"18{i}-x"
        units.append({"id": uid, "kind": "district", "name": name})
        sides[uid] = {
            "level": "district",
            "unit_name": f"Huyện {name}",
            "target": target,
            "probability": None if target is None else 0.25,
            "status": None if target is None else "off_track",
            "expected": 12.32,
            "interval80": [1.0, 1.0] if i else [10.0, 14.0],  # the second: a single value
            "interval95": [0.0, 3.0],
            "now": {"n_ntm": 5},
            "as_of": 2016,
            "year": 2020,
        }
    (tmp_path / "results").mkdir()
    for unit in units:
        side = {"headline": "…", "synthetic": True, **sides[unit["id"]]}
        (tmp_path / "results" / f"{unit['id']}.json").write_text(json.dumps(side), "utf-8")
        unit.update(status="ok", outputs={"results": f"results/{unit['id']}.json"})
    manifest = {
        "units": units,
        "run_id": "r",
        "synthetic": True,
        "province": {"name": "Lạng Sơn"},
        "parameters": {"target_year": 2020},
        "data_files": {"panel": {"sha256": "0" * 64}},
    }
    return write_index(tmp_path, manifest, "vi").read_text(encoding="utf-8")


def _district_cells(page: str) -> list[list[str]]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_without_district_targets_the_index_shows_expected_contributions(tmp_path):
    page = _index_with(tmp_path, {"Tràng Định": None, "Văn Lãng": None})
    assert "Đóng góp dự kiến vào kế hoạch của tỉnh năm 2020" in page
    assert "ntm targets --template" in page
    rows = _district_cells(page)
    assert rows[0][1:5] == ["5", "12,3", "10–14", "16% của 77 xã"]
    assert rows[1][3] == "0–3 (95%)", "a single-value 80% range is replaced by the 95% one"
    assert all(cell.strip() != "–" for row in rows for cell in row), "no cell is a bare dash"


def test_with_district_targets_the_index_gives_each_district_its_verdict(tmp_path):
    page = _index_with(tmp_path, {"Tràng Định": 8.0, "Văn Lãng": None})
    rows = _district_cells(page)
    assert rows[0][4] == "8 · 25%" and rows[0][5].strip() == status_label("off_track", "vi")
    assert rows[1][4] == "Chưa giao mục tiêu" and rows[1][5] == ""
    assert "Đóng góp dự kiến" not in page and "do người dùng nhập" in page


# --------------------------------------------------------------------------- hearing packs


@pytest.fixture
def fake_packs(monkeypatch):
    """Hearing packs without the report: each pack is three files, written one by one (a
    crash between them is what staging protects against); ``broken`` units' packs fail after
    the first file."""
    from ntm_analysis.report import hearing

    broken: set[str] = set()
    monkeypatch.setenv(hearing.ENV, "1")
    # the real prepare takes every run setting; the pack only needs these two
    monkeypatch.setattr(
        report, "prepare", lambda district=None, seed=0, **_: {"district": district, "seed": seed}
    )

    def write(rep, folder, chromium=None):
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "brief.html").write_text(f"brief {rep['seed']}", encoding="utf-8")
        if rep.get("district") in broken:
            raise RuntimeError("chart failed")
        for name in ("slides.html", "tables.xlsx"):
            (folder / name).write_text(f"{name} {rep['seed']}", encoding="utf-8")

    monkeypatch.setattr(hearing, "write", write)
    return broken


def test_hearing_packs_are_staged_and_published_whole(
    panel_file, tmp_path, fake_units, fake_packs, capsys
):
    out = tmp_path / "out"
    one = RUN | {"province": False, "districts": ["Bắc Sơn"]}
    assert run_batch(out, data=panel_file, **one).exit_code == 0
    (pack,) = (out / "hearing").iterdir()
    assert sorted(p.name for p in pack.iterdir()) == ["brief.html", "slides.html", "tables.xlsx"]
    assert (pack / "brief.html").read_text(encoding="utf-8") == "brief 1"
    assert not (out / ".staging").exists()

    # a pack that fails half-way is not published, and the earlier run's is removed: it
    # would pass for this run's beside the new report
    fake_packs.add("Huyện Bắc Sơn")
    assert run_batch(out, data=panel_file, **one | {"seed": 2}).exit_code == 0
    assert "Huyện Bắc Sơn" in capsys.readouterr().err
    assert not pack.exists()
    assert not (out / ".staging").exists()

    fake_packs.clear()
    assert run_batch(out, data=panel_file, **one | {"seed": 3}).exit_code == 0
    assert (pack / "slides.html").read_text(encoding="utf-8") == "slides.html 3"
    leftovers = [p for p in (out / "hearing").iterdir() if p != pack]
    assert leftovers == [], "the replaced pack is gone, not kept aside"

    # --no-hearing: no pack, and none of an earlier run beside the new report
    assert run_batch(out, data=panel_file, **one | {"hearing_packs": False}).exit_code == 0
    assert not pack.exists()


def test_no_hearing_on_the_command_line_and_in_the_environment():
    parser = cli.build_parser("vi")
    assert parser.parse_args(["batch"]).no_hearing is False
    assert parser.parse_args(["batch", "--no-hearing"]).no_hearing is True
    assert parser.parse_args(["run", "--no-hearing"]).no_hearing is True


def test_resume_reads_a_manifest_written_before_it_had_a_version(panel_file, tmp_path, fake_units):
    ran, _ = fake_units
    out = tmp_path / "out"
    args = {"data": panel_file, "districts": ["Tràng Định"], **RUN}
    run_batch(out, **args)
    manifest = _manifest(out)
    assert manifest.pop("manifest_version") == 1
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    again = run_batch(out, resume=True, **args)
    assert again.skipped == ["province", "180-trang-dinh"] and again.exit_code == 0
    assert len(ran) == 1, "nothing ran again"
    assert _manifest(out)["units"][1]["reused_in_run"] == again.run_id


def test_a_fit_cache_that_cannot_be_looked_in_is_skipped(
    panel_file, tmp_path, fake_notebooks, counted, monkeypatch
):
    """A fit cache folder the system refuses to look in (here: a name too long, which
    ``Path.is_file`` raises on rather than answering False) costs the batch its shortcut,
    never the run: the analysis is computed in the run's own folder, nothing is copied."""
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / ("x" * 300)))
    args = {"data": panel_file, "districts": ["Tràng Định"], **RUN}
    result = run_batch(tmp_path / "one", **args)
    assert result.exit_code == 0 and counted["forecast"] == 1
    cache = _manifest(tmp_path / "one")["cache"]
    assert "copied_from" not in cache and Path(cache["path"]).is_file()
