"""Match operations and compare what a client sends and receives for each.

Operations are matched by method and path template, with parameter names
ignored (`/agents/{id}` = `/agents/{agentId}`) and any `--strip-prefix` taken
off (`/v1/agents` = `/beta/agents`), then by operationId, which finds an
operation whose path or method changed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..diagnostics import escape_pointer_token
from ..ir.model import Api, Body, Operation, Parameter, Response, SecurityScheme
from ..ir.media import is_success
from .compare import Differ
from .model import Side
from .spots import Scope, Spot
from .schemas import compare_types

_VARIABLE = re.compile(r"{[^{}]*}")


def operation_label(operation: Operation) -> str:
    return f"{operation.method} {operation.path}"


def _route(operation: Operation, strip: tuple[str, ...]) -> tuple[str, str]:
    path = operation.path
    for prefix in strip:
        if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
            path = path[len(prefix.rstrip("/")):] or "/"
            break
    return operation.method, _VARIABLE.sub("{}", path)


def match_operations(d: Differ) -> tuple[list[tuple[Operation, Operation]], list[Operation], list[Operation]]:
    """(matched pairs, removed, added)."""
    new_by_route: dict[tuple[str, str], Operation] = {}
    for operation in d.new.operations:
        new_by_route.setdefault(_route(operation, d.strip), operation)
    pairs: list[tuple[Operation, Operation]] = []
    removed: list[Operation] = []
    for operation in d.old.operations:
        match = new_by_route.pop(_route(operation, d.strip), None)
        if match is None:
            removed.append(operation)
        else:
            pairs.append((operation, match))
    added = [o for o in d.new.operations if new_by_route.get(_route(o, d.strip)) is o]
    added_by_id = {o.operation_id: o for o in added}
    for operation in list(removed):
        match = added_by_id.pop(operation.operation_id, None)
        if match is not None:
            removed.remove(operation)
            added.remove(match)
            pairs.append((operation, match))
    return pairs, removed, added


def diff_operations(d: Differ) -> None:
    """Compare every operation; note each one's label and tag (to attribute schema changes)."""
    for api in (d.old, d.new):
        for operation in api.operations:
            scope = _scope(operation)
            d.labels[id(operation)] = operation_label(operation)
            d.tags[operation_label(operation)] = scope.tag  # the new side wins
    pairs, removed, added = match_operations(d)
    for operation in removed:
        d.add("operation-removed", f"operation {operation.operation_id} removed", None, _scope(operation), side="old",
              pointer=operation.pointer, python=f"{_method(d, operation, 'old')} removed")
    for operation in added:
        d.add("operation-added", f"operation {operation.operation_id} added", None, _scope(operation),
              pointer=operation.pointer, python=f"{_method(d, operation)} added")
    for old, new in pairs:
        _operation(d, old, new, _scope(new))
    _security_schemes(d)


def _scope(operation: Operation) -> Scope:
    return Scope(operation=operation_label(operation), tag=operation.tags[0] if operation.tags else None)


def _method(d: Differ, operation: Operation, side: str = "new") -> str:
    """The client method's full name, as `rendering.surface` names it: `dixa_sdk.v1.client.agents.get`."""
    package = d.old_package if side == "old" else d.new_package
    return f"{package}.client.{operation.resource}.{operation.py_name}"


