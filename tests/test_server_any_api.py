"""The stateful stub on APIs that are not Dixa's: no `{"data": ..}` envelope,
identity fields other than `id`, items created by PUT, and a start-up report
of what is kept and what is canned.

Each spec here is small and generated into a package of its own; requests go
in-process through httpx2's ASGI transport.
"""

from __future__ import annotations

import importlib
import logging
import uuid
from typing import Any, Iterator

import pytest

from .generated_packages import generated_packages
from .test_server import call

# One API with a collection per way of identifying an item.
SHOP = """
openapi: 3.0.3
info: {title: Shop, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}}}}
    post:
      operationId: createPet
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/NewPet'}}}}
      responses:
        '201': {description: created, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
  /pets/{petId}:
    parameters: [{name: petId, in: path, required: true, schema: {type: integer, format: int64}}]
    get:
      operationId: showPet
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
        '404': {description: missing}
    put:
      operationId: replacePet
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/NewPet'}}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
    patch:
      operationId: updatePet
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/PetChange'}}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
    delete:
      operationId: deletePet
      responses:
        '204': {description: gone}
  /orders:
    post:
      operationId: createOrder
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/NewOrder'}}}}
      responses:
        '201': {description: created, content: {application/json: {schema: {$ref: '#/components/schemas/Order'}}}}
  /orders/{orderId}:
    parameters: [{name: orderId, in: path, required: true, schema: {type: string}}]
    get:
      operationId: getOrder
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Order'}}}}
  /notes:
    post:
      operationId: createNote
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/NewNote'}}}}
      responses:
        '201': {description: created, content: {application/json: {schema: {$ref: '#/components/schemas/Note'}}}}
  /notes/{noteId}:
    parameters: [{name: noteId, in: path, required: true, schema: {type: string}}]
    get:
      operationId: getNote
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Note'}}}}
  /projects:
    get:
      operationId: getProjects
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: object, properties: {data: {type: array, items: {$ref: '#/components/schemas/Project'}}}}}}}
    post:
      operationId: createProject
      requestBody:
        required: true
        content: {application/json: {schema: {type: object, properties: {data: {$ref: '#/components/schemas/ProjectRequest'}}}}}
      responses:
        '201': {description: created, content: {application/json: {schema: {$ref: '#/components/schemas/ProjectResponse'}}}}
  /projects/{project_gid}:
    parameters: [{name: project_gid, in: path, required: true, schema: {type: string}}]
    get:
      operationId: getProject
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/ProjectResponse'}}}}
    put:
      operationId: updateProject
      requestBody:
        required: true
        content: {application/json: {schema: {type: object, properties: {data: {$ref: '#/components/schemas/ProjectRequest'}}}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/ProjectResponse'}}}}
    delete:
      operationId: deleteProject
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: object, properties: {data: {type: object}}}}}}
  /devices:
    get:
      operationId: listDevices
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/DevicePage'}}}}
    post:
      operationId: registerDevice
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/NewDevice'}}}}
      responses:
        '201': {description: created, content: {application/json: {schema: {$ref: '#/components/schemas/Device'}}}}
  /devices/{device}:
    parameters: [{name: device, in: path, required: true, schema: {type: string, format: uuid}}]
    get:
      operationId: getDevice
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Device'}}}}
  /buckets:
    post:
      operationId: createBucket
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/Bucket'}}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Bucket'}}}}
  /buckets/{bucketName}:
    parameters: [{name: bucketName, in: path, required: true, schema: {type: string}}]
    get:
      operationId: getBucket
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Bucket'}}}}
    delete:
      operationId: deleteBucket
      responses:
        '204': {description: gone}
  /users:
    post:
      operationId: createUser
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/User'}}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/User'}}}}
  /users/{username}:
    parameters: [{name: username, in: path, required: true, schema: {type: string}}]
    get:
      operationId: getUser
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/User'}}}}
    put:
      operationId: updateUser
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/User'}}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/User'}}}}
    delete:
      operationId: deleteUser
      responses:
        '204': {description: gone}
  /things:
    get:
      operationId: listThings
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Thing'}}}}}
  /things/{thingId}:
    parameters: [{name: thingId, in: path, required: true, schema: {type: string}}]
    get:
      operationId: getThing
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
    put:
      operationId: putThing
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/ThingInput'}}}}
      responses:
        '200': {description: replaced, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
        '201': {description: created, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
  /slots/{slotNumber}:
    parameters: [{name: slotNumber, in: path, required: true, schema: {type: integer}}]
    get:
      operationId: getSlot
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Slot'}}}}
    put:
      operationId: bookSlot
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/NewSlot'}}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Slot'}}}}
  /status:
    get:
      operationId: getStatus
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: object, properties: {up: {type: boolean}}}, example: {up: true}}}}
components:
  schemas:
    NewPet:
      type: object
      required: [name]
      properties: {name: {type: string}, tag: {type: string}}
    PetChange:
      type: object
      properties: {name: {type: string}, tag: {type: string}}
    Pet:
      type: object
      required: [id, name]
      properties: {id: {type: integer, format: int64}, name: {type: string}, tag: {type: string}}
    NewOrder:
      type: object
      required: [item]
      properties: {item: {type: string}}
    Order:
      type: object
      required: [id, item]
      properties: {id: {type: string, format: uuid}, item: {type: string}}
    NewNote:
      type: object
      required: [text]
      properties: {text: {type: string}}
    Note:
      type: object
      required: [id, text]
      properties: {id: {type: string}, text: {type: string}}
    ProjectRequest:
      type: object
      properties: {name: {type: string}, notes: {type: string}}
    Project:
      type: object
      properties:
        gid: {type: string, readOnly: true}
        resource_type: {type: string, readOnly: true}
        name: {type: string}
        notes: {type: string}
    ProjectResponse:
      type: object
      properties: {data: {$ref: '#/components/schemas/Project'}}
    NewDevice:
      type: object
      required: [label]
      properties: {label: {type: string}}
    Device:
      type: object
      required: [uuid, label]
      properties: {uuid: {type: string, format: uuid}, label: {type: string}}
    DevicePage:
      type: object
      required: [items, total]
      properties: {items: {type: array, items: {$ref: '#/components/schemas/Device'}}, total: {type: integer}}
    Bucket:
      type: object
      required: [name]
      properties: {name: {type: string}, region: {type: string}}
    User:
      type: object
      required: [username]
      properties: {username: {type: string}, email: {type: string}, firstName: {type: string}}
    ThingInput:
      type: object
      required: [label]
      properties: {label: {type: string}, size: {type: integer}}
    NewSlot:
      type: object
      required: [who]
      properties: {who: {type: string}}
    Slot:
      type: object
      required: [id, who]
      properties: {id: {type: string}, who: {type: string}}
    Thing:
      type: object
      required: [id, label]
      properties: {id: {type: string}, label: {type: string}, size: {type: integer}}
"""

