"""The one transport helper of client tests: an `httpx2` client whose requests are
answered in process and recorded, to hand a generated client as `http_client=`.

    http, sent = mock_http(httpx2.Response(204))
    client = package.Client(http_client=http)

`answer` is a response given to every request, or a function of the request
(sync, or async for the async client) returning one; each request's body is read
before it is recorded, so a test can look at `sent[i].content`.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

import httpx2

Answer = httpx2.Response | Callable[[httpx2.Request], httpx2.Response]
AsyncAnswer = Answer | Callable[[httpx2.Request], Awaitable[httpx2.Response]]


def _reply(answer: Answer | None, request: httpx2.Request) -> httpx2.Response:
    if answer is None:
        return httpx2.Response(204)
    return answer if isinstance(answer, httpx2.Response) else answer(request)


def mock_http(answer: Answer | None = None) -> tuple[httpx2.Client, list[httpx2.Request]]:
    """A sync client answering each request with `answer` (204 when None), and the requests it got."""
    sent: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        request.read()
        sent.append(request)
        return _reply(answer, request)

    return httpx2.Client(transport=httpx2.MockTransport(handler)), sent


def mock_async_http(answer: AsyncAnswer | None = None) -> tuple[httpx2.AsyncClient, list[httpx2.Request]]:
    """The async twin of `mock_http`; `answer` may also be a coroutine function."""
    sent: list[httpx2.Request] = []

    async def handler(request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        sent.append(request)
        if answer is not None and not isinstance(answer, httpx2.Response):
            reply = answer(request)
            return await reply if inspect.isawaitable(reply) else reply
        return _reply(answer, request)

    return httpx2.AsyncClient(transport=httpx2.MockTransport(handler)), sent
