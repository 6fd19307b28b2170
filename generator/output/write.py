"""Write: put a rendered tree on disk atomically, or compare it with what is there.

The new tree is written next to the target, then swapped in by two renames:
the target to `.NAME.old`, the new tree to the target. A run stopped at any
point (a `kill -9` between the two renames too) leaves something the next run
finishes before it reads or writes anything (`recover`): the previous output
back in place when the target is missing, or the leftover backup and staging
folders removed when the swap was done.
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from pathlib import Path


def _backup(target: Path) -> Path:
    return target.with_name(f".{target.name}.old")


def recover(target: Path) -> None:
    """Finish a swap that a previous run could not: restore the previous
    output if the run stopped between the renames, else drop what it left."""
    target = target.resolve()
    backup = _backup(target)
    if backup.is_dir():
        if target.exists():
            shutil.rmtree(backup, ignore_errors=True)
        else:
            backup.rename(target)
    if target.parent.is_dir():
        for staging in target.parent.glob(f".{target.name}.new-*"):
            shutil.rmtree(staging, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_tree(target: Path, files: dict[str, str]) -> None:
    """Replace directory `target` by exactly `files` (relative paths → text).
    Folders get the permissions the user's umask gives, as `mkdir` would."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    recover(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes it 0700 whatever the umask
        for relative, text in sorted(files.items()):
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        backup = _backup(target)
        if target.exists():
            target.rename(backup)
        staging.rename(target)
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
