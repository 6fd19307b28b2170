"""Format: every generated Python file goes through ruff's formatter, black's style.

ruff formats the whole output in one process, on all cores, in a tenth of a
second, where black took seconds of CPU per spec (`bench/bench_format.py`
measures both on the code generated for the three specs, and shows their
output is the same, byte for byte; `tests/test_format.py` keeps checking that
black leaves the committed output unchanged). So there is nothing to cache
and a cold run is as fast as a warm one.

The formatter's version is pinned (pyproject.toml): formatting is part of the
golden output. Its configuration is isolated: a user's own ruff settings never
change what is generated. Rendered files are written to a private temporary
folder under neutral names (`0.py`, `1.py`, ...), formatted there in place
and read back; or, where the tree is being written out (`InPlace`), to a
folder inside the new tree, and moved to their paths once formatted, never
read back.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Collection
from pathlib import Path

from ruff import find_ruff_bin  # type: ignore[import-untyped]

from ..diagnostics import Diagnostic, SpecError
from .write import Staging

# Black's mode as the generator has always used it: line length 100, Python 3.11.
OPTIONS = ("--isolated", "--no-cache", "--line-length", "100", "--target-version", "py311")
_FAILED = re.compile(r"Failed to parse (\d+)\.py:(\d+):(\d+): (.*)")


class Formatting:
    """Formatting under way: ruff starts when this is created, so the caller can
    do other work (write the changelog, say what it found) meanwhile; `result()` waits for it.
    Used as a context manager, leaving it stops ruff and removes its folder."""

    def __init__(self, files: dict[str, str], ready: Collection[str] = ()) -> None:
        """Takes `files`: the Python texts to format move to the folder, and
        out of `files` (the caller keeps no copy: for a spec as big as Graph's,
        a quarter of a gigabyte of text is held once, not twice)."""
        self._order = list(files)
        self._paths = [path for path in files if path.endswith(".py") and path not in ready]
        self._folder = tempfile.TemporaryDirectory(prefix="dixagen-format-")
        self._root = Path(self._folder.name)
        names = [f"{index}.py" for index in range(len(self._paths))]
        for name, path in zip(names, self._paths):
            (self._root / name).write_text(files.pop(path), encoding="utf-8")
        self.files = files
        self._process = _ruff(self._root, names)

    def result(self) -> dict[str, str]:
        """The same files, Python ones formatted; order is kept."""
        try:
            _wait(self._process, self._paths)
            formatted = {
                path: (self._root / f"{index}.py").read_text(encoding="utf-8")
                for index, path in enumerate(self._paths)
            }
        finally:
            self.close()
        return {path: formatted[path] if path in formatted else self.files[path] for path in self._order}

    def close(self) -> None:
        _stop(self._process)
        self._folder.cleanup()

    def __enter__(self) -> Formatting:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class InPlace:
    """Formatting of a tree as it is written (`output.write.Staging`): each
    Python file is written as it comes (`add`) under a neutral name into a
    folder inside the new tree, ruff formats those added so far in one
    process (`start`, as often as there are new files: while the next ones
    are rendered), and `finish` moves each to its own path. No text is held,
    nor read back: Microsoft Graph's package is 150 MB of Python in 34,000 files."""

    FOLDER = ".format"

    def __init__(self, staging: Staging) -> None:
        self._staging = staging
        self._paths: list[str] = []
        self._started = 0  # files before this one are being formatted
        self._processes: list[subprocess.Popen[str]] = []

    @property
    def _root(self) -> Path:
        return self._staging.folder / self.FOLDER

    def add(self, path: str, text: str) -> None:
        if not self._paths:
            self._root.mkdir()
        (self._root / f"{len(self._paths)}.py").write_text(text, encoding="utf-8")
        self._paths.append(path)

    # Fewer files wait for the next start: each start forks this process, whose
    # child counts the parent's memory as its own until it runs ruff.
    BATCH = 200

    def start(self, *, batch: int = BATCH) -> None:
        """Format the files added since the last start, in a process of their
        own, if there are `batch` of them."""
        if len(self._paths) - self._started < max(batch, 1):
            return
        process = _ruff(self._root, [f"{index}.py" for index in range(self._started, len(self._paths))])
        self._started = len(self._paths)
        if process is not None:
            self._processes.append(process)

    def finish(self) -> None:
        """Wait for ruff and move the formatted files to their paths."""
        self.start(batch=1)
        for process in self._processes:
            _wait(process, self._paths)
        if self._paths:
            root = self._root
            for index, path in enumerate(self._paths):
                self._staging.move(root / f"{index}.py", path)
            root.rmdir()

    def close(self) -> None:
        for process in self._processes:
            _stop(process)

    def __enter__(self) -> InPlace:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _ruff(folder: Path, names: list[str]) -> subprocess.Popen[str] | None:
    """ruff's formatter started on the files `names` of `folder`, formatting them in place."""
    if not names:
        return None
    return subprocess.Popen(
        [find_ruff_bin(), "format", *OPTIONS, "--output-format", "concise", *names],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait(process: subprocess.Popen[str] | None, paths: list[str]) -> None:
    """Wait for ruff; its complaints are raised by the generated file's own path (`paths`, by neutral name)."""
    if process is None:
        return
    _, errors = process.communicate()
    if process.returncode != 0:
        raise SpecError(_problems(errors, paths))


def _problems(errors: str, paths: list[str]) -> list[Diagnostic]:
    """ruff's complaints, by the generated file's own path (a template bug, never a spec's fault)."""
    found = [
        Diagnostic(
            f"generated code does not parse: column {m[3]}: {m[4]}",
            paths[int(m[1])],
            line=int(m[2]),
        )
        for m in _FAILED.finditer(errors)
    ]
    return found or [Diagnostic(f"formatting failed: {errors.strip() or 'ruff gave no reason'}", "generated code")]


def _stop(process: subprocess.Popen[str] | None) -> None:
    if process is not None and process.poll() is None:
        process.kill()
        process.wait()


def format_files(files: dict[str, str], ready: Collection[str] = ()) -> dict[str, str]:
    """Return the same files, Python ones formatted; order is kept. `ready`
    names files that are formatted already (the static runtime, kept so and
    checked by a test): they are copied as they are."""
    with Formatting(dict(files), ready) as formatting:
        return formatting.result()
