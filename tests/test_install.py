"""dixagen as a user gets it: a wheel built from this checkout, installed in a fresh virtual environment.

Every other test imports the generator from the checkout, where `templates/` sits beside
`generator/`; these run the installed `dixagen` command from a folder outside the checkout, so a
file the distribution forgets to ship fails here. The dependency check reads pyproject.toml against
the generator's own imports.
"""

from __future__ import annotations

import ast
import filecmp
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import ROOT

# Import names of the distributions the generator declares (where the two differ).
_IMPORT_NAMES = {"pyyaml": "yaml", "openapi-spec-validator": "openapi_spec_validator", "jsonschema-path": "jsonschema_path"}


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _clean_env() -> dict[str, str]:
    """The environment without anything that would put the checkout on the import path."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    # Built from a copy of what the distribution is made of, so parallel builds share no build/ folder.
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in ("generator", "templates"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    # The sdist first, then the wheel from the sdist (as `python -m build` does): both must be whole.
    built = _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, source, cwd=dist)
    assert built.returncode == 0, built.stderr
    (found,) = dist.glob("dixagen-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin` folder of a fresh virtual environment holding the wheel with its `serve` extra."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    done = _run(bin_dir / "python", "-m", "pip", "install", "--quiet", f"{wheel}[serve]", cwd=env_dir, env=_clean_env())
    assert done.returncode == 0, done.stderr
    return bin_dir


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A copy of this project's inputs and committed output, outside the checkout."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    shutil.copytree(ROOT / "stubs", tmp_path / "stubs")
    shutil.copytree(ROOT / "generated", tmp_path / "generated", ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    return tmp_path


def test_the_wheel_ships_every_template(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {
        "generator/templates/" + p.relative_to(ROOT / "templates").as_posix()
        for p in (ROOT / "templates").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert templates and templates <= names, sorted(templates - names)


def test_the_installed_generator_is_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    where = _run(installed / "python", "-c", "import generator; print(generator.__file__)", cwd=tmp_path, env=_clean_env())
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(installed.parent), where.stdout


def test_the_installed_dixagen_regenerates_the_committed_output(installed: Path, project: Path) -> None:
    shutil.rmtree(project / "generated" / "dixa_sdk" / "v1" / "models")  # it must really write, not find
    done = _run(installed / "dixagen", "generate", cwd=project, env=_clean_env())
    assert done.returncode == 0, done.stderr
    _assert_same_tree(ROOT / "generated", project / "generated")
    check = _run(installed / "dixagen", "generate", "--check", cwd=project, env=_clean_env())
    assert check.returncode == 0, check.stdout + check.stderr


def _assert_same_tree(expected: Path, actual: Path) -> None:
    """`actual` holds exactly the committed files of `expected`, byte for byte."""
    listed = _run("git", "ls-files", "-z", ".", cwd=expected)
    assert listed.returncode == 0, listed.stderr
    committed = set(filter(None, listed.stdout.split("\0")))
    written = {p.relative_to(actual).as_posix() for p in actual.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert written == committed
    _, mismatch, errors = filecmp.cmpfiles(expected, actual, sorted(committed), shallow=False)
    assert not mismatch and not errors, mismatch + errors


def test_the_installed_dixagen_diffs_as_the_checkout_does(installed: Path, project: Path) -> None:
    args = ["diff", "specs/dixa-v1.yaml", "specs/dixa-beta.yaml", "--strip-prefix", "/v1", "--strip-prefix", "/beta"]
    mine = _run(installed / "dixagen", *args, cwd=project, env=_clean_env())
    theirs = _run(sys.executable, "-m", "generator", *args, cwd=ROOT)
    assert mine.returncode == theirs.returncode == 0, mine.stderr
    assert mine.stdout.strip()
    assert mine.stdout == theirs.stdout


def test_the_installed_dixagen_serves_a_stub(installed: Path, project: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(installed / "dixagen"), "serve", "v1", "--port", str(port), "--log-level", "warning"],
        cwd=project, env=_clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/agents", headers={"Authorization": "key"})
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(request, timeout=5) as answer:
                    assert answer.status == 200
                    assert b'"data"' in answer.read()
                    break
            except OSError:
                assert server.poll() is None, server.communicate()[1]
                assert time.monotonic() < deadline, "the stub did not answer within 60 s"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)


# Modules of the generator that only an extra's command runs, and that extra.
EXTRA_MODULES = {"release/publish.py": "release"}


def _third_party_imports(extra: str | None = None) -> set[str]:
    """Top-level names the generator imports that are neither its own nor the standard library's:
    those of its core modules, or with `extra` those of the modules that extra serves."""
    names: set[str] = set()
    for path in (ROOT / "generator").rglob("*.py"):
        if EXTRA_MODULES.get(path.relative_to(ROOT / "generator").as_posix()) != extra:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "generator"}


def test_every_runtime_dependency_is_imported_and_every_import_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower() for spec in project["dependencies"]}
    as_imports = {_IMPORT_NAMES.get(name, name.replace("-", "_")) for name in declared}
    assert as_imports == _third_party_imports()
    for extra in set(EXTRA_MODULES.values()):
        needs = {re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower() for spec in project["optional-dependencies"][extra]}
        assert {_IMPORT_NAMES.get(n, n.replace("-", "_")) for n in needs} == _third_party_imports(extra) - as_imports


def test_a_generate_spec_package_builds_into_a_wheel_that_installs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["generate", "--spec", str(ROOT / "specs" / "integrations-v1.yaml"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / "pyproject.toml").is_file()
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = dist.glob("integrations_v1-*.whl")
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    shutil.rmtree(out)  # what imports is the installed copy
    code = (
        "import integrations_v1, integrations_v1.models, integrations_v1.server, importlib.resources as r;"
        "print(integrations_v1.__file__);"
        "print(r.files('integrations_v1').joinpath('py.typed').is_file(),"
        " r.files('integrations_v1').joinpath('server_operations.json').is_file())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**_clean_env(), "PYTHONPATH": str(target)},
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    where, data = done.stdout.splitlines()
    assert where.startswith(str(target)) and data == "True True"
