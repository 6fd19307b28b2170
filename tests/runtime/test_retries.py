"""The retry and deadline decisions of the client runtime, unit by unit.

Imported from `templates/runtime` (not `generated/`): an edit to the runtime
is tested without regenerating.
"""

from __future__ import annotations

import email.utils
import time

import httpx2
import pytest

from tests.runtime_source import runtime

retries = runtime("client.retries")
deadline = runtime("client.deadline")
errors = runtime("errors")


def answer(status: int, **headers: str) -> httpx2.Response:
    return httpx2.Response(status, headers=headers)


@pytest.mark.parametrize(
    "headers, wait",
    [
        ({}, None),
        ({"Retry-After": "3"}, 3.0),
        ({"Retry-After": "0.5"}, None),  # RFC 9110: delay-seconds are digits only
        ({"Retry-After": "1_0"}, None),  # which Python's int() and float() would read as 10
        ({"Retry-After": "+3"}, None),
        ({"Retry-After": " 4 "}, 4.0),
        ({"Retry-After-Ms": "1_000"}, None),
        ({"Retry-After-Ms": "250"}, 0.25),
        ({"Retry-After-Ms": "250", "Retry-After": "9"}, 0.25),  # the finer one wins
        ({"Retry-After-Ms": "soon", "Retry-After": "2"}, 2.0),  # an unreadable one is passed over
        ({"Retry-After": "-1"}, None),
        ({"Retry-After": "nan"}, None),
        ({"Retry-After": "inf"}, None),
        ({"Retry-After": "tomorrow"}, None),
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0),  # past: at once
    ],
)
def test_retry_after_is_read_in_seconds_or_as_a_date(
    headers: dict[str, str], wait: float | None
) -> None:
    assert retries.retry_after(httpx2.Headers(headers)) == wait


def test_a_future_http_date_is_the_time_until_it() -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    wait = retries.retry_after(httpx2.Headers({"Retry-After": when}))
    assert wait is not None and 28 <= wait <= 30


def test_backoff_doubles_with_jitter_up_to_its_cap() -> None:
    for attempt in range(8):
        full = min(retries.INITIAL_RETRY_DELAY * 2**attempt, retries.MAX_RETRY_DELAY)
        for _ in range(20):
            assert 0.75 * full <= retries.backoff(attempt) <= full


@pytest.mark.parametrize(
    "status, idempotent, again, retried",
    [
        (200, True, False, False),
        (404, True, False, False),
        (400, True, True, False),
        (408, False, False, True),  # not acted on: even a POST goes again
        (409, False, False, True),
        (429, False, False, True),
        (500, True, False, True),
        (503, True, False, True),
        (500, False, False, False),  # a POST the server may have acted on
        (500, False, True, True),  # unless the client was told to
    ],
)
def test_which_answers_are_retried(
    status: int, idempotent: bool, again: bool, retried: bool
) -> None:
    delay = retries.status_delay(answer(status), idempotent, again, 0, 2, None)
    assert (delay is not None) is retried


@pytest.mark.parametrize(
    "method, idempotent",
    [("GET", True), ("PUT", True), ("DELETE", True), ("QUERY", True), ("POST", False), ("PATCH", False), ("PURGE", False)],
)
def test_query_is_idempotent_and_custom_methods_are_not(method: str, idempotent: bool) -> None:
    """QUERY is safe and idempotent by its definition (the HTTP QUERY method draft), so a 500
    answered to it is retried as a GET's is; a custom method (`additionalOperations`) is not."""
    parsing = runtime("client.parsing")
    endpoint = parsing.Endpoint(operation_id="op", method=method, path="/search", response=None)
    assert endpoint.idempotent is idempotent
    delay = retries.status_delay(answer(500), endpoint.idempotent, False, 0, 2, None)
    assert (delay is not None) is idempotent


def test_no_retry_is_left_after_the_allowed_count() -> None:
    assert retries.status_delay(answer(503), True, False, 1, 2, None) is not None
    assert retries.status_delay(answer(503), True, False, 2, 2, None) is None


def test_a_retry_after_is_honoured_up_to_its_limit() -> None:
    assert retries.status_delay(answer(429, **{"Retry-After": "7"}), True, False, 0, 2, None) == 7.0
    too_long = str(int(retries.MAX_RETRY_AFTER) + 1)
    assert (
        retries.status_delay(answer(429, **{"Retry-After": too_long}), True, False, 0, 2, None)
        is None
    )


def test_no_wait_starts_that_the_deadline_would_not_leave_time_after() -> None:
    soon = deadline.Deadline(1.0)
    assert (
        retries.status_delay(answer(429, **{"Retry-After-Ms": "100"}), True, False, 0, 2, soon) == 0.1
    )
    assert (
        retries.status_delay(answer(429, **{"Retry-After": "5"}), True, False, 0, 2, soon) is None
    )


@pytest.mark.parametrize(
    "error, idempotent, retried",
    [
        (httpx2.ConnectError("refused"), False, True),  # never reached the server
        (httpx2.ConnectTimeout("slow"), False, True),
        (httpx2.PoolTimeout("busy"), False, True),
        (httpx2.ReadTimeout("slow"), False, False),  # a POST may have been acted on
        (httpx2.ReadTimeout("slow"), True, True),
        (httpx2.RemoteProtocolError("cut"), True, True),
    ],
)
def test_which_transport_errors_are_retried(
    error: httpx2.TransportError, idempotent: bool, retried: bool
) -> None:
    assert (retries.error_delay(error, idempotent, False, 0, 2, None) is not None) is retried


def test_a_deadline_caps_each_attempts_timeouts() -> None:
    request = httpx2.Request("GET", "https://api.example.com/")
    limit = deadline.Deadline(2.0)
    deadline.limit(request, {"connect": 5.0, "read": 1.0, "write": None, "pool": 60.0}, limit)
    caps = request.extensions["timeout"]
    assert caps["read"] == 1.0
    assert all(0 < caps[name] <= 2.0 for name in ("connect", "write", "pool"))


def test_a_passed_deadline_ends_the_call() -> None:
    request = httpx2.Request("GET", "https://api.example.com/")
    with pytest.raises(deadline.Expired):
        deadline.limit(request, {"read": 5.0}, deadline.Deadline(-1.0))


def test_an_error_body_is_read_only_up_to_its_limit() -> None:
    body = b"x" * (errors.MAX_ERROR_BODY * 3)
    response = httpx2.Response(500, stream=httpx2.ByteStream(body))
    deadline.read_body(response, None, 10**9)
    assert len(response.read()) == errors.MAX_ERROR_BODY


def test_a_body_is_not_read_past_the_deadline() -> None:
    def chunks():  # type: ignore[no-untyped-def]
        yield b"first"
        time.sleep(0.05)
        yield b"second"

    class Slow(httpx2.SyncByteStream):
        def __iter__(self):  # type: ignore[no-untyped-def]
            return chunks()

    response = httpx2.Response(200, stream=Slow())
    with pytest.raises(deadline.Expired):
        deadline.read_body(response, deadline.Deadline(0.02), 10**9)
