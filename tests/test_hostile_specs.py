"""Hostile input: every spec ends in bounded time and memory, either as a
package that imports or as a located error (exit 1, file and JSON pointer,
no traceback) that names the limit of `generator.limits` it exceeds."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import limits
from generator.ir.passes.naming import snake

MINIMAL = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
OPERATION = "paths:\n  /a:\n    get:\n      operationId: getA\n      responses: {'200': {description: ok}}\n"


def _schema_200(schema: str) -> str:
    return (
        "paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n"
        f"          description: ok\n          content: {{application/json: {{schema: {schema}}}}}\n"
    )


def _limit_memory() -> None:
    # 3 GiB of address space: a run that expands without bound fails instead of filling the machine.
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))


def dixagen(*args: str, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True, text=True, cwd=cwd, timeout=timeout, preexec_fn=_limit_memory,
    )


def generate(spec: Path, out: Path, *extra: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return dixagen("generate", "--spec", str(spec), "--out", str(out), "--package", "pkg", *extra, timeout=timeout)


def assert_located(result: subprocess.CompletedProcess[str], spec: Path, *needles: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert str(spec) in result.stderr, result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


# -- 1. resource limits -----------------------------------------------------------------


def test_yaml_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines, previous = ["a: &a [x, x, x, x, x, x, x, x, x]"], "a"
    for name in "bcdefghijklm":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    spec = tmp_path / "bomb.yaml"
    spec.write_text(MINIMAL + "x-bomb:\n" + "".join(f"  {line}\n" for line in lines) + OPERATION)
    assert len(spec.read_bytes()) < 1_000
    started = time.monotonic()
    result = generate(spec, tmp_path / "out", timeout=60)
    assert_located(result, spec, "#/x-bomb/", "MAX_ALIAS_NODES")
    assert time.monotonic() - started < 30


def test_a_few_aliases_are_fine(tmp_path: Path) -> None:
    spec = tmp_path / "aliases.yaml"
    spec.write_text(
        MINIMAL + "x-shared: &s {type: string}\n" + _schema_200("{type: object, properties: {a: *s, b: *s}}")
    )
    result = generate(spec, tmp_path / "out")
    assert result.returncode == 0, result.stderr


def test_a_long_ref_chain_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "chain.yaml"
    links = "".join(f"    S{i}: {{$ref: '#/components/schemas/S{i + 1}'}}\n" for i in range(10_000))
    spec.write_text(
        MINIMAL + _schema_200("{$ref: '#/components/schemas/S0'}") + "components:\n  schemas:\n" + links
        + "    S10000: {type: string}\n"
    )
    result = generate(spec, tmp_path / "out", timeout=120)
    assert_located(result, spec, "#/paths/~1a/get/responses/200/content/application~1json/schema/$ref", "MAX_REF_CHAIN")


@pytest.mark.parametrize("suffix", ["json", "yaml"])
def test_deep_nesting_is_a_located_error(suffix: str, tmp_path: Path) -> None:
    spec = tmp_path / f"deep.{suffix}"
    depth = 100_000 if suffix == "json" else 500
    if suffix == "json":
        spec.write_text('{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "x-deep": '
                        + "[" * depth + "]" * depth + "}")
    else:
        spec.write_text(MINIMAL + "paths: {}\nx-deep:\n" + "".join("  " * (i + 1) + "- \n" for i in range(depth)))
    result = generate(spec, tmp_path / "out")
    assert_located(result, spec, "MAX_DEPTH")


def test_json_nested_just_past_the_limit_is_refused_with_its_pointer(tmp_path: Path) -> None:
    spec = tmp_path / "deep.json"
    depth = limits.MAX_DEPTH + 5
    spec.write_text(json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
                                "x-deep": json.loads("[" * depth + "]" * depth)}))
    result = dixagen("validate", str(spec))
    assert_located(result, spec, "#/x-deep/0/0/0", "MAX_DEPTH")


# -- 3. names ----------------------------------------------------------------------------


def test_name_splitting_is_linear() -> None:
    started = time.monotonic()
    assert snake("A" * 100_000) == "a" * 100_000
    assert snake("Ab" * 50_000 + "A" * 50_000).startswith("ab_ab_")
    assert time.monotonic() - started < 2
    assert [snake(t) for t in ("URLPath", "ABCdEFg", "conversationId", "HTTPServerURL", "XMLHttpRequest")] == [
        "url_path", "ab_cd_e_fg", "conversation_id", "http_server_url", "xml_http_request"
    ]


def test_a_huge_parameter_name_is_a_located_error(tmp_path: Path) -> None:
    spec = tmp_path / "name.yaml"
    spec.write_text(MINIMAL + OPERATION.replace(
        "      responses:", "      parameters:\n      - {name: " + "A" * 100_000 + ", in: query, schema: {type: string}}\n      responses:"
    ))
    started = time.monotonic()
    result = generate(spec, tmp_path / "out")
    assert_located(result, spec, "#/paths/~1a/get/parameters/0/name", "MAX_NAME_LENGTH")
    assert time.monotonic() - started < 30
    assert len(result.stderr) < 1_000  # the name itself is not echoed


# -- 2. what a $ref may read ------------------------------------------------------------


def test_ref_to_a_device_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "zero.yaml"
    spec.write_text(MINIMAL + _schema_200("{$ref: '/dev/zero#/X'}"))
    result = generate(spec, tmp_path / "out", timeout=30)
    assert_located(result, spec, "/dev/zero", "outside the folders a $ref may read")


def test_ref_to_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    spec = tmp_path / "fifo.yaml"
    spec.write_text(MINIMAL + _schema_200("{$ref: 'pipe.yaml#/X'}"))
    result = generate(spec, tmp_path / "out", timeout=30)
    assert_located(result, spec, "pipe.yaml: error: not a regular file")


def test_ref_outside_the_spec_folder_needs_an_allowed_folder(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "common.yaml").write_text("Name: {type: string}\n")
    (tmp_path / "api").mkdir()
    spec = tmp_path / "api" / "spec.yaml"
    spec.write_text(MINIMAL + _schema_200("{$ref: '../shared/common.yaml#/Name'}"))
    assert_located(generate(spec, tmp_path / "out"), spec, "outside the folders a $ref may read")
    allowed = generate(spec, tmp_path / "out", "--allow-refs-under", str(tmp_path / "shared"))
    assert allowed.returncode == 0, allowed.stderr
    assert dixagen("validate", "--allow-refs-under", str(tmp_path / "shared"), str(spec)).returncode == 0


# -- 4. escaping for TOML, Python and the terminal -------------------------------------


def _import_check(out: Path) -> subprocess.CompletedProcess[str]:
    probe = (
        "import tomllib, pathlib; tomllib.loads(pathlib.Path('pyproject.toml').read_text(encoding='utf-8'));"
        "import pkg, pkg.models, pkg.client, pkg.server; print(pkg.__doc__.splitlines()[0])"
    )
    return subprocess.run([sys.executable, "-c", probe], cwd=out, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("title", "shown"),
    [("x😀y \"q\" \\ \t", "x😀y"), ("x\ud800y", "x\ufffdy"), ("bell\u0007 del\u007f", "bell")],
)
def test_any_title_gives_valid_toml_and_an_importable_package(title: str, shown: str, tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    document = {"openapi": "3.0.3", "info": {"title": title, "version": "1"},
                "paths": {"/a": {"get": {"operationId": "getA", "responses": {"200": {"description": "ok"}}}}}}
    spec.write_text(json.dumps(document))  # ensure_ascii: the lone surrogate is written as its escape
    result = generate(spec, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    checked = _import_check(tmp_path / "out")
    assert checked.returncode == 0, checked.stderr
    assert shown in checked.stdout


def test_tomlstr_escapes_for_toml() -> None:
    import tomllib

    from generator.rendering.common import tomlstr

    for text in ["x😀y", 'a"b\\c', "\x00\x1b\n\t\x7f\r\b\f", "plain ü", "\ud83d", "\U0010ffff"]:
        assert tomllib.loads("a = " + tomlstr(text))["a"] == text.replace("\ud83d", "\ufffd")


def test_diagnostics_show_control_characters_escaped(tmp_path: Path) -> None:
    spec = tmp_path / "forge.yaml"
    # The path is part of the pointer of the duplicate operationId, which is printed as it is.
    spec.write_text(MINIMAL + OPERATION + '  "/b\\e[31mRED\\nforged.yaml:1: error: fake\\u202e":\n'
                    "    get: {operationId: getA, responses: {'200': {description: ok}}}\n")
    result = dixagen("validate", str(spec))
    assert result.returncode == 1
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert "#/paths/~1b\\x1b[31mRED\\x0aforged.yaml:1: error: fake\\u202e/get/operationId: error:" in result.stderr
    assert all(line.startswith(str(spec)) for line in result.stderr.splitlines()), result.stderr


# -- 5. the package's name ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["json", "typing", "pydantic", "httpx", "fastapi", "class", "ℌ", "naïve", "1x", "a-b"])
def test_package_names_that_cannot_work_are_usage_errors(name: str, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(MINIMAL + OPERATION)
    result = dixagen("generate", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", name)
    assert result.returncode == 2, result.stderr
    assert "--package" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_spec_named_like_a_module_gets_a_package_that_does_not_shadow_it(tmp_path: Path) -> None:
    from generator.config import package_name_for

    assert package_name_for(Path("json.yaml")) == "api_json"
    assert package_name_for(Path("Ünïcode-API.yaml")) == "n_code_api"
    assert package_name_for(Path("petstore.yaml")) == "petstore"


# -- 7. output and processes --------------------------------------------------------------

KILL_BETWEEN_RENAMES = """
import os, signal, sys
from pathlib import Path
from generator.output import write
target = Path(sys.argv[1]).resolve()
rename = Path.rename
def rename_then_die(self, destination):
    result = rename(self, destination)
    if self == target:  # the old output moved aside, the new one not yet in place
        os.kill(os.getpid(), signal.SIGKILL)
    return result
