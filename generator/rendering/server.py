"""Render the stub server of one API: `server.py` (create_app, `python -m`),
`server_operations.py`, the operation table the static runtime serves, and
`server_openapi.json`, the spec as the wire speaks it (`ir.wire`, built here,
when the server is rendered), which the stub validates with, and `testing.py`,
the stub app with clients bound to it in-process.

It reads the IR and writes it as data: the typed parameters with their wire
names and styles, the body type, the documented responses with the examples
the stub may answer, whether it is secured, how it pages and what it does in
stateful mode. What these are was decided by the passes (`Parameter.wire_style`,
`Paging.served`, `Api.collections`, `Operation.stateful`, `Response.off_schema`).
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from collections.abc import Iterator
from typing import Any

from ..ir.media import is_json_media
from ..ir.model import Api, ArrayType, MapType, ObjectType, Operation, Response, Stream
from ..ir.wire import wire_document
from .code import Assign, call, display
from .pytypes import Annotator, literal
from .common import ENV, Pieces, header, texts
from .client.auth import brand, credential_arguments

# The spec as the wire speaks it (`ir.wire`), beside the table: what the stub validates with.
WIRE_DOCUMENT = "server_openapi.json"


def fixture_prefix(prefix: str) -> str:
    """The start of the pytest fixtures' names of the API at `prefix`: `dixa_v1`
    for `dixa_sdk/v1` (one API of a distribution), `petstore` for a single package."""
    return "_".join([brand(prefix), *prefix.split("/")[1:]])


def server_files(prefix: str, api: Api, runtime: str) -> dict[str, str]:
    return texts(server_parts(prefix, api, runtime))


def server_parts(prefix: str, api: Api, runtime: str) -> dict[str, str | Pieces]:
    """The stub's files, its two JSON documents as `Pieces`."""
    # Models are named through the module, so none can clash with the table's own names.
    annotator = Annotator(api, prefix="models.")
    wire = wire_document(api)
    # The annotation of each stateful collection's items, by its path.
    items = {path: annotator.annotation(collection.item) for path, collection in api.collections.items()}
    operations = [_operation(api, annotator, op, items, wire) for op in api.operations]
    types = sorted(_named_types(operations))
    context = dict(header=header(api.source), api=api, runtime=runtime, package=prefix.replace("/", "."))
    files: dict[str, str | Pieces] = {
        f"{prefix}/server_operations.py": ENV.get_template("server/server_operations.py.jinja").render(
            # Each type is made when first looked up: loading the table imports no model.
            types=Assign(
                "TYPES: Mapping[str, Any]",
                call("LazyTypes", display("{", [f"{literal(t)}: lambda: {t}" for t in types], exploded=True)),
            ),
            imports=_imports(annotator.needs, runtime),
            **context,
        ),
        f"{prefix}/server_operations.json": Pieces(lambda: _table_pieces(operations)),
        f"{prefix}/server.py": ENV.get_template("server/server.py.jinja").render(**context),
        f"{prefix}/testing.py": ENV.get_template("server/testing.py.jinja").render(
            credentials=credential_arguments(prefix, api), fixture=fixture_prefix(prefix), **context
        ),
    }
    if wire is not None:
        document = wire
        files[f"{prefix}/{WIRE_DOCUMENT}"] = Pieces(lambda: _indented(document))
    return files


def _indented(document: Any) -> Iterator[str]:
    """`document` as `json.dumps(..., indent=1)` writes it, and a line's end,
    a batch of the encoder's pieces at a time (it makes one per key, value
    and comma: tens of millions for Microsoft Graph)."""
    pieces = json.JSONEncoder(ensure_ascii=False, indent=1, default=str).iterencode(document)
    while batch := "".join(itertools.islice(pieces, 65536)):
        yield _escaped(batch)
    yield "\n"


