"""Validate: check a loaded document with openapi-spec-validator, plus the few
checks it cannot locate (or crashes on), each reported with file, pointer and line.

Findings come in two strengths. *Fatal* ones (not OpenAPI 3, a `$ref` that
points nowhere) stop everything: nothing sensible can be generated. The rest are
returned as errors; `generate` without `--strict` turns them into warnings,
because a stray keyword or an odd example does not stop a real API from being
usable.
"""

from __future__ import annotations

import re
from typing import Any, Iterator


from .diagnostics import Diagnostic, SpecError, escape_pointer_token, join_pointer
from .load import Document, RefResolver

__all__ = ["check_fatal", "validate_document"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# A path template variable; `{}` (unnamed, seen in real specs) counts too.
PATH_VARIABLE = re.compile(r"{([^{}/]*)}")


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
    if not isinstance(version, str) or not re.match(r"3\.[01]\.\d+", version):
        pointer = "/openapi" if "openapi" in data else ""
        raise SpecError(
            [document.diagnostic(pointer, f"not an OpenAPI 3.0 or 3.1 document (openapi: {version!r})")]
        )
    problems = list(_dangling_refs(document, resolver))
    if problems:
        raise SpecError(problems)


def _dangling_refs(document: Document, resolver: RefResolver) -> Iterator[Diagnostic]:
    seen: set[tuple[str, str]] = set()
    visited_documents = {document.uri}
    pending: list[tuple[Document, Any, str]] = [(document, document.data, "")]
    while pending:
        doc, node, pointer = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and (ref, doc.uri) not in seen:
                seen.add((ref, doc.uri))
                try:
                    _, uri, _ = resolver.lookup(ref, doc.uri)
                except LookupError:
                    yield doc.diagnostic(pointer + "/$ref", f"$ref {ref!r} does not resolve")
                except SpecError as exc:
                    yield doc.diagnostic(pointer + "/$ref", f"$ref {ref!r}: the referenced file cannot be read")
                    yield from exc.diagnostics
                else:
                    if uri not in visited_documents:
                        visited_documents.add(uri)
                        other = resolver.document(uri)
                        pending.append((other, other.data, ""))
            for key, value in node.items():
                if isinstance(value, (dict, list)) and key not in ("example", "examples", "default", "enum", "const"):
                    pending.append((doc, value, pointer + "/" + escape_pointer_token(key)))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, (dict, list)):
                    pending.append((doc, value, f"{pointer}/{index}"))


def validate_document(document: Document, resolver: RefResolver) -> list[Diagnostic]:
    """All problems of a document that passed `check_fatal`, in document order."""
    # Imported here: the validator is slow to import and reading a spec without
    # validating it (`dixagen diff`) does not need it.
    from openapi_spec_validator.validation.exceptions import DuplicateOperationIDError, UnresolvableParameterError

    from .validator_messages import Located30Validator, Located31Validator, describe

    problems: list[Diagnostic] = []
    seen: set[Diagnostic] = set()
    validator_class = (
        Located31Validator if str(document.data.get("openapi", "")).startswith("3.1") else Located30Validator
    )
    try:
        validator = validator_class(document.data, base_uri=document.uri)
        for error in validator.iter_errors():
            if isinstance(error, (DuplicateOperationIDError, UnresolvableParameterError)):
                continue  # reported below, with a location
            problem = describe(error, document, resolver)
            if problem not in seen:  # the whole-document check and a schema's own may find the same
                seen.add(problem)
                problems.append(problem)
    except RecursionError:
        problems.append(document.diagnostic("", "the validator could not finish: schemas nest too deeply"))
    except Exception as exc:  # the validator's own failure must not become a traceback
        problems.append(document.diagnostic("", f"the validator could not finish: {type(exc).__name__}: {exc}"))
    problems.extend(_operation_problems(document, resolver))
    return problems


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
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            pointer = f"{item_pointer}/{method}"
            operation_id = operation.get("operationId")
            if isinstance(operation_id, str):
                if operation_id in owners:
                    yield document.diagnostic(
                        pointer + "/operationId",
                        f"duplicate operationId {operation_id!r} (first used at #{owners[operation_id]})",
                    )
                else:
                    owners[operation_id] = pointer
            declared = shared | _parameter_names(operation.get("parameters"), document, resolver)
            for variable in variables:
                if variable not in declared:
                    yield document.diagnostic(
                        pointer,
                        f"path parameter {variable!r} of {method.upper()} {path} is not declared in parameters",
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
