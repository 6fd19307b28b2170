"""Streaming answers against a real socket server: items arrive one by one,
before the server has sent the rest (OpenAPI 3.2 `itemSchema`, tests/cases/openapi32)."""

from __future__ import annotations

import asyncio
import importlib
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import httpx2
import pytest

SPEC = Path(__file__).resolve().parent / "cases" / "openapi32" / "spec.yaml"


@pytest.fixture(scope="module")
def streams(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    out = tmp_path_factory.mktemp("streams")
    subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--spec", str(SPEC), "--out", str(out), "--package", "streams_sdk"],
        check=True, capture_output=True,
    )
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("streams_sdk")
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n.startswith("streams_sdk")]:
            del sys.modules[name]


class _Server:
    """Sends one item, waits until the test says it has it, then sends the next."""

    def __init__(self) -> None:
        self.got_first = threading.Event()
        self.requests: list[tuple[str, str]] = []
        # How many QUERY requests are answered 503 before one succeeds.
        self.query_failures = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, media: str, parts: list[bytes]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", media)
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(parts[0])
                self.wfile.flush()
                server.got_first.wait(5)
                for part in parts[1:]:
                    self.wfile.write(part)
                    self.wfile.flush()

            def do_GET(self) -> None:
                server.requests.append((self.command, self.path))
                if self.path == "/ticks":
                    self._send("text/event-stream", [
                        b": a comment\r\nevent: tick\r\nid: 1\r\ndata: {\"seq\": 1,\r\ndata:  \"price\": 1.5}\r\n\r\n",
                        b"retry: 1000\ndata: {\"seq\": 2, \"price\": 2.5}\n\n",
                    ])
                elif self.path == "/ticks/parts":
                    # The first part ends with the delimiter after it: it is whole before the second is sent.
                    self._send("multipart/mixed; boundary=\"tick b\"", [
                        b"preamble\r\n--tick b\r\nContent-Type: application/json\r\n\r\n{\"seq\": 1, \"price\": 1.5}\r\n--tick b",
                        b"\r\n\r\n{\"seq\": 2, \"price\": 2.5}\r\n--tick b--\r\nepilogue",
                    ])
                elif self.path == "/ticks/lines":
                    self._send("application/jsonl", [b'{"seq": 1, "price": 1.5}\n', b'{"seq": 2, "price": 2.5}\n'])
                else:
                    body = b"[]"
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

            def do_QUERY(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                server.requests.append((self.command, self.rfile.read(length).decode()))
                body = b'[{"seq": 7, "price": 7.0}]'
                if server.query_failures:
                    server.query_failures -= 1
                    body = b'{"message": "busy"}'
                    self.send_response(503)
                else:
                    self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.got_first.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[_Server]:
    running = _Server()
    yield running
    running.close()


@pytest.mark.parametrize("method", ["stream_ticks", "tick_lines", "tick_parts"])
def test_sync_stream_yields_each_item_before_the_next_is_sent(streams: Any, server: _Server, method: str) -> None:
    client = streams.Client(base_url=server.url)
    seen = []
    with getattr(client.feed, method)(deadline=2.0) as stream:
        for tick in stream:
            seen.append(tick)
            if len(seen) == 1:
                assert not server.got_first.is_set()  # the second item is still held back by the server
                server.got_first.set()
    assert [(t.seq, t.price) for t in seen] == [(1, 1.5), (2, 2.5)]
    assert type(seen[0]).__name__ == "Tick"
    assert stream.response.is_closed


def test_async_stream_and_events(streams: Any, server: _Server) -> None:
    async def run() -> list[Any]:
        async with streams.AsyncClient(base_url=server.url) as client:
            stream = await client.feed.stream_ticks()
            events = []
            async with stream:
                async for event in stream.events():
                    events.append(event)
                    server.got_first.set()
            return events

    events = asyncio.run(run())
    assert [(e.event, e.id, e.retry) for e in events] == [("tick", "1", None), ("message", "1", 1000)]
    assert events[0].data == '{"seq": 1,\n "price": 1.5}'
    assert events[1].item.seq == 2


def test_a_raw_response_of_a_stream_gives_the_headers_then_the_open_stream(streams: Any, server: _Server) -> None:
    """`with_raw_response` on a streaming method answers once the answer has begun:
    the status and headers, and `parse()` the stream, its items still to come."""
    client = streams.Client(base_url=server.url)
    raw = client.with_raw_response.feed.tick_lines()
    assert raw.status_code == 200 and raw.headers["content-type"] == "application/jsonl"
    server.got_first.set()
    with raw.parse() as stream:
        assert [tick.seq for tick in stream] == [1, 2]

    async def run() -> list[int]:
        async with streams.AsyncClient(base_url=server.url) as client:
            raw = await client.with_raw_response.feed.stream_ticks()
            assert raw.headers["content-type"] == "text/event-stream"
            async with raw.parse() as stream:
                return [tick.seq async for tick in stream]

    assert asyncio.run(run()) == [1, 2]


def test_abandoned_stream_closes_its_connection(streams: Any, server: _Server) -> None:
    client = streams.Client(base_url=server.url)
    stream = client.feed.tick_lines()
    first = next(iter(stream))
    stream.close()
    assert first.seq == 1 and stream.response.is_closed


def test_query_method_and_querystring(streams: Any, server: _Server) -> None:
    client = streams.Client(base_url=server.url)
    found = client.feed.search_ticks({"symbol": "X"})
    assert found[0].seq == 7
    client.feed.find_ticks(filter=streams.models.Filter(symbol="A B", limit=3))
    assert server.requests == [("QUERY", '{"symbol":"X"}'), ("GET", "/find?symbol=A+B&limit=3")]


def test_a_failed_query_is_sent_again(streams: Any, server: _Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """QUERY is safe and idempotent: a 503 is retried as a GET's would be (a POST's would not)."""
    monkeypatch.setattr(streams._runtime.client.retries, "sleep", lambda seconds: None)
    server.query_failures = 2
    client = streams.Client(base_url=server.url, max_retries=2)
    assert client.feed.search_ticks({"symbol": "X"})[0].seq == 7
    assert server.requests == [("QUERY", '{"symbol":"X"}')] * 3


# The parts of a multipart/mixed body (RFC 2046), as the stream's parser cuts them.
MIXED = (
    b"This preamble is ignored.\r\n"
    b"--b0\r\nContent-Type: application/json\r\n\r\n{\"seq\": 1, \"price\": 1.5}\r\n"
    b"--b0   \r\ncontent-type: text/plain; charset=utf-8\r\nX-Other: y\r\n\r\nline one\r\nline two\r\n"
    b"--b0\r\n\r\n{\"seq\": 3, \"price\": 3.5}\r\n"
    b"--b0--\r\nThe epilogue is ignored, --b0 included.\r\n"
)
MIXED_PARTS = [
    ("application/json", b'{"seq": 1, "price": 1.5}'),
    ("text/plain; charset=utf-8", b"line one\r\nline two"),
    (None, b'{"seq": 3, "price": 3.5}'),
]


def _parts(streams: Any, chunks: list[bytes], limit: int = 1000) -> list[tuple[str | None, bytes]]:
    parser = streams._runtime.client.streaming._Multipart(b"b0", limit)
    found = [part for chunk in chunks for part in parser.feed(chunk)]
    return found + list(parser.feed(b"", final=True))


def test_multipart_parts_split_anywhere_across_chunks(streams: Any) -> None:
    assert _parts(streams, [MIXED]) == MIXED_PARTS
    assert _parts(streams, [MIXED[i : i + 1] for i in range(len(MIXED))]) == MIXED_PARTS
    for cut in range(1, len(MIXED)):
        assert _parts(streams, [MIXED[:cut], MIXED[cut:]]) == MIXED_PARTS, cut


def test_multipart_lf_line_ends_and_a_body_that_starts_with_the_delimiter(streams: Any) -> None:
    body = b"--b0\nContent-Type: application/json\n\n[1]\n--b0\n\nplain\n--b0--"
    assert _parts(streams, [body]) == [("application/json", b"[1]"), (None, b"plain")]


def test_a_part_is_given_out_once_the_delimiter_after_it_arrives(streams: Any) -> None:
    parser = streams._runtime.client.streaming._Multipart(b"b0", 1000)
    end = MIXED.index(b"--b0   ")
    assert list(parser.feed(MIXED[: end - 3])) == []  # the line end before the delimiter is not in yet
    assert list(parser.feed(MIXED[end - 3 : end + 4])) == MIXED_PARTS[:1]


@pytest.mark.parametrize(
    ("content_type", "body", "message"),
    [
        ("multipart/mixed", MIXED, "no boundary parameter"),
        ("multipart/mixed; boundary=b0", b"--b0\r\nContent-Type: application/json\r\n{}\r\n--b0--", "no blank line"),
        ("multipart/mixed; boundary=b0", MIXED[: MIXED.index(b"--b0--")], "ends before its closing delimiter"),
        ("multipart/mixed; boundary=b0", b"--b0 junk\r\n\r\n{}\r\n--b0--", "more than white space"),
    ],
)
def test_a_malformed_multipart_body_raises_the_typed_error(streams: Any, content_type: str, body: bytes, message: str) -> None:
    response = httpx2.Response(200, headers={"Content-Type": content_type}, content=body)
    stream = streams._runtime.client.streaming.Stream(response, "multipart", lambda record, as_json: record)
    with pytest.raises(streams._runtime.errors.APIResponseValidationError, match=message):
        list(stream)


def test_a_part_larger_than_the_bound_raises_too_large(streams: Any) -> None:
    body = b"--b0\r\n\r\n" + b"x" * 100 + b"\r\n--b0--\r\n"
    response = httpx2.Response(200, headers={"Content-Type": "multipart/mixed; boundary=b0"}, content=body)
    stream = streams._runtime.client.streaming.Stream(response, "multipart", lambda record, as_json: record, max_item_bytes=50)
    with pytest.raises(streams._runtime.errors.ResponseTooLargeError) as caught:
        list(stream)
    assert caught.value.limit == 50
    # The bound holds before the part ends, too: a part that never ends is not held whole.
    parser = streams._runtime.client.streaming._Multipart(b"b0", 50)
    with pytest.raises(ValueError, match="larger than 50 bytes"):
        list(parser.feed(b"--b0\r\n\r\n" + b"x" * 100))


def test_each_part_is_json_or_text_as_its_content_type_says(streams: Any) -> None:
    response = httpx2.Response(200, headers={"Content-Type": 'multipart/mixed; boundary="b0"'}, content=MIXED)
    stream = streams._runtime.client.streaming.Stream(response, "multipart", lambda record, as_json: (record, as_json))
    events = list(stream.events())
    assert [event.item for event in events] == [
        (b'{"seq": 1, "price": 1.5}', True),
        ("line one\r\nline two", False),
        (b'{"seq": 3, "price": 3.5}', None),
    ]
    assert events[1].data == "line one\r\nline two"
