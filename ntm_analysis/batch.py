"""The report batch: every district's notebook (and the province's) executed, exported, indexed.

``run_batch`` is what ``ntm batch`` and ``ntm run`` call. In order:

1. **Validate before any kernel starts.** Every notebook parameter is checked against one
   typed schema (``PARAMETERS``: names, types, allowed values), values must be plain JSON
   (a numpy or pandas scalar is refused with the conversion to use), districts are resolved
   through the ``Registry`` with "did you mean" suggestions, and the names passed must be
   exactly the names the notebook's ``parameters`` cell declares — papermill itself only
   warns about an unknown name, which would silently run the default.
2. **Simulate once.** The forecast and the backtest are computed once per (data file bytes,
   parameters, package version and code) and cached under ``OUT/.cache``; every notebook loads
   the cache through its ``forecast_cache`` parameter, so district figures are slices of one
   province-wide simulation and a re-run with other report options reuses it.
3. **Execute in parallel** with papermill, one kernel per notebook, in a process pool
   (``--workers``) or on a Dask cluster (``--dask``), with a progress bar.
4. **Check and publish.** A unit succeeds only if its notebook ran to the end *and* wrote its
   results sidecar in this run (a notebook that exits early has not). Each unit gets the
   executed notebook, a standalone HTML report without code (images embedded, no outside
   scripts or fonts, a footer naming the run, data and version) and the JSON sidecar; every
   file is written under a temporary name and renamed into place.
5. **Record.** ``manifest.json`` (run id, times, versions, git revision, data hashes, the
   parameters, each unit's outcome) and ``index.html`` linking everything, with the province
   headline and a per-district table. A failing unit does not stop the others; the index and
   the terminal name it and the failing cell's error, and the exit code is non-zero.

``--resume`` re-runs only the units whose outputs are missing or stale (their parameters, data,
notebook or code differ from the last successful run's manifest).
"""

from __future__ import annotations

import ast
import contextlib
import datetime as _dt
import hashlib
import html
import json
import math
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version
from pathlib import Path
from typing import Any

from . import __version__, i18n
from .atomic import write_text_atomic
from .paths import PACKAGE_DIR, PROJECT_DIR, default_targets_path, default_units_path
from .text import fold

__all__ = [
    "NOTEBOOKS",
    "PARAMETERS",
    "BatchResult",
    "Param",
    "ParameterError",
    "Unit",
    "export_html",
    "external_references",
    "footer_html",
    "json_problems",
    "notebook_parameters",
    "plan_units",
    "run_batch",
    "validate_parameters",
    "write_index",
]

NOTEBOOK_DIR = PROJECT_DIR / "notebooks"
NOTEBOOKS = {
    "province": NOTEBOOK_DIR / "province_overview.ipynb",
    "district": NOTEBOOK_DIR / "district_forecast.ipynb",
    "explore": NOTEBOOK_DIR / "explore.ipynb",
}
KERNEL_NAME = "python3"
DEFAULT_OUT = Path("reports")
DEFAULT_DRAWS = 2000
DEFAULT_BACKTEST_DRAWS = 500
DEFAULT_TIMEOUT = 900  # seconds per cell; a hung kernel must not hang the batch
CACHE_DIR, STAGING_DIR = ".cache", ".staging"
NOTEBOOK_ONLY_TAG = "notebook-only"  # narrative for notebook readers, left out of the HTML
KEY_PACKAGES = (
    "pandas",
    "numpy",
    "statsmodels",
    "papermill",
    "matplotlib",
    "seaborn",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "jupyter_client",
)
MANIFEST, INDEX = "manifest.json", "index.html"
# keys of a unit's parameters that name this run's files rather than change its numbers
_RUN_PATHS = ("results_path", "forecast_cache")

EXIT_OK, EXIT_FAILED = 0, 1


# --------------------------------------------------------------------------- parameter schema


