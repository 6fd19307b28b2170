"""When a failed attempt is sent again, and after how long.

Retries use exponential backoff with jitter on connection errors, timeouts,
408, 409, 429 and 5xx, honouring `Retry-After-Ms` and `Retry-After` (seconds
or an HTTP date) up to `MAX_RETRY_AFTER`: a longer wait is not waited, the
error is raised at once. A POST, a PATCH or a custom method is not retried
once the server may have acted on it (it answered other than 408, 409 or 429,
or the connection broke after the request went out) unless the client was
built with `retry_non_idempotent`; QUERY, safe and idempotent like GET, is. No wait is started that the call's deadline
(`deadline.py`) would not leave time to follow with another attempt.

`sleep` and `async_sleep` are looked up on this module at each wait, so a test
can replace them.
"""

from __future__ import annotations

import email.utils
import math
import random
import re
import time

import httpx2

from .deadline import Deadline

__all__ = [
    "INITIAL_RETRY_DELAY",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
    "async_sleep",
    "backoff",
    "error_delay",
    "retry_after",
    "sleep",
    "status_delay",
]

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# A `Retry-After` longer than this is not waited for: the error is raised at once.
MAX_RETRY_AFTER = 60.0
# RFC 9110's idempotent methods, and QUERY (the HTTP QUERY method draft: safe and idempotent,
# a GET with a body); a custom method (OpenAPI 3.2 `additionalOperations`) is not assumed to be.
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE", "QUERY"})
_RETRY_STATUSES = frozenset({408, 409, 429})
# Statuses that say the request was not acted on, so even a POST may be sent again.
_NOT_ACTED_STATUSES = frozenset({408, 409, 429})
# RFC 9110: delay-seconds = 1*DIGIT (no sign, point or underscore, which float() would take);
# `Retry-After-Ms`, not standard, may have a fraction.
_SECONDS = re.compile(r"[0-9]+")
_MILLISECONDS = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def retry_after(headers: httpx2.Headers) -> float | None:
    """The wait an answer asks for, in seconds: `Retry-After-Ms`, else `Retry-After`
    (digits, or an HTTP date, as RFC 9110 says). None when it asks for none, or
    for one that cannot be waited (negative, not digits, not a date): then the
    backoff applies."""
    for name, scale, form in (
        ("retry-after-ms", 1000.0, _MILLISECONDS),
        ("retry-after", 1.0, _SECONDS),
    ):
        value = headers.get(name)
        if value is None:
            continue
        value = value.strip()
        if form.fullmatch(value):
            seconds = float(value) / scale
        else:
            seconds = _seconds_until(value) if scale == 1.0 else math.nan
        if math.isfinite(seconds) and seconds >= 0:
            return seconds
    return None


def _seconds_until(value: str) -> float:
    """The seconds from now to an HTTP date (none when it is past), NaN for anything else."""
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return math.nan
    return max(0.0, when.timestamp() - time.time())


def backoff(retries: int) -> float:
    """The wait before retry number `retries + 1`: doubling from `INITIAL_RETRY_DELAY`
    up to `MAX_RETRY_DELAY`, less up to a quarter at random so clients spread out."""
    delay = min(INITIAL_RETRY_DELAY * 2.0**retries, MAX_RETRY_DELAY)
    return delay * (1 - 0.25 * random.random())


def status_delay(
    response: httpx2.Response,
    idempotent: bool,
    retry_non_idempotent: bool,
    retries: int,
    allowed: int,
    deadline: Deadline | None,
) -> float | None:
    """How long to wait before sending again after `response`, or None to keep it
    (a success, an error not worth retrying, or no retry left in count or time)."""
    status = response.status_code
    if status < 300 or retries >= allowed:
        return None
    if not (status in _RETRY_STATUSES or status >= 500):
        return None
    if not (idempotent or retry_non_idempotent or status in _NOT_ACTED_STATUSES):
        return None
    delay = retry_after(response.headers)
    if delay is None:
        delay = backoff(retries)
    elif delay > MAX_RETRY_AFTER:
        return None
    return delay if deadline is None or deadline.allows(delay) else None


def error_delay(
    error: httpx2.TransportError,
    idempotent: bool,
    retry_non_idempotent: bool,
    retries: int,
    allowed: int,
    deadline: Deadline | None,
) -> float | None:
    """How long to wait after a transport error, or None to give up.

    A request that never reached the server (connect errors and timeouts,
    pool timeouts) may always be sent again; any other may have been acted on."""
    if retries >= allowed:
        return None
    reached = not isinstance(
        error, (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout)
    )
    if reached and not (idempotent or retry_non_idempotent):
        return None
    delay = backoff(retries)
    return delay if deadline is None or deadline.allows(delay) else None


def sleep(seconds: float) -> None:
    time.sleep(seconds)


async def async_sleep(seconds: float) -> None:
    import asyncio  # here, not at the top: a sync program does not pay for asyncio

    await asyncio.sleep(seconds)
