"""Worker processes that do not outlive the command that started them.

The old side of a diff is read in a forked worker. If the command is killed
(`kill -9`, a CI timeout), the worker must stop too instead of running on as
an orphan, holding memory and the CPU.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Run in the worker as it starts: on Linux the kernel sends it SIGKILL when
    its parent dies (prctl PR_SET_PDEATHSIG); elsewhere a thread checks that
    the parent is still there once a second."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the call
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def worker_pool() -> ProcessPoolExecutor:
    """One forked worker that dies with this process."""
    return ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )
