"""Reading a spec to its normalized IR: load, validate, build, then the passes. Everything after reads the IR this returns.

Validation is the schema's (`validate`) and, where the spec is read to be
generated or validated, the lints (`lints`), which check the examples against
the spec as the wire speaks it and mark those the stub cannot answer. Reading
for the diff or the release version skips both."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..diagnostics import Diagnostic, SpecError
from ..ir.build import build_api
from ..ir.model import Api
from ..ir.passes import examples, normalize
from .lints import lint as lint_api
from .load import RefResolver, load_document
from .validate import check_fatal, validate_document


@dataclass
class Loaded:
    api: Api
    warnings: list[Diagnostic] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)  # validation's own, as found (warnings holds them too)


def read_api(
    path: Path,
    *,
    strict: bool = True,
    validate: bool = True,
    dialect: Literal["auto", "tapir", "plain"] = "auto",
    lint: bool | None = None,
    accepted: Mapping[str, str] | None = None,
    ref_roots: tuple[Path, ...] = (),
    kept_names: Mapping[str, str] | None = None,
    known_types: frozenset[str] | None = None,
) -> Loaded:
    """Load, validate, build and normalize one spec.

    With `strict`, any validation problem is an error (SpecError); without it,
    problems that do not stop generation come back as warnings. The lints run
    with `lint` (by default, when validating), `accepted` spellings (format →
    pattern) making theirs information rather than warnings. A `$ref` reads
    files under the spec's folder and the `ref_roots`. `kept_names` are the
    class names the previous release shipped (`Api.kept_names`), which the
    naming pass keeps, and `known_types` the named types it had where the
    spec changed since (`Api.known_types`).
    """
    document = load_document(path)
    resolver = RefResolver(document, ref_roots)
    check_fatal(document, resolver)
    problems = validate_document(document, resolver) if validate else []
    if problems and strict:
        raise SpecError(problems)
    try:
        api = build_api(document, resolver)
        api.dialect = dialect
        api.document = document.data
        api.kept_names = dict(kept_names or {})
        api.known_types = known_types
        normalize(api)
        findings: list[Diagnostic] = []
        if validate if lint is None else lint:
            lints = lint_api(api, document, accepted)
            examples.mark(lints.off_schema)
            findings = lints.warnings
    except SpecError:
        raise
    except Exception:
        # An invalid document can trip the build; its validation problems
        # say what is wrong better than the build's failure would.
        if problems:
            raise SpecError(problems) from None
        raise
    return Loaded(api=api, warnings=_as_warnings(problems) + findings, problems=problems)


def _as_warnings(problems: list[Diagnostic]) -> list[Diagnostic]:
    return [Diagnostic(p.message, p.file, p.pointer, p.line, "warning") for p in problems]


class Reading:
    """Several specs read together, each loaded, validated, built and
    normalized in turn (`read_api`); `apis` holds them. `kept_names` holds,
    per API, the class names its previous release shipped, and `known_types`
    the named types it had (see `read_api`).

    Validation runs here, on the document already loaded, before it is built:
    it costs a few percent of the build (2 s of Microsoft Graph's minute),
    while a worker beside the build would load and hold a second copy of the
    document (300 MB for Graph). With `strict`, the first spec with problems
    raises them (SpecError) before anything is built; without it, they are on
    its `Loaded` as warnings. `finish()` returns the specs; nothing may be
    written before. Used as a context manager, it reports a failure of what is
    done with the specs meanwhile (rendering an invalid document) as the
    validation problems that explain it, if any.
    """

    def __init__(
        self,
        paths: Mapping[str, Path],
        *,
        strict: bool = True,
        dialect: Literal["auto", "tapir", "plain"] = "auto",
        accepted: Mapping[str, str] | None = None,
        ref_roots: tuple[Path, ...] = (),
        kept_names: Mapping[str, Mapping[str, str]] | None = None,
        known_types: Mapping[str, frozenset[str] | None] | None = None,
    ) -> None:
        kept_names = kept_names or {}
        known_types = known_types or {}
        self.apis: dict[str, Loaded] = {}
        for name, path in paths.items():
            self.apis[name] = read_api(
                path, strict=strict, dialect=dialect, lint=True, accepted=accepted, ref_roots=ref_roots,
                kept_names=kept_names.get(name), known_types=known_types.get(name),
            )

    def finish(self) -> dict[str, Loaded]:
        return self.apis

    def __enter__(self) -> Reading:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> None:
        """A failure while the specs are used (rendering an invalid document)
        is reported as the validation problems that explain it, if any."""
        if isinstance(error, Exception) and not isinstance(error, SpecError):
            self._raise_problems_of(self.apis)

    def _raise_problems_of(self, names: Iterable[str]) -> None:
        """Raise the validation problems of the first of `names` that has any."""
        for name in names:
            problems = self.apis[name].problems
            if problems:
                raise SpecError(problems) from None
