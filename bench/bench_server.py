"""Stub server throughput: `dixa_sdk.beta.server` (uvicorn) against Stoplight Prism
serving the same spec (`specs/dixa-beta.yaml`), in the same run.

Two requests, each sent to both servers on 127.0.0.1 under the same bounded
load (`REQUESTS` requests over `CONNECTIONS` keep-alive connections, after
`WARMUP` unmeasured ones):
- `GET /beta/endusers/{userId}`: a path parameter (a UUID) to validate;
- `POST /beta/conversations` with an `Email` conversation: a body that is a
  `_type`-tagged union, with nested unions (`message`, `content`).

Correctness is measured alongside: every answer must have the documented
status, and one answer of each kind from each server must parse with the
generated models. Both servers log warnings only. uvicorn runs with the
parser and loop of `uvicorn[standard]` (httptools, uvloop) when installed, as
the dev extras install them; with plain h11 the stub's throughput is about
half (`stub_http` says which was used). The load generator is a few
lines of asyncio over raw sockets, so that it costs less than the servers it
measures (both servers and the load share the machine's cores).

Prism is given the spec with each union variant requiring its `_type` tag
(what the wire does anyway): on the spec as published it refuses the POST,
since the `Email` body also matches look-alike variants of the `oneOf` and
JSON Schema's `oneOf` wants exactly one match (`prism_published_*` figures
show that run). Prism comes from `tests/npm` (`make bench` installs it).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "dixa-beta.yaml"
PRISM = ROOT / "tests" / "npm" / "node_modules" / ".bin" / "prism"
REQUESTS = 4000
WARMUP = 300
CONNECTIONS = 16
USER_ID = "434ce9f5-14c8-4be1-a0a8-f755010deb9b"
EMAIL_CONVERSATION = {
    "_type": "Email",
    "emailIntegrationId": "support@acme.email.dixa.io",
    "language": "en",
    "message": {"_type": "Inbound", "attachments": [], "content": {"_type": "Text", "value": "My order hasn't shipped"}},
    "requesterId": "9c2a2cce-699f-4a72-89d9-fda5bc8dec8b",
    "subject": "order #123",
}
CASES = {
    "get_path_param": ("GET", f"/beta/endusers/{USER_ID}", None, 200, "getEndusersUserid"),
    "post_union_body": ("POST", "/beta/conversations", EMAIL_CONVERSATION, 201, "postConversations"),
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _request(method: str, path: str, body: Any, port: int) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Authorization: bench-key", "Accept: application/json"]
    payload = json.dumps(body).encode() if body is not None else b""
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length, chunked = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if not chunked:
        return status, await reader.readexactly(length)
    body = b""
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        chunk = await reader.readexactly(size + 2)
        if size == 0:
            return status, body
        body += chunk[:-2]


async def _load(port: int, request: bytes, count: int) -> tuple[float, Counter[int], bytes]:
    statuses: Counter[int] = Counter()
    sample = b""
    remaining = count

    async def connection() -> None:
        nonlocal remaining, sample
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while remaining > 0:
                remaining -= 1
                writer.write(request)
                status, body = await _response(reader)
                statuses[status] += 1
                sample = sample or body
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(CONNECTIONS)))
    return count / (time.perf_counter() - started), statuses, sample


def _wait_ready(port: int, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no server on port {port} after {timeout} s")


def _valid(operation: Any, status: int, body: bytes) -> bool:
    from pydantic import TypeAdapter, ValidationError

    reply = next(r for r in operation.replies if r.status == str(status))
    try:
        TypeAdapter(reply.type).validate_json(body)
    except ValidationError:
        return False
    return True


def _uvicorn_http() -> str:
    """uvicorn's HTTP parser: httptools when installed (`uvicorn[standard]`), else h11."""
    try:
        import httptools  # noqa: F401
    except ImportError:
        return "h11"
    return "httptools"


def _tagged_spec(target: Path) -> Path:
    """The beta spec with `_type` required on every tagged union variant,
    known from the models (each variant class carries its wire tag)."""
    import yaml
    from dixa_sdk._runtime.models import TaggedModel
    from dixa_sdk.beta import models

    document = yaml.load(SPEC.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    for name, model in models.SCHEMAS.items():
        if isinstance(model, type) and issubclass(model, TaggedModel):
            node = document["components"]["schemas"][name]
            field = model.model_fields[model.__tag_field__]
            wire = field.serialization_alias or field.alias or model.__tag_field__
            node.setdefault("properties", {})[wire] = {"type": "string", "enum": [model.__wire_tag__]}
            node["required"] = sorted({*node.get("required", []), wire})
    target.write_text(json.dumps(document), encoding="utf-8")
    return target


def _measure(name: str, port: int, operations: dict[str, Any]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for case, (method, path, body, status, operation_id) in CASES.items():
        request = _request(method, path, body, port)
        asyncio.run(_load(port, request, WARMUP))
        rate, statuses, sample = asyncio.run(_load(port, request, REQUESTS))
        figures[f"{name}_{case}_rps"] = round(rate)
        figures[f"{name}_{case}_wrong_status"] = sum(n for s, n in statuses.items() if s != status)
        figures[f"{name}_{case}_valid_body"] = _valid(operations[operation_id], status, sample)
    return figures


def main() -> dict[str, Any]:
    if not PRISM.exists():
        raise SystemExit(f"{PRISM} is missing: run `make tests/npm/node_modules` (or `make bench`)")
    sys.path.insert(0, str(ROOT / "generated"))
    from dixa_sdk.beta.server import create_app

    operations = create_app().operations
    env = {**os.environ, "PYTHONPATH": str(ROOT / "generated"), "SCARF_ANALYTICS": "false"}
    figures: dict[str, Any] = {"requests": REQUESTS, "connections": CONNECTIONS, "stub_http": _uvicorn_http()}
    with tempfile.TemporaryDirectory() as folder:
        tagged = _tagged_spec(Path(folder) / "dixa-beta-tagged.json")
        servers = {
            "stub": [sys.executable, "-m", "dixa_sdk.beta.server", "--log-level", "warning", "--port"],
            "prism": [str(PRISM), "mock", "-h", "127.0.0.1", "-v", "warn", str(tagged), "-p"],
            "prism_published": [str(PRISM), "mock", "-h", "127.0.0.1", "-v", "warn", str(SPEC), "-p"],
        }
        for name, command in servers.items():
            port = _free_port()
            process = subprocess.Popen([*command, str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                _wait_ready(port, process)
                figures.update(_measure(name, port, operations))
            finally:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
    for case in CASES:
        figures[f"{case}_speedup"] = round(figures[f"stub_{case}_rps"] / figures[f"prism_{case}_rps"], 2)
    return figures


if __name__ == "__main__":
    for key, value in main().items():
        print(f"{key}: {value}")
