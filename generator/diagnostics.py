"""Located problems.

Every problem the generator finds is a value that knows where it is (file, JSON
pointer, line) so the command line can print one readable line per problem and
exit cleanly instead of showing a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# `info`: a finding the spec declares known (an accepted spelling): `dixagen
# validate` lists it, `generate` does not print it.
Severity = Literal["error", "warning", "info"]


def escape_pointer_token(token: object) -> str:
    """One JSON-pointer reference token (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def join_pointer(*tokens: object) -> str:
    return "".join("/" + escape_pointer_token(t) for t in tokens)


def pointer_tokens(pointer: str) -> list[str]:
    """The reference tokens of a JSON pointer (`#` first or not), unescaped."""
    body = pointer.lstrip("#")
    return [t.replace("~1", "/").replace("~0", "~") for t in body.split("/")[1:]] if body else []


def value_at(data: Any, pointer: str) -> Any:
    """The value at `pointer` in `data`, or None where the pointer leads nowhere."""
    node = data
    for token in pointer_tokens(pointer):
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


@dataclass(frozen=True)
class Diagnostic:
    message: str
    file: str = ""
    pointer: str = ""
    line: int | None = None
    severity: Severity = "error"
    # Warnings of one kind that may come by the dozen (examples that write
    # date-times one way) share a group, which `generate` prints folded.
    group: str = ""

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        if self.pointer:
            where += f": #{self.pointer}"
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class SpecError(Exception):
    """Raised when a document cannot be turned into an API description."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(d) for d in self.diagnostics)