def _operation(d: Differ, old: Operation, new: Operation, scope: Scope) -> None:
    spot = Spot(old.pointer, new.pointer, operation_label(new))
    if old.path != new.path and _route(old, d.strip)[1] != _route(new, d.strip)[1]:
        d.add("operation-path-changed", f"{new.operation_id} moved from {old.path} to {new.path}", spot, scope)
    if old.method != new.method:
        d.add("operation-method-changed", f"{new.operation_id} is now {new.method} instead of {old.method}", spot, scope)
    if old.deprecated != new.deprecated:
        kind = "operation-deprecated" if new.deprecated else "operation-undeprecated"
        d.add(kind, f"operation {new.operation_id} {'is deprecated' if new.deprecated else 'is no longer deprecated'}",
              spot, scope)
    if old.operation_id != new.operation_id:
        d.add("operation-id-changed", f"operationId {old.operation_id} renamed to {new.operation_id}", spot, scope)
    if (old.summary, old.description) != (new.summary, new.description):
        d.add("operation-description-changed", f"summary or description of {new.operation_id} changed", spot, scope)
    was, now = (old.tags or ["(none)"])[0], (new.tags or ["(none)"])[0]
    if old.resource != new.resource:
        why = f" (tag {was} → {now})" if old.tags[:1] != new.tags[:1] else ""
        d.add("python-method-moved",
              f"client method for {new.operation_id} moved from client.{old.resource}.{old.py_name} to "
              f"client.{new.resource}.{new.py_name}{why}",
              spot, scope, python=f"{_method(d, old, 'old')} → client.{new.resource}.{new.py_name}")
    elif old.tags[:1] != new.tags[:1]:
        d.add("operation-tag-changed", f"{new.operation_id} moved from tag {was} to {now}", spot, scope)
    if old.resource == new.resource and old.py_name != new.py_name:
        d.add("python-method-renamed", f"client method for {new.operation_id} renamed from {old.py_name} to {new.py_name}",
              spot, scope, python=f"{_method(d, old, 'old')} → {new.py_name}")
    if (old.paging is None) != (new.paging is None):
        kind = "paging-added" if new.paging else "paging-removed"
        returns = (
            f"{_method(d, new)} returns a page (SyncPage, AsyncPage) instead of the answer"
            if new.paging
            else f"{_method(d, old, 'old')} returns the answer instead of a page"
        )
        d.add(kind, f"{new.operation_id} {'now pages' if new.paging else 'no longer pages'}", spot, scope, python=returns)
    _security(d, old, new, spot, scope)
    _parameters(d, old, new, spot, scope)
    _body(d, old, new, spot, scope)
    _responses(d, old, new, spot, scope)


# -- authentication ------------------------------------------------------------------------


def _requirements(api: Api, operation: Operation) -> set[frozenset[str]]:
    """Each way to authenticate, as the set of schemes it needs (empty: anonymous)."""
    security = operation.security if operation.security is not None else api.security
    return {frozenset(requirement) for requirement in security} or {frozenset()}


def _spell(requirement: frozenset[str]) -> str:
    return " + ".join(sorted(requirement)) or "no authentication"


def _security(d: Differ, old: Operation, new: Operation, spot: Spot, scope: Scope) -> None:
    was, now = _requirements(d.old, old), _requirements(d.new, new)
    for requirement in sorted(was - now, key=_spell):
        d.add("security-requirement-removed", f"{new.operation_id} no longer accepts {_spell(requirement)}",
              spot, scope, side="old")
    for requirement in sorted(now - was, key=_spell):
        d.add("security-requirement-added", f"{new.operation_id} now accepts {_spell(requirement)}", spot, scope)


def _security_schemes(d: Differ) -> None:
    """A scheme sends its credential differently; what only its docs say (its
    description, deprecation, metadata and flow URLs) is not a change of that."""
    old = {s.name: s for s in d.old.security_schemes}
    def sent(scheme: SecurityScheme) -> SecurityScheme:
        return replace(scheme, description=None, deprecated=False, metadata_url=None, flows={})

    for scheme in d.new.security_schemes:
        before = old.get(scheme.name)
        if before is not None and sent(before) != sent(scheme):
            pointer = "/components/securitySchemes/" + escape_pointer_token(scheme.name)
            d.add("security-scheme-changed", f"security scheme {scheme.name} changed", None,
                  Scope(schema=scheme.name), pointer=pointer)


# -- parameters ----------------------------------------------------------------------------


def _parameters(d: Differ, old: Operation, new: Operation, spot: Spot, scope: Scope) -> None:
    renamed = _path_renames(old, new)
    for old_name, new_name in renamed.items():
        python = _argument_rename(d, old, new, old_name, new_name)
        kind = "python-argument-renamed" if python else "path-parameter-renamed"
        d.add(kind, f"path parameter {old_name} renamed to {new_name}", spot, scope, python=python)
    new_params = {(p.location, p.name): (i, p) for i, p in enumerate(new.parameters)}
    new_by_name = {p.name: (i, p) for i, p in enumerate(new.parameters)}
    seen: set[int] = set()
    for index, param in enumerate(old.parameters):
        name = renamed.get(param.name, param.name) if param.location == "path" else param.name
        match = new_params.get((param.location, name)) or new_by_name.get(name)
        at = Spot(f"{old.pointer}/parameters/{index}", "", f"{param.location} parameter {param.name}")
        if match is None:
            d.add("request-parameter-removed", f"{param.location} parameter {param.name} removed", at, scope,
                  side="old", python=f"{_method(d, old, 'old')}({param.py_name}) removed")
            continue
        new_index, new_param = match
        seen.add(new_index)
        at = Spot(at.old, f"{new.pointer}/parameters/{new_index}", f"{new_param.location} parameter {new_param.name}")
        _parameter(d, param, new_param, at, scope)
    for index, param in enumerate(new.parameters):
        if index not in seen:
            at = Spot("", f"{new.pointer}/parameters/{index}", param.name)
            what = "required" if param.required else "optional"
            d.add(f"request-parameter-added-{what}", f"{what} {param.location} parameter {param.name} added", at,
                  scope, python=f"{_method(d, new)}({param.py_name}) added")


