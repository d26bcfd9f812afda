"""The report batch: every district's notebook (and the province's) executed, exported, indexed.

``run_batch`` is what ``ntm batch`` and ``ntm run`` call. In order:

1. **Validate before any kernel starts** (``params``): every notebook parameter against one
   typed schema, districts through the registry (``--units``) with "did you mean", the names
   passed exactly those each notebook declares, and the values inert when injected.
2. **Lock the output folder** (``lock``): a second batch on the same folder stops at once,
   naming the run that holds it.
3. **Simulate once.** The forecast and the backtest are computed once per (data and units
   files, parameters, package version and code) and cached under ``OUT/.cache``, through
   the one analysis path (``analysis.analyse``: the same reading of the data, the same
   cache key and cache as ``ntm forecast --cache`` and a notebook); every notebook loads
   them through ``forecast_cache``, so district figures are slices of one province-wide
   simulation and a re-run with other report options reuses it. The backtest is also kept
   in the fit cache (``NTM_CACHE_DIR``), and so is a copy of the batch's analysis: a batch
   of the same data and settings into another folder neither backtests nor simulates
   again. The history's yearly summaries are stored with the analysis
   (``analysis.summaries``): each report reads its rows instead of recomputing them.
4. **Execute in parallel** (``executor``): each notebook in its own worker process, several at
   once (``--workers``) or on a Dask cluster (``--dask``), within ``--timeout`` seconds each.
   A unit succeeds only if its notebook ran to the end, wrote its results sidecar in this run
   and exported (HTML, and a PDF printed by the machine's Chromium where it is installed,
   see ``pdf``); its files are then renamed into place. A failing unit does not stop the
   others.
5. **Record** (``provenance``, ``index``): ``manifest.json`` (updated as units finish, so an
   interrupted run can be resumed) and ``index.html``, which names every failed unit, where
   and why; the exit code is non-zero if any unit failed.

``--resume`` re-runs only the units whose outputs are missing or stale (their parameters,
data, notebook or code differ from the last successful run's manifest). Units of earlier runs
that this run did not ask for stay in the index only if they were made with the same
parameters and data; the others are listed in the manifest under ``not_in_index``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ntm_analysis import BLAS_VARS, __version__, i18n
from ntm_analysis.batch import changes, executor
from ntm_analysis.batch.index import INDEX, write_index
from ntm_analysis.batch.lock import OutputError, output_lock
from ntm_analysis.batch.records import (
    DataFile,
    Manifest,
    Outcome,
    PackageInfo,
    Task,
    UnitEntry,
)
from ntm_analysis.core.atomic import write_atomic
from ntm_analysis.core.config import RunConfig
from ntm_analysis.core.errors import Msg, os_reason
from ntm_analysis.core.params import (
    KERNEL_NAME,
    NOTEBOOK_DIR,
    NOTEBOOKS,
    ParameterError,
    option_problems,
    validate_parameters,
)
from ntm_analysis.core.paths import (
    DEFAULT_OUT,
    InstallationError,
    default_targets_path,
)
from ntm_analysis.core.provenance import (
    MANIFEST,
    fingerprint,
    git_revision,
    iso,
    load_manifest,
    new_run_id,
    now,
    package_source,
    versions,
    write_manifest,
)
from ntm_analysis.core.resolve import district_code
from ntm_analysis.i18n.text import fold
from ntm_analysis.report import hearing_links
from ntm_analysis.report.labels import unit_label
from ntm_analysis.report.pdf import CHROMIUM_ENV, find_chromium

if TYPE_CHECKING:  # imported where used: the analysis path loads the model's modules
    from ntm_analysis.analysis.analyse import Run

__all__ = [
    "BatchResult",
    "Unit",
    "copy_notebooks",
    "plan_units",
    "run_batch",
]

CACHE_DIR, STAGING_DIR = ".cache", ".staging"
# keys of a unit's parameters that name this run's files rather than change its numbers
_RUN_PATHS = ("results_path", "forecast_cache")
# notebook parameters set per unit (or by the explore notebook only), not shared by the run
_PER_UNIT = ("district", "district_target", "criterion", *_RUN_PATHS)

EXIT_OK, EXIT_FAILED = 0, 1


# --------------------------------------------------------------------------- units


@dataclass(frozen=True)
class Unit:
    """One report: the province overview or one district's forecast."""

    id: str  # file stem: "province", "180-trang-dinh"
    kind: str  # "province" or "district"
    code: int | None
    name: str  # as the registry writes it, with its type: "Huyện Tràng Định"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "unit"


