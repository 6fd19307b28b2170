"""Visiting every place of the IR that holds a type.

Passes are written as a function of one type and its context; `transform`
applies it to every slot, children before parents, and stores what it returns.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

from ..model import Api, ArrayType, MapType, ObjectType, Type, UnionType


class Context(NamedTuple):
    """Where a type sits: `hint` names its position (used to name hoisted types),
    `description` is the text of whatever holds it, `top` marks the type of a
    named type itself. A named tuple: one is made for every slot of every
    type at each walk (millions on Microsoft Graph), cheaper than a frozen
    dataclass."""

    hint: tuple[str, ...]
    description: str | None = None
    top: bool = False


Visitor = Callable[[Type, Context], Type]


def transform(api: Api, visit: Visitor) -> None:
    for named in list(api.types.values()):
        named.type = _walk(named.type, Context((named.name,), named.description, top=True), visit)
    for operation in api.operations:
        base = (operation.operation_id,)
        for parameter in operation.parameters:
            parameter.type = _walk(parameter.type, Context(base + (parameter.name,), parameter.description), visit)
        for body in operation.bodies:
            body.type = _walk(body.type, Context(base + ("Body",), body.description), visit)
        for response in operation.responses:
            if response.type is not None:
                status = response.status if response.status[:1].isdigit() else response.status.capitalize()
                response.type = _walk(response.type, Context(base + ("Response" + status,), None), visit)
            if response.item_type is not None:
                response.item_type = _walk(response.item_type, Context(base + ("Item",), None), visit)
            if response.item_data_type is not None:
                response.item_data_type = _walk(response.item_data_type, Context(base + ("Data",), None), visit)
    for webhook in api.webhooks:
        if webhook.payload is not None:
            webhook.payload = _walk(webhook.payload, Context((webhook.name, "Event"), webhook.description), visit)


def _walk(type_: Type, ctx: Context, visit: Visitor) -> Type:
    if isinstance(type_, ArrayType):
        type_.items = _walk(type_.items, Context(ctx.hint + ("Item",), None), visit)
    elif isinstance(type_, MapType):
        type_.values = _walk(type_.values, Context(ctx.hint + ("Value",), None), visit)
    elif isinstance(type_, ObjectType):
        for prop in type_.properties:
            prop.type = _walk(prop.type, Context(ctx.hint + (prop.wire_name,), prop.description), visit)
        if type_.additional is not None:
            type_.additional = _walk(type_.additional, Context(ctx.hint + ("Value",), None), visit)
    elif isinstance(type_, UnionType):
        type_.variants = [
            _walk(v, Context(ctx.hint + (f"Option{i + 1}",), None), visit) for i, v in enumerate(type_.variants)
        ]
        type_.bare = [
            _walk(v, Context(ctx.hint + (f"Bare{i + 1}",), None), visit) for i, v in enumerate(type_.bare)
        ]
    return visit(type_, ctx)
