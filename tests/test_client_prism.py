"""End to end against a mock server that is not ours: Stoplight Prism serves
`specs/dixa-v1.yaml` on 127.0.0.1 and the generated client calls every GET
operation and parses every answer.

Prism comes from the npm registry, pinned in `tests/npm/package.json`;
`make test` installs it (`make tests/npm/node_modules`). Without it this test
fails rather than skips: the end-to-end check is part of the suite.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .client_cases import case, load
from .conftest import ROOT, SPECS

NPM = ROOT / "tests" / "npm"
PRISM = NPM / "node_modules" / ".bin" / "prism"


def _prism() -> str:
    if not PRISM.exists():
        if shutil.which("npm") is None:
            pytest.fail("npm is not installed: install Node.js and npm, then `make tests/npm/node_modules`")
        subprocess.run(
            ["npm", "ci", "--prefix", str(NPM), "--ignore-scripts", "--no-audit", "--no-fund"],
            check=True, capture_output=True, timeout=600,
        )
    if not PRISM.exists():
        pytest.fail(f"{PRISM} is missing after `npm ci`: see tests/npm/package.json")
    return str(PRISM)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def prism_url() -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "SCARF_ANALYTICS": "false"}
    process = subprocess.Popen(
        [_prism(), "mock", str(SPECS["v1"]), "-h", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode(errors="replace") if process.stdout else ""
                pytest.fail(f"prism exited with {process.returncode}:\n{output[-4000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("prism did not start listening within 90 s")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_every_v1_get_operation_against_prism(prism_url: str, generated_package: Any) -> None:
    from dixa.v1 import OPERATIONS, Client

    api = load("v1")
    gets = [op for op in api.operations if op.method == "GET"]
    assert len(gets) > 40
    failures = []
    with Client(api_key="prism-key", base_url=prism_url, max_retries=0, timeout=30) as client:
        for operation in gets:
            resource, method = OPERATIONS[operation.operation_id].split(".")
            call = case(api, operation)
            try:
                result = getattr(getattr(client, resource), method)(**call.kwargs)
            except Exception as exc:  # every failure is collected and reported together
                failures.append(f"{operation.operation_id}: {type(exc).__name__}: {exc}")
                continue
            if call.payload is not None and result is None:
                failures.append(f"{operation.operation_id}: no payload")
        raw = client.with_raw_response.end_users.list()
        assert isinstance(raw.http_response, httpx.Response) and raw.status_code == 200
        assert all(user.id for user in client.end_users.list_iter(page_limit=2))
    assert not failures, "\n".join(failures)
