"""One method of a generated resource: its signature, docstring and
`Endpoint`, read off an operation of the IR.

It reads the IR and decides nothing about the wire: how the answer is read
and which `Accept` is sent (`Operation.answer_kind`, `accept`), each
parameter's style (`Parameter.wire_style`), where a page's items are
(`Paging.items`) were all decided by the passes. The generated method only
maps typed arguments to a call of the runtime's `_call` (or, for a list
operation, `_list`, which returns a page: `SyncPage`/`AsyncPage`); the
runtime does the HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .auth import Auth, security_node
from ...ir.model import Api, ArrayType, EnumType, MapType, ObjectType, Operation, Paging, Parameter, Primitive, Ref, Type, UnionType
from ..code import Annotated, Assign, Group, Node, call, display, union
from ...ir.media import is_form, is_json_media, is_multipart, raw_kind
from ..pytypes import Annotator, literal




_INPUT_STRING_FORMATS = {"date-time": "datetime | str", "date": "date | str", "uuid": "UUID | str"}


# The per-call options (`extra_headers`, `extra_query`, `extra_body`, `timeout`, `deadline`,
# `max_retries`) every method
# takes, typed by the runtime's `RequestOptions`. They reach the runtime as one
# dict, not spread into its keywords, so that no stray keyword can set `body=`,
# `query=` and the like, and the runtime refuses names that are not options.
_OPTIONS = "**options: Unpack[RequestOptions]"


_OPTIONS_DOC = (
    "**options: `extra_headers`, `extra_query`, `extra_body`, `timeout`, `deadline` and "
    "`max_retries` for this call only "
    "(see `RequestOptions`)."
)


@dataclass
class ModelsAnnotator(Annotator):
    """Annotations of payloads as seen from a client module: models are `models.X`."""

    prefix: str = "models."

    def _bare(self, type_: Type) -> str:
        if isinstance(type_, ArrayType):
            # A resource may have a method called `list`, which shadows the builtin in the class body.
            return f"builtins.list[{self.annotation(type_.items)}]"
        return super()._bare(type_)


@dataclass
class Method:
    name: str
    const: str
    doc: str
    signature: list[Node]
    returns: str
    call_args: list[Node]
    endpoint: Assign  # `_CONST: Endpoint[...] = Endpoint(...)`
    # A list operation: the annotation of its items. The method returns a page of
    # them (`SyncPage[item]`, `AsyncPage[item]`) through the runtime's `_list`.
    item: str = ""
    # A streaming operation: the runtime's `_stream` returns a `Stream` (`AsyncStream`) of items.
    caller: str = "_call"
    async_returns: str = ""


def method_of(api: Api, annotator: ModelsAnnotator, op: Operation, auth: Auth) -> Method:
    const = "_" + op.py_name.upper().rstrip("_")
    path_params = [p for p in op.parameters if p.location == "path"]
    others = [p for p in op.parameters if p.location != "path"]
    ordered = path_params + [p for p in others if p.required] + [p for p in others if not p.required]
    body = _body_arguments(api, op)
    signature = [*body.leading, "*"]
    docs: list[str] = []
    for parameter in ordered:
        signature.append(_parameter(api, parameter))
        docs.append(f"{parameter.py_name}: {_param_doc(parameter)}")
    signature.extend(body.trailing)
    docs.extend(body.trailing_docs)
    signature.append(_OPTIONS)
    success = op.success
    answer = op.answer_kind if op.answer_kind != "stream" else None
    payload = success.payload if success is not None and op.answer_kind is None else None
    returns = answer or (annotator.annotation(payload) if payload is not None else "None")
    if op.stream is not None:
        returns = annotator.annotation(op.stream.item)
    security = auth.requirement(op.security) if op.security is not None else auth.default
    own_security = security if security != auth.default else None
    items = op.paging.items if op.paging is not None else None
    call_args = [_by_name(where, op.parameters) for where in ("path", "query") if any(p.location == where for p in op.parameters)]
    if body.call:
        call_args.append(body.call)
    # OpenAPI 3.2's `querystring`: one value whose fields are the query's parameters.
    call_args += [f"querystring={p.py_name}" for p in op.parameters if p.location == "querystring"][:1]
    call_args += [_by_name(where, others) for where in ("header", "cookie") if any(p.location == where for p in others)]
    if op.paging is not None and items is not None:
        # A list: one Endpoint that reads the items and the way on of each page.
        listed = annotator.annotation(items)
        resume = _resume_name(op)
        if op.paging.style in _BY_URL:
            signature.insert(len(signature) - 1, _argument(resume, "str", optional=True))
            docs.append(
                f"{resume}: the URL of a page to start at, as `next_page_params()` of a page "
                "gave it (the other arguments as they were then)."
            )
            call_args.append(f"page_url={resume}")
        return Method(
            name=op.py_name,
            const=const,
            doc=_method_doc(
                op,
                body.doc,
                docs,
                "the page asked for (the first unless a cursor is given): `.items` are its items; "
                "iterating it yields every item of every page, fetching each page when it is "
                "reached; `.next_page_params()` is the keyword argument that fetches the next "
                "page from this method, to store and resume with.",
            ),
            signature=_keyword_only(signature),
            returns=listed,
            call_args=call_args,
            endpoint=Assign(
                f"{const}: Endpoint[{listed}]",
                _endpoint(op, listed, None, None, own_security, op.paging, resume),
            ),
            item=annotator.annotation(items.items),
        )
    endpoint = _endpoint(
        op,
        None if returns == "None" else returns,
        success.envelope if success and not answer else None,
        answer,
        own_security,
    )
    returns_doc = _returns_doc(answer, payload) if op.stream is None else _STREAM_DOC
    method = Method(
        name=op.py_name,
        const=const,
        doc=_method_doc(op, body.doc, docs, returns_doc),
        signature=_keyword_only(signature),
        returns=returns,
        call_args=call_args,
        endpoint=Assign(f"{const}: Endpoint[{returns}]", endpoint),
    )
    if op.stream is not None:
        method.caller = "_stream"
        method.returns, method.async_returns = f"Stream[{returns}]", f"AsyncStream[{returns}]"
    return method


# The paging styles that follow a URL the answer gives: a list method of one
# takes that URL as a keyword argument of its own, to resume at a stored page.
_BY_URL = ("next_page_url", "link_header")


def _resume_name(op: Operation) -> str:
    """The keyword argument that leads a list method to a page: its cursor
    parameter's, or `page_url` (made unique) for the styles that follow a URL."""
    assert op.paging is not None
    if op.paging.style not in _BY_URL:
        return next(
            p.py_name for p in op.parameters if p.location == "query" and p.name == op.paging.cursor_parameter
        )
    taken = {p.py_name for p in op.parameters} | set(op.body.part_arguments.values() if op.body else ()) | {"body"}
    name = "page_url"
    while name in taken:
        name += "_"
    return name


