"""The models package of one API: `<api>/models/`.

It reads the IR: names, modules, descriptions (`plain_description`, an enum's
values already left out) were decided by the passes. One module per named
type, or per cycle of types, as the modules pass placed them (`NamedType.module`); modules import what they use from each other
directly. `models/__init__.py` gathers every name, the schema registry and
`validate`/`to_wire`.

The models are our own templates rather than datamodel-code-generator's:
what Dixa needs is beyond its output (a variant built in code sends its `_type`
while a parsed payload gains none, enums that accept tapir's object form,
dispatch on the tag with a fallback to shape, value unions that also take the
bare value), and rendering the IR directly is an order of magnitude faster.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any, TypeGuard

from pydantic.alias_generators import to_camel

from ..ir.model import (
    Api,
    ArrayType,
    EnumType,
    MapType,
    NamedType,
    ObjectType,
    Primitive,
    Property,
    Ref,
    SharedFields,
    Type,
    UnionType,
    named_refs,
)
from .code import Annotated, Assign, Chain, Node, call, display, flat, import_from, subscript, union
from .pytypes import Annotator, literal, string
from .common import ENV, header

@dataclass
class _Field:
    statement: Node  # `name: annotation` or `name: annotation = value`
    doc: str | None


@dataclass
class _Class:
    py_name: str
    base: str
    doc: str | None
    tag: list[Assign] = field(default_factory=list)  # the class variables naming its tag
    fields: list[_Field] = field(default_factory=list)
    # The fields are declared for type checkers only (a union's base: its
    # variants declare them for pydantic, each in its own order).
    guarded: bool = False


@dataclass
class _Enum:
    py_name: str
    base: str
    doc: str | None
    members: list[Assign]


@dataclass
class _Alias:
    py_name: str
    value: Node
    doc: str | None
    depends: set[str] = field(default_factory=set)
    recursive: bool = False  # part of a cycle of aliases: a TypeAliasType, evaluated on first use
    spell: Callable[[str], str] = str  # how the module writes an imported name (`Annotator.spell`)

    @property
    def statement(self) -> Assign:
        if self.recursive:
            return Assign(self.py_name, call(self.spell("TypeAliasType"), string(self.py_name), string(flat(self.value))))
        return Assign(f"{self.py_name}: {self.spell('TypeAlias')}", self.value)


class _Defined:
    """The names a module may write unquoted: every other module's (imported
    above its definitions) and its own once defined. It refers to the set of
    every name instead of copying it for each module, a copy that would grow
    with the square of the number of schemas."""

    def __init__(self, every: set[str], own: set[str]) -> None:
        self._every, self._own, self._added = every, own, set[str]()

    def __contains__(self, name: object) -> bool:
        return name in self._added or (name in self._every and name not in self._own)

    def add(self, name: str) -> None:
        self._added.add(name)


class _Everything(_Defined):
    """Every name, for annotations that are never evaluated (type checkers only)."""

    def __contains__(self, name: object) -> bool:
        return True


@dataclass
class _Module:
    name: str
    annotator: Annotator
    enums: list[_Enum] = field(default_factory=list)
    classes: list[_Class] = field(default_factory=list)
    aliases: list[_Alias] = field(default_factory=list)
    defined: _Defined = field(default_factory=lambda: _Defined(set(), set()))  # names usable unquoted
    bases: set[str] = field(default_factory=set)  # parent classes
    guarded: bool = False  # its imports of other modules are for type checkers only (a union's base)
    helpers: set[str] = field(default_factory=set)  # classes it holds for a union of its (unknown variants' fallback)
    # TypedDicts whose keys are no class's attribute names, written as calls: (name, statement).
    functional: list[tuple[str, Node]] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return (
            [e.py_name for e in self.enums]
            + [c.py_name for c in self.classes]
            + [a.py_name for a in self.aliases]
            + [name for name, _ in self.functional]
        )


def _is_enum_class(type_: Type) -> TypeGuard[EnumType]:
    """Whether a named type is written as an enum class (else as a class or an alias)."""
    return isinstance(type_, EnumType) and type_.base in ("string", "integer") and not type_.nullable


def render_models(api: Api, prefix: str, runtime: str) -> dict[str, str]:
    """`{path: text}` of the models package of `api` under `prefix`."""
    placement = {name: named.module for name, named in api.types.items()}
    modules: dict[str, _Module] = {}
    imported = {named.py_name for named in api.types.values()}
    # A class called like a name the modules import keeps its name; the import is made private.
    private = frozenset(imported & MODULE_IMPORTS)
    owned: dict[str, set[str]] = defaultdict(set)
    for named in api.types.values():
        owned[named.module].add(named.py_name)

    def module(name: str) -> _Module:
        if name not in modules:
            # Names from other modules are imported above the definitions: usable unquoted.
            modules[name] = _Module(name, Annotator(api, private=private), defined=_Defined(imported, owned[name]))
        return modules[name]

    ordered = _parents_first(api)
    # Enums first: a module defines its enums above its classes, so every
    # class of the module may name them unquoted.
    for named in ordered:
        type_ = named.type
        if _is_enum_class(type_):
            base = "OpenEnum" if type_.base == "string" else "OpenIntEnum"
            target = module(placement[named.name])
            members = [Assign(m.py_name, literal(m.value)) for m in type_.members]
            target.enums.append(_Enum(named.py_name, target.annotator.spell(base), _doc_of(named), members))
            target.defined.add(named.py_name)
            target.annotator.needs.add(base)
    for named in ordered:
        type_ = named.type
        if _is_enum_class(type_):
            continue
        target = module(placement[named.name])
        if isinstance(type_, ObjectType) and not type_.nullable:
            target.classes.append(_class(target, named, type_))
            target.defined.add(named.py_name)
        else:
            if isinstance(type_, UnionType) and type_.shared is not None:
                _shared_classes(api, module(type_.shared.module), target, named, type_.shared)
            target.aliases.append(_alias(target.annotator, named, type_))
    for named in ordered:
        if named.dict_py_name:
            _typed_dict(api, module(placement[named.name]), named)
    home = {name: m.name for m in modules.values() for name in m.names}
    names = {name: sorted(modules[name].names) for name in sorted(modules)}
    files: dict[str, str] = {}
    for name in names:  # each module's plan is dropped once written: Graph has 33,000
        files[f"{prefix}/models/{name}.py"] = _render_module(api, modules.pop(name), home, runtime)
    files[f"{prefix}/models/__init__.py"] = ENV.get_template("models/__init__.py.jinja").render(
        header=header(api.source),
        api=api,
        imports=[import_from(f".{name}", [f"{n} as {n}" for n in names[name]]) for name in names],
        exports=Assign("__all__", display("[", [string(n) for n in [*sorted(home), "SCHEMAS", "to_wire", "validate"]])),
        modules=sorted(home.items()),
        schemas=[(n.name, n.py_name) for n in api.types.values() if n.component or n.pointer],
        runtime=runtime,
    )
    return files


def _render_module(api: Api, module: _Module, home: dict[str, str], runtime: str) -> str:
    annotator = module.annotator
    own = set(module.names)
    used: dict[str, list[str]] = defaultdict(list)
    for ref in sorted((annotator.refs | module.bases) - own):
        used[home[ref]].append(ref)
    _mark_recursive(module.aliases)
    aliases = _topological(module.aliases)
    return ENV.get_template("models/module.py.jinja").render(
        header=header(api.source),
        api=api,
        module=module,
        doc=_module_doc(module),
        imports=_imports(annotator.needs, f"{runtime}.models", module),
        siblings=[import_from(f".{source}", names) for source, names in sorted(used.items())],
        guarded=module.guarded,
        exports=Assign("__all__", display("[", [string(name) for name in sorted(own)])),
        aliases=aliases,
    )


def _module_doc(module: _Module) -> str | None:
    """Only a module of several types says why: they refer to one another."""
    names = sorted(set(module.names) - module.helpers)
    if len(names) < 2:
        return None
    listed = ", ".join(f"`{n}`" for n in names[:-1]) + f" and `{names[-1]}`"
    return f"{listed} refer to one another, so they are defined together."


def _parents_first(api: Api) -> list[NamedType]:
    """Named types in name order, except that a parent class comes before its children."""
    ordered: dict[str, NamedType] = {}

    def visit(named: NamedType) -> None:
        base = named.type.base if isinstance(named.type, ObjectType) else None
        if base is not None and base not in ordered:
            visit(api.types[base])
        ordered.setdefault(named.name, named)

    for named in api.types.values():
        visit(named)
    return list(ordered.values())


# -- classes, fields, aliases ----------------------------------------------------------


def _doc_of(named: NamedType) -> str | None:
    """The spec's own words on a schema, or None: no docstring rather than filler.

    An enum's `values: [..]` list is already left out (`plain_description`):
    its members say it.
    """
    text = named.plain_description or ""
    if named.title and named.title != named.name and named.title not in text:
        text = f"{named.title}. {text}".strip()
    if named.deprecated:
        text = f"Deprecated. {text}".strip()
    return text or None


def _class(module: _Module, named: NamedType, obj: ObjectType) -> _Class:
    annotator, defined = module.annotator, module.defined
    runtime_base = ("CamelTaggedModel" if obj.camel else "TaggedModel") if obj.tag is not None else (
        "CamelModel" if obj.camel else "APIModel"
    )
    # The base classes of the unions it is a variant of come before the runtime's
    # base, which they derive from: `APIModel` first would leave no consistent MRO.
    shared_bases: list[str] = []
    for union in obj.shares:
        shared = annotator.api.types[union].type
        assert isinstance(shared, UnionType) and shared.shared is not None
        module.bases.add(shared.shared.py_name)
        shared_bases.append(shared.shared.py_name)
    bases = [*shared_bases, runtime_base]
    if obj.base is not None:
        parent = annotator.api.types[obj.base].py_name
        module.bases.add(parent)
        # A tagged variant of an untagged parent is both: the parent's fields, the tag's behaviour.
        bases = [parent, *shared_bases, runtime_base] if obj.tag is not None else [parent, *shared_bases]
    result = _Class(py_name=named.py_name, base=", ".join(annotator.spell(b) for b in bases), doc=_doc_of(named))
    annotator.needs.update(b for b in bases if b in _RUNTIME)
    if obj.tag is not None:
        value = literal(obj.tag.value)
        class_var = annotator.spell("ClassVar")
        result.tag = [
            Assign(f"__wire_tag__: {class_var}[str]", value),
            Assign(f"__tag_field__: {class_var}[str]", literal(obj.tag.py_name)),
        ]
        # The class sets its tag: `init=False` keeps it out of the constructor
        # that type checkers see.
        arguments = [f"default={value}", "init=False", *_wire_name(obj.tag.py_name, obj.tag.property, obj.camel)]
        statement = Assign(
            f"{obj.tag.py_name}: {annotator.spell('Literal')}[{value}]", call(annotator.spell("Field"), *arguments)
        )
        result.fields.append(_Field(statement=statement, doc=None))
        annotator.needs.update({"Literal", "Field", "ClassVar"})
    for prop in annotator.api.own_properties(obj):
        result.fields.append(_field(annotator, prop, defined, obj.camel))
    return result


def _shared_classes(api: Api, home: _Module, union_module: _Module, named: NamedType, shared: SharedFields) -> None:
    """A union's base class in its own module, its fields declared for type
    checkers only, and, for a tagged union, the class its unknown variants
    parse to, in the union's module, with the same fields for real (their wire
    names spelled out: it has no camelCase of its own)."""
    home.guarded = True
    everything = _Everything(set(), set())
    doc = (
        f"What every variant of `{named.py_name}` has: a value of the union is an instance of this class, "
        "whichever variant it is, so its fields are read without first telling the variants apart."
    )
    base = _Class(py_name=shared.py_name, base=home.annotator.spell("APIModel"), doc=doc, guarded=True)
    base.fields = [_field(home.annotator, prop, everything, False, aliases=False) for prop in shared.properties]
    home.annotator.needs.add("APIModel")
    home.classes.append(base)
    if shared.fallback_py_name:
        doc = (
            f"A variant of `{named.py_name}` added to the API after this SDK was generated: keeps every field, "
            f"and types those every variant has."
        )
        annotator, defined = union_module.annotator, union_module.defined
        fallback = _Class(
            py_name=shared.fallback_py_name, base=f"{shared.py_name}, {annotator.spell('UnknownVariant')}", doc=doc
        )
        fallback.fields = [_field(annotator, prop, defined, False) for prop in shared.properties]
        union_module.bases.add(shared.py_name)
        annotator.needs.add("UnknownVariant")
        union_module.classes.append(fallback)
        union_module.helpers.add(shared.fallback_py_name)
        defined.add(shared.fallback_py_name)


def _typed_dict(api: Api, module: _Module, named: NamedType) -> None:
    """The TypedDict of `named`'s wire form: wire keys, optional ones
    `NotRequired`, a tagged variant's tag a `Literal`; a union's is the union of
    its variants' dicts. An annotation that names a generated type is a string
    (it may be defined later, or be the dict itself), which type checkers read
    and Python never evaluates."""
    type_ = named.type
    module.helpers.add(named.dict_py_name)
    spell = module.annotator.spell
    if isinstance(type_, UnionType):
        own = Annotator(api, private=module.annotator.private)
        value = _dict_union(api, own, type_)
        _merge(module.annotator, own)
        # A real expression, as the model's alias is: `typing.get_type_hints` of
        # a method that takes it evaluates it. Its members are classes (defined
        # above it or imported) whose own annotations are strings.
        depends = set(own.refs)
        module.aliases.append(_Alias(py_name=named.dict_py_name, value=union(value), doc=_dict_doc(named), depends=depends))
        return
    assert isinstance(type_, ObjectType)
    keys: list[tuple[str, str]] = []
    if type_.tag is not None:
        keys.append((type_.tag.property, f"{spell('Literal')}[{literal(type_.tag.value)}]"))
        module.annotator.needs.add("Literal")
    for prop in type_.properties:
        own = Annotator(api, private=module.annotator.private)
        text = _dict_value(api, own, prop.type)
        text = string(text) if own.refs else text
        keys.append((prop.wire_name, f"{spell('NotRequired')}[{text}]" if prop.optional else text))
        if prop.optional:
            own.needs.add("NotRequired")
        _merge(module.annotator, own)
    module.annotator.needs.add("TypedDict")
    if not named.dict_functional:
        cls = _Class(py_name=named.dict_py_name, base=spell("TypedDict"), doc=_dict_doc(named))
        cls.fields = [_Field(statement=Annotated(k, union(v)), doc=None) for k, v in keys]
        module.classes.append(cls)
        return
    table = display("{", [f"{literal(k)}: {v}" for k, v in keys])
    statement = Assign(named.dict_py_name, call(spell("TypedDict"), literal(named.dict_py_name), table))
    module.functional.append((named.dict_py_name, statement))


def _merge(into: Annotator, own: Annotator) -> None:
    into.needs |= own.needs
    into.refs |= own.refs


def _dict_doc(named: NamedType) -> str:
    return (
        f"`{named.py_name}` as a dict of its wire form (the keys as the API spells them), "
        "which request bodies accept as they accept the model, and send as it is."
    )


def _dict_union(api: Api, annotator: Annotator, union_: UnionType) -> str:
    parts = [_dict_value(api, annotator, v, models=False) for v in union_.variants]
    parts += [_dict_value(api, annotator, v) for v in union_.bare]
    text = " | ".join(dict.fromkeys(parts))
    return f"{text} | None" if union_.nullable and text != annotator.spell("Any") else text


def _dict_value(api: Api, annotator: Annotator, type_: Type, *, models: bool = True, within: frozenset[str] = frozenset()) -> str:
    """What a dict holds for a value of `type_`: nested objects as their dicts
    (or, with `models`, their models), enum members or their values, date-times
    and UUIDs or their strings."""
    text = _dict_bare(api, annotator, type_, models, within)
    return f"{text} | None" if type_.nullable and text != annotator.spell("Any") else text


def _dict_bare(api: Api, annotator: Annotator, type_: Type, models: bool, within: frozenset[str]) -> str:
    if isinstance(type_, Primitive):
        if type_.name == "string":
            known = {"date-time": "datetime", "date": "date", "uuid": "UUID"}.get(type_.format or "")
            if known is None:
                return "str"
            annotator.needs.add(known)
            return f"{annotator.spell(known)} | str"
        if type_.name == "any":
            annotator.needs.add("Any")
            return annotator.spell("Any")
        return {"integer": "int", "number": "float", "boolean": "bool"}[type_.name]
    if isinstance(type_, Ref):
        named = api.types[type_.target]
        target = named.type
        if named.dict_py_name:
            annotator.refs.add(named.dict_py_name)
            if not models:
                return named.dict_py_name
            annotator.refs.add(named.py_name)
            return f"{named.py_name} | {named.dict_py_name}"
        if _is_enum_class(target):
            annotator.refs.add(named.py_name)
            return f"{named.py_name} | {annotator.annotation(target)}"
        if type_.target in within:
            annotator.needs.add("Any")
            return annotator.spell("Any")
        return _dict_value(api, annotator, target, models=models, within=within | {type_.target})
    if isinstance(type_, ArrayType):
        return f"list[{_dict_value(api, annotator, type_.items, within=within)}]"
    if isinstance(type_, MapType):
        return f"dict[str, {_dict_value(api, annotator, type_.values, within=within)}]"
    if isinstance(type_, EnumType):
        return annotator.annotation(dataclasses.replace(type_, nullable=False))
    if isinstance(type_, UnionType):
        return " | ".join(dict.fromkeys(_dict_value(api, annotator, v, within=within) for v in type_.variants))
    annotator.needs.add("Any")
    return f"dict[str, {annotator.spell('Any')}]"


def _field(annotator: Annotator, prop: Property, defined: _Defined, camel: bool, *, aliases: bool = True) -> _Field:
    """A field's declaration and its docstring; without `aliases`, its wire
    name is left out (a declaration only type checkers read)."""
    own = Annotator(annotator.api, private=annotator.private)
    annotation = own.annotation(prop.type)
    annotator.needs |= own.needs
    annotator.refs |= own.refs
    # Annotations are real expressions where every name they use already
    # exists (fast to import: nothing for pydantic to parse); only those that
    # name a later class or another module's type are strings, resolved when
    # the model is first built.
    forward = any(ref not in defined for ref in own.refs)
    optional = prop.optional
    if optional and not prop.type.nullable and annotation != annotator.spell("Any"):
        annotation += " | None"
    arguments: list[str] = []
    default = _default(annotator.api, prop.type, prop.default) if prop.has_default else None
    if default is not None:
        arguments.append(default)
    elif optional:
        arguments.append("default=None")
    arguments += _wire_name(prop.py_name, prop.wire_name, camel) if aliases else []
    value: Node | None = None
    if arguments == ["default=None"]:
        value = "None"
    elif arguments:
        annotator.needs.add("Field")
        value = call(annotator.spell("Field"), *arguments)
    doc = prop.plain_description
    if prop.read_only or prop.write_only:
        direction = "Read-only: set by the server." if prop.read_only else "Write-only: never sent back."
        doc = f"{direction} {doc or ''}".strip()
    if prop.deprecated:
        doc = "Deprecated. " + (doc or "")
    laid_out = string(annotation) if forward else union(annotation)
    return _Field(statement=Annotated(prop.py_name, laid_out, value), doc=doc)


def _default(api: Api, type_: Type, value: Any) -> str | None:
    """The `Field` argument that gives a field the spec's default, as a value of
    the field's type; None for a default that is not one (a string where the
    schema says boolean, say), which is left out rather than typed wrong."""
    if value is None or isinstance(value, float) and not math.isfinite(value):
        return None
    named = api.types[type_.target] if isinstance(type_, Ref) else None
    resolved = api.resolve(type_)
    if named is not None and isinstance(resolved, EnumType) and resolved.base in ("string", "integer"):
        if not resolved.nullable and _fits_primitive(resolved.base, value):
            # An enum class: its member, made when an instance is (the class may be defined later).
            return f"default_factory=lambda: {named.py_name}({literal(value)})"
        return None
    if isinstance(resolved, Primitive):
        coerced = _coerce(resolved, value)
        return None if coerced is None else f"default={literal(coerced)}"
    if isinstance(resolved, EnumType):
        return f"default={literal(value)}" if any(m.value == value for m in resolved.members) else None
    if isinstance(resolved, ArrayType) and value == []:
        return "default_factory=list"
    if isinstance(resolved, MapType) and value == {}:
        return "default_factory=dict"
    if isinstance(resolved, ArrayType) and isinstance(value, list):
        items = api.resolve(resolved.items)
        if isinstance(items, Primitive) and all(_same(_coerce(items, item), item) for item in value):
            return f"default_factory=lambda: {literal(value)}"
    if isinstance(resolved, MapType) and isinstance(value, dict):
        values = api.resolve(resolved.values)
        if isinstance(values, Primitive) and all(_same(_coerce(values, item), item) for item in value.values()):
            return f"default_factory=lambda: {literal(value)}"
    if named is None and isinstance(resolved, ObjectType) and isinstance(value, dict):
        return f"default_factory=lambda: {literal(value)}"  # a free-form object: `dict[str, Any]`
    return None  # a model's default is the server's business: it may not even validate


def _same(coerced: Any, value: Any) -> bool:
    """`value` needs no coercion (and is no bool standing for a number)."""
    return coerced is not None and type(coerced) is type(value) and coerced == value


def _fits_primitive(base: str, value: Any) -> bool:
    if base == "string":
        return isinstance(value, str)
    return isinstance(value, int) and not isinstance(value, bool)


def _coerce(type_: Primitive, value: Any) -> Any:
    """`value` as the Python type the annotation of `type_` is, or None if it is not one."""
    if type_.name == "any":
        return value if isinstance(value, (str, int, float, bool)) else None
    if type_.name == "boolean":
        if isinstance(value, bool):
            return value
        return {"true": True, "false": False}.get(value.lower()) if isinstance(value, str) else None
    if type_.name == "integer":
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return int(value) if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()) else None
    if type_.name == "number":
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return value
        try:
            return float(value) if isinstance(value, str) else None
        except ValueError:
            return None
    if type_.name == "string":
        if type_.format in _TYPED_FORMATS:
            return None  # a date, a uuid or bytes: a string default is not one
        return value if isinstance(value, str) else None
    return None


# String formats whose annotation is not `str`.
_TYPED_FORMATS = frozenset({"date-time", "date", "uuid", "binary"})


def _wire_name(py_name: str, wire_name: str, camel: bool) -> list[str]:
    """`Field` arguments that put a field on the wire as `wire_name`, where its
    class does not already (a `camel` class puts `last_name` as `lastName`).

    Not `alias=`: `Field` is the field specifier of pydantic's
    `dataclass_transform`, so type checkers would make the alias the
    constructor keyword; with these two they offer the Python name.
    """
    if wire_name == (to_camel(py_name) if camel else py_name):
        return []
    return [f"validation_alias={literal(wire_name)}", f"serialization_alias={literal(wire_name)}"]


def _alias(annotator: Annotator, named: NamedType, type_: Type) -> _Alias:
    value: Node
    if isinstance(type_, UnionType) and type_.style == "tagged":
        parts: list[Node] = []
        annotated, tag_of = annotator.spell("Annotated"), annotator.spell("Tag")
        for tag, target in type_.tags.items():
            parts.append(subscript(annotated, annotator.annotation(Ref(target=target)), call(tag_of, literal(tag))))
        fallback = (type_.shared.fallback_py_name if type_.shared is not None else None) or annotator.spell(
            "UnknownVariant"
        )
        parts.append(subscript(annotated, fallback, call(tag_of, annotator.spell("UNKNOWN_TAG"))))
        bare: list[Node] = []
        if type_.bare:
            plain = " | ".join(annotator.annotation(v) for v in type_.bare)
            parts.append(subscript(annotated, union(plain), call(tag_of, annotator.spell("BARE_TAG"))))
            bare = ["bare=True"]
            annotator.needs.add("BARE_TAG")
        table = display(
            "{", [f"{literal(tag)}: {annotator.api.types[t].py_name}" for tag, t in type_.tags.items()]
        )
        discriminator = call(annotator.spell("tag_discriminator"), literal(type_.tag_property), table, *bare)
        value = subscript(annotated, Chain(tuple(parts)), discriminator)
        if type_.nullable:
            value = Chain((value, "None"))
        annotator.needs.update({"Annotated", "Tag", "UNKNOWN_TAG", "UnknownVariant", "tag_discriminator"})
    else:
        value = union(annotator.annotation(type_))
    depends = {annotator.api.types[ref].py_name for ref in named_refs(type_)}
    return _Alias(py_name=named.py_name, value=value, doc=_doc_of(named), depends=depends, spell=annotator.spell)


def _mark_recursive(aliases: list[_Alias]) -> None:
    """Mark the aliases that reach themselves through other aliases
    (`Tree = list[Tree]`; `Nested = list[NestedMap]`, `NestedMap = dict[str, Nested]`).

    A plain `TypeAlias` is evaluated at import and cannot name itself, even
    through others; these become `TypeAliasType`s whose value is a string,
    which pydantic and type checkers resolve lazily. Cycles that pass through
    a class need nothing: class annotations are resolved when first used.
    """
    by_name = {a.py_name: a for a in aliases}
    for alias in aliases:
        seen: set[str] = set()
        stack = [d for d in alias.depends if d in by_name]
        while stack and alias.py_name not in seen:
            name = stack.pop()
            if name not in seen:
                seen.add(name)
                stack.extend(d for d in by_name[name].depends if d in by_name)
        alias.recursive = alias.py_name in seen


def _topological(aliases: list[_Alias]) -> list[_Alias]:
    """Aliases are evaluated at import, so each must follow the aliases it uses."""
    by_name = {a.py_name: a for a in aliases}
    done: set[str] = set()
    out: list[_Alias] = []

    def visit(alias: _Alias, stack: set[str]) -> None:
        if alias.py_name in done or alias.py_name in stack:
            return
        for dep in sorted(alias.depends):
            if dep in by_name:
                visit(by_name[dep], stack | {alias.py_name})
        done.add(alias.py_name)
        out.append(alias)

    for alias in aliases:
        visit(alias, set())
    return out


_RUNTIME = (
    "BARE_TAG", "DateTime", "APIModel", "CamelModel", "CamelTaggedModel", "OpenEnum", "OpenIntEnum", "TaggedModel", "UNKNOWN_TAG",
    "UnknownVariant", "tag_discriminator",
)


_TYPING = ("Annotated", "Any", "ClassVar", "Literal", "NotRequired", "TypeAlias", "TypedDict")
# Every name a model module may import: a class of the API called so keeps its
# name, and the modules import the name privately (`Field as _Field`).
MODULE_IMPORTS = frozenset({*_TYPING, "date", "datetime", "UUID", "Field", "Tag", "TypeAliasType", *_RUNTIME})


def _imports(needs: set[str], runtime_models: str, module: _Module) -> list[Node]:
    """The module's imports of the standard library, pydantic and the runtime
    (a blank line between groups)."""
    spell = module.annotator.spell

    def names(found: list[str]) -> list[str]:
        return [n if spell(n) == n else f"{n} as {spell(n)}" for n in found]

    lines: list[Node] = []
    dates: list[str] = [n for n in ("date", "datetime") if n in needs]
    if dates:
        lines.append(import_from("datetime", names(dates)))
    typing_names: set[str] = {n for n in _TYPING if n in needs}
    if module.guarded:
        typing_names.add("TYPE_CHECKING")
    if any(not a.recursive for a in module.aliases):
        typing_names.add("TypeAlias")
    typing_names.discard("")
    if typing_names:
        lines.append(import_from("typing", names(sorted(typing_names))))
    if "UUID" in needs:
        lines.append(import_from("uuid", names(["UUID"])))
    third_party: list[Node] = []
    pydantic_names = {n for n in ("Field", "Tag") if n in needs}
    if pydantic_names:
        third_party.append(import_from("pydantic", names(sorted(pydantic_names))))
    if any(a.recursive for a in module.aliases):
        third_party.append(import_from("typing_extensions", names(["TypeAliasType"])))
    if third_party:
        lines.extend([""] if lines else [])
        lines.extend(third_party)
    runtime_names = sorted(n for n in _RUNTIME if n in needs)
    if runtime_names:
        lines.extend([""] if lines else [])
        lines.append(import_from(runtime_models, names(runtime_names)))
    return lines
