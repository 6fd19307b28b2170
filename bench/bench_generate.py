"""Generation speed against datamodel-code-generator, and import time of the models.

- generate: `dixagen generate` of the three specs (validation included, output
  formatted with black, written to a temporary folder; models, client and
  stub server, so more code than the baseline writes) against running
  datamodel-code-generator directly on the same three specs; target: faster.
  Measured cold (empty formatting cache) and warm (regenerating).
- import: `import dixa.v1.models` against a bare `import pydantic` (with
  `BaseModel`), each in a fresh interpreter, median of several runs; target:
  under 0.3 s over the baseline.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SPECS = ["dixa-v1", "dixa-beta", "integrations-v1"]


def _timed(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=cwd, capture_output=True, env=env)
    return time.perf_counter() - started


def _generate_ours(out: Path, cache: Path) -> float:
    env = {**os.environ, "DIXAGEN_CACHE_DIR": str(cache)}
    return _timed([sys.executable, "-c", _OURS.format(root=str(ROOT), out=str(out))], env=env)


# The project generation, written to a temporary folder instead of generated/.
_OURS = """
from pathlib import Path
from generator.project import load_config, project_files
from generator.write import write_tree
config = load_config(Path({root!r}))
target, files = project_files(config)
write_tree(Path({out!r}), files)
"""


# The same, models only: the part datamodel-code-generator also writes.
_MODELS_ONLY = """
from pathlib import Path
from generator.format import format_files
from generator.pipeline import read_api
from generator.project import load_config
from generator.render_models import render_models
from generator.write import write_tree
config = load_config(Path({root!r}))
files = {{}}
for name, spec in config.apis.items():
    files.update(render_models(read_api(spec).api, name, "dixa._runtime"))
write_tree(Path({out!r}), format_files(files))
"""


def _generate_models(out: Path, cache: Path) -> float:
    env = {**os.environ, "DIXAGEN_CACHE_DIR": str(cache)}
    return _timed([sys.executable, "-c", _MODELS_ONLY.format(root=str(ROOT), out=str(out))], env=env)


def _generate_dcg(out: Path) -> float:
    total = 0.0
    for name in SPECS:
        total += _timed(
            [str(BIN / "datamodel-codegen"), "--input", str(ROOT / "specs" / f"{name}.yaml"), "--input-file-type",
             "openapi", "--output-model-type", "pydantic_v2.BaseModel", "--output", str(out / f"{name}.py")]
        )
    return total


def _import_time(statement: str, runs: int = 7) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    samples = []
    for _ in range(runs):
        result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                                cwd=ROOT / "generated")
        samples.append(float(result.stdout))
    return statistics.median(samples)


def main() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        # Cold: an empty formatting cache each time. Warm: regenerating unchanged specs.
        ours = min(_generate_ours(Path(tmp) / f"ours{i}", Path(tmp) / f"cache{i}") for i in range(2))
        warm = _generate_ours(Path(tmp) / "ours-warm", Path(tmp) / "cache0")
        models_only = min(_generate_models(Path(tmp) / f"models{i}", Path(tmp) / f"mcache{i}") for i in range(2))
        dcg = min(_generate_dcg(Path(tmp)) for _ in range(2))
    baseline = _import_time("import pydantic; from pydantic import BaseModel")
    models = _import_time("import pydantic; from pydantic import BaseModel; import dixa.v1.models")
    return {
        "generate three specs (dixagen, cold)": f"{ours:.2f} s",
        "regenerate three specs (dixagen, formatting cached)": f"{warm:.2f} s",
        "generate three specs (datamodel-code-generator)": f"{dcg:.2f} s",
        "generate ratio dixagen / datamodel-code-generator": f"{ours / dcg:.2f} (target < 1)",
        "generate three specs, models only (dixagen, cold)": f"{models_only:.2f} s",
        "models-only ratio dixagen / datamodel-code-generator": f"{models_only / dcg:.2f}",
        "import pydantic (baseline)": f"{baseline:.3f} s",
        "import pydantic + dixa.v1.models": f"{models:.3f} s",
        "import dixa.v1.models over baseline": f"{models - baseline:.3f} s (target < 0.3 s)",
    }


if __name__ == "__main__":
    for key, value in main().items():
        print(f"{key}: {value}")
