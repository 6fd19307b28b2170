"""Lints: what validation finds in a spec beyond its schema, by checking it
against the spec as the wire speaks it (`ir.wire`).

Five findings, each a located warning that `dixagen validate` lists and
`generate` prints (folded where they come by the dozen):
1. a `oneOf` that no object can satisfy, read as `anyOf` (see `ir.wire`);
2. an example of an answer or a request body that its schema refuses (Dixa
   writes some date-times as `2021-12-01T12:46:36.581Z[GMT]` where the schema
   says RFC 3339): the stub answers a synthesized value instead, or refuses
   the request (`passes.examples` marks them on the IR);
3. an example written on a schema that the schema refuses;
4. a schema at odds with itself (an enum member not of its type, a `type`
   beside a `$ref` to another, keywords of several types without `type`);
5. a discriminator's variant used on its own, where its tag may be another value.

An example that fails only by a value of an accepted spelling (a format and a
pattern declared in `[tool.dixagen.accepted-spellings]`: a spelling the API is
known to use) is still listed, as information, which `generate` does not print.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema import FormatChecker  # type: ignore[import-untyped]  # jsonschema ships no types
from jsonschema.exceptions import best_match  # type: ignore[import-untyped]  # jsonschema ships no types

from ..diagnostics import Diagnostic, Severity, escape_pointer_token, value_at
from ..ir.model import Api, Body, Operation, Response, UnionType
from ..ir.wire import CopyOnWrite, build, format_checker_of, validator_factory
from .load import Document


@dataclass
class Lints:
    """The findings, and the examples the wire document refuses, to be marked
    on the IR (`passes.examples.mark`): a response's by name, a body's by index."""

    warnings: list[Diagnostic] = field(default_factory=list)
    off_schema: list[tuple[Response | Body, str | int, str]] = field(default_factory=list)


def lint(api: Api, document: Document, accepted: Mapping[str, str] | None = None) -> Lints:
    """The lints of one spec (none where it gets no wire document)."""
    built = build(api)
    if built is None:
        return Lints()
    wire = built.document
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
        for pointer, open_variants in built.any_of
    ]
    schemas = list(_schemas(wire))  # walked once, read by three lints
    typed = _Typed(wire, schemas)
    spelling = _Spellings(wire, accepted or {})
    found = Lints()
    examples = _off_schema_examples(api, document, wire, typed, spelling, found)
    found.warnings = (
        warnings
        + examples
        + _off_schema_schema_examples(wire, schemas, document, typed, spelling)
        + _self_contradictions(wire, schemas, document)
        + _loose_variants(api, wire, document)
    )
    return found


class _Spellings:
    """Whether a value refused only for its format is of an accepted spelling:
    it validates with a format checker that also takes the declared patterns."""

    def __init__(self, wire: dict[str, Any], accepted: Mapping[str, str]) -> None:
        self.checker: FormatChecker | None = None
        if accepted:
            base = format_checker_of(wire)
            checker = FormatChecker(formats=())
            checker.checkers = dict(base.checkers)
            for fmt, pattern in accepted.items():
                checker.checkers[fmt] = (_lenient(base, fmt, re.compile(pattern)), ())
            self.checker = checker
        self.request = validator_factory(wire, request=True, format_checker=self.checker) if self.checker else None
        self.answer = validator_factory(wire, format_checker=self.checker) if self.checker else None

    def judge(self, pointer: str, value: Any, reason: str, group: str, *, request: bool = False) -> tuple[Severity, str, str]:
        """The severity, reason and group of an example refused for a format
        (`group`): information where the accepted spellings take it; else a
        warning, for the first problem that is not an accepted spelling."""
        factory = self.request if request else self.answer
        if factory is None or not group:
            return "warning", reason, group
        try:
            error = best_match(factory(pointer).iter_errors(value))
        except Exception:  # noqa: BLE001 - a schema the validator cannot read is validate's to report
            return "warning", reason, group
        if error is None:
            return "info", reason, group
        return "warning", _reason(error), _group(error)


def _lenient(base: FormatChecker, fmt: str, pattern: re.Pattern[str]) -> Any:
    def check(value: Any) -> bool:
        return (isinstance(value, str) and pattern.fullmatch(value) is not None) or base.conforms(value, fmt)

    return check


_IMPLIED_TYPES = (("items", "array"), ("properties", "object"), ("additionalProperties", "object"))
_UNTYPED_NOTE = (
    "a schema in it has no `type`, which lets any other kind of value pass, but its keywords make the "
    "models read it as an array (`items`) or an object (`properties`)"
)


def _typed(wire: dict[str, Any], schemas: list[tuple[str, dict[str, Any]]]) -> tuple[dict[str, Any], list[str]]:
    """The wire document in which each schema without `type` has the type its
    keywords imply, as the generated models read it, and where those schemas
    are. It shares all else with `wire`, and is `wire` itself where every
    schema has its type."""
    implied: list[tuple[str, str]] = []
    for pointer, schema in schemas:
        if "type" in schema or "$ref" in schema or any(k in schema for k in ("allOf", "anyOf", "oneOf", "enum")):
            continue
        kind = next((kind for keyword, kind in _IMPLIED_TYPES if keyword in schema), None)
        if kind is not None:
            implied.append((pointer, kind))
    if not implied:
        return wire, []
    typed = CopyOnWrite(wire)
    for pointer, kind in implied:
        typed.writable(pointer)["type"] = kind
    return typed.root, [pointer for pointer, _ in implied]


class _Typed:
    """Validators of the wire document as the models read it (`_typed`), for
    the schemas that differ there: those that reach, in themselves or through
    `$ref`s, a schema without `type`. Any other validates a value as the wire
    document does, so it is not validated twice."""

    def __init__(self, wire: dict[str, Any], schemas: list[tuple[str, dict[str, Any]]]) -> None:
        document, self.untyped = _typed(wire, schemas)
        self.wire = wire
        self.factory = validator_factory(document) if self.untyped else None
        self._clean: set[str] = set()  # pointers known to reach none
        self._refs: dict[str, list[str]] = {}

    def validator(self, pointer: str) -> Any | None:
        """A validator of the schema at `pointer` as the models read it; None
        where that is the wire document's own schema."""
        if self.factory is None or not self._reaches(pointer):
            return None
        return self.factory(pointer)

    def _reaches(self, start: str) -> bool:
        seen = {start}
        stack = [start]
        while stack:
            pointer = stack.pop()
            if pointer in self._clean:
                continue
            if any(untyped == pointer or untyped.startswith(pointer + "/") for untyped in self.untyped):
                return True
            for target in self._refs_under(pointer):
                if target not in seen:
                    seen.add(target)
                    stack.append(target)
        self._clean |= seen  # all they reach was seen, and reaches none
        return False

    def _refs_under(self, pointer: str) -> list[str]:
        """The pointers the `$ref`s in the subtree at `pointer` lead to."""
        if pointer not in self._refs:
            found: list[str] = []
            stack = [value_at(self.wire, pointer)]
            while stack:
                node = stack.pop()
                if isinstance(node, dict):
                    ref = node.get("$ref")
                    if isinstance(ref, str) and ref.startswith("#"):
                        found.append(ref[1:])
                    stack.extend(node.values())
                elif isinstance(node, list):
                    stack.extend(node)
            self._refs[pointer] = found
        return self._refs[pointer]


