"""analysis/results.py's nested records: every figure of a unit's results is a frozen, typed
record whose fields are the JSON's keys. The JSON form reads back to equal records and writes
the same text again; an older or trimmed file reads with what it lacks as "not recorded"
(None); a value of the wrong type is refused naming the file and the field; and the results
are read by attribute — a key read fails, and the readers in report/ and batch/ spell none."""

from __future__ import annotations

import ast
import dataclasses
import json
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from locations import REPO

from ntm_analysis.analysis import results as results_module
from ntm_analysis.analysis.results import (
    Baseline,
    FirstReached,
    MeanCriteria,
    Now,
    PlanFigure,
    PlanFigures,
    PlanYear,
    ResultsError,
    ThisYear,
    TrendDependence,
    UnitResults,
    YearForecast,
    unit_results,
)
from ntm_analysis.model.baselines import Pace
from ntm_analysis.model.forecast import run_forecast
from ntm_analysis.model.notes import ModelNote
from ntm_analysis.model.transitions import fit

PACKAGE = REPO / "ntm_analysis"


@pytest.fixture(scope="module")
def results(small_panel):
    forecast = run_forecast(small_panel, target_year=2018, n_draws=200, seed=1)
    code = int(forecast.districts["district_code"].iloc[0])
    return {
        "province": unit_results(
            small_panel, forecast, None, target=20, target_source="user", mean_target=12.0
        ),
        "district": unit_results(small_panel, forecast, code),  # no target: None figures
    }


