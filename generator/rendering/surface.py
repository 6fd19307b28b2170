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

__all__ = ["gained_names", "lost_names"]


def lost_names(old: Mapping[str, str], new: Mapping[str, str], package: str) -> list[str]:
    """The names of the Python API of `old` (files by path) that `new` has not."""
    changed = {path for path in old.keys() | new.keys() if path.endswith(".py") and old.get(path) != new.get(path)}
    before = _names({path: old[path] for path in changed if path in old}, package)
    gone = before - _names({path: new[path] for path in changed if path in new}, package)
    if gone:  # a name may have moved into a file that did not change: look at all of them
        gone -= _names(new, package)
    return sorted(gone)


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
