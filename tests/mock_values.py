"""Values for a spec's schemas, as a caller of the API would send them.

`SchemaValues` reads the spec itself (not the generated models): a request
that the generated client builds from these values must be accepted by a
validator of the spec (Stoplight Prism), so each value satisfies its schema as
written, formats, patterns, bounds and `oneOf`s included. The spec's own
examples are used first (`example`, `examples`, `default`, the first `enum`
member) when they satisfy their schema; otherwise a value is made up. The same
document always gives the same values.

It stays apart from the runtime's synthesizer (`stub/synth.py`), whose values
are answers made from the generated models and repaired against the spec:
these are requests made from the spec alone (its examples first, `readOnly`
fields left out, `oneOf` variants tried until the validator accepts one), for
a validator other than ours. What both need, a string a pattern finds, is the
runtime's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.diagnostics import value_at

from .runtime_source import runtime

# A short string a pattern finds: the stub's own (`templates/runtime/stub/synth.py`).
from_pattern = runtime("stub.synth").from_pattern

__all__ = ["BINARY", "SchemaValues", "from_pattern"]

# The value standing for a file or any binary content.
BINARY = b"mock file content\n"
MAX_DEPTH = 12
OPTIONAL_DEPTH = 2

_FORMATS: dict[str, Any] = {
    "date-time": "2021-06-01T12:30:00Z",
    "date": "2021-06-01",
    "time": "12:30:00Z",
    "duration": "P1D",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uri": "https://example.com/resource",
    "url": "https://example.com/resource",
    "iri": "https://example.com/resource",
    "uri-reference": "https://example.com/resource",
    "iri-reference": "https://example.com/resource",
    "uri-template": "https://example.com/{id}",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "bW9jaw==",
    "password": "secret-password",
    "json-pointer": "/a/b",
    "relative-json-pointer": "0/a",
    "regex": "^a+$",
}


class SchemaValues:
    """Makes values for schemas of one document. `resolve(pointer)` gives the
    node at a JSON pointer; `valid(pointer, value)` says whether `value`
    satisfies the schema there (formats checked), or None when it cannot say."""

    def __init__(
        self,
        document: dict[str, Any],
        valid: Callable[[str, Any], bool | None],
        *,
        request: bool = True,
    ) -> None:
        self.document = document
        self.valid = valid
        self.request = request

    # -- entry points ---------------------------------------------------------------------

    def for_pointer(self, pointer: str, examples: list[Any] | None = None) -> Any:
        """A value for the schema at `pointer`: the first of `examples` that it
        accepts, else one made up (with the schemas' own examples, then without)."""
        for example in examples or []:
            if self.valid(pointer, example) is not False:
                return example
        first = self.make(pointer, use_examples=True)
        if self.valid(pointer, first) is not False:
            return first
        return self.make(pointer, use_examples=False)

    def make(self, pointer: str, *, use_examples: bool = True) -> Any:
        return self._value(pointer, self.at(pointer), 0, use_examples, "value")

    # -- the walk -------------------------------------------------------------------------

    def at(self, pointer: str) -> Any:
        return value_at(self.document, pointer)

    def _deref(self, pointer: str, schema: Any) -> tuple[str, Any]:
        seen = set()
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#"):
            if schema["$ref"] in seen:
                break
            seen.add(schema["$ref"])
            pointer = schema["$ref"]
            schema = self.at(pointer)
        return pointer.lstrip("#"), schema

    def _value(self, pointer: str, schema: Any, depth: int, use_examples: bool, name: str) -> Any:
        pointer, schema = self._deref(pointer, schema)
        if not isinstance(schema, dict) or depth > MAX_DEPTH:
            return "value"
        if "const" in schema:
            return schema["const"]
        if use_examples:
            for candidate in self._own_examples(schema):
                if self.valid(pointer, candidate) is not False:
                    return candidate
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            members = [m for m in enum if m is not None] or enum
            return members[0]
        if isinstance(schema.get("allOf"), list):
            return self._all_of(pointer, schema, depth, use_examples, name)
        for keyword in ("oneOf", "anyOf"):
            variants = schema.get(keyword)
            if isinstance(variants, list) and variants:
                return self._choice(pointer, schema, keyword, variants, depth, use_examples, name)
        kind = _type_of(schema)
        if kind == "object":
            return self._object(pointer, schema, depth, use_examples)
        if kind == "array":
            items = schema.get("items")
            count = max(1, int(schema.get("minItems", 0) or 0))
            if isinstance(schema.get("maxItems"), int):
                count = min(count, schema["maxItems"])
            if not isinstance(items, dict):
                return ["value"] * count
            made = [self._value(f"{pointer}/items", items, depth + 1, use_examples, name) for _ in range(count)]
            if schema.get("uniqueItems") and count > 1:
                made = _distinct(made)
            return made
        if kind == "integer":
            return int(_number(schema, integer=True))
        if kind == "number":
            return _number(schema, integer=False)
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return self._string(schema, name)

    def _own_examples(self, schema: dict[str, Any]) -> list[Any]:
        found = []
        if "example" in schema:
            found.append(schema["example"])
        if isinstance(schema.get("examples"), list):
            found.extend(schema["examples"])
        if "default" in schema:
            found.append(schema["default"])
        return [value for value in found if value is not None]

    def _all_of(self, pointer: str, schema: dict[str, Any], depth: int, use_examples: bool, name: str) -> Any:
        parts = [self._deref(f"{pointer}/allOf/{i}", part) for i, part in enumerate(schema["allOf"])]
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        if rest:
            parts.append((pointer, rest))
        merged: Any = None
        for part_pointer, part in parts:
            value = self._value(part_pointer, part, depth + 1, use_examples, name)
            if isinstance(value, dict) and isinstance(merged, dict):
                merged = {**merged, **value}
            elif merged is None or (isinstance(value, dict) and not isinstance(merged, dict)):
                merged = value
        return merged

    def _choice(
        self,
        pointer: str,
        schema: dict[str, Any],
        keyword: str,
        variants: list[Any],
        depth: int,
        use_examples: bool,
        name: str,
    ) -> Any:
        rest = {k: v for k, v in schema.items() if k not in (keyword, "discriminator")}
        candidates = []
        for index, variant in enumerate(variants):
            value = self._value(f"{pointer}/{keyword}/{index}", variant, depth + 1, use_examples, name)
            if rest.get("properties") and isinstance(value, dict):
                value = {**self._object(pointer, rest, depth, use_examples), **value}
            value = self._discriminated(schema, variants[index], value)
            if self.valid(pointer, value) is not False:
                return value
            candidates.append(value)
        return candidates[0]

    def _discriminated(self, schema: dict[str, Any], variant: Any, value: Any) -> Any:
        """The discriminator's property set to the value that names `variant`."""
        discriminator = schema.get("discriminator")
        if not isinstance(discriminator, dict) or not isinstance(value, dict):
            return value
        prop = discriminator.get("propertyName")
        ref = variant.get("$ref") if isinstance(variant, dict) else None
        if not isinstance(prop, str) or not isinstance(ref, str):
            return value
        mapping = discriminator.get("mapping") or {}
        for tag, target in mapping.items():
            if target == ref or target == ref.rsplit("/", 1)[-1]:
                return {**value, prop: tag}
        if prop not in value:
            return {**value, prop: ref.rsplit("/", 1)[-1]}
        return value

    def _object(self, pointer: str, schema: dict[str, Any], depth: int, use_examples: bool) -> dict[str, Any]:
        properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        required = set(schema.get("required") or ()) if isinstance(schema.get("required"), list) else set()
        out: dict[str, Any] = {}
        for prop, sub in properties.items():
            _, resolved = self._deref(f"{pointer}/properties/{prop}", sub)
            if not isinstance(resolved, dict):
                resolved = {}
            if self.request and resolved.get("readOnly") and prop not in required:
                continue
            if not self.request and resolved.get("writeOnly") and prop not in required:
                continue
            if prop in required or (depth < OPTIONAL_DEPTH and not resolved.get("deprecated")):
                out[prop] = self._value(
                    f"{pointer}/properties/{_escape(prop)}", sub, depth + 1, use_examples, prop
                )
        for prop in sorted(required - set(out)):
            out[prop] = "value"
        if not out and properties:
            # An empty object cannot be written in every style (a deepObject form field
            # of `{}` is no field at all): one property is given.
            prop, sub = next(iter(properties.items()))
            out[prop] = self._value(f"{pointer}/properties/{_escape(prop)}", sub, depth + 1, use_examples, prop)
        minimum = schema.get("minProperties")
        extra = schema.get("additionalProperties")
        if isinstance(minimum, int) and len(out) < minimum:
            for index in range(minimum - len(out)):
                out[f"key{index}"] = (
                    self._value(f"{pointer}/additionalProperties", extra, depth + 1, use_examples, "key")
                    if isinstance(extra, dict)
                    else "value"
                )
        return out

    def _string(self, schema: dict[str, Any], name: str) -> Any:
        fmt = schema.get("format")
        if fmt == "binary":
            return BINARY
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            text = from_pattern(pattern)
            if text is not None:
                return _fit(text, schema, pad=False)
        if isinstance(fmt, str) and fmt in _FORMATS:
            return _FORMATS[fmt]
        if fmt in ("int32", "int64", "integer", "number", "decimal", "double", "float"):
            return "1"
        return _fit("string", schema, pad=True)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _type_of(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if kinds else "null"
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "additionalProperties" in schema or "required" in schema:
        return "object"
    if "items" in schema:
        return "array"
    if any(k in schema for k in ("minimum", "maximum", "multipleOf")):
        return "number"
    return None


def _number(schema: dict[str, Any], *, integer: bool) -> float | int:
    low = schema.get("minimum")
    high = schema.get("maximum")
    exclusive_low = schema.get("exclusiveMinimum")
    exclusive_high = schema.get("exclusiveMaximum")
    if isinstance(exclusive_low, (int, float)) and not isinstance(exclusive_low, bool):
        low = exclusive_low + (1 if integer else 0.5)
    elif exclusive_low is True and isinstance(low, (int, float)):
        low = low + (1 if integer else 0.5)
    if isinstance(exclusive_high, (int, float)) and not isinstance(exclusive_high, bool):
        high = exclusive_high - (1 if integer else 0.5)
    elif exclusive_high is True and isinstance(high, (int, float)):
        high = high - (1 if integer else 0.5)
    value: float = 1
    if isinstance(low, (int, float)) and value < low:
        value = low
    if isinstance(high, (int, float)) and value > high:
        value = high
    step = schema.get("multipleOf")
    if isinstance(step, (int, float)) and step > 0:
        value = step * max(1, round(value / step)) if value > 0 else step * round(value / step)
        if isinstance(high, (int, float)) and value > high:
            value -= step
    if integer:
        import math

        return int(math.ceil(value))
    return value


def _fit(text: str, schema: dict[str, Any], *, pad: bool) -> str:
    low = schema.get("minLength")
    high = schema.get("maxLength")
    if isinstance(low, int) and len(text) < low:
        text = text + ("x" if pad else text[-1:] or "x") * (low - len(text))
    if isinstance(high, int) and len(text) > high:
        text = text[:high]
    return text


def _distinct(values: list[Any]) -> list[Any]:
    out = []
    for index, value in enumerate(values):
        if isinstance(value, str):
            value = f"{value}{index}" if index else value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            value = value + index
        out.append(value)
    return out
