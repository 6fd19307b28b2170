"""The generated SDK as a user installs it for their tests: the wheel of generated/,
with its `server` extra, in a fresh virtual environment. The wheel brings httpx2 and
not httpx, and the user's own test file, run by pytest with warnings as errors,
uses the fixtures of the SDK's pytest plugin (found by its entry point, with no
conftest) to create an end user and read it back, sync and async. PyPI's
`dixa-api-client`, whose import package is `dixa`, is installed beside it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import ROOT

USER_TESTS = '''
import pytest

from dixa_sdk.v1 import models
from dixa_sdk.v1.client import AsyncClient, Client


def test_an_end_user_reads_back(dixa_v1_client):
    assert isinstance(dixa_v1_client, Client)
    alice = dixa_v1_client.end_users.create(models.CreateEndUserInput(display_name="Alice"))
    assert dixa_v1_client.end_users.get(user_id=alice.id).display_name == "Alice"


def test_the_next_test_gets_a_new_stub(dixa_v1_client):
    assert list(dixa_v1_client.end_users.list()) == []


@pytest.mark.anyio
async def test_an_end_user_reads_back_async(dixa_v1_async_client, dixa_v1_stub):
    assert isinstance(dixa_v1_async_client, AsyncClient)
    bob = await dixa_v1_async_client.end_users.create(models.CreateEndUserInput(display_name="Bob"))
    assert (await dixa_v1_async_client.end_users.get(user_id=bob.id)).display_name == "Bob"
    assert [user.display_name async for user in await dixa_v1_async_client.end_users.list()] == ["Bob"]


def test_another_distributions_dixa_package_lives_beside_it():
    # PyPI's dixa-api-client installs a top-level `dixa` package; the SDK's import
    # name is its own, so neither overwrites the other.
    from importlib.metadata import packages_distributions

    import dixa
    import dixa_sdk

    owners = packages_distributions()
    assert owners["dixa"] == ["dixa-api-client"]
    assert owners["dixa_sdk"] == ["dixa-sdk"]
    assert dixa.__file__ != dixa_sdk.__file__
    assert dixa_sdk.DixaError.__module__.startswith("dixa_sdk.")


def test_the_stub_of_another_api(dixa_integrations_stub, dixa_beta_client):
    assert dixa_integrations_stub.stateful
    assert dixa_beta_client.base_url == "http://stub.test"
'''


def _env() -> dict[str, str]:
    """The environment without anything that puts the checkout on the import path."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTEST_ADDOPTS")}


def _run(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin` folder of a fresh virtual environment holding the SDK's wheel with
    its `server` extra, and pytest (which a user's project brings itself)."""
    source = tmp_path_factory.mktemp("source")  # a copy: building in place would leave build/ in generated/
    shutil.copytree(ROOT / "generated", source, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    dist = tmp_path_factory.mktemp("dist")
    env = _env()
    built = _run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", dist, source,
                 cwd=dist, env=env)
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = dist.glob("dixa_sdk-*.whl")
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    done = _run(bin_dir / "python", "-m", "pip", "install", "--quiet", f"{wheel}[server]", "pytest",
                # another distribution with a `dixa` package, beside which the SDK must install
                "dixa-api-client",
                cwd=env_dir, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return bin_dir


def test_the_wheel_brings_httpx2_and_not_httpx(environment: Path, tmp_path: Path) -> None:
    probe = (
        "import importlib.metadata as m, importlib.util as u\n"
        "print(m.version('httpx2'), u.find_spec('httpx') is None)\n"
        "print(sorted(r.split(';')[0].split('>')[0].split('=')[0].strip() for r in m.requires('dixa-sdk')))\n"
    )
    done = _run(environment / "python", "-c", probe, cwd=tmp_path, env=_env())
    assert done.returncode == 0, done.stderr
    version_line, requires_line = done.stdout.splitlines()
    version, absent = version_line.split()
    assert int(version.split(".")[0]) >= 2 and absent == "True"
    assert "httpx2" in requires_line and "'httpx'" not in requires_line


def test_a_users_tests_pass_with_the_plugins_fixtures(environment: Path, tmp_path: Path) -> None:
    (tmp_path / "test_users_code.py").write_text(USER_TESTS)
    done = _run(environment / "python", "-m", "pytest", "-q", "-W", "error", "-p", "no:cacheprovider",
                "test_users_code.py", cwd=tmp_path, env=_env())
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "5 passed" in done.stdout, done.stdout[-2000:]


def test_the_plugin_loads_without_the_server_extra(environment: Path, tmp_path: Path) -> None:
    """pytest imports the plugin in every run where the SDK is installed: it must not
    need FastAPI for that; a fixture that does says what to install."""
    (tmp_path / "conftest.py").write_text("import sys\nsys.modules['fastapi'] = None  # as if not installed\n")
    (tmp_path / "test_plain.py").write_text(
        "def test_plain():\n    assert True\n\n"
        "def test_stub(dixa_v1_stub):\n    pass\n"
    )
    done = _run(environment / "python", "-m", "pytest", "-q", "-W", "error", "-p", "no:cacheprovider",
                "test_plain.py", cwd=tmp_path, env=_env())
    assert "1 passed, 1 error" in done.stdout, done.stdout[-3000:]
    assert 'pip install "dixa-sdk[server]"' in done.stdout
