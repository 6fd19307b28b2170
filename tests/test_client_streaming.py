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


@pytest.mark.parametrize("method", ["stream_ticks", "tick_lines"])
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
