"""What the generated clients do beyond calling an operation: credentials,
errors, retries, timeouts, paging, raw responses, omitted arguments and
keeping the key secret. Everything runs over `httpx2.MockTransport`."""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx2
import pytest

from .transport import mock_async_http, mock_http

USER = "93b885ad-fe0d-3089-8df6-34904fd59f71"
KEY = "sk-very-secret-key"
END_USER = {"id": USER, "createdAt": "2020-12-16T09:41:43Z", "displayName": "Enduser 0"}
Handler = Callable[[httpx2.Request], httpx2.Response]


@pytest.fixture(scope="module")
def dixa(generated_package: Any) -> Any:
    return generated_package


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch, dixa: Any) -> list[float]:
    """Retry delays, recorded instead of slept."""
    from dixa_sdk._runtime.client import retries as runtime

    delays: list[float] = []

    async def async_sleep(seconds: float) -> None:
        delays.append(seconds)

    monkeypatch.setattr(runtime, "sleep", delays.append)
    monkeypatch.setattr(runtime, "async_sleep", async_sleep)
    return delays


def v1(dixa: Any, handler: Handler, **options: Any) -> Any:
    from dixa_sdk.v1 import Client

    return Client(api_key=KEY, http_client=mock_http(handler)[0], **options)


def answers(*responses: httpx2.Response | Exception) -> tuple[Handler, list[httpx2.Request]]:
    """A handler giving these answers in turn (an exception is raised), and the requests it saw."""
    seen: list[httpx2.Request] = []
    queue = list(responses)

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler, seen


def ok_user() -> httpx2.Response:
    return httpx2.Response(200, json={"data": END_USER})


# -- construction and credentials -----------------------------------------------------


