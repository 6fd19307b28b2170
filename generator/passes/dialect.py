"""Recognise how a document spells its unions and enums.

Dixa's v1 and beta documents are written by tapir (Scala), which titles every
component schema, writes enumerations as `values: [A, B]` in descriptions and
tags every `oneOf` variant on the wire with `"_type": "<title>"` without saying
so. We recognise it by titles on (nearly) every component, no discriminator
objects, and either `values: [..]` enums or `oneOf` lists of references.
Other documents mean what they say. A caller may decide instead of us by
setting `api.dialect` before the passes run.
"""

from __future__ import annotations

from ..ir import Api, Ref, UnionType
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
    ref_unions = any(
        isinstance(t.type, UnionType) and all(isinstance(v, Ref) for v in t.type.variants) for t in components
    )
    tapir_like = titled >= 0.9 * len(components) and not explicit and (values_enums or ref_unions)
    api.dialect = "tapir" if tapir_like else "plain"


def _any_property_values(api: Api) -> bool:
    from ..ir import ObjectType

    for named in api.types.values():
        if isinstance(named.type, ObjectType):
            for prop in named.type.properties:
                if prop.description and VALUES_PATTERN.search(prop.description):
                    return True
    return False
