"""Render the typed clients: `<api>/client/__init__.py` (`Client`, `AsyncClient`,
`OPERATIONS`) and one module per resource (`<api>/client/_end_users.py`).

The generated layer only maps typed arguments to an `Endpoint` call; the
runtime (`templates/runtime/client.py`) does the HTTP. Everything the templates
print is decided here: signatures, annotations, docstrings, the path
expression of each method, and which endpoints page.
"""

from __future__ import annotations

import builtins
import keyword
import re
from dataclasses import dataclass, field

from .build import is_json_media
from .validate import PATH_VARIABLE
from .ir import (
    Api,
    ArrayType,
    EnumType,
    MapType,
    ObjectType,
    Operation,
    Paging,
    Parameter,
    Primitive,
    Ref,
    SecurityScheme,
    Type,
    UnionType,
)
from .passes.hoist import pascal
from .passes.naming import METHOD_ARGUMENTS
from .layout import Annotated, Assign, Chain, Node, call, display, flat, union
from .pytypes import Annotator, literal
from .render import ENV, header

# Names a generated client module defines or imports, which a resource class must not take.
_TAKEN_CLASS_NAMES = frozenset(
    {"Client", "AsyncClient", "ClientWithRawResponse", "AsyncClientWithRawResponse", "Endpoint", "Paging"}
)
# What every resource module imports from the runtime.
_RUNTIME_RESOURCE_NAMES = frozenset({"AsyncResource", "SyncResource", "Endpoint", "RequestOptions"})
# What a resource module imports from the runtime where its methods use it.
_RUNTIME_HELPERS = frozenset({"path_param", "Paging", "FileInput", "NOT_GIVEN", "NotGiven"})
_INPUT_STRING_FORMATS = {"date-time": "datetime | str", "date": "date | str", "uuid": "UUID | str"}
# The per-call options (`extra_headers`, `timeout`, `deadline`, `max_retries`) every method
# takes, typed by the runtime's `RequestOptions`. They reach the runtime as one
# dict, not spread into its keywords, so that no stray keyword can set `body=`,
# `query=` and the like, and the runtime refuses names that are not options.
_OPTIONS = "**options: Unpack[RequestOptions]"
_OPTIONS_DOC = (
    "**options: `extra_headers`, `timeout`, `deadline` and `max_retries` for this call only "
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
class _Method:
    name: str
    const: str
    doc: str
    signature: list[Node]
    returns: str
    path_expr: Node
    call_args: list[Node]
    endpoint: Assign  # `_CONST: Endpoint[...] = Endpoint(...)`
    # The list operations whose answer is not the envelope of the items (other APIs' paging
    # styles) page through an Endpoint of their own, which reads the items of each page.
    page_const: str = ""
    page_endpoint: Assign | None = None
    iter_signature: list[Node] = field(default_factory=list)
    iter_args: list[Node] = field(default_factory=list)
    iter_doc: str = ""
    item: str = ""


@dataclass
class _Resource:
    attribute: str
    module: str
    cls: str
    doc: str
    methods: list[_Method]


def client_files(prefix: str, api: Api, runtime: str) -> dict[str, str]:
    """The `client` subpackage of one API package."""
    auth = _auth(api, key_variable(prefix))
    resources = _resources(api, runtime, auth)
    files = {}
    for resource, imports in resources:
        files[f"{prefix}/client/{resource.module}.py"] = ENV.get_template("client/resource.py.jinja").render(
            header=header(api.source),
            runtime=runtime,
            resource=resource,
            imports=imports,
            names=_runtime_names(resource),
            raw_methods={
                flavour: [
                    Assign(f"self.{m.name}", call(f"to_{function}", f"resource.{m.name}")) for m in resource.methods
                ]
                for flavour, function in (("", "raw_response"), ("Async", "async_raw_response"))
            },
        )
    files[f"{prefix}/client/__init__.py"] = ENV.get_template("client/client_init.py.jinja").render(
        header=header(api.source),
        runtime=runtime,
        api=api,
        resources=[r for r, _ in resources],
        operations={op.operation_id: f"{op.resource}.{op.py_name}" for op in api.operations},
        arguments=auth.arguments,
        schemes=Assign("_AUTH", display("(", auth.schemes, exploded=True)),
        security=Assign("_SECURITY", _security_node(auth.default)),
        credentials=display(
            "{", [f"{literal(name)}: {name}" for name, _ in auth.arguments], head="credentials=", exploded=True
        ),
        # The runtime only checks a default requirement that needs credentials.
        check_credentials=auth.check or not (auth.default and all(auth.default)),
        raw_resources={
            flavour: [
                Assign(f"self.{r.attribute}", call(f"{flavour}{r.cls}WithRawResponse", f"client.{r.attribute}"))
                for r, _ in resources
            ]
            for flavour in ("", "Async")
        },
        usage=_usage(auth, [r for r, _ in resources]),
        base_url=api.servers[0] if api.servers else "",
        doc=_client_doc(api),
    )
    return files


def _runtime_names(resource: _Resource) -> list[str]:
    """What a resource module imports from the runtime's client module: only what it uses."""
    names = set(_RUNTIME_RESOURCE_NAMES)
    names |= {"to_raw_response", "to_async_raw_response"}
    for method in resource.methods:
        endpoints = [method.endpoint] + ([method.page_endpoint] if method.page_endpoint else [])
        text = " ".join([flat(method.path_expr), *map(flat, endpoints), *map(flat, method.signature)])
        names |= {n for n in _RUNTIME_HELPERS if n in text}
    return sorted(names, key=lambda n: (not n.isupper(), n))


def _client_doc(api: Api) -> str:
    text = f"{api.title} ({api.version})."
    if api.description:
        text += "\n\n" + api.description.strip()
    return text


@dataclass
class _Credential:
    """Constructor arguments that carry one credential (one value, or a user
    name and a password), and the spec's schemes that send it."""

    params: tuple[str, ...]
    env: str | None
    schemes: list[SecurityScheme] = field(default_factory=list)

    def docs(self) -> list[tuple[str, str]]:
        """Each argument with its line in the constructor's docstring."""
        names = " and ".join(f"`{scheme.name}`" for scheme in self.schemes)
        whose = f"the spec's {names} scheme{'s' if len(self.schemes) > 1 else ''}"
        notes = [" ".join(d.split()) for d in dict.fromkeys(s.description or "" for s in self.schemes) if d.strip()]
        if len(self.params) == 2:
            kinds = " or ".join(dict.fromkeys(f"HTTP {(s.scheme or '').title()}" for s in self.schemes))
            user = f"the user name for {whose} ({kinds}, in the `Authorization` header)."
            password = f"the password that goes with `{self.params[0]}`."
            return [(self.params[0], " ".join([user, *notes])), (self.params[1], password)]
        first = self.schemes[0]
        if first.type == "apiKey":
            where = {"header": f"in the `{first.parameter_name}` header", "query": f"as the `{first.parameter_name}` "
                     "query parameter", "cookie": f"as the `{first.parameter_name}` cookie"}[first.location or ""]
            text = f"the credential for {whose}, sent {where}"
        else:
            text = f"the credential for {whose}, sent in the `Authorization` header after `Bearer`"
            if any(s.type != "http" for s in self.schemes):
                text += " (an OAuth 2 or OpenID Connect access token: obtaining one is up to the caller)"
        if self.env:
            text += f"; defaults to the `{self.env}` environment variable when no credential is passed"
        return [(self.params[0], " ".join([text + ".", *notes]))]


@dataclass
class _Auth:
    """The client's credentials: its constructor `arguments` (name, docstring line),
    the `AuthScheme`s of the spec's schemes it can send, the spec's default
    requirement with only those schemes, and whether a client without any
    credential is refused at once (`check`: no operation can be called without one)."""

    arguments: list[tuple[str, str]]
    schemes: list[Node]
    names: frozenset[str]
    default: tuple[tuple[str, ...], ...]
    check: bool
    key_variable: str = ""  # the environment variable `api_key` falls back to

    def requirement(self, security: list[dict[str, list[str]]]) -> tuple[tuple[str, ...], ...]:
        """A spec's security requirement as the runtime reads it: its alternatives,
        each with only the schemes the client can send. A scheme it cannot send (an
        unknown name, mutual TLS, an HTTP scheme other than Basic, Bearer and
        Digest) is left to the caller's own `http_client`, so it is not checked."""
        return tuple(dict.fromkeys(tuple(name for name in alt if name in self.names) for alt in security))


def credential_arguments(prefix: str, api: Api) -> list[str]:
    """The constructor arguments of the API's clients that carry credentials."""
    return [name for name, _ in _auth(api, key_variable(prefix)).arguments]


def key_variable(prefix: str) -> str:
    """The environment variable the first API key falls back to, named after the
    import package: `DIXA_API_KEY` for `dixa/v1`, `GITHUB_API_KEY` for `github`."""
    return re.sub(r"[^A-Z0-9]+", "_", prefix.split("/")[0].upper()).strip("_") + "_API_KEY"


def _auth(api: Api, key_variable: str) -> _Auth:
    """The constructor arguments that carry credentials, one per thing sent:
    schemes that send the same thing (two bearer schemes, say) share one argument.
    API keys are `api_key` (with the `key_variable` fallback), then `api_key_2`,
    `api_key_3`, ... in the spec's order, whether in a header, the query or a cookie;
    HTTP Basic and Digest take `username` and `password`; HTTP Bearer, OAuth 2 and
    OpenID Connect take the token sent as `Authorization: Bearer ...`: `bearer_token`,
    or `access_token` when the spec has no HTTP Bearer scheme."""
    credentials: dict[tuple[str, ...], _Credential] = {}
    sent: list[tuple[SecurityScheme, _Credential, str, str]] = []  # scheme, credential, kind, key
    keys = 0
    has_bearer = any(s.type == "http" and s.scheme == "bearer" for s in api.security_schemes)
    for scheme in api.security_schemes:
        kind, key = "header", "Authorization"
        if scheme.type == "apiKey" and scheme.location in ("header", "query", "cookie") and scheme.parameter_name:
            kind, key = scheme.location, scheme.parameter_name
            group: tuple[str, ...] = (kind, key.lower() if kind == "header" else key)
        elif (scheme.type == "http" and scheme.scheme == "bearer") or scheme.type in ("oauth2", "openIdConnect"):
            group = ("bearer",)
        elif scheme.type == "http" and scheme.scheme in ("basic", "digest"):
            kind, group = scheme.scheme, ("user",)
        else:
            continue
        credential = credentials.get(group)
        if credential is None:
            if group == ("bearer",):
                credential = _Credential(("bearer_token" if has_bearer else "access_token",), None)
            elif group == ("user",):
                credential = _Credential(("username", "password"), None)
            else:
                keys += 1
                first = keys == 1
                credential = _Credential(("api_key" if first else f"api_key_{keys}",), key_variable if first else None)
            credentials[group] = credential
        credential.schemes.append(scheme)
        sent.append((scheme, credential, kind, key))
    schemes: list[Node] = []
    for scheme, credential, kind, key in sent:
        args: list[Node] = [literal(scheme.name), literal(kind), display("(", [literal(p) for p in credential.params])]
        if scheme.type == "apiKey":
            args.append(literal(key))
        elif kind == "header":
            args.append('prefix="Bearer "')
        if credential.env:
            args.append(f"env={literal(credential.env)}")
        schemes.append(call("AuthScheme", *args))
    auth = _Auth(
        arguments=[a for c in credentials.values() for a in c.docs()],
        schemes=schemes,
        names=frozenset(scheme.name for scheme, *_ in sent),
        default=(),
        check=False,
        key_variable=key_variable,
    )
    auth.default = auth.requirement(api.security)
    effective = [auth.requirement(op.security if op.security is not None else api.security) for op in api.operations]
    auth.check = bool(effective) and all(requirement and all(requirement) for requirement in effective)
    return auth


def _security_node(security: tuple[tuple[str, ...], ...], head: str = "") -> Node:
    """A requirement as a tuple of tuples of scheme names."""
    return display("(", [display("(", [literal(name) for name in alt]) for alt in security], head=head)


def _usage(auth: _Auth, resources: list[_Resource]) -> list[str]:
    """The example at the top of the client module."""
    first = auth.arguments[0][0] if auth.arguments else None
    lines = ["client = Client()" + (f"  # api_key from {auth.key_variable}" if first == "api_key" else "")]
    if resources:
        lines.append(f"client.{resources[0].attribute}.{resources[0].methods[0].name}(...)")
    return lines


def _class_names(cls: str) -> set[str]:
    """The classes a resource `cls` defines."""
    return {cls, f"Async{cls}", f"{cls}WithRawResponse", f"Async{cls}WithRawResponse"}


def _resource_class(wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wantedResource` (numbered if need be) where one of its classes would be no
    valid name, or would shadow a name its module or the client module imports, defines or takes."""
    reserved = _TAKEN_CLASS_NAMES | _RUNTIME_RESOURCE_NAMES | _RUNTIME_HELPERS | taken

    def clashes(cls: str) -> bool:
        return keyword.iskeyword(cls) or cls in dir(builtins) or bool(_class_names(cls) & reserved)

    if not wanted[0].isdigit() and not clashes(wanted):
        return wanted
    cls, number = f"{wanted}Resource", 2
    while clashes(cls):
        cls, number = f"{wanted}Resource{number}", number + 1
    return cls


def _resources(api: Api, runtime: str, auth: _Auth) -> list[tuple[_Resource, list[str]]]:
    grouped: dict[str, list[Operation]] = {}
    for operation in api.operations:
        grouped.setdefault(operation.resource, []).append(operation)
    out = []
    taken: set[str] = set()  # every resource's classes meet in client/__init__.py
    for attribute, operations in grouped.items():
        cls = _resource_class(pascal(attribute) or "Api", taken)
        taken |= _class_names(cls)
        annotator = ModelsAnnotator(api)
        methods = [_method(api, annotator, op, auth) for op in operations]
        tags = sorted({op.tags[0] for op in operations if op.tags})
        doc = f"The {', '.join(tags)} operations." if tags else "Operations without a tag."
        resource = _Resource(attribute=attribute, module="_" + attribute, cls=cls, doc=doc, methods=methods)
        out.append((resource, _imports(resource, runtime)))
    return out


def _imports(resource: _Resource, runtime: str) -> list[str]:
    """The standard-library and runtime imports a resource module uses, found in its annotations."""
    text = " ".join(
        " ".join([m.returns, m.item, *map(flat, [*m.signature, *m.iter_signature])])
        + (" " + flat(m.page_endpoint) if m.page_endpoint else "")
        for m in resource.methods
    )

    def uses(name: str) -> bool:
        return re.search(rf"\b{name}\b", text) is not None

    lines = []
    if uses("builtins"):
        lines.append("import builtins")
    abc = [n for n in ("Mapping", "Sequence") if uses(n)]
    if abc:
        lines.append(f"from collections.abc import {', '.join(abc)}")
    dates = [n for n in ("date", "datetime") if uses(n)]
    if dates:
        lines.append(f"from datetime import {', '.join(dates)}")
    lines.append("from typing import " + ", ".join(n for n in ("Any", "Literal", "Unpack") if n == "Unpack" or uses(n)))
    if uses("UUID"):
        lines.append("from uuid import UUID")
    if uses("DateTime"):
        lines.append(f"from {runtime}.models import DateTime")
    return lines


def _method(api: Api, annotator: ModelsAnnotator, op: Operation, auth: _Auth) -> _Method:
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
    success = next(
        (r for r in op.responses if r.status.startswith("2") and (r.type is not None or _raw(r.content_type))),
        None,
    )
    answer = _raw(success.content_type) if success is not None else None
    if success is not None and answer is None and (success.content_type or "").split(";")[0].strip() == "*/*":
        # Any media type, of a string schema: the body is the string itself (a text or a
        # download), not JSON; only an answer described as a structure is read as JSON.
        resolved = api.resolve(success.type) if success.type is not None else None
        if isinstance(resolved, Primitive) and resolved.name == "string":
            answer = "bytes" if resolved.format == "binary" else "str"
    payload = None
    if success is not None and success.type is not None and answer is None:
        payload = _payload(api, success.type, success.envelope)
    returns = answer or (annotator.annotation(payload) if payload is not None else "None")
    security = auth.requirement(op.security) if op.security is not None else auth.default
    items = _page_items(api, op, success.type if success and not answer else None)
    # Dixa's styles: the method returns the enveloped items, and its Endpoint pages.
    enveloped = (
        items is not None
        and op.paging is not None
        and success is not None
        and success.envelope is not None
        and op.paging.items_path == [success.envelope]
    )
    endpoint = _endpoint(
        op,
        None if returns == "None" else returns,
        success.envelope if success and not answer else None,
        answer,
        security if security != auth.default else None,
        op.paging if enveloped else None,
    )
    call_args: list[Node] = []
    if any(p.location == "query" for p in others):
        call_args.append(_by_name("query", others))
    if body.call:
        call_args.append(body.call)
    call_args += [_by_name(where, others) for where in ("header", "cookie") if any(p.location == where for p in others)]
    method = _Method(
        name=op.py_name,
        const=const,
        doc=_method_doc(op, body.doc, docs, _returns_doc(answer, payload)),
        signature=_keyword_only(signature),
        returns=returns,
        path_expr=_path_expression(op),
        call_args=call_args,
        endpoint=Assign(f"{const}: Endpoint[{returns}]", endpoint),
    )
    if op.paging is not None and items is not None:
        if not enveloped:
            listed = annotator.annotation(items)
            method.page_const = const + "_PAGES"
            method.page_endpoint = Assign(
                f"{method.page_const}: Endpoint[{listed}]",
                _endpoint(op, listed, None, None, security if security != auth.default else None, op.paging),
            )
        cursor = op.paging.cursor_parameter
        kept = [p for p in ordered if p.name != cursor]
        method.item = annotator.annotation(items.items)
        method.iter_signature = _keyword_only(["*", *(_parameter(api, p) for p in kept), _OPTIONS])
        method.iter_args = [
            _by_name(where, kept) for where in ("query", "header", "cookie") if any(p.location == where for p in kept)
        ]
        method.iter_doc = _method_doc(
            op,
            None,
            [f"{p.py_name}: {_param_doc(p)}" for p in kept],
            "an iterator over the items of every page, fetching each page when it is reached; "
            "`.pages()` iterates over the pages themselves.",
            lead=f"Every item of `{op.py_name}`, across pages.",
        )
    return method


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
    """The `query`, `header` or `cookie` parameters by wire name, as the runtime's
    `query=`, `headers=` or `cookies=`: it turns the values into text, leaves out
    the ones not given, and lets the call's `extra_headers` win over headers and
    cookies (an extra `Cookie` header replaces all the cookies)."""
    head = {"query": "query=", "header": "headers=", "cookie": "cookies="}[location]
    return display("{", [f"{literal(p.name)}: {p.py_name}" for p in parameters if p.location == location], head=head)


def _endpoint(
    op: Operation,
    payload: str | None,
    envelope: str | None,
    answer: str | None,
    security: tuple[tuple[str, ...], ...] | None,
    paging: Paging | None = None,
) -> Node:
    args: list[Node] = [literal(op.method), literal(op.path), literal(op.operation_id)]
    if payload is not None:
        args.append(f"response=lambda: {payload}")
        if envelope:
            args.append(f"envelope={literal(envelope)}")
    if answer is not None:
        args.append(f"answer={literal(answer)}")
    if op.body is not None and not is_json_media(op.body.content_type) and not _multipart(op.body.content_type):
        args.append(f"body_media={literal(op.body.content_type)}")
    if op.body is not None and op.body.encoding:
        fields = [
            f"{literal(name)}: ({literal(style)}, {explode})" for name, (style, explode) in sorted(op.body.encoding.items())
        ]
        args.append(display("{", fields, head="form_styles="))
    accept = _accept(op)
    if accept is not None:
        args.append(f"accept={literal(accept)}")
    styles = [
        f"({literal(p.location)}, {literal(p.name)}): ({literal(style)}, {explode})"
        for p in op.parameters
        if p.location in ("query", "header")
        for style, explode in [_style(p)]
        if (style, explode) != _DEFAULT_STYLES[p.location]
    ]
    if styles:
        args.append(display("{", styles, head="styles="))
    if paging is not None and payload is not None:
        extra: list[Node] = []
        if paging.has_more_path:
            extra.append(display("(", [literal(k) for k in paging.has_more_path], head="has_more_path="))
        if paging.item_id:
            extra.append(f"item_id={literal(paging.item_id)}")
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
        args.append(_security_node(security, head="security="))
    return call("Endpoint", *args)


def _tuple(items: list[str]) -> Node:
    return display("(", [literal(k) for k in items])


def _path_expression(op: Operation) -> Node:
    """The path as a concatenation of literals and encoded parameters: spec text
    only ever appears as a string literal. Variables are found as the IR build
    finds them, so each has its parameter (an empty `{}` one too)."""
    by_name = {p.name: p for p in op.parameters if p.location == "path"}
    pieces = PATH_VARIABLE.split(op.path)  # literal, variable, literal, ...
    parts = [
        _path_param(by_name[piece]) if index % 2 else literal(piece)
        for index, piece in enumerate(pieces)
        if index % 2 or piece
    ]
    return Chain(tuple(parts), "+") if len(parts) > 1 else parts[0] if parts else literal("")


def _accept(op: Operation) -> str | None:
    """The `Accept` header of an operation whose success answer is documented in
    another media type than `application/json` (None: the client's default); an
    operation that documents no success answer is answered its `default` one."""
    success = next((r for r in op.responses if r.status.startswith("2") and r.content_type), None)
    if success is None and not any(r.status.startswith("2") for r in op.responses):
        success = next((r for r in op.responses if r.status == "default" and r.content_type), None)
    if success is None or success.content_type is None:
        return None
    media = success.content_type.strip()
    return None if media.split(";")[0].strip().lower() == "application/json" else media


# OpenAPI's defaults, which the runtime applies to parameters the Endpoint gives no style.
_DEFAULT_STYLES = {"query": ("form", True), "header": ("simple", False), "path": ("simple", False)}


def _style(parameter: Parameter) -> tuple[str, bool]:
    """The parameter's `style` and `explode`, defaults filled in (`explode`
    defaults to true for `form` only)."""
    if parameter.content_type and is_json_media(parameter.content_type):
        return "json", False  # described by `content`: the value is written as JSON
    style = parameter.style or ("form" if parameter.location in ("query", "cookie") else "simple")
    return style, parameter.explode if parameter.explode is not None else style == "form"


def _path_param(parameter: Parameter) -> str:
    style, explode = _style(parameter)
    if (style, explode) == _DEFAULT_STYLES["path"]:
        return f"path_param({parameter.py_name})"
    return f"path_param({parameter.py_name}, {literal(style)}, {explode}, {literal(parameter.name)})"


def _page_items(api: Api, op: Operation, type_: Type | None) -> ArrayType | None:
    """The list type of the items of one page of a paged operation."""
    if op.paging is None or type_ is None:
        return None
    node: Type | None = type_
    for key in op.paging.items_path:
        resolved = api.resolve(node) if node is not None else None
        if not isinstance(resolved, ObjectType):
            return None
        node = next((p.type for p in resolved.properties if p.wire_name == key), None)
    resolved = api.resolve(node) if node is not None else None
    if isinstance(resolved, ArrayType):
        return resolved
    return None


def _payload(api: Api, type_: Type, envelope: str | None) -> Type | None:
    """The type the method returns: what is inside the envelope, if there is one."""
    if envelope is None:
        return type_
    resolved = api.resolve(type_)
    assert isinstance(resolved, ObjectType)
    inner = next(p for p in resolved.properties if p.wire_name == envelope)
    return inner.type


def _parameter(api: Api, parameter: Parameter) -> Annotated:
    return _argument(parameter.py_name, _input(api, parameter.type), optional=not parameter.required)


def _argument(name: str, annotation: str, *, optional: bool) -> Annotated:
    """A keyword argument of a method; one the caller may leave out defaults to `NOT_GIVEN`."""
    if optional:
        return Annotated(name, union(f"{annotation} | NotGiven"), "NOT_GIVEN", parameter=True)
    return Annotated(name, union(annotation), parameter=True)


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


# What a method returns when the answer is not JSON, by `_raw`'s kind.
_RETURNS = {"bytes": "the answer's body, as bytes.", "str": "the answer's body, as text."}


def _returns_doc(answer: str | None, payload: Type | None) -> str:
    if answer is not None:
        return _RETURNS[answer]
    return "None" if payload is None else "the payload, parsed into models."


def _multipart(media: str) -> bool:
    return media.lower().startswith("multipart/")


def _raw(media: str | None) -> str | None:
    """How a body that is not JSON (nor a form) is handled: `str` for text (and
    XML), else `bytes`; None for JSON."""
    if media is None or is_json_media(media):
        return None
    lowered = media.lower()
    return "str" if lowered.startswith("text/") or "xml" in lowered else "bytes"


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
    if is_json_media(media) or media.lower().startswith("application/x-www-form-urlencoded"):
        form = "" if is_json_media(media) else ", sent as a form"
        return _BodyArguments(
            leading=[_argument("body", _input(api, op.body.type), optional=optional)],
            doc=op.body.description or f"the request body: a model or a dict of the same shape (wire names){form}.",
            call="body=body",
        )
    if not _multipart(media):
        kind = _raw(media)
        assert kind is not None
        return _BodyArguments(
            leading=[_argument("body", kind, optional=optional)],
            doc=op.body.description or f"the request body, sent as `{media}`.",
            call="body=body",
        )
    if isinstance(resolved, ObjectType) and resolved.properties:
        out = _BodyArguments()
        taken = {p.py_name for p in op.parameters} | METHOD_ARGUMENTS
        parts = []
        for prop in resolved.properties:
            name = prop.py_name
            while name in taken:
                name += "_"
            taken.add(name)
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
