"""Formatting is black's style, whatever the user's ruff settings, and a file
that does not parse is reported by its own path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import black
import pytest

from generator.output import format as formatting
from generator.diagnostics import SpecError

from .conftest import ROOT

MODE = black.Mode(line_length=100, target_versions={black.TargetVersion.PY311})


def module(count: int) -> str:
    body = "\n\n\n".join(
        f"class C{i}(object):\n    '''Doc {i}.'''\n    a: int=1\n    b: 'list[ str ]'=[1,2,\n3]" for i in range(count)
    )
    return "from typing import Any\n\n\n" + body + "\n\n\nX = {'a':1, 'long_name_' * 1: [1] * 3, 'b': 'x' * 80, 'c': None}\n"


@pytest.mark.parametrize("count", [3, 300])
def test_the_output_is_blacks(count: int) -> None:
    source = module(count)
    files = {"pkg/a.py": source, "notes.txt": "left alone\n", "pkg/ready.py": "x=1\n"}
    assert formatting.format_files(files, ready={"pkg/ready.py"}) == {
        "pkg/a.py": black.format_str(source, mode=MODE),
        "notes.txt": "left alone\n",
        "pkg/ready.py": "x=1\n",
    }


def test_the_committed_output_is_blacks() -> None:
    """What black would make of every committed Python file is the file itself."""
    paths = subprocess.run(["git", "ls-files", "generated/*.py"], cwd=ROOT, check=True, capture_output=True,
                           text=True).stdout.split()
    if not paths:
        pytest.skip("not a git checkout")
    changed = [path for path in paths if black.format_str(text := (ROOT / path).read_text(), mode=MODE) != text]
    assert len(paths) > 50 and changed == []


def test_the_users_own_ruff_settings_change_nothing(tmp_path: Path) -> None:
    """Neither a ruff.toml where the generator runs nor the user's global one."""
    (tmp_path / "ruff").mkdir()
    for config in (tmp_path / "ruff.toml", tmp_path / "ruff" / "ruff.toml"):
        config.write_text('line-length = 20\n[format]\nquote-style = "single"\nindent-style = "tab"\n')
    script = (
        "from generator.output.format import format_files; "
        "print(format_files({'a.py': 'def f(first_argument, second_argument):\\n  return \"x\"\\n'})['a.py'], end='')"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, check=True, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path),
                                 "PYTHONPATH": str(ROOT)})
    assert result.stdout == 'def f(first_argument, second_argument):\n    return "x"\n'


def test_a_file_that_does_not_parse_is_named() -> None:
    with pytest.raises(SpecError) as caught:
        formatting.format_files({"pkg/fine.py": "x = 1\n", "pkg/models/broken.py": "x = 1\ndef f(:\n    pass\n"})
    (problem,) = caught.value.diagnostics
    assert problem.file == "pkg/models/broken.py" and problem.line == 2
    assert problem.message.startswith("generated code does not parse: column 7:")


def test_no_python_file_runs_no_formatter() -> None:
    assert formatting.format_files({"README.md": "# x\n"}) == {"README.md": "# x\n"}


def test_a_tree_formatted_where_it_is_written_is_blacks_and_swapped_in_whole(tmp_path: Path) -> None:
    """`InPlace` formats each batch while the next is written, moves the files
    to their paths, and the staged tree replaces the target only on commit."""
    from generator.output.write import Staging

    target = tmp_path / "out" / "pkg"
    target.mkdir(parents=True)
    (target / "stale.py").write_text("old = 1\n")
    source = module(3)
    with Staging(target) as staging, formatting.InPlace(staging) as in_place:
        in_place.add("a.py", source)
        in_place.start(batch=1)  # formatted while the next one is added
        in_place.add("models/b.py", "x=1\n")
        staging.write("notes.txt", iter(["left ", "alone\n"]))
        in_place.finish()
        assert not (target / "a.py").exists()  # nothing reaches the target before the swap
        staging.commit()
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        "a.py", "models/b.py", "notes.txt"
    ]
    assert (target / "a.py").read_text() == black.format_str(source, mode=MODE)
    assert (target / "models" / "b.py").read_text() == "x = 1\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["pkg"]  # no staging folder left


def test_a_tree_that_does_not_format_leaves_nothing(tmp_path: Path) -> None:
    """A file that does not parse is named by its own path, whichever batch it
    was in; the staging folder and the parents it made are removed."""
    from generator.output.write import Staging

    target = tmp_path / "new" / "deeper" / "pkg"
    with pytest.raises(SpecError) as caught:
        with Staging(target) as staging, formatting.InPlace(staging) as in_place:
            in_place.add("fine.py", "x = 1\n")
            in_place.start(batch=1)
            in_place.add("models/broken.py", "x = 1\ndef f(:\n    pass\n")
            in_place.finish()
            staging.commit()
    (problem,) = caught.value.diagnostics
    assert problem.file == "models/broken.py" and problem.line == 2
    assert list(tmp_path.iterdir()) == []
