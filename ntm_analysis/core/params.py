"""Notebook and batch parameters: one typed schema, checked before any kernel starts.

``PARAMETERS`` (every notebook parameter's name, type, default and limits) and
``BATCH_OPTIONS`` (the batch's own options) are built from the one run configuration,
``core.config.RunConfig``, where every default lives; the notebooks' ``parameters`` cells
must declare the same defaults. ``validate_parameters`` lists every problem at once:

* values must be plain JSON (a numpy or pandas scalar is refused with the conversion to use);
* the names passed must be exactly those the notebook declares — papermill itself only warns
  about an unknown name, which would silently run the default;
* with the data and the registry: districts exist (with "did you mean"), years are years of
  the data, targets are not larger than the number of communes, scenario communes are real;
* the values reach the notebook unchanged and inert: the code papermill would inject must
  parse as plain assignments of literals equal to the values given (a name or path holding
  quotes, newlines or Python code is passed as a string, never run).

Each problem is a translatable ``Msg`` (keys ``error.param.*`` in the ``i18n`` catalogues), or a
``Join`` of where and what ("district: unknown district …"); ``ParameterError.render(lang)``
writes them in the user's language, ``str()`` in English.
"""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ntm_analysis import i18n
from ntm_analysis.core.config import config_fields
from ntm_analysis.core.errors import Join, Msg
from ntm_analysis.core.paths import InstallationError, notebook_dir
from ntm_analysis.core.rules import as_of_in_data, target_possible, target_year_after
from ntm_analysis.core.scenario import Scenario, ScenarioError

__all__ = [
    "BATCH_OPTIONS",
    "NOTEBOOKS",
    "NOTEBOOK_DIR",
    "PARAMETERS",
    "Param",
    "ParameterError",
    "default",
    "injection_problems",
    "json_problems",
    "notebook_parameters",
    "resolve_notebook",
    "validate_parameters",
]

NOTEBOOK_DIR = notebook_dir()  # the bundled templates (the checkout's, or the wheel's copy)
NOTEBOOKS = {
    "province": NOTEBOOK_DIR / "province_overview.ipynb",
    "district": NOTEBOOK_DIR / "district_forecast.ipynb",
    "explore": NOTEBOOK_DIR / "explore.ipynb",
}
KERNEL_NAME = "python3"


Message = Msg | Join  # one problem with the parameters, in either language


class ParameterError(ValueError):
    """Invalid notebook or batch parameters; lists every problem at once.

    ``problems`` are ``Msg``/``Join`` values (never finished English sentences);
    ``render(lang)`` writes them under a count in ``lang``, ``str()`` in English.
    """

    def __init__(self, problems: Iterable[Message]):
        self.problems: list[Message] = list(problems)
        wrong = [p for p in self.problems if not isinstance(p, Msg | Join)]
        if wrong or not self.problems:
            raise TypeError(f"ParameterError needs Msg problems, got {wrong or 'none'}")
        super().__init__(self.render("en"))  # rendered now: a bad key fails where it is raised

    def __reduce__(self):
        return type(self), (self.problems,)

    def render(self, lang: str = i18n.DEFAULT_LANG) -> str:
        head = i18n.tn("error.param.header", len(self.problems), lang)
        return "\n".join([head, *(f"  - {p.render(lang)}" for p in self.problems)])


def at(where: str, message: Message) -> Join:
    """ "where: message" — the parameter or option a problem is about, then the problem."""
    return Join((where, message), sep=": ")


@dataclass(frozen=True)
class Param:
    """One parameter: its type ("int", "number", "str", "dict"), default and limits."""

    name: str
    kind: str
    default: Any
    doc: str
    nullable: bool = False
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None


def _param(f: Any) -> Param:
    """The parameter schema of one ``RunConfig`` field (its metadata holds type and limits)."""
    m = f.metadata
    return Param(
        f.name,
        m["kind"],
        f.default,
        m["doc"],
        nullable=m["nullable"],
        choices=m["choices"],
        minimum=m["minimum"],
        maximum=m["maximum"],
    )


# built from the one run configuration (``core.config.RunConfig``): no default is written here
PARAMETERS: dict[str, Param] = {
    f.name: _param(f) for f in config_fields() if f.metadata["scope"] == "notebook"
}
# the batch's own options (not notebook parameters)
BATCH_OPTIONS: dict[str, Param] = {
    f.name: _param(f) for f in config_fields() if f.metadata["scope"] == "batch"
}


def default(name: str) -> Any:
    """The default of a notebook parameter or batch option (what the command line shows)."""
    spec = PARAMETERS.get(name) or BATCH_OPTIONS.get(name)
    if spec is None:
        raise KeyError(name)
    return spec.default


# --------------------------------------------------------------------------- single values


def _type_name(value: object) -> str:
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"


