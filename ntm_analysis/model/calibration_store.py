"""The calibration suite's state: every scored case kept as it finishes.

A full calibration run scores thousands of cases (scenario × replicate × origin) and takes
about an hour; a busy machine, a deadline or a crash stops it part-way, and a later session
wants more replicates. So each case's scores are stored the moment it finishes, and a run
scores only the cases its store does not hold yet.

**One accumulating file** (gzip CSV, ``benchmarks/calibration-state.csv.gz`` by default): one
row per scenario × replicate × origin × forecaster × horizon × figure, and one per forecaster
error. Every row carries the run's **key** (``KEY``): the fingerprint of the forecast's code
(``model_fingerprint``), the harness version (``HARNESS_VERSION``), the draws, ideal draws,
seed, horizons and the forecasters scored. A run reads and extends only the rows of its own
key, so results of different model code (or different settings) are never mixed; rows of
other keys stay in the file (a "before" and an "after" side by side). The commune rows
behind the calibration slope ride on the ``n_ntm`` rows, compactly: ``band_p`` (each
commune's forecast probability in units of 1/10,000, -1 where the forecast had no such
commune) and ``band_y`` (whether it met the standard, one character per commune).

**Writes never leave half a file.** A finished case is written atomically (``core.atomic``)
as a small shard in ``.<state name>.pending/`` beside the state file; every ``merge_every``
cases, and at the end of a run, the shards are merged into the state file (written
atomically too) and only then removed. A reader takes the state file plus the shards still
pending, duplicates dropped: a crash at any moment loses at most the cases being scored.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

import ntm_analysis
from ntm_analysis.core.atomic import write_atomic
from ntm_analysis.core.provenance import library_stamp

# Bump when the scoring or the known processes change what a case's rows would hold: stored
# cases of another version are then never mixed into a table. (The forecast's own code is
# fingerprinted automatically, ``model_fingerprint``.)
HARNESS_VERSION = 2

# The code the suite's forecasters run: the model (``forecast.run_forecast``) and the
# true-form reference (``transitions.fit`` + ``forecast.simulate``). Their import closure is
# what the fingerprint hashes.
FORECAST_MODULES = ("ntm_analysis.model.forecast", "ntm_analysis.model.transitions")
KEY = ("fingerprint", "harness", "n_draws", "n_ideal", "seed", "horizons", "forecasters")
CASE = ("scenario", "replicate", "origin")
ROW = (*CASE, "forecaster", "horizon", "figure")
P_UNITS = 10_000  # band_p: probabilities in units of 1/10,000
_STR_COLUMNS = {c: str for c in ("fingerprint", "horizons", "forecasters", "band_p", "band_y")}
PACKAGE_DIR = Path(ntm_analysis.__file__).resolve().parent
# Cases between merges of the pending shards into the state file. A merge rewrites the whole
# file (session 11: 215,000 rows, 22 s CPU): at 24 cases the run's main process spent about
# half a core merging beside its two workers. The shards already make every case durable, and
# every reader reads them, so merging seldom loses nothing; ~400 cases is ~10 min of a run.
MERGE_EVERY = 400


# --------------------------------------------------------------------------- the fingerprint
def _module_file(module: str) -> Path | None:
    parts = module.split(".")[1:]
    base = PACKAGE_DIR.joinpath(*parts)
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path, module: str) -> set[str]:
    """Every ``ntm_analysis`` module ``path`` imports, lazy imports inside functions too."""
    found = set()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            if name.split(".")[0] == "ntm_analysis":
                found.add(name)
                found |= {f"{name}.{alias.name}" for alias in node.names}  # submodules
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "ntm_analysis"}
    return found


def forecast_files(roots: Iterable[str] = FORECAST_MODULES) -> list[Path]:
    """The source files the forecasters can run: ``roots``, everything they import
    (transitively, read from the source), and the packages' ``__init__`` files on the way."""
    seen: dict[str, Path] = {}
    todo = list(roots)
    while todo:
        module = todo.pop()
        parts = module.split(".")
        todo += [".".join(parts[:k]) for k in range(1, len(parts))]  # parent packages
        path = _module_file(module)
        if module in seen or path is None:
            continue
        seen[module] = path
        todo += sorted(_imports(path, module))
    return sorted(set(seen.values()))


