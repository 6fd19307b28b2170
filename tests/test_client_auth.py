"""Credentials of every kind of security scheme, and cookie parameters, as the
generated client puts them on the wire: API keys in a header, the query or a
cookie, HTTP Basic, Digest and Bearer, OAuth 2 and OpenID Connect tokens;
requirements that need several schemes together, optional ones, and the error
that names what to pass. Each spec is generated into a temporary folder,
imported, and driven over `httpx2.MockTransport`."""

from __future__ import annotations

import asyncio
import base64
import importlib
import inspect
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import httpx2
import pytest

from .transport import mock_async_http, mock_http
from .generated_packages import generated_packages

AUTH = """
openapi: 3.1.0
info: {title: Auth, version: '1'}
servers: [{url: 'https://auth.example.com/api'}]
security: [{bearer: []}]
paths:
  /header:
    get:
      operationId: byHeader
      security: [{keyHeader: []}]
      responses: {'204': {description: ok}}
  /query:
    get:
      operationId: byQuery
      security: [{keyQuery: []}]
      parameters: [{name: q, in: query, schema: {type: string}}]
      responses: {'204': {description: ok}}
  /cookie:
    get:
      operationId: byCookie
      security: [{keyCookie: []}]
      parameters:
      - {name: session, in: cookie, schema: {type: string}}
      - {name: flag, in: cookie, schema: {type: boolean}}
      - {name: day, in: cookie, schema: {type: string, format: date}}
      - {name: color, in: cookie, schema: {$ref: '#/components/schemas/Color'}}
      - {name: token, in: cookie, schema: {type: string}}
      responses: {'204': {description: ok}}
  /basic:
    get:
      operationId: byBasic
      security: [{basic: []}]
      responses: {'204': {description: ok}}
  /digest:
    get:
      operationId: byDigest
      security: [{digest: []}]
      responses: {'204': {description: ok}}
  /bearer:
    get:
      operationId: byBearer
      responses: {'204': {description: ok}}
  /oauth:
    get:
      operationId: byOauth
      security: [{oauth: [read]}]
      responses: {'204': {description: ok}}
  /oidc:
    get:
      operationId: byOidc
      security: [{oidc: []}]
      responses: {'204': {description: ok}}
  /both:
    get:
      operationId: byBoth
      security: [{keyHeader: [], basic: []}]
      responses: {'204': {description: ok}}
  /either:
    get:
      operationId: byEither
      security: [{keyQuery: [], keyCookie: []}, {basic: []}]
      responses: {'204': {description: ok}}
  /optional:
    get:
      operationId: optional
      security: [{}]
      responses: {'204': {description: ok}}
  /maybe:
    get:
      operationId: maybe
      security: [{}, {keyHeader: []}]
      responses: {'204': {description: ok}}
  /public:
    get:
      operationId: public
      security: []
      responses: {'204': {description: ok}}
  /tls:
    get:
      operationId: byTls
      security: [{tls: []}]
      responses: {'204': {description: ok}}
  /items:
    get:
      operationId: listItems
      security: [{keyCookie: []}]
      parameters:
      - {name: pageKey, in: query, schema: {type: string}}
      - {name: session, in: cookie, required: true, schema: {type: string}}
      responses:
        '200':
          description: a page
          content:
            application/json:
              schema:
                type: object
                required: [data]
                properties:
                  data: {type: array, items: {type: string}}
                  meta: {type: object, properties: {next: {type: string}}}
components:
  schemas:
    Color: {type: string, enum: [red, green]}
  securitySchemes:
    keyHeader: {type: apiKey, in: header, name: X-API-Key, description: "The tenant's key,\\n  from the console."}
    keyQuery: {type: apiKey, in: query, name: api_key}
    keyCookie: {type: apiKey, in: cookie, name: token}
    basic: {type: http, scheme: basic}
    digest: {type: http, scheme: digest}
    bearer: {type: http, scheme: bearer}
    oauth:
      type: oauth2
      flows: {clientCredentials: {tokenUrl: 'https://auth.example.com/token', scopes: {read: read}}}
    oidc: {type: openIdConnect, openIdConnectUrl: 'https://auth.example.com/.well-known/openid-configuration'}
    tls: {type: mutualTLS}
"""

