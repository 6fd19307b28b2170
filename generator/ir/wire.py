"""The spec as the wire speaks it: the document the stub server validates
requests against, and that its answers satisfy.

The IR makes a spec's conventions explicit for the generated code; a JSON
Schema validator reading the spec as written cannot know them. This step
writes them back into a copy of the root document, and changes nothing else:
1. A tagged union's variants know their tag: each `$ref` of the union's
   `oneOf` becomes `allOf` of the variant and "`_type`, where present, is
   `<its name>`". Dixa's variants often have the same fields (`Csat` and `Nps`
   are both `{value}`), so without the tag a value matches several of them,
   which `oneOf` forbids; with it, exactly one. The tag stays optional, as on
   the wire: Dixa takes some unions untagged where the fields tell the
   variants apart (`GetMetricDataInput`: `csidFilter` or `periodFilter`).
   The variant schemas stay as written: used directly, they carry no tag.
2. A union that also takes bare values (`FormAttributeValue`: `"John"` for
   `{"value": "John", "_type": "Text"}`) also accepts each variant's `value`
   schema, as `anyOf`: two variants' bare values can be alike.
3. An enum written as a union of empty objects also accepts the bare names
   (`"Open"`), as the wire sends it.
4. A `oneOf` that no object can satisfy, because a variant accepts any
   object (one whose fields the spec leaves open, like the Integrations API's
   activity-log attributes) and so matches whatever another matches, is read
   as `anyOf`, with a located warning: as written, the stub could neither
   accept nor answer one.
5. Every operation documents the statuses the stub answers besides the spec's
   own, each a `{"message"}` body: 400 for a request that does not validate,
   401 for a secured operation called without credentials, 404 for an item
   the stateful stub does not hold, 413 for a body over its size limit.

An example that does not validate against the result (Dixa writes some
date-times as `2021-12-01T12:46:36.581Z[GMT]` where the schema says RFC 3339)
is a contradiction in the spec: it comes back as a located warning, and is
marked on its `Response`, so that the stub answers a synthesized value instead.

Only a spec whose references stay inside its own file gets a wire document;
the stub validates the others with the generated models alone.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

from jsonschema.exceptions import best_match  # type: ignore[import-untyped]  # jsonschema ships no types
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30WriteValidator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)
from referencing import Registry
from referencing.jsonschema import DRAFT4, DRAFT202012

from ..diagnostics import Diagnostic, escape_pointer_token, value_at
from .model import Api, EnumType, Operation, UnionType
from ..reading.load import Document

STUB_URI = "urn:dixagen:wire"
MESSAGE = {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}
STUB_STATUSES = {
    "400": "Added by the stub: the request does not validate against this document.",
    "401": "Added by the stub: the operation is secured and the request carries no credentials.",
    "404": "Added by the stub: in stateful mode, the path names an item it does not hold.",
    "413": "Added by the stub: the body is larger than the stub's limit.",
}
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def attach(api: Api, document: Document) -> list[Diagnostic]:
    """Write the wire document on `api` and mark the examples that contradict
    it; returns a located warning per such example."""
    data = document.data
    if not isinstance(data, dict) or any(not ref.startswith("#") for ref in _refs(data)):
        return []
    wire = copy.deepcopy(data)
    for named in api.types.values():
        if not named.component or not named.pointer:
            continue
        node = value_at(wire, named.pointer)
        if not isinstance(node, dict):
            continue
        if isinstance(named.type, UnionType) and named.type.style == "tagged" and not named.type.explicit_discriminator:
            _tag_variants(api, node, named.type, named.pointer)
        elif isinstance(named.type, EnumType) and named.type.source == "union":
            _bare_names(node, named.type)
    warnings = [
        Diagnostic(
            f"oneOf variant{'s' if len(open_variants) > 1 else ''} {', '.join(open_variants)} "
            f"accept{'' if len(open_variants) > 1 else 's'} any object, so no object matches exactly one "
            "variant: read as anyOf",
            str(document.path),
            pointer,
            document.line_of(pointer),
            "warning",
        )
        for pointer, open_variants in _unsatisfiable_one_ofs(wire)
    ]
    for op in api.operations:
        _stub_statuses(wire, op, secured=_secured(api, op))
    api.wire_document = wire
    typed = _schema_validators(_typed(wire))
    return (
        warnings
        + _off_schema_examples(api, document, typed)
        + _off_schema_schema_examples(api, document, typed)
        + _self_contradictions(wire, document)
        + _loose_variants(api, wire, document)
    )


# Keywords that leave a schema accepting any object (or any value at all).
_OPEN_KEYWORDS = frozenset({"type", "title", "description", "deprecated", "nullable", "readOnly", "writeOnly"})


def _unsatisfiable_one_ofs(wire: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The `oneOf`s of the document with a variant that accepts any object
    (beside others), rewritten as `anyOf`; returns where each was and those variants."""
    found: list[tuple[str, list[str]]] = []
    stack: list[tuple[Any, str]] = [(wire, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            entries = node.get("oneOf")
            if isinstance(entries, list):
                open_variants = [_label(entry) for entry in entries if _accepts_any_object(wire, entry)]
                if open_variants and len(entries) >= 2:
                    node["anyOf"] = node.pop("oneOf")
                    found.append((pointer, open_variants))
            for key, value in node.items():
                if isinstance(key, str) and (key.startswith("x-") or key in ("example", "examples")):
                    continue
                stack.append((value, f"{pointer}/{escape_pointer_token(key)}"))
        elif isinstance(node, list):
            stack.extend((value, f"{pointer}/{index}") for index, value in enumerate(node))
    return sorted(found)


def _accepts_any_object(wire: dict[str, Any], entry: Any) -> bool:
    seen: set[str] = set()
    while isinstance(entry, dict) and isinstance(entry.get("$ref"), str) and entry["$ref"].startswith("#"):
        if entry["$ref"] in seen:
            return False
        seen.add(entry["$ref"])
        entry = value_at(wire, entry["$ref"])
    if not isinstance(entry, dict):
        return False
    keys = {key for key in entry if not (isinstance(key, str) and key.startswith("x-"))}
    return keys <= _OPEN_KEYWORDS and entry.get("type", "object") == "object"


def _label(entry: Any) -> str:
    return _component_name(entry) or "an inline schema"


def _tag_variants(api: Api, node: dict[str, Any], union: UnionType, pointer: str) -> None:
    keyword = "oneOf" if isinstance(node.get("oneOf"), list) else "anyOf"
    entries = node.get(keyword)
    if not isinstance(entries, list) or union.tag_property is None:
        return
    tag_of = {target: tag for tag, target in union.tags.items()}
    tagged: list[Any] = []
    bare: list[Any] = []
    for entry in entries:
        target = _component_name(entry)
        tag = tag_of.get(target or "")
        if tag is None:
            tagged.append(entry)
            continue
        tagged.append(
            {
                "allOf": [
                    entry,
                    {"properties": {union.tag_property: {"type": "string", "enum": [tag]}}},
                ]
            }
        )
        if union.bare:
            bare.append({"$ref": f"{entry['$ref']}/properties/value"})
    if bare:
        del node[keyword]
        node["anyOf"] = tagged + bare
    else:
        node[keyword] = tagged


def _bare_names(node: dict[str, Any], enum: EnumType) -> None:
    names = [member.value for member in enum.members if isinstance(member.value, str)]
    keyword = "oneOf" if "oneOf" in node else "anyOf" if "anyOf" in node else None
    if keyword is None or not names:
        return
    objects = node.pop(keyword)
    tagged = [
        {
            "allOf": [
                entry,
                {"properties": {"_type": {"type": "string", "enum": [name]}}},
            ]
        }
        for entry, name in zip(objects, names)
    ]
    node["anyOf"] = [{"type": "string", "enum": names}, *tagged]


def _stub_statuses(wire: dict[str, Any], op: Operation, *, secured: bool) -> None:
    raw = value_at(wire, op.pointer) if op.pointer else None
    if not isinstance(raw, dict):
        return
    responses = raw.setdefault("responses", {})
    if not isinstance(responses, dict):
        return
    wanted = ["400"]
    if secured:
        wanted.append("401")
    if "{" in op.path:
        wanted.append("404")
    if op.body is not None:
        wanted.append("413")
    for status in wanted:
        if status in responses or f"{status[0]}XX" in responses or f"{status[0]}xx" in responses:
            continue
        responses[status] = {
            "description": STUB_STATUSES[status],
            "content": {"application/json": {"schema": copy.deepcopy(MESSAGE)}},
        }


def _secured(api: Api, op: Operation) -> bool:
    requirements = op.security if op.security is not None else api.security
    return bool(requirements) and all(requirement for requirement in requirements)


# What the models read a schema without `type` as, by the keywords it has.
_IMPLIED_TYPES = (("items", "array"), ("properties", "object"), ("additionalProperties", "object"))
_UNTYPED_NOTE = (
    "a schema in it has no `type`, which lets any other kind of value pass, but its keywords make the "
    "models read it as an array (`items`) or an object (`properties`)"
)


def _typed(wire: dict[str, Any]) -> dict[str, Any]:
    """A copy of the wire document in which each schema without `type` has the
    type its keywords imply, as the generated models read it."""
    typed = copy.deepcopy(wire)
    for _, schema in _schemas(typed):
        if "type" in schema or "$ref" in schema or any(k in schema for k in ("allOf", "anyOf", "oneOf", "enum")):
            continue
        for keyword, kind in _IMPLIED_TYPES:
            if keyword in schema:
                schema["type"] = kind
                break
    return typed


def _contradiction(validator: Any, typed: Any, pointer: str, value: Any) -> tuple[str, bool, str] | None:
    """Why `value` does not fit the schema at `pointer`, whether only as the
    models read it (a schema without `type`), and its warning's group; None
    when it fits."""
    error = best_match(validator.iter_errors(value))
    if error is not None:
        return _reason(error), False, _group(error)
    try:
        error = best_match(typed(pointer).iter_errors(value))
    except Exception:  # noqa: BLE001 - a schema the validator cannot read is validate's to report
        return None
    return (_reason(error), True, _group(error)) if error is not None else None


def _off_schema_examples(api: Api, document: Document, typed: Any) -> list[Diagnostic]:
    warnings: list[Diagnostic] = []
    for op in api.operations:
        for response in op.responses:
            if not response.examples or not response.schema_pointer:
                continue
            validator = response_validator(api, response.schema_pointer)
            for name, value in response.examples.items():
                found = _contradiction(validator, typed, response.schema_pointer, value)
                if found is None:
                    continue
                reason, untyped, group = found
                response.off_schema[name] = reason
                pointer = _example_pointer(op, response.status, response.content_type or "", name)
                what = f"matches its schema only because {_UNTYPED_NOTE}" if untyped else "does not match its schema"
                warnings.append(
                    Diagnostic(
                        f"example {name!r} of {op.method} {op.path} {response.status} {what} "
                        f"({reason}); the stub answers a synthesized value instead",
                        str(document.path),
                        pointer,
                        document.line_of(pointer),
                        "warning",
                        group,
                    )
                )
        body = op.body
        if body is None or not body.examples or not body.schema_pointer:
            continue
        validator = response_validator(api, body.schema_pointer, request=True)
        for index, value in enumerate(body.examples):
            error = best_match(validator.iter_errors(value))
            if error is None:
                continue
            reason = _reason(error)
            body.off_schema[index] = reason
            pointer = body.schema_pointer.removesuffix("/schema")
            warnings.append(
                Diagnostic(
                    f"request example {index + 1} of {op.method} {op.path} does not match its schema ({reason}): "
                    "the stub refuses it",
                    str(document.path),
                    pointer,
                    document.line_of(pointer),
                    "warning",
                    _group(error),
                )
            )
    return warnings


def _group(error: Any) -> str:
    """What examples that fail the same way have in common: a value of a format
    the spec names but the example does not follow (Dixa's `…Z[GMT]` date-times)."""
    if error.validator == "format":
        return f"examples with a value that is not a {error.validator_value!r}"
    return ""


# Keywords whose value is a schema, and those whose value is a list or a map of schemas.
_SUBSCHEMA = ("items", "additionalProperties", "not", "additionalItems", "contains", "propertyNames")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_MAPS = ("properties", "patternProperties")


def _off_schema_schema_examples(api: Api, document: Document, typed: Any) -> list[Diagnostic]:
    """The `example`s (and 3.1 `examples`) written on schemas themselves that the
    schema they annotate refuses: a mock server answers them (Prism does), and a
    client that parses by the schema cannot take them."""
    wire = api.wire_document
    if not isinstance(wire, dict):
        return []
    validator_of = _schema_validators(wire)
    warnings: list[Diagnostic] = []
    seen: set[str] = set()
    for pointer, schema in _schemas(wire):
        if pointer in seen:
            continue
        seen.add(pointer)
        found: list[tuple[str, Any]] = []
        if "example" in schema:
            found.append((f"{pointer}/example", schema["example"]))
        if isinstance(schema.get("examples"), list) and not str(wire.get("openapi", "")).startswith("3.0"):
            found.extend((f"{pointer}/examples/{i}", value) for i, value in enumerate(schema["examples"]))
        if "$ref" in schema and str(wire.get("openapi", "")).startswith("3.0"):
            continue  # OpenAPI 3.0 ignores what stands beside a $ref
        for where, value in found:
            try:
                contradiction = _contradiction(validator_of(pointer), typed, pointer, value)
            except Exception:  # noqa: BLE001 - a schema the validator cannot read is validate's to report
                continue
            if contradiction is None:
                continue
            reason, untyped, group = contradiction
            what = f"matches its schema only because {_UNTYPED_NOTE}" if untyped else "does not match its schema"
            warnings.append(
                Diagnostic(
                    f"schema example {what} ({reason}): a mock that answers it sends what the generated models refuse",
                    str(document.path),
                    where,
                    document.line_of(where),
                    "warning",
                    group,
                )
            )
    return warnings


_KINDS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
}


def _kind_of(value: Any, kind: str) -> bool:
    if isinstance(value, bool) and kind in ("integer", "number"):
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _KINDS.get(kind, (object,)))


