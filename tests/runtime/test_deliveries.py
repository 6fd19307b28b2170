"""The stub's webhook sender (`stub/deliveries.py`) with a fake transport: its
retries, backoff bound, queue bound, and what each attempt records.

Imported from `templates/runtime`: an edit is tested without regenerating.
"""

from __future__ import annotations

import threading
import time

import httpx2
import pytest

from tests.runtime_source import runtime

deliveries = runtime("stub.deliveries")


def delivery(url: str = "http://receiver.test/hook", **kwargs: object) -> object:
    return deliveries.Delivery(
        url=url,
        body=b'{"event_fqn":"CONVERSATION_CREATED"}',
        headers={"X-Sub": "s1"},
        subscription="s1",
        event="ConversationCreated",
        **kwargs,
    )


def sender(handler: object, **options: object) -> object:
    options = {"backoff": 0.01, "max_backoff": 0.02, "timeout": 2.0, **options}
    return deliveries.Sender(transport=httpx2.MockTransport(handler), **options)


def test_a_500_then_a_200_is_two_attempts_the_second_a_success() -> None:
    answers = iter([500, 200])
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(next(answers), text="fine" if len(seen) == 2 else "boom")

    signed = lambda body: {"X-Signature": f"len={len(body)}"}  # noqa: E731
    out = sender(handler)
    try:
        assert out.submit(delivery(sign=signed))
        assert out.wait_idle(5)
        attempts = out.drain()
    finally:
        out.close()
    assert [(a.number, a.status, a.success, a.text) for a in attempts] == [
        (1, 500, False, "boom"),
        (2, 200, True, "fine"),
    ]
    assert attempts[-1].final and not attempts[0].final
    request = seen[0]
    assert request.method == "POST" and request.content == b'{"event_fqn":"CONVERSATION_CREATED"}'
    assert request.headers["X-Sub"] == "s1" and request.headers["X-Signature"] == "len=36"
    assert request.headers["Content-Type"] == "application/json"


def test_a_receiver_that_always_fails_gets_the_bounded_number_of_attempts() -> None:
    calls = 0

    def handler(request: httpx2.Request) -> httpx2.Response:
        nonlocal calls
        calls += 1
        raise httpx2.ConnectError("refused", request=request)

    out = sender(handler, attempts=3)
    try:
        out.submit(delivery())
        assert out.wait_idle(5)
        attempts = out.drain()
    finally:
        out.close()
    assert calls == 3
    assert [(a.status, a.success) for a in attempts] == [(0, False)] * 3
    assert "ConnectError" in attempts[0].text and attempts[-1].final


def test_a_url_no_attempt_can_reach_is_tried_once() -> None:
    out = deliveries.Sender(backoff=0.01)
    try:
        out.submit(delivery(url="ftp://receiver.test/hook"))
        assert out.wait_idle(5)
        (attempt,) = out.drain()
    finally:
        out.close()
    assert not attempt.success and attempt.final and attempt.status == 0


def test_the_queue_is_bounded_and_a_full_one_drops_without_raising() -> None:
    gate = threading.Event()

    def handler(request: httpx2.Request) -> httpx2.Response:
        gate.wait(5)
        return httpx2.Response(204)

    out = sender(handler, max_queue=3, workers=1)
    try:
        accepted = [out.submit(delivery()) for _ in range(5)]
        assert accepted == [True, True, True, False, False]
        assert out.pending == 3 and out.dropped == 2
        gate.set()
        assert out.wait_idle(5)
        assert [a.status for a in out.drain()] == [204, 204, 204]
    finally:
        out.close()


def test_backoff_doubles_up_to_its_bound() -> None:
    times: list[float] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        times.append(time.monotonic())
        return httpx2.Response(503)

    out = sender(handler, attempts=4, backoff=0.05, max_backoff=0.1)
    try:
        out.submit(delivery())
        assert out.wait_idle(5)
    finally:
        out.close()
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(gaps) == 3
    assert gaps[0] >= 0.045 and gaps[1] >= 0.095 and gaps[2] >= 0.095
    assert max(gaps) < 1.0


def test_close_returns_at_once_with_a_receiver_that_hangs() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        time.sleep(0)  # the mock transport answers synchronously; the hang is below
        return httpx2.Response(200)

    class Hanging(httpx2.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
            import asyncio

            await asyncio.sleep(60)
            return httpx2.Response(200)

    out = deliveries.Sender(transport=Hanging(), timeout=30)
    out.submit(delivery())
    time.sleep(0.1)
    start = time.monotonic()
    out.close()
    assert time.monotonic() - start < 2.5
    # A later submit starts afresh.
    out2 = sender(handler)
    try:
        assert out2.submit(delivery()) and out2.wait_idle(5)
    finally:
        out2.close()


def test_an_attempt_is_cut_off_at_its_timeout() -> None:
    class Hanging(httpx2.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
            import asyncio

            await asyncio.sleep(60)
            return httpx2.Response(200)

    out = deliveries.Sender(transport=Hanging(), timeout=0.2, attempts=2, backoff=0.01)
    start = time.monotonic()
    try:
        out.submit(delivery())
        assert out.wait_idle(5)
        attempts = out.drain()
    finally:
        out.close()
    assert time.monotonic() - start < 2
    assert [a.success for a in attempts] == [False, False]
    assert "within 0.2 s" in attempts[0].text


@pytest.mark.parametrize("size", [10, 100_000])
def test_the_answer_kept_is_bounded(size: int) -> None:
    out = sender(lambda request: httpx2.Response(200, text="x" * size))
    try:
        out.submit(delivery())
        assert out.wait_idle(5)
        (attempt,) = out.drain()
    finally:
        out.close()
    assert attempt.text == "x" * min(size, deliveries.MAX_RESPONSE_TEXT)
