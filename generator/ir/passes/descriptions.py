"""Descriptions as the documentation shows them: an enum's `values: [..]`
list (how tapir writes the members, read by the enums pass) is left out of
the schema's description and of the description of a field of that enum (or
a list of it), since the members say it. What is left is the spec's own words.
"""

from __future__ import annotations

from ..model import Api, ArrayType, EnumType, ObjectType, Type, UnionType
from .enums import VALUES_PATTERN
from .walk import Context, transform


def run(api: Api) -> None:
    for named in api.types.values():
        named.plain_description = _plain(named.description, isinstance(named.type, EnumType))

    def visit(type_: Type, _: Context) -> Type:
        properties = type_.properties if isinstance(type_, ObjectType) else []
        if isinstance(type_, UnionType) and type_.shared is not None:
            properties = type_.shared.properties
        for prop in properties:
            prop.plain_description = _plain(prop.description, _is_enum(api, prop.type))
        return type_

    transform(api, visit)


def _is_enum(api: Api, type_: Type) -> bool:
    resolved = api.resolve(type_)
    if isinstance(resolved, ArrayType):
        resolved = api.resolve(resolved.items)
    return isinstance(resolved, EnumType)


def _plain(text: str | None, enum: bool) -> str | None:
    if text and enum:
        text = VALUES_PATTERN.sub("", text).strip(" \t\n.,;:")
    return text or None
