"""What the generated SDK costs a program at start: importing a client and
making one typed call, and building the stub server's app.

- client: `from dixa_sdk.v1 import Client`, a client over an in-memory transport,
  and one call (`agents.get`) whose answer is parsed into its model, against
  a bare `import pydantic, httpx`; target: at most 0.15 s over it.
- stub: `create_app()` of `dixa_sdk.v1.server` against a bare
  `import fastapi, uvicorn`; target: at most 0.2 s over it.

Each in a fresh interpreter with the bytecode compiled, as an installed
package has it; rounds interleave subject and baseline, figures are medians
(BENCH_ROUNDS, default 5) of CPU time (meaningful on a loaded machine) and
wall time.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", "5")))

_TIMED = (
    "import time; cpu = time.process_time(); wall = time.perf_counter(); {statement}; "
    "print(time.process_time() - cpu, time.perf_counter() - wall)"
)
_ANSWER = (
    "{'data': {'id': '0b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a', 'displayName': 'Alice', 'email': 'a@b.c', "
    "'createdAt': '2024-01-02T03:04:05Z'}}"
)
CASES = {
    "client": (
        "import pydantic, httpx",
        "from dixa_sdk.v1 import Client; "
        f"transport = httpx.MockTransport(lambda request: httpx.Response(200, json={_ANSWER})); "
        "client = Client(api_key='key', http_client=httpx.Client(transport=transport)); "
        "agent = client.agents.get(agent_id='0b8f6c3e-6f0e-4f7e-9a59-2c1f1b0e6b1a'); "
        "assert agent.display_name == 'Alice'",
        0.15,
    ),
    "stub": ("import fastapi, uvicorn", "from dixa_sdk.v1.server import create_app; app = create_app()", 0.2),
}


def _run(statement: str) -> tuple[float, float]:
    result = subprocess.run([sys.executable, "-c", _TIMED.format(statement=statement)], check=True,
                            capture_output=True, text=True, cwd=ROOT / "generated")
    cpu, wall = map(float, result.stdout.split())
    return cpu, wall


def main() -> dict[str, object]:
    figures: dict[str, object] = {"rounds (interleaved, medians)": ROUNDS}
    for name, (baseline, statement, target) in CASES.items():
        _run(f"{baseline}; {statement}")  # compiles the bytecode
        bare, ours = [], []
        for _ in range(ROUNDS):
            bare.append(_run(baseline))
            ours.append(_run(f"{baseline}; {statement}"))
        over_cpu = statistics.median(o[0] - b[0] for o, b in zip(ours, bare))
        over_wall = statistics.median(o[1] - b[1] for o, b in zip(ours, bare))
        figures[f"{name}: baseline `{baseline}`"] = (
            f"cpu {statistics.median(b[0] for b in bare):.3f} s, wall {statistics.median(b[1] for b in bare):.3f} s"
        )
        figures[f"{name}: over the baseline"] = f"cpu {over_cpu:.3f} s, wall {over_wall:.3f} s (target <= {target} s)"
    return figures


if __name__ == "__main__":
    for key, value in main().items():
        print(f"{key}: {value}")
