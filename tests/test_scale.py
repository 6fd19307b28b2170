"""Generation grows in proportion to the spec: a cost in the square of the
operations or schemas (a scan of every path for every operation, a list
searched for every schema) is caught here, on a synthetic spec at two sizes,
long before a spec the size of Microsoft Graph's runs out of time or memory.

Speed itself is judged by `bench/bench_scale.py`; these tests count work
instead of timing it: the calls of every function while a spec is read,
validated, normalized and rendered, and the peak of memory allocated meanwhile.
Four times the spec may cost about four times the work, never sixteen.
Some work is counted outright: the wire document is built once per
generation and copies only the document's nodes it changes.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import tracemalloc
from pathlib import Path

import pytest

from generator.diagnostics import escape_pointer_token, value_at
from generator.ir import wire
from generator.ir.passes import modules
from generator.limits import MAX_FILE_NAME_BYTES
from generator.reading.read import read_api
from generator.rendering.package import single_package

from .synthetic_spec import synthetic_spec

SMALL, LARGE = 2, 8  # resources; the large spec is four times the small one
GROWTH = LARGE / SMALL
# A function called more than this many times as often on the large spec grows
# faster than the spec: linear growth is GROWTH, a square GROWTH².
LIMIT = 1.75 * GROWTH
# Calls below this on the large spec are too few to tell a trend from a constant.
NOTICEABLE = 150


def _calls(spec: Path) -> dict[tuple[str, int, str], int]:
    """How often each function is called to read, validate and render `spec`."""
    profile = cProfile.Profile()
    profile.enable()
    try:
        with wire.shared():  # as the pipeline reads and renders
            loaded = read_api(spec, strict=True)
            files = single_package("widgets", loaded.api)
    finally:
        profile.disable()
    assert len(files) > 50 and not [w for w in loaded.warnings if w.severity == "error"]
    return {key: row[1] for key, row in pstats.Stats(profile).stats.items()}  # type: ignore[attr-defined]


def _spec(tmp_path: Path, resources: int, first: int) -> Path:
    path = tmp_path / f"widgets{first}.json"
    path.write_text(json.dumps(synthetic_spec(resources, first)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def specs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A warm-up spec, then the small and the large one: numbered apart, so
    that names cached while one is read do not make the next one cheaper."""
    folder = tmp_path_factory.mktemp("scale")
    return _spec(folder, SMALL, 0), _spec(folder, SMALL, 1000), _spec(folder, LARGE, 2000)


def test_no_function_is_called_more_than_in_proportion_to_the_spec(specs: tuple[Path, Path, Path]) -> None:
    _calls(specs[0])  # imports and first-use caches are paid before the counting
    small, large = _calls(specs[1]), _calls(specs[2])
    growing = {
        f"{file}:{line} {name}": (calls, small.get((file, line, name), 0))
        for (file, line, name), calls in large.items()
        if calls >= NOTICEABLE and calls > LIMIT * max(small.get((file, line, name), 0), 1)
    }
    assert not growing, f"called more than {LIMIT:.0f}x as often on a {GROWTH:.0f}x spec (large, small): {growing}"
    assert sum(large.values()) > GROWTH * 0.5 * sum(small.values())  # the large spec is really read


def _peak(spec: Path) -> int:
    tracemalloc.start()
    try:
        with wire.shared():
            loaded = read_api(spec, strict=True)
            files = single_package("widgets", loaded.api)
        assert files
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_grows_in_proportion_to_the_spec(specs: tuple[Path, Path, Path]) -> None:
    _peak(specs[0])
    small, large = _peak(specs[1]), _peak(specs[2])
    assert large < LIMIT * small, f"peak {large:,} bytes on a {GROWTH:.0f}x spec, {small:,} on the small one"


def _count(calls: dict[tuple[str, int, str], int], file: str, name: str) -> int:
    return sum(n for (path, _, function), n in calls.items() if path.endswith(file) and function == name)


def test_generation_builds_the_wire_document_once_and_copies_no_document(specs: tuple[Path, Path, Path]) -> None:
    """The lints and the stub's renderer share one wire document, nothing
    deep-copies the document (Graph's is 300 MB), and an example is validated
    once where every schema has its type."""
    calls = _calls(specs[2])
    assert _count(calls, "ir/wire.py", "build") == 2  # asked by the lints and the renderer
    assert _count(calls, "ir/wire.py", "_build") == 1  # built once
    assert _count(calls, "copy.py", "deepcopy") == 0
    assert _count(calls, "reading/lints.py", "_contradiction") > 0
    assert _count(calls, "reading/lints.py", "_reaches") == 0  # no schema lacks its type: nothing to validate again


def test_the_wire_document_copies_only_what_it_changes(specs: tuple[Path, Path, Path]) -> None:
    """Of the document's objects and arrays, the wire document copies those on
    the way to what it changes (each operation's answers, the tagged unions):
    a few per operation, not the whole document."""
    api = read_api(specs[2], strict=True).api
    built = wire.build(api)
    assert built is not None and isinstance(api.document, dict)
    nodes = copied = 0
    stack: list[tuple[object, str]] = [(api.document, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            stack.extend((value, f"{pointer}/{escape_pointer_token(key)}") for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, f"{pointer}/{index}") for index, value in enumerate(node))
        else:
            continue
        nodes += 1
        copied += value_at(built.document, pointer) is not node
    assert 0 < copied <= 3 * len(api.operations) + 10, (copied, nodes, len(api.operations))
    assert "Added by the stub" not in json.dumps(api.document)  # the document itself is left as written


def test_a_module_name_too_long_for_a_file_is_shortened_apart() -> None:
    first, second = "a" * 300 + "_item", "a" * 300 + "_value"
    names = {modules._module_name(first), modules._module_name(second)}
    assert len(names) == 2
    assert all(len(f"{name}_99.py".encode()) <= MAX_FILE_NAME_BYTES for name in names)
    assert modules._module_name("widget") == "widget"
