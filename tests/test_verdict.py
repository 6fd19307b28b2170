"""One verdict on a spec change: the level `dixagen diff` gives it and the version
`generate` raises for it agree, both ways, for every edit of the table below:
breaking (ERR) ⇔ a major release; any other change the diff reports ⇔ a minor
one; descriptions only ⇔ a patch. And an additive edit (a value, a variant, an
optional field, an operation) keeps every name of the generated Python API.

The release side is computed as `generate` computes it (`release_version` with
the names the rendered distribution lost), from a previous version 1.0.0.
"""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.diff import diff_apis
from generator.diff.loading import read_for_diff
from generator.ir.model import Api
from generator.release.version import Previous, Version, release_version
from generator.rendering.package import ApiPackage, distribution
from generator.rendering.surface import gained_names, lost_names

from .conftest import SPECS

Spec = dict[str, Any]
Edit = Callable[[Spec], None]

PETSTORE = yaml.safe_load("""
openapi: 3.0.3
info: {title: Petstore, version: 1.0.0}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      parameters:
      - {name: limit, in: query, schema: {type: integer}}
      responses:
        '200':
          description: the pets
          content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}}}
    post:
      operationId: createPets
      tags: [pets]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/NewPet'}}}
      responses:
        '201': {description: created}
  /pets/{petId}:
    get:
      operationId: showPetById
      tags: [pets]
      summary: Info for a specific pet
      parameters:
      - {name: petId, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: the pet
          content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer, format: int64}
        name: {type: string}
        tag: {type: string}
        status: {type: string, enum: [available, sold]}
    NewPet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        tag: {type: string}
        kind: {type: string, enum: [cat]}
""")

# A made-up API with the shapes that make names: a union, inline enums shared by
# several owners, inline objects.
SHAPES = yaml.safe_load("""
openapi: 3.0.3
info: {title: Shapes, version: '1'}
paths:
  /tickets:
    get:
      operationId: listTickets
      tags: [tickets]
      responses:
        '200':
          description: tickets
          content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Ticket'}}}}
  /tasks:
    post:
      operationId: createTask
      tags: [tasks]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/TaskInput'}}}
      responses:
        '200':
          description: the task
          content: {application/json: {schema: {$ref: '#/components/schemas/Task'}}}
components:
  schemas:
    Ticket:
      type: object
      required: [id]
      properties:
        id: {type: string}
        state: {type: string, enum: [open, closed]}
        owner: {type: object, properties: {name: {type: string}}}
        event: {$ref: '#/components/schemas/Event'}
    Task:
      type: object
      required: [id]
      properties:
        id: {type: string}
        state: {type: string, enum: [open, closed]}
    TaskInput:
      type: object
      required: [title]
      properties:
        title: {type: string}
        note: {type: string}
        state: {type: string, enum: [open, closed]}
    Event:
      oneOf:
      - {$ref: '#/components/schemas/Created'}
      - {$ref: '#/components/schemas/Closed'}
      discriminator: {propertyName: kind}
    Created:
      type: object
      required: [kind]
      properties: {kind: {type: string}, at: {type: string, format: date-time}}
    Closed:
      type: object
      required: [kind]
      properties: {kind: {type: string}, reason: {type: string}}
""")

# A 3.2 streaming API: an event stream of a component, JSON Lines of an inline item schema.
STREAMS = yaml.safe_load("""
openapi: 3.2.0
info: {title: Streams, version: '1'}
paths:
  /ticks:
    get:
      operationId: streamTicks
      tags: [feed]
      responses:
        '200':
          description: one event per tick
          content: {text/event-stream: {itemSchema: {$ref: '#/components/schemas/Tick'}}}
  /trades:
    get:
      operationId: tradeLines
      tags: [feed]
      responses:
        '200':
          description: one trade per line
          content:
            application/jsonl:
              itemSchema:
                type: object
                required: [id, size]
                properties: {id: {type: string}, size: {type: integer}, venue: {type: string}}
components:
  schemas:
    Tick:
      type: object
      required: [seq, price]
      properties:
        seq: {type: integer}
        price: {type: number}
        venue: {type: string}
""")


def _trade(spec: Spec) -> Spec:
    """The inline item schema of the JSON Lines stream."""
    return spec["paths"]["/trades"]["get"]["responses"]["200"]["content"]["application/jsonl"]["itemSchema"]  # type: ignore[no-any-return]


