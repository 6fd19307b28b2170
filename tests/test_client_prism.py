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
import subprocess
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from .client_cases import case, load
from .conftest import ROOT, SPECS
from .processes import free_port, not_listening, stop

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


@pytest.fixture(scope="module")
def prism_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "SCARF_ANALYTICS": "false"}
    log = tmp_path_factory.mktemp("prism") / "prism.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [_prism(), "mock", str(SPECS["v1"]), "-h", "127.0.0.1", "-p", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
        )
        try:
            why = not_listening(process, port, timeout=90, interval=0.2)
            if why is not None:
                pytest.fail(f"prism did not start ({why}):\n{log.read_text(errors='replace')[-4000:]}")
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(process, timeout=10)


def test_every_v1_get_operation_against_prism(prism_url: str, generated_package: Any) -> None:
    from dixa_sdk.v1 import OPERATIONS, Client

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
        assert isinstance(raw.http_response, httpx2.Response) and raw.status_code == 200
        assert all(user.id for user in client.end_users.list(page_limit=2))
    assert not failures, "\n".join(failures)
