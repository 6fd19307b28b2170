"""Python expressions and statements as small trees, written on one line.

The renderers build what they emit (calls, subscripts, literal lists, dicts and
tuples, imports, `|` unions, assignments, annotated fields) as these trees
rather than as hand-assembled text, so that a renderer reads as the code it
makes. `flat` writes a tree on one line; the formatter (ruff, in black's style)
then lays every module out, so no layout decision is taken here. The one
exception is `display(..., exploded=True)`: a trailing comma, which the
formatter keeps one item per line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Union

_CLOSING = {"(": ")", "[": "]", "{": "}"}
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


@dataclass(frozen=True)
class Group:
    """`head` followed by bracketed, comma-separated `items`: a call
    (`Field(...)`), a subscript (`Literal[...]`), a literal display
    (`display=True`: `[...]`, `{...}`, `(...)`) or, with `imports=True`, the
    names of a `from x import` (`head` is `from x import `; parentheses only
    when split). `head` may carry what precedes the expression on its line
    (`name=`, `"key": `, `| `). A one-item tuple is `display` with `one_tuple`."""

    head: str
    open: str
    items: tuple[Node, ...]
    display: bool = False
    one_tuple: bool = False
    imports: bool = False
    exploded: bool = False  # one item per line whatever the length (written with a trailing comma)

    @property
    def close(self) -> str:
        return _CLOSING[self.open]


@dataclass(frozen=True)
class Chain:
    """Expressions joined by an operator: ` | ` (a union annotation) or ` + `."""

    parts: tuple[Node, ...]
    operator: str = "|"


@dataclass(frozen=True)
class Assign:
    """`target = value`; `target` may carry an annotation (`name: list[str]`)."""

    target: str
    value: Node


@dataclass(frozen=True)
class Annotated:
    """`name: annotation`, with `= value` when given: a class's field or, with
    `parameter`, a function's parameter (laid out with its trailing comma).
    `annotation` is a `Chain` for a union (see `union`), else an atom."""

    name: str
    annotation: Node
    value: Node | None = None
    parameter: bool = False


# Plain text is an atom: a name, a literal, a dotted or subscripted name; it is
# never split (black would not split it either, as long as it has no brackets).
Node = Union[str, Group, Chain, Assign, Annotated]


def call(head: str, *items: Node) -> Group:
    return Group(head, "(", tuple(items))


def subscript(head: str, *items: Node) -> Group:
    return Group(head, "[", tuple(items))


def display(open_: str, items: Sequence[Node], head: str = "", exploded: bool = False) -> Group:
    """A literal list (`[`), dict or set (`{`) or tuple (`(`) of `items`;
    `exploded`: one item per line even when they would fit on one."""
    one_tuple = open_ == "(" and len(items) == 1
    return Group(head, open_, tuple(items), display=True, one_tuple=one_tuple, exploded=exploded and not one_tuple)


def import_from(module: str, names: list[str]) -> Group:
    return Group(f"from {module} import ", "(", tuple(names), imports=True)


def union(annotation: str) -> Node:
    """An annotation as a `Chain` of its top-level `|` parts (itself if it has one)."""
    if " | " not in annotation:
        return annotation
    parts: list[str] = []
    depth = start = 0
    masked = _STRING.sub(lambda m: "S" * len(m.group()), annotation)
    for index, char in enumerate(masked):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0 and masked.startswith(" | ", index):
            parts.append(annotation[start:index])
            start = index + 3
    parts.append(annotation[start:])
    return Chain(tuple(parts)) if len(parts) > 1 else annotation


def flat(node: Node) -> str:
    """The expression on one line."""
    if isinstance(node, str):
        return node
    if isinstance(node, Chain):
        return f" {node.operator} ".join(flat(part) for part in node.parts)
    if isinstance(node, Assign):
        return f"{node.target} = {flat(node.value)}"
    if isinstance(node, Annotated):
        value = "" if node.value is None else f" = {flat(node.value)}"
        return f"{node.name}: {flat(node.annotation)}{value}"
    # A trailing comma keeps an exploded display one item per line (the formatter's
    # "magic trailing comma"), and makes a one-item tuple a tuple.
    trailing = node.one_tuple or (node.exploded and bool(node.items))
    inner = ", ".join(flat(item) for item in node.items) + ("," if trailing else "")
    if node.imports:
        return node.head + inner
    return f"{node.head}{node.open}{inner}{node.close}"


def code(node: Node, suffix: str = "") -> str:
    """`node` on one line, followed by `suffix` (a comma, a colon)."""
    return flat(node) + suffix
