"""What the batch records about a unit, typed: its error, its outcome, its manifest entry.

These cross process boundaries (worker → batch, Dask) and live in ``manifest.json``, so each
has ``to_json`` (a plain dict, in the manifest's key order) and ``from_json`` (which reads
every manifest written since the manifest had units, and keeps keys it does not know, so a
newer manifest read by this version loses nothing). ``MANIFEST_VERSION`` names the layout;
a manifest without one is the same layout, written before the field existed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

__all__ = ["MANIFEST_VERSION", "OUTPUT_KEYS", "Outcome", "UnitEntry", "UnitError"]

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
class UnitError:
    """Why a unit failed: exception name, message, the cell (its execution count) and the
    stage ("execute", "check", "html", "pdf", "publish", "worker")."""

    ename: str
    evalue: str
    cell: int | None = None
    stage: str = "worker"

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
    def made(cls, task: Mapping[str, Any], outcome: Outcome) -> UnitEntry:
        """The entry of a unit this run ran: its task and its outcome."""
        return cls(
            id=task["id"],
            kind=task["kind"],
            district_code=task["code"],
            name=task["name"],
            notebook_template=task["notebook"],
            parameters=task["parameters"] | {"results_path": outcome.outputs.get("results")},
            fingerprint=task["fingerprint"],
            run_fingerprint=task["run_fingerprint"],
            run_id=task["run_id"],
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
    def from_json(cls, data: Mapping[str, Any]) -> UnitEntry:
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
