"""Where each named type is defined in the models package: `NamedType.module`.

Each type has a module of its own, named after it (`Agent` in `agent`), so a
type keeps its home whatever the rest of the spec does. Types that refer to
one another in a cycle (`And` holds a list of `Expression`s, which may be an
`And`) must be defined together: they share the module of the first of them
by Python name. The cycles are the strongly connected components of the
references, so the modules' imports of each other never loop.

Runs last, once names are final and the inheritance pass has kept only the
bases that mean what they say.
"""

from __future__ import annotations

import builtins
import hashlib
import keyword

from ...limits import MAX_FILE_NAME_BYTES
from ..model import Api, UnionType, named_refs
from .naming import snake

# Bytes of a module's name: its file (`.py`) and a `_2`... for a name taken must fit the file system.
_LONGEST_MODULE = MAX_FILE_NAME_BYTES - len(".py") - 8

# Module names that would shadow what models/__init__.py imports, defines or calls.
_RESERVED_MODULES = frozenset(
    {"__init__", "annotations", "validate", "to_wire", "typing", "SchemaRegistry", "SCHEMAS"}
) | frozenset(dir(builtins))


def run(api: Api) -> None:
    taken: set[str] = set()
    groups = sorted(_cycles(api), key=lambda group: min(api.types[n].py_name for n in group))
    for group in groups:
        wanted = _module_name(snake(min(api.types[n].py_name for n in group)))
        name, number = wanted, 2
        while name in taken:
            name, number = f"{wanted}_{number}", number + 1
        taken.add(name)
        for member in group:
            api.types[member].module = name
    # A union's base class has a module of its own, which its variants import
    # (the union's module imports them); named after all the types, so that no
    # type's module changes for it.
    for named in api.types.values():
        shared = named.type.shared if isinstance(named.type, UnionType) else None
        if shared is not None:
            wanted = _module_name(snake(shared.py_name))
            name, number = wanted, 2
            while name in taken:
                name, number = f"{wanted}_{number}", number + 1
            taken.add(name)
            shared.module = name


def _module_name(name: str) -> str:
    """A module name, with `_` added where it would shadow a name (`filter_`).
    A name too long for a file (an inline type named after a deep position,
    as Graph's are) keeps its start and ends in a digest of the whole name,
    which keeps it apart from other long names with the same start."""
    if len(name.encode("utf-8")) > _LONGEST_MODULE:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
        head = name.encode("utf-8")[: _LONGEST_MODULE - len(digest) - 1].decode("utf-8", "ignore")
        return f"{head}_{digest}"
    return name + "_" if name in _RESERVED_MODULES or keyword.iskeyword(name) else name


def _cycles(api: Api) -> list[list[str]]:
    """The named types grouped into the strongly connected components of their
    references (fields, bases, members): a group of one for a type in no cycle.
    Tarjan's algorithm, iterative, in the order of `api.types`."""
    edges = {name: sorted(set(named_refs(named.type)) & api.types.keys()) for name, named in api.types.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in edges:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, next_edge = work.pop()
            if next_edge == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            for position in range(next_edge, len(edges[node])):
                target = edges[node][position]
                if target not in index:
                    work.append((node, position + 1))
                    work.append((target, 0))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    groups.append(group)
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return groups
