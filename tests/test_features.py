"""What real (non-Dixa) specs use, one feature at a time: the cases under
tests/cases/ (pinned as golden files by test_cases.py) read into the IR and
through the generated models."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import pydantic
import pytest

from generator.diagnostics import SpecError
from generator.ir.model import ArrayType, EnumType, MapType, ObjectType, Primitive, Ref, UnionType
from generator.reading.read import read_api

from .conftest import ROOT
from .test_cases import CASES, render_case


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Generate a case's models into a temporary folder and import them."""

    def load(case: str) -> ModuleType:
        for relative, text in render_case(case).items():
            path = tmp_path / case / "pkg" / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        for name in [m for m in sys.modules if m == "pkg" or m.startswith("pkg.")]:
            del sys.modules[name]
        monkeypatch.syspath_prepend(str(tmp_path / case))
        return importlib.import_module("pkg.models")

    yield load
    for name in [m for m in sys.modules if m == "pkg" or m.startswith("pkg.")]:
        del sys.modules[name]


def api_of(case: str) -> Any:
    return read_api(CASES / case / "spec.yaml", strict=False).api


# -- schemas ---------------------------------------------------------------------------


def test_discriminator_with_and_without_mapping(models: Any) -> None:
    m = models("discriminators")
    dog = m.validate("Mapped", {"petType": "dog", "bark": True})
    assert type(dog) is m.Dog and dog.bark is True
    assert m.to_wire(dog) == {"petType": "dog", "bark": True}
    assert m.Cat(lives=9).to_wire() == {"petType": "cat", "lives": 9}  # the tag is sent when built in code
    assert type(m.validate("Unmapped", {"kind": "Fish", "fins": 2})) is m.Fish  # no mapping: schema names
    future = m.validate("Mapped", {"petType": "hamster", "wheel": 1})
    assert type(future).__name__ == "UnknownVariant" and m.to_wire(future) == {"petType": "hamster", "wheel": 1}


def test_unions_without_discriminator_resolve_by_shape_and_carry_no_tag(models: Any) -> None:
    api = api_of("discriminators")
    assert api.dialect == "plain"
    assert api.types["Shape"].type.style == "plain"
    assert api.types["Bird"].type.tag.property == "kind"  # from Unmapped's discriminator, not `_type`
    m = models("discriminators")
    assert type(m.validate("Shape", {"radius": 2.0})) is m.ShapeOption2
    assert m.validate("Scalar", 3) == 3 and m.validate("Scalar", ["a"]) == ["a"]
    assert m.validate("NullableChoice", None) is None


def test_all_of_is_merged(models: Any) -> None:
    api = api_of("allof_inheritance")
    owner = api.types["Owner"].type
    assert isinstance(owner, ObjectType)
    assert [p.wire_name for p in owner.properties] == ["name", "tag", "created", "pets"]
    m = models("allof_inheritance")
    puppy = m.validate("Puppy", {"name": "Rex", "bark": True, "age": 1, "tag": "t"})
    assert (puppy.name, puppy.bark, puppy.age) == ("Rex", True, 1)
    with pytest.raises(pydantic.ValidationError):
        m.validate("Dog", {"name": "Rex"})  # `bark` is required by the allOf part
    assert m.validate("Renamed", {"name": "x"}).name == "x"
    loop = m.validate("Loop", {"value": "a", "next": {"value": "b"}})  # allOf cycling back: no hang
    assert loop.next.value == "b"


