"""What changed since the last report: per unit, the last forecast, the new one, what was
observed in between, and why the numbers moved — in words a hearing can follow.

A batch folder remembers its forecasts (``manifest.json`` and the ``results/*.json``
sidecars). Before a run replaces them, ``snapshot`` reads them (or another folder's, with
``--compare-with``); after the run, ``compare`` sets them beside the new ones and
``write_changes`` records the result in ``changes.json``, which the index shows. The reasons
come from the provenance both runs recorded: a new data year, corrected data, another
version of the model code, another target, other simulation settings — or none, when only
the simulation's own randomness is left.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ntm_analysis import i18n
from ntm_analysis.analysis.results import ResultsError, UnitResults, reader_interval
from ntm_analysis.batch.records import Manifest, PackageInfo
from ntm_analysis.batch.sidecar import Sidecar, read_sidecar
from ntm_analysis.core.atomic import write_text_atomic
from ntm_analysis.core.provenance import load_manifest

__all__ = ["CHANGES", "changes_section", "compare", "read_changes", "snapshot", "write_changes"]

CHANGES = "changes.json"
_SETTINGS = ("draws", "seed", "scenario", "backtest_draws")  # simulation settings compared


def snapshot(folder: str | Path) -> dict[str, Any] | None:
    """The forecasts a batch folder holds now (None when it holds no finished run): the run's
    provenance (read through ``records.Manifest``; ``package`` a ``PackageInfo``) and, per
    unit id, its ``Sidecar``. A unit whose sidecar is missing or is not
    a unit's results is left out (there is nothing to compare it with)."""
    folder = Path(folder)
    data = load_manifest(folder)
    if not data:
        return None
    manifest = Manifest.from_json(data)
    units: dict[str, Sidecar] = {}
    for entry in manifest.units:
        try:
            side = read_sidecar(folder, entry)
        except ResultsError:
            continue
        if side is not None:
            units[entry.id] = side
    if not units:
        return None
    return {
        "folder": str(folder),
        "run_id": manifest.run_id,
        "finished": manifest.finished,
        "data_sha256": manifest.data_sha256,
        "package": manifest.package,
        "settings": {k: manifest.parameters.get(k) for k in _SETTINGS},
        "units": units,
    }


def _reasons(
    before: Mapping[str, Any], after: Mapping[str, Any], old: UnitResults, new: UnitResults
) -> list:
    """Why a unit's forecast may differ: ``[key, {params}]`` pairs of the translation table."""
    reasons: list[list[Any]] = []
    if new.as_of > old.as_of:
        years = range(old.as_of + 1, new.as_of + 1)
        reasons.append(["changes.reason.new_year", {"years": ", ".join(map(str, years))}])
    elif before.get("data_sha256") != after.get("data_sha256"):
        reasons.append(["changes.reason.data", {}])
    old_pkg: PackageInfo = before.get("package") or PackageInfo()
    new_pkg: PackageInfo = after.get("package") or PackageInfo()
    if (old_pkg.version, old_pkg.code) != (new_pkg.version, new_pkg.code):
        reasons.append(
            [
                "changes.reason.model",
                {"old": old_pkg.version or "?", "new": new_pkg.version or "?"},
            ]
        )
    if (old.target, old.year) != (new.target, new.year):
        reasons.append(
            [
                "changes.reason.target",
                {"old": [old.target, old.year], "new": [new.target, new.year]},
            ]
        )
    if before.get("settings") != after.get("settings"):
        reasons.append(["changes.reason.settings", {}])
    return reasons or [["changes.reason.none", {}]]


def _shown(result: UnitResults) -> dict[str, Any]:
    """The figures ``changes.json`` keeps of a forecast (what the index's row says)."""
    return {
        "year": result.year,
        "as_of": result.as_of,
        "target": result.target,
        "probability": result.probability,
        "expected": result.expected,
        "interval80": result.interval80,
        "interval95": result.interval95,
    }


def _observed(old: UnitResults, new: UnitResults) -> dict[str, Any] | None:
    """What the new data showed in a year the last report forecast, beside that forecast."""
    year = new.as_of
    if old.as_of >= year:
        return None
    forecast = next((row for row in old.yearly if row.year == year), None)
    return {
        "year": year,
        "n_ntm": new.now.n_ntm,
        "forecast": None if forecast is None else forecast.to_dict(),
    }


