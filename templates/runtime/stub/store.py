"""The stateful stub server's memory: items by collection, in creation order.

A collection is keyed by its concrete path (`/v1/conversations/42/notes`), so
nested collections of different parents stay apart. Items are wire data
(decoded JSON) exactly as the server answers them. Page cursors are opaque
base64 like Dixa's `pageKey`; a cursor that was not made here is refused.

The memory is bounded: at most `max_items` items in a collection and
`max_bytes` bytes of stored JSON in all. A write past either is refused with
`507 Insufficient Storage` (nothing is dropped behind the caller's back);
deleting items or `reset()` makes room again.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from .base import StubError

__all__ = ["MAX_CURSOR", "MAX_ITEMS", "MAX_STATE_BYTES", "Store", "decode_cursor", "encode_cursor"]

# The most items one collection holds.
MAX_ITEMS = 10_000
# The most bytes of stored JSON, over all collections.
MAX_STATE_BYTES = 64 * 1024 * 1024
# A longer cursor is not one of ours (ours are a few dozen characters).
MAX_CURSOR = 1024


class Store:
    def __init__(self, max_items: int = MAX_ITEMS, max_bytes: int = MAX_STATE_BYTES) -> None:
        self._collections: dict[str, dict[str, dict[str, Any]]] = {}
        self._sizes: dict[tuple[str, str], int] = {}
        self.max_items = max_items
        self.max_bytes = max_bytes
        self.size = 0

    def get(self, collection: str, item_id: str) -> dict[str, Any] | None:
        return self._collections.get(collection, {}).get(item_id)

    def put(self, collection: str, item_id: str, item: dict[str, Any]) -> None:
        """Add an item, or replace it where it stands; `StubError(507)` past a limit."""
        items = self._collections.get(collection, {})
        if item_id not in items and len(items) >= self.max_items:
            raise StubError(
                507, f"Insufficient storage: {collection} holds {self.max_items} items already"
            )
        size = len(json.dumps(item, default=str))
        grown = self.size - self._sizes.get((collection, item_id), 0) + size
        if grown > self.max_bytes:
            raise StubError(
                507, f"Insufficient storage: the stub holds at most {self.max_bytes} bytes"
            )
        self._collections.setdefault(collection, {})[item_id] = item
        self._sizes[(collection, item_id)] = size
        self.size = grown

    def delete(self, collection: str, item_id: str) -> bool:
        """Forget an item, and the collections nested under it (a webhook
        subscription's delivery logs): they name an item that is gone."""
        self.size -= self._sizes.pop((collection, item_id), 0)
        if self._collections.get(collection, {}).pop(item_id, None) is None:
            return False
        nested = f"{collection}/{item_id}/"
        for name in [name for name in self._collections if name.startswith(nested)]:
            for kept in self._collections.pop(name):
                self.size -= self._sizes.pop((name, kept), 0)
        return True

    def items(self, collection: str) -> list[dict[str, Any]]:
        return list(self._collections.get(collection, {}).values())

    def clear(self) -> None:
        self._collections.clear()
        self._sizes.clear()
        self.size = 0


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_cursor(cursor: str) -> int | None:
    """The offset a cursor stands for, or None when it is not one of ours
    (too long, not base64, not JSON, or JSON nested too deep to read)."""
    if len(cursor) > MAX_CURSOR:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeError, RecursionError):
        return None
    offset = data.get("offset") if isinstance(data, dict) else None
    return (
        offset if isinstance(offset, int) and not isinstance(offset, bool) and offset >= 0 else None
    )
