"""Reading several specs at once: each validated, then built, in this process."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import SpecError
from generator.reading.read import Reading

VALID = """openapi: 3.0.3
info: {title: ok, version: '1'}
paths: {}
components:
  schemas:
    Pet: {type: object, properties: {name: {type: string}}}
"""
# Valid enough to build, but `required` must not be empty in OpenAPI 3.0.
INVALID = VALID.replace("properties: {name: {type: string}}", "required: [], properties: {name: {type: string}}")


def _specs(tmp_path: Path, **texts: str) -> dict[str, Path]:
    paths = {}
    for name, text in texts.items():
        paths[name] = tmp_path / f"{name}.yaml"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def test_specs_are_built_and_validated(tmp_path: Path) -> None:
    with Reading(_specs(tmp_path, a=VALID, b=INVALID), strict=False) as reading:
        assert set(reading.apis) == {"a", "b"} and "Pet" in reading.apis["b"].api.types
        loaded = reading.finish()
    assert loaded["a"].warnings == []
    assert loaded["b"].warnings and all(w.severity == "warning" for w in loaded["b"].warnings)
    assert any(w.pointer.startswith("/components/schemas/Pet") for w in loaded["b"].warnings)


def test_strict_reading_refuses_the_first_invalid_spec_with_located_problems(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        with Reading(_specs(tmp_path, a=VALID, b=INVALID), strict=True) as reading:
            reading.finish()
    problems = caught.value.diagnostics
    assert problems and all(p.file.endswith("b.yaml") and p.severity == "error" for p in problems)
    assert any(p.pointer.startswith("/components/schemas/Pet") and p.line == 6 for p in problems)


def test_a_failure_while_using_an_invalid_spec_is_reported_as_its_problems(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        with Reading(_specs(tmp_path, b=INVALID), strict=True):
            raise KeyError("a renderer tripped over the invalid document")
    assert caught.value.diagnostics[0].pointer.startswith("/components/schemas/Pet")


def test_a_failure_with_valid_specs_is_not_hidden(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        with Reading(_specs(tmp_path, a=VALID), strict=True):
            raise KeyError("a bug")
