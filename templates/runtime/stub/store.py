"""The stateful stub server's memory: items by collection, in creation order.

A collection is keyed by its concrete path (`/v1/conversations/42/notes`), so
nested collections of different parents stay apart. Items are wire data
(decoded JSON) exactly as the server answers them. Page cursors are opaque
base64 like Dixa's `pageKey`; a cursor that was not made here is refused.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

__all__ = ["Store", "decode_cursor", "encode_cursor"]


class Store:
    def __init__(self) -> None:
        self._collections: dict[str, dict[str, dict[str, Any]]] = {}

    def get(self, collection: str, item_id: str) -> dict[str, Any] | None:
        return self._collections.get(collection, {}).get(item_id)

    def put(self, collection: str, item_id: str, item: dict[str, Any]) -> None:
        """Add an item, or replace it where it stands."""
        self._collections.setdefault(collection, {})[item_id] = item

    def delete(self, collection: str, item_id: str) -> bool:
        return self._collections.get(collection, {}).pop(item_id, None) is not None

    def items(self, collection: str) -> list[dict[str, Any]]:
        return list(self._collections.get(collection, {}).values())

    def clear(self) -> None:
        self._collections.clear()


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_cursor(cursor: str) -> int | None:
    """The offset a cursor stands for, or None when it is not one of ours."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeError):
        return None
    offset = data.get("offset") if isinstance(data, dict) else None
    return (
        offset if isinstance(offset, int) and not isinstance(offset, bool) and offset >= 0 else None
    )
