"""How long `dixagen diff` takes on the real specs: v1 against beta.

Figures (seconds, best of a few runs): `load_serial` reads both specs one after
the other (the baseline every diff pays), `diff_total` is the whole diff as the
command runs it (both specs read side by side, compared, rendered as text), and
`compare` is the comparison alone. Run standalone (`python bench/bench_diff.py`)
or through `bench/run.py`, which calls `main()`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from generator.diff import Report, SpecInfo, diff_apis
from generator.diff.loading import read_both, read_for_diff
from generator.diff.report import to_text

ROOT = Path(__file__).resolve().parents[1]
OLD, NEW = ROOT / "specs" / "dixa-v1.yaml", ROOT / "specs" / "dixa-beta.yaml"
STRIP = ("/v1", "/beta")
RUNS = 3


def _best(action: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def _whole_diff() -> str:
    old, new = read_both(OLD, NEW)
    changes = diff_apis(old, new, old_package="dixa_sdk.v1", new_package="dixa_sdk.beta", strip=STRIP)
    info = SpecInfo(label="", title="", version="", package="")
    return to_text(Report(old=info, new=info, changes=changes))


def main() -> dict[str, float]:
    old, new = read_for_diff(OLD), read_for_diff(NEW)
    changes = diff_apis(old, new, strip=STRIP)
    figures = {
        "load_serial_s": _best(lambda: (read_for_diff(OLD), read_for_diff(NEW))),
        "diff_total_s": _best(_whole_diff),
        "compare_s": _best(lambda: diff_apis(old, new, strip=STRIP)),
        "changes": float(len(changes)),
    }
    figures["diff_total_over_load"] = figures["diff_total_s"] / figures["load_serial_s"]
    return figures


if __name__ == "__main__":
    for name, value in main().items():
        print(f"diff v1→beta {name}: {value:.3f}")
