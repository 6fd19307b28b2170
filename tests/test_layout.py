"""Rendered code is already black's output, so the formatter has little to do.

The renderers write literals in black's quotes and lay out long
statements as black would (`generator/layout.py`), and the static runtime is
kept in black's format and copied unformatted. These tests check that black
finds nothing to change, and that the layout never changes black's result.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import black
import pytest

from generator import project
from generator.layout import Annotated, Assign, Chain, Group, Node, call, display, flat, import_from, layout, subscript, union
from generator.package import runtime_files
from generator.pytypes import literal, string
from generator.render import docstring

from .conftest import REPORT, ROOT

# The share of rendered pieces of the three specs that black leaves unchanged
# (all 102 when this was written).
MIN_UNCHANGED_PIECES = 0.95


def _black(text: str) -> str:
    return black.format_str(text, mode=black.Mode(line_length=100, target_versions={black.TargetVersion.PY311}))


def test_runtime_files_are_blacks_output() -> None:
    """They are copied without formatting, so they must be formatted already."""
    files = runtime_files("pkg")
    assert len(files) > 5
    for path, text in files.items():
        assert _black(text) == text, f"{path}: run black on templates/runtime (line length 100, py311)"


class _Unformatted:
    """Stands in for `format.Formatting`: the rendered files as they are."""

    def __init__(self, files: dict[str, str], ready: object) -> None:
        self.files = files

    def __enter__(self) -> _Unformatted:
        return self

    def __exit__(self, *_: object) -> None:
        pass

    def result(self) -> dict[str, str]:
        return self.files


def test_black_leaves_most_rendered_pieces_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(project, "Formatting", _Unformatted)
    _, files = project.project_files(project.load_config(ROOT))
    pieces = [
        piece
        for path, text in files.items()
        if path.endswith(".py") and "/_runtime/" not in path
        for piece in [text]
    ]
    unchanged = [piece for piece in pieces if _black(piece) == piece]
    share = len(unchanged) / len(pieces)
    size = sum(map(len, unchanged)) / sum(map(len, pieces))
    REPORT.append(f"rendered pieces black leaves unchanged: {len(unchanged)}/{len(pieces)} ({size:.0%} of the bytes)")
    assert share >= MIN_UNCHANGED_PIECES, f"only {len(unchanged)} of {len(pieces)} pieces are black's output"


def test_string_literals_are_written_in_blacks_quotes() -> None:
    alphabet = ["a", "'", '"', "\\", "\n", "é", "\x00"]
    for size in range(5):
        for chars in itertools.product(alphabet, repeat=size):
            text = "".join(chars)
            source = f"x = {string(text)}\n"
            assert eval(string(text)) == text
            assert _black(source) == source, source
    for value in [1e16, 1.5e-7, 0.1, -2.0, 3, True, None, [1, "a"], {"k": 'v"'}]:
        source = f"x = {literal(value)}\n"
        assert _black(source) == source


def _name(r: random.Random, low: int = 1, high: int = 30) -> str:
    return "n" + "".join(r.choice("abcdefgh_") for _ in range(r.randint(low, high)))


def _node(r: random.Random, depth: int = 0, keywords: bool = False) -> Node:
    kind = r.random()
    atoms = [_name(r), '"' + "x" * r.randint(0, 60) + '"', f"{_name(r, 1, 8)}.{_name(r)}"]
    if depth > 3 or kind < 0.35:
        return r.choice(atoms + ([f"{_name(r, 1, 5)}={atoms[1]}"] if keywords else []))
    if kind < 0.55:
        return call(_name(r, 1, 12), *[_node(r, depth + 1, True) for _ in range(r.randint(1, 5))])
    if kind < 0.65:
        return subscript(_name(r, 1, 10), *[_node(r, depth + 1) for _ in range(r.randint(1, 3))])
    if kind < 0.75:
        items = [_node(r, depth + 1) for _ in range(r.randint(0, 6))]
        return display(r.choice("[{("), items)
    if kind < 0.85:
        return display("{", [f'"{_name(r)}": {_name(r)}' for _ in range(r.randint(1, 5))])
    if kind < 0.92 and keywords:
        inner = call(_name(r, 1, 8), *[_node(r, depth + 1, True) for _ in range(r.randint(1, 3))])
        return Group(f"{_name(r, 1, 6)}={inner.head}", inner.open, inner.items)
    parts = [subscript(_name(r, 1, 8), _node(r, depth + 1)) if r.random() < 0.6 else _name(r) for _ in range(r.randint(2, 6))]
    return Chain(tuple(parts), r.choice("|+"))


def _statement(r: random.Random) -> Node:
    if r.random() < 0.15:
        return import_from("." + _name(r, 1, 10), [_name(r, 3, 25) for _ in range(r.randint(1, 8))])
    target = _name(r, 1, 25)
    if r.random() < 0.5:
        target += ": " + r.choice(["int", "str | None", f"list[{_name(r, 1, 20)}]", f'"{_name(r, 1, 30)}"'])
    return Assign(target, _node(r))


def test_layout_is_blacks_or_leaves_black_the_same_work() -> None:
    """Laid out text is black's output, or text from which black makes what it
    would make of the statement on one line: never another result."""
    r = random.Random(7)
    same = 0
    for _ in range(400):
        statement, depth = _statement(r), r.choice([0, 0, 1, 2])
        context = ["", "class C:\n", "class C:\n    def f(self) -> None:\n"][depth]
        laid_out = context + "    " * depth + layout(statement, depth) + "\n"
        expected = _black(context + "    " * depth + flat(statement) + "\n")
        assert _black(laid_out) == expected, laid_out
        same += laid_out == expected
    assert same >= 300  # most statements are laid out exactly as black does


def test_layout_rules() -> None:
    field = Assign("email: str | None", call("Field", "default=None", 'validation_alias="emailAddress"'))
    assert layout(field, 1) == 'email: str | None = Field(default=None, validation_alias="emailAddress")'
    names = [f"Name{i:02}" for i in range(12)]
    assert layout(import_from("pkg.models", names)) == "from pkg.models import (\n" + "".join(
        f"    {name},\n" for name in names
    ) + ")"
    alias = Assign("Content: TypeAlias", Chain(tuple(f"VeryLongVariantName{i}" for i in range(4))))
    expected = "Content: TypeAlias = (\n    " + " | ".join(f"VeryLongVariantName{i}" for i in range(4)) + "\n)"
    assert layout(alias) == expected
    assert layout(display("(", ['"data"'])) == '("data",)'
    assert layout(display("{", ['"a": 1'], head="x=", exploded=True), 1, ",") == 'x={\n        "a": 1,\n    },'


def _annotation(r: random.Random) -> Node:
    kind = r.random()
    if kind < 0.15:
        return _name(r, 5, 100)
    if kind < 0.3:
        return f'"{_name(r, 5, 110)} | None"'
    parts = ["Mapping[str, Any]", "None", "NotGiven", "str", f"models.{_name(r, 3, 60)}", f"list[{_name(r, 3, 40)}]"]
    return union(" | ".join(r.choice(parts) for _ in range(r.randint(2, 5))))


def test_fields_and_parameters_are_laid_out_as_black_does() -> None:
    """Long annotations: black splits in the value, or wraps the annotation in
    parentheses, or leaves it, depending on what fits where."""
    r = random.Random(11)
    exact = 0
    for _ in range(600):
        if r.random() < 0.5:
            value = r.choice([None, "NOT_GIVEN", "None"])
            node = Annotated(_name(r, 1, 40), _annotation(r), value, parameter=True)
            wrap = "def f(\n    self,\n    {}\n) -> None:\n    pass\n".format
            laid_out, expected = wrap(layout(node, 1, ",")), _black(wrap(flat(node) + ","))
        else:
            fields = [None, "None", call("Field", "default=None", f'validation_alias="{_name(r, 1, 30)}"')]
            node = Annotated(_name(r, 1, 40), _annotation(r), r.choice(fields))
            laid_out, expected = f"class C:\n    {layout(node, 1)}\n", _black(f"class C:\n    {flat(node)}\n")
        assert _black(laid_out) == expected, laid_out
        exact += laid_out == expected
    assert exact >= 590


def test_long_annotated_targets_split_their_subscript() -> None:
    r = random.Random(5)
    for _ in range(300):
        inner = r.choice([f"models.{_name(r, 3, 60)}", f"builtins.list[models.{_name(r, 3, 50)}]"])
        arguments = ['"GET"', f'"/{_name(r, 3, 70)}"', f'"{_name(r, 3, 40)}"', f"response=lambda: {inner}"]
        node = Assign(f"_{_name(r, 3, 60).upper()}: Endpoint[{inner}]", call("Endpoint", *arguments))
        assert layout(node) + "\n" == _black(flat(node) + "\n")


@pytest.mark.parametrize(
    "text",
    [
        "Summary.\n\n * `a` one\n * `b` two",
        "Summary.\n\t- tabbed\n\t- list",
        'Ends with a quote: see "docs"',
        '"Starts" with a quote.',
        '"Quoted" on two lines\n\n  indented "end"',
        "Back\\slash \\",
    ],
)
def test_docstrings_are_blacks(text: str) -> None:
    for depth in (0, 1):
        source = ("class C:\n" if depth else "") + docstring(text, 4 * depth) + "\n"
        assert _black(source) == source
        assert eval(docstring(text)) is not None
