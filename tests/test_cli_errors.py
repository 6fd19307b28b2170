"""Bad input gets one clear, located line per problem, a non-zero exit and no traceback,
and a failed generation leaves the previous output untouched."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

MINIMAL = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
REF_200 = """paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: 'REF'}
"""

CASES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "empty file"),
    "binary": (b"openapi: 3.0.3\x00\x01\x02", "binary file"),
    "syntax": (b"openapi: 3.0.3\ninfo: [\n", ":3: error: YAML syntax error"),
    "not-a-mapping": (b"- a\n- b\n", "the document root must be a mapping, found list"),
    "dangling-local": (
        (MINIMAL + REF_200.replace("REF", "#/components/schemas/Missing")).encode(),
        ":11: #/paths/~1a/get/responses/200/content/application~1json/schema/$ref: error: $ref '#/components/schemas/Missing' does not resolve",
    ),
    "missing-file": (
        (MINIMAL + REF_200.replace("REF", "nothere.yaml#/Thing")).encode(),
        "nothere.yaml: error: file not found",
    ),
    "invalid": (
        (MINIMAL + "paths:\n  /a:\n    get:\n      responses:\n        '200': {description: 5}\n").encode(),
        ":7: #/paths/~1a/get/responses/200/description: error: 5 is not of type 'string'",
    ),
    "duplicate-operation-id": (
        (
            MINIMAL
            + "paths:\n  /a:\n    get: {operationId: same, responses: {'200': {description: ok}}}\n"
            + "  /b:\n    get: {operationId: same, responses: {'200': {description: ok}}}\n"
        ).encode(),
        "#/paths/~1b/get/operationId: error: duplicate operationId 'same' (first used at #/paths/~1a/get)",
    ),
    "undeclared-path-parameter": (
        (MINIMAL + "paths:\n  /a/{id}:\n    get: {operationId: x, responses: {'200': {description: ok}}}\n").encode(),
        "#/paths/~1a~1{id}/get: error: path parameter 'id' of GET /a/{id} is not declared in parameters",
    ),
    "swagger-2": (
        b'swagger: "2.0"\ninfo: {title: t, version: "1"}\npaths: {}\n',
        "#/swagger: error: Swagger 2.0 documents are not supported",
    ),
}


def dixagen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


# Problems that do not stop generation: `generate` warns (and `--strict` refuses).
NOT_FATAL = {"invalid", "duplicate-operation-id", "undeclared-path-parameter"}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_spec_is_reported_with_its_location(case: str, tmp_path: Path) -> None:
    content, expected = CASES[case]
    spec = tmp_path / "spec.yaml"
    spec.write_bytes(content)
    out = str(tmp_path / "out")
    for args in (["validate", str(spec)], ["generate", "--strict", "--spec", str(spec), "--out", out]):
        result = dixagen(*args)
        assert result.returncode == 1, (case, args, result)
        assert "Traceback" not in result.stderr
        assert expected in result.stderr, result.stderr
        assert str(spec) in result.stderr or "nothere.yaml" in result.stderr
    assert not (tmp_path / "out").exists()
    lenient = dixagen("generate", "--spec", str(spec), "--out", out)
    assert "Traceback" not in lenient.stderr
    if case in NOT_FATAL:
        assert lenient.returncode == 0, lenient.stderr
        assert expected.replace("error:", "warning:") in lenient.stderr
    else:
        assert lenient.returncode == 1
        assert expected in lenient.stderr


def test_valid_spec_validates() -> None:
    result = dixagen("validate", str(ROOT / "specs" / "dixa-v1.yaml"), str(ROOT / "specs" / "integrations-v1.yaml"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": valid") == 2


@pytest.mark.parametrize(
    "args",
    [["generate", "--spec", "x.yaml"], ["generate", "--package", "p"], ["nonsense"], ["validate"]],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = dixagen(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_failed_generation_leaves_previous_output_untouched(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(MINIMAL + "paths:\n  /a:\n    get: {operationId: getA, responses: {'200': {description: ok}}}\n")
    out = tmp_path / "out"
    assert dixagen("generate", "--spec", str(good), "--out", str(out), "--package", "pkg").returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL + REF_200.replace("REF", "#/components/schemas/Missing"))
    result = dixagen("generate", "--spec", str(bad), "--out", str(out), "--package", "pkg")
    assert result.returncode == 1
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in out.iterdir()) == ["pkg", "pyproject.toml"]  # no staging folders left behind


def test_check_reports_a_stale_tree_with_a_diff(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "specs").mkdir(parents=True)
    (project / "specs" / "api.yaml").write_text(
        MINIMAL + "paths:\n  /a:\n    get: {operationId: getA, responses: {'200': {description: ok}}}\n"
    )
    (project / "pyproject.toml").write_text(
        '[tool.dixagen]\nout = "generated"\ndistribution = "demo"\npackage = "demo"\n\n[tool.dixagen.apis]\nv1 = "specs/api.yaml"\n'
    )
    assert dixagen("generate", "--project", str(project)).returncode == 0
    assert dixagen("generate", "--check", "--project", str(project)).returncode == 0
    (project / "generated" / "demo" / "v1" / "models.py").write_text("# edited by hand\n")
    result = dixagen("generate", "--check", "--project", str(project))
    assert result.returncode == 1
    assert "-# edited by hand" in result.stdout
    assert "make generate" in result.stderr


# What openapi-spec-validator finds, as one line each: the absolute pointer of
# the value at fault (through `$ref`s, into other files), its line, and the
# reason, whichever of its two backends runs.
OTHER_FILE = "Thing:\n  type: object\n  properties:\n    name: {type: string, default: 5}\n"
PROBLEMS: dict[str, tuple[str, str]] = {
    "regex": (
        "paths:\n  /a:\n    get:\n      parameters:\n      - {name: q, in: query, schema: {type: string, pattern: '[x'}}\n"
        "      responses: {'200': {description: ok}}\n",
        ":7: #/paths/~1a/get/parameters/0/schema/pattern: error: '[x' is not a 'regex'",
    ),
    "parameter-location": (
        "paths:\n  /a:\n    get:\n      parameters:\n      - {name: q, in: querystring, schema: {type: string}}\n"
        "      responses: {'200': {description: ok}}\n",
        ":7: #/paths/~1a/get/parameters/0/in: error: 'querystring' is not one of ['path', 'query', 'header', 'cookie']",
    ),
    "schema-through-ref": (
        REF_200.replace("REF", "#/components/schemas/A")
        + "components:\n  schemas:\n    A: {type: object, required: name, properties: {name: {type: string}}}\n",
        ":14: #/components/schemas/A/required: error: 'name' is not of type 'array'",
    ),
    "deep-inline-schema": (
        REF_200.replace("{$ref: 'REF'}", "{type: array, items: {properties: {z: {type: integer, minimum: a}}}}"),
        ":11: #/paths/~1a/get/responses/200/content/application~1json/schema/items/properties/z/minimum: "
        "error: 'a' is not of type 'number'",
    ),
    "default-in-other-file": (
        REF_200.replace("REF", "other.yaml#/Thing"),
        "other.yaml:4: #/Thing/properties/name/default: error: 5 is not of type 'string'",
    ),
    "unexpected-property": (
        "paths: {}\nsource: {url: x}\n",
        ":4: #/source: error: unexpected property 'source'",
    ),
    "long-value": (
        "servers: {url: 'https://example.com/a/rather/long/address', description: 'the server of this API'}\npaths: {}\n",
        ":3: #/servers: error: the object is not of type 'array'",
    ),
}


@pytest.mark.parametrize("backend", ["jsonschema-rs", "jsonschema"])
@pytest.mark.parametrize("case", sorted(PROBLEMS))
def test_validator_findings_are_one_located_line(case: str, backend: str, tmp_path: Path) -> None:
    body, expected = PROBLEMS[case]
    spec = tmp_path / "spec.yaml"
    spec.write_text(MINIMAL + body)
    (tmp_path / "other.yaml").write_text(OTHER_FILE)
    result = subprocess.run(
        [sys.executable, "-m", "generator", "validate", str(spec)], capture_output=True, text=True, timeout=120,
        env={**os.environ, "OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND": backend},
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    # (The backends quote alike but for `type`: "array" or 'array'.)
    assert expected in lines[0].replace('"', "'") and len(lines) == len(set(lines)), result.stderr
    for line in lines:
        assert re.match(r"^\S+\.yaml:\d+: #/\S*: error: ", line), line
        assert len(line) < 400 and not re.search(r"[{\[].{60,}[}\]] ", line), line


def test_json_specs_say_the_line_too(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(
        '{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},\n'
        ' "paths": {"/a": {"get": {\n'
        '   "parameters": [{"name": "x", "in": "query", "schema": {"type": "string"}},\n'
        '                  {"name": "q",\n'
        '                   "in": "querystring", "schema": {"type": "string"}}],\n'
        '   "responses": {"200": {"description": "ok"}}}}},\n'
        ' "components": {"schemas": {"A": {"type": "object", "required": "name"}}}}\n'
    )
    result = dixagen("validate", str(spec))
    assert result.returncode == 1
    assert f"{spec}:5: #/paths/~1a/get/parameters/1/in: error: 'querystring' is not one of" in result.stderr
    assert f"{spec}:7: #/components/schemas/A/required: error: 'name' is not of type 'array'" in result.stderr


def test_generate_says_which_dialect_and_why(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(MINIMAL + "paths:\n  /a:\n    get: {operationId: getA, responses: {'200': {description: ok}}}\n")
    result = dixagen("generate", "--spec", str(good), "--out", str(tmp_path / "out"), "--package", "pkg")
    assert result.returncode == 0 and "pkg: plain dialect (no component schemas)" in result.stderr
    forced = dixagen("generate", "--spec", str(good), "--out", str(tmp_path / "out"), "--package", "pkg",
                     "--dialect", "tapir")
    assert "pkg: tapir dialect (asked for with --dialect)" in forced.stderr


def test_warnings_that_come_by_the_dozen_are_folded_and_validate_lists_them_all(tmp_path: Path) -> None:
    paths = "".join(
        f"  /things{i}:\n    get:\n      operationId: getThings{i}\n      responses:\n        '200':\n"
        "          description: ok\n          content:\n            application/json:\n"
        "              schema: {type: object, properties: {at: {type: string, format: date-time}}}\n"
        "              example: {at: '2021-12-01T12:46:36.581Z[GMT]'}\n"
        for i in range(5)
    )
    spec = tmp_path / "spec.yaml"
    spec.write_text(MINIMAL + "paths:\n" + paths)
    generated = dixagen("generate", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "pkg")
    assert generated.returncode == 0, generated.stderr
    located = [line for line in generated.stderr.splitlines() if "does not match its schema" in line]
    assert len(located) == 2 and all(f"{spec}:" in line and ": #/paths/" in line for line in located)
    assert f"{spec}: warning: 3 more examples with a value that is not a 'date-time'" in generated.stderr
    listed = dixagen("validate", str(spec))
    assert listed.returncode == 0 and f"{spec}: valid" in listed.stdout
    assert len([line for line in listed.stderr.splitlines() if "does not match its schema" in line]) == 5


def test_an_accepted_spelling_is_information_that_only_validate_lists(tmp_path: Path) -> None:
    """`[tool.dixagen.accepted-spellings]` declares Dixa's `…Z[GMT]` date-times once:
    `generate` prints nothing about examples that differ only by them, `validate`
    in the project's folder lists them as information, and an example with
    another problem besides is still a warning, about that problem."""
    project = tmp_path / "project"
    (project / "specs").mkdir(parents=True)
    schema = "{type: object, properties: {at: {type: string, format: date-time}, n: {type: integer}}}"
    spec = project / "specs" / "api.yaml"
    spec.write_text(
        MINIMAL
        + "paths:\n"
        + "".join(
            f"  /things{i}:\n    get:\n      operationId: getThings{i}\n      responses:\n        '200':\n"
            f"          description: ok\n          content:\n            application/json:\n"
            f"              schema: {schema}\n              example: {example}\n"
            for i, example in enumerate(
                ["{at: '2021-12-01T12:46:36.581Z[GMT]'}", "{at: '2021-12-01T12:46:36Z[GMT]', n: 'one'}"]
            )
        )
    )
    (project / "pyproject.toml").write_text(
        '[tool.dixagen]\nout = "generated"\ndistribution = "demo"\npackage = "demo"\n\n'
        "[tool.dixagen.accepted-spellings]\ndate-time = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z\\[GMT\\]'\n\n"
        '[tool.dixagen.apis]\nv1 = "specs/api.yaml"\n'
    )
    generated = dixagen("generate", "--project", str(project))
    assert generated.returncode == 0, generated.stderr
    assert "/things0" not in generated.stderr and "[GMT]" not in generated.stderr, generated.stderr
    assert ": warning: example 'example' of GET /things1 200 does not match its schema ('one' is not of type 'integer' at n)" in generated.stderr
    listed = dixagen("validate", "specs/api.yaml", cwd=project)
    assert listed.returncode == 0, listed.stderr
    assert ": info: example 'example' of GET /things0 200 does not match its schema" in listed.stderr
    assert ": warning: example 'example' of GET /things1 200" in listed.stderr
    elsewhere = dixagen("validate", str(spec), cwd=tmp_path)  # outside the project: no spelling is accepted
    assert ": warning: example 'example' of GET /things0 200" in elsewhere.stderr