def plan_units(
    registry: Any, panel: Any, districts: Sequence[str | int] | None, province: bool = True
) -> list[Unit]:
    """The province (optional) and the districts asked for (default: every district in the
    data), resolved through the registry; unknown names are all reported at once."""
    problems, codes = [], []
    if districts is None:
        codes = [c for c in registry.codes() if c in panel.district_codes]
    else:
        for item in districts:
            code, problem = district_code(registry, item, "--districts", panel)
            if problem:
                problems.append(problem)
            elif code not in codes:
                codes.append(code)
    if problems:
        raise ParameterError(problems)
    units = [Unit("province", "province", None, registry.province_name)] if province else []
    units += [
        Unit(
            f"{code}-{_slug(registry.name(code))}",
            "district",
            code,
            registry.name(code, with_type=True),
        )
        for code in codes
    ]
    if not units:
        raise ParameterError([Msg("error.param.nothing_to_run")])
    return units


def unit_title(unit: Unit, registry: Any, lang: str, year: int) -> str:
    """The report's title (browser tab, printed margins) with the unit named in ``lang``:
    the report's own heading, word for word."""
    return i18n.t("report.title", lang, unit=unit_label(registry, unit.code, lang), year=year)


# --------------------------------------------------------------------------- the result


@dataclass
class BatchResult:
    """What a run did; ``exit_code`` is 0 only if every unit succeeded and was recorded."""

    run_id: str
    out: Path
    index: Path | None
    manifest: Path | None
    ok: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[UnitEntry] = field(default_factory=list)  # each with its ``error``
    planned: list[str] = field(default_factory=list)  # units that were (or would be) run
    seconds: float = 0.0
    forecast_seconds: float = 0.0
    record_error: str | None = None  # manifest.json or index.html could not be written
    pdf: bool = False  # each report was also printed to PDF

    @property
    def exit_code(self) -> int:
        return EXIT_FAILED if self.failed or self.record_error else EXIT_OK


# --------------------------------------------------------------------------- helpers


def province_target_entry(
    explicit: float | None, target_year: int, province_name: str
) -> dict[str, Any]:
    """The province target a run uses and where it comes from: the user's (``--target``),
    the targets file's for the target year (official or not), or none."""
    from ntm_analysis.core.resolve import resolve_target
    from ntm_analysis.io.reference import plan_targets

    targets = None if explicit is not None else plan_targets(province_name)
    found = resolve_target(explicit, targets, target_year)
    source = str(default_targets_path()) if found.source in ("official", "file") else found.source
    return {"value": found.value, "official": found.official, "source": source}


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long, a folder that cannot be read
        return False


def _outputs_exist(out: Path, entry: UnitEntry, pdf: bool) -> bool:
    """Whether every file this run would make for ``entry`` is there (the PDF if ``pdf``)."""
    outputs = entry.outputs
    needed = ("html", "notebook", "results", "pdf") if pdf else ("html", "notebook", "results")
    return all(outputs.get(k) and (out / outputs[k]).exists() for k in needed)


def _ordered(entries: Sequence[UnitEntry]) -> list[UnitEntry]:
    """The province first, then the districts by code (the manifest's and index's order)."""
    return sorted(entries, key=lambda e: (e.kind != "province", e.district_code or 0))


def _previous(out: Path) -> dict[str, UnitEntry]:
    """The units of the manifest ``out`` holds (none if it has none or cannot be read);
    refuses a manifest written by a newer version in another layout, rather than guess."""
    manifest = Manifest.from_json(load_manifest(out) or {})
    if manifest.newer:
        raise OutputError(
            Msg("error.output.manifest_newer", path=str(out / MANIFEST), version=manifest.version)
        )
    return {u.id: u for u in manifest.units}