def _path_renames(old: Operation, new: Operation) -> dict[str, str]:
    """Path variables renamed in place: `/agents/{id}` → `/agents/{agentId}`."""
    old_vars = [v[1:-1] for v in _VARIABLE.findall(old.path)]
    new_vars = [v[1:-1] for v in _VARIABLE.findall(new.path)]
    if len(old_vars) != len(new_vars):
        return {}
    return {o: n for o, n in zip(old_vars, new_vars) if o != n}


def _argument_rename(d: Differ, old: Operation, new: Operation, old_name: str, new_name: str) -> str | None:
    before = next((p.py_name for p in old.parameters if p.location == "path" and p.name == old_name), None)
    after = next((p.py_name for p in new.parameters if p.location == "path" and p.name == new_name), None)
    if before is None or after is None or before == after:
        return None
    return f"{_method(d, old, 'old')}({before}) → ({after})"


def _parameter(d: Differ, old: Parameter, new: Parameter, spot: Spot, scope: Scope) -> None:
    if old.location != new.location:
        d.add("request-parameter-location-changed",
              f"parameter {new.name} moved from {old.location} to {new.location}", spot, scope)
    if old.required != new.required:
        what = "required" if new.required else "optional"
        d.add(f"request-parameter-became-{what}", f"{new.location} parameter {new.name} is now {what}", spot, scope)
    if old.deprecated != new.deprecated:
        kind = "request-parameter-deprecated" if new.deprecated else "request-parameter-undeprecated"
        now = "is deprecated" if new.deprecated else "is no longer deprecated"
        d.add(kind, f"{new.location} parameter {new.name} {now}", spot, scope)
    if old.description != new.description:
        d.add("request-parameter-description-changed", f"description of parameter {new.name} changed", spot, scope)
    compare_types(d, old.type, new.type, spot.child("/schema", ""), "request", scope)


# -- request body ----------------------------------------------------------------------------


def _body(d: Differ, old: Operation, new: Operation, spot: Spot, scope: Scope) -> None:
    before, after = old.body, new.body
    if before is None and after is None:
        return
    if before is None and after is not None:
        what = "required" if after.required else "optional"
        d.add(f"request-body-added-{what}", f"{new.operation_id} now takes a{'n' * (what == 'optional')} {what} body",
              spot.child("/requestBody", ""), scope, python=f"{_method(d, new)}(body) added")
        return
    if after is None:
        d.add("request-body-removed", f"{new.operation_id} no longer takes a body", spot.child("/requestBody", ""),
              scope, side="old", python=f"{_method(d, old, 'old')}(body) removed")
        return
    assert before is not None
    at = spot.child("/requestBody", "")
    if before.required != after.required:
        what = "required" if after.required else "optional"
        d.add(f"request-body-became-{what}", f"the body of {new.operation_id} is now {what}", at, scope)
    if before.content_type != after.content_type:
        d.add("request-content-type-changed",
              f"the body of {new.operation_id} is sent as {after.content_type} instead of {before.content_type}",
              at, scope)
    compare_types(d, before.type, after.type, _content(at, before, after, "body"), "request", scope)


def _content(spot: Spot, old: Body | Response, new: Body | Response, label: str) -> Spot:
    old_type = escape_pointer_token(old.content_type or "")
    new_type = escape_pointer_token(new.content_type or "")
    return Spot(f"{spot.old}/content/{old_type}/schema", f"{spot.new}/content/{new_type}/schema", label)


# -- responses -------------------------------------------------------------------------------