def _operation(api: Api, annotator: Annotator, op: Operation, items: dict[str, str], wire: Any) -> dict[str, Any]:
    """One entry of the table, as the fields of `stub_table.Operation`; fields
    at their default are left out, and types are named by their annotation."""
    entry: dict[str, Any] = dict(operation_id=op.operation_id, summary=op.summary or "", method=op.method, path=op.path)
    params = []
    for param in op.parameters:
        resolved = api.resolve(param.type)
        array = isinstance(resolved, ArrayType)
        type_ = annotator.annotation(resolved.items if isinstance(resolved, ArrayType) else param.type)
        entry_param = _without_defaults(
            name=param.name,
            location=param.location,
            type=type_,
            required=param.required,
            array=array,
            object=isinstance(resolved, (ObjectType, MapType)),
            style=None if param.default_style else param.wire_style,
            schema=(param.schema_pointer or None) if wire is not None else None,
        )
        if not param.default_style:  # false is not a default here: OpenAPI's depends on the style
            entry_param["explode"] = param.wire_explode
        params.append(entry_param)
    if params:
        entry["params"] = params
    if op.body is not None:
        entry["body"] = _without_defaults(
            type=annotator.annotation(op.body.type),
            content_type=op.body.content_type,
            # The other JSON media types the spec documents for the body (`text/json`, ...).
            also=tuple(
                b.content_type
                for b in op.bodies
                if b is not op.body and is_json_media(op.body.content_type) and "json" in b.content_type.lower()
            )
            or None,
            required=op.body.required,
            schema=(op.body.schema_pointer or None) if wire is not None else None,
        )
    replies = []
    for response in op.responses:
        reply = _without_defaults(
            status=response.status,
            type=annotator.annotation(response.type) if response.type is not None else None,
            content_type=response.content_type,
            envelope=response.envelope,
            schema=(response.schema_pointer or None) if wire is not None else None,
        )
        examples = {name: value for name, value in response.examples.items() if name not in response.off_schema}
        if op.stream is not None and response is op.success:
            reply["stream"] = _without_defaults(
                framing=op.stream.framing,
                item=annotator.annotation(op.stream.item),
                text=op.stream.text,
                event=response.event_name if op.stream.framing == "sse" else None,
            )
            examples = {name: _stream_records(op.stream, response, value) for name, value in examples.items()}
        if examples:
            reply["examples"] = {name: _Compact.of(value) for name, value in examples.items()}
        replies.append(reply)
    if replies:
        entry["replies"] = replies
    security = _security(api, op)
    if security:
        entry["security"] = security
    paging = _paging(op)
    if paging is not None:
        entry["paging"] = paging
    if op.stateful is not None:
        collection = api.collections[op.stateful.collection]
        entry["resource"] = _without_defaults(
            role=op.stateful.role,
            collection=collection.path,
            item=items[collection.path],
            id_property=collection.id_property,
            id_kind=collection.id_kind,
            id_param=op.stateful.id_param,
            creates=op.stateful.creates,
            body_envelope=op.stateful.body_envelope,
            items_path=op.stateful.items_path,
        )
    parents = [dict(collection=parent.collection, param=parent.param) for parent in op.parents]
    if parents:
        entry["parents"] = parents
    return entry


def _without_defaults(**fields: Any) -> dict[str, Any]:
    """The fields that differ from the table's defaults (False, None)."""
    return {key: value for key, value in fields.items() if value is not None and value is not False}


def _stream_records(stream: Stream, response: Response, example: Any) -> list[Any]:
    """An example of a streamed answer as the records the stub sends, one per
    item: a list is the items, any other value one item. For an event stream,
    each record is the event (`data` as the text sent, `event`, `id`, `retry`
    where the example gives them: an item schema that is the event has
    examples that are events); for JSON Lines and sequences, the record's text.
    A text item (`Stream.text`) is sent as it is, any other as JSON. An example
    that is the stream as sent (a text of events, or of lines or records,
    where the items are not texts themselves) is cut into its records."""
    if isinstance(example, str) and stream.framing == "sse" and _EVENT_LINE.search(example):
        return _events(example)
    if isinstance(example, str) and stream.framing != "sse" and not stream.text:
        return [part.strip() for part in re.split("[\n\x1e]", example) if part.strip()]
    records: list[Any] = []
    for item in example if isinstance(example, list) else [example]:
        fields: dict[str, Any] = {}
        if stream.framing == "sse" and response.item_data_type is not None and isinstance(item, dict) and "data" in item:
            fields = {key: item[key] for key in ("event", "id", "retry") if isinstance(item.get(key), (str, int))}
            item = item["data"]
            if isinstance(item, str) and not stream.text:
                records.append({"data": item, **fields})  # the data's JSON as its text
                continue
        text = item if stream.text and isinstance(item, str) else json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        records.append({"data": text, **fields} if stream.framing == "sse" else text)
    return records


# A line of an event stream that gives an event's data: a text example that has one is the stream as sent.
_EVENT_LINE = re.compile(r"^data(:|$)", re.MULTILINE)


def _events(text: str) -> list[dict[str, Any]]:
    """The events of an event stream's text (the fields the stub sends again:
    `data`, `event`, `id`, `retry`), as the HTML standard reads them."""
    events: list[dict[str, Any]] = []
    data: list[str] = []
    fields: dict[str, Any] = {}
    for line in [*re.split("\r\n|\r|\n", text), ""]:
        if not line:
            if data:
                events.append({"data": "\n".join(data), **fields})
            data, fields = [], {}
            continue
        name, colon, value = line.partition(":")
        value = value[1:] if colon and value.startswith(" ") else value
        if name == "data":
            data.append(value)
        elif name in ("event", "id"):
            fields[name] = value
        elif name == "retry" and value.isascii() and value.isdigit():
            fields[name] = int(value)
    return events


def _named_types(operations: list[dict[str, Any]]) -> set[str]:
    """Every annotation the table names (as `type`, a stream's `item` or a resource's `item`)."""
    found: set[str] = set()
    for entry in operations:
        for part in [*entry.get("params", []), entry.get("body") or {}, *entry.get("replies", [])]:
            if "type" in part:
                found.add(part["type"])
            if "stream" in part:
                found.add(part["stream"]["item"])
        if "resource" in entry:
            found.add(entry["resource"]["item"])
    return found


