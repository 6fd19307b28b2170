"""Parameter styles: how a parameter's value is written on the wire and read back.

OpenAPI says how a path, query, header or cookie parameter (and a form field)
is written through its `style` and `explode`: `simple` (`a,b`), `label`
(`.a.b`), `matrix` (`;id=a;id=b`), `form` (`id=a&id=b`), `spaceDelimited`,
`pipeDelimited` and `deepObject` (`id[a][0][b]=v`); a parameter described by
`content` is written as JSON (the style `json` here). The client encodes with
the first half of this module and the stub server decodes with the second,
so that both read the same rules, and `tests/runtime/` checks that what one
writes the other reads back, for every style, explode and shape.

The defaults are OpenAPI's: `form` exploded in a query (and a cookie, as the
stub reads it), `simple` not exploded in a path or a header.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any
from urllib.parse import quote, unquote
from uuid import UUID

from pydantic import BaseModel

from .models import to_wire

__all__ = [
    "DEFAULT_STYLES",
    "DELIMITERS",
    "Style",
    "as_lists",
    "cookie_text",
    "cookie_value",
    "decode_query",
    "decode_text",
    "deep_pairs",
    "encode_json",
    "fields_of",
    "form_value",
    "header_text",
    "json_default",
    "json_text",
    "path_param",
    "put_path",
    "query_pairs",
    "scalar",
    "simple_text",
    "split_brackets",
]

# How a parameter is written, as the spec's `style` and `explode` say.
Style = tuple[str, bool]
DEFAULT_STYLES: dict[str, Style] = {"query": ("form", True), "header": ("simple", False)}
# The separators of a query array that is not exploded, by style (others: a comma).
DELIMITERS = {"spaceDelimited": " ", "pipeDelimited": "|"}


# -- writing (the client) ------------------------------------------------------------


def path_param(value: Any, style: str = "simple", explode: bool = False, name: str = "") -> str:
    """A path parameter, percent-encoded so it stays one path segment; arrays
    and objects as `style` (`simple`, `label`, `matrix`) and `explode` say
    (`json`: a parameter the spec describes by `content`, written as JSON)."""
    if style == "json":
        return quote(json_text(value), safe="")
    texts = _texts(value, explode, lambda text: quote(text, safe=""))
    if style == "label":
        return "." + ("." if explode else ",").join(texts)
    if style == "matrix":
        key = f";{quote(name, safe='')}="
        if fields_of(value) is not None and explode:
            return ";" + ";".join(texts)
        return key + (key.join(texts) if explode else ",".join(texts))
    return ",".join(texts)


def fields_of(value: Any) -> list[tuple[str, Any]] | None:
    """The fields of an object parameter by wire name (None for anything else);
    unset and null fields are left out."""
    if isinstance(value, BaseModel):
        value = to_wire(value)
    if isinstance(value, Mapping):
        return [(str(key), item) for key, item in value.items() if item is not None]
    return None


def _texts(value: Any, explode: bool, encode: Callable[[str], str] = str) -> list[str]:
    """The pieces of a parameter's value: one per item of an array; for an
    object `key=value` pieces when exploded, else keys and values in turn."""
    fields = fields_of(value)
    if fields is not None:
        pairs = [(encode(key), encode(scalar(item))) for key, item in fields]
        if explode:
            return [f"{key}={item}" for key, item in pairs]
        return [text for pair in pairs for text in pair]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [encode(scalar(item)) for item in value]
    return [encode(scalar(value))]


def query_pairs(name: str, value: Any, style: Style) -> list[tuple[str, str]]:
    """A query parameter as `(name, value)` pairs, before URL encoding."""
    kind, explode = style
    if kind == "json":
        return [(name, json_text(value))]
    if kind == "deepObject" and (fields_of(value) is not None or isinstance(value, (list, tuple))):
        return deep_pairs(name, value)  # nested objects and lists too: `name[a][0][b]=v`
    fields = fields_of(value)
    if fields is not None:
        if explode:
            return [(key, scalar(item)) for key, item in fields]
        return [(name, DELIMITERS.get(kind, ",").join(_texts(value, False)))]
    if isinstance(value, (list, tuple, set, frozenset)):
        texts = _texts(value, explode)
        if explode:
            return [(name, text) for text in texts]
        return [(name, DELIMITERS.get(kind, ",").join(texts))]
    return [(name, scalar(value))]


def header_text(value: Any, style: Style) -> str:
    """A header parameter: JSON, or `simple` (arrays and objects comma-separated)."""
    return json_text(value) if style[0] == "json" else simple_text(value, style[1])


def json_text(value: Any) -> str:
    """A parameter written as JSON (the spec describes it by `content`)."""
    return json.dumps(value, default=json_default, separators=(",", ":"), ensure_ascii=False)


def simple_text(value: Any, explode: bool) -> str:
    """A header or cookie parameter: arrays and objects comma-separated."""
    return ",".join(_texts(value, explode))


def scalar(value: Any) -> str:
    """A scalar as a parameter writes it: booleans in lower case, enums by their
    value, dates and date-times in ISO 8601."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