# An API where nothing creates items the stub can keep.
CANNED = """
openapi: 3.0.3
info: {title: Clock, version: '1'}
paths:
  /time:
    get:
      operationId: getTime
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: object, properties: {now: {type: string}}}, example: {now: '12:00'}}}}
  /alarms:
    post:
      operationId: setAlarm
      requestBody: {content: {application/json: {schema: {type: object, properties: {at: {type: string}}}}}}
      responses:
        '204': {description: set}
"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The generated `server` module of each spec, by package name."""
    with generated_packages(tmp_path_factory.mktemp("any_api")) as load:
        modules = {}
        for name, text in (("shop", SHOP), ("clock", CANNED)):
            load(name, text)
            modules[name] = importlib.import_module(f"{name}.server")
        yield modules


@pytest.fixture
def shop(servers: dict[str, Any]) -> Any:
    return servers["shop"].create_app(stateful=True, seed=5)


def test_textbook_pets_are_created_read_listed_changed_and_deleted(shop: Any) -> None:
    rex = call(shop, "POST", "/pets", json={"name": "Rex", "tag": "dog"})
    tom = call(shop, "POST", "/pets", json={"name": "Tom"})
    assert (rex.status_code, tom.status_code) == (201, 201), (rex.text, tom.text)
    assert rex.json()["name"] == "Rex" and rex.json()["tag"] == "dog"
    assert tom.json()["name"] == "Tom"
    ids = [rex.json()["id"], tom.json()["id"]]
    assert ids == [1, 2]  # integer ids count, per collection

    assert call(shop, "GET", f"/pets/{ids[0]}").json() == rex.json()
    assert call(shop, "GET", "/pets").json() == [rex.json(), tom.json()]

    changed = call(shop, "PATCH", f"/pets/{ids[1]}", json={"tag": "cat"})
    assert changed.status_code == 200 and changed.json() == {"id": 2, "name": "Tom", "tag": "cat"}
    replaced = call(shop, "PUT", f"/pets/{ids[0]}", json={"name": "Rex II"})
    assert replaced.status_code == 200 and replaced.json()["name"] == "Rex II"
    assert call(shop, "GET", f"/pets/{ids[0]}").json()["name"] == "Rex II"

    assert call(shop, "DELETE", f"/pets/{ids[0]}").status_code == 204
    assert call(shop, "GET", f"/pets/{ids[0]}").status_code == 404
    assert call(shop, "GET", "/pets").json() == [changed.json()]
    # A replace does not create where a POST is what creates.
    assert call(shop, "PUT", "/pets/99", json={"name": "Ghost"}).status_code == 404


