"""What the batch says and records about a unit, typed: the task it runs, its error, its
outcome, its manifest entry — and the manifest as a whole as the index and the "what
changed" section read it back (``Manifest``: the one place its top-level keys are read).

These cross process boundaries (batch → worker as ``<id>.task.json``, worker → batch, Dask)
and the last three live in ``manifest.json``, so each has ``to_json`` (a plain dict, in the
manifest's key order) and ``from_json``: the only places their keys are spelled. A record's
``from_json`` for the manifest reads
every manifest written since the manifest had units, and keeps keys it does not know, so a
newer manifest read by this version loses nothing). ``MANIFEST_VERSION`` names the layout;
a manifest without one is the same layout, written before the field existed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ntm_analysis.core.params import KERNEL_NAME, default

__all__ = [
    "MANIFEST_VERSION",
    "OUTPUT_KEYS",
    "DataFile",
    "Manifest",
    "Outcome",
    "PackageInfo",
    "Task",
    "UnitEntry",
    "UnitError",
]

MANIFEST_VERSION = 1
OUTPUT_KEYS = ("notebook", "html", "results", "pdf")  # a unit's files (executor.OUTPUTS)


def _split(cls: type, data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``data`` as (the record's own fields, the keys it does not know)."""
    names = {f.name for f in fields(cls)} - {"extra"}
    return (
        {k: v for k, v in data.items() if k in names},
        {k: v for k, v in data.items() if k not in names},
    )


@dataclass(frozen=True)
class Task:
    """One unit for a worker to run: its notebook and parameters, where to stage and publish
    what it makes, and what its report shows (title, language, footer, PDF, home link).

    Made once per unit by the batch (``run._prepare``); the worker process reads it from
    ``<id>.task.json`` and a Dask worker receives its JSON form, both through ``from_json``.
    The fields after ``timeout`` have defaults so that a task for a worker that never reaches
    a kernel (a stopped or dead worker) needs only where it runs.
    """

    id: str  # file stem: "province", "180-trang-dinh"
    out: Path  # the output folder: the final names
    staging: Path  # this run's staging folder: the worker writes only here
    parameters: Mapping[str, Any]  # the notebook's, validated (``results_path`` is staged)
    timeout: float  # seconds for the whole notebook (``--timeout``)
    kind: str = "district"  # or "province"
    code: int | None = None  # the district's code; None for the province
    name: str = ""  # as the registry writes it: "Huyện Tràng Định"
    notebook: Path | None = None  # the template to execute
    fingerprint: str | None = None  # of everything that decides the unit's numbers
    run_fingerprint: str | None = None  # of the whole run's parameters, data and code
    run_id: str | None = None
    data_sha256: str = ""  # shown in the report's footer
    lang: str = default("lang")
    kernel: str = KERNEL_NAME
    title: str = ""  # the browser tab and every printed page's margin
    synthetic: bool = False  # the data is synthetic: every printed page says so
    chromium: str | None = None  # the browser that prints the PDF; None: no PDF
    home: str | None = None  # the index beside the report, linked at its top
    env: Mapping[str, str] = field(default_factory=dict)  # set in the worker and its kernel
    # where the worker keeps the HTML exporter's compiled templates (a folder of the fit
    # cache, ``export.export_html``); None: compiled anew in each worker
    template_cache: Path | None = None

    @property
    def task_file(self) -> Path:
        """Where the batch writes the task for its worker process."""
        return self.staging / f"{self.id}.task.json"

    @property
    def result_file(self) -> Path:
        """Where the worker writes what became of the unit (its report to the batch)."""
        return self.staging / f"{self.id}.result.json"

    @property
    def log(self) -> Path:
        """The unit's log: the worker's and its kernel's output while it ran."""
        return self.staging / f"{self.id}.log"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "code": self.code,
            "name": self.name,
            "notebook": None if self.notebook is None else str(self.notebook),
            "parameters": dict(self.parameters),
            "fingerprint": self.fingerprint,
            "run_fingerprint": self.run_fingerprint,
            "out": str(self.out),
            "staging": str(self.staging),
            "run_id": self.run_id,
            "data_sha256": self.data_sha256,
            "lang": self.lang,
            "timeout": self.timeout,
            "kernel": self.kernel,
            "title": self.title,
            "synthetic": self.synthetic,
            "chromium": self.chromium,
            "home": self.home,
            "env": dict(self.env),
            "template_cache": None if self.template_cache is None else str(self.template_cache),
        }

    @classmethod
    def from_json(cls, data: Task | Mapping[str, Any]) -> Task:
        """The task of ``to_json``'s dict (a task is returned as it is). A key that is not a
        field is refused: a task misspelt would otherwise run with a default."""
        if isinstance(data, Task):
            return data
        own, unknown = _split(cls, data)
        if unknown:
            raise TypeError(f"unknown task keys: {', '.join(sorted(unknown))}")
        for key in ("out", "staging", "notebook", "template_cache"):
            if own.get(key) is not None:
                own[key] = Path(own[key])
        own["parameters"] = dict(own["parameters"])
        own["timeout"] = float(own["timeout"])
        own["env"] = dict(own.get("env") or {})
        return cls(**own)