# What may stand in a cookie value unencoded (RFC 6265's cookie-octet): printable
# ASCII but the double quote, comma, semicolon and backslash.
_COOKIE_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '",;\\')


def cookie_text(value: str, *, name: bool = False) -> str:
    """A cookie value, or with `name` a cookie name (without `=`), with what may not stand in it
    percent-encoded (spaces, quotes, commas, semicolons, backslashes, anything not ASCII)."""
    return quote(value, safe=_COOKIE_SAFE.replace("=", "") if name else _COOKIE_SAFE)


def cookie_value(text: str) -> str:
    """A cookie's value as `cookie_text` wrote it, percent-decoded (the reading half)."""
    return unquote(text)


def json_default(value: Any) -> Any:
    """What `json.dumps` writes for the values models and parameters hold besides JSON's own."""
    if isinstance(value, BaseModel):
        return to_wire(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def encode_json(body: Any) -> bytes:
    """A JSON body, compact, models by their wire names."""
    return json.dumps(
        body, default=json_default, separators=(",", ":"), ensure_ascii=False
    ).encode()


def deep_pairs(key: str, value: Any) -> list[tuple[str, str]]:
    """`value` under `key` as `deepObject` writes it: one pair per leaf, its path in brackets."""
    if isinstance(value, BaseModel):
        value = to_wire(value)
    if isinstance(value, Mapping):
        return [
            pair
            for name, item in value.items()
            if item is not None
            for pair in deep_pairs(f"{key}[{name}]", item)
        ]
    if isinstance(value, (list, tuple)):
        return [
            pair for index, item in enumerate(value) for pair in deep_pairs(f"{key}[{index}]", item)
        ]
    return [(key, scalar(value))]


def form_value(value: Any) -> str:
    """A form field: scalars as text, nested objects as JSON."""
    if isinstance(value, (dict, list)):
        return encode_json(value).decode()
    return scalar(value)


# -- reading (the stub server) -------------------------------------------------------


def decode_query(
    pairs: Sequence[tuple[str, str]],
    name: str,
    style: Style,
    *,
    array: bool = False,
    object: bool = False,
    declared: frozenset[str] = frozenset(),
) -> Any:
    """The query parameter `name` as `pairs` (the query, in order) carry it, its style
    undone: a string, a list of strings (an array) or a dict of strings (an object);
    None when absent. The JSON text of a `json` one is returned as it is. `declared`
    are the operation's query parameters, which an exploded object's fields are not."""
    kind, explode = style
    prefix = name + "["
    if kind == "deepObject" and (
        object or array or any(key.startswith(prefix) for key, _ in pairs)
    ):
        # `name[key]=v`, nested as `name[a][0][b]=v`: read back into objects and lists
        # (also for a union of them, such as Stripe's "a list, or '' to unset").
        nested: dict[str, Any] = {}
        for key, text in pairs:
            if key.startswith(prefix) and key.endswith("]"):
                put_path(nested, split_brackets(key)[1:], text)
        value = as_lists(nested)
        if array and isinstance(value, dict):
            return list(value.values())
        return value
    if kind != "json":
        if object and explode:  # its fields are parameters of their own (not deepObject ones)
            return {k: v for k, v in pairs if k not in declared and "[" not in k}
        if array and explode:
            return [v for k, v in pairs if k == name]
    raw = None
    for key, text in pairs:
        if key == name:
            raw = text  # the last one, as a query's `get` reads it
    if raw is None or kind == "json" or not (array or object):
        return raw
    parts = raw.split(DELIMITERS.get(kind, ","))
    return dict(zip(parts[0::2], parts[1::2])) if object else parts


def decode_text(
    raw: str, style: Style, *, array: bool = False, object: bool = False, name: str = ""
) -> Any:
    """A path, header or cookie value written in `simple`, `label` or `matrix` style
    (after percent-decoding), read back; a `json` one is returned as it is."""
    kind, explode = style
    if kind == "json":
        return raw
    if kind == "label":
        parts = raw.removeprefix(".").split("." if explode else ",")
    elif kind == "matrix":
        pieces = [piece for piece in raw.split(";") if piece]
        if object and explode:
            parts = pieces
        else:
            values = [piece.partition("=")[2] for piece in pieces]
            parts = values if explode or not values else values[0].split(",")
    elif array or object:
        parts = [part.strip() for part in raw.split(",")]
    else:
        return raw
    if object:
        if explode:
            return dict(part.partition("=")[::2] for part in parts)
        return dict(zip(parts[0::2], parts[1::2]))
    return parts if array else (parts[0] if parts else "")


def split_brackets(name: str) -> list[str]:
    """`a[b][0]` as `["a", "b", "0"]`; a name without brackets as itself."""
    head, bracket, rest = name.partition("[")
    if not bracket or not rest.endswith("]"):
        return [name]
    return [head, *rest[:-1].split("][")]


def put_path(target: dict[str, Any], path: list[str], value: Any) -> None:
    """Set `value` at `path` in `target`, making the objects on the way."""
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
