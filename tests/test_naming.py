"""Method names read as the API's own: from the operationId where its authors
meant one, from method and path where the id only spells them; plurals made
singular by an inflector, not by suffix rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from generator.reading.read import read_api

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


def _named(tmp_path: Path, operations: list[tuple[str, str, str]]) -> dict[str, str]:
    """`resource.method` per operationId of a small spec with the given (tag, path, operationId)."""
    paths: dict[str, object] = {}
    for tag, path, operation_id in operations:
        params = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in re.findall(r"{(\w+)}", path)
        ]
        paths[path] = {
            "get": {
                "tags": [tag], "operationId": operation_id, "parameters": params,
                "responses": {"204": {"description": "ok"}},
            }
        }
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths}))
    api = read_api(spec, strict=True).api
    return {op.operation_id or "": f"{op.resource}.{op.py_name}" for op in api.operations}


def test_a_version_every_tag_starts_with_is_said_once_by_the_package(tmp_path: Path) -> None:
    named = _named(
        tmp_path,
        [
            ("Api20100401Account", "/2010-04-01/Accounts.json", "ListAccount"),
            ("Api20100401Call", "/2010-04-01/Accounts/{Sid}/Calls.json", "ListCall"),
        ],
    )
    assert named == {"ListAccount": "account.list", "ListCall": "call.list"}
    # Shared words without a version carry meaning: they stay.
    named = _named(
        tmp_path, [("UserAccounts", "/accounts", "listAccounts"), ("UserGroups", "/groups", "listGroups")]
    )
    assert named == {"listAccounts": "user_accounts.list", "listGroups": "user_groups.list"}


def test_an_id_keeps_its_verb_and_a_resource_of_several_words_stays_whole(tmp_path: Path) -> None:
    named = _named(
        tmp_path,
        [
            # `list` is also a word of the resource's name: it still opens the method's.
            ("CredentialListMapping", "/Domains/{DomainSid}/Mappings.json", "ListSipCredentialListMapping"),
            ("AssignedAddOn", "/Numbers/{Sid}/AssignedAddOns.json", "ListIncomingPhoneNumberAssignedAddOn"),
        ],
    )
    assert named == {
        "ListSipCredentialListMapping": "credential_list_mapping.list_sip_credential_list_mapping",
        "ListIncomingPhoneNumberAssignedAddOn": "assigned_add_on.list_incoming_phone_number_assigned_add_on",
    }


def test_dixa_schemas_called_like_pydantic_names_keep_their_names() -> None:
    """`Tag` and `Field` are pydantic's names too: the model modules import
    pydantic's privately (`Field as _Field`), and the classes stay `Tag` and `Field`."""
    for spec in ("dixa-v1.yaml", "dixa-beta.yaml"):
        api = read_api(ROOT / "specs" / spec, strict=True).api
        assert (api.types["Tag"].py_name, api.types["Field"].py_name) == ("Tag", "Field")
    models = ROOT / "generated" / "dixa_sdk" / "v1" / "models"
    assert "class Tag(APIModel):" in (models / "tag.py").read_text()
    metric = (models / "metric_record.py").read_text()
    assert "from pydantic import Field as _Field" in metric and "from .field import Field" in metric


NUMBERED = """
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /queues/{id}:
    get:
      operationId: getQueuesId
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/GetQueueOutput'}}}
components:
  schemas:
    GetQueueOutput: {title: GetQueueOutput, type: object, properties: {data: {$ref: '#/components/schemas/Queue1'}}}
    Queue: {title: Queue, type: object, properties: {id: {type: string}}}
    Queue1: {title: Queue, type: object, properties: {id: {type: string}, name: {type: string}}}
    Translation1: {title: Translation, type: object, properties: {text: {type: string}}}
    Article: {title: Article, type: object, properties: {t: {$ref: '#/components/schemas/Translation1'}}}
    IsOneOf: {title: IsOneOf, type: object, properties: {v: {type: string}}}
    IsOneOf1: {title: IsOneOf, type: object, properties: {values: {type: array, items: {type: string}}}}
    AHolder: {title: AHolder, type: object, properties: {x: {$ref: '#/components/schemas/IsOneOf1'}}}
    ChannelOperator: {title: ChannelOperator, oneOf: [{$ref: '#/components/schemas/IsOneOf1'}]}
    Input: {title: Input, type: object, properties: {n: {type: string}}}
    Input1: {title: Input, type: object, properties: {m: {type: string}}}
    UpdateInputsInput: {title: UpdateInputsInput, type: object, properties: {i: {$ref: '#/components/schemas/Input1'}}}
"""


