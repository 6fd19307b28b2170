"""The stub server's check of requests and answers against the spec itself.

The generated models parse a request, but they are lenient by design (a client
must not fail on a field the API adds, a number sent for a string, a variant it
does not know yet), so a stub checking with them alone accepts what the API
refuses. Each generated `server_operations` module therefore ships the spec as
the wire speaks it (`server_openapi.json`: the spec with its tagged unions'
tags and the stub's own statuses written in), and a request's parameters and
body are also validated against their schemas there, formats (`uuid`,
`date-time`, the bounds of `int32` and `int64`) included, with
openapi-schema-validator.

The same validators repair a synthesized answer where the models it was made
from know less than the schema (`WireSchemas.repaired`): the values put in
are made by `synth.py`. Validators are built on first use of each schema, and kept;
the document is read, and openapi-schema-validator imported, when the first
request is checked, not when the app is built.
"""

from __future__ import annotations

import json
from functools import cached_property
from importlib import resources
from typing import TYPE_CHECKING, Any, Callable, Sequence

from ..styles import as_lists, put_path, split_brackets
from .synth import NOTHING, scalar_for, schema_value

if TYPE_CHECKING:
    from jsonschema.exceptions import (  # type: ignore[import-untyped]  # jsonschema ships no types
        ValidationError,
    )
    from referencing import Registry

__all__ = ["WireSchemas", "load_wire_schemas"]

_URI = "urn:stub:wire"


class WireSchemas:
    """Validators of the schemas of one wire document, by JSON pointer. The
    document may be given as the function that reads it, called on first use."""

    def __init__(self, document: dict[str, Any] | Callable[[], dict[str, Any]]) -> None:
        self._source = document
        self._validators: dict[tuple[str, bool], Any] = {}

    @cached_property
    def document(self) -> dict[str, Any]:
        source = self._source
        return source() if callable(source) else source

    @cached_property
    def _oas30(self) -> bool:
        return str(self.document.get("openapi", "3.0")).startswith("3.0")

    @cached_property
    def _registry(self) -> Registry[Any]:
        from referencing import Registry
        from referencing.jsonschema import DRAFT4, DRAFT202012

        spec = DRAFT4 if self._oas30 else DRAFT202012
        registry: Registry[Any] = Registry().with_resource(
            _URI, spec.create_resource(self.document)
        )
        return registry

    def problems(self, pointer: str, value: Any, limit: int = 3) -> list[str]:
        """What is wrong with `value` by the schema at `pointer`, most relevant
        first, each as `message at 'where'`; empty when it is valid."""
        errors = list(self._validator(pointer).iter_errors(value))
        if not errors:
            return []
        from jsonschema.exceptions import best_match

        first = best_match(errors)
        ordered = [first, *(e for e in errors if e is not first)] if first is not None else errors
        return [_described(error) for error in ordered[:limit]]

    def error_paths(self, pointer: str, answer: Any) -> list[tuple[Any, ...]]:
        """Where an answer breaks the schema at `pointer` (paths into it)."""
        errors = self._validator(pointer, request=False).iter_errors(answer)
        return [tuple(error.absolute_path) for error in errors]

    def form_fields(self, pointer: str, fields: dict[str, list[str]]) -> Any:
        """A form's fields (text, by name) as the schema at `pointer` types them:
        `deepObject` fields (`a[b][0]=v`) nested back, numbers and booleans parsed,
        a field sent once where an array is wanted made a list, objects sent as
        JSON parsed; a `oneOf`/`anyOf` takes the first reading a variant accepts."""
        nested: dict[str, Any] = {}
        for name, values in fields.items():
            path = split_brackets(name)
            if len(path) > 1:
                put_path(nested, path, values[-1])
            else:
                nested[name] = values if len(values) > 1 else values[0]
        return self._coerced(pointer, as_lists(nested), 0)

    def _coerced(self, pointer: str, value: Any, depth: int) -> Any:
        node = self._at(pointer)
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 64:
            ref = node["$ref"]
            if not ref.startswith("#") or ref in seen:
                return value
            seen.add(ref)
            pointer, node = ref[1:], self._at(ref)
        if not isinstance(node, dict) or depth > 32:
            return value
        for keyword in ("anyOf", "oneOf"):
            variants = node.get(keyword)
            if isinstance(variants, list):
                for index in range(len(variants)):
                    where = f"{pointer}/{keyword}/{index}"
                    candidate = self._coerced(where, value, depth + 1)
                    if not list(self._validator(where).iter_errors(candidate)):
                        return candidate
                return value
        if isinstance(node.get("allOf"), list):
            for index in range(len(node["allOf"])):
                value = self._coerced(f"{pointer}/allOf/{index}", value, depth + 1)
        kind = node.get("type")
        if isinstance(value, str):
            value = _typed(kind, value)
        if kind == "array" and not isinstance(value, list):
            value = [value]
        if isinstance(value, list) and isinstance(node.get("items"), dict):
            return [self._coerced(f"{pointer}/items", item, depth + 1) for item in value]
        if isinstance(value, dict):
            found = node.get("properties")
            properties: dict[str, Any] = found if isinstance(found, dict) else {}
            extra = isinstance(node.get("additionalProperties"), dict)
            return {
                key: (
                    self._coerced(f"{pointer}/properties/{_token(key)}", item, depth + 1)
                    if key in properties
                    else (
                        self._coerced(f"{pointer}/additionalProperties", item, depth + 1)
                        if extra
                        else item
                    )
                )
                for key, item in value.items()
            }
        return value

    def _at(self, pointer: str) -> Any:
        node: Any = self.document
        for token in pointer.lstrip("#").split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict):
                node = node.get(token)
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return None
        return node

    def repaired(self, pointer: str, answer: Any, rounds: int = 12) -> Any:
        """`answer` made to fit the schema at `pointer` where the models it was
        synthesized from know less than the schema: each scalar it refuses (its
        pattern, format, length, bounds or enum) replaced by one it takes, a
        required field it lacks added, a field it does not allow dropped; inside
        a `oneOf`/`anyOf`, toward the variant with the fewest faults. What cannot
        be repaired so is left as it is."""
        validator = self._validator(pointer, request=False)
        for _ in range(rounds):
            changed = False
            for error in [
                leaf for error in validator.iter_errors(answer) for leaf in _leaves(error)
            ]:
                answer, done = self._repair(answer, error)
                changed = changed or done
            if not changed:
                break
        return answer

    def _repair(self, answer: Any, error: ValidationError) -> tuple[Any, bool]:
        path = list(error.absolute_path)
        schema = error.schema if isinstance(error.schema, dict) else {}
        found = schema.get("properties")
        properties: dict[str, Any] = found if isinstance(found, dict) else {}
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = [name for name in schema.get("required", ()) if name not in error.instance]
            for name in missing:
                error.instance[name] = schema_value(properties.get(name), self._at)
            return answer, bool(missing)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            extra = [name for name in error.instance if name not in properties]
            if schema.get("patternProperties"):
                return answer, False
            for name in extra:
                del error.instance[name]
            return answer, bool(extra)
        fix = scalar_for(schema)
        if fix is NOTHING:
            return answer, False
        return _placed(answer, path, fix)

    def _validator(self, pointer: str, request: bool = True) -> Any:
        """A request's validator (a `readOnly` field may not be sent) or an answer's."""
        validator = self._validators.get((pointer, request))
        if validator is None:
            from openapi_schema_validator import (
                OAS30ReadValidator,
                OAS30WriteValidator,
                OAS31Validator,
                oas30_format_checker,
                oas31_format_checker,
            )

            if self._oas30:
                cls = OAS30WriteValidator if request else OAS30ReadValidator
            else:
                cls = OAS31Validator
            checker = oas30_format_checker if self._oas30 else oas31_format_checker
            validator = self._validators[pointer, request] = cls(
                {"$ref": f"{_URI}#{pointer}"}, registry=self._registry, format_checker=checker
            )
        return validator


