"""Webhook events of the stateful stub: who gets an event a table of effects
emits, the body and headers it is sent with, and what each attempt leaves.

An API's table of effects (`server_effects.json`) may hold a `webhooks`
section besides its `operations`; nothing here knows one API:
- `subscriptions`: the collection subscriptions are kept in (the webhook
  operations fill it through the paths or the table, `StubApp.subscribe` too);
  `limit` is the most it holds;
- `fields`: the names, in a subscription, of its `url`, `events` (the event
  names it asked for), `secret` (the signing key) and `enabled` (false: it is
  kept but sent nothing);
- `body` and `headers`: templates of what each delivery sends (the headers
  besides the signature and `Content-Type`);
- `attempt`: steps played for each finished attempt (what the API's
  delivery-status operations answer is stored this way);
- `events`: by event name (a key of the spec's webhooks), the value its body's
  event type property holds (written by the generator from the spec);
- `filters`: where a subscription keeps its filters (`field`), a mapping of
  group to combined filters (`strategy` All or Any over `conditions`, each an
  `IsOneOf` or `IsNotOneOf` of a `field`'s `values`), and per group (which
  applies to the events whose name starts with it) the template each
  condition field reads from the event (`groups`). Values are compared as
  text, without case; a condition on a field the table does not read filters
  nothing.

Context names: `subscription`; `event` (`name`, `type`, `id`, one per emitted
event, so every subscription and every retry sees the same id, and `data`);
`attempt` (`number`, `at`, `success`, `status`, `text`, `payload`, `final`).

Events are emitted by a request that succeeded and are posted by the app's
`Sender` (`deliveries.py`) off the request path. Finished attempts are
recorded when the next request comes in (`record`), on the thread that
serves requests, so the store is only ever touched there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from ..webhooks import sign
from .base import StubError, dumps, log
from .deliveries import Delivery

if TYPE_CHECKING:
    from ..webhooks import SignatureScheme
    from .app import StubApp
    from .effects import Context

__all__ = ["SUBSCRIPTION_LIMIT", "emit", "record", "subscribe"]

# The most subscriptions kept when the table names no `limit`.
SUBSCRIPTION_LIMIT = 100


def emit(app: StubApp, context: Context) -> None:
    """Hand the events `context` collected to the sender, once per subscription that asked."""
    table = app.webhook_table
    if not table or "subscriptions" not in table:
        return
    fields = _fields(table)
    subscriptions = app.store.items(context.collection(table["subscriptions"]))
    for name, data in context.events:
        event = {
            "name": name,
            "type": table.get("events", {}).get(name, name),
            "id": context.source("new.uuid"),
            "data": data,
        }
        for subscription in subscriptions:
            asked = subscription.get(fields["events"])
            url = subscription.get(fields["url"])
            if subscription.get(fields["enabled"]) is False or not isinstance(url, str):
                continue
            if not isinstance(asked, list) or name not in asked:
                continue
            context.bind("subscription", subscription)
            context.bind("event", event)
            if not _passes(context, table.get("filters"), subscription, name):
                continue
            headers = context.evaluate(table.get("headers", {}))
            delivery = Delivery(
                url=url,
                body=dumps(context.evaluate(table.get("body", {"$": "event.data"}))),
                headers=(
                    {str(k): str(v) for k, v in headers.items()}
                    if isinstance(headers, dict)
                    else {}
                ),
                subscription=str(subscription.get("id")),
                event=name,
                sign=_signer(app.webhook_signature, subscription.get(fields["secret"])),
            )
            app.deliveries.submit(delivery)


def record(app: StubApp) -> None:
    """Play the table's `attempt` steps for each attempt finished since the last call."""
    from .effects import Context, steps

    attempts = app.deliveries.drain()
    table = app.webhook_table
    if not attempts or not table or "subscriptions" not in table:
        return
    for attempt in attempts:
        context = Context(app, None)
        collection = context.collection(table["subscriptions"])
        subscription = app.store.get(collection, attempt.delivery.subscription)
        if subscription is None:
            continue  # deleted since
        context.bind("subscription", subscription)
        context.bind("event", {"name": attempt.delivery.event})
        context.bind(
            "attempt",
            {
                "number": attempt.number,
                "at": attempt.at,
                "success": attempt.success,
                "status": attempt.status,
                "text": attempt.text,
                "final": attempt.final,
                "payload": attempt.delivery.body.decode("utf-8", "replace"),
            },
        )
        try:
            steps(context, table.get("attempt", ()))
        except StubError as exc:
            log.warning("webhook %s: attempt not recorded (%s)", attempt.delivery.event, exc)


