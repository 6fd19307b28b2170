"""Stateful effects: what an operation does to the stub's memory, written as data.

The paths alone say little of what an API does: that closing a conversation
sets its state, that a message posted to a conversation is listed among its
messages, that an end user's conversations are those requested by them. An
API whose generated package ships `server_effects.json` beside its operation
table (`table.EFFECTS_FILE`) says it there, per operation id, and this module
plays it; the table's `Resource` still serves every operation the effects do
not name. Nothing here knows one API: the behaviour is all in the table.

An operation's entry is `{"steps": [...], "answer": ...}`. Collections are
named by path templates relative to the API's base path (the leading segments
every operation path shares, `/v1`), their `{placeholders}` filled from the
context. The context holds `path`, `query` and `body` (the request, as wire
data), `now` (an RFC 3339 time), `new.uuid` and `new.serial` (fresh ids),
`new.secret` (64 hex digits: 32 bytes, as a signing key is written), and
the names steps bind with `as` or `let`.

Steps, in order (each may carry `when: SOURCE` or `unless: SOURCE`, run only
when that source has, or has not, a value, and `if: {SOURCE: VALUE}` or
`if_not: {SOURCE: VALUE}`, run only when the sources have, or have not, those values):
- `{"let": {NAME: TEMPLATE}}` binds names;
- `{"find": COLLECTION, "id": TEMPLATE | "where": {FIELD: TEMPLATE}, "as": NAME}`
  binds a stored item; where none is found, 404 (or, with `"missing": "skip"`,
  nothing is bound);
- `{"create": COLLECTION, "item": TEMPLATE, "as": NAME}` stores an item under its
  `id` (an item of the same id is replaced: adding twice is adding once); with
  `"limit": N` a collection that holds N items refuses a new one (507), with
  `"keep": N` it forgets its oldest items past N;
- `{"update": COLLECTION, "id": TEMPLATE, "set": {FIELD: TEMPLATE}, "unset": [FIELD]}`
  changes a stored item (404 when there is none) and binds it as `as`;
- `{"delete": COLLECTION, "id": TEMPLATE}` forgets one (none is no fault);
- `{"each": SOURCE, "as": NAME, "steps": [...]}` runs steps once per item of a list;
- `{"refuse": STATUS, "message": TEXT}` ends the request with `{"message"}`;
- `{"emit": EVENT, "data": TEMPLATE}` sends the webhook event `EVENT` (its name
  among the API's webhooks) with that data to every subscription that asked
  for it, once the request has succeeded (`stub/events.py`; the table's
  `webhooks` section says how subscriptions are read and deliveries made).

The answer: absent, the last item a step stored or found, shaped to the
documented reply (a reply without a body answers the status alone);
`{"item": TEMPLATE}` that value shaped so; `{"list": COLLECTION, "where":
{FIELD: TEMPLATE}, "join": COLLECTION}` the collection's items that match
(a dotted FIELD reads inside them; with `join`, each replaced by the item
of that id in the other collection: links listed as what they link to),
paged as the operation pages (the newest first with `"newest_first": true`).

Templates are JSON evaluated against the context: `{"$": SOURCE}` is the
value at a dotted source path (a list of sources: the first that has one;
`map` translates it, `default` stands in where there is none); `{"$switch":
SOURCE, "cases": {VALUE: TEMPLATE}, "default": TEMPLATE}` picks a template by a
value; `{"$if": SOURCE, "then": TEMPLATE, "else": TEMPLATE}` by whether a source
has a value; `{"$items": COLLECTION, "join": COLLECTION, "as": NAME, "each":
TEMPLATE}` is a list, one `each` per item of the collection (joined as the
answer's `join` does), the item bound as NAME; `{"$join": [TEMPLATE...]}` the
text of its parts one after the other, `{"$base64": TEMPLATE}` a text in
base64 (no value where a part has none); `{"$merge": [TEMPLATE...]}`
beside other keys merges objects, the keys written beside it last. A field whose template has no value is left out: what
the client did not send stays unset. Anything else is a literal.
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from starlette.responses import Response

from ..models import to_wire
from . import events
from .base import StubError, StubRequest, log
from .table import Reply

if TYPE_CHECKING:
    from .app import StubApp

__all__ = ["MISSING", "Context", "base_path", "key", "run", "steps"]


class _Missing:
    """No value: a template field that evaluates to it is left out."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def base_path(paths: Sequence[str]) -> str:
    """The leading segments every path shares, parameters excluded (`/v1`);
    effects name collections after it, so one table serves APIs that differ
    only in their base (Dixa's v1 and beta)."""
    split = [path.strip("/").split("/") for path in paths]
    if not split:
        return ""
    shared: list[str] = []
    for segments in zip(*split):
        if len(set(segments)) != 1 or segments[0].startswith("{"):
            break
        shared.append(segments[0])
    # A path that is the base itself keeps its last segment out of it.
    if any(len(s) == len(shared) for s in split):
        shared = shared[:-1]
    return "/" + "/".join(shared) if shared else ""


