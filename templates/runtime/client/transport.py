"""The clients a generated one is built on, and their send loops.

`SyncBaseClient` and `AsyncBaseClient` own one `httpx2.Client` (or
`AsyncClient`), closed with them unless it was passed in. A call builds its
request once (`base.py`), then sends it again while `retries.py` says it is
worth it and the deadline (`deadline.py`) allows; the answer kept is read
within the deadline and its size limit (`deadline.py`). Failures
become the exceptions of `errors.py` (`failures.py`). Lists are fetched page
by page through the pagers of `paging.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import httpx2
from typing_extensions import Self

from ..paging import AsyncPager, Page, SyncPager
from . import retries as _retries
from .auth import AuthScheme, Security
from .base import Base, log
from .deadline import DEFAULT_MAX_RESPONSE_BYTES, Expired, Watchdog, limit, read_body, read_body_async, within
from .failures import connection_error, deadline_error
from .options import NOT_GIVEN, NotGiven, RequestOptions, TimeoutTypes, check_options
from .parsing import Endpoint

__all__ = ["AsyncBaseClient", "AsyncResource", "SyncBaseClient", "SyncResource"]

T = TypeVar("T")


class SyncBaseClient(Base):
    """The synchronous client: one `httpx2.Client`, closed with the client unless it was passed in."""

    _http: httpx2.Client

    def __init__(
        self,
        *,
        schemes: Sequence[AuthScheme],
        security: Security,
        credentials: Mapping[str, str | None],
        check_credentials: bool = True,
        base_url: str,
        timeout: TimeoutTypes,
        deadline: float | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_retries: int,
        http_client: httpx2.Client | None,
        retry_non_idempotent: bool,
    ) -> None:
        self._configure(
            schemes=schemes,
            security=security,
            credentials=credentials,
            check_credentials=check_credentials,
            base_url=base_url,
            timeout=timeout,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            max_retries=max_retries,
            retry_non_idempotent=retry_non_idempotent,
        )
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx2.Client(timeout=timeout)

    def close(self) -> None:
        """Close the connections (a client passed as `http_client` is left to its owner)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _call(
        self,
        endpoint: Endpoint[T],
        options: RequestOptions,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Any = NOT_GIVEN,
        files: Mapping[str, Any] | NotGiven | None = None,
        headers: Mapping[str, Any] | None = None,
        cookies: Mapping[str, Any] | None = None,
    ) -> T:
        check_options(endpoint, options)
        credentials = self._credentials(endpoint)
        request = self._build(
            self._http,
            endpoint,
            self._base_url + endpoint.url_path(path),
            query,
            body,
            files,
            headers,
            cookies,
            credentials,
            options,
        )
        return self._finish(endpoint, self._send(request, endpoint, options, credentials.flow))

    def _send(
        self,
        request: httpx2.Request,
        endpoint: Endpoint[Any],
        options: RequestOptions,
        flow: httpx2.Auth | None,
    ) -> httpx2.Response:
        """Send `request`, again while it is worth it; the answer kept is read (see `bound`)."""
        idempotent, allowed = endpoint.idempotent, self._retries(options)
        again = self._retry_non_idempotent
        deadline = self._deadline_of(options)
        timeouts = dict(request.extensions.get("timeout", {}))
        trace = request.extensions.get("trace")
        retries = 0
        while True:
            watchdog = None
            try:
                if deadline is not None:
                    limit(request, timeouts, deadline)
                    watchdog = Watchdog(request, deadline, trace)
                try:
                    response = self._http.send(
                        request, auth=flow or httpx2.USE_CLIENT_DEFAULT, stream=True
                    )
                    try:
                        delay = _retries.status_delay(
                            response, idempotent, again, retries, allowed, deadline
                        )
                        if delay is None:
                            read_body(response, deadline, self._max_response_bytes)
                            return response
                    finally:
                        response.close()
                finally:
                    if watchdog is not None:
                        watchdog.stop()
            except httpx2.TransportError as exc:
                if watchdog is not None and watchdog.fired:
                    assert deadline is not None
                    raise deadline_error(request, deadline) from None
                delay = _retries.error_delay(exc, idempotent, again, retries, allowed, deadline)
                if delay is None:
                    raise connection_error(exc, request, self._secrets) from None
            except Expired:
                assert deadline is not None
                raise deadline_error(request, deadline) from None
            log.info(
                "retrying %s %s in %.2fs", request.method, request.url.copy_with(query=None), delay
            )
            retries += 1
            _retries.sleep(delay)

    def _pager(
        self,
        endpoint: Endpoint[list[T]],
        options: RequestOptions,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        cookies: Mapping[str, Any] | None = None,
    ) -> SyncPager[T]:
        check_options(endpoint, options)
        credentials = self._credentials(endpoint)

        url_path = endpoint.url_path(path)

        def fetch(cursor: str | None) -> Page[T]:
            request = self._page_request(
                self._http,
                endpoint,
                url_path,
                query,
                cursor,
                headers,
                cookies,
                credentials,
                options,
            )
            response = self._send(request, endpoint, options, credentials.flow)
            return self._page(endpoint, response, cursor)

        return SyncPager(fetch)


