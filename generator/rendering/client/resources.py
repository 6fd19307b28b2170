"""Render the typed clients: `<api>/client/__init__.py` (`Client`, `AsyncClient`,
`OPERATIONS`) and one module per resource (`<api>/client/_end_users.py`).

The generated layer only maps typed arguments to an `Endpoint` call; the
runtime (`templates/runtime/client.py`) does the HTTP. This module lays out the
files: which resources there are, what each module imports, and the client
class with its credentials (`client_auth`); each method comes from
`client_methods`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .auth import Auth, auth_of, base_url_variable, credential_arguments, key_variable, security_node
from .methods import Method, ModelsAnnotator, method_of
from ...ir.model import Api, Operation
from ..code import Assign, call, display, flat
from ...ir.passes.naming import RUNTIME_HELPERS, RUNTIME_RESOURCE_NAMES
from ..pytypes import literal
from ..common import ENV, header

__all__ = ["client_files", "credential_arguments", "key_variable"]


@dataclass
class _Resource:
    attribute: str
    module: str
    cls: str
    doc: str
    methods: list[Method]
    # Resources reached through this one (OpenAPI 3.2's hierarchical tags): (attribute, resource).
    children: list[tuple[str, _Resource]] = field(default_factory=list)
    path: str = ""  # how it is reached from the client: `feed.admin`


def client_files(prefix: str, api: Api, runtime: str) -> dict[str, str]:
    """The `client` subpackage of one API package."""
    auth = auth_of(api, key_variable(prefix))
    resources = _resources(api, runtime, auth)
    top = [r for r, _ in resources if r.attribute not in api.resource_parents]
    paths = {r.attribute: r.path for r, _ in resources}
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
                    # A stream is its own raw answer (`.response`): its method is the resource's.
                    Assign(f"self.{m.name}", f"resource.{m.name}" if m.caller == "_stream"
                           else call(f"to_{function}", f"resource.{m.name}"))
                    for m in resource.methods
                ]
                + [
                    Assign(f"self.{name}", call(f"{flavour}{child.cls}WithRawResponse", f"resource.{name}"))
                    for name, child in resource.children
                ]
                for flavour, function in (("", "raw_response"), ("Async", "async_raw_response"))
            },
        )
    files[f"{prefix}/client/__init__.py"] = ENV.get_template("client/client_init.py.jinja").render(
        header=header(api.source),
        runtime=runtime,
        api=api,
        resources=top,
        operations={op.operation_id: f"{paths[op.resource]}.{op.py_name}" for op in api.operations},
        arguments=auth.arguments,
        schemes=Assign("_AUTH", display("(", auth.schemes, exploded=True)),
        security=Assign("_SECURITY", security_node(auth.default)),
        credentials=display(
            "{", [f"{literal(name)}: {name}" for name, _ in auth.arguments], head="credentials=", exploded=True
        ),
        # The runtime only checks a default requirement that needs credentials.
        check_credentials=auth.check or not (auth.default and all(auth.default)),
        raw_resources={
            flavour: [
                Assign(f"self.{r.attribute}", call(f"{flavour}{r.cls}WithRawResponse", f"client.{r.attribute}"))
                for r in top
            ]
            for flavour in ("", "Async")
        },
        usage=_usage(auth, [r for r in top if r.methods]),
        base_url=api.servers[0] if api.servers else "",
        base_url_variable=base_url_variable(prefix),
        doc=_client_doc(api),
    )
    return files


def _runtime_names(resource: _Resource) -> list[str]:
    """What a resource module imports from the runtime's client module: only what it uses."""
    names = set(RUNTIME_RESOURCE_NAMES)
    names |= {"to_raw_response", "to_async_raw_response"}
    for method in resource.methods:
        text = " ".join([flat(method.endpoint), *map(flat, method.signature), method.returns, method.async_returns])
        names |= {n for n in RUNTIME_HELPERS if n in text}
    return sorted(names, key=lambda n: (not n.isupper(), n))


def _client_doc(api: Api) -> str:
    text = f"{api.title} ({api.version})."
    if api.description:
        text += "\n\n" + api.description.strip()
    return text


def _usage(auth: Auth, resources: list[_Resource]) -> list[str]:
    """The example at the top of the client module."""
    if auth.preferred == "api_key":
        lines = [f"client = Client()  # api_key from {auth.key_variable}"]
    elif auth.preferred:
        lines = [f'client = Client({auth.preferred}="...")']
    else:
        lines = ["client = Client()"]
    if resources:
        lines.append(f"client.{resources[0].attribute}.{resources[0].methods[0].name}(...)")
    return lines


def _resources(api: Api, runtime: str, auth: Auth) -> list[tuple[_Resource, list[str]]]:
    grouped: dict[str, list[Operation]] = {}
    for operation in api.operations:
        grouped.setdefault(operation.resource, []).append(operation)
    for parent, _ in api.resource_parents.values():
        grouped.setdefault(parent, [])  # a parent tag without operations of its own holds its children
    built: dict[str, _Resource] = {}
    for attribute, operations in grouped.items():
        cls = api.resource_classes[attribute]
        annotator = ModelsAnnotator(api)
        methods = [method_of(api, annotator, op, auth) for op in operations]
        tags = sorted({op.tags[0] for op in operations if op.tags})
        doc = f"The {', '.join(tags)} operations." if tags else "Operations without a tag."
        if not operations:
            doc = "Groups the resources below it."
        built[attribute] = _Resource(attribute=attribute, module="_" + attribute, cls=cls, doc=doc, methods=methods)
    for child, (parent, name) in api.resource_parents.items():
        built[parent].children.append((name, built[child]))
    for attribute in built:
        built[attribute].path = _path(api, attribute)
    return [(resource, _imports(resource, runtime)) for resource in built.values()]


def _path(api: Api, attribute: str) -> str:
    """How the resource is reached from the client: `feed.admin` for a child."""
    parts = []
    while attribute in api.resource_parents:
        parent, name = api.resource_parents[attribute]
        parts.append(name)
        attribute = parent
    return ".".join([attribute, *reversed(parts)])


def _imports(resource: _Resource, runtime: str) -> list[str]:
    """The standard-library and runtime imports a resource module uses, found in its annotations."""
    text = " ".join(
        " ".join([m.returns, m.item, *map(flat, m.signature)]) for m in resource.methods
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