@dataclass(frozen=True)
class UnitError:
    """Why a unit failed: exception name, message, the cell (its execution count) and the
    stage ("execute", "check", "html", "pdf", "publish", "worker")."""

    ename: str
    evalue: str
    cell: int | None = None
    stage: str = "worker"

    LIMIT = 4000  # characters of a message kept (a traceback can be long)

    @classmethod
    def of(cls, ename: str, evalue: str, stage: str, cell: int | None = None) -> UnitError:
        """An error as it happened: the message stripped and cut to ``LIMIT`` characters."""
        return cls(str(ename), str(evalue).strip()[: cls.LIMIT], cell, stage)

    def message(self, limit: int = 400) -> str:
        """ "DataError: 1 problem found in the data: - x.csv: unknown district 'Nowhere' …"."""
        value = " ".join(self.evalue.split())
        if len(value) > limit:
            value = value[: limit - 1] + "…"
        return f"{self.ename}: {value}"

    def text(self) -> str:
        """The error for the terminal: "cell [7] DataError: …"."""
        cell = f"cell [{self.cell}] " if self.cell is not None else ""
        return cell + self.message()

    def to_json(self) -> dict[str, Any]:
        return {"ename": self.ename, "evalue": self.evalue, "cell": self.cell, "stage": self.stage}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> UnitError | None:
        if not data:
            return None
        return cls(
            ename=str(data.get("ename", "?")),
            evalue=str(data.get("evalue", "")),
            cell=data.get("cell"),
            stage=str(data.get("stage", "worker")),
        )


@dataclass(frozen=True)
class Outcome:
    """What running a unit gave: ok or failed (and why), its time, its published files
    (relative to the output folder; None where this run made none)."""

    id: str
    status: str  # "ok" or "failed"
    error: UnitError | None
    seconds: float | None
    finished: str
    outputs: Mapping[str, str | None]

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "error": None if self.error is None else self.error.to_json(),
            "seconds": self.seconds,
            "finished": self.finished,
            "outputs": dict(self.outputs),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Outcome:
        return cls(
            id=str(data["id"]),
            status=str(data.get("status", "failed")),
            error=UnitError.from_json(data.get("error")),
            seconds=data.get("seconds"),
            finished=str(data.get("finished", "")),
            outputs={k: (data.get("outputs") or {}).get(k) for k in OUTPUT_KEYS},
        )