class ParameterError(ValueError):
    """Invalid notebook or batch parameters; lists every problem at once."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) with the parameters:"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))


@dataclass(frozen=True)
class Param:
    """One notebook parameter: its type ("int", "number", "str", "dict"), default, limits."""

    name: str
    kind: str
    default: Any
    doc: str
    nullable: bool = False
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None


PARAMETERS: dict[str, Param] = {
    p.name: p
    for p in (
        Param("district", "str", "", 'district name or GSO code; "" for the whole province'),
        Param("data_path", "str", "", 'panel file (CSV, XLSX, Parquet); "" for the bundled data'),
        Param(
            "as_of",
            "int",
            None,
            "last year of data to use; None for the latest",
            nullable=True,
            minimum=2000,
            maximum=2100,
        ),
        Param("target_year", "int", 2020, "year the targets refer to", minimum=2000, maximum=2100),
        Param(
            "province_target",
            "number",
            77,
            "communes meeting the standard by the target year (province plan)",
            nullable=True,
            minimum=0,
        ),
        Param(
            "district_target",
            "number",
            None,
            "the district's own target, if it has one",
            nullable=True,
            minimum=0,
        ),
        Param("draws", "int", DEFAULT_DRAWS, "Monte Carlo draws", minimum=1, maximum=1_000_000),
        Param("seed", "int", 0, "random seed", minimum=0, maximum=2**63 - 1),
        Param("lang", "str", "vi", "language of the report", choices=("vi", "en")),
        Param(
            "scenario",
            "dict",
            None,
            'None or {"name": ..., "criterion_odds": {"10": 1.5}, '
            '"priority_communes": [...], "priority_odds": 2.0}',
            nullable=True,
        ),
        Param("results_path", "str", "", 'where the JSON sidecar goes; "" for none'),
        Param("forecast_cache", "str", "", 'the batch\'s cached forecast; "" to compute'),
        Param(
            "backtest_draws",
            "int",
            DEFAULT_BACKTEST_DRAWS,
            "draws per backtest origin; 0 skips the backtest",
            minimum=0,
            maximum=1_000_000,
        ),
        Param("criterion", "int", 10, "criterion number (explore notebook)", minimum=1, maximum=19),
    )
}
_SCENARIO_KEYS = {"name", "criterion_odds", "priority_communes", "priority_odds"}


def _type_name(value: object) -> str:
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"


def json_problems(value: object, where: str) -> list[str]:
    """Why ``value`` is not plain JSON (None, bool, int, float, str, list, dict of str keys).

    numpy and pandas scalars are refused with the conversion to use: papermill writes a
    parameter into the notebook as Python source, and ``np.int64(5)`` written out is not
    something the kernel can read back as 5.
    """
    module = type(value).__module__.split(".")[0]
    if module in ("numpy", "pandas"):
        hint = (
            "int(...)"
            if "int" in type(value).__name__
            else ("float(...)" if "float" in type(value).__name__ else "a plain Python value")
        )
        return [
            f"{where}: {_type_name(value)} {value!r} is a {module} value, not plain JSON; "
            f"convert it with {hint}"
        ]
    if value is None or isinstance(value, bool | str | int):
        return []
    if isinstance(value, float):
        return [] if math.isfinite(value) else [f"{where}: {value!r} is not a finite number"]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in json_problems(v, f"{where}[{i}]")]
    if isinstance(value, dict):
        problems = [
            f"{where}: key {k!r} must be a string (JSON object keys are strings)"
            for k in value
            if not isinstance(k, str)
        ]
        return problems + [p for k, v in value.items() for p in json_problems(v, f"{where}[{k!r}]")]
    if isinstance(value, tuple):
        return [f"{where}: a tuple is not JSON; use a list"]
    return [
        f"{where}: {_type_name(value)} is not JSON-safe (use None, bool, int, float, str, "
        "list or dict)"
    ]


def _type_problems(spec: Param, value: object) -> list[str]:
    name = spec.name
    if value is None:
        return [] if spec.nullable else [f"{name}: must not be None"]
    kinds = {
        "int": lambda v: type(v) is int,
        "number": lambda v: type(v) in (int, float),
        "str": lambda v: type(v) is str,
        "dict": lambda v: type(v) is dict,
    }
    if not kinds[spec.kind](value):
        wanted = {
            "int": "a whole number",
            "number": "a number",
            "str": "a string",
            "dict": "a dict",
        }[spec.kind]
        return [
            f"{name}: expected {wanted}{' or None' if spec.nullable else ''}, got "
            f"{_type_name(value)} {value!r}"
        ]
    problems = []
    if spec.choices is not None and value not in spec.choices:
        problems.append(f"{name}: must be one of {list(spec.choices)}, got {value!r}")
    if spec.minimum is not None and value < spec.minimum:
        problems.append(f"{name}: must be at least {spec.minimum:g}, got {value!r}")
    if spec.maximum is not None and value > spec.maximum:
        problems.append(f"{name}: must be at most {spec.maximum:g}, got {value!r}")
    return problems


def _scenario_problems(value: Mapping[str, Any], communes: set[str] | None) -> list[str]:
    problems = [
        f"scenario: unknown key {k!r}; expected {sorted(_SCENARIO_KEYS)}"
        for k in value
        if k not in _SCENARIO_KEYS
    ]
    if "name" in value and not isinstance(value["name"], str):
        problems.append("scenario: name must be a string")
    odds = value.get("criterion_odds", {})
    if not isinstance(odds, dict):
        problems.append('scenario: criterion_odds must be a dict such as {"10": 1.5}')
    else:
        for key, ratio in odds.items():
            if not (isinstance(key, str) and key.isdigit() and 1 <= int(key) <= 19):
                problems.append(
                    f'scenario: criterion_odds key {key!r} must be a criterion number "1"–"19"'
                )
            if type(ratio) not in (int, float) or not ratio > 0:
                problems.append(
                    f"scenario: criterion_odds[{key!r}] must be a positive number, got {ratio!r}"
                )
    priority = value.get("priority_communes", [])
    if not isinstance(priority, list) or not all(isinstance(c, str) for c in priority):
        problems.append("scenario: priority_communes must be a list of commune codes (strings)")
    elif communes is not None:
        unknown = sorted(set(priority) - communes)
        if unknown:
            problems.append(f"scenario: unknown priority commune code(s) {unknown}")
    if "priority_odds" in value and (
        type(value["priority_odds"]) not in (int, float) or not value["priority_odds"] > 0
    ):
        problems.append("scenario: priority_odds must be a positive number")
    return problems


def notebook_parameters(notebook: str | Path) -> dict[str, Any]:
    """The names and default values declared in a notebook's ``parameters`` cell."""
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ParameterError(
            [f"{Path(notebook).name}: expected one cell tagged 'parameters', found {len(cells)}"]
        )
    declared: dict[str, Any] = {}
    for node in ast.parse(cells[0].source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            try:
                declared[target.id] = ast.literal_eval(value)
            except ValueError:
                declared[target.id] = None
    return declared


def _resolve_notebook(notebook: str | Path) -> Path:
    path = Path(notebook)
    if path.suffix != ".ipynb":
        path = NOTEBOOKS.get(str(notebook), NOTEBOOK_DIR / f"{notebook}.ipynb")
    return path


def validate_parameters(
    params: Mapping[str, Any],
    notebook: str | Path | None = None,
    *,
    panel: Any = None,
    registry: Any = None,
    require_files: bool = True,
) -> dict[str, Any]:
    """Check notebook parameters against ``PARAMETERS`` (and the notebook, the data).

    ``notebook`` (a path or "district"/"province"/"explore"): the names given must be exactly
    those its ``parameters`` cell declares — an unknown name and a missing one are both
    errors. With ``panel``/``registry``: the district must exist and have communes, ``as_of``
    must be a year of the data, the target year after it, targets no larger than the number
    of communes, scenario communes real. Returns a copy; raises ``ParameterError`` listing
    every problem.
    """
    problems: list[str] = []
    if not isinstance(params, Mapping):
        raise ParameterError([f"parameters must be a dict, got {_type_name(params)}"])
    problems += [f"parameter name {k!r} must be a string" for k in params if not isinstance(k, str)]
    if notebook is not None:
        path = _resolve_notebook(notebook)
        if not path.exists():
            raise ParameterError([f"notebook {path} not found"])
        declared = notebook_parameters(path)
        unknown = sorted(set(params) - set(declared))
        missing = sorted(set(declared) - set(params))
        if unknown:
            problems.append(
                f"unknown parameter(s) {unknown} for {path.name}; it declares {sorted(declared)}"
            )
        if missing:
            problems.append(f"missing parameter(s) {missing} for {path.name}")
        undeclared = sorted(set(declared) - set(PARAMETERS))
        if undeclared:
            problems.append(
                f"{path.name} declares parameter(s) {undeclared} that the schema "
                "(batch.PARAMETERS) does not know"
            )
    for name, value in params.items():
        if name not in PARAMETERS:
            if notebook is None:
                problems.append(f"unknown parameter {name!r}; known: {sorted(PARAMETERS)}")
            continue
        found = json_problems(value, name)
        problems += found or _type_problems(PARAMETERS[name], value)
    if problems:
        raise ParameterError(problems)
    problems += _context_problems(params, panel, registry, require_files)
    if problems:
        raise ParameterError(problems)
    return dict(params)


def _context_problems(
    params: Mapping[str, Any], panel: Any, registry: Any, require_files: bool
) -> list[str]:
    """Checks that need the data, the registry or the file system."""
    problems: list[str] = []
    data_path = params.get("data_path")
    if require_files and data_path and not Path(data_path).is_file():
        problems.append(f"data_path: file {data_path!r} not found")
    cache = params.get("forecast_cache")
    if require_files and cache and not Path(cache).is_file():
        problems.append(f"forecast_cache: file {cache!r} not found")
    district = params.get("district")
    n_communes = None
    if district and registry is not None:
        code = registry.find(district)
        if code is None:
            hint = registry.suggestions(district)
            problems.append(
                f"district: unknown district {district!r} in {registry.province_name}"
                + (f"; did you mean {' or '.join(hint)}?" if hint else "")
                + f" Known: {', '.join(registry.districts['district_name'])}"
            )
        elif panel is not None and code not in panel.district_codes:
            problems.append(f"district: {registry.name(code)!r} has no communes in the data")
        elif panel is not None:
            n_communes = int((panel.communes["district_code"] == code).sum())
    if panel is not None:
        years = panel.years
        as_of = params.get("as_of")
        if as_of is not None and as_of not in years:
            problems.append(f"as_of: {as_of} is not a year of the data ({years[0]}–{years[-1]})")
        elif as_of is not None and as_of == years[0]:
            problems.append(f"as_of: {as_of} is the first year; the model needs at least two")
        last = as_of if as_of is not None else years[-1]
        target_year = params.get("target_year")
        if target_year is not None and target_year <= last:
            problems.append(f"target_year: {target_year} must be after the as-of year {last}")
        total = len(panel.communes)
        target = params.get("province_target")
        if target is not None and target > total:
            problems.append(f"province_target: {target:g} is more than the {total} communes")
        target = params.get("district_target")
        if target is not None and n_communes is not None and target > n_communes:
            problems.append(
                f"district_target: {target:g} is more than the district's {n_communes} communes"
            )
    scenario = params.get("scenario")
    if isinstance(scenario, dict):
        codes = set(panel.communes["commune_code"]) if panel is not None else None
        problems += _scenario_problems(scenario, codes)
    return problems


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
            code = registry.find(str(item))
            if code is None:
                hint = registry.suggestions(str(item))
                problems.append(
                    f"--districts: unknown district {str(item)!r} in "
                    f"{registry.province_name}"
                    + (f"; did you mean {' or '.join(hint)}?" if hint else "")
                )
            elif code not in panel.district_codes:
                problems.append(f"--districts: {registry.name(code)!r} has no communes in the data")
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
        raise ParameterError(["nothing to run: no districts and no province"])
    return units


# --------------------------------------------------------------------------- provenance


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fingerprint(value: object) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _git_revision() -> dict[str, Any] | None:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return {"revision": head, "dirty": bool(dirty)} if head else None


def _versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {"python": sys.version.split()[0]}
    for name in KEY_PACKAGES:
        try:
            found[name] = _dist_version(name.replace("_", "-"))
        except PackageNotFoundError:
            found[name] = None
    return found


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _new_run_id() -> str:
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{secrets.token_hex(3)}"


# --------------------------------------------------------------------------- HTML export

_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block extra_css %}
<style type="text/css">
body.jp-Notebook { max-width: 1100px; margin: 0 auto; padding: 1em 1.5em;
  font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; }
