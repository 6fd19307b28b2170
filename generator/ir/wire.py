"""The spec as the wire speaks it: the document the stub server validates
requests against, and that its answers satisfy.

The IR makes a spec's conventions explicit for the generated code; a JSON
Schema validator reading the spec as written cannot know them. This step
writes them back into a copy of the root document, and changes nothing else:
1. A tagged union's variants know their tag: each `$ref` of the union's
   `oneOf` becomes `allOf` of the variant and "`_type`, where present, is
   `<its name>`". Dixa's variants often have the same fields (`Csat` and `Nps`
   are both `{value}`), so without the tag a value matches several of them,
   which `oneOf` forbids; with it, exactly one. The tag stays optional, as on
   the wire: Dixa takes some unions untagged where the fields tell the
   variants apart (`GetMetricDataInput`: `csidFilter` or `periodFilter`).
   The variant schemas stay as written: used directly, they carry no tag.
2. A union that also takes bare values (`FormAttributeValue`: `"John"` for
   `{"value": "John", "_type": "Text"}`) also accepts each variant's `value`
   schema, as `anyOf`: two variants' bare values can be alike.
3. An enum written as a union of empty objects also accepts the bare names
   (`"Open"`), as the wire sends it.
4. A `oneOf` that no object can satisfy, because a variant accepts any
   object (one whose fields the spec leaves open, like the Integrations API's
   activity-log attributes) and so matches whatever another matches, is read
   as `anyOf`, with a located warning: as written, the stub could neither
   accept nor answer one.
5. Every operation documents the statuses the stub answers besides the spec's
   own, each a `{"message"}` body: 400 for a request that does not validate,
   401 for a secured operation called without credentials, 404 for an item
   the stateful stub does not hold, 413 for a body over its size limit, 431
   for too many headers, 507 for a write past the stateful stub's memory.

Only a spec whose references stay inside its own file gets a wire document;
the stub validates the others with the generated models alone.

The document is built when it is needed: by the stub's renderer, which writes
it beside the operation table, and by validation's lints (`reading.lints`),
which check the spec's examples against it. Reading a spec (for the diff, the
release version, `dixagen ir`) does not build it, and the IR does not hold it.
Generation builds it once per API (`shared`): the lints and the renderer read
the same one.

It is no copy of the whole document: it shares every node it leaves as
written with the document (`CopyOnWrite`), and copies only those on the way
to what it changes, so Microsoft Graph's 300 MB document costs megabytes more,
not another 300. Nothing may change it once built.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from jsonschema import FormatChecker  # type: ignore[import-untyped]  # jsonschema ships no types
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30WriteValidator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)
from referencing import Registry
from referencing.jsonschema import DRAFT4, DRAFT202012

from ..diagnostics import escape_pointer_token, pointer_tokens, value_at
from .model import Api, EnumType, Operation, UnionType

STUB_URI = "urn:dixagen:wire"
STUB_STATUSES = {
    "400": "Added by the stub: the request does not validate against this document.",
    "401": "Added by the stub: the operation is secured and the request carries no credentials.",
    "404": "Added by the stub: in stateful mode, the path names an item it does not hold.",
    "413": "Added by the stub: the body is larger than the stub's limit.",
    "431": "Added by the stub: the request has too many headers, or too large.",
    "507": "Added by the stub: in stateful mode, its memory is full.",
}


@dataclass
class Wire:
    """The wire document, and the `oneOf`s it reads as `anyOf` (rule 4): where
    each was, and the variants that accept any object."""

    document: dict[str, Any]
    any_of: list[tuple[str, list[str]]] = field(default_factory=list)


class CopyOnWrite:
    """A copy of a JSON document that shares with it every node it does not
    change: `writable(pointer)` copies (shallowly) the node at `pointer` and
    those on the way to it the first time, and returns the copy, which may be
    changed. Nodes reached otherwise are the document's own: read them only."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.root: dict[str, Any] = dict(data)
        # The copies made, by id: each is copied once, and kept so that its id stays its own.
        self._copies: dict[int, Any] = {id(self.root): self.root}

    def writable(self, pointer: str) -> Any:
        """The node at `pointer`, a copy of its own; None where the pointer
        leads to no object or array."""
        node: Any = self.root
        for token in pointer_tokens(pointer):
            key: str | int
            if isinstance(node, dict):
                key = token
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                key = int(token)
            else:
                return None
            child = node.get(key) if isinstance(node, dict) else node[key]
            if not isinstance(child, (dict, list)):
                return None
            if self._copies.get(id(child)) is not child:
                child = child.copy()
                self._copies[id(child)] = child
                node[key] = child
            node = child
        return node

    @property
    def copies(self) -> int:
        """How many nodes were copied (the root too)."""
        return len(self._copies)


# The wire documents built while `shared` is in force, by the id of their Api.
_shared: dict[int, tuple[Api, Any, Wire | None]] | None = None


