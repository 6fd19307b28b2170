"""Make unions explicit: which are tagged, on what, and with which tags.

In order of authority:
1. An explicit `discriminator` object wins (its `mapping`, else the variant's
   component name, as OpenAPI says).
2. (tapir) A union whose variants are all empty objects is an enum of their
   wire names: mostly a string on the wire (`"Open"`), sometimes the tagged
   object (`{"_type": "PreviousWeek"}`), which the enum classes also accept.
3. (tapir) A union of object schemas is tagged on `_type` with each variant's
   wire name (its title, with tapir's decorations removed).
4. (tapir) When every variant wraps one `value`, circe may also send the bare
   value (`FormAttributeValue`: `"John Doe"`) where others send the tagged
   object (`Content`: `{"value": "Hi", "_type": "Text"}`): such unions accept
   both, and give back what they got.
5. Anything else is a plain union, resolved by shape, most specific first.

Objects that carry their tag on the wire get a `Tag`, so that the models emit
it. A schema used directly but shown with a `_type` in an example
(conversation import) is tagged too.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import Api, ArrayType, EnumMember, EnumType, MapType, ObjectType, Primitive, Ref, Tag, Type, UnionType
from .walk import Context, transform

TAG_PROPERTY = "_type"


def wire_name(api: Api, name: str) -> str:
    """The name a schema goes by on the wire: `NotFound1` → `NotFound`,
    `BulkActionSuccess_BulkError_UUID` → `BulkActionSuccess`."""
    named = api.types[name]
    if api.dialect != "tapir":
        return name
    base = named.title or re.sub(r"\d+$", "", name) or name
    return base.split("_", 1)[0] or base


def run(api: Api) -> None:
    for named in api.types.values():
        named.wire_name = wire_name(api, named.name)
    transform(api, lambda type_, ctx: _classify(api, type_, ctx))
    if api.dialect == "tapir":
        _tag_from_examples(api)


def _classify(api: Api, type_: Type, ctx: Context) -> Type:
    if not isinstance(type_, UnionType) or type_.style != "unclassified":
        return type_
    if type_.explicit_discriminator:
        return _explicit(api, type_)
    if api.dialect != "tapir":
        return _plain(api, type_)
    targets = [v.target if isinstance(v, Ref) else None for v in type_.variants]
    objects = [_object_of(api, v) for v in type_.variants]
    if all(t is not None for t in targets) and all(o is not None for o in objects):
        names = [api.types[t].wire_name for t in targets if t is not None]
        if all(not o.properties and o.additional is None for o in objects if o is not None):
            return EnumType(
                members=[EnumMember(value=n) for n in dict.fromkeys(names)], source="union", nullable=type_.nullable
            )
        if len(set(names)) == len(names):
            if all(_wrapped_value(o) is not None for o in objects if o is not None):
                wrapped = [_wrapped_value(o) for o in objects if o is not None]
                bare = UnionType(variants=_unique_types([w for w in wrapped if w is not None]))
                type_.bare = sorted(bare.variants, key=lambda v: _specificity(api, v))
            type_.style = "tagged"
            type_.tag_property = TAG_PROPERTY
            type_.tags = {n: t for n, t in zip(names, targets) if t is not None}
            for value, target in type_.tags.items():
                _set_tag(api, target, value)
            return type_
    return _plain(api, type_)


def _explicit(api: Api, type_: UnionType) -> Type:
    type_.style = "tagged"
    mapped = set(type_.tags.values())
    for variant in type_.variants:
        if isinstance(variant, Ref) and variant.target not in mapped:
            type_.tags[variant.target] = variant.target
    if not type_.tags or any(not isinstance(v, Ref) for v in type_.variants):
        return _plain(api, type_)
    for value, target in type_.tags.items():
        _set_tag(api, target, value, type_.tag_property or TAG_PROPERTY)
    return type_


def _set_tag(api: Api, target: str, value: str, tag_property: str = TAG_PROPERTY) -> None:
    """Give the object behind `target` its wire tag; a property the schema
    declares under the tag's name becomes the tag (it holds the same value)."""
    obj = _object_of(api, Ref(target=target))
    if obj is None or obj.tag is not None:
        return
    declared = next((p for p in obj.properties if p.wire_name == tag_property), None)
    if declared is not None and declared.required and not isinstance(declared.type, (EnumType, Primitive)):
        return
    if declared is not None:
        obj.properties.remove(declared)
    obj.tag = Tag(property=tag_property, value=value)


def _plain(api: Api, type_: UnionType) -> Type:
    if len(type_.variants) == 1:
        only = type_.variants[0]
        only.nullable = only.nullable or type_.nullable
        return only
    type_.style = "plain"
    type_.tag_property = None
    type_.tags = {}
    type_.variants = sorted(type_.variants, key=lambda v: _specificity(api, v))
    return type_


def _specificity(api: Api, type_: Type) -> int:
    """Lower sorts first: objects with many required fields, then containers,
    then scalars, and `any` last."""
    resolved = api.resolve(type_)
    if isinstance(resolved, ObjectType):
        return -10 * sum(1 for p in resolved.properties if p.required) - len(resolved.properties)
    if isinstance(resolved, (MapType, ArrayType)):
        return 1
    if isinstance(resolved, EnumType):
        return 2
    if isinstance(resolved, Primitive):
        return {"boolean": 3, "integer": 4, "number": 5, "string": 6}.get(resolved.name, 9)
    return 8


def _object_of(api: Api, type_: Type) -> ObjectType | None:
    if not isinstance(type_, Ref):
        return None
    resolved = api.resolve(type_)
    return resolved if isinstance(resolved, ObjectType) else None


def _wrapped_value(obj: ObjectType) -> Type | None:
    if len(obj.properties) == 1 and obj.properties[0].wire_name == "value" and obj.additional is None:
        return obj.properties[0].type
    return None


def _unique_types(types: list[Type]) -> list[Type]:
    out: list[Type] = []
    for candidate in types:
        if candidate not in out:
            out.append(candidate)
    return out


def _tag_from_examples(api: Api) -> None:
    for operation in api.operations:
        for body in operation.bodies:
            _tag_if_shown(api, body.type, body.examples)
        for response in operation.responses:
            if response.type is not None:
                _tag_if_shown(api, response.type, list(response.examples.values()))


def _tag_if_shown(api: Api, type_: Type, examples: list[Any]) -> None:
    if not isinstance(type_, Ref):
        return
    shown = {e.get(TAG_PROPERTY) for e in examples if isinstance(e, dict)}
    if api.types[type_.target].wire_name in shown:
        _set_tag(api, type_.target, api.types[type_.target].wire_name)
