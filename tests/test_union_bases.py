"""A union's value is usable without telling its variants apart.

Every variant of Dixa's `Conversation` has `id`, `channel`, `requester_id` and
`created_at`; the shared pass declares them on `ConversationBase`, which every
variant and the union's fallback for unknown variants (`UnknownConversation`)
derive from. A user's loop over `list_conversations` then reads them with
full types under `mypy --strict` and pyright's strict mode, and the payloads
the variants write keep their order.

The same holds for a union in any spec (`dixagen generate --spec`).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dixa_sdk._runtime.models import UnknownVariant
from dixa_sdk.v1 import models

from .conftest import ROOT

PYRIGHT = Path(sys.executable).parent / "pyright"

USER_CODE = '''
from __future__ import annotations

from datetime import datetime
from uuid import UUID

from dixa_sdk.v1 import Client, models


def summaries(client: Client, user: UUID) -> list[tuple[int, str, UUID, datetime]]:
    out: list[tuple[int, str, UUID, datetime]] = []
    for conversation in client.end_users.list_conversations(user_id=user):
        out.append((conversation.id, conversation.channel.value, conversation.requester_id, conversation.created_at))
    return out


def first_ids(conversations: list[models.Conversation]) -> list[int]:
    return [c.id for c in conversations]


def id_of(value: object) -> int | None:
    if isinstance(value, models.ConversationBase):
        return value.id
    return None
'''

SPEC = """
openapi: 3.0.3
info: {title: Shapes, version: "1"}
paths:
  /shapes:
    get:
      operationId: listShapes
      responses:
        "200":
          description: the shapes
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Shape"}}
components:
  schemas:
    Shape:
      oneOf: [{$ref: "#/components/schemas/Circle"}, {$ref: "#/components/schemas/Square"}]
      discriminator: {propertyName: kind}
    Circle:
      type: object
      required: [kind, name, radius]
      properties:
        kind: {type: string}
        name: {type: string}
        radius: {type: number}
        color: {type: string}
    Square:
      type: object
      required: [kind, side, name]
      properties:
        kind: {type: string}
        side: {type: number}
        name: {type: string}
        color: {type: string}
