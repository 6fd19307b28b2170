"""Loading: YAML and JSON, `$ref`s across files (with cycles), lines for diagnostics."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from generator.reading.load import load_document
from generator.reading.read import read_api

MAIN = """openapi: 3.0.3
info: {title: Split, version: '1'}
paths:
  /nodes/{id}:
    get:
      operationId: getNode
      parameters:
      - $ref: 'parts/parameters.yaml#/NodeId'
      responses:
        '200':
          description: a node
          content:
            application/json:
              schema: {$ref: 'parts/schemas.yaml#/Node'}
"""
PARAMETERS = """NodeId:
  name: id
  in: path
  required: true
  schema: {type: string}
"""
SCHEMAS = """Node:
  type: object
  required: [name]
  properties:
    name: {type: string}
    children:
      type: array
      items: {$ref: '#/Node'}
    owner: {$ref: 'people.json#/Person'}
"""
PEOPLE = {"Person": {"type": "object", "properties": {"name": {"type": "string"},
                                                      "manages": {"$ref": "schemas.yaml#/Node"}}}}


def split_spec(root: Path) -> Path:
    (root / "parts").mkdir(parents=True)
    (root / "api.yaml").write_text(MAIN)
    (root / "parts" / "parameters.yaml").write_text(PARAMETERS)
    (root / "parts" / "schemas.yaml").write_text(SCHEMAS)
    (root / "parts" / "people.json").write_text(json.dumps(PEOPLE))
    return root / "api.yaml"


def test_refs_across_files_with_cycles_build_named_types(tmp_path: Path) -> None:
    api = read_api(split_spec(tmp_path)).api
    assert {"Node", "Person"} <= set(api.types)
    (operation,) = api.operations
    assert [p.name for p in operation.parameters] == ["id"]
    assert api.types["Node"].file.endswith("schemas.yaml")


def test_split_spec_generates_and_round_trips(tmp_path: Path) -> None:
    spec = split_spec(tmp_path / "spec")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--out", str(out),
                             "--package", "split"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    payload = {"name": "root", "children": [{"name": "leaf"}], "owner": {"name": "Ann", "manages": {"name": "x"}}}
    probe = f"import split.models as m; p = {payload!r}; assert m.to_wire(m.validate('Node', p)) == p"
    run = subprocess.run([sys.executable, "-c", probe], cwd=out, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr


def test_lines_are_known_for_yaml(tmp_path: Path) -> None:
    spec = tmp_path / "a.yaml"
    spec.write_text("openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n  /a:\n    get: {}\n")
    document = load_document(spec)
    assert document.line_of("/paths/~1a/get") == 7
    assert document.line_of("/info/title") == 3
    assert document.data["info"]["version"] == "1"


def test_dates_in_yaml_stay_strings(tmp_path: Path) -> None:
    spec = tmp_path / "a.yaml"
    spec.write_text("openapi: 3.0.3\nexample: 2021-12-01\nwhen: 2021-12-01T12:46:36Z\n")
    document = load_document(spec)
    assert document.data["example"] == "2021-12-01" and document.data["when"] == "2021-12-01T12:46:36Z"


EDGES = """openapi: 3.1.0
info: {title: Edges, version: '1'}
x-links: {home: {$ref: '#/nowhere'}}
paths:
  /rules:
    post:
      operationId: postRule
      x-origin: {$ref: 'not-a-file.yaml#/x'}
      requestBody: {$ref: '#/components/requestBodies/Loop'}
      responses:
        '200':
          description: a rule
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Rule'}
              example: {operator: =, doc: {$ref: '#/missing'}}
              examples:
                one: {value: {operator: '<', doc: {$ref: '#/nope'}}}
components:
  requestBodies:
    Loop: {$ref: '#/components/requestBodies/Loop'}
  examples:
    Shared: {value: {$ref: '#/gone'}}
  schemas:
    Rule:
      type: object
      properties:
        operator: {type: string, enum: [=, '<', '>']}
        mode:
          type: string
          enum: [a, b, a]
"""


def _edges(tmp_path: Path) -> Path:
    spec = tmp_path / "edges.yaml"
    spec.write_text(EDGES)
    return spec


def test_yaml_value_key_reads_as_the_string(tmp_path: Path) -> None:
    """`operator: =` is YAML 1.1's "value" key type, which PyYAML refuses; in JSON data it is "="."""
    data = load_document(_edges(tmp_path)).data
    rule = data["components"]["schemas"]["Rule"]
    assert rule["properties"]["operator"]["enum"] == ["=", "<", ">"]
    assert data["paths"]["/rules"]["post"]["responses"]["200"]["content"]["application/json"]["example"]["operator"] == "="


def test_refs_in_extensions_and_examples_are_data(tmp_path: Path) -> None:
    """A `$ref` in `x-...` data or in example values is not followed: no "does not resolve",
    no "file cannot be read", and the values keep their `$ref` key."""
    loaded = read_api(_edges(tmp_path), strict=False)
    messages = [str(w) for w in loaded.warnings]
    assert not [m for m in messages if "$ref '#/" in m and "resolve" in m], messages
    assert not [m for m in messages if "cannot be read" in m], messages
    (operation,) = loaded.api.operations
    assert operation.extensions["x-origin"] == {"$ref": "not-a-file.yaml#/x"}
    assert operation.body is None


def test_self_referencing_body_and_repeated_enum_value_are_located_warnings(tmp_path: Path) -> None:
    spec = _edges(tmp_path)
    warnings = [str(w) for w in read_api(spec, strict=False).warnings]
    assert f"{spec}:9: #/paths/~1rules/post/requestBody/$ref: warning: the request body is a $ref " in "\n".join(warnings)
    assert any(w.startswith(f"{spec}:31: #/components/schemas/Rule/properties/mode/enum: warning: enum lists \"a\"") for w in warnings), warnings
    assert len(warnings) == 2, warnings  # nothing else: the data `$ref`s are not references


def test_edge_spec_generates_with_its_warnings_on_stderr(tmp_path: Path) -> None:
    spec = _edges(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "edges"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "leads back to itself" in result.stderr and "enum lists" in result.stderr
    assert "Traceback" not in result.stderr
