"""Validate: check a loaded document with openapi-spec-validator, plus the few
checks it cannot locate (or crashes on), each reported with file, pointer and line.

Findings come in two strengths. *Fatal* ones (not OpenAPI 3, a `$ref` that
points nowhere) stop everything: nothing sensible can be generated. The rest are
returned as errors; `generate` without `--strict` turns them into warnings,
because a stray keyword or an odd example does not stop a real API from being
usable.
"""

from __future__ import annotations

import json
import re
from itertools import chain
from typing import Any, Iterator


from ..diagnostics import Diagnostic, SpecError, escape_pointer_token, join_pointer
from ..ir.media import HTTP_TOKEN, PATH_VARIABLE, path_item_operations
from ..limits import MAX_NAME_LENGTH, MAX_PATH_LENGTH, MAX_REF_CHAIN
from .load import Document, RefResolver

__all__ = ["check_fatal", "validate_document"]



def check_fatal(document: Document, resolver: RefResolver) -> None:
    """Raise SpecError when the document is not an OpenAPI 3 document or a $ref dangles."""
    data = document.data
    if "swagger" in data:
        raise SpecError(
            [
                document.diagnostic(
                    "/swagger",
                    f"Swagger {data['swagger']} documents are not supported: convert it to OpenAPI 3 first",
                )
            ]
        )
    version = data.get("openapi")
    if not isinstance(version, str) or not re.match(r"3\.[012]\.\d+", version):
        pointer = "/openapi" if "openapi" in data else ""
        raise SpecError(
            [document.diagnostic(pointer, f"not an OpenAPI 3.0, 3.1 or 3.2 document (openapi: {version!r})")]
        )
    problems = list(_dangling_refs(document, resolver))
    if problems:
        raise SpecError(problems)


def _dangling_refs(document: Document, resolver: RefResolver) -> Iterator[Diagnostic]:
    seen: set[tuple[str, str]] = set()
    visited_documents = {document.uri}
    # (document, node, the entry of its parent, its key there): a pointer is
    # spelled only for a finding (see `_node_problems`)
    pending: list[tuple[Document, Any, Any, Any]] = [(document, document.data, None, None)]
    while pending:
        entry = pending.pop()
        doc, node = entry[0], entry[1]
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and (ref, doc.uri) not in seen:
                seen.add((ref, doc.uri))
                try:
                    _, uri, _ = resolver.lookup(ref, doc.uri)
                except LookupError as exc:  # its message says why (a limit of generator.limits, or nowhere)
                    yield doc.diagnostic(_entry_pointer(entry) + "/$ref", exc.args[0] if exc.args else f"$ref {ref!r} does not resolve")
                except SpecError as exc:
                    yield doc.diagnostic(_entry_pointer(entry) + "/$ref", f"$ref {ref!r}: the referenced file cannot be read")
                    yield from exc.diagnostics
                else:
                    chain = _chain_length(resolver, ref, doc.uri)
                    if chain > MAX_REF_CHAIN:
                        yield doc.diagnostic(
                            _entry_pointer(entry) + "/$ref",
                            f"$ref {ref!r} starts a chain of more than {MAX_REF_CHAIN} $refs (limit MAX_REF_CHAIN)",
                        )
                        continue
                    if uri not in visited_documents:
                        visited_documents.add(uri)
                        other = resolver.document(uri)
                        pending.append((other, other.data, None, None))
            if (  # what `_oversized_names` reads, looked at first: it is called for a few nodes only
                "name" in node or "operationId" in node or entry[-1] in ("paths", "properties")
                or (entry[-2] is not None and entry[-2][-1] == "components")
            ):
                yield from _oversized_names(doc, node, entry)
            for key, value in node.items():
                if isinstance(value, (dict, list)) and not (
                    key in _DATA_KEYS or key.startswith("x-") or (key == "value" and _is_data(key, _entry_pointer(entry)))
                ):
                    pending.append((doc, value, entry, key))
        elif isinstance(node, list):
            pending.extend((doc, value, entry, index) for index, value in enumerate(node) if isinstance(value, (dict, list)))


def _entry_pointer(entry: tuple[Any, ...]) -> str:
    """The JSON pointer of a walk's entry (…, the entry of its parent, its key there)."""
    tokens: list[str] = []
    while entry[-2] is not None:
        key = entry[-1]
        tokens.append(str(key) if isinstance(key, int) else escape_pointer_token(key))
        entry = entry[-2]
    return "".join("/" + token for token in reversed(tokens))