def _responses(d: Differ, old: Operation, new: Operation, spot: Spot, scope: Scope) -> None:
    before = {r.status: r for r in old.responses}
    after = {r.status: r for r in new.responses}
    gone = [s for s in before if s not in after]
    came = [s for s in after if s not in before]
    pairs = [(before[s], after[s]) for s in before if s in after]
    gone_success = [s for s in gone if is_success(s)]
    came_success = [s for s in came if is_success(s)]
    if len(gone_success) == 1 and len(came_success) == 1:
        was, now = gone_success[0], came_success[0]
        d.add("response-status-changed", f"{new.operation_id} answers {now} instead of {was}",
              spot.child(f"/responses/{now}", ""), scope)
        gone.remove(was)
        came.remove(now)
        pairs.append((before[was], after[now]))
    for status in gone:
        kind = "response-success-status-removed" if is_success(status) else "response-error-status-removed"
        at = Spot(f"{old.pointer}/responses/{status}", "", status)
        d.add(kind, f"{new.operation_id} no longer answers {status}", at, scope, side="old")
    for status in came:
        kind = "response-success-status-added" if is_success(status) else "response-error-status-added"
        at = Spot("", f"{new.pointer}/responses/{status}", status)
        d.add(kind, f"{new.operation_id} may answer {status}", at, scope)
    for before_response, after_response in pairs:
        at = Spot(f"{old.pointer}/responses/{escape_pointer_token(before_response.status)}",
                  f"{new.pointer}/responses/{escape_pointer_token(after_response.status)}", "")
        if not _streamed(d, old, new, before_response, after_response, at, scope):
            _response(d, before_response, after_response, at, new, scope)


def _streamed(d: Differ, old_op: Operation, new_op: Operation, old: Response, new: Response, spot: Spot,
              scope: Scope) -> bool:
    """Compare the answer a call returns when either side reads it as a stream:
    by its items, as the client types them (`Stream[Item]`). A 3.1 event stream
    documented as an array of ticks and a 3.2 one whose `itemSchema` is the
    tick are the same answer to the client. Whether the call streams at all is
    its return type. False when neither streams (compared as a body)."""
    if old is not old_op.success or new is not new_op.success or (old_op.stream is None and new_op.stream is None):
        return False
    label = f"{new.status} response"
    if old.description != new.description:
        d.add("response-description-changed", f"description of the {label} changed", spot, scope)
    if old_op.stream is None or new_op.stream is None:
        now = "now returns a stream of items" if new_op.stream else "no longer returns a stream of items"
        side: Side = "new" if new_op.stream else "old"
        method = _method(d, new_op) if new_op.stream else _method(d, old_op, "old")
        d.add("response-streaming-changed", f"{new_op.operation_id} {now}", spot, scope, python=f"{method} {now}",
              side=side)
        return True
    if old.content_type != new.content_type:
        d.add("response-content-type-changed",
              f"the {label} comes as {new.content_type} instead of {old.content_type}", spot, scope)
    at = Spot(_item_pointer(spot.old, old), _item_pointer(spot.new, new), f"{label} item")
    compare_types(d, old_op.stream.item, new_op.stream.item, at, "response", scope)
    return True


def _item_pointer(response: str, answer: Response) -> str:
    """Where the schema of a streamed answer's items is: its `itemSchema`, else its `schema`."""
    media = f"{response}/content/{escape_pointer_token(answer.content_type or '')}"
    return media + ("/itemSchema" if answer.item_type is not None else "/schema")


def _response(d: Differ, old: Response, new: Response, spot: Spot, operation: Operation, scope: Scope) -> None:
    label = f"{new.status} response"
    if old.description != new.description:
        d.add("response-description-changed", f"description of the {label} changed", spot, scope)
    if old.type is not None and new.type is None:
        d.add("response-body-removed", f"the {label} of {operation.operation_id} no longer has a body", spot, scope,
              side="old")
        return
    if old.type is None and new.type is not None:
        d.add("response-body-added", f"the {label} of {operation.operation_id} now has a body", spot, scope)
        return
    if old.type is None or new.type is None:
        return
    if old.content_type != new.content_type:
        d.add("response-content-type-changed",
              f"the {label} comes as {new.content_type} instead of {old.content_type}", spot, scope)
    at = _content(spot, old, new, label)
    if old.envelope == new.envelope:
        compare_types(d, old.type, new.type, at, "response", scope)
        return
    was = f"`{old.envelope}` envelope" if old.envelope else "no envelope"
    now = f"`{new.envelope}` envelope" if new.envelope else "no envelope"
    d.add("response-envelope-changed", f"the {label} has {now} instead of {was}", spot, scope)
    # what the client gets is what is inside the envelope: compare that
    compare_types(d, old.payload or old.type, new.payload or new.type, at, "response", scope)
