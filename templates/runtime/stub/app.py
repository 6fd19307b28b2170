"""`StubApp`: the FastAPI app built from an API's operation table.

What a request goes through, in order:
1. routing on the spec's paths and methods (QUERY and OpenAPI 3.2's
   `additionalOperations` methods, `PURGE`, included): an unknown path is 404,
   a known path with another method 405 (with `Allow`), both as Dixa's
   `{"message"}`;
   more than `MAX_HEADERS` headers (or `MAX_HEADER_BYTES`) is 431, a body on
   an operation that documents none 400, a body over `max_body_bytes` 413;
2. credentials and validation (`requests.py`): a secured operation answers
   401 unless the request carries what one of its security alternatives
   sends; parameters and the body are checked with the generated models and
   against the spec, and the first problems become `400 {"message": ...}`;
3. an answer (`answers.py`): the user's override if there is one, else
   (stateful mode, `state.py`) the store, else the documented example, or a
   value synthesized from the models (`synth.py`); a sequence of items
   (Server-Sent Events, JSON Lines, JSON text sequences) is streamed, its
   items a short delay apart (`streams.py`).

In stateful mode, webhook events the table of effects emits are posted to
the subscriptions' URLs by `deliveries` (a `Sender`, off the request path:
`events.py`); it stops with the app (its lifespan) or `close()`.

Routes are plain Starlette routes with a handler per path, not FastAPI
endpoints with declared parameters: the models do the validation, and
answers that do not depend on the request are encoded once and reused.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, AsyncIterator, Awaitable, Callable, Mapping, Sequence

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from . import answers, requests
from . import events as webhook_events
from .effects import base_path
from .base import Compiled, Handler, StubError, StubRequest, log, message
from .deliveries import Sender
from .store import MAX_ITEMS, MAX_STATE_BYTES, Store
from .synth import Synthesizer
from .table import Operation, StatefulEntry, stateful_table
from .wire import WireSchemas

if TYPE_CHECKING:
    from ..webhooks import SignatureScheme

__all__ = ["StubApp"]

MAX_BODY_BYTES = 10 * 1024 * 1024
# A streamed answer's pause between two items (seconds), and how many items it makes up.
STREAM_DELAY = 0.05
STREAM_ITEMS = 3
# The methods every path is routed for (a method the spec has elsewhere is added, so that
# every path answers it with the same 405 and `Allow`).
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "QUERY")


class StubApp(FastAPI):
    """A FastAPI app answering every operation of `operations`.

    `stateful` keeps created items in memory (see `Resource`), at most
    `max_items` per collection and `max_state_bytes` of JSON in all (past
    either, a write answers 507: see `store.py`); `seed` makes
    synthesized values and ids repeatable; `page_limit` is the page size of
    stateful lists when the request gives none. `wire` checks requests against
    the spec itself besides the models (see `wire.py`).

    `stateful_table` says what each operation does in stateful mode (which
    collection it creates, lists, reads, replaces, updates or deletes items
    of, or that it answers canned); a stateful app logs it when it is made,
    so that an operation the stub cannot keep state for is never a surprise.
    `webhooks` is the `webhooks` section of the API's table of effects (see
    `events.py`) and `webhook_signature` how deliveries are signed; `sender`
    posts them (a `Sender` with its defaults unless given).
    the spec itself besides the models (see `wire.py`). A streamed answer
    (`streams.py`) sends its items `stream_delay` seconds apart, and
    `stream_items` of them where it makes them up.
    """

    def __init__(
        self,
        operations: Sequence[Operation],
        *,
        title: str,
        stateful: bool = False,
        seed: int = 0,
        page_limit: int = 10,
        max_body_bytes: int = MAX_BODY_BYTES,
        max_items: int = MAX_ITEMS,
        max_state_bytes: int = MAX_STATE_BYTES,
        wire: WireSchemas | None = None,
        webhooks: Mapping[str, Any] | None = None,
        webhook_signature: SignatureScheme | None = None,
        sender: Sender | None = None,
        stream_delay: float = STREAM_DELAY,
        stream_items: int = STREAM_ITEMS,
        **kwargs: Any,
    ) -> None:
        kwargs["lifespan"] = self._lifespan(kwargs.get("lifespan"))
        kwargs.setdefault("openapi_url", None)
        kwargs.setdefault("docs_url", None)
        kwargs.setdefault("redoc_url", None)
        kwargs.setdefault("redirect_slashes", False)
        super().__init__(title=title, **kwargs)
        self.add_exception_handler(HTTPException, _http_error)
        self.add_exception_handler(Exception, _internal_error)
        self.stateful = stateful
        self.seed = seed
        self.page_limit = page_limit
        self.max_body_bytes = max_body_bytes
        self.wire = wire
        self.webhook_table = webhooks
        self.webhook_signature = webhook_signature
        self.deliveries = sender if sender is not None else Sender()
        self.stream_delay = stream_delay
        self.stream_items = stream_items
        self.store = Store(max_items, max_state_bytes)
        self.operations = {op.operation_id: op for op in operations}
        # Where the collections a table of effects names start (`effects.py`).
        self.effects_base = base_path([op.path for op in operations])
        self._overrides: dict[str, Handler] = {}
        self._ids = Synthesizer(f"{seed}:ids")
        # The API's serial numbers (a table of effects' `new.serial`), each
        # collection's made ids and its created items (seeds of made-up values).
        self._counter = 0
        self._serials: dict[str, int] = {}
        self._counters: dict[str, int] = {}
        self.stateful_table: tuple[StatefulEntry, ...] = stateful_table(operations)
        if stateful:
            self._log_stateful_table()
        self._compiled = {op.operation_id: Compiled(op) for op in operations}
        by_path: dict[str, dict[str, Compiled]] = {}
        for compiled in self._compiled.values():
            op = compiled.operation
            by_path.setdefault(op.path, {})[op.method.upper()] = compiled
        # Starlette routes any method a route lists (it takes them as tokens, `QUERY`, `PURGE`).
        methods = tuple(dict.fromkeys([*HTTP_METHODS, *(m for ms in by_path.values() for m in ms)]))
        for path in sorted(by_path, key=_specificity):
            template, names = _starlette_path(path)
            # Every method reaches the path's endpoint, which answers 405 for one
            # the spec does not list: `PUT /agents/bulk` is refused there,
            # not taken for `PUT /agents/{agentId}` with an id of "bulk".
            self.router.routes.append(
                Route(
                    template,
                    self._endpoint(by_path[path], names),
                    methods=methods,
                    include_in_schema=False,
                )
            )

    # -- public ------------------------------------------------------------------

    def override(self, operation_id: str, handler: Handler) -> Handler:
        """Answer `operation_id` with `handler` from now on (the request is
        still authenticated and validated first). Returns the handler."""
        if operation_id not in self.operations:
            raise KeyError(
                f"no operation {operation_id!r}; known: {', '.join(sorted(self.operations))}"
            )
        self._overrides[operation_id] = handler
        return handler

    def stateful_report(self) -> str:
        """What stateful mode does, as text: the operations that keep state
        (and how), those played by the API's table of effects, and those
        that answer canned."""
        groups: dict[str, list[str]] = {"collection": [], "effects": [], "canned": []}
        for entry in self.stateful_table:
            groups[entry.kind].append(str(entry))
        counts = [
            f"{len(groups['collection'])} operations keep state"
            f" on {len(self.collections)} collections",
            f"{len(groups['effects'])} follow the API's table of effects",
            f"{len(groups['canned'])} answer canned",
        ]
        if not groups["effects"]:
            del counts[1]
        lines = [f"{self.title}, stateful: {', '.join(counts)}"]
        titles = {
            "collection": "keep state:",
            "effects": "follow the table of effects:",
            "canned": "answer canned (documented example or a value made from the schema):",
        }
        for kind, entries in groups.items():
            if entries:
                lines.append("  " + titles[kind])
                lines += [f"    {entry}" for entry in entries]
        return "\n".join(lines)

    @property
    def collections(self) -> list[str]:
        """The collections stateful mode keeps (path templates), in the table's order."""
        found = (e.resource.collection for e in self.stateful_table if e.resource is not None)
        return list(dict.fromkeys(found))

    def _log_stateful_table(self) -> None:
        log.info("%s", self.stateful_report())
        if not any(entry.kind != "canned" for entry in self.stateful_table):
            log.warning(
                "%s, stateful: no operation creates items the stub can keep"
                " (no collection found in the paths): every answer is canned",
                self.title,
            )

    def reset(self) -> None:
        """Forget every stored item and override."""
        self.store.clear()
        self._overrides.clear()

    def subscribe(
        self,
        url: str,
        events: list[str],
        *,
        secret: str | None = None,
        headers: Mapping[str, str] | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Subscribe `url` to the webhook `events` (their names in the spec's
        webhooks) as the API's subscription operations would, for an API
        whose stub has none; the stored subscription, with its `secret`
        (made up unless given) and `filters` (as the API's subscriptions
        carry them: Dixa's `{"Conversation": {"_type": "CombinedFilters", ...}}`).
        Stateful mode sends them."""
        return webhook_events.subscribe(
            self, url, events, secret=secret, headers=headers, filters=filters
        )

    def close(self) -> None:
        """Stop sending webhooks (what is queued is dropped); the app's
        lifespan does it when the server stops."""
        self.deliveries.close()

    def _lifespan(self, inner: Any) -> Callable[[Any], Any]:
        """The app's lifespan: the user's own, if any, then the sender stopped."""

        @asynccontextmanager
        async def lifespan(app: Any) -> AsyncIterator[Any]:
            try:
                if inner is None:
                    yield None
                else:
                    async with inner(app) as state:
                        yield state
            finally:
                self.close()

        return lifespan

    # -- a request -----------------------------------------------------------------

    def _answer(self, call: StubRequest) -> Response:
        """What the stub answers `call` without an override (`StubRequest.default`)."""
        return answers.answer(self, call)

    def _endpoint(
        self, methods: dict[str, Compiled], names: dict[str, str]
    ) -> Callable[[Request], Awaitable[Response]]:
        if "GET" in methods:
            methods = {**methods, "HEAD": methods["GET"]}

        allowed = ", ".join(methods)

        async def endpoint(request: Request) -> Response:
            compiled = methods.get(request.method)
            if compiled is None:
                return message(
                    405,
                    f"Method {request.method} not allowed on {request.url.path} (allowed: {allowed})",
                    {"Allow": allowed},
                )
            if self.stateful and self.webhook_table:
                try:
                    webhook_events.record(self)
                except Exception as exc:  # the record of a delivery never fails a request
                    log.warning("webhook attempts not recorded: %s: %s", type(exc).__name__, exc)
            try:
                call = await requests.parse(self, compiled, request, names)
                handler = self._overrides.get(compiled.operation.operation_id)
                if handler is not None:
                    return await answers.overridden(compiled, call, handler)
                return answers.answer(self, call)
            except StubError as exc:
                return answers.refusal(self, compiled, exc)
            except RecursionError:
                # JSON nested deeper than Python reads, wherever the request put it.
                deep = StubError(400, "Invalid value: nested too deeply")
                return answers.refusal(self, compiled, deep)
            except ClientDisconnect:
                # Nobody is left to answer: one line, not a traceback.
                log.info(
                    "%s %s: the client disconnected before sending the whole body",
                    request.method,
                    request.url.path,
                )
                return Response(status_code=400)

        return endpoint


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        text = f"Not found: no route for {request.method} {request.url.path}"
    elif exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        text = f"Method {request.method} not allowed on {request.url.path} (allowed: {allowed})"
    else:
        text = str(exc.detail)
    return message(exc.status_code, text, dict(exc.headers or {}))


async def _internal_error(request: Request, exc: Exception) -> Response:
    return message(500, f"Internal error in the stub: {type(exc).__name__}: {exc}")


def _specificity(path: str) -> tuple[tuple[int, str], ...]:
    """Static segments before parameters, so `/agents/presence` wins over `/agents/{id}`."""
    return tuple((1, "") if s.startswith("{") else (0, s) for s in path.strip("/").split("/"))


def _starlette_path(path: str) -> tuple[str, dict[str, str]]:
    """The path with its parameters renamed `p0`, `p1`, ... (any spelling of a
    parameter name is allowed in a spec, not in a Starlette route)."""
    names: dict[str, str] = {}
    segments = []
    for segment in path.split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            key = f"p{len(names)}"
            names[key] = segment[1:-1]
            segment = "{" + key + "}"
        segments.append(segment)
    return "/".join(segments), names
