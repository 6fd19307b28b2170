"""What a program pays for at start: the generated SDK imports what it uses.

`bench/bench_imports.py` times it; these tests guard the laziness that keeps
it small, by the modules a fresh interpreter has loaded (not by time, which
a busy machine makes flaky): a client and one typed call load the models
that call's answer needs, not the 400-odd of the API, nor asyncio; building
the stub's app loads no model and no JSON Schema validator until a request
needs them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

GENERATED = Path(__file__).resolve().parents[1] / "generated"
MODELS = GENERATED / "dixa_sdk" / "v1" / "models"


def _loaded(code: str) -> dict[str, list[str]]:
    """What each `report("label")` in `code` saw in `sys.modules`, run in a fresh interpreter."""
    prelude = (
        "import json, sys\n"
        "seen = {}\n"
        "def report(label):\n"
        "    seen[label] = sorted(sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", prelude + code + "print(json.dumps(seen))\n"],
                            cwd=GENERATED, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def _models(modules: list[str]) -> set[str]:
    return {m.removeprefix("dixa_sdk.v1.models.") for m in modules if m.startswith("dixa_sdk.v1.models.")}


def test_a_client_and_one_typed_call_load_the_models_of_that_answer_only() -> None:
    assert len(list(MODELS.glob("*.py"))) > 400  # what there would be to load
    seen = _loaded(
        "import httpx2\n"
        "from dixa_sdk.v1 import Client\n"
        "report('import')\n"
        "answer = {'data': {'id': '0b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a', 'createdAt': '2024-01-02T03:04:05Z',"
        " 'customAttributes': [{'id': '9b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a', 'identifier': 'plan',"
        " 'name': 'Plan', 'value': 'gold'}]}}\n"
        "transport = httpx2.MockTransport(lambda request: httpx2.Response(200, json=answer))\n"
        "client = Client(api_key='key', http_client=httpx2.Client(transport=transport))\n"
        "user = client.end_users.get(user_id='0b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a')\n"
        "assert user.custom_attributes[0].identifier == 'plan'\n"
        "report('call')\n"
    )
    assert _models(seen["import"]) == set()
    # EndUser, its custom attributes and their value: what the answer is parsed into.
    assert _models(seen["call"]) == {"end_user", "custom_attribute", "custom_attribute_value"}
    for module in ("asyncio", "anyio", "fastapi", "jsonschema", "dixa_sdk.v1.server", "dixa_sdk.v1.webhooks"):
        assert module not in seen["call"], module


def test_building_the_stub_loads_no_model_and_no_validator_until_a_request_needs_them() -> None:
    seen = _loaded(
        "from dixa_sdk.v1.server import create_app\n"
        "app = create_app()\n"
        "create_app(stateful=True)\n"
        "report('app')\n"
        "from dixa_sdk.v1 import testing\n"
        "with testing.client(app) as client:\n"
        "    client.end_users.get(user_id='0b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a')\n"
        "report('request')\n"
    )
    assert _models(seen["app"]) == set()
    for module in ("jsonschema", "openapi_schema_validator", "referencing", "httpx2", "argparse", "email.policy"):
        assert module not in seen["app"], module
    # The request: its answer's models (the envelope and what it holds), and the
    # validator of its path parameter against the spec.
    assert _models(seen["request"]) == {"get_end_user_output", "end_user", "custom_attribute", "custom_attribute_value"}
    assert "openapi_schema_validator" in seen["request"]


def test_a_webhook_receiver_loads_the_model_of_the_event_it_gets_only() -> None:
    """A receiver in a serverless function pays at each cold start: importing the
    webhooks module loads no event model, and unwrapping a delivery loads the
    model of its event type (and what that model refers to), not all 32."""
    seen = _loaded(
        "from dixa_sdk.v1 import webhooks\n"
        "report('import')\n"
        "body = json.dumps({'event_id': 'e1', 'event_fqn': 'CONVERSATION_CREATED', 'event_version': '1',"
        " 'event_timestamp': '2024-01-02T03:04:05Z', 'organization': {'id': 'o1', 'name': 'Org'},"
        " 'data': {'conversation': {'csid': 1}}}).encode()\n"
        "secret = '00' * 32\n"
        "event = webhooks.unwrap(body, webhooks.sign(body, secret), secret)\n"
        "assert type(event).__name__ == 'ConversationCreatedEvent', type(event)\n"
        "report('unwrap')\n"
    )
    assert _models(seen["import"]) == set()
    loaded = _models(seen["unwrap"])
    assert "conversation_created_event" in loaded
    assert not {m for m in loaded if m.endswith("_event")} - {"conversation_created_event"}, loaded
    for module in ("httpx2", "fastapi", "jsonschema", "dixa_sdk.v1.client"):
        assert module not in seen["unwrap"], module
