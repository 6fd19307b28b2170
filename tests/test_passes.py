"""Each normalization pass on its own, on small in-memory documents: built into
the IR and normalized through `tests/ir_seam.py` (no file reading or validation),
and, where a test is about one pass, given the IR the passes before it leave
(`ir_of(..., before=...)`) and checked on what that pass alone writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.ir.model import Api, EnumType, MapType, ObjectType, Ref, UnionType
from generator.ir.passes import enums, naming
from generator.ir.passes.hoist import pascal
from generator.reading.read import read_api

from .conftest import SPECS
from .ir_seam import document, ir_of, run_pass


def api_of(tmp_path: Path, schemas: dict[str, Any], paths: dict[str, Any] | None = None, **kw: Any) -> Api:
    """The normalized IR of a document of `schemas` and `paths` (`dialect=` as `--dialect`)."""
    return ir_of(document(schemas, paths), **kw)


def titled(schemas: dict[str, Any]) -> dict[str, Any]:
    return {name: {"title": name, **schema} for name, schema in schemas.items()}


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("values: [A, B]", ["A", "B"]),
        ("The state. Possible values: [Open, Closed]", ["Open", "Closed"]),
        ("Allowed values: [x,y , z]", ["x", "y", "z"]),
        ("values: [A, A, B]", ["A", "B"]),
        ("no list here", None),
        ("values: []", None),
        (None, None),
    ],
)
def test_values_in_descriptions(text: str | None, values: list[str] | None) -> None:
    assert enums.parse_values(text) == values


def test_tapir_dialect_is_recognised_and_plain_is_the_default(tmp_path: Path) -> None:
    union = {"U": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]},
             "A": {"type": "object", "properties": {"a": {"type": "string"}}},
             "B": {"type": "object", "properties": {"b": {"type": "string"}}}}
    # Titles and unions of references alone are how Stripe and FastAPI write too.
    plain = api_of(tmp_path, titled(union))
    assert plain.dialect == "plain" and "nothing only tapir writes" in plain.dialect_reason
    assert not any(isinstance(t.type, ObjectType) and t.type.tag for t in plain.types.values())
    enumerated = titled(union)
    enumerated["A"]["properties"]["a"]["description"] = "values: [X, Y]"
    tapir = api_of(tmp_path, enumerated)
    assert tapir.dialect == "tapir"
    assert tapir.dialect_reason == "3 of 3 component schemas titled; 1 enumerations written as `values: [..]`"
    numbered = {**titled(union), "B1": {"title": "B", "type": "object", "properties": {}}}
    assert "1 names numbered apart" in api_of(tmp_path, numbered).dialect_reason
    generic = {**titled(union), "Map_UUID_String": {"title": "Map_UUID_String", "type": "object"}}
    assert api_of(tmp_path, generic).dialect == "tapir"
    assert api_of(tmp_path, union).dialect_reason == "only 0 of 3 component schemas titled"
    with_discriminator = titled(enumerated)
    with_discriminator["U"]["discriminator"] = {"propertyName": "kind"}
    assert api_of(tmp_path, with_discriminator).dialect == "plain"
    assert api_of(tmp_path, union, dialect="tapir").dialect == "tapir"


def test_union_classification(tmp_path: Path) -> None:
    schemas = titled({
        "Tagged": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B1"}]},
        "A": {"type": "object", "properties": {"a": {"type": "string"}}},
        "B1": {"title": "B", "type": "object", "properties": {"b": {"type": "string"}}},
        "Names": {"oneOf": [{"$ref": "#/components/schemas/Open"}, {"$ref": "#/components/schemas/Closed"}]},
        "Open": {"type": "object"},
        "Closed": {"type": "object"},
        "Wrapped": {"oneOf": [{"$ref": "#/components/schemas/W1"}, {"$ref": "#/components/schemas/W2"}]},
        "W1": {"type": "object", "properties": {"value": {"type": "string"}}},
        "W2": {"type": "object", "properties": {"value": {"type": "array", "items": {"type": "string"}}}},
        "Holder": {"type": "object", "properties": {
            "value": {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]}}},
    })
    schemas["B1"]["title"] = "B"
    api = api_of(tmp_path, schemas)
    tagged = api.types["Tagged"].type
    assert isinstance(tagged, UnionType) and tagged.style == "tagged"
    assert tagged.tag_property == "_type" and tagged.tags == {"A": "A", "B": "B1"}
    assert isinstance(api.types["B1"].type, ObjectType) and api.types["B1"].type.tag.value == "B"
    names = api.types["Names"].type
    assert isinstance(names, EnumType) and [m.value for m in names.members] == ["Open", "Closed"]
    wrapped = api.types["Wrapped"].type
    assert isinstance(wrapped, UnionType) and wrapped.style == "tagged" and len(wrapped.bare) == 2
    holder = api.types["Holder"].type
    assert isinstance(holder, ObjectType)
    inline = api.resolve(holder.properties[0].type)
    assert isinstance(inline, UnionType) and inline.style == "plain"
    assert inline.variants[0].kind == "array"  # most specific first


def test_explicit_discriminator_wins(tmp_path: Path) -> None:
    api = api_of(tmp_path, {
        "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}},
        "Cat": {"type": "object", "properties": {"kind": {"type": "string"}}},
        "Dog": {"type": "object", "properties": {"kind": {"type": "string"}}},
    })
    pet = api.types["Pet"].type
    assert isinstance(pet, UnionType) and pet.style == "tagged"
    assert pet.tag_property == "kind" and pet.tags == {"cat": "Cat", "Dog": "Dog"}


def test_wire_names_drop_tapir_decorations(tmp_path: Path) -> None:
    api = api_of(tmp_path, titled({
        "U": {"oneOf": [{"$ref": "#/components/schemas/NotFound1"},
                        {"$ref": "#/components/schemas/BulkActionSuccess_BulkError_UUID"}]},
        "NotFound1": {"type": "object", "properties": {"m": {"type": "string"}}},
        "BulkActionSuccess_BulkError_UUID": {"type": "object", "properties": {"data": {"type": "string"}}},
    }) | {"NotFound1": {"title": "NotFound", "type": "object", "properties": {"m": {"type": "string"}}}})
    assert api.types["NotFound1"].wire_name == "NotFound"
    assert api.types["BulkActionSuccess_BulkError_UUID"].wire_name == "BulkActionSuccess"


def test_map_keys_and_envelopes_and_paging(tmp_path: Path) -> None:
    schemas = titled({
        "Thresholds": {"type": "object", "description": "values: [Sla, Wait]",
                       "additionalProperties": {"type": "integer"}},
        "ListOut": {"type": "object", "properties": {
            "data": {"type": "array", "items": {"type": "string"}},
            "meta": {"$ref": "#/components/schemas/Links"}}},
        "Links": {"type": "object", "properties": {"next": {"type": "string"}, "previous": {"type": "string"}}},
    })
    paths = {"/things": {"get": {"operationId": "getThings", "parameters": [
        {"name": "pageKey", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/ListOut"}}}}}}}}
    api = api_of(tmp_path, schemas, paths)
    thresholds = api.types["Thresholds"].type
    assert isinstance(thresholds, MapType) and thresholds.key_values == ["Sla", "Wait"]
    (operation,) = api.operations
    assert operation.responses[0].envelope == "data"
    assert operation.paging is not None
    assert (operation.paging.cursor_parameter, operation.paging.next_path) == ("pageKey", ["meta", "next"])


def test_inline_schemas_are_named_from_their_position(tmp_path: Path) -> None:
    api = api_of(tmp_path, {
        "Order": {"type": "object", "properties": {
            "shipping": {"type": "object", "properties": {"city": {"type": "string"}}},
            "lines": {"type": "array", "items": {"type": "object", "properties": {"sku": {"type": "string"}}}},
            "state": {"type": "string", "enum": ["open", "done"]}}},
        "Invoice": {"type": "object", "properties": {"state": {"type": "string", "enum": ["open", "done"]}}},
    })
    order = api.types["Order"].type
    assert isinstance(order, ObjectType)
    targets = {p.wire_name: p.type for p in order.properties}
    assert isinstance(targets["shipping"], Ref) and targets["shipping"].target == "OrderShipping"
    assert api.resolve(targets["lines"]).items.target == "OrderLinesItem"  # type: ignore[union-attr]
    assert isinstance(targets["state"], Ref) and targets["state"].target == "State"  # shared: same values


@pytest.mark.parametrize(
    ("wire", "python"),
    [("conversationId", "conversation_id"), ("URLPath", "url_path"), ("_type", "type"), ("class", "class_"),
     ("2fa", "field_2fa"), ("model_config", "model_config_"), ("json", "json_"), ("a-b c", "a_b_c"), ("", "field")],
)
def test_field_names(wire: str, python: str) -> None:
    assert naming.identifier(wire, reserved=naming.RESERVED_FIELD_NAMES) == python


@pytest.mark.parametrize(
    ("name", "python"),
    [("BulkActionSuccess_BulkError_UUID", "BulkActionSuccessBulkErrorUUID"), ("end-user", "EndUser"),
     ("Field", "Field"), ("1thing", "Model1thing"), ("None", "NoneModel")],
)
def test_class_names(name: str, python: str) -> None:
    assert naming.class_name(name) == python
    assert pascal("end user") == "EndUser"


def test_ir_command_prints_stable_json() -> None:
    outputs = [
        subprocess.run([sys.executable, "-m", "generator", "ir", str(SPECS["beta"])], capture_output=True, text=True,
                       check=True).stdout
        for _ in range(2)
    ]
    assert outputs[0] == outputs[1]
    ir = json.loads(outputs[0])
    assert ir["dialect"] == "tapir"
    content = ir["types"]["Content"]["type"]
    assert content["style"] == "tagged" and content["tag_property"] == "_type"
    assert set(content["tags"]) == {"Html", "Markdown", "Text"}
    assert list(ir) == sorted(ir)


def test_allof_bases_are_kept_only_where_a_subclass_means_the_merge() -> None:
    api = read_api(Path(__file__).parent / "cases" / "allof_inheritance" / "spec.yaml", strict=False).api
    bases = {n: t.type.base for n, t in api.types.items() if isinstance(t.type, ObjectType)}
    assert {n: b for n, b in bases.items() if b} == {
        "Dog": "Pet", "Puppy": "Dog", "Beagle": "Hound", "Bird": "Animal", "Fish": "Animal", "Loop": "LoopPart"
    }
    puppy = api.types["Puppy"].type
    assert isinstance(puppy, ObjectType)
    # Every field is still in the IR (the client, the server and the diff read them all)...
    assert [p.wire_name for p in puppy.properties] == ["name", "tag", "bark", "age"]
    # ...and the class declares the new ones and those it changes (`tag` made required).
    assert [p.wire_name for p in api.own_properties(puppy)] == ["tag", "age"]


def test_diff_sees_inherited_fields(tmp_path: Path) -> None:
    from generator.diff import diff_apis
    from generator.diff.loading import read_for_diff

    source = Path(__file__).parent / "cases" / "allof_inheritance" / "spec.yaml"
    document = yaml.safe_load(source.read_text())
    del document["components"]["schemas"]["Pet"]["properties"]["tag"]
    changed = tmp_path / "new.yaml"
    changed.write_text(yaml.safe_dump(document, sort_keys=False))
    changes = diff_apis(read_for_diff(source), read_for_diff(changed), old_package="pkg", new_package="pkg")
    removed = {c.message for c in changes if c.kind == "response-property-removed"}
    assert "response property `Dog.tag` removed" in removed, sorted(c.message for c in changes)


def _enum_prop(*values: str) -> dict[str, Any]:
    return {"type": "object", "properties": {"direction": {"type": "string", "enum": list(values)}}}


def test_identical_inline_enums_share_one_class(tmp_path: Path) -> None:
    # Three owners declare [In, Out]; one declares [In]: the common set is one
    # `Direction`, the odd one keeps a class of its own.
    schemas = {"A": _enum_prop("In", "Out"), "B": _enum_prop("In", "Out"), "C": _enum_prop("In", "Out"),
               "D": _enum_prop("In")}
    api = api_of(tmp_path, schemas)
    targets = {name: api.types[name].type.properties[0].type for name in "ABCD"}  # type: ignore[union-attr]
    assert {t.target for name, t in targets.items() if name != "D"} == {"Direction"}  # type: ignore[union-attr]
    assert targets["D"].target == "DDirection"  # type: ignore[union-attr]
    shared = api.types["Direction"].type
    assert isinstance(shared, EnumType) and [m.value for m in shared.members] == ["In", "Out"]
    assert "ADirection" not in api.types and "BDirection" not in api.types


def test_shared_enum_avoids_a_component_name_and_ties(tmp_path: Path) -> None:
    # `Direction` is a component: the shared enum is `DirectionEnum`.
    schemas = {"Direction": {"type": "object", "properties": {"x": {"type": "string"}}},
               "A": _enum_prop("In", "Out"), "B": _enum_prop("In", "Out")}
    api = api_of(tmp_path, schemas)
    assert api.types["A"].type.properties[0].type.target == "DirectionEnum"  # type: ignore[union-attr]
    # Two sets with two owners each: neither is the property's enum.
    tied = {"A": _enum_prop("In", "Out"), "B": _enum_prop("In", "Out"), "C": _enum_prop("Up"), "D": _enum_prop("Up")}
    api = api_of(tmp_path, tied)
    assert {api.types[n].type.properties[0].type.target for n in "ABCD"} == {  # type: ignore[union-attr]
        "ADirection", "BDirection", "CDirection", "DDirection"}


def test_each_type_has_a_module_of_its_own_and_a_cycle_shares_one(tmp_path: Path) -> None:
    ref = lambda name: {"$ref": f"#/components/schemas/{name}"}  # noqa: E731
    api = api_of(
        tmp_path,
        {
            "Leaf": {"type": "object", "properties": {"value": {"type": "string"}}},
            "Expression": {"oneOf": [ref("And"), ref("Leaf")]},
            "And": {"type": "object", "properties": {"operands": {"type": "array", "items": ref("Expression")}}},
            "Filter": {"type": "object", "properties": {"where": ref("Expression")}},
            "Tree": {"type": "object", "properties": {"children": {"type": "array", "items": ref("Tree")}}},
        },
    )
    modules = {name: named.module for name, named in api.types.items()}
    # The cycle And ↔ Expression lives in the module of its first name; a builtin's name gets `_`.
    assert modules == {"Leaf": "leaf", "Expression": "and_", "And": "and_", "Filter": "filter_", "Tree": "tree"}


def test_the_enums_pass_alone_makes_a_values_description_an_enum() -> None:
    """IR in, IR out: the property is a string before the pass and an enum of the
    listed values after it, whatever the later passes would add."""
    data = document({"A": {"title": "A", "type": "object",
                           "properties": {"s": {"type": "string", "description": "values: [X, Y]"}}}})
    api = ir_of(data, before="enums", dialect="tapir")
    (prop,) = api.types["A"].type.properties  # type: ignore[union-attr]
    assert not isinstance(prop.type, EnumType)
    run_pass("enums", api)
    (prop,) = api.types["A"].type.properties  # type: ignore[union-attr]
    assert isinstance(prop.type, EnumType) and [m.value for m in prop.type.members] == ["X", "Y"]
    assert all(m.py_name == "" for m in prop.type.members)  # naming members is the naming pass's job


def test_the_seam_runs_the_passes_in_order_up_to_the_one_asked_for() -> None:
    data = document({"A": {"type": "object", "properties": {"b": {"type": "string"}}}})
    assert ir_of(data, through="dialect").dialect == "plain"
    assert ir_of(data, before="dialect").dialect == "auto"
    with pytest.raises(ValueError):
        ir_of(data, before="enums", through="naming")


def test_shared_fields_are_those_every_variant_declares_alike(tmp_path: Path) -> None:
    """`name` is on every variant with one type; `size` differs in type, `when`
    in requiredness, `only` is on one variant: only `name` and `note` are shared,
    and a schema already called `PetBase` makes the base `PetBase2`."""
    api = api_of(tmp_path, {
        "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                "discriminator": {"propertyName": "kind"}},
        "Cat": {"type": "object", "required": ["kind", "name", "when"], "properties": {
            "kind": {"type": "string"}, "name": {"type": "string"}, "size": {"type": "integer"},
            "when": {"type": "string"}, "only": {"type": "string"}, "note": {"type": "string"}}},
        "Dog": {"type": "object", "required": ["kind", "name"], "properties": {
            "kind": {"type": "string"}, "note": {"type": "string"}, "name": {"type": "string"},
            "size": {"type": "number"}, "when": {"type": "string"}}},
        "PetBase": {"type": "object", "properties": {"x": {"type": "string"}}},
        "Mixed": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"type": "string"}]},
    })
    pet = api.types["Pet"].type
    assert isinstance(pet, UnionType) and pet.shared is not None
    assert [p.wire_name for p in pet.shared.properties] == ["name", "note"]
    assert pet.shared.py_name == "PetBase2" and pet.shared.fallback_py_name == "UnknownPet"
    assert pet.shared.module == "pet_base2"
    for variant in ("Cat", "Dog"):
        obj = api.types[variant].type
        assert isinstance(obj, ObjectType) and obj.shares == ["Pet"]
    mixed = api.types["Mixed"].type
    assert isinstance(mixed, UnionType) and mixed.shared is None  # a string is no class to derive from


def test_dicts_go_to_what_requests_reach_and_keys_decide_their_syntax(tmp_path: Path) -> None:
    """A body's object and what it holds get a TypedDict; an answer's do not. Keys
    that are no attribute names (`from`, `a-b`, a name the annotations use) make
    the dict a `TypedDict(...)` call."""
    body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Send"}}}}
    answer = {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Sent"}}}}
    api = api_of(tmp_path, {
        "Send": {"type": "object", "required": ["to"], "properties": {
            "to": {"type": "string"}, "part": {"$ref": "#/components/schemas/Part"}}},
        "Part": {"type": "object", "properties": {"from": {"type": "string"}, "a-b": {"type": "integer"}}},
        "Typed": {"type": "object", "properties": {"str": {"type": "string"}}},
        "Sent": {"type": "object", "properties": {"typed": {"$ref": "#/components/schemas/Typed"}}},
    }, paths={"/send": {"post": {"operationId": "send", "requestBody": body, "responses": {"200": answer}}}})
    assert api.types["Send"].dict_py_name == "SendDict" and not api.types["Send"].dict_functional
    assert api.types["Part"].dict_py_name == "PartDict" and api.types["Part"].dict_functional
    assert api.types["Sent"].dict_py_name == "" and api.types["Typed"].dict_py_name == ""


def test_hierarchical_tags_nest_resources() -> None:
    """OpenAPI 3.2 tags with a `parent`: the child's resource is reached through
    its parent's, by its own name without the parent's words; a parent without
    operations is a resource too; a cycle, an undeclared parent and an attribute
    the parent's methods take leave the child on the client."""
    def op(operation_id: str, tag: str) -> dict[str, Any]:
        return {"operationId": operation_id, "tags": [tag], "responses": {"204": {"description": "ok"}}}

    data = document(paths={
        "/feed": {"get": op("getFeed", "feed")},
        "/feed/admin": {"delete": op("purgeFeed", "feed-admin")},
        "/shop/items": {"get": op("listItems", "shop-items")},
        "/a": {"get": op("getA", "a")}, "/b": {"get": op("getB", "b")},
        "/orphan": {"get": op("getOrphan", "orphan")},
    }, version="3.2.0", tags=[
        {"name": "feed"}, {"name": "feed-admin", "parent": "feed"},
        {"name": "shop", "kind": "nav"}, {"name": "shop-items", "parent": "shop"},
        {"name": "a", "parent": "b"}, {"name": "b", "parent": "a"},
        {"name": "orphan", "parent": "nowhere"},
    ])
    api = ir_of(data)
    assert api.resource_parents == {"feed_admin": ("feed", "admin"), "shop_items": ("shop", "items"),
                                    "a": ("b", "a")}
    assert api.resource_classes["shop"] == "Shop"  # no operation of its own, still a class
    assert "orphan" not in api.resource_parents and "b" not in api.resource_parents
