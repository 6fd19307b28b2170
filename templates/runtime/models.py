"""What every generated models module builds on.

- `APIModel`: the base of every object. Unknown fields are kept (`extra="allow"`),
  so data from a newer API round-trips unchanged; fields are set by their
  Python names or their wire names; building is deferred to first use, which
  keeps `import` fast for hundreds of models.
- `CamelModel`: an `APIModel` whose fields are on the wire as their Python
  names in camelCase (`last_name` as `lastName`), so a field declares its wire
  name only where it is something else.
- `TaggedModel`: a variant of a union tagged on the wire (`{"_type": "Email"}`).
  Built in code it sends its tag; parsed from a payload that lacked the tag it
  does not add one, so what comes in goes out unchanged. The tag is read from
  its wire key only: a `type` key is data like any other.
- `CamelTaggedModel`: a `TaggedModel` whose fields are camelCase on the wire.
- `UnknownVariant`: what a union variant this SDK does not know yet parses to.
- `OpenEnum`/`OpenIntEnum`: enums that accept values the spec did not list and
  give them back unchanged.
- `DateTime`: Dixa's date-times as they really come, including the zoned
  `2021-12-01T12:46:36.581Z[GMT]` and the zone-less `2021-12-01T12:46:35.935`.
- `tag_discriminator`: one dictionary lookup on the tag, falling back to the
  shape of the payload when the tag is missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from importlib import import_module
from datetime import datetime
from enum import Enum, IntEnum
from functools import lru_cache
from typing import Annotated, Any, ClassVar, Mapping, TypeAlias

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    GetCoreSchemaHandler,
    ModelWrapValidatorHandler,
    SerializerFunctionWrapHandler,
    TypeAdapter,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import CoreSchema, core_schema

__all__ = [
    "BARE_TAG",
    "UNKNOWN_TAG",
    "DateTime",
    "APIModel",
    "CamelModel",
    "CamelTaggedModel",
    "LazySchemas",
    "LazyTypes",
    "OpenEnum",
    "OpenIntEnum",
    "SchemaRegistry",
    "TaggedModel",
    "UnknownVariant",
    "tag_discriminator",
    "lazy_names",
    "to_wire",
    "wire_key",
]

UNKNOWN_TAG = "__unknown__"
BARE_TAG = "__bare__"


class APIModel(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        coerce_numbers_to_str=True,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        defer_build=True,
        protected_namespaces=(),
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready payload: wire names, only the fields that were set."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class TaggedModel(APIModel):
    __wire_tag__: ClassVar[str]
    __tag_field__: ClassVar[str]

    def __init__(self, **data: Any) -> None:
        super().__init__(**data)
        # Built in code: the real API rejects union members without their
        # tag, so send it. (Validation from a payload does not come here, see
        # below, so a payload without a tag gets none added.)
        self.model_fields_set.add(self.__tag_field__)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        # Tell pydantic this __init__ is not part of validation.
        cls.__pydantic_custom_init__ = False

    @model_validator(mode="wrap")
    @classmethod
    def _tag_from_its_wire_key_only(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        # Validation by name would read a `type` key as the tag field `type`
        # (wire `_type`) and refuse the payload. When the tag is missing, fill
        # it by its wire key so that `type` is left over as an extra key, then
        # forget it was set: pydantic counts the extra `type` as set too.
        name = cls.__tag_field__
        if not isinstance(data, dict) or name not in data:
            return handler(data)
        key = cls.__pydantic_fields__[name].serialization_alias or name
        if key in data:
            return handler(data)
        model = handler({**data, key: cls.__wire_tag__})
        model.model_fields_set.discard(name)
        return model


# The wire names the generator expects of these two are `to_camel`'s, the same
# function: a field whose wire name is anything else declares it.
class CamelModel(APIModel):
    model_config = ConfigDict(alias_generator=to_camel)


class CamelTaggedModel(TaggedModel):
    model_config = ConfigDict(alias_generator=to_camel)


class UnknownVariant(APIModel):
    """A variant added to the API after this SDK was generated; keeps every field."""


class OpenEnum(str, Enum):
    """A string enum that also holds values it does not list.

    tapir writes some enumerations as objects (`{"_type": "PreviousWeek"}`)
    where the spec says string: those parse to an equal member that is
    written back as the same object.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        return cls._pseudo_member(value, value)

    @classmethod
    def _pseudo_member(cls, value: str, name: str) -> Any:
        member = str.__new__(cls, value)
        member._name_ = name
        member._value_ = value
        return member

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        schema = handler(source)
        return core_schema.no_info_before_validator_function(
            cls._from_object_form,
            schema,
            serialization=core_schema.wrap_serializer_function_ser_schema(
                _enum_wire_form, schema=schema
            ),
        )

    @classmethod
    def _from_object_form(cls, value: Any) -> Any:
        if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("_type"), str):
            tag = value["_type"]
            member = cls._pseudo_member(tag, cls(tag).name)
            member._object_form = True
            return member
        return value

    def __str__(self) -> str:
        return str(self.value)


