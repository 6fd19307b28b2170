"""The stub server of each API against its own spec, checked by third parties.

1. schemathesis, as a user runs it: its command line with every check
   (`--checks all`) and every phase (examples, coverage, fuzzing, stateful),
   against the stub served by uvicorn in a process of its own, plain and
   `--stateful`, over the document the stub serves by (`server_openapi.json`:
   the spec with the wire's union tags and the stub's own statuses written in,
   see `generator/wire.py`). It must report no failure but the exclusions
   below, each a design choice generated/README.md documents.
2. Every documented answer of every operation (each example, and a value
   synthesized from the models) is valid against that document by a strict
   validator (openapi-schema-validator, formats checked) and parses with the
   generated models.
3. A client that leaves in the middle of its body is one quiet log line.

Generation is seeded and bounded (`MAX_EXAMPLES` per operation and phase), so
a run is the same every time and fits in `make test`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from jsonschema.exceptions import best_match
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker
from pydantic import TypeAdapter
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from starlette.testclient import TestClient

from .conftest import ROOT, SPECS
from .processes import free_port, not_listening, stop

MAX_EXAMPLES = 5
APIS = ("v1", "beta", "integrations")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")

# (failure code, mode or None for both, operation or None for all): why it is not a fault.
EXCLUDED: dict[tuple[str, str | None, str | None], str] = {
    ("ST401", None, None): (
        "the stub takes any non-empty credential: it cannot know the real keys (generated/README.md: the stub's "
        "credentials), so it accepts 'invalid' ones and a stateful item may be missing (404) instead"
    ),
    ("ST301", "plain", None): "the plain stub keeps no state: a deleted item is still answered",
    ("ST302", "plain", None): "the plain stub keeps no state: a created item is not stored",
    ("ST301", "stateful", "DELETE /{prefix}/queues/{{queueId}}/members"): (
        "removes the agents its body names from the queue, not the queue's member list"
    ),
    ("ST302", "stateful", "POST /{prefix}/analytics/records"): (
        "a query for a record's data, not a creation: schemathesis takes the body's `id` (which may be "
        "empty) for a created record's, and an empty one makes `/analytics/records/`, a path no "
        "operation has (docs/stub.md)"
    ),
    # schemathesis reports this one under its scenario, not an operation: the
    # scenarios send a made-up `pageKey` to the stateful lists.
    ("ST202", "stateful", "Stateful tests"): (
        "a pageKey the stub did not hand out is refused (400), as Dixa refuses one it did not issue"
    ),
    ("ST201", None, "POST /beta/knowledge/articles/attachments"): (
        "a multipart part is bytes: any part is a valid binary file, whatever schemathesis meant by it"
    ),
}
PREFIX = {"v1": "v1", "beta": "beta", "integrations": "v1"}


@contextmanager
def _served(api: str, *options: str, log: Path) -> Iterator[str]:
    """The stub of `api` under uvicorn in its own process; yields its base URL."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "generated")}
    command = [sys.executable, "-m", f"dixa_sdk.{api}.server", "--port", str(port), *options]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            why = not_listening(process, port, timeout=60)
            if why is not None:
                raise AssertionError(f"the stub did not start ({why}): {log.read_text()}")
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(process)


def _excluded(api: str, mode: str, code: str, operation: str) -> str | None:
    for (excluded_code, excluded_mode, excluded_operation), reason in EXCLUDED.items():
        wanted = excluded_operation.format(prefix=PREFIX[api]) if excluded_operation else None
        if excluded_code == code and excluded_mode in (None, mode) and wanted in (None, operation):
            return reason
    return None


