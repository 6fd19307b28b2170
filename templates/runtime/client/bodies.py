"""Request bodies in their media types.

JSON (models by their wire names), a URL-encoded form whose fields go as
their `encoding` says (`deepObject` ones as `name[key]=value`), multipart
(files and plain fields as parts, objects as JSON parts), or bytes and text as
they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel

from ..models import to_wire
from ..styles import Style, deep_pairs, encode_json, fields_of, form_value, json_default, scalar
from .options import NotGiven

__all__ = ["encode_body", "multipart"]


def encode_body(body: Any, media: str, styles: Mapping[str, Style] | None = None) -> bytes:
    """A request body in its media type: JSON, a form, or bytes and text as they are.
    A form's fields go as their `encoding` says (`styles`): `deepObject` ones as
    `name[key]=value` (nested: `name[a][0][b]=value`), the others one pair per
    item of an array, objects as JSON."""
    if media == "application/json":
        return encode_json(body)
    if media.lower().startswith("application/x-www-form-urlencoded"):
        fields = fields_of(body)
        if fields is None:
            raise TypeError(f"a form body is a model or a mapping, not {type(body).__name__}")
        pairs: list[tuple[str, str]] = []
        for key, value in fields:
            if (styles or {}).get(key, ("form", True))[0] == "deepObject":
                pairs += deep_pairs(key, value)
            else:
                items = value if isinstance(value, (list, tuple)) else [value]
                pairs += [(key, form_value(item)) for item in items]
        return urlencode(pairs).encode()
    if isinstance(body, str):
        return body.encode()
    return bytes(body)


def multipart(fields: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The parts of a form, in order: a file (bytes, a file object or a tuple
    with its name) is a file part, anything else a plain field; a sequence
    gives one part per item, and `None` (a form has no null) none; an object
    is a JSON part (`application/json`). Plain
    fields go as parts without a filename, so the body is multipart even when
    no file is in it."""
    parts: list[tuple[str, Any]] = []
    for name, value in fields.items():
        if isinstance(value, NotGiven) or value is None:
            continue
        many = (
            isinstance(value, Iterable)
            and not isinstance(value, (str, Mapping))
            and not _is_file(value)
        )
        for item in value if many else [value]:
            if _is_file(item):
                parts.append((name, item))
            elif isinstance(item, (BaseModel, Mapping)):
                # An object goes as JSON (OpenAPI's default for a part that is an object).
                wire = to_wire(item) if isinstance(item, BaseModel) else dict(item)
                text = json.dumps(wire, default=json_default, separators=(",", ":"))
                parts.append((name, (None, text, "application/json")))
            else:
                parts.append((name, (None, scalar(item))))
    return parts


def _is_file(value: Any) -> bool:
    return isinstance(value, (bytes, tuple)) or hasattr(value, "read")
