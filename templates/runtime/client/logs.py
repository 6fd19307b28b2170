"""Keeping credentials out of the log lines of the HTTP library.

httpx2 logs every request's URL at INFO (with a credential sent in the query)
and its reason phrase (which a server may make echo one); httpcore2 logs the
raw status line and headers at DEBUG. Each client registers its secrets here,
and one filter on those loggers, and on each of their children (a logger's
filter does not see its children's records), rewrites every record with the
registered secrets scrubbed (see `errors.scrub`) before any handler sees it.
Secrets stay registered for the life of the process: a record may be
formatted late (a queue handler), and a credential once sent is worth hiding
after its client is gone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from ..errors import scrub

__all__ = ["LOGGERS", "guard_logs"]

# The loggers of the HTTP stack; their children are covered too.
LOGGERS = ("httpx2", "httpcore2")
_CHILDREN = ("connection", "connection_pool", "http11", "http2", "proxy", "socks")


class _Scrubber(logging.Filter):
    """Rewrites a record's message with every registered secret replaced by `***`."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: tuple[str, ...] = ()
        self.lock = threading.Lock()
        self.installed: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = self.secrets
        if secrets:
            try:
                text = record.getMessage()
            except Exception:  # a malformed record is left to logging's own report
                return True
            clean = scrub(text, secrets)
            if clean != text:
                record.msg, record.args = clean, None
        return True


_SCRUBBER = _Scrubber()


def guard_logs(secrets: Sequence[str]) -> None:
    """Keep `secrets` out of every record of the HTTP stack's loggers."""
    names = [*LOGGERS, *(f"{root}.{child}" for root in LOGGERS for child in _CHILDREN)]
    names += [n for n in list(logging.Logger.manager.loggerDict) if n.split(".")[0] in LOGGERS]
    with _SCRUBBER.lock:
        for name in names:
            if name not in _SCRUBBER.installed:
                logging.getLogger(name).addFilter(_SCRUBBER)
                _SCRUBBER.installed.add(name)
        known = set(_SCRUBBER.secrets)
        known.update(secret for secret in secrets if secret)
        _SCRUBBER.secrets = tuple(sorted(known, key=len, reverse=True))
