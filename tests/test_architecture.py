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


RENDERERS = ("render_models", "render_client", "client_methods", "client_auth", "render_server")


def test_renderers_and_the_diff_read_the_ir_not_the_builder() -> None:
    for module in (*(f"generator.{name}" for name in RENDERERS), "generator.diff.operations"):
        assert "generator.build" not in _loaded_by(module), module


def test_what_an_answer_means_is_decided_once() -> None:
    """Success statuses are `media.is_success`'s; the payload inside an envelope
    is read off by the operations pass alone (`Response.payload`)."""
    for path in (ROOT / "generator").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "media.py":
            assert 'startswith("2")' not in text, path
        if path.name != "operations.py" or path.parent.name != "passes":
            assert "wire_name == response.envelope" not in text and "== success.envelope" not in text, path


def test_names_are_decided_by_the_naming_pass_not_by_the_renderers() -> None:
    from generator.pipeline import read_api

    api = read_api(ROOT / "specs" / "dixa-v1.yaml", strict=True).api
    assert api.resource_classes["end_users"] == "EndUsers"
    assert {s.name: s.arguments for s in api.security_schemes} == {"ApiKeyAuth": ("api_key",)}
    for name in RENDERERS:
        text = (ROOT / "generator" / f"{name}.py").read_text(encoding="utf-8")
        assert not any(f"{helper}(" in text for helper in ("identifier", "pascal", "snake")), name