Path.rename = rename_then_die
write.write_tree(target, {"__init__.py": "NEW = 1\\n"})
"""


def test_a_kill_between_the_renames_of_the_swap_is_recovered_by_the_next_run(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(MINIMAL + OPERATION)
    out = tmp_path / "out"
    assert generate(spec, out).returncode == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    killed = subprocess.run([sys.executable, "-c", KILL_BETWEEN_RENAMES, str(out / "pkg")], capture_output=True)
    assert killed.returncode == -9, killed.stderr
    checked = dixagen("generate", "--check", "--spec", str(spec), "--out", str(out), "--package", "pkg")
    assert checked.returncode == 0, checked.stdout + checked.stderr  # the previous output is back, unchanged
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in out.iterdir()) == ["pkg", "pyproject.toml"]


def test_output_folders_follow_the_umask(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(MINIMAL + OPERATION)
    for mask, mode in ((0o022, 0o755), (0o027, 0o750)):
        out = tmp_path / f"out{mask:o}"
        result = subprocess.run(
            [sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--out", str(out), "--package", "pkg"],
            capture_output=True, text=True, timeout=120, preexec_fn=lambda mask=mask: os.umask(mask),
        )
        assert result.returncode == 0, result.stderr
        assert (out / "pkg").stat().st_mode & 0o777 == mode
        assert (out / "pkg" / "models").stat().st_mode & 0o777 == mode


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(child) for child in (task / "children").read_text().split()}
        except OSError:
            pass
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_the_diff_worker_dies_with_the_command(tmp_path: Path) -> None:
    """`dixagen diff` reads the old spec in a forked worker (`reading.worker`)."""
    from .conftest import SPECS

    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "diff", str(SPECS["beta"]), str(SPECS["beta"])],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while not workers and time.monotonic() < deadline and process.poll() is None:
        workers = _children(process.pid)
        time.sleep(0.05)
    assert workers, "the command ended before its worker could be seen"
    process.kill()
    process.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:
        os.kill(pid, 9)
    assert not left, "the worker outlived the command"


# -- 6. what the generator accepts works ----------------------------------------------------


def _nested(depth: int) -> str:
    schema = "{type: string}"
    for level in range(depth):
        schema = f"{{type: object, properties: {{p{level}: {schema}}}}}"
    return schema


def test_deeply_nested_inline_schemas_are_a_located_error(tmp_path: Path) -> None:
    spec = tmp_path / "nested.yaml"
    spec.write_text(MINIMAL + _schema_200(_nested(50)))  # within MAX_DEPTH
    result = generate(spec, tmp_path / "out")
    assert_located(result, spec, "#/paths/~1a/get/responses/200/content/application~1json/schema/properties/p49/",
                   "MAX_SCHEMA_NESTING")
    assert not (tmp_path / "out").exists()


def test_inline_schemas_nested_within_the_limit_import(tmp_path: Path) -> None:
    spec = tmp_path / "nested.yaml"
    spec.write_text(MINIMAL + _schema_200(_nested(limits.MAX_SCHEMA_NESTING - 2)))
    assert generate(spec, tmp_path / "out").returncode == 0
    assert _import_check(tmp_path / "out").returncode == 0


@pytest.mark.parametrize("ref", ["#/x-list/name", "#/x-list/-", "#/x-list/0/nothing"])
def test_a_ref_into_a_list_by_a_name_does_not_resolve(ref: str, tmp_path: Path) -> None:
    spec = tmp_path / "list.yaml"
    spec.write_text(MINIMAL + _schema_200(f"{{$ref: '{ref}'}}") + "x-list: [{type: string}]\n")
    assert_located(generate(spec, tmp_path / "out"), spec, f"$ref '{ref}' does not resolve")


def test_a_schema_name_too_long_for_a_file_gets_a_shortened_module(tmp_path: Path) -> None:
    """Graph beta names inline types after deep positions, past 255 bytes: the
    class keeps its name, its module's file is shortened to fit."""
    name = "Very" + "Long" * 80
    spec = tmp_path / "long.yaml"
    spec.write_text(MINIMAL + _schema_200(f"{{$ref: '#/components/schemas/{name}'}}")
                    + f"components:\n  schemas:\n    {name}: {{type: object, properties: {{a: {{type: string}}}}}}\n")
    result = generate(spec, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    written = list((tmp_path / "out").rglob("*"))
    assert all(len(path.name.encode()) <= limits.MAX_FILE_NAME_BYTES for path in written)
    assert any(f"class {name}(" in path.read_text() for path in written if path.name.startswith("very_long_long"))


def test_unusable_header_names_and_paths_are_left_out_with_a_warning(tmp_path: Path) -> None:
    spec = tmp_path / "odd.yaml"
    spec.write_text(
        MINIMAL + OPERATION.replace("      responses:", "      parameters:\n"
                                    "      - {name: X-Tést, in: header, required: true, schema: {type: string}}\n"
                                    "      - {name: X-Ok, in: header, schema: {type: string}}\n      responses:")
        + "  b:\n    get: {operationId: getB, responses: {'200': {description: ok}}}\n"
    )
    out = tmp_path / "out"
    result = generate(spec, out)
    assert result.returncode == 0, result.stderr
    assert "#/paths/~1a/get/parameters/0/name: warning: header name 'X-Tést' is not an HTTP token" in result.stderr
    assert "#/paths/b: warning: path 'b' does not start with '/'" in result.stderr
    assert _import_check(out).returncode == 0
    client = (out / "pkg" / "client" / "_a.py").read_text()
    assert "X-Ok" in client and "X-Tést" not in client
    assert "get_b" not in "".join(p.read_text() for p in (out / "pkg" / "client").glob("*.py"))
    stub = (
        "from fastapi.testclient import TestClient\nfrom pkg.server import create_app\n"
        "answer = TestClient(create_app()).get('/a')\nassert answer.status_code == 200, answer.text\n"
    )
    started = subprocess.run([sys.executable, "-c", stub], cwd=out, capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr
