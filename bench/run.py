"""Run every benchmark in bench/ (`bench_*.py`, each with `main() -> dict`) and print its figures.

Each benchmark measures its subject and a baseline in the same run, on the same
machine, and reports the ratio, so figures from different machines compare.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    only = set(sys.argv[1:])
    results: dict[str, object] = {}
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if only and name not in only:
            continue
        spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        figures = module.main()
        for key, value in figures.items():
            print(f"   {key}: {value}")
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
        results[name] = figures
    (HERE / "results.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
