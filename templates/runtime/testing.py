"""Clients bound in-process to a stub app, for tests.

A generated API's `testing` module (and the package's pytest plugin) builds on
this: `bind_sync` and `bind_async` make a client of the API whose requests go
straight to the stub's ASGI app, with no socket and no server to start. The
async client sends through httpx2's `ASGITransport`; that transport is async
only, so the sync client sends through `SyncASGITransport`, which runs the same
app on a private event loop in one worker thread. Both go through the SDK's
own send loop (retries, deadline, parsing), as against the real service.

The client's base URL is the stub's host with no path: the stub serves the
spec's paths as they are written, whatever path the spec's server URL has, and
the client appends those same paths to its base URL.
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import anyio
import anyio.from_thread
import httpx2

from .client.transport import AsyncBaseClient, SyncBaseClient

__all__ = ["BASE_URL", "SyncASGITransport", "bind_async", "bind_sync", "stub_credentials"]

# Where a bound client sends: any host does, as nothing leaves the process.
BASE_URL = "http://stub.test"

SyncClientT = TypeVar("SyncClientT", bound=SyncBaseClient)
AsyncClientT = TypeVar("AsyncClientT", bound=AsyncBaseClient)


class SyncASGITransport(httpx2.BaseTransport):
    """A sync transport that hands each request to an ASGI app in-process.

    httpx2's `ASGITransport` is async; this one runs it on an event loop of its
    own, in a daemon thread started by the first request and stopped by
    `close()`, so that a sync client works in any thread, an async test's
    included. The request body is read before it is sent and the answer is
    read whole, as the stub's answers are small.
    """

    def __init__(
        self,
        app: Callable[..., Any],
        *,
        raise_app_exceptions: bool = True,
        root_path: str = "",
        client: tuple[str, int] = ("127.0.0.1", 123),
    ) -> None:
        self._asgi = httpx2.ASGITransport(
            app=app, raise_app_exceptions=raise_app_exceptions, root_path=root_path, client=client
        )
        self._lock = threading.Lock()
        self._portal: anyio.from_thread.BlockingPortal | None = None
        self._thread: threading.Thread | None = None

    def _started(self) -> anyio.from_thread.BlockingPortal:
        with self._lock:
            if self._portal is None:
                ready: concurrent.futures.Future[anyio.from_thread.BlockingPortal] = (
                    concurrent.futures.Future()
                )

                async def serve() -> None:
                    async with anyio.from_thread.BlockingPortal() as portal:
                        ready.set_result(portal)
                        await portal.sleep_until_stopped()

                def run() -> None:
                    try:
                        anyio.run(serve)
                    except BaseException as exc:  # handed to the thread waiting below
                        if not ready.done():
                            ready.set_exception(exc)

                # A daemon: a transport nobody closed does not keep the interpreter alive.
                self._thread = threading.Thread(target=run, name="stub-asgi", daemon=True)
                self._thread.start()
                self._portal = ready.result()
            return self._portal

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.read()  # the body as bytes, which the async transport can stream too

        async def send() -> tuple[int, list[tuple[bytes, bytes]], bytes, dict[str, Any]]:
            response = await self._asgi.handle_async_request(request)
            content = await response.aread()
            return response.status_code, response.headers.raw, content, dict(response.extensions)

        status, headers, content, extensions = self._started().call(send)
        return httpx2.Response(status, headers=headers, content=content, extensions=extensions)

    def close(self) -> None:
        with self._lock:
            portal, thread = self._portal, self._thread
            self._portal = self._thread = None
        if portal is not None:
            portal.call(portal.stop)
        if thread is not None:
            thread.join()


def stub_credentials(arguments: tuple[str, ...], given: Mapping[str, Any]) -> dict[str, str]:
    """A placeholder for each credential argument not in `given`: the stub
    checks that a request carries credentials, not what they are."""
    return {name: f"stub-{name.replace('_', '-')}" for name in arguments if name not in given}


def bind_sync(
    client_class: Callable[..., SyncClientT],
    app: Callable[..., Any],
    credentials: tuple[str, ...] = (),
    **options: Any,
) -> SyncClientT:
    """A `client_class` whose requests go to `app` in-process; closing the
    client stops the transport's thread. `options` go to the client
    (`max_retries=`, `deadline=`, credentials, ...)."""
    options.setdefault("base_url", BASE_URL)
    options = {**stub_credentials(credentials, options), **options}
    http = httpx2.Client(transport=SyncASGITransport(app), base_url=options["base_url"])
    client = client_class(http_client=http, **options)
    client._owns_http = True  # the HTTP client was made here: it closes with the client
    return client


def bind_async(
    client_class: Callable[..., AsyncClientT],
    app: Callable[..., Any],
    credentials: tuple[str, ...] = (),
    **options: Any,
) -> AsyncClientT:
    """An async `client_class` whose requests go to `app` in-process (through
    httpx2's `ASGITransport`, on the event loop of the caller); `options` go
    to the client."""
    options.setdefault("base_url", BASE_URL)
    options = {**stub_credentials(credentials, options), **options}
    http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=options["base_url"])
    client = client_class(http_client=http, **options)
    client._owns_http = True
    return client
