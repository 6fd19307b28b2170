"""The stub's one synthesizer (`stub/synth.py`): values from the models, and
scalars from a schema to repair them with.

Imported from `templates/runtime` (not `generated/`): an edit to the runtime
is tested without regenerating.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from enum import Enum
from typing import Any

import pytest
from pydantic import TypeAdapter

from tests.runtime_source import runtime

synth = runtime("stub.synth")
models = runtime("models")


class Colour(Enum):
    RED = "red"
    BLUE = "blue"


class Note(models.CamelModel):  # type: ignore[misc, name-defined]
    note_id: str
    text: str
    created_at: datetime
    colour: Colour
    owner: uuid.UUID | None = None


class Tree(models.APIModel):  # type: ignore[misc, name-defined]
    name: str
    children: list[Tree] = []
    parent: Tree | None = None


def test_a_value_from_the_models_validates_against_them() -> None:
    value = synth.Synthesizer(1).value(list[Note])
    assert value and TypeAdapter(list[Note]).validate_python(value)
    note = value[0]
    assert set(note) == {"noteId", "text", "createdAt", "colour", "owner"}  # wire names
    uuid.UUID(note["noteId"])  # an id typed as a bare string is a UUID
    assert note["colour"] in ("red", "blue")


def test_the_same_seed_gives_the_same_value_and_another_another() -> None:
    assert synth.Synthesizer("s").value(Note) == synth.Synthesizer("s").value(Note)
    assert synth.Synthesizer("s").value(Note) != synth.Synthesizer("t").value(Note)


def test_a_recursive_model_ends() -> None:
    value = synth.Synthesizer(0).value(Tree)
    assert Tree.model_validate(value)
    depth, node = 0, value
    while node.get("parent"):
        depth, node = depth + 1, node["parent"]
    assert depth <= synth.FULL_DEPTH


@pytest.mark.parametrize(
    "schema, value",
    [
        ({"const": "fixed"}, "fixed"),
        ({"enum": ["b", "a"]}, "b"),
        ({"type": "integer"}, 1),
        ({"type": "integer", "minimum": 5}, 5),
        ({"type": "integer", "minimum": 5, "exclusiveMinimum": True}, 6),
        ({"type": "integer", "exclusiveMinimum": 9}, 10),
        ({"type": "number", "maximum": 0.5}, 0.5),
        ({"type": "boolean"}, True),
        ({"type": "string", "format": "uuid"}, "3fa85f64-5717-4562-b3fc-2c963f66afa6"),
        ({"type": "string", "format": "date"}, "2021-06-01"),
        ({"type": "string", "minLength": 10}, "stringggggg"[:10]),
        ({"type": "string", "maxLength": 3}, "str"),
        ({"type": "object", "properties": {}}, synth.NOTHING),
        ({"oneOf": [{"type": "string"}]}, synth.NOTHING),
    ],
)
def test_a_scalar_for_a_schema(schema: dict[str, Any], value: Any) -> None:
    assert synth.scalar_for(schema) == value


@pytest.mark.parametrize(
    "pattern",
    [
        r"^[A-Z]{2}-\d{3}$",
        r"^\+?[0-9 ]{6,}$",
        r"^(abc|def)+x?$",
        r"\w+@\w+\.com",
        r"^[^a]b\s?$",
        r"^.{3}$",
    ],
)
def test_a_string_the_pattern_finds(pattern: str) -> None:
    text = synth.from_pattern(pattern)
    assert text is not None and re.search(pattern, text)
    assert synth.scalar_for({"type": "string", "pattern": pattern}) == text


def test_a_pattern_that_cannot_be_read_gives_none() -> None:
    assert synth.from_pattern(r"(a)\1") is None  # a back reference
    assert synth.from_pattern("[") is None


def test_a_missing_field_starts_from_its_schema_through_references() -> None:
    document = {
        "Id": {"$ref": "#/Text"},
        "Text": {"type": "string", "format": "email"},
        "Loop": {"$ref": "#/Loop"},
    }

    def resolve(ref: str) -> Any:
        return document[ref.removeprefix("#/")]

    assert synth.schema_value({"$ref": "#/Id"}, resolve) == "user@example.com"
    assert synth.schema_value({"$ref": "#/Loop"}, resolve) == "value"
    assert synth.schema_value({"type": "array"}, resolve) == []
    assert synth.schema_value({"properties": {"a": {}}}, resolve) == {}
    assert synth.schema_value({"anyOf": [{"type": "integer", "minimum": 3}]}, resolve) == 3


def test_a_synthesized_answer_is_repaired_to_fit_the_spec() -> None:
    wire = runtime("stub.wire")
    document = {
        "openapi": "3.0.3",
        "components": {
            "schemas": {
                "Note": {
                    "type": "object",
                    "required": ["code", "size"],
                    "additionalProperties": False,
                    "properties": {
                        "code": {"type": "string", "pattern": "^N-[0-9]{4}$"},
                        "size": {"type": "integer", "minimum": 10, "maximum": 20},
                    },
                }
            }
        },
    }
    schemas = wire.WireSchemas(document)
    pointer = "/components/schemas/Note"
    value = synth.Synthesizer(0).value(dict[str, str])  # what models that knew nothing would give
    repaired = schemas.repaired(pointer, value)
    assert repaired == {"code": "N-1111", "size": 10}
    assert not schemas.error_paths(pointer, repaired)
