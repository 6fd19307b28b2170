"""The generated distribution is a real package: typed, buildable, importable,
and the generator takes Dixa's own published document as it is."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path


from .conftest import ROOT, UPSTREAM_BETA, need_shared


def test_generated_code_passes_mypy_strict(mypy_cache: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(mypy_cache), "-p", "dixa_sdk"],
        cwd=ROOT / "generated", capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-5000:]


def test_the_generator_itself_passes_mypy_strict(mypy_cache: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(mypy_cache), "generator"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-5000:]


def test_wheel_builds_with_every_api(tmp_path: Path) -> None:
    import build  # noqa: F401 - a dev dependency: fail loudly if missing
    source = tmp_path / "source"  # a copy: building in place would leave build/ and egg-info in generated/
    shutil.copytree(ROOT / "generated", source, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    result = subprocess.run(  # the sdist, then the wheel from it: the sdist must hold everything
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (sdist,) = tmp_path.glob("*.tar.gz")
    assert f"{sdist.name.removesuffix('.tar.gz')}/CHANGELOG.md" in tarfile.open(sdist).getnames()
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "\n# Changelog\n" in metadata and "Description-Content-Type: text/markdown" in metadata
    for expected in ("dixa_sdk/py.typed", "dixa_sdk/v1/models/__init__.py", "dixa_sdk/beta/models/conversation.py",
                     "dixa_sdk/integrations/models/__init__.py", "dixa_sdk/_runtime/models.py",
                     "dixa_sdk/v1/openapi.yaml", "dixa_sdk/integrations/openapi.yaml", "dixa_sdk/beta/server_operations.json"):
        assert expected in names
    # The stub's operation table is data beside its module: it must load from the installed wheel.
    site = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
        capture_output=True, text=True, timeout=600,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    loaded = subprocess.run(
        [sys.executable, "-c", "import dixa_sdk.beta.server_operations as t; print(t.__file__); print(len(t.OPERATIONS))"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(site)}, capture_output=True, text=True, timeout=600,
    )
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    where, count = loaded.stdout.split()
    assert Path(where).is_relative_to(site)
    from dixa_sdk.beta import OPERATIONS  # the client's: one entry per operation too

    assert int(count) == len(OPERATIONS)


def test_upstream_beta_generates_and_imports(tmp_path: Path) -> None:
    """Users drop Dixa's published documents into specs/: that must just work."""
    spec = need_shared(UPSTREAM_BETA)
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--out", str(tmp_path), "--package", "upstream"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    probe = (
        "import upstream.models as m\n"
        "v = m.validate('Content', {'value': 'x', '_type': 'Markdown'})\n"
        "assert type(v).__name__ == 'Markdown', type(v)\n"
        "print(len(m.SCHEMAS))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert int(run.stdout) == 498


def test_errors_are_importable_from_the_root_without_loading_http_for_models() -> None:
    """`from dixa_sdk import NotFoundError` works, while `import dixa_sdk.v1.models` stays free of httpx2."""
    script = (
        "import sys, dixa_sdk.v1.models\n"
        "assert 'httpx2' not in sys.modules, 'models pulled in httpx2'\n"
        "import dixa_sdk\n"
        "from dixa_sdk import NotFoundError, DixaError\n"
        "from dixa_sdk._runtime import errors\n"
        "assert NotFoundError is errors.NotFoundError and issubclass(NotFoundError, DixaError)\n"
        "assert DixaError is errors.APIError\n"
        "assert set(errors.__all__) <= set(dixa_sdk.__all__)\n"
        "try:\n    dixa_sdk.NoSuchName\nexcept AttributeError:\n    pass\nelse:\n    raise SystemExit('no AttributeError')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT / "generated", capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
