"""How each parameter's value is written: its `style` and `explode`, OpenAPI's
defaults filled in, decided once for the client and the stub.

`style` defaults to `form` in the query and cookies and to `simple` in the
path and headers; `explode` defaults to true for `form` only. A parameter
described by `content` (a JSON media type) is written as JSON text (`json`).
`default_style` marks the parameters written as the runtimes assume for their
location, which the generated code leaves unsaid.
"""

from __future__ import annotations

from ..media import is_json_media
from ..model import Api, Parameter

# What the runtimes assume for a parameter whose Endpoint or table entry gives no style.
DEFAULTS = {"query": ("form", True), "querystring": ("form", True), "header": ("simple", False), "path": ("simple", False), "cookie": ("form", True)}


def run(api: Api) -> None:
    for operation in api.operations:
        for parameter in operation.parameters:
            parameter.wire_style, parameter.wire_explode = _resolved(parameter)
            parameter.default_style = (parameter.wire_style, parameter.wire_explode) == DEFAULTS[parameter.location]


def _resolved(parameter: Parameter) -> tuple[str, bool]:
    if parameter.content_type and is_json_media(parameter.content_type):
        return "json", False
    style = parameter.style or ("form" if parameter.location in ("query", "querystring", "cookie") else "simple")
    return style, parameter.explode if parameter.explode is not None else style == "form"
