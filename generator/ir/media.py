"""The OpenAPI vocabulary every stage shares: which media types are JSON, a
form, multipart or raw bytes and text, and which statuses are successes.

It imports nothing of the generator's, so that the IR build, the passes, the
renderers and the diff all read these answers from one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# OpenAPI 3.2 adds `query` (a safe request that carries a body) to the fixed methods of a path item.
HTTP_METHODS_32 = (*HTTP_METHODS, "query")
# A path template variable; `{}` (unnamed, seen in real specs) counts too.
PATH_VARIABLE = re.compile(r"{([^{}/]*)}")
# What a header or cookie name may be (RFC 9110's token): ASCII letters, digits and a few marks.
HTTP_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")

# Media types whose body is a sequence of items (OpenAPI 3.2 `itemSchema`): how each is framed.
SEQUENTIAL_MEDIA: dict[str, Literal["sse", "lines", "json-seq", "multipart"]] = {
    "text/event-stream": "sse",
    "application/jsonl": "lines",
    "application/x-ndjson": "lines",
    "application/x-jsonlines": "lines",
    "application/json-seq": "json-seq",
    "multipart/mixed": "multipart",
}

_JSON_MEDIA = re.compile(r"^application/(.+\+)?json(;.*)?$|^\*/\*$")

Raw = Literal["bytes", "str"]


def path_item_operations(item: dict[str, object], version: str) -> Iterator[tuple[str, str, object]]:
    """The operations of a path item as (HTTP method, key path under the item, value):
    the fixed methods (with `query` in 3.2), then 3.2's `additionalOperations`,
    whose keys are the methods as sent (`COPY`, `LINK`); values not checked."""
    is_32 = version.startswith("3.2")
    for method in HTTP_METHODS_32 if is_32 else HTTP_METHODS:
        if method in item:
            yield method.upper(), method, item[method]
    extra = item.get("additionalOperations") if is_32 else None
    if isinstance(extra, dict):
        for method, value in extra.items():
            yield str(method), "additionalOperations/" + str(method).replace("~", "~0").replace("/", "~1"), value


def sequence_framing(media_type: str | None) -> Literal["sse", "lines", "json-seq", "multipart"] | None:
    """How a sequential media type frames its items; None for any other."""
    return SEQUENTIAL_MEDIA.get(essence(media_type)) if media_type else None


def essence(media_type: str) -> str:
    """`application/json; charset=utf-8` → `application/json`: the type alone, lower case."""
    return media_type.split(";")[0].strip().lower()


def is_json_media(media_type: str) -> bool:
    """JSON (`application/json`, `application/problem+json`, ...) or any media type (`*/*`)."""
    return _JSON_MEDIA.match(media_type.lower()) is not None


def is_form(media_type: str) -> bool:
    return media_type.lower().startswith("application/x-www-form-urlencoded")


def is_multipart(media_type: str) -> bool:
    return media_type.lower().startswith("multipart/")


def raw_kind(media_type: str | None) -> Raw | None:
    """How a body that is not JSON is handled as it is: `str` for text (and
    XML), else `bytes`; None for JSON (or no body)."""
    if media_type is None or is_json_media(media_type):
        return None
    lowered = media_type.lower()
    return "str" if lowered.startswith("text/") or "xml" in lowered else "bytes"


def is_success(status: str) -> bool:
    """A 2xx status, `2XX` included (not `default`: it may be an error)."""
    return status.startswith("2")
