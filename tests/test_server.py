"""The stub server (`dixa.<api>.server`): routing, Dixa's errors, answers
valid against the models, `Prefer`, overrides and the command line.

Requests go in-process through httpx2's ASGI transport; the answers are
checked with the generated models, which know Dixa's `_type`-tagged unions.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import socket
import subprocess
import sys
import time
from typing import Any, Iterator

import httpx2
import pytest
import yaml
from pydantic import BaseModel, TypeAdapter

from .conftest import ROOT, SPECS

AUTH = {"Authorization": "stub-test-key"}
USER_ID = "7f1c9a1e-8f1e-4b7e-9f1a-1a2b3c4d5e6f"


def server(api: str) -> Any:
    path = str(ROOT / "generated")
    if path not in sys.path:
        sys.path.insert(0, path)
    return importlib.import_module(f"dixa_sdk.{api}.server")


def call(app: Any, method: str, url: str, **kwargs: Any) -> httpx2.Response:
    async def go() -> httpx2.Response:
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://stub") as client:
            return await client.request(method, url, **kwargs)

    return asyncio.run(go())


def synthesizer() -> Any:
    return importlib.import_module("dixa_sdk._runtime.stub.synth").Synthesizer(3)


def concrete(op: Any) -> str:
    """The operation's path with a valid value for each path parameter."""
    path = op.path
    for param in op.params:
        if param.location == "path":
            value = {int: "42", str: "abc"}.get(param.type, USER_ID)
            path = path.replace("{" + param.name + "}", value)
    return path


def required_query(op: Any) -> dict[str, str]:
    return {p.name: "x" for p in op.params if p.location == "query" and p.required and p.type is str}