def _chain_length(resolver: RefResolver, ref: str, uri: str) -> int:
    """How many `$ref`s are followed from `ref` to a value that is not one,
    counting no further than MAX_REF_CHAIN + 1 (a loop counts as its length)."""
    seen: set[tuple[str, str]] = set()
    hops = 0
    node: Any = {"$ref": ref}
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and hops <= MAX_REF_CHAIN:
        try:
            node, uri, target = resolver.lookup(node["$ref"], uri)
        except (LookupError, SpecError):
            break  # reported where that $ref is written
        if (uri, target) in seen:
            break
        seen.add((uri, target))
        hops += 1
    return hops


def _oversized_names(doc: Document, node: dict[Any, Any], entry: tuple[Any, ...]) -> Iterator[Diagnostic]:
    """Names longer than MAX_NAME_LENGTH (paths longer than MAX_PATH_LENGTH):
    each becomes an identifier or a file name, and name splitting is linear in
    their length only up to a point a reader would care about."""
    # The keys of `paths`, of `properties` and of each `components/...` mapping become names too.
    for key in ("name", "operationId"):
        value = node.get(key)
        if isinstance(value, str) and len(value) > MAX_NAME_LENGTH and (key == "operationId" or "in" in node):
            yield doc.diagnostic(
                _entry_pointer(entry) + "/" + key,
                f"{key} is {len(value):,} characters long, more than {MAX_NAME_LENGTH:,} (limit MAX_NAME_LENGTH)",
            )
    parent, key = entry[-2], entry[-1]
    at_root = parent is not None and parent[-2] is None
    in_components = parent is not None and parent[-2] is not None and parent[-2][-2] is None and parent[-1] == "components"
    is_paths = at_root and key == "paths"
    if is_paths or key == "properties" or in_components:
        limit, what = (MAX_PATH_LENGTH, "MAX_PATH_LENGTH") if is_paths else (MAX_NAME_LENGTH, "MAX_NAME_LENGTH")
        for name in node:
            if isinstance(name, str) and len(name) > limit:
                yield doc.diagnostic(
                    _entry_pointer(entry) + "/" + escape_pointer_token(name[:40]) + "...",
                    f"the name is {len(name):,} characters long, more than {limit:,} (limit {what})",
                )


_DATA_KEYS = frozenset(("example", "examples", "default", "enum", "const"))
_EXAMPLE_OBJECT = re.compile(r"/components/examples/[^/]+\Z")


def _is_data(key: str, pointer: str) -> bool:
    """Whether the value at `key` is data, where a `$ref` is a value rather than a
    reference: examples, defaults, enums, extensions (`x-...`) and an Example
    object's `value`."""
    return key in _DATA_KEYS or key.startswith("x-") or (key == "value" and bool(_EXAMPLE_OBJECT.search(pointer)))


def validate_document(document: Document, resolver: RefResolver) -> list[Diagnostic]:
    """All problems of a document that passed `check_fatal`, in document order:
    the document against OpenAPI's JSON Schema (openapi-spec-validator's own
    check, in jsonschema-rs), then openapi-spec-validator's further checks
    (`spec_checks`, over plain dicts), then ours."""
    # Imported here: the validator is slow to import and reading a spec without
    # validating it (`dixagen diff`) does not need it.
    from .spec_checks import SpecChecks
    from .validator_messages import describe, schema_validator_for_version

    problems: list[Diagnostic] = []
    seen: set[Diagnostic] = set()
    try:
        whole = schema_validator_for_version(str(document.data.get("openapi", "")))
        for error in chain(whole.iter_errors(document.data), SpecChecks(document, resolver).iter_errors()):
            problem = describe(error, document, resolver)
            if problem not in seen:  # the whole-document check and a schema's own may find the same
                seen.add(problem)
                problems.append(problem)
    except RecursionError:
        problems.append(document.diagnostic("", "the validator could not finish: schemas nest too deeply"))
    except Exception as exc:  # the validator's own failure must not become a traceback
        problems.append(document.diagnostic("", f"the validator could not finish: {type(exc).__name__}: {exc}"))
    problems.extend(_operation_problems(document, resolver))
    reported = {problem.pointer for problem in problems}
    enums, parameters = _node_problems(document)
    problems.extend(p for p in enums if p.pointer not in reported)
    problems.extend(_unusable_paths(document))
    problems.extend(parameters)
    return problems


def _unusable_paths(document: Document) -> Iterator[Diagnostic]:
    """Paths that do not start with `/`: the build leaves them out."""
    paths = document.data.get("paths")
    if isinstance(paths, dict):
        for path in paths:
            if isinstance(path, str) and not path.startswith(("/", "x-")):
                yield document.diagnostic(
                    join_pointer("paths", path), f"path {path!r} does not start with '/': it is left out"
                )


