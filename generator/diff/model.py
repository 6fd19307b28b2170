"""What a diff reports: changes, each of a registered kind with a fixed level.

Levels follow oasdiff: `ERR` breaks existing clients, `WARN` may break some,
`INFO` breaks nobody. Clients are also the code written against the generated
Python package: whatever takes one of its public names away (a class, field,
enum member, method, argument) is `ERR`, whatever the wire does. `verdict`
turns levels into the version's bump, for the diff and the release alike. A kind's level never depends on anything but the kind:
where direction matters (a request field made required breaks clients, a
response field made required does not) the direction is part of the code, so
that a CI rule or a reviewer can rely on `response-property-removed` always
meaning the same thing.

Each kind names its *opposites*: the kinds the same edit shows as when the two
specs are swapped (`operation-removed` ↔ `operation-added`). The tests use them
to check that A→B and B→A mirror each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Level = Literal["ERR", "WARN", "INFO"]
LEVELS: tuple[Level, ...] = ("ERR", "WARN", "INFO")
LEVEL_TITLES: dict[Level, str] = {"ERR": "breaking", "WARN": "possibly breaking", "INFO": "informational"}
Side = Literal["old", "new"]


@dataclass(frozen=True)
class Kind:
    code: str
    level: Level
    summary: str
    opposites: tuple[str, ...]


def _kinds(*rows: tuple[str, Level, str, str]) -> dict[str, Kind]:
    """Rows of (code, level, summary, opposites separated by spaces; "=" for itself)."""
    return {
        code: Kind(code, level, summary, tuple(code if o == "=" else o for o in opposites.split()))
        for code, level, summary, opposites in rows
    }


KINDS: dict[str, Kind] = _kinds(
    # operations
    ("operation-removed", "ERR", "an operation was removed", "operation-added"),
    ("operation-added", "INFO", "a new operation", "operation-removed"),
    ("operation-path-changed", "ERR", "same operationId, another path", "="),
    ("operation-method-changed", "ERR", "same operationId, another HTTP method", "="),
    ("operation-deprecated", "WARN", "an operation was deprecated", "operation-undeprecated"),
    ("operation-undeprecated", "INFO", "an operation is no longer deprecated", "operation-deprecated"),
    ("operation-id-changed", "INFO", "the operationId changed", "="),
    ("operation-description-changed", "INFO", "summary or description changed", "="),
    ("operation-tag-changed", "INFO", "the operation moved to another tag, its client method did not", "="),
    ("python-method-moved", "ERR", "the client method moved to another resource", "="),
    ("python-method-renamed", "ERR", "the client method has another name", "="),
    ("path-parameter-renamed", "INFO", "a path parameter has another name, its argument did not", "="),
    ("python-argument-renamed", "ERR", "a method's argument has another name", "="),
    ("paging-removed", "ERR", "a list operation no longer pages", "paging-added"),
    ("paging-added", "INFO", "a list operation now pages", "paging-removed"),
    # authentication
    ("security-requirement-removed", "ERR", "a way to authenticate was removed", "security-requirement-added"),
    ("security-requirement-added", "INFO", "a new way to authenticate", "security-requirement-removed"),
    ("security-scheme-changed", "ERR", "a security scheme is sent differently", "="),
    # webhooks: events the API posts to a receiver, compared as data the receiver gets
    ("webhook-removed", "ERR", "an event type is no longer declared (its typed event goes)", "webhook-added"),
    ("webhook-added", "INFO", "a new event type", "webhook-removed"),
    ("webhook-event-type-changed", "ERR", "an event is named by another event type value in its body", "="),
    ("webhook-deprecated", "WARN", "an event type was deprecated", "webhook-undeprecated"),
    ("webhook-undeprecated", "INFO", "an event type is no longer deprecated", "webhook-deprecated"),
    ("webhook-description-changed", "INFO", "an event's summary or description changed", "="),
    ("webhook-content-type-changed", "ERR", "an event is posted as another media type", "="),
    ("webhook-signature-removed", "ERR", "deliveries are no longer signed (`verify` and `unwrap` go)",
     "webhook-signature-added"),
    ("webhook-signature-added", "INFO", "deliveries are now signed", "webhook-signature-removed"),
    ("webhook-signature-changed", "ERR", "deliveries are signed differently", "="),
    # parameters
    ("request-parameter-removed", "ERR", "a parameter was removed (its argument goes)",
     "request-parameter-added-required request-parameter-added-optional"),
    ("request-parameter-added-required", "ERR", "a new required parameter", "request-parameter-removed"),
    ("request-parameter-added-optional", "INFO", "a new optional parameter", "request-parameter-removed"),
    ("request-parameter-became-required", "ERR", "a parameter is now required", "request-parameter-became-optional"),
    ("request-parameter-became-optional", "INFO", "a parameter is now optional", "request-parameter-became-required"),
    ("request-parameter-location-changed", "ERR", "a parameter moved (query, header, path, cookie)", "="),
    ("request-parameter-deprecated", "WARN", "a parameter was deprecated", "request-parameter-undeprecated"),
    ("request-parameter-undeprecated", "INFO", "a parameter is no longer deprecated", "request-parameter-deprecated"),
    ("request-parameter-description-changed", "INFO", "a parameter's description changed", "="),
    # request bodies
    ("request-body-added-required", "ERR", "the operation now requires a body", "request-body-removed"),
    ("request-body-added-optional", "INFO", "the operation now takes an optional body", "request-body-removed"),
    ("request-body-removed", "ERR", "the operation no longer takes a body (its argument goes)",
     "request-body-added-required request-body-added-optional"),
    ("request-body-became-required", "ERR", "the body is now required", "request-body-became-optional"),
    ("request-body-became-optional", "INFO", "the body is now optional", "request-body-became-required"),
    ("request-content-type-changed", "ERR", "the body is sent as another media type", "="),
    # responses
    ("response-success-status-removed", "ERR", "a success status is no longer returned",
     "response-success-status-added"),
    ("response-success-status-added", "WARN", "a new success status", "response-success-status-removed"),
    ("response-status-changed", "ERR", "the success status changed", "="),
    ("response-error-status-removed", "INFO", "an error status is no longer documented", "response-error-status-added"),
    ("response-error-status-added", "INFO", "a new error status", "response-error-status-removed"),
    ("response-content-type-changed", "ERR", "the response comes as another media type", "="),
    ("response-body-removed", "ERR", "the response no longer has a body", "response-body-added"),
    ("response-body-added", "INFO", "the response now has a body", "response-body-removed"),
    ("response-envelope-changed", "ERR", "the payload is wrapped differently (`data` envelope)", "="),
    ("response-streaming-changed", "ERR", "the answer is read as a stream of items, or no longer (the return type)",
     "="),
    ("response-description-changed", "INFO", "a response's description changed", "="),
    # fields
    ("request-property-removed", "ERR", "a request field was removed (its attribute goes)",
     "request-property-added-required request-property-added-optional"),
    ("request-property-added-required", "ERR", "a new required request field", "request-property-removed"),
    ("request-property-added-optional", "INFO", "a new optional request field", "request-property-removed"),
    ("request-property-became-required", "ERR", "a request field is now required",
     "request-property-became-optional"),
    ("request-property-became-optional", "INFO", "a request field is now optional",
     "request-property-became-required"),
    ("response-property-removed", "ERR", "a response field was removed", "response-property-added"),
    ("response-property-added", "INFO", "a new response field", "response-property-removed"),
    ("response-property-became-optional", "ERR", "a response field may now be missing",
     "response-property-became-required"),
    ("response-property-became-required", "INFO", "a response field is now always present",
     "response-property-became-optional"),
    ("property-default-changed", "WARN", "a field's default changed", "="),
    ("property-deprecated", "WARN", "a field was deprecated", "property-undeprecated"),
    ("property-undeprecated", "INFO", "a field is no longer deprecated", "property-deprecated"),
    ("property-description-changed", "INFO", "a field's description changed", "="),
    ("python-field-renamed", "ERR", "same wire name, another Python attribute", "="),
    # values
    ("request-type-changed", "ERR", "a request value has another type", "="),
    ("response-type-changed", "ERR", "a response value has another type", "="),
    ("request-format-changed", "ERR", "a request value has another format", "="),
    ("response-format-changed", "ERR", "a response value has another format", "="),
    ("request-became-nullable", "INFO", "a request value may now be null", "request-became-non-nullable"),
    ("request-became-non-nullable", "ERR", "a request value may no longer be null", "request-became-nullable"),
    ("response-became-nullable", "ERR", "a response value may now be null", "response-became-non-nullable"),
    ("response-became-non-nullable", "INFO", "a response value is no longer null", "response-became-nullable"),
    ("request-enum-value-removed", "ERR", "a value is no longer accepted", "request-enum-value-added"),
    ("request-enum-value-added", "INFO", "a new accepted value", "request-enum-value-removed"),
    ("response-enum-value-removed", "ERR", "a value is no longer returned (its Python member goes)",
     "response-enum-value-added"),
    ("response-enum-value-added", "WARN", "a new value clients may receive", "response-enum-value-removed"),
    ("request-values-restricted", "ERR", "a free request string became an enum", "request-values-unrestricted"),
    ("request-values-unrestricted", "ERR", "a request enum became a free string (its Python class goes)",
     "request-values-restricted"),
    ("response-values-restricted", "INFO", "a free response string became an enum", "response-values-unrestricted"),
    ("response-values-unrestricted", "ERR", "a response enum became a free string (its Python class goes)",
     "response-values-restricted"),
    ("request-union-variant-removed", "ERR", "a request union lost a variant", "request-union-variant-added"),
    ("request-union-variant-added", "INFO", "a request union gained a variant", "request-union-variant-removed"),
    ("response-union-variant-removed", "ERR", "a response union lost a variant (its Python class goes)",
     "response-union-variant-added"),
    ("response-union-variant-added", "WARN", "a response union gained a variant clients may receive",
     "response-union-variant-removed"),
    ("union-discriminator-changed", "ERR", "a union is told apart by another property", "="),
    # schemas
    ("schema-renamed", "ERR", "a component has another name, and so has its Python class", "="),
    ("schema-key-renamed", "INFO", "a component has another name, its Python class did not", "="),
    ("schema-wire-name-changed", "ERR", "a schema goes by another name on the wire (`_type`)", "="),
    ("python-class-renamed", "ERR", "an inline schema's generated class has another name", "="),
    ("python-base-class-changed", "WARN", "a generated class derives from another class (`isinstance` checks)", "="),
    ("schema-deprecated", "WARN", "a schema was deprecated", "schema-undeprecated"),
    ("schema-undeprecated", "INFO", "a schema is no longer deprecated", "schema-deprecated"),
    ("schema-description-changed", "INFO", "a schema's description changed", "="),
    ("schema-added", "INFO", "a new component schema (a new Python class)", "schema-removed"),
    ("schema-removed", "ERR", "a component schema is gone (its Python class goes)", "schema-added"),
    # the generated Python API
    # (a name lost has no opposite: the reverse only adds names, which the kinds above report)
    ("python-name-removed", "ERR", "a name of the generated Python API is gone", ""),
)


@dataclass
class Change:
    """One difference. `pointer` is a JSON pointer into the `side` spec: the old
    one for what was removed, the new one otherwise. `operation` is set for
    changes of one operation; `schema` (the component's name) for changes
    inside a component, with `operations` listing every operation that uses it."""

    kind: str
    message: str
    pointer: str
    side: Side = "new"
    operation: str | None = None
    schema: str | None = None
    operations: list[str] = field(default_factory=list)
    tag: str | None = None
    python: str | None = None

    @property
    def level(self) -> Level:
        return KINDS[self.kind].level

    @property
    def is_description(self) -> bool:
        """Whether only a summary or description changed (documentation, not behaviour)."""
        return self.kind.endswith("-description-changed")

    def key(self) -> tuple[str, str, str, str, str]:
        return (self.kind, self.side, self.pointer, self.operation or "", self.schema or "")


@dataclass(frozen=True)
class SpecInfo:
    """Which document one side is (as given on the command line)."""

    label: str
    title: str
    version: str
    package: str


@dataclass
class Report:
    old: SpecInfo
    new: SpecInfo
    changes: list[Change]

    def count(self, level: Level) -> int:
        return sum(1 for c in self.changes if c.level == level)

    def fails(self, fail_on: Level | None) -> bool:
        """Whether `--fail-on fail_on` turns this report into exit status 1."""
        if fail_on is None:
            return False
        worst = LEVELS[: LEVELS.index(fail_on) + 1]
        return any(c.level in worst for c in self.changes)
