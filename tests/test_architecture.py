"""The generator's import picture: rendering does not depend on versioning,
the diff or the command line, and nothing below the command line imports it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from generator.config import ConfigError, load_config

from .conftest import ROOT


GENERATOR = ROOT / "generator"

# Which stage may import which: data flows one way, from reading to output. A
# stage imports only itself, the stages before it, and the shared diagnostics
# and limits.
STAGES: dict[str, set[str]] = {
    "diagnostics": set(),
    "limits": set(),
    "ir": {"diagnostics", "limits", "reading.load"},
    "reading": {"diagnostics", "limits", "ir"},
    "rendering": {"diagnostics", "ir"},
    "output": {"diagnostics"},
    "diff": {"diagnostics", "ir", "reading", "config"},  # diff.command reads the project's names
    "release": {"diagnostics", "ir", "reading", "rendering", "diff"},
    "config": {"release"},
    "pipeline": {"diagnostics", "ir", "reading", "rendering", "output", "release", "config"},
}


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The generator modules `path` imports at run time (not under TYPE_CHECKING)."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    guarded = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or id(node) in guarded:
            continue
        base = package.split(".")
        if node.level:
            base = base[: len(base) - node.level + 1]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        if not target.startswith("generator"):
            continue
        for alias in node.names:
            candidate = f"{target}.{alias.name}"
            found.add(candidate if _exists(candidate) else target)
    return found


def _exists(module: str) -> bool:
    path = ROOT.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _graph() -> dict[str, set[str]]:
    return {_module(path): _imports(path) for path in GENERATOR.rglob("*.py")}


def test_the_generator_has_no_import_circles() -> None:
    graph = _graph()
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for following in sorted(graph.get(node, ())):
            if state.get(following) == 1:
                raise AssertionError(" → ".join([*trail[trail.index(following):], following]))
            if following not in state:
                visit(following, [*trail, following])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])


def _stage(module: str) -> str | None:
    rest = module.removeprefix("generator.").split(".")
    return rest[0] if rest[0] in STAGES else None


def test_stages_import_only_the_stages_before_them() -> None:
    for module, imported in sorted(_graph().items()):
        stage = _stage(module)
        if stage is None:
            continue
        for target in imported:
            other = _stage(target)
            short = target.removeprefix("generator.")
            if other is None or other == stage:
                continue
            allowed = STAGES[stage]
            assert other in allowed or any(short == a or short.startswith(a + ".") for a in allowed), (module, target)


def _loaded_by(module: str) -> set[str]:
    script = f"import sys, {module}; print(' '.join(m for m in sys.modules if m.startswith('generator')))"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def test_rendering_a_package_needs_no_release_diff_or_command_line() -> None:
    loaded = _loaded_by("generator.rendering.package")
    assert not {m for m in loaded if m.startswith(("generator.release", "generator.diff", "generator.cli", "generator.reading"))}


def test_nothing_below_the_command_line_imports_it() -> None:
    for module in ("generator.pipeline", "generator.diff.command", "generator.serve", "generator.release.version"):
        assert "generator.cli" not in _loaded_by(module), module
    text = "\n".join(p.read_text(encoding="utf-8") for p in GENERATOR.rglob("*.py") if p.name != "cli.py")
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


RENDERERS = ("models", "client.resources", "client.methods", "client.auth", "server")


def test_renderers_and_the_diff_read_the_ir_not_the_builder() -> None:
    for module in (*(f"generator.rendering.{name}" for name in RENDERERS), "generator.diff.operations"):
        assert "generator.ir.build" not in _loaded_by(module), module


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
    from generator.reading.read import read_api

    api = read_api(ROOT / "specs" / "dixa-v1.yaml", strict=True).api
    assert api.resource_classes["end_users"] == "EndUsers"
    assert {s.name: s.arguments for s in api.security_schemes} == {"ApiKeyAuth": ("api_key",)}
    for name in RENDERERS:
        text = GENERATOR.joinpath("rendering", *name.split(".")).with_suffix(".py").read_text(encoding="utf-8")
        assert not any(f"{helper}(" in text for helper in ("identifier", "pascal", "snake")), name
