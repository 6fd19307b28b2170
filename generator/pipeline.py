"""The steps strung together: a spec path in, an API (IR) or a package out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .build import build_api
from .diagnostics import Diagnostic, SpecError
from .ir import Api
from .load import RefResolver, load_document
from .passes import normalize
from .validate import check_fatal, validate_document


@dataclass
class Loaded:
    api: Api
    warnings: list[Diagnostic] = field(default_factory=list)


def read_api(
    path: Path,
    *,
    strict: bool = True,
    validate: bool = True,
    dialect: Literal["auto", "tapir", "plain"] = "auto",
) -> Loaded:
    """Load, validate, build and normalize one spec.

    With `strict`, any validation problem is an error (SpecError); without it,
    problems that do not stop generation come back as warnings.
    """
    document = load_document(path)
    resolver = RefResolver(document)
    check_fatal(document, resolver)
    problems = validate_document(document, resolver) if validate else []
    if problems and strict:
        raise SpecError(problems)
    warnings = [
        Diagnostic(p.message, p.file, p.pointer, p.line, "warning") for p in problems
    ]
    api = build_api(document, resolver)
    api.dialect = dialect
    normalize(api)
    return Loaded(api=api, warnings=warnings)