OAUTH_ONLY = """
openapi: 3.0.3
info: {title: OAuth, version: '1'}
servers: [{url: 'https://oauth.example.com'}]
security: [{oauth: []}]
paths:
  /me:
    get:
      operationId: getMe
      responses: {'204': {description: ok}}
components:
  securitySchemes:
    oauth:
      type: oauth2
      description: Tokens come from the authorization server.
      flows: {implicit: {authorizationUrl: 'https://example.com/auth', scopes: {}}}
"""

DEPRECATED = """
openapi: 3.2.0
info: {title: Deprecated, version: '1'}
servers: [{url: 'https://old.example.com'}]
security: [{legacyKey: []}, {bearer: []}]
paths:
  /ticks:
    get:
      operationId: listTicks
      responses: {'204': {description: ok}}
  /either:
    get:
      operationId: byEither
      security: [{legacyKey: []}, {device: [read]}]
      responses: {'204': {description: ok}}
components:
  securitySchemes:
    legacyKey: {type: apiKey, in: header, name: X-Legacy-Key, deprecated: true}
    bearer: {type: http, scheme: bearer}
    device:
      type: oauth2
      oauth2MetadataUrl: 'https://old.example.com/.well-known/oauth-authorization-server'
      flows:
        deviceAuthorization:
          deviceAuthorizationUrl: 'https://old.example.com/device'
          tokenUrl: 'https://old.example.com/token'
          scopes: {read: read}
"""

ALL = dict(api_key="k3y", api_key_2="q key", api_key_3="c00kie", username="ann", password="pa ss", bearer_token="tok")
BASIC = "Basic " + base64.b64encode(b"ann:pa ss").decode()


@pytest.fixture(scope="module")
def generate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Generate a spec's package under a name of its own and import its client."""
    with generated_packages(tmp_path_factory.mktemp("auth")) as load:
        yield load


@pytest.fixture(scope="module")
def auth(generate: Any) -> Any:
    return generate("authpkg", AUTH)


Handler = Callable[[httpx2.Request], httpx2.Response]


def client_of(auth: Any, handler: Handler | None = None, **credentials: str) -> tuple[Any, list[httpx2.Request]]:
    seen: list[httpx2.Request] = []

    def record(request: httpx2.Request) -> httpx2.Response:
        request.read()
        seen.append(request)
        return handler(request) if handler else httpx2.Response(204)

    http = mock_http(record)[0]
    return auth.Client(http_client=http, max_retries=0, **credentials), seen


def call(client: Any, auth: Any, operation_id: str, **kwargs: Any) -> Any:
    resource, name = auth.OPERATIONS[operation_id].split(".")
    return getattr(getattr(client, resource), name)(**kwargs)


def test_one_argument_per_credential_with_the_schemes_description(auth: Any) -> None:
    arguments = [p for p in inspect.signature(auth.Client).parameters if p not in
                 ("base_url", "timeout", "deadline", "max_retries", "http_client", "retry_non_idempotent", "max_response_bytes")]
    assert arguments == ["api_key", "api_key_2", "api_key_3", "username", "password", "bearer_token"]
    assert list(inspect.signature(auth.AsyncClient).parameters)[:6] == arguments
    doc = auth.Client.__init__.__doc__
    assert "`keyHeader` scheme, sent in the `X-API-Key` header" in doc
    assert "The tenant's key, from the console." in doc
    assert "sent as the `api_key` query parameter" in doc and "sent as the `token` cookie" in doc
    assert "`basic` and `digest` schemes (HTTP Basic or HTTP Digest" in doc
    assert "`bearer` and `oauth` and `oidc` schemes, sent in the `Authorization` header after `Bearer`" in doc
    assert "OAuth 2 or OpenID Connect access token" in doc


