"""Which operations use which components, on one side of a diff: for schemas
that exist on one side only, whose users the side-by-side walk never meets."""

from __future__ import annotations

from collections import defaultdict

from ..ir.model import Api


def component_users(api: Api, label: dict[int, str]) -> dict[str, set[str]]:
    """Component name → labels of the operations that reach it (`label` maps
    `id(operation)` to its label)."""
    users: dict[str, set[str]] = defaultdict(set)
    for operation in api.operations:
        for name in api.reachable(operation.types()):
            if api.types[name].component:
                users[name].add(label[id(operation)])
    return users
