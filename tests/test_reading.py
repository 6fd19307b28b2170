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


# An answer whose example its schema refuses: the lints warn, and the stub answers a synthesized value.
OFF_SCHEMA = """openapi: 3.0.3
info: {title: ok, version: '1'}
paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
              examples:
                fine: {value: {name: Rex}}
                wrong: {value: {name: 7}}
components:
  schemas:
    Pet: {type: object, properties: {name: {type: string}}}
"""


def _linted(tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    with Reading(_specs(tmp_path, a=OFF_SCHEMA, b=VALID), strict=True) as reading:
        loaded = reading.finish()
    response = loaded["a"].api.operations[0].responses[0]
    return [w.message for w in loaded["a"].warnings + loaded["b"].warnings], dict(response.off_schema)


def test_lints_beside_the_rendering_find_what_they_find_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A small spec's lints run in a forked process while this one renders;
    what they find comes back onto the IR and the warnings as when they run here."""
    from generator.reading import read

    forked: list[int] = []
    monkeypatch.setattr(read, "worker_pool", lambda: (forked.append(1), read_worker_pool())[1])
    beside = _linted(tmp_path)
    assert forked == [1]  # one process for both specs
    monkeypatch.setattr(read, "LINT_BESIDE_BYTES", 0)
    here = _linted(tmp_path)
    assert forked == [1]
    assert beside == here
    warnings, off_schema = here
    assert list(off_schema) == ["wrong"] and any("example 'wrong'" in w for w in warnings)


def _die(name: str) -> None:
    import os

    os._exit(3)


def test_a_lint_process_that_dies_is_run_again_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.reading import read

    monkeypatch.setattr(read, "_lint_forked", _die)
    warnings, off_schema = _linted(tmp_path)
    assert list(off_schema) == ["wrong"] and any("example 'wrong'" in w for w in warnings)


def read_worker_pool() -> object:
    from generator.reading.worker import worker_pool

    return worker_pool()
