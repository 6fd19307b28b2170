"""Users build models by Python names, and type checkers agree.

The models of a published SDK are built in user code with the Python names of
their fields (`CreateEndUserInput(display_name="Alice")`). pydantic's models
are `dataclass_transform`s, so type checkers read the constructor off the
field declarations: the snippet below is checked with `mypy --strict` (no
pydantic plugin, as in most users' setups) against the committed `generated/`
tree, and then run, to see that the same objects go on the wire with wire
names and come back from it.

The `_type` tag of a union variant, whose Python name is `type`, is read from
`_type` only: a `type` key on the wire is data like any other, even though
models otherwise validate by Python names too.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from dixa_sdk.v1 import models

from .conftest import ROOT

# User code: a plain object, a tagged union variant, and variants nested in a
# variant, all by Python names; `_type` is never written by hand.
USER_CODE = '''
from __future__ import annotations

from datetime import datetime, timezone
from uuid import UUID

from dixa_sdk.v1 import models


import json
from typing import Any

from dixa_sdk._runtime.paging import SyncPage
from dixa_sdk.v1 import AsyncClient, Client


def end_user() -> models.CreateEndUserInput:
    return models.CreateEndUserInput(display_name="Alice", phone_number="+4512345678", additional_emails=["a@b.c"])


def rating() -> models.Nps:
    return models.Nps(value=9)


def conversation_import() -> models.GenericConversationImport:
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    message = models.InboundImport(content=models.Text(value="hi"), created_at=when, external_id="m-1")
    return models.GenericConversationImport(
        generic_channel_name="shop",
        requester_id=UUID("0b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a"),
        direction=models.GenericConversationImportDirection.INBOUND,
        created_at=when,
        messages=[message],
    )


def display_name(user: models.CreateEndUserInput) -> str | None:
    return user.display_name


def conversation_of(body: bytes, headers: dict[str, str], secret: str) -> int | None:
    from dixa_sdk.v1 import webhooks

    event = webhooks.unwrap(body, headers, secret)
    match event:
        case models.ConversationCreatedEvent() | models.ConversationClosedEvent():
            return event.data.conversation.csid
        case webhooks.UnknownEvent():
            return len(event.payload)
        case _:
            return None


def export_records(
    client: Client, query: models.GetMetricRecordsDataInput, store: dict[str, str]
) -> list[models.MetricRecord]:
    """A nightly export: one page per run, resuming where the last run stopped."""
    resume: dict[str, Any] = json.loads(store.get("next", "{}"))
    page: SyncPage[models.MetricRecord] = client.analytics.query_records(query, page_limit=100, **resume)
    params = page.next_page_params()
    store["next"] = json.dumps(params or {})
    return page.items


async def every_record(client: AsyncClient, query: models.GetMetricRecordsDataInput) -> list[models.MetricRecord]:
    page = await client.analytics.query_records(query)
    return [record async for record in page]
'''

# What type checkers must refuse: wire names and the tag as keywords.
WRONG_CODE = '''
from dixa_sdk.v1 import models

models.CreateEndUserInput(displayName="Alice")
models.Nps(value=9, type="Nps")
models.Nps(value="nine")
'''


@pytest.fixture(scope="module")
def user_code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("user_code")
    (folder / "user_code.py").write_text(USER_CODE)
    (folder / "wrong_code.py").write_text(WRONG_CODE)
    return folder


@pytest.fixture(scope="module")
def mypy_output(user_code: Path, tmp_path_factory: pytest.TempPathFactory, mypy_cache: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(mypy_cache), "--show-error-codes", "--no-pretty",
         "user_code.py", "wrong_code.py"],
        cwd=user_code, capture_output=True, text=True, timeout=600,
        env={**os.environ, "MYPYPATH": str(ROOT / "generated")},
    )
    return result.stdout + result.stderr


def test_user_code_by_python_names_passes_mypy_strict(mypy_output: str) -> None:
    assert "user_code.py" not in mypy_output, mypy_output


def test_mypy_refuses_wire_names_and_the_tag_as_keywords(mypy_output: str) -> None:
    errors = [line for line in mypy_output.splitlines() if line.startswith("wrong_code.py:") and ": error:" in line]
    assert any(':4: error: Unexpected keyword argument "displayName"' in line for line in errors), mypy_output
    assert any(':5: error: Unexpected keyword argument "type"' in line for line in errors), mypy_output
    assert any(":6: error: Argument \"value\"" in line for line in errors), mypy_output
    assert len(errors) == 3, mypy_output


@pytest.fixture(scope="module")
def user_module(user_code: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("user_code", user_code / "user_code.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_objects_built_by_python_names_go_on_the_wire_by_wire_names(user_module: Any) -> None:
    user = user_module.end_user()
    assert user_module.display_name(user) == "Alice"
    wire = {"displayName": "Alice", "phoneNumber": "+4512345678", "additionalEmails": ["a@b.c"]}
    assert models.to_wire(user) == wire
    assert models.to_wire(models.validate("CreateEndUserInput", wire)) == wire

    assert models.to_wire(user_module.rating()) == {"_type": "Nps", "value": 9}
    parsed = models.validate("SubmittedRatingResult", {"_type": "Nps", "value": 9})
    assert type(parsed) is models.Nps and models.to_wire(parsed) == {"_type": "Nps", "value": 9}


def test_nested_variants_built_in_code_round_trip(user_module: Any) -> None:
    wire = models.to_wire(user_module.conversation_import())
    assert wire == {
        "_type": "GenericConversationImport",
        "genericChannelName": "shop",
        "requesterId": "0b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a",
        "direction": "Inbound",
        "createdAt": "2024-01-02T03:04:05Z",
        "messages": [{
            "_type": "InboundImport",
            "content": {"_type": "Text", "value": "hi"},
            "createdAt": "2024-01-02T03:04:05Z",
            "externalId": "m-1",
        }],
    }
    back = models.validate("GenericConversationImport", wire)
    assert back.messages[0].content == models.Text(value="hi")
    assert models.to_wire(back) == wire


def test_a_wire_key_named_like_the_tag_field_is_not_the_tag() -> None:
    payload = {"type": "Nps", "value": 276}
    parsed = models.validate("SubmittedRatingResult", payload)
    assert isinstance(parsed, (models.Csat, models.Nps))  # no `_type`: told apart by shape
    assert parsed.type == type(parsed).__wire_tag__
    assert parsed.model_extra == {"type": "Nps"}
    assert models.to_wire(parsed) == payload  # no tag added, the extra key kept

    direct = models.Nps.model_validate({"type": "Csat", "value": 1})
    assert direct.type == "Nps" and models.to_wire(direct) == {"type": "Csat", "value": 1}
    both = models.validate("SubmittedRatingResult", {"_type": "Nps", "type": "x", "value": 1})
    assert type(both) is models.Nps and models.to_wire(both) == {"_type": "Nps", "type": "x", "value": 1}


def test_models_still_validate_by_wire_names_and_by_python_names() -> None:
    by_wire = models.CreateEndUserInput.model_validate({"displayName": "Alice"})
    by_name = models.CreateEndUserInput.model_validate({"display_name": "Alice"})
    assert by_wire == by_name and models.to_wire(by_name) == {"displayName": "Alice"}


def test_the_export_loop_resumes_from_the_stored_position(user_module: Any) -> None:
    """The user-style export above, run twice against a two-page answer: the
    second run starts at the page the first one stored, and then stores none."""
    import httpx2

    from dixa_sdk.v1 import Client

    record = {"primaryTimestampField": {"_type": "TimestampField", "name": "at", "timestamp": "2024-01-01T00:00:00Z"}}
    keys: list[str | None] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        keys.append(request.url.params.get("pageKey"))
        meta = {} if keys[-1] else {"next": "/v1/analytics/records?pageKey=second"}
        return httpx2.Response(200, json={"data": [record], "meta": meta})

    client = Client(api_key="k", http_client=httpx2.Client(transport=httpx2.MockTransport(answer)))
    query = models.GetMetricRecordsDataInput.model_validate(
        {"id": "r", "timezone": "UTC", "periodFilter": {"_type": "Preset", "value": {"_type": "PreviousWeek"}}}
    )
    store: dict[str, str] = {}
    assert len(user_module.export_records(client, query, store)) == 1
    assert store == {"next": '{"page_key": "second"}'}
    assert len(user_module.export_records(client, query, store)) == 1
    assert keys == [None, "second"] and store == {"next": "{}"}
