"""Servers the tests start in processes of their own (the stubs under uvicorn,
Prism): a free port, waiting until one listens, stopping it."""

from __future__ import annotations

import socket
import subprocess
import time
from typing import Any


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def not_listening(process: subprocess.Popen[Any], port: int, timeout: float, interval: float = 0.1) -> str | None:
    """Wait until `process` listens on `port`; None once it does, else why not
    (it exited, or did not listen within `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            return f"it exited with {process.returncode}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return None
        except OSError:
            if time.monotonic() > deadline:
                return f"it did not listen within {timeout:.0f} s"
            time.sleep(interval)


def stop(process: subprocess.Popen[Any], timeout: float = 30) -> None:
    """Terminate `process`, killing it if it does not end within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
