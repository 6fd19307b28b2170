"""Formatting is black's, whether done in pieces, in parallel or taken from the cache."""

from __future__ import annotations

from pathlib import Path

import black
import pytest

from generator import format as formatting


def module(count: int) -> str:
    body = "\n\n\n".join(
        f"class C{i}(object):\n    '''Doc {i}.'''\n    a: int=1\n    b: 'list[ str ]'=[1,2,\n3]" for i in range(count)
    )
    return "from typing import Any\n\n\n" + body + "\n\n\nX = {'a':1}\n"


@pytest.mark.parametrize("count", [3, 2000])
def test_pieces_and_cache_give_blacks_output(count: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIXAGEN_CACHE_DIR", str(tmp_path))
    source = module(count)
    expected = black.format_str(source, mode=formatting._MODE)
    files = {"a.py": source, "notes.txt": "left alone\n"}
    first = formatting.format_files(files)
    assert first == {"a.py": expected, "notes.txt": "left alone\n"}
    assert list((tmp_path / "format").iterdir())  # pieces were remembered
    assert formatting.format_files(files) == first  # and give the same bytes back


def test_broken_cache_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIXAGEN_CACHE_DIR", str(tmp_path / "file"))
    (tmp_path / "file").write_text("not a directory")
    assert formatting.format_files({"a.py": "x=1\n"}) == {"a.py": "x = 1\n"}
