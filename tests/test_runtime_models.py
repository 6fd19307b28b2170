"""The models runtime on its own: date-times, open enums, tag dispatch."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Annotated, Literal

import pytest
from pydantic import Field, Tag, TypeAdapter

from dixa_sdk._runtime.models import (  # type: ignore[import-not-found]
    UNKNOWN_TAG,
    DateTime,
    APIModel,
    OpenEnum,
    TaggedModel,
    UnknownVariant,
    tag_discriminator,
    to_wire,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-12-01T12:46:36.581Z", datetime(2021, 12, 1, 12, 46, 36, 581000, tzinfo=timezone.utc)),
        ("2021-12-01T12:46:36.581Z[GMT]", datetime(2021, 12, 1, 12, 46, 36, 581000, tzinfo=timezone.utc)),
        ("2021-12-01T14:46:36+02:00[Europe/Copenhagen]",
         datetime(2021, 12, 1, 14, 46, 36, tzinfo=timezone(timedelta(hours=2)))),
        ("2021-12-01T12:46:35.935", datetime(2021, 12, 1, 12, 46, 35, 935000)),
    ],
)
def test_dixa_date_times_parse(text: str, expected: datetime) -> None:
    assert TypeAdapter(DateTime).validate_python(text) == expected


class Colour(OpenEnum):
    RED = "Red"


def test_open_enum_keeps_unknown_values_and_object_form() -> None:
    adapter = TypeAdapter(Colour)
    assert adapter.validate_python("Red") is Colour.RED
    unknown = adapter.validate_python("Ultraviolet")
    assert unknown == "Ultraviolet" and isinstance(unknown, Colour)
    assert adapter.dump_python(unknown, mode="json") == "Ultraviolet"
    tagged = adapter.validate_python({"_type": "Red"})
    assert tagged == Colour.RED and tagged.name == "RED"
    assert adapter.dump_python(tagged, mode="json") == {"_type": "Red"}


class Cat(TaggedModel):
    __wire_tag__ = "Cat"
    __tag_field__ = "type"
    type: Literal["Cat"] = Field(default="Cat", alias="_type")
    lives: int


class Dog(TaggedModel):
    __wire_tag__ = "Dog"
    __tag_field__ = "type"
    type: Literal["Dog"] = Field(default="Dog", alias="_type")
    name: str
    good: bool | None = None


Pet = Annotated[
    Annotated[Cat, Tag("Cat")] | Annotated[Dog, Tag("Dog")] | Annotated[UnknownVariant, Tag(UNKNOWN_TAG)],
    tag_discriminator("_type", {"Cat": Cat, "Dog": Dog}),
]


class Owner(APIModel):
    pet: Pet


def test_dispatch_by_tag_by_shape_and_unknown() -> None:
    adapter: TypeAdapter[object] = TypeAdapter(Pet)
    assert type(adapter.validate_python({"_type": "Dog", "name": "Rex"})) is Dog
    assert type(adapter.validate_python({"lives": 9})) is Cat  # no tag: by shape
    assert type(adapter.validate_python({"name": "Rex", "good": True})) is Dog
    unknown = adapter.validate_python({"_type": "Parrot", "words": 3})
    assert type(unknown) is UnknownVariant
    assert to_wire(unknown) == {"_type": "Parrot", "words": 3}


def test_variants_built_in_code_send_their_tag_and_parsed_ones_do_not_gain_one() -> None:
    assert Owner(pet=Cat(lives=3)).to_wire() == {"pet": {"_type": "Cat", "lives": 3}}
    assert to_wire(Owner.model_validate({"pet": {"lives": 3}})) == {"pet": {"lives": 3}}
    assert to_wire(Owner.model_validate({"pet": {"_type": "Cat", "lives": 3}})) == {"pet": {"_type": "Cat", "lives": 3}}


def test_importing_the_models_builds_nothing_and_loads_no_http_stack() -> None:
    """A fresh `import dixa_sdk.v1.models` defines classes only: no validator is
    built (building one loads pydantic's plugin machinery, importlib.metadata
    and the email package with it) and the client's HTTP stack stays unloaded;
    `to_wire` of a plain value builds what it needs on first use."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, dixa_sdk.v1.models as m\n"
        "loaded = sorted({'httpx2', 'importlib.metadata', 'email.message', 'dixa_sdk.v1.client'} & set(sys.modules))\n"
        "print(loaded, m.to_wire({'a': [1, 'x']}))\n"
    )
    generated = Path(__file__).resolve().parents[1] / "generated"
    result = subprocess.run([sys.executable, "-c", code], cwd=generated, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[] {'a': [1, 'x']}"
