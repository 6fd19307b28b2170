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
and read back.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Collection
from pathlib import Path

from ruff import find_ruff_bin  # type: ignore[import-untyped]

from ..diagnostics import Diagnostic, SpecError

# Black's mode as the generator has always used it: line length 100, Python 3.11.
OPTIONS = ("--isolated", "--no-cache", "--line-length", "100", "--target-version", "py311")
_FAILED = re.compile(r"Failed to parse (\d+)\.py:(\d+):(\d+): (.*)")


class Formatting:
    """Formatting under way: ruff starts when this is created, so the caller can
    do other work (wait for validation) meanwhile; `result()` waits for it.
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
        self._process: subprocess.Popen[str] | None = None
        if names:
            self._process = subprocess.Popen(
                [find_ruff_bin(), "format", *OPTIONS, "--output-format", "concise", *names],
                cwd=self._root,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )

    def result(self) -> dict[str, str]:
        """The same files, Python ones formatted; order is kept."""
        try:
            if self._process is not None:
                _, errors = self._process.communicate()
                if self._process.returncode != 0:
                    raise SpecError(self._problems(errors))
            formatted = {
                path: (self._root / f"{index}.py").read_text(encoding="utf-8")
                for index, path in enumerate(self._paths)
            }
        finally:
            self.close()
        return {path: formatted[path] if path in formatted else self.files[path] for path in self._order}

    def _problems(self, errors: str) -> list[Diagnostic]:
        """ruff's complaints, by the generated file's own path (a template bug, never a spec's fault)."""
        found = [
            Diagnostic(
                f"generated code does not parse: column {m[3]}: {m[4]}",
                self._paths[int(m[1])],
                line=int(m[2]),
            )
            for m in _FAILED.finditer(errors)
        ]
        return found or [Diagnostic(f"formatting failed: {errors.strip() or 'ruff gave no reason'}", "generated code")]

    def close(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._folder.cleanup()

    def __enter__(self) -> Formatting:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def format_files(files: dict[str, str], ready: Collection[str] = ()) -> dict[str, str]:
    """Return the same files, Python ones formatted; order is kept. `ready`
    names files that are formatted already (the static runtime, kept so and
    checked by a test): they are copied as they are."""
    with Formatting(dict(files), ready) as formatting:
        return formatting.result()