def test_raw_key_in_authorization_and_env_fallback(dixa: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from dixa_sdk.v1 import Client

    handler, seen = answers(ok_user())
    monkeypatch.setenv("DIXA_API_KEY", "from-env")
    client = Client(http_client=mock_http(handler)[0])
    client.end_users.get(user_id=USER)
    assert seen[0].headers["authorization"] == "from-env"  # raw key, no "Bearer"
    assert str(seen[0].url) == f"https://dev.dixa.io/v1/endusers/{USER}"
    monkeypatch.delenv("DIXA_API_KEY")
    from dixa_sdk._runtime.errors import APIError as DixaError

    with pytest.raises(DixaError, match="DIXA_API_KEY"):
        Client()


def test_missing_key_is_a_dixa_error(dixa: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from dixa_sdk._runtime.errors import APIError as DixaError
    from dixa_sdk.beta import Client

    monkeypatch.delenv("DIXA_API_KEY", raising=False)
    with pytest.raises(DixaError, match="api_key"):
        Client()


def test_integrations_client_takes_either_scheme(dixa: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from dixa_sdk._runtime.errors import APIError as DixaError
    from dixa_sdk.integrations import Client

    monkeypatch.delenv("DIXA_API_KEY", raising=False)
    handler, seen = answers(httpx2.Response(200, json={"data": []}))
    transport = httpx2.MockTransport(handler)
    Client(api_key="raw", http_client=httpx2.Client(transport=transport)).tags.list()
    Client(bearer_token="tok", http_client=httpx2.Client(transport=transport)).tags.list()
    assert [r.headers["authorization"] for r in seen] == ["raw", "Bearer tok"]
    assert seen[0].url.host == "integrations.dixa.io"
    with pytest.raises(DixaError, match="only one"):
        Client(api_key="a", bearer_token="b")


def test_context_manager_closes_its_own_client_but_not_a_given_one(dixa: Any) -> None:
    from dixa_sdk.v1 import AsyncClient, Client

    with Client(api_key=KEY) as client:
        own = client._http
    assert own.is_closed
    given = httpx2.Client()
    with Client(api_key=KEY, http_client=given):
        pass
    assert not given.is_closed
    given.close()

    async def run() -> httpx2.AsyncClient:
        async with AsyncClient(api_key=KEY) as client:
            return client._http

    assert asyncio.run(run()).is_closed


def test_base_url_and_options(dixa: Any) -> None:
    from dixa_sdk.v1 import Client

    handler, seen = answers(ok_user())
    client = Client(api_key=KEY, base_url="http://127.0.0.1:9/", http_client=mock_http(handler)[0])
    client.with_options(timeout=3.0).end_users.get(user_id=USER)
    assert str(seen[0].url).startswith("http://127.0.0.1:9/v1/endusers/")
    assert seen[0].extensions["timeout"]["read"] == 3.0


def test_base_url_from_the_environment_unless_passed(dixa: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from dixa_sdk.beta import AsyncClient as BetaAsync
    from dixa_sdk.v1 import Client

    monkeypatch.setenv("DIXA_BASE_URL", "http://127.0.0.1:8123/")
    assert Client(api_key=KEY).base_url == "http://127.0.0.1:8123"
    assert BetaAsync(api_key=KEY).base_url == "http://127.0.0.1:8123"  # one variable for the package
    assert Client(api_key=KEY, base_url="https://other.example").base_url == "https://other.example"  # the argument wins
    monkeypatch.setenv("DIXA_BASE_URL", "")  # empty: not set
    assert Client(api_key=KEY).base_url == "https://dev.dixa.io"
    monkeypatch.delenv("DIXA_BASE_URL")
    assert Client(api_key=KEY).base_url == "https://dev.dixa.io"


def test_extra_query_and_extra_body_are_merged_over_what_the_method_sends(dixa: Any) -> None:
    from dixa_sdk.v1 import models

    handler, seen = answers(ok_user())
    client = v1(dixa, handler)
    client.end_users.create(
        models.CreateEndUserInput(display_name="Ann", email="ann@example.org"),
        extra_body={"displayName": "Anna", "beta_flag": True},
        extra_query={"dryRun": "true", "skipped": None},
    )
    assert json.loads(seen[0].content) == {"displayName": "Anna", "email": "ann@example.org", "beta_flag": True}
    assert dict(seen[0].url.params) == {"dryRun": "true"}
    client.end_users.create({"displayName": "Bo"}, extra_body={"phoneNumber": "+45"})
    assert json.loads(seen[1].content) == {"displayName": "Bo", "phoneNumber": "+45"}
    client.end_users.get(user_id=USER, extra_query={"include": "x"}, extra_body={"note": 1})  # a GET without a body
    assert seen[2].url.params["include"] == "x" and json.loads(seen[2].content) == {"note": 1}


def test_a_closed_client_raises_the_sdks_own_error(dixa: Any) -> None:
    import dixa_sdk
    from dixa_sdk.v1 import AsyncClient, Client

    assert issubclass(dixa_sdk.ClientClosedError, dixa_sdk.DixaError)
    with Client(api_key=KEY) as client:
        pass
    with pytest.raises(dixa_sdk.ClientClosedError, match="getEndusersUserid: the client is closed"):
        client.end_users.get(user_id=USER)
    with pytest.raises(dixa_sdk.ClientClosedError):
        client.end_users.list()
    given = mock_http(answers(ok_user())[0])[0]
    shared = Client(api_key=KEY, http_client=given)
    given.close()  # closed by its owner
    with pytest.raises(dixa_sdk.ClientClosedError):
        shared.end_users.get(user_id=USER)

    async def run() -> None:
        async with AsyncClient(api_key=KEY) as client:
            pass
        with pytest.raises(dixa_sdk.ClientClosedError):
            await client.end_users.get(user_id=USER)

    asyncio.run(run())


def test_a_client_closed_while_waiting_to_retry_raises_the_sdks_own_error(dixa: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import dixa_sdk
    from dixa_sdk._runtime.client import retries as runtime

    handler, seen = answers(httpx2.Response(503), ok_user())
    client = v1(dixa, handler)
    monkeypatch.setattr(runtime, "sleep", lambda seconds: client._http.close())
    with pytest.raises(dixa_sdk.ClientClosedError):
        client.end_users.get(user_id=USER)
    assert len(seen) == 1


# -- the key stays secret ----------------------------------------------------------------


def test_key_never_in_repr_errors_or_logs(dixa: Any, caplog: pytest.LogCaptureFixture, sleeps: list[float]) -> None:
    from dixa_sdk._runtime.errors import APIConnectionError, AuthenticationError

    caplog.set_level(logging.DEBUG, logger="dixa_sdk")
    handler, _ = answers(httpx2.Response(401, json={"message": f"bad key {KEY}"}))
    client = v1(dixa, handler)
    assert KEY not in repr(client) and KEY not in repr(client.end_users)
    with pytest.raises(AuthenticationError) as caught:
        client.end_users.get(user_id=USER)
    assert KEY not in str(caught.value) and KEY not in repr(caught.value)
    assert KEY not in repr(caught.value.request.headers)
    failing, _ = answers(httpx2.ConnectError(f"refused for {KEY}"))
    with pytest.raises(APIConnectionError) as refused:
        v1(dixa, failing).end_users.get(user_id=USER)
    assert KEY not in str(refused.value)
    assert caplog.records and all(KEY not in r.getMessage() for r in caplog.records)


# -- errors ------------------------------------------------------------------------------

STATUS_ERRORS = [
    (400, "BadRequestError"),
    (401, "AuthenticationError"),
    (403, "PermissionDeniedError"),
    (404, "NotFoundError"),
    (409, "ConflictError"),
    (422, "UnprocessableEntityError"),
    (429, "RateLimitError"),
    (500, "InternalServerError"),
    (503, "InternalServerError"),
    (418, "APIStatusError"),
]


@pytest.mark.parametrize("status,name", STATUS_ERRORS)
def test_each_error_status(dixa: Any, status: int, name: str) -> None:
    from dixa_sdk._runtime import errors

    handler, seen = answers(httpx2.Response(status, json={"message": "Dixa says no"}))
    with pytest.raises(getattr(errors, name)) as caught:
        v1(dixa, handler, max_retries=0).end_users.get(user_id=USER)
    error = caught.value
    assert type(error) is getattr(errors, name)
    assert isinstance(error, errors.APIStatusError) and isinstance(error, errors.APIError)
    assert error.status_code == status and error.response.status_code == status
    assert error.message == "Dixa says no"  # Dixa's own message; the status is in the text
    assert str(error) == f"{status} {httpx2.codes.get_reason_phrase(status)}: Dixa says no"
    assert error.body == {"message": "Dixa says no"}
    assert len(seen) == 1


def test_error_without_json_body(dixa: Any) -> None:
    from dixa_sdk._runtime.errors import InternalServerError

    handler, _ = answers(httpx2.Response(502, text="<html>bad gateway</html>"))
    with pytest.raises(InternalServerError) as caught:
        v1(dixa, handler, max_retries=0).end_users.get(user_id=USER)
    assert caught.value.body == "<html>bad gateway</html>"


def test_answer_that_breaks_the_spec(dixa: Any) -> None:
    from dixa_sdk._runtime.errors import APIResponseValidationError

    handler, _ = answers(httpx2.Response(200, json={"data": {"id": "not-a-uuid"}}))
    with pytest.raises(APIResponseValidationError, match="getEndusersUserid") as caught:
        v1(dixa, handler).end_users.get(user_id=USER)
    assert caught.value.body == {"data": {"id": "not-a-uuid"}}


# -- retries -----------------------------------------------------------------------------


def test_retry_after_seconds_then_success(dixa: Any, sleeps: list[float]) -> None:
    handler, seen = answers(httpx2.Response(429, headers={"Retry-After": "2"}, json={"message": "slow"}), ok_user())
    user = v1(dixa, handler).end_users.get(user_id=USER)
    assert str(user.id) == USER
    assert len(seen) == 2 and sleeps == [2.0]


def test_retry_after_http_date(dixa: Any, sleeps: list[float]) -> None:
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    handler, seen = answers(httpx2.Response(503, headers={"Retry-After": when}), ok_user())
    v1(dixa, handler).end_users.get(user_id=USER)
    assert len(seen) == 2 and 3.0 < sleeps[0] <= 5.0


def test_retry_after_beyond_the_cap_is_not_waited_for(dixa: Any, sleeps: list[float]) -> None:
    from dixa_sdk._runtime.errors import RateLimitError

    handler, seen = answers(httpx2.Response(429, headers={"Retry-After": "3600"}, json={"message": "later"}))
    with pytest.raises(RateLimitError):
        v1(dixa, handler).end_users.get(user_id=USER)
    assert len(seen) == 1 and sleeps == []


def test_backoff_grows_with_jitter_and_stops_at_max_retries(dixa: Any, sleeps: list[float]) -> None:
    from dixa_sdk._runtime.errors import InternalServerError

    handler, seen = answers(httpx2.Response(500, json={"message": "boom"}))
    with pytest.raises(InternalServerError):
        v1(dixa, handler, max_retries=3).end_users.get(user_id=USER)
    assert len(seen) == 4
    assert 0.375 <= sleeps[0] <= 0.5 and 0.75 <= sleeps[1] <= 1.0 and 1.5 <= sleeps[2] <= 2.0


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_retried_statuses(dixa: Any, sleeps: list[float], status: int) -> None:
    handler, seen = answers(httpx2.Response(status), ok_user())
    v1(dixa, handler).end_users.get(user_id=USER)
    assert len(seen) == 2


def test_per_call_max_retries(dixa: Any, sleeps: list[float]) -> None:
    from dixa_sdk._runtime.errors import InternalServerError

    handler, seen = answers(httpx2.Response(500))
    with pytest.raises(InternalServerError):
        v1(dixa, handler, max_retries=5).end_users.get(user_id=USER, max_retries=0)
    assert len(seen) == 1


def test_post_is_not_retried_once_the_server_may_have_acted(dixa: Any, sleeps: list[float]) -> None:
    from dixa_sdk._runtime.errors import APITimeoutError, InternalServerError

    body = {"displayName": "A"}
    created = httpx2.Response(201, json={"data": END_USER})
    handler, seen = answers(httpx2.Response(500), created)
    with pytest.raises(InternalServerError):
        v1(dixa, handler).end_users.create(body)
    assert len(seen) == 1
    handler, seen = answers(httpx2.ReadTimeout("slow"), created)
    with pytest.raises(APITimeoutError):
        v1(dixa, handler).end_users.create(body)
    assert len(seen) == 1
    # ... but it is when the server certainly did not act, or when the user opts in.
    for first in (httpx2.Response(429), httpx2.ConnectError("refused")):
        handler, seen = answers(first, created)
        v1(dixa, handler).end_users.create(body)
        assert len(seen) == 2
    handler, seen = answers(httpx2.Response(500), created)
    v1(dixa, handler, retry_non_idempotent=True).end_users.create(body)
    assert len(seen) == 2


def test_connection_errors_and_timeouts_are_retried_then_raised(dixa: Any, sleeps: list[float]) -> None:
    from dixa_sdk._runtime.errors import APIConnectionError, APITimeoutError

    handler, seen = answers(httpx2.ConnectError("refused"), ok_user())
    v1(dixa, handler).end_users.get(user_id=USER)
    assert len(seen) == 2
    handler, seen = answers(httpx2.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError) as caught:
        v1(dixa, handler, max_retries=1).end_users.get(user_id=USER)
    assert isinstance(caught.value, APIConnectionError) and len(seen) == 2


def test_timeout_reaches_the_request_and_fires(dixa: Any) -> None:
    """A real socket that never answers: the call fails within its timeout."""
    import socket

    from dixa_sdk._runtime.errors import APITimeoutError
    from dixa_sdk.v1 import Client

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        client = Client(api_key=KEY, base_url=f"http://127.0.0.1:{port}", max_retries=0)
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            client.end_users.get(user_id=USER, timeout=0.3)
        assert time.monotonic() - started < 5
        client.close()


# -- responses ---------------------------------------------------------------------------


def test_no_content_returns_none(dixa: Any) -> None:
    handler, seen = answers(httpx2.Response(204))
    assert v1(dixa, handler).tags.delete(tag_id=USER) is None
    assert seen[0].method == "DELETE"


def test_raw_response(dixa: Any) -> None:
    handler, _ = answers(httpx2.Response(200, json={"data": END_USER}, headers={"X-Request-Id": "r1"}))
    raw = v1(dixa, handler).with_raw_response.end_users.get(user_id=USER)
    assert raw.status_code == 200 and raw.headers["x-request-id"] == "r1"
    assert raw.http_response.json() == {"data": END_USER}
    assert raw.parse().display_name == "Enduser 0"


def test_omitted_arguments_are_not_sent_and_none_is(dixa: Any) -> None:
    from dixa_sdk.v1 import models

    handler, seen = answers(httpx2.Response(200, json={"data": []}), httpx2.Response(201, json={"data": END_USER}))
    client = v1(dixa, handler)
    client.end_users.list(email="a@b.c")
    assert dict(seen[0].url.params) == {"email": "a@b.c"}
    client.end_users.create(models.CreateEndUserInput(display_name="A", email=None))
    assert json.loads(seen[1].content) == {"displayName": "A", "email": None}
    client.end_users.create({"displayName": "A"})
    assert json.loads(seen[2].content) == {"displayName": "A"}


def test_path_parameters_are_encoded(dixa: Any) -> None:
    handler, seen = answers(httpx2.Response(200, json={"data": {"_type": "EmailEndpoint", "address": "a@b.c"}}))
    v1(dixa, handler).contact_endpoints.get(contact_endpoint_id="a/b c@d")
    assert seen[0].url.raw_path == b"/v1/contact-endpoints/a%2Fb%20c%40d"


def test_models_inside_dict_bodies_are_sent_as_wire_data(dixa: Any) -> None:
    from dixa_sdk.v1 import models

    message = {"authorId": USER, "direction": "Outbound", "createdAt": "2020-12-16T09:41:43Z"}
    handler, seen = answers(httpx2.Response(200, json={"data": message}))
    v1(dixa, handler).conversations.create_message({"content": models.Text(value="Hello"), "agentId": USER}, conversation_id=1)
    assert json.loads(seen[0].content) == {"content": {"value": "Hello", "_type": "Text"}, "agentId": USER}


# -- paging ------------------------------------------------------------------------------


def paged(pages: int, link: Callable[[int], str]) -> tuple[Handler, list[httpx2.Request]]:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        index = int(request.url.params.get("pageKey") or request.url.params.get("page") or 0)
        meta = {"next": link(index + 1)} if index + 1 < pages else {}
        items = [{**END_USER, "displayName": f"user {index}.{i}"} for i in range(2)]
        return httpx2.Response(200, json={"data": items, "meta": meta})

    return handler, seen


def test_paging_follows_meta_next_lazily(dixa: Any) -> None:
    handler, seen = paged(3, lambda n: f"https://dev.dixa.io/v1/endusers?pageLimit=2&pageKey={n}")
    page = v1(dixa, handler).end_users.list(page_limit=2, email="x@y.z")
    assert len(seen) == 1  # the call fetches the first page, and only that one
    assert [u.display_name for u in page.items] == ["user 0.0", "user 0.1"]
    assert page.has_next_page() and page.next_page_params() == {"page_key": "1"}
    iterator = iter(page)
    first = next(iterator)
    assert first.display_name == "user 0.0" and len(seen) == 1
    rest = list(iterator)
    assert [u.display_name for u in rest][-1] == "user 2.1" and len(rest) == 5
    assert [r.url.params.get("pageKey") for r in seen] == [None, "1", "2"]
    assert all(r.url.params["email"] == "x@y.z" and r.url.params["pageLimit"] == "2" for r in seen)


def test_pages_and_async_paging(dixa: Any) -> None:
    from dixa_sdk.v1 import AsyncClient

    handler, _ = paged(3, lambda n: f"/v1/endusers?pageKey={n}")
    pages = list(v1(dixa, handler).end_users.list().iter_pages())
    assert [p.has_next_page() for p in pages] == [True, True, False]
    assert [p.next_page_params() for p in pages] == [{"page_key": "1"}, {"page_key": "2"}, None]
    assert pages[0].response.status_code == 200

    async def run() -> tuple[list[str], Any]:
        client = AsyncClient(api_key=KEY, http_client=mock_async_http(handler)[0])
        page = await client.end_users.list()
        second = await page.get_next_page()
        return [u.display_name async for u in page], second.next_page_params()

    names, after_second = asyncio.run(run())
    assert len(names) == 6 and after_second == {"page_key": "2"}


RECORD = {"primaryTimestampField": {"_type": "TimestampField", "name": "at", "timestamp": "2024-01-01T00:00:00Z"}}


def test_the_record_export_pages_and_resumes_where_it_stopped(dixa: Any) -> None:
    """`analytics.query_records` is a POST: every page sends the query body again
    with the next `pageKey`, and a stored `next_page_params()` resumes the export."""
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        index = int(request.url.params.get("pageKey") or 0)
        meta = {"next": f"/v1/analytics/records?pageKey={index + 1}"} if index < 2 else {}
        return httpx2.Response(200, json={"data": [RECORD] * 2, "meta": meta})

    body = {"id": "closed_conversations", "timezone": "UTC", "periodFilter": {"value": {"_type": "PreviousWeek"}, "_type": "Preset"}}
    client = v1(dixa, handler)
    first = client.analytics.query_records(body, page_limit=2)
    stored = json.dumps(first.next_page_params())
    resumed = v1(dixa, handler).analytics.query_records(body, page_limit=2, **json.loads(stored))
    assert len(list(resumed)) == 4 and resumed.next_page_params() == {"page_key": "2"}
    assert [r.method for r in seen] == ["POST"] * 3
    assert [r.url.params.get("pageKey") for r in seen] == [None, "1", "2"]
    assert all(json.loads(r.content) == json.loads(seen[0].content) for r in seen)


def test_integrations_paging_follows_next_page_urls(dixa: Any) -> None:
    from dixa_sdk.integrations import Client

    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        page = int(request.url.params.get("page", "0"))
        paging = {"next_page": f"https://integrations.dixa.io/v1/users?page={page + 1}&limit=1"} if page < 2 else {}
        return httpx2.Response(200, json={"data": [{"id": f"u{page}"}], "paging": paging})

    client = Client(api_key=KEY, http_client=mock_http(handler)[0])
    page = client.users.list(limit=1)
    assert [u.id for u in page] == ["u0", "u1", "u2"]
    assert page.next_page_params() == {"page_url": "https://integrations.dixa.io/v1/users?page=1&limit=1"}
    assert [u.id for u in client.users.list(**page.next_page_params())] == ["u1", "u2"]
    assert [str(r.url) for r in seen][1:3] == [f"https://integrations.dixa.io/v1/users?page={n}&limit=1" for n in (1, 2)]


def test_paging_never_sends_the_key_to_another_host(dixa: Any) -> None:
    from dixa_sdk._runtime.errors import APIError as DixaError

    handler, seen = paged(3, lambda n: f"https://evil.example.org/v1/endusers?pageKey={n}")
    items = v1(dixa, handler).end_users.list()
    # page_key style only takes the cursor from the link; the request stays on the API's host.
    assert len(list(items)) == 6 and {r.url.host for r in seen} == {"dev.dixa.io"}
    from dixa_sdk.integrations import Client

    def foreign(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json={"data": [], "paging": {"next_page": "https://evil.example.org/v1/users"}})

    client = Client(api_key=KEY, http_client=mock_http(foreign)[0])
    with pytest.raises(DixaError, match="another host"):
        list(client.users.list())


def test_async_errors_and_retries(dixa: Any, sleeps: list[float]) -> None:
    from dixa_sdk._runtime.errors import NotFoundError
    from dixa_sdk.v1 import AsyncClient

    handler, seen = answers(httpx2.Response(429, headers={"Retry-After": "1"}), httpx2.Response(404, json={"message": "gone"}))

    async def run() -> None:
        client = AsyncClient(api_key=KEY, http_client=mock_async_http(handler)[0])
        with pytest.raises(NotFoundError, match="gone"):
            await client.end_users.get(user_id=USER)

    asyncio.run(run())
    assert sleeps == [1.0] and len(seen) == 2
