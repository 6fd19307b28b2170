"""Request bodies written as dicts are typed as closely as the models.

Every body parameter takes the model or a `TypedDict` of its wire form
(`CreateEndUserInputDict`, keys as the API spells them): `mypy --strict` and
pyright's strict mode refuse a misspelt key and a missing required one, and
accept a correct dict. A union's dict is the union of its variants' dicts, each
with its `_type` as a `Literal`. The client sends the dict as given, as JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest

from dixa_sdk import APIStatusError
from dixa_sdk.v1 import Client, models

from .conftest import ROOT
from .test_union_bases import _check

RIGHT_CODE = '''
from __future__ import annotations

from dixa_sdk.v1 import Client, models


def create(client: Client) -> models.EndUser:
    return client.end_users.create({"displayName": "Alice", "additionalEmails": ["a@b.c"]})


def email(client: Client) -> object:
    body: models.CreateConversationInputDict = {
        "_type": "Email",
        "requesterId": "0b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a",
        "emailIntegrationId": "support@acme.email.dixa.io",
        "subject": "Hello",
        "message": {"_type": "Inbound", "content": {"_type": "Text", "value": "Hi"}, "attachments": []},
    }
    return client.conversations.create(body)


def model(client: Client) -> models.EndUser:
    return client.end_users.create(models.CreateEndUserInput(display_name="Alice"))
'''

WRONG_CODE = '''
from dixa_sdk.v1 import Client, models


def misspelt(client: Client) -> None:
    client.end_users.create({"displayNme": "x"})


def missing(client: Client) -> None:
    client.conversations.create(
        {"_type": "Email", "emailIntegrationId": "e", "subject": "s",
         "message": {"_type": "Inbound", "content": "Hi", "attachments": []}}
    )


user: models.CreateEndUserInputDict = {"displayNme": "x"}
email: models.EmailDict = {"_type": "Email", "emailIntegrationId": "e", "subject": "s",
                           "message": {"_type": "Outbound", "content": "Hi", "agentId": "a"}}
'''


def test_type_checkers_read_dict_bodies_by_their_keys(tmp_path: Path) -> None:
    (tmp_path / "right_code.py").write_text(RIGHT_CODE)
    (tmp_path / "wrong_code.py").write_text(WRONG_CODE)
    mypy, pyright = _check(tmp_path, ["right_code.py", "wrong_code.py"], ROOT / "generated")
    assert "right_code.py" not in mypy and "right_code.py:" not in pyright, (mypy, pyright)
    mypy_errors = [line.split(":")[1] for line in mypy.splitlines() if line.startswith("wrong_code.py:")]
    assert mypy_errors == ["6", "11", "16", "17"], mypy
    assert all(f"wrong_code.py:{line}:" in pyright for line in (6, 11, 16, 17)), pyright
    # Where the dict's type is one TypedDict, both name the key.
    assert 'wrong_code.py:16: error: Extra key "displayNme"' in mypy and 'Missing key "requesterId"' in mypy, mypy
    assert '"displayNme" is an undefined item' in pyright and '"requesterId" is required' in pyright, pyright

def test_a_dict_body_is_sent_as_given() -> None:
    sent: list[object] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        sent.append(json.loads(request.content))
        return httpx2.Response(400, json={"message": "only the request is looked at"})

    client = Client(api_key="k", http_client=httpx2.Client(transport=httpx2.MockTransport(answer)))
    with pytest.raises(APIStatusError):
        client.end_users.create({"displayName": "Alice", "phoneNumber": "+4512345678"})
    email: models.CreateConversationInputDict = {
        "_type": "Email",
        "requesterId": "0b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a",
        "emailIntegrationId": "support@acme.email.dixa.io",
        "subject": "Hello",
        "message": {"_type": "Inbound", "content": {"_type": "Text", "value": "Hi"}, "attachments": []},
    }
    with pytest.raises(APIStatusError):
        client.conversations.create(email)
    assert sent == [{"displayName": "Alice", "phoneNumber": "+4512345678"}, email]
    # The model of the same body goes on the wire alike.
    model = models.validate("CreateConversationInput", email)
    assert type(model) is models.Email and models.to_wire(model) == email


MAIL_SPEC = """
openapi: 3.0.3
info: {title: Mail, version: "1"}
servers: [{url: "https://mail.example"}]
paths:
  /send:
    post:
      operationId: send
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Letter"}
      responses:
        "204": {description: sent}
components:
  schemas:
    Letter:
      type: object
      required: [from, to-address]
      properties:
        from: {type: string}
        to-address: {type: string}
        stamp: {$ref: "#/components/schemas/Stamp"}
    Stamp:
      oneOf: [{$ref: "#/components/schemas/Local"}, {$ref: "#/components/schemas/Abroad"}]
      discriminator: {propertyName: kind}
    Local:
      type: object
      required: [kind, cents]
      properties: {kind: {type: string}, cents: {type: integer}}
    Abroad:
      type: object
      required: [kind, country]
      properties: {kind: {type: string}, country: {type: string}}
"""

MAIL_CODE = '''
from mail.client import Client


def send(client: Client) -> None:
    client.send.send({"from": "a@b.c", "to-address": "d@e.f", "stamp": {"kind": "Abroad", "country": "DK"}})


def wrong(client: Client) -> None:
    client.send.send({"from": "a@b.c", "to_address": "d@e.f"})
'''


def test_a_spec_body_with_keys_that_are_no_names_is_typed_and_sent_as_given(tmp_path: Path) -> None:
    """Keys like `from` and `to-address` make the dict a `TypedDict(...)` call;
    a discriminated union is a union of dicts whose tags are `Literal`s."""
    (tmp_path / "mail.yaml").write_text(MAIL_SPEC)
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--spec", str(tmp_path / "mail.yaml"), "--out", str(out),
         "--package", "mail"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    letter = (out / "mail" / "models" / "letter.py").read_text()
    assert 'LetterDict = TypedDict(' in letter and '"to-address": str' in letter
    assert 'kind: Literal["Abroad"]' in (out / "mail" / "models" / "abroad.py").read_text()
    (tmp_path / "mail_code.py").write_text(MAIL_CODE)
    mypy, pyright = _check(tmp_path, ["mail_code.py"], out)
    assert [line.split(":")[1] for line in mypy.splitlines() if line.startswith("mail_code.py:")] == ["10"], mypy
    assert "mail_code.py:6:" not in pyright and "mail_code.py:10:" in pyright, pyright
    probe = (
        "import httpx2, json\n"
        "from mail.client import Client\n"
        "sent = []\n"
        "def answer(request):\n"
        "    sent.append(json.loads(request.content)); return httpx2.Response(204)\n"
        "client = Client(http_client=httpx2.Client(transport=httpx2.MockTransport(answer)))\n"
        "body = {'from': 'a@b.c', 'to-address': 'd@e.f', 'stamp': {'kind': 'Abroad', 'country': 'DK'}}\n"
        "client.send.send(body)\n"
        "assert sent == [body], sent\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], cwd=out, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