def compare(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Unit by unit (units in both runs): the last forecast, the new one, what was observed
    in between and the reasons; plain numbers and translation keys, written to JSON."""
    units = []
    for uid, new in after["units"].items():
        old = before["units"].get(uid)
        if old is None:
            continue
        units.append(
            {
                "id": uid,
                "unit": new.unit_name or old.unit_name or uid,
                "level": new.results.level,
                "before": _shown(old.results),
                "after": _shown(new.results),
                "observed": _observed(old.results, new.results),
                "reasons": _reasons(before, after, old.results, new.results),
            }
        )
    units.sort(key=lambda u: (u["level"] != "province", u["unit"]))
    return {
        "before": {k: before.get(k) for k in ("run_id", "finished", "folder")},
        "after": {k: after.get(k) for k in ("run_id", "finished")},
        "units": units,
    }


def write_changes(out: str | Path, before: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Compare ``before`` with the forecasts ``out`` holds now; write ``changes.json`` (or
    remove a stale one when there is nothing to compare with)."""
    path = Path(out) / CHANGES
    after = snapshot(out)
    if before is None or after is None or before.get("run_id") == after.get("run_id"):
        path.unlink(missing_ok=True)
        return None
    result = compare(before, after)
    write_text_atomic(path, json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return result


def read_changes(out: str | Path) -> dict[str, Any] | None:
    try:
        return json.loads((Path(out) / CHANGES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# --------------------------------------------------------------------------- in words


def _forecast_text(side: Mapping[str, Any], lang: str) -> str:
    """ "2020: 80,2 xã (74–86) · khả năng 77% đạt 77"."""
    if side.get("expected") is None:
        return ""
    text = i18n.t(
        "changes.forecast",
        lang,
        year=side.get("year"),
        expected=i18n.fmt_number(side["expected"], lang, 1),
        range=_range_text(side["interval80"], side["interval95"], lang),
    )
    if side.get("probability") is not None and side.get("target") is not None:
        text += " · " + i18n.t(
            "changes.probability",
            lang,
            prob=i18n.fmt_percent(side["probability"], lang),
            target=i18n.fmt_number(side["target"], lang, 0),
        )
    return text


def _range_text(interval80: list[float], interval95: list[float], lang: str) -> str:
    """ "74–86", or "0–3, khoảng 95%" where the 80% range is a single value."""
    level, lo, hi = reader_interval(interval80, interval95)
    text = f"{i18n.fmt_number(lo, lang, 0)}–{i18n.fmt_number(hi, lang, 0)}"
    return text if level == 80 else i18n.t("changes.range95", lang, range=text)


def _observed_text(observed: Mapping[str, Any] | None, lang: str) -> str:
    if not observed:
        return i18n.t("changes.no_new_year", lang)
    forecast = observed.get("forecast")
    if forecast is None:
        return i18n.t("changes.observed", lang, year=observed["year"], n=observed["n_ntm"])
    interval80 = [forecast.get("lo80"), forecast.get("hi80")]
    interval95 = [forecast.get("lo95"), forecast.get("hi95")]
    _, lo, hi = reader_interval(interval80, interval95)
    outside = observed["n_ntm"] is not None and not lo <= observed["n_ntm"] <= hi
    text = i18n.t(
        "changes.observed_vs",
        lang,
        year=observed["year"],
        n=observed["n_ntm"],
        expected=i18n.fmt_number(forecast["mean"], lang, 1),
        range=_range_text(interval80, interval95, lang),
    )
    return text + (i18n.t("changes.outside", lang) if outside else "")


def _reason_text(key: str, params: Mapping[str, Any], lang: str) -> str:
    if key == "changes.reason.target":
        params = {name: _target_words(params[name], lang) for name in ("old", "new")}
    return i18n.t(key, lang, **params)


def _target_words(value: list[Any], lang: str) -> str:
    target, year = value
    if target is None:
        return i18n.t("changes.no_target", lang, year=year)
    return i18n.t("changes.target", lang, target=i18n.fmt_number(target, lang, 0), year=year)


def changes_section(changes: Mapping[str, Any] | None, lang: str) -> dict[str, Any] | None:
    """The index section as data (``_fragments.html.j2``'s ``changes``): title, intro, column
    names and one row per unit, the reasons in words; None when there is nothing to show."""
    if not changes or not changes.get("units"):
        return None
    before = changes["before"]
    rows = [
        [
            unit["unit"],
            _forecast_text(unit["before"], lang),
            _observed_text(unit.get("observed"), lang),
            _forecast_text(unit["after"], lang),
            "; ".join(_reason_text(k, p, lang) for k, p in unit["reasons"]),
        ]
        for unit in changes["units"]
    ]
    return {
        "title": i18n.t("changes.title", lang),
        "intro": i18n.t(
            "changes.intro",
            lang,
            run=before.get("run_id") or "?",
            when=(before.get("finished") or "")[:10],
        ),
        "head": [
            i18n.t("col.unit", lang),
            i18n.t("changes.col.before", lang),
            i18n.t("changes.col.observed", lang),
            i18n.t("changes.col.after", lang),
            i18n.t("changes.col.reasons", lang),
        ],
        "rows": rows,
    }