def _node_problems(document: Document) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """One walk of every object of the document (data left out) for two checks:
    an `enum` that lists a value twice (the second one can never be told
    apart), and header and cookie parameters whose name no HTTP message can
    carry (the build leaves them out). A node's pointer is spelled only for a
    finding: spelling each of Graph's 800,000 took longer than the checks."""
    enums: list[Diagnostic] = []
    parameters: list[Diagnostic] = []
    # (node, the entry of its parent, its key there)
    pending: list[tuple[Any, Any, Any]] = [(document.data, None, None)]
    while pending:
        entry = pending.pop()
        node = entry[0]
        if isinstance(node, dict):
            enum = node.get("enum")
            if isinstance(enum, list) and len(enum) > 1:
                repeated = _repeated_value(enum)
                if repeated is not None:
                    enums.append(document.diagnostic(
                        _entry_pointer(entry) + "/enum", f"enum lists {repeated} more than once", severity="warning"
                    ))
            name = node.get("name")
            if node.get("in") in ("header", "cookie") and isinstance(name, str) and not HTTP_TOKEN.fullmatch(name):
                parameters.append(document.diagnostic(
                    _entry_pointer(entry) + "/name",
                    f"{node['in']} name {name!r} is not an HTTP token (ASCII letters, digits, -, _ ...): "
                    "the parameter is left out",
                ))
            for key, value in node.items():
                if isinstance(value, (dict, list)) and not (
                    key in _DATA_KEYS or key.startswith("x-") or (key == "value" and _is_data(key, _entry_pointer(entry)))
                ):
                    pending.append((value, entry, key))
        elif isinstance(node, list):
            pending.extend((value, entry, index) for index, value in enumerate(node) if isinstance(value, (dict, list)))
    return enums, parameters


def _repeated_value(enum: list[Any]) -> str | None:
    """The first value `enum` lists twice, as JSON spells it (1, 1.0 and true kept apart as JSON does)."""
    seen: set[Any] = set()
    for value in enum:
        key = ("string", value) if type(value) is str else json.dumps(value, sort_keys=True)
        if key in seen:
            return json.dumps(value, sort_keys=True)
        seen.add(key)
    return None


def _ref_loop(node: Any, document: Document, resolver: RefResolver) -> str | None:
    """The `$ref` of a chain of references that comes back to itself, if `node` starts one."""
    seen: set[tuple[str, str]] = set()
    uri = document.uri
    first = node.get("$ref") if isinstance(node, dict) else None
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        try:
            node, target, pointer = resolver.lookup(ref, uri)
        except (LookupError, SpecError):
            return None  # a dangling reference is reported on its own
        if (target, pointer) in seen:
            return str(first)
        seen.add((target, pointer))
        uri = target
    return None


def _operation_problems(document: Document, resolver: RefResolver) -> Iterator[Diagnostic]:
    paths = document.data.get("paths")
    if not isinstance(paths, dict):
        return
    owners: dict[str, str] = {}
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        item_pointer = join_pointer("paths", path)
        shared = _parameter_names(item.get("parameters"), document, resolver)
        variables = PATH_VARIABLE.findall(path)
        for method, key, operation in path_item_operations(item, str(document.data.get("openapi", ""))):
            pointer = f"{item_pointer}/{key}"
            if key.startswith("additionalOperations/") and not HTTP_TOKEN.fullmatch(method):
                yield document.diagnostic(pointer, f"{method!r} is not an HTTP method name (RFC 9110 token)")
                continue
            if not isinstance(operation, dict):
                continue
            operation_id = operation.get("operationId")
            if isinstance(operation_id, str):
                if operation_id in owners:
                    yield document.diagnostic(
                        pointer + "/operationId",
                        f"duplicate operationId {operation_id!r} (first used at #{owners[operation_id]})",
                    )
                else:
                    owners[operation_id] = pointer
            body = operation.get("requestBody")
            loop = _ref_loop(body, document, resolver)
            if loop is not None:
                yield document.diagnostic(
                    pointer + "/requestBody/$ref",
                    f"the request body is a $ref ({loop!r}) that leads back to itself: "
                    "the operation is generated without a body",
                    severity="warning",
                )
            declared = shared | _parameter_names(operation.get("parameters"), document, resolver)
            for variable in variables:
                if variable not in declared:
                    yield document.diagnostic(
                        pointer,
                        f"path parameter {variable!r} of {method} {path} is not declared in parameters",
                    )


def _parameter_names(parameters: Any, document: Document, resolver: RefResolver) -> set[str]:
    names: set[str] = set()
    if not isinstance(parameters, list):
        return names
    for parameter in parameters:
        if isinstance(parameter, dict) and isinstance(parameter.get("$ref"), str):
            try:
                parameter, _, _ = resolver.lookup(parameter["$ref"], document.uri)
            except (LookupError, SpecError):
                continue
        if isinstance(parameter, dict) and parameter.get("in") == "path":
            names.add(str(parameter.get("name")))
    return names
