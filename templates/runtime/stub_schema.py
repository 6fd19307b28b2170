"""The stub server's check of requests against the spec itself.

The generated models parse a request, but they are lenient by design (a client
must not fail on a field the API adds, a number sent for a string, a variant it
does not know yet), so a stub checking with them alone accepts what the API
refuses. Each generated `server_operations` module therefore ships the spec as
the wire speaks it (`server_openapi.json`: the spec with its tagged unions'
tags and the stub's own statuses written in), and a request's parameters and
body are also validated against their schemas there, formats (`uuid`,
`date-time`, the bounds of `int32` and `int64`) included, with
openapi-schema-validator.

Validators are built on first use of each schema, and kept.
"""

from __future__ import annotations

import importlib
import json
import re
import warnings
from importlib import resources
from typing import Any, Sequence

from jsonschema.exceptions import (  # type: ignore[import-untyped]  # jsonschema ships no types
    ValidationError,
    best_match,
)
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30WriteValidator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)
from referencing import Registry
from referencing.jsonschema import DRAFT4, DRAFT202012

__all__ = ["WireSchemas", "as_lists", "load_wire_schemas", "put_path", "split_brackets"]

_URI = "urn:stub:wire"


class WireSchemas:
    """Validators of the schemas of one wire document, by JSON pointer."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._oas30 = str(document.get("openapi", "3.0")).startswith("3.0")
        spec = DRAFT4 if self._oas30 else DRAFT202012
        self._registry: Registry[Any] = Registry().with_resource(
            _URI, spec.create_resource(document)
        )
        self._validators: dict[tuple[str, bool], Any] = {}

    def problems(self, pointer: str, value: Any, limit: int = 3) -> list[str]:
        """What is wrong with `value` by the schema at `pointer`, most relevant
        first, each as `message at 'where'`; empty when it is valid."""
        errors = list(self._validator(pointer).iter_errors(value))
        if not errors:
            return []
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
                error.instance[name] = self._made(properties.get(name))
            return answer, bool(missing)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            extra = [name for name in error.instance if name not in properties]
            if schema.get("patternProperties"):
                return answer, False
            for name in extra:
                del error.instance[name]
            return answer, bool(extra)
        fix = _scalar_for(schema)
        if fix is _NOTHING:
            return answer, False
        return _placed(answer, path, fix)

    def _made(self, schema: Any) -> Any:
        """A value to start a missing field from (the next round repairs its inside)."""
        seen: set[str] = set()
        while (
            isinstance(schema, dict)
            and isinstance(schema.get("$ref"), str)
            and schema["$ref"] not in seen
        ):
            seen.add(schema["$ref"])
            schema = self._at(schema["$ref"]) if schema["$ref"].startswith("#") else None
        if not isinstance(schema, dict):
            return "value"
        variants = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf")
        if isinstance(variants, list) and variants:
            return self._made(variants[0])
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            return {}
        if kind == "array":
            return []
        scalar = _scalar_for(schema)
        return "value" if scalar is _NOTHING else scalar

    def _validator(self, pointer: str, request: bool = True) -> Any:
        """A request's validator (a `readOnly` field may not be sent) or an answer's."""
        validator = self._validators.get((pointer, request))
        if validator is None:
            if self._oas30:
                cls = OAS30WriteValidator if request else OAS30ReadValidator
            else:
                cls = OAS31Validator
            checker = oas30_format_checker if self._oas30 else oas31_format_checker
            validator = self._validators[pointer, request] = cls(
                {"$ref": f"{_URI}#{pointer}"}, registry=self._registry, format_checker=checker
            )
        return validator


_NOTHING = object()
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


def _scalar_for(schema: Any) -> Any:
    """A value of the scalar `schema` (`_NOTHING` for an object, an array or a combination)."""
    if not isinstance(schema, dict) or any(
        k in schema for k in ("oneOf", "anyOf", "allOf", "$ref")
    ):
        return _NOTHING
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
        return _NOTHING
    text = None
    if isinstance(schema.get("pattern"), str):
        text = _matching(schema["pattern"])
    if text is None:
        text = _FORMATS.get(str(schema.get("format")), "string")
    low, high = schema.get("minLength"), schema.get("maxLength")
    if isinstance(low, int) and len(text) < low:
        text += (text[-1:] or "x") * (low - len(text))
    if isinstance(high, int) and len(text) > high:
        text = text[:high]
    return text


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


def split_brackets(name: str) -> list[str]:
    """`a[b][0]` as `["a", "b", "0"]`; a name without brackets as itself."""
    head, bracket, rest = name.partition("[")
    if not bracket or not rest.endswith("]"):
        return [name]
    return [head, *rest[:-1].split("][")]


def put_path(target: dict[str, Any], path: list[str], value: Any) -> None:
    node = target
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[path[-1]] = value


def as_lists(value: Any) -> Any:
    """Maps whose keys are all indices (`a[0]`, `a[1]`) as lists, in order."""
    if isinstance(value, dict):
        value = {key: as_lists(item) for key, item in value.items()}
        if value and all(key.isdigit() for key in value):
            return [value[key] for key in sorted(value, key=int)]
    return value


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


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


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


def _matching(pattern: str) -> str | None:
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
    return WireSchemas(json.loads(source.read_text(encoding="utf-8")))
