"""Schemathesis against the stub server of each API, in-process over ASGI.

Every operation of the three specs, twice:
- positive data (requests valid by the spec), with schemathesis's
  `not_a_server_error`, `status_code_conformance`, `content_type_conformance`,
  `response_headers_conformance` and `positive_data_acceptance` (the stub
  accepts what the spec allows: our models are not stricter than the spec),
  plus our own check that every answer body parses with the generated model
  of its documented response;
- negative data (requests the spec forbids: wrong types, missing fields,
  garbage), with `not_a_server_error` only: a refusal may take any status.

Not used: schemathesis's `response_schema_conformance`. Dixa's unions are
`oneOf` without a discriminator, and several variants often accept the same
payload (`Csat` and `Nps` are both `{"value": int}`), which JSON Schema's
`oneOf` forbids, so it reports valid answers as failures. The wire tells the
variants apart by `_type`, and so do the models, which is why the bodies are
checked with the models instead.

For the same reason the spec is given to schemathesis with each union
variant requiring its `_type` tag (as it does on the wire); without it some
request bodies cannot be generated at all (hypothesis finds no value that
matches exactly one look-alike variant).

Generation is bounded (examples and fuzzing phases, `MAX_EXAMPLES` per
operation; the coverage phase is left out as it alone takes minutes per API)
and seeded, so the run is the same every time.
"""

from __future__ import annotations

import copy
import importlib
import sys
from functools import lru_cache
from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, settings
from pydantic import TypeAdapter
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_headers_conformance,
    status_code_conformance,
)

from .conftest import ROOT, SPECS

MAX_EXAMPLES = 8
AUTH = {"Authorization": "stub-test-key"}
POSITIVE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    positive_data_acceptance,
]


@lru_cache(maxsize=None)
def _tagged_document(api: str) -> dict[str, Any]:
    """The spec with `_type` required on every tagged union variant (known
    from the models: each variant class carries its wire tag)."""
    document = yaml.load(SPECS[api].read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    schemas = document["components"]["schemas"]
    models = _package(api).models
    TaggedModel = importlib.import_module("dixa._runtime.models").TaggedModel
    for name, model in models.SCHEMAS.items():
        if isinstance(model, type) and issubclass(model, TaggedModel):
            node = schemas[name]
            field = model.model_fields[model.__tag_field__]
            wire = field.serialization_alias or field.alias or model.__tag_field__
            node.setdefault("properties", {})[wire] = {"type": "string", "enum": [model.__wire_tag__]}
            node["required"] = sorted({*node.get("required", []), wire})
    return document


def _schema(api: str, mode: GenerationMode) -> Any:
    schema = schemathesis.openapi.from_dict(copy.deepcopy(_tagged_document(api)))
    schema.config.generation.update(modes=[mode], max_examples=MAX_EXAMPLES)
    schema.config.phases.update(phases=["examples", "fuzzing"])
    schema.config.update(headers=AUTH)
    if mode is GenerationMode.NEGATIVE:
        # Operations whose only inputs are strings (or nothing) have no invalid request.
        schema = schema.include(lambda ctx: _can_be_invalid(api, ctx.operation.method.upper(), ctx.operation.path))
    return schema


def _can_be_invalid(api: str, method: str, path: str) -> bool:
    op = next(o for o in _app(api).operations.values() if (o.method, o.path) == (method, path))
    return op.body is not None or any(p.type is not str or (p.required and p.location != "path") for p in op.params)


def _package(api: str) -> Any:
    path = str(ROOT / "generated")
    if path not in sys.path:
        sys.path.insert(0, path)
    return importlib.import_module(f"dixa.{api}")


@lru_cache(maxsize=None)
def _app(api: str) -> Any:
    return importlib.import_module(f"dixa.{api}.server").create_app()


def _check_body_with_models(api: str, case: Any, response: Any) -> None:
    app = _app(api)
    op = next(
        o for o in app.operations.values() if o.method == case.operation.method.upper() and o.path == case.operation.path
    )
    reply = next((r for r in op.replies if r.status == str(response.status_code)), None)
    assert reply is not None, f"{op.operation_id}: answered {response.status_code}, not documented"
    if reply.type is None:
        assert not response.content, f"{op.operation_id}: {response.status_code} has a body: {response.content[:200]!r}"
        return
    TypeAdapter(reply.type).validate_json(response.content)


def _run(api: str, mode: GenerationMode) -> Any:
    schema = _schema(api, mode)

    @schema.parametrize()
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def test(case: Any) -> None:
        if mode is GenerationMode.POSITIVE:
            response = case.call_and_validate(app=_app(api), checks=POSITIVE_CHECKS)
            _check_body_with_models(api, case, response)
        else:
            case.call_and_validate(app=_app(api), checks=[not_a_server_error])

    return test


test_v1_positive = _run("v1", GenerationMode.POSITIVE)
test_beta_positive = _run("beta", GenerationMode.POSITIVE)
test_integrations_positive = _run("integrations", GenerationMode.POSITIVE)
test_v1_negative = _run("v1", GenerationMode.NEGATIVE)
test_beta_negative = _run("beta", GenerationMode.NEGATIVE)
test_integrations_negative = _run("integrations", GenerationMode.NEGATIVE)


def test_every_operation_is_exercised() -> None:
    """The parametrized tests above cover each spec's operations, none left out."""
    for api, spec in SPECS.items():
        document = yaml.safe_load(spec.read_text(encoding="utf-8"))
        wanted = {
            (method.upper(), path)
            for path, item in document["paths"].items()
            for method in item
            if method in ("get", "put", "post", "delete", "patch", "head", "options")
        }
        routed = {(o.method, o.path) for o in _app(api).operations.values()}
        assert wanted == routed, api
