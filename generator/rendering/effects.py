"""The stub server's table of effects: an API's stateful behaviour, written by
hand where the paths do not tell it (`[tool.dixagen.stubs]`, see the runtime's
`stub/effects.py` for its language), shipped beside the operation table as
`server_effects.json`.

The table is YAML so that it can say why (comments) and share parts
(anchors, under `templates`); what ships is its `operations`, as JSON. Each
operation it names must be one of the API's: a table left over from another
spec is an error, located by file and JSON pointer, unless its entry says
`optional: true` (an operation some of the APIs one table serves lack: Dixa's
v1 has no webhook operations, its beta has).

Its `webhooks` section (how the stub sends webhook events, the runtime's
`stub/events.py`) ships too, with `events`: the event type value of each of
the API's webhooks, by name, as the webhooks pass found it. An `emit` step
names one of the API's webhooks; an API without webhooks gets no section.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no annotations

from ..ir.model import Api


class EffectsError(ValueError):
    """A table of effects that cannot be shipped, located by file and JSON pointer."""

EFFECTS_FILE = "server_effects.json"
STEP_KINDS = ("let", "find", "create", "update", "delete", "each", "refuse", "emit")
WEBHOOK_KEYS = {"subscriptions", "limit", "fields", "headers", "body", "attempt", "filters"}


def effects_file(path: Path, api: Api) -> str:
    """The JSON text of the effects of `api` in the table at `path`."""
    try:
        table: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise EffectsError(f"{path}: {exc}") from None
    operations = table.get("operations") if isinstance(table, dict) else None
    if not isinstance(operations, dict):
        raise EffectsError(f"{path}#/operations: a table of effects has an `operations` mapping")
    known = {op.operation_id for op in api.operations}
    events = {webhook.name: webhook.event_type or webhook.name for webhook in api.webhooks}
    kept: dict[str, Any] = {}
    for operation_id, entry in operations.items():
        where = f"{path}#/operations/{operation_id}"
        if not isinstance(entry, dict) or not set(entry) <= {"steps", "answer", "optional"}:
            raise EffectsError(f"{where}: an operation's effects are `steps`, an `answer` and `optional`")
        if operation_id not in known:
            if entry.get("optional") is True:
                continue  # one table serves several APIs, not all of which have the operation
            raise EffectsError(f"{where}: {api.source} has no operation {operation_id!r}")
        _check_steps(entry.get("steps", []), f"{where}/steps", events, api.source)
        kept[operation_id] = {k: v for k, v in entry.items() if k != "optional"}
    shipped: dict[str, Any] = {"operations": kept}
    webhooks = table.get("webhooks")
    if webhooks is not None and events:
        where = f"{path}#/webhooks"
        if not isinstance(webhooks, dict) or not isinstance(webhooks.get("subscriptions"), str):
            raise EffectsError(f"{where}: the webhooks section names the `subscriptions` collection")
        extra = sorted(set(webhooks) - WEBHOOK_KEYS)
        if extra:
            raise EffectsError(f"{where}/{extra[0]}: not a key of the webhooks section ({', '.join(sorted(WEBHOOK_KEYS))})")
        _check_steps(webhooks.get("attempt", []), f"{where}/attempt", events, api.source)
        _check_filters(webhooks.get("filters"), f"{where}/filters")
        shipped["webhooks"] = {**webhooks, "events": events}
    return json.dumps(shipped, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def _check_filters(filters: Any, where: str) -> None:
    """The `filters` section: the subscription's field, and per group a mapping
    of condition field to the template that reads it from the event."""
    if filters is None:
        return
    if not isinstance(filters, dict) or not set(filters) <= {"field", "groups"}:
        raise EffectsError(f"{where}: the filters section has a `field` and `groups`")
    if not isinstance(filters.get("field", "filters"), str):
        raise EffectsError(f"{where}/field: the name of a subscription's filters field")
    groups = filters.get("groups", {})
    if not isinstance(groups, dict) or not all(isinstance(reads, dict) for reads in groups.values()):
        raise EffectsError(f"{where}/groups: per group, a mapping of condition field to what it reads")


def _check_steps(steps: Any, where: str, events: dict[str, str], source: str) -> None:
    if not isinstance(steps, list):
        raise EffectsError(f"{where}: steps are a list")
    for index, step in enumerate(steps):
        kinds = [kind for kind in STEP_KINDS if isinstance(step, dict) and kind in step]
        if len(kinds) != 1:
            raise EffectsError(f"{where}/{index}: a step is one of {', '.join(STEP_KINDS)}")
        if kinds[0] == "each":
            _check_steps(step.get("steps", []), f"{where}/{index}/steps", events, source)
        if kinds[0] == "emit" and step["emit"] not in events:
            raise EffectsError(f"{where}/{index}/emit: {source} has no webhook {step['emit']!r}")