def test_wire_names_are_camel_case_by_class_with_exceptions_spelled_out(models: Any) -> None:
    m = models("wire_names")
    wire = {"id": "1", "lastName": "Ng", "URLPath": "/p", "legacy_code": "x", "employeeNumber": 7, "team_name": "t"}
    employee = m.validate("Employee", wire)
    assert (employee.last_name, employee.url_path, employee.legacy_code) == ("Ng", "/p", "x")
    assert (employee.employee_number, employee.team_name) == (7, "t")
    assert m.to_wire(employee) == wire
    built = m.Person(last_name="Ng", first_name="Al", url_path="/p")
    assert built.to_wire() == {"lastName": "Ng", "firstName": "Al", "URLPath": "/p"}
    row = m.validate("Row", {"created_at": "now", "rowCount": 2})
    assert (row.created_at, row.row_count) == ("now", 2) and m.to_wire(row) == {"created_at": "now", "rowCount": 2}
    # Told apart by shape before either variant is built: by their camelCase wire keys.
    assert type(m.validate("Shape", {"sideMm": 2.0, "lineWidth": 1.0})) is m.Square
    assert type(m.validate("Shape", {"radiusMm": 1.0})) is m.Circle


def test_openapi_31_null_types_and_const(models: Any) -> None:
    api = api_of("openapi31")
    item = {p.wire_name: p for p in api.types["Item"].type.properties}
    assert item["note"].type == Primitive(name="string", nullable=True)
    assert isinstance(item["kind"].type, EnumType) and item["kind"].type.source == "const"
    assert isinstance(item["labels"].type, MapType)  # patternProperties
    m = models("openapi31")
    value = m.validate("Item", {"kind": "item", "name": "n", "note": None, "either": 3, "labels": {"x-a": "b"}})
    assert value.note is None and value.either == 3 and value.count == 0
    with pytest.raises(pydantic.ValidationError):
        m.validate("Item", {"kind": "other", "name": "n"})


def test_maps_formats_defaults_and_read_only(models: Any) -> None:
    m = models("maps_formats")
    assert m.validate("Counts", {"a": 1}) == {"a": 1}
    assert m.validate("FreeForm", {"a": [1, {"b": None}]}) == {"a": [1, {"b": None}]}
    assert m.validate("Nested", {"k": {"score": 1.5}})["k"].score == 1.5
    formats = m.validate("Formats", {"day": "2024-01-02", "id": "0b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a",
                                     "at": "2024-01-02T03:04:05Z", "encoded": "aGk="})
    assert (formats.day.year, formats.id.version, formats.at.hour) == (2024, 4, 3)
    assert m.to_wire(formats)["day"] == "2024-01-02"
    account = m.Account(password="secret")  # `id` is read-only: required of the server only
    assert (account.role, account.limit) == ("member", 10)
    # Defaults are values of the field's type, whatever type the spec wrote them in.
    assert account.status is m.Status.CLOSED
    assert (account.enabled, account.count, account.since) == (True, 5, None)  # a date-time "default" string is left out
    assert (account.tags, account.weights, account.flags) == (["a", "b"], {"a": 1}, [])
    assert m.Account(password="x").tags is not account.tags  # each instance its own list
    assert account.to_wire() == {"password": "secret"}
    assert m.validate("Mixed", 2.5) == 2.5 and m.validate("Mixed", "one") == "one"
    assert [c.name for c in m.Codes] == ["USER", "USER_2", "VALUE_2", "VALUE_1", "A_B", "A_B_2", "NONE"]
    assert m.Levels(20) is m.Levels.VALUE_20


def test_problems_are_located_warnings_and_strict_refuses() -> None:
    spec = CASES / "maps_formats" / "spec.yaml"
    warnings = read_api(spec, strict=False).warnings
    assert any("regex" in str(w) for w in warnings)
    assert all(str(w).startswith(f"{spec}:") and ": warning: " in str(w) for w in warnings)
    with pytest.raises(SpecError) as refused:
        read_api(spec, strict=True)
    assert any("regex" in str(d) for d in refused.value.diagnostics)


def test_pathological_schemas_generate() -> None:
    api = api_of("pathological")
    huge = api.types["Huge"].type
    assert isinstance(huge, EnumType) and len(huge.members) == 3000
    assert len({m.py_name for m in huge.members}) == 3000
    names = [t.py_name for t in api.types.values()]
    assert all(n.isidentifier() for n in names) and len(set(names)) == len(names)
    fields = [p.py_name for t in api.types.values() if isinstance(t.type, ObjectType) for p in t.type.properties]
    assert all(f.isidentifier() for f in fields)
    deep = [n for n in api.types if n.startswith("DeepN")]
    assert len(deep) >= 29  # each level is a class of its own, named from its position (30 deep)


