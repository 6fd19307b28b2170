"""Give a union of objects the fields all its variants have, on a class of its own.

A value of `Conversation` is one of eleven variants, or, for a tagged union,
a variant this SDK does not know yet. Every variant has `id` and `channel`,
yet a type checker lets code read them only once it has told the variants
apart, because nothing says they are the same field. This pass says it: for
a union whose variants are all classes, the fields declared alike on every
variant (same wire name, same Python name, same type, and required or not
alike) become `UnionType.shared`, declared on a base class (`ConversationBase`)
that each variant also derives from (`ObjectType.shares`).

The base declares them for type checkers only: pydantic puts inherited fields
first, so fields declared on it for real would move ahead of each variant's
own, and change the order of every payload the variant writes. Each variant
keeps declaring its fields itself, in its own order.

A tagged union's unknown variants parse to a fallback of its own
(`UnknownConversation`), an `UnknownVariant` that derives from the base and
declares the shared fields for real, so that they are typed on it too. They
keep the requiredness all variants agree on: the union's contract is that every
variant carries them, and a variant added later is bound by it too; a payload
that breaks it is a validation error rather than a value whose typed fields
are missing.

Names are the union's own with `Base` before or `Unknown` after, numbered
where a schema already has the name; no existing name changes.
"""

from __future__ import annotations

from ..model import Api, ObjectType, Property, Ref, SharedFields, UnionType
from .naming import RESERVED_CLASS_NAMES


def run(api: Api) -> None:
    taken = {named.py_name.lower() for named in api.types.values()} | {n.lower() for n in RESERVED_CLASS_NAMES}

    def fresh(wanted: str) -> str:
        name, number = wanted, 2
        while name.lower() in taken:
            name, number = f"{wanted}{number}", number + 1
        taken.add(name.lower())
        return name

    for name, named in api.types.items():
        union = named.type
        if not isinstance(union, UnionType) or union.style not in ("tagged", "plain"):
            continue
        variants = _classes(api, union)
        if not variants:
            continue
        properties = _shared(variants)
        if not properties:
            continue
        fallback = fresh(f"Unknown{named.py_name}") if union.style == "tagged" else ""
        union.shared = SharedFields(py_name=fresh(f"{named.py_name}Base"), properties=properties, fallback_py_name=fallback)
        for variant in variants:
            variant.shares.append(name)


def _classes(api: Api, union: UnionType) -> list[ObjectType]:
    """The union's distinct variants if each is a class (an object that is not
    nullable, which is written as an alias); else none."""
    found: dict[str, ObjectType] = {}
    for variant in union.variants:
        if not isinstance(variant, Ref) or variant.nullable:
            return []
        type_ = api.types[variant.target].type
        if not isinstance(type_, ObjectType) or type_.nullable:
            return []
        found.setdefault(variant.target, type_)
    return list(found.values())


def _shared(variants: list[ObjectType]) -> list[Property]:
    """The first variant's properties that every other declares alike; the
    description only where all say the same."""
    out: list[Property] = []
    for prop in variants[0].properties:
        same = [_alike(other, prop) for other in variants[1:]]
        if all(s is not None for s in same):
            descriptions = {prop.description} | {s.description for s in same if s is not None}
            out.append(
                Property(
                    wire_name=prop.wire_name,
                    type=prop.type,
                    required=not prop.optional,
                    description=prop.description if len(descriptions) == 1 else None,
                    deprecated=prop.deprecated,
                    py_name=prop.py_name,
                )
            )
    return out


def _alike(obj: ObjectType, prop: Property) -> Property | None:
    other = next((p for p in obj.properties if p.wire_name == prop.wire_name), None)
    if other is None or other.py_name != prop.py_name or other.type != prop.type or other.optional != prop.optional:
        return None
    return other
