"""Build: turn a loaded, validated document into the raw IR.

This step translates structure only: JSON Schema keywords become IR types,
paths become operations. It decides nothing about Dixa's conventions; those
are the passes' job. Every component schema becomes a named type under its
document key; schemas reached through a `$ref` elsewhere (another file, a
non-component pointer) are registered under a name taken from their location.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from ..diagnostics import Diagnostic, SpecError, escape_pointer_token, join_pointer, pointer_tokens
from ..limits import MAX_SCHEMA_NESTING
from .model import (
    Api,
    ArrayType,
    Body,
    EnumMember,
    EnumType,
    MapType,
    NamedType,
    ObjectType,
    Operation,
    Parameter,
    Primitive,
    Property,
    Ref,
    Response,
    SecurityScheme,
    Type,
    UnionType,
    Webhook,
    WebhookSignature,
)
from ..reading.load import Document, RefResolver
from .media import HTTP_METHODS, HTTP_TOKEN, PATH_VARIABLE, essence, is_form, is_json_media, path_item_operations, sequence_framing

__all__ = ["build_api"]

_COMPONENT = re.compile(r"^/components/schemas/([^/]+)$")
_PRIMITIVES = {"string", "integer", "number", "boolean"}


def build_api(document: Document, resolver: RefResolver) -> Api:
    return _Builder(document, resolver).build()


# Header parameters OpenAPI says to ignore: `Accept` and `Content-Type` follow the
# documented media types, `Authorization` the security schemes.
# The fields of a Server-Sent Event, as an event stream's item schema names them.
_EVENT_FIELDS = frozenset({"data", "event", "id", "retry"})
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


class _Builder:
    def __init__(self, document: Document, resolver: RefResolver) -> None:
        self.document = document
        self.resolver = resolver
        self.types: dict[str, NamedType] = {}
        self.names_by_target: dict[tuple[str, str], str] = {}
        self.pending: list[tuple[str, Document, str, Any]] = []
        self.component_sources: dict[str, tuple[Document, str, Any]] = {}
        self.version = str(document.data.get("openapi", ""))

    # -- entry point -------------------------------------------------------------

    def build(self) -> Api:
        data = self.document.data
        info = _dict(data, "info")
        raw = self.document.path.read_bytes()
        api = Api(
            title=str(info.get("title", "")),
            version=str(info.get("version", "")),
            description=info.get("description") if isinstance(info.get("description"), str) else None,
            openapi=str(data.get("openapi")),
            source=self.document.path.name,
            spec_sha256=hashlib.sha256(raw).hexdigest(),
            servers=[self._server_url(s) for s in data.get("servers") or [] if isinstance(s, dict)],
        )
        components = _dict(data, "components")
        schemas = _dict(components, "schemas")
        for name, schema in schemas.items():
            pointer = join_pointer("components", "schemas", name)
            self.names_by_target[(self.document.uri, pointer)] = name
            self.component_sources[name] = (self.document, pointer, schema)
        for name, (doc, pointer, schema) in self.component_sources.items():
            if name not in self.types:
                self._define(name, doc, pointer, schema)
        try:
            api.operations = self._operations(data.get("paths"))
            api.webhooks = self._webhooks(data)
            self._drain()
        except RecursionError:
            raise SpecError([Diagnostic("schemas nest too deeply to be understood", str(self.document.path))]) from None
        _break_empty_cycles(self.types)
        api.types = dict(sorted(self.types.items()))
        api.security_schemes = self._security_schemes(components.get("securitySchemes"))
        api.tag_parents = self._tag_parents(data.get("tags"))
        api.security = [s for s in data.get("security") or [] if isinstance(s, dict)]
        api.webhook_signature = self._webhook_signature(data.get("x-webhook-signature"))
        return api

    @staticmethod
    def _server_url(server: dict[str, Any]) -> str:
        url = str(server.get("url", ""))
        variables = _dict(server, "variables")
        for key, variable in variables.items():
            if isinstance(variable, dict) and "default" in variable:
                url = url.replace("{" + key + "}", str(variable["default"]))
        return url

    # -- named types -------------------------------------------------------------

    def _define(self, name: str, doc: Document, pointer: str, schema: Any) -> None:
        schema = schema if isinstance(schema, dict) else {}
        named = NamedType(
            name=name,
            type=Primitive(name="any"),
            title=schema.get("title") if isinstance(schema.get("title"), str) else None,
            description=_text(schema.get("description")),
            pointer=pointer,
            file=str(doc.path),
            line=doc.line_of(pointer),
            component=doc is self.document and bool(_COMPONENT.match(pointer)),
            deprecated=bool(schema.get("deprecated")),
            examples=_schema_examples(schema),
            extensions={k: v for k, v in schema.items() if isinstance(k, str) and k.startswith("x-")},
        )
        self.types[name] = named
        if "$ref" in schema and isinstance(schema["$ref"], str):
            named.type = self._ref(schema["$ref"], doc)
        else:
            named.type = self.convert(schema, doc, pointer)

    def _drain(self) -> None:
        while self.pending:
            name, doc, pointer, schema = self.pending.pop(0)
            self._define(name, doc, pointer, schema)

    def _ref(self, ref: str, doc: Document) -> Ref:
        try:
            contents, uri, pointer = self.resolver.lookup(ref, doc.uri)
        except LookupError:
            raise SpecError([doc.diagnostic("", f"$ref {ref!r} does not resolve")]) from None
        key = (uri, pointer)
        name = self.names_by_target.get(key)
        if name is None:
            base = _name_from_location(uri, pointer)
            name = base
            index = 2
            while name in self.types or name in self.names_by_target.values():
                name = f"{base}{index}"
                index += 1
            self.names_by_target[key] = name
            self.pending.append((name, self.resolver.document(uri), pointer, contents))
        return Ref(target=name)

    def _deref(self, node: Any, doc: Document, pointer: str) -> tuple[Any, Document, str]:
        """Follow `$ref` chains of non-schema objects (parameters, bodies, responses)."""
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and hops < 32:
            try:
                node, uri, pointer = self.resolver.lookup(node["$ref"], doc.uri)
            except LookupError:
                raise SpecError([doc.diagnostic(pointer, f"$ref {node['$ref']!r} does not resolve")]) from None
            doc = self.resolver.document(uri)
            hops += 1
        return node, doc, pointer

    # -- schemas -----------------------------------------------------------------

    def convert(self, schema: Any, doc: Document, pointer: str) -> Type:
        """One JSON Schema (OpenAPI flavour) to an IR type."""
        if schema is True or schema == {} or not isinstance(schema, dict):
            return Primitive(name="any")
        if isinstance(schema.get("$ref"), str):
            target = self._ref(schema["$ref"], doc)
            target.nullable = schema.get("nullable") is True
            return target
        if _nesting(pointer) > MAX_SCHEMA_NESTING:
            raise SpecError([doc.diagnostic(
                pointer, f"inline schemas nest more than {MAX_SCHEMA_NESTING} deep (limit MAX_SCHEMA_NESTING): "
                "give some of them a name under components/schemas",
            )])
        nullable = schema.get("nullable") is True
        declared = schema.get("type")
        types: list[str] = []
        if isinstance(declared, list):
            types = [t for t in declared if isinstance(t, str)]
            if "null" in types:
                nullable = True
                types = [t for t in types if t != "null"]
        elif isinstance(declared, str):
            if declared == "null":
                return Primitive(name="any", nullable=True)
            types = [declared]
        result = self._convert_shape(schema, types, doc, pointer)
        if nullable:
            result.nullable = True
        return result

    def _convert_shape(self, schema: dict[str, Any], types: list[str], doc: Document, pointer: str) -> Type:
        if "const" in schema:
            return EnumType(members=[EnumMember(value=schema["const"])], base=_enum_base([schema["const"]]), source="const")
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            values = [v for v in schema["enum"] if v is not None]
            result = EnumType(
                members=[EnumMember(value=v) for v in _unique(values)], base=_enum_base(values), source="enum"
            )
            result.nullable = None in schema["enum"]
            return result if values else Primitive(name="any", nullable=True)
        for keyword in ("oneOf", "anyOf"):
            if isinstance(schema.get(keyword), list) and schema[keyword]:
                return self._union(schema, keyword, doc, pointer)
        if isinstance(schema.get("allOf"), list) and schema["allOf"]:
            return self._all_of(schema, doc, pointer)
        if len(types) > 1:
            variants = [self._convert_shape({**schema, "type": t}, [t], doc, pointer) for t in types]
            return UnionType(variants=variants, style="plain")
        kind = types[0] if types else None
        if kind == "array" or (kind is None and "items" in schema):
            items = schema.get("items")
            if isinstance(items, list):  # tuple form: take the first item type
                items = items[0] if items else {}
            return ArrayType(
                items=self.convert(items, doc, pointer + "/items"), unique=schema.get("uniqueItems") is True
            )
        if kind == "object" or (kind is None and ("properties" in schema or "additionalProperties" in schema)):
            return self._object(schema, doc, pointer)
        if kind in _PRIMITIVES:
            return Primitive(name=kind, format=schema.get("format") if isinstance(schema.get("format"), str) else None)  # type: ignore[arg-type]
        return Primitive(name="any")

    def _object(self, schema: dict[str, Any], doc: Document, pointer: str) -> Type:
        properties = _dict(schema, "properties")
        additional = schema.get("additionalProperties")
        pattern = schema.get("patternProperties")
        extra: Type | None = None
        if isinstance(additional, dict):
            extra = self.convert(additional, doc, pointer + "/additionalProperties")
        elif additional is True:
            extra = Primitive(name="any")
        elif isinstance(pattern, dict) and pattern:
            first_pattern, first_schema = next(iter(pattern.items()))
            extra = self.convert(first_schema, doc, pointer + "/patternProperties/" + escape_pointer_token(first_pattern))
        if not properties and extra is not None:
            return MapType(values=extra)
        required = _list(schema, "required")
        result = ObjectType(additional=extra)
        for wire_name, prop_schema in properties.items():
            prop_pointer = pointer + "/properties/" + escape_pointer_token(wire_name)
            prop_schema = prop_schema if isinstance(prop_schema, dict) else {}
            result.properties.append(
                Property(
                    wire_name=str(wire_name),
                    type=self.convert(prop_schema, doc, prop_pointer),
                    required=wire_name in required,
                    description=_text(prop_schema.get("description")),
                    default=prop_schema.get("default"),
                    has_default="default" in prop_schema,
                    read_only=prop_schema.get("readOnly") is True,
                    write_only=prop_schema.get("writeOnly") is True,
                    deprecated=prop_schema.get("deprecated") is True,
                )
            )
        return result

    def _union(self, schema: dict[str, Any], keyword: str, doc: Document, pointer: str) -> Type:
        variants: list[Type] = []
        nullable = False
        for index, variant in enumerate(schema[keyword]):
            if isinstance(variant, dict) and (variant.get("type") == "null" or variant.get("enum") == [None]):
                nullable = True
                continue
            variants.append(self.convert(variant, doc, f"{pointer}/{keyword}/{index}"))
        if not variants:
            return Primitive(name="any", nullable=True)
        if len(variants) == 1 and not isinstance(variants[0], Ref):
            variants[0].nullable = variants[0].nullable or nullable
            return variants[0]
        result = UnionType(variants=variants, nullable=nullable)
        discriminator = schema.get("discriminator")
        if isinstance(discriminator, dict) and isinstance(discriminator.get("propertyName"), str):
            result.explicit_discriminator = True
            result.tag_property = discriminator["propertyName"]
            mapping = _dict(discriminator, "mapping")
            for value, target in mapping.items():
                if isinstance(target, str):
                    ref = target if "/" in target or "#" in target else f"#/components/schemas/{target}"
                    result.tags[str(value)] = self._ref(ref, doc).target
        return result

    def _all_of(self, schema: dict[str, Any], doc: Document, pointer: str) -> Type:
        """Merge the parts' properties, later parts overriding earlier ones (in
        place), and a part's `required` applying to what other parts declare.
        With exactly one `$ref` part, that schema is proposed as the base."""
        parts = schema["allOf"]
        own = {k: v for k, v in schema.items() if k not in ("allOf", "description", "title", "example", "examples")}
        if len(parts) == 1 and not own.get("properties"):
            return self.convert(parts[0], doc, pointer + "/allOf/0")
        merged = ObjectType()
        seen: dict[str, Property] = {}
        required: set[str] = set()
        bases: list[str] = []
        sources: list[tuple[Any, Document, str]] = [
            (part, doc, f"{pointer}/allOf/{i}") for i, part in enumerate(parts)
        ] + [(own, doc, pointer)]
        for part, part_doc, part_pointer in sources:
            resolved = self.convert(part, part_doc, part_pointer)
            if isinstance(part, dict) and isinstance(part.get("$ref"), str) and isinstance(resolved, Ref):
                bases.append(resolved.target)
            elif isinstance(part, dict) and isinstance(part.get("required"), list):
                required.update(str(name) for name in part["required"])
            for prop, extra in self._object_properties(resolved, set()):
                earlier = seen.get(prop.wire_name)
                if earlier is not None and earlier.required and not prop.required:
                    prop = Property(**{**prop.__dict__, "required": True})  # every part's `required` holds
                seen[prop.wire_name] = prop
                if extra is not None:
                    merged.additional = extra
        for name in required & set(seen):
            if not seen[name].required:
                seen[name] = Property(**{**seen[name].__dict__, "required": True})
        merged.properties = list(seen.values())
        merged.base = bases[0] if len(bases) == 1 else None
        return merged

    def _object_properties(self, type_: Type, visiting: set[str]) -> list[tuple[Property, Type | None]]:
        """Properties an allOf part contributes (following refs; schemas are built lazily)."""
        if isinstance(type_, Ref):
            if type_.target in visiting:
                return []
            self._drain()
            if type_.target not in self.types and type_.target in self.component_sources:
                self._define(type_.target, *self.component_sources[type_.target])
            named = self.types.get(type_.target)
            return self._object_properties(named.type, visiting | {type_.target}) if named else []
        if isinstance(type_, ObjectType):
            return [(p, type_.additional) for p in type_.properties]
        if isinstance(type_, UnionType):
            out: list[tuple[Property, Type | None]] = []
            for variant in type_.variants:
                for prop, extra in self._object_properties(variant, visiting):
                    out.append((Property(**{**prop.__dict__, "required": False}), extra))
            return out
        return []

    # -- operations --------------------------------------------------------------

    def _operations(self, paths: Any) -> list[Operation]:
        operations: list[Operation] = []
        if not isinstance(paths, dict):
            return operations
        for path, item in paths.items():
            if not str(path).startswith("/"):
                continue  # not a path (an extension, or a mistake validation reports)
            item_pointer = join_pointer("paths", path)
            item, item_doc, _ = self._deref(item, self.document, item_pointer)
            if not isinstance(item, dict):
                continue
            shared = _list(item, "parameters")
            for method, key, raw in path_item_operations(item, self.version):
                if isinstance(raw, dict) and HTTP_TOKEN.fullmatch(method):
                    operations.append(self._operation(str(path), method, raw, shared, item_doc, f"{item_pointer}/{key}"))
        return operations

    def _operation(
        self, path: str, method: str, raw: dict[str, Any], shared: list[Any], doc: Document, pointer: str
    ) -> Operation:
        operation_id = raw.get("operationId")
        if not isinstance(operation_id, str) or not operation_id.strip():
            operation_id = method.lower() + "".join(_pascal(p) for p in re.split(r"[^A-Za-z0-9]+", path) if p)
        operation = Operation(
            operation_id=operation_id,
            method=method,
            path=path,
            tags=[str(t) for t in raw.get("tags") or [] if isinstance(t, (str, int))],
            summary=_text(raw.get("summary")),
            description=_text(raw.get("description")),
            deprecated=raw.get("deprecated") is True,
            security=[s for s in raw["security"] if isinstance(s, dict)] if isinstance(raw.get("security"), list) else None,
            pointer=pointer,
            extensions={k: v for k, v in raw.items() if isinstance(k, str) and k.startswith("x-")},
        )
        by_key: dict[tuple[str, str], Parameter] = {}
        # A parameter of the path item is where the path item declares it, not in the operation's list.
        item_pointer = pointer.rsplit("/", 1)[0]
        declared = [(entry, f"{item_pointer}/parameters/{index}") for index, entry in enumerate(shared)]
        declared += [(entry, f"{pointer}/parameters/{index}") for index, entry in enumerate(_list(raw, "parameters"))]
        for entry, entry_pointer in declared:
            parameter = self._parameter(entry, doc, entry_pointer)
            if parameter is not None:
                by_key[(parameter.location, parameter.name)] = parameter
        for variable in PATH_VARIABLE.findall(path):
            if ("path", variable) not in by_key:  # undeclared (a warning from validation): still usable
                by_key[("path", variable)] = Parameter(
                    name=variable, location="path", type=Primitive(name="string"), required=True
                )
        operation.parameters = list(by_key.values())
        if "requestBody" in raw:
            operation.bodies = self._bodies(raw["requestBody"], doc, pointer + "/requestBody")
            operation.body = operation.bodies[0] if operation.bodies else None
        responses = _dict(raw, "responses")
        for status, response in responses.items():
            operation.responses.append(self._response(str(status), response, doc, f"{pointer}/responses/{status}"))
        return operation

    def _parameter(self, entry: Any, doc: Document, pointer: str) -> Parameter | None:
        entry, doc, pointer = self._deref(entry, doc, pointer)
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            return None
        location = entry.get("in")
        if location not in ("path", "query", "header", "cookie") and not (
            location == "querystring" and self.version.startswith("3.2")
        ):
            return None
        if location == "header" and entry["name"].lower() in _IGNORED_HEADERS:
            return None  # OpenAPI: the media types and the credentials are not parameters
        if location in ("header", "cookie") and not HTTP_TOKEN.fullmatch(entry["name"]):
            return None  # no HTTP message can carry it (validation says so, located)
        schema = entry.get("schema")
        schema_pointer = pointer + "/schema"
        content_type = ""
        if schema is None and isinstance(entry.get("content"), dict) and entry["content"]:
            media_type, media = next(iter(entry["content"].items()))
            content_type = str(media_type)
            schema = media.get("schema") if isinstance(media, dict) else None
            schema_pointer = pointer + "/content/" + escape_pointer_token(media_type) + "/schema"
        return Parameter(
            name=entry["name"],
            location=location,
            type=self.convert(schema if schema is not None else {"type": "string"}, doc, schema_pointer),
            required=entry.get("required") is True or location == "path",
            description=_text(entry.get("description")),
            deprecated=entry.get("deprecated") is True,
            style=entry.get("style") if isinstance(entry.get("style"), str) else None,
            explode=entry.get("explode") if isinstance(entry.get("explode"), bool) else None,
            schema_pointer=schema_pointer if schema is not None and doc is self.document else "",
            content_type=content_type,
        )

    def _bodies(self, raw: Any, doc: Document, pointer: str) -> list[Body]:
        raw, doc, pointer = self._deref(raw, doc, pointer)
        if not isinstance(raw, dict) or not isinstance(raw.get("content"), dict):
            return []
        bodies: list[Body] = []
        for media_type, media in raw["content"].items():
            media = media if isinstance(media, dict) else {}
            media_pointer = pointer + "/content/" + escape_pointer_token(media_type)
            bodies.append(
                Body(
                    content_type=str(media_type),
                    type=self.convert(media.get("schema", {}), doc, media_pointer + "/schema"),
                    required=raw.get("required") is True,
                    description=_text(raw.get("description")),
                    examples=list(self._media_examples(media, doc).values()),
                    schema_pointer=media_pointer + "/schema" if "schema" in media and doc is self.document else "",
                    encoding=_form_encoding(str(media_type), media.get("encoding")),
                )
            )
        bodies.sort(key=lambda b: _media_rank(b.content_type))
        return bodies

    def _response(self, status: str, raw: Any, doc: Document, pointer: str) -> Response:
        raw, doc, pointer = self._deref(raw, doc, pointer)
        raw = raw if isinstance(raw, dict) else {}
        response = Response(status=status, description=_text(raw.get("description")))
        response.headers = [str(name) for name in _dict(raw, "headers")]
        content = _dict(raw, "content")
        if content:
            media_type = min(content, key=_media_rank)
            media = content[media_type] if isinstance(content[media_type], dict) else {}
            response.content_type = str(media_type)
            if "schema" in media:
                schema_pointer = pointer + "/content/" + escape_pointer_token(media_type) + "/schema"
                response.type = self.convert(media["schema"], doc, schema_pointer)
                response.schema_pointer = schema_pointer if doc is self.document else ""
            elif is_json_media(str(media_type)):
                response.type = Primitive(name="any")
            media_pointer = pointer + "/content/" + escape_pointer_token(media_type)
            if "itemSchema" in media and self.version.startswith("3.2"):
                response.item_type = self.convert(media["itemSchema"], doc, media_pointer + "/itemSchema")
            if sequence_framing(str(media_type)) == "sse":
                # An event's fields described by the item schema (or, before 3.2, by the schema,
                # or by the items of the array the schema documents the stream as).
                key = "itemSchema" if response.item_type is not None else "schema"
                if key in media:
                    event = self._event_schema(media[key], doc, media_pointer + "/" + key, key == "schema")
                    if event is not None:
                        response.item_data_type = self._event_data(*event)
                        response.event_name = _event_name(event[0])
            response.examples = self._media_examples(media, doc)
        return response

    def _event_schema(self, schema: Any, doc: Document, pointer: str, array: bool) -> tuple[dict[str, Any], Document, str] | None:
        """An event stream's item schema (dereferenced, with where it is) when it
        describes the event itself: its properties are only `data`, `event`,
        `id`, `retry`, `data` among them; with `array` (a 3.0/3.1 `schema`), the
        items of an array schema are looked at too. None for any other."""
        schema, doc, pointer = self._deref(schema, doc, pointer)
        if array and isinstance(schema, dict) and schema.get("type") == "array" and "items" in schema:
            return self._event_schema(schema["items"], doc, pointer + "/items", False)
        properties = schema.get("properties") if isinstance(schema, dict) else None
        if not isinstance(properties, dict) or "data" not in properties or not set(properties) <= _EVENT_FIELDS:
            return None
        return schema, doc, pointer

    def _event_data(self, schema: dict[str, Any], doc: Document, pointer: str) -> Type:
        """The type of the `data` of an event's schema (`_event_schema`): its
        `contentSchema` (the JSON the text holds), else its schema."""
        written = schema["properties"]["data"]
        data, data_doc, data_pointer = self._deref(written, doc, pointer + "/properties/data")
        if isinstance(data, dict) and "contentSchema" in data:
            return self.convert(data["contentSchema"], data_doc, data_pointer + "/contentSchema")
        # The schema as written: a `$ref` stays a use of the named type, not a copy of it.
        return self.convert(written, doc, pointer + "/properties/data")

    def _media_examples(self, media: dict[str, Any], doc: Document) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if "example" in media:
            found["example"] = media["example"]
        examples = media.get("examples")
        if isinstance(examples, dict):
            for name, example in examples.items():
                example, _, _ = self._deref(example, doc, "")
                # `dataValue`: OpenAPI 3.2's name for the value as data (beside its `serializedValue`).
                key = "value" if isinstance(example, dict) and "value" in example else "dataValue"
                if isinstance(example, dict) and key in example:
                    found[str(name)] = example[key]
        return found

    # -- webhooks ----------------------------------------------------------------

    def _webhooks(self, data: dict[str, Any]) -> list[Webhook]:
        """OpenAPI 3.1 `webhooks` and 3.0's `x-webhooks` extension (same shape:
        name → path item whose operation posts the event as its body)."""
        webhooks: list[Webhook] = []
        for key in ("webhooks", "x-webhooks"):
            for name, item in _dict(data, key).items():
                item_pointer = join_pointer(key, str(name))
                item, item_doc, _ = self._deref(item, self.document, item_pointer)
                if not isinstance(item, dict):
                    continue
                method = next((m for m in HTTP_METHODS if isinstance(item.get(m), dict)), None)
                if method is None:
                    continue
                raw = item[method]
                pointer = f"{item_pointer}/{method}"
                webhook = Webhook(
                    name=str(name),
                    summary=_text(raw.get("summary")),
                    description=_text(raw.get("description")) or _text(item.get("description")),
                    deprecated=raw.get("deprecated") is True,
                    pointer=pointer,
                    extensions={k: v for k, v in raw.items() if isinstance(k, str) and k.startswith("x-")},
                )
                if "requestBody" in raw:
                    bodies = self._bodies(raw["requestBody"], item_doc, pointer + "/requestBody")
                    if bodies:
                        webhook.payload = bodies[0].type
                        webhook.content_type = bodies[0].content_type
                webhooks.append(webhook)
        return webhooks

    def _webhook_signature(self, raw: Any) -> WebhookSignature | None:
        """The spec's `x-webhook-signature`, checked: a scheme the runtime does not
        know is an error, not a receiver that silently verifies nothing."""
        if raw is None:
            return None
        pointer = "/x-webhook-signature"
        if not isinstance(raw, dict):
            raise SpecError([self.document.diagnostic(pointer, "x-webhook-signature must be an object")])
        scheme = raw.get("scheme")
        if scheme != "timestamped-hmac-sha256":
            raise SpecError([self.document.diagnostic(
                pointer + "/scheme", f"unknown webhook signature scheme {scheme!r} (known: 'timestamped-hmac-sha256')"
            )])
        header = raw.get("header")
        if not isinstance(header, str) or not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", header):
            raise SpecError([self.document.diagnostic(pointer + "/header", "header must be an HTTP header name")])
        choices = {"secret-encoding": ("hex", "base64", "utf-8"), "timestamp-unit": ("ms", "s")}
        found: dict[str, str] = {}
        for key, default in (("timestamp-key", "t"), ("signature-key", "v1"), ("secret-encoding", "hex"),
                             ("timestamp-unit", "ms")):
            value = raw.get(key, default)
            allowed = choices.get(key)
            if not isinstance(value, str) or not value or (allowed is not None and value not in allowed) or \
                    any(c in value for c in ",= "):
                expected = f"one of {', '.join(allowed)}" if allowed else "a key without ',', '=' or spaces"
                raise SpecError([self.document.diagnostic(f"{pointer}/{key}", f"{key} must be {expected}")])
            found[key] = value
        return WebhookSignature(
            header=header,
            timestamp_key=found["timestamp-key"],
            signature_key=found["signature-key"],
            secret_encoding=found["secret-encoding"],  # type: ignore[arg-type]
            timestamp_unit=found["timestamp-unit"],  # type: ignore[arg-type]
        )

    # -- security ----------------------------------------------------------------

    @staticmethod
    def _tag_parents(raw: Any) -> dict[str, str]:
        """Each declared tag's `parent` (OpenAPI 3.2), where the parent is a declared
        tag too; a link that would close a cycle is left out."""
        tags = [t for t in raw if isinstance(t, dict) and isinstance(t.get("name"), str)] if isinstance(raw, list) else []
        names = {t["name"] for t in tags}
        parents: dict[str, str] = {}
        for tag in tags:
            parent = tag.get("parent")
            if not isinstance(parent, str) or parent not in names or parent == tag["name"]:
                continue
            seen, up = {tag["name"]}, parent
            while up in parents and up not in seen:
                seen.add(up)
                up = parents[up]
            if up not in seen:
                parents[tag["name"]] = parent
        return parents

    @staticmethod
    def _security_schemes(raw: Any) -> list[SecurityScheme]:
        schemes: list[SecurityScheme] = []
        for name, scheme in (raw or {}).items() if isinstance(raw, dict) else []:
            if not isinstance(scheme, dict):
                continue
            schemes.append(
                SecurityScheme(
                    name=str(name),
                    type=str(scheme.get("type", "")),
                    location=scheme.get("in") if isinstance(scheme.get("in"), str) else None,
                    parameter_name=scheme.get("name") if isinstance(scheme.get("name"), str) else None,
                    scheme=str(scheme["scheme"]).lower() if isinstance(scheme.get("scheme"), str) else None,
                    description=scheme["description"] if isinstance(scheme.get("description"), str) else None,
                    deprecated=scheme.get("deprecated") is True,
                    metadata_url=next(
                        (u for k in ("oauth2MetadataUrl", "openIdConnectUrl") if isinstance(u := scheme.get(k), str)),
                        None,
                    ),
                    flows={
                        str(flow): {k: v for k, v in urls.items() if k.endswith("Url") and isinstance(v, str)}
                        for flow, urls in _dict(scheme, "flows").items()
                        if isinstance(urls, dict)
                    },
                )
            )
        return schemes


def _break_empty_cycles(types: dict[str, NamedType]) -> None:
    """A schema that is only itself (`A: {$ref: B}`, `B: {allOf: [{$ref: A}]}`, or a
    union listing itself) says nothing: such references become "any value" and
    such union members are dropped, so no type is defined in terms of itself
    alone."""

    def bare_targets(type_: Type) -> list[str]:
        if isinstance(type_, Ref):
            return [type_.target]
        if isinstance(type_, UnionType):
            return [t for v in type_.variants for t in bare_targets(v)]
        return []

    def loops(start: str) -> bool:
        seen: set[str] = set()
        stack = bare_targets(types[start].type)
        while stack:
            name = stack.pop()
            if name == start:
                return True
            if name in types and name not in seen:
                seen.add(name)
                stack.extend(bare_targets(types[name].type))
        return False

    for named in [n for n in types.values() if loops(n.name)]:
        type_ = named.type
        if isinstance(type_, UnionType):
            type_.variants = [v for v in type_.variants if not (isinstance(v, Ref) and v.target == named.name)]
            if len(type_.variants) == 1 and type_.style != "plain" or not type_.variants:
                kept = type_.variants[0] if type_.variants else Primitive(name="any")
                kept.nullable = kept.nullable or type_.nullable
                named.type = kept
        if loops(named.name):
            named.type = Primitive(name="any", nullable=named.type.nullable)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _schema_examples(schema: dict[str, Any]) -> list[Any]:
    found = [schema["example"]] if "example" in schema else []
    if isinstance(schema.get("examples"), list):
        found.extend(schema["examples"])
    return found


def _unique(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if not any(value == seen and type(value) is type(seen) for seen in out):
            out.append(value)
    return out


def _enum_base(values: list[Any]) -> Any:
    kinds = {type(v) for v in values if v is not None}
    if kinds == {str}:
        return "string"
    if kinds == {bool}:
        return "boolean"
    if kinds == {int}:
        return "integer"
    if kinds <= {int, float}:
        return "number"
    return "mixed"


def _form_encoding(media_type: str, raw: Any) -> dict[str, tuple[str, bool]]:
    """The fields of a URL-encoded form that its `encoding` gives a style of
    their own (`deepObject`, or `form` not exploded), with `explode`."""
    if not is_form(media_type) or not isinstance(raw, dict):
        return {}
    found: dict[str, tuple[str, bool]] = {}
    for name, entry in raw.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("style"), str):
            continue
        style = str(entry["style"])
        given = entry.get("explode")
        explode = given if isinstance(given, bool) else style == "form"
        if (style, explode) != ("form", True):
            found[str(name)] = (style, explode)
    return found


def _event_name(schema: dict[str, Any]) -> str | None:
    """The one name an event's schema gives its `event` field (`const`, an enum of
    one value, or a default), which the stub sends; None where it names none or several."""
    event = schema["properties"].get("event")
    if not isinstance(event, dict):
        return None
    enum = event.get("enum")
    for name in (event.get("const"), enum[0] if isinstance(enum, list) and len(enum) == 1 else None, event.get("default")):
        if isinstance(name, str) and name and "\n" not in name and "\r" not in name:
            return name
    return None


def _media_rank(media_type: str) -> tuple[int, int, str]:
    """JSON first: `application/json` itself, then other JSON types, then ranges
    (`application/*+json`), which a request cannot carry as its Content-Type."""
    lowered = media_type.lower()
    if is_json_media(lowered):
        bare = essence(lowered)
        return (0, 0 if bare == "application/json" else 2 if "*" in bare else 1, lowered)
    for rank, prefix in enumerate(("application/x-www-form-urlencoded", "multipart/", "application/octet-stream", "text/"), 1):
        if lowered.startswith(prefix):
            return (rank, 0, lowered)
    return (9, 0, lowered)


def _pascal(text: str) -> str:
    return text[:1].upper() + text[1:]


# How the keywords on the way into a schema read in a name made from its position.
_POSITION_WORDS = {"properties": "", "items": "Item", "additionalProperties": "Value", "allOf": "", "anyOf": "",
                   "oneOf": "", "not": "Not", "prefixItems": "Item", "patternProperties": ""}


def _nesting(pointer: str) -> int:
    """How many inline schemas `pointer` goes through (the keywords that lead into one)."""
    return sum(1 for token in pointer.split("/") if token in _POSITION_WORDS)


def _name_from_location(uri: str, pointer: str) -> str:
    tokens = [t for t in pointer_tokens(pointer) if t]
    if len(tokens) > 3 and tokens[:2] == ["components", "schemas"]:
        # Inside a component (`Foo/properties/bar`): named from the component down, as
        # an inline schema there would be (`FooBar`), not after its last token alone.
        words = [_POSITION_WORDS.get(t, t) for t in tokens[2:]]
        base = "".join(_pascal(w) for part in words for w in re.split(r"[^A-Za-z0-9]+", part) if w)
    elif tokens and tokens[-1] not in ("schema", "items", "additionalProperties"):
        base = tokens[-1]
    else:
        stem = uri.rsplit("/", 1)[-1].split(".", 1)[0]
        base = "".join(_pascal(t) for t in re.split(r"[^A-Za-z0-9]+", stem + " " + " ".join(tokens)) if t)
    return base or "Schema"


def _dict(mapping: dict[str, Any], key: str) -> dict[Any, Any]:
    """`mapping[key]` if it is a mapping, else empty: a malformed part of a spec is read as absent."""
    value = mapping.get(key)
    return value if isinstance(value, dict) else {}


def _list(mapping: dict[str, Any], key: str) -> list[Any]:
    """`mapping[key]` if it is a list, else empty."""
    value = mapping.get(key)
    return value if isinstance(value, list) else []
