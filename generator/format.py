"""Format: every generated Python file goes through black, in memory.

Black dominates generation time, so the work is spread over the machine's
cores: files are independent, and a large module is cut at its top-level
statements (separated by two blank lines, which black keeps as they are) into
pieces formatted side by side. The garbage collector is paused while black
runs: black allocates many short-lived objects and gains about a quarter.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import black

from .diagnostics import Diagnostic, SpecError

_MODE = black.Mode(line_length=100, target_versions={black.TargetVersion.PY311})
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
    except black.InvalidInput as exc:  # a template bug, never a spec's fault
        raise SpecError([Diagnostic(f"generated code does not parse: {exc}", path)]) from None


def _split(text: str) -> list[str]:
    """Cut a module at top-level boundaries into pieces of about _PIECE_BYTES."""
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
    return pieces


def format_files(files: dict[str, str]) -> dict[str, str]:
    """Return the same files, Python ones formatted; order is kept."""
    jobs: list[tuple[str, int, str]] = []  # (path, piece index, text)
    for path, text in files.items():
        if path.endswith(".py"):
            pieces = _split(text) if len(text) > _PIECE_BYTES else [text]
            jobs.extend((path, index, piece) for index, piece in enumerate(pieces))
    total = sum(len(text) for _, _, text in jobs)
    workers = min(os.cpu_count() or 1, 8)
    items = [(path, text) for path, _, text in jobs]
    if workers > 1 and total > _PARALLEL_BYTES and len(jobs) > 1:
        order = sorted(range(len(items)), key=lambda i: -len(items[i][1]))
        context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            done = dict(zip(order, pool.map(_format_piece, [items[i] for i in order])))
        results = [done[i] for i in range(len(items))]
    else:
        results = [_format_piece(item) for item in items]
    formatted: dict[str, list[str]] = {}
    for (path, _, _), result in zip(jobs, results):
        formatted.setdefault(path, []).append(result.rstrip("\n"))
    return {
        path: (_SEPARATOR.join(formatted[path]) + "\n" if path in formatted else text) for path, text in files.items()
    }
