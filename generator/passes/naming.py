"""Python names, decided once for every class, field, enum member, parameter,
client resource and method, and stored in the IR.

Wire names stay what they are (aliases); Python names are safe identifiers
that never clash with a keyword, with pydantic's own attributes, with the
names a generated module imports, or with each other.
"""

from __future__ import annotations

import keyword
import re
from collections import defaultdict

from ..ir import Api, EnumType, ObjectType, Operation
from .hoist import pascal

# Names the generated model modules import or define for themselves.
RESERVED_CLASS_NAMES = frozenset(
    {
        "Annotated", "Any", "BaseModel", "ClassVar", "ConfigDict", "Discriminator", "Enum", "Field",
        "Literal", "Tag", "TypeAlias", "TypeAdapter", "UUID", "Union", "DixaModel", "TaggedModel",
        "UnknownVariant", "DateTime", "Date", "SCHEMAS", "validate", "to_wire", "Optional", "List", "Dict",
    }
)
# Field names that would shadow pydantic's API or a type used in annotations.
RESERVED_FIELD_NAMES = frozenset(
    {
        "copy", "dict", "json", "schema", "schema_json", "construct", "validate", "fields", "parse_obj",
        "parse_raw", "parse_file", "from_orm", "update_forward_refs", "date", "datetime", "time", "str",
        "int", "float", "bool", "list", "dict", "bytes", "object", "any", "model_config", "model_fields",
    }
)


def snake(text: str) -> str:
    """`conversationId` → `conversation_id`, `URLPath` → `url_path`, `_type` → `type`."""
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    text = re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_").lower()
    return re.sub(r"_+", "_", text)


def identifier(text: str, *, reserved: frozenset[str] = frozenset(), fallback: str = "field") -> str:
    name = snake(text) or fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in reserved or name.startswith("model_"):
        name += "_"
    return name


def class_name(text: str) -> str:
    name = pascal(text) or "Model"
    if name[0].isdigit():
        name = "Model" + name
    if name in RESERVED_CLASS_NAMES or keyword.iskeyword(name):
        name += "Model"
    return name


def member_name(value: object, index: int) -> str:
    text = snake(str(value)).upper() if value is not None else "NONE"
    if not text:
        return f"VALUE_{index}"
    if text[0].isdigit():
        text = "VALUE_" + text
    if keyword.iskeyword(text):
        text += "_"
    return text


def _dedupe(names: list[str], joiner: str = "_") -> list[str]:
    """Number repeated names (compared without case): `Foo`, `Foo2` or `foo`, `foo_2`."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for name in names:
        candidate, index = name, 2
        while candidate.lower() in seen:
            candidate, index = f"{name}{joiner}{index}", index + 1
        seen[candidate.lower()] = 1
        out.append(candidate)
    return out


def run(api: Api) -> None:
    names = _dedupe([class_name(n) for n in api.types], joiner="")
    for named, py_name in zip(api.types.values(), names):
        named.py_name = py_name
    for named in api.types.values():
        if isinstance(named.type, ObjectType):
            _name_fields(named.type)
        elif isinstance(named.type, EnumType):
            for member, py_name in zip(
                named.type.members, _dedupe([member_name(m.value, i) for i, m in enumerate(named.type.members)])
            ):
                member.py_name = py_name
    _name_operations(api)


def _name_fields(obj: ObjectType) -> None:
    wanted = [identifier(p.wire_name, reserved=RESERVED_FIELD_NAMES) for p in obj.properties]
    if obj.tag is not None:
        wanted.append(identifier(obj.tag.property, reserved=RESERVED_FIELD_NAMES))
    final = _dedupe(wanted)
    for prop, py_name in zip(obj.properties, final):
        prop.py_name = py_name
    if obj.tag is not None:
        obj.tag.py_name = final[-1]


# -- operations ------------------------------------------------------------------

_VERBS = {"GET": "get", "POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}


def _name_operations(api: Api) -> None:
    by_resource: dict[str, list[Operation]] = defaultdict(list)
    for operation in api.operations:
        operation.resource = identifier(operation.tags[0], fallback="api") if operation.tags else "default"
        if operation.resource in ("with_raw_response", "close"):
            operation.resource += "_"
        by_resource[operation.resource].append(operation)
        used = {"self"}
        for parameter in operation.parameters:
            name = identifier(parameter.name, fallback="param")
            if name in ("body", "extra_headers", "timeout", "max_retries") or name in used:
                name += "_" if name not in used else f"_{parameter.location}"
            used.add(name)
            parameter.py_name = name
    for operations in by_resource.values():
        wanted = [_method_name(op) for op in operations]
        counts: dict[str, int] = defaultdict(int)
        for name in wanted:
            counts[name] += 1
        for operation, name in zip(operations, wanted):
            if counts[name] > 1:
                name = identifier(operation.operation_id, fallback="call")
            operation.py_name = name
        final = _dedupe([op.py_name for op in operations])
        for operation, name in zip(operations, final):
            operation.py_name = name


def _method_name(operation: Operation) -> str:
    """REST-style names from method and path: `GET /endusers` → `list`,
    `GET /conversations/{id}/messages` → `list_messages`, `PATCH /tags/{id}/activate` → `activate`."""
    segments = [s for s in operation.path.split("/") if s]
    if segments and re.fullmatch(r"v\d+|beta|api", segments[0]):
        segments = segments[1:]
    statics = [s for s in segments if not s.startswith("{")]
    ends_with_param = bool(segments) and segments[-1].startswith("{")
    words = [snake(s) for s in statics[1:]]
    verb = _VERBS.get(operation.method, operation.method.lower())
    if operation.method == "GET" and not ends_with_param:
        verb = "list"
    if operation.method in ("PUT", "PATCH", "POST") and words and not ends_with_param and _is_action(statics[-1]):
        action = words.pop()
        return "_".join([action, *words]) if words else action
    name = "_".join([verb, *words])
    return identifier(name, fallback="call")


def _is_action(segment: str) -> bool:
    """Path segments that name an action rather than a collection."""
    lowered = segment.lower()
    return not lowered.endswith("s") or lowered in {"status", "process", "access", "address"}
