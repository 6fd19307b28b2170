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
from collections.abc import Iterable
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
    with Staging(target) as staging:
        for relative, text in sorted(files.items()):
            staging.write(relative, text)
        staging.commit()


class Staging:
    """A new tree for `target`, written file by file into a folder beside it
    (`write`, or `move` of a file already written elsewhere on the same file
    system), then swapped in (`commit`). Left without `commit` (an error, a
    refused spec), what it made is removed, its folder and the missing
    parents it created alike: `target` is as it was. Nothing is made on disk
    before the first file is written."""

    def __init__(self, target: Path) -> None:
        self.target = target.resolve()
        self.written = 0
        self._folder: Path | None = None
        self._folders: set[Path] = set()
        self._parents: list[Path] = []  # the target's parents this made, outermost first

    @property
    def folder(self) -> Path:
        if self._folder is None:
            missing = [parent for parent in self.target.parents if not parent.exists()]
            self.target.parent.mkdir(parents=True, exist_ok=True)
            self._parents = missing[::-1]
            recover(self.target)
            self._folder = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.new-", dir=self.target.parent))
            os.chmod(self._folder, 0o777 & ~_umask())  # mkdtemp makes it 0700 whatever the umask
            self._folders.add(self._folder)
        return self._folder

    def _path(self, relative: str) -> Path:
        path = self.folder / relative
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)
        self.written += 1
        return path

    def write(self, relative: str, text: str | Iterable[str]) -> None:
        """Write a file's text, whole or a piece at a time."""
        with self._path(relative).open("w", encoding="utf-8", newline="\n") as file:
            if isinstance(text, str):
                file.write(text)
            else:
                file.writelines(text)

    def move(self, source: Path, relative: str) -> None:
        os.replace(source, self._path(relative))

    def commit(self) -> None:
        folder = self.folder
        backup = _backup(self.target)
        if self.target.exists():
            self.target.rename(backup)
        folder.rename(self.target)
        self._parents = []
        shutil.rmtree(backup, ignore_errors=True)

    def discard(self) -> None:
        if self._folder is not None and self._folder.exists():
            shutil.rmtree(self._folder, ignore_errors=True)
        for parent in reversed(self._parents):
            try:
                parent.rmdir()
            except OSError:
                break

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *_: object) -> None:
        self.discard()


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
