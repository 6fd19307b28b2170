"""openapi-spec-validator's findings as one readable, located line each.

The validator says where and what in ways that do not fit one line:

- checks of a schema object (its keywords, its `default`) report paths relative
  to that schema (`#/pattern`), so `spec_checks` records on each finding
  which schema it was checking, and the path is followed from the document
  root, through `$ref`s, to the file and pointer where the problem really is;
- a failed `oneOf` prints the whole failing object and names no reason: the
  reason is found among the alternatives (the one that got furthest, leaving
  out "is a `$ref`", which a real object never meant to be), re-checked with
  the pure-Python validator when the fast one gave none;
- messages that start with the value they are about print it in full: a long
  value is replaced by what it is ("the object").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]
from jsonschema.validators import validator_for  # type: ignore[import-untyped]
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator, OpenAPIV32SpecValidator
from openapi_spec_validator.schemas import schema_v30, schema_v31, schema_v32

from ..diagnostics import Diagnostic, SpecError, escape_pointer_token
from .load import Document, RefResolver
from .spec_checks import BASE as _BASE

__all__ = ["describe", "schema_validator_for_version"]

_LONGEST_VALUE = 60
_LONGEST_MESSAGE = 240


def schema_validator_for_version(version: str) -> Any:
    """openapi-spec-validator's check of a whole document against OpenAPI's
    JSON Schema, for the document's `openapi` version (3.0 for anything else):
    jsonschema-rs where it is installed, as openapi-spec-validator chooses."""
    if version.startswith("3.2"):
        return OpenAPIV32SpecValidator.schema_validator
    return (OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator).schema_validator


def describe(error: ValidationError, document: Document, resolver: RefResolver) -> Diagnostic:
    """One located line for one finding of the whole-document check or of `spec_checks`."""
    base = getattr(error, _BASE, None)
    reason = _reason(error, document if base is None else None)
    path = [*(base or ()), *_path_from_root(reason)]
    if reason is not error and base is None and not error.context:
        path = [*error.absolute_path, *_path_from_root(reason)]  # re-checked from the failing value
    try:
        # The fast validator's errors hold the whole document as their value.
        value = _value_at(document, path) if base is None else reason.instance
    except LookupError:
        value = reason.instance
    message = _message(reason, value)
    unexpected = _unexpected_keys(reason, value, document)
    if len(unexpected) == 1:
        path, message = [*path, unexpected[0]], f"unexpected property {unexpected[0]!r}"
    elif unexpected:
        message = "unexpected properties " + ", ".join(repr(k) for k in unexpected)
    doc, pointer = _real_location(document, resolver, path)
    return doc.diagnostic(pointer, message)


# -- the reason behind a failed oneOf/anyOf ---------------------------------------------


def _unexpected_keys(error: ValidationError, value: Any, document: Document) -> list[str]:
    """The keys an `additionalProperties: false` refused, which the validators
    name in different words, or not at all."""
    if not isinstance(value, dict) or not error.schema_path or list(error.schema_path)[-1] != "additionalProperties":
        return []
    schema = error.schema if isinstance(error.schema, dict) else None
    if schema is None:  # the fast validator keeps no schema: find it in OpenAPI's own
        try:
            schema = _meta_schema(document)
            for key in list(error.schema_path)[:-1]:
                schema = schema[key]
        except (KeyError, IndexError, TypeError):
            return []
    if not isinstance(schema, dict) or schema.get("additionalProperties") is not False:
        return []
    properties = schema.get("properties")
    declared = properties if isinstance(properties, dict) else {}
    patterns = list(schema.get("patternProperties") or {}) if isinstance(schema.get("patternProperties"), dict) else []
    return [
        str(key) for key in value
        if key not in declared and not any(re.search(pattern, str(key)) for pattern in patterns)
    ]


def _meta_schema(document: Document) -> Any:
    version = str(document.data.get("openapi", ""))
    if version.startswith("3.2"):
        return schema_v32
    return schema_v31 if version.startswith("3.1") else schema_v30


def _reason(error: ValidationError, document: Document | None) -> ValidationError:
    """The error that says why `error` happened (itself, if it says so already).
    `document`: the document `error` was found in by checking it whole."""
    context = list(error.context or [])
    keyword = list(error.schema_path)[-1] if error.schema_path else None  # the fast validator leaves `validator` unset
    if not context and keyword in ("oneOf", "anyOf") and document is not None:
        context = _recheck(error, document)
    if not context:
        return error
    return _furthest(context) or error


def _recheck(error: ValidationError, document: Document) -> list[ValidationError]:
    """The fast validator gives no alternatives: check the failing value again,
    against the part of the OpenAPI schema that refused it, in pure Python."""
    meta_schema = _meta_schema(document)
    schema: Any = meta_schema
    try:
        for key in list(error.schema_path)[:-1]:
            schema = schema[key]
        cls = validator_for(meta_schema)
        root = cls(meta_schema, format_checker=cls.FORMAT_CHECKER)
        return list(root.evolve(schema=schema).iter_errors(_value_at(document, error.absolute_path)))
    except Exception:  # an explanation is a bonus: never a failure of its own
        return []


def _value_at(document: Document, path: Sequence[Any]) -> Any:
    """The value at `path` in the document as written (`$ref`s not followed)."""
    value = document.data
    for part in path:
        key = _key(value, part)
        if key is None:
            raise LookupError(path)
        value = value[key]
    return value


def _furthest(errors: list[ValidationError]) -> ValidationError | None:
    """The error that got deepest into the value, looking inside alternatives;
    equally deep `enum` refusals of one value are merged into one."""
    found: list[ValidationError] = []
    for error in errors:
        if _wants_a_ref(error):
            continue
        inner = _furthest(list(error.context)) if error.context else None
        found.append(inner or error)
    if not found:
        return None
    depth = max(len(_path_from_root(e)) for e in found)
    deepest = [e for e in found if len(_path_from_root(e)) == depth]
    enums = [e for e in deepest if e.validator == "enum" and isinstance(e.validator_value, list)]
    if len(enums) > 1 and len(enums) == len(deepest):
        allowed = [v for e in enums for v in e.validator_value]
        merged = ValidationError(
            f"{enums[0].instance!r} is not one of {_unique(allowed)!r}",
            validator="enum", path=enums[0].relative_path, instance=enums[0].instance, parent=enums[0].parent,
        )
        return merged
    return deepest[0]


def _wants_a_ref(error: ValidationError) -> bool:
    """The alternative "a Reference object" of every OpenAPI object: not what a
    value without `$ref` meant to be."""
    return error.validator == "required" and isinstance(error.validator_value, list) and "$ref" in error.validator_value


def _path_from_root(error: ValidationError) -> list[Any]:
    path: list[Any] = []
    current: ValidationError | None = error
    while current is not None:
        path[:0] = list(current.relative_path)
        current = current.parent
    return path


def _unique(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if value not in out:
            out.append(value)
    return out


# -- the message ----------------------------------------------------------------------


def _message(error: ValidationError, instance: Any) -> str:
    """The first line of the message, with a long value it starts with replaced by what it is."""
    lines = str(error.message).strip().splitlines()
    text = lines[0] if lines else type(error).__name__
    for shown in _spellings(instance):
        if len(shown) > _LONGEST_VALUE and text.startswith(shown):
            text = _what(instance) + text[len(shown):]
            break
    if len(text) > _LONGEST_MESSAGE:
        text = text[: _LONGEST_MESSAGE - 3] + "..."
    return text


def _spellings(instance: Any) -> list[str]:
    """How the validators print a value: Python's repr, or JSON (compact, sorted or not)."""
    shown = [repr(instance)]
    for sort in (True, False):
        for separators in ((",", ":"), (", ", ": ")):
            try:
                shown.append(json.dumps(instance, sort_keys=sort, separators=separators, ensure_ascii=False))
            except (TypeError, ValueError):
                pass
    return shown


def _what(instance: Any) -> str:
    if isinstance(instance, dict):
        return "the object"
    if isinstance(instance, list):
        return "the array"
    if isinstance(instance, str):
        return f"the {len(instance)}-character string {instance[:30]!r}..."
    return "the value"


# -- where it is ------------------------------------------------------------------------


def _real_location(document: Document, resolver: RefResolver, path: Sequence[Any]) -> tuple[Document, str]:
    """Follow `path` from the document root, through `$ref`s, to the file and
    JSON pointer where that value is written."""
    doc, node, pointer = document, document.data, ""
    for part in path:
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and hops < 32:
            try:
                node, uri, pointer = resolver.lookup(node["$ref"], doc.uri)
            except (LookupError, SpecError):
                return doc, pointer
            doc, hops = resolver.document(uri), hops + 1
        key = _key(node, part)
        if key is None:
            break
        node = node[key]
        pointer += "/" + escape_pointer_token(key)
    return doc, pointer


def _key(node: Any, part: Any) -> Any:
    if isinstance(node, dict):
        for key in (part, str(part)) + ((int(part),) if str(part).isdigit() else ()):
            if key in node:
                return key
    if isinstance(node, list) and str(part).isdigit() and int(part) < len(node):
        return int(part)
    return None
