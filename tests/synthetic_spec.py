"""A synthetic OpenAPI document of any size, shaped like the big real ones.

`synthetic_spec(n)` writes `n` resources. Each has a collection and an item
path (POST creates, GET lists with a page, GET/PATCH/DELETE the item), a
nested action path below the item, query parameters with enums, a request
body with inline objects (named by their position, as Graph's are), a tagged
union, an `allOf` subclass, descriptions and examples. Everything the
generator decides per operation or per schema is exercised, so a cost that
grows faster than the document (a scan of every path for every operation)
shows when two sizes are compared (`tests/test_scale.py`).
"""

from __future__ import annotations

from typing import Any


def _resource(i: int) -> tuple[dict[str, Any], dict[str, Any]]:
    name = f"Widget{i}"
    ref = {"$ref": f"#/components/schemas/{name}"}
    item_path = f"/widgets{i}/{{widget{i}Id}}"
    id_param = {"name": f"widget{i}Id", "in": "path", "required": True, "schema": {"type": "string"}}
    schemas = {
        name: {
            "title": name,
            "type": "object",
            "description": f"A widget of kind {i}.",
            "required": ["id", "name"],
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string", "example": "spanner"},
                "size": {"type": "integer", "minimum": 0, "default": 1},
                "colour": {"type": "string", "enum": ["red", "green", "blue"]},
                "made": {"type": "string", "format": "date-time"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "owner": {"$ref": f"#/components/schemas/Owner{i}"},
                "shape": {"$ref": f"#/components/schemas/Shape{i}"},
                "dimensions": {
                    "type": "object",
                    "properties": {"width": {"type": "number"}, "height": {"type": "number"},
                                   "unit": {"type": "object", "properties": {"code": {"type": "string"}}}},
                },
            },
        },
        f"Owner{i}": {"title": f"Owner{i}", "type": "object", "properties": {"email": {"type": "string"}}},
        f"Circle{i}": {"title": f"Circle{i}", "type": "object", "required": ["kind"],
                       "properties": {"kind": {"type": "string", "enum": ["circle"]}, "radius": {"type": "number"}}},
        f"Square{i}": {"title": f"Square{i}", "type": "object", "required": ["kind"],
                       "properties": {"kind": {"type": "string", "enum": ["square"]}, "side": {"type": "number"}}},
        f"Shape{i}": {
            "title": f"Shape{i}",
            "oneOf": [{"$ref": f"#/components/schemas/Circle{i}"}, {"$ref": f"#/components/schemas/Square{i}"}],
            "discriminator": {"propertyName": "kind", "mapping": {
                "circle": f"#/components/schemas/Circle{i}", "square": f"#/components/schemas/Square{i}"}},
        },
        f"Special{name}": {"title": f"Special{name}", "allOf": [ref, {"type": "object", "properties": {"extra": {"type": "boolean"}}}]},
    }
    answer = {"description": "ok", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"data": ref}}, "example": {"data": {"id": "w1", "name": "spanner"}}}}}
    listing = {"description": "ok", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"data": {"type": "array", "items": ref}, "next": {"type": "string"}}}}}}
    paths = {
        f"/widgets{i}": {
            "get": {
                "operationId": f"listWidgets{i}", "tags": [f"widgets{i}"], "summary": f"List widgets of kind {i}",
                "parameters": [
                    {"name": "pageKey", "in": "query", "schema": {"type": "string"}},
                    {"name": "pageLimit", "in": "query", "schema": {"type": "integer"}},
                    {"name": "orderby", "in": "query", "style": "form", "explode": False, "schema": {
                        "type": "array", "items": {"type": "string", "enum": ["name", "name desc", "size"]}}},
                ],
                "responses": {"200": listing},
            },
            "post": {
                "operationId": f"createWidget{i}", "tags": [f"widgets{i}"],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["name"], "properties": {
                        "name": {"type": "string"}, "colour": {"type": "string", "enum": ["red", "green", "blue"]},
                        "options": {"type": "object", "properties": {"fast": {"type": "boolean"}}}}}}}},
                "responses": {"201": answer, "400": {"description": "bad"}},
            },
        },
        item_path: {
            "parameters": [id_param],
            "get": {"operationId": f"getWidget{i}", "tags": [f"widgets{i}"], "responses": {"200": answer}},
            "patch": {"operationId": f"updateWidget{i}", "tags": [f"widgets{i}"],
                      "requestBody": {"content": {"application/json": {"schema": ref}}}, "responses": {"200": answer}},
            "delete": {"operationId": f"deleteWidget{i}", "tags": [f"widgets{i}"], "responses": {"204": {"description": "gone"}}},
        },
        f"{item_path}/polish": {
            "post": {
                "operationId": f"polishWidget{i}", "tags": [f"widgets{i}"], "parameters": [id_param],
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object", "properties": {"shine": {"type": "string", "enum": ["matt", "gloss"]},
                                                     "passes": {"type": "object", "properties": {"count": {"type": "integer"}}}}}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"value": {"type": "array", "items": {
                        "type": "object", "properties": {"done": {"type": "boolean"}}}}}}}}}},
            },
        },
    }
    return paths, schemas


def synthetic_spec(resources: int, first: int = 0) -> dict[str, Any]:
    """An OpenAPI 3.0 document with `resources` resources of six operations and
    seven schemas each, numbered from `first` (specs numbered apart share no
    names, so no cache of names makes one cheaper after the other)."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for i in range(first, first + resources):
        more_paths, more_schemas = _resource(i)
        paths.update(more_paths)
        schemas.update(more_schemas)
    return {
        "openapi": "3.0.3",
        "info": {"title": "Widgets", "version": "1.0.0", "description": "Synthetic widgets."},
        "servers": [{"url": "https://widgets.example.com/v1"}],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    }
