"""The clients a generated one is built on, and their send loops.

`SyncBaseClient` and `AsyncBaseClient` own one `httpx2.Client` (or
`AsyncClient`), closed with them unless it was passed in. A call builds its
request once (`base.py`), then sends it again while `retries.py` says it is
worth it and the deadline (`deadline.py`) allows; the answer kept is read
within the deadline and its size limit (`deadline.py`). Failures
become the exceptions of `errors.py` (`failures.py`). Lists are fetched page
by page into the pages of `paging.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast

import httpx2
from typing_extensions import Self

from ..paging import AsyncPage, SyncPage
from . import retries as _retries
from .auth import AuthScheme, Security
from .base import Base, closed_error, log, with_querystring
from .deadline import (
    DEFAULT_MAX_RESPONSE_BYTES,
    Expired,
    Watchdog,
    limit,
    read_body,
    read_body_async,
    within,
)
from .failures import connection_error, deadline_error
from .options import NOT_GIVEN, NotGiven, RequestOptions, TimeoutTypes, check_options
from .parsing import Endpoint
from .raw import APIResponse
from .streaming import AsyncStream, Framing, Stream

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
        base_url: str | None,
        default_base_url: str = "",
        base_url_env: str | None = None,
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
            default_base_url=default_base_url,
            base_url_env=base_url_env,
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
        querystring: Any = NOT_GIVEN,
    ) -> T:
        check_options(endpoint, options)
        query = with_querystring(query, querystring)
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
        keep_open: bool = False,
    ) -> httpx2.Response:
        """Send `request`, again while it is worth it; the answer kept is read within the deadline and size limit (`deadline.read_body`),
        except a success with `keep_open`, whose body is left to a `Stream` to read."""
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
                    try:
                        response = self._http.send(
                            request, auth=flow or httpx2.USE_CLIENT_DEFAULT, stream=True
                        )
                    except RuntimeError:
                        # Closed while the call waited to retry (or by another thread).
                        if self._http.is_closed:
                            raise closed_error(endpoint) from None
                        raise
                    kept = False
                    try:
                        delay = _retries.status_delay(
                            response, idempotent, again, retries, allowed, deadline
                        )
                        if delay is None:
                            if keep_open and response.is_success:
                                _unlimit(request, timeouts)
                                kept = True
                                return response
                            read_body(response, deadline, self._max_response_bytes)
                            return response
                    finally:
                        if not kept:
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

    def _stream(
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
        querystring: Any = NOT_GIVEN,
    ) -> Stream[T]:
        """Call a streaming operation: return once its answer has begun, its items read as they arrive."""
        check_options(endpoint, options)
        query = with_querystring(query, querystring)
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
        response = self._send(request, endpoint, options, credentials.flow, keep_open=True)
        self._finish_stream(response)
        stream = Stream(
            response,
            _framing(endpoint),
            lambda record, as_json: endpoint.parse_item(record, response, self._secrets, as_json),
            max_item_bytes=self._max_response_bytes,
        )
        if self._raw:
            return cast(Stream[T], APIResponse(endpoint, response, self._secrets, parsed=stream))
        return stream

    def _list(
        self,
        endpoint: Endpoint[list[T]],
        options: RequestOptions,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Any = NOT_GIVEN,
        headers: Mapping[str, Any] | None = None,
        cookies: Mapping[str, Any] | None = None,
        page_url: str | NotGiven = NOT_GIVEN,
    ) -> SyncPage[T]:
        """The page a list method asks for (the first, unless its cursor
        argument or `page_url` names another); later pages are fetched with
        the same arguments and the next cursor."""
        check_options(endpoint, options)
        credentials = self._credentials(endpoint)
        paging = endpoint.paging
        assert paging is not None
        url_path = endpoint.url_path(path)

        def fetch(cursor: str | None) -> tuple[list[Any], str | None, httpx2.Response]:
            request = self._page_request(
                self._http,
                endpoint,
                url_path,
                query,
                body,
                cursor,
                headers,
                cookies,
                credentials,
                options,
            )
            response = self._send(request, endpoint, options, credentials.flow)
            return self._page(endpoint, response, cursor)

        cursor = self._first_cursor(paging, query, page_url)
        items, following, response = fetch(cursor)
        seen = frozenset(() if cursor is None else (cursor,))
        page = SyncPage(items, following, response, paging, fetch, seen)
        if self._raw:
            return cast(SyncPage[T], APIResponse(endpoint, response, self._secrets, parsed=page))
        return page


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
        base_url: str | None,
        default_base_url: str = "",
        base_url_env: str | None = None,
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
            default_base_url=default_base_url,
            base_url_env=base_url_env,
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
        querystring: Any = NOT_GIVEN,
    ) -> T:
        check_options(endpoint, options)
        query = with_querystring(query, querystring)
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
        keep_open: bool = False,
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
                    try:
                        response = await self._http.send(
                            request, auth=flow or httpx2.USE_CLIENT_DEFAULT, stream=True
                        )
                    except RuntimeError:
                        # Closed while the call waited to retry (or by another task).
                        if self._http.is_closed:
                            raise closed_error(endpoint) from None
                        raise
                    kept = False
                    try:
                        delay = _retries.status_delay(
                            response, idempotent, again, retries, allowed, deadline
                        )
                        if delay is None:
                            if keep_open and response.is_success:
                                _unlimit(request, timeouts)
                                kept = True
                                return response
                            await read_body_async(response, deadline, self._max_response_bytes)
                            return response
                    finally:
                        if not kept:
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

    async def _stream(
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
        querystring: Any = NOT_GIVEN,
    ) -> AsyncStream[T]:
        """Call a streaming operation: return once its answer has begun, its items read as they arrive."""
        check_options(endpoint, options)
        query = with_querystring(query, querystring)
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
        response = await self._send(request, endpoint, options, credentials.flow, keep_open=True)
        self._finish_stream(response)
        stream = AsyncStream(
            response,
            _framing(endpoint),
            lambda record, as_json: endpoint.parse_item(record, response, self._secrets, as_json),
            max_item_bytes=self._max_response_bytes,
        )
        if self._raw:
            return cast(
                AsyncStream[T], APIResponse(endpoint, response, self._secrets, parsed=stream)
            )
        return stream

    async def _list(
        self,
        endpoint: Endpoint[list[T]],
        options: RequestOptions,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Any = NOT_GIVEN,
        headers: Mapping[str, Any] | None = None,
        cookies: Mapping[str, Any] | None = None,
        page_url: str | NotGiven = NOT_GIVEN,
    ) -> AsyncPage[T]:
        """The page a list method asks for (the first, unless its cursor
        argument or `page_url` names another); later pages are fetched with
        the same arguments and the next cursor."""
        check_options(endpoint, options)
        credentials = self._credentials(endpoint)
        paging = endpoint.paging
        assert paging is not None
        url_path = endpoint.url_path(path)

        async def fetch(cursor: str | None) -> tuple[list[Any], str | None, httpx2.Response]:
            request = self._page_request(
                self._http,
                endpoint,
                url_path,
                query,
                body,
                cursor,
                headers,
                cookies,
                credentials,
                options,
            )
            response = await self._send(request, endpoint, options, credentials.flow)
            return self._page(endpoint, response, cursor)

        cursor = self._first_cursor(paging, query, page_url)
        items, following, response = await fetch(cursor)
        seen = frozenset(() if cursor is None else (cursor,))
        page = AsyncPage(items, following, response, paging, fetch, seen)
        if self._raw:
            return cast(AsyncPage[T], APIResponse(endpoint, response, self._secrets, parsed=page))
        return page


def _framing(endpoint: Endpoint[Any]) -> Framing:
    assert endpoint.stream is not None, f"{endpoint} does not stream"
    return endpoint.stream


def _unlimit(request: httpx2.Request, timeouts: Mapping[str, float | None]) -> None:
    """Give a stream's reads the client's own timeouts again: the deadline bounds
    getting the answer, not how long the stream lasts (each read of its body
    still waits at most the read timeout)."""
    request.extensions["timeout"] = dict(timeouts)


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