def test_ids_look_like_their_schema(shop: Any) -> None:
    orders = [call(shop, "POST", "/orders", json={"item": f"book {n}"}).json() for n in range(2)]
    assert orders[0]["id"] != orders[1]["id"]
    assert all(uuid.UUID(order["id"]) for order in orders)
    notes = [call(shop, "POST", "/notes", json={"text": t}).json() for t in ("a", "b")]
    assert [note["id"] for note in notes] == ["1", "2"]  # a plain string id counts as text
    assert call(shop, "GET", f"/orders/{orders[1]['id']}").json() == orders[1]
    assert call(shop, "GET", "/notes/2").json() == {"id": "2", "text": "b"}
    # Counters are the collection's own: a pet after orders and notes is still pet 1.
    assert call(shop, "POST", "/pets", json={"name": "Rex"}).json()["id"] == 1


def test_a_gid_in_a_data_envelope_identifies_a_project(shop: Any) -> None:
    first = call(shop, "POST", "/projects", json={"data": {"name": "Launch", "notes": "q3"}})
    second = call(shop, "POST", "/projects", json={"data": {"name": "Hiring"}})
    assert (first.status_code, second.status_code) == (201, 201), first.text
    launch, hiring = first.json()["data"], second.json()["data"]
    assert (launch["name"], launch["notes"], hiring["name"]) == ("Launch", "q3", "Hiring")
    assert launch["gid"] != hiring["gid"]

    assert call(shop, "GET", f"/projects/{launch['gid']}").json() == {"data": launch}
    assert [p["gid"] for p in call(shop, "GET", "/projects").json()["data"]] == [
        launch["gid"],
        hiring["gid"],
    ]
    renamed = call(shop, "PUT", f"/projects/{hiring['gid']}", json={"data": {"name": "Hiring 2"}})
    assert renamed.status_code == 200 and renamed.json()["data"]["name"] == "Hiring 2"
    assert call(shop, "GET", f"/projects/{hiring['gid']}").json()["data"]["name"] == "Hiring 2"
    assert call(shop, "DELETE", f"/projects/{launch['gid']}").status_code == 200
    assert call(shop, "GET", f"/projects/{launch['gid']}").status_code == 404


def test_a_uuid_field_identifies_a_device_and_a_list_s_one_array_holds_them(shop: Any) -> None:
    made = [call(shop, "POST", "/devices", json={"label": label}).json() for label in "ab"]
    assert made[0]["uuid"] != made[1]["uuid"] and uuid.UUID(made[0]["uuid"])
    assert call(shop, "GET", f"/devices/{made[1]['uuid']}").json() == made[1]
    listed = call(shop, "GET", "/devices").json()
    assert listed["items"] == made and isinstance(listed["total"], int)
    assert call(shop, "GET", f"/devices/{uuid.UUID(int=7)}").status_code == 404


def test_a_name_the_client_chooses_identifies_a_bucket(shop: Any) -> None:
    made = call(shop, "POST", "/buckets", json={"name": "photos", "region": "eu"})
    assert made.json() == {"name": "photos", "region": "eu"}
    assert call(shop, "GET", "/buckets/photos").json() == {"name": "photos", "region": "eu"}
    assert call(shop, "GET", "/buckets/videos").status_code == 404
    assert call(shop, "DELETE", "/buckets/photos").status_code == 204
    assert call(shop, "GET", "/buckets/photos").status_code == 404


