"""IR types as Python annotations, shared by every template that writes code.

All text that comes from a spec and ends up in code goes through `repr` (string
literals) or through the names the naming pass made safe; nothing from a spec
is pasted into code as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..ir.model import Api, ArrayType, EnumType, MapType, ObjectType, Primitive, Ref, Type, UnionType

_STRING_FORMATS = {"date-time": "DateTime", "date": "date", "uuid": "UUID", "binary": "bytes"}


@dataclass
class Annotator:
    """Writes annotations for one API and remembers which names they need."""

    api: Api
    prefix: str = ""  # how generated names are reached, e.g. "models." from a client module
    needs: set[str] = field(default_factory=set)  # runtime/typing names the annotations use
    refs: set[str] = field(default_factory=set)  # generated classes and aliases they use
    # Imported names that a class of the API is also called (a schema `Field`, `Tag`):
    # the module imports them as `_Field`, so that the schema keeps its own name.
    private: frozenset[str] = frozenset()

    def spell(self, name: str) -> str:
        """How the module writes an imported name: privately when a class has it."""
        return "_" + name if name in self.private else name

    def annotation(self, type_: Type) -> str:
        text = self._bare(type_)
        if type_.nullable and text != self.spell("Any"):
            text += " | None"
        return text

    def _bare(self, type_: Type) -> str:
        if isinstance(type_, Primitive):
            if type_.name == "string":
                name = _STRING_FORMATS.get(type_.format or "", "str")
                self.needs.add(name)
                return self.spell(name)
            name = {"integer": "int", "number": "float", "boolean": "bool"}.get(type_.name, "Any")
            self.needs.add(name)
            return self.spell(name)
        if isinstance(type_, Ref):
            target = self.api.types[type_.target].py_name
            self.refs.add(target)
            return self.prefix + target
        if isinstance(type_, ArrayType):
            return f"list[{self.annotation(type_.items)}]"
        if isinstance(type_, MapType):
            return f"dict[str, {self.annotation(type_.values)}]"
        if isinstance(type_, EnumType):
            return self._enum(type_)
        if isinstance(type_, UnionType):
            return " | ".join(self.annotation(v) for v in type_.variants)
        if isinstance(type_, ObjectType):
            self.needs.add("Any")
            return f"dict[str, {self.spell('Any')}]"
        self.needs.add("Any")
        return self.spell("Any")


    def _enum(self, type_: EnumType) -> str:
        """`Literal[...]` of the values a Literal may hold (strings, integers,
        booleans); other values (floats, objects) widen to their type."""
        values = [m.value for m in type_.members if isinstance(m.value, (str, int, bool))]
        parts = [self.spell("Literal") + "[" + ", ".join(literal(v) for v in values) + "]"] if values else []
        self.needs.update({"Literal"} if values else set())
        others = [m.value for m in type_.members if not isinstance(m.value, (str, int, bool))]
        for other in dict.fromkeys(_json_type(value) for value in others):
            self.needs.add("float" if other == "float" else "Any")
            parts.append(other.replace("Any", self.spell("Any")))
        return " | ".join(parts)


def _json_type(value: Any) -> str:
    if isinstance(value, float):
        return "float"
    if isinstance(value, list):
        return "list[Any]"
    if isinstance(value, dict):
        return "dict[str, Any]"
    return "Any"


def literal(value: Any) -> str:
    """A JSON value as Python source (safe for any string), written as black
    writes it: strings in double quotes unless that takes more escapes."""
    if isinstance(value, str):
        return string(value)
    if isinstance(value, float):
        return _number(repr(value))
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(str(k))}: {literal(v)}" for k, v in value.items()) + "}"
    return string(str(value))


def string(text: str) -> str:
    """`repr(text)`, in double quotes when black would write them: when they
    need no more backslashes than single quotes."""
    if text.isprintable() and '"' not in text and "'" not in text and "\\" not in text:
        return f'"{text}"'  # what repr writes, in double quotes: nothing to escape
    single = repr(text)
    if single[0] == '"':  # repr picks double quotes only when there are single ones and no double
        return single
    double = '"' + single[1:-1].replace("\\'", "'").replace('"', '\\"') + '"'
    return double if double.count("\\") <= single.count("\\") else single


def _number(text: str) -> str:
    """A float's repr as black writes it (`1e16`, not `1e+16`)."""
    mantissa, _, exponent = text.partition("e+")
    return f"{mantissa}e{exponent}" if exponent else text
