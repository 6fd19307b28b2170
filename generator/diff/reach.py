"""Which operations use which components, on one side of a diff: for schemas
that exist on one side only, whose users the side-by-side walk never meets."""

from __future__ import annotations

from collections import defaultdict

from ..ir import Api, ArrayType, MapType, ObjectType, Operation, Ref, Type, UnionType


def component_users(api: Api, label: dict[int, str]) -> dict[str, set[str]]:
    """Component name → labels of the operations that reach it (`label` maps
    `id(operation)` to its label)."""
    users: dict[str, set[str]] = defaultdict(set)
    for operation in api.operations:
        seen: set[str] = set()
        for type_ in _roots(operation):
            _collect(api, type_, seen)
        for name in seen:
            if api.types[name].component:
                users[name].add(label[id(operation)])
    return users


def _roots(operation: Operation) -> list[Type]:
    roots = [p.type for p in operation.parameters] + [b.type for b in operation.bodies]
    return roots + [r.type for r in operation.responses if r.type is not None]


def _collect(api: Api, type_: Type, seen: set[str]) -> None:
    stack = [type_]
    while stack:
        current = stack.pop()
        if isinstance(current, Ref):
            if current.target not in seen:
                seen.add(current.target)
                stack.append(api.types[current.target].type)
        elif isinstance(current, ArrayType):
            stack.append(current.items)
        elif isinstance(current, MapType):
            stack.append(current.values)
        elif isinstance(current, ObjectType):
            stack.extend(p.type for p in current.properties)
            if current.additional is not None:
                stack.append(current.additional)
        elif isinstance(current, UnionType):
            stack.extend(current.variants)
            stack.extend(current.bare)