.jp-OutputArea-output img { max-width: 100%; height: auto; }
.jp-OutputArea-output table { font-size: 0.95em; }
footer.ntm-footer { margin-top: 3em; padding-top: 0.6em; border-top: 1px solid #CCC;
  color: #555; font-size: 0.85em; }
</style>
{% endblock extra_css %}
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
alt="{{ (output | get_metadata('alt', 'image/png') or 'chart') | escape_html }}">
</div>
{% endblock data_png %}
{% block body_footer %}
<footer class="ntm-footer">{{ resources.ntm_footer }}</footer>
</main>
</body>
{% endblock body_footer %}
"""
# a reference to anything outside the file: src/href/url()/@import with a scheme or "//"
_EXTERNAL = re.compile(
    r"""(?:\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//)|(?:url\(\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:@import\s+(?:url\()?\s*["']?\s*(?:https?:)?//)""",
    re.IGNORECASE,
)


def external_references(text: str) -> list[str]:
    """Every reference in ``text`` to a resource outside the file (should be none)."""
    return [text[max(0, m.start() - 20) : m.end() + 60] for m in _EXTERNAL.finditer(text)]


def _strip_external(text: str) -> str:
    """Remove scripts and stylesheets loaded from elsewhere (a template update could add one)."""
    text = re.sub(
        r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>",
        "",
        text,
        flags=re.IGNORECASE,
    )
    return re.sub(
        r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", "", text, flags=re.IGNORECASE
    )


def footer_html(run_id: str, data_sha256: str, lang: str, when: str | None = None) -> str:
    text = i18n.t(
        "report.footer",
        lang,
        run_id=run_id,
        data=data_sha256[:12],
        version=__version__,
        time=when or _now(),
    )
    return html.escape(text)


def export_html(
    notebook: str | Path, target: str | Path, *, title: str, lang: str, footer: str
) -> Path:
    """The executed notebook as a standalone HTML report: no code, no prompts, no
    ``notebook-only`` cells, no stderr, images embedded, nothing loaded from elsewhere."""
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

    class DropStderr(Preprocessor):  # warnings belong in the notebook, not the report
        def preprocess_cell(self, cell, resources, index):
            if "outputs" in cell:
                cell.outputs = [
                    o
                    for o in cell.outputs
                    if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                ]
            return cell, resources

    nb = nbformat.read(str(notebook), as_version=4)
    nb.metadata["title"] = title
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"ntm_report.html.j2": _TEMPLATE})],
        template_file="ntm_report.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code=lang,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(
            remove_cell_tags={NOTEBOOK_ONLY_TAG, "injected-parameters"}, enabled=True
        ),
        enabled=True,
    )
    exporter.register_preprocessor(DropStderr(), enabled=True)
    body, _ = exporter.from_notebook_node(nb, resources={"ntm_footer": footer})
    body = _strip_external(body)
    left = external_references(body)
    if left:
        raise RuntimeError(f"the HTML report would load outside resources: {left[:3]}")
    return write_text_atomic(target, body)


