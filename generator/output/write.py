"""Write: put a rendered tree on disk atomically, or compare it with what is there.

The new tree is written next to the target and swapped in with renames, so a
failed or interrupted run leaves the previous output exactly as it was.
"""

from __future__ import annotations

import difflib
import shutil
import tempfile
from pathlib import Path


def write_tree(target: Path, files: dict[str, str]) -> None:
    """Replace directory `target` by exactly `files` (relative paths → text)."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        for relative, text in sorted(files.items()):
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        backup = None
        if target.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            backup.rmdir()
            target.rename(backup)
        staging.rename(target)
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _is_cache(part: str) -> bool:
    """Tool caches and build leftovers (.mypy_cache, __pycache__, *.egg-info, ...) are not output."""
    return part.startswith(".") or part == "__pycache__" or part.endswith((".pyc", ".egg-info")) or part == "build"


def read_tree(target: Path) -> dict[str, str]:
    if not target.is_dir():
        return {}
    out: dict[str, str] = {}
    for path in sorted(target.rglob("*")):
        parts = path.relative_to(target).parts
        if path.is_file() and not any(_is_cache(part) for part in parts):
            out[path.relative_to(target).as_posix()] = path.read_text(encoding="utf-8", errors="replace")
    return out


def diff_tree(target: Path, files: dict[str, str], label: str) -> str:
    """Unified diff from what is in `target` to `files`; empty when equal."""
    current = read_tree(target)
    chunks: list[str] = []
    for relative in sorted(set(current) | set(files)):
        old, new = current.get(relative), files.get(relative)
        if old == new:
            continue
        chunks.extend(
            difflib.unified_diff(
                (old or "").splitlines(keepends=True),
                (new or "").splitlines(keepends=True),
                fromfile=f"{label}/{relative}" if old is not None else "/dev/null",
                tofile=f"{label}/{relative} (regenerated)" if new is not None else "/dev/null",
            )
        )
    return "".join(chunks)
