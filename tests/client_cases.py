"""Calls for every operation of a spec, made from the IR: arguments that the API
would accept, and an answer that the spec allows (its example, or a minimal
valid payload), so the generated clients can be driven without a server."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx2

from generator.ir.model import (
    Api,
    ArrayType,
    EnumType,
    MapType,
    ObjectType,
    Operation,
    Primitive,
    Ref,
    Type,
    UnionType,
)
from generator.reading.read import read_api

from .conftest import SPECS

SAMPLE_UUID = "0f8fad5b-d9cb-469f-a165-70867728950e"


def load(api_name: str) -> Api:
    return read_api(Path(SPECS[api_name])).api


def sample(api: Api, type_: Type, depth: int = 0) -> Any:
    """A minimal JSON value of `type_`: required properties only, first variants and members."""
    if isinstance(type_, Ref):
        return sample(api, api.types[type_.target].type, depth)
    if isinstance(type_, Primitive):
        if type_.name == "string":
            return {
                "uuid": SAMPLE_UUID,
                "date-time": "2021-12-01T12:46:36Z",
                "date": "2021-12-01",
                "email": "someone@example.org",
                "uri": "https://example.org/x",
                "url": "https://example.org/x",
            }.get(type_.format or "", "text")
        return {"integer": 1, "number": 1.5, "boolean": True}.get(type_.name, "text")
    if isinstance(type_, EnumType):
        return type_.members[0].value
    if isinstance(type_, ArrayType):
        return [sample(api, type_.items, depth + 1)] if depth < 6 else []
    if isinstance(type_, MapType):
        key = type_.key_values[0] if type_.key_values else "key"
        return {key: sample(api, type_.values, depth + 1)} if depth < 6 else {}
    if isinstance(type_, UnionType):
        return sample(api, type_.variants[0], depth)
    if isinstance(type_, ObjectType):
        value = {p.wire_name: sample(api, p.type, depth + 1) for p in type_.properties if p.required}
        if type_.tag is not None:
            value[type_.tag.property] = type_.tag.value
        return value
    return "text"


def path_value(api: Api, type_: Type) -> str:
    value = sample(api, type_)
    return "true" if value is True else str(value)


@dataclass
class Case:
    """One operation's call: the method to reach, its arguments, the answer to give."""

    operation: Operation
    kwargs: dict[str, Any]
    path: str  # the request path the client must produce (encoded)
    status: int
    answer: Any  # JSON body, or None for an empty answer
    payload: Any  # what the method must return, as wire data
    body: Any = None
    multipart: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def case(api: Api, operation: Operation) -> Case:
    kwargs: dict[str, Any] = {}
    path = operation.path
    for parameter in operation.parameters:
        if parameter.location == "path":
            value = path_value(api, parameter.type)
            kwargs[parameter.py_name] = value
            path = path.replace("{" + parameter.name + "}", quote(value, safe=""))
        elif parameter.required:
            kwargs[parameter.py_name] = sample(api, parameter.type)
    body = None
    multipart = False
    if operation.body is not None:
        if operation.body.content_type.startswith("multipart/"):
            multipart = True
            kwargs["files"] = [("logo.png", b"\x89PNG...", "image/png")]
        else:
            # The spec's first example that its schema allows (a few of Dixa's contradict it).
            usable = [e for i, e in enumerate(operation.body.examples) if i not in operation.body.off_schema]
            body = usable[0] if usable else sample(api, operation.body.type)
            kwargs["body"] = body
    success = next(r for r in operation.responses if r.status.startswith("2"))
    status = int(success.status) if success.status.isdigit() else 200
    answer: Any = None
    payload: Any = None
    if success.type is not None and status != 204:
        if success.examples:
            answer = next(iter(success.examples.values()))
        else:
            answer = sample(api, success.type)
            if success.envelope and success.envelope not in answer:
                resolved = api.resolve(success.type)
                assert isinstance(resolved, ObjectType)
                inner = next(p for p in resolved.properties if p.wire_name == success.envelope)
                answer[success.envelope] = sample(api, inner.type)
        payload = answer[success.envelope] if success.envelope else answer
    return Case(operation, kwargs, path, status, answer, payload, body, multipart)


def cases(api: Api) -> list[Case]:
    return [case(api, operation) for operation in api.operations]


class Recorder:
    """A MockTransport handler that answers each case and remembers the requests."""

    def __init__(self, api: Api, answers: list[Case]) -> None:
        self.api = api
        self.by_route = {(c.operation.method, c.path): c for c in answers}
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        found = self.by_route.get((request.method, request.url.raw_path.split(b"?")[0].decode()))
        if found is None:
            return httpx2.Response(404, json={"message": f"no route {request.method} {request.url}"})
        if found.answer is None:
            return httpx2.Response(found.status)
        return httpx2.Response(found.status, content=json.dumps(found.answer).encode(),
                              headers={"Content-Type": "application/json"})


def route_pattern(operation: Operation) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(operation.path)) + "$")


def random_uuid() -> str:
    return str(uuid.uuid4())