@dataclass(frozen=True)
class UnitEntry:
    """A unit's entry in ``manifest.json``: what was asked (notebook, parameters,
    fingerprints, run) and what came of it (the outcome's fields)."""

    id: str
    kind: str  # "province" or "district"
    district_code: int | None
    name: str
    notebook_template: str
    parameters: Mapping[str, Any]
    fingerprint: str | None  # of everything that decides the unit's numbers
    run_fingerprint: str | None  # of the whole run's parameters, data and code
    run_id: str | None
    status: str
    error: UnitError | None
    seconds: float | None
    finished: str | None
    outputs: Mapping[str, str | None]
    reused_in_run: str | None = None  # skipped by --resume in that run: still up to date
    carried_from_run: str | None = None  # shown in the index, made by that earlier run
    extra: Mapping[str, Any] = field(default_factory=dict)  # keys of a newer version

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @classmethod
    def made(cls, task: Task, outcome: Outcome) -> UnitEntry:
        """The entry of a unit this run ran: its task and its outcome."""
        return cls(
            id=task.id,
            kind=task.kind,
            district_code=task.code,
            name=task.name,
            notebook_template="" if task.notebook is None else str(task.notebook),
            parameters=dict(task.parameters) | {"results_path": outcome.outputs.get("results")},
            fingerprint=task.fingerprint,
            run_fingerprint=task.run_fingerprint,
            run_id=task.run_id,
            status=outcome.status,
            error=outcome.error,
            seconds=outcome.seconds,
            finished=outcome.finished,
            outputs=dict(outcome.outputs),
        )

    def reused(self, run_id: str) -> UnitEntry:
        return replace(self, reused_in_run=run_id)

    def carried(self) -> UnitEntry:
        return replace(self, carried_from_run=self.run_id)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "district_code": self.district_code,
            "name": self.name,
            "notebook_template": self.notebook_template,
            "parameters": dict(self.parameters),
            "fingerprint": self.fingerprint,
            "run_fingerprint": self.run_fingerprint,
            "run_id": self.run_id,
            "status": self.status,
            "error": None if self.error is None else self.error.to_json(),
            "seconds": self.seconds,
            "finished": self.finished,
            "outputs": dict(self.outputs),
            **dict(self.extra),
        }
        for key in ("reused_in_run", "carried_from_run"):  # only when set, as before
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data

    @classmethod
    def from_json(cls, data: UnitEntry | Mapping[str, Any]) -> UnitEntry:
        """The entry of a manifest's unit (an entry is returned as it is). Only ``id`` is
        required; what an older manifest lacks takes the defaults it was read with before."""
        if isinstance(data, UnitEntry):
            return data
        own, extra = _split(cls, data)
        return cls(
            id=str(own["id"]),
            kind=str(own.get("kind", "district")),
            district_code=own.get("district_code"),
            name=str(own.get("name", own["id"])),
            notebook_template=str(own.get("notebook_template", "")),
            parameters=dict(own.get("parameters") or {}),
            fingerprint=own.get("fingerprint"),
            run_fingerprint=own.get("run_fingerprint"),
            run_id=own.get("run_id"),
            status=str(own.get("status", "failed")),
            error=UnitError.from_json(own.get("error")),
            seconds=own.get("seconds"),
            finished=own.get("finished"),
            outputs={k: (own.get("outputs") or {}).get(k) for k in OUTPUT_KEYS},
            reused_in_run=own.get("reused_in_run"),
            carried_from_run=own.get("carried_from_run"),
            extra=extra,
        )


def _mapping(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty one (a key missing or null)."""
    return value if isinstance(value, Mapping) else {}


@dataclass(frozen=True)
class DataFile:
    """A data file the run read, as ``manifest.json``'s ``data_files`` names it."""

    path: str | None = None
    sha256: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256}

    @classmethod
    def from_json(cls, data: Any) -> DataFile:
        data = _mapping(data)
        return cls(path=data.get("path"), sha256=data.get("sha256"))


@dataclass(frozen=True)
class PackageInfo:
    """The ntm-analysis that wrote the manifest: its version, code fingerprint and where its
    code was (``provenance.package_source``)."""

    name: str | None = None
    version: str | None = None
    code: str | None = None
    source: Any = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "code": self.code,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: Any) -> PackageInfo:
        data = _mapping(data)
        return cls(
            name=data.get("name"),
            version=data.get("version"),
            code=data.get("code"),
            source=data.get("source"),
        )


