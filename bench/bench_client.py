"""What the generated client costs, against baselines measured in the same run.

1. Per-call overhead, over one in-process `httpx2.MockTransport` with canned
   answers: a typical GET (get an end user) and POST (create a conversation)
   through `dixa_sdk.v1.Client`, against the same request made with bare httpx2 and
   `json.loads` (the POST body serialized with `models.to_wire` in both).
   Target: at most 1.3x the bare call.
2. Parsing a 10,000-item list answer into models: `client.end_users.list()`
   against the client that openapi-python-client generates from the same spec,
   both over the mock transport. Target: at least 2x faster.

Run standalone (`python bench/bench_client.py`) or through `bench/run.py`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "generated"))

from dixa_sdk.v1 import Client, models  # noqa: E402

USER_ID = "434ce9f5-14c8-4be1-a0a8-f755010deb9b"
END_USER = {
    "id": USER_ID,
    "createdAt": "2020-12-16T09:41:43Z",
    "displayName": "Alice Brown",
    "email": "alice@brown.com",
    "phoneNumber": "+551155256325",
    "additionalEmails": ["alice@secondary.email"],
    "additionalPhoneNumbers": ["+5566778899"],
    "firstName": "Alice",
    "lastName": "Brown",
    "middleNames": [],
    "avatarUrl": "https://files.dixa.io/public/image_0_id",
    "externalId": "#12345678",
}
CONVERSATION = {"id": 1234, "requesterId": USER_ID, "channel": "Email", "createdAt": "2020-12-16T09:41:43Z"}
NEW_CONVERSATION = {
    "requesterId": USER_ID,
    "emailIntegrationId": "support@example.org",
    "subject": "Where is my order?",
    "message": {"content": {"value": "Hello, my order has not arrived.", "_type": "Text"}, "attachments": [], "_type": "Inbound"},
    "_type": "Email",
}
LIST_SIZE = 10_000


def _transport(list_body: bytes, http: Any = httpx2) -> Any:
    """The canned answers as a mock transport of `http`: httpx2 for our client, and
    httpx for openapi-python-client's, which is still built on httpx."""
    user = json.dumps({"data": END_USER}).encode()
    created = json.dumps({"data": CONVERSATION}).encode()
    headers = {"Content-Type": "application/json"}

    def handler(request: Any) -> Any:
        if request.method == "POST":
            return http.Response(201, content=created, headers=headers)
        if request.url.path == "/v1/endusers":
            return http.Response(200, content=list_body, headers=headers)
        return http.Response(200, content=user, headers=headers)

    return http.MockTransport(handler)


def _per_call(fn: Callable[[], object], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - started) / calls


def _compare(ours: Callable[[], object], bare: Callable[[], object], calls: int, rounds: int) -> tuple[float, float]:
    """Best per-call time of each, rounds interleaved so both see the same machine state."""
    ours(), bare()  # warm up: adapters built, connections made
    mine, theirs = [], []
    for _ in range(rounds):
        mine.append(_per_call(ours, calls))
        theirs.append(_per_call(bare, calls))
    return min(mine), min(theirs)


def _openapi_python_client(workdir: Path) -> Any:
    """The client openapi-python-client generates from specs/dixa-v1.yaml, imported."""
    out = workdir / "opc_v1"
    subprocess.run(
        [str(Path(sys.executable).parent / "openapi-python-client"), "generate", "--path",
         str(ROOT / "specs" / "dixa-v1.yaml"), "--output-path", str(out), "--meta", "none"],
        check=True, capture_output=True,
    )
    sys.path.insert(0, str(workdir))
    import opc_v1.api.end_users.get_endusers as get_endusers  # type: ignore[import-not-found]
    from opc_v1.client import AuthenticatedClient  # type: ignore[import-not-found]

    return get_endusers, AuthenticatedClient


def main() -> dict[str, object]:
    items = [{**END_USER, "id": str(uuid.UUID(int=i))} for i in range(LIST_SIZE)]
    list_body = json.dumps({"data": items, "meta": {}}).encode()
    transport = _transport(list_body)
    client = Client(api_key="bench-key", http_client=httpx2.Client(transport=transport))
    bare_http = httpx2.Client(transport=transport)
    headers = {"Authorization": "bench-key", "Accept": "application/json"}
    url = f"https://dev.dixa.io/v1/endusers/{USER_ID}"
    body = models.validate("CreateConversationInput", NEW_CONVERSATION)  # a union: the Email variant

    def bare_get() -> object:
        return json.loads(bare_http.get(url, headers=headers).content)

    def bare_post() -> object:
        content = json.dumps(models.to_wire(body)).encode()
        response = bare_http.post("https://dev.dixa.io/v1/conversations", content=content,
                                  headers={**headers, "Content-Type": "application/json"})
        return json.loads(response.content)

    get_ours, get_bare = _compare(lambda: client.end_users.get(user_id=USER_ID), bare_get, 2000, 7)
    post_ours, post_bare = _compare(lambda: client.conversations.create(body), bare_post, 2000, 7)

    with tempfile.TemporaryDirectory() as workdir:
        get_endusers, authenticated = _openapi_python_client(Path(workdir))
        import httpx  # the baseline's own HTTP library

        other = authenticated(base_url="https://dev.dixa.io", token="bench-key", prefix="",
                              httpx_args={"transport": _transport(list_body, httpx)})
        parsed = get_endusers.sync(client=other)
        assert len(parsed.data) == LIST_SIZE
        ours_list = client.end_users.list()
        assert len(ours_list) == LIST_SIZE and ours_list[-1].display_name == "Alice Brown"
        list_ours, list_other = _compare(lambda: client.end_users.list(), lambda: get_endusers.sync(client=other), 1, 5)
    return {
        "get_end_user_us": round(get_ours * 1e6, 1),
        "get_end_user_bare_httpx_us": round(get_bare * 1e6, 1),
        "get_end_user_ratio": round(get_ours / get_bare, 3),
        "create_conversation_us": round(post_ours * 1e6, 1),
        "create_conversation_bare_httpx_us": round(post_bare * 1e6, 1),
        "create_conversation_ratio": round(post_ours / post_bare, 3),
        "overhead_target": "<= 1.3",
        "list_10000_ms": round(list_ours * 1e3, 1),
        "list_10000_openapi_python_client_ms": round(list_other * 1e3, 1),
        "list_10000_speedup": round(list_other / list_ours, 2),
        "speedup_target": ">= 2",
    }


if __name__ == "__main__":
    for key, value in main().items():
        print(f"{key}: {value}")
