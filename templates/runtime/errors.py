"""The exceptions every generated client raises: one shallow tree.

    APIError
    ├── APIConnectionError          the request did not get an answer
    │   └── APITimeoutError         ... in time
    ├── APIResponseValidationError  an answer that does not match the spec
    ├── ClientClosedError           a call on a client that was closed
    ├── ResponseTooLargeError       an answer larger than the client's `max_response_bytes`
    ├── WebhookVerificationError    a webhook delivery whose signature or body is not right
    └── APIStatusError              a 4xx/5xx answer
        ├── BadRequestError              400
        ├── AuthenticationError          401
        ├── PermissionDeniedError        403
        ├── NotFoundError                404
        ├── ConflictError                409
        ├── UnprocessableEntityError     422
        ├── RateLimitError               429
        └── InternalServerError          5xx

A status error carries the status, the server's message, the request id, the
parsed body and the `httpx2.Response`. Its text stays short whatever the server
sent: the status, the message when the body has one of the common error shapes
(`_detail`: Dixa's `{"message": ...}`, an RFC 9457 problem's `title` and
`detail`, `{"errors": [{"message": ...}]}`, `{"error": {"message": ...}}`,
OAuth's `error_description`, or a short plain-text body), the request id; the
body is read once and at most `MAX_ERROR_BODY` bytes of it (counted after
decompression) are kept.

No message, stored body or chained exception ever contains a credential: Dixa
sometimes echoes request data, so what is kept is scrubbed of every form of
the credentials the client sends, in any letter case (the reason phrase
included), and so is the start of one left at the end of a body cut at
`MAX_ERROR_BODY`; and no exception chains the one it replaces (whose text the
client cannot vouch for).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # at run time an error is made of an `httpx2` answer, so it is loaded by then
    import httpx2

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "UnprocessableEntityError",
    "WebhookVerificationError",
]


class APIError(Exception):
    """The base of every error a generated client raises (the root package also
    names it after itself: `dixa.DixaError`)."""


class APIConnectionError(APIError):
    """The request failed before an answer arrived (DNS, refused connection, reset...)."""

    def __init__(self, message: str, *, request: httpx2.Request) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """No answer within the client's or the call's `timeout`."""


class APIResponseValidationError(APIError):
    """A success answer whose body does not parse as the spec says it should."""

    def __init__(self, message: str, *, response: httpx2.Response, body: Any) -> None:
        super().__init__(message)
        self.response = response
        self.body = body
        self.status_code = response.status_code


class ClientClosedError(APIError):
    """A call on a client after `close()` (or its `with` block) ended, or whose
    `http_client` its owner closed: the connections are gone, so nothing was sent."""


class ResponseTooLargeError(APIError):
    """A success answer whose body, once decompressed, is larger than the
    client's `max_response_bytes`: reading stopped there, so a server cannot
    make the client hold an unbounded answer (or a small compressed bomb)."""

    def __init__(self, message: str, *, response: httpx2.Response, limit: int) -> None:
        super().__init__(message)
        self.response = response
        self.limit = limit
        self.status_code = response.status_code


class WebhookVerificationError(APIError):
    """A webhook delivery that cannot be trusted or read: no signature, a
    malformed one, one that does not match, a timestamp out of the allowed
    window, or a body that is not a JSON object. `reason` says which; it never
    contains the secret."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class APIStatusError(APIError):
    """The API answered with a 4xx or 5xx status.

    `str(error)` is `404 Not Found: <message> (request id <id>)`; `message` is
    the server's own message (`_detail`; the reason phrase when the body has none), `body` the
    parsed JSON of the answer or its text, at most `MAX_ERROR_BODY` bytes."""

    def __init__(
        self,
        text: str,
        *,
        message: str,
        response: httpx2.Response,
        body: Any,
        request_id: str | None = None,
    ) -> None:
        super().__init__(text)
        self.message = message
        self.request_id = request_id
        self.response = response
        self.body = body
        self.status_code = response.status_code
        self.request = response.request


class BadRequestError(APIStatusError):
    """400: the request was malformed or a value was invalid."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this."""


class NotFoundError(APIStatusError):
    """404: no such object."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the current state."""


class UnprocessableEntityError(APIStatusError):
    """422: well-formed but not acceptable."""


class RateLimitError(APIStatusError):
    """429: too many requests; retried automatically, honouring `Retry-After`."""


