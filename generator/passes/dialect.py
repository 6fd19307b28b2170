"""Recognise how a document spells its unions and enums.

Dixa's v1 and beta documents are written by tapir (Scala), which titles every
component schema, writes enumerations as `values: [A, B]` in descriptions and
tags every `oneOf` variant on the wire with `"_type": "<title>"` without saying
so. Other documents mean what they say. A caller may decide instead of us by
setting `api.dialect` before the passes run.
"""

from __future__ import annotations

from ..ir import Api, UnionType
from .enums import VALUES_PATTERN


def run(api: Api) -> None:
    if api.dialect != "auto":
        return
    components = [t for t in api.types.values() if t.component]
    if not components:
        api.dialect = "plain"
        return
    titled = sum(1 for t in components if t.title)
    explicit = any(isinstance(t.type, UnionType) and t.type.explicit_discriminator for t in components)
    values_enums = any(VALUES_PATTERN.search(t.description or "") for t in components) or _any_property_values(api)
    api.dialect = "tapir" if titled >= 0.9 * len(components) and values_enums and not explicit else "plain"


def _any_property_values(api: Api) -> bool:
    from ..ir import ObjectType

    for named in api.types.values():
        if isinstance(named.type, ObjectType):
            for prop in named.type.properties:
                if prop.description and VALUES_PATTERN.search(prop.description):
                    return True
    return False