def tags_were_sent(value: Any) -> Iterator[str]:
    """Every union member in a parsed value whose payload lacked its `_type`."""
    if isinstance(value, BaseModel):
        tag_field = getattr(type(value), "__tag_field__", None)
        if tag_field is not None and tag_field not in value.model_fields_set:
            yield type(value).__name__
        for name in type(value).model_fields:
            yield from tags_were_sent(getattr(value, name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from tags_were_sent(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from tags_were_sent(item)


@pytest.fixture(scope="module", params=list(SPECS))
def api(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_every_operation_is_routed_with_the_specs_paths_and_methods(api: str) -> None:
    document = yaml.load(SPECS[api].read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    wanted = {
        (method.upper(), path, item[method]["operationId"])
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "put", "post", "delete", "patch")
    }
    app = server(api).create_app()
    assert {(o.method, o.path, o.operation_id) for o in app.operations.values()} == wanted
    statuses = {o.operation_id: sorted(r.status for r in o.replies) for o in app.operations.values()}
    assert statuses == {
        item[method]["operationId"]: sorted(item[method]["responses"])
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "put", "post", "delete", "patch")
    }


def test_every_documented_answer_is_valid_against_the_models(api: str) -> None:
    """For each operation and each documented status, the example (or, with
    `Prefer: dynamic=true`, a synthesized value) parses with the models; every
    union member of a synthesized value carries its `_type`."""
    app = server(api).create_app(seed=7)
    checked = 0
    for op in app.operations.values():
        headers, content = dict(AUTH), None
        if op.body is not None:
            headers["content-type"] = op.body.content_type
            content = json.dumps(synthesizer().value(op.body.type)) if "json" in op.body.content_type else "x"
        for reply in op.replies:
            for prefer in (f"code={reply.status}", f"code={reply.status}, dynamic=true"):
                response = call(
                    app, op.method, concrete(op), headers={**headers, "Prefer": prefer}, params=required_query(op),
                    content=content,
                )
                assert response.status_code == int(reply.status), (op.operation_id, prefer, response.text)
                if reply.type is None:
                    assert response.content == b""
                    continue
                assert response.headers["content-type"] == reply.content_type
                value = TypeAdapter(reply.type).validate_json(response.content)
                if "dynamic" in prefer:  # examples are Dixa's own, some without tags
                    assert list(tags_were_sent(value)) == [], (op.operation_id, prefer)
                checked += 1
    assert checked > len(app.operations)


def test_synthesized_answers_are_deterministic_for_a_seed() -> None:
    module = server("beta")
    prefer = {**AUTH, "Prefer": "dynamic=true"}
    first = call(module.create_app(seed=1), "GET", "/beta/conversations/42", headers=prefer).content
    again = call(module.create_app(seed=1), "GET", "/beta/conversations/42", headers=prefer).content
    other = call(module.create_app(seed=2), "GET", "/beta/conversations/42", headers=prefer).content
    assert first == again
    assert first != other


def test_an_operation_without_example_answers_with_a_synthesized_value() -> None:
    app = server("v1").create_app()
    op = app.operations["postQueues"]
    assert not next(r for r in op.replies if r.status == "201").examples
    body = synthesizer().value(app.operations["postQueues"].body.type)
    response = call(app, "POST", "/v1/queues", headers=AUTH, json=body)
    assert response.status_code == 201
    queue = TypeAdapter(next(r for r in op.replies if r.status == "201").type).validate_json(response.content)
    assert queue.data.id


def test_default_answer_is_the_spec_example() -> None:
    app = server("v1").create_app()
    response = call(app, "GET", f"/v1/endusers/{USER_ID}", headers=AUTH)
    example = next(r for r in app.operations["getEndusersUserid"].replies if r.status == "200").examples["example"]
    assert response.status_code == 200
    assert response.json() == json.loads(example)


def test_a_union_body_is_validated_on_its_type_tag() -> None:
    app = server("beta").create_app()
    email = {
        "_type": "Email",
        "emailIntegrationId": "support@acme.dixa.io",
        "language": "en",
        "message": {"_type": "Inbound", "attachments": [], "content": {"_type": "Text", "value": "Hi"}},
        "requesterId": USER_ID,
        "subject": "Order",
    }
    assert call(app, "POST", "/beta/conversations", headers=AUTH, json=email).status_code == 201
    missing = {k: v for k, v in email.items() if k != "subject"}
    response = call(app, "POST", "/beta/conversations", headers=AUTH, json=missing)
    assert response.status_code == 400
    assert response.json() == {"message": "Invalid value for: body (Field required at 'Email.subject')"}


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status", "message"),
    [
        ("GET", "/v1/nowhere", {}, 404, "Not found: no route for GET /v1/nowhere"),
        ("GET", "/v1/endusers/", {}, 404, "Not found: no route for GET /v1/endusers/"),
        ("POST", f"/v1/endusers/{USER_ID}", {}, 405, f"Method POST not allowed on /v1/endusers/{USER_ID}"),
        ("GET", "/v1/endusers/not-a-uuid", {}, 400, "Invalid value for: path parameter userId (Input should be a valid UUID"),
        ("GET", "/v1/endusers", {"params": {"pageLimit": "ten"}}, 400, "Invalid value for: query parameter pageLimit"),
        ("POST", "/v1/tags", {"content": b"{not json", "headers": {"content-type": "application/json"}}, 400, "Invalid value for: body (Invalid JSON"),
        ("POST", "/v1/tags", {"json": {"name": ["vip"]}}, 400, "Invalid value for: body (Input should be a valid string at 'name')"),
        ("POST", "/v1/tags", {"json": {}}, 400, "Invalid value for: body (Field required at 'name')"),
        ("POST", "/v1/tags", {}, 400, "Invalid value for: body (missing)"),
        ("POST", "/v1/tags", {"content": b"name=x", "headers": {"content-type": "application/x-www-form-urlencoded"}}, 400, "Invalid value for: body (expected Content-Type application/json"),
        ("POST", "/v1/tags", {"content": b"\xff\xfe\x00garbage", "headers": {"content-type": "application/json"}}, 400, "Invalid value for: body (Invalid JSON"),
        ("POST", "/v1/tags", {"content": b"[" * 100_000, "headers": {"content-type": "application/json"}}, 400, "Invalid value for: body"),
        ("POST", "/v1/tags", {"content": b"x" * (10 * 1024 * 1024 + 1), "headers": {"content-type": "application/json"}}, 413, "Request body larger than"),
    ],
)
def test_bad_requests_get_dixas_error_shape(method: str, url: str, kwargs: dict[str, Any], status: int, message: str) -> None:
    app = server("v1").create_app()
    headers = {**AUTH, **kwargs.pop("headers", {})}
    response = call(app, method, url, headers=headers, **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()) == {"message"}
    assert response.json()["message"].startswith(message), response.json()
    if status == 405:
        assert set(response.headers["allow"].split(", ")) >= {"GET", "PUT", "PATCH"}


@pytest.mark.parametrize("headers", [{}, {"Authorization": ""}, {"Authorization": "   "}])
def test_a_missing_or_empty_authorization_header_is_401(headers: dict[str, str]) -> None:
    for api, url in (("v1", "/v1/tags"), ("beta", "/beta/tags"), ("integrations", "/v1/tags")):
        response = call(server(api).create_app(), "GET", url, headers=headers)
        assert response.status_code == 401
        assert "Authorization" in response.json()["message"]


def test_prefer_picks_a_documented_status_or_example() -> None:
    app = server("v1").create_app()
    url = f"/v1/endusers/{USER_ID}"
    not_found = call(app, "GET", url, headers={**AUTH, "Prefer": "code=404"})
    assert not_found.status_code == 404
    assert not_found.json() == {"message": "The requested resource could not be found"}
    named = call(app, "GET", url, headers={**AUTH, "Prefer": "example=example"})
    assert named.status_code == 200
    unknown_code = call(app, "GET", url, headers={**AUTH, "Prefer": "code=418"})
    assert unknown_code.status_code == 400
    assert "418" in unknown_code.json()["message"]
    unknown_example = call(app, "GET", url, headers={**AUTH, "Prefer": "example=nope"})
    assert unknown_example.status_code == 400


def test_a_paged_canned_list_has_no_next_link() -> None:
    """A stateless stub answers the same page every time, so it must not
    promise another one (a client would loop)."""
    app = server("v1").create_app()
    for prefer in ("", "dynamic=true"):
        body = call(app, "GET", "/v1/endusers", headers={**AUTH, "Prefer": prefer}).json()
        assert "next" not in body.get("meta", {})


def test_an_override_answers_after_validation() -> None:
    app = server("v1").create_app()
    seen: list[Any] = []

    def handler(request: Any) -> Any:
        seen.append(request.path["userId"])
        return {"data": {"id": str(request.path["userId"]), "createdAt": "2024-01-01T00:00:00Z", "displayName": "Ada"}}

    app.override("getEndusersUserid", handler)
    response = call(app, "GET", f"/v1/endusers/{USER_ID}", headers=AUTH)
    assert response.status_code == 200
    assert response.json()["data"]["displayName"] == "Ada"
    assert str(seen[0]) == USER_ID
    assert call(app, "GET", "/v1/endusers/nope", headers=AUTH).status_code == 400
    assert len(seen) == 1

    async def wrapping(request: Any) -> Any:
        default = await request.default()
        return 202, {"wrapped": json.loads(default.body)}

    app.override("getTags", wrapping)
    wrapped = call(app, "GET", "/v1/tags", headers=AUTH)
    assert wrapped.status_code == 202
    assert "data" in wrapped.json()["wrapped"]
    with pytest.raises(KeyError, match="noSuchOperation"):
        app.override("noSuchOperation", handler)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "dixa_sdk.v1.server"],
        [str(ROOT / ".venv" / "bin" / "dixagen"), "serve", "v1", "--project", str(ROOT)],
    ],
    ids=["python-m", "dixagen-serve"],
)
def test_the_stub_serves_over_http(command: list[str]) -> None:
    if not __import__("pathlib").Path(command[0]).exists():
        command = [sys.executable, "-m", "generator", *command[1:]]
    port = _free_port()
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT / "generated")}
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port), "--stateful"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx2.post(f"http://127.0.0.1:{port}/v1/tags", json={"name": "vip"}, headers=AUTH)
                break
            except httpx2.TransportError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert response.status_code == 200
        tag_id = response.json()["data"]["id"]
        assert httpx2.get(f"http://127.0.0.1:{port}/v1/tags/{tag_id}", headers=AUTH).json()["data"]["name"] == "vip"
    finally:
        process.terminate()
        process.wait(timeout=10)