def test_a_numbered_name_takes_its_title_else_its_owner_else_details(tmp_path: Path) -> None:
    """The rule of `naming.numbered_names` (docs/other-apis.md, "Class names")."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(NUMBERED)
    api = read_api(spec, strict=False).api
    names = {name: api.types[name].py_name for name in ("Queue", "Queue1", "Translation1", "IsOneOf1", "Input1")}
    assert names == {
        "Queue": "Queue",  # the schema called so keeps its name
        "Queue1": "QueueDetails",  # only an operation's wrapper refers to it
        "Translation1": "Translation",  # the title is free
        "IsOneOf1": "ChannelOperatorIsOneOf",  # the union that lists it wins over an object that holds it
        "Input1": "UpdateInput",  # `UpdateInputs` (no `Input` word) + `Input`, the shared word said once
    }


def test_dixa_numbered_names_read_as_what_they_are() -> None:
    api = read_api(ROOT / "specs" / "dixa-v1.yaml", strict=True).api
    named = {name: api.types[name].py_name for name in api.types}
    assert [name for name in named.values() if re.fullmatch(r".*\D\d+", name)] == []
    assert (named["Queue1"], named["Queue"]) == ("QueueDetails", "Queue")
    assert (named["NotFound1"], named["IsOneOf1"], named["Translation1"]) == (
        "BulkErrorNotFound", "ChannelOperatorIsOneOf", "Translation")


LINKS = """
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /conversations/{conversationId}/tags/{tagId}:
    parameters:
    - {name: conversationId, in: path, required: true, schema: {type: string}}
    - {name: tagId, in: path, required: true, schema: {type: string}}
    put:
      operationId: putConversationsConversationidTagsTagid
      summary: Attach an active tag to a conversation
      responses: {'204': {description: ok}}
    delete:
      operationId: deleteConversationsConversationidTagsTagid
      summary: Detach a tag from a conversation
      responses: {'204': {description: ok}}
  /tickets/{ticketId}/labels/{labelId}:
    parameters:
    - {name: ticketId, in: path, required: true, schema: {type: string}}
    - {name: labelId, in: path, required: true, schema: {type: string}}
    put:
      operationId: putTicketsTicketidLabelsLabelid
      summary: Label ticket
      responses: {'204': {description: ok}}
    delete:
      operationId: deleteTicketsTicketidLabelsLabelid
      summary: Unlabel ticket
      responses: {'204': {description: ok}}
  /tickets/{ticketId}/notes/{noteId}:
    parameters:
    - {name: ticketId, in: path, required: true, schema: {type: string}}
    - {name: noteId, in: path, required: true, schema: {type: string}}
    delete:
      operationId: deleteTicketsTicketidNotesNoteid
      summary: Delete one note
      responses: {'204': {description: ok}}
  /tickets/{ticketId}:
    parameters:
    - {name: ticketId, in: path, required: true, schema: {type: string}}
    delete:
      operationId: deleteTicketsTicketid
      summary: Remove a ticket for good
      responses: {'204': {description: ok}}
"""


def test_a_link_between_two_things_is_named_by_the_summarys_verb(tmp_path: Path) -> None:
    """Where the operationId only spells method and path, a call that writes or
    removes one item of another's collection takes the verb its summary opens
    with, when it is a verb of links (`attach`, `untag`, ...); other calls keep
    the method's word."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(LINKS)
    api = read_api(spec, strict=False).api
    named = {op.operation_id: f"{op.resource}.{op.py_name}" for op in api.operations}
    assert named == {
        "putConversationsConversationidTagsTagid": "conversations.attach_tag",
        "deleteConversationsConversationidTagsTagid": "conversations.detach_tag",
        "putTicketsTicketidLabelsLabelid": "tickets.label",  # the verb says the noun: not `label_label`
        "deleteTicketsTicketidLabelsLabelid": "tickets.unlabel",
        "deleteTicketsTicketidNotesNoteid": "tickets.delete_note",  # the summary says the method's word
        "deleteTicketsTicketid": "tickets.delete",  # not a link: the summary is not read
    }


def test_dixa_classes_keep_their_names_when_a_schema_takes_a_numbered_ones_title(tmp_path: Path) -> None:
    """With the names the previous release recorded (`Api.kept_names`), a new
    `Translation` schema leaves `Translation1` its class `Translation`, and
    every other class its name; the newcomer is named by the numbered rule."""
    spec = ROOT / "specs" / "dixa-v1.yaml"
    before = read_api(spec, strict=False, validate=False).api
    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    document["components"]["schemas"]["Translation"] = {
        "title": "Translation", "type": "object", "properties": {"locale": {"type": "string"}}
    }
    changed = tmp_path / "dixa-v1.yaml"
    changed.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    fresh = read_api(changed, strict=False, validate=False).api
    assert fresh.types["Translation1"].py_name != "Translation"  # what a first generation would do
    after = read_api(changed, strict=False, validate=False, kept_names=before.kept_names).api
    assert {k: after.types[k].py_name for k in before.types} == {k: t.py_name for k, t in before.types.items()}
    assert after.types["Translation"].py_name == "TranslationDetails"
    assert after.kept_names == {**before.kept_names, "Translation": "TranslationDetails"}