def _param_doc(parameter: Parameter) -> str:
    default = f"the `{parameter.name}` {parameter.location} parameter." if parameter.name else "the unnamed `{}` path variable."
    text = " ".join((parameter.description or default).split())
    return ("Deprecated. " + text) if parameter.deprecated else text


def _method_doc(op: Operation, body_doc: str | None, args: list[str], returns: str, lead: str | None = None) -> str:
    parts = []
    if lead:
        parts.append(lead)
    if op.summary:
        parts.append(op.summary.strip())
    if op.description and op.description.strip() != (op.summary or "").strip():
        parts.append(op.description.strip())
    if op.deprecated:
        parts.insert(0, "Deprecated.")
    parts.append(f"`{op.method} {op.path}` ({op.operation_id}).")
    lines = []
    if body_doc:
        lines.append(f"body: {' '.join(body_doc.split())}")
    lines += args
    lines.append(_OPTIONS_DOC)
    parts.append("Args:\n" + "\n".join("    " + line for line in lines))
    parts.append("Returns:\n    " + returns)
    return "\n\n".join(parts)


def _keyword_only(signature: list[Node]) -> list[Node]:
    """A signature without its `*` when only `**options` follows it (`*, **options` is not Python)."""
    star = signature.index("*")
    return signature[:star] + signature[star + 1 :] if signature[star + 1] == _OPTIONS else signature


def _by_name(location: str, parameters: list[Parameter]) -> Node:
    """The `path`, `query`, `header` or `cookie` parameters by wire name, as the
    runtime's `path=`, `query=`, `headers=` or `cookies=`: it puts path values
    into the Endpoint's path template, turns the values into text, leaves out
    the ones not given, and lets the call's `extra_headers` win over headers and
    cookies (an extra `Cookie` header replaces all the cookies)."""
    head = {"path": "path=", "query": "query=", "header": "headers=", "cookie": "cookies="}[location]
    return display("{", [f"{literal(p.name)}: {p.py_name}" for p in parameters if p.location == location], head=head)


