"""Normalization passes, run in this order by `normalize`.

Each pass is a small IR → IR function in a module of its own, so that every
convention the generator makes explicit can be read and tested on its own.
"""

from __future__ import annotations

from typing import Callable

from ..model import Api
from . import dialect, enums, hoist, inheritance, modules, naming, operations, unions, webhooks

PASSES: list[tuple[str, Callable[[Api], None]]] = [
    ("dialect", dialect.run),
    ("enums", enums.run),
    ("unions", unions.run),
    ("webhooks", webhooks.run),
    ("operations", operations.run),
    ("hoist", hoist.run),
    ("payloads", operations.payloads),
    ("naming", naming.run),
    ("inheritance", inheritance.run),
    ("modules", modules.run),
]


def normalize(api: Api) -> Api:
    for _, run in PASSES:
        run(api)
    return api