def _remove_staging(root: Path, staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
    with contextlib.suppress(OSError):
        root.rmdir()


def _progress(total: int, enabled: bool, lang: str) -> Any:
    if not enabled:
        return None
    from tqdm.auto import tqdm

    desc, unit = i18n.t("cli.progress", lang), i18n.t("cli.progress.unit", lang)
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr)


# --------------------------------------------------------------------------- 1. prepare


def shared_parameters(config: RunConfig) -> dict[str, Any]:
    """The notebook parameters every unit of a batch shares, from the run's configuration
    (the district, its target and the run's file paths are set per unit)."""
    return {k: v for k, v in config.notebook_parameters().items() if k not in _PER_UNIT}


def _templates_folder(code: str) -> Path | None:
    """Where the workers keep the HTML exporter's compiled templates: a folder of the fit
    cache (``NTM_CACHE_DIR``) for this code (``code``: its fingerprint; the exporter's
    options are in the code), so that a worker's first report does not compile nbconvert's
    templates again (~0.05 s CPU a worker, issue 17). None when the fit cache is off."""
    from ntm_analysis.analysis.cache import fit_cache_dir

    folder = fit_cache_dir()
    return None if folder is None else folder / "templates" / code


@dataclass
class _Prepared:
    """A validated run: everything decided before the output folder is touched."""

    run_id: str
    started: float
    out: Path
    common: dict[str, Any]  # the parameters every unit shares (``shared_parameters``)
    data: Path
    units_file: Path
    run: Run  # the province's run as ``analysis.analyse`` reads it (as-of year resolved)
    plan: list[Unit]
    district_targets: dict[int, float]
    province_target: dict[str, Any]
    cache: Path
    staging: Path
    provenance: dict[str, Any]
    code: str
    run_fingerprint: str
    tasks: list[Task]
    chromium: str | None  # the browser printing each report to PDF; None: no PDFs

    @property
    def pdf(self) -> bool:
        return self.chromium is not None

    @property
    def registry(self) -> Any:
        return self.run.registry

    @property
    def panel(self) -> Any:
        return self.run.panel


