"""The specs describe what they model, in their own words.

Read straight from the YAML documents (no generator code): how many operations,
parameters and schema properties carry a description, against a floor that only
rises; and that no description of ours is one of Dixa's sentences copied from its
published beta document. Dixa writes enums as `values: [A, B]` in descriptions: such
a list is the wire's vocabulary, not a description, so a description made only of
it does not count, and it is left out when texts are compared.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
# Dixa's own beta document, kept beside the repository (not part of it).
UPSTREAM = (ROOT / ".." / "shared" / "upstream" / "dixa-api-beta.yaml").resolve()

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
VALUES = re.compile(r"(?:(?<![\w])|^)(?:[Pp]ossible |[Aa]llowed )?[Vv]alues: *\[[^\[\]]*\]\.?")

# What the specs reach today, rounded down: (operations, parameters, schema properties).
FLOORS = {
    "dixa-v1": (94, 101, 900),
    "dixa-beta": (123, 140, 1110),
    "integrations-v1": (17, 15, 85),
}
# Dixa's own beta document describes 177 properties and 72 parameters; ours must not describe fewer.
DIXA_BETA = {"parameters": 72, "properties": 177}


@lru_cache(maxsize=None)
def load(path: Path) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader, the C one where available


def words(description: Any) -> str:
    """The description without its `values: [..]` list, whitespace normalized."""
    if not isinstance(description, str):
        return ""
    return " ".join(VALUES.sub(" ", description).split()).strip(" .")


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in (doc.get("paths") or {}).items():
        for method, op in item.items():
            if method in METHODS and isinstance(op, dict):
                yield method, path, op


def parameters(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for method, path, op in operations(doc):
        for param in op.get("parameters") or []:
            if isinstance(param, dict) and "$ref" not in param:
                yield f"{method.upper()} {path} {param.get('name')}", param


def properties(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema property of a document, in components and inline, examples left out."""
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict):
            for name, prop in props.items():
                if isinstance(prop, dict):
                    yield f"{where}/properties/{name}", prop
        for key, value in node.items():
            if key not in ("example", "examples"):
                yield from properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from properties(value, f"{where}/{index}")


def coverage(doc: dict[str, Any]) -> dict[str, tuple[int, int]]:
    ops = [op for _, _, op in operations(doc)]
    params = [p for _, p in parameters(doc)]
    props = [p for _, p in properties(doc)]
    return {
        "operations": (sum(1 for o in ops if words(o.get("description"))), len(ops)),
        "parameters": (sum(1 for p in params if words(p.get("description"))), len(params)),
        "properties": (sum(1 for p in props if words(p.get("description"))), len(props)),
    }


@pytest.mark.parametrize("api", sorted(FLOORS))
def test_description_coverage_stays_above_its_floor(api: str) -> None:
    found = coverage(load(SPECS / f"{api}.yaml"))
    floors = dict(zip(("operations", "parameters", "properties"), FLOORS[api]))
    low = {kind: found[kind] for kind, floor in floors.items() if found[kind][0] < floor}
    assert not low, f"{api}: described/total below the floor {floors}: {low}"


def test_beta_describes_at_least_what_dixa_describes() -> None:
    found = coverage(load(SPECS / "dixa-beta.yaml"))
    for kind, dixa in DIXA_BETA.items():
        assert found[kind][0] >= dixa, f"{kind}: {found[kind][0]} described, Dixa describes {dixa}"


def test_every_operation_says_what_it_does() -> None:
    missing = [
        f"{api} {method.upper()} {path}"
        for api in FLOORS
        for method, path, op in operations(load(SPECS / f"{api}.yaml"))
        if not words(op.get("description"))
    ]
    assert not missing


def _texts(doc: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for method, path, op in operations(doc):
        yield f"{method.upper()} {path}", words(op.get("description"))
    for where, param in parameters(doc):
        yield where, words(param.get("description"))
    for where, prop in properties(doc):
        yield where, words(prop.get("description"))


def test_no_description_copies_dixas_words() -> None:
    if not UPSTREAM.is_file():
        pytest.skip(f"Dixa's beta document is not beside the repository ({UPSTREAM}); nothing to compare with")
    dixa = {text for _, text in _texts(load(UPSTREAM)) if text}
    copied = [
        f"{api}: {where}: {text!r}"
        for api in FLOORS
        for where, text in _texts(load(SPECS / f"{api}.yaml"))
        if text and text in dixa
    ]
    assert not copied


def test_words_leave_the_values_list_alone() -> None:
    """A description of ours never adds a second `values: [..]` list, which the generator
    would read as the enum, and keeps Dixa's list at the end where there is one."""
    bad = []
    for api in FLOORS:
        for where, node in [*parameters(load(SPECS / f"{api}.yaml")), *properties(load(SPECS / f"{api}.yaml"))]:
            description = node.get("description")
            if isinstance(description, str) and len(VALUES.findall(description)) > 1:
                bad.append(f"{api}: {where}")
    assert not bad
