"""Values made up for the stub server's answers: the one synthesizer of the runtime.

Two sources, one module. `Synthesizer` makes a value from a type of the
generated models; `scalar_for`, `schema_value` and `from_pattern` make one
from a JSON Schema of the wire document, to repair what the models knew too
little about (`wire.WireSchemas.repaired`: a pattern, a format, a bound) and
to start a field the models did not have.

From the models: the value is read off the models themselves (their fields, aliases, enums,
`Literal` tags and `tag_discriminator` unions), so whatever is produced
validates against them: union members carry their `_type`, enums hold one of
their members. The same seed gives the same data. Every optional field is
filled down to `FULL_DEPTH` levels of nesting; deeper, only what is required,
so recursive schemas end (with `optional=False`, only what is required, the
base of an item the stateful stub stores); union members always carry their tag. Ids typed as
bare strings are UUIDs, as the paths that take them back often require.

From a schema: its `const`, its first `enum` member, a number within its
bounds, a string its `pattern` finds (read off the parsed pattern), or one of
its `format`, cut or padded to its lengths.
"""

from __future__ import annotations

import importlib
import random
import re
import sys
import types
import typing
import uuid
import warnings
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from typing import Any

from pydantic import BaseModel, Discriminator, Tag
from typing_extensions import TypeAliasType, evaluate_forward_ref

from ..models import BARE_TAG, UNKNOWN_TAG, UnknownVariant, wire_key

__all__ = ["NOTHING", "Synthesizer", "from_pattern", "scalar_for", "schema_value"]

FULL_DEPTH = 4
LIST_DEPTH = FULL_DEPTH + 8
_EPOCH = datetime(2021, 1, 1, tzinfo=timezone.utc)


class Synthesizer:
    """Makes wire values (decoded JSON) for model types, from a seeded RNG."""

    def __init__(self, seed: int | str = 0, *, optional: bool = True) -> None:
        self._rng = random.Random(str(seed))
        self._making: list[Any] = []  # the models being made, outermost first
        # Without `optional`, only required fields are made: what a stored item
        # needs to be valid, nothing the client did not set.
        self._optional = optional

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
                if (
                    info.is_required()
                    or (self._optional and depth < FULL_DEPTH)
                    or py_name == tag_field
                ):
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


# -- from a schema of the wire document ------------------------------------------------


# What `scalar_for` gives for a schema that is not a scalar's.
NOTHING = object()
_FORMATS = {
    "date-time": "2021-06-01T12:30:00Z",
    "date": "2021-06-01",
    "time": "12:30:00Z",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "c3R1Yg==",
}


def scalar_for(schema: Any) -> Any:
    """A value of the scalar `schema` (`NOTHING` for an object, an array or a combination)."""
    if not isinstance(schema, dict) or any(
        k in schema for k in ("oneOf", "anyOf", "allOf", "$ref")
    ):
        return NOTHING
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind in ("integer", "number"):
        low: Any = schema.get("minimum")
        high: Any = schema.get("maximum")
        floor: Any = schema.get("exclusiveMinimum")
        value: float = 1
        if _is_number(low):
            value = low + (1 if floor is True else 0)
        elif _is_number(floor):
            value = floor + 1
        if _is_number(high) and value > high:
            value = high
        return int(value) if kind == "integer" else value
    if kind == "boolean":
        return True
    if kind not in ("string", None) or "properties" in schema or "items" in schema:
        return NOTHING
    text = None
    if isinstance(schema.get("pattern"), str):
        text = from_pattern(schema["pattern"])
    if text is None:
        text = _FORMATS.get(str(schema.get("format")), "string")
    low, high = schema.get("minLength"), schema.get("maxLength")
    if isinstance(low, int) and len(text) < low:
        text += (text[-1:] or "x") * (low - len(text))
    if isinstance(high, int) and len(text) > high:
        text = text[:high]
    return text


def schema_value(schema: Any, resolve: Callable[[str], Any]) -> Any:
    """A value to start a missing field of `schema` from (the next round of repair
    fills its inside); `resolve` gives the node at a `#/...` reference."""
    seen: set[str] = set()
    while (
        isinstance(schema, dict)
        and isinstance(schema.get("$ref"), str)
        and schema["$ref"] not in seen
    ):
        seen.add(schema["$ref"])
        schema = resolve(schema["$ref"]) if schema["$ref"].startswith("#") else None
    if not isinstance(schema, dict):
        return "value"
    variants = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf")
    if isinstance(variants, list) and variants:
        return schema_value(variants[0], resolve)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {}
    if kind == "array":
        return []
    scalar = scalar_for(schema)
    return "value" if scalar is NOTHING else scalar


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def from_pattern(pattern: str) -> str | None:
    """A short string that `pattern` finds (as JSON Schema searches), or None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            parser: Any = importlib.import_module(
                "re._parser" if hasattr(re, "_parser") else "sre_parse"
            )
        text = _emit(parser.parse(pattern), parser)
        return text if re.search(pattern, text) else None
    except (re.error, RecursionError, ValueError, TypeError, IndexError, OverflowError):
        return None


def _emit(parsed: Any, parser: Any) -> str:
    c = importlib.import_module("re._constants" if hasattr(re, "_constants") else "sre_constants")
    out = []
    for op, arg in parsed:
        if op is c.LITERAL:
            out.append(chr(arg))
        elif op is c.NOT_LITERAL:
            out.append("b" if chr(arg) == "a" else "a")
        elif op is c.ANY:
            out.append("a")
        elif op is c.IN:
            out.append(_one_of(arg, c))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            low, high, item = arg
            count = 0 if high == 0 else max(low, 1)
            out.append(_emit(item, parser) * count)
        elif op is c.SUBPATTERN:
            out.append(_emit(arg[-1], parser))
        elif op is c.BRANCH:
            out.append(_emit(arg[1][0], parser))
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        elif op is c.CATEGORY:
            out.append(_category(str(arg)))
        else:
            raise ValueError(str(op))
    return "".join(out)


def _one_of(items: Any, c: Any) -> str:
    if any(op is c.NEGATE for op, _ in items):
        banned = {chr(arg) for op, arg in items if op is c.LITERAL}
        return next(ch for ch in "ab0_" if ch not in banned)
    for op, arg in items:
        if op is c.LITERAL:
            return chr(arg)
        if op is c.RANGE:
            low, high = arg
            return next((ch for ch in "aA10" if low <= ord(ch) <= high), chr(low))
        if op is c.CATEGORY:
            return _category(str(arg))
    raise ValueError("an empty class")


def _category(name: str) -> str:
    if "NOT_DIGIT" in name or "NOT_SPACE" in name:
        return "a"
    if "DIGIT" in name:
        return "1"
    if "SPACE" in name:
        return " "
    return "-" if "NOT_WORD" in name else "a"
