"""The generated models say each thing once, in the spec's own words.

Read off the committed `generated/` tree (the golden tests hold it equal to
what the generator writes): no filler docstrings, no `values: [..]` under an
enum or an enum field that already lists them, spec descriptions kept.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from generator.ir.passes.enums import VALUES_PATTERN

from .conftest import ROOT

MODELS = sorted((ROOT / "generated" / "dixa_sdk").glob("*/models/*.py"))


def _classes(path: Path) -> list[ast.ClassDef]:
    return [node for node in ast.parse(path.read_text()).body if isinstance(node, ast.ClassDef)]


def test_models_exist() -> None:
    assert len(MODELS) > 10


@pytest.mark.parametrize("path", MODELS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_no_filler_or_repeated_values(path: Path) -> None:
    for cls in _classes(path):
        doc = ast.get_docstring(cls) or ""
        assert "schema." not in doc or "The `" not in doc, (path, cls.name, doc)
        assert "an inline schema of the spec" not in doc, (path, cls.name)
        if any(isinstance(b, ast.Name) and b.id in ("OpenEnum", "OpenIntEnum") for b in cls.bases):
            assert not VALUES_PATTERN.search(doc), (path, cls.name, doc)
        body = cls.body
        for statement, following in zip(body, body[1:]):
            annotation = statement.annotation if isinstance(statement, ast.AnnAssign) else None
            text = following.value.value if isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant) else None
            if annotation is not None and isinstance(text, str) and VALUES_PATTERN.search(text):
                raise AssertionError(f"{path}: {cls.name}.{ast.unparse(statement.target)} repeats {text!r}")


def test_spec_descriptions_kept() -> None:
    # `Agent`'s description in the v1 spec; a filler-free tree still carries it.
    docs = {cls.name: ast.get_docstring(cls) for path in MODELS if "/v1/" in str(path) for cls in _classes(path)}
    described = [name for name, doc in docs.items() if doc]
    assert described, "no v1 class kept its spec description"
    assert len(described) < len(docs)
