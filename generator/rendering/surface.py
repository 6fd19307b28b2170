"""The Python API of a generated distribution, read off its source, so that a
change of the generator that takes a name away from users (a model module
moved, a method renamed) raises the version as a breaking spec change does.

A name is one of:

- `v1.models.Agent` and `v1.models.agent.Agent`: a model, an enum or an alias,
  from its module's `__all__` (so both layouts the generator has had read
  alike), and where it is imported from;
- `v1.models.Agent.last_name`: a field of a model (its own or inherited from
  a model it derives from), a member of an enum;
- `v1.client.agents.get` and `v1.client.agents.get(agent_id)`: a method of a
  client resource and its arguments;
- `errors.NotFoundError`: a name the root package exports.

Only what changed is read, as a name can be lost only from a file whose text
differs; the whole new output only when a name seems lost, in case it moved.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

__all__ = ["gained_names", "lost_names", "renamed_names", "shipped_methods"]


def lost_names(old: Mapping[str, str], new: Mapping[str, str], package: str) -> list[str]:
    """The names of the Python API of `old` (files by path) that `new` has not."""
    changed = {path for path in old.keys() | new.keys() if path.endswith(".py") and old.get(path) != new.get(path)}
    before = _names({path: old[path] for path in changed if path in old}, package)
    gone = before - _names({path: new[path] for path in changed if path in new}, package)
    if gone:  # a name may have moved into a file that did not change: look at all of them
        gone -= _names(new, package)
    return sorted(gone)


def renamed_names(old: Mapping[str, str], new: Mapping[str, str], package: str) -> list[tuple[str, str]]:
    """The names of the Python API the generator renamed between `old` and `new`:
    the class of a schema (`v1.models.TagModel` → `v1.models.Tag`), by the schema's
    name in the spec (`models.SCHEMAS`), and the method of an operation
    (`v1.client.conversations.update_tag` → `v1.client.conversations.attach_tag`), by its
    operationId (`client.OPERATIONS`). What calling code writes instead, for the
    changelog's migration notes."""
    out: list[tuple[str, str]] = []
    for path in sorted(old.keys() & new.keys()):
        parts = path.split("/")
        if len(parts) != 4 or parts[0] != package or parts[3] != "__init__.py" or old[path] == new[path]:
            continue
        api, where = parts[1], parts[2]
        if where == "models":
            before, after = _table(old[path], "_LazySchemas"), _table(new[path], "_LazySchemas")
            prefix = f"{api}.models."
        elif where == "client":
            before, after = _table(old[path], "OPERATIONS"), _table(new[path], "OPERATIONS")
            prefix = f"{api}.client."
        else:
            continue
        out += [
            (prefix + was, prefix + after[key]) for key, was in sorted(before.items()) if after.get(key, was) != was
        ]
    return out


def shipped_methods(client_init: Path) -> frozenset[str]:
    """The client methods (`resource.method`) a generated API's client package
    names in its `OPERATIONS`; none where it cannot be read."""
    try:
        text = client_init.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return frozenset()
    return frozenset(_table(text, "OPERATIONS").values())


def _table(text: str, name: str) -> dict[str, str]:
    """A generated module's table of strings: the dict assigned to `name`, or
    passed to a call of `name`."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return {}
    for node in ast.walk(tree):
        value: ast.expr | None = None
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            value = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name:
            value = next((a for a in node.args if isinstance(a, ast.Dict)), None)
        if isinstance(value, ast.Dict):
            return {
                k.value: v.value
                for k, v in zip(value.keys, value.values)
                if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)
                and isinstance(k.value, str) and isinstance(v.value, str)
            }
    return {}


def gained_names(old: Mapping[str, str], new: Mapping[str, str], package: str) -> list[str]:
    """The names of the Python API of `new` that `old` has not: the generator's
    additions (a union's base class), which raise the minor version."""
    return lost_names(new, old, package)


def _names(files: Mapping[str, str], package: str) -> set[str]:
    found: set[str] = set()
    bases: dict[str, list[str]] = {}  # `v1.models.Agent` -> the classes it derives from, in the same API
    for path, text in files.items():
        parts = path.split("/")
        if parts[0] != package:
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        if parts[1:] == ["__init__.py"]:
            found |= {f"errors.{name}" for name in _all(tree)}
        elif len(parts) == 4 and parts[2] == "models" and parts[3] != "__init__.py":
            found |= set(_model_names(parts[1], parts[3].removesuffix(".py"), tree))
            for node in tree.body:
                if isinstance(node, ast.ClassDef):
                    bases[f"{parts[1]}.models.{node.name}"] = [
                        f"{parts[1]}.models.{base.id}" for base in node.bases if isinstance(base, ast.Name)
                    ]
        elif len(parts) == 4 and parts[2] == "client" and parts[3].startswith("_") and parts[3] != "__init__.py":
            found |= set(_client_names(parts[1], parts[3].removesuffix(".py").removeprefix("_"), tree))
    return found | _inherited(found, bases)


def _inherited(found: set[str], bases: dict[str, list[str]]) -> set[str]:
    """The fields a class has from the classes it derives from (among those read)."""
    fields: dict[str, set[str]] = {}
    for name in found:
        cls, _, field = name.rpartition(".")
        if cls in bases:
            fields.setdefault(cls, set()).add(field)
    out: set[str] = set()
    for cls in bases:
        stack, seen = list(bases[cls]), {cls}
        while stack:
            base = stack.pop()
            if base in seen:
                continue
            seen.add(base)
            out |= {f"{cls}.{field}" for field in fields.get(base, ())}
            stack.extend(bases.get(base, ()))
    return out


def _all(tree: ast.Module) -> list[str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            if isinstance(node.value, ast.List):
                return [e.value for e in node.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def _model_names(api: str, module: str, tree: ast.Module) -> Iterator[str]:
    exported = set(_all(tree))
    for name in exported:
        yield f"{api}.models.{name}"
        yield f"{api}.models.{module}.{name}"
    for node in tree.body:
        # A TypedDict's keys are wire names: the spec's diff judges them, as it
        # judges the model's fields they mirror.
        typed_dict = isinstance(node, ast.ClassDef) and any(
            isinstance(base, ast.Name) and base.id == "TypedDict" for base in node.bases
        )
        if isinstance(node, ast.ClassDef) and node.name in exported and not typed_dict:
            for statement in node.body:
                target = None
                if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                    if "ClassVar" not in ast.unparse(statement.annotation):
                        target = statement.target.id
                elif isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
                    target = statement.targets[0].id
                if target is not None and not target.startswith("_"):
                    yield f"{api}.models.{node.name}.{target}"


def _client_names(api: str, resource: str, tree: ast.Module) -> Iterator[str]:
    # The first class of a resource module is its synchronous one; the others mirror it.
    cls = next((node for node in tree.body if isinstance(node, ast.ClassDef)), None)
    if cls is None:
        return
    for method in cls.body:
        if isinstance(method, ast.FunctionDef) and not method.name.startswith("_"):
            yield f"{api}.client.{resource}.{method.name}"
            arguments = [*method.args.posonlyargs, *method.args.args, *method.args.kwonlyargs]
            for argument in arguments:
                if argument.arg != "self":
                    yield f"{api}.client.{resource}.{method.name}({argument.arg})"