"""

SPEC_CODE = '''
from __future__ import annotations

from shapes.models import Shape, ShapeBase


def names(shapes: list[Shape]) -> list[str]:
    return [s.name for s in shapes]


def colors(shapes: list[Shape]) -> list[str | None]:
    return [s.color for s in shapes]


def is_shape(value: object) -> bool:
    return isinstance(value, ShapeBase)
'''


def _check(folder: Path, files: list[str], search: Path) -> tuple[str, str]:
    """mypy --strict's and pyright's (strict mode) output on `files`."""
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(folder / ".mypy_cache"), "--no-pretty", *files],
        cwd=folder, capture_output=True, text=True, timeout=600, env={**os.environ, "MYPYPATH": str(search)},
    )
    (folder / "pyrightconfig.json").write_text(
        '{"typeCheckingMode": "strict", "pythonVersion": "3.11", "extraPaths": [%s]}' % f'"{search}"'
    )
    pyright = subprocess.run(
        [str(PYRIGHT), "--pythonpath", sys.executable, *files], cwd=folder, capture_output=True, text=True, timeout=600
    )
    return mypy.stdout + mypy.stderr, pyright.stdout + pyright.stderr


def test_user_code_reads_the_shared_fields_of_any_conversation(tmp_path: Path) -> None:
    (tmp_path / "user_code.py").write_text(USER_CODE)
    mypy, pyright = _check(tmp_path, ["user_code.py"], ROOT / "generated")
    assert "Success: no issues found" in mypy, mypy
    assert "0 errors" in pyright, pyright


def test_every_conversation_is_a_conversation_base_and_keeps_its_wire_order() -> None:
    wire = {
        "_type": "EmailConversation", "id": 7, "requesterId": "0b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a",
        "channel": "Email", "createdAt": "2024-01-02T03:04:05Z", "toEmail": "a@b.c", "fromEmail": "d@e.f",
        "integrationEmail": "x@email.dixa.io",
    }
    email = models.validate("Conversation", wire)
    assert type(email) is models.EmailConversation and isinstance(email, models.ConversationBase)
    # The base declares its fields for type checkers only: the variant's own order stays.
    assert list(models.EmailConversation.model_fields)[:3] == ["type", "id", "requester_id"]
    assert list(email.model_dump(by_alias=True))[:3] == ["_type", "id", "requesterId"]
    assert models.ConversationBase.model_fields == {}


def test_an_unknown_conversation_types_the_shared_fields() -> None:
    wire = {
        "_type": "CarrierPigeonConversation", "id": 9, "requesterId": "0b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a",
        "channel": "Pigeon", "createdAt": "2024-01-02T03:04:05Z", "wingspan": 3,
    }
    future = models.validate("Conversation", wire)
    assert type(future) is models.UnknownConversation
    assert isinstance(future, models.ConversationBase) and isinstance(future, UnknownVariant)
    assert future.id == 9 and future.created_at.year == 2024 and str(future.requester_id).startswith("0b8f")
    assert future.model_extra == {"_type": "CarrierPigeonConversation", "wingspan": 3}
    assert models.to_wire(future) == wire
    # Every variant has an id: the union's contract binds a variant added later too.
    with pytest.raises(ValueError):
        models.validate("Conversation", {"_type": "CarrierPigeonConversation", "channel": "Pigeon"})


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("shapes")
    (folder / "shapes.yaml").write_text(SPEC)
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--spec", str(folder / "shapes.yaml"), "--out",
         str(folder / "out"), "--package", "shapes"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return folder


def test_a_spec_union_gets_a_base_with_the_fields_its_variants_share(shapes: Path) -> None:
    base = (shapes / "out" / "shapes" / "models" / "shape_base.py").read_text()
    assert "name: str" in base and "color: str | None = None" in base
    assert "radius" not in base and "side" not in base  # not on every variant
    (shapes / "spec_code.py").write_text(SPEC_CODE)
    mypy, pyright = _check(shapes, ["spec_code.py"], shapes / "out")
    assert "Success: no issues found" in mypy, mypy
    assert "0 errors" in pyright, pyright
    probe = (
        "from shapes.models import ShapeBase, UnknownShape, validate\n"
        "circle = validate('Shape', {'kind': 'Circle', 'name': 'c', 'radius': 1})\n"
        "other = validate('Shape', {'kind': 'Star', 'name': 's', 'points': 5})\n"
        "assert isinstance(circle, ShapeBase) and type(other) is UnknownShape and other.name == 's'\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], cwd=shapes / "out", capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr


def test_mypy_and_pyright_refuse_a_field_not_every_variant_has(shapes: Path) -> None:
    (shapes / "wrong_code.py").write_text(
        "from shapes.models import Shape\n\n\ndef radii(shapes: list[Shape]) -> list[float]:\n"
        "    return [s.radius for s in shapes]\n"
    )
    mypy, pyright = _check(shapes, ["wrong_code.py"], shapes / "out")
    assert 'wrong_code.py:5: error: Item "Square" of' in mypy, mypy
    assert 'Cannot access attribute "radius" for class "Square"' in pyright, pyright


PLAIN_UNION = """
openapi: 3.0.3
info: {title: Plain, version: '1'}
paths:
  /pets:
    post:
      operationId: createPet
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
      responses: {'201': {description: made, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}}
components:
  schemas:
    Pet:
      oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
    Cat:
      type: object
      required: [name]
      properties: {name: {type: string}, lives: {type: integer}}
    Dog:
      type: object
      required: [name]
      properties: {name: {type: string}, good: {type: boolean}}
"""


def test_variants_of_a_plain_union_derive_from_its_base_in_a_consistent_order(spec_package: Any) -> None:
    """No discriminator, plain `APIModel` variants: the union's base must come
    before the runtime's base it derives from, or no class can be created."""
    spec_package("plain_union", PLAIN_UNION)
    pets = importlib.import_module("plain_union.models")
    for name in ("Cat", "Dog"):
        variant = getattr(pets, name)
        assert issubclass(variant, pets.PetBase), variant.__mro__
    cat = pets.validate("Pet", {"name": "Tom", "lives": 9})
    assert isinstance(cat, pets.PetBase) and cat.name == "Tom"
