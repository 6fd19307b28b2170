"""Every example payload goes through the generated models and comes back unchanged.

Sources: the `example`s of our three specs, the example payloads on the scraped
Dixa pages in `../shared/seeds/`, and every example of Dixa's own published beta
document in `../shared/upstream/`. Parsed by the models of its schema, each must
round-trip: the same keys and values, nothing added or dropped, and be typed at
every depth: no `_type`-tagged object is left as a dict or an unknown variant
anywhere in the parse result. The only
re-spellings allowed are a date-time written differently for the same instant
and a number that an example sends where its own schema says string.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import pytest

from generator.ir.model import Api, Ref, Type
from generator.reading.read import read_api

from .conftest import REPORT, SHARED, SPECS, UPSTREAM_BETA, need_shared
from .wire import adapter_for, differences, untyped_tagged


@dataclass
class Example:
    where: str
    type: Type
    payload: Any


@lru_cache(maxsize=None)
def _api(path: Path) -> Api:
    return read_api(path, strict=False).api


def spec_examples(api: Api) -> Iterator[Example]:
    for named in api.types.values():
        if named.component:
            from generator.ir.model import Ref

            for index, payload in enumerate(named.examples):
                yield Example(f"#/components/schemas/{named.name} example {index}", Ref(target=named.name), payload)
    for op in api.operations:
        for body in op.bodies:
            if body.content_type.endswith("json"):
                for index, payload in enumerate(body.examples):
                    yield Example(f"{op.method} {op.path} request {index}", body.type, payload)
        for response in op.responses:
            if response.type is not None:
                for name, payload in response.examples.items():
                    yield Example(f"{op.method} {op.path} {response.status} {name}", response.type, payload)


def check(api: Api, api_name: str, examples: list[Example], label: str) -> None:
    models = importlib.import_module(f"dixa_sdk.{api_name}.models")
    failures: list[str] = []
    respelled = 0
    for example in examples:
        try:
            value = adapter_for(api, models, example.type).validate_python(example.payload)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(f"{example.where}: does not parse: {str(exc)[:400]}")
            continue
        failures.extend(f"{example.where}: {where}" for where in untyped_tagged(value))
        diffs, spelled = differences(example.payload, models.to_wire(value))
        respelled += len(spelled)
        failures.extend(f"{example.where}: {d}" for d in diffs)
    REPORT.append(f"{label}: {len(examples)} examples parsed and round-tripped ({respelled} values re-spelled)")
    assert examples, f"{label}: no examples found"
    assert not failures, f"{len(failures)} of {len(examples)} examples fail:\n" + "\n".join(failures[:40])


@pytest.mark.parametrize("api_name", ["v1", "beta", "integrations"])
def test_spec_examples_round_trip(api_name: str, generated_package: object) -> None:
    api = _api(SPECS[api_name])
    check(api, api_name, list(spec_examples(api)), f"specs/{SPECS[api_name].name}")


def test_upstream_beta_examples_round_trip(generated_package: object) -> None:
    """Dixa's own published examples, through the models generated from our beta spec."""
    api = _api(need_shared(UPSTREAM_BETA))
    ours = _api(SPECS["beta"])
    examples = [e for e in spec_examples(api)]
    # Types of the upstream IR name upstream schemas; ours carry the same names, and
    # add only the webhook events (which Dixa documents apart from its document).
    upstream = {n for n, t in api.types.items() if t.component}
    own = {n for n, t in ours.types.items() if t.component}
    assert upstream <= own
    events = {w.payload.target for w in ours.webhooks if isinstance(w.payload, Ref)}
    assert events and events <= own - upstream
    check(ours, "beta", examples, "upstream dixa-api-beta.yaml")


# -- the scraped pages --------------------------------------------------------------

_CURL = re.compile(r"curl -i -X (GET|POST|PUT|PATCH|DELETE) \\\s*'?https://docs\.dixa\.io/_mock/openapi/([a-z-]+)(?:/[a-z-]+)?(/[^\s']+)'?")