@contextmanager
def shared() -> Iterator[None]:
    """While in force, `build` builds each API's wire document once, and gives
    the same one to whoever asks again (the lints, then the stub's renderer).
    The IR must not change meanwhile in what the document reads of it; the
    pipeline, which renders what it has read, is where this holds."""
    global _shared
    outer, _shared = _shared, {} if _shared is None else _shared
    try:
        yield
    finally:
        _shared = outer


def build(api: Api) -> Wire | None:
    """The spec of `api` as the wire speaks it; None where the document is
    not at hand or refers to other files."""
    if _shared is not None:
        known = _shared.get(id(api))
        if known is not None and known[0] is api and known[1] is api.document:
            return known[2]
    built = _build(api)
    if _shared is not None:
        _shared[id(api)] = (api, api.document, built)
    return built


def _build(api: Api) -> Wire | None:
    data = api.document
    if not isinstance(data, dict) or any(not ref.startswith("#") for ref in _refs(data)):
        return None
    wire = CopyOnWrite(data)
    for named in api.types.values():
        if not named.component or not named.pointer:
            continue
        tagged = isinstance(named.type, UnionType) and named.type.style == "tagged" and not named.type.explicit_discriminator
        bare = isinstance(named.type, EnumType) and named.type.source == "union"
        if not (tagged or bare) or not isinstance(value_at(wire.root, named.pointer), dict):
            continue
        node = wire.writable(named.pointer)
        if isinstance(named.type, UnionType):
            _tag_variants(api, node, named.type, named.pointer)
        elif isinstance(named.type, EnumType):
            _bare_names(node, named.type)
    any_of = _unsatisfiable_one_ofs(wire)
    for op in api.operations:
        _stub_statuses(wire, op, secured=_secured(api, op))
    return Wire(wire.root, any_of)


def wire_document(api: Api) -> dict[str, Any] | None:
    """The wire document alone (see `build`)."""
    built = build(api)
    return built.document if built is not None else None


def schema_validator(
    wire: dict[str, Any], pointer: str, *, request: bool = False, format_checker: Any = None
) -> Any:
    """A validator of the schema at `pointer` in the wire document, formats
    checked: of an answer (`readOnly` allowed), or of a request. Validators
    made with one `registry` (see `registry_of`) share its resolved references."""
    return validator_factory(wire, request=request, format_checker=format_checker)(pointer)


def validator_factory(wire: dict[str, Any], *, request: bool = False, format_checker: Any = None) -> Any:
    """A function giving a validator of the schema at a pointer of `wire`, all
    sharing one registry; `format_checker` replaces OpenAPI's own."""
    oas30 = is_oas30(wire)
    spec = DRAFT4 if oas30 else DRAFT202012
    registry: Registry[Any] = Registry().with_resource(STUB_URI, spec.create_resource(wire))
    cls = (OAS30WriteValidator if request else OAS30ReadValidator) if oas30 else OAS31Validator
    checker = format_checker if format_checker is not None else format_checker_of(wire)

    def validator(pointer: str) -> Any:
        return cls({"$ref": f"{STUB_URI}#{pointer}"}, registry=registry, format_checker=checker)

    return validator


def is_oas30(wire: dict[str, Any]) -> bool:
    return str(wire.get("openapi", "3.0")).startswith("3.0")


def format_checker_of(wire: dict[str, Any]) -> FormatChecker:
    """OpenAPI's format checker for the document's version."""
    return oas30_format_checker if is_oas30(wire) else oas31_format_checker


_OPEN_KEYWORDS = frozenset({"type", "title", "description", "deprecated", "nullable", "readOnly", "writeOnly"})


def _unsatisfiable_one_ofs(document: CopyOnWrite) -> list[tuple[str, list[str]]]:
    """The `oneOf`s of the document with a variant that accepts any object
    (beside others), rewritten as `anyOf`; returns where each was and those variants."""
    wire = document.root
    found: list[tuple[str, list[str]]] = []
    # Each node with the way to it, (the way to its parent, its key): its
    # pointer is spelled only where a `oneOf` is rewritten.
    stack: list[tuple[Any, Any]] = [(wire, None)]
    while stack:
        node, way = stack.pop()
        if isinstance(node, dict):
            entries = node.get("oneOf")
            if isinstance(entries, list):
                open_variants = [_label(entry) for entry in entries if _accepts_any_object(wire, entry)]
                if open_variants and len(entries) >= 2:
                    pointer = _spelled(way)
                    node = document.writable(pointer)
                    node["anyOf"] = node.pop("oneOf")
                    found.append((pointer, open_variants))
            for key, value in node.items():
                if not isinstance(value, (dict, list)) or (
                    isinstance(key, str) and (key.startswith("x-") or key in ("example", "examples"))
                ):
                    continue
                stack.append((value, (way, key)))
        elif isinstance(node, list):
            stack.extend((value, (way, index)) for index, value in enumerate(node) if isinstance(value, (dict, list)))
    return sorted(found)


