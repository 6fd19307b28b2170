"""Code laid out as black lays it out, so that the formatter has nothing to change.

Every generated module goes through the formatter (ruff's, black's style), and
what it is given is what a reader of the renderers sees: statements built as
small trees read as the code they become, where text assembled by hand would
hide it. The renderers therefore build the statements that may outgrow a line
(calls, subscripts, literal lists, dicts and tuples, imports, `|` chains,
assignments of these) as such trees, and `layout` writes them with black's
rules for these shapes (line length 100), which also keeps the formatter's
work (and so `generate`'s time) to a check:

- the whole statement fits on its line: one line;
- otherwise it is split at its last bracket: the opening line, the contents
  one level deeper, the closing bracket. A call's or a subscript's contents
  stay on one line if they fit there; a literal list, dict or tuple (and an
  import) with several items, or contents that do not fit, get one item per
  line, each followed by a comma, and each item is laid out the same way;
- a `|` chain that does not fit is split before each `|`;
- an assignment is split in its value; a value that is a `|` chain, or one
  whose opening line would not fit after a target with brackets, is wrapped
  in parentheses.

A shape outside these rules (a line too long that is not one of these trees,
text whose display width is not plain) is written on one line, as any text
before: the formatter then lays it out itself. Never is a layout produced that
black would keep while it would have chosen another (no trailing comma is
written that black would not write), so the output is black's either way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Union

LINE_LENGTH = 100
INDENT = "    "
_CLOSING = {"(": ")", "[": "]", "{": "}"}


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
    exploded: bool = False  # one item per line whatever the length (black keeps a trailing comma so)

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
    inner = ", ".join(flat(item) for item in node.items) + ("," if node.one_tuple else "")
    if node.imports:
        return node.head + inner
    return f"{node.head}{node.open}{inner}{node.close}"


def layout(node: Node, depth: int = 0, suffix: str = "") -> str:
    """`node` (followed by `suffix`, e.g. a comma) as lines at `depth`, without
    the first line's indentation (the template writes it)."""
    lines = _lines(node, depth, suffix)
    text = "\n".join(lines) if lines is not None else INDENT * depth + flat(node) + suffix
    return text[len(INDENT) * depth :]


def _fits(line: str) -> bool | None:
    """Whether `line` fits; None when its display width is not known here
    (black counts East Asian wide characters twice)."""
    if line.isascii() or 2 * len(line) <= LINE_LENGTH:
        return len(line) <= LINE_LENGTH
    return None


def _lines(node: Node, depth: int, suffix: str) -> list[str] | None:
    """Black's lines for `node` + `suffix` at `depth`, or None for a shape not handled here."""
    line = INDENT * depth + flat(node) + suffix
    if isinstance(node, str) and _ATOM.fullmatch(_STRING.sub("S", node)):
        # Black never splits a literal or a name (nor such a keyword argument or dict entry).
        return [line]
    exploded = _exploded(node)
    fits = _fits(line)
    if fits and not exploded:
        return [line]
    if fits is None and not exploded:
        return None
    if isinstance(node, Assign):
        return _assign(node, depth, suffix)
    if isinstance(node, Annotated):
        return _annotated(node, depth, suffix)
    if isinstance(node, Group):
        return _split(node, depth, suffix)
    if isinstance(node, Chain):
        return _chain(node, depth, suffix)
    return None  # an expression too long for its line, which black may split


_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_ATOM = re.compile(r"((S|\w+)(: |=))?(S|[\w.]+|lambda: [\w.]+)")


def _split(group: Group, depth: int, suffix: str) -> list[str] | None:
    """Split at the group's own brackets: head, contents one level deeper, tail."""
    head = INDENT * depth + group.head + group.open
    if not group.items or not _fits(head):
        return None
    tail = INDENT * depth + group.close + suffix
    inner = depth + 1
    body: list[str] = []
    # A display or an import with several items always gets one item per line.
    one_per_line = (group.display or group.imports) and len(group.items) > 1 or group.exploded
    if not one_per_line:
        comma = "," if group.one_tuple or group.imports else ""
        line = INDENT * inner + ", ".join(flat(item) for item in group.items) + comma
        fits = _fits(line)
        if fits is None:
            return None
        if fits and not any(_exploded(item) for item in group.items):
            return [head, line, tail]
        if len(group.items) == 1:
            lines = _lines(group.items[0], inner, comma)
            return None if lines is None else [head, *lines, tail]
    for item in group.items:
        lines = _lines(item, inner, ",")
        if lines is None:
            return None
        body.extend(lines)
    return [head, *body, tail]


def _chain(chain: Chain, depth: int, suffix: str) -> list[str] | None:
    """Inside brackets: one line per part, each after the first led by the operator."""
    out: list[str] = []
    for index, part in enumerate(chain.parts):
        last = index == len(chain.parts) - 1
        led = part if index == 0 else _lead(part, chain.operator + " ")
        if led is None:
            return None
        lines = _lines(led, depth, suffix if last else "")
        if lines is None:
            return None
        out.extend(lines)
    return out


def _lead(node: Node, prefix: str) -> Node | None:
    """`node` with `prefix` written before it on its first line."""
    if isinstance(node, str):
        return prefix + node
    if isinstance(node, Group) and not node.imports:
        return Group(prefix + node.head, node.open, node.items, node.display, node.one_tuple, False, node.exploded)
    return None


