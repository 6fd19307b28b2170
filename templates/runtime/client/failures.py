"""A failed call as one of `errors.py`'s exceptions.

An error answer becomes its status's `APIStatusError` subclass, with the body
parsed (read once, at most `MAX_ERROR_BODY` bytes, and not at all when it is
retried); a transport failure becomes `APIConnectionError`, or
`APITimeoutError` for a timeout and for a call past its deadline. Every
message is scrubbed of the client's credentials, and names the request
without its query (which may carry one).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx2

from ..errors import APIConnectionError, APITimeoutError, scrub, status_error
from .deadline import Deadline

__all__ = ["body_of", "connection_error", "deadline_error", "raise_for_status"]


def body_of(response: httpx2.Response) -> Any:
    """The parsed JSON of an answer, or its text when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return response.text


def raise_for_status(response: httpx2.Response, secrets: Sequence[str]) -> None:
    """Raise the status's error for an answer that is not a success."""
    if response.status_code >= 300:
        raise status_error(response, body_of(response), secrets)


def connection_error(
    error: httpx2.TransportError, request: httpx2.Request, secrets: Sequence[str]
) -> APIConnectionError:
    what = f"{request.method} {request.url.copy_with(query=None)}"
    if isinstance(error, httpx2.TimeoutException):
        return APITimeoutError(
            f"request timed out ({type(error).__name__}): {what}", request=request
        )
    message = f"connection error: {what}: {type(error).__name__}: {error}"
    return APIConnectionError(scrub(message, secrets), request=request)


def deadline_error(request: httpx2.Request, deadline: Deadline) -> APITimeoutError:
    what = f"{request.method} {request.url.copy_with(query=None)}"
    return APITimeoutError(
        f"no complete answer within the call's deadline of {deadline.seconds:g}s: {what}",
        request=request,
    )