class Context:
    """The names a table's templates and sources read."""

    def __init__(self, app: StubApp, call: StubRequest | None) -> None:
        self.app = app
        self.values: dict[str, Any] = {
            "now": datetime.now(timezone.utc)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        }
        if call is not None:
            self.values["path"] = {name: _plain(value) for name, value in call.path.items()}
            self.values["query"] = {
                name: _plain(v) for name, v in call.query.items() if v is not None
            }
            self.values["body"] = to_wire(call.body) if call.body is not None else MISSING
        self.last: dict[str, Any] | None = None
        self.last_collection: str | None = None
        # Webhook events the steps emitted, sent once the request has succeeded.
        self.events: list[tuple[str, Any]] = []

    def source(self, where: str) -> Any:
        """The value at a dotted source path, or MISSING."""
        head, *rest = where.split(".")
        if head == "new" and rest:
            return self._new(rest[0])
        value: Any = self.values.get(head, MISSING)
        for part in rest:
            if isinstance(value, dict):
                value = value.get(part, MISSING)
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                return MISSING
        return MISSING if value is None else value

    def _new(self, kind: str) -> Any:
        if kind == "serial":
            self.app._counter += 1
            return self.app._counter
        if kind == "uuid":
            return str(self.app._ids.uuid())
        if kind == "secret":
            return self.app._ids.uuid().hex + self.app._ids.uuid().hex
        raise StubError(500, f"effects: no fresh value 'new.{kind}'")

    def evaluate(self, template: Any) -> Any:
        if isinstance(template, list):
            return [v for v in (self.evaluate(t) for t in template) if v is not MISSING]
        if not isinstance(template, dict):
            return template
        if "$" in template:
            sources = template["$"] if isinstance(template["$"], list) else [template["$"]]
            value = next(
                (v for v in (self.source(s) for s in sources) if v is not MISSING), MISSING
            )
            if value is not MISSING and "map" in template:
                value = template["map"].get(_text(value), MISSING)
            if value is MISSING and "default" in template:
                value = self.evaluate(template["default"])
            return value
        if "$if" in template:
            chosen = template.get("then" if self.source(template["$if"]) is not MISSING else "else")
            return MISSING if chosen is None and "else" not in template else self.evaluate(chosen)
        if "$items" in template:
            items = self.app.store.items(self.collection(template["$items"]))
            if "join" in template:
                other = self.collection(template["join"])
                joined = (self.app.store.get(other, key(item.get("id"))) for item in items)
                items = [item for item in joined if item is not None]
            out_items = []
            for item in items:
                self.bind(template.get("as", "item"), item)
                value = self.evaluate(template.get("each", {"$": template.get("as", "item")}))
                if value is not MISSING:
                    out_items.append(value)
            return out_items
        if "$join" in template:
            parts = [self.evaluate(part) for part in template["$join"]]
            return MISSING if MISSING in parts else "".join(_text(part) for part in parts)
        if "$base64" in template:
            value = self.evaluate(template["$base64"])
            return MISSING if value is MISSING else base64.b64encode(_text(value).encode()).decode()
        if "$switch" in template:
            value = self.source(template["$switch"])
            cases = template.get("cases", {})
            chosen = cases.get(_text(value), template.get("default", MISSING))
            return MISSING if chosen is MISSING else self.evaluate(chosen)
        out: dict[str, Any] = {}
        for part in template.get("$merge", ()):
            merged = self.evaluate(part)
            if isinstance(merged, dict):
                out.update(merged)
        for field, item in template.items():
            if field != "$merge":
                value = self.evaluate(item)
                if value is not MISSING:
                    out[field] = value
                else:
                    out.pop(field, None)
        return out

    def collection(self, template: str) -> str:
        """A collection's concrete path: the base, then `template` with its
        `{source}` placeholders filled (404 where one has no value)."""
        out = []
        for segment in template.strip("/").split("/"):
            if segment.startswith("{") and segment.endswith("}"):
                value = self.source(segment[1:-1])
                if value is MISSING:
                    raise StubError(404, f"Not found: no {segment[1:-1]} for {template}")
                segment = key(value)
            out.append(segment)
        return self.app.effects_base + "/" + "/".join(out)

    def bind(self, name: str | None, item: Any) -> None:
        if name:
            self.values[name] = item


def key(value: Any) -> str:
    """How an id keys a collection: its text, a UUID in lower case."""
    return str(value).lower() if isinstance(value, uuid.UUID) else str(value)


def run(
    app: StubApp, call: StubRequest, effects: Mapping[str, Any], reply: Reply, status: int
) -> Response:
    """Play an operation's effects; its answer. The webhook events the steps
    emitted are handed to the sender only once the answer is made: a refused
    request sends none."""
    context = Context(app, call)
    steps(context, effects.get("steps", ()))
    response = _answered(app, call, context, effects.get("answer"), reply, status)
    if context.events:
        try:
            events.emit(app, context)
        except Exception as exc:  # the request succeeded; its events never undo that
            log.warning("webhook events not sent: %s: %s", type(exc).__name__, exc)
    return response