def _exploded(node: Node) -> bool:
    """Whether `node` holds a group that must be one item per line."""
    if isinstance(node, Group):
        return node.exploded or any(_exploded(item) for item in node.items)
    if isinstance(node, Chain):
        return any(_exploded(part) for part in node.parts)
    if isinstance(node, (Assign, Annotated)):
        return node.value is not None and _exploded(node.value)
    return False


def _assign(node: Assign, depth: int, suffix: str) -> list[str] | None:
    """Black splits an assignment in its value, which it wraps in parentheses
    that stay invisible unless the value cannot be split well without them.
    An annotation counts as brackets too: black wraps it in invisible ones."""
    value = node.value
    indent = INDENT * depth
    bracketed = bool(_outside_strings(node.target) & set("([{:"))
    wrapped_head = f"{indent}{node.target} = ("
    if isinstance(value, Group) and not value.imports:
        if _fits(f"{indent}{node.target} = {value.head}{value.open}"):
            led = _lead(value, f"{node.target} = ")
            return None if led is None else _lines(led, depth, suffix)
        if bracketed and len(wrapped_head) <= LINE_LENGTH:
            return _wrapped(node, depth, suffix)
        return _split_target(node, depth, suffix)
    if isinstance(value, Chain) and (len(value.parts) > 2 or _ends_in_name_or_subscript(value.parts[-1])):
        return _wrapped(node, depth, suffix)
    if isinstance(value, str) and not _outside_strings(value) & set("([{ "):
        if bracketed or _fits(INDENT * (depth + 1) + value):
            return _wrapped(node, depth, suffix)
        return [indent + flat(node) + suffix]
    return None


def _annotated(node: Annotated, depth: int, suffix: str) -> list[str] | None:
    """Black splits an assignment in its value when the value's opening line
    fits (see `_assign`); otherwise, and always for a parameter, it wraps a
    long annotation in parentheses: `name: (`, the annotation one level deeper
    (a union one part per line if it does not fit there), `) = value`."""
    indent = INDENT * depth
    target = f"{node.name}: {flat(node.annotation)}"
    value = node.value
    if not node.parameter and value is not None:
        if isinstance(value, Group) and not value.imports:
            if _fits(f"{indent}{target} = {value.head}{value.open}") or _fits(f"{indent}{target} = ("):
                return _assign(Assign(target, value), depth, suffix)
        elif not isinstance(value, str) or _outside_strings(value) & set("([{ "):
            return None
        elif _fits(f"{indent}{target} = ("):
            return _wrapped(Assign(target, value), depth, suffix)
    annotation = node.annotation
    atom = isinstance(annotation, str) and _ATOM.fullmatch(_STRING.sub("S", annotation)) is not None
    if not isinstance(annotation, Chain) and not atom:
        return None
    if node.parameter and not isinstance(annotation, Chain):
        return [indent + flat(node) + suffix]  # black leaves a long name as it is
    if atom and not _fits(INDENT * (depth + 1) + flat(annotation)):
        # An annotation too long for any line: black leaves it on the first line,
        # but keeps the parentheses it wrapped an atom value in.
        if value is None:
            return [indent + flat(node) + suffix]
        if isinstance(value, str):
            return [f"{indent}{target} = ({value}){suffix}"]
    inner = _lines(annotation, depth + 1, "")
    if inner is None:
        return None
    if value is None:
        return [f"{indent}{node.name}: (", *inner, indent + ")" + suffix]
    led = _lead(value, ") = ")
    last = None if led is None else _lines(led, depth, suffix)
    return None if last is None else [f"{indent}{node.name}: (", *inner, *last]


_SUBSCRIPTED_TARGET = re.compile(r"(\w+: [\w.]+\[)([^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)*)\]")


def _split_target(node: Assign, depth: int, suffix: str) -> list[str] | None:
    """An annotated target too long even for `target = (`: black splits the
    annotation's subscript (`x: Endpoint[`, its contents, `] = value(`)."""
    match = _SUBSCRIPTED_TARGET.fullmatch(node.target)
    led = _lead(node.value, "] = ")
    if match is None or led is None or not _fits(INDENT * (depth + 1) + match.group(2)):
        return None
    rest = _lines(led, depth, suffix)
    return None if rest is None else [INDENT * depth + match.group(1), INDENT * (depth + 1) + match.group(2), *rest]


def _ends_in_name_or_subscript(node: Node) -> bool:
    """With one `|`, black keeps the parentheses unless the value ends with a
    call's or a display's bracket (rules not followed here)."""
    if isinstance(node, Group):
        return node.open == "[" and not node.display
    return isinstance(node, str) and not node.endswith((")", "}"))


def _wrapped(node: Assign, depth: int, suffix: str) -> list[str] | None:
    lines = _lines(node.value, depth + 1, "")
    if lines is None:
        return None
    return [f"{INDENT * depth}{node.target} = (", *lines, INDENT * depth + ")" + suffix]


def _outside_strings(text: str) -> set[str]:
    """The characters of `text` outside its string literals."""
    return set(_STRING.sub("", text))
