"""Reading a spec to its normalized IR: load, validate (in a worker process while the
IR is built), build, then the passes. Everything after reads the IR this returns.

Validation is the schema's (`validate`) and, where the spec is read to be
generated or validated, the lints (`lints`), which check the examples against
the spec as the wire speaks it and mark those the stub cannot answer. Reading
for the diff or the release version skips both."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
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
from .worker import worker_pool


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
    return Loaded(api=api, warnings=_as_warnings(problems) + findings)


def _as_warnings(problems: list[Diagnostic]) -> list[Diagnostic]:
    return [Diagnostic(p.message, p.file, p.pointer, p.line, "warning") for p in problems]


def _problems(path: Path, ref_roots: tuple[Path, ...] = ()) -> list[Diagnostic]:
    """The validation problems of one spec; fatal ones are left to the caller,
    which finds them while reading the spec itself."""
    try:
        document = load_document(path)
    except SpecError:
        return []
    resolver = RefResolver(document, ref_roots)
    try:
        check_fatal(document, resolver)
    except SpecError:
        return []
    return validate_document(document, resolver)


class Reading:
    """Several specs read together: built here while a worker process validates
    them, so that rendering can start before validation ends. `kept_names`
    holds, per API, the class names its previous release shipped, and
    `known_types` the named types it had (see `read_api`).

    Schema validation is the slowest step of reading (openapi-spec-validator
    walks every schema) and needs nothing the build makes, so the two run side
    by side. `apis` holds the built specs; `finish()` waits for validation and
    raises, with `strict`, the problems of the first spec that has any, else
    puts them on each `Loaded` as warnings. Nothing may be written before
    `finish()` returns. Used as a context manager, it reports a failure of
    what is done with the specs meanwhile as the validation problems that
    explain it, if any. Where processes cannot be forked cheaply, each spec is
    validated before it is built, as `read_api` does.
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
        self.strict = strict
        self.accepted = accepted
        self.ref_roots = ref_roots
        self.kept_names = kept_names or {}
        self.known_types = known_types or {}
        self.apis: dict[str, Loaded] = {}
        self._pool: ProcessPoolExecutor | None = None
        self._pending: dict[str, Future[list[Diagnostic]]] = {}
        if "fork" not in multiprocessing.get_all_start_methods():
            self.apis = {
                name: read_api(
                    path, strict=strict, dialect=dialect, accepted=accepted, ref_roots=ref_roots,
                    kept_names=self.kept_names.get(name), known_types=self.known_types.get(name),
                )
                for name, path in paths.items()
            }
            return
        self._pool = worker_pool()
        try:
            self._pending = {name: self._pool.submit(_problems, path, ref_roots) for name, path in paths.items()}
            for name, path in paths.items():
                self.apis[name] = self._build(name, path, dialect)
        except BaseException:
            self.close()
            raise

    def _build(self, name: str, path: Path, dialect: Literal["auto", "tapir", "plain"]) -> Loaded:
        try:
            return read_api(
                path, strict=False, validate=False, dialect=dialect, lint=True, accepted=self.accepted,
                ref_roots=self.ref_roots, kept_names=self.kept_names.get(name),
                known_types=self.known_types.get(name),
            )
        except SpecError:
            raise
        except Exception:
            # An invalid document can trip the build; its validation problems
            # say what is wrong better than the build's failure would.
            self._raise_problems_of([name])
            raise

    def finish(self) -> dict[str, Loaded]:
        try:
            for name, future in self._pending.items():
                problems = future.result()
                if problems and self.strict:
                    raise SpecError(problems)
                self.apis[name].warnings[:0] = _as_warnings(problems)
            return self.apis
        finally:
            self.close()

    def __enter__(self) -> Reading:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> None:
        """A failure while the specs are used (rendering an invalid document)
        is reported as the validation problems that explain it, if any."""
        try:
            if isinstance(error, Exception) and not isinstance(error, SpecError):
                self._raise_problems_of(self._pending)
        finally:
            self.close()

    def _raise_problems_of(self, names: Iterable[str]) -> None:
        """Raise the validation problems of the first of `names` that has any."""
        for name in names:
            problems = self._pending[name].result()
            if problems:
                raise SpecError(problems) from None

    def close(self) -> None:
        """Stop the worker, waiting for it: a pool left to stop on its own races
        the interpreter's exit (`OSError: Bad file descriptor` from its wakeup
        pipe). Validation still queued is cancelled; one under way is let finish."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
