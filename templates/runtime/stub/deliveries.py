"""Webhook deliveries of the stateful stub: events POSTed to subscribers' URLs,
off the request path.

The API call that caused an event answers at once; its deliveries are handed
to a `Sender`, which posts them from a thread of its own (an asyncio loop with
a few workers, so that one slow receiver does not hold up the others). What
bounds it, whatever a receiver does:

- the queue: at most `max_queue` deliveries wait or are in flight; past that a
  new one is dropped with a logged line (never an error for the API caller);
- an attempt: `timeout` seconds from connecting to the last byte of the answer
  (a receiver that hangs or trickles its answer is cut off there), and at most
  `MAX_RESPONSE_TEXT` characters of the answer are kept;
- retries: `attempts` in all, `backoff` seconds before the second, doubling up
  to `max_backoff`; a 2xx answer ends them, anything else (another status, a
  refused connection, a timeout) is one failed attempt;
- shutdown: `close()` cancels what is in flight and waits at most `grace`
  seconds for the thread; the thread is a daemon, so it never keeps the
  process alive. A later `submit` starts a new thread.

Each finished attempt is an `Attempt`, kept until `drain()` takes it (the app
turns them into what its delivery-status operations answer). The body is
signed anew at each attempt (`Delivery.sign`), as a retry is sent later.
"""

from __future__ import annotations

import asyncio
import collections
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable, Mapping

from .base import log

if TYPE_CHECKING:  # imported by the sender's thread when it starts: building an app sends nothing
    import httpx2

__all__ = ["MAX_RESPONSE_TEXT", "Attempt", "Delivery", "Sender"]

# The most characters of a receiver's answer an attempt keeps (its `responseText`).
MAX_RESPONSE_TEXT = 1024
# The most bytes read of a receiver's answer (more is not waited for).
MAX_RESPONSE_BYTES = 16 * 1024


@dataclass(frozen=True)
class Delivery:
    """One event for one subscription: `body` as sent to `url` with `headers`;
    `sign` gives the signature headers of a body at the time it is called."""

    url: str
    body: bytes
    headers: Mapping[str, str]
    subscription: str
    event: str
    sign: Callable[[bytes], Mapping[str, str]] | None = None


@dataclass(frozen=True)
class Attempt:
    """How one attempt went: `status` is the receiver's HTTP status, 0 when
    none came (refused, unreachable, timed out); `text` its answer, or what
    went wrong."""

    delivery: Delivery
    number: int
    at: str
    success: bool
    status: int
    text: str
    final: bool