@pytest.mark.parametrize("mode", ["plain", "stateful"])
@pytest.mark.parametrize("api", APIS)
def test_schemathesis_finds_nothing(api: str, mode: str, tmp_path: Path) -> None:
    document = ROOT / "generated" / "dixa_sdk" / api / "server_openapi.json"
    report = tmp_path / "report.json"
    options = ["--stateful"] if mode == "stateful" else []
    with _served(api, *options, "--log-level", "warning", log=tmp_path / "stub.log") as url:
        run = subprocess.run(
            [
                str(SCHEMATHESIS),
                "--no-color",
                "run",
                str(document),
                "--url",
                url,
                "--checks",
                "all",
                "--header",
                "Authorization: stub-test-key",
                "--max-examples",
                str(MAX_EXAMPLES),
                "--seed",
                "1",
                "--report",
                "json",
                "--report-json-path",
                str(report),
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=600,
        )
    assert report.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(report.read_text())
    assert not result["errors"], json.dumps(result["errors"], indent=1)[:3000]
    left = []
    for failure in result["failures"]:
        for operation in failure["operations"]:
            if _excluded(api, mode, failure["code"], operation) is None:
                left.append(f"{failure['code']} {failure['title']}: {operation}")
    assert not left, "\n".join(left) + "\n\n" + run.stdout[-6000:]
    assert "Traceback" not in (tmp_path / "stub.log").read_text()
    assert result["operations"]["tested"] == result["operations"]["total"] > 0, result["operations"]


def test_every_exclusion_is_still_needed() -> None:
    """Each exclusion names a real operation of the specs (none left over from a path that went away)."""
    operations = {
        f"{method.upper()} {path}"
        for spec in SPECS.values()
        for path, item in _spec(spec)["paths"].items()
        for method in item
        if method in ("get", "put", "post", "delete", "patch")
    }
    for _, _, operation in EXCLUDED:
        if operation not in (None, "Stateful tests"):
            named = {operation.format(prefix=prefix) for prefix in ("v1", "beta")}
            assert named & operations, operation


def _spec(path: Path) -> dict[str, Any]:
    import yaml

    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


# -- every documented answer ----------------------------------------------------------------


def _app(api: str, **options: Any) -> Any:
    import importlib

    return importlib.import_module(f"dixa_sdk.{api}.server").create_app(**options)


def _path_value(param: Any) -> str:
    return "7" if param.type is int else "6c3e3a52-0b6b-4a4e-8b1f-1a0f6b3c9d10"


@pytest.mark.parametrize("api", APIS)
def test_every_answer_is_valid_against_the_spec(api: str) -> None:
    app = _app(api)
    assert app.wire is not None, "the stub validates with its wire document"
    document = app.wire.document
    registry: Registry[Any] = Registry().with_resource("urn:wire", Resource(contents=document, specification=DRAFT4))
    client = TestClient(app)
    checked, wrong = 0, []
    for op in app.operations.values():
        path, query = op.path, {}
        for param in op.params:
            if param.location == "path":
                path = path.replace("{" + param.name + "}", _path_value(param))
            elif param.location == "query" and param.required:
                query[param.name] = "7" if param.type is int else "text"
        if op.body is not None and op.body.required and "json" not in op.body.content_type:
            continue  # multipart uploads: test_server.py sends those
        for reply in op.replies:
            if reply.schema is None:
                continue
            validator = OAS30ReadValidator(
                {"$ref": f"urn:wire#{reply.schema}"}, registry=registry, format_checker=oas30_format_checker
            )
            for example in [*reply.examples, None]:
                prefer = f"code={reply.status}, " + (f"example={example}" if example else "dynamic=true")
                headers = {"Authorization": "key", "Prefer": prefer}
                body = _body(op)
                if body is not None:
                    headers["Content-Type"] = "application/json"
                response = client.request(op.method, path, params=query, headers=headers, content=body)
                assert response.status_code == int(reply.status), (op.operation_id, prefer, response.text[:300])
                value = response.json()
                error = best_match(validator.iter_errors(value))
                if error is not None:
                    wrong.append(f"{op.operation_id} {prefer}: {error.message[:200]} at {list(error.absolute_path)}")
                if reply.type is not None:
                    TypeAdapter(reply.type).validate_json(response.content)
                checked += 1
    assert checked >= len(app.operations)
    assert not wrong, "\n".join(wrong)


def _body(op: Any) -> bytes | None:
    """A valid body for `op`, made up from its models (the stub checks it before answering)."""
    if op.body is None or "json" not in op.body.content_type:
        return None
    from dixa_sdk._runtime.stub.synth import Synthesizer

    return json.dumps(Synthesizer(op.operation_id).value(op.body.type)).encode()


def test_synthesized_ids_follow_their_schema() -> None:
    """An id the spec types as a bare string is a UUID, so the path that takes it back accepts it."""
    app = _app("v1", stateful=True)
    client = TestClient(app)
    create = next(o for o in app.operations.values() if (o.method, o.path) == ("POST", "/v1/queues"))
    created = client.post(
        "/v1/queues", headers={"Authorization": "key", "Content-Type": "application/json"}, content=_body(create)
    )
    assert created.status_code in (200, 201), created.text
    queue_id = created.json()["data"]["id"]
    read = client.get(f"/v1/queues/{queue_id}", headers={"Authorization": "key"})
    assert read.status_code == 200, read.text


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/v1/conversations/9223372036854775808", "int64"),
        ("/v1/conversations/100000000000000000000000000000", "int64"),
        ("/v1/agents/not-a-uuid", "uuid"),
    ],
)
def test_formats_of_path_parameters_are_enforced(path: str, why: str) -> None:
    response = TestClient(_app("v1")).get(path, headers={"Authorization": "key"})
    assert response.status_code == 400, response.text
    assert "Invalid value for: path parameter" in response.json()["message"]


