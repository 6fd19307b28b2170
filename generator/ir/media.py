"""The OpenAPI vocabulary every stage shares: which media types are JSON, a
form, multipart or raw bytes and text, and which statuses are successes.

It imports nothing of the generator's, so that the IR build, the passes, the
renderers and the diff all read these answers from one place.
"""

from __future__ import annotations

import re
from typing import Literal

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# A path template variable; `{}` (unnamed, seen in real specs) counts too.
PATH_VARIABLE = re.compile(r"{([^{}/]*)}")
# What a header or cookie name may be (RFC 9110's token): ASCII letters, digits and a few marks.
HTTP_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")

_JSON_MEDIA = re.compile(r"^application/(.+\+)?json(;.*)?$|^\*/\*$")

Raw = Literal["bytes", "str"]


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
