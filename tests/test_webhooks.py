"""Webhooks: the signature scheme checked against the reference's worked example
and the three mistakes it lists, the events of the Dixa specs parsed from the
reference's example payloads, the generator's `webhooks`/`x-webhooks` reading
for any spec (typed under `mypy --strict`), and the receivers of
docs/webhooks.md run against signed requests."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
import yaml

import dixa_sdk
from dixa_sdk._runtime.webhooks import SignatureScheme, verify_signature
from dixa_sdk.beta import webhooks as beta_webhooks
from dixa_sdk.v1 import models as v1_models
from dixa_sdk.v1 import webhooks
from generator.diagnostics import SpecError
from generator.reading.read import read_api

from .conftest import ROOT, SHARED, need_shared
from .generated_packages import generated_packages

REFERENCE = SHARED / "reference" / "webhooks.yaml"


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    return yaml.safe_load(need_shared(REFERENCE).read_text())  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def worked(reference: dict[str, Any]) -> dict[str, Any]:
    return reference["signature"]["worked_example"]  # type: ignore[no-any-return]


def _header(t: str, digest: str) -> dict[str, str]:
    return {"X-DIXA-SIGNATURE": f"t={t},v1={digest}"}


# -- the signature -------------------------------------------------------------------


@pytest.mark.parametrize("module", [webhooks, beta_webhooks], ids=["v1", "beta"])
def test_the_worked_example_verifies_and_parses(module: Any, worked: dict[str, Any]) -> None:
    body = worked["raw_body"].encode()
    assert len(body) == worked["raw_body_length_bytes"]
    assert module.sign(body, worked["secret_key_hex"], timestamp=int(worked["t"])) == {
        "X-DIXA-SIGNATURE": worked["expected_header"]
    }
    event = module.unwrap(body, {"x-dixa-signature": worked["expected_header"]}, worked["secret_key_hex"])
    assert type(event).__name__ == "ConversationCreatedEvent"
    assert event.event_fqn == "CONVERSATION_CREATED"
    assert event.data.conversation.csid == 1234 and event.data.conversation.requester.roles == ["Enduser"]
    assert event.organization.name == "Your Org Name"


def test_the_three_common_mistakes_give_the_listed_digests_and_are_rejected(worked: dict[str, Any]) -> None:
    secret, t, raw = worked["secret_key_hex"], worked["t"], worked["raw_body"]
    mistakes = worked["common_mistakes_give_different_digests"]
    made = {
        "secret_used_as_utf8_text_instead_of_hex_decoded": hmac.new(
            secret.encode(), f"{t}.{raw}".encode(), hashlib.sha256
        ).hexdigest(),
        "body_reformatted_with_indent_2": hmac.new(
            bytes.fromhex(secret), f"{t}.{json.dumps(json.loads(raw), indent=2)}".encode(), hashlib.sha256
        ).hexdigest(),
        "body_signed_without_t_prefix": hmac.new(bytes.fromhex(secret), raw.encode(), hashlib.sha256).hexdigest(),
    }
    assert made == mistakes
    for name, digest in mistakes.items():
        with pytest.raises(dixa_sdk.WebhookVerificationError) as caught:
            webhooks.unwrap(raw.encode(), _header(t, digest), secret)
        assert "does not match" in caught.value.reason, name
    # The reformatted body with the right digest of the raw one: the body is what is signed.
    reformatted = json.dumps(json.loads(raw), indent=2).encode()
    with pytest.raises(dixa_sdk.WebhookVerificationError):
        webhooks.verify(reformatted, _header(t, worked["expected_v1"]), secret)


def test_the_error_is_the_sdks_and_never_shows_the_secret(worked: dict[str, Any]) -> None:
    assert issubclass(dixa_sdk.WebhookVerificationError, dixa_sdk.DixaError)
    assert "WebhookVerificationError" in dixa_sdk.__all__
    secret = worked["secret_key_hex"]
    cases: list[tuple[bytes, dict[str, str], str]] = [
        (b"{}", {}, "no X-DIXA-SIGNATURE header"),
        (b"{}", {"X-DIXA-SIGNATURE": f"v1={worked['expected_v1']}"}, "no numeric 't'"),
        (b"{}", {"X-DIXA-SIGNATURE": f"t={worked['t']}"}, "no 'v1'"),
        (b"{}", {"X-DIXA-SIGNATURE": f"t={worked['t']},{secret}"}, "not key=value"),
        (b"{}", {"X-DIXA-SIGNATURE": f"t=soon,v1={worked['expected_v1']}"}, "no numeric 't'"),
        (b"{}", {"X-DIXA-SIGNATURE": f"t=1,t=2,v1={worked['expected_v1']}"}, "given twice"),
    ]
    for body, headers, reason in cases:
        with pytest.raises(dixa_sdk.WebhookVerificationError) as caught:
            webhooks.unwrap(body, headers, secret)
        assert reason in str(caught.value) and secret not in str(caught.value), (headers, str(caught.value))
    with pytest.raises(dixa_sdk.WebhookVerificationError, match="not hexadecimal") as caught:
        webhooks.verify(b"{}", _header(worked["t"], worked["expected_v1"]), "not-hex-" + secret)
    assert secret not in str(caught.value)


def test_a_body_that_is_not_a_json_object_is_refused_after_a_good_signature(worked: dict[str, Any]) -> None:
    secret = worked["secret_key_hex"]
    for body, reason in ((b"not json", "not JSON"), (b"\xff\xfe", "not JSON"), (b"[1, 2]", "not an object")):
        headers = webhooks.sign(body, secret, timestamp=1)
        webhooks.verify(body, headers, secret)
        with pytest.raises(dixa_sdk.WebhookVerificationError, match=reason):
            webhooks.unwrap(body, headers, secret)
        with pytest.raises(dixa_sdk.WebhookVerificationError, match=reason):
            webhooks.parse(body)


def test_header_names_in_any_case_rotated_signatures_and_secrets(worked: dict[str, Any]) -> None:
    body, t, good = worked["raw_body"].encode(), worked["t"], worked["expected_v1"]
    secret = worked["secret_key_hex"]
    other = "00" * 32
    for name in ("x-dixa-signature", "X-Dixa-Signature", "X-DIXA-SIGNATURE"):
        webhooks.verify(body, {name: f"t={t},v1={good}"}, secret)
    # Several v1 values (signed with the old and the new secret): any one that matches.
    webhooks.verify(body, {"x-dixa-signature": f"t={t}, v1={'ab' * 32}, v1={good.upper()}"}, secret)
    # Several secrets on the receiver's side while it rotates: any one that matches.
    webhooks.verify(body, _header(t, good), [other, secret])
    with pytest.raises(dixa_sdk.WebhookVerificationError):
        webhooks.verify(body, _header(t, good), [other])
    with pytest.raises(dixa_sdk.WebhookVerificationError, match="no secret"):
        webhooks.verify(body, _header(t, good), [])


def test_the_timestamp_tolerance_is_off_unless_asked(worked: dict[str, Any]) -> None:
    body, headers, secret = worked["raw_body"].encode(), _header(worked["t"], worked["expected_v1"]), worked["secret_key_hex"]
    webhooks.verify(body, headers, secret)  # signed in 2023: accepted, no window by default
    with pytest.raises(dixa_sdk.WebhookVerificationError, match="tolerance"):
        webhooks.verify(body, headers, secret, tolerance=300)
    sent = int(worked["t"]) / 1000
    verify_signature(webhooks.SIGNATURE, body, headers, secret, tolerance=300, now=sent + 299)
    with pytest.raises(dixa_sdk.WebhookVerificationError, match="tolerance"):
        verify_signature(webhooks.SIGNATURE, body, headers, secret, tolerance=300, now=sent - 301)


def test_other_parameters_of_the_scheme() -> None:
    scheme = SignatureScheme(header="Sig", timestamp_key="ts", signature_key="s", secret_encoding="utf-8", timestamp_unit="s")
    digest = hmac.new(b"key", b"100.body", hashlib.sha256).hexdigest()
    verify_signature(scheme, b"body", {"sig": f"ts=100,s={digest}"}, "key", tolerance=5, now=104)
    with pytest.raises(dixa_sdk.WebhookVerificationError):
        verify_signature(scheme, b"body", {"sig": f"t=100,v1={digest}"}, "key")


# -- the events ----------------------------------------------------------------------


def _paths(value: Any, at: str = "") -> set[str]:
    """Every key path of decoded JSON: what a parse must keep, whatever it makes of the values
    (a date-time comes back in its canonical form)."""
    if isinstance(value, dict):
        return {at} | {p for k, v in value.items() for p in _paths(v, f"{at}/{k}")}
    if isinstance(value, list):
        return {at} | {p for i, v in enumerate(value) for p in _paths(v, f"{at}/{i}")}
    return {at}


def _example_text(example: dict[str, Any]) -> str:
    return example.get("payload_verbatim_string") or example.get("payload_json") or json.dumps(example["payload"])


def test_every_reference_example_parses_to_its_event_keeping_every_field(reference: dict[str, Any]) -> None:
    for example in reference["examples"]:
        text = _example_text(example)
        event = webhooks.parse(text)
        if isinstance(event, webhooks.UnknownEvent):
            # Dixa's abridged sample has no organization: kept whole, with the reason, not raised.
            assert example["id"] == "dixa-public-voyado-rated", (example["id"], event.problem)
            assert event.event_type == "CONVERSATION_RATED" and "organization" in (event.problem or "")
            assert event.payload == json.loads(text)
            continue
        assert event.event_fqn == example["event"]
        assert _paths(v1_models.to_wire(event)) == _paths(json.loads(text))


def test_every_subscription_event_has_a_typed_event(reference: dict[str, Any]) -> None:
    expected = {e["event_fqn"] or e["event_fqn_inferred"]["value"] for e in reference["events"]}
    assert len(expected) == 32
    for module in (webhooks, beta_webhooks):
        assert set(module.EVENTS) == expected
        assert module.EVENT_TYPE_PROPERTY == "event_fqn"


def test_an_unknown_event_type_keeps_the_whole_body_and_known_types_keep_unknown_fields() -> None:
    body = {"event_id": "e1", "event_fqn": "CONVERSATION_LANGUAGE_CHANGED", "event_version": "2", "data": {"x": [1]}}
    event = webhooks.parse(json.dumps(body))
    assert isinstance(event, webhooks.UnknownEvent)
    assert event.event_type == "CONVERSATION_LANGUAGE_CHANGED" and event.payload == body and event.problem is None
    closed = {
        "event_id": "e2", "event_fqn": "CONVERSATION_CLOSED", "event_version": "1",
        "event_timestamp": "2025-01-01T00:00:00.000Z", "organization": {"id": "o", "name": "n", "plan": "x"},
        "data": {"conversation": {"csid": 7, "language": "da"}, "closed_by": {"id": "u"}},
        "delivery_attempt": 2,
    }
    parsed = webhooks.parse(json.dumps(closed))
    assert isinstance(parsed, v1_models.ConversationClosedEvent)
    assert _paths(v1_models.to_wire(parsed)) == _paths(closed)
    assert parsed.data.conversation.csid == 7
    assert isinstance(webhooks.parse('{"no": "type"}'), webhooks.UnknownEvent)


# -- the generator, for any spec ---------------------------------------------------------

SPEC_31 = """
openapi: 3.1.0
info: {title: Shop, version: "1.0.0"}
x-webhook-signature: {header: X-Shop-Signature, scheme: timestamped-hmac-sha256, timestamp-key: ts,
                      signature-key: sig, secret-encoding: utf-8, timestamp-unit: s}
