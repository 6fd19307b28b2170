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
from dataclasses import replace
from typing import Callable

from ..model import Api, EnumMember, EnumType, NamedType, ObjectType, Ref, Type, UnionType
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
    shared_enum_names, shared_members = _shared_enum_names(api)
    created: set[str] = set()
    taken = {name.lower() for name in [*api.types, *shared_enum_names.values()]}

    def visit(type_: Type, ctx: Context) -> Type:
        if ctx.top or not isinstance(type_, (ObjectType, EnumType, UnionType)):
            return type_
        if isinstance(type_, EnumType) and type_.source == "const":
            return type_
        nullable = type_.nullable
        type_.nullable = False
        if isinstance(type_, EnumType):
            name = shared_enum_names.get((_property_token(ctx.hint), _members(type_)))
            if name is not None:
                if name not in created:
                    created.add(name)
                    _add(api, name, _with_members(type_, shared_members[name]), ctx)
                return Ref(target=name, nullable=nullable)
        name = _unique(taken, _hint_name(ctx.hint))
        _add(api, name, type_, ctx)
        return Ref(target=name, nullable=nullable)

    transform(api, visit)
    api.types = dict(sorted(api.types.items()))


def _with_members(type_: EnumType, members: list[EnumMember]) -> EnumType:
    """`type_` holding every value of its shared class (its own first, as declared)."""
    own = {key for key in _member_keys(type_.members)}
    extra = [m for m, key in zip(members, _member_keys(members)) if key not in own]
    return replace(type_, members=[*type_.members, *extra]) if extra else type_


def _add(api: Api, name: str, type_: Type, ctx: Context) -> None:
    api.types[name] = NamedType(name=name, type=type_, description=ctx.description, component=False, wire_name=name)


def _unique(taken: set[str], base: str) -> str:
    """`base`, or `base2`, `base3`... : the first not taken (without case); marks it taken."""
    name, index = base, 2
    while name.lower() in taken:
        name, index = f"{base}{index}", index + 1
    taken.add(name.lower())
    return name


def _shared_enum_names(api: Api) -> tuple[dict[tuple[object, ...], str], dict[str, list[EnumMember]]]:
    """(property name, members) → shared class name, where that is unambiguous,
    and each shared class's members.

    A property whose inline enums all have the same members names their one
    class (`direction` → `Direction`). Where the same property carries several
    member sets, the set most owners declare (at least two, and strictly more
    than any other set) takes the name and the others keep a class per
    owner: the name depends only on these enums, never on where they are used.
    Where a component already has the property's name (`Direction`, a search
    filter), an enum of several owners is `DirectionEnum`.

    A set that holds all of the shared set's values and more (one owner added
    a value) stays in the shared class, which holds every value of its sets:
    adding a value to one owner's enum neither moves that owner to a class of
    its own nor takes the name from the others. Owners are counted with these
    wider sets, and sets with as many owners of their own are told apart by it.
    """
    counts: dict[str, dict[tuple[object, ...], int]] = defaultdict(lambda: defaultdict(int))
    found: dict[tuple[object, ...], list[EnumMember]] = {}

    def collect(type_: Type, ctx: Context) -> Type:
        if isinstance(type_, EnumType) and not ctx.top and type_.source != "const":
            counts[_property_token(ctx.hint)][_members(type_)] += 1
            found.setdefault(_members(type_), type_.members)
        return type_

    transform(api, collect)
    taken = {n.lower() for n in api.types}
    names: dict[tuple[object, ...], str] = {}
    members: dict[str, list[EnumMember]] = {}
    for prop, member_sets in counts.items():
        if not prop or prop[0].isdigit():
            continue

        wider = _supersets(list(member_sets))
        family = {s: sum(member_sets[w] for w in wider(s)) for s in member_sets}
        rank = {s: (member_sets[s], family[s]) for s in member_sets}
        best = max(member_sets, key=rank.__getitem__)
        if list(rank.values()).count(rank[best]) > 1:  # no set stands out: a class per owner
            continue
        owners = family[best]
        kin = set(wider(best))
        rivals = [sum(member_sets[w] for w in wider(s) if w not in kin) for s in member_sets if s not in kin]
        if rivals and (owners < 2 or max(rivals) >= owners):
            continue
        name = prop if prop.lower() not in taken else f"{prop}Enum" if owners >= 2 else None
        if name is not None and name.lower() not in taken:
            taken.add(name.lower())
            union = list(found[best])
            seen = set(_member_keys(union))
            for extra in sorted((s for s in wider(best) if s != best), key=repr):
                added = [(m, key) for m, key in zip(found[extra], _member_keys(found[extra])) if key not in seen]
                union += [m for m, _ in added]
                seen.update(key for _, key in added)
            for s in wider(best):
                names[(prop, s)] = name
            members[name] = union
    return names, members


def _supersets(sets: list[tuple[object, ...]]) -> Callable[[tuple[object, ...]], list[tuple[object, ...]]]:
    """`wider(base)`: the sets among `sets` that hold every value of `base`
    (itself included), in the order of `sets`. Found through the sets that
    hold each value, not by testing every pair: one property (Graph's
    `$select` items) can carry thousands of different sets, and the pass
    asks this of every one of them."""
    holding: dict[object, set[int]] = defaultdict(set)
    for index, values in enumerate(sets):
        for value in values:
            holding[value].add(index)
    known: dict[tuple[object, ...], list[tuple[object, ...]]] = {}

    def wider(base: tuple[object, ...]) -> list[tuple[object, ...]]:
        if base not in known:
            postings = sorted((holding.get(value, set()) for value in set(base)), key=len)
            indexes = set.intersection(*postings) if postings else range(len(sets))
            known[base] = [sets[index] for index in sorted(indexes)]
        return known[base]

    return wider


def _member_keys(members: list[EnumMember]) -> list[object]:
    return list(_members(EnumType(members=members)))
