"""Walk an old and a new type side by side and record how they differ.

Direction decides the level: a field made required breaks a request and not a
response; an enum value added is news in a request and a surprise in a
response. Types with a name of their own are followed through `Ref`s:
components become a pair compared once (see `Differ.component_pair`), inline
(hoisted) types are compared in place, where their pointers and paths lead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..ir.model import ArrayType, EnumType, MapType, NamedType, ObjectType, Primitive, Property, Ref, Type, UnionType
from .describe import describe, variant_keys
from .spots import Direction, Scope, Spot

if TYPE_CHECKING:
    from .compare import Differ


def compare_types(d: Differ, old: Type, new: Type, spot: Spot, direction: Direction, scope: Scope) -> None:
    _nullable(d, old, new, spot, direction, scope)
    if isinstance(old, Ref) and isinstance(new, Ref):
        old_named, new_named = d.old.types[old.target], d.new.types[new.target]
        if old_named.component and new_named.component:
            d.component_pair(old_named, new_named, direction, scope)
        else:
            _inline_named(d, old_named, new_named, spot, direction, scope)
        return
    _compare_shapes(d, d.old.resolve(old), d.new.resolve(new), spot, direction, scope)


def compare_named(d: Differ, old: NamedType, new: NamedType, spot: Spot, direction: Direction, scope: Scope) -> None:
    """The contents of two named types (a use adds its own nullability, checked by `compare_types`)."""
    _nullable(d, old.type, new.type, spot, direction, scope)
    _compare_shapes(d, d.old.resolve(old.type), d.new.resolve(new.type), spot, direction, scope)


def _inline_named(d: Differ, old: NamedType, new: NamedType, spot: Spot, direction: Direction, scope: Scope) -> None:
    key = (old.name, new.name, direction)
    if key in d.inline:  # a cycle through types without a component
        return
    if old.py_name != new.py_name:
        d.add(
            "python-class-renamed", f"generated class for `{spot.label}` renamed from {old.py_name} to {new.py_name}",
            spot, scope, python=f"{d.model(old, 'old')} → {new.py_name}",
        )
    d.inline.add(key)
    inner = Spot(spot.old, spot.new, spot.label, d.model(old, "old"), d.model(new, "new"))
    compare_named(d, old, new, inner, direction, scope)
    d.inline.discard(key)


def _nullable(d: Differ, old: Type, new: Type, spot: Spot, direction: Direction, scope: Scope) -> None:
    if old.nullable == new.nullable:
        return
    now = "may now be null" if new.nullable else "may no longer be null"
    kind = f"{direction}-became-{'nullable' if new.nullable else 'non-nullable'}"
    d.add(kind, f"{direction} value `{spot.label}` {now}", spot, scope)


def _compare_shapes(d: Differ, old: Type, new: Type, spot: Spot, direction: Direction, scope: Scope) -> None:
    if isinstance(old, Primitive) and isinstance(new, Primitive):
        _primitives(d, old, new, spot, direction, scope)
    elif isinstance(old, EnumType) and isinstance(new, EnumType) and old.base == new.base:
        _enum_values(d, old, new, spot, direction, scope)
    elif isinstance(old, ArrayType) and isinstance(new, ArrayType):
        compare_types(d, old.items, new.items, spot.child("/items", "[]"), direction, scope)
    elif isinstance(old, MapType) and isinstance(new, MapType):
        _map_keys(d, old.key_values, new.key_values, spot, direction, scope)
        compare_types(d, old.values, new.values, spot.child("/additionalProperties", "{}"), direction, scope)
    elif isinstance(old, ObjectType) and isinstance(new, ObjectType):
        _objects(d, old, new, spot, direction, scope)
    elif isinstance(old, UnionType) and isinstance(new, UnionType):
        _unions(d, old, new, spot, direction, scope)
    elif _is_string(old) and isinstance(new, EnumType) and new.base == "string":
        kind = f"{direction}-values-restricted"
        values = ", ".join(str(m.value) for m in new.members)
        d.add(kind, f"{direction} string `{spot.label}` is now limited to: {values}", spot, scope)
    elif isinstance(old, EnumType) and old.base == "string" and _is_string(new):
        d.add(f"{direction}-values-unrestricted", f"{direction} value `{spot.label}` is now any string", spot, scope)
    else:
        was, now = describe(d.old, old), describe(d.new, new)
        d.add(f"{direction}-type-changed", f"{direction} `{spot.label}` changed type from {was} to {now}", spot, scope)


def _is_string(type_: Type) -> bool:
    return isinstance(type_, Primitive) and type_.name == "string" and type_.format is None


def _primitives(d: Differ, old: Primitive, new: Primitive, spot: Spot, direction: Direction, scope: Scope) -> None:
    if old.name != new.name:
        was, now = describe(d.old, old), describe(d.new, new)
        d.add(f"{direction}-type-changed", f"{direction} `{spot.label}` changed type from {was} to {now}", spot, scope)
    elif old.format != new.format:
        was, now = old.format or "no format", new.format or "no format"
        d.add(f"{direction}-format-changed", f"{direction} `{spot.label}` changed format from {was} to {now}", spot, scope)


def _enum_values(d: Differ, old: EnumType, new: EnumType, spot: Spot, direction: Direction, scope: Scope) -> None:
    old_members = {repr(m.value): m for m in old.members}
    new_members = {repr(m.value): m for m in new.members}
    for key, member in old_members.items():
        if key not in new_members:
            python = f"{spot.old_class}.{member.py_name} removed" if spot.old_class and member.py_name else None
            d.add(f"{direction}-enum-value-removed", f"{direction} value {member.value!r} of `{spot.label}` removed",
                  spot, scope, side="old", python=python)
    for key, member in new_members.items():
        if key not in old_members:
            python = f"{spot.new_class}.{member.py_name} added" if spot.new_class and member.py_name else None
            d.add(f"{direction}-enum-value-added", f"{direction} value {member.value!r} of `{spot.label}` added",
                  spot, scope, python=python)


def _map_keys(
    d: Differ, old: list[str] | None, new: list[str] | None, spot: Spot, direction: Direction, scope: Scope
) -> None:
    if old is None or new is None:
        return
    for key in old:
        if key not in new:
            d.add(f"{direction}-enum-value-removed", f"{direction} key {key!r} of `{spot.label}` removed",
                  spot, scope, side="old")
    for key in new:
        if key not in old:
            d.add(f"{direction}-enum-value-added", f"{direction} key {key!r} of `{spot.label}` added", spot, scope)


def _present(obj: ObjectType, direction: Direction) -> dict[str, Property]:
    """The fields that travel in this direction (read-only ones are never sent)."""
    hidden = "read_only" if direction == "request" else "write_only"
    return {p.wire_name: p for p in obj.properties if not getattr(p, hidden)}


def _objects(d: Differ, old: ObjectType, new: ObjectType, spot: Spot, direction: Direction, scope: Scope) -> None:
    old_props, new_props = _present(old, direction), _present(new, direction)
    for name, prop in old_props.items():
        if name not in new_props:
            at = spot.prop(name)
            d.add(f"{direction}-property-removed", f"{direction} property `{at.label}` removed", at, scope,
                  side="old", python=_field(spot.old_class, prop, "removed"))
    for name, prop in new_props.items():
        if name not in old_props:
            at = spot.prop(name)
            if direction == "request":
                kind = "request-property-added-required" if prop.required else "request-property-added-optional"
                what = "required" if prop.required else "optional"
                message = f"{what} request property `{at.label}` added"
            else:
                kind, message = "response-property-added", f"response property `{at.label}` added"
            d.add(kind, message, at, scope, python=_field(spot.new_class, prop, "added"))
    for name, prop in old_props.items():
        if name in new_props:
            _property(d, prop, new_props[name], spot.prop(name), direction, scope)
    if old.additional is not None and new.additional is not None:
        compare_types(d, old.additional, new.additional, spot.child("/additionalProperties", "{}"), direction, scope)
    elif (old.additional is None) != (new.additional is None) and not (old.properties or new.properties):
        was, now = describe(d.old, old), describe(d.new, new)
        d.add(f"{direction}-type-changed", f"{direction} `{spot.label}` changed type from {was} to {now}", spot, scope)


def _field(cls: str, prop: Property, what: str) -> str | None:
    return f"{cls}.{prop.py_name} {what}" if cls and prop.py_name else None


def _property(d: Differ, old: Property, new: Property, spot: Spot, direction: Direction, scope: Scope) -> None:
    if old.required != new.required:
        kind = f"{direction}-property-became-{'required' if new.required else 'optional'}"
        now = "is now required" if new.required else "is now optional"
        if direction == "response" and not new.required:
            now = "may now be missing"
        d.add(kind, f"{direction} property `{spot.label}` {now}", spot, scope)
    if old.deprecated != new.deprecated:
        kind = "property-deprecated" if new.deprecated else "property-undeprecated"
        d.add(kind, f"property `{spot.label}` {'is deprecated' if new.deprecated else 'is no longer deprecated'}",
              spot, scope)
    if (old.has_default, old.default) != (new.has_default, new.default):
        was = repr(old.default) if old.has_default else "none"
        now = repr(new.default) if new.has_default else "none"
        d.add("property-default-changed", f"default of `{spot.label}` changed from {was} to {now}", spot, scope)
    if old.description != new.description:
        d.add("property-description-changed", f"description of `{spot.label}` changed", spot, scope)
    if old.py_name != new.py_name and spot.old_class:
        d.add("python-field-renamed", f"Python attribute for `{spot.label}` renamed from {old.py_name} to {new.py_name}",
              spot, scope, python=f"{spot.old_class}.{old.py_name} → {new.py_name}")
    compare_types(d, old.type, new.type, spot, direction, scope)


def _unions(d: Differ, old: UnionType, new: UnionType, spot: Spot, direction: Direction, scope: Scope) -> None:
    if old.tag_property != new.tag_property and old.tag_property and new.tag_property:
        d.add("union-discriminator-changed",
              f"union `{spot.label}` is told apart by `{new.tag_property}` instead of `{old.tag_property}`", spot, scope)
    old_keys, new_keys = variant_keys(d.old, old), variant_keys(d.new, new)
    for key, (index, variant) in old_keys.items():
        if key not in new_keys:
            python = _variant_class(d, variant, "old")
            d.add(f"{direction}-union-variant-removed", f"{direction} union `{spot.label}` lost variant {key}",
                  spot, scope, side="old", python=f"{python} no longer a variant of {spot.label}" if python else None)
    for key, (index, variant) in new_keys.items():
        if key not in old_keys:
            python = _variant_class(d, variant, "new")
            d.add(f"{direction}-union-variant-added", f"{direction} union `{spot.label}` gained variant {key}",
                  spot, scope, python=f"{python} now a variant of {spot.label}" if python else None)
    for key, (old_index, old_variant) in old_keys.items():
        if key in new_keys:
            new_index, new_variant = new_keys[key]
            at = Spot(f"{spot.old}/oneOf/{old_index}", f"{spot.new}/oneOf/{new_index}", f"{spot.label}<{key}>",
                      spot.old_class, spot.new_class)
            compare_types(d, old_variant, new_variant, at, direction, scope)


def _variant_class(d: Differ, variant: Type, side: str) -> str | None:
    api = d.old if side == "old" else d.new
    if isinstance(variant, Ref):
        return d.model(api.types[variant.target], "old" if side == "old" else "new")
    return None