paths: {}
webhooks:
  orderPlaced:
    post:
      summary: An order was placed
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [type, order]
              properties:
                type: {const: order.placed}
                order: {$ref: '#/components/schemas/Order'}
      responses: {'200': {description: ok}}
  orderShipped:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/OrderShipped'}
      responses: {'200': {description: ok}}
components:
  schemas:
    Order:
      type: object
      required: [id]
      properties: {id: {type: string}, total: {type: number}}
    OrderShipped:
      type: object
      required: [type, order]
      properties:
        type: {type: string, enum: [order.shipped]}
        order: {$ref: '#/components/schemas/Order'}
        carrier: {type: string}
"""

SPEC_30 = """
openapi: 3.0.3
info: {title: Pings, version: "1"}
paths: {}
x-webhooks:
  ping:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [seq]
              properties: {seq: {type: integer}}
      responses: {'200': {description: ok}}
"""

USER_CODE = """
from typing import assert_never

from shop import webhooks
from shop.models import OrderPlacedEvent, OrderShipped


def carrier(body: bytes, headers: dict[str, str]) -> str | None:
    event = webhooks.unwrap(body, headers, "s3cret", tolerance=60.0)
    match event:
        case OrderShipped():
            return event.carrier
        case OrderPlacedEvent():
            return event.order.id
        case webhooks.UnknownEvent():
            return event.event_type
    assert_never(event)


