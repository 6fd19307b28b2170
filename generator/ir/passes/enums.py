"""Enums written in descriptions become real enums.

tapir writes `description: "values: [A, B]"` on a plain string; newer Dixa
pages say `Possible values: [..]` or `Allowed values: [..]`. The same text on a
map (`additionalProperties`) restricts its keys. Real `enum`s were already
turned into enums by `build`.
"""

from __future__ import annotations

import re

from ..model import Api, ArrayType, EnumMember, EnumType, MapType, Primitive, Type
from .walk import Context, transform

VALUES_PATTERN = re.compile(r"(?:(?<![\w])|^)(?:[Pp]ossible |[Aa]llowed )?[Vv]alues: *\[([^\[\]]*)\]")


def parse_values(description: str | None) -> list[str] | None:
    """The values listed in a description, or None when it lists none."""
    if not description:
        return None
    match = VALUES_PATTERN.search(description)
    if match is None:
        return None
    values: list[str] = []
    for raw in match.group(1).split(","):
        value = raw.strip().strip("'\"`")
        if value and value not in values:
            values.append(value)
    return values or None


def run(api: Api) -> None:
    transform(api, _visit)


def _visit(type_: Type, ctx: Context) -> Type:
    values = parse_values(ctx.description)
    if values is None:
        return type_
    if isinstance(type_, Primitive) and type_.name == "string":
        return _enum(values, type_.nullable)
    if isinstance(type_, ArrayType) and isinstance(type_.items, Primitive) and type_.items.name == "string":
        type_.items = _enum(values, False)
    elif isinstance(type_, MapType) and type_.key_values is None:
        type_.key_values = values
    return type_


def _enum(values: list[str], nullable: bool) -> EnumType:
    return EnumType(members=[EnumMember(value=v) for v in values], source="description", nullable=nullable)