def _endpoint(
    op: Operation,
    payload: str | None,
    envelope: str | None,
    answer: str | None,
    security: tuple[tuple[str, ...], ...] | None,
    paging: Paging | None = None,
    resume: str = "",
) -> Node:
    args: list[Node] = [literal(op.method), literal(op.path), literal(op.operation_id)]
    if payload is not None:
        args.append(f"response=lambda: {payload}")
        if envelope:
            args.append(f"envelope={literal(envelope)}")
    if answer is not None:
        args.append(f"answer={literal(answer)}")
    if op.stream is not None and payload is not None:
        args.append(f"stream={literal(op.stream.framing)}")
        if op.stream.text:
            args.append("stream_text=True")
    if op.body is not None and not is_json_media(op.body.content_type) and not is_multipart(op.body.content_type):
        args.append(f"body_media={literal(op.body.content_type)}")
    if op.body is not None and op.body.encoding:
        fields = [
            f"{literal(name)}: ({literal(style)}, {explode})" for name, (style, explode) in sorted(op.body.encoding.items())
        ]
        args.append(display("{", fields, head="form_styles="))
    if op.accept is not None:
        args.append(f"accept={literal(op.accept)}")
    styles = [
        f"({literal(p.location)}, {literal(p.name)}): ({literal(p.wire_style)}, {p.wire_explode})"
        for p in op.parameters
        if p.location in ("path", "query", "header", "cookie") and not p.default_style
    ]
    if styles:
        args.append(display("{", styles, head="styles="))
    if paging is not None and payload is not None:
        extra: list[Node] = []
        if paging.has_more_path:
            extra.append(display("(", [literal(k) for k in paging.has_more_path], head="has_more_path="))
        if paging.item_id:
            extra.append(f"item_id={literal(paging.item_id)}")
        if resume:
            extra.append(f"resume={literal(resume)}")
        args.append(
            call(
                "paging=Paging",
                literal(paging.style),
                literal(paging.cursor_parameter),
                _tuple(paging.next_path),
                _tuple(paging.items_path),
                *extra,
            )
        )
    if security is not None:
        args.append(security_node(security, head="security="))
    return call("Endpoint", *args)


def _tuple(items: list[str]) -> Node:
    return display("(", [literal(k) for k in items])


def _parameter(api: Api, parameter: Parameter) -> Annotated:
    return _argument(parameter.py_name, _input(api, parameter.type), optional=not parameter.required)


def _argument(name: str, annotation: str, *, optional: bool) -> Annotated:
    """A keyword argument of a method; one the caller may leave out defaults to `NOT_GIVEN`."""
    if optional:
        laid_out: Node = union(f"{annotation} | NotGiven")
        if len(f"        {name}: {annotation} | NotGiven = NOT_GIVEN,") > _LINE:
            # Too long for its line: black wraps the annotation in parentheses
            # before splitting it, and ruff keeps parentheses it is given.
            laid_out = Group("", "(", (laid_out,))
        return Annotated(name, laid_out, "NOT_GIVEN", parameter=True)
    return Annotated(name, union(annotation), parameter=True)


_LINE = 100  # the formatter's line length


def _input(api: Api, type_: Type, within: frozenset[str] = frozenset()) -> str:
    """What a caller may pass for a value of `type_`: models or dicts of the same
    shape, enum members or their strings, date-times or ISO strings. `within`:
    the aliases being expanded, so that one that contains itself (`Tree` is a
    list of `Tree`s) is named where it recurs, instead of expanded forever."""
    text = _input_bare(api, type_, within)
    return f"{text} | None" if type_.nullable and text != "Any" else text


def _input_bare(api: Api, type_: Type, within: frozenset[str]) -> str:
    if isinstance(type_, Primitive):
        if type_.name == "string":
            text = _INPUT_STRING_FORMATS.get(type_.format or "", "str")
            return "bytes" if type_.format == "binary" else text
        if type_.name == "any":
            return "Any"
        return {"integer": "int", "number": "float", "boolean": "bool"}[type_.name]
    if isinstance(type_, Ref):
        named = api.types[type_.target]
        target = api.resolve(type_)
        if isinstance(target, EnumType):
            return f"models.{named.py_name} | {_enum_base(target)}"
        if isinstance(target, (ObjectType, UnionType)) and named.dict_py_name:
            return f"models.{named.py_name} | models.{named.dict_py_name}"
        if isinstance(target, (ObjectType, UnionType)):
            return f"models.{named.py_name} | Mapping[str, Any]"
        if isinstance(target, (ArrayType, MapType, Primitive)) and type_.target not in within:
            return _input_bare(api, target, within | {type_.target})
        return f"models.{named.py_name}"
    if isinstance(type_, ArrayType):
        return f"Sequence[{_input(api, type_.items, within)}]"
    if isinstance(type_, MapType):
        return f"Mapping[str, {_input(api, type_.values, within)}]"
    if isinstance(type_, EnumType):
        return "Literal[" + ", ".join(literal(m.value) for m in type_.members) + "]"
    if isinstance(type_, UnionType):
        return " | ".join(_input(api, v, within) for v in type_.variants)
    return "Mapping[str, Any]"


