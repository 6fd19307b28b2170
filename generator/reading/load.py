"""Load: read an OpenAPI document (YAML or JSON) and resolve its `$ref`s.

Lines are remembered for every mapping and list so that later stages can say
where a problem is. `$ref` resolution, local and across files, is done by the
`referencing` library; this module only teaches it how to read our files.
"""

from __future__ import annotations

import bisect
import errno
import functools
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import referencing
import referencing.exceptions
import yaml  # type: ignore[import-untyped]  # PyYAML ships no annotations

from ..diagnostics import Diagnostic, SpecError, escape_pointer_token
from ..limits import MAX_ALIAS_NODES, MAX_DEPTH, MAX_FILE_BYTES, MAX_FILES, MAX_REFS

__all__ = ["Document", "RefResolver", "load_document"]


class _Loader(yaml.CSafeLoader):  # type: ignore[misc]
    """Safe YAML loader that keeps timestamps as strings (wire data is JSON)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# YAML 1.1's `=` (the "value" key type) resolves to a tag PyYAML has no constructor for;
# in JSON data it can only mean the string "=" (`operator: =`).
_Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


@dataclass
class Document:
    """One parsed file: its data and where each mapping/list started (YAML), or
    its text, where lines are found when asked for (JSON: parsing it with
    positions would cost every run what only a problem needs)."""

    path: Path
    data: Any
    lines: dict[int, int] = field(default_factory=dict)
    json_text: str | None = None
    _json_members: dict[int, dict[str, int]] = field(default_factory=dict, repr=False, compare=False)
    _newlines: list[int] | None = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def uri(self) -> str:
        return self.path.resolve().as_uri()

    def line_of(self, pointer: str) -> int | None:
        """Line of the deepest container on the way to `pointer` (1-based)."""
        if self.json_text is not None:
            if self._newlines is None:
                self._newlines = [m.start() for m in re.finditer("\n", self.json_text)]
            offset = _json_offset(self.json_text, pointer, self._json_members)
            return bisect.bisect_left(self._newlines, offset) + 1
        node = self.data
        line = self.lines.get(id(node))
        for raw in pointer.split("/")[1:] if pointer else []:
            token = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                break
            line = self.lines.get(id(node), line)
        return line

    def diagnostic(self, pointer: str, message: str, severity: str = "error") -> Diagnostic:
        return Diagnostic(
            message=message,
            file=str(self.path),
            pointer=pointer,
            line=self.line_of(pointer),
            severity=severity,  # type: ignore[arg-type]
        )


def _compose_yaml(text: str, path: Path) -> tuple[Any, dict[int, int], list[Diagnostic]]:
    lines: dict[int, int] = {}
    problems: list[Diagnostic] = []
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    if root is None:
        return None, lines, problems

    # Every node is built once per path that reaches it: an alias (`*a`) is a
    # copy of its anchor's tree. Without aliases a document has fewer nodes
    # than characters, so the budget is the text's length plus MAX_ALIAS_NODES.
    budget = [len(text) + MAX_ALIAS_NODES]

    def build(node: yaml.Node, pointer: str, depth: int = 0) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise SpecError([Diagnostic(
                f"YAML aliases expand to more than {MAX_ALIAS_NODES:,} extra nodes (limit MAX_ALIAS_NODES)",
                str(path), pointer, node.start_mark.line + 1,
            )])
        if depth > MAX_DEPTH:
            raise SpecError([_too_deep(path, pointer, node.start_mark.line + 1)])
        if isinstance(node, yaml.ScalarNode):
            return node.value if node.tag == _STR else loader.construct_object(node, deep=True)
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            lines[id(result)] = node.start_mark.line + 1
            if any(key.tag == _MERGE for key, _ in node.value):
                loader.flatten_mapping(node)
            for key_node, value_node in node.value:
                key = key_node.value if key_node.tag == _STR else loader.construct_object(key_node, deep=True)
                if not isinstance(key, str):
                    key = json.dumps(key) if isinstance(key, bool) or key is None else str(key)
                child = pointer + "/" + escape_pointer_token(key)
                if key in result:
                    problems.append(
                        Diagnostic(f"duplicate key {key!r}", str(path), child, key_node.start_mark.line + 1)
                    )
                result[key] = build(value_node, child, depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            items: list[Any] = []
            lines[id(items)] = node.start_mark.line + 1
            for index, item in enumerate(node.value):
                items.append(build(item, f"{pointer}/{index}", depth + 1))
            return items
        return loader.construct_object(node, deep=True)

    return build(root, ""), lines, problems


def _too_deep(path: Path, pointer: str, line: int | None) -> Diagnostic:
    return Diagnostic(f"the document nests deeper than {MAX_DEPTH} levels (limit MAX_DEPTH)", str(path), pointer, line)


def _read_bounded(path: Path, where: str, *, regular_only: bool) -> bytes:
    """The bytes of `path`, at most MAX_FILE_BYTES of them. With `regular_only`
    (a file a `$ref` names), a device, FIFO or socket is refused before it is
    read: `/dev/zero` never ends and a FIFO blocks until someone writes to it.
    The file is opened without blocking and checked on the open descriptor, so
    that it cannot be swapped between the check and the read."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise SpecError([Diagnostic("file not found", where)]) from None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise SpecError([Diagnostic("cannot read file: its name is too long", where)]) from None
        raise SpecError([Diagnostic(f"cannot read file: {exc.strerror}", where)]) from None
    with os.fdopen(descriptor, "rb") as handle:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise SpecError([Diagnostic("is a directory, not a file", where)])
        if regular_only and not stat.S_ISREG(mode):
            raise SpecError([Diagnostic("not a regular file (a device, FIFO or socket): a $ref reads only files", where)])
        if not stat.S_ISREG(mode):
            os.set_blocking(descriptor, True)  # a pipe given on the command line (`<(...)`) is waited for
        try:
            raw = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise SpecError([Diagnostic(f"cannot read file: {exc.strerror}", where)]) from None
    if raw is None or len(raw) > MAX_FILE_BYTES:
        raise SpecError([Diagnostic(f"file larger than {MAX_FILE_BYTES:,} bytes (limit MAX_FILE_BYTES)", where)])
    return raw