def json_problems(value: object, where: str) -> list[Message]:
    """Why ``value`` is not plain JSON (None, bool, int, float, str, list, dict of str keys).

    numpy and pandas scalars are refused with the conversion to use: papermill writes a
    parameter into the notebook as Python source, and ``np.int64(5)`` written out is not
    something the kernel can read back as 5.
    """
    module = type(value).__module__.split(".")[0]
    if module in ("numpy", "pandas"):
        name = type(value).__name__
        hint = "int(...)" if "int" in name else "float(...)" if "float" in name else None
        return [
            Msg(
                "error.param.numpy",
                where=where,
                type=_type_name(value),
                value=repr(value),
                module=module,
                hint=hint or Msg("error.param.hint.plain"),
            )
        ]
    if value is None or isinstance(value, bool | str | int):
        return []
    if isinstance(value, float):
        if math.isfinite(value):
            return []
        return [Msg("error.param.not_finite", where=where, value=repr(value))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in json_problems(v, f"{where}[{i}]")]
    if isinstance(value, dict):
        problems: list[Message] = [
            Msg("error.param.key_not_string", where=where, entry=repr(k))
            for k in value
            if not isinstance(k, str)
        ]
        return problems + [p for k, v in value.items() for p in json_problems(v, f"{where}[{k!r}]")]
    if isinstance(value, tuple):
        return [Msg("error.param.tuple", where=where)]
    return [Msg("error.param.not_json", where=where, type=_type_name(value))]


_KINDS = {  # kind -> (does a value fit, the key of what was expected)
    "int": (lambda v: type(v) is int, "error.param.kind.int"),
    "number": (lambda v: type(v) in (int, float), "error.param.kind.number"),
    "str": (lambda v: type(v) is str, "error.param.kind.str"),
    "dict": (lambda v: type(v) is dict, "error.param.kind.dict"),
}


def type_problems(spec: Param, value: object) -> list[Message]:
    """Why ``value`` does not fit ``spec`` (type, choices, limits)."""
    if value is None:
        return [] if spec.nullable else [Msg("error.param.none", name=spec.name)]
    fits, wanted = _KINDS[spec.kind]
    if not fits(value):
        return [
            Msg(
                "error.param.wrong_type_or_none" if spec.nullable else "error.param.wrong_type",
                name=spec.name,
                wanted=Msg(wanted),
                type=_type_name(value),
                value=repr(value),
            )
        ]
    problems: list[Message] = []
    if spec.choices is not None and value not in spec.choices:
        problems.append(
            Msg(
                "error.param.not_a_choice",
                name=spec.name,
                choices=list(spec.choices),
                value=repr(value),
            )
        )
    if spec.minimum is not None and value < spec.minimum:
        problems.append(
            Msg(
                "error.param.too_small",
                name=spec.name,
                minimum=format(spec.minimum, "g"),
                value=repr(value),
            )
        )
    if spec.maximum is not None and value > spec.maximum:
        problems.append(
            Msg(
                "error.param.too_large",
                name=spec.name,
                maximum=format(spec.maximum, "g"),
                value=repr(value),
            )
        )
    return problems


def option_problems(options: Mapping[str, Any]) -> list[Message]:
    """Problems with the batch's own options (``BATCH_OPTIONS``)."""
    return [
        p
        for name, value in options.items()
        for p in (json_problems(value, name) or type_problems(BATCH_OPTIONS[name], value))
    ]


# --------------------------------------------------------------------------- notebooks


