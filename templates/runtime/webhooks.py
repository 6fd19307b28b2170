"""Receiving webhooks: checking that a delivery was signed with the
subscription's secret, and reading its body into an event.

Each API's `webhooks` module binds these to its spec: its signature scheme
(`SIGNATURE`) and its table of event types. The one scheme known so far is
`timestamped-hmac-sha256`: the sender puts `<timestamp key>=<t>` and one or more
`<signature key>=<hex digest>` pairs, comma-separated, in one header; the digest
is HMAC-SHA256 of `<t>.<raw body>`, keyed with the secret (hex-decoded when its
encoding is `hex`). A delivery is accepted when any of the signatures matches
(a sender rotating its secret may sign with the old and the new one), compared
in constant time.

The body must be the bytes as received: parsing and re-serialising JSON changes
whitespace or key order and with them the digest. Nothing here echoes the
secret, in a message or anywhere else.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from .errors import WebhookVerificationError

__all__ = [
    "SignatureScheme",
    "UnknownEvent",
    "WebhookVerificationError",
    "header_value",
    "load_body",
    "parse_event",
    "sign",
    "verify_signature",
]

SecretInput = str | bytes | Sequence[str | bytes]


@dataclass(frozen=True)
class SignatureScheme:
    """How a spec's webhooks are signed (`x-webhook-signature` in the spec).

    `scheme` is `timestamped-hmac-sha256`; `header` carries the signature;
    `timestamp_key` and `signature_key` are the keys of its `key=value` pairs;
    `secret_encoding` says how the secret text becomes the HMAC key (`hex`,
    `base64` or `utf-8`); `timestamp_unit` how `t` counts (`ms` or `s`), used
    only by a tolerance."""

    header: str
    scheme: Literal["timestamped-hmac-sha256"] = "timestamped-hmac-sha256"
    timestamp_key: str = "t"
    signature_key: str = "v1"
    secret_encoding: Literal["hex", "base64", "utf-8"] = "hex"
    timestamp_unit: Literal["ms", "s"] = "ms"


@dataclass(frozen=True)
class UnknownEvent:
    """An event this SDK has no type for (a newer event type, or a known one
    whose body does not match its schema): the whole body is kept in `payload`.
    `event_type` is the body's event type value, if it has one; `problem` says
    why a known type did not fit (None for a type the SDK does not know)."""

    event_type: str | None
    payload: dict[str, Any] = field(repr=False)
    problem: str | None = None


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """The value of header `name` in `headers`, whatever the case of its key
    (servers and proxies lower-case header names; specs write them as they like)."""
    wanted = name.lower()
    direct = headers.get(name)
    if isinstance(direct, str):
        return direct
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == wanted:
            return value if isinstance(value, str) else None
    return None


def _keys(secret: SecretInput, encoding: str) -> list[bytes]:
    """The HMAC keys a secret (or several, while one is being rotated) stands for."""
    secrets: Sequence[str | bytes] = [secret] if isinstance(secret, (str, bytes)) else secret
    if not secrets:
        raise WebhookVerificationError("no secret given to verify the signature with")
    keys: list[bytes] = []
    for one in secrets:
        if isinstance(one, bytes):
            keys.append(one)
        elif encoding == "hex":
            try:
                keys.append(bytes.fromhex(one.strip()))
            except ValueError:
                raise WebhookVerificationError("the secret is not hexadecimal text") from None
        elif encoding == "base64":
            try:
                keys.append(base64.b64decode(one.strip(), validate=True))
            except (binascii.Error, ValueError):
                raise WebhookVerificationError("the secret is not base64 text") from None
        else:
            keys.append(one.encode("utf-8"))
    return keys


def _parse_header(scheme: SignatureScheme, value: str) -> tuple[str, list[str]]:
    """The timestamp and the signatures of a signature header's value."""
    timestamp: str | None = None
    signatures: list[str] = []
    for part in value.split(","):
        key, separator, item = part.strip().partition("=")
        if not separator:
            raise WebhookVerificationError(
                f"malformed {scheme.header} header: a part is not key=value"
            )
        key, item = key.strip(), item.strip()
        if key == scheme.timestamp_key:
            if timestamp is not None:
                raise WebhookVerificationError(
                    f"malformed {scheme.header} header: {scheme.timestamp_key!r} given twice"
                )
            timestamp = item
        elif key == scheme.signature_key:
            signatures.append(item.lower())
    if timestamp is None or not timestamp.isascii() or not timestamp.isdigit():
        raise WebhookVerificationError(
            f"malformed {scheme.header} header: no numeric {scheme.timestamp_key!r} value"
        )
    if not signatures:
        raise WebhookVerificationError(
            f"malformed {scheme.header} header: no {scheme.signature_key!r} value"
        )
    return timestamp, signatures