def test_bodies_are_checked_against_the_spec_not_only_the_models() -> None:
    """The models are lenient (a number for a string, null for an optional field); the spec is not."""
    client = TestClient(_app("v1"))
    for body in ({"displayName": "A", "email": 1.5}, {"displayName": "A", "email": "a@b.c", "avatarUrl": None}):
        response = client.post("/v1/agents", headers={"Authorization": "key"}, json=body)
        assert response.status_code == 400, (body, response.text)
    good = client.post("/v1/agents", headers={"Authorization": "key"}, json={"displayName": "A", "email": "a@b.c"})
    assert good.status_code == 201, good.text


def test_an_undeclared_method_on_a_static_path_is_405() -> None:
    """`PUT /v1/agents/bulk` is refused there, not taken for `PUT /v1/agents/{agentId}`."""
    response = TestClient(_app("v1")).put("/v1/agents/bulk", headers={"Authorization": "key"})
    assert response.status_code == 405, response.text
    assert response.headers["Allow"] == "POST"


def test_examples_that_contradict_their_schema_are_not_answered() -> None:
    """Dixa's `…Z[GMT]` date-times are not RFC 3339: the stub answers a synthesized value instead."""
    app = _app("v1")
    op = next(o for o in app.operations.values() if o.operation_id == "getAnonymizationRequestRequestid")
    text = json.dumps(_spec(SPECS["v1"])["paths"][op.path]["get"]["responses"]["200"]["content"])
    assert "Z[GMT]" in text
    answer = TestClient(app).get(op.path.replace("{requestId}", "6c3e3a52-0b6b-4a4e-8b1f-1a0f6b3c9d10"), headers={"Authorization": "key"})
    assert answer.status_code == 200 and "[GMT]" not in answer.text, answer.text


def test_a_client_that_disconnects_mid_body_is_one_quiet_line(tmp_path: Path) -> None:
    log = tmp_path / "stub.log"
    with _served("v1", "--log-level", "info", log=log) as url:
        port = int(url.rpartition(":")[2])
        with socket.create_connection(("127.0.0.1", port)) as connection:
            connection.sendall(
                b"POST /v1/agents HTTP/1.1\r\nHost: x\r\nAuthorization: key\r\n"
                b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"displayName\": "
            )
            time.sleep(0.3)
        deadline = time.monotonic() + 10
        while "disconnected" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    text = log.read_text()
    assert "the client disconnected before sending the whole body" in text, text
    assert "Traceback" not in text and "Exception in ASGI application" not in text, text


def test_every_operation_is_served() -> None:
    """The stub routes each spec's operations, none left out."""
    for api, spec in SPECS.items():
        document = _spec(spec)
        wanted = {
            (method.upper(), path)
            for path, item in document["paths"].items()
            for method in item
            if method in ("get", "put", "post", "delete", "patch", "head", "options")
        }
        routed = {(o.method, o.path) for o in _app(api).operations.values()}
        assert wanted == routed, api