def _spelled(way: Any) -> str:
    """The JSON pointer of a way `(the way to the parent, key)` from the root (None)."""
    tokens: list[str] = []
    while way is not None:
        way, key = way
        tokens.append(escape_pointer_token(key))
    return "".join("/" + token for token in reversed(tokens))


def _accepts_any_object(wire: dict[str, Any], entry: Any) -> bool:
    seen: set[str] = set()
    while isinstance(entry, dict) and isinstance(entry.get("$ref"), str) and entry["$ref"].startswith("#"):
        if entry["$ref"] in seen:
            return False
        seen.add(entry["$ref"])
        entry = value_at(wire, entry["$ref"])
    if not isinstance(entry, dict):
        return False
    keys = {key for key in entry if not (isinstance(key, str) and key.startswith("x-"))}
    return keys <= _OPEN_KEYWORDS and entry.get("type", "object") == "object"


def _label(entry: Any) -> str:
    return _component_name(entry) or "an inline schema"


def _tag_variants(api: Api, node: dict[str, Any], union: UnionType, pointer: str) -> None:
    keyword = "oneOf" if isinstance(node.get("oneOf"), list) else "anyOf"
    entries = node.get(keyword)
    if not isinstance(entries, list) or union.tag_property is None:
        return
    tag_of = {target: tag for tag, target in union.tags.items()}
    tagged: list[Any] = []
    bare: list[Any] = []
    for entry in entries:
        target = _component_name(entry)
        tag = tag_of.get(target or "")
        if tag is None:
            tagged.append(entry)
            continue
        tagged.append(
            {
                "allOf": [
                    entry,
                    {"properties": {union.tag_property: {"type": "string", "enum": [tag]}}},
                ]
            }
        )
        if union.bare:
            bare.append({"$ref": f"{entry['$ref']}/properties/value"})
    if bare:
        del node[keyword]
        node["anyOf"] = tagged + bare
    else:
        node[keyword] = tagged


def _bare_names(node: dict[str, Any], enum: EnumType) -> None:
    names = [member.value for member in enum.members if isinstance(member.value, str)]
    keyword = "oneOf" if "oneOf" in node else "anyOf" if "anyOf" in node else None
    if keyword is None or not names:
        return
    objects = node.pop(keyword)
    tagged = [
        {
            "allOf": [
                entry,
                {"properties": {"_type": {"type": "string", "enum": [name]}}},
            ]
        }
        for entry, name in zip(objects, names)
    ]
    node["anyOf"] = [{"type": "string", "enum": names}, *tagged]


def _stub_statuses(wire: CopyOnWrite, op: Operation, *, secured: bool) -> None:
    raw = value_at(wire.root, op.pointer) if op.pointer else None
    if not isinstance(raw, dict) or not isinstance(raw.get("responses", {}), dict):
        return
    wanted = ["400"]
    if secured:
        wanted.append("401")
    if "{" in op.path:
        wanted.append("404")
    if op.body is not None:
        wanted.append("413")
    wanted.append("431")
    if op.method.upper() in ("POST", "PUT", "PATCH"):
        wanted.append("507")
    present = raw.get("responses", {})
    missing = [
        status
        for status in wanted
        if not (status in present or f"{status[0]}XX" in present or f"{status[0]}xx" in present)
    ]
    if not missing:
        return
    if "responses" not in raw:
        wire.writable(op.pointer)["responses"] = {}
    responses = wire.writable(f"{op.pointer}/responses")
    for status in missing:
        responses[status] = {
            "description": STUB_STATUSES[status],
            "content": {"application/json": {"schema": _message()}},
        }


def _message() -> dict[str, Any]:
    """The schema of the stub's own answers: `{"message": "..."}`."""
    return {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}


def _secured(api: Api, op: Operation) -> bool:
    requirements = op.security if op.security is not None else api.security
    return bool(requirements) and all(requirement for requirement in requirements)


# What the models read a schema without `type` as, by the keywords it has.


def _component_name(entry: Any) -> str | None:
    ref = entry.get("$ref") if isinstance(entry, dict) else None
    prefix = "#/components/schemas/"
    if isinstance(ref, str) and ref.startswith(prefix) and "/" not in ref[len(prefix) :]:
        return ref[len(prefix) :].replace("~1", "/").replace("~0", "~")
    return None


def _refs(node: Any) -> Iterator[str]:
    """Every `$ref` of the document's schemas and components (extension data
    and examples are not looked into: a `$ref` there is data)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                yield ref
            stack.extend(
                value
                for key, value in item.items()
                if isinstance(value, (dict, list))
                and not (isinstance(key, str) and key.startswith("x-"))
                and key not in ("example", "examples")
            )
        elif isinstance(item, list):
            stack.extend(value for value in item if isinstance(value, (dict, list)))