def _digest(key: bytes, timestamp: str, body: bytes) -> str:
    return hmac.new(key, timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


def _as_bytes(body: bytes | bytearray | memoryview | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


def verify_signature(
    scheme: SignatureScheme,
    body: bytes | bytearray | memoryview | str,
    headers: Mapping[str, str],
    secret: SecretInput,
    *,
    tolerance: float | timedelta | None = None,
    now: float | None = None,
) -> None:
    """Return if `body` was signed with `secret` as `headers` say, else raise
    `WebhookVerificationError` with the reason.

    `tolerance` (seconds, or a timedelta) also rejects a signature whose
    timestamp is further than that from `now` (the current time by default):
    off unless given, as a sender that states no window may deliver late."""
    value = header_value(headers, scheme.header)
    if value is None:
        raise WebhookVerificationError(f"no {scheme.header} header")
    timestamp, signatures = _parse_header(scheme, value)
    if tolerance is not None:
        window = tolerance.total_seconds() if isinstance(tolerance, timedelta) else float(tolerance)
        sent = int(timestamp) / (1000 if scheme.timestamp_unit == "ms" else 1)
        current = time.time() if now is None else now
        if abs(current - sent) > window:
            raise WebhookVerificationError(
                f"the signature's timestamp is {abs(current - sent):.0f}s away from now, beyond the {window:g}s tolerance"
            )
    raw = _as_bytes(body)
    for key in _keys(secret, scheme.secret_encoding):
        expected = _digest(key, timestamp, raw)
        # Every candidate is compared (no early exit on the first byte that differs).
        if any(hmac.compare_digest(expected, candidate) for candidate in signatures):
            return
    raise WebhookVerificationError(
        f"the {scheme.header} signature does not match the body and the secret"
    )


def sign(
    scheme: SignatureScheme,
    body: bytes | bytearray | memoryview | str,
    secret: str | bytes,
    *,
    timestamp: int | None = None,
) -> dict[str, str]:
    """The signature header a sender would attach to `body`, as `{name: value}`:
    for tests of a receiver. `timestamp` defaults to now, in the scheme's unit."""
    if timestamp is None:
        timestamp = int(time.time() * (1000 if scheme.timestamp_unit == "ms" else 1))
    (key,) = _keys(secret, scheme.secret_encoding)
    digest = _digest(key, str(timestamp), _as_bytes(body))
    return {scheme.header: f"{scheme.timestamp_key}={timestamp},{scheme.signature_key}={digest}"}


def load_body(body: bytes | bytearray | memoryview | str) -> dict[str, Any]:
    """The JSON object a webhook body holds; `WebhookVerificationError` if it holds none."""
    try:
        value = json.loads(_as_bytes(body))
    except (UnicodeDecodeError, ValueError):
        raise WebhookVerificationError("the body is not JSON") from None
    if not isinstance(value, dict):
        raise WebhookVerificationError("the body is JSON but not an object")
    return value


@lru_cache(maxsize=None)
def _adapter(type_: Any) -> TypeAdapter[Any]:
    return TypeAdapter(type_)


def parse_event(payload: dict[str, Any], property: str | None, events: Mapping[str, Any]) -> Any:
    """The event `payload` is: parsed as the type `events` gives for its
    `property` value (a model, or any type pydantic validates).

    Without a `property` (a spec whose events share no event type field), the
    first type that accepts the payload. Anything else is an `UnknownEvent` that
    keeps the payload whole: never an exception, so a receiver can acknowledge
    what it does not understand, and keep it."""
    if property is None:
        for type_ in events.values():
            try:
                return _adapter(type_).validate_python(payload)
            except ValidationError:
                continue
        return UnknownEvent(
            event_type=None, payload=payload, problem="no event type accepts this body"
        )
    kind = payload.get(property)
    event_type = kind if isinstance(kind, str) else None
    type_ = events.get(event_type) if event_type is not None else None
    if type_ is None:
        return UnknownEvent(event_type=event_type, payload=payload)
    try:
        return _adapter(type_).validate_python(payload)
    except ValidationError as error:
        where = ".".join(str(part) for part in error.errors()[0]["loc"]) or "the top level"
        return UnknownEvent(
            event_type=event_type,
            payload=payload,
            problem=f"does not match {getattr(type_, '__name__', 'its type')}: "
            f"{error.error_count()} error(s), the first at {where}",
        )