def test_each_kind_of_scheme_sends_its_credential(auth: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTHPKG_API_KEY", raising=False)
    client, seen = client_of(auth, **ALL)
    call(client, auth, "byHeader")
    call(client, auth, "byQuery", q="x")
    call(client, auth, "byCookie")
    call(client, auth, "byBasic")
    for operation_id in ("byBearer", "byOauth", "byOidc"):
        call(client, auth, operation_id)
    header, query, cookie, basic, *bearers = seen
    assert header.headers["x-api-key"] == "k3y" and "authorization" not in header.headers
    assert query.url.params.multi_items() == [("api_key", "q key"), ("q", "x")]
    assert b"api_key=q%20key" in query.url.raw_path or b"api_key=q+key" in query.url.raw_path
    assert "authorization" not in query.headers and "cookie" not in query.headers
    assert cookie.headers["cookie"] == "token=c00kie" and "authorization" not in cookie.headers
    assert basic.headers["authorization"] == BASIC
    assert [r.headers["authorization"] for r in bearers] == ["Bearer tok"] * 3
    assert all("x-api-key" not in r.headers for r in [query, cookie, basic, *bearers])


def test_the_api_key_falls_back_to_the_environment(auth: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTHPKG_API_KEY", "from-env")
    client, seen = client_of(auth)
    call(client, auth, "byHeader")
    assert seen[0].headers["x-api-key"] == "from-env"
    client, seen = client_of(auth, bearer_token="tok")  # read only when no credential is passed
    with pytest.raises(auth_error(auth), match="byHeader needs credentials: pass api_key"):
        call(client, auth, "byHeader")


def auth_error(auth: Any) -> type[Exception]:
    return importlib.import_module("authpkg._runtime.errors").APIError  # type: ignore[no-any-return]


def test_a_requirement_of_several_schemes_sends_them_all(auth: Any) -> None:
    client, seen = client_of(auth, api_key="k3y", username="ann", password="pa ss")
    call(client, auth, "byBoth")
    assert seen[0].headers["x-api-key"] == "k3y" and seen[0].headers["authorization"] == BASIC
    client, seen = client_of(auth, api_key_2="q", api_key_3="c", username="ann", password="pa ss")
    call(client, auth, "byEither")  # the first alternative met wins
    assert seen[0].url.params["api_key"] == "q" and seen[0].headers["cookie"] == "token=c"
    assert "authorization" not in seen[0].headers
    client, seen = client_of(auth, api_key_2="q", username="ann", password="pa ss")
    call(client, auth, "byEither")  # half of the first one: the second
    assert seen[0].headers["authorization"] == BASIC and "api_key" not in seen[0].url.params


def test_a_missing_credential_is_an_error_naming_what_to_pass(auth: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTHPKG_API_KEY", raising=False)
    error = auth_error(auth)
    client, seen = client_of(auth)  # some operations need none: the client is built
    with pytest.raises(error, match=r"^byBearer needs credentials: pass bearer_token$"):
        call(client, auth, "byBearer")
    with pytest.raises(error, match=r"^byHeader needs credentials: pass api_key \(or set AUTHPKG_API_KEY\)$"):
        call(client, auth, "byHeader")
    client, seen = client_of(auth, api_key="k3y")
    with pytest.raises(error, match=r"^byBoth needs credentials: pass api_key and username and password$"):
        call(client, auth, "byBoth")
    with pytest.raises(error, match=r"^byEither needs credentials: pass api_key_2 and api_key_3, "
                                    r"or username and password$"):
        call(client, auth, "byEither")
    client, seen = client_of(auth, username="ann")  # a user name without its password
    with pytest.raises(error, match="pass username and password"):
        call(client, auth, "byBasic")
    assert seen == []


def test_optional_and_public_operations(auth: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTHPKG_API_KEY", raising=False)
    client, seen = client_of(auth)
    for operation_id in ("optional", "maybe", "public", "byTls"):  # mutual TLS is the http_client's
        call(client, auth, operation_id)
    assert all("authorization" not in r.headers and "x-api-key" not in r.headers for r in seen)
    client, seen = client_of(auth, **ALL)
    for operation_id in ("optional", "maybe", "public"):
        call(client, auth, operation_id)
    assert [r.headers.get("x-api-key") for r in seen] == [None, "k3y", None]  # sent when it may be
    assert all("authorization" not in r.headers for r in seen)


def test_cookie_parameters_and_the_cookie_key_share_one_header(auth: Any) -> None:
    client, seen = client_of(auth, api_key_3="c00kie")
    call(client, auth, "byCookie", session='a b;c,"d\\é', flag=True, day=date(2024, 1, 2),
         color=importlib.import_module("authpkg.models").Color.RED)
    call(client, auth, "byCookie", session=None, flag=False)
    call(client, auth, "byCookie", token="mine")  # a parameter of the key's name wins over it
    call(client, auth, "byCookie", session="s", extra_headers={"cookie": "all=mine"})
    assert [r.headers["cookie"] for r in seen] == [
        "token=c00kie; session=a%20b%3Bc%2C%22d%5C%C3%A9; flag=true; day=2024-01-02; color=red",
        "token=c00kie; flag=false",
        "token=mine",
        "all=mine",
    ]


def test_cookie_parameters_reach_every_page_and_the_async_client(auth: Any) -> None:
    pages = iter([{"data": ["a"], "meta": {"next": "p2"}}, {"data": ["b"]}])
    client, seen = client_of(auth, lambda request: httpx2.Response(200, json=next(pages)), api_key_3="c")
    resource, name = auth.OPERATIONS["listItems"].split(".")
    assert list(getattr(getattr(client, resource), name)(session="s 1")) == ["a", "b"]
    assert [r.headers["cookie"] for r in seen] == ["token=c; session=s%201"] * 2
    assert seen[1].url.params["pageKey"] == "p2"
    got: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        got.append(request)
        return httpx2.Response(204)

    async def run() -> None:
        async with mock_async_http(handler)[0] as http:
            client = auth.AsyncClient(api_key_2="q", api_key_3="c", username="u", password="p", http_client=http)
            resource, name = auth.OPERATIONS["byCookie"].split(".")
            await getattr(getattr(client, resource), name)(session="x")
            resource, name = auth.OPERATIONS["byEither"].split(".")
            await getattr(getattr(client, resource), name)()

    asyncio.run(run())
    assert got[-2].headers["cookie"] == "token=c; session=x"
    assert got[-1].url.params["api_key"] == "q" and got[-1].headers["cookie"] == "token=c"


def test_http_digest_answers_the_challenge(auth: Any) -> None:
    sent: list[str | None] = []  # httpx2 sends the same request again, with the answer

    def handler(request: httpx2.Request) -> httpx2.Response:
        sent.append(request.headers.get("authorization"))
        if sent[-1] is None:
            return httpx2.Response(401, headers={"WWW-Authenticate": 'Digest realm="r", nonce="n", qop="auth"'})
        return httpx2.Response(204)

    client, seen = client_of(auth, handler, username="ann", password="pa ss")
    call(client, auth, "byDigest")
    assert sent[0] is None and len(sent) == 2
    assert sent[1] is not None and sent[1].startswith('Digest username="ann", realm="r"')


def test_credentials_are_kept_out_of_error_messages(auth: Any) -> None:
    echo = lambda request: httpx2.Response(400, json={"message": f"bad: {request.headers.get('cookie')}"})  # noqa: E731
    client, _ = client_of(auth, echo, api_key_3="c00 kie")
    with pytest.raises(Exception) as caught:
        call(client, auth, "byCookie")
    assert "c00" not in str(caught.value) and "***" in str(caught.value)


def test_oauth_alone_takes_an_access_token(generate: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTHPKG_API_KEY", raising=False)
    oauth = generate("oauthpkg", OAUTH_ONLY)
    assert [p for p in inspect.signature(oauth.Client).parameters][0] == "access_token"
    assert "Tokens come from the authorization server." in oauth.Client.__init__.__doc__
    error = importlib.import_module("oauthpkg._runtime.errors").APIError
    with pytest.raises(error, match="no credentials: pass access_token"):
        oauth.Client()  # every operation needs it: refused at once
    seen: list[httpx2.Request] = []
    http = mock_http(lambda r: seen.append(r) or httpx2.Response(204))[0]
    oauth.Client(access_token="at", http_client=http).me.get()
    assert seen[0].headers["authorization"] == "Bearer at"


def test_the_stub_checks_each_scheme_where_it_is_sent(auth: Any) -> None:
    """Client to stub server: a credential in a header, the query or a cookie
    opens the operations that ask for it; without one the stub answers 401."""
    pytest.importorskip("fastapi")
    app = importlib.import_module("authpkg.server").create_app()
    refused = importlib.import_module("authpkg._runtime.errors").AuthenticationError

    async def status(operation_id: str, **credentials: str) -> int:
        http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app))
        async with auth.AsyncClient(http_client=http, base_url="https://auth.example.com", **credentials) as client:
            resource, name = auth.OPERATIONS[operation_id].split(".")
            try:
                await getattr(getattr(client, resource), name)()
            except refused:
                return 401
            return 204

    async def drive() -> None:
        for operation_id, credentials in [
            ("byHeader", {"api_key": "k"}), ("byQuery", {"api_key_2": "q"}), ("byCookie", {"api_key_3": "c"}),
            ("byBasic", {"username": "u", "password": "p"}), ("byBearer", {"bearer_token": "t"}),
            ("byEither", {"username": "u", "password": "p"}), ("byEither", {"api_key_2": "q", "api_key_3": "c"}),
            ("byBoth", {"api_key": "k", "username": "u", "password": "p"}), ("optional", {}),
        ]:
            assert await status(operation_id, **credentials) == 204, (operation_id, credentials)
        http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="https://auth.example.com")
        for path, headers in [("/query", {}), ("/cookie", {"Cookie": "session=s"}), ("/both", {"X-API-Key": "k"})]:
            answer = await http.get(path, headers=headers)
            assert answer.status_code == 401, path
        assert "the api_key query parameter" in (await http.get("/query")).json()["message"]
        assert (await http.get("/query", params={"api_key": "q"})).status_code == 204

    asyncio.run(drive())


def test_a_deprecated_scheme_gives_way_to_one_that_is_not(generate: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """OpenAPI 3.2's `deprecated` scheme: listed first in the spec's alternatives,
    it is still sent only when the caller gave no credential for the other."""
    monkeypatch.delenv("DEPPKG_API_KEY", raising=False)
    dep = generate("deppkg", DEPRECATED)
    doc = dep.Client.__init__.__doc__
    assert "Deprecated: the spec deprecates this scheme" in doc
    assert doc.count("Deprecated:") == 1  # on api_key only, not on bearer_token
    assert "describes itself at https://old.example.com/.well-known/oauth-authorization-server" in doc
    assert "at https://old.example.com/device (token endpoint https://old.example.com/token)" in doc
    client, seen = client_of(dep, api_key="old", bearer_token="new")
    call(client, dep, "listTicks")
    call(client, dep, "byEither")  # the OAuth 2 token stays a bearer token
    assert [r.headers.get("authorization") for r in seen] == ["Bearer new"] * 2
    assert all("x-legacy-key" not in r.headers for r in seen)
    client, seen = client_of(dep, api_key="old")
    call(client, dep, "listTicks")
    call(client, dep, "byEither")
    assert [r.headers.get("x-legacy-key") for r in seen] == ["old"] * 2
    assert all("authorization" not in r.headers for r in seen)
    error = importlib.import_module("deppkg._runtime.errors").APIError
    with pytest.raises(error, match=r"^no credentials: pass bearer_token, or api_key \(or set DEPPKG"):
        client_of(dep)  # the error names the one not deprecated first
