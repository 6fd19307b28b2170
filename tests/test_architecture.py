"""The generator's import picture: rendering does not depend on versioning,
the diff or the command line, and nothing below the command line imports it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.project import ConfigError, load_config

from .conftest import ROOT


def _loaded_by(module: str) -> set[str]:
    script = f"import sys, {module}; print(' '.join(m for m in sys.modules if m.startswith('generator')))"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def test_rendering_a_package_needs_no_release_diff_or_command_line() -> None:
    loaded = _loaded_by("generator.package")
    assert {"generator.release", "generator.diff", "generator.cli", "generator.changelog"}.isdisjoint(loaded)


def test_nothing_below_the_command_line_imports_it() -> None:
    for module in ("generator.project", "generator.diff.command", "generator.serve", "generator.release"):
        assert "generator.cli" not in _loaded_by(module), module
    text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "generator").rglob("*.py") if p.name != "cli.py")
    assert "from ..cli import" not in text and "from .cli import" not in text.replace("from .cli import run", "")


def test_configuration_errors_are_the_projects_own(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.dixagen]\nversion = '1'\n")
    with pytest.raises(ConfigError, match="no \\[tool.dixagen\\] section with an \\[tool.dixagen.apis\\] table"):
        load_config(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.dixagen]\nversion = 'one'\n[tool.dixagen.apis]\nv1 = 'a.yaml'\n")
    with pytest.raises(ConfigError):
        load_config(tmp_path)
