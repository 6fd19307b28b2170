"""The stateful stub's memory (`stub/store.py`), from the runtime's source."""

from __future__ import annotations

from tests.runtime_source import runtime

store = runtime("stub.store")


def test_deleting_an_item_forgets_the_collections_nested_under_it() -> None:
    """A deleted webhook subscription takes its delivery logs along, and the
    room they held is free again; a sibling whose id starts alike keeps its own."""
    kept = store.Store()
    kept.put("/webhooks", "a", {"id": "a"})
    kept.put("/webhooks", "ab", {"id": "ab"})
    kept.put("/webhooks/a/delivery-logs", "1", {"id": "1", "payload": "x" * 100})
    kept.put("/webhooks/ab/delivery-logs", "1", {"id": "1"})
    size = kept.size
    assert kept.delete("/webhooks", "a")
    assert kept.items("/webhooks/a/delivery-logs") == []
    assert kept.items("/webhooks/ab/delivery-logs") == [{"id": "1"}]
    assert kept.size < size - 100
    assert not kept.delete("/webhooks", "a")
    kept.delete("/webhooks", "ab")
    assert kept.size == 0
