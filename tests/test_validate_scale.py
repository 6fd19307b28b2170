"""Validation grows in proportion to the spec, counted rather than timed (as
`tests/test_scale.py` does for the whole reading): the calls of every function
while a document is validated, and the work `spec_checks` reports (schemas
walked, meta-schema checks, defaults checked), on a synthetic spec at two
sizes. A meta-schema check repeated for every place a schema is used, a chain
of `allOf` parents read again for each child, or the slow pure-Python check
run on schemas the fast one accepts would all show here long before Microsoft
Graph's 6,000 schemas take minutes again.
"""

from __future__ import annotations

import cProfile
import json
import pstats
from pathlib import Path
from typing import Any

import pytest

from generator.reading.load import RefResolver, load_document
from generator.reading.spec_checks import SpecChecks, Work
from generator.reading.validate import check_fatal, validate_document

from .synthetic_spec import synthetic_spec

SMALL, LARGE = 3, 12  # resources; the large spec is four times the small one
GROWTH = LARGE / SMALL
LIMIT = 1.75 * GROWTH  # more than this many times the calls is faster than linear (a square is GROWTH²)
NOTICEABLE = 100
CHAIN = 40  # `allOf` parents per resource, each child requiring its parent's properties


def _with_chain(spec: dict[str, Any], length: int) -> dict[str, Any]:
    """A line of `allOf` subclasses, each required to carry every property
    of the ones above it: what a generated class hierarchy looks like."""
    schemas = spec["components"]["schemas"]
    schemas["Level0"] = {"type": "object", "properties": {"p0": {"type": "string", "default": "x"}}}
    for level in range(1, length):
        schemas[f"Level{level}"] = {
            "allOf": [{"$ref": f"#/components/schemas/Level{level - 1}"}],
            "required": [f"p{level - 1}"],
            "properties": {f"p{level}": {"type": "integer", "minimum": 0}},
        }
    return spec


def _document(tmp_path: Path, resources: int, first: int) -> Path:
    path = tmp_path / f"validate{first}.json"
    spec = _with_chain(synthetic_spec(resources, first), CHAIN * resources)
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def _measure(path: Path) -> tuple[dict[tuple[str, int, str], int], Work]:
    document = load_document(path)
    resolver = RefResolver(document)
    check_fatal(document, resolver)
    profile = cProfile.Profile()
    profile.enable()
    try:
        problems = validate_document(document, resolver)
    finally:
        profile.disable()
    assert not [p for p in problems if p.severity == "error"], problems
    checks = SpecChecks(document, resolver)
    assert not list(checks.iter_errors())
    return {key: row[1] for key, row in pstats.Stats(profile).stats.items()}, checks.work  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> tuple[tuple[Any, Work], tuple[Any, Work]]:
    folder = tmp_path_factory.mktemp("validate-scale")
    _measure(_document(folder, SMALL, 0))  # imports and compiled meta-schemas are paid before counting
    return _measure(_document(folder, SMALL, 1000)), _measure(_document(folder, LARGE, 2000))


def test_no_function_of_validation_is_called_more_than_in_proportion(measured: Any) -> None:
    (small, _), (large, _) = measured
    growing = {
        f"{file}:{line} {name}": (calls, small.get((file, line, name), 0))
        for (file, line, name), calls in large.items()
        if calls >= NOTICEABLE and calls > LIMIT * max(small.get((file, line, name), 0), 1)
    }
    assert not growing, f"called more than {LIMIT:.0f}x as often on a {GROWTH:.0f}x spec (large, small): {growing}"
    assert sum(large.values()) > GROWTH * 0.5 * sum(small.values())  # the large spec is really validated


def test_each_schema_is_walked_and_meta_checked_once(measured: Any) -> None:
    (_, small), (_, large) = measured
    for what in ("schemas_walked", "fast_meta_checks", "defaults_checked"):
        assert 0 < getattr(large, what) <= LIMIT * getattr(small, what), what
    # The slow pure-Python meta-schema check only says why a schema failed the fast one.
    assert small.slow_meta_checks == large.slow_meta_checks == 0
    # Once per schema object: a component used by many operations is not checked again per use.
    assert large.fast_meta_checks <= large.schemas_walked


def test_a_refused_schema_is_explained_by_the_pure_python_check(tmp_path: Path) -> None:
    spec = synthetic_spec(1, 0)
    spec["components"]["schemas"]["Bad"] = {"type": "object", "properties": {"n": {"type": "string", "pattern": "[x"}}}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    document = load_document(path)
    resolver = RefResolver(document)
    checks = SpecChecks(document, resolver)
    errors = list(checks.iter_errors())
    assert [e.message for e in errors] == ["'[x' is not a 'regex'"]
    assert checks.work.slow_meta_checks == 1
    problems = [str(p) for p in validate_document(document, resolver)]
    assert any("#/components/schemas/Bad/properties/n/pattern: error: '[x' is not a 'regex'" in p for p in problems)


def test_a_schema_whose_all_of_reaches_itself_is_checked_to_the_end(tmp_path: Path) -> None:
    """openapi-spec-validator stopped here ("schemas nest too deeply"),
    losing every finding after it."""
    spec = synthetic_spec(1, 0)
    spec["components"]["schemas"]["Node"] = {
        "allOf": [{"$ref": "#/components/schemas/Node"}, {"properties": {"child": {"$ref": "#/components/schemas/Node"}}}],
        "required": ["child", "missing"],
    }
    spec["components"]["schemas"]["Later"] = {"type": "integer", "default": "one"}
    path = tmp_path / "loop.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    document = load_document(path)
    resolver = RefResolver(document)
    problems = [str(p) for p in validate_document(document, resolver)]
    assert any("#/components/schemas/Node: error: Required list has not defined properties: ['missing']" in p
               for p in problems), problems
    assert any("#/components/schemas/Later/default: error: 'one' is not of type 'integer'" in p for p in problems)
    assert not any("could not finish" in p for p in problems)


def test_duplicate_parameters_and_tags_say_where(tmp_path: Path) -> None:
    spec = synthetic_spec(1, 0)
    spec["tags"] = [{"name": "a"}, {"name": "a"}]
    operation = next(iter(spec["paths"].values()))["get"]
    operation["parameters"] = [*operation.get("parameters", []), {"name": "q", "in": "query"}, {"name": "q", "in": "query"}]
    path = tmp_path / "dups.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    document = load_document(path)
    problems = [str(p) for p in validate_document(document, RefResolver(document))]
    count = len(operation["parameters"])
    assert any(f"/get/parameters/{count - 1}/name: error: Duplicate parameter 'q'" in p for p in problems), problems
    assert any("#/tags/1/name: error: Duplicate tag name 'a'" in p for p in problems), problems


@pytest.mark.parametrize("case", ["openapi31", "openapi32"])
def test_later_dialects_are_decided_by_the_fast_check_too(case: str) -> None:
    """OpenAPI 3.1 and 3.2 schemas are checked against their dialects' meta-schemas
    (which jsonschema-rs compiles with the vocabularies they name): were that to
    fail, every schema would fall to the slow check, and Graph-sized 3.1 specs
    would take minutes again."""
    document = load_document(Path(__file__).parent / "cases" / case / "spec.yaml")
    checks = SpecChecks(document, RefResolver(document))
    assert not list(checks.iter_errors())
    assert checks.work.fast_meta_checks > 0 and checks.work.slow_meta_checks == 0
