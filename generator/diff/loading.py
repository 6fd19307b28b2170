"""Read the two specs of a diff, side by side when the platform allows it.

Reading a spec costs far more than comparing two, so the old one is read in a
forked worker while this process reads the new one: the IR comes back pickled.
Where processes cannot be forked cheaply (no `fork` start method), they are read
one after the other.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from ..ir.model import Api
from ..reading.read import read_api
from ..reading.worker import worker_pool


def read_for_diff(path: Path) -> Api:
    """One side: as `generate` would read it without `--strict`, minus the schema
    validation (fatal problems are still refused; `dixagen validate` does the rest)."""
    return read_api(path, strict=False, validate=False).api


def read_both(old: Path, new: Path) -> tuple[Api, Api]:
    """Both sides; a SpecError of either is raised here (the old side's first)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return read_for_diff(old), read_for_diff(new)
    with worker_pool() as pool:
        pending = pool.submit(read_for_diff, old)
        try:
            new_api = read_for_diff(new)
        finally:
            old_api = pending.result()
    return old_api, new_api
