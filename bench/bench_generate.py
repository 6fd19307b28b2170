"""Generation speed against datamodel-code-generator, and import time of the models.

- generate: `dixagen generate` of the three specs (validation included, output
  formatted, written to a temporary folder; models, client and stub server,
  so more code than the baseline writes) against running
  datamodel-code-generator directly on the same three specs; target: faster.
  Cold is how a user meets it first: a fresh process writing to a folder it
  has never seen (dixagen keeps no cache of its own); warm is the same run
  again at once, its files in the operating system's cache.
- import: `import dixa_sdk.v1.models` against a bare `import pydantic` (with
  `BaseModel`), each in a fresh interpreter with the bytecode already
  compiled; target: under 0.3 s over the baseline.

Every figure is the median of ROUNDS rounds that interleave ours and the
baseline, so a change in the machine's load hits both; a ratio is the median
of the rounds' ratios. Wall time is what a user waits on a quiet machine;
CPU time (user + system of the whole process tree) is what stays meaningful
on a busy one.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from process_tree import Usage, run  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SPECS = ["dixa-v1", "dixa-beta", "integrations-v1"]


ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", "5")))  # fewer only to try the benchmark out


def _generate_ours(out: Path) -> Usage:
    return run([sys.executable, "-c", _OURS.format(root=str(ROOT), out=str(out))])


# The project generation, written to a temporary folder instead of generated/.
_OURS = """
from pathlib import Path
from generator.config import load_config
from generator.pipeline import project_files
from generator.output.write import write_tree
config = load_config(Path({root!r}))
target, files = project_files(config)
write_tree(Path({out!r}), files)
"""


# The same, models only: the part datamodel-code-generator also writes.
_MODELS_ONLY = """
from pathlib import Path
from generator.output.format import format_files
from generator.reading.read import read_api
from generator.config import load_config
from generator.rendering.models import render_models
from generator.output.write import write_tree
config = load_config(Path({root!r}))
files = {{}}
for name, spec in config.apis.items():
    files.update(render_models(read_api(spec).api, name, "dixa_sdk._runtime"))
write_tree(Path({out!r}), format_files(files))
"""


def _generate_models(out: Path) -> Usage:
    return run([sys.executable, "-c", _MODELS_ONLY.format(root=str(ROOT), out=str(out))])


def _generate_dcg(out: Path) -> Usage:
    wall = cpu = 0.0
    for name in SPECS:
        usage = run(
            [str(BIN / "datamodel-codegen"), "--input", str(ROOT / "specs" / f"{name}.yaml"), "--input-file-type",
             "openapi", "--output-model-type", "pydantic_v2.BaseModel", "--output", str(out / f"{name}.py")]
        )
        wall, cpu = wall + usage.wall, cpu + usage.cpu
    return Usage(wall, cpu)


_IMPORT = (
    "import time; cpu = time.process_time(); wall = time.perf_counter(); {statement}; "
    "print(time.perf_counter() - wall, time.process_time() - cpu)"
)


def _import_time(statement: str) -> Usage:
    result = subprocess.run([sys.executable, "-c", _IMPORT.format(statement=statement)], check=True,
                            capture_output=True, text=True, cwd=ROOT / "generated")
    wall, cpu = map(float, result.stdout.split())
    return Usage(wall, cpu)


def _median(samples: list[Usage]) -> Usage:
    return Usage(statistics.median(s.wall for s in samples), statistics.median(s.cpu for s in samples))


def _ratio(ours: list[Usage], theirs: list[Usage]) -> Usage:
    return Usage(statistics.median(o.wall / t.wall for o, t in zip(ours, theirs)),
                 statistics.median(o.cpu / t.cpu for o, t in zip(ours, theirs)))


def _seconds(usage: Usage, digits: int = 2) -> str:
    return f"wall {usage.wall:.{digits}f} s, cpu {usage.cpu:.{digits}f} s"


def _times(usage: Usage) -> str:
    return f"wall {usage.wall:.2f}, cpu {usage.cpu:.2f}"


def main() -> dict[str, object]:
    cold, warm, models, dcg = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for i in range(ROUNDS):
            cold.append(_generate_ours(work / f"ours{i}"))
            dcg.append(_generate_dcg(work / f"dcg{i}"))
            warm.append(_generate_ours(work / f"ours{i}"))
            models.append(_generate_models(work / f"models{i}"))
    bare_statement = "import pydantic; from pydantic import BaseModel"
    models_statement = f"{bare_statement}; import dixa_sdk.v1.models"
    _import_time(models_statement)  # compiles the bytecode, as an installed package has it
    bare, imported = [], []
    for _ in range(2 * ROUNDS + 1):
        bare.append(_import_time(bare_statement))
        imported.append(_import_time(models_statement))
    over = [Usage(m.wall - b.wall, m.cpu - b.cpu) for b, m in zip(bare, imported)]
    return {
        "rounds (interleaved, medians)": ROUNDS,
        "generate three specs, cold (dixagen)": _seconds(_median(cold)),
        "generate three specs, warm: the same run again (dixagen)": _seconds(_median(warm)),
        "generate three specs (datamodel-code-generator)": _seconds(_median(dcg)),
        "cold ratio dixagen / datamodel-code-generator": f"{_times(_ratio(cold, dcg))} (target < 1)",
        "warm ratio dixagen / datamodel-code-generator": _times(_ratio(warm, dcg)),
        "generate three specs, models only, cold (dixagen)": _seconds(_median(models)),
        "models-only cold ratio dixagen / datamodel-code-generator": _times(_ratio(models, dcg)),
        "import pydantic (baseline, fresh process)": _seconds(_median(bare), 3),
        "import pydantic + dixa_sdk.v1.models (fresh process)": _seconds(_median(imported), 3),
        "import dixa_sdk.v1.models over baseline": f"{_seconds(_median(over), 3)} (target < 0.3 s)",
    }


if __name__ == "__main__":
    for key, value in main().items():
        print(f"{key}: {value}")
