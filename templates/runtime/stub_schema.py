"""The stub server's check of requests against the spec itself.

The generated models parse a request, but they are lenient by design (a client
must not fail on a field the API adds, a number sent for a string, a variant it
does not know yet), so a stub checking with them alone accepts what the API
refuses. Each generated `server_operations` module therefore ships the spec as
the wire speaks it (`server_openapi.json`: the spec with its tagged unions'
tags and the stub's own statuses written in), and a request's parameters and
body are also validated against their schemas there, formats (`uuid`,
`date-time`, the bounds of `int32` and `int64`) included, with
openapi-schema-validator.

Validators are built on first use of each schema, and kept.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Sequence

from jsonschema.exceptions import (  # type: ignore[import-untyped]  # jsonschema ships no types
    ValidationError,
    best_match,
)
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30WriteValidator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)
from referencing import Registry
from referencing.jsonschema import DRAFT4, DRAFT202012

__all__ = ["WireSchemas", "load_wire_schemas"]

_URI = "urn:stub:wire"


class WireSchemas:
    """Validators of the schemas of one wire document, by JSON pointer."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._oas30 = str(document.get("openapi", "3.0")).startswith("3.0")
        spec = DRAFT4 if self._oas30 else DRAFT202012
        self._registry: Registry[Any] = Registry().with_resource(
            _URI, spec.create_resource(document)
        )
        self._validators: dict[tuple[str, bool], Any] = {}

    def problems(self, pointer: str, value: Any, limit: int = 3) -> list[str]:
        """What is wrong with `value` by the schema at `pointer`, most relevant
        first, each as `message at 'where'`; empty when it is valid."""
        errors = list(self._validator(pointer).iter_errors(value))
        if not errors:
            return []
        first = best_match(errors)
        ordered = [first, *(e for e in errors if e is not first)] if first is not None else errors
        return [_described(error) for error in ordered[:limit]]

    def error_paths(self, pointer: str, answer: Any) -> list[tuple[Any, ...]]:
        """Where an answer breaks the schema at `pointer` (paths into it)."""
        errors = self._validator(pointer, request=False).iter_errors(answer)
        return [tuple(error.absolute_path) for error in errors]

    def _validator(self, pointer: str, request: bool = True) -> Any:
        """A request's validator (a `readOnly` field may not be sent) or an answer's."""
        validator = self._validators.get((pointer, request))
        if validator is None:
            if self._oas30:
                cls = OAS30WriteValidator if request else OAS30ReadValidator
            else:
                cls = OAS31Validator
            checker = oas30_format_checker if self._oas30 else oas31_format_checker
            validator = self._validators[pointer, request] = cls(
                {"$ref": f"{_URI}#{pointer}"}, registry=self._registry, format_checker=checker
            )
        return validator


def _described(error: ValidationError) -> str:
    where = _where(list(error.absolute_path))
    return f"{error.message} at '{where}'" if where else error.message


def _where(path: Sequence[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_wire_schemas(package: str) -> WireSchemas | None:
    """The wire document of the generated API package `package`, if it has one
    (a spec whose references leave its file has none)."""
    source = resources.files(package).joinpath("server_openapi.json")
    if not source.is_file():
        return None
    return WireSchemas(json.loads(source.read_text(encoding="utf-8")))
