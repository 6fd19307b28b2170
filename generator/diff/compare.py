"""Compare two normalized APIs: the state of one comparison and its entry point.

The comparison starts from the operations (matched in `operations`) and walks
their request and response types side by side (`schemas`). Component schemas
are matched by *use*: whatever the old and the new operation point to at the
same place is the same schema, whatever its name. A pair of components is
compared once per direction, and every change found inside it is reported once,
against the schema, with the operations that use it. Components that no
operation reaches (webhook payloads, for instance) are paired by name, then by
wire name, and compared as data the client receives.
"""

from __future__ import annotations

from collections import defaultdict

from ..ir.model import Api, NamedType, ObjectType
from .model import Change, Side
from .reach import component_users
from .schemas import compare_named
from .spots import Direction, PairKey, Scope, Spot

class Differ:
    def __init__(self, old: Api, new: Api, *, old_package: str, new_package: str, strip: tuple[str, ...]) -> None:
        self.old, self.new = old, new
        self.old_package, self.new_package = old_package, new_package
        self.strip = strip
        self.changes: list[tuple[Change, PairKey | None]] = []
        self.edges: dict[str | PairKey, set[PairKey]] = defaultdict(set)
        self.compared: set[tuple[str, str, Direction]] = set()
        self.inline: set[tuple[str, str, Direction]] = set()
        self.one_sided: dict[int, set[str]] = {}
        self.labels: dict[int, str] = {}  # id(operation) -> "METHOD /path", set by `operations`
        self.tags: dict[str, str | None] = {}  # operation label -> tag, for every operation of either side

    # -- recording -----------------------------------------------------------------

    def add(
        self, kind: str, message: str, spot: Spot | None, scope: Scope, *, side: Side = "new", python: str | None = None,
        pointer: str | None = None, users: set[str] | None = None,
    ) -> None:
        """Record a change; `users` are the operations using a schema found on one side only."""
        if pointer is None:
            pointer = (spot.old if side == "old" else spot.new) if spot is not None else ""
        change = Change(
            kind=kind, message=message, pointer=pointer, side=side, operation=scope.operation,
            schema=scope.schema, tag=scope.tag, python=python,
        )
        self.changes.append((change, scope.pair))
        if users:
            self.one_sided[id(change)] = users

    # -- python names ----------------------------------------------------------------

    def model(self, named: NamedType, side: Side) -> str:
        package = self.old_package if side == "old" else self.new_package
        return f"{package}.models.{named.py_name}"

    # -- components ------------------------------------------------------------------

    def component_pair(self, old: NamedType, new: NamedType, direction: Direction, scope: Scope) -> None:
        """Compare two components met at the same place, once per direction."""
        pair = (old.name, new.name)
        self.edges[scope.key].add(pair)
        if (old.name, new.name, direction) in self.compared:
            return
        first = not any((old.name, new.name, d) in self.compared for d in ("request", "response"))
        self.compared.add((old.name, new.name, direction))
        owner = Scope(pair=pair, schema=new.name)
        if first:
            self._schema_identity(old, new, owner)
        spot = Spot(old.pointer, new.pointer, new.name, self.model(old, "old"), self.model(new, "new"))
        compare_named(self, old, new, spot, direction, owner)

    def _schema_identity(self, old: NamedType, new: NamedType, scope: Scope) -> None:
        spot = Spot(old.pointer, new.pointer, new.name)
        renamed = f"{self.model(old, 'old')} → {new.py_name}" if old.py_name != new.py_name else None
        if old.wire_name != new.wire_name and self._wire_name_visible(old, new):
            self.add(
                "schema-wire-name-changed",
                f"schema `{old.name}` goes by `{new.wire_name}` on the wire instead of `{old.wire_name}`",
                spot, scope, python=renamed,
            )
        elif old.name != new.name:
            why = f"wire name `{new.wire_name}` unchanged" if old.wire_name == new.wire_name else "names are not on the wire"
            kind = "schema-renamed" if renamed else "schema-key-renamed"
            self.add(kind, f"schema `{old.name}` renamed to `{new.name}` ({why})", spot, scope, python=renamed)
        if old.deprecated != new.deprecated:
            kind = "schema-deprecated" if new.deprecated else "schema-undeprecated"
            self.add(kind, f"schema `{new.name}` {'is deprecated' if new.deprecated else 'is no longer deprecated'}",
                     spot, scope)
        if old.description != new.description:
            self.add("schema-description-changed", f"description of schema `{new.name}` changed", spot, scope)
        old_parent, new_parent = self._parent(self.old, old), self._parent(self.new, new)
        if old_parent != new_parent:
            if old_parent is None:
                how = f"now derives from `{new_parent}`"
            elif new_parent is None:
                how = f"no longer derives from `{old_parent}`"
            else:
                how = f"derives from `{new_parent}` instead of `{old_parent}`"
            self.add(
                "python-base-class-changed", f"the class of schema `{new.name}` {how}", spot, scope,
                python=f"class {old.py_name}({old_parent or '...'}) → class {new.py_name}({new_parent or '...'})",
            )

    @staticmethod
    def _parent(api: Api, named: NamedType) -> str | None:
        """The generated class a schema's class derives from (an `allOf` parent), if any."""
        if isinstance(named.type, ObjectType) and named.type.base is not None:
            return api.types[named.type.base].py_name
        return None

    def _wire_name_visible(self, old: NamedType, new: NamedType) -> bool:
        """Names travel on the wire in tapir's `_type` tags, or as a tag value anywhere."""
        tagged = any(isinstance(n.type, ObjectType) and n.type.tag is not None for n in (old, new))
        return tagged or "tapir" in (self.old.dialect, self.new.dialect)

    def unreached_components(self) -> None:
        """Pair the components no operation reached, by name then by wire name."""
        paired_old = {p[0] for pairs in self.edges.values() for p in pairs}
        paired_new = {p[1] for pairs in self.edges.values() for p in pairs}
        old_left = {n: t for n, t in self.old.types.items() if t.component and n not in paired_old}
        new_left = {n: t for n, t in self.new.types.items() if t.component and n not in paired_new}
        pairs = [(old_left.pop(n), new_left.pop(n)) for n in sorted(set(old_left) & set(new_left))]
        old_by_wire = _unique_by_wire(old_left)
        new_by_wire = _unique_by_wire(new_left)
        for wire in sorted(set(old_by_wire) & set(new_by_wire)):
            pairs.append((old_left.pop(old_by_wire[wire].name), new_left.pop(new_by_wire[wire].name)))
        for old, new in pairs:
            self.component_pair(old, new, "response", Scope(operation=None))
        old_users = component_users(self.old, self.labels) if old_left else {}
        new_users = component_users(self.new, self.labels) if new_left else {}
        for old in old_left.values():
            spot = Spot(old.pointer, "", old.name)
            self.add("schema-removed", f"schema `{old.name}` removed", spot, Scope(schema=old.name), side="old",
                     python=f"{self.model(old, 'old')} removed", users=old_users.get(old.name, set()))
        for new in new_left.values():
            spot = Spot("", new.pointer, new.name)
            self.add("schema-added", f"schema `{new.name}` added", spot, Scope(schema=new.name),
                     python=f"{self.model(new, 'new')} added", users=new_users.get(new.name, set()))

    # -- finishing ---------------------------------------------------------------------

    def finish(self) -> list[Change]:
        """Attach to every schema change the operations that use the schema, drop
        duplicates, and sort: by level, then owner, then pointer."""
        users: dict[PairKey, set[str]] = defaultdict(set)
        for operation in self.tags:
            stack, seen = list(self.edges.get(operation, ())), set()
            while stack:
                reached = stack.pop()
                if reached in seen:
                    continue
                seen.add(reached)
                users[reached].add(operation)
                stack.extend(self.edges.get(reached, ()))
        unique: dict[tuple[str, ...], tuple[Change, PairKey | None]] = {}
        for change, pair in self.changes:
            unique.setdefault(change.key(), (change, pair))
        for change, pair in unique.values():
            if change.operation is None and (pair is not None or id(change) in self.one_sided):
                change.operations = sorted(users.get(pair, set()) if pair else self.one_sided[id(change)])
                owner_tags = {self.tags[o] for o in change.operations}
                change.tag = owner_tags.pop() if len(owner_tags) == 1 else None
        order = {"ERR": 0, "WARN": 1, "INFO": 2}
        return sorted(
            (change for change, _ in unique.values()),
            key=lambda c: (order[c.level], c.operation or "", c.schema or "", c.pointer, c.kind, c.message),
        )


def _unique_by_wire(types: dict[str, NamedType]) -> dict[str, NamedType]:
    by_wire: dict[str, list[NamedType]] = defaultdict(list)
    for named in types.values():
        by_wire[named.wire_name].append(named)
    return {wire: found[0] for wire, found in by_wire.items() if len(found) == 1}
