"""Located problems.

Every problem the generator finds is a value that knows where it is (file, JSON
pointer, line) so the command line can print one readable line per problem and
exit cleanly instead of showing a traceback.
"""

from __future__ import annotations

import re
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


# C0 and C1 controls, DEL, lone surrogates, line and paragraph separators, and
# the bidirectional overrides that reorder what a terminal shows.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_KEEPING_LINES = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal_safe(text: str, *, keep_lines: bool = False) -> str:
    """`text` with every character that a terminal would act on rather than
    show (an escape sequence, a carriage return, a newline that starts a
    forged line) written as its escape: spec text reaches the terminal in
    messages, and must not be able to recolour it or fake a line of output.
    `keep_lines` lets newlines through (a report of many lines)."""
    return (_UNSAFE_KEEPING_LINES if keep_lines else _UNSAFE).sub(_escaped, text)


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
        return terminal_safe(f"{where}: {self.severity}: {self.message}")


@dataclass
class SpecError(Exception):
    """Raised when a document cannot be turned into an API description."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(d) for d in self.diagnostics)