def _text(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


# --------------------------------------------------------------------------- the records


def test_every_nested_figure_is_a_frozen_typed_record(results):
    r = results["province"]
    assert isinstance(r.now, Now) and isinstance(r.now.n_ntm, int)
    assert r.yearly and all(isinstance(y, YearForecast) for y in r.yearly)
    assert isinstance(r.trend_dependence, TrendDependence)
    assert all(isinstance(p, PlanYear) for p in r.plan)
    assert r.first_reached and all(isinstance(f, FirstReached) for f in r.first_reached)
    assert isinstance(r.pace, Pace) and r.pace.target == 20
    assert r.baselines and all(isinstance(b, Baseline) for b in r.baselines)
    assert isinstance(r.mean_criteria, MeanCriteria) and isinstance(r.mean_criteria.pace, Pace)
    assert isinstance(r.this_year, ThisYear) and isinstance(r.this_year.figures, PlanFigures)
    assert [name for name, _ in r.this_year.figures.items()] == [
        "n_ntm",
        "mean_criteria",
        "n_below_5",
    ]
    assert all(isinstance(f, PlanFigure) for _, f in r.this_year.figures.items())
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.now.n_ntm = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.this_year.figures.n_ntm.target = 3  # type: ignore[misc]
    hash(r.yearly[0])  # immutable all the way: records and tuples
    assert isinstance(r.yearly, tuple) and isinstance(r.model_notes, tuple)


def test_every_record_field_says_what_it_is_and_names_a_json_key(results):
    """The field names are the JSON's keys (the JSON form is the records' fields, in order)."""
    data = results["province"].to_dict()
    assert list(data) == [f.name for f in dataclasses.fields(UnitResults)]
    assert list(data["now"]) == [f.name for f in dataclasses.fields(Now)]
    assert list(data["yearly"][0]) == [f.name for f in dataclasses.fields(YearForecast)]
    assert list(data["this_year"]["figures"]["n_ntm"]) == [
        f.name for f in dataclasses.fields(PlanFigure)
    ]
    for record in (Now, YearForecast, TrendDependence, PlanYear, FirstReached, Baseline):
        assert record.__doc__ and len(record.__doc__.split()) > 5, record


@pytest.mark.parametrize("level", ["province", "district"])
def test_the_json_form_reads_back_to_equal_records_and_writes_the_same_text(results, level):
    result = results[level]
    text = _text(result.to_dict())
    again = UnitResults.from_json(json.loads(text))
    assert again == result
    assert _text(again.to_dict()) == text  # byte for byte: the CLI and the sidecar unchanged


def test_a_baseline_carries_p_target_in_the_json_only_with_a_target(results):
    """As written before the records: the column exists only when there is a target."""
    with_target = results["province"].to_dict()["baselines"]
    without = results["district"].to_dict()["baselines"]
    assert all("probability" in row for row in with_target)
    assert not any("probability" in row for row in without)
    assert all(b.probability is None for b in results["district"].baselines)


def test_model_notes_are_records_made_by_the_model_and_written_as_before(small_panel):
    thin = small_panel.subset(years=small_panel.years[:2])
    model = fit(thin)
    assert model.notes == (ModelNote.thin(1),)
    forecast = run_forecast(thin, target_year=2018, n_draws=100, seed=1)
    result = unit_results(thin, forecast, None, target=20)
    assert result.model_notes == (ModelNote.thin(1),)
    assert result.to_dict()["model_notes"] == ["thin:1"]
    assert UnitResults.from_json(result.to_dict()).model_notes == result.model_notes


@pytest.mark.parametrize(
    ("note", "text"),
    [
        (ModelNote.gap(2013, 2015), "gap:2013-2015"),
        (ModelNote.thin(2), "thin:2"),
        (ModelNote.registered_scenario(), "registered:scenario"),
    ],
)
def test_a_model_note_reads_back_from_its_string(note, text):
    assert str(note) == text and ModelNote.parse(text) == note


@pytest.mark.parametrize("text", ["gap:2013", "thin:many", "registered:yes", "other:1", ""])
def test_a_string_that_is_not_a_model_note_is_refused(text):
    with pytest.raises(ValueError, match="not a model note"):
        ModelNote.parse(text)


# --------------------------------------------------------------------------- older files


def test_an_older_or_trimmed_file_reads_what_it_lacks_as_not_recorded(results):
    data = results["province"].to_dict()
    dep = data["trend_dependence"]
    data["trend_dependence"] = {k: dep[k] for k in ("with_trend", "without_trend", "trend_weight")}
    data["now"] = {"n_ntm": data["now"]["n_ntm"]}
    data["yearly"] = [{k: row[k] for k in ("year", "mean")} for row in data["yearly"]]
    del data["pace"]["status"], data["this_year"]["figures"]["n_below_5"]
    for name in ("mean_criteria", "first_reached", "baselines", "plan"):
        del data[name]
    read = UnitResults.from_json(data, "results/old.json")
    assert read.trend_dependence.n_with_trend is None
    assert read.trend_dependence.with_trend == dep["with_trend"]
    assert read.now.n_ntm == results["province"].now.n_ntm and read.now.n_below_5 is None
    assert [(y.year, y.mean, y.lo80) for y in read.yearly] == [
        (y.year, y.mean, None) for y in results["province"].yearly
    ]
    assert read.pace.status is None and read.pace.window == results["province"].pace.window
    assert read.this_year.figures.n_below_5 is None
    assert read.mean_criteria is None and read.baselines is None
    assert read.plan == () and read.first_reached is None


def test_a_figure_that_is_not_a_number_reads_as_none(results):
    """The JSON writes NaN (e.g. a baseline that could not be fitted) as null."""
    data = results["province"].to_dict()
    data["baselines"][0]["mean"] = None
    assert UnitResults.from_json(data).baselines[0].mean is None


# --------------------------------------------------------------------------- wrong values


def _set(path: tuple, value: object):
    def change(data: dict) -> dict:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return data

    return change


def _drop(path: tuple):
    def change(data: dict) -> dict:
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
        return data

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set(("now", "n_ntm"), "24"), "now.n_ntm should be a whole number, found '24'"),
        (_set(("now", "n_ntm"), True), "now.n_ntm should be a whole number, found True"),
        (_set(("yearly",), {"year": 2017}), "yearly should be a list"),
        (_set(("yearly", 1, "mean"), "many"), r"yearly\[1\].mean should be a number"),
        (_set(("yearly", 0), 12), r"yearly\[0\] should be an object, found 12"),
        (_set(("trend_dependence", "trend_weight"), "½"), "trend_dependence.trend_weight"),
        (_set(("plan",), "38"), "plan should be a list"),
        (_set(("pace", "window"), 2.5), "pace.window should be a whole number"),
        (_set(("pace", "status"), 1), "pace.status should be a text"),
        (_set(("mean_criteria", "pace", "window"), None), "mean_criteria.pace.window"),
        (_set(("first_reached", 0, "probability"), [0.5]), r"first_reached\[0\].probability"),
        (_set(("baselines", 2, "method"), None), r"baselines\[2\].method should be a text"),
        (
            _set(("this_year", "figures", "n_ntm", "official"), "yes"),
            "this_year.figures.n_ntm.official should be true or false",
        ),
        (_set(("model_notes",), ["thin:few"]), r"model_notes\[0\]: not a model note"),
        (_set(("model_notes",), [3]), r"model_notes\[0\]: not a model note"),
    ],
)
def test_a_wrong_nested_value_is_refused_naming_file_and_field(results, change, message):
    data = change(results["province"].to_dict())
    with pytest.raises(ResultsError, match="^results/x.json: " + message):
        UnitResults.from_json(data, "results/x.json")


