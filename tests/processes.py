"""Servers the tests start in processes of their own (the stubs under uvicorn,
Prism): a free port, waiting until one listens, stopping it; and an ASGI app
served by uvicorn in a thread of the test's own process (`served`)."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def served(app: Any) -> Iterator[str]:
    """`app` under uvicorn on a free port of 127.0.0.1, in a thread; its base URL.
    Stopping it runs its lifespan's end (the stub's webhook sender stops there)."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        assert not thread.is_alive(), "the server did not stop"