def subscribe(
    app: StubApp,
    url: str,
    events: list[str],
    *,
    secret: str | None = None,
    headers: Mapping[str, str] | None = None,
    filters: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Store a subscription as the webhook operations would; the stored item.
    `filters` are kept as the table's `filters` section reads them."""
    from .effects import Context, key

    table = app.webhook_table
    if not table or "subscriptions" not in table:
        raise ValueError("this API's stub table declares no webhook subscriptions")
    known = table.get("events", {})
    unknown = [name for name in events if name not in known]
    if unknown:
        raise ValueError(
            f"no webhook event {', '.join(map(repr, unknown))}; known: {', '.join(known)}"
        )
    context = Context(app, None)
    collection = context.collection(table["subscriptions"])
    limit = int(table.get("limit", SUBSCRIPTION_LIMIT))
    if len(app.store.items(collection)) >= limit:
        raise StubError(507, f"Insufficient storage: {collection} holds {limit} items already")
    fields = _fields(table)
    secret = secret if secret is not None else context.source("new.secret")
    if app.webhook_signature is not None:
        sign(app.webhook_signature, b"", secret)  # a secret it cannot sign with raises here
    item: dict[str, Any] = {
        "id": context.source("new.uuid"),
        fields["url"]: url,
        fields["events"]: list(events),
        fields["secret"]: secret,
        fields["enabled"]: True,
    }
    if headers:
        item[table.get("fields", {}).get("headers", "headers")] = dict(headers)
    if filters:
        item[str((table.get("filters") or {}).get("field", "filters"))] = dict(filters)
    app.store.put(collection, key(item["id"]), item)
    return item


def _passes(context: Context, spec: Any, subscription: Mapping[str, Any], name: str) -> bool:
    """Whether the event bound in `context` passes the subscription's filters:
    every group that applies to it, its conditions combined by its strategy."""
    if not isinstance(spec, Mapping):
        return True
    filters = subscription.get(str(spec.get("field", "filters")))
    if not isinstance(filters, Mapping):
        return True
    groups = spec.get("groups") or {}
    for group, combined in filters.items():
        reads = groups.get(group)
        if (
            not isinstance(reads, Mapping)
            or not isinstance(combined, Mapping)
            or not name.startswith(group)
        ):
            continue
        conditions = combined.get("conditions")
        found = (
            [_holds(context, reads, c) for c in conditions if isinstance(c, Mapping)]
            if isinstance(conditions, list)
            else []
        )
        known = [result for result in found if result is not None]
        if known and not (any(known) if combined.get("strategy") == "Any" else all(known)):
            return False
    return True


def _holds(context: Context, reads: Mapping[str, Any], condition: Mapping[str, Any]) -> bool | None:
    """Whether one condition holds for the event; None where the table does not read its field."""
    field = condition.get("field")
    if not isinstance(field, str) or field not in reads:
        return None
    value = context.evaluate(reads[field])
    values = condition.get("values")
    wanted = {str(v).lower() for v in values} if isinstance(values, list) else set()
    found = (
        isinstance(value, (str, int))
        and not isinstance(value, bool)
        and str(value).lower() in wanted
    )
    return not found if condition.get("_type") == "IsNotOneOf" else found


def _fields(table: Mapping[str, Any]) -> dict[str, str]:
    named = table.get("fields", {})
    return {name: str(named.get(name, name)) for name in ("url", "events", "secret", "enabled")}


def _signer(scheme: SignatureScheme | None, secret: Any) -> Any:
    if scheme is None or not isinstance(secret, str):
        return None
    return lambda body: sign(scheme, body, secret)
