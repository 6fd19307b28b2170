"""What the sync and the async client share: configuration, request building,
the choice of credentials and the reading of a finished answer.

The send loops themselves, which differ only in `await`, are in `transport.py`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast

import httpx2
from pydantic import BaseModel
from typing_extensions import Self

from ..errors import APIError, ClientClosedError
from ..models import to_wire
from ..paging import Paging
from ..styles import DEFAULT_STYLES, header_text, query_pairs
from .auth import (
    AuthScheme,
    Credentials,
    Security,
    apply,
    choose,
    cookie_header,
    given_credentials,
    refuse_clashes,
    spell,
)
from .bodies import encode_body, multipart
from .deadline import Deadline
from .logs import guard_logs
from .failures import raise_for_status
from .options import NOT_GIVEN, NotGiven, RequestOptions, TimeoutTypes, merge_headers
from .parsing import Endpoint
from .raw import APIResponse

__all__ = ["Base", "closed_error", "log", "with_querystring"]

T = TypeVar("T")

# The generated package this runtime belongs to (`dixa_sdk` for `dixa_sdk._runtime.client`).
_PACKAGE = __name__.partition("._runtime")[0]
log = logging.getLogger(_PACKAGE)


def with_querystring(query: Mapping[str, Any] | None, querystring: Any) -> Mapping[str, Any] | None:
    """The query parameters with the fields of an OpenAPI 3.2 `querystring` value
    (a model or a mapping by wire name) added, each written as a form field."""
    if querystring is NOT_GIVEN or querystring is None:
        return query
    dump = getattr(querystring, "model_dump", None)
    fields = (
        dump(mode="json", by_alias=True, exclude_none=True)
        if dump is not None
        else dict(querystring)
    )
    return {**fields, **(query or {})}


def closed_error(endpoint: Endpoint[Any]) -> ClientClosedError:
    return ClientClosedError(
        f"{endpoint.operation_id}: the client is closed (after close() or its with block); "
        "nothing was sent"
    )


def _with_extra_body(
    endpoint: Endpoint[Any],
    body: Any,
    files: Mapping[str, Any] | NotGiven | None,
    extra: Mapping[str, object],
) -> tuple[Any, Mapping[str, Any] | NotGiven | None]:
    """The body and form parts with a call's `extra_body` on top: more parts of
    a multipart form, more fields of a JSON or form object (theirs win on the same
    name), or the whole body of an operation that sends none."""
    if isinstance(files, (Mapping, NotGiven)):
        return body, {**(files or {}), **extra}
    if isinstance(body, NotGiven) or body is None:
        if endpoint.body_media is not None and not _is_form(endpoint.body_media):
            raise TypeError(f"{endpoint.operation_id}: extra_body needs a JSON or form body")
        return dict(extra), files
    fields = to_wire(body) if isinstance(body, BaseModel) else body
    if not isinstance(fields, Mapping) or (
        endpoint.body_media is not None and not _is_form(endpoint.body_media)
    ):
        raise TypeError(
            f"{endpoint.operation_id}: extra_body adds fields to an object body, "
            f"not to {type(body).__name__}"
        )
    return {**fields, **extra}, files


def _is_form(media: str) -> bool:
    return media.lower().startswith("application/x-www-form-urlencoded")


class Base:
    """What the sync and the async client share: configuration, request
    building, the retry settings and the reading of answers."""

    _base_url: str
    _headers: dict[str, str]
    _schemes: dict[str, AuthScheme]
    _applied: dict[str, Credentials]
    _security: Security
    _chosen: dict[Security | None, Credentials]
    _secrets: tuple[str, ...]
    _anonymous: bool
    _timeout: TimeoutTypes
    _deadline: float | None
    _max_response_bytes: int
    _max_retries: int
    _retry_non_idempotent: bool
    _raw: bool
    _owns_http: bool

    def _configure(
        self,
        *,
        schemes: Sequence[AuthScheme],
        security: Security,
        credentials: Mapping[str, str | None],
        check_credentials: bool,
        base_url: str | None,
        timeout: TimeoutTypes,
        deadline: float | None,
        max_response_bytes: int,
        max_retries: int,
        retry_non_idempotent: bool,
        default_base_url: str = "",
        base_url_env: str | None = None,
    ) -> None:
        if base_url is None:
            # Not passed: the environment variable's, else the spec's first server.
            base_url = (os.environ.get(base_url_env) if base_url_env else None) or default_base_url
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._deadline = deadline
        self._max_response_bytes = max_response_bytes
        self._max_retries = max_retries
        self._retry_non_idempotent = retry_non_idempotent
        self._raw = False
        # Only the codings `deadline.py` decodes within its size limits are asked for.
        self._headers = {
            "Accept": "application/json",
            "Accept-Encoding": "gzip, deflate",
            "User-Agent": f"{_PACKAGE}-python",
        }
        given = given_credentials(schemes, credentials)
        refuse_clashes(schemes, security, given)
        self._schemes = {scheme.name: scheme for scheme in schemes}
        self._applied = {}
        secrets: set[str] = set()
        for scheme in schemes:
            values = [given.get(param) for param in scheme.params]
            if all(values):
                self._applied[scheme.name] = apply(scheme, cast(list[str], values), secrets)
        self._security = security
        self._chosen = {}
        self._anonymous = not given  # then, and only then, the environment was read
        self._secrets = tuple(sorted(secrets, key=len, reverse=True))
        guard_logs(self._secrets)
        if check_credentials and not given and security and all(security):
            # Every operation needs credentials: say so now rather than at the first call.
            raise APIError(f"no credentials: pass {self._spell(security)}")

    def _copy(
        self,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        deadline: float | None | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        retry_non_idempotent: bool | NotGiven = NOT_GIVEN,
        raw: bool = False,
    ) -> Self:
        """A client sharing this one's connection pool with some settings changed."""
        new = object.__new__(type(self))
        for name in (
            "_base_url",
            "_headers",
            "_schemes",
            "_applied",
            "_security",
            "_chosen",
            "_secrets",
            "_anonymous",
            "_timeout",
            "_deadline",
            "_max_response_bytes",
            "_max_retries",
            "_retry_non_idempotent",
            "_raw",
            "_http",
        ):
            setattr(new, name, getattr(self, name))
        new._owns_http = False
        if not isinstance(timeout, NotGiven):
            new._timeout = timeout
        if not isinstance(deadline, NotGiven):
            new._deadline = deadline
        if not isinstance(max_retries, NotGiven):
            new._max_retries = max_retries
        if not isinstance(retry_non_idempotent, NotGiven):
            new._retry_non_idempotent = retry_non_idempotent
        new._raw = raw or self._raw
        return new

    def with_options(
        self,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        deadline: float | None | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        retry_non_idempotent: bool | NotGiven = NOT_GIVEN,
    ) -> Self:
        """This client with other defaults, sharing its connections:
        `client.with_options(max_retries=5).end_users.list()`."""
        return self._copy(
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
            retry_non_idempotent=retry_non_idempotent,
        )

    @property
    def base_url(self) -> str:
        return self._base_url

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._base_url!r})"

    def _url(self, path: str) -> str:
        return self._base_url + path

    def _next_url(self, link: str) -> str:
        """A next-page link, which must stay on the API's host: the key is never sent elsewhere."""
        if link.startswith("/"):
            return self._base_url + link
        target, base = httpx2.URL(link), httpx2.URL(self._base_url)
        if (target.scheme, target.host, target.port) != (base.scheme, base.host, base.port):
            raise APIError(f"refusing to follow a next-page link to another host: {target.host}")
        return link

    def _credentials(self, endpoint: Endpoint[Any]) -> Credentials:
        """What the credentials add to a request of `endpoint` (see `auth.choose`).
        Raises `APIError` naming what to pass when nothing given meets its requirement."""
        chosen = self._chosen.get(endpoint.security)
        if chosen is not None:
            return chosen
        security = self._security if endpoint.security is None else endpoint.security
        chosen = choose(self._headers, self._applied, security)
        if chosen is None:
            raise APIError(
                f"{endpoint.operation_id} needs credentials: pass {self._spell(security)}"
            )
        self._chosen[endpoint.security] = chosen
        return chosen

    def _spell(self, security: Security) -> str:
        return spell(security, self._schemes, self._anonymous)

    def _page_request(
        self,
        http: httpx2.Client | httpx2.AsyncClient,
        endpoint: Endpoint[Any],
        path: str,
        query: Mapping[str, Any] | None,
        body: Any,
        cursor: str | None,
        headers: Mapping[str, Any] | None,
        cookies: Mapping[str, Any] | None,
        credentials: Credentials,
        options: RequestOptions,
    ) -> httpx2.Request:
        """The request for the page at `cursor` of a list (None: the first page);
        a list asked for with a body (a search) sends it again for every page."""
        assert endpoint.paging is not None
        url, params = endpoint.paging.request(self._base_url + path, query, cursor, self._next_url)
        return self._build(
            http, endpoint, url, params, body, None, headers, cookies, credentials, options
        )

    @staticmethod
    def _first_cursor(
        paging: Paging, query: Mapping[str, Any] | None, page_url: str | NotGiven
    ) -> str | None:
        """What leads to the page a list call asks for: the URL given as
        `page_url`, or the value of the cursor parameter; None: the first page."""
        if paging.by_url:
            return None if isinstance(page_url, NotGiven) or not page_url else page_url
        value = (query or {}).get(paging.cursor_parameter)
        return None if value is None or isinstance(value, NotGiven) else str(value)

    def _build(
        self,
        http: httpx2.Client | httpx2.AsyncClient,
        endpoint: Endpoint[Any],
        url: str,
        query: Mapping[str, Any] | None,
        body: Any,
        files: Mapping[str, Any] | NotGiven | None,
        header_params: Mapping[str, Any] | None,
        cookie_params: Mapping[str, Any] | None,
        credentials: Credentials,
        options: RequestOptions,
    ) -> httpx2.Request:
        if http.is_closed:
            raise closed_error(endpoint)
        styles = endpoint.styles
        if header_params:
            header_params = {
                name: header_text(value, styles.get(("header", name), DEFAULT_STYLES["header"]))
                for name, value in header_params.items()
                if not isinstance(value, NotGiven) and value is not None
            }
        # The client's headers with the credentials', then the operation's header
        # parameters, then its cookies (with cookie credentials), then the call's extra ones.
        headers = credentials.headers
        if endpoint.accept is not None:
            headers = merge_headers(headers, {"Accept": endpoint.accept})
        for more in (
            header_params,
            cookie_header(credentials.cookies, cookie_params, endpoint.styles),
            options.get("extra_headers"),
        ):
            if more:
                headers = merge_headers(headers, more)
        timeout = options.get("timeout", NOT_GIVEN)
        params = None
        extra_query = options.get("extra_query")
        if extra_query:
            query = {**(query or {}), **extra_query}
        if query or credentials.params:
            default = DEFAULT_STYLES["query"]
            given = {
                name: value
                for name, value in (query or {}).items()
                if not isinstance(value, NotGiven) and value is not None
            }
            # Credentials sent in the query first; a parameter of the same name wins.
            pairs: list[tuple[str, str | int | float | bool | None]] = [
                (k, v) for k, v in credentials.params.items() if k not in given
            ]
            for name, value in given.items():
                pairs += query_pairs(name, value, styles.get(("query", name), default))
            params = httpx2.QueryParams(pairs)
        extra_body = options.get("extra_body")
        if extra_body:
            body, files = _with_extra_body(endpoint, body, files, extra_body)
        content = None
        parts = None
        if isinstance(files, Mapping):
            parts = multipart(files)
        elif not isinstance(body, NotGiven):
            media = endpoint.body_media or "application/json"
            content = encode_body(body, media, endpoint.form_styles)
            headers = {**headers, "Content-Type": media}
        return http.build_request(
            endpoint.method,
            url,
            params=params,
            content=content,
            files=parts,
            headers=headers,
            timeout=self._timeout if isinstance(timeout, NotGiven) else timeout,
        )

    def _retries(self, options: RequestOptions) -> int:
        max_retries = options.get("max_retries", NOT_GIVEN)
        return self._max_retries if isinstance(max_retries, NotGiven) else max_retries

    def _deadline_of(self, options: RequestOptions) -> Deadline | None:
        """When the call that starts now must be over, if it has a deadline."""
        seconds = options.get("deadline", self._deadline)
        return None if seconds is None else Deadline(seconds)

    def _finish(self, endpoint: Endpoint[T], response: httpx2.Response) -> T:
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s %s -> %s",
                response.request.method,
                response.request.url.copy_with(query=None),
                response.status_code,
            )
        raise_for_status(response, self._secrets)
        if self._raw:
            return cast(T, APIResponse(endpoint, response, self._secrets))
        return endpoint.parse(response, self._secrets)

    def _finish_stream(self, response: httpx2.Response) -> None:
        """Raise for an answer that is not a success (its body already read, bounded)."""
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s %s -> %s (stream)",
                response.request.method,
                response.request.url.copy_with(query=None),
                response.status_code,
            )
        raise_for_status(response, self._secrets)

    def _page(
        self, endpoint: Endpoint[Any], response: httpx2.Response, cursor: str | None
    ) -> tuple[list[Any], str | None, httpx2.Response]:
        """The items of the page at `cursor`, what leads to the next one, and the answer."""
        raise_for_status(response, self._secrets)
        items, following = endpoint.parse_page(response, cursor, self._secrets)
        return items, following, response
