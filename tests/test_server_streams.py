"""The stub streams: an operation whose answer is a sequence of items (OpenAPI
3.2 `itemSchema`, or a 3.0/3.1 event stream or JSON Lines whose schema types
the items) is answered item by item, framed as its media type says, with the
example's items or synthesized ones; the generated client reads them typed.

In-process (httpx2's ASGI transport), except the last test, which serves the
stub on a real socket to see the first item arrive before the last is sent.
"""

from __future__ import annotations

import asyncio
import importlib
import time
from pathlib import Path
from typing import Any, Iterator

import httpx2
import pytest

from generator.reading.read import read_api
from .generated_packages import generated_packages
from .processes import served

SPEC32 = Path(__file__).resolve().parent / "cases" / "openapi32" / "spec.yaml"

# A 3.1 document of an event-streaming API as such documents are written before
# `itemSchema`: the stream documented as an array of the data, as the event
# itself, or as text; JSON Lines as an array.
SPEC31 = """
openapi: 3.1.0
info: {title: Prices, version: "1"}
paths:
  /prices:
    get:
      operationId: streamPrices
      tags: [prices]
      responses:
        "200":
          description: One event per price.
          content:
            text/event-stream:
              schema: {type: array, items: {$ref: "#/components/schemas/Price"}}
              example: [{symbol: A, value: 1.5}, {symbol: B, value: 2}]
  /events:
    get:
      operationId: streamEvents
      tags: [prices]
      responses:
        "200":
          description: Events whose data is a price.
          content:
            text/event-stream:
              schema:
                type: object
                required: [data]
                properties:
                  event: {type: string, enum: [price]}
                  id: {type: string}
                  data: {$ref: "#/components/schemas/Price"}
  /log:
    get:
      operationId: streamLog
      tags: [prices]
      responses:
        "200":
          description: The log, one event per line.
          content:
            text/event-stream:
              schema: {type: string}
              example: "data: started\\n\\nid: 2\\ndata: line one\\ndata: line two\\n\\n"
  /prices/lines:
    get:
      operationId: priceLines
      tags: [prices]
      responses:
        "200":
          description: One price per line.
          content:
            application/x-ndjson:
              schema: {type: array, items: {$ref: "#/components/schemas/Price"}}
  /notes:
    get:
      operationId: notes
      tags: [prices]
      responses:
        "200":
          description: One note per part.
          content:
            multipart/mixed:
              schema: {type: array, items: {type: string}}
              example: ["opening", "two\\r\\nlines"]
components:
  schemas:
    Price:
      type: object
      required: [symbol, value]
      properties:
        symbol: {type: string}
        value: {type: number}
"""


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with generated_packages(tmp_path_factory.mktemp("streams")) as load:
        load("stream32", SPEC32.read_text())
        load("stream31", SPEC31)
        yield {name: importlib.import_module(f"{name}.testing") for name in ("stream32", "stream31")}


def _raw(testing: Any, app: Any) -> httpx2.Client:
    return httpx2.Client(transport=testing.SyncASGITransport(app), base_url=testing.BASE_URL)


def test_the_client_reads_the_stubs_example_items_typed(packages: dict[str, Any]) -> None:
    testing = packages["stream32"]
    with testing.client(testing.create_stub(stream_delay=0)) as client:
        with client.feed.stream_ticks() as stream:
            events = list(stream.events())
        assert [(e.event, e.id, e.item.seq, e.item.price) for e in events] == [("tick", "41", 41, 10.5), ("tick", "42", 42, 11.0)]
        assert type(events[0].item).__name__ == "Tick"
        lines = list(client.feed.tick_lines())
        assert [(t.seq, t.price) for t in lines] == [(1, 1.5), (2, 2.5), (3, 3.5)]
        # No example: items made up from the model, as many as the stub is told.
        records = list(client.feed.tick_records())
        assert len(records) == 3 and all(type(t).__name__ == "Tick" for t in records)


def test_the_client_reads_the_stubs_multipart_parts_typed(packages: dict[str, Any]) -> None:
    testing = packages["stream32"]
    with testing.client(testing.create_stub(stream_delay=0, stream_items=2)) as client:
        with client.feed.tick_parts() as stream:
            events = list(stream.events())
        assert [(t.item.seq, t.item.price) for t in events] == [(5, 5.5), (6, 6.5)]
        assert type(events[0].item).__name__ == "Tick" and events[0].data == '{"seq":5,"price":5.5}'
        made = list(client.feed.tick_parts(extra_headers={"Prefer": "dynamic=true"}))
        assert len(made) == 2 and all(type(t).__name__ == "Tick" for t in made)
    with _raw(testing, testing.create_stub(stream_delay=0)) as http:
        answer = http.get("/ticks/parts")
        media, _, parameter = answer.headers["content-type"].partition(";")
        assert media == "multipart/mixed" and parameter.strip().startswith("boundary=")
        delimiter = "--" + parameter.strip().removeprefix("boundary=")
        assert answer.text == (
            f'{delimiter}\r\nContent-Type: application/json\r\n\r\n{{"seq":5,"price":5.5}}\r\n'
            f'{delimiter}\r\nContent-Type: application/json\r\n\r\n{{"seq":6,"price":6.5}}\r\n'
            f"{delimiter}--\r\n"
        )


