"""Tell webhook events apart: `Api.webhook_event_property` and each
`Webhook.event_type`.

Events posted to one URL share an envelope, and one of its properties names
the event (`event_fqn: CONVERSATION_CREATED`). A spec says which by giving that
property, in every event's payload, a single allowed value (`enum` of one, or
`const`): the property that is so in every payload, with a different value in
each, is the one a receiver dispatches on. Its type becomes a `const`, so the
models declare it as a `Literal` (which narrows a `match` on it) rather than an
enum class of one member per event.

Runs after the enums pass (a `values: [X]` description is a one-value enum by
then) and before hoist (which would give each of those enums a class).
"""

from __future__ import annotations

from ..model import Api, EnumType, ObjectType, Ref, Type


def run(api: Api) -> None:
    payloads = [(w, _object(api, w.payload)) for w in api.webhooks if w.payload is not None]
    objects = [(w, o) for w, o in payloads if o is not None]
    if not objects or len(objects) != len(payloads):
        return
    for candidate in [p.wire_name for p in objects[0][1].properties]:
        values = [_single_value(api, o, candidate) for _, o in objects]
        if None in values or len(set(values)) != len(values):
            continue
        api.webhook_event_property = candidate
        for (webhook, obj), value in zip(objects, values):
            webhook.event_type = value
            prop = next(p for p in obj.properties if p.wire_name == candidate)
            if isinstance(prop.type, EnumType):
                prop.type.source = "const"
        return


def _object(api: Api, type_: Type | None) -> ObjectType | None:
    resolved = api.resolve(type_) if type_ is not None else None
    return resolved if isinstance(resolved, ObjectType) else None


def _single_value(api: Api, obj: ObjectType, wire_name: str) -> str | None:
    """The one string `obj`'s required property `wire_name` may hold, if it may hold only one."""
    prop = next((p for p in obj.properties if p.wire_name == wire_name), None)
    if prop is None or not prop.required:
        return None
    type_ = prop.type if not isinstance(prop.type, Ref) else api.resolve(prop.type)
    if isinstance(type_, EnumType) and not type_.nullable and len(type_.members) == 1:
        value = type_.members[0].value
        return value if isinstance(value, str) else None
    return None
