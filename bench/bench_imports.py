"""What the generated SDK costs a program at start, over what it imports anyway.

- client: `from dixa_sdk.v1 import Client`, a client over an in-memory
  transport (`httpx2.MockTransport`) and one typed call (`end_users.get`)
  whose canned answer is parsed into its model, against a bare
  `import pydantic, httpx2`; target: at most 0.15 s of CPU over it.
- stub, stub (stateful): `create_app()` of `dixa_sdk.v1.server` (and with
  `stateful=True`) against a bare `import fastapi, uvicorn`; target: at most
  0.2 s of CPU over it.
- stub, first request: `create_app()` and one request through a client bound
  to it (`testing.client`, `end_users.get`): where the work `create_app()`
  no longer does goes (that operation's models, the spec's validators, the
  client); no target, for reading beside the others.

Cold: each figure is a fresh interpreter, as a test run or a script meets the
SDK, with its bytecode compiled as an installed package has it (into a
temporary cache, so the checkout stays clean). Rounds interleave subject and
baseline, so load on the machine falls on both; figures are medians
(BENCH_ROUNDS, default 5) of the child's CPU time (user + system, from
`getrusage`, meaningful on a busy machine) and of its wall time. Warm: the
same work once more in the process that did it cold (a second call, a second
`create_app()`), what each further use costs.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = max(5, int(os.environ.get("BENCH_ROUNDS", "5")))

_ANSWER = (
    "{'data': {'id': '0b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a', 'createdAt': '2024-01-02T03:04:05Z', "
    "'displayName': 'Alice', 'email': 'a@b.c', 'customAttributes': [{'id': "
    "'9b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a', 'identifier': 'plan', 'name': 'Plan', 'value': 'gold'}]}}"
)
_CLIENT = (
    "from dixa_sdk.v1 import Client\n"
    f"transport = httpx2.MockTransport(lambda request: httpx2.Response(200, json={_ANSWER}))\n"
    "client = Client(api_key='key', http_client=httpx2.Client(transport=transport))\n"
    "user = client.end_users.get(user_id='0b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a')\n"
    "assert user.display_name == 'Alice' and user.custom_attributes[0].identifier == 'plan'\n"
)
_WARM_CLIENT = "client.end_users.get(user_id='0b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a')"
_STUB = "from dixa_sdk.v1.server import create_app\napp = create_app({})\nassert app.routes\n"

_FIRST_REQUEST = (
    _STUB.format("")
    + "from dixa_sdk.v1 import testing\n"
    + "client = testing.client(app)\n"
    + "client.end_users.get(user_id='0b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a')\n"
)

# name: (baseline, subject run after it, the warm repetition, target in CPU seconds over the baseline)
CASES: dict[str, tuple[str, str, str, float | None]] = {
    "client": ("import pydantic, httpx2", _CLIENT, _WARM_CLIENT, 0.15),
    "stub": ("import fastapi, uvicorn", _STUB.format(""), "create_app()", 0.2),
    "stub (stateful)": (
        "import fastapi, uvicorn",
        _STUB.format("stateful=True"),
        "create_app(stateful=True)",
        0.2,
    ),
    "stub, first request": (
        "import fastapi, uvicorn",
        _FIRST_REQUEST,
        "client.end_users.get(user_id='0b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a')",
        None,
    ),
}
# The warm repetition, timed in the child itself once the cold work is done.
_WARM = "import time\nstarted = time.process_time()\n{warm}\nprint(time.process_time() - started)\n"


def _run(code: str, env: dict[str, str]) -> tuple[float, float, str]:
    """CPU (user + system) and wall seconds of a fresh interpreter running `code`, and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                            text=True, cwd=ROOT / "generated", env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, result.stdout


def main() -> dict[str, object]:
    figures: dict[str, object] = {"rounds (interleaved, medians)": ROUNDS}
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as cache:
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        for name, (baseline, subject, warm, target) in CASES.items():
            code = f"{baseline}\n{subject}"
            timed = f"{code}{_WARM.format(warm=warm)}"
            _run(timed, env)  # compiles the bytecode of both
            bare: list[tuple[float, float]] = []
            ours: list[tuple[float, float]] = []
            warms: list[float] = []
            for _ in range(ROUNDS):
                cpu, wall, _output = _run(baseline, env)
                bare.append((cpu, wall))
                cpu, wall, output = _run(timed, env)
                ours.append((cpu, wall))
                warms.append(float(output.split()[-1]))
            over_cpu = statistics.median(o[0] - b[0] for o, b in zip(ours, bare))
            over_wall = statistics.median(o[1] - b[1] for o, b in zip(ours, bare))
            base_cpu = statistics.median(b[0] for b in bare)
            figures[f"{name}: baseline `{baseline}`"] = (
                f"cpu {base_cpu:.3f} s, wall {statistics.median(b[1] for b in bare):.3f} s"
            )
            verdict = "" if target is None else (
                f"; target <= {target} s: {'met' if over_cpu <= target else 'MISSED'}"
            )
            figures[f"{name}: cold, over the baseline"] = (
                f"cpu {over_cpu:.3f} s (x{(base_cpu + over_cpu) / base_cpu:.2f} of the baseline{verdict}), "
                f"wall {over_wall:.3f} s"
            )
            figures[f"{name}: warm, once more in the same process"] = (
                f"cpu {statistics.median(warms) * 1000:.1f} ms"
            )
    return figures


if __name__ == "__main__":
    for key, value in main().items():
        print(f"{key}: {value}")
