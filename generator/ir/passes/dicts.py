"""Which types a request body may also be written as a dict of: `NamedType.dict_py_name`.

A body parameter takes a model or a plain dict of its wire form; a dict typed
only as `Mapping[str, Any]` lets a misspelt or missing key through to the
server. Every object and union that a request body or parameter reaches gets
a `TypedDict` of its wire form (`CreateEndUserInputDict`: wire keys, required
ones `Required`), so type checkers read the dict as closely as the model.
Types no request reaches get none: answers are parsed into models, never
written as dicts by the caller.

Names are the type's own with `Dict` after, numbered where a name is taken
(by a schema or by the shared pass's classes); no existing name changes.
"""

from __future__ import annotations

import keyword

from ..model import Api, ObjectType, UnionType, named_refs
from .naming import RESERVED_CLASS_NAMES

# Names a TypedDict's annotations may use, which its class body must not declare as keys.
_ANNOTATION_NAMES = frozenset(
    {"str", "int", "float", "bool", "bytes", "list", "dict", "date", "datetime", "UUID", "Any", "Literal", "NotRequired",
     "TypedDict", "TypeAlias", "None"}
)


def run(api: Api) -> None:
    taken = {named.py_name.lower() for named in api.types.values()} | {n.lower() for n in RESERVED_CLASS_NAMES}
    for named in api.types.values():
        shared = named.type.shared if isinstance(named.type, UnionType) else None
        if shared is not None:
            taken |= {shared.py_name.lower(), shared.fallback_py_name.lower()}
    roots = [p.type for op in api.operations for p in op.parameters]
    roots += [body.type for op in api.operations for body in op.bodies]
    reached = api.reachable(roots)
    for name, named in api.types.items():
        if name not in reached or not isinstance(named.type, (ObjectType, UnionType)):
            continue
        wanted = f"{named.py_name}Dict"
        candidate, number = wanted, 2
        while candidate.lower() in taken:
            candidate, number = f"{wanted}{number}", number + 1
        taken.add(candidate.lower())
        named.dict_py_name = candidate
    for named in api.types.values():
        if named.dict_py_name and isinstance(named.type, ObjectType):
            named.dict_functional = not _attribute_keys(api, named.type)


def _attribute_keys(api: Api, obj: ObjectType) -> bool:
    """Whether every key can be an attribute name of a class body: an identifier,
    not a keyword, not mangled (`__x`), and no name the annotations use."""
    used = set(_ANNOTATION_NAMES)
    for prop in obj.properties:
        for ref in named_refs(prop.type):
            used |= {api.types[ref].py_name, api.types[ref].dict_py_name}
    keys = [p.wire_name for p in obj.properties] + ([obj.tag.property] if obj.tag is not None else [])
    return all(k.isidentifier() and not keyword.iskeyword(k) and not k.startswith("__") and k not in used for k in keys)
