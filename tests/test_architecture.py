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
    "diff": {"diagnostics", "ir", "reading", "rendering", "config"},  # names of the Python API; diff.command reads the project's names
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


def _rendering_sources() -> dict[str, str]:
    return {
        path.relative_to(GENERATOR).as_posix(): path.read_text(encoding="utf-8")
        for path in (GENERATOR / "rendering").rglob("*.py")
    }


def test_renderers_read_the_wire_decisions_off_the_ir() -> None:
    """A parameter's style, how an answer is read and asked for, a page's items,
    the stateful stub's collections and an enum's description are the passes'
    decisions: no renderer imports a pass or computes them again."""
    tells = (
        'style == "form"',  # explode's default
        '("form" if',  # style's default by location
        "_DEFAULT_STYLES",
        "VALUES_PATTERN",
        "raw_kind(success",  # the answer's kind
        "is_success(",  # which answer is the success, which creates an item
        'essence(success',  # the Accept header
        "PAGE_SIZE_PARAMETERS",
        '"id" for p in',  # which field identifies a stateful item
        "items_path ==",
    )
    for name, text in _rendering_sources().items():
        if name in ("rendering/models.py", "rendering/server.py", "rendering/client/methods.py"):
            assert "ir.passes" not in text, name
        for tell in tells:
            assert tell not in text, (name, tell)


def test_only_the_passes_say_they_decide() -> None:
    """The module docstrings agree on where decisions are made: in the passes;
    the renderers say they read the IR."""
    import ast as _ast

    from generator.ir import passes

    assert "where the generator decides" in (passes.__doc__ or "")
    for name, text in _rendering_sources().items():
        doc = _ast.get_docstring(_ast.parse(text)) or ""
        assert "decided here" not in doc and "decisions are made" not in doc, name
    for name in ("server", "client/methods", "models"):
        doc = _ast.get_docstring(_ast.parse(GENERATOR.joinpath("rendering", name + ".py").read_text())) or ""
        assert "reads the IR" in doc, name


def test_the_ir_does_not_hold_the_wire_document() -> None:
    import dataclasses
    import pickle

    from generator.ir.model import Api
    from generator.reading.read import read_api

    assert not any("wire" in f.name for f in dataclasses.fields(Api))
    api = read_api(ROOT / "specs" / "integrations-v1.yaml", strict=False).api
    stub_statuses = "Added by the stub"
    assert stub_statuses not in repr(vars(api)) and stub_statuses not in str(api.document)
    assert pickle.loads(pickle.dumps(api)).document is None  # the diff's worker sends the IR without it


def test_reading_for_the_diff_and_the_ir_builds_no_wire_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stub's document and the lints that need it are the server's and
    validation's: the diff, the release version and `dixagen ir` read without them."""
    from generator.diff.loading import read_for_diff
    from generator.ir import wire
    from generator.reading.read import read_api

    built: list[str] = []
    real = wire.build

    def spy(api: object) -> object:
        built.append(getattr(api, "title", ""))
        return real(api)  # type: ignore[arg-type]

    monkeypatch.setattr(wire, "build", spy)
    import generator.reading.lints as lints

    monkeypatch.setattr(lints, "build", spy)
    spec = ROOT / "specs" / "integrations-v1.yaml"
    read_for_diff(spec)
    read_api(spec, strict=False, lint=False)
    assert built == []
    read_api(spec, strict=False)  # validating: the lints build it
    assert len(built) == 1


def test_generation_builds_the_wire_document_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the pipeline reads and renders (`wire.shared`), the lints and the
    stub's renderer share one wire document; elsewhere each asks for a new one,
    so nothing read before an IR changed is kept."""
    from generator.ir import wire
    from generator.reading.read import read_api
    from generator.rendering.server import server_files

    built: list[object] = []
    real = wire._build

    def spy(api: object) -> object:
        built.append(api)
        return real(api)  # type: ignore[arg-type]

    monkeypatch.setattr(wire, "_build", spy)
    spec = ROOT / "specs" / "integrations-v1.yaml"
    with wire.shared():
        api = read_api(spec, strict=False).api
        shared = server_files("integrations", api, "integrations._runtime")
    assert len(built) == 1
    assert server_files("integrations", api, "integrations._runtime") == shared
    assert len(built) == 2


def test_the_passes_fill_the_wire_fields() -> None:
    """The fields the renderers read are set on the real specs."""
    from generator.reading.read import read_api

    api = read_api(ROOT / "specs" / "dixa-v1.yaml", strict=False, lint=False).api
    params = [p for op in api.operations for p in op.parameters]
    assert params and all(p.wire_style in ("form", "simple", "json", "deepObject", "label", "matrix", "spaceDelimited", "pipeDelimited") for p in params)
    paged = [op for op in api.operations if op.paging is not None]
    assert paged and all(op.paging is not None and op.paging.items is not None for op in paged)
    assert api.collections and any(op.stateful is not None and op.stateful.role == "create" for op in api.operations)
    enums = [t for t in api.types.values() if t.description and "values: [" in t.description]
    assert enums and all("values: [" not in (t.plain_description or "") for t in enums if t.type.kind == "enum")
