"""Short words for types, used in messages and to match union variants."""

from __future__ import annotations

from ..ir.model import Api, ArrayType, EnumType, MapType, ObjectType, Primitive, Ref, Type, UnionType


def describe(api: Api, type_: Type) -> str:
    """`string (date-time)`, `array of Agent`, `map of integer`, `enum`, `object`..."""
    if isinstance(type_, Ref):
        named = api.types[type_.target]
        return named.wire_name if named.component else describe(api, named.type)
    if isinstance(type_, Primitive):
        return f"{type_.name} ({type_.format})" if type_.format else type_.name
    if isinstance(type_, ArrayType):
        return f"array of {describe(api, type_.items)}"
    if isinstance(type_, MapType):
        return f"map of {describe(api, type_.values)}"
    if isinstance(type_, EnumType):
        return f"{type_.base} enum"
    if isinstance(type_, ObjectType):
        return "object"
    assert isinstance(type_, UnionType)
    return "union"


def variant_keys(api: Api, union: UnionType) -> dict[str, tuple[int, Type]]:
    """Each variant under the name it is matched by: its tag value in a tagged
    union (the wire name: a renamed component keeps its place), else its shape."""
    keys: dict[str, tuple[int, Type]] = {}
    by_target = {v.target: i for i, v in enumerate(union.variants) if isinstance(v, Ref)}
    if union.tags:
        for value, target in union.tags.items():
            index = by_target.get(target, 0)
            keys[value] = (index, union.variants[index])
        return keys
    for index, variant in enumerate(union.variants):
        keys.setdefault(describe(api, variant), (index, variant))
    return keys