def _prepare(
    out: Path,
    *,
    districts: Sequence[str | int] | None,
    province: bool,
    district_targets: Mapping[str | int, float] | None,
    cache_dir: str | Path | None,
    notebooks: Mapping[str, str | Path] | None,
    dask: Any,
    config: RunConfig,
    pdf: bool | None,
) -> _Prepared:
    """Validate everything (raising ``ParameterError`` with every problem) and build the
    tasks; starts no kernel and writes nothing but the fit cache. The data and the units file
    are read (or taken from the fit cache), and the forecast cache's file named, by the one
    analysis path (``analysis.analyse``)."""
    from ntm_analysis.analysis.analyse import analysis_file, cached_inputs, read
    from ntm_analysis.analysis.analyse import district_targets as district_targets_by_code
    from ntm_analysis.analysis.cache import code_fingerprint, file_sha256

    common = shared_parameters(config)
    started, run_id = time.time(), new_run_id()
    problems = option_problems({"workers": config.workers, "timeout": config.timeout})
    if problems:
        raise ParameterError(problems)
    if dask is not None:
        executor.require_dask()
    executor.require_kernel(KERNEL_NAME)
    chromium = pdf_printer(pdf)
    templates = {kind: Path(path) for kind, path in NOTEBOOKS.items()}
    templates.update({kind: Path(path) for kind, path in (notebooks or {}).items()})
    path = Path(common["data_path"])
    units_path = Path(common["units_path"]) if common["units_path"] else _bundled_units()
    validate_parameters(common, require_files=False)  # types first: cheap, clear messages
    missing = [
        Msg("error.param.file_not_found", name=name, path=repr(str(p)))
        for name, p in (("data", path), ("units", units_path))
        if not _is_file(p)
    ]
    if missing:
        raise ParameterError(missing)
    # as read before, from the fit cache (files of the same bytes, options, code, readers):
    # parsing and checking the data again is ~0.1 s CPU of a warm batch's parent (issue 17)
    inputs = cached_inputs(config)
    registry, panel = inputs.registry, inputs.panel
    plan = plan_units(registry, panel, districts, province)
    # the template's targets (district_targets_path), each explicit number winning
    targets = district_targets_by_code(
        registry, panel, config.district_targets_path, config.target_year, district_targets
    )
    validate_parameters(common, panel=panel, registry=registry)
    run = read(config, inputs=inputs)  # the province's run: every check above has passed

    data_sha = inputs.data_sha256
    cache = Path(cache_dir).resolve() if cache_dir is not None else out / CACHE_DIR
    cache_path = analysis_file(run, cache)
    staging = out / STAGING_DIR / run_id
    targets_path = default_targets_path()
    provenance = {
        "data_sha256": data_sha,
        "units_sha256": file_sha256(units_path),
        "targets_sha256": file_sha256(targets_path) if targets_path.exists() else None,
        "version": __version__,
    }
    code = code_fingerprint()
    templates_folder = _templates_folder(code)
    template_sha = {kind: file_sha256(p) for kind, p in templates.items() if p.exists()}
    run_fingerprint = fingerprint(
        {"parameters": common, "templates": template_sha, "code": code, **provenance}
    )
    tasks = []
    for unit in plan:
        notebook = templates[unit.kind]
        params = dict(common)
        if unit.kind == "district":
            params["district"] = unit.name  # the registry's name, never the user's text
            params["district_target"] = targets.get(unit.code)
        params["results_path"] = str(staging / f"{unit.id}.json")
        params["forecast_cache"] = str(cache_path)
        validate_parameters(params, notebook, panel=panel, registry=registry, require_files=False)
        unit_fingerprint = {
            "parameters": {k: v for k, v in params.items() if k not in _RUN_PATHS},
            "notebook_sha256": file_sha256(notebook),
            "code": code,
            **provenance,
        }
        tasks.append(
            Task(
                id=unit.id,
                kind=unit.kind,
                code=unit.code,
                name=unit.name,
                notebook=notebook,
                parameters=params,
                fingerprint=fingerprint(unit_fingerprint),
                run_fingerprint=run_fingerprint,
                out=out,
                staging=staging,
                run_id=run_id,
                data_sha256=data_sha,
                lang=common["lang"],
                timeout=config.timeout,
                kernel=KERNEL_NAME,
                title=unit_title(unit, registry, common["lang"], common["target_year"]),
                synthetic=bool(panel.synthetic),
                chromium=chromium,
                home=INDEX,  # every report sits beside the index
                # one BLAS thread (or the user's choice) in the unit's worker and kernel, also
                # on a Dask worker, whose environment is not this process's
                env={var: os.environ.get(var, "1") for var in BLAS_VARS},
                template_cache=templates_folder,
            )
        )
    return _Prepared(
        run_id=run_id,
        started=started,
        out=out,
        common=common,
        data=path,
        units_file=units_path,
        run=run,
        plan=plan,
        district_targets=targets,
        province_target=province_target_entry(
            common["province_target"], common["target_year"], registry.province_name
        ),
        cache=cache,
        staging=staging,
        provenance=provenance,
        code=code,
        run_fingerprint=run_fingerprint,
        tasks=tasks,
        chromium=chromium,
    )


def pdf_printer(pdf: bool | None) -> str | None:
    """The Chromium that prints the PDFs: required if ``pdf``, used if found when None."""
    if pdf is False:
        return None
    chromium = find_chromium()
    if chromium is None and pdf:
        raise ParameterError([Msg("error.param.no_chromium", env=CHROMIUM_ENV)])
    return chromium


