"""Where a comparison is: who owns the changes found (`Scope`) and the place walked
on both sides (`Spot`). Shared by the walk over operations and over schemas."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from ..diagnostics import escape_pointer_token

Direction = Literal["request", "response"]
PairKey = tuple[str, str]  # (old component, new component)


@dataclass(frozen=True)
class Scope:
    """Who owns the changes found here: one operation, or one component pair."""

    operation: str | None = None
    tag: str | None = None
    pair: PairKey | None = None
    schema: str | None = None  # component name (new side)

    @property
    def key(self) -> str | PairKey:
        return self.pair if self.pair is not None else self.operation or ""


@dataclass(frozen=True)
class Spot:
    """Where the walk is, on both sides: JSON pointers, a readable path, and the
    generated classes that hold the current value."""

    old: str
    new: str
    label: str
    old_class: str = ""
    new_class: str = ""

    def child(self, pointer: str, label: str) -> Spot:
        return replace(self, old=self.old + pointer, new=self.new + pointer, label=self.label + label)

    def prop(self, wire_name: str) -> Spot:
        return self.child("/properties/" + escape_pointer_token(wire_name), f".{wire_name}")