def _enum_base(enum: EnumType) -> str:
    return {"integer": "int", "number": "float", "boolean": "bool"}.get(enum.base, "str")


@dataclass
class _BodyArguments:
    """How a method takes its request body: `leading` arguments (before the
    keyword-only ones, documented by `doc`), `trailing` keyword arguments with
    their docs, and the argument of the runtime call that sends them."""

    leading: list[Node] = field(default_factory=list)
    doc: str | None = None
    trailing: list[Node] = field(default_factory=list)
    trailing_docs: list[str] = field(default_factory=list)
    call: Node | None = None


# What a method returns when the answer is not JSON, by `raw_kind`'s kind.
_STREAM_DOC = (
    "the items as they arrive: iterate it (`for`, `async for`) in a `with` block, or `close()` it; "
    "`.events()` yields each event as sent, its item as `.item`."
)
_RETURNS = {"bytes": "the answer's body, as bytes.", "str": "the answer's body, as text."}


def _returns_doc(answer: str | None, payload: Type | None) -> str:
    if answer is not None:
        return _RETURNS[answer]
    return "None" if payload is None else "the payload, parsed into models."


def _body_arguments(api: Api, op: Operation) -> _BodyArguments:
    """A JSON body is one `body` argument. A multipart body that is an object
    with properties takes one keyword argument per part; any other multipart
    body (a file, an array, a map: the spec does not name the parts) is a
    `body` mapping of part names to values, sent as the form's parts."""
    if op.body is None:
        return _BodyArguments()
    optional = not op.body.required
    resolved = api.resolve(op.body.type)
    media = op.body.content_type
    if is_json_media(media) or is_form(media):
        form = "" if is_json_media(media) else ", sent as a form"
        return _BodyArguments(
            leading=[_argument("body", _input(api, op.body.type), optional=optional)],
            doc=op.body.description or f"the request body: a model or a dict of the same shape (wire names, sent as given){form}.",
            call="body=body",
        )
    if not is_multipart(media):
        kind = raw_kind(media)
        assert kind is not None
        return _BodyArguments(
            leading=[_argument("body", kind, optional=optional)],
            doc=op.body.description or f"the request body, sent as `{media}`.",
            call="body=body",
        )
    if isinstance(resolved, ObjectType) and resolved.properties:
        out = _BodyArguments()
        parts = []
        for prop in resolved.properties:
            name = op.body.part_arguments[prop.wire_name]
            parts.append(f"{literal(prop.wire_name)}: {name}")
            required = prop.required and op.body.required
            out.trailing.append(_argument(name, _form_part(api, prop.type), optional=not required))
            out.trailing_docs.append(f"{name}: {prop.description or f'the `{prop.wire_name}` part of the form.'}")
        out.call = display("{", parts, head="files=")
        return out
    return _BodyArguments(
        leading=[_argument("body", f"Mapping[str, {_form_parts(api, resolved)}]", optional=optional)],
        doc=op.body.description or "the parts of the form by name (the spec does not name them); "
        "a sequence sends one part per item.",
        call="files=body",
    )


def _form_parts(api: Api, resolved: Type) -> str:
    """What a caller may pass for each named part of a form whose schema does
    not name them: a map's values; an array's items, or a sequence of them; for
    anything else the body's own type, or a sequence of it."""
    if isinstance(resolved, MapType):
        return _form_part(api, resolved.values)
    if isinstance(resolved, ObjectType):
        return _form_part(api, resolved.additional) if resolved.additional is not None else "Any"
    part = _form_part(api, resolved.items if isinstance(resolved, ArrayType) else resolved)
    return part if part == "Any" else f"{part} | Sequence[{part}]"


def _form_part(api: Api, type_: Type) -> str:
    """What a caller may pass for one part of a form: files take `FileInput`."""
    resolved = api.resolve(type_)
    if isinstance(resolved, Primitive) and resolved.format == "binary":
        return "FileInput"
    if isinstance(resolved, ArrayType):
        items = _form_part(api, resolved.items)
        return f"Sequence[{items}]" if items == "FileInput" else _input(api, type_)
    return _input(api, type_)