def _check_depth(data: Any, path: Path, document: Document) -> None:
    """Refuse JSON nested deeper than MAX_DEPTH (YAML is checked while it is built).
    The pointers are only made once a document is found too deep: a big spec
    (millions of containers) pays for the depth alone."""
    level: list[Any] = [data]
    for _ in range(MAX_DEPTH + 1):  # one level of containers at a time
        below: list[Any] = []
        for node in level:
            children = node.values() if type(node) is dict else node
            below += [child for child in children if type(child) is dict or type(child) is list]
        if not below:
            return
        level = below
    pending: list[tuple[Any, str, int]] = [(data, "", 0)]
    while pending:
        node, pointer, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise SpecError([_too_deep(path, pointer, document.line_of(pointer))])
        if isinstance(node, dict):
            pending.extend((v, pointer + "/" + escape_pointer_token(k), depth + 1) for k, v in node.items() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            pending.extend((v, f"{pointer}/{i}", depth + 1) for i, v in enumerate(node) if isinstance(v, (dict, list)))


def load_document(path: Path, *, regular_only: bool = False) -> Document:
    """Read one file; raise SpecError with a located message when it cannot be
    read or exceeds a limit of `generator.limits`. `regular_only` refuses
    anything but a regular file (a `$ref`'s target)."""
    where = str(path)
    raw = _read_bounded(path, where, regular_only=regular_only)
    if b"\x00" in raw:
        raise SpecError([Diagnostic("binary file: expected an OpenAPI document in YAML or JSON", where)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError([Diagnostic(f"not UTF-8 text (byte {exc.start})", where)]) from None
    if not text.strip():
        raise SpecError([Diagnostic("empty file: expected an OpenAPI document", where)])

    lines: dict[int, int] = {}
    problems: list[Diagnostic] = []
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError([Diagnostic(f"JSON syntax error: {exc.msg} (column {exc.colno})", where, "", exc.lineno)]) from None
        except RecursionError:
            raise SpecError([_too_deep(path, "", None)]) from None
    else:
        try:
            data, lines, problems = _compose_yaml(text, path)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            message = " ".join(filter(None, [exc.context, exc.problem])) or "syntax error"
            raise SpecError([Diagnostic(f"YAML syntax error: {message}", where, "", line)]) from None
        except yaml.YAMLError as exc:
            raise SpecError([Diagnostic(f"YAML error: {exc}", where)]) from None
        except RecursionError:
            raise SpecError([_too_deep(path, "", None)]) from None
    if problems:
        raise SpecError(problems)
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "nothing"
        raise SpecError([Diagnostic(f"the document root must be a mapping, found {kind}", where, "", 1)])
    document = Document(path=path, data=data, lines=lines, json_text=text if path.suffix.lower() == ".json" else None)
    if document.json_text is not None:
        _check_depth(data, path, document)
    if _lone_surrogate_escape(text):
        _without_lone_surrogates(data)
    return document


# A lone surrogate can only come from an escape (`"\\ud800"`: the text itself is UTF-8)
# that is not half of a pair (`"\\ud83d\\ude00"` is one emoji).
_ESCAPED_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate_escape(text: str) -> bool:
    """Whether `text` escapes a lone surrogate: `str.find` skips to the few
    `\\uD...` escapes (a regex search over 47 MB takes seconds)."""
    for prefix in ("\\ud", "\\uD"):
        start = text.find(prefix)
        while start >= 0:
            if _ESCAPED_SURROGATE.match(text, start):
                return True
            start = text.find(prefix, start + 1)
    return False


def _without_lone_surrogates(data: Any) -> Any:
    """`data` with every lone surrogate (`"\\ud800"` in JSON, not half of a pair)
    replaced by U+FFFD. It is not a character: UTF-8 cannot write it, so every
    file it would reach (a docstring, pyproject.toml, the stub's JSON) could not be
    written or read back. Containers change in place: YAML's lines are kept by identity."""
    if isinstance(data, str):
        return _SURROGATE.sub("\ufffd", data)
    if isinstance(data, list):
        data[:] = [_without_lone_surrogates(item) for item in data]
        return data
    if isinstance(data, dict):
        items = [(_without_lone_surrogates(key), _without_lone_surrogates(value)) for key, value in data.items()]
        data.clear()
        data.update(items)
        return data
    return data


_JSON = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


def _json_offset(text: str, pointer: str, members: dict[int, dict[str, int]]) -> int:
    """Offset where the value at `pointer` starts in JSON `text`, or the
    deepest value on the way to it that exists. `members` remembers where the
    members of each container already scanned start, so that looking up many
    pointers (a line for every schema) scans each container once."""
    index = found = _SPACE.match(text).end()  # type: ignore[union-attr]
    try:
        for raw in pointer.split("/")[1:] if pointer else []:
            token = raw.replace("~1", "/").replace("~0", "~")
            if index not in members:
                members[index] = _json_members(text, index)
            index = members[index][token]
            found = index
    except (ValueError, IndexError, LookupError):
        pass
    return found


def _json_members(text: str, index: int) -> dict[str, int]:
    """Where each member of the object or array starting at `index` starts (by
    key, or by position as a string for an array); empty for a scalar."""
    opening, position = text[index], _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
    found: dict[str, int] = {}
    if opening not in "{[":
        return found
    count = 0
    while text[position] not in "}]":
        if opening == "{":
            key, position = _JSON.raw_decode(text, position)
            position = _SPACE.match(text, _SPACE.match(text, position).end() + 1).end()  # type: ignore[union-attr]
            found.setdefault(str(key), position)
        else:
            found[str(count)] = position
        _, position = _JSON.raw_decode(text, position)
        position = _SPACE.match(text, position).end()  # type: ignore[union-attr]
        if text[position] == ",":
            position = _SPACE.match(text, position + 1).end()  # type: ignore[union-attr]
        count += 1
    return found


class RefResolver:
    """Resolves `$ref`s from the root document and any file it points to.

    Files are read lazily through `load_document`, so a problem in a referenced
    file is reported with that file's own name and line.
    """

    def __init__(self, root: Document, ref_roots: tuple[Path, ...] = ()) -> None:
        self.root = root
        # Folders a `$ref` may read files from: the spec's own, and those the user allows.
        self.ref_roots = tuple(dict.fromkeys(p.resolve() for p in (root.path.parent, *ref_roots)))
        self.documents: dict[str, Document] = {root.uri: root}
        self.failures: dict[str, SpecError] = {}
        self._found: dict[tuple[str, str], tuple[Any, str, str]] = {}
        registry: referencing.Registry[Any] = referencing.Registry(retrieve=self._retrieve)  # type: ignore[call-arg]  # an attrs alias
        registry = registry.with_resource(root.uri, referencing.Resource.opaque(root.data))
        self._resolver = registry.resolver(base_uri=root.uri)

    def _retrieve(self, uri: str) -> referencing.Resource[Any]:
        parsed = urlparse(uri)
        if parsed.scheme != "file":
            raise referencing.exceptions.NoSuchResource(ref=uri)  # type: ignore[call-arg]  # an attrs field
        try:
            document = self._load(Path(unquote(parsed.path)))
        except SpecError as exc:
            self.failures[uri] = exc
            raise referencing.exceptions.NoSuchResource(ref=uri) from None  # type: ignore[call-arg]
        self.documents[uri] = document
        return referencing.Resource.opaque(document.data)

    def _load(self, path: Path) -> Document:
        """A file a `$ref` names: a regular file under one of `ref_roots`, and
        no more than MAX_FILES of them."""
        where = str(path)
        try:
            real = path.resolve()
        except (OSError, RuntimeError):  # a symlink loop
            raise SpecError([Diagnostic("cannot read file: its path does not resolve", where)]) from None
        if not any(real.is_relative_to(folder) for folder in self.ref_roots):
            allowed = ", ".join(str(folder) for folder in self.ref_roots)
            raise SpecError([Diagnostic(
                f"outside the folders a $ref may read ({allowed}; --allow-refs-under adds one)", where
            )])
        if len(self.documents) >= MAX_FILES:
            raise SpecError([Diagnostic(f"a spec may read at most {MAX_FILES:,} files (limit MAX_FILES)", where)])
        return load_document(path, regular_only=True)

    def lookup(self, ref: str, base_uri: str) -> tuple[Any, str, str]:
        """Return (contents, document uri, pointer) for `ref` seen in `base_uri`."""
        key = (ref, base_uri)
        found = self._found.get(key)
        if found is None:
            if len(self._found) >= MAX_REFS:
                raise LookupError(f"more than {MAX_REFS:,} distinct $refs (limit MAX_REFS)")
            found = self._found[key] = self._lookup(ref, base_uri)
        return found

    def _lookup(self, ref: str, base_uri: str) -> tuple[Any, str, str]:
        target = urljoin(base_uri, ref)
        uri, fragment = urldefrag(target)
        try:
            resolved = self._resolver.lookup(target)
        except referencing.exceptions.Unresolvable:
            if uri in self.failures:
                raise self.failures[uri] from None
            raise LookupError(f"$ref {ref!r} does not resolve") from None
        except (ValueError, TypeError, IndexError, KeyError):
            # `referencing` reads a pointer token into a list as an index (`#/list/name` fails so)
            raise LookupError(f"$ref {ref!r} does not resolve") from None
        return resolved.contents, uri, unquote(fragment)

    def document(self, uri: str) -> Document:
        return self.documents[uri]

    def referencing_resolver(self, uri: str) -> Any:
        """A `referencing` resolver whose base is the file at `uri` (one this
        resolver has read): jsonschema follows a schema's `$ref`s with it."""
        if uri == self.root.uri:
            return self._resolver
        return self._resolver.lookup(uri).resolver
