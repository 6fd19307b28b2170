"""Names from a spec that Python reserves: tags, schemas, properties, parameters and enum values
spelled like keywords (`True`, `None`, `class`), builtins the generated code calls (`vars`), or
the runtime's own classes (`AsyncResource`). The whole package must import, work and type-check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

SPEC = ROOT / "tests" / "cases" / "reserved_names" / "spec.yaml"


def _generate(out: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--spec", str(SPEC), "--out", str(out), "--package", "rsv"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr


def test_reserved_names_import_work_and_pass_mypy_strict(tmp_path: Path, mypy_cache: Path) -> None:
    _generate(tmp_path)
    script = """
import asyncio, httpx2
import rsv.models as m
from rsv.client import AsyncClient, Client
from rsv.server import create_app
from fastapi.testclient import TestClient

assert m.Vars.NONE.value == "None" and m.Vars.NONE_2.value == "none" and m.Vars.CLASS.value == "class"
value = m.validate("True", {"class": "a", "None": "n", "self": 1, "type": "t", "model_config": "c"})
assert (value.class_, value.none, value.self, value.type, value.model_config_) == ("a", "n", 1, "t", "c")
assert m.to_wire(value) == {"class": "a", "None": "n", "self": 1, "type": "t", "model_config": "c"}
assert m.validate("None", {"print": "p", "isinstance": True}).isinstance is True
# Classes called like the names a model module imports keep their names.
for name in ("Field", "Tag", "Any", "UUID", "DateTime", "Literal", "Annotated", "ClassVar",
             "UnknownVariant", "TaggedModel", "APIModel", "OpenEnum", "SchemaRegistry", "TypedDict", "NotRequired"):
    assert getattr(m, name).__name__ == name, name
shape = m.validate("Shape", {"kind": "field", "fieldName": "f", "id": "5f0c8a3e-3f1c-4b55-9d8e-0d7f6b1f7a10",
                             "at": "2024-01-02T03:04:05Z", "tags": [{"kind": "tag", "label": "a"}]})
assert isinstance(shape, m.Field) and isinstance(shape.tags[0], m.Tag) and shape.field_name == "f"
assert m.validate("Shape", {"kind": "tag"}).__class__ is m.Tag
assert m.to_wire(m.Field(kind="field", field_name="g"))["fieldName"] == "g"

with TestClient(create_app()) as http:
    client = Client(base_url="http://testserver", http_client=http)
    answer = client.true.get(none="x", class_="y", self_query="z")
    assert isinstance(answer, m.TrueModel), answer
    assert client.none.get() in list(m.Vars)
    assert client.vars.create(body=m.NoneModel(print="p")) is None
    assert client.async_resource.get() is None and client.resource.get() is None

async def main() -> None:
    http = httpx2.AsyncClient(transport=httpx2.ASGITransport(create_app()), base_url="http://testserver")
    async with AsyncClient(base_url="http://testserver", http_client=http) as client:
        assert isinstance(await client.true.get(class_="y"), m.TrueModel)
        assert await client.async_resource.get() is None

asyncio.run(main())
"""
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-4000:]
    assert (tmp_path / "rsv" / "models" / "vars_.py").exists()
    models = tmp_path / "rsv" / "models"
    assert "from pydantic import Field as _Field\n" in (models / "field.py").read_text()
    assert "from pydantic import Tag as _Tag\n" in (models / "shape.py").read_text()
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-pretty", "--cache-dir", str(mypy_cache), "rsv"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert mypy.returncode == 0, mypy.stdout[-4000:]