class Sender:
    """Posts `Delivery`s from a background thread (see the module's docstring)."""

    def __init__(
        self,
        *,
        max_queue: int = 1000,
        attempts: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        timeout: float = 5.0,
        workers: int = 4,
        grace: float = 2.0,
        transport: httpx2.AsyncBaseTransport | None = None,
        max_attempts_kept: int = 10_000,
    ) -> None:
        self.max_queue = max_queue
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.timeout = timeout
        self.workers = max(1, workers)
        self.grace = grace
        self.transport = transport
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._pending = 0
        self._dropped = 0
        # Counts the threads started: a worker of a closed one leaves the count alone.
        self._generation = 0
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[Delivery] | None = None
        self._stop: asyncio.Event | None = None
        # Finished attempts not yet drained; the oldest go first past the bound.
        self._done: collections.deque[Attempt] = collections.deque(maxlen=max_attempts_kept)

    # -- the request side ----------------------------------------------------------

    def submit(self, delivery: Delivery) -> bool:
        """Queue `delivery`; False (and a logged line) when the queue is full."""
        with self._lock:
            if self._pending >= self.max_queue:
                self._dropped += 1
                log.warning(
                    "webhook %s for subscription %s not sent: %d deliveries are queued already",
                    delivery.event,
                    delivery.subscription,
                    self._pending,
                )
                return False
            self._pending += 1
            loop, queue = self._started()
        try:
            loop.call_soon_threadsafe(queue.put_nowait, delivery)
        except RuntimeError:  # closed meanwhile
            return False
        return True

    def drain(self) -> list[Attempt]:
        """The attempts finished since the last call, oldest first."""
        out = []
        while True:
            try:
                out.append(self._done.popleft())
            except IndexError:
                return out

    @property
    def pending(self) -> int:
        """Deliveries queued or in flight (retries included)."""
        with self._lock:
            return self._pending

    @property
    def dropped(self) -> int:
        """Deliveries refused because the queue was full."""
        with self._lock:
            return self._dropped

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no delivery is queued or in flight; False if `timeout` passed first."""
        end = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def close(self) -> None:
        """Stop the thread: deliveries in flight or queued are dropped."""
        with self._lock:
            thread, loop, stop = self._thread, self._loop, self._stop
            self._thread = self._loop = self._queue = self._stop = None
            self._pending = 0
            self._generation += 1
            self._idle.notify_all()
        if thread is None or loop is None or stop is None:
            return
        try:
            loop.call_soon_threadsafe(stop.set)
        except RuntimeError:  # the loop has ended already
            pass
        thread.join(self.grace)

    # -- the thread ------------------------------------------------------------------

    def _started(self) -> tuple[asyncio.AbstractEventLoop, asyncio.Queue[Delivery]]:
        """The running loop and its queue, started first if need be (under `_lock`)."""
        if self._loop is None or self._queue is None:
            loop = asyncio.new_event_loop()
            ready = threading.Event()
            queue: asyncio.Queue[Delivery] = asyncio.Queue()
            stop = asyncio.Event()
            thread = threading.Thread(
                target=self._run,
                args=(loop, queue, stop, ready, self._generation),
                name="stub-webhooks",
                daemon=True,
            )
            self._loop, self._queue, self._stop, self._thread = loop, queue, stop, thread
            thread.start()
            ready.wait()
        return self._loop, self._queue

    def _run(
        self,
        loop: asyncio.AbstractEventLoop,
        queue: asyncio.Queue[Delivery],
        stop: asyncio.Event,
        ready: threading.Event,
        generation: int,
    ) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._main(queue, stop, ready, generation))
        finally:
            loop.close()

    async def _main(
        self,
        queue: asyncio.Queue[Delivery],
        stop: asyncio.Event,
        ready: threading.Event,
        generation: int,
    ) -> None:
        import httpx2

        client = httpx2.AsyncClient(
            transport=self.transport, timeout=self.timeout, follow_redirects=False, trust_env=False
        )
        workers = [
            asyncio.create_task(self._worker(client, queue, generation))
            for _ in range(self.workers)
        ]
        ready.set()
        try:
            await stop.wait()
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            try:
                async with asyncio.timeout(self.grace):
                    await client.aclose()
            except (TimeoutError, httpx2.HTTPError, OSError):
                pass

    async def _worker(
        self, client: httpx2.AsyncClient, queue: asyncio.Queue[Delivery], generation: int
    ) -> None:
        while True:
            delivery = await queue.get()
            try:
                await self._deliver(client, delivery)
            except Exception as exc:  # a fault of ours must not end the worker
                log.warning("webhook %s: not delivered (%s)", delivery.event, _described(exc))
            finally:
                with self._lock:
                    if generation == self._generation:
                        self._pending = max(0, self._pending - 1)
                    if not self._pending:
                        self._idle.notify_all()

    async def _deliver(self, client: httpx2.AsyncClient, delivery: Delivery) -> None:
        for number in range(1, self.attempts + 1):
            attempt = await self._attempt(client, delivery, number)
            self._done.append(attempt)
            if attempt.success:
                return
            log.info(
                "webhook %s to %s: attempt %d of %d failed (%s)",
                delivery.event,
                delivery.url,
                number,
                self.attempts,
                attempt.text if not attempt.status else f"{attempt.status} {attempt.text}",
            )
            if attempt.final:
                break
            await asyncio.sleep(min(self.max_backoff, self.backoff * 2 ** (number - 1)))
        log.warning(
            "webhook %s to %s: given up after %d attempts", delivery.event, delivery.url, number
        )

    async def _attempt(
        self, client: httpx2.AsyncClient, delivery: Delivery, number: int
    ) -> Attempt:
        import httpx2

        at = _now()
        final = number >= self.attempts
        headers = {**delivery.headers, "Content-Type": "application/json"}
        if delivery.sign is not None:
            headers.update(delivery.sign(delivery.body))
        status, text = 0, ""
        try:
            async with asyncio.timeout(self.timeout):
                async with client.stream(
                    "POST", delivery.url, content=delivery.body, headers=headers
                ) as response:
                    status = response.status_code
                    text = await _answer_text(response)
        except TimeoutError:
            text = f"no complete answer within {self.timeout:g} s"
        except (httpx2.UnsupportedProtocol, httpx2.InvalidURL) as exc:
            text, final = _described(exc), True  # another attempt would fail the same way
        except (httpx2.HTTPError, OSError, ValueError) as exc:
            text = _described(exc)
        success = 200 <= status < 300
        return Attempt(delivery, number, at, success, status, text, final or success)


async def _answer_text(response: httpx2.Response) -> str:
    """The start of the answer's body as text (its reason phrase if it has none)."""
    read = bytearray()
    async for chunk in response.aiter_bytes():
        read += chunk
        if len(read) >= MAX_RESPONSE_BYTES:
            break
    text = bytes(read).decode("utf-8", "replace").strip() or response.reason_phrase
    return text[:MAX_RESPONSE_TEXT]


def _described(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
