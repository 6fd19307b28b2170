"""The SDK's documentation works as written: the stub-server snippet and the pytest example of
docs/dixa-sdk.md run, the documented `python -m dixa_sdk.v1.server` starts, a server without its extra
says what to install, and the generated package's README is the SDK user's manual."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2

from .conftest import ROOT

README = (ROOT / "README.md").read_text()
SDK_DOC = (ROOT / "docs" / "dixa-sdk.md").read_text()
PACKAGE_README = (ROOT / "generated" / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", SDK_DOC, re.S)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "generated"), "DIXA_API_KEY": ""}


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "snippet.py"
    script.write_text(code)
    return subprocess.run(
        [sys.executable, "-W", "ignore::DeprecationWarning", str(script)],
        cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=120,
    )


def test_stub_server_snippet_runs_with_the_sync_and_the_async_client(tmp_path: Path) -> None:
    (block,) = [b for b in BLOCKS if "testing.create_stub" in b]
    assert "testing.client(app)" in block and "testing.async_client(app)" in block
    assert "TestClient" not in SDK_DOC + PACKAGE_README  # starlette's, on httpx: the SDK's own transports instead
    script = tmp_path / "snippet.py"
    script.write_text(block + "\nprint('done')\n")
    result = subprocess.run(  # warnings as errors: the in-process pattern must be clean
        [sys.executable, "-W", "error", str(script)],
        cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "done"


def test_pytest_example_passes_with_the_plugins_fixtures(tmp_path: Path) -> None:
    """docs/dixa-sdk.md's test file, run by pytest where dixa-sdk is installed (`make install`):
    the fixtures come from the distribution's `pytest11` entry point, not from a conftest."""
    (block,) = [b for b in BLOCKS if "dixa_v1_client" in b]
    (tmp_path / "test_end_users.py").write_text(block)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-W", "error", "-p", "no:cacheprovider", "-p", "no:xdist",
         "test_end_users.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "3 passed" in result.stdout


def test_documented_server_command_serves(tmp_path: Path) -> None:
    assert ".venv/bin/python -m dixa_sdk.v1.server --port 8080" in SDK_DOC
    assert "python -m dixa_sdk.v1.server --port 8080" in PACKAGE_README
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # As written: no PYTHONPATH, from another folder; `make install` (and `make generate`,
    # `make test`) put generated/ into the virtual environment.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    found = subprocess.run(
        [sys.executable, "-c", "import dixa_sdk, sys; sys.stdout.write(dixa_sdk.__file__)"],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )
    assert found.returncode == 0, f"dixa is not installed in {sys.prefix}: run `make install`\n{found.stderr}"
    assert Path(found.stdout).resolve().is_relative_to(ROOT / "generated")
    server = subprocess.Popen(
        [sys.executable, "-m", "dixa_sdk.v1.server", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = httpx2.get(f"http://127.0.0.1:{port}/v1/agents", headers={"Authorization": "k"})
                break
            except httpx2.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert answer.status_code == 200 and "data" in answer.json()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_server_without_its_extra_names_the_extra(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "sys.modules['fastapi'] = None  # as if FastAPI were not installed\n"
        "import dixa_sdk.v1.server\n"
    )
    result = _run(code, tmp_path)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError: the stub server needs the server extra (FastAPI, uvicorn, openapi-schema-validator): pip install ")
    assert last.endswith("(no module named 'fastapi')")
    # `dixa-sdk[server]` where the distribution is installed, the modules themselves where it is not
    assert 'pip install "dixa-sdk[server]"' in last or "pip install fastapi uvicorn openapi-schema-validator" in last
    assert last in SDK_DOC.replace("\n", " ") or "pip install fastapi uvicorn openapi-schema-validator" in last  # as docs/dixa-sdk.md quotes it


def test_readme_states_what_make_test_needs() -> None:
    assert "Node.js" in README and "npm" in README and "`make test` takes about" in README


def test_the_package_readme_is_the_sdk_manual() -> None:
    """What PyPI shows for dixa-sdk covers what an SDK user needs, in the package's own names."""
    headings = re.findall(r"^#+ (.+)$", PACKAGE_README, re.M)
    for heading in ("Client", "Errors", "Retries, timeouts and the deadline", "Raw responses", "Paging",
                    "Models", "Webhooks", "Stub server", "Testing your code against the stub"):
        assert heading in headings
    assert "from dixa_sdk import DixaError, NotFoundError" in PACKAGE_README
    assert "DIXA_API_KEY" in PACKAGE_README and "dixa_v1_client" in PACKAGE_README
    assert "dixa_sdk.v1.OPERATIONS" in PACKAGE_README
