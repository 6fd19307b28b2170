"""Format: every generated Python file goes through black, in memory.

Black dominates generation time, so the work is spread over the machine's
cores: files are independent, and a large module is cut at its top-level
statements (separated by two blank lines, which black keeps as they are) into
pieces formatted side by side. The garbage collector is paused while black
runs: black allocates many short-lived objects and gains about a quarter.

Formatted pieces are remembered in a cache keyed by their exact text, black's
version and mode (`$DIXAGEN_CACHE_DIR`, else `$XDG_CACHE_HOME/dixagen`, else
`~/.cache/dixagen`), so regenerating after a spec change formats only the
modules that changed. The output is black's, byte for byte, either way.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
from multiprocessing import forkserver
import os
import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path
from concurrent.futures import ProcessPoolExecutor

import black
from black.mode import TargetVersion
from black.parsing import InvalidInput
from black import __version__ as black_version  # type: ignore[attr-defined]

from .diagnostics import Diagnostic, SpecError

_MODE = black.Mode(line_length=100, target_versions={TargetVersion.PY311})
_PIECE_BYTES = 40_000
_PARALLEL_BYTES = 150_000
_SEPARATOR = "\n\n\n"


def _black(text: str) -> str:
    enabled = gc.isenabled()
    gc.disable()
    try:
        return black.format_str(text, mode=_MODE)
    finally:
        if enabled:
            gc.enable()


def _format_piece(item: tuple[str, str]) -> str:
    path, text = item
    try:
        return _black(text)
    except InvalidInput as exc:  # a template bug, never a spec's fault
        raise SpecError([Diagnostic(f"generated code does not parse: {exc}", path)]) from None


def _split(text: str) -> list[str]:
    """Cut a module at top-level boundaries into pieces of about _PIECE_BYTES.
    Each piece ends with a newline, as black's output does: a piece that is
    already formatted is then left unchanged, and black makes one pass over it."""
    statements = text.split(_SEPARATOR)
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for statement in statements:
        current.append(statement)
        size += len(statement)
        if size >= _PIECE_BYTES:
            pieces.append(_SEPARATOR.join(current))
            current, size = [], 0
    if current:
        pieces.append(_SEPARATOR.join(current))
    return [piece + "\n" for piece in pieces[:-1]] + pieces[-1:]


def _cache_dir() -> Path:
    configured = os.environ.get("DIXAGEN_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dixagen"


_KEY_PREFIX = f"black {black_version} {_MODE!r}\n".encode()


def _key(text: str) -> str:
    return hashlib.sha256(_KEY_PREFIX + text.encode()).hexdigest()


class _Cache:
    """Formatted pieces by content hash; every failure to read or write is a miss."""

    def __init__(self) -> None:
        self.root = _cache_dir() / "format"

    def get(self, text: str) -> str | None:
        try:
            return (self.root / _key(text)).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def put(self, text: str, formatted: str) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.root)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(formatted)
            os.replace(temporary, self.root / _key(text))
        except OSError:
            pass


def _pool_context() -> multiprocessing.context.BaseContext:
    """Workers start from a small server process that has imported only black,
    not from the generator's (large) process: forking that would count its
    memory once per worker."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")


def start_early() -> None:
    """Start the workers' server (it imports black) now, while the caller reads
    and renders, instead of when formatting begins."""
    if "forkserver" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1:
        _pool_context()
        forkserver.ensure_running()


class Formatting:
    """Formatting under way: the pieces go to the workers when it is created, so
    the caller can do other work (wait for validation) meanwhile; `result()`
    waits for them. Used as a context manager, leaving it stops the workers."""

    def __init__(self, files: dict[str, str], ready: Collection[str] = ()) -> None:
        self.files = files
        self._jobs: list[tuple[str, int, str]] = []  # (path, piece index, text)
        for path, text in files.items():
            if path.endswith(".py") and path not in ready:
                pieces = _split(text) if len(text) > _PIECE_BYTES else [text]
                self._jobs.extend((path, index, piece) for index, piece in enumerate(pieces))
        self._cache = _Cache()
        self._results: list[str | None] = [self._cache.get(text) for _, _, text in self._jobs]
        self._missing = [i for i, result in enumerate(self._results) if result is None]
        self._items = [(self._jobs[i][0], self._jobs[i][2]) for i in self._missing]
        self._pool: ProcessPoolExecutor | None = None
        self._order: list[int] = []
        self._done: Iterator[str] = iter(())
        total = sum(len(text) for _, text in self._items)
        workers = min(os.cpu_count() or 1, 8)
        if workers > 1 and total > _PARALLEL_BYTES and len(self._items) > 1:
            self._order = sorted(range(len(self._items)), key=lambda i: -len(self._items[i][1]))
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context())
            self._done = self._pool.map(_format_piece, [self._items[i] for i in self._order])

    def result(self) -> dict[str, str]:
        """The same files, Python ones formatted; order is kept."""
        try:
            if self._pool is not None:
                done = dict(zip(self._order, self._done))
                fresh = [done[i] for i in range(len(self._items))]
            else:
                fresh = [_format_piece(item) for item in self._items]
        finally:
            self.close()
        for index, (item, formatted_text) in zip(self._missing, zip(self._items, fresh)):
            self._results[index] = formatted_text
            self._cache.put(item[1], formatted_text)
        formatted: dict[str, list[str]] = {}
        for (path, _, _), result in zip(self._jobs, self._results):
            assert result is not None
            formatted.setdefault(path, []).append(result.rstrip("\n"))
        return {
            path: (_SEPARATOR.join(formatted[path]) + "\n" if path in formatted else text)
            for path, text in self.files.items()
        }

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Formatting:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def format_files(files: dict[str, str], ready: Collection[str] = ()) -> dict[str, str]:
    """Return the same files, Python ones formatted; order is kept. `ready`
    names files that are black's output already (the static runtime, kept so
    and checked by a test): they are copied as they are."""
    with Formatting(files, ready) as formatting:
        return formatting.result()