class InternalServerError(APIStatusError):
    """5xx: the API failed; retried automatically."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


# What of an error answer's body is read and kept: enough for any error
# document, not a page of HTML or a runaway stream.
MAX_ERROR_BODY = 64 * 1024
# Set in an answer's `extensions` when its body was cut at `MAX_ERROR_BODY`.
TRUNCATED = "dixa_runtime_truncated"
# Longer messages are cut here: a message is for a log line, the body keeps the rest.
_MAX_MESSAGE = 500
# Where servers put the id of a request, for a support ticket.
_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-amzn-requestid", "x-correlation-id")


def status_error(response: httpx2.Response, body: Any, secrets: Sequence[str]) -> APIStatusError:
    """The exception for an error answer, its text and body scrubbed of `secrets`."""
    from httpx2 import codes

    status = response.status_code
    reason = scrub(response.reason_phrase, secrets) or codes.get_reason_phrase(status)
    reason = _shorten(reason or "Error", 100)
    if reason != response.reason_phrase:
        # `repr(error.response)` shows the reason phrase: keep an echoed credential out of it.
        response.extensions["reason_phrase"] = reason.encode("utf-8", "replace")
    if response.extensions.get(TRUNCATED) and isinstance(body, str):
        body = scrub_cut(body, secrets)
    detail = _detail(body, reason, response.headers.get("content-type", ""))
    message = _shorten(scrub(detail, secrets)) if detail else reason
    request_id = next(
        (response.headers[name] for name in _REQUEST_ID_HEADERS if name in response.headers), None
    )
    if request_id is not None:
        request_id = _shorten(scrub(request_id, secrets), 100)
    text = f"{status} {reason}" + (f": {message}" if detail else "")
    if request_id:
        text += f" (request id {request_id})"
    cls = _BY_STATUS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    return cls(
        text,
        message=message,
        response=response,
        body=scrub(body, secrets),
        request_id=request_id or None,
    )


def _detail(body: Any, reason: str = "", media: str = "") -> str | None:
    """The server's own words in an error body, from the shapes APIs commonly use:
    Dixa's `{"message": ...}`; an RFC 9457 (7807) problem's `title` and `detail`
    (the title left out when it only repeats the reason phrase);
    `{"errors": [{"message": ...}, ...]}` (Asana, GraphQL) or a list of strings;
    `{"error": {"message": ...}}` or `{"error": "..."}` with OAuth's
    `error_description`; a short plain-text body. None when there is none."""
    if isinstance(body, str):
        # Plain text only: an HTML page is no message.
        if media.split(";")[0].strip().lower() == "text/plain" and 0 < len(body) <= _MAX_MESSAGE:
            return _words(body)
        return None
    if not isinstance(body, dict):
        return None
    message = _words(body.get("message"))
    if message:
        return message
    title, detail = _words(body.get("title")), _words(body.get("detail"))
    if title and title.lower() == reason.lower():
        title = None
    if title or detail:
        return ": ".join(part for part in (title, detail) if part)
    errors = body.get("errors")
    if isinstance(errors, list):
        texts = [_words(e.get("message") if isinstance(e, dict) else e) for e in errors]
        found = list(dict.fromkeys(t for t in texts if t))
        if found:
            return "; ".join(found[:5]) + ("; …" if len(found) > 5 else "")
    error = body.get("error")
    if isinstance(error, dict):
        return _words(error.get("message"))
    described = _words(body.get("error_description"))
    error_text = _words(error)
    if error_text or described:
        return ": ".join(part for part in (error_text, described) if part)
    return None


def _words(value: Any) -> str | None:
    """A string's words on one line; None for anything else or blank."""
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _shorten(text: str, limit: int = _MAX_MESSAGE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# A secret shorter than this is scrubbed only where it stands as a word of its
# own: a test's one-letter key must not turn `conversationId` into `conv***rsationId`.
# Real credentials are longer, and are scrubbed wherever they appear.
_SHORT_SECRET = 8


@lru_cache(maxsize=64)
def _pattern(secrets: tuple[str, ...]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for all `secrets`, the longest first."""
    kept = sorted({secret for secret in secrets if secret}, key=len, reverse=True)
    if not kept:
        return None
    return re.compile("|".join(map(_alternative, kept)), re.IGNORECASE)


def _alternative(secret: str) -> str:
    text = re.escape(secret)
    if len(secret) >= _SHORT_SECRET:
        return text
    before = r"(?<![A-Za-z0-9])" if secret[0].isalnum() else ""
    after = r"(?![A-Za-z0-9])" if secret[-1].isalnum() else ""
    return before + text + after


def scrub(value: Any, secrets: Iterable[str]) -> Any:
    """`value` (text, or parsed JSON at any depth) with every secret, in any
    letter case, replaced by `***`."""
    pattern = _pattern(tuple(secrets))
    if pattern is None:
        return value
    return _scrub(value, pattern)


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub("***", value)
    if isinstance(value, list):
        return [_scrub(item, pattern) for item in value]
    if isinstance(value, dict):
        return {_scrub(key, pattern): _scrub(item, pattern) for key, item in value.items()}
    return value


def scrub_cut(text: str, secrets: Iterable[str]) -> str:
    """`text`, whose end was cut off, scrubbed (`scrub`) and with the start of
    a secret that the cut left at its end replaced by `***`: the fragment of a
    credential is as much a leak as the whole."""
    text = scrub(text, secrets)
    for secret in sorted(secrets, key=len, reverse=True):
        for size in range(min(len(secret) - 1, len(text)), 0, -1):
            if text[-size:].lower() == secret[:size].lower():
                text = text[:-size] + "***"
                break
    return text