def kind(body: bytes) -> str:
    event = webhooks.parse(body)
    if isinstance(event, webhooks.UnknownEvent):
        return "unknown"
    reveal_type(event.type)
    return event.type
"""


def test_webhooks_of_a_31_spec_with_its_own_signature_parameters(tmp_path: Path, mypy_cache: Path) -> None:
    with generated_packages(tmp_path) as load:
        load("shop", SPEC_31, strict=True)
        import shop.webhooks as shop_webhooks  # type: ignore[import-not-found]
        import shop.models as shop_models  # type: ignore[import-not-found]

        assert shop_webhooks.SIGNATURE.header == "X-Shop-Signature" and shop_webhooks.EVENT_TYPE_PROPERTY == "type"
        body = b'{"type":"order.shipped","order":{"id":"1"},"carrier":"ups"}'
        headers = shop_webhooks.sign(body, "s3cret", timestamp=1700000000)
        digest = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
        assert headers == {"X-Shop-Signature": f"ts=1700000000,sig={digest}"}
        event = shop_webhooks.unwrap(body, headers, "s3cret")
        assert isinstance(event, shop_models.OrderShipped) and event.carrier == "ups"
        placed = shop_webhooks.parse(b'{"type":"order.placed","order":{"id":"9"}}')
        assert isinstance(placed, shop_models.OrderPlacedEvent) and placed.order.id == "9"
    (tmp_path / "user_code.py").write_text(USER_CODE)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-pretty", "--cache-dir", str(mypy_cache),
         "user_code.py", "shop"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600, env={**os.environ, "MYPYPATH": str(tmp_path)},
    )
    assert result.returncode == 0 and "error:" not in result.stdout, result.stdout + result.stderr
    revealed = re.findall(r'Revealed type is "(.*)"', result.stdout)
    # The cases cover the union (`assert_never` type-checks); the tag narrows to its literals.
    assert len(revealed) == 1 and "Literal['order.placed']" in revealed[0], result.stdout
    assert "Literal['order.shipped']" in revealed[0] and "str" not in revealed[0], result.stdout


def test_webhooks_of_a_30_spec_without_a_signature_only_parse(tmp_path: Path) -> None:
    with generated_packages(tmp_path) as load:
        load("pings", SPEC_30, strict=True)
        import pings  # type: ignore[import-not-found]
        import pings.webhooks as pings_webhooks  # type: ignore[import-not-found]

        assert "webhooks" in pings.__all__
        assert not hasattr(pings_webhooks, "verify") and not hasattr(pings_webhooks, "unwrap")
        assert pings_webhooks.EVENT_TYPE_PROPERTY is None and list(pings_webhooks.EVENTS) == ["ping"]
        assert pings_webhooks.parse(b'{"seq": 3}').seq == 3
        assert isinstance(pings_webhooks.parse(b'{"seq": "x"}'), pings_webhooks.UnknownEvent)


def test_a_spec_without_webhooks_gets_no_webhooks_module(tmp_path: Path) -> None:
    spec = tmp_path / "none.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n")
    api = read_api(spec).api
    assert api.webhooks == [] and api.webhook_signature is None
    assert not (ROOT / "generated" / "dixa_sdk" / "integrations" / "webhooks.py").exists()


@pytest.mark.parametrize(
    ("signature", "pointer", "message"),
    [
        ("{header: X-Sig, scheme: rsa}", "/x-webhook-signature/scheme", "unknown webhook signature scheme"),
        ("{scheme: timestamped-hmac-sha256}", "/x-webhook-signature/header", "HTTP header name"),
        ("{header: X-Sig, scheme: timestamped-hmac-sha256, secret-encoding: rot13}",
         "/x-webhook-signature/secret-encoding", "one of hex, base64, utf-8"),
        ("[1]", "/x-webhook-signature", "must be an object"),
    ],
)
def test_a_bad_signature_declaration_is_a_located_error(tmp_path: Path, signature: str, pointer: str, message: str) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(SPEC_30 + f"x-webhook-signature: {signature}\n")
    with pytest.raises(SpecError) as caught:
        read_api(spec)
    (problem,) = caught.value.diagnostics
    assert problem.pointer == pointer and message in problem.message and problem.line is not None


# -- the receivers of docs/webhooks.md -------------------------------------------------------

DOC = (ROOT / "docs" / "webhooks.md").read_text()


def _doc_block(heading: str) -> str:
    section = DOC.split(f"## {heading}\n", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]


def test_the_fastapi_receiver_of_the_docs(worked: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from fastapi.testclient import TestClient

    monkeypatch.setenv("DIXA_WEBHOOK_SECRET", worked["secret_key_hex"])
    namespace: dict[str, Any] = {}
    exec(compile(_doc_block("FastAPI"), "docs/webhooks.md", "exec"), namespace)
    client = TestClient(namespace["app"])
    body = worked["raw_body"].encode()
    signed = {"X-DIXA-SIGNATURE": worked["expected_header"], "Content-Type": "application/json"}
    first = client.post("/dixa/events", content=body, headers=signed)
    assert first.status_code == 200 and first.json() == {"status": "ok"}
    assert "new conversation 1234" in capsys.readouterr().out
    again = client.post("/dixa/events", content=body, headers=signed)
    assert again.json() == {"status": "duplicate"}
    for digest in worked["common_mistakes_give_different_digests"].values():
        refused = client.post("/dixa/events", content=body, headers=_header(worked["t"], digest))
        assert refused.status_code == 401 and "does not match" in refused.json()["detail"]
    unsigned = client.post("/dixa/events", content=body)
    assert unsigned.status_code == 401 and unsigned.json()["detail"] == "no X-DIXA-SIGNATURE header"
    unknown = b'{"event_id":"n1","event_fqn":"SOMETHING_NEW","data":{}}'
    answer = client.post("/dixa/events", content=unknown, headers=webhooks.sign(unknown, worked["secret_key_hex"]))
    assert answer.json() == {"status": "ok"} and "not known to this SDK: SOMETHING_NEW" in capsys.readouterr().out


def test_the_wsgi_receiver_of_the_docs(worked: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIXA_WEBHOOK_SECRET", worked["secret_key_hex"])
    namespace: dict[str, Any] = {}
    exec(compile(_doc_block("Plain WSGI"), "docs/webhooks.md", "exec"), namespace)

    def call(body: bytes, headers: dict[str, str]) -> str:
        environ: dict[str, Any] = {"REQUEST_METHOD": "POST", "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
        environ.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
        setup_testing_defaults(environ)
        status: list[str] = []
        namespace["application"](environ, lambda s, h: status.append(s))
        return status[0]

    body = worked["raw_body"].encode()
    assert call(body, {"X-Dixa-Signature": worked["expected_header"]}) == "204 No Content"
    assert namespace["handled"] == {"8967e0c6-fe64-4105-bf71-14ae0c256aa4"}
    mistake = worked["common_mistakes_give_different_digests"]["body_signed_without_t_prefix"]
    assert call(body, _header(worked["t"], mistake)) == "401 Unauthorized"