def seed_examples(text: str, spec_api: Api, api_prefix: str) -> tuple[list[Example], int]:
    """Bodies (`-d '...'`) and responses (the JSON after the request) of each curl sample."""
    decoder = json.JSONDecoder()
    examples: list[Example] = []
    truncated = 0
    operations = {(op.method, op.path): op for op in spec_api.operations}
    matches = list(_CURL.finditer(text))
    for index, match in enumerate(matches):
        method, _, path = match.groups()
        if not path.startswith(api_prefix):
            path = path[path.index(api_prefix):] if api_prefix in path else path
        op = operations.get((method, path))
        if op is None:
            continue
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        block = text[match.end():end]
        payloads: list[tuple[str, Any]] = []
        body_at = block.find("-d '")
        cursor = 0
        if body_at >= 0:
            try:
                body, stop = decoder.raw_decode(block, body_at + 4)
                payloads.append(("request", body))
                cursor = stop
            except json.JSONDecodeError:
                truncated += 1
                cursor = block.find("}'", body_at) + 2
        start = block.find("{", cursor)
        if start >= 0:
            try:
                response, _ = decoder.raw_decode(block, start)
                payloads.append(("response", response))
            except json.JSONDecodeError:
                truncated += 1
        for kind, payload in payloads:
            if kind == "request" and op.body is not None:
                examples.append(Example(f"seed {method} {path} request", op.body.type, payload))
            elif kind == "response":
                success = next((r for r in op.responses if r.status.startswith("2") and r.type is not None), None)
                if success is not None:
                    examples.append(Example(f"seed {method} {path} response", success.type, payload))
    return examples, truncated


@pytest.mark.parametrize(
    ("seed", "api_name", "prefix"),
    [("000_13824363a9ba7e58.txt", "beta", "/beta/"), ("001_ceaf327d530a34eb.txt", "integrations", "/v1/")],
)
def test_seed_payloads_round_trip(seed: str, api_name: str, prefix: str, generated_package: object) -> None:
    text = need_shared(SHARED / "seeds" / seed).read_text()
    api = _api(SPECS[api_name])
    examples, truncated = seed_examples(text, api, prefix)
    REPORT.append(f"seeds/{seed}: {truncated} payloads truncated on the page (not JSON), skipped")
    check(api, api_name, examples, f"seeds/{seed}")


# -- typed at every depth ----------------------------------------------------------------

INBOUND = {"content": {"value": "I need some help!", "_type": "Html"}, "attachments": [], "_type": "Inbound"}


def test_v1_message_body_is_a_typed_union(generated_package: object) -> None:
    """The message body of Dixa's v1 Messages page parses into its variant, content included."""
    from dixa_sdk.v1 import models

    message = models.validate("CreateMessageInput", INBOUND)
    assert isinstance(message, models.Inbound)
    assert isinstance(message.content, models.Html) and message.content.value == "I need some help!"
    assert untyped_tagged(message) == []
    assert models.to_wire(message) == INBOUND
    conversation = models.validate(
        "CreateConversationInput",
        {"requesterId": "9c2a2cce-699f-4a72-89d9-fda5bc8dec8b", "emailIntegrationId": "a@email.dixa.io",
         "subject": "order", "message": INBOUND, "_type": "Email"},
    )
    assert isinstance(conversation, models.Email) and isinstance(conversation.message, models.Inbound)
    # the page marks attachments required on an inbound message
    with pytest.raises(Exception, match="attachments"):
        models.validate("CreateMessageInput", {"content": INBOUND["content"], "_type": "Inbound"})


def test_v1_client_takes_typed_bodies(generated_package: object) -> None:
    """`conversations.create` and `create_message` take the unions (or a dict of their shape)."""
    import typing

    from dixa_sdk.v1 import AsyncClient, Client, models

    for client in (Client, AsyncClient):
        resource = type(client(api_key="k").conversations)
        for method, union, variants in (
            ("create", "CreateConversationInput", {"Callback", "Chat", "ContactForm", "Email", "Sms"}),
            ("create_message", "CreateMessageInput", {"Inbound", "Outbound"}),
        ):
            hint = typing.get_type_hints(getattr(resource, method), include_extras=True)["body"]
            assert getattr(models, union) in typing.get_args(hint), (client, method)
            members = {typing.get_args(arm)[0].__name__ for arm in typing.get_args(typing.get_args(getattr(models, union))[0])}
            assert variants <= members, (union, members)


def test_untyped_tagged_finds_what_no_model_typed(generated_package: object) -> None:
    from dixa_sdk.v1 import models

    assert untyped_tagged({"a": [{"b": {"value": "x", "_type": "Html"}}]}) == ["/a/0/b: 'Html' left as a dict"]
    # kept as an unknown field of a model, and a tag the models do not know
    kept = models.validate("CreateMessageInput", {**INBOUND, "extra": {"_type": "Text", "value": "y"}})
    assert untyped_tagged(kept) == ["/extra: 'Text' left as a dict"]
    unknown = models.validate("CreateMessageInput", {**INBOUND, "_type": "Internal"})
    assert untyped_tagged(unknown) == ["/: unknown variant 'Internal'", "/content: 'Html' left as a dict"]
