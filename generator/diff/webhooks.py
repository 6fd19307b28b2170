"""Compare the webhooks of two APIs: the events the API posts to a receiver.

A receiver is a client of the events the way a caller is of responses: an
event type that goes, or a field of an event that goes or changes type, breaks
it. Events are matched by their event type value (`CONVERSATION_CREATED`), then
by name, so renaming a `webhooks` key alone changes nothing for a receiver;
their payloads are walked as responses (direction "response"), and the
components met there are paired like those of an operation's answer.
"""

from __future__ import annotations

import dataclasses

from ..diagnostics import escape_pointer_token
from ..ir.model import Webhook
from .compare import Differ
from .schemas import compare_types
from .spots import Scope, Spot

TAG = "Webhooks"


def webhook_label(webhook: Webhook) -> str:
    return f"WEBHOOK {webhook.event_type or webhook.name}"


def _scope(webhook: Webhook) -> Scope:
    return Scope(operation=webhook_label(webhook), tag=TAG)


def _python(d: Differ, side: str, what: str) -> str:
    package = d.old_package if side == "old" else d.new_package
    return f"{package}.webhooks.{what}"


def diff_webhooks(d: Differ) -> None:
    for api in (d.old, d.new):
        for webhook in api.webhooks:
            d.tags[webhook_label(webhook)] = TAG
    _signature(d)
    pairs, removed, added = _match(d.old.webhooks, d.new.webhooks)
    for webhook in removed:
        d.add("webhook-removed", f"event {webhook.event_type or webhook.name} removed", None, _scope(webhook),
              side="old", pointer=webhook.pointer, python=_python(d, "old", f"EVENTS[{(webhook.event_type or webhook.name)!r}] removed"))
    for webhook in added:
        d.add("webhook-added", f"event {webhook.event_type or webhook.name} added", None, _scope(webhook),
              pointer=webhook.pointer, python=_python(d, "new", f"EVENTS[{(webhook.event_type or webhook.name)!r}] added"))
    for old, new in pairs:
        _webhook(d, old, new)


def _match(old: list[Webhook], new: list[Webhook]) -> tuple[list[tuple[Webhook, Webhook]], list[Webhook], list[Webhook]]:
    """(pairs, removed, added): by event type value where both have one, then by name."""
    left, right = list(old), list(new)
    pairs: list[tuple[Webhook, Webhook]] = []
    for attribute in ("event_type", "name"):
        by_key = {getattr(w, attribute): w for w in right if getattr(w, attribute) is not None}
        for webhook in list(left):
            match = by_key.get(getattr(webhook, attribute))
            if match is not None and match in right:
                pairs.append((webhook, match))
                left.remove(webhook)
                right.remove(match)
    return pairs, left, right


def _webhook(d: Differ, old: Webhook, new: Webhook) -> None:
    scope = _scope(new)
    spot = Spot(old.pointer, new.pointer, webhook_label(new))
    name = new.event_type or new.name
    if old.event_type != new.event_type:
        d.add("webhook-event-type-changed",
              f"event {new.name} is named {new.event_type!r} in its body instead of {old.event_type!r}", spot, scope)
    if old.deprecated != new.deprecated:
        kind = "webhook-deprecated" if new.deprecated else "webhook-undeprecated"
        d.add(kind, f"event {name} {'is deprecated' if new.deprecated else 'is no longer deprecated'}", spot, scope)
    if (old.summary, old.description) != (new.summary, new.description):
        d.add("webhook-description-changed", f"summary or description of event {name} changed", spot, scope)
    if old.payload is None or new.payload is None:
        return
    if old.content_type != new.content_type:
        d.add("webhook-content-type-changed", f"event {name} comes as {new.content_type} instead of {old.content_type}",
              spot, scope)
    at = Spot(
        f"{old.pointer}/requestBody/content/{escape_pointer_token(old.content_type)}/schema",
        f"{new.pointer}/requestBody/content/{escape_pointer_token(new.content_type)}/schema",
        f"{webhook_label(new)} body",
    )
    compare_types(d, old.payload, new.payload, at, "response", scope)


def _signature(d: Differ) -> None:
    old, new = d.old.webhook_signature, d.new.webhook_signature
    scope = Scope(operation=None, tag=TAG)
    if old is not None and new is None:
        d.add("webhook-signature-removed", "webhook deliveries are no longer signed", None, scope, side="old",
              pointer="/x-webhook-signature", python=_python(d, "old", "verify and unwrap removed"))
    elif old is None and new is not None:
        d.add("webhook-signature-added", f"webhook deliveries are signed ({new.scheme}, header {new.header})", None,
              scope, pointer="/x-webhook-signature", python=_python(d, "new", "verify and unwrap added"))
    elif old is not None and new is not None and old != new:
        changed = [f.name for f in dataclasses.fields(old) if getattr(old, f.name) != getattr(new, f.name)]
        d.add("webhook-signature-changed", f"webhook deliveries are signed differently ({', '.join(changed)})", None,
              scope, pointer="/x-webhook-signature")
