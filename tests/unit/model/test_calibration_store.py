"""The calibration state: cases stored as they finish, runs resumed and extended, keys apart.

Oracle forecasters only (the ideal and a biased copy of it) on a tiny province: the store's
behaviour does not depend on what is scored, and these take milliseconds a case.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ntm_analysis.model import calibration as cal
from ntm_analysis.model import calibration_store as cs
from ntm_analysis.model.known_processes import SCENARIOS

TINY = [SCENARIOS["strong_communes"].with_size(30, 3), SCENARIOS["quota"].with_size(30, 3)]
ORACLES = {"ideal": cal.identity, "biased": cal.biased}
OPTIONS = dict(forecasters={}, oracles=ORACLES, origins=(2014, 2016), horizons=(1, 2))
DRAWS = dict(n_draws=40, n_ideal=60)


def _key(fingerprint: str = "f" * 16) -> dict:
    return cs.run_key(DRAWS["n_draws"], DRAWS["n_ideal"], 0, (1, 2), ORACLES, fingerprint)


def _run(store, replicates: int) -> cal.Calibration:
    return cal.run(TINY, replicates=replicates, store=store, **OPTIONS, **DRAWS)


class Interrupted(Exception):
    pass


class StopsAfter(cs.StateFile):
    """A state file whose run is killed after ``n`` cases were stored."""

    def __init__(self, *args, n: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.n = n

    def add(self, frames) -> None:
        super().add(frames)
        self.n -= 1
        if self.n == 0:
            raise Interrupted


def test_an_interrupted_run_resumed_gives_the_table_of_a_straight_run(tmp_path):
    straight = _run(cs.StateFile(tmp_path / "a.csv.gz", _key(), merge_every=3), 3)

    path = tmp_path / "b.csv.gz"
    with pytest.raises(Interrupted):
        _run(StopsAfter(path, _key(), merge_every=3, n=5), 3)
    stored = cs.StateFile(path, _key()).done()
    assert len(stored) == 5  # 3 merged into the file, 2 still pending: none lost
    resumed = _run(cs.StateFile(path, _key(), merge_every=3), 3)

    pd.testing.assert_frame_equal(straight.summary, resumed.summary)
    pd.testing.assert_frame_equal(straight.communes, resumed.communes)
    assert resumed.settings["completed"] == {p.name: 3 for p in TINY}


def test_a_run_extended_scores_only_the_new_replicates(tmp_path):
    store = cs.StateFile(tmp_path / "s.csv.gz", _key())
    _run(store, 2)
    store.merge()
    before = store.done()
    scored = []
    result = cal.run(
        TINY, replicates=3, store=store, progress=lambda n, total: scored.append(total),
        **OPTIONS, **DRAWS,
    )
    assert set(scored) == {len(TINY) * 2}  # only replicate 2's cases: 2 scenarios × 2 origins
    assert before < store.done() and len(store.done()) == 3 * len(TINY) * 2
    straight = _run(cs.StateFile(tmp_path / "t.csv.gz", _key()), 3)
    pd.testing.assert_frame_equal(straight.summary, result.summary)


def test_cases_of_other_model_code_are_kept_but_never_mixed(tmp_path):
    path = tmp_path / "s.csv.gz"
    old = cs.StateFile(path, _key("0" * 16))
    _run(old, 1)
    old.merge()
    new = cs.StateFile(path, _key("1" * 16))
    assert new.done() == set()  # other code: nothing of it counts as done
    _run(new, 2)
    new.merge()
    assert len(old.done()) == 4 and len(new.done()) == 8
    rows = pd.read_csv(path, dtype=str)
    assert set(rows["fingerprint"]) == {"0" * 16, "1" * 16}
    assert set(new.frames()[0]["replicate"]) == {0, 1}


def test_a_crash_between_merge_and_clean_up_leaves_no_duplicate(tmp_path):
    store = cs.StateFile(tmp_path / "s.csv.gz", _key())
    _run(store, 1)
    shards = sorted(store.pending.glob("*.csv"))
    saved = tmp_path / "saved"
    shutil.copytree(store.pending, saved)
    store.merge()
    assert not store.pending.exists()
    shutil.copytree(saved, store.pending)  # as if the process died before removing them
    cases, _, _ = store.frames()
    assert len(shards) == 4
    assert not cases.duplicated(["scenario", "replicate", "origin", "forecaster", "horizon",
                                 "figure"]).any()
    assert len(cases) == 4 * len(ORACLES) * 2 * 2


def test_a_table_beside_a_run_reads_the_merged_file_only(tmp_path):
    path = tmp_path / "s.csv.gz"
    _run(cs.StateFile(path, _key(), merge_every=3), 1)  # 4 cases: 3 merged, 1 pending
    reader = cs.StateFile(path, _key(), read_pending=False)
    assert len(reader.done()) == 3
    reader.merge()  # merging always takes the pending cases in: none is lost
    assert len(reader.done()) == 4


def test_errors_and_commune_rows_survive_the_file(tmp_path):
    def broken(history, last_year, n_draws, seed):
        raise KeyError(2013)

    store = cs.StateFile(tmp_path / "s.csv.gz", _key())
    frames = cal.score_case(TINY[0], 0, 2016, {"broken": broken}, ORACLES, (1, 2), 40, 60)
    store.add(frames)
    store.merge()
    cases, communes, errors = store.frames()
    assert errors[["forecaster", "origin", "message"]].values.tolist() == [
        ["broken", 2016, "KeyError: 2013"]
    ]
    expected = frames[1].sort_values(["forecaster", "horizon"], kind="stable")
    assert len(communes) == len(expected) > 0
    pd.testing.assert_series_equal(
        communes["p"].reset_index(drop=True),
        expected["p"].round(4).reset_index(drop=True),
        check_exact=False,
        atol=1e-9,
    )
    assert communes["y"].tolist() == expected["y"].tolist()
    assert set(cases["forecaster"]) == set(ORACLES)


def test_a_second_run_on_the_same_state_is_refused(tmp_path):
    store = cs.StateFile(tmp_path / "s.csv.gz", _key())
    second = cs.StateFile(tmp_path / "s.csv.gz", _key())
    with store.lock(), pytest.raises(RuntimeError, match="another calibration run"):  # noqa: SIM117
        with second.lock():
            pass


# --------------------------------------------------------------------------- the fingerprint
def test_the_fingerprint_covers_the_forecast_code_and_not_the_harness():
    names = {p.relative_to(cs.PACKAGE_DIR).as_posix() for p in cs.forecast_files()}
    assert {"model/forecast.py", "model/transitions.py", "model/glmm.py"} <= names
    assert {"core/panel.py", "core/criteria.py", "__init__.py"} <= names
    harness = {"model/calibration.py", "model/calibration_store.py", "model/known_processes.py"}
    assert not names & harness
    assert not any(n.startswith(("analysis/", "report/", "batch/")) for n in names)


def test_the_fingerprint_sees_every_module_the_forecast_imports():
    """The source closure is read statically; a fresh interpreter that imports the
    forecasters' modules (and runs nothing else) must load no package module outside it."""
    code = (
        "import sys, json\n"
        "import ntm_analysis.model.forecast, ntm_analysis.model.transitions\n"
        "print(json.dumps(sorted(m.__file__ for n, m in sys.modules.items()\n"
        "    if n.startswith('ntm_analysis') and getattr(m, '__file__', None))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    files = {str(p) for p in cs.forecast_files()}
    assert loaded <= files, sorted(loaded - files)


def _sources_only(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()]


def test_the_fingerprint_changes_with_the_model_code(tmp_path, monkeypatch):
    before = cs.model_fingerprint()
    copy = tmp_path / "ntm_analysis"
    shutil.copytree(cs.PACKAGE_DIR, copy, ignore=_sources_only)
    monkeypatch.setattr(cs, "PACKAGE_DIR", copy)
    assert cs.model_fingerprint() == before  # the same sources, elsewhere
    (copy / "model" / "calibration.py").write_text("# the harness changed\n", encoding="utf-8")
    assert cs.model_fingerprint() == before
    glmm = copy / "model" / "glmm.py"
    glmm.write_text(glmm.read_text(encoding="utf-8") + "\n# a change\n", encoding="utf-8")
    assert cs.model_fingerprint() != before