def _self_contradictions(wire: dict[str, Any], document: Document) -> list[Diagnostic]:
    """Schemas at odds with themselves, where a mock and the models part ways:
    an `enum` member that is not of the schema's `type` (no value can be it),
    (OpenAPI 3.0) a `type` beside a `$ref` to a schema of another type,
    which OpenAPI ignores but tools that read it (Prism) answer by, and a
    schema without `type` whose keywords belong to several types (`properties`
    and `maxItems`), which any value satisfies."""
    warnings: list[Diagnostic] = []
    oas30 = str(wire.get("openapi", "3.0")).startswith("3.0")
    seen: set[str] = set()
    for pointer, schema in _schemas(wire):
        if pointer in seen:
            continue
        seen.add(pointer)
        kind = schema.get("type")
        enum = schema.get("enum")
        if isinstance(kind, str) and isinstance(enum, list):
            for index, member in enumerate(enum):
                if member is None or _kind_of(member, kind):
                    continue
                where = f"{pointer}/enum/{index}"
                warnings.append(
                    Diagnostic(
                        f"enum member {json.dumps(member)[:60]} is not of the schema's type {kind}: "
                        "no value can be it (a mock may still answer it)",
                        str(document.path),
                        where,
                        document.line_of(where),
                        "warning",
                    )
                )
        ref = schema.get("$ref")
        if oas30 and isinstance(ref, str) and ref.startswith("#") and isinstance(kind, str):
            target = value_at(wire, ref)
            other = target.get("type") if isinstance(target, dict) else None
            if isinstance(other, str) and other != kind:
                warnings.append(
                    Diagnostic(
                        f"`type: {kind}` beside a `$ref` to a schema of type {other}: OpenAPI 3.0 ignores it "
                        "and the models follow the `$ref`, but a tool that reads it (a mock) answers by it",
                        str(document.path),
                        pointer,
                        document.line_of(pointer),
                        "warning",
                    )
                )
        kinds = _keyword_kinds(schema) if "type" not in schema and not _COMPOSED & schema.keys() else []
        if len(kinds) > 1:
            warnings.append(
                Diagnostic(
                    f"a schema without `type` has keywords of {' and of '.join(kinds)}, which no value is at "
                    "once: JSON Schema lets it be anything (a mock may answer any value), while the models "
                    "read it as one of them",
                    str(document.path),
                    pointer,
                    document.line_of(pointer),
                    "warning",
                )
            )
    return warnings