def test_a_nested_record_reads_its_own_json_form(results):
    ty = results["province"].this_year
    assert ThisYear.from_json(ty.to_dict()) == ty
    with pytest.raises(ResultsError, match=r"^this_year: figures should be an object"):
        ThisYear.from_json({**ty.to_dict(), "figures": []}, "this_year")


# --------------------------------------------------------------------------- read by attribute


def test_the_results_are_not_a_mapping_and_a_key_read_fails(results):
    r = results["province"]
    assert not isinstance(r, Mapping) and not isinstance(r.now, Mapping)
    for read in (
        lambda: r["probability"],
        lambda: r.get("now"),
        lambda: r.now["n_ntm"],
        lambda: r.this_year["figures"],
        lambda: r.this_year.figures.get("n_ntm"),
        lambda: r.this_year.figures.n_ntm["target"],
    ):
        with pytest.raises((TypeError, AttributeError)):  # AttributeError: no .get at all
            read()
    with pytest.raises(TypeError):
        iter(r)  # type: ignore[call-overload]


def test_a_jinja_template_reads_the_records_dotted_or_subscripted(results):
    """The pages are Jinja templates: both spellings reach the attribute (Jinja falls back to
    the attribute when a subscript is refused)."""
    from jinja2 import Environment, StrictUndefined

    env = Environment(undefined=StrictUndefined, autoescape=True)
    template = env.from_string(
        "{{ r.now.n_ntm }}/{{ r['now']['n_ntm'] }}/{{ r.this_year.figures.n_ntm.target }}"
        "/{% for name, f in r.this_year.figures.items() %}{{ name }} {% endfor %}"
    )
    r = results["province"]
    n, target = r.now.n_ntm, r.this_year.figures.n_ntm.target
    assert template.render(r=r) == f"{n}/{n}/{target}/n_ntm mean_criteria n_below_5 "


# The readers of the results: a key read fails at run time (the records are not subscriptable),
# but only where a test runs that line; the scan finds the others.
READERS = [
    *sorted((PACKAGE / "report").glob("*.py")),
    *sorted((PACKAGE / "batch").glob("*.py")),
    *sorted((PACKAGE / "analysis").glob("*.py")),
    *sorted((PACKAGE / "explorer").glob("*.py")),
    PACKAGE / "cli.py",
]

RECORDS = {
    cls.__name__
    for cls in vars(results_module).values()
    if isinstance(cls, type) and issubclass(cls, results_module._Record)
} | {"Pace", "ModelNote"}
# the attributes holding a record or a sequence of them
NESTED = {
    *("now", "yearly", "trend_dependence", "plan", "pace", "baselines", "mean_criteria"),
    *("this_year", "figures", "first_reached", "model_notes", "n_ntm", "n_below_5"),
}
MAKERS = {"unit_results", "results_for", "this_year", "from_json"}


