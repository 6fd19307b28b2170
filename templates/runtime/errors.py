"""The exceptions every generated client raises: one shallow tree.

    DixaError
    ├── APIConnectionError          the request did not get an answer
    │   └── APITimeoutError         ... in time
    ├── APIResponseValidationError  an answer that does not match the spec
    └── APIStatusError              a 4xx/5xx answer
        ├── BadRequestError              400
        ├── AuthenticationError          401
        ├── PermissionDeniedError        403
        ├── NotFoundError                404
        ├── ConflictError                409
        ├── UnprocessableEntityError     422
        ├── RateLimitError               429
        └── InternalServerError          5xx

A status error carries the status, Dixa's `message`, the parsed body and the
`httpx.Response`. No message ever contains the API key: Dixa sometimes echoes
request data, so messages are scrubbed of the key before they are stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "DixaError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
]


class DixaError(Exception):
    """The base of every error raised by a Dixa client."""


class APIConnectionError(DixaError):
    """The request failed before an answer arrived (DNS, refused connection, reset...)."""

    def __init__(self, message: str, *, request: httpx.Request) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """No answer within the client's or the call's `timeout`."""


class APIResponseValidationError(DixaError):
    """A success answer whose body does not parse as the spec says it should."""

    def __init__(self, message: str, *, response: httpx.Response, body: Any) -> None:
        super().__init__(message)
        self.response = response
        self.body = body
        self.status_code = response.status_code


class APIStatusError(DixaError):
    """The API answered with a 4xx or 5xx status."""

    def __init__(self, message: str, *, response: httpx.Response, body: Any) -> None:
        super().__init__(message)
        self.message = message
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


def status_error(response: httpx.Response, body: Any, secrets: Iterable[str]) -> APIStatusError:
    """The exception for an error answer: Dixa's `{"message": ...}` when there is one."""
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        detail = body["message"]
    elif isinstance(body, str) and body:
        detail = body
    else:
        detail = response.reason_phrase or "error"
    message = f"{response.status_code} {detail}"
    for secret in secrets:
        message = message.replace(secret, "***")
    status = response.status_code
    cls = _BY_STATUS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    return cls(message, response=response, body=body)