def test_the_path_parameter_s_own_name_identifies_a_user(shop: Any) -> None:
    call(shop, "POST", "/users", json={"username": "ada", "email": "ada@example.com"})
    call(shop, "POST", "/users", json={"username": "alan", "email": "alan@example.com"})
    assert call(shop, "GET", "/users/ada").json() == {"username": "ada", "email": "ada@example.com"}
    assert call(shop, "GET", "/users/alan").json()["email"] == "alan@example.com"
    updated = call(shop, "PUT", "/users/ada", json={"username": "ada", "firstName": "Ada"})
    assert updated.json()["firstName"] == "Ada"
    assert call(shop, "DELETE", "/users/alan").status_code == 204
    assert call(shop, "GET", "/users/alan").status_code == 404
    assert call(shop, "GET", "/users/ada").status_code == 200


def test_a_put_creates_under_the_path_s_id_then_replaces(shop: Any) -> None:
    assert call(shop, "GET", "/things/lamp").status_code == 404
    created = call(shop, "PUT", "/things/lamp", json={"label": "Lamp", "size": 3})
    assert created.status_code == 201, created.text
    assert created.json() == {"id": "lamp", "label": "Lamp", "size": 3}
    assert call(shop, "GET", "/things/lamp").json() == created.json()

    replaced = call(shop, "PUT", "/things/lamp", json={"label": "Desk lamp"})
    assert replaced.status_code == 200 and replaced.json()["label"] == "Desk lamp"
    call(shop, "PUT", "/things/chair", json={"label": "Chair"})
    assert [t["id"] for t in call(shop, "GET", "/things").json()] == ["lamp", "chair"]


def test_a_put_creates_under_an_integer_path_id_typed_as_the_field(shop: Any) -> None:
    booked = call(shop, "PUT", "/slots/7", json={"who": "Ada"})
    assert booked.status_code == 200 and booked.json() == {"id": "7", "who": "Ada"}
    assert call(shop, "GET", "/slots/7").json() == booked.json()
    assert call(shop, "GET", "/slots/8").status_code == 404


def test_the_start_up_report_says_what_is_kept_and_what_is_canned(
    servers: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        app = servers["shop"].create_app(stateful=True)
    table = {entry.operation_id: entry for entry in app.stateful_table}
    assert table["getStatus"].kind == "canned" and table["getStatus"].resource is None
    assert str(table["createPet"]) == "POST /pets (createPet): create in /pets"
    assert str(table["putThing"]) == (
        "PUT /things/{thingId} (putThing): replace (creates when missing) in /things by thingId"
    )
    assert str(table["getProject"]) == (
        "GET /projects/{project_gid} (getProject): read in /projects by project_gid"
    )
    assert {e.resource.id_property for e in app.stateful_table if e.resource} == {
        "id",
        "gid",
        "uuid",
        "name",
        "username",
    }
    assert app.collections == [
        "/pets",
        "/orders",
        "/notes",
        "/projects",
        "/devices",
        "/buckets",
        "/users",
        "/things",
        "/slots",
    ]
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert logged == [app.stateful_report()]
    report = logged[0]
    assert "Shop (stub), stateful: 30 operations keep state on 9 collections, 1 answer canned\n" in report
    assert "GET /status (getStatus): canned" in report.split("answer canned (documented")[1]
    # The plain stub says nothing of the kind.
    caplog.clear()
    with caplog.at_level(logging.INFO):
        servers["shop"].create_app()
    assert not caplog.records


def test_a_stateful_stub_without_collections_says_so(
    servers: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        app = servers["clock"].create_app(stateful=True)
    assert [e.kind for e in app.stateful_table] == ["canned", "canned"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "Clock (stub), stateful: no operation creates items the stub can keep"
        " (no collection found in the paths): every answer is canned"
    ]
    assert call(app, "GET", "/time").json() == {"now": "12:00"}


def test_the_command_line_reports_at_start_up(
    servers: dict[str, Any], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = servers["shop"]
    runtime = importlib.import_module(server.serve_main.__module__)
    started: list[Any] = []
    monkeypatch.setattr(runtime, "run", lambda app, **options: started.append(app))
    with caplog.at_level(logging.INFO):
        server.main(["--stateful", "--port", "0"])
    assert started and started[0].stateful
    assert any("operations keep state on 9 collections" in r.getMessage() for r in caplog.records)
