"""Recognise how a document spells its unions and enums.

Dixa's v1 and beta documents are written by tapir (Scala), which titles every
component schema, writes enumerations as `values: [A, B]` in descriptions and
tags every `oneOf` variant on the wire with `"_type": "<title>"` without saying
so. Titles alone prove nothing (FastAPI and Stripe title nearly every schema,
and Stripe's unions are lists of references too), so a document is taken for
tapir's only on evidence that other writers do not leave:

- enumerations written as `values: [A, B]` in descriptions;
- names de-duplicated with a number while the title keeps the Scala name
  (`NotFound1` titled `NotFound`);
- Scala generic names (`Map_UUID_Option_AttributeValue`, `List_String`);
- unions of empty objects (a sealed trait of case objects).

With titles on (nearly) every component and no discriminator objects, any
one of them makes the document tapir's; anything else means what it says.
`api.dialect_reason` says which was chosen and why (the command line prints
it). A caller may decide instead of us by setting `api.dialect` before the
passes run.
"""

from __future__ import annotations

import re

from ..model import Api, ObjectType, Ref, UnionType
from .enums import VALUES_PATTERN

# The Scala types tapir spells into the names of generic schemas.
_SCALA = frozenset(
    {"Map", "List", "Option", "Set", "Seq", "Vector", "UUID", "String", "Int", "Long", "Boolean", "Double"}
)
_NUMBERED = re.compile(r"^(?P<base>.*\D)\d+$")


def run(api: Api) -> None:
    if api.dialect != "auto":
        api.dialect_reason = "asked for with --dialect"
        return
    components = [t for t in api.types.values() if t.component]
    if not components:
        api.dialect, api.dialect_reason = "plain", "no component schemas"
        return
    titled = sum(1 for t in components if t.title)
    titles = f"{titled} of {len(components)} component schemas titled"
    explicit = sum(1 for t in components if isinstance(t.type, UnionType) and t.type.explicit_discriminator)
    if titled < 0.9 * len(components):
        api.dialect, api.dialect_reason = "plain", f"only {titles}"
        return
    if explicit:
        api.dialect, api.dialect_reason = "plain", f"{explicit} union(s) with a discriminator object"
        return
    evidence = [
        f"{count} {what}"
        for count, what in (
            (_values_enums(api), "enumerations written as `values: [..]`"),
            (_numbered(api), "names numbered apart from their title (`NotFound1` titled `NotFound`)"),
            (_generic(api), "Scala generic names (`Map_UUID_String`)"),
            (_case_objects(api), "unions of empty objects"),
        )
        if count
    ]
    if evidence:
        api.dialect, api.dialect_reason = "tapir", f"{titles}; " + ", ".join(evidence)
    else:
        api.dialect = "plain"
        api.dialect_reason = f"{titles}, but nothing only tapir writes (`values: [..]` enumerations, numbered or Scala generic names, unions of empty objects)"


def _values_enums(api: Api) -> int:
    count = sum(1 for t in api.types.values() if t.component and VALUES_PATTERN.search(t.description or ""))
    for named in api.types.values():
        if isinstance(named.type, ObjectType):
            count += sum(1 for p in named.type.properties if p.description and VALUES_PATTERN.search(p.description))
    return count


def _numbered(api: Api) -> int:
    count = 0
    for named in api.types.values():
        match = _NUMBERED.match(named.name)
        if named.component and match and named.title == match["base"]:
            count += 1
    return count


def _generic(api: Api) -> int:
    count = 0
    for named in api.types.values():
        parts = named.name.split("_")
        if named.component and len(parts) > 1 and named.title == named.name and _SCALA.intersection(parts[1:]):
            count += 1
    return count


def _case_objects(api: Api) -> int:
    def empty(ref: object) -> bool:
        if not isinstance(ref, Ref):
            return False
        target = api.types[ref.target].type
        return isinstance(target, ObjectType) and not target.properties and target.additional is None

    return sum(
        1
        for t in api.types.values()
        if t.component and isinstance(t.type, UnionType) and len(t.type.variants) > 1 and all(map(empty, t.type.variants))
    )
