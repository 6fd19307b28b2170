"""Render: the IR through the Jinja templates in `templates/`, to `{path: text}`.

Templates lay code out; the renderers read the IR (whose decisions the passes
made) and hand the templates what to write, annotations and statements
already spelled out, so templates stay free of logic. Every string from
a spec reaches the output through a filter that makes it a literal or escapes
it; Jinja never sees spec text as template source.
"""

from __future__ import annotations

import re
import unicodedata
from importlib import resources
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2

from .. import __version__
from ..diagnostics import terminal_safe
from .code import call, code
from .pytypes import literal



def _templates() -> Path:
    """The templates folder: inside the installed package, else the checkout's top-level one.

    pyproject.toml maps the top-level `templates/` into the distribution as `generator/templates/`,
    so an installed dixagen reads the same files that a checkout reads from beside `generator/`.
    """
    installed = resources.files("generator") / "templates"
    if installed.is_dir():
        return Path(str(installed))
    return Path(__file__).resolve().parents[2] / "templates"


TEMPLATES = _templates()


def _escape_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if text.replace("\n", "").replace("\t", "").isprintable():
        return text  # no control, surrogate or separator characters: nothing more to escape
    out = []
    for char in text:
        if char not in "\n\t" and unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp"):
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    return "".join(out)


def docstring(text: str | None, indent: int = 0) -> str:
    """Spec text as a docstring at `indent`, safe whatever it contains."""
    if not text or not text.strip():
        return ""
    pad = " " * indent
    # Two blank lines in a row only ever separate top-level statements.
    body = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", _escape_text(text.strip()))
    if body.endswith('"'):
        body = body[:-1] + '\\"'
    lines = [line.rstrip() for line in body.split("\n")]
    # Black removes the indentation the lines after the first have in common.
    lines[1:] = [_expand_leading_tabs(line) for line in lines[1:]]
    common = min((len(line) - len(line.lstrip()) for line in lines[1:] if line), default=0)
    lines[1:] = [line[common:] for line in lines[1:]]
    if lines[0].startswith('"'):
        lines[0] = " " + lines[0]  # as black writes it: `""" "quoted"`
    if len(lines) == 1:
        return f'{pad}"""{lines[0]} """' if lines[0].endswith('"') else f'{pad}"""{lines[0]}"""'
    inner = "\n".join((pad + line) if line else "" for line in lines[1:])
    return f'{pad}"""{lines[0]}\n{inner}\n{pad}"""'


def _expand_leading_tabs(line: str) -> str:
    stripped = line.lstrip()
    return line[: len(line) - len(stripped)].expandtabs() + stripped


_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_TOML_SPECIAL = re.compile('["\\\\\x00-\x1f\x7f\ud800-\udfff]')


def tomlstr(text: Any) -> str:
    """A TOML basic string holding `text`: quotes, backslashes and control
    characters escaped, everything else (emoji too) written as UTF-8. A lone
    surrogate has no TOML escape (TOML's `\\u` takes only Unicode scalar
    values; JSON's surrogate pairs are refused) and no UTF-8 form: it becomes
    U+FFFD, the replacement character."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if "\ud800" <= char <= "\udfff":
            return "\ufffd"
        return _TOML_ESCAPES.get(char) or f"\\u{ord(char):04X}"

    return '"' + _TOML_SPECIAL.sub(escape, str(text)) + '"'


def pystr_inline(text: Any) -> str:
    """Spec text inside an existing docstring or comment: one line, escaped."""
    return " ".join(_escape_text(str(text)).split()).replace('"', "'")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    env.tests["contains_api_key"] = lambda names: "api_key" in names
    env.filters.update(
        docstring=docstring,
        pyrepr=literal,
        code=code,
        class_line=lambda head, bases: code(call(head, *bases.split(", ")), ":"),
        pystr_inline=pystr_inline,
        tomlstr=tomlstr,
        mdcell=lambda text: " ".join(str(text).replace("|", "\\|").split()),
        mdcode=lambda text: "`" + str(text).replace("`", "") + "`",
    )
    return env


ENV = _environment()


def header(source: str) -> str:
    source = " ".join(terminal_safe(source).split())  # a file name may hold controls or undecodable bytes
    return f"# Generated by dixagen {__version__} from {source}. Do not edit: regenerate instead."


class Pieces:
    """A file's text made a piece at a time (the stub's JSON documents:
    Microsoft Graph's are 60 MB each): written out piece by piece where files
    go to disk as they are rendered (`pipeline.write_spec`), joined where
    they are held (`str`). `make` gives the pieces afresh at each use."""

    def __init__(self, make: Callable[[], Iterator[str]]) -> None:
        self._make = make

    def __iter__(self) -> Iterator[str]:
        return self._make()

    def __str__(self) -> str:
        return "".join(self._make())


def texts(files: dict[str, str | Pieces]) -> dict[str, str]:
    """`files` with every text whole."""
    return {path: text if isinstance(text, str) else str(text) for path, text in files.items()}