def model_fingerprint(roots: Iterable[str] = FORECAST_MODULES) -> str:
    """Hash of the package version, the source of every file the forecasters run
    (``forecast_files``) and the numerical libraries' versions. The harness's own modules
    are not among them (``HARNESS_VERSION`` covers those): improving a docstring of the
    harness does not throw stored cases away, changing a line of the model does."""
    digest = hashlib.sha256(ntm_analysis.__version__.encode())
    for path in forecast_files(roots):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    digest.update(library_stamp())
    return digest.hexdigest()[:16]


def run_key(
    n_draws: int,
    n_ideal: int,
    seed: int,
    horizons: Iterable[int],
    forecasters: Iterable[str],
    fingerprint: str | None = None,
    harness: int = HARNESS_VERSION,
) -> dict[str, object]:
    """The key every stored row of one run carries (``KEY``)."""
    return {
        "fingerprint": fingerprint if fingerprint is not None else model_fingerprint(),
        "harness": int(harness),
        "n_draws": int(n_draws),
        "n_ideal": int(n_ideal),
        "seed": int(seed),
        "horizons": ",".join(str(h) for h in horizons),
        "forecasters": ",".join(sorted(forecasters)),
    }


# --------------------------------------------------------------------------- encoding
def _encode(cases: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """``cases`` with each n_ntm row's commune probabilities and outcomes attached."""
    out = cases.copy()
    out["band_p"], out["band_y"] = "", ""
    if communes.empty or out.empty:
        return out
    keys = ["forecaster", "origin", "horizon"]
    encoded = {}
    for key, group in communes.groupby(keys, sort=False):
        p = group["p"].to_numpy(float)
        units = np.where(np.isfinite(p), np.rint(np.nan_to_num(p) * P_UNITS), -1).astype(int)
        y = group["y"].to_numpy(bool)
        encoded[key] = (" ".join(map(str, units)), "".join(np.where(y, "1", "0")))
    is_count = (out["figure"] == "n_ntm").to_numpy()
    found = [
        encoded.get(key, ("", "")) if count else ("", "")
        for key, count in zip(out[keys].itertuples(index=False, name=None), is_count, strict=True)
    ]
    out["band_p"] = [p for p, _ in found]
    out["band_y"] = [y for _, y in found]
    return out


def _decode(rows: pd.DataFrame) -> pd.DataFrame:
    """The commune rows (origin, horizon, p, y, forecaster, scenario, replicate) back."""
    parts = []
    keep = rows[(rows["figure"] == "n_ntm") & (rows["band_y"].fillna("") != "")]
    for row in keep.itertuples(index=False):
        units = np.array(row.band_p.split(), dtype=float)
        parts.append(
            pd.DataFrame(
                {
                    "origin": row.origin,
                    "horizon": row.horizon,
                    "p": np.where(units < 0, np.nan, units / P_UNITS),
                    "y": np.frombuffer(row.band_y.encode(), np.uint8) == ord("1"),
                    "forecaster": row.forecaster,
                    "scenario": row.scenario,
                    "replicate": row.replicate,
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


# --------------------------------------------------------------------------- the state file
class StateFile:
    """The accumulating state of calibration runs (see the module docstring); implements
    ``calibration.CaseStore`` for the rows of one ``key``."""

    def __init__(
        self,
        path: str | Path,
        key: Mapping[str, object],
        merge_every: int = MERGE_EVERY,
        read_pending: bool = True,
    ):
        """``read_pending=False``: read the state file alone, not the shards a running run
        has not merged yet (a table written beside a run matches the state file exactly)."""
        self.path = Path(path)
        self.key = dict(key)
        self.pending = self.path.parent / f".{self.path.name}.pending"
        self.merge_every = merge_every
        self.read_pending = read_pending
        self._added = 0

    # -- reading --------------------------------------------------------------------------------
    def _read_all(self, pending: bool | None = None) -> pd.DataFrame:
        """Every stored row, all keys: the state file and the pending shards, deduplicated.
        A shard merged (and removed) while being listed is read again from the state file."""
        for _ in range(5):
            listed = (self.read_pending if pending is None else pending) and self.pending.is_dir()
            shards = sorted(self.pending.glob("*.csv")) if listed else []
            parts = [self._csv(self.path)] if self.path.exists() else []
            try:
                parts += [self._csv(shard) for shard in shards]
            except FileNotFoundError:  # merged meanwhile: its rows are in the state file now
                continue
            break
        parts = [p for p in parts if not p.empty]
        if not parts:
            return pd.DataFrame(columns=[*KEY, *ROW])
        rows = pd.concat(parts, ignore_index=True)
        return rows.drop_duplicates([*KEY, *ROW], keep="first").reset_index(drop=True)

    @staticmethod
    def _csv(path: Path) -> pd.DataFrame:
        return pd.read_csv(path, dtype=_STR_COLUMNS, keep_default_na=True)

    def rows(self) -> pd.DataFrame:
        """The stored rows of this store's key."""
        rows = self._read_all()
        mask = np.ones(len(rows), bool)
        for column, value in self.key.items():
            mask &= (rows[column].astype(str) == str(value)).to_numpy()
        return rows[mask].reset_index(drop=True)

    def done(self) -> set[tuple[str, int, int]]:
        rows = self.rows()
        return {(str(s), int(r), int(o)) for s, r, o in rows[list(CASE)].itertuples(index=False)}

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """(cases, communes, errors) of this key, as ``calibration.score_case`` made them."""
        rows = self.rows().sort_values(list(ROW), kind="stable", na_position="first")
        if "message" not in rows:
            rows = rows.assign(message=np.nan)
        is_error = rows["message"].notna()
        errors = rows.loc[is_error, ["forecaster", "origin", "message", "scenario", "replicate"]]
        scored = rows[~is_error].astype({"horizon": int})
        drop = [*KEY, "band_p", "band_y", "message"]
        cases = scored.drop(columns=[c for c in drop if c in scored])
        return (
            cases.reset_index(drop=True),
            _decode(scored) if not scored.empty else pd.DataFrame(),
            errors.reset_index(drop=True),
        )

    # -- writing --------------------------------------------------------------------------------
    def add(self, frames: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
        """Store one finished case (its cases, communes and errors), atomically."""
        cases, communes, errors = frames
        rows = pd.concat(
            [f for f in (_encode(cases, communes), errors) if not f.empty], ignore_index=True
        )
        if rows.empty:
            return
        rows = rows.assign(**self.key)
        first = rows.iloc[0]
        name = f"{first['scenario']}-r{int(first['replicate'])}-o{int(first['origin'])}"
        key_hash = hashlib.sha256(repr(sorted(self.key.items())).encode()).hexdigest()[:10]
        self.pending.mkdir(parents=True, exist_ok=True)
        write_atomic(
            self.pending / f"{name}-{key_hash}.csv",
            lambda tmp: rows.to_csv(tmp, index=False, float_format="%.6g"),
        )
        self._added += 1
        if self._added % self.merge_every == 0:
            self.merge()

    def merge(self) -> None:
        """Fold the pending shards into the state file (written atomically), then remove
        them: a crash in between leaves duplicates, which every read drops."""
        shards = sorted(self.pending.glob("*.csv")) if self.pending.is_dir() else []
        if not shards:
            return
        rows = self._read_all(pending=True)
        rows = rows[[*KEY, *ROW, *[c for c in rows.columns if c not in (*KEY, *ROW)]]]
        rows = rows.sort_values([*KEY, *ROW], kind="stable", na_position="first")
        write_atomic(
            self.path,
            lambda tmp: rows.to_csv(
                tmp,
                index=False,
                float_format="%.6g",
                compression={"method": "gzip", "mtime": 0},
            ),
        )
        for shard in shards:
            shard.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.pending.rmdir()

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the state for one run: a second run on the same file is refused (two runs
        would score the same cases twice), a reader writing the table is not."""
        import fcntl  # POSIX; only a run needs it

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.parent / f".{self.path.name}.lock", os.O_RDWR | os.O_CREAT)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise RuntimeError(f"another calibration run is writing {self.path}") from None
            yield
        finally:
            os.close(fd)