def test_pathological_package_imports(models: Any) -> None:
    m = models("pathological")
    assert m.validate("Empty name", {"": "x", "名前": "y"}).to_wire() == {"": "x", "名前": "y"}
    assert m.validate("Self", "s") == "s"
    value: Any = "leaf"
    for _ in range(30):
        value = {"n": value}
    assert m.to_wire(m.validate("Deep", value)) == value


# -- operations ------------------------------------------------------------------------


def test_operations_keep_every_body_parameter_style_and_response() -> None:
    api = api_of("operations_plain")
    assert api.servers == ["https://eu.example.com/v2"]
    ops = {(op.method, op.path): op for op in api.operations}
    listing = ops[("GET", "/pets")]
    assert listing.tags == ["pets", "store"]
    params = {p.name: p for p in listing.parameters}
    assert (params["tags"].style, params["tags"].explode) == ("form", False)
    assert isinstance(params["tags"].type, ArrayType)
    assert (params["filter"].style, params["filter"].explode) == ("deepObject", True)
    assert {p.location for p in listing.parameters} == {"query", "header", "cookie"}
    assert [r.status for r in listing.responses] == ["200", "206", "default"]
    create = ops[("POST", "/pets")]
    assert [b.content_type for b in create.bodies] == ["application/json", "application/x-www-form-urlencoded"]
    assert create.security == [{"apiKeyHeader": []}, {"basic": []}]
    upload = ops[("PUT", "/pets/{petId}/photo")]
    assert upload.bodies[0].content_type == "multipart/form-data"
    assert [p.name for p in upload.parameters] == ["petId"]  # from the path item
    download = ops[("GET", "/pets/{petId}/photo")]
    assert download.responses[0].content_type == "application/octet-stream"
    assert download.responses[0].type == Primitive(name="string", format="binary")
    raw = ops[("POST", "/pets/{petId}/raw")]
    assert [b.content_type for b in raw.bodies] == ["application/octet-stream", "text/plain"]
    assert {p.name: p.style for p in raw.parameters}["matrix"] == "matrix"


def test_missing_operation_ids_are_named_from_method_and_path() -> None:
    api = api_of("operations_plain")
    ids = [op.operation_id for op in api.operations]
    assert ids == ["getPets", "postPets", "getPetsPetIdPhoto", "putPetsPetIdPhoto", "postPetsPetIdRaw"]
    assert all(op.py_name.isidentifier() and op.resource.isidentifier() for op in api.operations)


def test_security_schemes_of_every_kind() -> None:
    api = api_of("operations_plain")
    schemes = {s.name: (s.type, s.location, s.parameter_name, s.scheme) for s in api.security_schemes}
    assert schemes == {
        "apiKeyHeader": ("apiKey", "header", "X-API-Key", None),
        "apiKeyQuery": ("apiKey", "query", "api_key", None),
        "apiKeyCookie": ("apiKey", "cookie", "token", None),
        "basic": ("http", None, None, "basic"),
        "bearer": ("http", None, None, "bearer"),
        "oauth": ("oauth2", None, None, None),
        "oidc": ("openIdConnect", None, None, None),
    }
    assert api.security == [{"bearer": []}]


def test_inline_schemas_are_named_from_their_position() -> None:
    api = api_of("operations_plain")
    assert {"PostPetsPetIdRawResponse200", "PostPetsPetIdRawResponse200Deep",
            "PostPetsPetIdRawResponse200DeepDeeperItem", "GetPetsFilter"} <= set(api.types)
    leaf = api.types["PostPetsPetIdRawResponse200DeepDeeperItem"].type
    assert isinstance(leaf, ObjectType) and isinstance(leaf.properties[0].type, Ref)