def copy_notebooks(dest: str | Path, *, overwrite: bool = False) -> list[Path]:
    """Copy the bundled notebook templates into ``dest`` (``ntm notebooks DEST``), for
    JupyterLab or as the start of one's own templates (``ntm batch --notebooks DEST``).

    A notebook already there with other contents (the user's edits) is kept, and the copy
    refused before anything is written, unless ``overwrite``. Returns the paths written.
    """
    dest = Path(dest)
    sources = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
    if not sources:
        raise InstallationError(NOTEBOOK_DIR / NOTEBOOKS["district"].name)
    for source in sources:
        target = dest / source.name
        if not overwrite and target.exists() and target.read_bytes() != source.read_bytes():
            raise OutputError(Msg("error.notebooks.differs", path=str(target)))
    try:
        dest.mkdir(parents=True, exist_ok=True)
        return [
            write_atomic(dest / s.name, lambda tmp, s=s: shutil.copyfile(s, tmp)) for s in sources
        ]
    except OSError as exc:
        raise OutputError(
            Msg("error.output.unwritable", out=str(dest), reason=os_reason(exc))
        ) from exc


def _bundled_units() -> Path:
    from ntm_analysis.analysis.cache import units_file

    return units_file(None)


def _up_to_date(
    prep: _Prepared, previous: Mapping[str, UnitEntry], resume: bool
) -> tuple[list[str], list[Task]]:
    """``(skipped ids, tasks to run)``: with ``resume``, units whose last run succeeded with
    the same fingerprint and whose outputs are all there are skipped."""
    skipped, to_run = [], []
    for task in prep.tasks:
        before = previous.get(task.id)
        if (
            resume
            and before is not None
            and before.ok
            and before.fingerprint == task.fingerprint
            and _outputs_exist(prep.out, before, prep.pdf)
        ):
            skipped.append(task.id)
        else:
            to_run.append(task)
    return skipped, to_run


def _earlier_units(
    prep: _Prepared, previous: Mapping[str, UnitEntry]
) -> tuple[list[UnitEntry], list[dict[str, Any]]]:
    """Units of earlier runs that this run does not make: ``(carried, not_in_index)``.

    Carried into the index only if made with the same parameters, data and code (the same
    run fingerprint) and all their files are there; the others are named in the manifest.
    """
    this_run = {t.id for t in prep.tasks}
    carried, left_out = [], []
    for uid, entry in previous.items():
        if uid in this_run:
            continue
        if (
            entry.ok
            and entry.run_fingerprint == prep.run_fingerprint
            and _outputs_exist(prep.out, entry, prep.pdf)
        ):
            carried.append(entry.carried())
        else:
            reason = "made with other parameters, data or code" if entry.ok else "failed in its run"
            left_out.append({"id": uid, "run_id": entry.run_id, "reason": reason})
    return carried, left_out


# --------------------------------------------------------------------------- 5. record


class _Record:
    """The manifest of a run as it goes: what is fixed at the start, and each unit's entry."""

    def __init__(self, prep: _Prepared, options: Mapping[str, Any]) -> None:
        self.prep = prep
        self.entries: dict[str, UnitEntry] = {}
        self.carried: list[UnitEntry] = []
        self.not_in_index: list[dict[str, Any]] = []
        self.skipped: list[str] = []
        self.pending = 0
        self.cache: dict[str, Any] = {"path": None, "reused": None}
        targets_path = default_targets_path()
        files = (
            ("panel", prep.data, "data_sha256"),
            ("units", prep.units_file, "units_sha256"),
            ("targets", targets_path, "targets_sha256"),
        )
        self.head = Manifest(
            run_id=prep.run_id,
            started=iso(prep.started),
            package=PackageInfo("ntm-analysis", __version__, prep.code, package_source()),
            git=git_revision(),
            versions=versions(),
            synthetic=bool(prep.panel.synthetic),
            province_name=prep.registry.province_name,
            data_files={k: DataFile(str(p), prep.provenance[sha]) for k, p, sha in files},
            parameters=prep.common
            | {
                "districts": [u.name for u in prep.plan if u.kind == "district"],
                "district_targets": {str(k): v for k, v in prep.district_targets.items()},
                **options,
            },
            province_target=prep.province_target,
            run_fingerprint=prep.run_fingerprint,
        )

    def finished(self) -> list[UnitEntry]:
        """This run's units (not those reused or carried from earlier runs)."""
        return [e for e in self.entries.values() if e.run_id == self.prep.run_id]

    def manifest(self, final: bool) -> dict[str, Any]:
        """``manifest.json``'s object now (``final``: the run has ended)."""
        done = self.finished()
        return replace(
            self.head,
            finished=now() if final else None,
            seconds=round(time.time() - self.prep.started, 2),
            cache=self.cache,
            units=tuple(_ordered([*self.entries.values(), *self.carried])),
            not_in_index=tuple(self.not_in_index),
            summary={
                "ok": sum(1 for e in done if e.ok),
                "skipped": len(self.skipped),
                "failed": sum(1 for e in done if not e.ok),
                "pending": 0 if final else self.pending - len(done),
            },
        ).to_json()