def _enum_wire_form(value: Any, serialize: SerializerFunctionWrapHandler) -> Any:
    if getattr(value, "_object_form", False):
        return {"_type": value.value}
    return serialize(value)


class OpenIntEnum(IntEnum):
    """An integer enum that also holds values it does not list."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        member = int.__new__(cls, value)
        member._name_ = f"VALUE_{value}"
        member._value_ = value
        return member


_ZONE_ID = re.compile(r"\[[^\[\]]*\]$")


def _strip_zone_id(value: Any) -> Any:
    if isinstance(value, str) and value.endswith("]"):
        return _ZONE_ID.sub("", value)
    return value


DateTime: TypeAlias = Annotated[datetime, BeforeValidator(_strip_zone_id)]


def wire_key(model: type[BaseModel], name: str) -> str:
    """The key of `model`'s field `name` on the wire. Read off the class
    itself: until the model is first built (building is deferred), its fields
    do not yet carry the names its alias generator gives them."""
    alias = model.model_fields[name].serialization_alias
    if alias is not None:
        return alias
    generator = model.model_config.get("alias_generator")
    return generator(name) if callable(generator) else name


def _wire_keys(model: type[BaseModel]) -> tuple[frozenset[str], frozenset[str]]:
    required: set[str] = set()
    every: set[str] = set()
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return (
            frozenset(),
            frozenset(),
        )  # a variant that is any value (its schema is open) has no fields
    for name, info in model.model_fields.items():
        wire = wire_key(model, name)
        every.add(wire)
        if info.is_required():
            required.add(wire)
    return frozenset(required), frozenset(every)


def tag_discriminator(
    tag_property: str, variants: Mapping[str, type[BaseModel]], *, bare: bool = False
) -> Discriminator:
    """Dispatch on `tag_property`; unknown tags go to `UnknownVariant` (a variant
    added to the API later), missing tags to the variant whose fields best match
    the payload, and (with `bare`) values that are not objects to the union's
    `BARE_TAG` member. A payload that can be no variant is a validation error:
    a tag that is not a string or, without a tag, an object that lacks a field
    every variant requires or has none of any variant's fields."""
    known = frozenset(variants)

    @lru_cache(maxsize=None)
    def shapes() -> list[tuple[str, frozenset[str], frozenset[str]]]:
        table = [(tag, *_wire_keys(model)) for tag, model in variants.items()]
        return sorted(table, key=lambda row: (-len(row[1]), -len(row[2])))

    def by_shape(payload: Mapping[str, Any]) -> str | None:
        keys = payload.keys()
        # An empty object fits a variant without required fields; any other
        # must share a field with the variant it is taken for.
        best, best_score = None, ((0 if keys else -1), -len(keys))
        for tag, required, every in shapes():
            if not required <= keys:
                continue
            score = (len(keys & every), -len(keys - every))
            if score > best_score:
                best, best_score = tag, score
        return best

    def pick(value: Any) -> str | None:
        if isinstance(value, dict):
            if tag_property not in value:
                return by_shape(value)
            tag = value[tag_property]
            if not isinstance(tag, str):
                return None
            return tag if tag in known else UNKNOWN_TAG
        if isinstance(value, BaseModel):
            tag = getattr(type(value), "__wire_tag__", None)
            return tag if tag in known else UNKNOWN_TAG
        return BARE_TAG if bare else None

    return Discriminator(
        pick,
        custom_error_type="union_variant_unknown",
        custom_error_message=(
            f"no variant fits: `{tag_property}` must be a string naming the variant, "
            "or, without it, the fields must be those of one variant"
        ),
    )