def _contradiction(validator: Any, typed: _Typed, pointer: str, value: Any) -> tuple[str, bool, str] | None:
    """Why `value` does not fit the schema at `pointer`, whether only as the
    models read it (a schema without `type`), and its warning's group; None
    when it fits."""
    error = best_match(validator.iter_errors(value))
    if error is not None:
        return _reason(error), False, _group(error)
    try:
        models = typed.validator(pointer)
        if models is None:
            return None
        error = best_match(models.iter_errors(value))
    except Exception:  # noqa: BLE001 - a schema the validator cannot read is validate's to report
        return None
    return (_reason(error), True, _group(error)) if error is not None else None


def _off_schema_examples(
    api: Api, document: Document, wire: dict[str, Any], typed: _Typed, spelling: _Spellings, found: Lints
) -> list[Diagnostic]:
    """The examples of answers and request bodies that their schema refuses,
    each also put on `found.off_schema`."""
    warnings: list[Diagnostic] = []
    answers = validator_factory(wire)
    requests = validator_factory(wire, request=True)
    for op in api.operations:
        for response in op.responses:
            if not response.examples or not response.schema_pointer:
                continue
            validator = answers(response.schema_pointer)
            for name, value in response.examples.items():
                contradiction = _contradiction(validator, typed, response.schema_pointer, value)
                if contradiction is None:
                    continue
                reason, untyped, group = contradiction
                found.off_schema.append((response, name, reason))
                severity: Severity = "warning"
                if not untyped:
                    severity, reason, group = spelling.judge(response.schema_pointer, value, reason, group)
                pointer = _example_pointer(op, response.status, response.content_type or "", name)
                what = f"matches its schema only because {_UNTYPED_NOTE}" if untyped else "does not match its schema"
                warnings.append(
                    Diagnostic(
                        f"example {name!r} of {op.method} {op.path} {response.status} {what} "
                        f"({reason}); the stub answers a synthesized value instead",
                        str(document.path),
                        pointer,
                        document.line_of(pointer),
                        severity,
                        group,
                    )
                )
        body = op.body
        if body is None or not body.examples or not body.schema_pointer:
            continue
        validator = requests(body.schema_pointer)
        for index, value in enumerate(body.examples):
            error = best_match(validator.iter_errors(value))
            if error is None:
                continue
            reason = _reason(error)
            found.off_schema.append((body, index, reason))
            severity, reason, group = spelling.judge(body.schema_pointer, value, reason, _group(error), request=True)
            pointer = body.schema_pointer.removesuffix("/schema")
            warnings.append(
                Diagnostic(
                    f"request example {index + 1} of {op.method} {op.path} does not match its schema ({reason}): "
                    "the stub refuses it",
                    str(document.path),
                    pointer,
                    document.line_of(pointer),
                    severity,
                    group,
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


def _off_schema_schema_examples(
    wire: dict[str, Any], schemas: list[tuple[str, dict[str, Any]]], document: Document, typed: _Typed, spelling: _Spellings
) -> list[Diagnostic]:
    """The `example`s (and 3.1 `examples`) written on schemas themselves that the
    schema they annotate refuses: a mock server answers them (Prism does), and a
    client that parses by the schema cannot take them."""
    validator_of = validator_factory(wire)
    warnings: list[Diagnostic] = []
    seen: set[str] = set()
    for pointer, schema in schemas:
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
            severity: Severity = "warning"
            if not untyped:
                severity, reason, group = spelling.judge(pointer, value, reason, group)
            what = f"matches its schema only because {_UNTYPED_NOTE}" if untyped else "does not match its schema"
            warnings.append(
                Diagnostic(
                    f"schema example {what} ({reason}): a mock that answers it sends what the generated models refuse",
                    str(document.path),
                    where,
                    document.line_of(where),
                    severity,
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


def _self_contradictions(wire: dict[str, Any], schemas: list[tuple[str, dict[str, Any]]], document: Document) -> list[Diagnostic]:
    """Schemas at odds with themselves, where a mock and the models part ways:
    an `enum` member that is not of the schema's `type` (no value can be it),
    (OpenAPI 3.0) a `type` beside a `$ref` to a schema of another type,
    which OpenAPI ignores but tools that read it (Prism) answer by, and a
    schema without `type` whose keywords belong to several types (`properties`
    and `maxItems`), which any value satisfies."""
    warnings: list[Diagnostic] = []
    oas30 = str(wire.get("openapi", "3.0")).startswith("3.0")
    seen: set[str] = set()
    for pointer, schema in schemas:
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
    discriminated = [
        (named, named.type)
        for named in api.types.values()
        if isinstance(named.type, UnionType) and named.type.explicit_discriminator and named.type.tag_property
    ]
    if not discriminated:
        return []
    where_used: dict[str, list[str]] = {}
    stack: list[tuple[Any, str]] = [(wire, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/"):
                where_used.setdefault(ref[1:], []).append(pointer)
            for key, value in node.items():
                if isinstance(value, (dict, list)) and not (
                    isinstance(key, str) and (key.startswith("x-") or key in ("example", "examples"))
                ):
                    stack.append((value, f"{pointer}/{escape_pointer_token(key)}"))
        elif isinstance(node, list):
            stack.extend((value, f"{pointer}/{index}") for index, value in enumerate(node) if isinstance(value, (dict, list)))
    warnings: list[Diagnostic] = []
    for named, union in discriminated:
        for tag, target in sorted(union.tags.items()):
            variant = api.types.get(target)
            if variant is None or not variant.pointer:
                continue
            uses = [p for p in where_used.get(variant.pointer, []) if not p.startswith(named.pointer + "/")]
            allowed = _tag_values(wire, value_at(wire, variant.pointer), union.tag_property or "", set())
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
                if not isinstance(value, (dict, list)):
                    continue
                child = f"{pointer}/{key if '~' not in key and '/' not in key else escape_pointer_token(key)}"
                if key == "schema" and isinstance(value, dict):
                    roots.append((child, value))
                elif child != "/components/schemas":
                    stack.append((child, value))
        elif isinstance(node, list):
            stack.extend((f"{pointer}/{i}", value) for i, value in enumerate(node) if isinstance(value, (dict, list)))
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
                stack.extend(
                    (f"{pointer}/{key}/{k if isinstance(k, str) and '~' not in k and '/' not in k else escape_pointer_token(k)}", sub)
                    for k, sub in schema[key].items()
                )
        if isinstance(schema.get("items"), list):
            stack.extend((f"{pointer}/items/{i}", sub) for i, sub in enumerate(schema["items"]))


def _reason(error: Any) -> str:
    where = "".join(f"[{part!r}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path)
    return f"{error.message}" + (f" at {where.lstrip('.')}" if where else "")


def _example_pointer(op: Operation, status: str, media: str, name: str) -> str:
    base = f"{op.pointer}/responses/{escape_pointer_token(status)}/content/{escape_pointer_token(media)}"
    return f"{base}/example" if name == "example" else f"{base}/examples/{escape_pointer_token(name)}/value"