class AsyncBaseClient(Base):
    """The asynchronous client: one `httpx2.AsyncClient`, closed with the client unless it was passed in."""

    _http: httpx2.AsyncClient

    def __init__(
        self,
        *,
        schemes: Sequence[AuthScheme],
        security: Security,
        credentials: Mapping[str, str | None],
        check_credentials: bool = True,
        base_url: str,
        timeout: TimeoutTypes,
        deadline: float | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_retries: int,
        http_client: httpx2.AsyncClient | None,
        retry_non_idempotent: bool,
    ) -> None:
        self._configure(
            schemes=schemes,
            security=security,
            credentials=credentials,
            check_credentials=check_credentials,
            base_url=base_url,
            timeout=timeout,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            max_retries=max_retries,
            retry_non_idempotent=retry_non_idempotent,
        )
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx2.AsyncClient(timeout=timeout)

    async def close(self) -> None:
        """Close the connections (a client passed as `http_client` is left to its owner)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _call(
        self,
        endpoint: Endpoint[T],
        options: RequestOptions,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Any = NOT_GIVEN,
        files: Mapping[str, Any] | NotGiven | None = None,
        headers: Mapping[str, Any] | None = None,
        cookies: Mapping[str, Any] | None = None,
    ) -> T:
        check_options(endpoint, options)
        credentials = self._credentials(endpoint)
        request = self._build(
            self._http,
            endpoint,
            self._base_url + endpoint.url_path(path),
            query,
            body,
            files,
            headers,
            cookies,
            credentials,
            options,
        )
        return self._finish(
            endpoint, await self._send(request, endpoint, options, credentials.flow)
        )

    async def _send(
        self,
        request: httpx2.Request,
        endpoint: Endpoint[Any],
        options: RequestOptions,
        flow: httpx2.Auth | None,
    ) -> httpx2.Response:
        """The async twin of `SyncBaseClient._send`."""
        idempotent, allowed = endpoint.idempotent, self._retries(options)
        again = self._retry_non_idempotent
        deadline = self._deadline_of(options)
        timeouts = dict(request.extensions.get("timeout", {}))
        retries = 0
        while True:
            try:
                if deadline is not None:
                    limit(request, timeouts, deadline)
                with within(deadline):
                    response = await self._http.send(
                        request, auth=flow or httpx2.USE_CLIENT_DEFAULT, stream=True
                    )
                    try:
                        delay = _retries.status_delay(
                            response, idempotent, again, retries, allowed, deadline
                        )
                        if delay is None:
                            await read_body_async(response, deadline, self._max_response_bytes)
                            return response
                    finally:
                        await response.aclose()
            except httpx2.TransportError as exc:
                delay = _retries.error_delay(exc, idempotent, again, retries, allowed, deadline)
                if delay is None:
                    raise connection_error(exc, request, self._secrets) from None
            except (Expired, TimeoutError):
                assert deadline is not None
                raise deadline_error(request, deadline) from None
            log.info(
                "retrying %s %s in %.2fs", request.method, request.url.copy_with(query=None), delay
            )
            retries += 1
            await _retries.async_sleep(delay)

    def _pager(
        self,
        endpoint: Endpoint[list[T]],
        options: RequestOptions,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        cookies: Mapping[str, Any] | None = None,
    ) -> AsyncPager[T]:
        check_options(endpoint, options)
        credentials = self._credentials(endpoint)

        url_path = endpoint.url_path(path)

        async def fetch(cursor: str | None) -> Page[T]:
            request = self._page_request(
                self._http,
                endpoint,
                url_path,
                query,
                cursor,
                headers,
                cookies,
                credentials,
                options,
            )
            response = await self._send(request, endpoint, options, credentials.flow)
            return self._page(endpoint, response, cursor)

        return AsyncPager(fetch)


class SyncResource:
    """The base of a generated resource (`client.end_users`): the operations of one tag."""

    __slots__ = ("_client",)

    def __init__(self, client: SyncBaseClient) -> None:
        self._client = client


class AsyncResource:
    """The base of a generated async resource."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncBaseClient) -> None:
        self._client = client
