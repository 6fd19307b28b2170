"""Formatting the generated code: ruff's formatter (the generator's) against black.

The Python files `dixagen generate` renders for the three specs, before
formatting, are formatted by black (in one process, line length 100, Python
3.11, as the generator formatted them before) and by the generator's own
`format_files` (ruff, same settings), each from a cold start. Reported: the
CPU time of each, how many files each changes and how many files the two
format differently: ruff could replace black because that last figure is 0.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from process_tree import run  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

# Renders the three specs unformatted into a folder.
_RENDER = """
import sys
from pathlib import Path
from generator.rendering.package import api_files
from generator.reading.read import read_api
from generator.config import load_config
raw = Path(sys.argv[1])
config = load_config(Path({root!r}))
for name, spec in config.apis.items():
    for path, text in api_files(f"dixa_sdk/{{name}}", read_api(spec).api, "dixa_sdk._runtime").items():
        if path.endswith(".py"):
            (raw / path).parent.mkdir(parents=True, exist_ok=True)
            (raw / path).write_text(text, encoding="utf-8")
"""

# Formats every file of a folder into another, with black or with the generator's formatter.
_FORMAT = """
import sys
from pathlib import Path
raw, out, which = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
files = {{str(p.relative_to(raw)): p.read_text(encoding="utf-8") for p in sorted(raw.rglob("*.py"))}}
if which == "black":
    import black
    mode = black.Mode(line_length=100, target_versions={{black.TargetVersion.PY311}})
    done = {{path: black.format_str(text, mode=mode) for path, text in files.items()}}
else:
    from generator.output.format import format_files
    done = format_files(files)
for path, text in done.items():
    (out / path).parent.mkdir(parents=True, exist_ok=True)
    (out / path).write_text(text, encoding="utf-8")
"""


def main() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        raw, by_black, by_ruff = work / "raw", work / "black", work / "ruff"
        raw.mkdir()
        subprocess.run([sys.executable, "-c", _RENDER.format(root=str(ROOT)), str(raw)], check=True,
                       capture_output=True, text=True, env={**os.environ}, cwd=ROOT)
        black = run([sys.executable, "-c", _FORMAT.format(), str(raw), str(by_black), "black"])
        ruff = run([sys.executable, "-c", _FORMAT.format(), str(raw), str(by_ruff), "ruff"])
        files = sorted(path.relative_to(raw) for path in raw.rglob("*.py"))
        size = sum((raw / path).stat().st_size for path in files)
        return {
            "files (bytes)": f"{len(files)} ({size})",
            "black, fresh process (cpu, wall)": f"{black.cpu:.2f} s, {black.wall:.2f} s",
            "ruff via generator.output.format, fresh process (cpu, wall)": f"{ruff.cpu:.2f} s, {ruff.wall:.2f} s",
            "files black changes": sum((raw / p).read_bytes() != (by_black / p).read_bytes() for p in files),
            "files ruff formats differently from black": sum(
                (by_black / p).read_bytes() != (by_ruff / p).read_bytes() for p in files
            ),
            "cpu ratio ruff / black": f"{ruff.cpu / black.cpu:.3f}",
        }


if __name__ == "__main__":
    for key, value in main().items():
        print(f"{key}: {value}")
