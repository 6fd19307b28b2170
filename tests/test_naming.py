"""Method names read as the API's own: from the operationId where its authors
meant one, from method and path where the id only spells them; plurals made
singular by an inflector, not by suffix rules."""

from __future__ import annotations

from generator.pipeline import read_api

from .conftest import ROOT

CASE = ROOT / "tests" / "cases" / "naming_shapes" / "spec.yaml"

EXPECTED = {
    "chat_postMessage": "chat.post_message",  # Slack: a dotted path, the id equal to it
    "chat_delete": "chat.delete",
    "repos/list-for-org": "repos.list_for_org",  # GitHub: `tag/verb-noun`
    "ListAccount": "account.list",  # Twilio: verb + the resource
    "ListCallRecording": "recording.list_call_recording",
    "getItems_1": "items.get",  # numbered apart by a tool: the path names them
    "getItems_2": "items.create",
    "GetCustomers": "customers.list",  # Stripe: the id spells method and path
    "GetCustomersCustomer": "customers.get",
}
FROM_PATHS = {
    ("DELETE", "/storage/caches/{cacheId}"): "storage.delete_cache",
    ("GET", "/storage/analyses/{analysisId}"): "storage.get_analysis",
    ("POST", "/storage/statuses/{statusId}/archive"): "storage.archive_status",
}


def test_names_of_real_world_shapes() -> None:
    api = read_api(CASE, strict=True).api
    named = {op.operation_id: f"{op.resource}.{op.py_name}" for op in api.operations}
    assert {key: named[key] for key in EXPECTED} == EXPECTED
    by_path = {(op.method, op.path): f"{op.resource}.{op.py_name}" for op in api.operations}
    assert {key: by_path[key] for key in FROM_PATHS} == FROM_PATHS


def test_dixa_ids_only_spell_method_and_path_so_the_path_names_the_calls() -> None:
    api = read_api(ROOT / "specs" / "dixa-v1.yaml", strict=True).api
    named = {op.operation_id: f"{op.resource}.{op.py_name}" for op in api.operations}
    assert named["getEndusersUserid"] == "end_users.get"
    assert named["getEndusers"] == "end_users.list"
    assert named["patchTagsTagidActivate"] == "tags.activate"