def _typed(kind: Any, text: str) -> Any:
    """A form field's text as `kind` types it (the text itself where it does not parse)."""
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
        if kind in ("object", "array") and text[:1] in ("{", "["):
            return json.loads(text)
    except ValueError:
        return text
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


def _token(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _leaves(error: ValidationError) -> list[ValidationError]:
    """The faults under `error`: itself, or for a `oneOf`/`anyOf` those of the
    variant that has the fewest (the one the value is closest to)."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return [error]
    by_variant: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        key = sub.relative_schema_path[0] if sub.relative_schema_path else None
        by_variant.setdefault(key, []).append(sub)
    closest = min(by_variant.values(), key=len)
    return [leaf for sub in closest for leaf in _leaves(sub)]


def _placed(value: Any, path: list[Any], fix: Any) -> tuple[Any, bool]:
    """`value` with `fix` at `path`; whether anything changed."""
    if not path:
        return fix, fix != value
    node = value
    for part in path[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return value, False
    try:
        if node[path[-1]] == fix:
            return value, False
        node[path[-1]] = fix
    except (KeyError, IndexError, TypeError):
        return value, False
    return value, True


def _described(error: ValidationError) -> str:
    where = _where(list(error.absolute_path))
    return f"{error.message} at '{where}'" if where else error.message


def _where(path: Sequence[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_wire_schemas(package: str) -> WireSchemas | None:
    """The wire document of the generated API package `package`, if it has one
    (a spec whose references leave its file has none)."""
    source = resources.files(package).joinpath("server_openapi.json")
    if not source.is_file():
        return None
    return WireSchemas(lambda: json.loads(source.read_text(encoding="utf-8")))