# --------------------------------------------------------------------------- the batch


def run_batch(
    out: str | Path = DEFAULT_OUT,
    config: RunConfig | None = None,
    *,
    districts: Sequence[str | int] | None = None,
    province: bool = True,
    district_targets: Mapping[str | int, float] | None = None,
    resume: bool = False,
    dask: Any = None,
    progress: bool = True,
    cache_dir: str | Path | None = None,
    dry_run: bool = False,
    notebooks: Mapping[str, str | Path] | None = None,
    pdf: bool | None = None,
    compare_with: str | Path | None = None,
    hearing_packs: bool = True,
    **settings: Any,
) -> BatchResult:
    """Run the province overview and one district report per district; see the module doc.

    ``config``: the run's settings (default ``RunConfig()``): the data and its files (the
    units file, default the bundled Lạng Sơn one, against which districts are resolved; how
    a file in real GSO codes is harmonised), the simulation, the target year, the province
    target (None: the targets file's value for ``target_year``), the scenario and the
    language, passed to every notebook; its ``workers`` (notebooks at once) and ``timeout``
    (seconds each notebook may run); its ``district_targets_path`` (the filled-in district
    template). Its ``district`` and ``district_target`` are set per unit. ``settings``: any
    ``RunConfig`` setting by name, over ``config``'s (``run_batch(out, draws=50)``; ``data``,
    ``units`` and ``assessed`` name its files, as the command line does); an unknown name is
    a ``TypeError``, as for any keyword.

    The batch's own options: ``districts``: names or GSO codes (default: every district in
    the data); ``province``: include the province overview. ``district_targets``: {district
    name or code: target}, each winning over the template's number for its district
    (``analysis.analyse.district_targets``). ``dask``: the address of a running Dask
    scheduler (or a ``distributed`` cluster); its workers must see this machine's files at
    the same absolute paths. ``cache_dir``: where the shared forecast cache lives (default
    ``OUT/.cache``). ``notebooks``: {"province"/"district": path} to use other report
    templates. ``dry_run``: validate and decide what would run (``planned``/``skipped``),
    run nothing. ``pdf``: print each report to PDF with the machine's Chromium — True
    requires it, None (the default) prints when Chromium is installed (``ntm batch`` says
    when it is not). ``compare_with``: an earlier batch folder to compare the new forecasts
    with (default: the forecasts ``out`` holds from its last run); the index shows what
    changed and why. ``hearing_packs``: make each unit's hearing pack (``OUT/hearing/<id>/``)
    unless ``$NTM_HEARING`` is "0"; False (``--no-hearing``) skips them.
    """
    out = Path(out).resolve()
    config = _batch_config(config or RunConfig(), settings)
    workers, timeout = config.workers, config.timeout
    # ---- 1. validate everything before any kernel starts ---------------------------------
    prep = _prepare(
        out,
        districts=districts,
        province=province,
        district_targets=district_targets,
        cache_dir=cache_dir,
        notebooks=notebooks,
        dask=dask,
        config=config,
        pdf=pdf,
    )
    if compare_with is not None and changes.snapshot(compare_with) is None:
        raise ParameterError([Msg("error.param.compare_with", path=str(compare_with))])
    if dry_run:
        previous = _previous(out)
        skipped, to_run = _up_to_date(prep, previous, resume)
        return BatchResult(
            run_id=prep.run_id,
            out=out,
            index=out / INDEX,
            manifest=out / MANIFEST,
            skipped=skipped,
            planned=[t.id for t in to_run],
            seconds=round(time.time() - prep.started, 2),
        )

    # ---- 2. one batch at a time per output folder -----------------------------------------
    options = {
        "province": province,
        "workers": workers,
        "resume": resume,
        "timeout": timeout,
        "dask": None if dask is None else str(dask),
        "pdf": prep.pdf,
    }
    with output_lock(out, prep.run_id):
        # no other batch can be running: staging left by a crashed one is rubbish
        shutil.rmtree(out / STAGING_DIR, ignore_errors=True)
        previous = _previous(out)
        last_report = changes.snapshot(compare_with if compare_with is not None else out)
        record = _Record(prep, options)
        record.skipped, to_run = _up_to_date(prep, previous, resume)
        record.carried, record.not_in_index = _earlier_units(prep, previous)
        record.pending = len(to_run)
        for task in prep.tasks:  # until this run replaces them
            if task.id in previous:
                entry = previous[task.id]
                if task.id in record.skipped:
                    entry = entry.reused(prep.run_id)
                record.entries[task.id] = entry
        forecast_seconds = _execute(prep, record, to_run, workers, dask, progress)
        _hearing_packs(prep, record.finished(), make=hearing_packs)  # OUT/hearing/<id>/

        # ---- 5. manifest and index --------------------------------------------------------
        final = record.manifest(final=True)
        manifest_path = index_path = record_error = None
        try:
            manifest_path = write_manifest(out, final)
            changes.write_changes(out, last_report)
            index_path = write_index(out, final, config.lang)
        except OSError as exc:
            record_error = f"cannot write {MANIFEST if manifest_path is None else INDEX}: {exc}"
        finished = _ordered(record.finished())
        return BatchResult(
            run_id=prep.run_id,
            out=out,
            index=index_path,
            manifest=manifest_path,
            planned=[t.id for t in to_run],
            ok=[e.id for e in finished if e.ok],
            skipped=record.skipped,
            failed=[e for e in finished if not e.ok],
            seconds=round(time.time() - prep.started, 2),
            forecast_seconds=forecast_seconds,
            record_error=record_error,
            pdf=prep.pdf,
        )