@cache
def _loaded(name: str) -> Spec:
    if name == "petstore":
        return PETSTORE
    if name == "shapes":
        return SHAPES
    if name == "streams":
        return STREAMS
    return yaml.safe_load(SPECS[name].read_text(encoding="utf-8"))  # type: ignore[no-any-return]


# -- edits ---------------------------------------------------------------------------------------


def _operation(spec: Spec, operation_id: str) -> tuple[str, str, Spec]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return path, method, operation
    raise KeyError(operation_id)


def rename_operation(operation_id: str, new: str) -> Edit:
    return lambda spec: _operation(spec, operation_id)[2].update(operationId=new)


def summary(operation_id: str, text: str) -> Edit:
    return lambda spec: _operation(spec, operation_id)[2].update(summary=text)


def deprecate(operation_id: str) -> Edit:
    return lambda spec: _operation(spec, operation_id)[2].update(deprecated=True)


def retag(operation_id: str, tag: str) -> Edit:
    return lambda spec: _operation(spec, operation_id)[2].update(tags=[tag])


def add_query(operation_id: str, name: str, required: bool = False) -> Edit:
    def edit(spec: Spec) -> None:
        parameter = {"name": name, "in": "query", "required": required, "schema": {"type": "string"}}
        _operation(spec, operation_id)[2].setdefault("parameters", []).append(parameter)

    return edit


def drop_parameter(operation_id: str, name: str) -> Edit:
    def edit(spec: Spec) -> None:
        operation = _operation(spec, operation_id)[2]
        operation["parameters"] = [p for p in operation["parameters"] if p.get("name") != name]

    return edit


def rename_path_parameter(operation_id: str, old: str, new: str) -> Edit:
    def edit(spec: Spec) -> None:
        path, method, operation = _operation(spec, operation_id)
        item = spec["paths"][path]
        del item[method]
        if not any(isinstance(o, dict) and "responses" in o for o in item.values()):
            del spec["paths"][path]
        for parameter in operation["parameters"]:
            if parameter.get("name") == old:
                parameter["name"] = new
        spec["paths"].setdefault(path.replace("{" + old + "}", "{" + new + "}"), {})[method] = operation

    return edit


def drop_operation(operation_id: str) -> Edit:
    def edit(spec: Spec) -> None:
        path, method, _ = _operation(spec, operation_id)
        del spec["paths"][path][method]

    return edit


def copy_operation(operation_id: str, path: str, new_id: str) -> Edit:
    def edit(spec: Spec) -> None:
        operation = copy.deepcopy(_operation(spec, operation_id)[2])
        operation["operationId"] = new_id
        operation.pop("parameters", None)
        spec["paths"][path] = {"post": operation}

    return edit


def add_property(schema: str, name: str, required: bool = False) -> Edit:
    def edit(spec: Spec) -> None:
        target = spec["components"]["schemas"][schema]
        target.setdefault("properties", {})[name] = {"type": "string"}
        if required:
            target.setdefault("required", []).append(name)

    return edit


def drop_property(schema: str, name: str) -> Edit:
    def edit(spec: Spec) -> None:
        target = spec["components"]["schemas"][schema]
        del target["properties"][name]
        if name in target.get("required", []):
            target["required"].remove(name)

    return edit


def require(schema: str, name: str) -> Edit:
    return lambda spec: spec["components"]["schemas"][schema].setdefault("required", []).append(name)


def add_enum_value(schema: str, name: str, value: str) -> Edit:
    """In `enum`, or in Dixa's `values: [..]` description."""

    def edit(spec: Spec) -> None:
        field = spec["components"]["schemas"][schema]["properties"][name]
        if "enum" in field:
            field["enum"].append(value)
        else:
            field["description"] = field["description"].replace("]", f", {value}]")

    return edit


def describe(schema: str, text: str) -> Edit:
    return lambda spec: spec["components"]["schemas"][schema].update(description=text)


def add_schema(name: str) -> Edit:
    return lambda spec: spec["components"]["schemas"].update({name: {"type": "object", "properties": {}}})


def rename_schema(old: str, new: str) -> Edit:
    def edit(spec: Spec) -> None:
        schemas = spec["components"]["schemas"]
        schemas[new] = schemas.pop(old)
        text = yaml.safe_dump(spec, sort_keys=False).replace(f"#/components/schemas/{old}'", f"#/components/schemas/{new}'")
        spec.clear()
        spec.update(yaml.safe_load(text))

    return edit


