"""Keep `allOf` inheritance where a Python subclass means the same as the merge.

`build` proposes a base for every object written as `allOf` of one `$ref` plus
fields of its own (`Dog: allOf [Pet, {bark}]`), and merges all fields into the
object either way. This pass, run once names are known, keeps the base only
where `class Dog(Pet)` is that object exactly and type-checks:

- the parent is a class of its own: an object (not an alias of one, an enum or
  a union), not nullable, and not a tagged variant (its `_type` literal and wire
  tag would be inherited by a child that is not that variant);
- the child has every field of the parent, under the same Python name, each
  either unchanged or narrowed (a type only made non-null or required): a wider
  or different type would be an incompatible override;
- the child's new fields do not take a parent field's Python name;
- no chain of bases loops (`Loop: allOf [LoopPart, ..]`, `LoopPart: allOf [Loop, ..]`).

Anywhere else the base is dropped and the object stays merged, flat. A kept
base puts the child's properties in the parent's order first, as Python orders
inherited fields.
"""

from __future__ import annotations

import dataclasses

from ..model import Api, ObjectType, Primitive, Property, Type


def run(api: Api) -> None:
    for named in api.types.values():
        child = named.type
        if isinstance(child, ObjectType) and child.base is not None and not _fits(api, child):
            child.base = None
    _break_loops(api)
    for named in api.types.values():
        child = named.type
        if isinstance(child, ObjectType) and child.base is not None:
            parent = api.types[child.base].type
            assert isinstance(parent, ObjectType)
            own = {p.wire_name: p for p in child.properties}
            first = [own[p.wire_name] for p in parent.properties if p.wire_name in own]
            child.properties = first + [p for p in child.properties if p not in first]


def _fits(api: Api, child: ObjectType) -> bool:
    named = api.types.get(child.base or "")
    parent = named.type if named is not None else None
    if child.nullable or not isinstance(parent, ObjectType) or parent.nullable or parent.tag is not None:
        return False
    mine = {p.wire_name: p for p in child.properties}
    for inherited in parent.properties:
        if child.tag is not None and inherited.wire_name == child.tag.property:
            if not (_holds_any_string(inherited.type) and inherited.py_name == child.tag.py_name):
                return False
            continue
        override = mine.get(inherited.wire_name)
        if override is None or not _narrows(override, inherited):
            return False
    taken = {p.py_name for p in parent.properties}
    return not any(p.wire_name not in {q.wire_name for q in parent.properties} and p.py_name in taken for p in child.properties)


def _narrows(override: Property, inherited: Property) -> bool:
    """Whether a field redeclared by the child is a valid override of the parent's."""
    if override == inherited:
        return True
    if override.py_name != inherited.py_name or _bare(override.type) != _bare(inherited.type):
        return False
    return _accepts_none(inherited) or not _accepts_none(override)


def _bare(type_: Type) -> Type:
    return dataclasses.replace(type_, nullable=False)


def _accepts_none(prop: Property) -> bool:
    return prop.optional or prop.type.nullable or (isinstance(prop.type, Primitive) and prop.type.name == "any")


def _holds_any_string(type_: Type) -> bool:
    """A parent field the child's tag literal may narrow: a plain string or any value."""
    return isinstance(type_, Primitive) and (type_.name == "any" or (type_.name == "string" and not type_.format))


def _break_loops(api: Api) -> None:
    """Drop the base of every object whose chain of bases comes back to it."""
    for name in api.types:
        seen: list[str] = []
        current: str | None = name
        while current is not None and current not in seen:
            seen.append(current)
            type_ = api.types[current].type
            current = type_.base if isinstance(type_, ObjectType) else None
        if current is not None:
            looped = api.types[current].type
            assert isinstance(looped, ObjectType)
            looped.base = None