# --------------------------------------------------------------------------- one unit (worker)


def _execute_unit(task: dict[str, Any]) -> dict[str, Any]:
    """Run one notebook and publish its outputs; runs in a worker process or on Dask.

    ``task`` and the return value are plain dicts so they cross process boundaries.
    """
    started = time.time()
    out = Path(task["out"])
    staging = Path(task["staging"])
    staging.mkdir(parents=True, exist_ok=True)
    unit_id = task["id"]
    staged_nb = staging / f"{unit_id}.ipynb"
    staged_html = staging / f"{unit_id}.html"
    sidecar = Path(task["parameters"]["results_path"])
    sidecar.unlink(missing_ok=True)  # so that its existence proves this run wrote it
    error: dict[str, Any] | None = None
    log = staging / f"{unit_id}.kernel.log"
    try:
        import papermill as pm

        # the kernel inherits this process's stderr: keep its chatter out of the terminal
        redirect = _redirect_stderr(log) if task.get("quiet") else contextlib.nullcontext()
        with redirect:
            pm.execute_notebook(
                task["notebook"],
                str(staged_nb),
                parameters=task["parameters"],
                kernel_name=task.get("kernel", KERNEL_NAME),
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                execution_timeout=task["timeout"],
                cwd=str(staging),
            )
    except Exception as exc:  # papermill's error, a dead kernel, a timeout: the unit failed
        error = _describe_error(exc)
        if getattr(exc, "ename", None) is None and log.exists():  # no cell error: show why
            tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
            if tail:
                error["evalue"] += "\n" + "\n".join(tail)
    if error is None:
        error = _check_sidecar(sidecar, task)
    if error is None:
        try:
            export_html(
                staged_nb,
                staged_html,
                title=task["title"],
                lang=task["lang"],
                footer=footer_html(task["run_id"], task["data_sha256"], task["lang"]),
            )
        except Exception as exc:
            error = {"ename": type(exc).__name__, "evalue": str(exc), "cell": None, "stage": "html"}
    outputs = {
        "html": f"{unit_id}.html",
        "notebook": f"notebooks/{unit_id}.ipynb",
        "results": f"results/{unit_id}.json",
    }
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    (out / "results").mkdir(parents=True, exist_ok=True)
    if error is None:
        os.replace(staged_html, out / outputs["html"])
        os.replace(sidecar, out / outputs["results"])
        os.replace(staged_nb, out / outputs["notebook"])
    else:  # stale outputs of an earlier run must not pass for this run's results
        (out / outputs["html"]).unlink(missing_ok=True)
        (out / outputs["results"]).unlink(missing_ok=True)
        if staged_nb.exists():  # the executed notebook shows where it failed
            os.replace(staged_nb, out / outputs["notebook"])
        else:
            outputs["notebook"] = None
        outputs["html"] = outputs["results"] = None
    return {
        "id": unit_id,
        "status": "ok" if error is None else "failed",
        "error": error,
        "seconds": round(time.time() - started, 2),
        "finished": _now(),
        "outputs": outputs,
    }