def add_variant(union: str, name: str) -> Edit:
    def edit(spec: Spec) -> None:
        schemas = spec["components"]["schemas"]
        schemas[name] = {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}}
        schemas[union]["oneOf"].append({"$ref": f"#/components/schemas/{name}"})

    return edit


def drop_variant(union: str, name: str) -> Edit:
    def edit(spec: Spec) -> None:
        schemas = spec["components"]["schemas"]
        schemas[union]["oneOf"] = [v for v in schemas[union]["oneOf"] if not v["$ref"].endswith("/" + name)]
        del schemas[name]

    return edit


def add_holder(name: str, target: str) -> Edit:
    """A new object with one field of the type `target`: a new owner of it."""
    return lambda spec: spec["components"]["schemas"].update(
        {name: {"title": name, "type": "object", "properties": {"held": {"$ref": f"#/components/schemas/{target}"}}}}
    )


def nullable(schema: str, name: str) -> Edit:
    return lambda spec: spec["components"]["schemas"][schema]["properties"][name].update(nullable=True)


def both(*edits: Edit) -> Edit:
    def edit(spec: Spec) -> None:
        for each in edits:
            each(spec)

    return edit


# (spec, edit, worst level the diff reports (None: descriptions only), whether it only adds)
ERR, WARN, INFO, DOCS = "ERR", "WARN", "INFO", None
TABLE: list[tuple[str, str, Edit, str | None, bool]] = [
    # Dixa v1
    ("v1", "operationId renamed (the method's name follows)",
     rename_operation("postSearchConversations", "searchConversationsByText"), ERR, False),
    ("v1", "enum value added to one owner of a shared enum", add_enum_value("AnonymizedConversation", "state", "Snoozed"),
     WARN, True),
    ("v1", "summary reworded", summary("postSearchConversations", "Search conversations by text and filters"), DOCS, True),
    ("v1", "link's summary reworded with the same verb", summary("putConversationsConversationidTagsTagid",
     "Tag one conversation with an active tag"), DOCS, True),
    ("v1", "link's summary reworded with another verb (its method follows: tag becomes add_tag)",
     summary("putConversationsConversationidTagsTagid", "Add a tag to a conversation"), ERR, False),
    ("v1", "optional query parameter added", add_query("getAgents", "team"), INFO, True),
    ("v1", "required query parameter added", add_query("getAgents", "team", required=True), ERR, False),
    ("v1", "query parameter removed (its argument goes)", drop_parameter("getAgents", "phone"), ERR, False),
    ("v1", "operation added", copy_operation("postSearchConversations", "/v1/search/archive", "postSearchArchive"),
     INFO, True),
    ("v1", "operation removed", drop_operation("getAgentsPresence"), ERR, False),
    ("v1", "operation moved to another tag (its method moves)", retag("getAgentsPresence", "Presence"), ERR, False),
    ("v1", "response field added", add_property("Tag", "usage"), INFO, True),
    ("v1", "response field removed", drop_property("Tag", "color"), ERR, False),
    ("v1", "operation deprecated", deprecate("getAgentsPresence"), WARN, True),
    # Numbered tapir names (`Queue1` titled `Queue`) are named after their owner; additions keep them.
    ("v1", "field added to a numbered schema (QueueDetails)", add_property("Queue1", "rank"), INFO, True),
    ("v1", "operation added answering with a numbered schema",
     copy_operation("getQueuesQueueid", "/v1/queues/{queueId}/copy", "getQueueCopy"), INFO, True),
    ("v1", "variant added to a union owning numbered variants", add_variant("ChannelOperator", "IsBlank"), INFO, True),
    ("v1", "object added that also holds a numbered variant (its union stays the owner)",
     add_holder("AHolder", "IsOneOf1"), INFO, True),
    ("beta", "schema added and enum value added beside numbered names",
     both(add_schema("Vacation"), add_enum_value("Tag", "state", "Archived")), WARN, True),
    # Dixa beta
    ("beta", "operationId renamed", rename_operation("getAgents", "listAllAgents"), ERR, False),
    ("beta", "enum value added", add_enum_value("Tag", "state", "Archived"), WARN, True),
    ("beta", "optional field added", add_property("Queue", "priority"), INFO, True),
    ("beta", "schema description reworded", describe("Queue", "Where conversations wait."), DOCS, True),
    ("beta", "response field made nullable", nullable("Agent", "email"), ERR, False),
    # Integrations
    ("integrations", "operation added", copy_operation("createConversation", "/v1/conversations/drafts", "createDraft"),
     INFO, True),
    ("integrations", "path parameter renamed (its argument too)",
     rename_path_parameter("getAnonymizationRequest", "requestId", "anonymizationId"), ERR, False),
    ("integrations", "summary reworded", summary("getConversation", "One conversation, by its id"), DOCS, True),
    ("integrations", "unused schema added", add_schema("Draft"), INFO, True),
    # Petstore
    ("petstore", "operationId that spells method and path: show_by_id becomes get",
     rename_operation("showPetById", "getPetsPetid"), ERR, False),
    ("petstore", "optional query parameter added", add_query("listPets", "tag"), INFO, True),
    ("petstore", "response enum value added", add_enum_value("Pet", "status", "pending"), WARN, True),
    ("petstore", "response field removed", drop_property("Pet", "tag"), ERR, False),
    ("petstore", "request field removed (the model loses it)", drop_property("NewPet", "tag"), ERR, False),
    ("petstore", "request field made required", require("NewPet", "tag"), ERR, False),
    ("petstore", "component renamed (its class too)", rename_schema("NewPet", "PetInput"), ERR, False),
    ("petstore", "summary reworded", summary("showPetById", "One pet"), DOCS, True),
    # A made-up API
    ("shapes", "union variant added", add_variant("Event", "Reopened"), WARN, True),
    ("shapes", "union variant removed", drop_variant("Event", "Closed"), ERR, False),
    ("shapes", "value added to one of three owners of a shared enum", add_enum_value("Ticket", "state", "parked"),
     WARN, True),
    # the request's enum shares its class with two responses, which may now hold the value too
    ("shapes", "value added to a request enum shared with responses", add_enum_value("TaskInput", "state", "draft"),
     WARN, True),
    ("petstore", "value added to a request enum of its own", add_enum_value("NewPet", "kind", "dog"), INFO, True),
    ("shapes", "optional request field added", add_property("TaskInput", "due"), INFO, True),
    ("shapes", "required request field added", add_property("TaskInput", "due", required=True), ERR, False),
    ("shapes", "inline object's field added", lambda spec: spec["components"]["schemas"]["Ticket"]["properties"]["owner"]
     ["properties"].update(email={"type": "string"}), INFO, True),
    ("shapes", "operation and field added together",
     both(copy_operation("createTask", "/tasks/bulk", "createTasks"), add_property("Task", "done")), INFO, True),
    # Streams: an item is what the client receives, judged as a response
    ("streams", "required field of a streamed component removed", drop_property("Tick", "price"), ERR, False),
    ("streams", "optional field of a streamed component added", add_property("Tick", "note"), INFO, True),
    ("streams", "field of an inline item schema removed", lambda spec: _trade(spec)["properties"].pop("venue"),
     ERR, False),
    ("streams", "field of an inline item schema retyped",
     lambda spec: _trade(spec)["properties"]["size"].update(type="string"), ERR, False),
    ("streams", "item field made optional", lambda spec: _trade(spec)["required"].remove("size"), ERR, False),
    ("streams", "field added to an inline item schema",
     lambda spec: _trade(spec)["properties"].update(note={"type": "string"}), INFO, True),
]