def notebook_parameters(notebook: str | Path) -> dict[str, Any]:
    """The names and default values declared in a notebook's ``parameters`` cell."""
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ParameterError(
            [Msg("error.param.parameters_cell", notebook=Path(notebook).name, n=len(cells))]
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


def resolve_notebook(notebook: str | Path) -> Path:
    """A notebook path, or the bundled notebook named "district", "province" or "explore"."""
    path = Path(notebook)
    if path.suffix != ".ipynb":
        path = NOTEBOOKS.get(str(notebook), NOTEBOOK_DIR / f"{notebook}.ipynb")
    return path


def injection_problems(params: Mapping[str, Any], kernel: str = KERNEL_NAME) -> list[Message]:
    """Whether ``params`` reach the kernel unchanged and inert.

    Builds the very source papermill injects into the notebook and checks that it is nothing
    but ``name = <literal>`` lines whose values equal ``params`` — so a value holding quotes,
    newlines or Python code can only ever arrive as that string, whatever the translator does.
    """
    from papermill.translators import papermill_translators

    translator = papermill_translators.find_translator(kernel, "python")
    source = translator.codify(dict(params), "Parameters")
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return [Msg("error.param.injected_invalid", reason=exc.msg)]
    received: dict[str, Any] = {}
    for node in tree.body:
        if not (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            return [Msg("error.param.injected_code", code=repr(ast.unparse(node)[:120]))]
        try:
            received[node.targets[0].id] = ast.literal_eval(node.value)
        except (ValueError, TypeError, SyntaxError, RecursionError):
            return [
                Msg(
                    "error.param.injected_value_code",
                    name=node.targets[0].id,
                    code=repr(ast.unparse(node.value)[:120]),
                )
            ]

    def canonical(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=True)

    return [
        Msg("error.param.changed", name=name, value=repr(value))
        for name, value in params.items()
        if name not in received or canonical(received[name]) != canonical(value)
    ]


# --------------------------------------------------------------------------- validation


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
    errors — and they must reach it unchanged (``injection_problems``). With
    ``panel``/``registry``: the district must exist and have communes, ``as_of`` must be a
    year of the data, the target year after it, targets no larger than the number of
    communes, scenario communes real. Returns a copy; raises ``ParameterError`` listing every
    problem.
    """
    if not isinstance(params, Mapping):
        raise ParameterError([Msg("error.param.not_a_dict", type=_type_name(params))])
    problems: list[Message] = [
        Msg("error.param.name_not_string", name=repr(k)) for k in params if not isinstance(k, str)
    ]
    if notebook is not None:
        path = resolve_notebook(notebook)
        if not path.exists():
            if path.parent == NOTEBOOK_DIR:  # one of ours: the installation is broken
                raise InstallationError(path)
            raise ParameterError([Msg("error.param.notebook_not_found", path=str(path))])
        declared = notebook_parameters(path)
        unknown = sorted(set(params) - set(declared))
        missing = sorted(set(declared) - set(params))
        if unknown:
            problems.append(
                Msg(
                    "error.param.unknown_for_notebook",
                    unknown=unknown,
                    notebook=path.name,
                    declared=sorted(declared),
                    count=len(unknown),
                )
            )
        if missing:
            problems.append(
                Msg("error.param.missing", missing=missing, notebook=path.name, count=len(missing))
            )
        undeclared = sorted(set(declared) - set(PARAMETERS))
        if undeclared:
            problems.append(
                Msg(
                    "error.param.undeclared",
                    notebook=path.name,
                    undeclared=undeclared,
                    count=len(undeclared),
                )
            )
    for name, value in params.items():
        if name not in PARAMETERS:
            if notebook is None:
                problems.append(
                    Msg("error.param.unknown", name=repr(name), known=sorted(PARAMETERS))
                )
            continue
        problems += json_problems(value, name) or type_problems(PARAMETERS[name], value)
    if problems:
        raise ParameterError(problems)
    problems += _context_problems(params, panel, registry, require_files)
    if notebook is not None:
        problems += injection_problems(params)
    if problems:
        raise ParameterError(problems)
    return dict(params)


def _is_file(path: str) -> bool:
    try:
        return Path(path).is_file()
    except OSError:  # a name too long, a folder that cannot be read
        return False


def _context_problems(
    params: Mapping[str, Any], panel: Any, registry: Any, require_files: bool
) -> list[Message]:
    """Checks that need the data, the registry or the file system."""
    problems: list[Message] = []
    for name in ("data_path", "units_path", "forecast_cache", "assessed_path"):
        value = params.get(name)
        if require_files and value and not _is_file(value):
            problems.append(Msg("error.param.file_not_found", name=name, path=repr(value)))
    district = params.get("district")
    n_communes = None
    if district and registry is not None:
        # here, not at the top: resolve needs pandas, which a batch worker (it imports this
        # module through the task records) never loads otherwise (0.5 s CPU a worker)
        from ntm_analysis.core.resolve import district_code

        code, problem = district_code(registry, district, "district", panel)
        if problem:
            problems.append(problem)
        elif panel is not None:
            n_communes = int((panel.communes["district_code"] == code).sum())
    if panel is not None:
        years = panel.years
        as_of = params.get("as_of")
        if as_of is not None and not as_of_in_data(years, as_of):
            problems.append(
                Msg("error.param.as_of_not_in_data", as_of=as_of, first=years[0], last=years[-1])
            )
        elif as_of is not None and as_of == years[0]:
            problems.append(Msg("error.param.as_of_first", as_of=as_of))
        last = as_of if as_of is not None else years[-1]
        target_year = params.get("target_year")
        if target_year is not None and not target_year_after(target_year, last):
            problems.append(Msg("error.param.target_year", target_year=target_year, last=last))
        total = len(panel.communes)
        target = params.get("province_target")
        if target is not None and not target_possible(target, total):
            problems.append(
                Msg("error.param.province_target", target=format(target, "g"), total=total)
            )
        target = params.get("district_target")
        if (
            target is not None
            and n_communes is not None
            and not target_possible(target, n_communes)
        ):
            problems.append(
                Msg("error.param.district_target", target=format(target, "g"), n=n_communes)
            )
    scenario = params.get("scenario")
    if isinstance(scenario, dict):
        try:
            parsed = Scenario.from_dict(scenario)
        except ScenarioError as exc:
            problems.append(at("scenario", exc.message))
        else:
            if panel is not None:
                unknown = sorted(
                    set(parsed.priority_communes) - set(panel.communes["commune_code"])
                )
                if unknown:
                    problems.append(
                        Msg("error.param.unknown_priority", codes=unknown, count=len(unknown))
                    )
    return problems
