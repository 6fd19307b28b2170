"""Wall and CPU time of a command and every process it starts.

CPU time (user + system) stays meaningful on a loaded machine where wall time
does not. It is read from `getrusage(RUSAGE_CHILDREN)`, which counts only the
descendants that were waited for: workers that outlive their parent (a pool's
server process) are orphans that nobody waits for. So, on Linux, this process
is made the subreaper of its descendants while a command runs, and every
descendant is waited for before the figures are read: their time is counted
and the command is over only when all of them are.
"""

from __future__ import annotations

import ctypes
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass

_PR_SET_CHILD_SUBREAPER = 36


@dataclass(frozen=True)
class Usage:
    wall: float
    cpu: float


def _subreaper(on: bool) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], *, env: dict[str, str] | None = None, cwd: str | None = None) -> Usage:
    """Run `command` (it must succeed) and give its process tree's wall and CPU seconds."""
    reaping = _subreaper(True)
    try:
        cpu, started = _cpu(), time.perf_counter()
        result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
        while reaping:
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                break
        wall = time.perf_counter() - started
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed ({result.returncode}): {result.stderr[-2000:]}")
        return Usage(wall, _cpu() - cpu)
    finally:
        if reaping:
            _subreaper(False)