def test_references_into_a_component_are_named_from_the_component_down(tmp_path: Path) -> None:
    """`$ref: '#/components/schemas/Gateway/properties/rules/items'` names a class
    `GatewayRulesItem`, as the inline schema there is named, not `Items` or `Rules`."""
    spec = tmp_path / "inner.yaml"
    spec.write_text("""
openapi: 3.0.3
info: {title: Inner, version: '1'}
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Gateway/properties/rules/items'}
components:
  schemas:
    Gateway:
      type: object
      properties:
        rules: {type: array, items: {type: object, properties: {name: {type: string}}}}
        first: {$ref: '#/components/schemas/Gateway/properties/rules/items/properties/name'}
        extra: {$ref: '#/components/schemas/Gateway/additionalProperties'}
      additionalProperties: {type: object, properties: {size: {type: integer}}}
""")
    api = read_api(spec, strict=True).api
    assert {"GatewayRulesItem", "GatewayRulesItemName", "GatewayValue"} <= set(api.types)
    assert api.operations[0].responses[0].type == Ref(target="GatewayRulesItem")


# -- dialect ---------------------------------------------------------------------------

_FASTAPI = """
openapi: 3.1.0
info: {title: FastAPI, version: 0.1.0}
paths:
  /items:
    post:
      operationId: create_item_items_post
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Item'}
      responses:
        '200':
          description: Successful Response
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Item'}
        '422':
          description: Validation Error
          content:
            application/json:
              schema: {$ref: '#/components/schemas/HTTPValidationError'}
components:
  schemas:
    Cat: {title: Cat, type: object, required: [name], properties: {name: {title: Name, type: string}}}
    Dog: {title: Dog, type: object, required: [bark], properties: {bark: {title: Bark, type: boolean}}}
    Item:
      title: Item
      type: object
      properties:
        pet:
          title: Pet
          anyOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}, {type: 'null'}]
    HTTPValidationError:
      title: HTTPValidationError
      type: object
      properties:
        detail: {title: Detail, type: array, items: {$ref: '#/components/schemas/ValidationError'}}
    ValidationError:
      title: ValidationError
      type: object
      required: [loc, msg, type]
      properties:
        loc: {title: Location, type: array, items: {anyOf: [{type: string}, {type: integer}]}}
        msg: {title: Message, type: string}
        type: {title: Error Type, type: string}
"""


def test_fastapi_documents_are_plain_although_every_schema_has_a_title(tmp_path: Path) -> None:
    spec = tmp_path / "fastapi.yaml"
    spec.write_text(_FASTAPI)
    api = read_api(spec, strict=True).api
    assert api.dialect == "plain"
    assert all(not (isinstance(t.type, ObjectType) and t.type.tag) for t in api.types.values())
    pet = next(p for p in api.types["Item"].type.properties if p.wire_name == "pet")
    union = api.types[pet.type.target].type if isinstance(pet.type, Ref) else pet.type
    assert isinstance(union, UnionType) and union.style == "plain" and pet.type.nullable