class _KeyReads(ast.NodeVisitor):
    """String-key reads (``x["k"]``, ``x.get("k")``) of expressions that are results: the
    ``results`` attribute (``rep.results``, ``side.results``), a name bound to one in the
    same function (by assignment, or a parameter annotated with a record type), a call of
    a maker (``unit_results``, ``results_for``, ``UnitResults.from_json``), and their
    nested record attributes (``.now``, ``.this_year.figures``)."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []
        self.bound: set[str] = set()

    def _is_results(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.bound
        if isinstance(node, ast.Attribute):
            if node.attr == "results":
                return True
            return node.attr in NESTED and self._is_results(node.value)
        if isinstance(node, ast.Subscript):  # r.yearly[0]
            return self._is_results(node.value) and not _is_key(node.slice)
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            return name in MAKERS and not (
                name == "from_json"
                and isinstance(func, ast.Attribute)
                and getattr(func.value, "id", "") not in RECORDS
            )
        return False

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer = set(self.bound)
        for arg in (*node.args.args, *node.args.kwonlyargs):
            if arg.annotation is not None and _names_a_record(arg.annotation):
                self.bound.add(arg.arg)
        self.generic_visit(node)
        self.bound = outer

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit(node)
        values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
        for target in node.targets:
            targets = target.elts if isinstance(target, ast.Tuple) else [target]
            if len(targets) != len(values):
                continue
            for name, value in zip(targets, values, strict=True):
                if isinstance(name, ast.Name) and self._is_results(value):
                    self.bound.add(name.id)

    def visit_For(self, node: ast.For) -> None:  # for row in r.yearly / r.figures.items()
        iterated = node.iter
        if isinstance(iterated, ast.Call) and isinstance(iterated.func, ast.Attribute):
            iterated = iterated.func.value
        if self._is_results(iterated):
            for name in ast.walk(node.target):
                if isinstance(name, ast.Name):
                    self.bound.add(name.id)
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if _is_key(node.slice) and self._is_results(node.value):
            self.found.append((node.lineno, ast.unparse(node)))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "get"
            and node.args
            and _is_key(node.args[0])
            and self._is_results(func.value)
        ):
            self.found.append((node.lineno, ast.unparse(node)))
        self.generic_visit(node)


def _is_key(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _names_a_record(annotation: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and n.id in RECORDS for n in ast.walk(annotation))


def key_reads(source: str) -> list[tuple[int, str]]:
    finder = _KeyReads()
    finder.visit(ast.parse(source))
    return finder.found


def _readers() -> Iterator[Path]:
    yield from READERS


def test_the_scan_finds_the_key_reads_it_is_for():
    """The scan must be able to fail: the spellings the readers used before the records."""
    fields = {
        f.name for cls in (UnitResults, ThisYear, PlanFigures) for f in dataclasses.fields(cls)
    }
    assert fields >= NESTED
    source = """
def section(rep, side):
    res = rep.results
    a = res["now"]["n_ntm"]
    b = rep.results["this_year"]
    ty = res.this_year
    c = ty["figures"]
    d = side.results.now.get("n_ntm")
    for f, row in ty.figures.items():
        e = row["target"]
    for y in res.yearly:
        g = y.get("year")
    h = res.yearly[0]["mean"]

def headline(result: UnitResults, other: dict):
    return result["expected"], other["expected"], result.expected

def fine(frame, rep):
    return frame["year"], rep.parameters["draws"], rep.results.now.n_ntm
"""
    found = [text for _, text in key_reads(source)]
    assert found == [
        "res['now']",
        "rep.results['this_year']",
        "ty['figures']",
        "side.results.now.get('n_ntm')",
        "row['target']",
        "y.get('year')",
        "res.yearly[0]['mean']",
        "result['expected']",
    ]


@pytest.mark.parametrize("path", list(_readers()), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_report_batch_and_analysis_read_the_results_by_attribute(path):
    found = key_reads(path.read_text(encoding="utf-8"))
    assert found == [], f"{path.name}: results read by key at " + ", ".join(
        f"line {line}: {text}" for line, text in found
    )