def to_wire(value: Any) -> Any:
    """JSON-ready data for any parsed value: models, lists, dicts, enums, scalars."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, (list, tuple)):
        return [to_wire(item) for item in value]
    if isinstance(value, dict):
        return {key: to_wire(item) for key, item in value.items()}
    return _any_adapter().dump_python(value, mode="json")


@lru_cache(maxsize=None)
def _any_adapter() -> TypeAdapter[Any]:
    # Built on first use: building a validator at import loads pydantic's
    # plugin machinery (importlib.metadata and the email package with it).
    return TypeAdapter(Any)


class SchemaRegistry:
    """Every component schema by its spec name, validated on demand."""

    def __init__(self, schemas: Mapping[str, Any]) -> None:
        self._schemas = schemas
        self._adapters: dict[str, TypeAdapter[Any]] = {}

    def names(self) -> list[str]:
        return sorted(self._schemas)

    def adapter(self, name: str) -> TypeAdapter[Any]:
        adapter = self._adapters.get(name)
        if adapter is None:
            try:
                schema = self._schemas[name]
            except KeyError:
                raise KeyError(f"no schema named {name!r}") from None
            adapter = self._adapters[name] = TypeAdapter(schema)
        return adapter

    def validate(self, name: str, data: Any) -> Any:
        """Parse wire data as the schema called `name` in the spec."""
        return self.adapter(name).validate_python(data)

    def validate_json(self, name: str, data: str | bytes) -> Any:
        return self.adapter(name).validate_json(data)


def lazy_names(
    package: str, modules: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The `__getattr__` and `__dir__` of a models package (PEP 562): each name's
    module (`modules`: name → module) is imported the first time the name is used,
    and the name kept in the package's `namespace`, so importing the package costs
    nothing per schema."""

    def getattr_(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{module}", package), name)
        namespace[name] = value
        return value

    def dir_() -> list[str]:
        return sorted({*namespace, *modules})

    return getattr_, dir_


class LazyTypes(Mapping[str, Any]):
    """Types by name, each made by its function the first time it is looked up:
    a stub's operation table (`TYPES`) or a webhooks module's `EVENTS`, whose
    functions name models, so that none is imported before it is needed."""

    def __init__(self, makers: Mapping[str, Callable[[], Any]]) -> None:
        self._makers = makers
        self._made: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        try:
            return self._made[name]
        except KeyError:
            made = self._made[name] = self._makers[name]()
            return made

    def __contains__(self, name: object) -> bool:
        return name in self._makers  # without making it (`Mapping`'s would)

    def __iter__(self) -> Iterator[str]:
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)


class LazySchemas(Mapping[str, Any]):
    """Every component schema of a models package by its name in the spec
    (`names`: schema → Python name), each imported on first use."""

    def __init__(self, package: str, names: dict[str, str]) -> None:
        self._package = package
        self._names = names

    def __getitem__(self, schema: str) -> Any:
        return getattr(import_module(self._package), self._names[schema])

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)