def test_cli_generates_a_case_with_warnings_and_refuses_it_with_strict(tmp_path: Path) -> None:
    spec = CASES / "operations_plain" / "spec.yaml"  # an invalid regex: a detail that does not stop generation
    command = [sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--out", str(tmp_path)]
    loose = subprocess.run([*command, "--package", "loose"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert loose.returncode == 0, loose.stderr
    assert ": warning: " in loose.stderr and "Traceback" not in loose.stderr
    strict = subprocess.run([*command, "--package", "strict", "--strict"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert strict.returncode == 1 and ": error: " in strict.stderr and "Traceback" not in strict.stderr
    assert not (tmp_path / "strict").exists()


def test_lone_surrogates_in_a_json_spec_generate_and_load(tmp_path: Path) -> None:
    """JSON can escape a lone surrogate, which UTF-8 cannot hold: every file
    must still be written, with each surrogate read as U+FFFD (the replacement
    character), which the stub's table gives back."""
    spec = tmp_path / "surrogates.json"
    spec.write_text(
        '{"openapi": "3.0.3", "info": {"title": "T\\ud800", "version": "1"}, "paths": {"/a\\ud800": {"get": {'
        '"operationId": "get\\udfffA", "summary": "S\\ud800", "responses": {"200": {"description": "ok", "content":'
        ' {"application/json": {"schema": {"type": "object", "properties": {"n": {"type": "string"}}},'
        ' "example": {"n": "\\udfff"}}}}}}}}}'
    )
    command = [sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--out", str(tmp_path), "--package", "sur"]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    check = "import sur.server_operations as t; o = t.OPERATIONS[0]; print(ascii((o.path, o.operation_id, o.summary)))"
    loaded = subprocess.run([sys.executable, "-c", check], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == ascii(("/a\ufffd", "get\ufffdA", "S\ufffd"))


# -- known renderer failures (the client renderer is not this module's subject) --------

_OPERATION = """
openapi: 3.0.3
info: {title: Edge, version: '1'}
%s
"""


def _compiles(tmp_path: Path, text: str) -> None:
    from generator.rendering.package import single_package

    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    for path, source in single_package("pkg", read_api(spec, strict=False).api).items():
        if path.endswith(".py"):
            compile(source, path, "exec")


def test_client_renders_a_spec_without_operations(tmp_path: Path) -> None:
    _compiles(tmp_path, _OPERATION % "paths: {}")


def test_client_renders_a_multipart_body_that_is_a_string(tmp_path: Path) -> None:
    _compiles(tmp_path, _OPERATION % """paths:
  /x:
    post:
      requestBody: {content: {multipart/form-data: {schema: {type: string}}}}
      responses: {'204': {description: ok}}""")


def test_client_renders_two_bearer_schemes(tmp_path: Path) -> None:
    _compiles(tmp_path, _OPERATION % """paths:
  /x: {get: {responses: {'204': {description: ok}}}}
components:
  securitySchemes:
    one: {type: http, scheme: bearer}
    two: {type: http, scheme: bearer}
security: [{one: []}, {two: []}]""")


def test_recursive_aliases_through_the_client_and_the_stub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Operations that send and receive aliases defined through themselves: the
    client's argument types stop where an alias recurs, the stub synthesizes and
    validates them."""
    import asyncio

    import httpx2
    import yaml

    from generator.rendering.package import single_package

    document = yaml.safe_load((CASES / "recursion" / "spec.yaml").read_text())
    json_of = lambda name: {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}  # noqa: E731
    document["paths"] = {
        "/trees": {"post": {"operationId": "postTree", "tags": ["trees"], "requestBody": {"content": json_of("Tree")},
                            "responses": {"200": {"description": "ok", "content": json_of("Value")}}}},
        "/entries": {"get": {"operationId": "getEntry", "tags": ["entries"],
                             "responses": {"200": {"description": "ok", "content": json_of("Entry")}}}},
    }
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(document))
    for relative, text in single_package("recpkg", read_api(spec, strict=False).api).items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    package = importlib.import_module("recpkg")
    app = importlib.import_module("recpkg.server").create_app()

    async def run() -> tuple[Any, Any, int]:
        http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://stub")
        client = package.AsyncClient(base_url="http://stub", max_retries=0, http_client=http)
        async with http:
            value = await client.trees.create_bulk(body=[[], [[[]]]])
            entry = await client.entries.get()
            refused = await http.post("/trees", json=[[1]])
        return value, entry, refused.status_code

    try:
        value, entry, refused = asyncio.run(run())
    finally:
        for name in [m for m in sys.modules if m == "recpkg" or m.startswith("recpkg.")]:
            del sys.modules[name]
    assert isinstance(value, (str, list)) or type(value).__name__ == "Category"
    assert isinstance(entry, list) or type(entry).__name__ == "Folder"
    assert refused == 400  # a tree of numbers is not a Tree