def _write(tmp_path: Path, name: str, spec: Spec) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _rendered(api: Api) -> dict[str, str]:
    return distribution(package="pkg", apis=[ApiPackage("api", api, "api.yaml", "")])


@cache
def _unedited(spec_name: str) -> tuple[Path, Api, dict[str, str]]:
    """The spec before any edit: written, read and rendered once per test process
    (no test changes it; each edit works on a copy)."""
    folder = Path(tempfile.mkdtemp(prefix="verdict-"))
    path = _write(folder, "old", _loaded(spec_name))
    api = read_for_diff(path)
    return path, api, _rendered(api)


def _verdict(tmp_path: Path, spec_name: str, edit: Edit) -> tuple[list[str], str, list[str], Api, Api]:
    """(the diff's levels, the version `generate` would raise 1.0.0 to, the names lost, both APIs)."""
    after = copy.deepcopy(_loaded(spec_name))
    edit(after)
    old_path, old, old_files = _unedited(spec_name)
    new_path = _write(tmp_path, "new", after)
    new = read_for_diff(new_path)
    levels = [c.level if not c.is_description else "DOCS" for c in diff_apis(old, new, old_package="pkg.api",
                                                                             new_package="pkg.api")]
    lost = lost_names(old_files, _rendered(new), "pkg")
    previous = Previous(Version(1, 0, 0), {"api": old.spec_sha256}, {"api": old_path})
    release = release_version("0.0.1", previous, {"api": new}, "pkg", tuple(lost))
    return levels, release.version, lost, old, new


