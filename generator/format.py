"""Format: every generated Python file goes through black, in memory.

Files are independent, so large packages are formatted on every core.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

import black

from .diagnostics import Diagnostic, SpecError

_MODE = black.Mode(line_length=100, target_versions={black.TargetVersion.PY311})
_PARALLEL_BYTES = 400_000


def _format_one(item: tuple[str, str]) -> tuple[str, str]:
    path, text = item
    if not path.endswith(".py"):
        return path, text
    try:
        return path, black.format_str(text, mode=_MODE)
    except black.InvalidInput as exc:  # a template bug, never a spec's fault
        raise SpecError([Diagnostic(f"generated code does not parse: {exc}", path)]) from None


def format_files(files: dict[str, str]) -> dict[str, str]:
    """Return the same files, Python ones formatted; order is kept."""
    items = list(files.items())
    workers = min(os.cpu_count() or 1, 4)
    big = sum(len(text) for path, text in items if path.endswith(".py"))
    if workers > 1 and big > _PARALLEL_BYTES and len(items) > 1:
        items.sort(key=lambda item: -len(item[1]))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            formatted = dict(pool.map(_format_one, items))
    else:
        formatted = dict(map(_format_one, items))
    return {path: formatted[path] for path in files}