@contextlib.contextmanager
def _redirect_stderr(path: Path) -> Any:
    """Point file descriptor 2 (inherited by the kernel process) at ``path`` meanwhile."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "ab") as handle:
        os.dup2(handle.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def _describe_error(exc: BaseException) -> dict[str, Any]:
    ename = getattr(exc, "ename", None)
    if ename is not None:  # PapermillExecutionError: the failing cell's exception
        return {
            "ename": str(ename),
            "evalue": str(getattr(exc, "evalue", "")),
            "cell": getattr(exc, "exec_count", None),
            "stage": "execute",
        }
    return {
        "ename": type(exc).__name__,
        "evalue": str(exc).strip()[:2000],
        "cell": None,
        "stage": "execute",
    }


def _check_sidecar(sidecar: Path, task: Mapping[str, Any]) -> dict[str, Any] | None:
    if not sidecar.exists():
        return {
            "ename": "NoResults",
            "evalue": "the notebook ended without writing its results "
            "sidecar (it stopped early or skipped save_results)",
            "cell": None,
            "stage": "check",
        }
    try:
        result = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {
            "ename": "BadResults",
            "evalue": f"unreadable results sidecar: {exc}",
            "cell": None,
            "stage": "check",
        }
    if result.get("unit_code") != task["code"]:
        return {
            "ename": "BadResults",
            "evalue": f"the sidecar is for unit "
            f"{result.get('unit_code')!r}, expected {task['code']!r}",
            "cell": None,
            "stage": "check",
        }
    return None


# --------------------------------------------------------------------------- executors


def _run_local(
    tasks: list[dict[str, Any]], workers: int, on_done: Callable[[dict[str, Any]], None]
) -> None:
    import multiprocessing

    # spawn: a fresh interpreter per worker (no forked threads or locks from this process)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(_execute_unit, task): task for task in tasks}
        for future in as_completed(futures):
            on_done(_result_or_crash(future, futures[future]))


def _run_dask(
    tasks: list[dict[str, Any]], address: Any, on_done: Callable[[dict[str, Any]], None]
) -> None:
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(address) as client:
        futures = {
            client.submit(
                _execute_unit, task, key=f"ntm-{task['id']}-{task['run_id']}", pure=False
            ): task
            for task in tasks
        }
        for future in dask_completed(list(futures)):
            on_done(_result_or_crash(future, futures[future]))


def _result_or_crash(future: Any, task: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return future.result()
    except Exception as exc:  # the worker itself died: still a named, failed unit
        return {
            "id": task["id"],
            "status": "failed",
            "seconds": None,
            "finished": _now(),
            "error": {
                "ename": type(exc).__name__,
                "evalue": str(exc),
                "cell": None,
                "stage": "worker",
            },
            "outputs": {"html": None, "notebook": None, "results": None},
        }


def _require_dask() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError as exc:
        raise ParameterError(
            [
                "--dask needs the optional 'distributed' package, which is not installed; "
                "install it with: pip install 'ntm-analysis[dask]'"
            ]
        ) from exc


def _require_kernel(name: str) -> None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel as exc:
        raise ParameterError(
            [
                f"the Jupyter kernel {name!r} is not installed in this environment; install it "
                "with: python -m ipykernel install --sys-prefix"
            ]
        ) from exc


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def _output_lock(out: Path) -> Any:
    """``OUT/.lock`` holding this process's id while the batch writes to ``OUT``; a lock left
    by a process that no longer exists is taken over."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / ".lock"
    for _ in range(3):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                pid = int(path.read_text(encoding="ascii").strip() or 0)
            except (OSError, ValueError):
                pid = 0
            if pid and pid != os.getpid() and _alive(pid):
                raise ParameterError(
                    [
                        f"another ntm batch (process {pid}) is writing to {out}; wait for it to "
                        f"finish, or delete {path} if that process is gone"
                    ]
                ) from None
            path.unlink(missing_ok=True)
            continue
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(str(os.getpid()))
        break
    else:
        raise ParameterError([f"cannot lock the output folder {out}"])
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


# --------------------------------------------------------------------------- the batch


@dataclass
class BatchResult:
    """What a run did; ``exit_code`` is 0 only if every unit succeeded."""

    run_id: str
    out: Path
    index: Path
    manifest: Path
    ok: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)  # units that were (or would be) run
    seconds: float = 0.0
    forecast_seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return EXIT_FAILED if self.failed else EXIT_OK


def _common_parameters(
    data_path: Path,
    *,
    as_of: int | None,
    target_year: int,
    province_target: float | None,
    draws: int,
    seed: int,
    lang: str,
    scenario: Mapping[str, Any] | None,
    backtest_draws: int,
) -> dict[str, Any]:
    return {
        "data_path": str(data_path),
        "as_of": as_of,
        "target_year": target_year,
        "province_target": province_target,
        "draws": draws,
        "seed": seed,
        "lang": lang,
        "scenario": scenario,
        "backtest_draws": backtest_draws,
    }


def _load_manifest(out: Path) -> dict[str, Any] | None:
    path = out / MANIFEST
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _outputs_exist(out: Path, entry: Mapping[str, Any]) -> bool:
    outputs = entry.get("outputs") or {}
    return all(
        outputs.get(k) and (out / outputs[k]).exists() for k in ("html", "notebook", "results")
    )