BUMPED = {ERR: "2.0.0", WARN: "1.1.0", INFO: "1.1.0", DOCS: "1.0.1"}


@pytest.mark.parametrize(
    ("spec_name", "edit", "worst", "additive"),
    [pytest.param(s, e, w, a, id=f"{s}: {what}") for s, what, e, w, a in TABLE],
)
def test_the_diff_level_and_the_version_bump_agree(
    tmp_path: Path, spec_name: str, edit: Edit, worst: str | None, additive: bool
) -> None:
    levels, version, lost, _, _ = _verdict(tmp_path, spec_name, edit)
    found = next((level for level in (ERR, WARN, INFO) if level in levels), DOCS)
    assert found == worst, levels
    assert version == BUMPED[worst]
    # both ways: a major release exactly when the diff says breaking, and a name
    # of the Python API lost only then
    assert (version == "2.0.0") == (ERR in levels)
    if lost:
        assert ERR in levels, lost
    if additive:
        assert lost == [], lost


def test_the_table_is_wide() -> None:
    assert len(TABLE) >= 30
    assert {s for s, *_ in TABLE} == {"v1", "beta", "integrations", "petstore", "shapes", "streams"}
    assert {w for *_, w, _ in TABLE} == {ERR, WARN, INFO, DOCS}


def test_an_added_enum_value_keeps_the_shared_class_of_every_owner(tmp_path: Path) -> None:
    """Adding `Snoozed` to one conversation's state leaves every conversation's
    `state` typed `State` (which gains the member), as before the edit."""
    _, _, _, old, new = _verdict(tmp_path, "v1", add_enum_value("AnonymizedConversation", "state", "Snoozed"))

    def state_class(api: Api, schema: str) -> str:
        obj = api.types[schema].type
        prop = next(p for p in obj.properties if p.wire_name == "state")  # type: ignore[union-attr]
        return api.types[prop.type.target].py_name  # type: ignore[union-attr]

    for schema in ("AnonymizedConversation", "ChatConversation", "EmailConversation"):
        assert state_class(old, schema) == state_class(new, schema) == "State"
    assert "Snoozed" in [m.value for m in new.types["State"].type.members]  # type: ignore[union-attr]


def test_dixagen_diff_fails_on_a_renamed_method(tmp_path: Path) -> None:
    before = _loaded("petstore")
    after = copy.deepcopy(before)
    rename_operation("showPetById", "getPetsPetid")(after)
    old, new = _write(tmp_path, "old", before), _write(tmp_path, "new", after)
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--fail-on", "ERR"])
    assert result.exit_code == 1, result.output
    assert "ERR  python-method-renamed" in result.output and "show_by_id → get" in result.output


def test_names_the_generator_adds_raise_the_minor_version_and_are_listed(tmp_path: Path) -> None:
    """Same specs, a newer generator whose output has more names (a union's base
    class): code that worked still works, so a minor release that lists them."""
    from generator.release.changelog import changelog

    old_path, old, old_files = _unedited("shapes")
    new_files = {**old_files, "pkg/api/models/extra.py": '__all__ = ["Extra"]\n\n\nclass Extra:\n    size: int\n'}
    gained = gained_names(old_files, new_files, "pkg")
    assert gained == ["api.models.Extra", "api.models.Extra.size", "api.models.extra.Extra"]
    assert lost_names(old_files, new_files, "pkg") == []
    previous = Previous(Version(1, 0, 0), {"api": old.spec_sha256}, {"api": old_path})
    release = release_version("0.0.1", previous, {"api": old}, "pkg", gained=tuple(gained))
    assert release.version == "1.1.0" and "gained 3 names" in release.reason
    text = changelog(None, release, "pkg", "2026-01-01")
    assert "### New in the Python API" in text and "- `api.models.Extra.size`" in text
    # Without them, nothing changed.
    assert release_version("0.0.1", previous, {"api": old}, "pkg").version == "1.0.0"
