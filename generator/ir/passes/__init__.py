"""Normalization passes, run in this order by `normalize`.

This is where the generator decides. Each pass is a small IR → IR function in
a module of its own, so that every convention the generator makes explicit,
and every choice of how the wire is spoken (a parameter's style, how an answer
is read and asked for, where a page's items are, what the stateful stub keeps,
what a description says once its enum's values are members), is made once,
here, and written on the IR. The renderers and the diff only read it.
"""

from __future__ import annotations

from typing import Callable

from ..model import Api
from . import answers, descriptions, dialect, dicts, enums, hoist, inheritance, modules, naming, operations, pages, shared, stateful, styles, unions, webhooks

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
    ("shared", shared.run),
    ("dicts", dicts.run),
    ("modules", modules.run),
    ("styles", styles.run),
    ("answers", answers.run),
    ("pages", pages.run),
    ("stateful", stateful.run),
    ("descriptions", descriptions.run),
]


def normalize(api: Api) -> Api:
    for _, run in PASSES:
        run(api)
    return api