def _answered(
    app: StubApp, call: StubRequest, context: Context, answer: Any, reply: Reply, status: int
) -> Response:
    from . import state  # shaping and paging live with the rest of stateful mode

    if isinstance(answer, dict) and "list" in answer:
        collection = context.collection(answer["list"])
        items = app.store.items(collection)
        where = {name: context.evaluate(t) for name, t in answer.get("where", {}).items()}
        items = [item for item in items if _matches(item, where)]
        if "join" in answer:
            other = context.collection(answer["join"])
            joined = (app.store.get(other, key(item.get("id"))) for item in items)
            items = [item for item in joined if item is not None]
        if answer.get("newest_first"):
            items.reverse()
        return state.listed(app, call, items, reply, status)
    if isinstance(answer, dict) and "item" in answer:
        value = context.evaluate(answer["item"])
        return state.item_response(reply, status, state.shaped(app, reply, value), app)
    if context.last is None:
        return state.item_response(reply, status, {}, app)
    return state.item_response(reply, status, state.shaped(app, reply, context.last), app)


def steps(context: Context, sequence: Sequence[Mapping[str, Any]]) -> None:
    """Play the steps of `sequence` in `context` (see the module's docstring)."""
    store = context.app.store
    for step in sequence:
        if "when" in step and context.source(step["when"]) is MISSING:
            continue
        if "unless" in step and context.source(step["unless"]) is not MISSING:
            continue
        if any(_text(context.source(s)) != _text(v) for s, v in step.get("if", {}).items()):
            continue
        if all(_text(context.source(s)) == _text(v) for s, v in step.get("if_not", {}).items()):
            if "if_not" in step:
                continue
        name = step.get("as")
        if "let" in step:
            for bound, template in step["let"].items():
                context.bind(bound, context.evaluate(template))
        elif "find" in step:
            collection = context.collection(step["find"])
            found = _find(context, collection, step)
            if found is None:
                if step.get("missing") == "skip":
                    context.bind(name, MISSING)
                    continue
                raise StubError(404, f"Not found: {_described(context, step)}")
            context.bind(name, found)
            context.last, context.last_collection = found, collection
        elif "create" in step:
            collection = context.collection(step["create"])
            item = context.evaluate(step.get("item", {}))
            if not isinstance(item, dict) or "id" not in item:
                raise StubError(500, f"effects: the item created in {collection} has no id")
            limit = step.get("limit")
            held = store.items(collection)
            if (
                limit is not None
                and len(held) >= limit
                and store.get(collection, key(item["id"])) is None
            ):
                raise StubError(
                    507, f"Insufficient storage: {collection} holds {limit} items already"
                )
            store.put(collection, key(item["id"]), item)
            if step.get("keep") is not None:
                current = store.items(collection)
                for old in current[: max(0, len(current) - int(step["keep"]))]:
                    store.delete(collection, key(old.get("id")))
            context.bind(name, item)
            context.last, context.last_collection = item, collection
        elif "update" in step:
            collection = context.collection(step["update"])
            item_id = key(context.evaluate(step["id"]))
            stored = store.get(collection, item_id)
            if stored is None:
                raise StubError(404, f"Not found: {item_id} in {collection}")
            changed = dict(stored)
            for field, template in step.get("set", {}).items():
                value = context.evaluate(template)
                if value is not MISSING:
                    changed[field] = value
            for field in step.get("unset", ()):
                changed.pop(field, None)
            store.put(collection, item_id, changed)
            context.bind(name, changed)
            context.last, context.last_collection = changed, collection
        elif "delete" in step:
            collection = context.collection(step["delete"])
            store.delete(collection, key(context.evaluate(step["id"])))
        elif "each" in step:
            items = context.source(step["each"])
            for item in items if isinstance(items, list) else ():
                context.bind(name, item)
                steps(context, step.get("steps", ()))
        elif "refuse" in step:
            raise StubError(int(step["refuse"]), str(step.get("message", "refused")))
        elif "emit" in step:
            context.events.append((str(step["emit"]), context.evaluate(step.get("data", {}))))
        else:
            raise StubError(500, f"effects: a step of no known kind ({', '.join(step)})")


def _find(context: Context, collection: str, step: Mapping[str, Any]) -> dict[str, Any] | None:
    store = context.app.store
    if "id" in step:
        item_id = context.evaluate(step["id"])
        return None if item_id is MISSING else store.get(collection, key(item_id))
    where = {name: context.evaluate(t) for name, t in step.get("where", {}).items()}
    return next((item for item in store.items(collection) if _matches(item, where)), None)


def _matches(item: Mapping[str, Any], where: Mapping[str, Any]) -> bool:
    return all(
        value is MISSING or key(_dotted(item, name)) == key(value) for name, value in where.items()
    )


def _dotted(item: Any, name: str) -> Any:
    for part in name.split("."):
        item = item.get(part) if isinstance(item, dict) else None
    return item


def _described(context: Context, step: Mapping[str, Any]) -> str:
    if "id" in step:
        return f"{_text(context.evaluate(step['id']))} in {step['find']}"
    return f"no item of {step['find']} as asked"


def _plain(value: Any) -> Any:
    """A parsed parameter as wire data (a UUID as its text)."""
    wire = to_wire(value)
    return wire


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
