"""The stub's operation table (`stub/table.py`): types named in it are looked up
the first time a field naming one is read, not when the table is loaded.

Imported from `templates/runtime` (not `generated/`): an edit to the runtime
is tested without regenerating.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.runtime_source import runtime

table = runtime("stub.table")


def _counting(names: dict[str, Any]) -> tuple[Any, list[str]]:
    made: list[str] = []

    def maker(name: str, value: Any) -> Any:
        def make() -> Any:
            made.append(name)
            return value

        return make

    return table.LazyTypes({name: maker(name, value) for name, value in names.items()}), made


def _entry() -> dict[str, Any]:
    return {
        "operation_id": "getThing",
        "summary": "",
        "method": "GET",
        "path": "/things/{id}",
        "params": [{"name": "id", "location": "path", "type": "int", "required": True}],
        "body": {"type": "list[int]", "content_type": "application/json"},
        "replies": [{"status": "200", "type": "str"}, {"status": "404"}],
        "resource": {"role": "read", "collection": "/things", "item": "dict[str, int]"},
    }


def test_a_loaded_operation_makes_its_types_when_a_field_is_first_read() -> None:
    types, made = _counting({"int": int, "list[int]": list[int], "str": str, "dict[str, int]": dict[str, int]})
    op = table._operation(_entry(), types)
    assert "int" in types and made == []  # membership makes nothing either
    assert op.params[0].type is int
    assert made == ["int"]
    assert op.body.type == list[int] and op.replies[0].type is str and op.replies[1].type is None
    assert op.resource.item == dict[str, int]
    op.params[0].type  # read again: made once, kept
    assert made == ["int", "list[int]", "str", "dict[str, int]"]


def test_the_fields_stay_frozen_and_built_in_code_as_before() -> None:
    param = table.Param("id", "path", int)
    assert param.type is int and table.Reply("204").type is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        param.type = str  # type: ignore[misc]
    assert dataclasses.replace(param, type=str).type is str
    assert param == table.Param("id", "path", int)


def test_a_table_naming_a_type_its_module_lacks_fails_when_loaded() -> None:
    types, _made = _counting({"int": int})
    with pytest.raises(KeyError, match="getThing: no type 'list\\[int\\]'"):
        table._operation(_entry(), types)
