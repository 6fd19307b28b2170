"""Render the webhook receiver of one API: `<api>/webhooks.py`.

For a spec that declares webhooks (`webhooks`, or 3.0's `x-webhooks`) the
module holds `Event` (the union of the event models and the runtime's
`UnknownEvent`), `EVENTS` (the table a body is dispatched on, by the value of
its event type property) and `parse`. A spec that also says how deliveries are
signed (`x-webhook-signature`) gets `SIGNATURE`, `verify`, `unwrap` (verify,
then parse) and `sign` (for tests of a receiver). The work is the runtime's
(`_runtime/webhooks.py`); this module only binds it to the spec.
"""

from __future__ import annotations

from ..ir.model import Api
from .code import Assign, call, display, subscript
from .common import ENV, header
from .pytypes import Annotator, literal

MODULE = "webhooks.py"


def webhook_files(prefix: str, api: Api, runtime: str) -> dict[str, str]:
    if not api.webhooks:
        return {}
    # Models are named through the module, so none can clash with the module's own names.
    annotator = Annotator(api, prefix="models.")
    events: list[tuple[str, str, str]] = []  # (key, annotation, description)
    for webhook in api.webhooks:
        if webhook.payload is None:
            continue
        key = webhook.event_type if api.webhook_event_property is not None and webhook.event_type else webhook.name
        text = webhook.summary or webhook.description or ""
        events.append((key, annotator.annotation(webhook.payload), text.strip().split("\n")[0]))
    members = list(dict.fromkeys(annotation for _, annotation, _ in events))
    signature = api.webhook_signature
    scheme = None
    if signature is not None:
        scheme = Assign(
            "SIGNATURE",
            call(
                "SignatureScheme",
                f"header={literal(signature.header)}",
                f"scheme={literal(signature.scheme)}",
                f"timestamp_key={literal(signature.timestamp_key)}",
                f"signature_key={literal(signature.signature_key)}",
                f"secret_encoding={literal(signature.secret_encoding)}",
                f"timestamp_unit={literal(signature.timestamp_unit)}",
            ),
        )
    exports = ["EVENTS", "EVENT_TYPE_PROPERTY", "Event", "UnknownEvent", "WebhookVerificationError", "parse"]
    if signature is not None:
        exports += ["SIGNATURE", "sign", "unwrap", "verify"]
    text = ENV.get_template("webhooks/webhooks.py.jinja").render(
        header=header(api.source),
        api=api,
        runtime=runtime,
        events=events,
        signature=signature,
        scheme=scheme,
        property=literal(api.webhook_event_property),
        union=subscript("Union", *members, "UnknownEvent"),
        table=Assign(
            "EVENTS: LazyTypes",
            call(
                "LazyTypes",
                display("{", [f"{literal(key)}: lambda: {annotation}" for key, annotation, _ in events], exploded=True),
            ),
        ),
        exports=Assign("__all__", display("[", [literal(name) for name in sorted(exports)])),
    )
    return {f"{prefix}/{MODULE}": text}
