"""A small part of `make mock-calls` (tests/mock_calls.py, tests/stub_checks.py):
the generated client of real specs against Stoplight Prism mocking them, every
operation called, and schemathesis against a generated stub.

- Twilio's API (195 operations, forms, Basic auth, paging) and dweet.io
  (path and query parameters of every kind): every operation is called with
  arguments from the spec, Prism accepts each request and each answer parses.
- The harness itself is checked on a spec written here: a request Prism
  refuses is counted as refused, an answer the models refuse as unparsed, and
  a located warning of the generator marks it as the spec's contradiction.
- schemathesis against the stub of one directory spec finds no server error.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from . import mock_calls, stub_checks

CALLED = ("twilio.com/api.json", "dweet.io.json")


def _directory() -> None:
    if not mock_calls.DIRECTORY.is_dir() or not mock_calls.PRISM.exists():
        pytest.fail("the npm packages are missing: `make tests/npm/node_modules` installs them")


@pytest.mark.parametrize("relative", CALLED)
def test_every_operation_is_accepted_by_prism_and_parsed(relative: str) -> None:
    _directory()
    report = mock_calls.run_spec(relative, timeout=240)
    assert not report.error, report.error
    assert report.mock == "Prism"
    failed = [f"{c.status} {c.method} {c.path}: {c.cause[:300]}" for c in report.calls if c.status != "parsed"]
    assert not failed, "\n".join(failed)
    assert report.called == report.operations == len(report.calls) > 0
    assert report.accepted == report.parsed == report.called


SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Harness", "version": "1"},
    "paths": {
        "/items/{id}": {
            "get": {
                "operationId": "getItem",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 3}},
                    {"name": "kind", "in": "query", "required": True,
                     "schema": {"type": "string", "pattern": "^[a-z]{2}-[0-9]{3}$"}},
                ],
                "responses": {"200": {"description": "an item", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Item"}}}}},
            }
        },
        "/broken": {
            "get": {
                "operationId": "getBroken",
                "responses": {"200": {"description": "an answer its own example contradicts", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Item"},
                                         "example": {"id": "not a number", "name": "x"}}}}},
            }
        },
    },
    "components": {"schemas": {"Item": {
        "type": "object", "required": ["id", "name"],
        "properties": {"id": {"type": "integer"}, "name": {"type": "string", "minLength": 2}},
    }}},
}


def test_the_harness_tells_refused_unparsed_and_contradictions_apart(tmp_path: Path) -> None:
    _directory()
    spec = tmp_path / "harness.json"
    spec.write_text(json.dumps(SPEC))
    report = mock_calls.run_spec(str(spec), timeout=240)
    assert not report.error, report.error
    by_id = {c.operation_id: c for c in report.calls}
    # Arguments are made to fit the spec (bounds, patterns): Prism accepts them, the answer parses.
    assert by_id["getItem"].status == "parsed", by_id["getItem"]
    # Prism answers the example, which contradicts the schema: unparsed, and the warning says why.
    broken = by_id["getBroken"]
    assert broken.status == "unparsed" and "does not match the spec" in broken.cause
    assert "#/paths/~1broken/get/responses/200/content/application~1json/example" in broken.contradiction
    assert ": warning: example 'example' of GET /broken 200 does not match its schema" in broken.contradiction
    assert report.unexplained == []


def test_a_request_prism_refuses_is_counted_as_refused(tmp_path: Path) -> None:
    """The harness's verdict on a request the spec forbids (a pattern Prism checks)."""
    _directory()
    import httpx2

    with mock_calls.prism(_spec_file(tmp_path), tmp_path / "prism.log") as url:
        refused = httpx2.get(f"{url}/items/7", params={"kind": "XX"})
        accepted = httpx2.get(f"{url}/items/7", params={"kind": "ab-123"})
    assert mock_calls.classify_status(refused)[0] == "refused", refused.text
    assert "query.kind" in mock_calls.classify_status(refused)[1]
    assert accepted.status_code == 200 and not mock_calls._violations(accepted, "request")


def _spec_file(tmp_path: Path) -> Path:
    spec = tmp_path / "harness.json"
    spec.write_text(json.dumps(SPEC))
    return spec


def test_the_sample_is_fixed_and_holds_the_large_apis() -> None:
    _directory()
    drawn = mock_calls.sample()
    assert drawn == mock_calls.sample() and len(set(drawn)) == len(drawn) >= 25
    for large in ("github.com/", "stripe.com.json", "twilio.com/api.json", "slack.com.json", "kubernetes.io.json"):
        assert any(path.startswith(large) for path in drawn), large
    assert len(stub_checks.default_specs()) >= 10 and set(stub_checks.default_specs()) <= set(drawn)


def test_schemathesis_finds_no_server_error_in_a_stub() -> None:
    _directory()
    report = stub_checks.check_one("dweet.io.json", max_examples=3, max_seconds=30, phases="examples,coverage,fuzzing")
    assert not report.error, report.error
    assert report.tested == report.operations > 0
    assert report.server_errors == [] and report.tracebacks == 0, report.server_errors + report.errors
    assert report.failures == {}, report.failures
