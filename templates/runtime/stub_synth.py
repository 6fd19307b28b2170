"""Wire data made up from a type of the generated models, for the stub server.

The value is read off the models themselves (their fields, aliases, enums,
`Literal` tags and `tag_discriminator` unions), so whatever is produced
validates against them: union members carry their `_type`, enums hold one of
their members. The same seed gives the same data. Every optional field is
filled down to `FULL_DEPTH` levels of nesting; deeper, only what is required,
so recursive schemas end; union members always carry their tag. Ids typed as
bare strings are UUIDs, as the paths that take them back often require.
"""

from __future__ import annotations

import random
import sys
import types
import typing
import uuid
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from typing import Any

from pydantic import BaseModel, Discriminator, Tag
from typing_extensions import TypeAliasType, evaluate_forward_ref

from .models import BARE_TAG, UNKNOWN_TAG, UnknownVariant, wire_key

__all__ = ["Synthesizer"]

FULL_DEPTH = 4
LIST_DEPTH = FULL_DEPTH + 8
_EPOCH = datetime(2021, 1, 1, tzinfo=timezone.utc)


class Synthesizer:
    """Makes wire values (decoded JSON) for model types, from a seeded RNG."""

    def __init__(self, seed: int | str = 0) -> None:
        self._rng = random.Random(str(seed))
        self._making: list[Any] = []  # the models being made, outermost first

    def value(self, type_: Any, name: str = "value") -> Any:
        return self._value(type_, name, 0)

    def _value(self, type_: Any, name: str, depth: int) -> Any:
        if isinstance(type_, TypeAliasType):
            return self._value(_alias_value(type_), name, depth)
        origin = typing.get_origin(type_)
        if origin is typing.Annotated:
            return self._annotated(type_, name, depth)
        if origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(type_) if a is not type(None)]
            return self._value(options[0], name, depth) if options else None
        if origin is typing.Literal:
            return self._rng.choice(typing.get_args(type_))
        if origin in (list, set, frozenset, tuple):
            args = typing.get_args(type_)
            # One item deeper than optional fields go (a list the spec wants
            # non-empty, `minItems`, is most often a required one), unless the
            # items are a model being made already: a recursive schema ends.
            if not args or depth >= LIST_DEPTH or (depth >= FULL_DEPTH and args[0] in self._making):
                return []
            return [self._value(args[0], name, depth + 1)]
        if origin is dict:
            args = typing.get_args(type_)
            return (
                {"key": self._value(args[1], name, depth + 1)}
                if args and depth < FULL_DEPTH
                else {}
            )
        if isinstance(type_, type):
            return self._class(type_, name, depth)
        return self._string(name)

    def _annotated(self, type_: Any, name: str, depth: int) -> Any:
        inner, *metadata = typing.get_args(type_)
        if any(isinstance(m, Discriminator) for m in metadata):
            variants = [
                a for a in typing.get_args(inner) if _tag_of(a) not in (UNKNOWN_TAG, BARE_TAG, None)
            ]
            if variants:
                return self._value(self._rng.choice(variants), name, depth)
        return self._value(inner, name, depth)

    def _class(self, type_: type, name: str, depth: int) -> Any:
        if issubclass(type_, BaseModel):
            return self._model(type_, depth)
        if issubclass(type_, Enum):
            return self._rng.choice([m.value for m in type_])
        if issubclass(type_, bool):
            return self._rng.random() < 0.5
        if issubclass(type_, int):
            return self._rng.randint(1, 1000)
        if issubclass(type_, float):
            return round(self._rng.uniform(0, 100), 2)
        if issubclass(type_, uuid.UUID):
            return str(self.uuid())
        if issubclass(type_, datetime):
            return (
                (_EPOCH + timedelta(seconds=self._rng.randrange(10**8)))
                .isoformat()
                .replace("+00:00", "Z")
            )
        if issubclass(type_, date):
            return (_EPOCH + timedelta(days=self._rng.randrange(3000))).date().isoformat()
        return self._string(name)

    def _model(self, model: type[BaseModel], depth: int) -> dict[str, Any]:
        if model is UnknownVariant or issubclass(model, UnknownVariant):
            return {}
        if not model.__pydantic_fields_complete__:
            model.model_rebuild()
        out: dict[str, Any] = {}
        tag_field = getattr(model, "__tag_field__", None)
        self._making.append(model)
        try:
            for py_name, info in model.model_fields.items():
                wire = wire_key(model, py_name)
                if info.is_required() or depth < FULL_DEPTH or py_name == tag_field:
                    out[wire] = self._value(info.annotation, wire, depth + 1)
        finally:
            self._making.pop()
        return out

    def _string(self, name: str) -> str:
        lowered = name.lower()
        if lowered == "id" or name.endswith(("Id", "_id")):
            # An id the schema types as a bare string is still a UUID, as the
            # paths that take it back usually require.
            return str(self.uuid())
        token = f"{self._rng.randrange(16**6):06x}"
        if "email" in lowered:
            return f"user.{token}@example.com"
        if lowered.endswith(("url", "uri")):
            return f"https://example.com/{token}"
        if "phone" in lowered:
            return f"+4512{self._rng.randrange(10**6):06d}"
        return f"{name}-{token}"

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self._rng.getrandbits(128), version=4)

    def integer(self) -> int:
        return self._rng.randint(1, 10**6)


def _tag_of(annotated: Any) -> str | None:
    for meta in (
        typing.get_args(annotated)[1:] if typing.get_origin(annotated) is typing.Annotated else ()
    ):
        if isinstance(meta, Tag):
            return meta.tag
    return None


def _alias_value(alias: TypeAliasType) -> Any:
    """The type a recursive alias stands for: its value is the type written as
    a string, resolved in the models module that defines it."""
    value = alias.__value__
    if isinstance(value, str):
        return evaluate_forward_ref(
            typing.ForwardRef(value), globals=vars(sys.modules[alias.__module__ or "builtins"])
        )
    return value