_COMPOSED = frozenset({"$ref", "allOf", "anyOf", "oneOf", "not", "enum", "const"})
# The keywords that only constrain values of one JSON type, by that type.
_TYPE_KEYWORDS = (
    ("objects", ("properties", "required", "additionalProperties", "minProperties", "maxProperties")),
    ("arrays", ("items", "minItems", "maxItems", "uniqueItems")),
    ("strings", ("minLength", "maxLength", "pattern")),
    ("numbers", ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")),
)


def _keyword_kinds(schema: dict[str, Any]) -> list[str]:
    """`objects (properties)`, `arrays (maxItems)`, ...: the types whose keywords a schema has."""
    found = []
    for kind, keywords in _TYPE_KEYWORDS:
        used = [k for k in keywords if k in schema]
        if used:
            found.append(f"{kind} ({', '.join(used)})")
    return found


def _loose_variants(api: Api, wire: dict[str, Any], document: Document) -> list[Diagnostic]:
    """Variants of a `discriminator` that are also used on their own, where their
    schema lets the tag property be another value than the mapping's: the models
    pin it to the mapping's value, so an answer with another one (a mock's first
    enum member) does not parse there."""
    where_used: dict[str, list[str]] = {}
    stack: list[tuple[Any, str]] = [(wire, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/"):
                where_used.setdefault(ref[1:], []).append(pointer)
            for key, value in node.items():
                if not (isinstance(key, str) and (key.startswith("x-") or key in ("example", "examples"))):
                    stack.append((value, f"{pointer}/{escape_pointer_token(key)}"))
        elif isinstance(node, list):
            stack.extend((value, f"{pointer}/{index}") for index, value in enumerate(node))
    warnings: list[Diagnostic] = []
    for named in api.types.values():
        union = named.type
        if not isinstance(union, UnionType) or not union.explicit_discriminator or not union.tag_property:
            continue
        for tag, target in sorted(union.tags.items()):
            variant = api.types.get(target)
            if variant is None or not variant.pointer:
                continue
            uses = [p for p in where_used.get(variant.pointer, []) if not p.startswith(named.pointer + "/")]
            allowed = _tag_values(wire, value_at(wire, variant.pointer), union.tag_property, set())
            if not uses or allowed == [tag]:
                continue
            what = f"any of {allowed}" if allowed else "any value"
            warnings.append(
                Diagnostic(
                    f"{variant.name!r}, the variant of discriminator {named.name!r} for {tag!r}, is also used on "
                    f"its own (at {uses[0]}), where its schema lets `{union.tag_property}` be {what}: the models "
                    f"take only {tag!r} there",
                    str(document.path),
                    variant.pointer,
                    document.line_of(variant.pointer),
                    "warning",
                )
            )
    return warnings


def _tag_values(wire: dict[str, Any], schema: Any, prop: str, seen: set[str]) -> list[Any] | None:
    """The values a schema's `prop` may take (its enum or const, through `allOf`
    and `$ref`s); None when any value will do."""
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"] not in seen:
        seen.add(schema["$ref"])
        return _tag_values(wire, value_at(wire, schema["$ref"]), prop, seen)
    if not isinstance(schema, dict):
        return None
    properties = schema.get("properties")
    own = properties.get(prop) if isinstance(properties, dict) else None
    if isinstance(own, dict):
        own = value_at(wire, own["$ref"]) if isinstance(own.get("$ref"), str) else own
        if isinstance(own, dict) and "const" in own:
            return [own["const"]]
        if isinstance(own, dict) and isinstance(own.get("enum"), list):
            return list(own["enum"])
    for part in schema.get("allOf") or []:
        found = _tag_values(wire, part, prop, seen)
        if found is not None:
            return found
    return None


def _schema_validators(wire: dict[str, Any]) -> Any:
    """A function giving a (read) validator of the schema at a pointer, sharing one registry."""
    oas30 = str(wire.get("openapi", "3.0")).startswith("3.0")
    spec = DRAFT4 if oas30 else DRAFT202012
    registry: Registry[Any] = Registry().with_resource(STUB_URI, spec.create_resource(wire))
    cls = OAS30ReadValidator if oas30 else OAS31Validator
    checker = oas30_format_checker if oas30 else oas31_format_checker

    def validator(pointer: str) -> Any:
        return cls({"$ref": f"{STUB_URI}#{pointer}"}, registry=registry, format_checker=checker)

    return validator


def _schemas(wire: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema of the document written in place (not a `$ref` to another), by pointer:
    the components' and those of parameters, bodies and answers, and their subschemas."""
    roots: list[tuple[str, Any]] = []
    components = wire.get("components")
    if isinstance(components, dict) and isinstance(components.get("schemas"), dict):
        roots += [(f"/components/schemas/{escape_pointer_token(k)}", v) for k, v in components["schemas"].items()]
    stack: list[tuple[str, Any]] = [("", wire)]
    while stack:  # every `schema` keyword outside the component schemas and examples
        pointer, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str) or key.startswith("x-") or key in ("example", "examples"):
                    continue  # extension data and examples are data: a `schema` key there is no schema
                child = f"{pointer}/{escape_pointer_token(key)}"
                if key == "schema" and isinstance(value, dict):
                    roots.append((child, value))
                elif child != "/components/schemas":
                    stack.append((child, value))
        elif isinstance(node, list):
            stack.extend((f"{pointer}/{i}", value) for i, value in enumerate(node))
    stack = roots[::-1]
    while stack:
        pointer, schema = stack.pop()
        if not isinstance(schema, dict):
            continue
        yield pointer, schema
        for key in _SUBSCHEMA:
            if isinstance(schema.get(key), dict):
                stack.append((f"{pointer}/{key}", schema[key]))
        for key in _SUBSCHEMA_LISTS:
            if isinstance(schema.get(key), list):
                stack.extend((f"{pointer}/{key}/{i}", sub) for i, sub in enumerate(schema[key]))
        for key in _SUBSCHEMA_MAPS:
            if isinstance(schema.get(key), dict):
                stack.extend((f"{pointer}/{key}/{escape_pointer_token(k)}", sub) for k, sub in schema[key].items())
        if isinstance(schema.get("items"), list):
            stack.extend((f"{pointer}/items/{i}", sub) for i, sub in enumerate(schema["items"]))


def _reason(error: Any) -> str:
    where = "".join(f"[{part!r}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path)
    return f"{error.message}" + (f" at {where.lstrip('.')}" if where else "")


def response_validator(api: Api, pointer: str, *, request: bool = False) -> Any:
    """A validator of the schema at `pointer` in the wire document, formats
    checked: of an answer (`readOnly` allowed), or of a request."""
    wire = api.wire_document
    assert isinstance(wire, dict)
    oas30 = str(wire.get("openapi", "3.0")).startswith("3.0")
    spec = DRAFT4 if oas30 else DRAFT202012
    registry: Registry[Any] = Registry().with_resource(STUB_URI, spec.create_resource(wire))
    cls = (OAS30WriteValidator if request else OAS30ReadValidator) if oas30 else OAS31Validator
    checker = oas30_format_checker if oas30 else oas31_format_checker
    return cls({"$ref": f"{STUB_URI}#{pointer}"}, registry=registry, format_checker=checker)


def _example_pointer(op: Operation, status: str, media: str, name: str) -> str:
    base = f"{op.pointer}/responses/{escape_pointer_token(status)}/content/{escape_pointer_token(media)}"
    return f"{base}/example" if name == "example" else f"{base}/examples/{escape_pointer_token(name)}/value"


def _component_name(entry: Any) -> str | None:
    ref = entry.get("$ref") if isinstance(entry, dict) else None
    prefix = "#/components/schemas/"
    if isinstance(ref, str) and ref.startswith(prefix) and "/" not in ref[len(prefix) :]:
        return ref[len(prefix) :].replace("~1", "/").replace("~0", "~")
    return None


def _refs(node: Any) -> Iterator[str]:
    """Every `$ref` of the document's schemas and components (extension data
    and examples are not looked into: a `$ref` there is data)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                yield ref
            stack.extend(
                value
                for key, value in item.items()
                if not (isinstance(key, str) and key.startswith("x-")) and key not in ("example", "examples")
            )
        elif isinstance(item, list):
            stack.extend(item)
