"""benchmarks/diagnostics/compare_runs.py: two calibration runs read from one state file and
compared on the cases both scored (the reading of a model change rests on it)."""

import itertools

import numpy as np
import pandas as pd
import pytest

from benchmarks.diagnostics.compare_runs import crps_change, main, paired, side, table


def _rows(
    fingerprint: str,
    crps: float,
    replicates: range,
    scenario: str = "s",
    horizons: tuple[int, ...] = (1, 2, 3, 4),
    origins: tuple[int, ...] = (2016,),
) -> pd.DataFrame:
    rows = []
    for r, origin, h in itertools.product(replicates, origins, horizons):
        far = h == max(horizons)
        base = {"fingerprint": fingerprint, "scenario": scenario, "replicate": r}
        rows.append(
            base
            | {"origin": origin, "forecaster": "model", "horizon": h, "figure": "n_ntm"}
            | {"mean": 10.0 + h, "observed": 10.0, "lo80": 9.0, "hi80": 10.0 + 2 * h}
            | {"pit": 0.95 if far else 0.5, "crps": crps * (1 + r), "ideal_crps": 1.0}
            | {"message": np.nan}
        )
    return pd.DataFrame(rows)


def test_only_cases_both_runs_scored_are_compared():
    rows = pd.concat([_rows("old", 2.0, range(5)), _rows("new", 1.0, range(2, 8))])
    cases = paired(side(rows, ["old"], "n_ntm"), side(rows, ["new"], "n_ntm"))
    assert sorted(cases["replicate"].unique()) == [2, 3, 4]
    # CRPS halved in every case: -50% with an interval of zero width
    assert crps_change(cases) == pytest.approx((-0.5, -0.5, -0.5))
    out = table(cases).iloc[0]
    assert out["cases"] == 3
    assert out["bias h4"] == "+4.00 → +4.00"
    assert out["pit_high h4"] == "1.00 → 1.00" and out["pit_high pooled"] == "0.25 → 0.25"


def test_a_side_of_several_runs_takes_each_row_from_the_first_that_has_it():
    rows = pd.concat([_rows("a", 3.0, range(2)), _rows("b", 5.0, range(4))])
    picked = side(rows, ["a", "b"], "n_ntm")
    crps = picked["crps"].groupby(level="replicate").first()
    assert crps.tolist() == [3.0, 6.0, 15.0, 20.0]


def test_the_interval_resamples_whole_replicates():
    # one replicate got much worse, the others equal: the point change sits inside an
    # interval that reaches 0 (resamples without that replicate)
    before = _rows("old", 1.0, range(10))
    after = _rows("new", 1.0, range(10))
    after.loc[after["replicate"] == 9, "crps"] *= 3.0
    change, lo, hi = crps_change(
        paired(side(before, ["old"], "n_ntm"), side(after, ["new"], "n_ntm"))
    )
    assert lo == pytest.approx(0.0) and lo < change < hi


def test_cases_are_replicate_origin_pairs_and_the_far_label_is_the_longest_horizon():
    # three horizons, two origins per replicate: 3 replicates are 6 cases (not 18 rows // 4),
    # and the far columns are labelled h3
    rows = pd.concat(
        [
            _rows(fp, crps, range(3), horizons=(1, 2, 3), origins=(2014, 2016))
            for fp, crps in (("old", 2.0), ("new", 1.0))
        ]
    )
    out = table(paired(side(rows, ["old"], "n_ntm"), side(rows, ["new"], "n_ntm"))).iloc[0]
    assert out["cases"] == 6
    assert out["bias h3"] == "+3.00 → +3.00" and "bias h4" not in out


def test_cases_one_side_lacks_or_failed_on_are_reported_not_dropped(tmp_path, capsys):
    # before scored replicates 0-3; after scored 0-2 and 4 and failed on 3: the pairing keeps
    # 0-2, and the printout names replicate 3 (only before; an error after, with its message)
    # and replicate 4 (only after), counted per scenario
    failed = {"fingerprint": "new", "scenario": "s", "replicate": 3, "origin": 2016}
    failed |= {"forecaster": "model", "message": "RuntimeError: boom"}
    rows = pd.concat(
        [
            _rows("old", 2.0, range(4)),
            _rows("new", 1.0, range(3)),
            _rows("new", 1.0, range(4, 5)),
            pd.DataFrame([failed]),
        ]
    )
    state = tmp_path / "state.csv"
    rows.to_csv(state, index=False)
    main(["--before", "old", "--after", "new", "--state", str(state)])
    out = capsys.readouterr().out
    assert "| s | 1 | 1 | 0 | 1 |" in out  # only before, only after, error before, error after
    assert "s, error after: 1 cases; replicates 3; origins 2016\n    1 × RuntimeError: boom" in out
    assert "s, only after: 1 cases; replicates 4; origins 2016" in out
    assert "12 paired rows (n_ntm)" in out  # 3 cases x 4 horizons
    assert "| bias h4 |" in out  # the error row's empty horizon does not make it "h4.0"


def test_the_model_is_read_against_another_forecaster_of_the_same_run(tmp_path, capsys):
    # one run with both forecasters: the true form's CRPS twice the model's on every case
    model = _rows("run", 1.0, range(3))
    reference = _rows("run", 2.0, range(3)).assign(forecaster="true_form")
    state = tmp_path / "state.csv"
    pd.concat([model, reference]).to_csv(state, index=False)
    main(["--before", "run", "--after", "run", "--before-forecaster", "true_form",
          "--state", str(state), "--by-horizon"])  # fmt: skip
    out = capsys.readouterr().out
    assert "before: true_form @ run; after: model @ run; 12 paired rows (n_ntm)" in out
    assert "-50.0% [-50.0, -50.0]" in out  # the model's CRPS over the true form's − 1
    for h in (1, 2, 3, 4):  # and per horizon, as a ratio
        assert f"| s | {h} | 0.50 [0.50, 0.50] |" in out
    # the default reads the model on both sides: no change
    main(["--before", "run", "--after", "run", "--state", str(state)])
    assert "+0.0% [+0.0, +0.0]" in capsys.readouterr().out
