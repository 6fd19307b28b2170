"""openapi-spec-validator's checks beyond OpenAPI's own JSON Schema, over the
document's plain dicts, in time that grows with the document.

openapi-spec-validator checks a document in two steps: the whole document
against OpenAPI's JSON Schema (fast: jsonschema-rs), then a walk of paths and
component schemas that checks each schema against its dialect's meta-schema,
each `default` against its schema, `required` names under `allOf`, duplicate
parameters and tags. Its walk goes through `jsonschema_path` objects, whose
every step resolves `$ref`s and checks protocols, and it checks each schema's
meta-schema with a pure-Python validator built anew per schema: two and a half
minutes for Microsoft Graph's 6,000 schemas. This is the same walk, in the same
order, with the same findings and messages, over plain dicts: a `$ref` is
resolved through the document's own `RefResolver`, and a schema's meta-schema
check runs first in jsonschema-rs, built once per dialect; only a schema it
refuses is checked again by the pure-Python validator, whose first error is the
one openapi-spec-validator reports.

Each finding carries the path of the schema it is about (`_BASE`, through
`$ref`s as written from the document root), which `validator_messages.describe`
follows to the file, pointer and line where the problem is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

import jsonschema_rs
from jsonschema.exceptions import SchemaError, ValidationError  # type: ignore[import-untyped]
from jsonschema.validators import validator_for  # type: ignore[import-untyped]
from openapi_schema_validator import (
    OAS31_BASE_DIALECT_ID,
    OAS32_BASE_DIALECT_ID,
    OAS30Validator,
    OAS31Validator,
    OAS32Validator,
    oas30_format_checker,
    oas31_format_checker,
    oas32_format_checker,
)
from openapi_schema_validator._specifications import REGISTRY as OPENAPI_SPECIFICATIONS
from openapi_spec_validator.validation.exceptions import (
    ExtraParametersError,
    OpenAPIValidationError,
    ParameterDuplicateError,
)

from ..diagnostics import SpecError
from .load import Document, RefResolver

__all__ = ["BASE", "SpecChecks", "Work"]

BASE = "dixagen_base"  # attribute of a finding: the path of the schema (or object) it is about

_OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_MAX_REF_HOPS = 64  # a longer chain of `$ref`s is a loop: check_fatal reports chains long before


class Work:
    """How much a check did, counted: a test holds these to the size of the
    spec (a count grows with the document; a time only hints at it)."""

    def __init__(self) -> None:
        self.schemas_walked = 0
        self.fast_meta_checks = 0
        self.slow_meta_checks = 0
        self.defaults_checked = 0


class _Dialect:
    """The meta-schema check of one JSON Schema dialect: jsonschema-rs decides,
    the pure-Python check (openapi-spec-validator's own) says why."""

    def __init__(self, check: Callable[[Any], None], meta_schema: Any, formats: Any) -> None:
        self.check = check
        self.fast: Any = None
        try:
            # The format checks are the pure-Python ones (Python's `re` for `regex`),
            # so that what jsonschema-rs lets pass, the pure-Python check lets pass too.
            self.fast = jsonschema_rs.validator_for(
                meta_schema,
                registry=_rs_registry(),
                formats={name: partial(_conforms, formats, name) for name in formats.checkers},
                validate_formats=True,
            )
        except Exception:  # a meta-schema jsonschema-rs cannot compile: every schema is checked slowly
            self.fast = None

    def error(self, schema: Any, work: Work) -> OpenAPIValidationError | None:
        if self.fast is not None:
            work.fast_meta_checks += 1
            try:
                if self.fast.is_valid(schema):
                    return None
            except Exception:  # a value jsonschema-rs cannot take (a huge integer): the slow check decides
                pass
        work.slow_meta_checks += 1
        try:
            self.check(schema)
        except (SchemaError, ValidationError) as err:
            return OpenAPIValidationError.create_from(err)  # type: ignore[no-any-return]
        return None


def _conforms(formats: Any, name: str, value: Any) -> bool:
    return bool(formats.conforms(value, name))


_RS_REGISTRY: Any = None


def _rs_registry() -> Any:
    """The meta-schemas OpenAPI's dialects refer to, for jsonschema-rs."""
    global _RS_REGISTRY
    if _RS_REGISTRY is None:
        _RS_REGISTRY = jsonschema_rs.Registry([(uri, OPENAPI_SPECIFICATIONS.contents(uri)) for uri in OPENAPI_SPECIFICATIONS])
    return _RS_REGISTRY


_DIALECTS: dict[tuple[str, str], _Dialect | None] = {}


def _dialect(version: str, dialect_id: str) -> _Dialect | None:
    """The check of `dialect_id` in a document of `version` (None: no such dialect)."""
    key = (version, dialect_id)
    if key not in _DIALECTS:
        if version == "3.0":
            _DIALECTS[key] = _Dialect(OAS30Validator.check_schema, OAS30Validator.META_SCHEMA, oas30_format_checker)
        else:
            formats = oas32_format_checker if version == "3.2" else oas31_format_checker
            cls = validator_for({"$schema": dialect_id}, default=None)
            _DIALECTS[key] = None if cls is None else _Dialect(
                partial(cls.check_schema, format_checker=formats), cls.META_SCHEMA, formats
            )
    return _DIALECTS[key]


def _located(error: ValidationError, base: tuple[Any, ...]) -> ValidationError:
    if not isinstance(error, OpenAPIValidationError):
        error = OpenAPIValidationError.create_from(error)
    setattr(error, BASE, base)
    return error


class SpecChecks:
    """The checks of openapi-spec-validator's keyword validators (paths,
    operations, parameters, responses, component schemas, tags), minus the
    duplicate operationIds and undeclared path parameters that
    `validate._operation_problems` reports with a location of its own."""

    def __init__(self, document: Document, resolver: RefResolver) -> None:
        self.document = document
        self.resolver = resolver
        version = str(document.data.get("openapi", ""))
        self.version = "3.2" if version.startswith("3.2") else "3.1" if version.startswith("3.1") else "3.0"
        self.work = Work()
        self._meta_checked: set[int] = set()
        self._visited: set[int] = set()
        self._kept: list[Any] = []  # the values whose ids are in the sets above stay alive
        self._default_dialect: str | None = None
        self._declared: dict[int, frozenset[Any]] = {}  # id of a schema: the property names it reaches

    # -- $refs ---------------------------------------------------------------------------

    def _resolve(self, node: Any, uri: str) -> tuple[Any, str]:
        """The value `node` stands for (following `$ref`s) and the uri of its file."""
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and hops < _MAX_REF_HOPS:
            try:
                node, uri, _ = self.resolver.lookup(node["$ref"], uri)
            except (LookupError, SpecError):
                return None, uri  # reported by check_fatal
            hops += 1
        return node, uri

    # -- the walk ------------------------------------------------------------------------

    def iter_errors(self) -> Iterator[ValidationError]:
        data, uri = self.document.data, self.document.uri
        if not isinstance(data, dict):
            return
        if isinstance(data.get("tags"), list):
            yield from self._tags(data["tags"])
        paths, paths_uri = self._resolve(data.get("paths"), uri) if "paths" in data else (None, uri)
        if isinstance(paths, dict):
            for url, item in paths.items():
                yield from self._path(str(url), item, paths_uri, ("paths", url))
        components, components_uri = self._resolve(data.get("components"), uri) if "components" in data else (None, uri)
        if isinstance(components, dict) and "schemas" in components:
            schemas, schemas_uri = self._resolve(components["schemas"], components_uri)
            if isinstance(schemas, dict):
                for name, schema in schemas.items():
                    yield from self._schema(schema, schemas_uri, ("components", "schemas", name))

    def _path(self, url: str, item: Any, uri: str, base: tuple[Any, ...]) -> Iterator[ValidationError]:
        item, uri = self._resolve(item, uri)
        if not isinstance(item, dict):
            return
        if "parameters" in item:
            yield from self._parameters(item["parameters"], uri, (*base, "parameters"))
        operations = (*_OPERATIONS, "query") if self.version == "3.2" else _OPERATIONS
        for key, operation in item.items():
            if key in operations:
                yield from self._operation(operation, uri, (*base, key))
            elif key == "additionalOperations" and self.version == "3.2":
                more, more_uri = self._resolve(operation, uri)
                if isinstance(more, dict):
                    for name, extra in more.items():
                        yield from self._operation(extra, more_uri, (*base, key, name))

    def _operation(self, operation: Any, uri: str, base: tuple[Any, ...]) -> Iterator[ValidationError]:
        operation, uri = self._resolve(operation, uri)
        if not isinstance(operation, dict):
            return
        if "responses" in operation:
            responses, responses_uri = self._resolve(operation["responses"], uri)
            if isinstance(responses, dict):
                for code, response in responses.items():
                    yield from self._response(response, responses_uri, (*base, "responses", code))
        if "parameters" in operation:
            yield from self._parameters(operation["parameters"], uri, (*base, "parameters"))

    def _response(self, response: Any, uri: str, base: tuple[Any, ...]) -> Iterator[ValidationError]:
        response, uri = self._resolve(response, uri)
        if not isinstance(response, dict) or "content" not in response:
            return
        content, uri = self._resolve(response["content"], uri)
        if not isinstance(content, dict):
            return
        for media_type_name, media_type in content.items():
            media_type, media_uri = self._resolve(media_type, uri)
            if isinstance(media_type, dict) and "schema" in media_type:
                yield from self._schema(
                    media_type["schema"], media_uri, (*base, "content", media_type_name, "schema")
                )

    def _parameters(self, parameters: Any, uri: str, base: tuple[Any, ...]) -> Iterator[ValidationError]:
        parameters, uri = self._resolve(parameters, uri)
        if not isinstance(parameters, list):
            return
        seen: set[tuple[Any, Any]] = set()
        for index, parameter in enumerate(parameters):
            parameter, parameter_uri = self._resolve(parameter, uri)
            if not isinstance(parameter, dict):
                continue
            if "schema" in parameter:
                yield from self._schema(parameter["schema"], parameter_uri, (*base, index, "schema"))
            key = (parameter.get("name"), parameter.get("in"))
            try:
                repeated = key in seen
                seen.add(key)
            except TypeError:  # an unhashable name: OpenAPI's schema says what is wrong with it
                continue
            if repeated and key[0] is not None:
                yield _located(ParameterDuplicateError(f"Duplicate parameter '{key[0]}'"), (*base, index, "name"))

    def _tags(self, tags: list[Any]) -> Iterator[ValidationError]:
        names: dict[str, int] = {}
        parents: dict[str, Any] = {}
        for index, tag in enumerate(tags):
            tag, _ = self._resolve(tag, self.document.uri)
            if not isinstance(tag, dict) or not isinstance(tag.get("name"), str):
                continue
            name = tag["name"]
            if name in names:
                yield _located(OpenAPIValidationError(f"Duplicate tag name '{name}'"), ("tags", index, "name"))
            names.setdefault(name, index)
            parents[name] = tag.get("parent") if isinstance(tag.get("parent"), str) else None
        if self.version != "3.2":
            return
        for name, parent in parents.items():
            if parent is not None and parent not in names:
                yield _located(
                    OpenAPIValidationError(f"Tag '{name}' references unknown parent tag '{parent}'"),
                    ("tags", names[name], "parent"),
                )
        reported: set[str] = set()
        for start in parents:
            name, trail, position = start, [], {}  # type: ignore[var-annotated]
            while True:
                if name in position:
                    cycle = " -> ".join(trail[position[name]:] + [name])
                    if cycle not in reported:
                        reported.add(cycle)
                        yield _located(
                            OpenAPIValidationError(f"Circular tag hierarchy detected: {cycle}"),
                            ("tags", names[start], "parent"),
                        )
                    break
                position[name] = len(trail)
                trail.append(name)
                parent = parents.get(name)
                if parent is None or parent not in names:
                    break
                name = parent

    # -- schemas -------------------------------------------------------------------------

    def _schema(self, schema: Any, uri: str, base: tuple[Any, ...]) -> Iterator[ValidationError]:
        """openapi-spec-validator's SchemaValidator, depth first in the same
        order, with a stack of its own instead of Python's (a chain of a
        thousand schemas each holding the next is no recursion error)."""
        stack = [self._visit(schema, uri, base, require_properties=True, meta_checked=False)]
        while stack:
            try:
                step = next(stack[-1])
            except StopIteration:
                stack.pop()
                continue
            if isinstance(step, ValidationError):
                yield step
            else:
                stack.append(self._visit(*step))

    def _visit(
        self, schema: Any, uri: str, base: tuple[Any, ...], require_properties: bool, meta_checked: bool
    ) -> Iterator[Any]:
        """Yields findings, and the (schema, uri, base, require_properties,
        meta_checked) of each schema to visit in its turn."""
        value, uri = self._resolve(schema, uri)
        if not isinstance(value, (Mapping, bool)):
            yield _located(OpenAPIValidationError(f"{value!r} is not of type 'object', 'boolean'"), base)
            return
        if not meta_checked and id(value) not in self._meta_checked:
            self._meta_checked.add(id(value))
            self._kept.append(value)
            error = self._meta_error(value)
            if error is not None:
                yield _located(error, base)
                return
        if id(value) in self._visited:
            return
        self._visited.add(id(value))
        self._kept.append(value)
        self.work.schemas_walked += 1
        if not isinstance(value, Mapping):
            return
        for keyword in ("allOf", "anyOf", "oneOf"):
            if keyword in value:
                inner_list, inner_uri = self._resolve(value[keyword], uri)
                for index, inner in enumerate(inner_list if isinstance(inner_list, list) else ()):
                    yield (inner, inner_uri, (*base, keyword, index), False, True)
        for keyword in ("not", "items"):
            if keyword in value:
                yield (value[keyword], uri, (*base, keyword), False, True)
        if "properties" in value:
            properties, properties_uri = self._resolve(value["properties"], uri)
            if isinstance(properties, Mapping):
                for name, inner in properties.items():
                    yield (inner, properties_uri, (*base, "properties", name), False, True)
        if "allOf" in value and require_properties:
            yield from self._required_undeclared(value, uri, base)
        if "default" in value:
            default = value["default"]
            if isinstance(default, dict) and isinstance(default.get("$ref"), str):
                # openapi-spec-validator reads a `$ref` even in a default; one that
                # points nowhere is data (check_fatal does not look inside defaults)
                found, _ = self._resolve(default, uri)
                default = default if found is None else found
            nullable = value.get("nullable", False)
            if default is not None or nullable is not True:
                yield from self._default_errors(value, uri, default, base)

    def _required_undeclared(self, value: Mapping[str, Any], uri: str, base: tuple[Any, ...]) -> Iterator[ValidationError]:
        """`required` names that neither the schema nor its `allOf` parts declare."""
        required = self._resolve(value["required"], uri)[0] if "required" in value else None
        properties = self._resolve(value["properties"], uri)[0] if "properties" in value else None
        try:
            extra = set(required or []) - set(properties or [])
        except TypeError:  # `required` is not a list of names: the meta-schema check said so
            return
        if extra:  # only then are the allOf parts' names needed
            inner_list, inner_uri = self._resolve(value["allOf"], uri)
            for inner in inner_list if isinstance(inner_list, list) else ():
                extra -= self._properties(inner, inner_uri)
        if extra:
            shown = sorted(extra, key=repr)
            yield _located(ExtraParametersError(f"Required list has not defined properties: {shown}"), base)

    def _properties(self, schema: Any, uri: str) -> frozenset[Any]:
        """The property names a schema declares, itself or through allOf, anyOf,
        oneOf, items and not. Each schema is counted once (one that holds itself
        is no endless loop) and each answer is kept: a chain of a thousand
        `allOf` parents is read once, not once per child."""
        schema, uri = self._resolve(schema, uri)
        if not isinstance(schema, Mapping):
            return frozenset()
        known = self._declared.get(id(schema))
        if known is not None:
            return known
        names: set[Any] = set()
        pending, seen = [(schema, uri)], {id(schema)}
        while pending:
            node, node_uri = pending.pop()
            if "properties" in node:
                properties = self._resolve(node["properties"], node_uri)[0]
                if isinstance(properties, Mapping):
                    names.update(properties)
            inner: list[tuple[Any, str]] = []
            for keyword in ("allOf", "anyOf", "oneOf"):
                if keyword in node:
                    parts, parts_uri = self._resolve(node[keyword], node_uri)
                    if isinstance(parts, list):
                        inner.extend((part, parts_uri) for part in parts)
            inner.extend((node[keyword], node_uri) for keyword in ("items", "not") if keyword in node)
            for each, each_uri in inner:
                each, each_uri = self._resolve(each, each_uri)
                if not isinstance(each, Mapping) or id(each) in seen:
                    continue
                seen.add(id(each))
                if id(each) in self._declared:  # all it reaches, known already
                    names |= self._declared[id(each)]
                else:
                    pending.append((each, each_uri))
        answer = self._declared[id(schema)] = frozenset(names)
        self._kept.append(schema)
        return answer

    def _meta_error(self, value: Any) -> OpenAPIValidationError | None:
        if self.version == "3.0":
            dialect_id = ""
        elif isinstance(value, Mapping) and "$schema" in value:
            if not isinstance(value["$schema"], str):
                return OpenAPIValidationError(f"Unknown JSON Schema dialect: {value['$schema']!r}")
            dialect_id = value["$schema"]
        else:
            dialect_id = self._document_dialect()
        dialect = _dialect(self.version, dialect_id)
        if dialect is None:
            return OpenAPIValidationError(f"Unknown JSON Schema dialect: {dialect_id!r}")
        return dialect.error(value, self.work)

    def _document_dialect(self) -> str:
        if self._default_dialect is None:
            declared = self.document.data.get("jsonSchemaDialect")
            fallback = OAS32_BASE_DIALECT_ID if self.version == "3.2" else OAS31_BASE_DIALECT_ID
            self._default_dialect = declared if isinstance(declared, str) else fallback
        return self._default_dialect

    def _default_errors(self, schema: Mapping[str, Any], uri: str, default: Any, base: tuple[Any, ...]) -> Iterator[ValidationError]:
        """A schema's `default` checked against the schema, as openapi-spec-validator does."""
        self.work.defaults_checked += 1
        cls, formats = {
            "3.0": (OAS30Validator, oas30_format_checker),
            "3.1": (OAS31Validator, oas31_format_checker),
            "3.2": (OAS32Validator, oas32_format_checker),
        }[self.version]
        validator = cls(schema, _resolver=self._referencing_resolver(uri), format_checker=formats)
        for error in validator.iter_errors(default):
            yield _located(error, (*base, "default"))

    def _referencing_resolver(self, uri: str) -> Any:
        return self.resolver.referencing_resolver(uri)