# the file settings by the names ``run_batch``'s keywords (and the command line) give them
_FILE_NAMES = {"data": "data_path", "units": "units_path", "assessed": "assessed_path"}


def _batch_config(config: RunConfig, settings: Mapping[str, Any]) -> RunConfig:
    """The batch's run configuration: ``config`` with ``settings`` (``run_batch``'s), its
    files as absolute paths (every kernel sees the same files, wherever it runs) and the
    province's run (the district is set per unit)."""
    from ntm_analysis.analysis.cache import data_file

    named = {_FILE_NAMES.get(name, name): value for name, value in settings.items()}
    for name in _FILE_NAMES.values():  # a file not given is ""
        if name in named:
            named[name] = str(named[name]) if named[name] else ""
    config = replace(config, **named)

    def absolute(path: str) -> str:
        return str(Path(path).resolve()) if path else ""

    return replace(
        config,
        data_path=str(data_file(config.data_path)),
        units_path=absolute(config.units_path),
        assessed_path=absolute(config.assessed_path),
        district_targets_path=absolute(config.district_targets_path),
        district="",
        district_target=None,
    )


def _hearing_packs(prep: _Prepared, finished: Sequence[UnitEntry], make: bool) -> None:
    """Each successful unit's hearing pack, made in the staging folder and published whole
    (``atomic.replace_dir``), like its report; not when ``make`` is False or ``$NTM_HEARING``
    is "0".

    A unit this run re-made keeps no pack of an earlier run (its pack failed, the unit failed,
    or packs were not asked for): an old pack beside a new report would pass for this run's.
    """
    make = make and os.environ.get(hearing_links.ENV, "1") != "0"
    out = prep.out
    staging = out / STAGING_DIR / f"{prep.run_id}-hearing"
    ok = [e for e in finished if e.ok]
    try:
        if make and ok:
            # here, not at the top, and only to make packs: they draw charts (matplotlib,
            # seaborn), which the batch process needs only now; importing them first delayed
            # the forecast (~1.8 s), and without packs they are never needed (~0.4 s CPU)
            from ntm_analysis.report import hearing

            for entry in ok:  # published packs leave; a folder still here is a pack that failed
                (staging / entry.id).mkdir(parents=True, exist_ok=True)
            hearing.write_batch(out, [e.to_json() for e in ok], prep.chromium, staging=staging)
        for entry in finished:
            if not make or not entry.ok or (staging / entry.id).exists():
                shutil.rmtree(out / hearing_links.HEARING_DIR / entry.id, ignore_errors=True)
    finally:
        _remove_staging(out / STAGING_DIR, staging)