@dataclass(frozen=True)
class _Compact:
    """An example payload, as the JSON text written on one line of the table."""

    text: str

    @classmethod
    def of(cls, value: Any) -> _Compact:
        return cls(_compact(value))


# `json.dumps(value, ensure_ascii=False)` and its compact form, without making an encoder each call
# (the table of Microsoft Graph's stub writes millions of keys and values).
_encode = json.JSONEncoder(ensure_ascii=False).encode
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _table_pieces(operations: list[dict[str, Any]]) -> Iterator[str]:
    """The table as JSON laid out for reading: what fits on a line of 100
    characters is written on one, the rest one item per line; an example is
    always one line. Made an operation at a time."""

    def one_line(value: Any, budget: int) -> str | None:
        """`value` on one line, or None when that is longer than `budget` (known
        as soon as the budget is spent: a large value is not written out in full
        at every level it is tried at)."""
        if budget < 1:
            return None
        if isinstance(value, _Compact):
            text = value.text
        elif isinstance(value, (dict, list)):
            pairs = value.items() if isinstance(value, dict) else ((None, item) for item in value)
            parts: list[str] = []
            used = 2
            for key, item in pairs:
                head = "" if key is None else _encode(key) + ": "
                inner = one_line(item, budget - used - len(head))
                if inner is None:
                    return None
                parts.append(head + inner)
                used += len(head) + len(inner) + 2
                if used > budget + 2:
                    return None
            text = ("{%s}" if isinstance(value, dict) else "[%s]") % ", ".join(parts)
        else:
            text = _encode(value)
        return text if len(text) <= budget else None

    out: list[str] = []  # the pieces of the text under way

    def dump(value: Any, indent: str, lead: str) -> None:
        if isinstance(value, _Compact):
            out.append(value.text)
            return
        if not isinstance(value, (dict, list)) or not value:
            out.append(_encode(value))
            return
        flat = one_line(value, 100 - len(indent) - len(lead))
        if flat is not None:
            out.append(flat)
            return
        inner = indent + "  "
        out.append("{\n" if isinstance(value, dict) else "[\n")
        pairs = value.items() if isinstance(value, dict) else ((None, item) for item in value)
        for index, (key, item) in enumerate(pairs):
            head = "" if key is None else f"{_encode(key)}: "
            out.append(("" if index == 0 else ",\n") + inner + head)
            dump(item, inner, head)
        out.append("\n" + indent + ("}" if isinstance(value, dict) else "]"))

    table = {"operations": operations}
    flat = one_line(table, 100)
    if flat is not None:
        yield _escaped(flat + "\n")
        return
    # What `dump(table, "", "")` writes, an operation at a time: neither the
    # table nor its list fits on a line (the two are as long, less their key).
    yield '{\n  "operations": [\n'
    for index, operation in enumerate(operations):
        out.clear()
        out.append(",\n    " if index else "    ")
        dump(operation, "    ", "")
        yield _escaped("".join(out))
    yield "\n  ]\n}\n"


def _escaped(text: str) -> str:
    """A lone surrogate (a JSON spec may escape one) written as its escape: UTF-8 cannot hold it."""
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _security(api: Api, op: Operation) -> list[list[list[str]]]:
    """What a request must carry, as alternatives of `[location, name]`s that must
    all be present: a header, a query parameter or a cookie (HTTP and OAuth
    schemes send `Authorization`). Empty when any alternative asks for nothing
    (`[{}]`), or for a scheme the stub cannot check (mutual TLS, an undeclared one)."""
    requirements = op.security if op.security is not None else api.security
    schemes = {scheme.name: scheme for scheme in api.security_schemes}
    alternatives: list[list[list[str]]] = []
    for requirement in requirements or []:
        needed: list[list[str]] = []
        for name in requirement:
            scheme = schemes.get(name)
            if scheme is None:
                return []
            if scheme.type == "apiKey" and scheme.location in ("header", "query", "cookie") and scheme.parameter_name:
                needed.append([scheme.location, scheme.parameter_name])
            elif scheme.type in ("http", "oauth2", "openIdConnect"):
                needed.append(["header", "Authorization"])
            else:
                return []
        if not needed:
            return []
        unique = [list(pair) for pair in dict.fromkeys(tuple(pair) for pair in needed)]
        if unique not in alternatives:
            alternatives.append(unique)
    return alternatives


def _paging(op: Operation) -> dict[str, Any] | None:
    if op.paging is None or not op.paging.served:
        return None
    return dict(
        cursor=op.paging.cursor_parameter or "pageKey",
        limit=op.paging.size_parameter or None,
        next_path=op.paging.next_path,
        items_path=op.paging.items_path,
    )


def _imports(needs: set[str], runtime: str) -> list[str]:
    """The imports `TYPES` needs, standard library first."""
    lines = ["from collections.abc import Mapping"]
    if "date" in needs:
        lines.append("from datetime import date")
    lines.append("from typing import Any, Literal" if "Literal" in needs else "from typing import Any")
    if "UUID" in needs:
        lines.append("from uuid import UUID")
    lines.append("")
    if "DateTime" in needs:
        lines.append(f"from {runtime}.models import DateTime")
    return lines
