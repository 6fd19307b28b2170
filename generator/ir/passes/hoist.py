"""Give inline schemas a name of their own.

Python needs a class for every object, enum and union; inline ones are named
from their position (`CustomAttribute.value` → `CustomAttributeValue`,
the body of `postEndusers` → `PostEndusersBody`), so names stay stable when
unrelated parts of the document change. Enums that several objects declare
identically under the same property name share one class named after the
property (`direction` → `Direction`), also where a few others declare a
different set under that name (see `_shared_enum_names`).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

from ..model import Api, EnumType, NamedType, ObjectType, Ref, Type, UnionType
from .walk import Context, transform


def pascal(text: str) -> str:
    words = [w for w in re.split(r"[^0-9A-Za-z]+", text) if w]
    return "".join(w[:1].upper() + w[1:] for w in words)


def _hint_name(hint: tuple[str, ...]) -> str:
    return "".join(pascal(h) for h in hint) or "Schema"


def _property_token(hint: tuple[str, ...]) -> str:
    """The property an inline type belongs to, looking through array items and map values."""
    for token in reversed(hint[1:]):
        if token not in ("Item", "Value") and not re.fullmatch(r"Option\d+", token):
            return pascal(token)
    return ""


def _members(type_: EnumType) -> tuple[object, ...]:
    """The values as a key: objects and arrays (`enum: [{}]`) by their JSON text."""
    return tuple(
        (type(m.value).__name__, json.dumps(m.value, sort_keys=True) if isinstance(m.value, (dict, list)) else m.value)
        for m in type_.members
    )


def run(api: Api) -> None:
    shared_enum_names = _shared_enum_names(api)
    created: dict[tuple[object, ...], str] = {}
    taken = {name.lower() for name in [*api.types, *shared_enum_names.values()]}

    def visit(type_: Type, ctx: Context) -> Type:
        if ctx.top or not isinstance(type_, (ObjectType, EnumType, UnionType)):
            return type_
        if isinstance(type_, EnumType) and type_.source == "const":
            return type_
        nullable = type_.nullable
        type_.nullable = False
        if isinstance(type_, EnumType):
            key = (_property_token(ctx.hint), _members(type_))
            name = shared_enum_names.get(key)
            if name is not None:
                if key not in created:
                    created[key] = name
                    _add(api, name, type_, ctx)
                return Ref(target=name, nullable=nullable)
        name = _unique(taken, _hint_name(ctx.hint))
        _add(api, name, type_, ctx)
        return Ref(target=name, nullable=nullable)

    transform(api, visit)
    api.types = dict(sorted(api.types.items()))


def _add(api: Api, name: str, type_: Type, ctx: Context) -> None:
    api.types[name] = NamedType(name=name, type=type_, description=ctx.description, component=False, wire_name=name)


def _unique(taken: set[str], base: str) -> str:
    """`base`, or `base2`, `base3`... : the first not taken (without case); marks it taken."""
    name, index = base, 2
    while name.lower() in taken:
        name, index = f"{base}{index}", index + 1
    taken.add(name.lower())
    return name


def _shared_enum_names(api: Api) -> dict[tuple[object, ...], str]:
    """(property name, members) → shared class name, where that is unambiguous.

    A property whose inline enums all have the same members names their one
    class (`direction` → `Direction`). Where the same property carries several
    member sets, the set most owners declare (at least two, and strictly more
    than any other set) takes the name and the others keep a class per
    owner: the name depends only on these enums, never on where they are used.
    Where a component already has the property's name (`Direction`, a search
    filter), an enum of several owners is `DirectionEnum`.
    """
    counts: dict[str, dict[tuple[object, ...], int]] = defaultdict(lambda: defaultdict(int))

    def collect(type_: Type, ctx: Context) -> Type:
        if isinstance(type_, EnumType) and not ctx.top and type_.source != "const":
            counts[_property_token(ctx.hint)][_members(type_)] += 1
        return type_

    transform(api, collect)
    taken = {n.lower() for n in api.types}
    names: dict[tuple[object, ...], str] = {}
    for prop, member_sets in counts.items():
        if not prop or prop[0].isdigit():
            continue
        members, owners = max(member_sets.items(), key=lambda item: item[1])
        if len(member_sets) > 1 and (owners < 2 or list(member_sets.values()).count(owners) > 1):
            continue
        name = prop if prop.lower() not in taken else f"{prop}Enum" if owners >= 2 else None
        if name is not None and name.lower() not in taken:
            taken.add(name.lower())
            names[(prop, members)] = name
    return names
