"""The generated client says each path once, in its operation's `Endpoint`;
methods pass path values by wire name, and the runtime fills the template.

Read off the committed `generated/` tree (the golden tests hold it equal to
what the generator writes).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from .conftest import ROOT

CLIENTS = sorted(p for p in (ROOT / "generated" / "dixa_sdk").glob("*/client/_*.py") if p.name != "__init__.py")


def test_clients_exist() -> None:
    assert len(CLIENTS) > 10


@pytest.mark.parametrize("path", CLIENTS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_each_path_is_written_once_and_filled_by_wire_name(path: Path) -> None:
    tree = ast.parse(path.read_text())
    templates: dict[str, str] = {}  # Endpoint constant → its path template
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Call):
            call = node.value
            if isinstance(call.func, ast.Name) and call.func.id == "Endpoint":
                assert isinstance(node.target, ast.Name)
                argument = call.args[1]
                assert isinstance(argument, ast.Constant) and isinstance(argument.value, str)
                templates[node.target.id] = argument.value
    assert templates, path
    endpoint_paths = [ast.Constant(t) for t in templates.values()]
    strings = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    written = [s.value for s in strings if s.value.startswith("/")]
    # Each template once, nowhere else.
    assert sorted(written) == sorted(c.value for c in endpoint_paths), path
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("_call", "_list")
    ]
    assert calls, path
    for call in calls:
        const = call.args[0]
        assert isinstance(const, ast.Name)
        variables = set(re.findall(r"{([^{}/]*)}", templates[const.id]))
        given = next((k.value for k in call.keywords if k.arg == "path"), None)
        if not variables:
            assert given is None, (path, const.id)
            continue
        assert isinstance(given, ast.Dict), (path, const.id)
        keys = {k.value for k in given.keys if isinstance(k, ast.Constant)}
        assert keys == variables, (path, const.id, keys, variables)