def run_batch(
    out: str | Path = DEFAULT_OUT,
    *,
    data: str | Path | None = None,
    districts: Sequence[str | int] | None = None,
    province: bool = True,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    lang: str = "vi",
    workers: int | None = None,
    resume: bool = False,
    target_year: int = 2020,
    province_target: float | None = 77,
    district_targets: Mapping[str | int, float] | None = None,
    as_of: int | None = None,
    scenario: Mapping[str, Any] | None = None,
    backtest_draws: int = DEFAULT_BACKTEST_DRAWS,
    timeout: int = DEFAULT_TIMEOUT,
    dask: Any = None,
    progress: bool = True,
    cache_dir: str | Path | None = None,
    dry_run: bool = False,
    notebooks: Mapping[str, str | Path] | None = None,
    _unit_overrides: Mapping[str, Mapping[str, Any]] | None = None,
    _unit_notebooks: Mapping[str, str | Path] | None = None,
) -> BatchResult:
    """Run the province overview and one district report per district; see the module doc.

    ``districts``: names or GSO codes (default: every district in the data); ``province``:
    include the province overview. ``district_targets``: {district name or code: target}.
    ``dask``: the address of a running Dask scheduler (or a ``distributed`` cluster).
    ``cache_dir``: where the shared forecast cache lives (default ``OUT/.cache``).
    ``notebooks``: {"province"/"district": path} to use other report templates.
    ``dry_run``: validate and decide what would run (``planned``/``skipped``), run nothing.
    ``_unit_overrides`` / ``_unit_notebooks`` are internal hooks for tests: parameters or a
    notebook swapped in for one unit after validation (to simulate a failing unit).
    """
    started = time.time()
    run_id = _new_run_id()
    out = Path(out).resolve()
    from .communes import Registry
    from .load import load_panel
    from .report import analysis_meta, analysis_path, code_fingerprint, data_file

    # ---- 1. validate everything before any kernel starts ---------------------------------
    batch_problems = []
    for name, value in (("workers", workers), ("timeout", timeout)):
        if value is not None and (type(value) is not int or value < 1):
            batch_problems.append(f"{name}: expected a whole number >= 1, got {value!r}")
    if lang not in i18n.LANGS:
        batch_problems.append(f"lang: must be one of {list(i18n.LANGS)}, got {lang!r}")
    if batch_problems:
        raise ParameterError(batch_problems)
    if dask is not None:
        _require_dask()
    _require_kernel(KERNEL_NAME)
    templates = {kind: Path(path) for kind, path in NOTEBOOKS.items()}
    templates.update({kind: Path(path) for kind, path in (notebooks or {}).items()})

    path = data_file(data)
    common = _common_parameters(
        path,
        as_of=as_of,
        target_year=target_year,
        province_target=province_target,
        draws=draws,
        seed=seed,
        lang=lang,
        scenario=scenario,
        backtest_draws=backtest_draws,
    )
    validate_parameters(common, require_files=False)  # types first: cheap, clear messages
    if not path.is_file():
        raise ParameterError([f"data: file {str(path)!r} not found"])
    registry = Registry.from_csv()
    panel = load_panel(path, registry=registry)
    units = plan_units(registry, panel, districts, province)
    targets = {}
    for key, value in (district_targets or {}).items():
        code = registry.find(str(key))
        if code is None:
            raise ParameterError([f"district_targets: unknown district {str(key)!r}"])
        targets[code] = value

    validate_parameters(common, panel=panel, registry=registry)
    data_sha = _sha256(path)
    resolved_as_of = panel.last_year if as_of is None else as_of
    meta = analysis_meta(
        data_sha,
        as_of=resolved_as_of,
        target_year=target_year,
        draws=draws,
        seed=seed,
        scenario=scenario,
        backtest_draws=backtest_draws,
    )
    cache = Path(cache_dir).resolve() if cache_dir is not None else out / CACHE_DIR
    cache_path = analysis_path(meta, cache)
    staging = out / STAGING_DIR / run_id
    provenance = {
        "data_sha256": data_sha,
        "units_sha256": _sha256(default_units_path()),
        "targets_sha256": _sha256(default_targets_path())
        if default_targets_path().exists()
        else None,
        "version": __version__,
    }
    # every module a report's words or numbers come from (not the batch or the CLI)
    code = code_fingerprint(
        [p.stem for p in PACKAGE_DIR.glob("*.py") if p.stem not in ("batch", "cli")]
    )
    tasks: list[dict[str, Any]] = []
    for unit in units:
        notebook = templates[unit.kind]
        params = {k: v for k, v in common.items()}
        if unit.kind == "district":
            params["district"] = unit.name
            params["district_target"] = targets.get(unit.code)
        params["results_path"] = str(staging / f"{unit.id}.json")
        params["forecast_cache"] = str(cache_path)
        validate_parameters(params, notebook, panel=panel, registry=registry, require_files=False)
        if _unit_overrides and unit.id in _unit_overrides:
            params.update(_unit_overrides[unit.id])
        if _unit_notebooks and unit.id in _unit_notebooks:
            notebook = Path(_unit_notebooks[unit.id])
        fingerprint = _fingerprint(
            {
                "parameters": {k: v for k, v in params.items() if k not in _RUN_PATHS},
                "notebook_sha256": _sha256(notebook),
                "code": code,
                **provenance,
            }
        )
        tasks.append(
            {
                "id": unit.id,
                "kind": unit.kind,
                "code": unit.code,
                "name": unit.name,
                "notebook": str(notebook),
                "parameters": params,
                "fingerprint": fingerprint,
                "out": str(out),
                "staging": str(staging),
                "run_id": run_id,
                "data_sha256": data_sha,
                "lang": lang,
                "timeout": timeout,
                "kernel": KERNEL_NAME,
                "quiet": dask is None,
                "title": _unit_title(unit, registry, lang, target_year),
            }
        )

    # one batch at a time per output folder: a second one would overwrite the first's
    lock = contextlib.nullcontext() if dry_run else _output_lock(out)
    with lock:
        # ---- 2. resume: keep what is up to date -----------------------------------------------
        previous = _load_manifest(out)
        previous_units = {u["id"]: u for u in (previous or {}).get("units", [])}
        skipped, to_run = [], []
        for task in tasks:
            before = previous_units.get(task["id"])
            if (
                resume
                and before is not None
                and before.get("status") == "ok"
                and before.get("fingerprint") == task["fingerprint"]
                and _outputs_exist(out, before)
            ):
                skipped.append(task["id"])
            else:
                to_run.append(task)

        if dry_run:
            return BatchResult(
                run_id=run_id,
                out=out,
                index=out / INDEX,
                manifest=out / MANIFEST,
                skipped=skipped,
                planned=[t["id"] for t in to_run],
                seconds=round(time.time() - started, 2),
            )

        # ---- 3. simulate once, share through the cache ----------------------------------------
        forecast_seconds = 0.0
        cache_info: dict[str, Any] = {"path": str(cache_path), "reused": None}
        if to_run:
            from .report import ensure_analysis

            t0 = time.time()
            history_panel = panel.subset(years=[y for y in panel.years if y <= resolved_as_of])
            _, reused = ensure_analysis(history_panel, meta, cache)
            forecast_seconds = time.time() - t0
            cache_info = {
                "path": str(cache_path),
                "reused": reused,
                "seconds": round(forecast_seconds, 2),
            }

        # ---- 4. execute in parallel -----------------------------------------------------------
        results: dict[str, dict[str, Any]] = {}
        if to_run:
            n_workers = max(1, min(workers or os.cpu_count() or 1, len(to_run)))
            bar = _progress(len(to_run), progress)

            def done(result: dict[str, Any]) -> None:
                results[result["id"]] = result
                if result["status"] != "ok" and bar is not None:
                    bar.write(f"FAILED {result['id']}: {_error_text(result['error'])}")
                if bar is not None:
                    bar.update(1)

            try:
                if dask is not None:
                    _run_dask(to_run, dask, done)
                else:
                    _run_local(to_run, n_workers, done)
            finally:
                if bar is not None:
                    bar.close()
                shutil.rmtree(staging, ignore_errors=True)
                with contextlib.suppress(OSError):
                    (out / STAGING_DIR).rmdir()

        # ---- 5. manifest and index ------------------------------------------------------------
        entries = []
        for task in tasks:
            if task["id"] in skipped:
                entry = dict(previous_units[task["id"]])
                entry["reused_in_run"] = run_id
            else:
                outcome = results[task["id"]]
                entry = {
                    "id": task["id"],
                    "kind": task["kind"],
                    "district_code": task["code"],
                    "name": task["name"],
                    "notebook_template": task["notebook"],
                    "parameters": task["parameters"]
                    | {"results_path": outcome["outputs"]["results"]},
                    "fingerprint": task["fingerprint"],
                    "run_id": run_id,
                    **outcome,
                }
            entries.append(entry)
        this_run = {t["id"] for t in tasks}
        carried = [
            dict(u, carried_from_earlier_run=True)
            for uid, u in previous_units.items()
            if uid not in this_run and u.get("status") == "ok" and _outputs_exist(out, u)
        ]
        manifest = {
            "run_id": run_id,
            "started": _dt.datetime.fromtimestamp(started, _dt.UTC).isoformat(timespec="seconds"),
            "finished": _now(),
            "seconds": round(time.time() - started, 2),
            "package": {"name": "ntm-analysis", "version": __version__, "code": code},
            "git": _git_revision(),
            "versions": _versions(),
            "data_files": {
                "panel": {"path": str(path), "sha256": data_sha},
                "units": {"path": str(default_units_path()), "sha256": provenance["units_sha256"]},
                "targets": {
                    "path": str(default_targets_path()),
                    "sha256": provenance["targets_sha256"],
                },
            },
            "parameters": common
            | {
                "districts": [u.name for u in units if u.kind == "district"],
                "province": province,
                "workers": workers,
                "resume": resume,
                "timeout": timeout,
                "dask": None if dask is None else str(dask),
            },
            "cache": cache_info,
            "units": _ordered(entries + carried),
            "summary": {
                "ok": sum(1 for e in entries if e["status"] == "ok" and e["id"] not in skipped),
                "skipped": len(skipped),
                "failed": sum(1 for e in entries if e["status"] != "ok"),
            },
        }
        manifest_path = write_text_atomic(
            out / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        )
        index_path = write_index(out, manifest, lang)
        failed = [
            {"id": e["id"], "name": e["name"], "error": e["error"]}
            for e in entries
            if e["status"] != "ok"
        ]
        return BatchResult(
            run_id=run_id,
            out=out,
            index=index_path,
            manifest=manifest_path,
            planned=[t["id"] for t in to_run],
            ok=[e["id"] for e in entries if e["status"] == "ok" and e["id"] not in skipped],
            skipped=skipped,
            failed=failed,
            seconds=round(time.time() - started, 2),
            forecast_seconds=round(forecast_seconds, 2),
        )


