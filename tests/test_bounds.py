"""Hostile requests against the stub server: every answer is a 4xx or a
success, never a 5xx, and the stateful stub's memory stays within its caps.

Seeded fuzzing of cursors, headers, query values and bodies, and a bounded
soak of mixed calls, all through the ASGI app in one event loop (seconds, not
minutes). The hostile-server side of the client is in `test_client_faults.py`.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
from typing import Any

import httpx2
import pytest

from .test_server import AUTH, server

SEED = 20240607


def run(app: Any, requests: list[dict[str, Any]]) -> list[httpx2.Response]:
    """Each request (`method`, `url` and httpx2 keywords) sent in turn, in one event loop."""

    async def go() -> list[httpx2.Response]:
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://stub") as client:
            return [await client.request(**request) for request in requests]

    return asyncio.run(go())


def cursor(payload: bytes) -> str:
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def no_5xx(responses: list[httpx2.Response], requests: list[dict[str, Any]]) -> None:
    """No answer is a server failure; 507, the stateful stub's documented refusal of a
    write past its memory cap, is the one 5xx a request may draw."""
    bad = [
        (r["method"], r["url"], a.status_code, a.text[:200])
        for r, a in zip(requests, responses)
        if a.status_code >= 500 and a.status_code != 507
    ]
    assert bad == []


@pytest.mark.parametrize("stateful", [True, False])
def test_hostile_cursors_are_refused_not_failed(stateful: bool) -> None:
    app = server("v1").create_app(stateful=stateful, seed=1)
    rng = random.Random(SEED)
    deep = b"[" * 20_000 + b"]" * 20_000  # far deeper than Python's JSON reader goes
    keys = [
        cursor(deep),
        cursor(b'{"offset": ' + deep + b"}"),
        cursor(b'{"offset": 1e999}'),
        cursor(b'{"offset": -1}'),
        "x" * 50_000,
        "%%%",
        "",
    ]
    keys += [cursor(rng.randbytes(rng.randrange(1, 64))) for _ in range(100)]
    keys += ["".join(rng.choice("{}[]\":,0123456789abc=-_") for _ in range(rng.randrange(1, 40))) for _ in range(100)]
    requests = [{"method": "GET", "url": "/v1/endusers", "headers": AUTH, "params": {"pageKey": key}} for key in keys]
    answers = run(app, requests)
    no_5xx(answers, requests)
    if stateful:
        assert answers[0].status_code == 400 and "pageKey" in answers[0].text


def test_too_many_or_too_large_headers_are_431() -> None:
    app = server("v1").create_app(seed=1)
    many = [("X-Fuzz-%d" % i, "v") for i in range(10_000)]
    requests: list[dict[str, Any]] = [
        {"method": "GET", "url": "/v1/endusers", "headers": [*AUTH.items(), *many]},
        {"method": "GET", "url": "/v1/endusers", "headers": {**AUTH, "X-Big": "b" * 100_000}},
        {"method": "GET", "url": "/v1/endusers", "headers": AUTH},
    ]
    rng = random.Random(SEED)
    for _ in range(100):
        headers = {**AUTH}
        for _ in range(rng.randrange(1, 20)):
            name = "X-" + "".join(rng.choice("abcdefghij-") for _ in range(rng.randrange(1, 12)))
            headers[name] = "".join(chr(rng.randrange(32, 127)) for _ in range(rng.randrange(0, 50)))
        headers["Prefer"] = rng.choice(["code=404", "code=abc", "example=nope", "dynamic=true", ";;;", "code=99999"])
        requests.append({"method": "GET", "url": "/v1/endusers", "headers": headers})
    answers = run(app, requests)
    assert [a.status_code for a in answers[:3]] == [431, 431, 200]
    no_5xx(answers[3:], requests[3:])


def test_hostile_bodies_are_refused_not_failed() -> None:
    app = server("v1").create_app(stateful=True, seed=1)
    deep = b'{"displayName": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    json_headers = {**AUTH, "Content-Type": "application/json"}
    requests: list[dict[str, Any]] = [
        # A GET documents no body: one is refused unread, whatever its size.
        {"method": "GET", "url": "/v1/endusers", "headers": AUTH, "content": b"x" * (11 * 1024 * 1024)},
        {"method": "POST", "url": "/v1/endusers", "headers": json_headers, "content": b" " * (11 * 1024 * 1024)},
        {"method": "POST", "url": "/v1/endusers", "headers": json_headers, "content": deep},
        {"method": "POST", "url": "/v1/endusers", "headers": json_headers, "content": b"[" * 100_000},
    ]
    rng = random.Random(SEED)
    for _ in range(150):
        body = rng.choice([
            rng.randbytes(rng.randrange(0, 200)),
            json.dumps({"displayName": rng.random(), "email": [None] * rng.randrange(3)}).encode(),
            json.dumps(rng.choice([[], {}, None, 1, "s", {"displayName": "x" * rng.randrange(5000)}])).encode(),
        ])
        ctype = rng.choice(["application/json", "text/plain", "application/x-www-form-urlencoded", ""])
        requests.append({"method": rng.choice(["POST", "PUT", "PATCH"]), "url": rng.choice(["/v1/endusers", "/v1/endusers/abc", "/v1/tags"]), "headers": {**AUTH, "Content-Type": ctype}, "content": body})
    answers = run(app, requests)
    assert [a.status_code for a in answers[:4]] == [400, 413, 400, 400]
    no_5xx(answers, requests)


def test_the_stateful_stub_s_memory_is_capped() -> None:
    app = server("v1").create_app(stateful=True, seed=1, max_state_bytes=2_000_000, max_items=30)
    padding = {f"extra{i}": i for i in range(5_000)}
    create = {"method": "POST", "url": "/v1/endusers", "headers": AUTH, "json": {"displayName": "Ada", **padding}}
    answers = run(app, [create] * 50)
    statuses = [a.status_code for a in answers]
    assert 201 in statuses and statuses[-1] == 507
    assert statuses.index(507) > 0 and set(statuses[statuses.index(507):]) == {507}
    assert app.store.size <= 2_000_000
    assert "Insufficient storage" in answers[-1].json()["message"]
    # The item cap: small items stop at `max_items`.
    app = server("v1").create_app(stateful=True, seed=1, max_items=30)
    small = {"method": "POST", "url": "/v1/endusers", "headers": AUTH, "json": {"displayName": "Bo"}}
    statuses = [a.status_code for a in run(app, [small] * 35)]
    assert statuses == [201] * 30 + [507] * 5
    app.reset()
    assert [a.status_code for a in run(app, [small])] == [201]


def test_a_bounded_soak_of_mixed_calls() -> None:
    """A thousand seeded calls of every kind: no 5xx, the memory within its cap."""
    app = server("v1").create_app(stateful=True, seed=1, max_state_bytes=500_000, max_items=200)
    rng = random.Random(SEED)
    requests: list[dict[str, Any]] = []
    for _ in range(1000):
        kind = rng.randrange(5)
        if kind == 0:
            extra = {f"k{i}": "v" * rng.randrange(50) for i in range(rng.randrange(200))}
            requests.append({"method": "POST", "url": "/v1/endusers", "headers": AUTH, "json": {"displayName": "S", **extra}})
        elif kind == 1:
            requests.append({"method": "GET", "url": "/v1/endusers", "headers": AUTH, "params": {"pageKey": cursor(rng.randbytes(8)), "pageLimit": rng.choice(["1", "x", "-5", "100000"])}})
        elif kind == 2:
            requests.append({"method": "GET", "url": f"/v1/endusers/{rng.choice(['x', '1' * 300, '%00', 'ä'])}", "headers": AUTH})
        elif kind == 3:
            requests.append({"method": "PATCH", "url": "/v1/endusers/nope", "headers": AUTH, "json": {"displayName": rng.random()}})
        else:
            requests.append({"method": rng.choice(["GET", "DELETE", "OPTIONS"]), "url": "/v1/tags", "headers": rng.choice([AUTH, {}])})
    answers = run(app, requests)
    no_5xx(answers, requests)
    assert app.store.size <= 500_000
    assert any(a.status_code == 507 for a in answers) and any(a.status_code == 201 for a in answers)