def test_the_async_client_reads_a_stream(packages: dict[str, Any]) -> None:
    testing = packages["stream32"]

    async def run() -> list[Any]:
        async with testing.async_client(testing.create_stub(stream_delay=0)) as client:
            stream = await client.feed.tick_lines()
            return [tick.seq async for tick in stream]

    assert asyncio.run(run()) == [1, 2, 3]


def test_each_media_type_is_framed_as_it_says(packages: dict[str, Any]) -> None:
    testing = packages["stream32"]
    with _raw(testing, testing.create_stub(stream_delay=0, stream_items=2)) as http:
        events = http.get("/ticks")
        assert events.headers["content-type"].startswith("text/event-stream")
        assert events.headers["cache-control"] == "no-cache"
        assert events.text == (
            'event: tick\nid: 41\ndata: {"seq": 41, "price": 10.5}\n\n'
            'event: tick\nid: 42\ndata: {"seq": 42, "price": 11.0}\n\n'
        )
        lines = http.get("/ticks/lines")
        assert lines.headers["content-type"].startswith("application/jsonl")
        assert lines.text.splitlines() == ['{"seq":1,"price":1.5}', '{"seq":2,"price":2.5}', '{"seq":3,"price":3.5}']
        records = http.get("/ticks/records").content
        assert records.count(b"\x1e") == 2 and records.startswith(b'\x1e{"seq":') and records.endswith(b"}\n")
        # Synthesized events carry the schema's event name and their number as id.
        made = http.get("/ticks", headers={"Prefer": "dynamic=true"}).text
        assert [block.splitlines()[:2] for block in made.strip().split("\n\n")] == [["event: tick", "id: 1"], ["event: tick", "id: 2"]]
        unknown = http.get("/ticks", headers={"Prefer": "example=closing"})
        assert unknown.status_code == 400 and "opening" in unknown.json()["message"]


def test_a_31_event_stream_is_a_typed_stream(packages: dict[str, Any], tmp_path: Path) -> None:
    """What the IR makes of a 3.1 event stream: an array documents the stream (items of its
    items' type), an event-shaped schema types the data, a string leaves each event's text."""
    spec = tmp_path / "prices.yaml"
    spec.write_text(SPEC31)
    api = read_api(spec, strict=False).api
    streams = {op.operation_id: op.stream for op in api.operations}

    def item(type_: Any) -> str:
        return getattr(type_, "target", None) or getattr(type_, "name", "")

    assert {name: (s.framing, item(s.item), s.text) for name, s in streams.items() if s is not None} == {
        "streamPrices": ("sse", "Price", False),
        "streamEvents": ("sse", "Price", False),
        "streamLog": ("sse", "string", True),
        "priceLines": ("lines", "Price", False),
        "notes": ("multipart", "string", True),
    }
    testing = packages["stream31"]
    with testing.client(testing.create_stub(stream_delay=0)) as client:
        assert [(p.symbol, p.value) for p in client.prices.stream()] == [("A", 1.5), ("B", 2)]
        events = list(client.prices.stream_events().events())
        assert len(events) == 3 and all(type(e.item).__name__ == "Price" and e.event == "price" for e in events)
        assert list(client.prices.stream_log()) == ["started", "line one\nline two"]
        assert len([p.symbol for p in client.prices.lines()]) == 3
        # Text items are sent as text/plain parts, and read back as their text, line ends and all.
        assert list(client.prices.notes()) == ["opening", "two\r\nlines"]
    with _raw(testing, testing.create_stub(stream_delay=0)) as http:
        assert http.get("/notes").text.count("Content-Type: text/plain; charset=utf-8\r\n\r\n") == 2


def test_the_first_item_arrives_before_the_last_is_sent(packages: dict[str, Any]) -> None:
    """Served on a socket with 0.4 s between items: had the stub built the whole answer
    first, the items would all arrive together; they arrive the delay apart."""
    delay = 0.4
    testing = packages["stream32"]
    client_module = importlib.import_module("stream32.client")
    with served(testing.create_stub(stream_delay=delay, stream_items=3)) as url:
        client = client_module.Client(base_url=url)
        arrived = []
        with client.feed.tick_records() as stream:
            for tick in stream:
                arrived.append((time.monotonic(), tick))
        assert len(arrived) == 3 and all(type(t).__name__ == "Tick" for _, t in arrived)
        # The last item is sent at least two delays after the first; it arrives that much later.
        assert arrived[-1][0] - arrived[0][0] >= 1.5 * delay
        assert arrived[1][0] - arrived[0][0] >= 0.75 * delay
