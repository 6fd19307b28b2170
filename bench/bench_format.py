"""Formatting the generated code: black against ruff's formatter, on the same files.

The Python files `dixagen generate` renders for the three specs, before
formatting, are formatted by black (the generator's formatter, in one
process, with the generator's mode) and by `ruff format` (same line length
and target), each from a cold start. Reported: the CPU time of each, and how
many files each changes and how many files the two format differently; a
formatter can replace black only when that last figure is 0 here and on
every other spec.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from process_tree import run  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

# Renders the three specs unformatted into a folder, then formats them with
# black piece by piece as the generator does, into a second folder.
_RENDER = """
import sys, time
from pathlib import Path
from generator.format import _black, _split, _PIECE_BYTES, _SEPARATOR
from generator.package import api_files
from generator.pipeline import read_api
from generator.project import load_config
raw, formatted = Path(sys.argv[1]), Path(sys.argv[2])
config = load_config(Path({root!r}))
for name, spec in config.apis.items():
    for path, text in api_files(f"dixa/{{name}}", read_api(spec).api, "dixa._runtime").items():
        if path.endswith(".py"):
            (raw / path).parent.mkdir(parents=True, exist_ok=True)
            (raw / path).write_text(text, encoding="utf-8")
cpu = time.process_time()
for path in sorted(raw.rglob("*.py")):
    text = path.read_text(encoding="utf-8")
    pieces = _split(text) if len(text) > _PIECE_BYTES else [text]
    out = _SEPARATOR.join(_black(piece).rstrip("\\n") for piece in pieces) + "\\n"
    target = formatted / path.relative_to(raw)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(out, encoding="utf-8")
print(time.process_time() - cpu)
"""


def main() -> dict[str, object]:
    ruff = shutil.which("ruff", path=str(BIN)) or shutil.which("ruff")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        raw, by_black, by_ruff = work / "raw", work / "black", work / "ruff"
        raw.mkdir()
        by_black.mkdir()
        result = subprocess.run([sys.executable, "-c", _RENDER.format(root=str(ROOT)), str(raw), str(by_black)],
                                check=True, capture_output=True, text=True, env={**os.environ})
        black_cpu = float(result.stdout.split()[-1])
        files = sorted(path.relative_to(raw) for path in raw.rglob("*.py"))
        size = sum((raw / path).stat().st_size for path in files)
        changed_by_black = sum((raw / p).read_bytes() != (by_black / p).read_bytes() for p in files)
        figures: dict[str, object] = {
            "files (bytes)": f"{len(files)} ({size})",
            "black (cpu, one process)": f"{black_cpu:.2f} s",
            "files black changes": changed_by_black,
        }
        if ruff is None:
            figures["ruff format"] = "skipped: ruff is not installed (the dev extra has it)"
            return figures
        shutil.copytree(raw, by_ruff)
        usage = run([ruff, "format", "--no-cache", "--isolated", "--line-length", "100", "--target-version", "py311",
                     str(by_ruff)])
        differ = sum((by_black / p).read_bytes() != (by_ruff / p).read_bytes() for p in files)
        figures.update({
            "ruff format (cpu, wall)": f"{usage.cpu:.2f} s, {usage.wall:.2f} s",
            "files ruff formats differently from black": differ,
            "cpu ratio ruff / black": f"{usage.cpu / black_cpu:.3f}",
        })
    return figures


if __name__ == "__main__":
    for key, value in main().items():
        print(f"{key}: {value}")