def _execute(
    prep: _Prepared,
    record: _Record,
    to_run: list[Task],
    workers: int | None,
    dask: Any,
    progress: bool,
) -> float:
    """Steps 3 and 4: simulate once, then run ``to_run``, recording each outcome in
    ``record`` (and in the manifest, as it comes). Returns the simulation's seconds."""
    if not to_run:
        return 0.0
    from ntm_analysis.analysis.analyse import analysis_file, cached_analysis
    from ntm_analysis.analysis.cache import code_fingerprint, share_analysis, take_shared_analysis

    out, staging = prep.out, prep.staging
    with contextlib.ExitStack() as stack:  # closed in reverse: workers, then staging
        prep.cache.mkdir(parents=True, exist_ok=True)
        stack.callback(_remove_staging, out / STAGING_DIR, staging)
        client, slots = None, []
        n_workers = max(1, min(workers or os.cpu_count() or 1, len(to_run)))
        if dask is not None:  # before the simulation: fail fast if the files are not shared
            from distributed import Client

            client = stack.enter_context(Client(dask))
            notebooks = sorted({str(t.notebook) for t in to_run})
            paths = [prep.data, prep.units_file, prep.cache, *notebooks]
            executor.check_dask_workers(client, code=code_fingerprint(), chromium=prep.chromium)
            executor.check_dask_filesystem(client, staging, paths)
        else:  # the workers import while the simulation runs
            slots = executor.start_workers(n_workers, staging)
            stack.callback(executor.close_workers, slots)

        # ---- 3. simulate once, share through the cache ------------------------------------
        t0 = time.time()
        shared = take_shared_analysis(analysis_file(prep.run, prep.cache))
        # the tasks' forecast_cache, with every unit's damped-trend baseline fitted once here
        cache_path, reused = cached_analysis(prep.run, prep.cache, baseline_fits=True)
        seconds = round(time.time() - t0, 2)
        record.cache = {"path": str(cache_path), "reused": reused and shared is None}
        if reused and shared is not None:
            record.cache["copied_from"] = str(shared)
        elif not reused:
            share_analysis(cache_path)
        record.cache["seconds"] = seconds

        # ---- 4. execute in parallel -------------------------------------------------------
        by_id = {t.id: t for t in to_run}
        bar = _progress(len(to_run), progress, to_run[0].lang)  # one language per run

        def done(outcome: Outcome) -> None:  # each unit's, as the executor reports it
            record.entries[outcome.id] = UnitEntry.made(by_id[outcome.id], outcome)
            with contextlib.suppress(OSError):  # so that an interrupted run can resume
                write_manifest(out, record.manifest(final=False))
            if bar is not None:
                if not outcome.ok:
                    bar.write(f"FAILED {outcome.id}: {executor.error_text(outcome.error)}")
                bar.update(1)

        try:
            if client is not None:
                executor.run_dask(to_run, client, done)
            else:
                executor.run_local(to_run, n_workers, done, slots=slots)
        finally:
            if bar is not None:
                bar.close()
    return seconds