def _ordered(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entries, key=lambda e: (e["kind"] != "province", e.get("district_code") or 0))


def _unit_title(unit: Unit, registry: Any, lang: str, year: int) -> str:
    if unit.kind == "province":
        name = i18n.t("report.unit.province", lang, name=registry.province_name)
        return i18n.t("report.title.overview", lang, unit=name, year=year)
    return i18n.t("report.title", lang, unit=unit.name, year=year)


def _progress(total: int, enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="ntm batch", unit="report", file=sys.stderr)


def _error_message(error: Mapping[str, Any], limit: int = 400) -> str:
    """ "DataError: 1 problem found in the data: - x.csv: unknown district 'Nowhere' …"."""
    value = " ".join(str(error.get("evalue", "")).split())
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return f"{error.get('ename', '?')}: {value}"


def _error_text(error: Mapping[str, Any] | None) -> str:
    if not error:
        return ""
    cell = f"cell [{error['cell']}] " if error.get("cell") is not None else ""
    return cell + _error_message(error)


# --------------------------------------------------------------------------- index.html


def _read_sidecar(out: Path, entry: Mapping[str, Any]) -> dict[str, Any] | None:
    rel = (entry.get("outputs") or {}).get("results")
    if not rel or not (out / rel).exists():
        return None
    try:
        return json.loads((out / rel).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _links(entry: Mapping[str, Any], lang: str) -> str:
    outputs = entry.get("outputs") or {}
    links = []
    for key, label in (
        ("html", "index.link.html"),
        ("notebook", "index.link.notebook"),
        ("results", "index.link.results"),
    ):
        if outputs.get(key):
            links.append(
                f'<a href="{html.escape(outputs[key])}">{html.escape(i18n.t(label, lang))}</a>'
            )
    return " · ".join(links)


def write_index(out: Path, manifest: Mapping[str, Any], lang: str) -> Path:
    """``index.html``: the province headline, a row per district, links, failures, footer."""
    from .report import status_badge, synthetic_banner

    esc = html.escape
    units = manifest["units"]
    sidecars = {u["id"]: _read_sidecar(out, u) for u in units}
    synthetic = any(s and s.get("synthetic") for s in sidecars.values())
    province_name = next(
        (s["unit"] for s in sidecars.values() if s and s.get("level") == "province"), None
    )
    if province_name is None:
        from .communes import Registry

        province_name = i18n.t("report.unit.province", lang, name=Registry.from_csv().province_name)
    body = [f"<h1>{esc(i18n.t('index.title', lang, province=province_name))}</h1>"]
    if synthetic:
        body.append(synthetic_banner(lang))
    for entry in (u for u in units if u["kind"] == "province"):
        body.append(f"<h2>{esc(i18n.t('index.province', lang))}</h2>")
        side = sidecars[entry["id"]]
        if side is not None:
            body.append(
                f"<p>{esc(i18n.t('report.status.label', lang))} "
                f"{status_badge(side.get('status'), lang)}</p>"
            )
            body.append(f'<p class="headline">{esc(side["headline"])}</p>')
        else:
            body.append(f"<p>{_failure_text(entry, lang)}</p>")
        body.append(f"<p>{_links(entry, lang)}</p>")
    district_entries = [u for u in units if u["kind"] == "district"]
    if district_entries:
        year = next((s["year"] for s in sidecars.values() if s), "")
        head = [
            i18n.t("col.district", lang),
            i18n.t("col.now", lang),
            f"{i18n.t('col.expected', lang)} ({year})",
            i18n.t("col.interval80", lang),
            i18n.t("col.probability", lang),
            i18n.t("col.status", lang),
            i18n.t("index.col.reports", lang),
        ]
        rows = []
        for entry in district_entries:
            side = sidecars[entry["id"]]
            if side is None:
                cells = [
                    esc(entry["name"]),
                    "–",
                    "–",
                    "–",
                    "–",
                    _failure_text(entry, lang),
                    _links(entry, lang),
                ]
            else:
                lo, hi = side["interval80"]
                probability = side.get("probability")
                cells = [
                    esc(side.get("unit_name") or entry["name"]),
                    esc(i18n.fmt_number(side["now"]["n_ntm"], lang, 0)),
                    esc(i18n.fmt_number(side["expected"], lang, 1)),
                    esc(f"{i18n.fmt_number(lo, lang, 0)}–{i18n.fmt_number(hi, lang, 0)}"),
                    esc(i18n.fmt_percent(probability, lang))
                    if probability is not None
                    else esc(i18n.t("index.no_target", lang)),
                    status_badge(side.get("status"), lang) if side.get("status") else esc("–"),
                    _links(entry, lang),
                ]
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        body.append(f"<h2>{esc(i18n.t('index.districts', lang))}</h2>")
        body.append(
            "<table><thead><tr>"
            + "".join(f"<th>{esc(h)}</th>" for h in head)
            + "</tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
        )
        body.append(f'<p class="note">{esc(i18n.t("index.note_districts", lang))}</p>')
    failures = [u for u in units if u.get("status") != "ok"]
    if failures:
        body.append(f'<h2>{esc(i18n.t("index.failed.title", lang))}</h2><ul class="failed">')
        for entry in failures:
            body.append(f"<li>{_failure_text(entry, lang)} {_links(entry, lang)}</li>")
        body.append("</ul>")
    data_sha = manifest["data_files"]["panel"]["sha256"]
    footer = footer_html(manifest["run_id"], data_sha, lang, manifest["finished"])
    page = f"""<!DOCTYPE html>
<html lang="{esc(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{esc(i18n.t("index.title", lang, province=province_name))}</title>
<style>
body {{ font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; max-width: 1100px;
  margin: 0 auto; padding: 1em 1.5em; color: #222; line-height: 1.45; }}
table {{ border-collapse: collapse; width: 100%; margin: 0.5em 0 1em 0; }}
th, td {{ padding: 6px 10px; border-bottom: 1px solid #DDD; text-align: left;
  vertical-align: top; }}
th {{ background: #F0F0F0; }}
tbody tr:nth-child(even) {{ background: #FAFAFA; }}
p.headline {{ font-size: 1.25em; font-weight: bold; }}
ul.failed li {{ color: #8B1A00; margin-bottom: 0.4em; }}
footer {{ margin-top: 3em; padding-top: 0.6em; border-top: 1px solid #CCC; color: #555;
  font-size: 0.85em; }}
</style>
</head>
<body>
{chr(10).join(body)}
<footer>{footer} · <a href="{MANIFEST}">{MANIFEST}</a></footer>
</body>
</html>
"""
    if external_references(page):
        raise RuntimeError("index.html would load outside resources")
    return write_text_atomic(out / INDEX, page)


def _failure_text(entry: Mapping[str, Any], lang: str) -> str:
    error = entry.get("error") or {}
    cell = error.get("cell") if error.get("cell") is not None else "–"
    message = _error_message(error)
    label = html.escape(i18n.t("index.status.failed", lang))
    text = i18n.t(
        "index.failed.item", lang, unit=entry.get("name", entry["id"]), cell=cell, error=message
    )
    return f"<strong>{label}</strong> — {html.escape(text)}"