@dataclass(frozen=True)
class Manifest:
    """``manifest.json``: the run (id, times, package, data files, parameters, whether the
    data is synthetic, its province target, the forecast cache, a summary) and its units as
    ``UnitEntry``; ``to_json`` writes it and ``from_json`` reads it back: the only places
    its top-level keys are spelled.

    ``run.py`` builds it as the run goes; the index, ``changes`` and the sidecars read it,
    by attribute. Lenient as those readers were: a key an older manifest lacks is None (or
    empty), a unit that is not an object with an ``id`` is left out; ``newer`` says whether
    a newer version in another layout wrote it (``run.py`` refuses such a manifest).
    """

    units: tuple[UnitEntry, ...] = ()
    run_id: str | None = None
    started: str | None = None
    finished: str | None = None
    synthetic: bool = False
    province_name: str = ""
    package: PackageInfo = field(default_factory=PackageInfo)
    data_files: Mapping[str, DataFile] = field(default_factory=dict)  # "panel", "units", …
    parameters: Mapping[str, Any] = field(default_factory=dict)  # the run's, as recorded
    version: Any = MANIFEST_VERSION  # none recorded: written before the field existed
    git: Any = None  # the checkout's revision (``provenance.git_revision``)
    versions: Mapping[str, Any] = field(default_factory=dict)  # Python's and the libraries'
    province_target: Mapping[str, Any] = field(default_factory=dict)  # value, official, source
    run_fingerprint: str | None = None
    seconds: float | None = None
    cache: Mapping[str, Any] = field(default_factory=dict)  # the forecast cache: path, reused
    not_in_index: tuple[Mapping[str, Any], ...] = ()  # earlier units left out, and why
    summary: Mapping[str, Any] = field(default_factory=dict)  # ok, skipped, failed, pending

    @property
    def newer(self) -> bool:
        """Written by a newer version in a layout this one does not know."""
        return not isinstance(self.version, int) or self.version > MANIFEST_VERSION

    @property
    def data_sha256(self) -> str | None:
        """The panel's hash (the forecasts' data), None if the manifest names none."""
        panel = self.data_files.get("panel")
        return None if panel is None else panel.sha256

    def of_kind(self, kind: str) -> list[UnitEntry]:
        """The units of one kind ("province" or "district"), in the manifest's order."""
        return [u for u in self.units if u.kind == kind]

    def to_json(self) -> dict[str, Any]:
        """``manifest.json``'s object, in its key order."""
        return {
            "manifest_version": self.version,
            "run_id": self.run_id,
            "started": self.started,
            "package": self.package.to_json(),
            "git": self.git,
            "versions": dict(self.versions),
            "synthetic": self.synthetic,
            "province": {"name": self.province_name},
            "data_files": {k: v.to_json() for k, v in self.data_files.items()},
            "parameters": dict(self.parameters),
            "province_target": dict(self.province_target),
            "run_fingerprint": self.run_fingerprint,
            "finished": self.finished,
            "seconds": self.seconds,
            "cache": dict(self.cache),
            "units": [u.to_json() for u in self.units],
            "not_in_index": [dict(x) for x in self.not_in_index],
            "summary": dict(self.summary),
        }

    @classmethod
    def from_json(cls, data: Manifest | Mapping[str, Any]) -> Manifest:
        """The manifest of ``manifest.json``'s object (a manifest is returned as it is)."""
        if isinstance(data, Manifest):
            return data
        units = data.get("units")
        left_out = data.get("not_in_index")
        return cls(
            units=tuple(
                UnitEntry.from_json(u)
                for u in (units if isinstance(units, list) else [])
                if isinstance(u, Mapping) and "id" in u
            ),
            run_id=data.get("run_id"),
            started=data.get("started"),
            finished=data.get("finished"),
            synthetic=bool(data.get("synthetic")),
            province_name=str(_mapping(data.get("province")).get("name") or ""),
            package=PackageInfo.from_json(data.get("package")),
            data_files={
                k: DataFile.from_json(v) for k, v in _mapping(data.get("data_files")).items()
            },
            parameters=dict(_mapping(data.get("parameters"))),
            version=data.get("manifest_version", MANIFEST_VERSION),
            git=data.get("git"),
            versions=dict(_mapping(data.get("versions"))),
            province_target=dict(_mapping(data.get("province_target"))),
            run_fingerprint=data.get("run_fingerprint"),
            seconds=data.get("seconds"),
            cache=dict(_mapping(data.get("cache"))),
            not_in_index=tuple(
                dict(x)
                for x in (left_out if isinstance(left_out, list) else [])
                if isinstance(x, Mapping)
            ),
            summary=dict(_mapping(data.get("summary"))),
        )
